"""The signed-in screen: header, navigation column and the pages, each page built the first time it is shown.

A module of its own, imported once the sign-in window is painted (app.ui.window.shell): the window shows
before any of this, or the store layer the pages use, is loaded (issue 25).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.window import warm

if TYPE_CHECKING:
    from app.ui.common.page import Page
    from app.ui.window.shell import Shell

T = {
    "demo_banner": "デモデータを表示しています（架空の町）。実在の方の記録は入力しないでください。",
    "lock": "ロック(&Z)",
    "sign_out": "サインアウト(&J)",
    "user": "{user} さん",
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
# Each page's class by module and name, imported when the page is first built (or ahead, while the
# passphrase is typed): importing them all held the sign-in window back by a second.
PAGES: dict[str, tuple[str, str]] = {
    "ホーム": ("app.ui.home.page", "HomePage"),
    "世帯": ("app.ui.households.page", "HouseholdsPage"),
    "つなぐシート": ("app.ui.referrals.page", "ReferralsPage"),
    "訪問・経過": ("app.ui.outreach.page", "OutreachPage"),
    "会議": ("app.ui.meetings.page", "MeetingsPage"),
    "参加支援": ("app.ui.participation.page", "ParticipationPage"),
    "地域づくり": ("app.ui.community.page", "CommunityPage"),
    "実施計画": ("app.ui.program.page", "ProgramPage"),
    "統計": ("app.ui.statistics.page", "StatisticsPage"),
    "バックアップ": ("app.ui.backup.page", "BackupPage"),
    "関係機関": ("app.ui.referrals.agencies_page", "AgenciesPage"),
    "設定": ("app.ui.settings.page", "SettingsPage"),
}


def page_class(name: str) -> type[Page]:
    module, cls = PAGES[name]
    warm.wait()  # (the pages import the store layer: never while the worker is still importing it)
    return getattr(importlib.import_module(module), cls)


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
        # The first page is built apart (first_page, or on_store at the latest): behind the sign-in window
        # each is a step of its own, so that keys typed meanwhile are answered between them.
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(0)
        self.nav.blockSignals(False)

    def first_page(self, *, placed: bool = True) -> Page:
        """The page shown at sign-in, without a refresh yet: on_store brings it up to date once the store
        is set. Built, then placed among the pages (behind the sign-in window, two steps: each moves
        every widget of the page, and the window answers keys between them)."""
        name = list(self.by_name)[0]
        return self.page(name) if placed else self._built(name)

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
        page = self._built(name)
        if self.pages.indexOf(page) < 0:
            self.pages.addWidget(page)
        return page

    def _built(self, name: str) -> Page:
        page = self.by_name[name]
        if page is None:
            page = self.by_name[name] = page_class(name)(self.ctx)
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
