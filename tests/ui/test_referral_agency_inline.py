"""Issue 24 (dead ends) in the つなぐシート editor: an agency missing from the directory is added from
inside the sheet, keeping what was typed; choosing an agency fills 窓口/先方の担当者 without ever
overwriting what the coordinator typed."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QPushButton

from app.services.households import households
from app.services.referrals import agencies, referrals
from app.ui.referrals.agencies_page import AgencyDialog
from app.ui.referrals.dialogs import ReferralDialog
from tests.ui.conftest import ime_type
from tests.ui.test_referrals_ui import when_modal


def household_with_intake(store) -> tuple[int, int]:
    hid = households.create_household(store, address="例示県つなぎ町大字本町1-2")
    person = households.add_member(store, hid, {"name": "山田 健", "kana": "やまだ けん",
                                                "birth_date": date(1973, 2, 3), "relation": "head"})  # fmt: skip
    households.add_intake(store, hid, {"person_id": person, "received_on": date.today(), "received_by": "田中",
                                       "main_complaint": "仕事を失って家賃が払えない"})  # fmt: skip
    return hid, person


def open_editor(qtbot, shell, hid: int, **kwargs) -> ReferralDialog:
    shell.content.open_household(hid)
    detail = shell.content.page("世帯").detail
    dialog = ReferralDialog(shell.ctx, detail.household, detail, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose(dialog: ReferralDialog, agency_id: int | None) -> None:
    combo = dialog.fields["agency_id"]
    combo.setCurrentIndex(combo.findData(agency_id))


def test_an_agency_added_from_the_sheet_is_chosen_and_the_typed_sheet_kept(qtbot, shell):
    store = shell.ctx.require_store()
    hid, _person = household_with_intake(store)
    assert agencies.all_agencies(store) == []  # the dead end: nothing to choose
    dialog = open_editor(qtbot, shell, hid)
    combo = dialog.fields["agency_id"]
    assert combo.count() == 1
    ime_type(dialog.fields["request"], "家計の立て直しの相談をお願いします")
    ime_type(dialog.fields["agency_contact"], "佐藤さん（電話で話した）")

    dialog.actions["save"].click()
    assert dialog.referral_id is None
    assert dialog.errors["agency_id"].text() == "紹介先の機関を選んでください"

    button = dialog.findChild(QPushButton, "ref_add_agency")
    assert button.text() == "連携先を追加(&N)…"
    # A mnemonic of its own: no other button or label of the editor answers Alt+N.
    others = [
        w.text() for kind in (QPushButton, QLabel) for w in dialog.findChildren(kind) if w is not button
    ]
    assert not any("&N" in t.upper() for t in others)

    # キャンセル in the agency dialog changes nothing.
    when_modal(AgencyDialog, lambda d: d.reject())
    button.click()
    assert combo.count() == 1 and agencies.all_agencies(store) == []

    def fill(d: AgencyDialog) -> None:
        ime_type(d.widgets["name"], "つなぎ町社会福祉協議会")
        ime_type(d.widgets["department"], "地域福祉係")
        ime_type(d.widgets["contact_person"], "鈴木")
        qtbot.keyClicks(d.widgets["phone"], "0858-22-4444")
        d.submit()

    when_modal(AgencyDialog, fill)
    button.click()

    [added] = agencies.all_agencies(store)
    assert (added.name, added.department, added.phone) == (
        "つなぎ町社会福祉協議会",
        "地域福祉係",
        "0858-22-4444",
    )
    assert combo.currentData() == added.id
    assert combo.currentText() == "つなぎ町社会福祉協議会（地域福祉係）"
    assert dialog.errors["agency_id"].text() == ""
    # Typed text is all still there; the empty 窓口 took the agency's, the typed 担当者 was kept.
    assert dialog.fields["summary"].toPlainText() == "仕事を失って家賃が払えない"
    assert dialog.fields["request"].toPlainText() == "家計の立て直しの相談をお願いします"
    assert dialog.fields["agency_department"].text() == "地域福祉係"
    assert dialog.fields["agency_contact"].text() == "佐藤さん（電話で話した）"

    dialog.actions["save"].click()
    assert dialog.referral_id is not None
    ref = referrals.get(store, dialog.referral_id)
    assert ref.agency_id == added.id
    assert ref.request == "家計の立て直しの相談をお願いします"
    assert (ref.agency_department, ref.agency_contact) == ("地域福祉係", "佐藤さん（電話で話した）")


def test_choosing_an_agency_fills_its_desk_and_contact_but_never_what_was_typed(qtbot, shell):
    store = shell.ctx.require_store()
    hid, _person = household_with_intake(store)
    centre = agencies.save(store, {"name": "地域包括支援センター", "department": "総合相談窓口",
                                   "contact_person": "山本"})  # fmt: skip
    hello = agencies.save(store, {"name": "ハローワーク", "department": "職業相談部門"})
    dialog = open_editor(qtbot, shell, hid)
    desk, contact = dialog.fields["agency_department"], dialog.fields["agency_contact"]
    assert (desk.text(), contact.text()) == ("", "")

    choose(dialog, centre)
    assert (desk.text(), contact.text()) == ("総合相談窓口", "山本")
    # What the last agency filled follows the next choice (here to nothing: ハローワーク names no one).
    choose(dialog, hello)
    assert (desk.text(), contact.text()) == ("職業相談部門", "")

    ime_type(contact, "高橋")
    choose(dialog, centre)
    assert (desk.text(), contact.text()) == ("総合相談窓口", "高橋")

    desk.clear()
    ime_type(desk, "2階 福祉相談")
    choose(dialog, hello)
    assert (desk.text(), contact.text()) == ("2階 福祉相談", "高橋")
    choose(dialog, None)  # back to （機関を選ぶ）: typed text stays
    assert (desk.text(), contact.text()) == ("2階 福祉相談", "高橋")

    # A saved sheet opens as saved; text matching its agency counts as the agency's and follows it.
    choose(dialog, centre)
    desk.clear()
    choose(dialog, hello)
    choose(dialog, centre)
    assert (desk.text(), contact.text()) == ("総合相談窓口", "高橋")
    dialog.actions["save"].click()
    rid = dialog.referral_id
    assert rid is not None
    again = open_editor(qtbot, shell, hid, referral_id=rid)
    desk, contact = again.fields["agency_department"], again.fields["agency_contact"]
    assert again.fields["agency_id"].currentData() == centre
    assert (desk.text(), contact.text()) == ("総合相談窓口", "高橋")
    assert not again.has_unsaved_input()
    choose(again, hello)
    assert (desk.text(), contact.text()) == ("職業相談部門", "高橋")


def test_a_sheet_keeps_its_agency_when_the_agency_is_no_longer_in_use(qtbot, shell):
    store = shell.ctx.require_store()
    hid, person = household_with_intake(store)
    old = agencies.save(store, {"name": "旧 相談支援事業所", "department": "相談係"})
    rid = referrals.create(store, hid, {"agency_id": old, "person_id": person, "agency_department": "相談係"})
    agencies.save(store, {"active": False}, old)
    dialog = open_editor(qtbot, shell, hid, referral_id=rid)
    assert dialog.fields["agency_id"].currentData() == old
    dialog.actions["save"].click()
    assert referrals.get(store, rid).agency_id == old
