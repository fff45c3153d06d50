"""Where the shipped resources (fonts, catalogues) are: the source tree, or a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)  # set by a PyInstaller build
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[3] / "resources"  # app/services/common → the checkout


def font_path(name: str) -> Path:
    return resources_dir() / "fonts" / name


GOTHIC_TTF = "ipaexg.ttf"
MINCHO_TTF = "ipaexm.ttf"
