"""Bundled Japanese fonts, loaded at start-up so a PC without Japanese fonts shows no tofu."""

from __future__ import annotations

from app.services.common.resources import GOTHIC_TTF, MINCHO_TTF, font_path
from app.services.printing.glyphs import FALLBACK_FAMILY, FALLBACK_TTF

UI_FAMILY = "IPAexGothic"


def load_bundled_fonts() -> list[str]:
    """Register the bundled TTFs with Qt; returns the family names Qt now knows from them."""
    from PySide6.QtGui import QFontDatabase

    families: list[str] = []
    for name in (GOTHIC_TTF, MINCHO_TTF, FALLBACK_TTF):
        font_id = QFontDatabase.addApplicationFont(str(font_path(name)))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families


def ui_font(point_size: float):
    """The app's font: IPAexGothic, then IPAmj明朝 for what it lacks (𠮷 …). Named explicitly because
    Qt's own fallback looks only at the system's fonts on Windows, which may not have these characters."""
    from PySide6.QtGui import QFont

    font = QFont(UI_FAMILY)
    font.setFamilies([UI_FAMILY, FALLBACK_FAMILY])
    font.setPointSizeF(point_size)
    return font
