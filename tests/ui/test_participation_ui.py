"""参加支援 walked through the window: the coordinator marks an agency as a 受入先 offering 居場所, enters a
person there, records two attended activities, the household is closed (終結), and one more activity is
recorded and shows in the list. Japanese is typed through the input method."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QApplication, QPushButton

from app.services.common.japanese import format_wareki
from app.services.households import households
from app.services.participation import participation
from app.services.referrals import agencies
from app.ui.meetings.dialogs import HouseholdPicker
from app.ui.participation.dialogs import ActivityDialog, ParticipationDialog
from app.ui.referrals.agencies_page import AgencyDialog
from tests.ui.conftest import ime_type
from tests.ui.test_mnemonics import clashes
from tests.ui.test_referrals_ui import when_modal


def _type_date(qtbot, field, day: date) -> None:
    field.edit.clear()
    qtbot.keyClicks(field.edit, day.isoformat())


def _show(shell, name: str):
    """The page as the coordinator reaches it: by its row in the navigation column."""
    shell.content.nav.setCurrentRow(list(shell.content.by_name).index(name))
    return shell.content.page(name)


def _record(qtbot, dialog: ParticipationDialog, day: date, what: str, words: str) -> None:
    def fill(d: ActivityDialog) -> None:
        assert clashes(d) == []
        _type_date(qtbot, d.held_on, day)
        assert d.attended.isChecked()  # attended unless said otherwise
        ime_type(d.what, what)
        ime_type(d.note, words)
        d.submit()

    when_modal(ActivityDialog, fill, tries=500)
    dialog.add_button.click()


def test_a_person_keeps_attending_after_the_household_is_closed(qtbot, shell):
    store = shell.ctx.require_store()
    today = shell.ctx.today()
    hid = households.create_household(store, address="例示県つなぎ町大字本町3-3")
    son = households.add_member(store, hid, {"name": "山田 健", "kana": "やまだ けん",
                                             "birth_date": date(1985, 5, 5), "relation": "head"})  # fmt: skip

    # 関係機関: a new agency that offers 居場所.
    agencies_page = _show(shell, "関係機関")

    def add_agency(d: AgencyDialog) -> None:
        ime_type(d.widgets["name"], "NPO法人 ひだまり")
        d.offers["place"].setChecked(True)
        d.submit()

    when_modal(AgencyDialog, add_agency)
    agencies_page.findChild(QPushButton, "agency_add").click()
    [host] = participation.hosts(store)
    assert (host.name, host.offer_words) == ("NPO法人 ひだまり", "居場所")

    # 参加支援: enter 山田 健 at ひだまり.
    page = _show(shell, "参加支援")
    assert "参加支援の記録はまだありません" in page.status.text()

    def pick(d: HouseholdPicker) -> None:
        d.results.selectRow(0)
        d.person.setCurrentIndex(d.person.findData(son))
        d.submit()

    def enter(d: ParticipationDialog) -> None:
        assert d.agency.currentData() == host.id and d.offer.currentData() == "place"
        d.state.setCurrentIndex(d.state.findData("active"))
        _type_date(qtbot, d.dates["matched_on"], today - timedelta(days=30))
        _type_date(qtbot, d.dates["started_on"], today - timedelta(days=21))
        ime_type(d.texts["purpose"], "家の外に行ける場所がほしい")
        d.submit()

    when_modal(HouseholdPicker, pick, tries=500)
    when_modal(ParticipationDialog, enter, tries=500)
    page.buttons["add"].click()
    assert page.table.rowCount() == 1
    assert [page.table.item(0, c).text() for c in range(6)] == [
        "山田 健", households.open_household(store, hid).code, "NPO法人 ひだまり", "居場所", "参加中",
        format_wareki(today - timedelta(days=21))]  # fmt: skip

    # Two attended activities, recorded from the participation's dialog.
    def two(d: ParticipationDialog) -> None:
        assert clashes(d) == []  # each Alt+letter once in the dialog
        _record(qtbot, d, today - timedelta(days=14), "カフェの手伝い", "「また来たい」")
        _record(qtbot, d, today - timedelta(days=7), "配膳", "常連さんと話せた")
        assert d.activities.rowCount() == 2
        assert not d.has_unsaved_input()  # (the activities are saved; the closed activity dialogs are not input)
        ime_type(d.texts["changes"], "「週に一度、朝起きる理由ができた」")
        d.submit()

    when_modal(ParticipationDialog, two, tries=500)
    page.buttons["open"].click()
    assert page.table.item(0, 6).text() == format_wareki(today - timedelta(days=7))

    # The household's casework ends (終結); the participation does not.
    households.change_status(store, hid, "closed", "見守りの体制が整った", closure_reason="watch_in_place")
    assert households.open_household(store, hid).status == "closed"

    def after(d: ParticipationDialog) -> None:
        _record(qtbot, d, today, "清掃", "「自分の役割ができた」")
        assert d.activities.rowCount() == 3
        d.reject()

    when_modal(ParticipationDialog, after, tries=500)
    page.buttons["open"].click()
    assert QApplication.activeModalWidget() is None
    assert page.table.item(0, 4).text() == "参加中"
    assert page.table.item(0, 6).text() == format_wareki(today)  # 最近の参加: the day after 終結 shows
    [row] = participation.rows(store)
    record = participation.get(store, row.id)
    assert [a.what for a in record.activities] == ["カフェの手伝い", "配膳", "清掃"]
    assert all(a.attended for a in record.activities)
    assert record.changes == "「週に一度、朝起きる理由ができた」"
    assert record.purpose == "家の外に行ける場所がほしい"
    assert agencies.all_agencies(store)[0].offers == ["place"]
