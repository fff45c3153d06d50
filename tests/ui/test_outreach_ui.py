"""Outreach in the GUI: three visits (不在, 置き手紙, 会えた) with a next date; the household leaves the
follow-up list, returns when the clock passes the next date; the timeline shows it all in order."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader

from app.services.households import households
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.outreach.dialogs import NoteDialog, VisitDialog
from app.ui.window.shell import Shell
from tests.ui.conftest import ime_type


def test_three_visits_follow_up_and_timeline(qtbot, ctx):
    created = Store.create(ctx.data_dir, passphrase="合言葉です合言葉", user="田中", town="例示町", kdf=FAST)
    store = created.store
    hid = households.create_household(store, address="例示町大字東区5", district="東区")
    households.add_member(
        store,
        hid,
        {"name": "山田 健", "kana": "やまだ けん", "birth_date": date(1973, 2, 3), "relation": "head"},
    )
    households.add_intake(
        store, hid, {"received_on": date.today() - timedelta(days=90), "main_complaint": "外に出られない"}
    )
    households.change_status(store, hid, "ongoing")
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(store)
    shell.show()
    home = shell.content.page("ホーム")
    home.refresh()
    assert [f.household_id for f in home.follow_items] == [hid]  # 90 days without contact

    shell.content.open_household(hid)
    detail = shell.content.page("世帯").detail
    for days_ago, result, words in (
        (14, "absent", ""),
        (7, "letter_left", ""),
        (1, "met", "また来てもいいよ"),
    ):
        dialog = VisitDialog(ctx, detail.household, detail, visitor="田中")
        qtbot.addWidget(dialog)
        dialog.date.edit.clear()
        ime_type(dialog.date.edit, (date.today() - timedelta(days=days_ago)).isoformat())
        dialog.outcome.setCurrentIndex(dialog.outcome.findData(result))
        if result == "met":
            dialog.met.item(0).setCheckState(dialog.met.item(0).checkState().Checked)
            ime_type(dialog.texts["own_words"], words)
            ime_type(dialog.next_on.edit, (date.today() + timedelta(days=7)).isoformat())
            phrases = dialog.phrases["info_given"]  # a 定型文 instead of typing
            phrases.setCurrentIndex(1)
            phrases.activated.emit(1)
            assert dialog.texts["info_given"].toPlainText() == "地域包括支援センターの案内"
        dialog.submit()
        assert dialog.result() == dialog.DialogCode.Accepted, [e.text() for e in dialog.err.labels.values()]
    note = NoteDialog(ctx, detail.household, detail)
    qtbot.addWidget(note)
    ime_type(note.text, "本人から電話があった")
    note.submit()
    detail.reload()

    home.refresh()
    assert home.follow_items == []  # met yesterday, next visit next week
    ctx.today = lambda: date.today() + timedelta(days=8)  # the next visit date has passed
    home.refresh()
    assert [f.household_id for f in home.follow_items] == [hid] and "次回予定" in home.follow_items[0].reason

    kinds = [detail.timeline_tab.table.item(r, 1).text() for r in range(detail.timeline_tab.table.rowCount())]
    titles = [detail.timeline_tab.table.item(r, 2).text() for r in range(detail.timeline_tab.table.rowCount())]
    assert kinds == ["相談受付", "訪問", "訪問", "訪問", "メモ"]
    assert [t.split("・")[-1] for t in titles[1:4]] == ["不在", "置き手紙", "会えた"]
    detail.timeline_tab.filter.setCurrentIndex(detail.timeline_tab.filter.findData("visit"))
    assert detail.timeline_tab.table.rowCount() == 3

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(detail.timeline_tab.timeline_print().pdf)).pages)
    positions = [
        text.index(w) for w in ("相談受付", "・不在", "・置き手紙", "・会えた", "本人から電話があった")
    ]
    assert positions == sorted(positions)
    detail.timeline_tab.table.selectRow(2)
    visit_text = PdfReader(io.BytesIO(detail.timeline_tab.visit_print().pdf)).pages[0].extract_text()
    assert "会えた" in visit_text and "また来てもいいよ" in visit_text and "山田 健" in visit_text
    shell.lock()


def test_survey_round_in_one_go(qtbot, ctx):
    from app.services.outreach import outreach
    from app.ui.outreach.dialogs import SurveyDialog

    created = Store.create(ctx.data_dir, passphrase="合言葉です合言葉", user="田中", kdf=FAST)
    store = created.store
    ctx.store = store
    east = [households.create_household(store, address=f"東区{i}", district="東区") for i in range(3)]
    households.create_household(store, address="西区1", district="西区")
    dialog = SurveyDialog(ctx, visitor="民生委員 佐藤")
    qtbot.addWidget(dialog)
    dialog.district.setCurrentText("東区")
    assert dialog.table.rowCount() == 3
    dialog.results[east[0]].setCurrentIndex(dialog.results[east[0]].findData("met"))
    dialog.results[east[2]].setCurrentIndex(dialog.results[east[2]].findData("absent"))
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    progress = {
        d: (v, n) for d, v, n in outreach.survey_progress(store, outreach.survey_round_name(date.today()))
    }
    assert progress["東区"] == (2, 3) and progress["西区"] == (0, 1)
    store.close()
