"""The console the CLI and ``--selftest`` talk to, made the same on Windows as on Linux.

- Output is UTF-8 whatever the PC's code page: Python writes a pipe or a file in the ANSI code page on
  Windows (cp932 on a Japanese PC, cp1252 on most others, where Japanese text raises UnicodeEncodeError),
  while every tool reading ours (a scheduled task's log, PowerShell with
  ``[Console]::OutputEncoding = [Text.Encoding]::UTF8``, the tests) reads UTF-8. A real console window
  already gets Unicode through WriteConsoleW and is left alone.
- A prompt is shown only on an interactive console: Windows counts ``NUL`` (a scheduled task's or
  ``< NUL``'s stdin) as a character device, so ``isatty()`` says True and ``getpass`` would wait forever.
"""

from __future__ import annotations

import io
import os
import sys


def use_utf8_output() -> None:
    """Reconfigure stdout and stderr to UTF-8 unless they are a Windows console (already Unicode)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None or not isinstance(stream, io.TextIOWrapper):
            continue  # a GUI-subsystem exe with no handle, or a test's capture: nothing to encode
        raw = getattr(stream.buffer, "raw", stream.buffer)  # unbuffered (python -u): the FileIO itself
        if type(raw).__name__ == "_WindowsConsoleIO":
            continue
        if (stream.encoding or "").replace("-", "").lower() != "utf8":
            stream.flush()
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def is_interactive(stream=None) -> bool:
    """Whether ``stream`` (stdin by default) is a terminal a person can type a passphrase into."""
    stream = sys.stdin if stream is None else stream
    try:
        if stream is None or not stream.isatty():
            return False
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    if os.name != "nt":
        return True
    return _windows_console(fd)


def _windows_console(fd: int) -> bool:
    # NUL and COM ports are character devices too; only a console has a console mode.
    import ctypes
    import msvcrt

    try:
        handle = msvcrt.get_osfhandle(fd)
    except OSError:
        return False
    mode = ctypes.c_ulong()
    return bool(ctypes.windll.kernel32.GetConsoleMode(ctypes.c_void_p(handle), ctypes.byref(mode)))  # type: ignore[attr-defined]
