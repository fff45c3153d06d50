"""The error label, in a module that imports nothing but two Qt classes: the sign-in window shows before the
store layer (and the key slots' ``cryptography``, which app.ui.common.widgets imports) has loaded, and
before Qt's own namespace (``Qt``, whose enums take 40 ms to make). Every screen uses this one
(app.ui.common.widgets passes it on)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


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
