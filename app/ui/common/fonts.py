"""Bundled Japanese fonts, loaded at start-up so a PC without Japanese fonts shows no tofu."""

from __future__ import annotations

from app.services.common.resources import GOTHIC_TTF, MINCHO_TTF, font_path

UI_FAMILY = "IPAexGothic"


def load_bundled_fonts() -> list[str]:
    """Register the bundled TTFs with Qt; returns the family names Qt now knows from them."""
    from PySide6.QtGui import QFontDatabase

    families: list[str] = []
    for name in (GOTHIC_TTF, MINCHO_TTF):
        font_id = QFontDatabase.addApplicationFont(str(font_path(name)))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families
