"""What every tab of the household screen shares."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QWidget


class HouseholdTab(QWidget):
    changed = Signal()  # something was saved: the screen reads the household again

    def __init__(self, ctx, screen):
        super().__init__()
        self.ctx = ctx
        self.screen = screen  # the household screen: the household on show, its prints and checks

    @property
    def household(self):
        return self.screen.household

    def after(self, dialog: QDialog) -> bool:
        """Run a dialog; when it saved, the screen reads again. Returns whether it saved."""
        saved = dialog.exec() == QDialog.DialogCode.Accepted
        if saved:
            self.changed.emit()
        return saved

    def button_row(self, words: dict, buttons, suffix: str = "") -> tuple[QHBoxLayout, dict[str, QPushButton]]:
        """A row of buttons, (key, slot) each, named by key (tests and shortcuts find them so)."""
        row, made = QHBoxLayout(), {}
        for key, slot in buttons:
            b = QPushButton(words[key], objectName=f"{key}{suffix}")
            b.clicked.connect(slot)
            row.addWidget(b)
            made[key] = b
        row.addStretch()
        return row, made
