"""Slow work off the GUI thread: a backup, a restore. The work runs in a worker thread and reports
progress through a Qt signal; the GUI thread waits in a local event loop behind a modal progress window
(no cancel: a half-written file is never what anyone wants), so the window repaints, the bar moves and
nothing else can be pressed. The caller gets the result, or the work's exception raised where it waits."""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
import weakref
from collections.abc import Callable, Iterator

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

Progress = Callable[[int, int, str], None]


# The application-wide event filters written in Python. Every event of every widget passes them, and each
# call needs the interpreter lock, which a Python-heavy worker holds for up to the switch interval: while
# a wait turns the event loop, a paint that sends twenty events could sit 100 ms on the lock. They only
# act on input (which a wait keeps from the window anyway) and on new text fields, so they step aside.
_APP_FILTERS: list[weakref.ref[QObject]] = []
# How long a worker holds the lock before handing it over while a wait turns the event loop (Python's
# default is 5 ms): the GUI thread's own Python (the bar's label, a paint callback) waits less for it.
_WAIT_SWITCH_INTERVAL = 0.001
_aside = False  # the filters stand aside now (filters_aside)


def install_app_filter(watcher: QObject) -> None:
    """Install an application-wide event filter that steps aside while slow work is waited for."""
    QApplication.instance().installEventFilter(watcher)
    _APP_FILTERS.append(weakref.ref(watcher))


@contextlib.contextmanager
def filters_aside() -> Iterator[None]:
    """The application-wide Python event filters step aside meanwhile: for a wait, and for building a
    screen while no input is handled (the thousands of events of a page being built each cost a call into
    Python: 40 % of building ホーム). Whatever they do on input cannot be missed, since input waits in the
    queue until this returns; a text field polished meanwhile is handed to ``conduct.adopt``."""
    global _aside
    if _aside:  # within another: that one puts them back
        yield
        return
    app = QApplication.instance()
    # (a filter's window may be gone: its Python side can outlive the Qt object)
    filters = [f for f in (ref() for ref in _APP_FILTERS) if f is not None and shiboken6.isValid(f)]
    _APP_FILTERS[:] = [weakref.ref(f) for f in filters]
    for f in filters:
        app.removeEventFilter(f)
    _aside = True
    try:
        yield
    finally:
        _aside = False
        for f in reversed(filters):
            app.installEventFilter(f)


@contextlib.contextmanager
def _waiting() -> Iterator[None]:
    """While the GUI thread waits for a worker. The worker's allocations may start a full garbage
    collection, which holds the interpreter lock from start to end, and so stops the window, for as long
    as it takes to walk every object in the process (300 ms after a sign-in and a restore). The objects
    that exist before the wait are set aside from collection meanwhile (``gc.freeze``), so a collection
    walks only what the work made; they are handed back afterwards, to be collected as before."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(_WAIT_SWITCH_INTERVAL)
    gc.freeze()
    try:
        with filters_aside():
            yield
    finally:
        gc.unfreeze()
        sys.setswitchinterval(interval)


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
    with _waiting():
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
        with _waiting():
            worker.start()
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
            worker.join()
    finally:
        QGuiApplication.restoreOverrideCursor()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
