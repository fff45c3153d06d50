"""世帯員: the members, their relations and care, with edit and delete."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QVBoxLayout

from app.models import vocab
from app.services.common.japanese import age_words, birth_words
from app.services.households import households
from app.services.records.family import RelationWords, care_notes
from app.ui.common.slow import run_slow
from app.ui.common.widgets import confirm, fill_table, record_table, selected_data
from app.ui.households.dialogs import MemberDialog
from app.ui.households.tabs.base import HouseholdTab
from app.ui.households.words import T

WORDS = {
    "disclose": "本人開示(&K)…",
    "disclose_title": "本人開示 — 書き出すフォルダを選んでください",
    "disclosing": "本人開示を作っています…",
    "disclosed": "{name}さんの本人開示を書き出しました（持出し管理簿に記録しました）:\n{pdf}\n{xlsx}",
    "choose_first": "本人開示する世帯員を一覧で選んでください",
}


class MembersTab(HouseholdTab):
    def __init__(self, ctx, screen):
        super().__init__(ctx, screen)
        self.table = record_table(T["member_cols"])
        self.table.doubleClicked.connect(lambda _i: self.edit_member())
        row, _ = self.button_row(T, (("edit_member", self.edit_member), ("remove_member", self.remove_member)))
        disclose = QPushButton(WORDS["disclose"], objectName="disclose_member")
        disclose.clicked.connect(self.disclose)
        row.insertWidget(row.count() - 1, disclose)  # (before the row's closing stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)

    def fill(self, h, record, today) -> None:
        words = RelationWords(record)
        names = {m.id: m.name for m in h.members}
        rows = []
        for p, m in zip(h.members, record.members, strict=True):
            place = T["dead"] if p.deceased else (T["here"] if p.lives_here else T["away"])
            rows.append(
                [p.name, p.kana, words(m), vocab.SEX[p.sex], birth_words(p.birth_date, p.birth_earliest, p.birth_text),
                 "" if p.deceased else age_words(p.birth_date, p.birth_earliest, today), "・".join(care_notes(p)), place,
                 "、".join(names.get(c.cared_id, "") for c in p.cares)]
            )  # fmt: skip
        fill_table(self.table, rows, [p.id for p in h.members])

    def selected_person(self):
        pid = selected_data(self.table)
        return next((m for m in self.household.members if m.id == pid), None)

    def add_member(self) -> None:
        self.after(MemberDialog(self.ctx, self.household, self))

    def edit_member(self) -> None:
        person = self.selected_person()
        if person is not None:
            self.after(MemberDialog(self.ctx, self.household, self, person=person))

    def disclose(self) -> bool:
        """Everything held about the selected person, as PDF and Excel, into a folder the user chooses."""
        from app.services.transfer import disclosure  # ReportLab and openpyxl load with the first one

        person = self.selected_person()
        if person is None:
            QMessageBox.information(self, WORDS["disclose"], WORDS["choose_first"])
            return False
        folder = QFileDialog.getExistingDirectory(self, WORDS["disclose_title"])
        if not folder:
            return False
        store = self.ctx.require_store()
        handed = run_slow(self, WORDS["disclose"], WORDS["disclosing"],
                          lambda _progress: disclosure.hand_over(store, person.id, Path(folder)))  # fmt: skip
        if not getattr(self.ctx, "quiet", False):
            QMessageBox.information(self, WORDS["disclose"],
                                    WORDS["disclosed"].format(name=person.name, pdf=handed.pdf, xlsx=handed.xlsx))  # fmt: skip
        return True

    def remove_member(self) -> None:
        person = self.selected_person()
        if person is not None and confirm(self, T["remove_member"], T["remove_confirm"].format(name=person.name)):
            households.remove_member(self.ctx.require_store(), person.id)
            self.changed.emit()
