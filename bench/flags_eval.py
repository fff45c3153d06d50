"""Flag evaluation of every household per store size (issue 6 target: 50,000 households < 5 s).

Prints the time to read every household (decrypting) and to run the rules, and the full daily
refresh that compares with the stored flags, as the median of several runs.

    .venv/bin/python -m bench.flags_eval [--sizes 1000 10000 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from app.services.flags import flag_review, flags
from app.services.records import stored
from bench.stores import demo_store, open_store


def measure(n: int, repeat: int) -> dict:
    store = open_store(demo_store(n))
    loads, evals, refreshes = [], [], []
    for _ in range(repeat):
        with store.session() as s:
            t = time.perf_counter()
            records = stored.load_records(s, for_flags=True)
            loads.append(time.perf_counter() - t)
            t = time.perf_counter()
            found = sum(len(flags.evaluate(r, date(2026, 11, 22))) for r, _ in records.values())
            evals.append(time.perf_counter() - t)
        t = time.perf_counter()
        flag_review.refresh_all(store, date(2026, 11, 22))
        refreshes.append(time.perf_counter() - t)
    store.close()
    return {"households": n, "load": statistics.median(loads), "rules": statistics.median(evals),
            "refresh": statistics.median(refreshes), "flags": found}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = [measure(n, args.repeat) for n in args.sizes]
    print(f"flag evaluation, median of {args.repeat} runs, seconds")
    print(f"{'households':>10} {'read all':>9} {'rules':>7} {'refresh':>8} {'flags':>7}")
    for r in rows:
        print(
            f"{r['households']:>10,} {r['load']:>9.2f} {r['rules']:>7.2f} {r['refresh']:>8.2f} {r['flags']:>7,}"
        )
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        print(f"growth {a['households']:,} → {b['households']:,}: ×{b['households'] / a['households']:.0f} households, "
              f"refresh ×{b['refresh'] / a['refresh']:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
