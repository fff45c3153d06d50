"""ホーム reads only the first rows of its long lists and counts the rest (issue 25): the open 気づき kind by
kind and the overdue つなぐシート, each the same rows in the same order as reading the whole list."""

from __future__ import annotations

import random
from datetime import date, timedelta

from app.models import FlagRecord, Household, Referral
from app.services.flags import flag_review, flags
from app.services.referrals import referrals

DAY = date(2026, 11, 22)


def _households(store, n: int) -> list[int]:
    with store.session() as s:
        rows = [Household(code=f"T-{i:03d}", status="concern") for i in range(n)]
        s.add_all(rows)
        s.commit()
        return [h.id for h in rows]


def test_open_candidates_are_the_first_of_every_candidate_in_rank_order(store):
    rnd = random.Random(8050)
    hids = _households(store, 40)
    kinds = [*flags.KINDS, "isolation", "other"]  # the last two outside flags.KINDS (as manual ones are)
    with store.session() as s:
        for _ in range(300):
            seen = DAY - timedelta(days=rnd.randint(0, 30))  # many on the same day: the id decides
            s.add(FlagRecord(household_id=rnd.choice(hids), kind=rnd.choice(kinds), first_seen=seen, last_seen=seen,
                             state=rnd.choice(["candidate", "candidate", "confirmed", "dismissed"]),
                             active=rnd.random() < 0.8, source="auto"))  # fmt: skip
        s.commit()
        rank = {kind: i for i, kind in enumerate(flags.KINDS)}
        expected = sorted(
            (f for f in s.query(FlagRecord) if f.state == "candidate" and f.active),
            key=lambda f: (rank.get(f.kind, len(flags.KINDS)), -f.first_seen.toordinal(), f.id),
        )
        codes = {h.id: h.code for h in s.query(Household)}
    assert flag_review.count_open_candidates(store) == len(expected)
    for limit in (1, 7, 50, len(expected), len(expected) + 5):
        got = flag_review.open_candidates(store, limit)
        assert [(h, c, f.id) for h, c, f in got] == [
            (f.household_id, codes[f.household_id], f.id) for f in expected[:limit]
        ]


def test_overdue_first_are_the_first_overdue_sheets_and_their_count(store):
    rnd = random.Random(14)
    hids = _households(store, 10)
    with store.session() as s:
        for serial in range(1, 121):
            sent = DAY - timedelta(days=rnd.randint(0, 40))
            s.add(Referral(number=f"R8-{serial:04d}", fiscal_year=2026, serial=serial, household_id=rnd.choice(hids),
                           direction=rnd.choice(["out", "out", "in"]), state=rnd.choice(["sent", "accepted", "replied"]),
                           created_on=sent - timedelta(days=rnd.randint(0, 3)), sent_on=sent,
                           reply_due=sent + timedelta(days=14),
                           reply_received_on=sent + timedelta(days=rnd.randint(0, 30))))  # fmt: skip
        s.commit()
    every = referrals.overdue(store, DAY)
    assert len(every) > 20
    for limit in (1, 20, len(every), len(every) + 1):
        total, first = referrals.overdue_first(store, DAY, limit)
        assert total == len(every)
        assert [(r.id, r.code) for r in first] == [(r.id, r.household.code) for r in every[:limit]]
