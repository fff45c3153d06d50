"""世帯 page as the coordinator uses it: type Japanese, add a family, record an intake, find it, print."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import AuditEntry
from app.services.households import exchange, households
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.households.dialogs import HouseholdDialog, IntakeDialog, MemberDialog, StatusDialog
from app.ui.households.import_dialog import ImportDialog
from app.ui.households.page import FIRST_ROWS
from app.ui.window.shell import Shell
from tests.conftest import EXAMPLE
from tests.ui.conftest import ime_type


@pytest.fixture
def shell(qtbot, ctx):
    created = Store.create(
        ctx.data_dir, passphrase="合言葉です合言葉", user="田中", town="例示県つなぎ町", kdf=FAST
    )
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(created.store)
    shell.show()
    yield shell
    shell.lock()


def _choose(combo, code) -> None:
    combo.setCurrentIndex(combo.findData(code))


def _add_member(qtbot, detail, ctx, name, kana, born, relation, sex, cares_for=(), **choices):
    dialog = MemberDialog(ctx, detail.household, detail)
    qtbot.addWidget(dialog)
    ime_type(dialog.name, name)
    ime_type(dialog.kana, kana)
    ime_type(dialog.birth.edit, born)
    _choose(dialog.relation, relation)
    _choose(dialog.sex, sex)
    for key, code in choices.items():
        _choose(getattr(dialog, key), code)
    for i in range(dialog.cares_for.count()):
        item = dialog.cares_for.item(i)
        if item.text() in cares_for:
            item.setCheckState(Qt.CheckState.Checked)
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted, [
        e.text() for f in dialog.forms for e in f.errors.values()
    ]
    detail.reload()


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_family_intake_search_and_prints(qtbot, ctx, shell, monkeypatch):
    shell.content.nav.setCurrentRow(1)
    page = shell.content.page("世帯")
    dialog = HouseholdDialog(ctx, page)
    qtbot.addWidget(dialog)
    ime_type(dialog.form.widgets["address"], "例示県つなぎ町大字本町1-2")
    ime_type(dialog.form.widgets["district"].lineEdit(), "本町一区")
    dialog.submit()
    page.open(dialog.household_id)
    detail = page.detail

    _add_member(
        qtbot,
        detail,
        ctx,
        "山田 太郎",
        "やまだ たろう",
        "S19.5.1",
        "head",
        "male",
        care_level="care2",
        marital="widowed",
    )
    _add_member(qtbot, detail, ctx, "山田 健", "ヤマダ ケン", "昭和48年2月3日", "child", "male", cares_for=["山田 太郎"],
                work="not_working", marital="single", hikikomori="yes")  # fmt: skip
    _add_member(
        qtbot,
        detail,
        ctx,
        "髙橋 﨑子",
        "たかはし さきこ",
        "1976-08-09",
        "child",
        "female",
        cares_for=["山田 太郎"],
    )
    assert detail.member_tab.table.rowCount() == 3
    assert detail.member_tab.table.item(1, 8).text() == "山田 太郎"  # 健 cares for 太郎
    assert {detail.flag_tab.table.item(r, 0).text() for r in range(detail.flag_tab.table.rowCount())} >= {"8050", "ひきこもり"}

    intake = IntakeDialog(ctx, detail.household, detail, received_by="田中")
    qtbot.addWidget(intake)
    intake.received_on.edit.clear()
    ime_type(intake.received_on.edit, "R8.11.20")
    _choose(intake.person, next(m.id for m in detail.household.members if m.name == "山田 健"))
    _choose(intake.route, "minsei")
    intake.categories["care"].setChecked(True)
    intake.categories["income"].setChecked(True)
    _choose(intake.main_category, "hikikomori")
    ime_type(intake.main_complaint, "父の介護で外に出られない。お金のことも心配です。")
    intake.submit()
    assert intake.result() == intake.DialogCode.Accepted
    detail.reload()
    assert detail.intake_tab.table.rowCount() == 1 and detail.status_label.text() == "相談中"

    page.show_list()
    for query in ("ﾔﾏﾀﾞ", "山田", "さきこ", "S48.2.3"):
        page.list.search.clear()
        ime_type(page.list.search, query)
        page.list.apply()
        assert page.list.model.total == 1, query
        assert page.list.model.rows[0].head_name == "山田 太郎"

    page.open(page.list.model.rows[0].id)
    face = _pdf_text(detail.face_print().pdf)
    for words in ("世帯票", "山田 太郎", "山田 健", "髙橋 﨑子", "昭和19年5月1日", "昭和48年2月3日", "8050", "ひきこもり・不登校",
                  "令和8年11月20日", "取扱注意（個人情報）"):  # fmt: skip
        assert words in face, words
    sheet = _pdf_text(detail.intake_tab.intake_print().pdf)
    for words in ("相談受付票", "山田 健", "昭和48年2月3日", "令和8年11月20日", "◎ ひきこもり・不登校", "○ 介護", "○ 収入・生活費",
                  "父の介護で外に出られない", "民生委員・児童委員"):  # fmt: skip
        assert words in sheet, words

    opened = []
    monkeypatch.setattr("app.ui.common.widgets.open_pdf", opened.append)
    detail.print_face_sheet()
    detail.intake_tab.print_intake()
    assert len(opened) == 2 and all(p.exists() for p in opened)
    with ctx.store.session() as s:
        prints = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "print")).all()
        views = s.scalars(select(AuditEntry.target).where(AuditEntry.action == "view_household")).all()
    assert len(prints) == 2 and views


def test_status_dialog_requires_a_closure_reason(qtbot, ctx, shell):
    hid = households.create_household(ctx.store, label="見守り中の世帯")
    household = households.open_household(ctx.store, hid)
    dialog = StatusDialog(ctx, household)
    qtbot.addWidget(dialog)
    _choose(dialog.status, "closed")
    dialog.submit()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.closure_error.text() == "終結の理由を選んでください"
    dialog.closure_buttons["watch_in_place"].setChecked(True)
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert households.open_household(ctx.store, hid).closure_reason == "watch_in_place"


def test_closing_with_death_through_the_status_dialog(qtbot, ctx, shell):
    from datetime import date

    from app.services.meetings import meetings

    hid = households.create_household(ctx.store, label="一人暮らしの山田さん宅")
    shien = next(t.id for t in meetings.types(ctx.store) if t.code == "shien")
    mid = meetings.create_meeting(ctx.store, {"type_id": shien, "held_on": date(2026, 11, 10)})
    case = meetings.add_case(ctx.store, mid, hid)
    content = shell.content
    content.open_household(hid)
    detail = content.page("世帯").detail
    dialog = StatusDialog(ctx, households.open_household(ctx.store, hid))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.group.isEnabled()  # the reasons belong to 終結 only
    _choose(dialog.status, "closed")
    assert dialog.group.isEnabled() and len(dialog.closure_buttons) == 7
    assert [dialog.closure_case.itemText(i) for i in range(dialog.closure_case.count())] == [
        "（なし）", "令和8年11月10日 支援会議（第106条の6）"]  # fmt: skip
    # その他 needs its words, typed at the field that opens for it
    dialog.closure_buttons["other"].click()
    assert dialog.closure_note.isEnabled()
    dialog.submit()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.closure_form.errors["closure_note"].text() == "「その他」の理由を入力してください"
    dialog.closure_buttons["died"].click()
    assert not dialog.closure_note.isEnabled()
    ime_type(dialog.reason, "ご本人が亡くなられた")
    _choose(dialog.closure_case, case)
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    h = households.open_household(ctx.store, hid)
    assert (h.status, h.closure_reason, h.closure_case_id, h.status_reason) == (
        "closed", "died", case, "ご本人が亡くなられた")  # fmt: skip
    detail.reload()
    assert detail.status_label.text() == "終結：死亡"


def test_closure_other_shows_its_words_on_the_household(qtbot, ctx, shell):
    hid = households.create_household(ctx.store, label="3丁目の角の家")
    dialog = StatusDialog(ctx, households.open_household(ctx.store, hid))
    qtbot.addWidget(dialog)
    _choose(dialog.status, "closed")
    dialog.closure_buttons["other"].click()
    ime_type(dialog.closure_note, "県外の家族に引き取られた")
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    shell.content.open_household(hid)
    detail = shell.content.page("世帯").detail
    assert detail.status_label.text() == "終結：その他（理由：県外の家族に引き取られた）"
    # reopening clears the reason and its words
    again = StatusDialog(ctx, households.open_household(ctx.store, hid))
    qtbot.addWidget(again)
    assert again.closure_buttons["other"].isChecked()
    assert again.closure_note.text() == "県外の家族に引き取られた"
    _choose(again.status, "watching")
    again.submit()
    h = households.open_household(ctx.store, hid)
    assert (h.status, h.closure_reason, h.closure_note) == ("watching", None, "")


def test_member_dialog_shows_errors_at_the_field(qtbot, ctx, shell):
    hid = households.create_household(ctx.store, address="例示町1")
    dialog = MemberDialog(ctx, households.open_household(ctx.store, hid))
    qtbot.addWidget(dialog)
    ime_type(dialog.name, "名前だけ")
    ime_type(dialog.birth.edit, "平成31年5月1日")
    dialog.submit()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "平成の期間" in dialog.birth.error.text()
    dialog.birth.edit.clear()
    ime_type(dialog.birth.edit, "R30.1.1")
    dialog.submit()
    assert "未来" in dialog.forms[0].errors["birth_date"].text()
    assert households.open_household(ctx.store, hid).members == []


def test_import_dialog_previews_and_refuses_a_bad_file(qtbot, ctx, shell, tmp_path):
    dialog = ImportDialog(ctx, path=EXAMPLE)
    qtbot.addWidget(dialog)
    assert dialog.import_button.isEnabled() and dialog.table.rowCount() == 3
    dialog.submit()
    assert ctx.store.counts()["households"] == 3

    import json

    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["households"][0]["id"] = "NEW-1"
    doc["households"][2]["members"][0]["birth_date"] = "1945-02-30"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    dialog = ImportDialog(ctx, path=bad)
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled()
    assert "birth_date" in dialog.table.item(2, 4).text() and dialog.table.item(0, 4).text() == "取り込めます"
    assert ctx.store.counts()["households"] == 3  # nothing written


def test_household_list_is_lazy(qtbot, ctx, shell):
    from app.services.households import demo

    exchange.import_records(ctx.store, demo.generate(450, seed=2))
    shell.content.nav.setCurrentRow(1)
    listing = shell.content.page("世帯").list
    model = listing.model
    # A screenful first, and a count that is true until the exact one comes on the next turn.
    assert model.total is None and model.rowCount() == FIRST_ROWS
    assert listing.count.text() == f"{FIRST_ROWS} 世帯以上（数えています）"
    qtbot.waitUntil(lambda: listing.count.text() == "450 世帯")
    assert model.total == 450 and model.rowCount() == FIRST_ROWS
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == FIRST_ROWS + 200
    model.fetchMore()
    assert model.rowCount() == 450 and not model.canFetchMore()
