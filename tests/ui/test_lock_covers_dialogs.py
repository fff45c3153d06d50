"""The lock covers dialogs: a 相談受付 dialog open at the lock is covered (its fields out of reach, its
title neutral), Ctrl+L works from inside it, a save while locked cannot happen, and unlocking by the same
user brings it back with the text intact — from the cover itself when the dialog holds the keyboard."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.services.households import households
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.households.dialogs import IntakeDialog
from app.ui.window.lock_cover import Cover
from tests.ui.conftest import SHELL_PASSPHRASE as PASS
from tests.ui.conftest import ime_type


def _intake(qtbot, ctx, shell) -> IntakeDialog:
    hid = households.create_household(ctx.store, address="例示町1")
    households.add_member(ctx.store, hid, {"name": "山田 太郎", "birth_date": date(1950, 1, 1)})
    dialog = IntakeDialog(ctx, households.open_household(ctx.store, hid), shell)
    qtbot.addWidget(dialog)
    return dialog


def _cover(dialog) -> Cover | None:
    return next((c for c in dialog.findChildren(Cover)), None)


def test_ctrl_l_in_a_dialog_covers_it_and_the_same_user_gets_it_back_intact(qtbot, ctx, shell):
    dialog = _intake(qtbot, ctx, shell)
    dialog.show()
    qtbot.waitExposed(dialog)
    ime_type(dialog.main_complaint, "父の介護で外に出られない")
    qtbot.keyClick(dialog.main_complaint, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert shell.locked
    cover = _cover(dialog)
    assert cover is not None and cover.isVisible() and cover.geometry() == dialog.rect()
    assert dialog.windowTitle() == "つなぎ（ロック中）"
    assert not dialog.main_complaint.isEnabled()  # nothing under the cover can be typed into or pressed
    dialog.close()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # neither × nor Esc ends it while locked
    ime_type(shell.sign_in.passphrase, PASS)
    shell.sign_in.submit()
    assert not shell.locked and _cover(dialog) is None
    assert dialog.isVisible() and dialog.main_complaint.isEnabled() and dialog.windowTitle() != "つなぎ（ロック中）"
    assert dialog.main_complaint.toPlainText() == "父の介護で外に出られない"


def test_the_dialog_holding_the_keyboard_is_unlocked_from_its_cover(qtbot, ctx, shell):
    dialog = _intake(qtbot, ctx, shell)
    dialog.open()  # modal: the main window's sign-in cannot be reached past it
    qtbot.waitExposed(dialog)
    ime_type(dialog.main_complaint, "途中まで")
    shell.lock()
    cover = _cover(dialog)
    assert cover.field is not None
    ime_type(cover.field, "まちがい")
    cover.submit()
    assert shell.locked and cover.error.text()
    ime_type(cover.field, PASS)
    cover.submit()
    assert not shell.locked and dialog.isVisible() and dialog.main_complaint.toPlainText() == "途中まで"
    assert dialog.result() == 0 and dialog.isModal()


def test_another_user_never_sees_the_dialogs_left_open(qtbot, ctx, shell):
    ctx.store.add_user("佐藤", "佐藤さんの合言葉です", kdf=FAST)
    dialog = _intake(qtbot, ctx, shell)
    dialog.show()
    ime_type(dialog.main_complaint, "田中さんの入力")
    shell.lock()
    shell.enter(Store.open(ctx.data_dir, passphrase="佐藤さんの合言葉です", user="佐藤"))
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
