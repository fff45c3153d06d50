"""Flag evaluation per store size: the full re-evaluation of every household (issue 6 target: 50,000
households < 5 s) and the day-to-day refresh that looks only at people whose age crossed a rule's
threshold since the last refresh (issue 25 target: ≤ 50 ms at 50,000 households).

Prints the time to read every household (decrypting) and to run the rules, the full refresh that
compares with the stored flags, and the day-to-day refresh as sign-in runs it (refresh_if_due) on each of
a week of days after a full refresh, as medians.

    .venv/bin/python -m bench.flags_eval [--sizes 1000 10000 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta

from app.services.flags import flag_review, flags
from app.services.records import stored
from bench.stores import demo_store, open_store

TODAY = date(2026, 11, 22)
DAYS = 7  # day-to-day refreshes measured after each full one


def measure(n: int, repeat: int) -> dict:
    store = open_store(demo_store(n))
    loads, evals, refreshes, daily, evaluated = [], [], [], [], []
    for _ in range(repeat):
        with store.session() as s:
            t = time.perf_counter()
            records = stored.load_records(s, for_flags=True)
            loads.append(time.perf_counter() - t)
            t = time.perf_counter()
            found = sum(len(flags.evaluate(r, TODAY)) for r, _ in records.values())
            evals.append(time.perf_counter() - t)
        t = time.perf_counter()
        flag_review.refresh_all(store, TODAY)
        refreshes.append(time.perf_counter() - t)
        for day in range(1, DAYS + 1):
            t = time.perf_counter()
            result = flag_review.refresh_if_due(store, TODAY + timedelta(days=day))
            daily.append(time.perf_counter() - t)
            assert result is not None and not result.full
            evaluated.append(result.households)
    store.close()
    return {"households": n, "load": statistics.median(loads), "rules": statistics.median(evals),
            "refresh": statistics.median(refreshes), "flags": found, "incremental": statistics.median(daily),
            "incremental_max": max(daily), "incremental_households": statistics.mean(evaluated)}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = [measure(n, args.repeat) for n in args.sizes]
    print(f"flag evaluation, median of {args.repeat} runs (day to day: of {args.repeat} × {DAYS} days)")
    print(f"{'households':>10} {'read all s':>10} {'rules s':>8} {'full s':>7} {'flags':>7} "
          f"{'day to day ms':>13} {'(max)':>7} {'households':>10}")  # fmt: skip
    for r in rows:
        print(f"{r['households']:>10,} {r['load']:>10.2f} {r['rules']:>8.2f} {r['refresh']:>7.2f} {r['flags']:>7,} "
              f"{r['incremental'] * 1000:>13.1f} {r['incremental_max'] * 1000:>7.1f} "
              f"{r['incremental_households']:>10.1f}")  # fmt: skip
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        print(f"growth {a['households']:,} → {b['households']:,}: ×{b['households'] / a['households']:.0f} households, "
              f"full refresh ×{b['refresh'] / a['refresh']:.1f}, day to day ×{b['incremental'] / a['incremental']:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
