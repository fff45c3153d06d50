"""The member dialog takes a birth date known only in part and a 宛名番号: the approximate date is kept
as written through an edit, shown as such in the list, and a 宛名番号 already used is said at its field."""

from __future__ import annotations

from datetime import date

from app.services.households import households
from app.ui.households.dialogs import MemberDialog
from tests.ui.conftest import ime_type


def test_a_birth_year_only_is_kept_as_written_and_shown_as_approximate(qtbot, ctx, shell):
    hid = households.create_household(ctx.store, address="例示町1")
    dialog = MemberDialog(ctx, households.open_household(ctx.store, hid))
    qtbot.addWidget(dialog)
    ime_type(dialog.name, "山田 ハナ")
    ime_type(dialog.birth.edit, "昭和19年")
    assert "概数" in dialog.birth.preview.text()
    ime_type(dialog.resident_number, "００１２３")
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    person = households.open_household(ctx.store, hid).members[0]
    assert (person.birth_earliest, person.birth_date, person.birth_text) == (date(1944, 1, 1), date(1944, 12, 31), "昭和19年")
    assert person.resident_number == "00123"
    # Opened again and saved untouched: still approximate, not turned into 昭和19年12月31日.
    again = MemberDialog(ctx, households.open_household(ctx.store, hid), person=person)
    qtbot.addWidget(again)
    assert again.birth.edit.text() == "昭和19年"
    again.submit()
    person = households.open_household(ctx.store, hid).members[0]
    assert person.birth_earliest == date(1944, 1, 1)
    page = shell.content.page("世帯")
    page.open(hid)
    table = page.detail.member_tab.table
    row = [table.model().index(0, c).data() for c in range(table.model().columnCount())]
    assert "昭和19年（概数）" in row and any(str(v).endswith("歳") and "〜" in str(v) for v in row)


def test_a_resident_number_in_use_is_said_at_its_field(qtbot, ctx, shell, monkeypatch):
    first = households.create_household(ctx.store, address="例示町1")
    households.add_member(ctx.store, first, {"name": "髙橋 一", "birth_date": date(1950, 1, 1), "resident_number": "777"})
    other = households.create_household(ctx.store, address="例示町2")
    dialog = MemberDialog(ctx, households.open_household(ctx.store, other))
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "_ask_duplicate", lambda dupes: "separate")  # proposed, and kept apart
    ime_type(dialog.name, "別人 二郎")
    ime_type(dialog.birth.edit, "S40.1.1")
    ime_type(dialog.resident_number, "777")
    dialog.submit()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "髙橋 一" in dialog.forms[0].errors["resident_number"].text()
    assert households.open_household(ctx.store, other).members == []


def test_duplicates_are_proposed_by_number_or_by_a_variant_spelling(ctx, shell):
    hid = households.create_household(ctx.store, address="例示町1")
    households.add_member(ctx.store, hid, {"name": "髙橋 一", "kana": "タカハシ ハジメ", "birth_date": date(1950, 1, 1),
                                           "resident_number": "900"})  # fmt: skip
    by_variant = households.possible_duplicates(ctx.store, "", "高橋 一", date(1950, 1, 1))
    by_number = households.possible_duplicates(ctx.store, "", "全く別の名", date(1999, 9, 9), resident_number="900")
    assert [d.name for d in by_variant] == [d.name for d in by_number] == ["髙橋 一"]
