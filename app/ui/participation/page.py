"""参加支援: who takes part where (本人, 世帯, 受入先, 内容, 状態, 開始, 最近の参加), filtered by state; add one
for a person of a household, open one to record activities, print its 参加支援の記録."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app.models import vocab
from app.services.catalog import print_catalog
from app.services.common.errors import InvalidInput
from app.services.common.japanese import format_wareki
from app.services.participation import participation
from app.ui.common.page import Page
from app.ui.common.widgets import (
    choice_combo,
    enable,
    fill_table,
    heading,
    record_table,
    selected_data,
    show_print,
)
from app.ui.participation.dialogs import ParticipationDialog

T = {
    "nav": "参加支援",
    "title": "参加支援",
    "columns": ["本人", "世帯", "受入先", "内容", "状態", "開始", "最近の参加"],
    "filter": "状態(&F)",
    "all": "すべて",
    "add": "参加支援を追加(&A)…",
    "open": "開く(&O)…",
    "print": "参加支援の記録を印刷(&P)",
    "count": "{n} 件",
    "empty": "参加支援の記録はまだありません。「参加支援を追加」で、世帯と本人を選んで始めます。"
    "受入先は「関係機関」で「参加支援で提供できること」に印を付けた機関です。",
    "pick": "一覧から参加支援を選んでください",
    "who": "本人: {name}　（世帯 {code}）",
}


class ParticipationPage(Page):
    nav_label = T["nav"]
    shows = frozenset({"participation", "households", "members", "agencies"})

    def __init__(self, ctx):
        super().__init__(ctx)
        self.state = choice_combo(vocab.PARTICIPATION_STATE, empty=T["all"])
        self.state.setObjectName("participation_state")
        self.state.currentIndexChanged.connect(lambda _i: self.refresh())
        state_label = QLabel(T["filter"])
        state_label.setBuddy(self.state)
        self.table = record_table(T["columns"], "participation_table")
        self.table.doubleClicked.connect(lambda _i: self.open())
        self.table.itemSelectionChanged.connect(self._enable)
        self.status = QLabel(objectName="hint")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        self.buttons = {}
        for key, slot in (("add", self.add), ("open", self.open), ("print", self.print_record)):
            b = QPushButton(T[key], objectName=f"participation_{key}")
            b.clicked.connect(slot)
            buttons.addWidget(b)
            self.buttons[key] = b
        buttons.addStretch()
        buttons.addWidget(state_label)
        buttons.addWidget(self.state)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(T["title"]))
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.rows: list[participation.Row] = []

    def refresh(self) -> None:
        store = self.ctx.require_store()
        self.rows = participation.rows(store, state=self.state.currentData())
        fill_table(
            self.table,
            [[r.person_name, r.household_code, r.agency_name, r.offer, r.state_word,
              format_wareki(r.started_on) if r.started_on else "",
              format_wareki(r.last_attended) if r.last_attended else ""] for r in self.rows],
            [r.id for r in self.rows],
        )  # fmt: skip
        if self.rows:
            self.table.selectRow(0)
        self.status.setText(T["count"].format(n=len(self.rows)) if self.rows else T["empty"])
        self._enable()

    def _enable(self) -> None:
        chosen = selected_data(self.table) is not None
        enable(self.buttons["open"], chosen, T["pick"])
        enable(self.buttons["print"], chosen, T["pick"])

    def add(self) -> None:
        # The same chooser as a meeting's case: a household, then whose participation it is.
        from app.ui.meetings.dialogs import HouseholdPicker

        picker = HouseholdPicker(self.ctx, self)
        if picker.exec() != QDialog.DialogCode.Accepted or picker.value is None or picker.person_id is None:
            return
        name = picker.person.currentText()
        code = picker.results.item(picker.results.currentRow(), 0).text()
        dialog = ParticipationDialog(self.ctx, self, household_id=picker.value, person_id=picker.person_id,
                                     who=T["who"].format(name=name, code=code))  # fmt: skip
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self._select(dialog.record_id)

    def open(self) -> None:
        pid = selected_data(self.table)
        if pid is None:
            self.status.setText(T["pick"])
            return
        store = self.ctx.require_store()
        try:
            record = participation.get(store, pid)
        except InvalidInput as exc:
            self.status.setText(str(exc))
            return
        ParticipationDialog(self.ctx, self, record=record).exec()
        # Activities are saved inside the dialog even when it is then cancelled: always read again.
        self.refresh()
        self._select(pid)

    def _select(self, pid) -> None:
        for i, r in enumerate(self.rows):
            if r.id == pid:
                self.table.selectRow(i)

    def print_record(self) -> None:
        pid = selected_data(self.table)
        if pid is None:
            self.status.setText(T["pick"])
            return
        store = self.ctx.require_store()
        show_print(self, store, print_catalog.produce(store, "participation", print_catalog.Request(record_id=pid)))
