"""Meetings and 支援プラン below the GUI: the consent rule, versions, 関与終了 vs 終結, counts, prints."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from app.models import vocab
from app.services import agencies, consents, households, meeting_forms, meetings, outreach, plans
from app.services.errors import InvalidInput
from app.services.forms import FormContext
from app.services.households import FieldErrors

TODAY = date.today()


@pytest.fixture
def case(store):
    hid = households.create_household(
        store, address="例示県つなぎ町大字本町1-2", district="本町", phone="0123-45-6789"
    )
    mother = households.add_member(store, hid, {"name": "山田 花子", "kana": "やまだ はなこ", "birth_date": date(1944, 5, 6),
                                               "relation": "head", "sex": "female", "care_level": "care2"})  # fmt: skip
    son = households.add_member(store, hid, {"name": "山田 健", "kana": "やまだ けん", "birth_date": date(1973, 2, 3),
                                            "relation": "child", "sex": "male", "hikikomori": "yes"})  # fmt: skip
    households.add_intake(store, hid, {"received_on": TODAY - timedelta(days=30), "route": "minsei",
                                       "main_complaint": "山田 健さんが家から出ない。母の花子さんは昭和19年5月6日生まれ",
                                       "background": "例示県つなぎ町大字本町1-2 の自宅で二人暮らし、健さんは52歳"})  # fmt: skip
    hokatsu = agencies.save(store, {"name": "つなぎ町地域包括支援センター"})
    kosodate = agencies.save(store, {"name": "つなぎ町社会福祉協議会"})
    return {"hid": hid, "mother": mother, "son": son, "hokatsu": hokatsu, "shakyo": kosodate}


def _type(store, code):
    return next(t.id for t in meetings.types(store) if t.code == code)


def _meeting(store, code, day, attendees=()):
    return meetings.create_meeting(store, {"type_id": _type(store, code), "held_on": day, "place": "役場2階会議室",
                                           "attendees": list(attendees)})  # fmt: skip


def test_built_in_types_and_editing_the_list(store):
    names = [t.name for t in meetings.types(store)]
    assert names[:2] == ["重層的支援会議", "支援会議（第106条の6）"] and "要保護児童対策地域協議会" in names
    new = meetings.save_type(store, None, "民児協定例会", "consent", False)
    assert meetings.types(store)[-1].id == new
    with pytest.raises(FieldErrors) as exc:
        meetings.save_type(store, None, "民児協定例会", "consent", False)
    assert "同じ名前" in exc.value.errors["name"]
    with pytest.raises(FieldErrors):
        meetings.save_type(store, new, "", "law?", False)


def test_consent_rule_support_meeting_then_jusou(store, case):
    a = [{"agency_id": case["hokatsu"], "name": "佐藤"}, {"agency_id": case["shakyo"], "name": "鈴木"}]
    shien = _meeting(store, "shien", TODAY - timedelta(days=10), a)
    jusou = _meeting(store, "jusou", TODAY, a)
    first = meetings.add_case(store, shien, case["hid"])  # no consent: fine under 第106条の6
    assert meetings.get_case(store, first).basis == "support_meeting"
    with pytest.raises(meetings.ConsentRequired) as exc:
        meetings.add_case(store, jusou, case["hid"])
    assert "同意" in str(exc.value) and "第106条の6" in str(exc.value)
    # consent naming only one of the two attending agencies does not cover the meeting
    consents.record(store, case["son"], {"purpose": "support_meeting", "scope": "named", "method": "signed",
                                         "consented_on": TODAY, "agency_ids": [case["hokatsu"]]})  # fmt: skip
    with pytest.raises(meetings.ConsentRequired):
        meetings.add_case(store, jusou, case["hid"])
    cid = consents.record(store, case["son"], {"purpose": "support_meeting", "scope": "general", "method": "signed",
                                               "consented_on": TODAY})  # fmt: skip
    second = meetings.add_case(store, jusou, case["hid"])
    got = meetings.get_case(store, second)
    assert (got.basis, got.consent_id) == ("consent", cid)
    with pytest.raises(InvalidInput):
        meetings.add_case(store, jusou, case["hid"])  # already on the agenda
    # a withdrawn consent no longer covers a later meeting
    consents.withdraw(store, cid, TODAY)
    later = _meeting(store, "jusou", TODAY + timedelta(days=30), a)
    with pytest.raises(meetings.ConsentRequired):
        meetings.add_case(store, later, case["hid"])
    assert [m.id for m in meetings.statutory_meetings(store, TODAY - timedelta(days=30))] == [shien]


def _approved_plan(store, case, jusou_case):
    pid = plans.start_version(store, case["hid"])
    plans.save_draft(store, pid, {
        "issues": "長男のひきこもりと母の介護", "wishes": "「母の世話は自分がしたい」",
        "goals": [{"text": "週1回 居場所に通う", "kind": "social"}, {"text": "介護サービスを使う", "kind": "daily"}],
        "roles": [{"agency_id": case["hokatsu"], "staff": "佐藤", "task": "母の介護保険サービス調整", "contact": "0123-1"},
                  {"agency_id": case["shakyo"], "staff": "鈴木", "task": "居場所への同行", "contact": "0123-2"}],
        "lead_agency_id": case["hokatsu"], "review_on": TODAY + timedelta(days=10),
    })  # fmt: skip
    plans.approve(store, pid, jusou_case)
    return pid


def test_plan_versions_approval_collaboration_end_and_closure(store, case):
    consents.record(store, case["son"], {"purpose": "support_meeting", "scope": "general", "method": "signed",
                                         "consented_on": TODAY - timedelta(days=1)})  # fmt: skip
    shien_case = meetings.add_case(store, _meeting(store, "shien", TODAY), case["hid"])
    jusou_case = meetings.add_case(store, _meeting(store, "jusou", TODAY), case["hid"])
    pid = plans.start_version(store, case["hid"])
    assert plans.start_version(store, case["hid"]) == pid  # one draft at a time
    with pytest.raises(FieldErrors) as exc:
        plans.save_draft(store, pid, {"goals": [{"text": "就労", "kind": ""}], "roles": [{"task": "同行"}]})
    assert set(exc.value.errors) == {"goals", "roles"}
    with pytest.raises(InvalidInput, match="主担当機関"):
        plans.approve(store, pid, jusou_case)
    with pytest.raises(InvalidInput, match="承認できません"):
        plans.approve(store, pid, shien_case)  # 支援会議 does not approve plans
    pid = _approved_plan(store, case, jusou_case)
    plan = plans.get(store, pid)
    assert (plan.state, plan.version, plan.approved_on, plan.period_start) == ("approved", 1, TODAY, TODAY)
    assert "plan_approval" in meetings.get_case(store, jusou_case).decisions
    with pytest.raises(InvalidInput):
        plans.save_draft(store, pid, {"issues": "x"})  # approved versions are frozen
    assert [d.plan_id for d in plans.due_for_review(store, TODAY)] == [pid]
    plans.evaluate(store, pid, "居場所に3回通えた", TODAY)
    assert plans.due_for_review(store, TODAY) == []
    second = plans.start_version(store, case["hid"])
    assert plans.get(store, second).roles == plan.roles and plans.get(store, second).version == 2
    draft = plans.get(store, second)
    plans.save_draft(store, second, {"issues": draft.issues, "goals": draft.goals, "roles": draft.roles,
                                     "lead_agency_id": draft.lead_agency_id, "review_on": TODAY + timedelta(days=90)})  # fmt: skip
    plans.approve(store, second, jusou_case)
    assert plans.get(store, pid).state == "superseded" and plans.current(store, case["hid"]).id == second
    plans.end_collaboration(store, second, TODAY, jusou_case)
    assert "collab_end" in meetings.get_case(store, jusou_case).decisions
    assert households.open_household(store, case["hid"]).status != "closed"  # the case goes on
    with pytest.raises(InvalidInput):
        plans.end_collaboration(store, second, TODAY)
    households.change_status(store, case["hid"], "closed", "", "connected")
    assert households.open_household(store, case["hid"]).closed_on == TODAY
    fy_start, fy_end = TODAY - timedelta(days=1), TODAY + timedelta(days=1)
    got = plans.counts(store, fy_start, fy_end)
    assert got["plans_made"] == 2 and got["plans_reviewed"] == 1 and got["collaboration_ended"] == 1
    assert got["closures_by_reason"] == {code: int(code == "connected") for code in vocab.CLOSURE_REASON}
    m = meetings.counts(store, fy_start, fy_end)
    assert m["meetings"] == 2 and m["cases"] == 2 and m["linked_to_jusou"] == 1
    assert m["by_type"] == {"重層的支援会議": 1, "支援会議（第106条の6）": 1}
    households.change_status(store, case["hid"], "ongoing", "再開")
    assert households.open_household(store, case["hid"]).closed_on is None
    kinds = [
        (e.kind, e.title) for e in outreach.timeline(store, case["hid"]) if e.kind in ("meeting", "plan")
    ]
    assert ("plan", "第1版 承認") in kinds and ("plan", "第2版 多機関協働の関与終了") in kinds
    assert any(k == "meeting" and "プラン承認" in t for k, t in kinds)


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_meeting_papers_plan_sheet_and_anonymised_summary(store, case):
    a = [{"agency_id": case["hokatsu"], "name": "佐藤 一郎"}, {"agency_id": None, "name": "町保健師 高橋"}]
    mid = _meeting(store, "shien", TODAY, a)
    cid = meetings.add_case(store, mid, case["hid"])
    meetings.record_case(store, cid, {"issues": "介護と孤立", "policy": "包括が訪問を続ける", "roles": "包括: 訪問",
                                      "decisions": ["support"], "next_review_on": TODAY + timedelta(days=30)})  # fmt: skip
    context = FormContext(town="例示県つなぎ町", printed_by="田中")
    names = meetings.agency_names(store)
    meeting = meetings.get_meeting(store, mid)
    record = _text(meeting_forms.record_sheet(context, meeting, names))
    for words in ("守秘義務", "第106条の6", "佐藤 一郎", "町保健師 高橋", "つなぎ町地域包括支援センター", "包括が訪問を続ける",
                  "○ 支援決定", "□ プラン承認", "山田 花子"):  # fmt: skip
        assert words in record, words
    agenda = _text(meeting_forms.agenda_sheet(context, meeting, names))
    assert "守秘義務" in agenda and "H-" in agenda and "署名" in agenda

    consents.record(store, case["son"], {"purpose": "support_meeting", "scope": "general", "method": "signed",
                                         "consented_on": TODAY})  # fmt: skip
    jusou_case = meetings.add_case(store, _meeting(store, "jusou", TODAY), case["hid"])
    pid = _approved_plan(store, case, jusou_case)
    household = households.open_household(store, case["hid"])
    plan = plans.get(store, pid)
    sheet = _text(meeting_forms.plan_sheet(context, household, plan, names, signature=True))
    for words in (
        "支援プラン（第1版）",
        "母の世話は自分がしたい",
        "社会生活自立",
        "居場所への同行",
        "本人署名",
        "主担当機関",
    ):
        assert words in sheet, words
    assert "本人署名" not in _text(meeting_forms.plan_sheet(context, household, plan, names))

    entries = outreach.timeline(store, case["hid"])
    summary = dict(intake=households.latest_intake(store, case["hid"]), entries=entries, plan=plan, agencies=names,
                   flag_lines=[("8050", "山田 花子 82歳 と 山田 健（ひきこもり）が同居")])  # fmt: skip
    plain = _text(meeting_forms.case_summary(context, household, **summary))
    assert "山田 花子" in plain and "例示県つなぎ町大字本町1-2" in plain
    anon = _text(meeting_forms.case_summary(context, household, anonymise=True, **summary))
    for forbidden in ("山田", "花子", "やまだ", "健さん", "本町1-2", "大字本町", "0123-45-6789", "昭和19年5月6日",
                      "昭和48年2月3日", "1944", "1973", "52歳", "82歳"):  # fmt: skip
        assert forbidden not in anon, forbidden
    for expected in ("Y・H", "Y・K", "80代", "50代", "居場所への同行", "匿名化"):
        assert expected in anon, expected


def test_case_decisions_are_checked_and_decided_cases_stay(store, case):
    mid = _meeting(store, "shien", TODAY)
    cid = meetings.add_case(store, mid, case["hid"])
    with pytest.raises(FieldErrors):
        meetings.record_case(store, cid, {"decisions": ["maybe"]})
    with pytest.raises(FieldErrors):
        meetings.record_case(store, cid, {"next_review_on": TODAY - timedelta(days=1)})
    meetings.record_case(store, cid, {"decisions": ["support"]})
    with pytest.raises(InvalidInput):
        meetings.remove_case(store, cid)
    with pytest.raises(InvalidInput):
        meetings.delete_meeting(store, mid)
    assert set(vocab.MEETING_DECISION) >= set(meetings.get_case(store, cid).decisions)
