"""Telling the coordinator what really happened when the disk or the database says no.

A full disk is not a damaged database, and another program writing for a moment is not an unexpected
error: advice meant for damage (「バックアップから復元」) would throw the day's work away. ``explain`` turns
the low-level failures that have a plain cause into ``TsunagiError``s with that cause in Japanese; it
returns ``None`` for anything else, which the caller lets through unchanged. Messages name what failed,
never the SQL or its parameters (they may hold personal data).

``display_text`` makes text from outside (a backup's manifest, a lock file) safe to put on a terminal or a
label: control characters, bidirectional overrides and lone surrogates are replaced, and length is capped.
"""

from __future__ import annotations

import errno
import os
import shutil
import unicodedata
from pathlib import Path

from app.services.common.errors import TsunagiError

SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN = 5, 6, 10, 13, 14
# Windows: ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL
_WIN_FULL = {39, 112}
# Below this much free space a write error or an I/O error from SQLite is taken to be the full disk.
LOW_SPACE = 2 * 1024 * 1024


class DiskFull(TsunagiError):
    pass


class StoreBusy(TsunagiError):
    pass


def _sqlite_code(exc: BaseException) -> int | None:
    orig = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error in .orig
    code = getattr(orig, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _sqlite_text(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig.args[0]) if getattr(orig, "args", None) else ""


def free_bytes(folder: Path) -> int | None:
    folder = Path(folder)
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def _where(folder: Path) -> str:
    anchor = Path(os.path.abspath(folder)).anchor
    return f"ドライブ {anchor.rstrip(os.sep)}" if os.name == "nt" and anchor else f"{folder} のあるディスク"


def disk_full_message(folder: Path, doing: str = "保存") -> str:
    free = free_bytes(folder)
    left = f"（残り {free / 1024 / 1024:.1f} MB）" if free is not None else ""
    return (
        f"{_where(folder)}の空き容量が足りないため、{doing}できませんでした{left}。"
        "データは壊れていません。バックアップから復元する必要はありません。"
        "ごみ箱を空にする、ダウンロードなどの不要なファイルを削除するなどして空き容量を作ってから、"
        "もう一度お試しください（つなぎのデータフォルダの safety にある古い退避データも、"
        "バックアップを確かめたうえで削除できます）"
    )


BUSY_MESSAGE = (
    "ほかの処理がデータを書き込み中のため、少し待ちましたが保存できませんでした。"
    "入力した内容はまだ保存されていません。少し待ってから、もう一度保存してください"
)


def is_disk_full(exc: BaseException, folder: Path | None = None) -> bool:
    if isinstance(exc, OSError) and (exc.errno == errno.ENOSPC or getattr(exc, "winerror", None) in _WIN_FULL):
        return True
    code = _sqlite_code(exc)
    if code == SQLITE_FULL or "database or disk is full" in _sqlite_text(exc):
        return True
    if folder is not None and (code in (SQLITE_IOERR, SQLITE_CANTOPEN) or isinstance(exc, OSError)):
        free = free_bytes(folder)
        return free is not None and free < LOW_SPACE
    return False


def is_busy(exc: BaseException) -> bool:
    code = _sqlite_code(exc)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return True
    text = _sqlite_text(exc)
    return "database is locked" in text or "database table is locked" in text


def explain(exc: BaseException, folder: Path | None = None, doing: str = "保存") -> TsunagiError | None:
    """The plain cause of ``exc`` as a TsunagiError, or None when it has none we can name."""
    if isinstance(exc, TsunagiError):
        return exc
    if isinstance(exc, OSError) and exc.filename:  # the disk that refused, not necessarily the data's
        folder = Path(os.fsdecode(exc.filename)).parent
    if is_disk_full(exc, folder):
        return DiskFull(disk_full_message(folder or Path.cwd(), doing))
    if is_busy(exc):
        return StoreBusy(BUSY_MESSAGE)
    return None


_BIDI = {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def display_text(text: object, limit: int = 200) -> str:
    """``text`` as something safe to show: no control characters (an escape sequence could rewrite the
    terminal), no bidi overrides (they reorder what is shown), no lone surrogates; at most ``limit``
    characters."""
    out = []
    for ch in str(text):
        if ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs", "Cf") and ch not in "\u200d":
            out.append("?" if ch not in "\t\n\r" else " ")
        else:
            out.append(ch)
        if len(out) > limit:
            return "".join(out[:limit]) + "…"
    return "".join(out)
