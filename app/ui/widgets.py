"""Small widgets and helpers shared by several pages."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QWidget,
)

from app.services.keyslots import MIN_PASSPHRASE, passphrase_strength


class ErrorLabel(QLabel):
    """A message shown at the place of the mistake (red text under the field), empty when all is well."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("error")
        self.setWordWrap(True)
        self.hide()

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class PassphraseFields(QWidget):
    """New passphrase + confirmation, with a strength hint as the user types."""

    def __init__(self, parent: QWidget | None = None, label: str = "パスフレーズ"):
        super().__init__(parent)
        self.first = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.first.setObjectName("new_passphrase")
        self.second = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.second.setObjectName("confirm_passphrase")
        self.meter = QProgressBar(maximum=4, textVisible=False)
        self.meter.setFixedHeight(8)
        self.hint = QLabel(
            f"{MIN_PASSPHRASE}文字以上。覚えやすい長めの文（例: 山あいの町で春に咲く桜）がおすすめです"
        )
        self.hint.setWordWrap(True)
        self.error = ErrorLabel()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(f"{label}(&P)", self.first)
        form.addRow("", self.meter)
        form.addRow("", self.hint)
        form.addRow("もう一度入力(&C)", self.second)
        form.addRow("", self.error)
        self.first.textChanged.connect(self._update)

    def _update(self, text: str) -> None:
        score, hint = passphrase_strength(text)
        self.meter.setValue(score)
        self.hint.setText(hint if text else self.hint.text())
        self.error.show_error("")

    def value(self) -> str | None:
        """The passphrase when both fields agree and it is long enough; else shows why and returns None."""
        text = self.first.text()
        score, hint = passphrase_strength(text)
        if score == 0:
            self.error.show_error(hint)
            self.first.setFocus()
            return None
        if text != self.second.text():
            self.error.show_error("2回の入力が一致しません")
            self.second.setFocus()
            self.second.selectAll()
            return None
        self.error.show_error("")
        return text


def open_pdf(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def ask_save_pdf(parent: QWidget, suggested: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "PDFとして保存", suggested, "PDF (*.pdf)")
    return Path(name) if name else None


def confirm(parent: QWidget, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton("はい", QMessageBox.ButtonRole.YesRole)
    box.addButton("いいえ", QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(yes)
    box.exec()
    return box.clickedButton() is yes


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("heading")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label
