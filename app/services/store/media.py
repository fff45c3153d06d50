"""Where a backup can go: removable drives first, and a label for the medium the 持出し記録 names."""

from __future__ import annotations

import os
import string
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Medium:
    path: Path
    label: str  # what the 持出し記録 records: volume label and serial where the OS tells them
    removable: bool


def _windows_volume(root: str) -> tuple[str, str]:
    import ctypes

    name = ctypes.create_unicode_buffer(261)
    serial = ctypes.c_ulong()
    ok = ctypes.windll.kernel32.GetVolumeInformationW(  # type: ignore[attr-defined]
        ctypes.c_wchar_p(root), name, 261, ctypes.byref(serial), None, None, None, 0
    )
    return (name.value, f"{serial.value:08X}") if ok else ("", "")


def removable_media() -> list[Medium]:
    """Mounted removable drives (USB sticks), best first."""
    found: list[Medium] = []
    if os.name == "nt":
        import ctypes

        drive_removable = 2
        mask = ctypes.windll.kernel32.GetLogicalDrives()  # type: ignore[attr-defined]
        for i, letter in enumerate(string.ascii_uppercase):
            root = f"{letter}:\\"
            if mask & (1 << i) and ctypes.windll.kernel32.GetDriveTypeW(root) == drive_removable:  # type: ignore[attr-defined]
                label, serial = _windows_volume(root)
                found.append(
                    Medium(
                        Path(root), f"{label or letter + ':'}（シリアル {serial}）" if serial else root, True
                    )
                )
        return found
    user = os.environ.get("USER", "")
    for base in (Path("/media") / user, Path("/run/media") / user, Path("/media")):
        if base.is_dir():
            for child in sorted(base.iterdir()):
                if child.is_dir() and os.path.ismount(child):
                    found.append(Medium(child, child.name, True))
    return found


def describe(path: Path) -> str:
    """A label for any chosen folder: its drive's label/serial where known, else the folder itself."""
    path = Path(path)
    for medium in removable_media():
        try:
            path.relative_to(medium.path)
        except ValueError:
            continue
        return f"{medium.label}（{path}）"
    return str(path)
