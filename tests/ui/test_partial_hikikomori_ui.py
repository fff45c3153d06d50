"""The member dialog takes ひきこもりの開始 as a year only (「平成15年」): kept as written through an edit,
shown back as typed, with （概数） in the preview."""

from __future__ import annotations

from datetime import date

from app.services.households import households
from app.ui.households.dialogs import MemberDialog
from tests.ui.conftest import ime_type


def test_a_start_year_only_is_kept_as_written(qtbot, ctx, shell):
    hid = households.create_household(ctx.store, address="例示町1")
    dialog = MemberDialog(ctx, households.open_household(ctx.store, hid))
    qtbot.addWidget(dialog)
    ime_type(dialog.name, "山田 太郎")
    ime_type(dialog.birth.edit, "S55.3.3")
    dialog.hikikomori.setCurrentIndex(dialog.hikikomori.findData("yes"))
    ime_type(dialog.hikikomori_since.edit, "平成15年")
    assert dialog.hikikomori_since.preview.text() == "平成15年（概数）"
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    person = households.open_household(ctx.store, hid).members[0]
    assert (person.hikikomori_since_earliest, person.hikikomori_since, person.hikikomori_since_text) == (
        date(2003, 1, 1), date(2003, 12, 31), "平成15年")  # fmt: skip
    # Opened again and saved untouched: still 平成15年, not turned into 平成15年12月31日.
    again = MemberDialog(ctx, households.open_household(ctx.store, hid), person=person)
    qtbot.addWidget(again)
    assert again.hikikomori_since.edit.text() == "平成15年"
    again.submit()
    person = households.open_household(ctx.store, hid).members[0]
    assert person.hikikomori_since_earliest == date(2003, 1, 1) and person.hikikomori_since_text == "平成15年"


def test_an_age_is_refused_for_a_start(qtbot, ctx, shell):
    hid = households.create_household(ctx.store, address="例示町1")
    dialog = MemberDialog(ctx, households.open_household(ctx.store, hid))
    qtbot.addWidget(dialog)
    ime_type(dialog.name, "山田 太郎")
    ime_type(dialog.birth.edit, "S55.3.3")
    ime_type(dialog.hikikomori_since.edit, "30代")
    dialog.submit()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "読めません" in dialog.hikikomori_since.error.text()
