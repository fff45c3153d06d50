"""The data folder's print folder: where a PDF for the PC's viewer waits, inside the user's profile and never
in the temp folder. The store empties it when it opens (a killed app left its PDFs) and when it closes."""

from __future__ import annotations

import contextlib
import os
import stat
import time
from pathlib import Path

PRINT_DIR = "print"
# A viewer on Windows may still hold a PDF open (a sharing violation): try again briefly, then leave
# the file for the next start rather than keep the user waiting at exit.
CLEAR_ROUNDS = 5
CLEAR_WAIT_S = 0.1

def print_dir(data_dir: Path) -> Path:
    """Where PDFs for the viewer go: inside the data folder (the user's profile), never the temp folder."""
    return Path(data_dir) / PRINT_DIR


def _remove(path: Path) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            for child in path.iterdir():
                _remove(child)
            path.rmdir()
        else:
            path.unlink()
    except FileNotFoundError:
        return True
    except PermissionError:
        # Windows: a viewer still holds the file, or it is read-only (clear that for the retry).
        if os.name == "nt":
            with contextlib.suppress(OSError):
                os.chmod(path, stat.S_IWRITE | stat.S_IREAD)
        return False
    except OSError:
        return False
    return True


def clear(data_dir: Path) -> list[Path]:
    """Remove the print folder of ``data_dir`` with every PDF in it. Called when the store opens (a killed
    app left its PDFs) and closes. A file that cannot go yet (Windows: still open in a viewer) is retried
    briefly, then left for the next time; never raises. Returns what was left."""
    folder = print_dir(data_dir)
    try:
        left = list(folder.iterdir())
    except OSError:  # no print folder (the usual case), or not readable: nothing we can do now
        return []
    for round_ in range(CLEAR_ROUNDS):
        left = [path for path in left if not _remove(path)]
        if not left:
            break
        if round_ < CLEAR_ROUNDS - 1:
            time.sleep(CLEAR_WAIT_S)
    if not left:
        with contextlib.suppress(OSError):
            folder.rmdir()
    return left


