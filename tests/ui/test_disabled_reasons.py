"""A grey button says why it is grey (issue 24: clicks on disabled buttons did nothing, with no reason):
its tooltip gives the reason while it is disabled, and is empty again once it can be pressed."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from tests.ui.test_referral_agency_inline import household_with_intake, open_editor


def test_a_new_sheets_grey_actions_say_to_save_first(qtbot, shell):
    hid, _person = household_with_intake(shell.ctx.require_store())
    dialog = open_editor(qtbot, shell, hid)
    grey = {key: b for key, b in dialog.actions.items() if b.isVisible() and not b.isEnabled()}
    assert set(grey) >= {"sent", "reply", "done", "cancel_sheet"}
    assert {b.toolTip() for b in grey.values()} == {"先にシートを保存してください"}
    assert dialog.actions["save"].isEnabled() and dialog.actions["save"].toolTip() == ""


def test_the_flags_and_timeline_buttons_say_what_to_choose(qtbot, shell):
    hid, _person = household_with_intake(shell.ctx.require_store())
    shell.content.open_household(hid)
    detail = shell.content.page("世帯").detail
    flags_tab = next(t for t in detail.findChildren(object) if type(t).__name__ == "FlagsTab")
    flags_tab._sync_buttons()
    confirm = flags_tab.buttons["confirm_flag"]
    assert not confirm.isEnabled() and confirm.toolTip() == "一覧から気づきを選んでください"
    timeline = next(t for t in detail.findChildren(object) if type(t).__name__ == "TimelineTab")
    timeline._sync_delete()
    delete = timeline.delete_button
    assert isinstance(delete, QPushButton)
    assert not delete.isEnabled() and "支援経過のメモ" in delete.toolTip()
