"""つなぐシート: every sheet, out and in, with its state and whether the reply is overdue."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.models import vocab
from app.services.catalog import print_catalog
from app.services.common.japanese import format_wareki
from app.services.households import households
from app.services.referrals import referrals
from app.ui.common.page import Page
from app.ui.common.widgets import heading, show_print
from app.ui.referrals.dialogs import ReferralDialog

T = {
    "nav": "つなぐシート",
    "title": "つなぐシート",
    "columns": ["番号", "向き", "世帯", "本人", "機関", "状態", "送付・受付日", "返信期限", "返信"],
    "out": "送付",
    "in": "受付",
    "all": "すべての状態",
    "overdue_only": "返信期限切れだけ(&O)",
    "open": "開く(&E)…",
    "blank": "記入用シートを印刷(&B)",
    "incoming": "受け取ったシートを登録(&R)…",
    "list": "一覧を印刷(&L)",
    "count": "{n} 件（期限切れ {o} 件）",
    "overdue": "期限切れ",
    "hint": "新しいシートは、世帯の画面の「つなぐシート」から作ります（世帯と相談受付の内容が入った状態で始まります）。",
}


class ReferralsPage(Page):
    nav_label = T["nav"]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.state = QComboBox(objectName="referral_state")
        self.state.addItem(T["all"], None)
        for code, word in vocab.REFERRAL_STATE.items():
            self.state.addItem(word, code)
        self.overdue_only = QCheckBox(T["overdue_only"], objectName="overdue_only")
        self.table = QTableWidget(0, len(T["columns"]), objectName="referral_table")
        self.table.setHorizontalHeaderLabels(T["columns"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.count = QLabel(objectName="hint")
        bar = QHBoxLayout()
        bar.addWidget(self.state)
        bar.addWidget(self.overdue_only)
        bar.addStretch()
        for key, slot in (
            ("open", self.open_selected),
            ("incoming", self.register_incoming),
            ("blank", self.print_blank),
            ("list", self.print_list),
        ):
            b = QPushButton(T[key], objectName=f"referrals_{key}")
            b.clicked.connect(slot)
            bar.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(T["title"]))
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addWidget(QLabel(T["hint"], objectName="hint"))
        self.state.currentIndexChanged.connect(self.refresh)
        self.overdue_only.toggled.connect(self.refresh)
        self.rows = []

    def refresh(self) -> None:
        store = self.ctx.require_store()
        today = self.ctx.today()
        if self.overdue_only.isChecked():
            self.rows = referrals.overdue(store, today)
        else:
            self.rows = referrals.listing(store, state=self.state.currentData())
        names = referrals.agency_names(store)
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            late = referrals.is_overdue(r, today)
            values = (r.number, T["out"] if r.direction == "out" else T["in"], r.household.code if r.household else "",
                      r.person.name if getattr(r, "person", None) else "", names.get(r.agency_id, ""),
                      referrals.state_word(r) + (f"（{T['overdue']}）" if late else ""),
                      format_wareki(r.sent_on) if r.sent_on else "", format_wareki(r.reply_due) if r.reply_due else "",
                      format_wareki(r.reply_received_on) if r.reply_received_on else "")  # fmt: skip
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setData(Qt.ItemDataRole.UserRole, r.id)
                if late:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(i, c, item)
        self.count.setText(
            T["count"].format(n=len(self.rows), o=sum(referrals.is_overdue(r, today) for r in self.rows))
        )

    def open_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            ref = self.rows[row]
            household = households.open_household(self.ctx.require_store(), ref.household_id)
            households.record_view(self.ctx.require_store(), ref.household_id)
            ReferralDialog(self.ctx, household, self, referral_id=ref.id).exec()
            self.refresh()

    def register_incoming(self) -> None:
        from PySide6.QtWidgets import QDialog

        from app.ui.referrals.dialogs import IncomingDialog

        found = IncomingDialog(self.ctx, self)
        if found.exec() == QDialog.DialogCode.Accepted and found.household_id is not None:
            household = households.open_household(self.ctx.require_store(), found.household_id)
            ReferralDialog(self.ctx, household, self, direction="in").exec()
        self.refresh()

    def print_blank(self) -> None:
        store = self.ctx.require_store()
        show_print(self, store, print_catalog.produce(store, "referral-blank"))

    def print_list(self) -> None:
        store = self.ctx.require_store()
        state = "overdue" if self.overdue_only.isChecked() else self.state.currentData()
        request = print_catalog.Request(on=self.ctx.today(), options={"state": state})
        show_print(self, store, print_catalog.produce(store, "referral-list", request))
