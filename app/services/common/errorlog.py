"""The last resort for an error nobody foresaw: a message and a log that hold no personal data.

An exception's text is not safe to show or to keep. SQLAlchemy's carry the SQL and, unless the engine
hides them (the store's does: ``hide_parameters``), its parameters — an address, a name, a casework
note; and any exception may quote a value (a KeyError with a name, a ValueError with a note). So:

- the message says *what* failed, in Japanese (``describe``), never the exception's text;
- the log, ``errors.log`` inside the data folder (this user's only), keeps *where*: the time, the
  command, the exception types and the code's file, line and function, plus SQLite's error name —
  never a message, an argument, a local variable or a line of SQL.

The CLI's last-resort handler and the GUI's ``sys.excepthook`` both go through ``report``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

from app.services.common.errors import TsunagiError

LOG_NAME = "errors.log"
MAX_LOG_BYTES = 256 * 1024  # then the log starts afresh, the previous one kept as errors.log.1


def describe(exc: BaseException) -> str:
    """What failed, in Japanese, and the exception's type: nothing taken from the exception's text."""
    from sqlalchemy import exc as sa

    if isinstance(exc, sa.IntegrityError):
        what = "データの整合性の確認（番号の重複や、ほかの記録との対応）"
    elif isinstance(exc, sa.OperationalError):
        what = "データベースの操作"
    elif isinstance(exc, sa.DBAPIError):
        what = "データベースの読み書き"
    elif isinstance(exc, sa.SQLAlchemyError):
        what = "データベースへの問い合わせの準備"
    elif isinstance(exc, OSError):
        what = "ファイルの読み書き"
    elif isinstance(exc, MemoryError):
        what = "メモリの確保（扱うデータが大きすぎます）"
    elif isinstance(exc, RecursionError):
        what = "入れ子の深いデータの処理"
    elif isinstance(exc, UnicodeError):
        what = "文字の変換"
    else:
        what = "処理"
    return f"{what}に失敗しました（{type(exc).__name__}）"


def _where(filename: str) -> str:
    parts = Path(filename).parts
    return "/".join(parts[-3:])


def _sqlite_name(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    name = getattr(orig, "sqlite_errorname", None) if orig is not None else getattr(exc, "sqlite_errorname", None)
    return f" [{name}]" if isinstance(name, str) and name.isascii() and name.replace("_", "").isalnum() else ""


def sanitized(exc: BaseException) -> list[str]:
    """The exception chain as types and frames only (no messages, no values)."""
    lines: list[str] = []
    seen: set[int] = set()
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(chain) < 10:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    for i, e in enumerate(reversed(chain)):
        if i:
            lines.append("  → その処理中に:")
        lines.append(f"  {type(e).__module__}.{type(e).__qualname__}{_sqlite_name(e)}")
        for frame in traceback.extract_tb(e.__traceback__)[-40:]:
            lines.append(f"    {_where(frame.filename)}:{frame.lineno} in {frame.name}")
    return lines


def record(folder: Path | None, exc: BaseException, context: str = "") -> Path | None:
    """Append the sanitised record of ``exc`` to the data folder's log. Returns the log's path, or None
    when there is no data folder yet or it cannot be written (the message is shown either way)."""
    if folder is None or not Path(folder).is_dir():
        return None
    from app import __version__
    from app.models import now
    from app.services.common.fileio import private_open

    path = Path(folder) / LOG_NAME
    head = f"{now().isoformat(sep=' ')} つなぎ {__version__} {context}".rstrip()
    text = "\n".join([head, *sanitized(exc)]) + "\n\n"
    try:
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            os.replace(path, path.with_name(LOG_NAME + ".1"))
        with private_open(path, "a") as fh:
            fh.write(text)
    except OSError:
        return None
    return path


def report(exc: BaseException, folder: Path | None, context: str = "") -> str:
    """Log ``exc`` and return the Japanese line for the person: what failed, and where the record is."""
    if isinstance(exc, TsunagiError):
        return str(exc)
    logged = record(folder, exc, context)
    where = f"記録（個人情報は含みません）: {logged}" if logged else "記録は残せませんでした"
    return f"予期しないエラーが発生しました: {describe(exc)}。{where}"


def install_hooks(
    folder_of: Callable[[], Path | None], notify: Callable[[str], None] | None = None, context: str = "GUI"
) -> None:
    """Route every uncaught exception (main thread, other threads, ``__del__``) through ``report``:
    one Japanese line on stderr, ``notify`` (the GUI's message box) when given, never a traceback."""
    busy = threading.local()

    def handle(exc: BaseException, context: str) -> None:
        if getattr(busy, "on", False):
            return  # an error while reporting an error: say nothing rather than loop
        busy.on = True
        try:
            folder = None
            with contextlib.suppress(Exception):
                folder = folder_of()
            text = report(exc, folder, context)
            with contextlib.suppress(Exception):
                print(text, file=sys.stderr)
            if notify is not None:
                with contextlib.suppress(Exception):
                    notify(text)
        finally:
            busy.on = False

    def excepthook(kind, exc, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            return sys.__excepthook__(kind, exc, tb)
        handle(exc if exc is not None else kind(), context)

    def thread_hook(args) -> None:
        if args.exc_value is not None and not isinstance(args.exc_value, SystemExit):
            handle(args.exc_value, f"{context} thread")

    def unraisable_hook(args) -> None:
        if args.exc_value is not None:
            handle(args.exc_value, f"{context} unraisable")

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
    sys.unraisablehook = unraisable_hook
