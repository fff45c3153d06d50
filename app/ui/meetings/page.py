"""会議: meetings newest first; the cases on the chosen meeting's agenda; the 次第 and the 会議録."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app.models import vocab
from app.services.catalog import print_catalog
from app.services.common.errors import InvalidInput
from app.services.common.japanese import format_wareki
from app.services.meetings import meetings
from app.ui.common.page import Page
from app.ui.common.widgets import confirm, fill_table, heading, record_table, selected_data, show_print
from app.ui.meetings.dialogs import (
    CaseDialog,
    HouseholdPicker,
    MeetingDialog,
    MeetingTypesDialog,
    add_to_agenda,
)

T = {
    "nav": "会議",
    "title": "会議（重層的支援会議・支援会議など）",
    "meeting_cols": ["開催日", "会議", "時間", "場所", "事例", "出席者"],
    "case_cols": ["世帯番号", "世帯", "本人", "情報共有の根拠", "決定事項", "次回の見直し"],
    "cases": "この会議の事例（{n} 件）",
    "no_meeting": "会議を選ぶと、その事例がここに出ます。",
    "new": "新しい会議(&N)…",
    "edit": "会議の情報(&E)…",
    "delete": "会議の削除…",
    "delete_confirm": "この会議の記録を削除しますか？（決定のない会議だけ削除できます。変更履歴には残ります）",
    "types": "会議の種類…",
    "add_case": "事例を追加(&A)…",
    "record_case": "事例の記録(&R)…",
    "remove_case": "議題から外す…",
    "remove_confirm": "この世帯を議題から外しますか？",
    "open": "世帯を開く(&O)",
    "agenda": "次第を印刷(&P)",
    "record": "会議録を印刷(&K)",
    "error": "操作できません",
}


class MeetingsPage(Page):
    nav_label = T["nav"]
    open_household = Signal(int)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.meetings = record_table(T["meeting_cols"], "meetings")
        self.meetings.itemSelectionChanged.connect(self._fill_cases)
        self.meetings.doubleClicked.connect(lambda _i: self.edit())
        self.cases = record_table(T["case_cols"], "meeting_cases")
        self.cases.doubleClicked.connect(lambda _i: self.record_case())
        self.cases_title = QLabel(objectName="subheading")
        self.message = QLabel(objectName="error")
        self.buttons = {}

        def row(keys):
            line = QHBoxLayout()
            for key, slot in keys:
                b = QPushButton(T[key], objectName=f"meetings_{key}")
                b.clicked.connect(slot)
                line.addWidget(b)
                self.buttons[key] = b
            line.addStretch()
            return line

        layout = QVBoxLayout(self)
        layout.addWidget(heading(T["title"]))
        layout.addLayout(
            row((("new", self.new), ("edit", self.edit), ("delete", self.delete), ("types", self.edit_types)))
        )
        layout.addWidget(self.meetings, 2)
        layout.addWidget(self.cases_title)
        layout.addWidget(self.cases, 2)
        layout.addLayout(row((("add_case", self.add_case), ("record_case", self.record_case), ("remove_case", self.remove_case),
                              ("open", self.open), ("agenda", self.print_agenda), ("record", self.print_record))))  # fmt: skip
        layout.addWidget(self.message)

    def refresh(self, keep: int | None = None) -> None:
        keep = keep or selected_data(self.meetings)
        self.items = meetings.meetings(self.ctx.require_store())
        fill_table(self.meetings, [[format_wareki(m.held_on), m.type.name, m.time, m.place, f"{len(m.cases)}件",
                                    f"{len(m.attendees or [])}人"] for m in self.items], [m.id for m in self.items])  # fmt: skip
        ids = [m.id for m in self.items]
        if keep in ids:
            self.meetings.selectRow(ids.index(keep))
        elif ids:
            self.meetings.selectRow(0)
        self._fill_cases()

    def _meeting_id(self):
        return selected_data(self.meetings)

    def _fill_cases(self) -> None:
        self.message.setText("")
        meeting_id = self._meeting_id()
        if meeting_id is None:
            self.cases_title.setText(T["no_meeting"])
            fill_table(self.cases, [])
            return
        meeting = meetings.get_meeting(self.ctx.require_store(), meeting_id)
        self.cases_title.setText(T["cases"].format(n=len(meeting.cases)))
        rows = []
        for c in meeting.cases:
            head = next((m.name for m in c.household.members if m.relation == "head"), c.household.label)
            rows.append([c.household.code, head, c.person.name if c.person else "", vocab.SHARING_BASIS.get(c.basis, ""),
                         "・".join(vocab.MEETING_DECISION.get(d, "") for d in c.decisions or []),
                         format_wareki(c.next_review_on) if c.next_review_on else ""])  # fmt: skip
        fill_table(self.cases, rows, [(c.id, c.household_id) for c in meeting.cases])

    def new(self) -> None:
        dialog = MeetingDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh(dialog.meeting_id)

    def edit(self) -> None:
        if self._meeting_id() is not None and MeetingDialog(self.ctx, self, self._meeting_id()).exec():
            self.refresh()

    def delete(self) -> None:
        if self._meeting_id() is None or not confirm(self, T["delete"], T["delete_confirm"]):
            return
        try:
            meetings.delete_meeting(self.ctx.require_store(), self._meeting_id())
        except InvalidInput as exc:
            self.message.setText(str(exc))
            return
        self.refresh()

    def edit_types(self) -> None:
        MeetingTypesDialog(self.ctx, self).exec()
        self.refresh()

    def add_case(self) -> None:
        meeting_id = self._meeting_id()
        if meeting_id is None:
            return
        picker = HouseholdPicker(self.ctx, self)
        if picker.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            add_to_agenda(self.ctx, self, meeting_id, picker.value, picker.person_id)
        except InvalidInput as exc:
            self.message.setText(str(exc))
        self.refresh(meeting_id)

    def record_case(self) -> None:
        chosen = selected_data(self.cases)
        if chosen is not None and CaseDialog(self.ctx, chosen[0], self).exec():
            self.refresh()

    def remove_case(self) -> None:
        chosen = selected_data(self.cases)
        if chosen is None or not confirm(self, T["remove_case"], T["remove_confirm"]):
            return
        try:
            meetings.remove_case(self.ctx.require_store(), chosen[0])
        except InvalidInput as exc:
            self.message.setText(str(exc))
            return
        self.refresh()

    def open(self) -> None:
        chosen = selected_data(self.cases)
        if chosen is not None:
            self.open_household.emit(chosen[1])

    def _print(self, key: str) -> None:
        meeting_id = self._meeting_id()
        if meeting_id is None:
            return
        store = self.ctx.require_store()
        show_print(self, store, print_catalog.produce(store, key, print_catalog.Request(record_id=meeting_id)))

    def print_agenda(self) -> None:
        self._print("agenda")

    def print_record(self) -> None:
        self._print("minutes")
