"""Meetings and 支援プラン below the GUI: the consent rule, versions, 関与終了 vs 終結, counts, prints."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from app.models import vocab
from app.services.catalog import print_catalog
from app.services.common.errors import InvalidInput
from app.services.households import consents, households
from app.services.households.households import FieldErrors
from app.services.meetings import meeting_forms, meetings, plans
from app.services.outreach import outreach
from app.services.printing.forms import FormContext
from app.services.referrals import agencies

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
    town = agencies.save(store, {"name": "つなぎ町役場 保健福祉課"})
    return {"hid": hid, "mother": mother, "son": son, "hokatsu": hokatsu, "shakyo": kosodate, "town": town}


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
    first = meetings.add_case(store, shien, case["hid"], case["son"])  # no consent: fine under 第106条の6
    assert meetings.get_case(store, first).basis == "support_meeting"
    with pytest.raises(meetings.ConsentRequired) as exc:
        meetings.add_case(store, jusou, case["hid"], case["son"])
    assert "同意" in str(exc.value) and "第106条の6" in str(exc.value)
    # consent naming only one of the two attending agencies does not cover the meeting
    consents.record(store, case["son"], {"purpose": "support_meeting", "scope": "named", "method": "signed",
                                         "consented_on": TODAY, "agency_ids": [case["hokatsu"]]})  # fmt: skip
    with pytest.raises(meetings.ConsentRequired) as exc:
        meetings.add_case(store, jusou, case["hid"], case["son"])
    assert "出席機関がすべては含まれていません" in str(exc.value) and "関係機関全般" in str(exc.value)
    cid = consents.record(store, case["son"], {"purpose": "support_meeting", "scope": "general", "method": "signed",
                                               "consented_on": TODAY})  # fmt: skip
    second = meetings.add_case(store, jusou, case["hid"], case["son"])
    got = meetings.get_case(store, second)
    assert (got.basis, got.consent_id) == ("consent", cid)
    with pytest.raises(InvalidInput):
        meetings.add_case(store, jusou, case["hid"], case["son"])  # already on the agenda
    # a withdrawn consent no longer covers a later meeting
    consents.withdraw(store, cid, TODAY)
    later = _meeting(store, "jusou", TODAY + timedelta(days=30), a)
    with pytest.raises(meetings.ConsentRequired):
        meetings.add_case(store, later, case["hid"], case["son"])
    assert [m.id for m in meetings.statutory_meetings(store, TODAY - timedelta(days=30))] == [shien]


def _approved_plan(store, case, jusou_case):
    pid = plans.start_version(store, case["hid"], case["son"])
    plans.save_draft(store, pid, {
        "person_id": case["son"], "issues": "長男のひきこもりと母の介護", "wishes": "「母の世話は自分がしたい」",
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
    shien_case = meetings.add_case(store, _meeting(store, "shien", TODAY), case["hid"], case["son"])
    jusou_case = meetings.add_case(store, _meeting(store, "jusou", TODAY), case["hid"], case["son"])
    pid = plans.start_version(store, case["hid"], case["son"])
    assert plans.start_version(store, case["hid"]) == pid  # one draft at a time
    with pytest.raises(FieldErrors) as exc:
        plans.save_draft(store, pid, {"goals": [{"text": "就労", "kind": ""}], "roles": [{"task": "同行"}]})
    assert set(exc.value.errors) == {"goals", "roles"}
    with pytest.raises(InvalidInput, match="主担当機関"):
        plans.approve(store, pid, jusou_case)
    with pytest.raises(InvalidInput, match="支援プランを決める会議"):
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
    a = [{"agency_id": case["hokatsu"], "name": "佐藤 一郎"}, {"agency_id": case["town"], "name": "町保健師 高橋"}]
    mid = _meeting(store, "shien", TODAY, a)
    cid = meetings.add_case(store, mid, case["hid"], case["mother"])
    meetings.record_case(store, cid, {"issues": "介護と孤立", "policy": "包括が訪問を続ける", "roles": "包括: 訪問",
                                      "decisions": ["structure"], "next_review_on": TODAY + timedelta(days=30)})  # fmt: skip
    context = FormContext(town="例示県つなぎ町", printed_by="田中")
    names = meetings.agency_names(store)
    meeting = meetings.get_meeting(store, mid)
    record = _text(meeting_forms.record_sheet(context, meeting, names))
    for words in ("守秘義務", "第106条の6", "佐藤 一郎", "町保健師 高橋", "つなぎ町地域包括支援センター", "包括が訪問を続ける",
                  "○ 支援体制の検討", "□ プラン承認", "山田 花子"):  # fmt: skip
        assert words in record, words
    agenda = _text(meeting_forms.agenda_sheet(context, meeting, names))
    assert "守秘義務" in agenda and "H-" in agenda and "署名" in agenda

    consents.record(store, case["son"], {"purpose": "support_meeting", "scope": "general", "method": "signed",
                                         "consented_on": TODAY})  # fmt: skip
    jusou_case = meetings.add_case(store, _meeting(store, "jusou", TODAY), case["hid"], case["son"])
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
    anon = _text(print_catalog.produce(store, "summary", print_catalog.Request(household_id=case["hid"],
                                                                          basis="minimal")).pdf)
    for forbidden in ("山田", "花子", "やまだ", "健さん", "本町1-2", "大字本町", "0123-45-6789", "昭和19年5月6日",
                      "昭和48年2月3日", "1944", "1973", "52歳", "82歳"):  # fmt: skip
        assert forbidden not in anon, forbidden
    for expected in ("Y・H", "Y・K", "80代", "50代", "居場所への同行", "匿名化"):
        assert expected in anon, expected


def test_case_decisions_are_checked_and_decided_cases_stay(store, case):
    mid = _meeting(store, "shien", TODAY)
    cid = meetings.add_case(store, mid, case["hid"], case["mother"])
    with pytest.raises(FieldErrors):
        meetings.record_case(store, cid, {"decisions": ["maybe"]})
    with pytest.raises(FieldErrors):
        meetings.record_case(store, cid, {"next_review_on": TODAY - timedelta(days=1)})
    meetings.record_case(store, cid, {"decisions": ["info_exchange", "structure"]})
    with pytest.raises(InvalidInput):
        meetings.remove_case(store, cid)
    with pytest.raises(InvalidInput):
        meetings.delete_meeting(store, mid)
    assert set(vocab.MEETING_DECISION) >= set(meetings.get_case(store, cid).decisions)


# --- the law of issue: consent per person, what a type may decide, built-in types, attendees, plans -------


@pytest.fixture
def father_and_son(store):
    """The issue's family: a father who consents, and his adult son, ひきこもり, who has not."""
    hid = households.create_household(store, address="例示県つなぎ町大字本町3-4")
    father = households.add_member(store, hid, {"name": "佐藤 太郎", "kana": "さとう たろう", "birth_date": date(1948, 1, 2),
                                               "relation": "head", "sex": "male"})  # fmt: skip
    son = households.add_member(store, hid, {"name": "佐藤 一郎", "kana": "さとう いちろう", "birth_date": date(1978, 3, 4),
                                            "relation": "child", "sex": "male", "hikikomori": "yes"})  # fmt: skip
    hokatsu = agencies.save(store, {"name": "つなぎ町地域包括支援センター"})
    shakyo = agencies.save(store, {"name": "つなぎ町社会福祉協議会"})
    attendees = [{"agency_id": hokatsu, "name": "佐藤"}, {"agency_id": shakyo, "name": "鈴木"}]
    return {"hid": hid, "father": father, "son": son, "hokatsu": hokatsu, "shakyo": shakyo, "attendees": attendees}


def _consent(store, person_id, **values):
    return consents.record(store, person_id, {"purpose": "support_meeting", "scope": "general", "method": "signed",
                                              "consented_on": TODAY, **values})  # fmt: skip


NAMES = ("佐藤", "太郎", "一郎", "さとう")


def test_fathers_consent_does_not_put_the_sons_case_on_the_jusou(store, father_and_son):
    f = father_and_son
    _consent(store, f["father"])
    jusou = _meeting(store, "jusou", TODAY, f["attendees"])
    with pytest.raises(meetings.ConsentRequired) as exc:
        meetings.add_case(store, jusou, f["hid"], f["son"])
    message = str(exc.value)
    # says whose consent is missing (by 続柄, never by name), for what, and how to proceed
    assert "本人（長男）の" in message and "有効な同意の記録がありません" in message
    assert "本人（または法定代理人）の同意を記録する" in message and "支援会議（社会福祉法第106条の6）" in message
    assert not any(n in message for n in NAMES)
    assert (exc.value.household_id, exc.value.meeting_id, exc.value.person_id) == (f["hid"], jusou, f["son"])
    # the father's consent is for the father's own case
    own = meetings.get_case(store, meetings.add_case(store, jusou, f["hid"], f["father"]))
    assert (own.basis, own.person_id) == ("consent", f["father"])


def test_the_sons_own_consent_puts_his_case_on_the_jusou(store, father_and_son):
    f = father_and_son
    consent_id = _consent(store, f["son"])
    case_id = meetings.add_case(store, _meeting(store, "jusou", TODAY, f["attendees"]), f["hid"], f["son"])
    got = meetings.get_case(store, case_id)
    assert (got.basis, got.consent_id, got.person_id) == ("consent", consent_id, f["son"])


def test_a_legal_representatives_consent_recorded_as_such_covers(store, father_and_son):
    f = father_and_son
    with pytest.raises(FieldErrors) as exc:
        _consent(store, f["son"], given_by="representative", representative="  ")
    assert "法定代理人の氏名と立場" in exc.value.errors["representative"]
    assert "「本人」にしてください" in exc.value.errors["representative"]
    with pytest.raises(FieldErrors) as exc:
        _consent(store, f["son"], given_by="father")
    assert "同意した人" in exc.value.errors["given_by"]
    consent_id = _consent(store, f["son"], given_by="representative", representative="成年後見人 弁護士 山本")
    (recorded,) = consents.for_person(store, f["son"])
    assert (recorded.given_by, recorded.representative) == ("representative", "成年後見人 弁護士 山本")
    case_id = meetings.add_case(store, _meeting(store, "jusou", TODAY, f["attendees"]), f["hid"], f["son"])
    assert meetings.get_case(store, case_id).consent_id == consent_id
    # given by the person, no representative is kept
    _consent(store, f["father"], representative="誰か")
    assert consents.for_person(store, f["father"])[0].representative == ""


def test_the_case_is_about_a_person_of_that_household(store, father_and_son, case):
    f = father_and_son
    shien = _meeting(store, "shien", TODAY, f["attendees"])
    with pytest.raises(FieldErrors) as exc:
        meetings.add_case(store, shien, f["hid"])
    assert "本人を、世帯員から選んでください" in exc.value.errors["person_id"]
    with pytest.raises(FieldErrors) as exc:
        meetings.add_case(store, shien, f["hid"], case["son"])  # another household's son
    assert "ほかの世帯の人は選べません" in exc.value.errors["person_id"]
    empty = households.create_household(store, label="3丁目の角の家")
    assert meetings.get_case(store, meetings.add_case(store, shien, empty)).person_id is None
    with pytest.raises(meetings.ConsentRequired) as refused:
        meetings.add_case(store, _meeting(store, "jusou", TODAY, f["attendees"]), empty)
    assert "世帯員が登録されていない" in str(refused.value) and "世帯員を登録して本人を選び" in str(refused.value)


def test_named_scope_is_read_conservatively(store, father_and_son):
    f = father_and_son
    _consent(store, f["son"], scope="named", agency_ids=[f["hokatsu"]])
    bare = _meeting(store, "jusou", TODAY)  # nobody recorded as attending: the scope cannot be checked
    with pytest.raises(meetings.ConsentRequired) as exc:
        meetings.add_case(store, bare, f["hid"], f["son"])
    assert "出席者が登録されていない" in str(exc.value) and "出席者（関係機関）を登録する" in str(exc.value)
    both = _meeting(store, "jusou", TODAY, f["attendees"])
    with pytest.raises(meetings.ConsentRequired) as exc:
        meetings.add_case(store, both, f["hid"], f["son"])
    assert "本人（長男）の同意の範囲" in str(exc.value) and "出席機関を含む同意" in str(exc.value)
    only = _meeting(store, "jusou", TODAY, f["attendees"][:1])
    case_id = meetings.add_case(store, only, f["hid"], f["son"])
    # a new attendee outside the consent is refused while the case is on the agenda
    meeting = meetings.get_meeting(store, only)
    values = {"type_id": meeting.type_id, "held_on": meeting.held_on, "attendees": f["attendees"]}
    with pytest.raises(FieldErrors) as exc:
        meetings.update_meeting(store, only, values)
    assert "出席機関がすべては含まれていません" in exc.value.errors["attendees"]
    assert "議題から外してから変更してください" in exc.value.errors["attendees"]
    assert meetings.get_case(store, case_id).basis == "consent"


def test_a_support_meeting_cannot_record_plan_decisions(store, father_and_son):
    f = father_and_son
    cid = meetings.add_case(store, _meeting(store, "shien", TODAY, f["attendees"]), f["hid"], f["son"])
    for decision, word in (("plan_approval", "プラン承認"), ("support", "支援決定"), ("closure", "終結判断")):
        with pytest.raises(FieldErrors) as exc:
            meetings.record_case(store, cid, {"decisions": ["info_exchange", decision]})
        message = exc.value.errors["decisions"]
        assert word in message and "支援プランを決める会議（重層的支援会議など" in message, message
        assert "情報交換と支援体制の検討を行う場" in message and "本人の同意を得て" in message
    meetings.record_case(store, cid, {"decisions": ["info_exchange", "structure"]})
    assert meetings.get_case(store, cid).decisions == ["info_exchange", "structure"]
    # nor through the plan's own steps
    _consent(store, f["son"])
    jusou_case = meetings.add_case(store, _meeting(store, "jusou", TODAY, f["attendees"]), f["hid"], f["son"])
    pid = plans.start_version(store, f["hid"], f["son"])
    plans.save_draft(store, pid, {"issues": "外出できない", "roles": [{"agency_id": f["shakyo"], "task": "訪問"}],
                                  "lead_agency_id": f["shakyo"], "review_on": TODAY + timedelta(days=30)})  # fmt: skip
    with pytest.raises(InvalidInput, match="プラン承認は、支援プランを決める会議"):
        plans.approve(store, pid, cid)
    plans.approve(store, pid, jusou_case)
    with pytest.raises(InvalidInput, match="見直しは、支援プランを決める会議"):
        plans.evaluate(store, pid, "週1回外出できた", TODAY, case_id=cid)
    with pytest.raises(InvalidInput, match="多機関協働の関与終了は、支援プランを決める会議"):
        plans.end_collaboration(store, pid, TODAY, cid)
    assert plans.get(store, pid).collaboration_ended_on is None
    plans.evaluate(store, pid, "週1回外出できた", case_id=jusou_case)
    assert plans.get(store, pid).evaluated_on == TODAY
    assert "review" in meetings.get_case(store, jusou_case).decisions


def test_a_meeting_with_plan_decisions_cannot_become_a_support_meeting(store, father_and_son):
    f = father_and_son
    _consent(store, f["son"])
    mid = _meeting(store, "jusou", TODAY, f["attendees"])
    cid = meetings.add_case(store, mid, f["hid"], f["son"])
    meetings.record_case(store, cid, {"decisions": ["support"]})
    values = {"type_id": _type(store, "shien"), "held_on": TODAY, "attendees": f["attendees"]}
    with pytest.raises(FieldErrors) as exc:
        meetings.update_meeting(store, mid, values)
    assert "プラン承認・支援決定などが記録されている" in exc.value.errors["type_id"]
    assert "種類を元に戻してください" in exc.value.errors["type_id"]
    assert meetings.get_meeting(store, mid).type_id == _type(store, "jusou")
    # a 支援会議 whose case has no consent cannot become a 重層的支援会議 either
    shien = _meeting(store, "shien", TODAY, f["attendees"])
    meetings.add_case(store, shien, f["hid"], f["father"])
    with pytest.raises(FieldErrors) as exc:
        meetings.update_meeting(store, shien, {**values, "type_id": _type(store, "jusou")})
    assert "本人（世帯主）の" in exc.value.errors["type_id"] and "有効な同意の記録がありません" in exc.value.errors["type_id"]


def test_built_in_types_keep_their_legal_basis(store):
    jusou = _type(store, "jusou")
    with pytest.raises(FieldErrors) as exc:
        meetings.save_type(store, jusou, "重層的支援会議", "support_meeting", True)  # 「同意がなくても可」
    assert "案件を扱う根拠とプランの承認は変えられません" in exc.value.errors["basis"]
    assert "「新しく追加」で町の会議として追加してください" in exc.value.errors["basis"]
    with pytest.raises(FieldErrors) as exc:
        meetings.save_type(store, jusou, "重層的支援会議", "consent", False)
    assert "変えられません" in exc.value.errors["basis"]
    with pytest.raises(FieldErrors) as exc:
        meetings.save_type(store, _type(store, "shien"), "支援会議（第106条の6）", "support_meeting", True)
    assert "支援会議は情報交換と支援体制の検討を行う場です" in exc.value.errors["decides_plan"]
    meetings.save_type(store, jusou, "つなぎ町重層的支援会議", "consent", True)  # the name may change
    renamed = next(t for t in meetings.types(store) if t.id == jusou)
    assert (renamed.name, renamed.basis, renamed.decides_plan) == ("つなぎ町重層的支援会議", "consent", True)
    # a town's own type: deciding plans needs consent
    with pytest.raises(FieldErrors) as exc:
        meetings.save_type(store, None, "地域ケア個別会議", "other_law", True)
    assert "「本人の同意がある案件だけ」にしてください" in exc.value.errors["decides_plan"]
    own = meetings.save_type(store, None, "町の支援調整会議", "consent", True)
    meetings.save_type(store, own, "町の支援調整会議", "other_law", False)  # the town's own may change


def test_attendees_are_agencies_of_the_directory(store, father_and_son):
    f = father_and_son
    shien = _type(store, "shien")
    for wrong in ({"agency_id": None, "name": "町保健師 高橋"}, {"agency_id": 9999, "name": "高橋"}):
        with pytest.raises(FieldErrors) as exc:
            meetings.create_meeting(store, {"type_id": shien, "held_on": TODAY, "attendees": [wrong]})
        message = exc.value.errors["attendees"]
        assert "出席者は関係機関の一覧から選んでください" in message and "「関係機関」の画面で登録して" in message
        assert "高橋" not in message
    mid = meetings.create_meeting(store, {"type_id": shien, "held_on": TODAY,
                                          "attendees": [{"agency_id": f["hokatsu"], "name": "佐藤"},
                                                        {"agency_id": f["shakyo"]}, {"name": "  "}]})  # fmt: skip
    assert meetings.get_meeting(store, mid).attendees == [
        {"agency_id": f["hokatsu"], "name": "佐藤"}, {"agency_id": f["shakyo"], "name": ""}
    ]


def test_a_plan_is_for_a_person_of_the_household(store, father_and_son, case):
    f = father_and_son
    with pytest.raises(FieldErrors) as exc:
        plans.start_version(store, f["hid"], case["son"])
    assert "ほかの世帯の人は選べません" in exc.value.errors["person_id"]
    pid = plans.start_version(store, f["hid"])
    with pytest.raises(FieldErrors) as exc:
        plans.save_draft(store, pid, {"person_id": case["son"]})
    assert "ほかの世帯の人は選べません" in exc.value.errors["person_id"]
    plans.save_draft(store, pid, {"issues": "外出できない", "roles": [{"agency_id": f["shakyo"], "task": "訪問"}],
                                  "lead_agency_id": f["shakyo"], "review_on": TODAY + timedelta(days=30)})  # fmt: skip
    _consent(store, f["father"])
    _consent(store, f["son"])
    father_case = meetings.add_case(store, _meeting(store, "jusou", TODAY, f["attendees"]), f["hid"], f["father"])
    with pytest.raises(InvalidInput) as refused:
        plans.approve(store, pid, father_case)
    assert "本人を選んでから承認してください" in str(refused.value)
    plans.save_draft(store, pid, {**{k: getattr(plans.get(store, pid), k) for k in ("issues", "roles",
                                  "lead_agency_id", "review_on")}, "person_id": f["son"]})  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        plans.approve(store, pid, father_case)  # the father's case is not the son's plan
    message = str(refused.value)
    assert "本人（世帯主）についてのもの" in message and "この支援プランは本人（長男）のもの" in message
    assert "同意（本人または法定代理人）を得て議題に載せた会議を選んでください" in message
    assert not any(n in message for n in NAMES)
    assert plans.approvable_cases(store, f["hid"], f["son"]) == []
    son_case = meetings.add_case(store, _meeting(store, "jusou", TODAY, f["attendees"]), f["hid"], f["son"])
    assert [c for c, *_ in plans.approvable_cases(store, f["hid"], f["son"])] == [son_case]
    plans.approve(store, pid, son_case)
    plan = plans.get(store, pid)
    assert plan.state == "approved" and plan.person_id == f["son"] and plan.person.name == "佐藤 一郎"
    assert plans.get(store, plans.start_version(store, f["hid"])).person_id == f["son"]  # the next version too
