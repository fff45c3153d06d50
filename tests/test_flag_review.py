"""Stored flags: candidates, decisions, undo, persistence of dismissals, manual flags."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.models import ChangeRecord
from app.services.common.errors import InvalidInput
from app.services.flags import flag_review
from app.services.households import households
from app.services.store.store import Store
from tests.conftest import PASSPHRASE


def _family(store, child_birth=date(1973, 2, 3)):
    hid = households.create_household(store, address="例示町本町1")
    father = households.add_member(store, hid, {"name": "山田 太郎", "kana": "やまだ たろう", "birth_date": date(1944, 5, 1),
                                                "relation": "head", "sex": "male"})  # fmt: skip
    son = households.add_member(store, hid, {"name": "山田 健", "kana": "やまだ けん", "birth_date": child_birth,
                                             "relation": "child", "sex": "male", "work": "not_working", "marital": "single"})  # fmt: skip
    return hid, father, son


def _auto(store, hid, *, active_only=True):
    # The father alone was 独居高齢 for a moment before his son was added: that flag stays, inactive.
    return [
        f
        for f in flag_review.for_household(store, hid)
        if f.source == "auto" and (f.active or not active_only)
    ]


def test_a_household_change_creates_a_candidate_with_its_reason(store):
    hid, father, son = _family(store)
    (flag,) = _auto(store, hid)
    assert flag.kind == "8050" and flag.state == "candidate" and flag.word == "8050"
    assert "世帯主（父）" in flag.reason and "長男" in flag.reason
    assert [(h, f.kind) for h, _code, f in flag_review.open_candidates(store)] == [(hid, "8050")]


def test_dismissal_needs_a_reason_persists_and_a_different_child_is_new(store, store_dir):
    hid, father, son = _family(store)
    (flag,) = _auto(store, hid)
    with pytest.raises(InvalidInput, match="理由"):
        flag_review.dismiss(store, flag.id, "  ")
    flag_review.dismiss(store, flag.id, "長男は在宅で仕事をしている（就労の記録を直す予定）")
    store.close()
    store = Store.open(store_dir, passphrase=PASSPHRASE)
    flag_review.refresh_all(store)
    assert [f.state for f in _auto(store, hid)] == ["dismissed"]
    assert flag_review.open_candidates(store) == []
    second = households.add_member(store, hid, {"name": "山田 次郎", "kana": "やまだ じろう", "birth_date": date(1975, 1, 1),
                                                "relation": "child", "sex": "male", "work": "not_working", "marital": "single"})  # fmt: skip
    assert sorted(f.state for f in _auto(store, hid)) == ["candidate", "dismissed"]
    assert [f.kind for _h, _c, f in flag_review.open_candidates(store)] == ["8050"]
    assert second
    store.close()


def test_confirm_undo_and_history(store):
    hid, *_ = _family(store)
    (flag,) = _auto(store, hid)
    flag_review.confirm(store, flag.id, "本人と面談して確認")
    assert _auto(store, hid)[0].state == "confirmed" and _auto(store, hid)[0].can_undo
    flag_review.undo(store, flag.id)
    assert _auto(store, hid)[0].state == "candidate"
    with pytest.raises(InvalidInput):
        flag_review.undo(store, flag.id)
    with store.session() as s:
        steps = s.scalars(
            select(ChangeRecord).where(ChangeRecord.table_name == "flags", ChangeRecord.action == "update")
        ).all()
    # (the first update is the 独居高齢 flag going inactive when the son was added)
    assert [r.new["state"] for r in steps if "state" in r.new] == ["confirmed", "candidate"]
    assert all(r.actor == "tanaka" for r in steps)


def test_people_age_into_a_candidate(store):
    hid, *_ = _family(store, child_birth=date(1990, 6, 15))
    assert _auto(store, hid) == []
    flag_review.refresh_all(store, as_of=date(2030, 6, 14))
    assert _auto(store, hid) == []
    result = flag_review.refresh_all(store, as_of=date(2030, 6, 15))
    assert result.new == 1 and [f.kind for f in _auto(store, hid)] == ["8050"]


def test_a_flag_that_stops_firing_is_inactive_not_deleted(store):
    hid, father, son = _family(store)
    households.update_member(store, son, {"work": "working"})
    assert _auto(store, hid) == []
    (flag,) = [f for f in _auto(store, hid, active_only=False) if f.kind == "8050"]
    assert not flag.active and flag.state == "candidate"
    assert flag_review.open_candidates(store) == []
    households.update_member(store, son, {"work": "not_working"})
    assert _auto(store, hid)[0].active


def test_manual_flags_and_print_restriction(store):
    hid, father, son = _family(store)
    with pytest.raises(InvalidInput, match="本人の言葉"):
        flag_review.add_manual(store, hid, "loneliness", son)
    flag_review.add_manual(store, hid, "loneliness", son, "誰とも話さない日が続いてさみしい")
    flag_review.add_manual(store, hid, "hazama_1", son)
    assert not flag_review.printing_restricted(store, hid)
    abuse = flag_review.add_manual(store, hid, "abuse", father, "近隣から通報")
    assert flag_review.printing_restricted(store, hid)
    flag_review.end(store, abuse, "支援により解消")
    assert not flag_review.printing_restricted(store, hid)
    words = {f.word for f in flag_review.for_household(store, hid) if f.source == "manual"}
    assert (
        "8050世帯の50代のひきこもりの状態にある者であって、世帯は生活困窮状態にないが、社会との関係が断絶しているもの"
        in words
    )
    counts = flag_review.counts_by_kind(store)
    assert counts["8050"]["candidate"] == 1 and counts["loneliness"]["confirmed"] == 1


def test_thresholds_come_from_settings(store):
    from app.services.store import settings

    hid = households.create_household(store, address="例示町2")
    households.add_member(store, hid, {"name": "親", "birth_date": date(1955, 1, 1), "relation": "head"})
    households.add_member(store, hid, {"name": "子", "birth_date": date(1985, 1, 1), "relation": "child",
                                       "work": "not_working", "marital": "single"})  # fmt: skip
    assert _auto(store, hid) == []
    settings.save(store, {"flags.parent_min_age": 70})
    flag_review.refresh_all(store)
    assert [f.kind for f in _auto(store, hid)] == ["8050"]
    with pytest.raises(settings.SettingError):
        settings.save(store, {"flags.child_min_age": 70, "flags.child_max_age": 60})

