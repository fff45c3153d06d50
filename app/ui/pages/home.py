"""ホーム: where the day starts. Later issues add their to-do lists here (flags, visits, replies)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from app.services import settings as town_settings
from app.services.japanese import fiscal_year, format_fiscal_year, format_wareki
from app.ui.pages import Page
from app.ui.widgets import heading

T = {
    "nav": "ホーム",
    "greeting": "{town}　重層的支援体制整備事業",
    "today": "今日は {date}（{fy}）です。",
    "households": "登録されている世帯",
    "persons": "世帯員",
    "unit_h": "{n} 世帯",
    "unit_p": "{n} 人",
    "empty": (
        "まだ世帯が登録されていません。\n"
        "世帯の登録・相談受付・つなぐシートなどの画面は、準備ができしだい左の一覧に加わります。"
    ),
    "shortcuts": "キーボード: Ctrl+L で画面をロック、Ctrl+1〜9 で左の一覧を切り替え",
}


class HomePage(Page):
    nav_label = T["nav"]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.title = heading("")
        self.today = QLabel()
        self.counts = QFrame(objectName="card")
        grid = QGridLayout(self.counts)
        self.households = QLabel(objectName="figure")
        self.persons = QLabel(objectName="figure")
        grid.addWidget(QLabel(T["households"]), 0, 0)
        grid.addWidget(self.households, 1, 0)
        grid.addWidget(QLabel(T["persons"]), 0, 1)
        grid.addWidget(self.persons, 1, 1)
        self.empty = QLabel(T["empty"])
        self.empty.setWordWrap(True)
        hint = QLabel(T["shortcuts"], objectName="hint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.today)
        layout.addSpacing(12)
        layout.addWidget(self.counts)
        layout.addWidget(self.empty)
        layout.addStretch()
        layout.addWidget(hint)

    def refresh(self) -> None:
        store = self.ctx.require_store()
        values = town_settings.load(store)
        self.title.setText(T["greeting"].format(town=values["town.name"] or "つなぎ"))
        today = date.today()
        self.today.setText(
            T["today"].format(date=format_wareki(today), fy=format_fiscal_year(fiscal_year(today)))
        )
        counts = store.counts()
        self.households.setText(T["unit_h"].format(n=f"{counts['households']:,}"))
        self.persons.setText(T["unit_p"].format(n=f"{counts['persons']:,}"))
        self.empty.setVisible(counts["households"] == 0)
