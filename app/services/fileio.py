"""Safe file writing: never write a file that matters in place."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    # Makes a rename durable on POSIX; Windows cannot open directories and does not need it.
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, fsync, then rename over it.

    A crash or a full disk leaves either the old file or the new one, never a torn mix.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def copy_durably(src: Path, dest: Path) -> None:
    """Copy with metadata and fsync the copy: a safety copy that a power cut can empty is no copy."""
    shutil.copy2(src, dest)
    with open(dest, "rb") as fh:
        os.fsync(fh.fileno())
