"""Typed work is not lost without asking, and the keyboard and wheel behave: Esc and × on a dialog with
typed text ask first (いいえ keeps it open, with the text), an untouched dialog closes at once; the wheel
over an unfocused spin box leaves its value alone; Tab leaves a multi-line field; Enter presses a
focused button."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from app.services.households import households
from app.ui.common import unsaved
from app.ui.households.dialogs import MemberDialog
from tests.ui.conftest import ime_type


@pytest.fixture
def asked(monkeypatch):
    answers: list = []
    questions: list = []

    def answer(parent):
        questions.append(parent)
        return answers.pop(0)

    monkeypatch.setattr(unsaved, "confirm_discard", answer)
    return answers, questions


def test_esc_and_close_ask_before_typed_text_is_lost(qtbot, ctx, shell, asked):
    answers, questions = asked
    hid = households.create_household(ctx.store, address="例示町1")
    dialog = MemberDialog(ctx, households.open_household(ctx.store, hid))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    ime_type(dialog.name, "山田 太郎")
    answers.append(False)  # いいえ: stay
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.name.text() == "山田 太郎" and len(questions) == 1
    answers.append(False)
    dialog.close()  # the window's ×
    assert dialog.isVisible() and len(questions) == 2
    answers.append(True)  # はい: discard
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Rejected


def test_an_untouched_dialog_closes_without_a_question(qtbot, ctx, shell, asked):
    _answers, questions = asked
    hid = households.create_household(ctx.store, address="例示町1")
    households.add_member(ctx.store, hid, {"name": "山田 花子", "birth_date": __import__("datetime").date(1950, 1, 1)})
    h = households.open_household(ctx.store, hid)
    dialog = MemberDialog(ctx, h, person=h.members[0])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and questions == []


def test_the_question_says_no_by_default(qtbot, ctx, shell, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.undo()  # the real question
    seen = {}

    def look():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen["default"] = box.defaultButton().text()
        seen["buttons"] = sorted(b.text() for b in box.buttons())
        seen["text"] = box.text()
        box.defaultButton().click()

    QTimer.singleShot(200, look)
    assert unsaved.confirm_discard(shell) is False
    assert seen == {"default": "いいえ", "buttons": ["いいえ", "はい"], "text": unsaved.QUESTION}


def test_wheel_over_an_unfocused_spin_box_scrolls_past_it(qtbot, app):
    page = QWidget()
    layout = QVBoxLayout(page)
    other, spin = QPushButton("ほか"), QSpinBox()
    spin.setRange(50, 110)
    spin.setValue(75)
    layout.addWidget(other)
    layout.addWidget(spin)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitActive(page)
    other.setFocus()

    def wheel():
        event = QWheelEvent(QPointF(5, 5), QPointF(spin.mapToGlobal(QPoint(5, 5))), QPoint(0, 0), QPoint(0, -120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
        QApplication.sendEvent(spin, event)

    wheel()
    assert spin.value() == 75
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    wheel()
    assert spin.value() == 74  # focused: the wheel is meant for it


def test_tab_leaves_a_multi_line_field_and_enter_presses_a_button(qtbot, app):
    page = QWidget()
    layout = QVBoxLayout(page)
    text, button = QPlainTextEdit(), QPushButton("保存")
    layout.addWidget(text)
    layout.addWidget(button)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitActive(page)
    text.setFocus()
    qtbot.keyClick(text, Qt.Key.Key_Tab)
    assert text.toPlainText() == "" and page.focusWidget() is button
    with qtbot.waitSignal(button.clicked, timeout=2000):
        qtbot.keyClick(button, Qt.Key.Key_Return)
