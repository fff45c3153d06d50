"""A candidate that no longer applies leaves the 候補 lists by itself (issue 24): no dismissal by hand, no
longer called 候補 on the household, its going kept in the history in words, and back as a candidate
(the same record) when the situation applies again."""

from __future__ import annotations

from datetime import date

from app.services.flags import flag_review
from app.services.households import households
from tests.test_flag_review import _family


def _eight_fifty(store, hid):
    (flag,) = [f for f in flag_review.for_household(store, hid) if f.kind == "8050"]
    return flag


def _open(store):
    return [(h, f.kind) for h, _code, f in flag_review.open_candidates(store)]


def test_a_child_moving_out_takes_the_candidate_off_the_list_and_back_in(store):
    hid, _father, son = _family(store)
    before = _eight_fifty(store, hid)
    assert (hid, "8050") in _open(store) and before.state_word == "候補"

    households.update_member(store, son, {"lives_here": False})  # 同居 off: the son moved out
    flag = _eight_fifty(store, hid)
    assert (hid, "8050") not in _open(store)
    assert flag_review.count_open_candidates(store) == len(_open(store))
    assert flag.id == before.id and not flag.active and flag.state == "candidate"  # kept, not deleted
    assert flag.state_word == flag_review.NO_LONGER_APPLIES and "候補から外れた" in flag.state_word
    assert flag.decided_by == ""  # nobody dismissed it

    # The 変更履歴 says what changed and what it moved, in words.
    (moved,) = [line for line in households.history(store, hid) if line.action == "変更"]
    assert moved.what == "世帯員 山田 健" and ("同居", "はい", "いいえ") in moved.changes
    steps = [line for line in flag_review.history(store, hid) if line.what == "気づき 8050"]
    assert [s.action for s in steps] == ["変更", "候補になった（自動）"]  # newest first
    assert steps[0].changes == [("今も判定に当てはまる", "はい", "いいえ")]
    assert steps[0].actor == "tanaka"

    households.update_member(store, son, {"lives_here": True})  # back home
    again = _eight_fifty(store, hid)
    assert again.id == before.id and again.active and again.state_word == "候補"
    assert (hid, "8050") in _open(store)
    latest = next(line for line in flag_review.history(store, hid) if line.what == "気づき 8050")
    assert latest.changes == [("今も判定に当てはまる", "いいえ", "はい")]


def test_a_corrected_birth_date_takes_the_candidate_off_the_list(store):
    hid, _father, son = _family(store)
    households.update_member(store, son, {"birth_date": date(1993, 2, 3)})  # typed wrong: he is in his thirties
    assert (hid, "8050") not in _open(store) and not _eight_fifty(store, hid).active
    (corrected,) = [line for line in households.history(store, hid) if line.action == "変更"]
    assert any(item == "生年月日" for item, _old, _new in corrected.changes)
    households.update_member(store, son, {"birth_date": date(1973, 2, 3)})
    assert (hid, "8050") in _open(store) and _eight_fifty(store, hid).state_word == "候補"


def test_decisions_read_in_words_and_a_decided_flag_keeps_its_decision(store):
    hid, _father, son = _family(store)
    flag = _eight_fifty(store, hid)
    flag_review.confirm(store, flag.id, "本人と面談して確認")
    (step, *_rest) = flag_review.history(store, hid)
    assert ("判断", "候補", "確認済") in step.changes
    assert ("判断の理由・メモ", "（なし）", "本人と面談して確認") in step.changes
    households.update_member(store, son, {"lives_here": False})
    # A confirmed flag that stops applying keeps the coordinator's decision (it was never a mere candidate).
    assert _eight_fifty(store, hid).state_word == "確認済" and not _eight_fifty(store, hid).active
