"""地域づくり: 地域資源 and 活動・会議 kept with Japanese messages at the field, one commit per act, history
and audit, and counts() against hand-counted fixtures across the 3/31–4/1 fiscal-year edge."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from sqlalchemy import select

from app.models import AuditEntry, ChangeRecord, CommunityActivity, CommunityResource
from app.services.community import community
from app.services.households import demo
from app.services.households.households import FieldErrors
from app.services.records import labels
from tests.conftest import counted

TODAY = date(2026, 6, 1)
FY2025 = (date(2025, 4, 1), date(2026, 3, 31))  # 令和7年度
FY2026 = (date(2026, 4, 1), date(2027, 3, 31))  # 令和8年度




def _place(store, name="ほんまち茶の間", **values):
    return community.save_resource(store, {"name": name, "kind": "place", "area": "本町", **values}, today=TODAY)


def _act(store, held_on, kind="activity", **values):
    return community.record_activity(store, {"title": "茶の間", "kind": kind, "held_on": held_on, **values}, today=TODAY)


# --- validation ---------------------------------------------------------------------------------------------


def test_a_resource_needs_a_name_and_sensible_dates(store):
    with pytest.raises(FieldErrors) as err:
        community.save_resource(store, {"name": "  ", "kind": "place"}, today=TODAY)
    assert err.value.errors == {"name": "名称を入力してください"}
    with pytest.raises(FieldErrors) as err:
        community.save_resource(store, {"name": "茶の間", "kind": "castle"}, today=TODAY)
    assert err.value.errors == {"kind": "種類を選んでください"}
    with pytest.raises(FieldErrors) as err:
        _place(store, started_on=date(2025, 5, 1), ended_on=date(2025, 4, 30))
    assert err.value.errors == {"ended_on": "終了日が開始日より前です"}
    with pytest.raises(FieldErrors) as err:
        _place(store, ended_on=date(2026, 6, 2))
    assert err.value.errors == {"ended_on": "終了日が今日より後です（終わってから入力してください）"}
    with pytest.raises(FieldErrors) as err:
        _place(store, name="あ" * 201)
    assert set(err.value.errors) == {"name"}
    # A place about to open may be listed before it opens.
    rid = _place(store, started_on=date(2026, 7, 1))
    assert community.get_resource(store, rid).started_on == date(2026, 7, 1)
    with store.session() as s:
        assert s.scalar(select(CommunityResource.name).where(CommunityResource.id == rid)) == "ほんまち茶の間"


def test_an_activity_needs_a_date_a_name_and_counts_of_zero_or_more(store):
    with pytest.raises(FieldErrors) as err:
        community.record_activity(store, {"title": "茶の間", "held_on": None}, today=TODAY)
    assert err.value.errors == {"held_on": "開催日を入力してください"}
    with pytest.raises(FieldErrors) as err:
        _act(store, date(2026, 6, 2))
    assert err.value.errors == {"held_on": "開催日が今日より後です（参加者数は開催してから記録してください）"}
    with pytest.raises(FieldErrors) as err:
        _act(store, TODAY, participants=-1, agencies="3")
    assert err.value.errors == {
        "participants": "参加者数は0以上の整数で入力してください",
        "agencies": "参加機関数は0以上の整数で入力してください",
    }
    with pytest.raises(FieldErrors) as err:
        community.record_activity(store, {"title": "", "held_on": TODAY}, today=TODAY)
    assert err.value.errors == {"title": "名称を入力するか、開催した地域資源を選んでください"}
    with pytest.raises(FieldErrors) as err:
        _act(store, TODAY, resource_id=999)
    assert err.value.errors == {"resource_id": "その地域資源は見つかりません（削除された可能性があります）"}
    with store.session() as s:
        assert s.scalar(select(CommunityActivity.id)) is None  # nothing refused was saved


def test_an_activity_at_a_resource_takes_its_area_and_may_go_without_a_title(store):
    rid = _place(store, area="上大江")
    aid = community.record_activity(store, {"resource_id": rid, "held_on": TODAY, "participants": 7}, today=TODAY)
    act = community.get_activity(store, aid)
    assert (act.area, act.participants, act.created_by) == ("上大江", 7, store.actor)
    assert community.activity_title(act, community.resource_names(store)) == "ほんまち茶の間"


# --- one act, one commit; history and audit ------------------------------------------------------------------


def test_each_act_is_one_commit_and_keeps_history(store):
    with counted() as seen:
        rid = _place(store, schedule="毎週水曜 10時〜")
    assert seen == {"begun": 1, "commits": 1}
    with counted() as seen:
        community.save_resource(store, {"schedule": "毎週木曜 10時〜"}, rid, today=TODAY)
    assert seen == {"begun": 1, "commits": 1}
    with counted() as seen:
        community.retire_resource(store, rid, today=TODAY)
    assert seen == {"begun": 1, "commits": 1}
    r = community.get_resource(store, rid)
    assert (r.active, r.ended_on, r.schedule) == (False, TODAY, "毎週木曜 10時〜")
    with counted() as seen:
        aid = _act(store, TODAY, kind="council", title="第2層協議体", agencies=6, coordinator_attended=True)
    assert seen == {"begun": 1, "commits": 1}
    with counted() as seen:
        community.update_activity(store, aid, {"agencies": 7}, today=TODAY)
    assert seen == {"begun": 1, "commits": 1}
    with counted() as seen:
        community.delete_activity(store, aid)
    assert seen == {"begun": 1, "commits": 1}

    with store.session() as s:
        history = s.scalars(select(ChangeRecord).where(ChangeRecord.table_name.like("community_%"))
                            .order_by(ChangeRecord.id)).all()  # fmt: skip
        assert [(h.table_name, h.action) for h in history] == [
            ("community_resources", "insert"), ("community_resources", "update"), ("community_resources", "update"),
            ("community_activities", "insert"), ("community_activities", "update"), ("community_activities", "delete"),
        ]  # fmt: skip
        assert {h.actor for h in history} == {store.actor}
        # The change history reads in words: the 参加機関数 is a count here, not hidden like a list of ids.
        update = history[4]
        words = labels.change_words(update.table_name, update.old, update.new)
        assert words == [("参加機関数", "6", "7")]
        inserted = labels.change_words("community_activities", None, history[3].new)
        assert ("種類", "", "協議体") in inserted and ("担当者の出席", "", "はい") in inserted
        retired = labels.change_words("community_resources", history[2].old, history[2].new)
        assert ("活動中", "はい", "いいえ") in retired and ("終了日", "（なし）", "令和8年6月1日") in retired
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "delete")).one()
        assert entry.target == "第2層協議体"
        assert json.loads(entry.detail) == {"record": "地域づくり（協議体）", "id": aid, "date": "2026-06-01"}


def test_reopening_a_retired_resource(store):
    rid = _place(store)
    community.retire_resource(store, rid, date(2026, 5, 1), today=TODAY)
    community.reopen_resource(store, rid)
    r = community.get_resource(store, rid)
    assert (r.active, r.ended_on) == (True, None)
    # An end entered in the dialog ends it too, whatever the 活動中 box said.
    community.save_resource(store, {"ended_on": date(2026, 5, 31), "active": True}, rid, today=TODAY)
    assert community.get_resource(store, rid).active is False


# --- lists -------------------------------------------------------------------------------------------------------


def test_lists_by_area_and_kind(store):
    _place(store, "Ｂの居場所", area="駅前")
    _place(store, "Ａの食堂", area="駅前", kind="kids_meal")
    _place(store, "茶の間", area="本町")
    _place(store, "連絡会", area="", kind="group")
    rows = community.resources(store)
    assert [(r.area, r.name) for r in rows] == [("本町", "茶の間"), ("駅前", "Ｂの居場所"), ("駅前", "Ａの食堂"),
                                                ("", "連絡会")]  # fmt: skip
    assert [a for a, _rows in community.by_area(rows)] == ["本町", "駅前", "地区の指定なし"]
    assert [r.name for r in community.resources(store, area="駅前", kind="kids_meal")] == ["Ａの食堂"]
    _act(store, date(2026, 5, 1), area="東区")
    assert community.areas(store) == sorted(["東区", "本町", "駅前"])
    first, second = _act(store, date(2026, 4, 1)), _act(store, date(2026, 5, 20), kind="meeting")
    assert [a.id for a in community.activities(store, start=date(2026, 4, 1))][:1] == [second]
    assert [a.id for a in community.activities(store, kind="activity", end=date(2026, 4, 30))] == [first]


# --- counts across the 3/31–4/1 edge -----------------------------------------------------------------------


@pytest.fixture
def edge(store):
    """Hand-made: what each fiscal year must count."""
    old = _place(store, "昔からの茶の間", started_on=date(2020, 4, 1))  # both years
    _place(store, "新しい居場所", started_on=date(2026, 4, 1))  # FY2026 only
    closed = _place(store, "閉じたサロン", kind="salon", started_on=date(2024, 1, 1))
    community.retire_resource(store, closed, date(2026, 3, 31), today=TODAY)  # FY2025 only (open on its last day)
    paused = _place(store, "休止中の居場所")
    community.save_resource(store, {"active": False}, paused, today=TODAY)  # no end date: counted nowhere
    _place(store, "いつからか分からない食堂", kind="kids_meal")  # no dates, active: every year
    _act(store, date(2026, 3, 31), participants=12, resource_id=old)  # FY2025
    _act(store, date(2026, 4, 1), participants=15)  # FY2026
    _act(store, date(2025, 4, 1), participants=3)  # FY2025 (its first day)
    _act(store, date(2025, 3, 31), participants=100)  # FY2024: in neither
    _act(store, date(2026, 3, 31), kind="council", title="協議体", participants=20, agencies=6,
         coordinator_attended=True)  # fmt: skip
    _act(store, date(2026, 4, 1), kind="meeting", title="地域の会議", agencies=4, coordinator_attended=True)
    _act(store, date(2026, 4, 2), kind="council", title="協議体", agencies=5)  # not attended
    return store


def _counts(store, period):
    with store.session() as s:
        return community.counts(s, *period)


def test_counts_in_fy2025(edge):
    assert _counts(edge, FY2025) == {
        "places": 1,  # 昔からの茶の間 (新しい居場所 opens 4/1, 休止中 has no end date)
        "resources": 3,  # + 閉じたサロン, いつからか分からない食堂
        "activities": 2,
        "participants": 15,  # 12 + 3; a 協議体's 20 are not 参加者延べ
        "meetings": 1,
        "meeting_agencies": 6,
        "attended": 1,
    }


def test_counts_in_fy2026(edge):
    assert _counts(edge, FY2026) == {
        "places": 2,  # 昔からの茶の間, 新しい居場所
        "resources": 3,  # + いつからか分からない食堂; 閉じたサロン ended 3/31
        "activities": 1,
        "participants": 15,
        "meetings": 2,
        "meeting_agencies": 9,
        "attended": 1,
    }


def test_counts_on_the_single_days_of_the_edge(edge):
    assert _counts(edge, (date(2026, 3, 31), date(2026, 3, 31)))["participants"] == 12
    assert _counts(edge, (date(2026, 4, 1), date(2026, 4, 1)))["participants"] == 15
    # A place that closed after a period was still in operation in it: closing never rewrites past years.
    assert _counts(edge, (date(2025, 10, 1), date(2026, 3, 30)))["resources"] == 3


def test_counts_of_an_empty_store_are_zero(store):
    assert set(_counts(store, FY2025).values()) == {0}


# --- the demo ------------------------------------------------------------------------------------------------


def test_the_demo_fills_both_fiscal_years_on_a_demo_town(store):
    demo.populate(store, 30, seed=3)
    community.add_demo(store, random.Random(5), today=TODAY)
    rows = community.resources(store)
    assert 8 <= len(rows) <= 12
    assert 3 <= len({r.area for r in rows if r.area}) <= 4
    for period in (FY2025, (FY2026[0], TODAY)):
        n = _counts(store, period)
        assert n["places"] >= 1 and n["activities"] >= 1 and n["participants"] > 0 and n["meetings"] >= 1, n
    before = len(community.activities(store))
    community.add_demo(store, random.Random(6), today=TODAY)  # a second call adds nothing
    assert len(community.activities(store)) == before


def test_the_full_export_carries_resources_and_activities(store, tmp_path):
    from app.services.store.keyslots import FAST
    from app.services.store.store import Store
    from app.services.transfer import full_export
    from tests.conftest import PASSPHRASE

    rid = _place(store, started_on=date(2024, 4, 1), contact="0858-00-0000")
    _act(store, date(2026, 3, 31), participants=12, resource_id=rid)
    _act(store, date(2026, 4, 1), kind="council", title="協議体", agencies=5, coordinator_attended=True)
    first = tmp_path / "first.json"
    full_export.export_files(store, json_path=first)
    doc = json.loads(first.read_text(encoding="utf-8"))
    assert [r["name"] for r in doc["community_resources"]] == ["ほんまち茶の間"]
    assert [(a["held_on"], a["resource_id"]) for a in doc["community_activities"]] == [("2026-03-31", rid),
                                                                                       ("2026-04-01", None)]  # fmt: skip
    other = Store.create(tmp_path / "other", passphrase=PASSPHRASE, user="suzuki", town="", kdf=FAST).store
    try:
        full_export.import_file(other, first)
        second = tmp_path / "second.json"
        full_export.export_files(other, json_path=second)
        again = json.loads(second.read_text(encoding="utf-8"))
        for key in ("community_resources", "community_activities"):
            assert again[key] == doc[key]
        with other.session() as s:
            assert community.counts(s, *FY2025)["participants"] == 12
    finally:
        other.close()


def test_the_printed_list_groups_the_resources_in_operation_by_area(store):
    import io

    from pypdf import PdfReader

    from app.services.catalog import print_catalog

    _place(store, "ほんまち茶の間", schedule="毎週水曜 10時〜", place="本町公民館", run_by="本町自治会",
           contact="0858-11-2222")  # fmt: skip
    _place(store, "駅前みんなの食堂", area="駅前", kind="kids_meal", schedule="第1土曜", place="駅前商店街")
    closed = _place(store, "閉じたサロン", kind="salon")
    community.retire_resource(store, closed, today=TODAY)
    printed = print_catalog.produce(store, "community", print_catalog.Request(on=TODAY))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(printed.pdf)).pages)
    flat = text.replace(" ", "").replace("\n", "")
    assert printed.form == "地域資源一覧"
    for word in ("地域資源一覧", "令和8年6月1日現在", "2地区・2か所", "本町（1）", "駅前（1）", "ほんまち茶の間",
                 "拠点・居場所", "毎週水曜10時〜", "本町公民館", "本町自治会", "0858-11-2222", "子ども食堂",
                 "駅前商店街", "取扱注意"):  # fmt: skip
        assert word in flat, word
    assert "閉じたサロン" not in flat
    assert flat.index("本町（1）") < flat.index("駅前（1）")
