"""Household editing, intakes, history and search through a real encrypted store."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.models import AuditEntry, vocab
from app.services.households import demo, exchange, households, search
from app.services.households.households import FieldErrors


def member(name, kana, born, relation="other", **kw):
    return {"name": name, "kana": kana, "birth_date": born, "relation": relation, **kw}


@pytest.fixture
def family(store):
    hid = households.create_household(
        store, address="例示県つなぎ町大字本町1-2", district="本町一区", phone="0858-12-3456"
    )
    father = households.add_member(
        store, hid, member("山田 太郎", "やまだ たろう", date(1944, 5, 1), "head", sex="male")
    )
    son = households.add_member(
        store,
        hid,
        member(
            "山田 健",
            "ヤマダ ケン",
            date(1973, 2, 3),
            "child",
            sex="male",
            work="not_working",
            marital="single",
        ),
    )
    daughter = households.add_member(
        store, hid, member("髙橋 﨑子", "タカハシ サキコ", date(1976, 8, 9), "child", sex="female")
    )
    households.set_cares(store, son, [father])
    return hid, father, son, daughter


def test_quick_capture_needs_only_an_address_or_a_label(store):
    with pytest.raises(FieldErrors) as exc:
        households.create_household(store)
    assert "label" in exc.value.errors
    hid = households.create_household(store, label="3丁目の角の鈴木さん宅")
    h = households.open_household(store, hid)
    assert h.status == "concern" and h.code.startswith("H-") and h.members == []


def test_members_and_care_relations(store, family):
    hid, father, son, daughter = family
    h = households.open_household(store, hid)
    assert [m.name for m in h.members] == ["山田 太郎", "山田 健", "髙橋 﨑子"]
    (rel,) = next(m for m in h.members if m.id == son).cares
    assert rel.cared_id == father
    households.set_parents(store, daughter, [father])
    h = households.open_household(store, hid)
    child = next(m for m in h.members if m.id == daughter)
    assert child.parents_explicit and [link.parent_id for link in child.parent_links] == [father]
    with pytest.raises(FieldErrors):
        households.set_cares(store, son, [son + 999])


def test_member_input_is_checked_at_each_field(store, family):
    hid = family[0]
    with pytest.raises(FieldErrors) as exc:
        households.add_member(store, hid, {"name": "", "birth_date": date(2999, 1, 1), "sex": "x"})
    assert set(exc.value.errors) == {"name", "birth_date", "sex"}
    assert "未来" in exc.value.errors["birth_date"]
    with pytest.raises(FieldErrors) as exc:
        households.add_member(store, hid, {"name": "古い人", "birth_date": date(1850, 1, 1)})
    assert "古すぎます" in exc.value.errors["birth_date"]


def test_status_closure_needs_a_reason_and_reopen_keeps_history(store, family):
    hid = family[0]
    with pytest.raises(FieldErrors) as exc:
        households.change_status(store, hid, "closed")
    assert "closure_reason" in exc.value.errors
    households.change_status(store, hid, "closed", "専門機関につながったため", "connected")
    households.change_status(store, hid, "watching", "再び見守りが必要になった")
    h = households.open_household(store, hid)
    assert h.status == "watching" and h.closure_reason is None
    lines = [line for line in households.history(store, hid) if line.what == "世帯" and line.action == "変更"]
    closure = [dict((k, (o, n)) for k, o, n in line.changes) for line in lines]
    reason = vocab.CLOSURE_REASON["connected"]
    assert any(c.get("終結の理由") == ("（なし）", reason) for c in closure)  # in words, not codes
    assert any(c.get("終結の理由") == (reason, "（なし）") for c in closure)
    words = vocab.HOUSEHOLD_STATUS
    assert any(c.get("状態") == (words["closed"], words["watching"]) for c in closure)
    assert all(line.actor == "tanaka" for line in lines)


@pytest.mark.parametrize("reason", ["improved", "connected", "watch_in_place", "died", "moved", "lost_contact"])  # fmt: skip
def test_every_closure_reason_closes_the_household(store, family, reason):
    hid = family[0]
    households.change_status(store, hid, "closed", "", reason, closed_on=date(2026, 3, 31))
    h = households.open_household(store, hid)
    assert (h.status, h.closure_reason, h.closed_on) == ("closed", reason, date(2026, 3, 31))
    assert h.closure_note == ""


def test_closure_other_needs_words_and_unknown_reasons_are_refused(store, family):
    hid = family[0]
    with pytest.raises(FieldErrors) as exc:
        households.change_status(store, hid, "closed", "", "other", closure_note="　 ")
    assert exc.value.errors == {"closure_note": "「その他」の理由を入力してください"}
    with pytest.raises(FieldErrors) as exc:
        households.change_status(store, hid, "closed", "", "retired")
    assert exc.value.errors == {"closure_reason": "終結の理由を選んでください"}
    assert households.open_household(store, hid).status == "concern"  # nothing was saved
    households.change_status(
        store, hid, "closed", "", "other", closure_note=" 施設に入所し、町の支援が要らなくなった "
    )
    h = households.open_household(store, hid)
    assert (h.closure_reason, h.closure_note) == ("other", "施設に入所し、町の支援が要らなくなった")
    households.change_status(store, hid, "closed", "", "died", closure_note="残らない言葉")
    assert households.open_household(store, hid).closure_note == ""  # words belong to その他 only


def test_closure_names_a_meeting_of_this_household_only_and_reopening_clears_it(store, family):
    from app.services.meetings import meetings

    hid, father = family[0], family[1]
    other = households.create_household(store, label="3丁目の角の家")
    shien = next(t.id for t in meetings.types(store) if t.code == "shien")
    mid = meetings.create_meeting(store, {"type_id": shien, "held_on": date(2026, 3, 10)})
    ours, theirs = meetings.add_case(store, mid, hid, father), meetings.add_case(store, mid, other)
    (listed,) = households.closure_meetings(store, hid)
    assert (listed.case_id, listed.label) == (ours, "令和8年3月10日 支援会議（第106条の6）")
    for wrong in (theirs, ours + theirs + 100):
        with pytest.raises(FieldErrors) as exc:
            households.change_status(store, hid, "closed", "", "other", closure_case_id=wrong)
        assert set(exc.value.errors) == {"closure_note", "closure_case_id"}  # every wrong field at once
    households.change_status(
        store, hid, "closed", "", "other", closure_note="本人の希望で終了", closure_case_id=ours
    )
    h = households.open_household(store, hid)
    assert (h.closure_reason, h.closure_note, h.closure_case_id) == ("other", "本人の希望で終了", ours)
    households.change_status(store, hid, "watching", "再び見守りが必要になった")
    h = households.open_household(store, hid)
    assert (h.closure_reason, h.closure_note, h.closure_case_id, h.closed_on) == (None, "", None, None)


def test_intake_with_main_category_moves_household_to_consulting(store, family):
    hid, father, *_ = family
    iid = households.add_intake(
        store,
        hid,
        {
            "person_id": father,
            "received_on": date(2026, 4, 10),
            "received_by": "田中",
            "route": "minsei",
            "categories": ["care", "income"],
            "main_category": "hikikomori",
            "main_complaint": "息子が家から出られず、先のことが心配です",
            "background": "民生委員から、父の入院をきっかけに相談",
            "response": "self",
        },
    )
    (intake,) = households.intakes(store, hid)
    assert intake.id == iid and intake.categories == ["hikikomori", "care", "income"]
    assert households.open_household(store, hid).status == "consulting"
    with pytest.raises(FieldErrors) as exc:
        households.add_intake(store, hid, {"received_on": date(2026, 4, 10), "response": "referral"})
    assert "referred_to" in exc.value.errors


def test_likely_duplicates_are_found_and_can_be_merged(store, family):
    hid, _, son, _ = family
    other = households.create_household(store, address="別の住所 5-5")
    dupes = households.possible_duplicates(store, "ﾔﾏﾀﾞ ｹﾝ", "", date(1973, 2, 3))
    assert [d.person_id for d in dupes] == [son]
    households.move_member(store, son, other, {"phone": "090-0000-1111"})
    moved = households.open_household(store, other).members
    assert [m.name for m in moved] == ["山田 健"] and moved[0].phone == "090-0000-1111"
    assert moved[0].cares == []  # relations stay behind with the old household


def test_history_names_who_changed_what(store, family):
    hid, father, *_ = family
    households.update_member(store, father, {"phone": "0858-99-0000"})
    households.remove_member(store, family[3])
    lines = households.history(store, hid)
    assert lines[0].what == "世帯員 髙橋 﨑子" and lines[0].action == "削除"
    change = next(line for line in lines if line.action == "変更" and line.what == "世帯員 山田 太郎")
    assert ("電話", "（なし）", "0858-99-0000") in change.changes


def test_viewing_is_audited_once_per_opening(store, family):
    def views():
        with store.session() as s:
            return s.scalars(select(AuditEntry.target).where(AuditEntry.action == "view_household")).all()

    households.record_view(store, family[0])
    assert len(views()) == 1
    # Reading it again (a refresh of the open screen, a dialog, a print) is not another viewing.
    for _ in range(3):
        households.open_household(store, family[0])
    assert len(views()) == 1
    households.record_view(store, family[0])
    assert views() == [views()[0]] * 2


@pytest.mark.parametrize(
    "query",
    [
        "山田",
        "山",
        "やま",
        "ﾔﾏﾀﾞ",
        "ヤマダ　タロウ",
        "やまだたろう",
        "太郎",
        "たろう",
        "髙橋",
        "さきこ",
        "本町1-2",
        "3456",
        "S19.5.1",
        "昭和19年5月1日",
        "1944-05-01",
    ],
)
def test_search_finds_by_name_kana_address_phone_and_birth_date(store, family, query):
    households.create_household(store, label="無関係な世帯", address="遠い村 9-9")
    with store.session() as s:
        rows = search.page(s, query)
        assert [r.id for r in rows] == [family[0]], query
        assert search.count(s, query) == 1
    assert rows[0].head_name == "山田 太郎" and rows[0].members == 3


def test_search_filters_and_paging(store):
    exchange.import_records(store, demo.generate(120, seed=4))
    with store.session() as s:
        total = search.count(s, "")
        assert total == 120
        first, second = search.page(s, "", limit=50), search.page(s, "", offset=50, limit=50)
        assert len(first) == 50 and not {r.id for r in first} & {r.id for r in second}
        closed = search.count(s, "", search.Filters(status="closed"))
        assert 0 < closed < total
        district = search.districts(s)[0]
        assert all(r.district == district for r in search.page(s, "", search.Filters(district=district)))


def test_interpretation_of_queries():
    assert search.interpret("R7.4.1") == ("date", date(2025, 4, 1))
    assert search.interpret("090-1234") == ("phone", "0901234")
    assert search.interpret("山田")[0] == "text"
    assert search.interpret("  ") == ("all", None)


def test_an_empty_intake_is_refused_at_its_field(store):
    from app.services.households.households import FieldErrors

    hid = households.create_household(store, address="例示町1")
    with pytest.raises(FieldErrors) as refused:
        households.add_intake(store, hid, {"received_on": date(2025, 4, 1), "main_complaint": "  "})
    assert "相談の内容" in refused.value.errors["main_complaint"]
    assert households.add_intake(store, hid, {"received_on": date(2025, 4, 1), "categories": ["income"]})
