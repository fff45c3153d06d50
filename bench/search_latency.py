"""Search latency p50/p95 on 10,000 and 50,000-household demo stores, next to the same queries on a
plain unencrypted SQLite copy in the same run. Target (issue 5): p95 < 50 ms and ≤ 1.5× plain.

    .venv/bin/python -m bench.search_latency [--sizes 10000 50000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.services.households import search
from bench.stores import demo_store, open_store, plain_copy

QUERIES = [
    "山田",
    "山",
    "やま",
    "ﾀﾅｶ",
    "タカハシ",
    "花子",
    "ゆい",
    "大字本町",
    "0858-2",
    "S30.4.1",
    "D-004321",
    "",
]


def _time(session: Session, query: str) -> float:
    # What the 世帯 list does for one search: all matching ids (the count), then the first 200 lines.
    t = time.perf_counter()
    ids = search.find(session, query)
    search.rows(session, ids[:200])
    return (time.perf_counter() - t) * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(session: Session, repeat: int) -> dict[str, list[float]]:
    for q in QUERIES:  # warm the page cache the way a day of use would
        _time(session, q)
    times: dict[str, list[float]] = {q: [] for q in QUERIES}
    for _ in range(repeat):
        for q in QUERIES:
            times[q].append(_time(session, q))
    return times


def run(sizes: list[int], repeat: int) -> list[dict]:
    results = []
    for n in sizes:
        store = open_store(demo_store(n))
        plain = create_engine(f"sqlite:///{plain_copy(store)}")
        with store.session() as enc, Session(plain) as pl:
            by_query_e, by_query_p = measure(enc, repeat), measure(pl, repeat)
        store.close()
        e = [t for ts in by_query_e.values() for t in ts]
        p = [t for ts in by_query_p.values() for t in ts]
        results.append(
            {
                "households": n,
                "by_query": {
                    q: (statistics.median(by_query_e[q]), statistics.median(by_query_p[q])) for q in QUERIES
                },
                "enc_p50": percentile(e, 50),
                "enc_p95": percentile(e, 95),
                "plain_p50": percentile(p, 50),
                "plain_p95": percentile(p, 95),
            }
        )
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    rows = run(args.sizes, args.repeat)
    print(f"search (all matching ids + first 200 rows), {len(QUERIES)} queries × {args.repeat} runs each, ms")
    print(
        f"{'households':>10} {'enc p50':>8} {'enc p95':>8} {'plain p50':>9} {'plain p95':>9} {'p95 ratio':>9}"
    )
    for r in rows:
        ratio = r["enc_p95"] / r["plain_p95"] if r["plain_p95"] else float("nan")
        print(
            f"{r['households']:>10,} {r['enc_p50']:>8.1f} {r['enc_p95']:>8.1f} {r['plain_p50']:>9.1f} "
            f"{r['plain_p95']:>9.1f} {ratio:>8.2f}×"
        )
    print("median per query (encrypted / plain), ms:")
    print(" " * 16 + "".join(f"{r['households']:>16,}" for r in rows))
    for q in QUERIES:
        cells = "".join(f"{r['by_query'][q][0]:>9.1f} /{r['by_query'][q][1]:>5.1f}" for r in rows)
        print(f"  {q or '（空欄: 全世帯）':<14}{cells}")


if __name__ == "__main__":
    main()
