"""The main window: navigation column, pages, sign-in, lock (idle and Ctrl+L) and sign-out.

Locking drops the keys (``Store.lock``) and shows the lock screen instead of the pages; the pages
themselves stay as they were, so unlocking returns to the same place with nothing typed lost.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.store import print_folder
from app.services.store import settings as town_settings
from app.services.store.store import Store
from app.ui.backup.page import BackupPage
from app.ui.common.context import AppContext
from app.ui.common.fonts import ui_font
from app.ui.common.page import Page
from app.ui.common.slow import run_slow
from app.ui.community.page import CommunityPage
from app.ui.home.page import HomePage
from app.ui.households.page import HouseholdsPage
from app.ui.meetings.page import MeetingsPage
from app.ui.outreach.page import OutreachPage
from app.ui.participation.page import ParticipationPage
from app.ui.program.page import ProgramPage
from app.ui.referrals.agencies_page import AgenciesPage
from app.ui.referrals.page import ReferralsPage
from app.ui.settings.page import SettingsPage
from app.ui.statistics.page import StatisticsPage
from app.ui.window import lock_cover
from app.ui.window.sign_in import SignInPage

T = {
    "title": "つなぎ",
    "demo_title": "つなぎ【デモデータ】",
    "demo_banner": "デモデータを表示しています（架空の町）。実在の方の記録は入力しないでください。",
    "lock": "ロック(&Z)",
    "sign_out": "サインアウト(&J)",
    "user": "{user} さん",
    "refreshing": "今日の気づき（8050など）を確かめています…",
    "migrated": "つなぎの更新に合わせて、データの形式を新しくしました。更新前のデータは次のフォルダに複製してあります:\n{folder}",
    "exit_backup": "しばらくバックアップをしていません。終了する前にバックアップしますか？",
    "exit_go": "バックアップする",
    "exit_quit": "このまま終了",
    "exit_stay": "キャンセル",
}

# The navigation column of the design, in order. A page appears only once it works (issue by issue).
NAVIGATION = [
    "ホーム",
    "世帯",
    "つなぐシート",
    "訪問・経過",
    "会議",
    "参加支援",
    "地域づくり",
    "実施計画",
    "統計",
    "関係機関",
    "バックアップ",
    "設定",
]
PAGES: dict[str, type[Page]] = {
    "ホーム": HomePage,
    "世帯": HouseholdsPage,
    "つなぐシート": ReferralsPage,
    "訪問・経過": OutreachPage,
    "会議": MeetingsPage,
    "参加支援": ParticipationPage,
    "地域づくり": CommunityPage,
    "実施計画": ProgramPage,
    "統計": StatisticsPage,
    "バックアップ": BackupPage,
    "関係機関": AgenciesPage,
    "設定": SettingsPage,
}

_INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.InputMethod,
}


class IdleWatcher(QObject):
    """Restarts a timer on every keyboard or mouse input anywhere in the application, and takes Ctrl+L
    from any window (a shortcut of the main window does not reach past a modal dialog). One Python filter
    for both: each costs a call per event, and building a page sends thousands."""

    def __init__(self, on_idle, parent: QObject | None = None, on_lock_key=None):
        super().__init__(parent)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(on_idle)
        self.on_lock_key = on_lock_key  # (the widget the key went to) -> whether it locked
        QApplication.instance().installEventFilter(self)

    def start(self, ms: int) -> None:
        self.timer.start(ms)

    def stop(self) -> None:
        self.timer.stop()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind not in _INPUT_EVENTS:
            return False
        if self.timer.isActive():
            self.timer.start()
        return (
            kind == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_L
            and event.modifiers() == Qt.KeyboardModifier.ControlModifier
            and self.on_lock_key is not None
            and self.on_lock_key(obj)
        )


class Content(QWidget):
    """Everything shown while signed in: header, navigation column and the pages."""

    def __init__(self, shell: Shell):
        super().__init__()
        self.ctx = shell.ctx
        self._settings_changed = shell.apply_settings
        self.banner = QLabel(T["demo_banner"], objectName="banner")
        self.banner.setVisible(self.ctx.is_demo)
        self.user_label = QLabel(objectName="user_label")
        lock = QPushButton(T["lock"], objectName="lock_button")
        lock.clicked.connect(shell.lock)
        sign_out = QPushButton(T["sign_out"], objectName="sign_out_button")
        sign_out.clicked.connect(shell.sign_out)
        header = QHBoxLayout()
        header.addStretch()
        header.addWidget(self.user_label)
        header.addWidget(lock)
        header.addWidget(sign_out)

        self.nav = QListWidget(objectName="nav")
        self.nav.setFixedWidth(170)
        self.pages = QStackedWidget()
        # Each page is built the first time it is shown (or asked for): building all of them at sign-in
        # held the GUI thread for seconds. The stack holds the pages built so far.
        self.by_name: dict[str, Page | None] = {}
        for name in NAVIGATION:
            if name not in PAGES:
                continue
            self.by_name[name] = None
            QListWidgetItem(name, self.nav)
        self._row = 0  # the row of the page on screen
        self.nav.currentRowChanged.connect(self._show)

        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(header)
        layout.addLayout(body, 1)
        for i in range(min(9, self.nav.count())):
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self, lambda row=i: self.nav.setCurrentRow(row))
        # The first page without a refresh yet: on_store brings it up to date once the store is set.
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(0)
        self.nav.blockSignals(False)
        self.page(list(self.by_name)[0])

    def _show(self, row: int) -> None:
        if row < 0:
            return
        if row != self._row and not self.may_leave():
            # The page keeps its unsaved input: back to its own row in the column, without a second ask.
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(self._row)
            self.nav.blockSignals(False)
            return
        page = self.page(list(self.by_name)[row])
        self.pages.setCurrentWidget(page)
        self._row = row
        if self.ctx.store is not None:
            page.bring_up_to_date()

    def page(self, name: str) -> Page:
        """The page called ``name``, built now if it has not been shown yet."""
        page = self.by_name[name]
        if page is None:
            page = self.by_name[name] = PAGES[name](self.ctx)
            self.pages.addWidget(page)
            self._wire(name, page)
        return page

    def forget_pages(self, keep: set[str]) -> None:
        """Drop every built page except those in ``keep`` and the one on screen: each is built afresh when
        next shown."""
        current = self.pages.currentWidget()
        for name, page in self.by_name.items():
            if page is not None and page is not current and name not in keep:
                self.pages.removeWidget(page)
                page.deleteLater()
                self.by_name[name] = None

    def may_leave(self) -> bool:
        """Whether the page on screen may be left: a page with unsaved input (設定) asks first."""
        return getattr(self.pages.currentWidget(), "may_leave", lambda: True)()

    def _wire(self, name: str, page: Page) -> None:
        if hasattr(page, "open_household"):
            page.open_household.connect(self.open_household)
        if name == "ホーム":
            page.open_page.connect(lambda target: self.nav.setCurrentRow(list(self.by_name).index(target)))
        if name == "設定":
            page.changed.connect(lambda _changes: self._settings_changed())

    def open_household(self, household_id: int) -> None:
        self.nav.setCurrentRow(list(self.by_name).index("世帯"))
        if self._row == list(self.by_name).index("世帯"):  # not when the page on screen stayed
            self.page("世帯").open(household_id)

    def on_store(self, *, unlocked: bool) -> None:
        self.user_label.setText(T["user"].format(user=self.ctx.store.actor))
        if not unlocked:  # after an unlock the pages stay exactly as they were, half-typed text included
            self.page(list(self.by_name)[self._row]).bring_up_to_date()


class Shell(QMainWindow):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.stack = QStackedWidget()
        self.sign_in = SignInPage(ctx)
        self.sign_in.signed_in.connect(self.enter)
        self.stack.addWidget(self.sign_in)
        self.content: Content | None = None
        self._spare: Content | None = None  # built before sign-in, still without data
        self._focus_before_lock: QWidget | None = None
        self._last_user: str | None = None
        self.setCentralWidget(self.stack)
        self.idle = IdleWatcher(self._idle_lock, self, on_lock_key=self._lock_key)
        self._covers: list = []
        QShortcut(QKeySequence("Ctrl+L"), self, self.lock)
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
        # set): building it after Argon2id held the GUI thread for a third of a second.
        QTimer.singleShot(0, self._prepare)

    def _prepare(self) -> None:
        if self.content is None and self._spare is None and self.locked:
            self._spare = Content(self)
            self.stack.addWidget(self._spare)

    def enter(self, store: Store) -> None:
        unlocking = self.content is not None and store.actor == self._last_user
        if self.content is not None and not unlocking:
            self._discard_content()  # someone else unlocked: they must not see the other user's screen
        # Dialogs left open at the lock: back as they were for the same user, closed unseen for another.
        covers, self._covers = self._covers, []
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
                # After an upgrade: say plainly that the data was converted and where the copy is.
                QMessageBox.information(
                    self, T["title"], T["migrated"].format(folder=store.folder / "safety")
                )
        if self.content is None:
            self.content, self._spare = self._spare or Content(self), None
            if self.stack.indexOf(self.content) < 0:
                self.stack.addWidget(self.content)
        self.stack.setCurrentWidget(self.content)
        self.content.on_store(unlocked=unlocking)
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
            run_slow(self, T["title"], T["refreshing"], lambda _progress: flag_review.refresh_if_due(store))

    def apply_settings(self) -> None:
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
        from app.services.store import backup

        store = self.ctx.store
        if store is None:
            return False
        days = backup.days_since_backup(store)
        return days is None or days >= town_settings.load(store)["backup.reminder_days"]

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.content is not None and not self.locked and not self.content.may_leave():
            event.ignore()  # the page on screen keeps its unsaved input (設定)
            return
        if not self.ctx.quiet and self.backup_due():
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
