"""Slow work off the GUI thread: a backup, a restore. The work runs in a worker thread and reports
progress through a Qt signal; the GUI thread waits in a local event loop behind a modal progress window
(no cancel: a half-written file is never what anyone wants), so the window repaints, the bar moves and
nothing else can be pressed. The caller gets the result, or the work's exception raised where it waits."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

Progress = Callable[[int, int, str], None]


class _Relay(QObject):
    progressed = Signal(int, int, str)
    finished = Signal()


def run_slow(parent: QWidget, title: str, label: str, work: Callable[[Progress], object]):
    """Run ``work(progress)`` in a worker thread behind a modal progress window; return its result."""
    dialog = QProgressDialog(label, "", 0, 1000, parent)
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setWindowTitle(title)
    dialog.setAutoReset(False)  # one step reaching 100 % must not close the window on the next
    dialog.setAutoClose(False)
    shell = parent.window()
    relay = _Relay()
    outcome: dict[str, object] = {}

    def show(done: int, total: int, what: str) -> None:
        # Work in progress counts as activity: no idle auto-lock in the middle of a long backup.
        getattr(shell, "keep_awake", lambda: None)()
        dialog.setLabelText(what)
        if total:
            dialog.setRange(0, 1000)
            dialog.setValue(int(1000 * done / total))
        else:  # a step that cannot say how far it is: a moving bar, not a frozen 0 %
            dialog.setRange(0, 0)

    def run() -> None:
        try:
            outcome["result"] = work(relay.progressed.emit)
        except BaseException as exc:  # noqa: BLE001 (raised again on the GUI thread)
            outcome["error"] = exc
        finally:
            relay.finished.emit()

    loop = QEventLoop()
    relay.progressed.connect(show)  # queued: the worker's reports are shown on the GUI thread
    relay.finished.connect(loop.quit)
    worker = threading.Thread(target=run, name="tsunagi-slow-work", daemon=True)
    dialog.show()
    worker.start()
    loop.exec()
    worker.join()
    dialog.close()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
