"""Typed work is never thrown away without asking: a dialog with fields remembers what they held when it
was shown, and closing it any way but 保存 (Esc, the window's ×, 閉じる or キャンセル — all of them end in
``reject``) asks 「保存せずに閉じますか」 first when anything differs, with いいえ as the default."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

QUESTION = "入力した内容を保存せずに閉じますか？"
COVERED = "tsunagi_covered"  # set while the lock covers the dialog (app.ui.window.lock_cover)
DETAIL = "「はい」を押すと、この画面で入力・変更した内容は失われます。"


def snapshot(root: QWidget) -> tuple:
    """What every editable field under ``root`` holds now (in a fixed order)."""
    values: list = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QLineEdit):
            if not w.isReadOnly():
                values.append(w.text())
        elif isinstance(w, (QPlainTextEdit, QTextEdit)):
            if not w.isReadOnly():
                values.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            values.append(w.currentIndex())
        elif isinstance(w, QAbstractSpinBox):
            values.append(w.text())
        elif isinstance(w, QAbstractButton) and w.isCheckable():
            values.append(w.isChecked())
    return tuple(values)


def confirm_discard(parent: QWidget) -> bool:
    return ask_destructive(parent, QUESTION, DETAIL)


def ask_destructive(parent: QWidget, question: str, detail: str = "", title: str = "") -> bool:
    """はい/いいえ for an act that cannot be taken back here (discarding input, deleting a record): いいえ is
    the default and Esc, so Enter pressed in a hurry keeps everything."""
    box = QMessageBox(QMessageBox.Icon.Question, title or parent.windowTitle() or "つなぎ", question, parent=parent)
    if detail:
        box.setInformativeText(detail)
    yes = box.addButton("はい", QMessageBox.ButtonRole.DestructiveRole)
    no = box.addButton("いいえ", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


class EditDialog(QDialog):
    """A QDialog whose fields are guarded against closing without saving."""

    _clean: tuple | None = None

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._clean is None:  # the first showing: the fields hold what was loaded, nothing typed yet
            self.mark_clean()

    def mark_clean(self) -> None:
        self._clean = snapshot(self)

    def has_unsaved_input(self) -> bool:
        return self._clean is not None and snapshot(self) != self._clean

    def reject(self) -> None:
        if self.property(COVERED):
            return  # locked: neither Esc nor × ends the dialog under the cover
        if self.has_unsaved_input() and not confirm_discard(self):
            return
        super().reject()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self.property(COVERED):
            for child in self.children():
                if child.objectName() == "lock_cover":
                    child.setGeometry(self.rect())
