"""Safe file writing: never write a file that matters in place; every file and folder the app makes is
readable by this user only.

Modes are set explicitly, whatever the umask (0600 files, 0700 folders): a umask is process-wide state
that any library or a caller's shell may change, and it does nothing for files an older version left
world-readable. On Windows the mode bits mean nothing; the data folder lives in the user's profile
(``%LOCALAPPDATA%``) whose ACL admits only the user, SYSTEM and Administrators, and files created there
inherit it (``outside_profile`` tells when a folder is elsewhere)."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
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
        with private_open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        replace_file(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def copy_durably(src: Path, dest: Path) -> None:
    """Copy with metadata and fsync the copy: a safety copy that a power cut can empty is no copy.

    The copy is fsynced through the handle that wrote it (Windows refuses to flush a handle opened for
    reading only) and closed before anyone renames it; then the times are copied as ``copy2`` would."""
    with open(src, "rb") as inp, private_open(dest, "wb") as out:
        shutil.copyfileobj(inp, out, 1024 * 1024)
        out.flush()
        os.fsync(out.fileno())
    shutil.copystat(src, dest)
    make_private(dest)


# Windows refuses to replace, rename or delete a file another handle has open; an antivirus scanner or
# the search indexer opens a new file for a moment right after it is written. Such a refusal is waited
# out for this long (doubling pauses) before it is reported; anything else is reported at once.
SHARING_RETRY_SECONDS = 3.0
_SHARING_ERRORS = {5, 32, 33}  # ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION


def _retry_sharing(fn, *args):
    delay, waited = 0.02, 0.0
    while True:
        try:
            return fn(*args)
        except PermissionError as exc:
            if getattr(exc, "winerror", None) not in _SHARING_ERRORS:  # (POSIX errors have none)
                raise
            if waited >= SHARING_RETRY_SECONDS:
                raise
            time.sleep(delay)
            waited += delay
            delay = min(delay * 2, 0.5)


def replace_file(src: Path, dest: Path) -> None:
    """``os.replace`` that waits out a brief sharing violation on Windows (the caller has closed ``src``)."""
    _retry_sharing(os.replace, src, dest)


def remove_file(path: Path, *, missing_ok: bool = True) -> None:
    """Delete a file, waiting out a brief sharing violation on Windows."""
    try:
        _retry_sharing(os.remove, path)
    except FileNotFoundError:
        if not missing_ok:
            raise


FILE_MODE = 0o600
DIR_MODE = 0o700


def make_private(path: Path) -> None:
    """0600 for a file, 0700 for a folder (POSIX; on Windows the profile's ACL applies)."""
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.chmod(path, DIR_MODE if os.path.isdir(path) else FILE_MODE)


def private_open(path, mode: str = "wb"):
    """``open`` for writing a new file that is readable by this user only from its first byte."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
    flags |= os.O_APPEND if "a" in mode else os.O_TRUNC
    fd = os.open(path, flags, FILE_MODE)
    try:
        if os.name == "posix":
            os.fchmod(fd, FILE_MODE)  # the file may have existed with looser rights
        return os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"}))
    except BaseException:
        os.close(fd)
        raise


def private_dir(path: Path, *, exist_ok: bool = True) -> Path:
    """mkdir (with parents) at 0700, and 0700 again if it already existed."""
    path = Path(path)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=exist_ok)
    make_private(path)
    return path


def outside_profile(folder: Path) -> bool:
    """Windows: whether ``folder`` lies outside the user's profile, where the profile's ACL (this user,
    SYSTEM, Administrators) would not protect it. Always False elsewhere (modes are set instead)."""
    if os.name != "nt":
        return False
    profile = os.environ.get("USERPROFILE")
    if not profile:
        return True
    try:
        return os.path.commonpath([os.path.abspath(folder).lower(), os.path.abspath(profile).lower()]) != (
            os.path.abspath(profile).lower()
        )
    except ValueError:  # another drive
        return True


def location_notice(folder: Path) -> str:
    """A warning when the data folder is where this user's rights alone would not guard it (Windows)."""
    if not outside_profile(folder):
        return ""
    return (
        f"データフォルダ（{folder}）が利用者のプロファイル（%USERPROFILE%）の外にあります。"
        "そこでは他の利用者も読める設定になっていることがあります。既定の場所で使うか、"
        "フォルダのアクセス権を自分だけに限ってください"
    )
