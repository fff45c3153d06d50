"""気づき: the household's flags, confirmed, dismissed with a reason, ended or undone."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from app.services.flags import flag_review
from app.ui.common.widgets import enable, fill_table, record_table, selected_data
from app.ui.households.flag_dialogs import ManualFlagDialog, ReasonDialog
from app.ui.households.tabs.base import HouseholdTab
from app.ui.households.words import T

# Why a button is grey (shown when the pointer rests on it).
T_WHY = {
    "choose": "一覧から気づきを選んでください",
    "not_candidate": "確認できるのは、今も判定に当てはまる「候補」だけです",
    "dismiss": "「該当なし」にできるのは、自動の気づきの候補か確認済のものです",
    "end": "「終了」にできるのは、手で追加して確認済の気づきです",
    "undo": "この気づきには取り消せる判断がありません",
}


class FlagsTab(HouseholdTab):
    def __init__(self, ctx, screen):
        super().__init__(ctx, screen)
        self.views = []
        self.table = record_table(T["flag_cols"])
        self.table.itemSelectionChanged.connect(self._sync_buttons)
        self.note = QLabel(T["flag_note"], objectName="hint")
        row, self.buttons = self.button_row(T, (
            ("confirm_flag", self.confirm_flag), ("dismiss_flag", self.dismiss_flag), ("undo_flag", self.undo_flag),
            ("end_flag", self.end_flag), ("manual_flag", self.add_manual_flag)))  # fmt: skip
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        layout.addLayout(row)

    def fill(self, store, h, today: date) -> None:
        # Flags that still need attention first; one read (each read evaluates the household's rules).
        self.views = sorted(
            flag_review.for_household(store, h.id, today),
            key=lambda f: not (f.active and f.state in ("candidate", "confirmed")),
        )
        fill_table(
            self.table,
            [[f.word if f.active else f"{f.word}（今は該当しない）", f.state_word, f.note or f.reason,
              f"{f.decided_by} {f.decided_at:%Y-%m-%d %H:%M}" if f.decided_at else "", f.state_note]
             for f in self.views],  # fmt: skip
            [f.id for f in self.views],
        )
        self.note.setText(T["flag_note"] if self.views else T["no_flags"])
        self._sync_buttons()

    def _flag(self):
        fid = selected_data(self.table)
        return next((f for f in self.views if f.id == fid), None)

    def _sync_buttons(self) -> None:
        f = self._flag()
        # A candidate that no longer applies has left the list by itself: nothing to decide about it
        # (it comes back as a candidate if the situation does).
        pending = f is not None and f.state == "candidate" and f.active
        if f is None:
            why = {key: T_WHY["choose"] for key in self.buttons}
        else:
            why = {
                "confirm_flag": T_WHY["not_candidate"],
                "dismiss_flag": T_WHY["dismiss"],
                "end_flag": T_WHY["end"],
                "undo_flag": T_WHY["undo"],
            }
        enable(self.buttons["confirm_flag"], pending, why["confirm_flag"])
        enable(self.buttons["dismiss_flag"], f is not None and f.source == "auto" and (pending or f.state == "confirmed"),
               why["dismiss_flag"])  # fmt: skip
        enable(self.buttons["end_flag"], f is not None and f.state == "confirmed" and f.source == "manual",
               why["end_flag"])  # fmt: skip
        enable(self.buttons["undo_flag"], f is not None and f.can_undo, why["undo_flag"])

    def _saved(self, flag_id: int) -> None:
        self.changed.emit()  # the screen reads again; the flag acted on stays selected
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == flag_id:
                self.table.selectRow(r)

    def confirm_flag(self) -> None:
        f = self._flag()
        if f is not None:
            flag_review.confirm(self.ctx.require_store(), f.id)
            self._saved(f.id)

    def dismiss_flag(self) -> None:
        f = self._flag()
        if f is not None and ReasonDialog(self.ctx, f, self).exec() == QDialog.DialogCode.Accepted:
            self._saved(f.id)

    def end_flag(self) -> None:
        f = self._flag()
        if f is not None and ReasonDialog(self.ctx, f, self, end=True).exec() == QDialog.DialogCode.Accepted:
            self.changed.emit()

    def undo_flag(self) -> None:
        f = self._flag()
        if f is not None:
            flag_review.undo(self.ctx.require_store(), f.id)
            self._saved(f.id)

    def add_manual_flag(self) -> None:
        self.after(ManualFlagDialog(self.ctx, self.household, self))
