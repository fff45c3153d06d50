"""One つなぎ window per data folder.

The GUI takes the data folder's lock (app.services.store.folder_lock) before it shows anything and keeps it
until it exits, signed in or not: a second start on the same folder — a double click too many, a second
user session — is refused there. When the holder is another GUI, the second start asks it, over a local
socket named after the folder, to bring its window to the front, and exits quietly; when the holder is a
command (a backup, a restore) or the window does not answer, it says in Japanese who holds the data.

The socket is only a doorbell: the lock decides. A socket name left by a crashed window is removed only
by the process that holds the lock, so it can never belong to a live one. The socket admits only this
user (``UserAccessOption``). The GUI opens it once its first window is painted (Qt's network module costs
3 MB and 50 ms before the sign-in window, issue 25); a second start meanwhile keeps ringing for a moment.
"""

from __future__ import annotations

import getpass
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCryptographicHash, QObject, QThread, Signal
from PySide6.QtWidgets import QApplication, QWidget

from app.services.store import folder_lock
from app.services.store.folder_lock import FolderInUse, Lease

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalSocket

RAISE = b"raise\n"
RAISED = b"ok\n"
WAIT_MS = 1500
# How long a second start rings for a doorbell not open yet: the first window opens it once painted, which
# a slow PC under a virus scan may take seconds to do. Only a window that hangs makes anyone wait this long.
RING_FOR_S = 10


def server_name(data_dir: Path) -> str:
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 (no user name: the folder alone still tells windows apart)
        who = ""
    key = f"{who}\0{folder_lock.folder_key(data_dir)}".encode()
    # Qt's SHA-256, not hashlib's: that loads OpenSSL (3.4 MB) before the sign-in window shows. Same digest.
    digest = QCryptographicHash.hash(key, QCryptographicHash.Algorithm.Sha256).toHex().data().decode()
    return f"tsunagi-{digest[:24]}"


def bring_to_front(widget: QWidget) -> None:
    from PySide6.QtCore import Qt  # (its enums take 40 ms to make: not before the first window is painted)

    if widget.windowState() & Qt.WindowState.WindowMinimized:
        widget.setWindowState(widget.windowState() & ~Qt.WindowState.WindowMinimized)
    widget.show()
    widget.raise_()
    widget.activateWindow()


def raise_windows() -> None:
    """The visible windows to the front, a modal dialog (the first-run wizard, a message) last, on top."""
    app = QApplication.instance()
    for widget in app.topLevelWidgets():
        if widget.isVisible() and widget.isWindow():
            bring_to_front(widget)
    modal = app.activeModalWidget()
    if modal is not None:
        bring_to_front(modal)


class Instance(QObject):
    """This window's claim on the folder: the lock and the doorbell."""

    raise_requested = Signal()

    def __init__(self, data_dir: Path, lease: Lease, listen: bool = True):
        super().__init__()
        self.data_dir = data_dir
        self.lease = lease
        self.server = None
        self.listening = False
        self.raise_requested.connect(raise_windows)
        if listen:
            self.listen()

    def listen(self) -> None:
        """Open the doorbell (once)."""
        if self.server is not None:
            return
        from PySide6.QtNetwork import QLocalServer

        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        name = server_name(self.data_dir)
        QLocalServer.removeServer(name)  # left by a window that crashed: we hold the lock, so it is dead
        self.listening = self.server.listen(name)
        self.server.newConnection.connect(self._answer)

    def _answer(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(RAISE.strip()):
            self.raise_requested.emit()
            socket.write(RAISED)
            socket.flush()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
        self.lease.release()


def ask_to_raise(data_dir: Path, wait_ms: int = WAIT_MS) -> bool:
    """Ask the window holding ``data_dir`` to come to the front; True when it said it did."""
    if os.name == "nt":  # let the running window take the foreground (Windows blocks it otherwise)
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(-1)  # ASFW_ANY
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    # The first window opens its doorbell once it is painted: a start in the same second may find none yet
    # (or the name a crashed window left, which the first removes as it opens its own): ring again.
    not_yet = (
        QLocalSocket.LocalSocketError.ServerNotFoundError,
        QLocalSocket.LocalSocketError.ConnectionRefusedError,
    )
    deadline = time.monotonic() + RING_FOR_S
    while True:
        socket.connectToServer(server_name(data_dir))
        if socket.waitForConnected(wait_ms):
            break
        if socket.error() not in not_yet or time.monotonic() > deadline:
            return False
        QThread.msleep(100)
    socket.write(RAISE)
    socket.waitForBytesWritten(wait_ms)
    answered = socket.waitForReadyRead(wait_ms) and bytes(socket.readAll().data()).startswith(RAISED.strip())
    socket.disconnectFromServer()
    return answered


@dataclass
class Claim:
    instance: Instance | None  # ours to keep until exit, or None when refused
    refused: FolderInUse | None = None
    raised: bool = False  # refused, and the running window came to the front


def claim(data_dir: Path, listen: bool = True) -> Claim:
    """Take the data folder for this window, or find out who has it (and wake that window). With
    ``listen=False`` the doorbell opens when ``Instance.listen`` is called."""
    try:
        lease = folder_lock.acquire(data_dir)
    except FolderInUse as exc:
        # (no role yet: the other window has just started and not written it; ask all the same)
        raised = exc.holder.get("role") in ("gui", None) and ask_to_raise(data_dir)
        return Claim(None, exc, raised)
    return Claim(Instance(data_dir, lease, listen))
