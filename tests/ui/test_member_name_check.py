"""The member dialog says, at the name, which characters no bundled font can print."""

from __future__ import annotations

from datetime import date

from app.services.households import households
from app.ui.households.dialogs import MemberDialog
from tests.ui.conftest import ime_type


def test_the_member_dialog_warns_of_an_unprintable_name_and_still_saves(qtbot, ctx, shell):
    hid = households.create_household(ctx.store, address="例示町1")
    dialog = MemberDialog(ctx, households.open_household(ctx.store, hid))
    qtbot.addWidget(dialog)
    error = dialog.forms[0].errors["name"]
    ime_type(dialog.name, "\U00020bb7田 髙橋")  # 𠮷 and 髙 print (IPAmj明朝 / IPAex): nothing to say
    assert error.text() == ""
    ime_type(dialog.name, "ก")  # Thai: in no bundled font
    assert error.text().startswith("「ก」は印刷できない文字です。")
    ime_type(dialog.kana, "よしだ たかはし")
    ime_type(dialog.birth.edit, "昭和45年4月1日")
    dialog.submit()
    # A warning, not an error: the name is still saved as typed.
    assert dialog.result() == dialog.DialogCode.Accepted, [
        e.text() for f in dialog.forms for e in f.errors.values()
    ]
    assert [m.name for m in households.open_household(ctx.store, hid).members] == ["\U00020bb7田 髙橋ก"]


def test_an_existing_name_is_checked_when_the_dialog_opens(qtbot, ctx, shell):
    hid = households.create_household(ctx.store, address="例示町1")
    households.add_member(
        ctx.store,
        hid,
        {"name": "山田 ก", "kana": "やまだ", "birth_date": date(1970, 4, 1), "relation": "head"},
    )
    household = households.open_household(ctx.store, hid)
    dialog = MemberDialog(ctx, household, person=household.members[0])
    qtbot.addWidget(dialog)
    assert "「ก」は印刷できない文字です。" in dialog.forms[0].errors["name"].text()
    dialog.name.clear()
    ime_type(dialog.name, "山田")
    assert dialog.forms[0].errors["name"].text() == ""
