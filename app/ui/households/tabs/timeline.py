"""支援経過: every event of the household in time order, visits and notes added here, and its prints."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QMessageBox, QPushButton, QVBoxLayout

from app.services.common.errors import InvalidInput
from app.services.common.japanese import format_wareki
from app.services.households import households
from app.services.outreach import outreach
from app.ui.common.unsaved import ask_destructive
from app.ui.common.widgets import enable, fill_table, record_table, selected_data, show_print
from app.ui.households.dialogs import IntakeDialog
from app.ui.households.tabs.base import HouseholdTab
from app.ui.households.words import T
from app.ui.outreach.dialogs import NoteDialog, VisitDialog
from app.ui.referrals.dialogs import ReferralDialog


class TimelineTab(HouseholdTab):
    def __init__(self, ctx, screen):
        super().__init__(ctx, screen)
        self.entries = []
        self.filter = QComboBox(objectName="timeline_filter")
        self.filter.addItem(T["all_kinds"], None)
        for code, word in outreach.KIND_WORDS.items():
            self.filter.addItem(word, code)
        self.filter.currentIndexChanged.connect(lambda _i: self.fill(self.ctx.require_store()))
        self.table = record_table(T["timeline_cols"])
        self.table.doubleClicked.connect(lambda _i: self.open_entry())
        row = QHBoxLayout()
        row.addWidget(self.filter)
        for key, slot in (("add_visit", self.add_visit), ("add_note", self.add_note), ("open_entry", self.open_entry),
                          ("print_timeline", self.print_timeline), ("print_visit", self.print_visit),
                          ("delete_note", self.delete_note)):  # fmt: skip
            b = QPushButton(T[key], objectName=key)
            b.clicked.connect(slot)
            row.addWidget(b)
        self.delete_button = b
        self.delete_button.setEnabled(False)  # only while a メモ is chosen
        self.table.currentCellChanged.connect(lambda *_cells: self._sync_delete())
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table)

    def fill(self, store) -> None:
        kind = self.filter.currentData()
        self.entries = outreach.timeline(store, self.household.id, {kind} if kind else None)
        rows = [[f"{format_wareki(e.at.date())} {e.at:%H:%M}" if e.at.time() != e.at.min.time() else format_wareki(e.at.date()),
                 e.kind_word, e.title, e.detail.replace("\n", " ")[:120]] for e in self.entries]  # fmt: skip
        fill_table(self.table, rows, list(range(len(self.entries))))
        self._sync_delete()

    def _sync_delete(self) -> None:
        index = selected_data(self.table)
        chosen = self.entries[index] if index is not None and index < len(self.entries) else None
        enable(self.delete_button, chosen is not None and chosen.kind == "note",
               "ここで削除できるのは支援経過のメモです（相談受付・訪問は開いて削除します）")  # fmt: skip

    def _entry(self):
        index = selected_data(self.table)
        return self.entries[index] if index is not None else None

    def add_visit(self) -> None:
        self.after(VisitDialog(self.ctx, self.household, self, visitor=self.screen.user_name()))

    def add_note(self) -> None:
        self.after(NoteDialog(self.ctx, self.household, self))

    def open_entry(self) -> None:
        e = self._entry()
        if e is None:
            return
        store = self.ctx.require_store()
        if e.kind == "visit":
            self.after(VisitDialog(self.ctx, self.household, self, visit=outreach.get_visit(store, e.record_id)))
        elif e.kind in ("referral", "reply"):
            ReferralDialog(self.ctx, self.household, self, referral_id=e.record_id).exec()
            self.changed.emit()
        elif e.kind == "intake":
            intake = next((i for i in households.intakes(store, self.household.id) if i.id == e.record_id), None)
            if intake is not None:
                self.after(IntakeDialog(self.ctx, self.household, self, intake=intake))

    def delete_note(self) -> None:
        """A note has no dialog of its own to delete it from, so it is deleted here, from the list."""
        e = self._entry()
        if e is None or e.kind != "note":
            return
        at = f"{format_wareki(e.at.date())} {e.at:%H:%M}"
        if ask_destructive(self, T["delete_note_question"].format(at=at), T["delete_note_detail"], T["timeline"]):
            try:
                outreach.delete_note(self.ctx.require_store(), e.record_id)
            except InvalidInput as exc:
                QMessageBox.warning(self, T["timeline"], str(exc))
            self.changed.emit()

    def timeline_print(self):
        return self.screen.produce("timeline")

    def visit_print(self):
        e = self._entry()
        visits = [x for x in self.entries if x.kind == "visit"]
        target = e if e is not None and e.kind == "visit" else (visits[-1] if visits else None)
        return None if target is None else self.screen.produce("visit", target.record_id)

    def print_timeline(self) -> None:
        if self.screen.may_print():
            show_print(self, self.ctx.require_store(), self.timeline_print())

    def print_visit(self) -> None:
        printed = self.visit_print()
        if printed is not None and self.screen.may_print():
            show_print(self, self.ctx.require_store(), printed)
