"""One process per data folder.

While a process has a store open it holds an OS lock on ``<data dir>/tsunagi.lock``: ``fcntl.flock`` on
POSIX, ``msvcrt.locking`` on Windows. The lock goes with the process — a crash or a kill releases it, so
a stale lock can never keep the coordinator out. The file itself stays (deleting a locked file fails on
Windows, and on POSIX it would let two processes lock two different files of one name); its text says who
holds it — 画面 (the GUI), コマンド (the CLI, with its subcommand) or プログラム (the Python API), the
process id and since when — so a refused start can name the holder. No personal data: no user name, no
PC name.

Within one process the lock is shared by reference count: the GUI holds it from start to exit, and each
store it opens (and a restore) takes its own lease on top. Across processes a second holder is refused at
once with ``FolderInUse``; the caller decides what to do (the CLI exits 1, the GUI brings the running
window to the front).

On Windows the info text is read by the refused process while the holder has its byte locked; Windows
locks are mandatory, so the lock sits on one byte far past the text (``_LOCK_OFFSET``), which Windows
allows beyond the end of the file.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.services.common.errors import TsunagiError

LOCK_NAME = "tsunagi.lock"
_LOCK_OFFSET = 1 << 16
_INFO_MAX = 4096

ROLES = {"gui": "画面", "cli": "コマンド", "api": "プログラム"}


class FolderInUse(TsunagiError):
    """Another process has this data folder open. Exit code 1: nothing the caller typed was wrong, and the
    same command succeeds once the other one has finished."""

    exit_code = 1

    def __init__(self, message: str, holder: dict | None = None):
        super().__init__(message)
        self.holder = holder or {}


class FolderLockFailed(TsunagiError):
    """The file system would not lock at all (not "someone else holds it")."""


_role = {"role": "api", "command": ""}
_mutex = threading.Lock()


def set_role(role: str, command: str = "") -> None:
    """What this process is, for the text a refused process shows (set once at start)."""
    if role not in ROLES:
        raise ValueError(role)
    _role.update(role=role, command=command)


@dataclass
class _Held:
    fd: int
    count: int


_held: dict[str, _Held] = {}


def folder_key(folder: Path) -> str:
    """One name per folder however it is spelt (relative, different case on Windows)."""
    return os.path.normcase(os.path.abspath(folder))


def _busy(exc: OSError) -> bool:
    # Windows' CRT reports a lock held elsewhere as EACCES (or EDEADLOCK); Wine's leaves errno at 0 for
    # that same ERROR_LOCK_VIOLATION, and at a valid offset of an open file nothing else makes it fail.
    if os.name == "nt" and exc.errno == 0:
        return True
    return exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, getattr(errno, "EDEADLOCK", -1))


def _try_lock(fd: int) -> bool:
    """True when locked, False when another process holds it."""
    try:
        if os.name == "nt":
            import msvcrt

            os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if _busy(exc):
            return False
        raise
    return True


def _unlock(fd: int) -> None:
    with contextlib.suppress(OSError):
        if os.name == "nt":
            import msvcrt

            os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        with contextlib.suppress(OSError):
            folder.chmod(0o700)


def _write_info(fd: int) -> None:
    info = {"role": _role["role"], "command": _role["command"], "pid": os.getpid(),
            "since": datetime.now().astimezone().isoformat(timespec="seconds")}  # fmt: skip
    data = json.dumps(info, ensure_ascii=False).encode("utf-8")
    with contextlib.suppress(OSError):  # the text is a courtesy; the lock is what counts
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data.ljust(_INFO_MAX // 4, b" "))


def _parse_holder(raw: bytes) -> dict:
    try:
        doc = json.loads(raw.decode("utf-8").strip() or "{}")
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) else {}


def read_holder(folder: Path) -> dict:
    """What the lock file says about its holder ({} when unreadable or empty)."""
    try:
        with open(Path(folder) / LOCK_NAME, "rb") as fh:
            return _parse_holder(fh.read(_INFO_MAX))
    except OSError:
        return {}


def _read_holder_fd(fd: int) -> dict:
    # Through the handle already open: a second, read-only open of a file another process has locked
    # leaks a handle per refusal under Wine (about 10,000 refusals exhaust the process).
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return _parse_holder(os.read(fd, _INFO_MAX))
    except OSError:
        return {}


def describe(holder: dict) -> str:
    """「画面, PID 1234, 20:41から」 from the lock file's text; only digits and known words get through."""
    role = ROLES.get(str(holder.get("role", "")), "")
    command = str(holder.get("command", ""))
    if role and command.replace("-", "").isalnum() and command.isascii() and len(command) <= 20:
        role = f"{role} {command}"
    parts = [role] if role else []
    pid = holder.get("pid")
    if isinstance(pid, int) and not isinstance(pid, bool):
        parts.append(f"PID {pid}")
    try:
        since = datetime.fromisoformat(str(holder.get("since", "")))
        today = datetime.now(since.tzinfo).date()
        parts.append(f"{since:%H:%M}から" if since.date() == today else f"{since.month}月{since.day}日 {since:%H:%M}から")
    except ValueError:
        pass
    return ", ".join(parts)


def in_use_message(folder: Path, holder: dict) -> str:
    who = describe(holder)
    label = f"つなぎ（{who}）" if who else "つなぎ"
    advice = (
        "画面のつなぎで作業を終えて終了してから、もう一度お試しください"
        if holder.get("role") == "gui"
        else "その処理が終わるのを待ってから、もう一度お試しください"
    )
    return f"このデータ（{folder}）は別の {label} が使用中です。同時に開くと保存した内容が失われるため、開きませんでした。{advice}"


def acquire(folder: Path, *, create: bool = True) -> Lease:
    """Take (or share, within this process) the lock on ``folder``, creating the folder (0700) if needed.
    With ``create=False`` a missing folder is left missing and the lease holds nothing (there is nothing
    in it to protect; the caller will say the data is not there)."""
    folder = Path(folder)
    key = folder_key(folder)
    with _mutex:
        held = _held.get(key)
        if held is not None:
            held.count += 1
            return Lease(key)
        if not create and not folder.is_dir():
            return Lease(None)
        _private_folder(folder)
        path = folder / LOCK_NAME
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0)
        try:
            fd = os.open(path, flags, 0o600)
        except OSError as exc:
            raise FolderLockFailed(
                f"データフォルダ（{folder}）の使用中の印（{LOCK_NAME}）を作れませんでした（{exc.strerror or exc}）"
            ) from None
        try:
            if os.name == "posix":
                os.fchmod(fd, 0o600)
            locked = _try_lock(fd)
        except OSError as exc:
            os.close(fd)
            raise FolderLockFailed(
                f"データフォルダ（{folder}）を使用中にできませんでした（{exc.strerror or exc}）。"
                "ネットワーク上のフォルダなど、ロックできない場所ではつなぎを使えません"
            ) from None
        if not locked:
            holder = _read_holder_fd(fd)
            os.close(fd)
            raise FolderInUse(in_use_message(folder, holder), holder)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        _write_info(fd)
        _held[key] = _Held(fd, 1)
        return Lease(key)


class Lease:
    """One share of this process's lock on a folder; ``release`` is idempotent."""

    def __init__(self, key: str | None):
        self._key = key

    def release(self) -> None:
        with _mutex:
            key, self._key = self._key, None
            if key is None:
                return
            held = _held.get(key)
            if held is None:
                return
            held.count -= 1
            if held.count > 0:
                return
            del _held[key]
            with contextlib.suppress(OSError):
                os.ftruncate(held.fd, 0)  # nobody holds it now: no stale "in use" text left behind
            _unlock(held.fd)
            with contextlib.suppress(OSError):
                os.close(held.fd)

    @property
    def active(self) -> bool:
        return self._key is not None

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *_exc) -> None:
        self.release()


@contextlib.contextmanager
def hold(folder: Path, *, create: bool = True) -> Iterator[Lease]:
    lease = acquire(folder, create=create)
    try:
        yield lease
    finally:
        lease.release()


def held_here(folder: Path) -> bool:
    """Whether this process holds the lock on ``folder`` (tests and the GUI's restore use it)."""
    with _mutex:
        return folder_key(folder) in _held
