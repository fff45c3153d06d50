"""The main window: navigation column, pages, sign-in, lock (idle and Ctrl+L) and sign-out.

Locking drops the keys (``Store.lock``) and shows the lock screen instead of the pages; the pages
themselves stay as they were, so unlocking returns to the same place with nothing typed lost.

The window shows the sign-in screen before any of the store layer or the pages is imported (issue 25):
once it is painted, the store layer loads in a worker thread (app.ui.window.warm), then the pages' modules
one per turn of the event loop, then the signed-in screen is built, all while the passphrase is typed.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QWidget

from app.services.store import print_folder
from app.ui.common.context import AppContext
from app.ui.common.fonts import ui_font
from app.ui.window import warm
from app.ui.window.sign_in import SignInPage

if TYPE_CHECKING:
    from app.services.store.store import Store
    from app.ui.window.content import Content

T = {
    "title": "つなぎ",
    "demo_title": "つなぎ【デモデータ】",
    "refreshing": "今日の気づき（8050など）を確かめています…",
    "migrated": "つなぎの更新に合わせて、データの形式を新しくしました。更新前のデータは次のフォルダに複製してあります:\n{folder}",
    "exit_backup": "しばらくバックアップをしていません。終了する前にバックアップしますか？",
    "exit_go": "バックアップする",
    "exit_quit": "このまま終了",
    "exit_stay": "キャンセル",
}


@contextlib.contextmanager
def building() -> Iterator[Callable[[QWidget], QWidget]]:
    """Build part of the signed-in screen behind the sign-in window: the app-wide Python filters stand
    aside meanwhile (no input is handled during a step anyway), and the widgets handed to ``built`` get
    afterwards what the filters would have done to them."""
    from app.ui.common import conduct, slow

    made: list[QWidget] = []
    with slow.filters_aside():
        yield lambda widget: made.append(widget) or widget
    for widget in made:
        conduct.adopt(widget)

# Between two steps of building the signed-in screen behind the sign-in window.
STEP_GAP_MS = 10


class IdleWatcher(QObject):
    """Restarts a timer on every keyboard or mouse input anywhere in the application, and takes Ctrl+L
    from any window (a shortcut of the main window does not reach past a modal dialog). One Python filter
    for both: each costs a call per event, and building a page sends thousands."""

    def __init__(self, on_idle, parent: QObject | None = None, on_lock_key=None):
        super().__init__(parent)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(on_idle)
        self.on_lock_key = on_lock_key  # (the widget the key went to) -> whether it locked
        self._watching = False

    def start(self, ms: int) -> None:
        if not self._watching:
            # At the first sign-in, not with the window: the idle time and Ctrl+L count only while signed
            # in, and a filter in place before sends every event of building the sign-in window to Python.
            # (Qt's namespace too is first needed here: making its enums took 40 ms before the first paint.)
            from PySide6.QtCore import QEvent, Qt

            from app.ui.common.slow import install_app_filter

            kinds = QEvent.Type
            self._input = {
                kinds.KeyPress,
                kinds.MouseButtonPress,
                kinds.MouseMove,
                kinds.Wheel,
                kinds.InputMethod,
            }
            self._key_press, self._key_l = kinds.KeyPress, Qt.Key.Key_L
            self._control = Qt.KeyboardModifier.ControlModifier
            install_app_filter(self)
            self._watching = True
        self.timer.start(ms)

    def stop(self) -> None:
        self.timer.stop()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind not in self._input:
            return False
        if self.timer.isActive():
            self.timer.start()
        return (
            kind == self._key_press
            and event.key() == self._key_l
            and event.modifiers() == self._control
            and self.on_lock_key is not None
            and self.on_lock_key(obj)
        )


class Shell(QMainWindow):
    painted = Signal()  # the first paint of the window is done (bench/probe.py measures start-up to here)

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self._painted = False
        self.stack = QStackedWidget()
        self.sign_in = SignInPage(ctx)
        self.sign_in.signed_in.connect(self.enter)
        self.stack.addWidget(self.sign_in)
        # Emitted by the worker thread: a method of this window, so handled on the GUI thread (queued).
        self._loaded.connect(self._screen_steps)
        self.content: Content | None = None
        self._spare: Content | None = None  # built before sign-in, still without data
        self._focus_before_lock: QWidget | None = None
        self._last_user: str | None = None
        self.setCentralWidget(self.stack)
        self.idle = IdleWatcher(self._idle_lock, self, on_lock_key=self._lock_key)
        self._covers: list = []
        self._lock_shortcut = None  # Ctrl+L, made at the first sign-in (nothing to lock before)
        self.setWindowTitle(T["demo_title"] if ctx.is_demo else T["title"])
        self.resize(1366, 768)

    def _lock_key(self, obj) -> bool:
        """Ctrl+L pressed in another window (a dialog): lock. In this window its own shortcut does it."""
        if isinstance(obj, QWidget) and obj.window() is not self and not self.locked:
            self.lock()
            return True
        return False

    # --- states -----------------------------------------------------------------------------------

    def show_sign_in(self) -> None:
        self.sign_in.set_mode(locked=False)
        self.stack.setCurrentWidget(self.sign_in)
        self.sign_in.passphrase.setFocus()
        # The signed-in screen is built while the passphrase is typed (it holds no data until a store is
        # set): building it after Argon2id held the GUI thread for a third of a second. At start-up its
        # modules load first, and only once the window is painted (paintEvent).
        if self._painted:
            QTimer.singleShot(0, self._prepare)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # After this event: the children are painted in it, once this returns.
            QTimer.singleShot(0, self._first_painted)

    def _first_painted(self) -> None:
        self.painted.emit()
        # In the next turn: what was waiting for the paint (app.ui.main.start's when_shown) goes first, on
        # its own rather than sharing the interpreter with the worker.
        QTimer.singleShot(0, self, self._warm_up)

    def _warm_up(self) -> None:
        # Started once per process: a later window (after a sign-out, in tests) goes on to the pages.
        if self.locked and not warm.start(self._loaded.emit):
            self._screen_steps()

    _loaded = Signal()  # the store layer is imported (emitted by the worker thread)
    ready = Signal()  # the signed-in screen is built behind the sign-in window and every page's module loaded

    def _screen_steps(self) -> None:
        """The signed-in screen on the GUI thread, one step per turn of the event loop (keys typed meanwhile
        are answered between them): the first page's module, the screen with that page, then the modules
        of the other pages, so that opening one later does not wait for its import."""
        warm.wait()  # (done already, unless an earlier window began it: the store layer comes first)
        from app.ui.window.content import NAVIGATION, PAGES

        modules = [PAGES[name][0] for name in NAVIGATION if name in PAGES]
        steps = [lambda: importlib.import_module(modules[0]), self._prepare]
        steps += [lambda: self._prepare_first_page(placed=False), self._prepare_first_page]
        steps.append(self._paint_ahead)
        steps += [lambda m=m: importlib.import_module(m) for m in modules[1:]]
        self._step(steps)

    def _step(self, steps: list) -> None:
        if not steps:
            self.ready.emit()
            return
        steps[0]()
        # A short gap, not a zero timer: steps chained by zero timers ran back to back, ahead of the
        # window's other timers (a probe saw two steps as one stall).
        QTimer.singleShot(STEP_GAP_MS, self, lambda: self._step(steps[1:]))

    def _prepare(self) -> None:
        if self.content is None and self._spare is None and self.locked:
            with building() as built:
                self._spare = built(self._new_content())
                self.stack.addWidget(self._spare)

    def _prepare_first_page(self, placed: bool = True) -> None:
        if self._spare is not None:
            with building() as built:
                built(self._spare.first_page(placed=placed))

    def _paint_ahead(self) -> None:
        """Paint the screen once, off screen, at the size it will have: the first paint of its widgets and
        their Japanese text (glyphs rasterised and cached for the first time) was the longest the window
        stood still at sign-in (60–130 ms; now 25–30 ms here, while the passphrase is typed)."""
        if self._spare is not None:
            with building():
                self._spare.resize(self.stack.size())
                self._spare.grab()

    def _new_content(self) -> Content:
        warm.wait()  # (the pages use the store layer: never imported by two threads at once)
        from app.ui.window.content import Content

        return Content(self)

    def enter(self, store: Store) -> None:
        unlocking = self.content is not None and store.actor == self._last_user
        if self.content is not None and not unlocking:
            self._discard_content()  # someone else unlocked: they must not see the other user's screen
        # Dialogs left open at the lock: back as they were for the same user, closed unseen for another.
        covers, self._covers = self._covers, []
        if covers:
            from app.ui.window import lock_cover

            lock_cover.lift_all(covers, close=not unlocking)
        self.ctx.store = store
        self._last_user = store.actor
        self.apply_settings()
        # No idle lock while signing in: the waits below turn the event loop, and a short idle time must
        # not lock a screen still being built. The timer starts again once the screen is up.
        self.idle.stop()
        if not unlocking:
            self._daily_flags(store)
            if store.migrated_from and not self.ctx.quiet:
                from PySide6.QtWidgets import QMessageBox

                # After an upgrade: say plainly that the data was converted and where the copy is.
                QMessageBox.information(
                    self, T["title"], T["migrated"].format(folder=store.folder / "safety")
                )
        if self.content is None:
            self.content, self._spare = self._spare or self._new_content(), None
            if self.stack.indexOf(self.content) < 0:
                self.stack.addWidget(self.content)
        self.stack.setCurrentWidget(self.content)
        self.content.on_store(unlocked=unlocking)
        if self._lock_shortcut is None:
            from PySide6.QtGui import QKeySequence, QShortcut

            self._lock_shortcut = QShortcut(QKeySequence("Ctrl+L"), self, self.lock)
        if self._focus_before_lock is not None:
            self._focus_before_lock.setFocus()
            self._focus_before_lock = None
        else:
            self.content.nav.setFocus()
        self.idle.start(self._idle_ms)

    def _daily_flags(self, store: Store) -> None:
        """People age: re-evaluate every household once a day, at the first sign-in. Off the GUI thread:
        at 50,000 households it takes seconds, and the window must keep painting."""
        from app.services.flags import flag_review

        if flag_review.refresh_due(store):
            from app.ui.common.slow import run_slow

            run_slow(self, T["title"], T["refreshing"], lambda _progress: flag_review.refresh_if_due(store))

    def apply_settings(self) -> None:
        from app.services.store import settings as town_settings

        values = town_settings.load(self.ctx.require_store())
        font = ui_font(values["ui.font_pt"])
        if font != QApplication.instance().font() or font != self.font():
            # (only on a change: setting it re-lays out every widget on screen, a tenth of a second)
            QApplication.instance().setFont(font)  # dialogs opened from now on
            self.setFont(font)  # and every widget already on screen (propagates to children)
        minutes = values["security.auto_lock_minutes"]
        self._idle_ms = self.ctx.idle_ms if self.ctx.idle_ms is not None else minutes * 60_000
        self.idle.start(self._idle_ms)

    @property
    def locked(self) -> bool:
        return self.ctx.store is None

    def lock(self) -> None:
        """Hide every page and drop the keys first: nothing that follows (the lock's audit row meeting a
        full disk or another writer) can leave the screen open or the key in memory. The pages keep their
        state for the unlock."""
        store = self.ctx.store
        if store is None:
            return
        focus = QApplication.focusWidget()
        self._focus_before_lock = (
            focus if self.content is not None and self.content.isAncestorOf(focus) else None
        )
        self.ctx.store = None
        self.stack.setCurrentWidget(self.sign_in)
        try:
            store.lock()  # forgets the key before it tries the audit row; queues the row if it must
        except Exception:  # noqa: BLE001 (Store.lock does not raise; if it ever did, the key still goes)
            store.close()
        self.idle.stop()
        self.sign_in.set_mode(locked=True, user=self._last_user)
        self.sign_in.passphrase.setFocus()
        from app.ui.window import lock_cover

        self._covers += lock_cover.cover_all(self, self.sign_in)

    def keep_awake(self) -> None:
        """Long work (a backup on a slow stick) counts as activity, like a key press."""
        if self.idle.timer.isActive():
            self.idle.timer.start()

    def _idle_lock(self) -> None:
        if self.ctx.store is not None:
            self.lock()

    def sign_out(self) -> None:
        """Unlike a lock, signing out leaves nothing behind: the pages are rebuilt at the next sign-in."""
        if self.content is not None and not self.locked and not self.content.may_leave():
            return
        self.lock()
        covers, self._covers = self._covers, []
        if covers:
            from app.ui.window import lock_cover

            lock_cover.lift_all(covers, close=True)
        self._discard_content()
        self.show_sign_in()

    def _discard_content(self) -> None:
        self._focus_before_lock = None
        if self.content is not None:
            self.stack.removeWidget(self.content)
            self.content.deleteLater()
            self.content = None

    def replace_store(self, store: Store) -> None:
        """After a restore: the pages start afresh on the restored data. Only the page on screen (バックアップ,
        which reports the restore) and ホーム are kept, to be read again: they hold nothing of the data
        replaced, and building them anew held the GUI thread for a third of a second."""
        if self.content is None:
            self.enter(store)
            return
        self.content.forget_pages(keep={"ホーム"})
        self._focus_before_lock = None
        self._spare, self.content = self.content, None  # entered as a fresh screen: the daily refresh runs
        self.enter(store)

    def backup_due(self) -> bool:
        store = self.ctx.store
        if store is None:  # (first: closed at the sign-in window, the store layer may still be loading)
            return False
        from app.services.store import backup
        from app.services.store import settings as town_settings

        days = backup.days_since_backup(store)
        return days is None or days >= town_settings.load(store)["backup.reminder_days"]

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.content is not None and not self.locked and not self.content.may_leave():
            event.ignore()  # the page on screen keeps its unsaved input (設定)
            return
        if not self.ctx.quiet and self.backup_due():
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(QMessageBox.Icon.Question, T["title"], T["exit_backup"], parent=self)
            go = box.addButton(T["exit_go"], QMessageBox.ButtonRole.AcceptRole)
            box.addButton(T["exit_quit"], QMessageBox.ButtonRole.DestructiveRole)
            stay = box.addButton(T["exit_stay"], QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() in (go, stay):
                event.ignore()
                if box.clickedButton() is go:
                    self.content.nav.setCurrentRow(list(self.content.by_name).index("バックアップ"))
                return
        if self.ctx.store is not None:
            self.ctx.store.close()  # also removes the PDFs printed for the viewer
            self.ctx.store = None
        else:
            print_folder.clear(self.ctx.data_dir)  # locked at exit: what a viewer held at the lock goes now
        super().closeEvent(event)
