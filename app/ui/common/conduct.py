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
    QWidget,
)

from app.ui.common.slow import install_app_filter


class Conduct(QObject):
    # Every event of every widget comes here, thousands while a page is built: whether the widget's class
    # is one of these is looked up once per class (reading the event's type makes a Python enum, and
    # isinstance against Qt's classes is as slow), so most events return at a dictionary lookup.
    _CHOOSERS = (QAbstractSpinBox, QComboBox)
    _TEXTS = (QPlainTextEdit, QTextEdit)
    _ANY = (*_CHOOSERS, *_TEXTS, QPushButton)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._concerned: dict[type, bool] = {}

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        cls = type(obj)
        concerned = self._concerned.get(cls)
        if concerned is None:
            concerned = self._concerned[cls] = issubclass(cls, self._ANY)
        if not concerned:
            return False
        kind = event.type()
        if kind == QEvent.Type.Wheel and isinstance(obj, self._CHOOSERS) and not obj.hasFocus():
            parent = obj.parentWidget()
            if parent is not None:
                QApplication.sendEvent(parent, event)  # the page (or table) around it scrolls
            return True
        if kind == QEvent.Type.Polish and isinstance(obj, self._TEXTS):
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


def adopt(widget: QWidget) -> None:
    """What the filter does when a text field is polished, for the fields under ``widget`` built while the
    filters stood aside (``slow.filters_aside``): they may have been polished unseen."""
    for cls in Conduct._TEXTS:
        for field in widget.findChildren(cls):
            field.setTabChangesFocus(True)


def install(app: QApplication) -> None:
    if getattr(app, "_conduct", None) is None:
        app._conduct = Conduct(app)
        install_app_filter(app._conduct)
