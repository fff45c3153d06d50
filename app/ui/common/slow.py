"""Slow work off the GUI thread: a backup, a restore. The work runs in a worker thread and reports
progress through a Qt signal; the GUI thread waits in a local event loop behind a modal progress window
(no cancel: a half-written file is never what anyone wants), so the window repaints, the bar moves and
nothing else can be pressed. The caller gets the result, or the work's exception raised where it waits."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

Progress = Callable[[int, int, str], None]


class _Relay(QObject):
    progressed = Signal(int, int, str)
    finished = Signal()


def run_slow(parent: QWidget | None, title: str, label: str, work: Callable[[Progress], object]):
    """Run ``work(progress)`` in a worker thread behind a modal progress window; return its result.
    With no parent (before any window exists, e.g. making the demo) the window is application-modal."""
    dialog = QProgressDialog(label, "", 0, 0, parent)  # a moving bar until the work says how far it is
    dialog.setCancelButton(None)
    dialog.setWindowModality(
        Qt.WindowModality.WindowModal if parent is not None else Qt.WindowModality.ApplicationModal
    )
    dialog.setMinimumDuration(0)
    dialog.setWindowTitle(title)
    dialog.setAutoReset(False)  # one step reaching 100 % must not close the window on the next
    dialog.setAutoClose(False)
    # Shown without taking the focus: the window beneath keeps its focused field (the caller may move it
    # when the work is done), and closing the bar does not hand the focus back a moment later.
    dialog.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    dialog.setWindowFlag(Qt.WindowType.WindowDoesNotAcceptFocus)
    shell = parent.window() if parent is not None else None
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

    active = QApplication.activeWindow()
    loop = QEventLoop()
    relay.progressed.connect(show)  # queued: the worker's reports are shown on the GUI thread
    relay.finished.connect(loop.quit)
    worker = threading.Thread(target=run, name="tsunagi-slow-work", daemon=True)
    dialog.show()
    worker.start()
    loop.exec()
    worker.join()
    dialog.close()
    if active is not None and QApplication.activeWindow() is not active:
        active.activateWindow()  # some platforms leave no window active once the bar has closed
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def run_quietly(work: Callable[[], object]):
    """Run ``work()`` in a worker thread and wait for it while the window keeps painting: no progress window
    (this is for reads of a second or less, such as a page's refresh), a busy cursor, and no keyboard or
    mouse input handled until it returns, so nothing can act on the page half-way through its refresh.
    The caller gets the result, or the work's exception raised here."""
    relay = _Relay()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # noqa: BLE001 (raised again on the GUI thread)
            outcome["error"] = exc
        finally:
            relay.finished.emit()

    loop = QEventLoop()
    relay.finished.connect(loop.quit)
    worker = threading.Thread(target=run, name="tsunagi-read", daemon=True)
    QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    try:
        worker.start()
        loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        worker.join()
    finally:
        QGuiApplication.restoreOverrideCursor()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
