"""アセスメント: versions (each starts from the last, earlier ones frozen), Japanese messages at the
fields, a plan made from one, the plan's role rows with 状態・期限, and the overdue roles ホーム lists."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models import SupportPlan
from app.services.common.errors import InvalidInput
from app.services.households import consents, demo, households
from app.services.households.households import FieldErrors
from app.services.meetings import assessments, meetings, plans
from app.services.records import labels
from app.services.referrals import agencies

TODAY = date(2026, 12, 1)


@pytest.fixture
def case(store):
    hid = households.create_household(store, address="例示県つなぎ町大字本町1-2")
    mother = households.add_member(store, hid, {"name": "山田 花子", "kana": "やまだ はなこ", "birth_date": date(1944, 5, 6),
                                               "relation": "head", "sex": "female"})  # fmt: skip
    son = households.add_member(store, hid, {"name": "山田 健", "kana": "やまだ けん", "birth_date": date(1973, 2, 3),
                                            "relation": "child", "sex": "male"})  # fmt: skip
    hokatsu = agencies.save(store, {"name": "つなぎ町地域包括支援センター"})
    shakyo = agencies.save(store, {"name": "つなぎ町社会福祉協議会"})
    return {"hid": hid, "mother": mother, "son": son, "hokatsu": hokatsu, "shakyo": shakyo}


def _values(case, **changes):
    values = {
        "person_id": case["son"], "assessed_on": TODAY - timedelta(days=3),
        "situation": "「母の世話は自分がしたい。でも外に出るのはこわい」", "relations": "母と二人暮らし",
        "strengths": "料理が得意", "choice": "週1回、居場所に行ってみる", "pace": "急がず月1回の面談",
        "options": "居場所、就労準備支援、訪問のみ", "assessed_by": "田中",
        "issues": [{"field": "isolation", "text": "10年ほど外出していない"},
                   {"field": "elderly_care", "text": "母の介護が重くなってきた"}],
    }  # fmt: skip
    return {**values, **changes}


def test_versions_start_from_the_last_and_earlier_ones_stay(store, case):
    first = assessments.create(store, case["hid"], _values(case))
    a = assessments.get(store, first)
    assert a.version == 1 and a.person.name == "山田 健" and a.created_by
    # 課題 kept in the vocabulary's order, whatever order they were ticked in
    assert [row["field"] for row in a.issues] == ["elderly_care", "isolation"]
    start = assessments.draft_values(store, case["hid"], TODAY)
    assert start["situation"] == a.situation and start["issues"] == a.issues and start["assessed_on"] == TODAY
    second = assessments.create(store, case["hid"], {**start, "choice": "家計の相談も受けたい"})
    assert [v.version for v in assessments.versions(store, case["hid"])] == [2, 1]
    assessments.update(store, second, {**start, "choice": "家計の相談を受ける"})
    assert assessments.get(store, second).choice == "家計の相談を受ける"
    with pytest.raises(InvalidInput, match="前の版"):
        assessments.update(store, first, start)
    assert assessments.get(store, first).choice == "週1回、居場所に行ってみる"


def test_messages_at_the_fields(store, case):
    other = households.create_household(store, address="例示県つなぎ町大字東1")
    stranger = households.add_member(store, other, {"name": "佐藤 一郎", "kana": "さとう いちろう", "birth_date": date(1960, 1, 2)})
    with pytest.raises(FieldErrors) as exc:
        assessments.create(store, case["hid"], _values(case, situation="  ", person_id=stranger, assessed_on=None))
    assert set(exc.value.errors) == {"situation", "person_id", "assessed_on"}
    assert "本人の状況と思い" in exc.value.errors["situation"]
    for issues, words in (([{"field": "money", "text": "x"}], "分野を一覧から"),
                          ([{"field": "debt", "text": " "}], "「債務」の内容"),
                          ([{"field": "debt", "text": "a"}, {"field": "debt", "text": "b"}], "二度")):  # fmt: skip
        with pytest.raises(FieldErrors) as exc:
            assessments.create(store, case["hid"], _values(case, issues=issues))
        assert words in exc.value.errors["issues"]
    assert assessments.versions(store, case["hid"]) == []


def test_a_plan_made_from_an_assessment_carries_its_content(store, case):
    aid = assessments.create(store, case["hid"], _values(case))
    pid = assessments.start_plan(store, aid)
    plan = plans.get(store, pid)
    assert plan.assessment_id == aid and plan.person_id == case["son"] and plan.state == "draft"
    assert plan.issues == "【高齢・介護】母の介護が重くなってきた\n【孤立】10年ほど外出していない"
    assert "週1回、居場所に行ってみる" in plan.wishes and "急がず月1回の面談" in plan.wishes
    # saving the draft keeps where it came from; a revision keeps it too
    plans.save_draft(store, pid, {"person_id": case["son"], "issues": plan.issues, "wishes": plan.wishes})
    assert plans.get(store, pid).assessment_id == aid
    # the open draft is the one a second start takes over (one draft per household)
    assert assessments.start_plan(store, aid) == pid


def test_role_status_and_dates_are_checked(store, case):
    pid = plans.start_version(store, case["hid"], case["son"])
    role = {"agency_id": case["hokatsu"], "staff": "佐藤", "task": "介護保険の申請同行", "contact": ""}
    with pytest.raises(FieldErrors) as exc:
        plans.save_draft(store, pid, {"roles": [{**role, "status": "finished"}]})
    assert "予定・実施中・済・中止" in exc.value.errors["roles"]
    with pytest.raises(FieldErrors) as exc:
        plans.save_draft(store, pid, {"roles": [{**role, "due_on": "来月"}]})
    assert "期限「来月」" in exc.value.errors["roles"]
    plans.save_draft(store, pid, {"roles": [{**role, "status": "doing", "due_on": "R8.12.20", "status_on": date(2026, 11, 2)},
                                            {**role, "task": "見守り"},  # no state given: 予定
                                            {"agency_id": None, "staff": "", "task": "", "contact": "",
                                             "status": "planned", "due_on": "", "status_on": ""}]})  # fmt: skip
    roles = plans.get(store, pid).roles
    assert roles == [{**role, "status": "doing", "due_on": "2026-12-20", "status_on": "2026-11-02"},
                     {**role, "task": "見守り", "status": "planned", "due_on": None, "status_on": None}]  # fmt: skip
    # the change history reads it in words
    words = labels.shown_value(roles[:1])
    assert "実施中" in words and "令和8年12月20日" in words and "doing" not in words


def _role(agency, task, status, due):
    return {"agency_id": agency, "staff": "", "task": task, "contact": "", "status": status,
            "due_on": due.isoformat() if due else None, "status_on": None}  # fmt: skip


def test_overdue_roles(store, case):
    consents.record(store, case["son"], {"purpose": "support_meeting", "scope": "general", "method": "signed",
                                         "consented_on": TODAY - timedelta(days=400)})  # fmt: skip
    jusou = next(t.id for t in meetings.types(store) if t.code == "jusou")
    meeting = meetings.create_meeting(store, {"type_id": jusou, "held_on": date.today(), "place": "役場"})
    mcase = meetings.add_case(store, meeting, case["hid"], case["son"])
    old = plans.start_version(store, case["hid"], case["son"])
    plans.save_draft(store, old, {"person_id": case["son"], "issues": "課題", "lead_agency_id": case["hokatsu"],
                                  "review_on": TODAY, "roles": [_role(case["hokatsu"], "古い版の役割", "doing",
                                                                      TODAY - timedelta(days=90))]})  # fmt: skip
    plans.approve(store, old, mcase)
    new = plans.start_version(store, case["hid"])
    plans.save_draft(store, new, {"person_id": case["son"], "issues": "課題", "lead_agency_id": case["hokatsu"],
                                  "review_on": TODAY, "roles": [
                                      _role(case["hokatsu"], "昨日まで", "doing", TODAY - timedelta(days=1)),
                                      _role(case["shakyo"], "今日まで", "planned", TODAY),
                                      _role(case["shakyo"], "済んだ", "done", TODAY - timedelta(days=5)),
                                      _role(case["shakyo"], "やめた", "stopped", TODAY - timedelta(days=5)),
                                      _role(case["shakyo"], "期限なし", "planned", None),
                                      _role(case["shakyo"], "先週まで", "planned", TODAY - timedelta(days=7))]})  # fmt: skip
    # the draft is followed while it is written; the approved one too
    found = assessments.overdue_roles(store, TODAY)
    assert [r.task for r in found] == ["古い版の役割", "先週まで", "昨日まで"]
    plans.approve(store, new, mcase)  # the old version is superseded: its roles no longer count
    found = assessments.overdue_roles(store, TODAY)
    assert [(r.task, r.agency, r.due_on) for r in found] == [
        ("先週まで", "つなぎ町社会福祉協議会", TODAY - timedelta(days=7)),
        ("昨日まで", "つなぎ町地域包括支援センター", TODAY - timedelta(days=1)),
    ]
    code = households.open_household(store, case["hid"]).code
    assert {r.code for r in found} == {code} and {r.version for r in found} == {2}
    with store.session() as s:
        assert s.scalar(select(SupportPlan.state).where(SupportPlan.id == old)) == "superseded"
    # a closed household is no longer followed from ホーム
    households.change_status(store, case["hid"], "closed", "", closure_reason="improved")
    assert assessments.overdue_roles(store, TODAY) == []


def test_demo_on_a_demo_town(store):
    demo.populate(store, 12, seed=5)
    assessments.add_demo(store, random.Random(1), today=TODAY)
    found = assessments.overdue_roles(store, TODAY)
    assert found and all(r.due_on < TODAY for r in found)
    with store.session() as s:
        made = list(s.scalars(select(SupportPlan)))
    assert made and all(p.assessment_id for p in made)
    assessments.add_demo(store, random.Random(2), today=TODAY)  # again: other households, no clash
    # and on an empty store it does nothing
    assert assessments.versions(store, 10**6) == []


def test_demo_on_an_empty_store(store):
    assessments.add_demo(store, random.Random(1), today=TODAY)
    assert assessments.overdue_roles(store, TODAY) == []


def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_assessment_sheet_through_the_print_pipeline(store, case):
    from app.services.catalog import print_catalog

    assessments.create(store, case["hid"], _values(case))
    second = assessments.create(store, case["hid"], _values(case, choice="家計の相談を受ける"))
    printed = print_catalog.produce(store, "assessment", print_catalog.Request(household_id=case["hid"]))
    text = _pdf_text(printed.pdf)
    assert printed.form == "アセスメントシート第2版" and printed.basis == "internal"
    for words in ("アセスメントシート（第2版）", "様式 P-3", "山田 健", "令和8年11月28日", "本人の状況と思い",
                  "母の世話は自分がしたい", "強み", "料理が得意", "高齢・介護", "母の介護が重くなってきた", "孤立",
                  "提示した選択肢", "家計の相談を受ける", "急がず月1回の面談", "取扱注意"):  # fmt: skip
        assert words in text, words
    # 最小限: nobody named, as every form of the catalogue
    minimal = print_catalog.produce(store, "assessment", print_catalog.Request(record_id=second, basis="minimal"))
    text = _pdf_text(minimal.pdf)
    assert "山田" not in text and "本人の状況と思い" in text and minimal.form.endswith("（匿名化）")
    with pytest.raises(InvalidInput, match="アセスメントが見つかりません"):
        other = households.create_household(store, address="例示県つなぎ町大字東1")
        print_catalog.produce(store, "assessment", print_catalog.Request(household_id=other))


def test_the_plan_sheet_shows_each_roles_state_and_due(store, case):
    from app.services.catalog import print_catalog

    pid = assessments.start_plan(store, assessments.create(store, case["hid"], _values(case)))
    issues = plans.get(store, pid).issues
    plans.save_draft(store, pid, {"person_id": case["son"], "issues": issues, "roles": [
        _role(case["hokatsu"], "介護保険の申請同行", "doing", date(2026, 12, 20)) | {"status_on": "2026-11-02"}]})  # fmt: skip
    text = _pdf_text(print_catalog.produce(store, "plan", print_catalog.Request(record_id=pid)).pdf)
    flat = text.replace("\n", "")
    assert "実施中（R8.11.2）" in flat and "R8.12.20" in flat and "期限" in text
    assert "【孤立】10年ほど外出していない" in text
