"""Meetings and plans through the real widgets: the consent rule met at a 重層的支援会議, consent recorded
on the spot, a plan approved with two 役割分担 rows and a 主担当機関, 多機関協働 ended while the household
stays open, and the household closed later with a reason."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader
from PySide6.QtWidgets import QLabel

from app.services.households import consents, households
from app.services.meetings import meetings, plans
from app.services.referrals import agencies
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.households.dialogs import StatusDialog
from app.ui.meetings.dialogs import (
    CaseDialog,
    ChoiceDialog,
    ConsentRuleDialog,
    HouseholdPicker,
    MeetingDialog,
    MeetingTypesDialog,
    PlanDialog,
)
from app.ui.referrals.dialogs import ConsentDialog
from app.ui.window.shell import Shell
from tests.ui.conftest import ime_type
from tests.ui.test_referrals_ui import when_modal

TODAY = date.today()


def _pdf_text(path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def _new_meeting(qtbot, page, type_name: str, attendees: list[tuple[int | None, str]]) -> None:
    def fill(dialog: MeetingDialog) -> None:
        dialog.type.setCurrentIndex(dialog.type.findText(type_name))
        ime_type(dialog.place, "役場2階 第1会議室")
        for agency_id, name in attendees:
            r = dialog.attendees.add_row({})
            combo = dialog.attendees.table.cellWidget(r, 0)
            combo.setCurrentIndex(combo.findData(agency_id))
            dialog.attendees.table.item(r, 1).setText(name)
        dialog.submit()

    when_modal(MeetingDialog, fill)
    page.buttons["new"].click()


def _pick_household(code: str, person: int):
    def pick(picker: HouseholdPicker) -> None:
        ime_type(picker.query, code)
        assert picker.results.rowCount() == 1
        picker.submit()  # whose case it is is chosen, never assumed
        assert picker.isVisible() and "本人を、世帯員から選んでください" in picker.person_error.text()
        picker.person.setCurrentIndex(picker.person.findData(person))
        picker.submit()

    when_modal(HouseholdPicker, pick)


def test_consent_rule_plan_approval_and_two_stage_end(qtbot, ctx, monkeypatch):
    created = Store.create(
        ctx.data_dir, passphrase="合言葉です合言葉", user="田中", town="例示県つなぎ町", kdf=FAST
    )
    store = created.store
    hid = households.create_household(store, address="例示県つなぎ町大字本町1-2")
    mother = households.add_member(store, hid, {"name": "山田 花子", "kana": "やまだ はなこ", "birth_date": date(1944, 5, 6),
                                                "relation": "head", "sex": "female", "care_level": "care2"})  # fmt: skip
    son = households.add_member(store, hid, {"name": "山田 健", "kana": "やまだ けん", "birth_date": date(1973, 2, 3),
                                             "relation": "child", "sex": "male", "hikikomori": "yes"})  # fmt: skip
    households.change_status(store, hid, "ongoing", "")
    code = households.open_household(store, hid).code
    hokatsu = agencies.save(store, {"name": "つなぎ町地域包括支援センター"})
    shakyo = agencies.save(store, {"name": "つなぎ町社会福祉協議会"})
    town = agencies.save(store, {"name": "つなぎ町役場 保健福祉課"})
    consents.record(store, mother, {"purpose": "support_meeting", "scope": "general", "method": "signed",
                                    "consented_on": TODAY})  # the mother's consent is hers, not her son's
    printed = []
    monkeypatch.setattr("app.ui.common.widgets.open_pdf", printed.append)

    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(store)
    shell.show()
    content = shell.content
    content.nav.setCurrentRow([content.nav.item(i).text() for i in range(content.nav.count())].index("会議"))
    page = content.page("会議")

    # 1. a 支援会議 (第106条の6) about a household without consent
    _new_meeting(qtbot, page, "支援会議（第106条の6）", [(hokatsu, "佐藤 一郎"), (town, "保健師 高橋")])
    assert page.meetings.rowCount() == 1
    _pick_household(code, son)
    page.buttons["add_case"].click()
    assert page.cases.rowCount() == 1 and page.cases.item(0, 3).text() == "支援会議（社会福祉法第106条の6）"
    assert page.cases.item(0, 2).text() == "山田 健"
    page.buttons["record"].click()
    record = _pdf_text(printed[-1])
    for words in (
        "守秘義務",
        "第106条の6",
        "佐藤 一郎",
        "保健師 高橋",
        "つなぎ町地域包括支援センター",
        "つなぎ町役場 保健福祉課",
        "山田 健",  # the case's 本人
    ):
        assert words in record, words

    # 2. the 重層的支援会議 refuses it: the rule is said, consent is recorded on the spot, and it is added
    _new_meeting(qtbot, page, "重層的支援会議", [(hokatsu, "佐藤 一郎"), (shakyo, "鈴木 花")])
    assert page.meetings.item(0, 1).text() == "重層的支援会議"
    page.meetings.selectRow(0)
    seen = {}

    def meet_rule(rule: ConsentRuleDialog) -> None:
        seen["message"] = rule.info.text()
        assert rule.person.currentData() == son and not rule.person.isEnabled()  # only his own consent

        def fill(consent: ConsentDialog) -> None:
            consent.fields["scope"].setCurrentIndex(consent.fields["scope"].findData("general"))
            consent.fields["method"].setCurrentIndex(consent.fields["method"].findData("signed"))
            assert consent.fields["purpose"].currentData() == "support_meeting"
            consent.submit()

        when_modal(ConsentDialog, fill)
        rule.consent.click()

    _pick_household(code, son)
    when_modal(ConsentRuleDialog, meet_rule)
    page.buttons["add_case"].click()
    # the mother's consent did not bring her son's case; the message names him by 続柄, not by name
    assert "本人（長男）の" in seen["message"] and "有効な同意の記録がありません" in seen["message"]
    assert "第106条の6" in seen["message"] and "山田" not in seen["message"]
    assert page.cases.rowCount() == 1 and page.cases.item(0, 3).text() == "本人同意"

    # 3. the household's 会議・プラン tab: a plan with two 役割分担 rows and a 主担当機関, approved
    content.open_household(hid)
    detail = content.page("世帯").detail
    tab = detail.plan_tab
    detail.tabs.setCurrentWidget(tab)
    assert tab.meetings.rowCount() == 2

    def write_plan(dialog: PlanDialog) -> None:
        dialog.person.setCurrentIndex(dialog.person.findData(son))
        ime_type(dialog.wishes, "母の世話は自分がしたい")
        ime_type(dialog.issues, "長男のひきこもりと母の介護")
        g = dialog.goals.add_row({"text": "週1回 居場所に通う"})
        kinds = dialog.goals.table.cellWidget(g, 1)
        kinds.setCurrentIndex(kinds.findData("social"))
        for agency_id, task in ((hokatsu, "母の介護保険サービス調整"), (shakyo, "居場所への同行")):
            r = dialog.roles.add_row({"task": task, "staff": "担当者"})
            combo = dialog.roles.table.cellWidget(r, 0)
            combo.setCurrentIndex(combo.findData(agency_id))
        dialog.lead.setCurrentIndex(dialog.lead.findData(hokatsu))
        dialog.dates["review_on"].set_date(TODAY + timedelta(days=7))
        dialog.submit()

    when_modal(PlanDialog, write_plan)
    tab.buttons["new_plan"].click()
    assert tab.plans.rowCount() == 1 and tab.plans.item(0, 2).text() == "作成中"
    assert tab.plans.item(0, 1).text() == "山田 健"

    def choose_jusou(choice: ChoiceDialog) -> None:
        assert choice.list.count() == 1 and "重層的支援会議" in choice.list.item(0).text()
        choice.submit()

    when_modal(ChoiceDialog, choose_jusou)
    tab.buttons["approve"].click()
    assert tab.message.text() == ""
    plan = plans.current(store, hid)
    assert plan.state == "approved" and len(plan.roles) == 2 and plan.lead_agency_id == hokatsu
    assert (
        tab.plans.item(0, 2).text() == "承認済"
        and tab.plans.item(0, 5).text() == "つなぎ町地域包括支援センター"
    )
    assert "プラン承認" in tab.meetings.item(0, 3).text()
    # the review shows on ホーム
    content.page("ホーム").refresh()
    assert content.page("ホーム").reviews.rowCount() == 1

    # 4. 多機関協働の関与終了: the household stays open
    monkeypatch.setattr("app.ui.meetings.plan_tab.confirm", lambda *a: True)
    tab.plans.selectRow(0)
    tab.buttons["end_collab"].click()
    assert plans.current(store, hid).collaboration_ended_on == TODAY
    assert households.open_household(store, hid).status == "ongoing"
    assert "終了" in tab.plans.item(0, 7).text()

    # 5. later the household itself is closed, with one of the three reasons
    def close(dialog: StatusDialog) -> None:
        dialog.status.setCurrentIndex(dialog.status.findData("closed"))
        dialog.submit()  # no reason chosen: refused at the place
        assert dialog.isVisible() and dialog.closure_error.text()
        dialog.closure_buttons["connected"].setChecked(True)
        dialog.submit()

    when_modal(StatusDialog, close)
    detail.actions["status"].click()
    h = households.open_household(store, hid)
    assert (h.status, h.closure_reason, h.closed_on) == ("closed", "connected", TODAY)
    assert "終結" in detail.status_label.text()

    # prints from the tab: the plan sheet with the signature box, and the anonymised 事例概要
    tab.signature.setChecked(True)
    tab.buttons["print_plan"].click()
    sheet = _pdf_text(printed[-1])
    assert "本人署名" in sheet and "居場所への同行" in sheet and "母の世話は自分がしたい" in sheet
    tab.anonymise.setChecked(True)
    tab.buttons["summary"].click()
    summary = _pdf_text(printed[-1])
    assert "匿名化" in summary and "Y・K" in summary
    for forbidden in ("山田", "花子", "本町1-2", "昭和19年", "昭和48年"):
        assert forbidden not in summary, forbidden
    counts = meetings.counts(store, TODAY - timedelta(days=1), TODAY)
    assert counts["linked_to_jusou"] == 1 and counts["meetings"] == 2


# --- the law on screen: whose case, what a type may decide, built-in types, attendees, representatives ----


def _town(ctx):
    store = Store.create(ctx.data_dir, passphrase="合言葉です合言葉", user="田中", town="例示県つなぎ町", kdf=FAST).store
    ctx.store = store
    hid = households.create_household(store, address="例示県つなぎ町大字本町3-4")
    father = households.add_member(store, hid, {"name": "佐藤 太郎", "kana": "さとう たろう", "birth_date": date(1948, 1, 2),
                                                "relation": "head", "sex": "male"})  # fmt: skip
    son = households.add_member(store, hid, {"name": "佐藤 一郎", "kana": "さとう いちろう", "birth_date": date(1978, 3, 4),
                                             "relation": "child", "sex": "male", "hikikomori": "yes"})  # fmt: skip
    hokatsu = agencies.save(store, {"name": "つなぎ町地域包括支援センター"})
    kind = {t.code: t.id for t in meetings.types(store)}
    return store, hid, father, son, hokatsu, kind


def test_a_support_meeting_case_offers_only_what_it_may_decide(qtbot, ctx):
    store, hid, _father, son, hokatsu, kind = _town(ctx)
    shien = meetings.create_meeting(store, {"type_id": kind["shien"], "held_on": TODAY,
                                            "attendees": [{"agency_id": hokatsu, "name": "佐藤"}]})  # fmt: skip
    dialog = CaseDialog(ctx, meetings.add_case(store, shien, hid, son))
    qtbot.addWidget(dialog)
    enabled = {code for code, box in dialog.decisions.items() if box.isEnabled()}
    assert enabled == {"info_exchange", "structure"}
    hint = dialog.findChild(QLabel, "hint").text()
    assert "情報交換と支援体制の検討を行う場" in hint and "重層的支援会議" in hint
    assert any("本人: 佐藤 一郎（長男）" in label.text() for label in dialog.findChildren(QLabel))


def test_the_type_editor_keeps_built_in_types_lawful(qtbot, ctx):
    store, *_ = _town(ctx)
    dialog = MeetingTypesDialog(ctx)
    qtbot.addWidget(dialog)
    names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    dialog.table.selectRow(names.index("重層的支援会議"))
    assert not dialog.basis.isEnabled() and not dialog.plan.isEnabled() and dialog.plan.isChecked()
    assert "案件を扱う根拠とプランの承認は変えられません" in dialog.builtin.text()
    dialog._clear()  # a town's own type: deciding plans needs consent
    assert dialog.basis.isEnabled() and dialog.plan.isEnabled()
    dialog.basis.setCurrentIndex(dialog.basis.findData("other_law"))
    assert not dialog.plan.isEnabled() and not dialog.plan.isChecked()
    dialog.basis.setCurrentIndex(dialog.basis.findData("consent"))
    assert dialog.plan.isEnabled()


def test_an_attendee_without_an_agency_is_refused_at_the_field(qtbot, ctx):
    store, _hid, _father, _son, hokatsu, kind = _town(ctx)
    dialog = MeetingDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.type.setCurrentIndex(dialog.type.findData(kind["shien"]))
    r = dialog.attendees.add_row({})
    ime_type(dialog.place, "役場2階")
    dialog.attendees.table.item(r, 1).setText("町保健師 高橋")  # a name with no agency chosen
    dialog.submit()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "出席者は関係機関の一覧から選んでください" in dialog.form.errors["attendees"].text()
    assert meetings.meetings(store) == []
    combo = dialog.attendees.table.cellWidget(r, 0)
    combo.setCurrentIndex(combo.findData(hokatsu))
    dialog.submit()
    assert meetings.get_meeting(store, dialog.meeting_id).attendees == [{"agency_id": hokatsu, "name": "町保健師 高橋"}]


def test_a_legal_representatives_consent_through_the_rule_dialog(qtbot, ctx):
    store, hid, father, son, hokatsu, kind = _town(ctx)
    consents.record(store, father, {"purpose": "support_meeting", "scope": "general", "method": "signed",
                                    "consented_on": TODAY})  # fmt: skip
    jusou = meetings.create_meeting(store, {"type_id": kind["jusou"], "held_on": TODAY,
                                            "attendees": [{"agency_id": hokatsu, "name": "佐藤"}]})  # fmt: skip
    try:
        meetings.add_case(store, jusou, hid, son)
    except meetings.ConsentRequired as exc:
        refusal = exc
    rule = ConsentRuleDialog(ctx, refusal)
    qtbot.addWidget(rule)
    assert "本人（長男）の" in rule.info.text() and "佐藤" not in rule.info.text()
    assert rule.person.currentData() == son and not rule.person.isEnabled()

    def fill(consent: ConsentDialog) -> None:
        consent.fields["scope"].setCurrentIndex(consent.fields["scope"].findData("general"))
        assert not consent.representative.isEnabled()
        consent.fields["given_by"].setCurrentIndex(consent.fields["given_by"].findData("representative"))
        assert consent.representative.isEnabled()
        consent.submit()  # no name: refused at the field
        assert consent.isVisible() and "法定代理人の氏名と立場" in consent.errors["representative"].text()
        ime_type(consent.representative, "成年後見人 山本一郎（弁護士）")
        consent.submit()

    when_modal(ConsentDialog, fill)
    rule.consent.click()
    assert rule.result() == rule.DialogCode.Accepted
    case = meetings.get_case(store, rule.case_id)
    assert (case.basis, case.person_id) == ("consent", son)
    (given,) = consents.for_person(store, son)
    assert (given.given_by, given.representative) == ("representative", "成年後見人 山本一郎（弁護士）")
