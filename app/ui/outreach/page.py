"""訪問・経過: who needs a visit (no contact for N days, overdue 次回予定), this week's plan, the 世帯訪問調査
by 自治会, and the route sheet for a day."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
)

from app.models import vocab
from app.services.catalog import print_catalog
from app.services.common.japanese import format_wareki
from app.services.outreach import outreach
from app.services.store import settings as town_settings
from app.ui.common.page import Page
from app.ui.common.widgets import DateField, fill_table, heading, record_table, show_print

T = {
    "nav": "訪問・経過",
    "title": "訪問・経過",
    "follow": "連絡が途絶えている・次回予定を過ぎた世帯（{n} 件）",
    "follow_cols": ["世帯番号", "世帯", "状態", "最後の連絡", "次回予定", "理由"],
    "week": "今週の訪問予定（{n} 件）",
    "week_cols": ["予定日", "世帯番号", "世帯", "住所"],
    "survey": "世帯訪問調査の進み具合（{round}）",
    "survey_cols": ["自治会・地区", "訪問済", "世帯数", "割合"],
    "open": "世帯を開く(&O)",
    "batch": "調査の一括入力(&B)…",
    "route": "訪問予定表を印刷(&P)",
    "route_day": "日付",
}


class OutreachPage(Page):
    nav_label = T["nav"]
    open_household = Signal(int)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.follow_title = QLabel(objectName="subheading")
        self.follow = record_table(T["follow_cols"])
        self.week_title = QLabel(objectName="subheading")
        self.week = record_table(T["week_cols"])
        self.survey_title = QLabel(objectName="subheading")
        self.survey = record_table(T["survey_cols"])
        self.survey.setMaximumHeight(180)
        for table in (self.follow, self.week):
            table.doubleClicked.connect(lambda _i, t=table: self._open(t))
        self.day = DateField()
        self.day.setMaximumWidth(320)
        buttons = QHBoxLayout()
        for key, slot in (("open", lambda: self._open(self.follow)), ("batch", self.batch)):
            b = QPushButton(T[key], objectName=f"outreach_{key}")
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch()
        buttons.addWidget(QLabel(T["route_day"]))
        buttons.addWidget(self.day)
        route = QPushButton(T["route"], objectName="outreach_route")
        route.clicked.connect(self.print_route)
        buttons.addWidget(route)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(T["title"]))
        layout.addLayout(buttons)
        layout.addWidget(self.follow_title)
        layout.addWidget(self.follow, 2)
        layout.addWidget(self.week_title)
        layout.addWidget(self.week, 1)
        layout.addWidget(self.survey_title)
        layout.addWidget(self.survey)

    def refresh(self) -> None:
        store = self.ctx.require_store()
        today = self.ctx.today()
        if not self.day.edit.text():
            self.day.set_date(today)
        self.items = outreach.followups(store, today)
        self.follow_title.setText(T["follow"].format(n=len(self.items)))
        fill_table(self.follow, [[f.code, f.name, vocab.HOUSEHOLD_STATUS.get(f.status, ""),
                             format_wareki(f.last_contact) if f.last_contact else "記録なし",
                             format_wareki(f.next_on) if f.next_on else "", f.reason] for f in self.items],
              [f.household_id for f in self.items])  # fmt: skip
        plan = outreach.this_week(store, today)
        self.week_title.setText(T["week"].format(n=len(plan)))
        fill_table(self.week, [[format_wareki(d), code, name or "", address] for d, _h, code, name, address in plan],
              [h for _d, h, *_ in plan])  # fmt: skip
        round_name = outreach.survey_round_name(today)
        progress = outreach.survey_progress(store, round_name)
        self.survey_title.setText(T["survey"].format(round=round_name))
        fill_table(
            self.survey,
            [[d, v, n, f"{v / n:.0%}" if n else ""] for d, v, n in progress],
            [None] * len(progress),
        )

    def _open(self, table: QTableWidget) -> None:
        row = table.currentRow()
        item = table.item(row, 0) if row >= 0 else None
        if item is not None and item.data(Qt.ItemDataRole.UserRole) is not None:
            self.open_household.emit(item.data(Qt.ItemDataRole.UserRole))

    def batch(self) -> None:
        from app.ui.outreach.dialogs import SurveyDialog

        store = self.ctx.require_store()
        SurveyDialog(self.ctx, self, visitor=town_settings.printed_by(store)).exec()
        self.refresh()

    def print_route(self) -> None:
        try:
            day = self.day.value()
        except ValueError:
            return
        store = self.ctx.require_store()
        show_print(self, store, print_catalog.produce(store, "route", print_catalog.Request(on=day)))
