"""The lock covers dialogs too. A dialog open when the screen locks (by Ctrl+L or the idle timer) keeps
running — ending it would throw away what was typed — but an opaque cover is laid over its fields, its
title stops naming anything, and nothing in it can be typed into, pressed or closed. The dialog on top
(the one that holds the keyboard while it is open) gets the passphrase field on its cover, since the main
window cannot be reached past it. Unlocking by the same user lifts every cover with the text intact; when
another user signs in, the dialogs of the one before are closed unseen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.common import unsaved

COVERED = unsaved.COVERED
T = {
    "title": "つなぎ（ロック中）",
    "locked": "画面をロックしています",
    "hint": "入力途中の内容は、同じ利用者がロックを解除すると元のまま戻ります。",
    "passphrase": "パスフレーズ",
    "unlock": "ロックを解除(&U)",
}


class Cover(QFrame):
    def __init__(self, dialog: QDialog, sign_in=None):
        super().__init__(dialog)
        self.dialog, self.sign_in = dialog, sign_in
        self.setObjectName("lock_cover")
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addStretch()
        heading = QLabel(T["locked"], objectName="heading", alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(heading)
        hint = QLabel(T["hint"], objectName="hint", alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        layout.addWidget(hint)
        self.field = self.error = None
        if sign_in is not None:
            self.field = QLineEdit(objectName="cover_passphrase")
            self.field.setEchoMode(QLineEdit.EchoMode.Password)
            self.field.setPlaceholderText(T["passphrase"])
            self.field.returnPressed.connect(self.submit)
            button = QPushButton(T["unlock"])
            button.clicked.connect(self.submit)
            row = QHBoxLayout()
            row.addStretch()
            row.addWidget(self.field)
            row.addWidget(button)
            row.addStretch()
            layout.addLayout(row)
            self.error = QLabel(objectName="error", alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
            layout.addWidget(self.error)
        layout.addStretch()
        self._title = dialog.windowTitle()
        dialog.setWindowTitle(T["title"])
        # Everything else in the dialog is switched off (remembering what was off already), so no key
        # reaches a field under the cover.
        self._switched_off = []
        for child in dialog.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child is not self and child.isEnabled() and not child.isWindow():
                child.setEnabled(False)
                self._switched_off.append(child)
        # The dialog knows it is covered: an EditDialog then refuses Esc and × (unsaved.EditDialog.reject)
        # and keeps the cover at its size. (No Python event filter here: Qt still calls those while it
        # tears down, after Python has begun to shut down.)
        dialog.setProperty(COVERED, True)
        self.setGeometry(dialog.rect())
        self.raise_()
        self.show()
        if self.field is not None:
            self.field.setFocus()

    def submit(self) -> None:
        """Unlock through the sign-in page's own logic (attempt count, wait, the user)."""
        self.sign_in.passphrase.setText(self.field.text())
        self.field.clear()
        self.sign_in.submit()
        if self.error is not None and self.parent() is not None:  # still locked: say why, here
            waiting = self.sign_in.wait.text() if self.sign_in.wait.isVisibleTo(self.sign_in) else ""
            self.error.setText(self.sign_in.error.text() or waiting)

    def lift(self) -> None:
        self.dialog.setProperty(COVERED, False)
        for child in self._switched_off:
            child.setEnabled(True)
        self.dialog.setWindowTitle(self._title)
        self.hide()
        self.setParent(None)
        self.deleteLater()


def cover_all(main_window: QWidget, sign_in) -> list[Cover]:
    """Cover every dialog on screen; the one holding the keyboard gets the passphrase field."""
    top = QApplication.activeModalWidget()
    covers = []
    for w in QApplication.topLevelWidgets():
        if w is main_window or not isinstance(w, QDialog) or not w.isVisible():
            continue
        if any(isinstance(c, Cover) for c in w.children()):
            continue
        covers.append(Cover(w, sign_in if w is top else None))
    return covers


def lift_all(covers: list[Cover], *, close: bool) -> None:
    """Take the covers off; ``close`` ends those dialogs unseen (another user signed in)."""
    for cover in covers:
        dialog = cover.dialog
        cover.lift()
        if close:
            dialog.done(QDialog.DialogCode.Rejected)  # done(), not reject(): nothing to ask the new user
