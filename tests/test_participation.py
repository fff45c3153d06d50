"""参加支援 below the GUI: checks with Japanese messages at the field, one commit per act, history and audit,
going on after 終結, the 受入先's offers, and the counts hand-counted across the 3/31–4/1 edge."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import select

from app.models import AuditEntry, ChangeRecord
from app.services.common.errors import InvalidInput
from app.services.households import households
from app.services.households.households import FieldErrors
from app.services.participation import participation
from app.services.records import labels
from app.services.referrals import agencies
from tests.conftest import counted


@pytest.fixture
def town(store):
    hid = households.create_household(store, address="例示県つなぎ町大字本町1-1")
    son = households.add_member(store, hid, {"name": "山田 健", "kana": "やまだ けん",
                                             "birth_date": date(1985, 5, 5), "relation": "head"})  # fmt: skip
    mother = households.add_member(store, hid, {"name": "山田 花子", "kana": "やまだ はなこ",
                                                "birth_date": date(1955, 2, 2), "relation": "parent"})  # fmt: skip
    other = households.create_household(store, address="例示県つなぎ町大字本町2-2")
    stranger = households.add_member(store, other, {"name": "佐藤 一", "kana": "さとう はじめ",
                                                    "birth_date": date(1990, 1, 1), "relation": "head"})  # fmt: skip
    place = agencies.save(store, {"name": "NPO法人 ひだまり", "offers": ["place", "volunteer"]})
    farm = agencies.save(store, {"name": "つなぎ農園", "offers": ["work_experience"]})
    police = agencies.save(store, {"name": "つなぎ警察署"})
    return {"hid": hid, "son": son, "mother": mother, "other": other, "stranger": stranger,
            "place": place, "farm": farm, "police": police}  # fmt: skip


def _values(agency_id, **extra):
    return {"agency_id": agency_id, "offer": "place", "matched_on": date(2026, 3, 1), **extra}


def test_fields_are_checked_with_japanese_messages(store, town):
    with pytest.raises(FieldErrors) as err:
        participation.create(store, town["hid"], town["son"], {"offer": "bogus"})
    assert err.value.errors == {
        "agency_id": "受入先を関係機関から選んでください",
        "offer": "参加する内容を選んでください",
        "matched_on": "つないだ日（調整を始めた日）を入力してください",
    }
    bad = _values(town["place"], started_on=date(2026, 2, 1), state="active")
    with pytest.raises(FieldErrors) as err:
        participation.create(store, town["hid"], town["son"], bad)
    assert err.value.errors == {"started_on": "参加の開始日がつないだ日より前です"}
    with pytest.raises(FieldErrors) as err:
        participation.create(store, town["hid"], town["son"], _values(town["place"], state="active"))
    assert err.value.errors == {"started_on": "参加中にするには参加の開始日を入力してください"}
    ended = _values(town["place"], started_on=date(2026, 3, 5), ended_on=date(2026, 3, 4), state="ended")
    with pytest.raises(FieldErrors) as err:
        participation.create(store, town["hid"], town["son"], ended)
    assert err.value.errors == {
        "ended_on": "終了日が参加の開始日より前です",
        "end_reason": "終了の理由を入力してください",
    }
    with pytest.raises(FieldErrors) as err:
        participation.create(store, town["hid"], town["son"], _values(town["place"], matched_on=date(2999, 1, 1)))
    assert err.value.errors == {"matched_on": "つないだ日が未来です"}
    # 本人 must be of the household it is entered from
    with pytest.raises(FieldErrors) as err:
        participation.create(store, town["hid"], town["stranger"], _values(town["place"]))
    assert err.value.errors == {"person_id": "本人はこの世帯の世帯員から選んでください"}
    with pytest.raises(FieldErrors) as err:
        participation.create(store, town["hid"], town["son"], _values(99999))
    assert err.value.errors == {"agency_id": "その受入先は関係機関に見つかりません"}
    assert participation.rows(store) == []


def test_each_act_is_one_commit_and_leaves_history_and_audit(store, town):
    with counted() as seen:
        pid = participation.create(store, town["hid"], town["son"], _values(town["place"], purpose="人と話したい"))
    assert seen == {"begun": 1, "commits": 1}
    with counted() as seen:
        participation.change_state(store, pid, "active", on=date(2026, 3, 10))
    assert seen == {"begun": 1, "commits": 1}
    with counted() as seen:
        aid = participation.add_activity(store, pid, {"held_on": date(2026, 3, 17), "attended": True,
                                                      "what": "カフェの手伝い", "note": "「また来たい」"})  # fmt: skip
    assert seen == {"begun": 1, "commits": 1}
    with counted() as seen:
        participation.update(store, pid, {"changes": "「朝起きる理由ができた」"})
    assert seen == {"begun": 1, "commits": 1}
    changes_seen = store.changes.since(store.changes.count - 1)
    assert changes_seen.touches({"participation"}) and town["hid"] in changes_seen.household_ids
    with counted() as seen:
        assert participation.delete_activity(store, aid).touches({"participation"})
    assert seen == {"begun": 1, "commits": 1}

    with store.session() as s:
        history = s.scalars(select(ChangeRecord).where(ChangeRecord.table_name == "participations")
                            .order_by(ChangeRecord.id)).all()  # fmt: skip
        assert [h.action for h in history] == ["insert", "update", "update"]
        words = labels.change_words("participations", history[1].old, history[1].new)
        assert ("状態", "調整中", "参加中") in words
        assert ("参加の開始日", "（なし）", "令和8年3月10日") in words
        deleted = s.scalars(select(ChangeRecord).where(ChangeRecord.table_name == "participation_activities",
                                                       ChangeRecord.action == "delete")).one()  # fmt: skip
        assert ("様子（本人の言葉）", "「また来たい」", "") in labels.change_words(
            "participation_activities", deleted.old, None
        )
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "delete")).one()
        assert "参加支援の参加記録" in entry.detail and "2026-03-17" in entry.detail
        assert "また来たい" not in entry.detail  # (the content stays in the row history, not the log)


def test_state_changes_with_a_reason_and_activities_after_the_end_are_refused(store, town):
    pid = participation.create(store, town["hid"], town["son"], _values(town["place"]))
    with pytest.raises(FieldErrors) as err:
        participation.change_state(store, pid, "ended", on=date(2026, 3, 20))
    assert err.value.errors == {"end_reason": "終了の理由を入力してください"}
    participation.change_state(store, pid, "active", on=date(2026, 3, 10))
    participation.change_state(store, pid, "ended", on=date(2026, 3, 20), reason="就労につながった")
    row = participation.get(store, pid)
    assert (row.state, row.started_on, row.ended_on, row.end_reason) == (
        "ended", date(2026, 3, 10), date(2026, 3, 20), "就労につながった")  # fmt: skip
    with pytest.raises(FieldErrors) as err:
        participation.add_activity(store, pid, {"held_on": date(2026, 3, 21)})
    assert err.value.errors == {
        "held_on": "参加日が終了日より後です（続けているなら状態を「参加中」に戻してください）"
    }
    participation.add_activity(store, pid, {"held_on": date(2026, 3, 19), "attended": False})  # a late entry
    participation.change_state(store, pid, "active")  # back again: the end is cleared, the start kept
    row = participation.get(store, pid)
    assert (row.state, row.started_on, row.ended_on, row.end_reason) == ("active", date(2026, 3, 10), None, "")
    with pytest.raises(FieldErrors) as err:
        participation.add_activity(store, pid, {"held_on": None})
    assert err.value.errors == {"held_on": "参加日（活動の日）を入力してください"}
    with pytest.raises(InvalidInput):
        participation.add_activity(store, 99999, {"held_on": date(2026, 3, 19)})


def test_it_goes_on_after_the_household_is_closed(store, town):
    pid = participation.create(store, town["hid"], town["son"],
                               _values(town["place"], started_on=date(2026, 3, 2), state="active"))  # fmt: skip
    participation.add_activity(store, pid, {"held_on": date(2026, 3, 9), "attended": True})
    households.change_status(store, town["hid"], "closed", "落ち着いた", closure_reason="watch_in_place")
    assert households.open_household(store, town["hid"]).status == "closed"
    participation.add_activity(store, pid, {"held_on": date(2026, 3, 16), "attended": True, "what": "清掃"})
    participation.update(store, pid, {"changes": "「自分の役割ができた」"})
    again = participation.create(store, town["hid"], town["mother"], _values(town["farm"], offer="work_experience"))
    (row,) = participation.rows(store, person_id=town["son"])
    assert row.last_attended == date(2026, 3, 16) and row.state_word == "参加中"
    assert {r.id for r in participation.rows(store, household_id=town["hid"])} == {pid, again}
    assert [r.id for r in participation.rows(store, state="matching")] == [again]
    assert len(participation.get(store, pid).activities) == 2


def test_hosts_are_the_agencies_that_offer_something(store, town):
    hosts = participation.hosts(store)
    assert [(h.name, h.offer_words) for h in hosts] == [
        ("NPO法人 ひだまり", "居場所、ボランティア"),
        ("つなぎ農園", "就労体験"),
    ]
    assert {h.id for h in participation.hosts(store, offering_only=False)} == {town["place"], town["farm"], town["police"]}
    with pytest.raises(InvalidInput, match="参加支援で提供できることは一覧から選んでください"):
        agencies.save(store, {"offers": ["flying"]}, town["police"])
    agencies.save(store, {"offers": ["volunteer", "place", "place"]}, town["police"])
    assert [a.offers for a in agencies.all_agencies(store) if a.id == town["police"]] == [["place", "volunteer"]]


def test_counts_across_the_fiscal_year_edge(store, town):
    """FY2025 = 2025-04-01..2026-03-31 (令和7年度), FY2026 = 2026-04-01..2027-03-31, counted by hand:

    A son: matched 3/01, started 3/31, still active → FY2025 participant (new), FY2026 participant (not new)
       activities 3/31 attended (FY2025), 4/01 not attended (FY2026)
    B mother: matched 3/31, started 4/01 → FY2025 matching only; FY2026 participant (new)
    C stranger: matched 2025-04-01, started 2025-04-10, ended 2026-03-31 → FY2025 participant only
    Hosts FY2025: place (A) + farm (C) → 2; FY2026: place (A) + farm (B) → 2.
    """
    a = participation.create(store, town["hid"], town["son"],
                             _values(town["place"], matched_on=date(2026, 3, 1), started_on=date(2026, 3, 31),
                                     state="active"))  # fmt: skip
    participation.add_activity(store, a, {"held_on": date(2026, 3, 31), "attended": True})
    participation.add_activity(store, a, {"held_on": date(2026, 4, 1), "attended": False})
    participation.create(store, town["hid"], town["mother"],
                         _values(town["farm"], offer="work_experience", matched_on=date(2026, 3, 31),
                                 started_on=date(2026, 4, 1), state="active"))  # fmt: skip
    c = participation.create(store, town["other"], town["stranger"],
                             _values(town["farm"], matched_on=date(2025, 4, 1), started_on=date(2025, 4, 10),
                                     ended_on=date(2026, 3, 31), state="ended", end_reason="就労"))  # fmt: skip
    participation.add_activity(store, c, {"held_on": date(2025, 4, 10), "attended": True})
    participation.add_activity(store, c, {"held_on": date(2025, 4, 17), "attended": False})
    with store.session() as s:
        fy2025 = participation.counts(s, date(2025, 4, 1), date(2026, 3, 31))
        fy2026 = participation.counts(s, date(2026, 4, 1), date(2027, 3, 31))
        last_day = participation.counts(s, date(2026, 3, 31), date(2026, 3, 31))
        before = participation.counts(s, date(2024, 4, 1), date(2025, 3, 31))
    assert fy2025 == {"participants": 2, "new_participants": 2, "hosts": 2, "activities": 3, "attendances": 2,
                      "matching": 3}  # fmt: skip
    assert fy2026 == {"participants": 2, "new_participants": 1, "hosts": 2, "activities": 1, "attendances": 0,
                      "matching": 0}  # fmt: skip
    assert last_day == {"participants": 2, "new_participants": 1, "hosts": 2, "activities": 1, "attendances": 1,
                        "matching": 1}  # fmt: skip
    assert before == dict.fromkeys(fy2025, 0)


def test_demo_is_safe_on_a_demo_town(store):
    from app.services.households import demo

    demo.populate(store, 30, seed=3)
    agencies.add_typical(store)  # (the directory's typical agencies are left as they are)
    participation.add_demo(store, random.Random(5), today=date(2026, 6, 1))
    found = participation.rows(store)
    assert 5 <= len(found) <= 8
    assert [h.name for h in participation.hosts(store)] == sorted(n for n, _o in participation.DEMO_HOSTS)
    with store.session() as s:
        numbers = participation.counts(s, date(2025, 4, 1), date(2026, 3, 31))
    assert numbers["participants"] > 0 and numbers["activities"] > 0


def test_the_record_prints_the_words_and_the_attendance(store, town, tmp_path):
    import io

    from pypdf import PdfReader

    from app.services.catalog import print_catalog

    pid = participation.create(store, town["hid"], town["son"],
                               _values(town["place"], started_on=date(2026, 3, 2), state="active",
                                       purpose="人と話す場がほしい"))  # fmt: skip
    participation.add_activity(store, pid, {"held_on": date(2026, 3, 9), "attended": True, "what": "カフェの手伝い",
                                            "note": "「また来たい」"})  # fmt: skip
    participation.add_activity(store, pid, {"held_on": date(2026, 3, 16), "attended": False, "what": "清掃"})
    participation.update(store, pid, {"changes": "「朝起きる理由ができた」"})
    printed = print_catalog.produce(store, "participation", print_catalog.Request(record_id=pid))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(printed.pdf)).pages)
    flat = text.replace(" ", "").replace("\n", "")
    for words in ("参加支援の記録", "山田健", "NPO法人ひだまり", "居場所", "参加中", "令和8年3月2日", "人と話す場がほしい",
                  "朝起きる理由ができた", "令和8年3月9日", "カフェの手伝い", "また来たい", "休み", "2回（参加1回）",
                  "取扱注意"):  # fmt: skip
        assert words in flat, words
    minimal = print_catalog.produce(store, "participation", print_catalog.Request(record_id=pid, basis="minimal"))
    hidden = "".join(page.extract_text() for page in PdfReader(io.BytesIO(minimal.pdf)).pages).replace(" ", "")
    assert "山田健" not in hidden and minimal.basis == "minimal"
    (tmp_path / "participation.pdf").write_bytes(printed.pdf)
