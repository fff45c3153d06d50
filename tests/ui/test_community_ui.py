"""地域づくり through the real widgets: a 拠点 added in 自治会「本町」, an activity with 参加者 15 and an attended
協議体 recorded, both seen in the lists and the year's summary, a mistaken entry deleted only after a
いいえ-default question, the 地域資源 retired, and the 地域資源一覧 printed and read back."""

from __future__ import annotations

import io

from pypdf import PdfReader
from PySide6.QtWidgets import QWidget

from app.services.common.japanese import fiscal_year, format_fiscal_year, format_wareki
from app.services.community import community
from app.ui.community import page as community_page
from app.ui.community.page import ActivityDialog, CommunityPage, ResourceDialog, RetireDialog
from tests.ui.conftest import ime_type
from tests.ui.test_mnemonics import clashes, mnemonics
from tests.ui.test_referrals_ui import when_modal


def _open(shell) -> CommunityPage:
    content = shell.content
    names = [content.nav.item(i).text() for i in range(content.nav.count())]
    assert names[names.index("会議") + 1 :].count("地域づくり") == 1
    content.nav.setCurrentRow(names.index("地域づくり"))
    page = content.page("地域づくり")
    assert content.pages.currentWidget() is page
    return page


def _rows(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _button(page, key: str):
    return page.findChild(QWidget, f"community_{key}")


def test_walk_a_place_an_activity_a_council_and_the_printed_list(qtbot, shell, monkeypatch):
    page = _open(shell)
    store = shell.ctx.store
    today = shell.ctx.today()
    assert (
        page.tabs.tabText(0) == "地域資源(&R)"
        and "まだ地域資源が登録されていません" in page.resource_status.text()
    )
    assert not _button(page, "edit_resource").isEnabled()  # nothing chosen: greyed, with the reason
    assert _button(page, "edit_resource").toolTip() == "一覧から地域資源を選んでください"

    # 1. A 拠点・居場所 in 自治会「本町」; the name forgotten first, said at the field.
    def fill_resource(dialog: ResourceDialog) -> None:
        w = dialog.form.widgets
        ime_type(w["area"], "本町")
        dialog.submit()
        assert dialog.isVisible() and dialog.form.errors["name"].text() == "名称を入力してください"
        ime_type(w["name"], "ほんまち茶の間")
        assert w["kind"].currentText() == "拠点・居場所"
        ime_type(w["schedule"], "毎週水曜 10時〜15時")
        ime_type(w["place"], "本町公民館")
        ime_type(w["run_by"], "本町自治会")
        w["contact"].setFocus()
        qtbot.keyClicks(w["contact"], "0858-11-2222")
        dialog.submit()

    when_modal(ResourceDialog, fill_resource)
    _button(page, "add_resource").click()
    assert _rows(page.resource_table) == [
        [
            "本町",
            "ほんまち茶の間",
            "拠点・居場所",
            "毎週水曜 10時〜15時",
            "本町公民館",
            "本町自治会",
            "0858-11-2222",
            "活動中",
        ]
    ]
    assert _button(page, "edit_resource").isEnabled()  # the new row is chosen
    place = community.resources(store)[0]

    # 2. An activity at it with 参加者 15 (its 地区 comes from the 拠点), then an attended 協議体.
    page.tabs.setCurrentIndex(1)

    def fill_activity(dialog: ActivityDialog) -> None:
        w = dialog.form.widgets
        assert w["held_on"].edit.text() == format_wareki(today)
        w["resource_id"].setCurrentIndex(w["resource_id"].findData(place.id))
        w["participants"].setValue(15)
        dialog.submit()

    when_modal(ActivityDialog, fill_activity)
    _button(page, "add_activity").click()

    def fill_council(dialog: ActivityDialog) -> None:
        w = dialog.form.widgets
        w["kind"].setCurrentIndex(w["kind"].findData("council"))
        ime_type(w["title"], "第2層協議体")
        w["participants"].setValue(12)
        w["agencies"].setValue(6)
        w["coordinator_attended"].setChecked(True)
        dialog.submit()

    when_modal(ActivityDialog, fill_council)
    _button(page, "add_activity").click()
    day = format_wareki(today)
    assert sorted(_rows(page.activity_table)) == sorted([
        [day, "活動", "ほんまち茶の間", "本町", "15 人", "", "", ""],
        [day, "協議体", "第2層協議体", "地区の指定なし", "12 人", "6 機関", "", "出席"],
    ])  # fmt: skip
    fy = format_fiscal_year(fiscal_year(today))
    assert page.summary.text().startswith(
        f"{fy}　活動 1 回・参加者延べ 15 人　／　協議体・地域の会議 1 回（参加機関延べ 6・担当者の出席 1 回）"
    )
    assert "拠点・居場所 1 か所" in page.summary.text()

    # 3. A mistaken third entry: いいえ keeps it, はい deletes it.
    community.record_activity(store, {"title": "二重登録", "held_on": today, "participants": 15}, today=today)
    page.refresh()
    asked = []
    monkeypatch.setattr(community_page, "ask_destructive", lambda _p, q, d, _t: asked.append((q, d)) or False)
    row = next(
        r
        for r in range(page.activity_table.rowCount())
        if page.activity_table.item(r, 2).text() == "二重登録"
    )
    page.activity_table.selectRow(row)
    _button(page, "delete_activity").click()
    assert page.activity_table.rowCount() == 3
    assert asked == [
        (
            "この記録を削除しますか？",
            f"{day}「二重登録」。削除すると統計の件数から外れます（変更の履歴には残ります）。",
        )
    ]
    monkeypatch.setattr(community_page, "ask_destructive", lambda *_a: True)
    _button(page, "delete_activity").click()
    assert page.activity_table.rowCount() == 2

    # 4. The 地域資源一覧, printed through the catalogue and read back.
    page.tabs.setCurrentIndex(0)
    opened = []
    monkeypatch.setattr("app.ui.common.widgets.open_pdf", opened.append)
    _button(page, "print").click()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(opened[0].read_bytes())).pages)
    flat = text.replace(" ", "").replace("\n", "")
    for word in ("地域資源一覧", "1地区・1か所", "本町（1）", "ほんまち茶の間", "拠点・居場所", "毎週水曜10時〜15時",
                 "本町公民館", "本町自治会", "0858-11-2222"):  # fmt: skip
        assert word in flat, word

    # 5. 終了: the row leaves the list in use, and comes back with 「終了したものも表示」.
    page.resource_table.selectRow(0)

    def retire(dialog: RetireDialog) -> None:
        assert dialog.on.edit.text() == day
        dialog.submit()

    when_modal(RetireDialog, retire)
    _button(page, "retire").click()
    assert page.resource_table.rowCount() == 0
    page.show_ended.setChecked(True)
    assert _rows(page.resource_table)[0][-1] == f"終了（{day}）"
    page.resource_table.selectRow(0)
    assert not _button(page, "retire").isEnabled()


def test_both_tabs_and_the_dialogs_have_each_letter_once(qtbot, shell):
    page = _open(shell)
    content = shell.content
    found = []
    for i in range(page.tabs.count()):
        page.tabs.setCurrentIndex(i)
        assert len(mnemonics(content)) > 5
        found += [f"{page.tabs.tabText(i)}: {c}" for c in clashes(content)]
    rid = community.save_resource(shell.ctx.store, {"name": "茶の間", "area": "本町"})
    resource = community.get_resource(shell.ctx.store, rid)
    for dialog in (
        ResourceDialog(shell.ctx, page),
        ActivityDialog(shell.ctx, page),
        RetireDialog(shell.ctx, page, resource),
    ):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        found += [f"{type(dialog).__name__}: {c}" for c in clashes(dialog)]
        dialog.hide()
    assert found == [], "\n".join(found)
