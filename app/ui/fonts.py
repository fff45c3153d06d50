"""Bundled Japanese fonts, loaded at start-up so a PC without Japanese fonts shows no tofu."""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"


def load_bundled_fonts() -> list[str]:
    """Register every bundled TTF; returns the family names Qt now knows from them."""
    from PySide6.QtGui import QFontDatabase

    families: list[str] = []
    for path in sorted(FONT_DIR.glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families
