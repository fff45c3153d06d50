"""How every widget behaves under the keyboard and the mouse, set once for the whole app (an event filter
on the application), so no screen can forget it:

- the mouse wheel over a spin box or a combo box that does not have the focus scrolls the page instead
  of changing the value (an 8050 threshold went 75 → 72 while scrolling 設定);
- Tab in a multi-line text field moves on to the next field, as in every other field (Ctrl+Tab would be
  needed for a tab character, which no record here wants);
- Enter on a focused button presses it, as Space does (outside dialogs Qt only takes Space).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
)

from app.ui.common.slow import install_app_filter


class Conduct(QObject):
    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind == QEvent.Type.Wheel and isinstance(obj, (QAbstractSpinBox, QComboBox)) and not obj.hasFocus():
            parent = obj.parentWidget()
            if parent is not None:
                QApplication.sendEvent(parent, event)  # the page (or table) around it scrolls
            return True
        if kind == QEvent.Type.Polish and isinstance(obj, (QPlainTextEdit, QTextEdit)):
            obj.setTabChangesFocus(True)
        elif (
            kind == QEvent.Type.KeyPress
            and isinstance(obj, QPushButton)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and obj.isEnabled()
        ):
            obj.animateClick()
            return True
        return False


def install(app: QApplication) -> None:
    if getattr(app, "_conduct", None) is None:
        app._conduct = Conduct(app)
        install_app_filter(app._conduct)
