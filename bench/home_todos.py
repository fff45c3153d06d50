"""ホーム's to-dos on a demo store (issue 8 target: under 200 ms for 10,000 households): households to
visit or contact, this week's planned visits, overdue つなぐシート and flag candidates.

    .venv/bin/python -m bench.home_todos [--sizes 10000] [--repeat 9]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, datetime, timedelta

from app.models import Visit
from app.services.flags import flag_review
from app.services.outreach import outreach
from app.services.referrals import referrals
from bench.stores import demo_store, open_store

VISITS_MARK = "bench-visits"


def _ensure_visits(store, n_households: int) -> None:
    """A year of visits on a fifth of the households, once per cached store."""
    if store.setting(VISITS_MARK):
        return
    rng = random.Random(1)
    today = date.today()
    with store.session() as s:
        for hid in rng.sample(range(1, n_households + 1), n_households // 5):
            for _ in range(rng.randint(1, 6)):
                at = datetime.combine(
                    today - timedelta(days=rng.randint(0, 365)), datetime.min.time()
                ).replace(hour=10)
                s.add(Visit(household_id=hid, visited_at=at, kind="continuing", result=rng.choice(["met", "absent", "letter_left"]),
                            next_on=at.date() + timedelta(days=rng.randint(7, 60))))  # fmt: skip
        s.commit()
    store.set_setting(VISITS_MARK, True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    print(f"ホーム to-dos, median of {args.repeat} runs (ms)")
    print(
        f"{'households':>10} {'follow-ups':>10} {'this week':>9} {'overdue':>8} {'flags':>7} {'total':>7} {'items':>6}"
    )
    for n in args.sizes:
        store = open_store(demo_store(n))
        _ensure_visits(store, n)
        parts = {"follow": [], "week": [], "overdue": [], "flags": []}
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            follow = outreach.followups(store)
            t1 = time.perf_counter()
            outreach.this_week(store)
            t2 = time.perf_counter()
            referrals.overdue(store)
            t3 = time.perf_counter()
            flag_review.open_candidates(store)
            flag_review.count_open_candidates(store)
            t4 = time.perf_counter()
            for key, value in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                parts[key].append(value * 1000)
        store.close()
        med = {k: statistics.median(v) for k, v in parts.items()}
        total = statistics.median([sum(x) for x in zip(*parts.values(), strict=True)])
        print(f"{n:>10,} {med['follow']:>10.1f} {med['week']:>9.1f} {med['overdue']:>8.1f} {med['flags']:>7.1f} "
              f"{total:>7.1f} {len(follow):>6}")  # fmt: skip


if __name__ == "__main__":
    main()
