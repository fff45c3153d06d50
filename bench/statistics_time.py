"""Statistics of a fiscal year per store size (issue 10 target: 50,000 households < 2 s), next to the
same report on a plain unencrypted SQLite copy, and the statistics report PDF.

    .venv/bin/python -m bench.statistics_time [--sizes 1000 10000 50000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from app.services.printing.forms import FormContext
from app.services.statistics import statistics as stats
from app.services.statistics import statistics_forms
from app.services.store.store import Store
from bench.stores import demo_store, open_store, plain_copy

TODAY = date(2026, 11, 22)


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(n: int, repeat: int) -> dict:
    store = open_store(demo_store(n))
    period = stats.Period.of(2026)
    report = stats.compute(store, period, TODAY)
    encrypted = _median(lambda: stats.compute(store, period, TODAY), repeat)
    plain = plain_copy(store)
    plain_store = Store.__new__(Store)  # the same queries through SQLAlchemy on the unencrypted copy
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    plain_store.session = sessionmaker(create_engine(f"sqlite:///{plain}"))
    baseline = _median(lambda: stats.compute(plain_store, period, TODAY), repeat)
    context = FormContext(town="ベンチ町", printed_by="bench")
    pdf = _median(lambda: statistics_forms.report_sheet(context, report), repeat)
    store.close()
    plain.unlink(missing_ok=True)
    return {"households": n, "stats": encrypted, "plain": baseline, "pdf": pdf,
            "intakes": report.value("summary", "相談受付件数（延べ）")}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rows = [measure(n, args.repeat) for n in args.sizes]
    print(f"statistics for 令和8年度, median of {args.repeat} runs, seconds")
    print(
        f"{'households':>10} {'encrypted':>10} {'plain copy':>11} {'ratio':>6} {'report PDF':>11} {'intakes':>8}"
    )
    for r in rows:
        print(f"{r['households']:>10,} {r['stats']:>10.3f} {r['plain']:>11.3f} {r['stats'] / r['plain']:>6.2f}"
              f" {r['pdf']:>11.3f} {r['intakes']:>8,}")  # fmt: skip
    big = rows[-1]
    print(f"target: {big['households']:,} households under 2 s → {'met' if big['stats'] < 2 else 'NOT met'}"
          f" ({big['stats']:.2f} s)")  # fmt: skip
    if len(rows) > 1:
        a = rows[0]
        print(f"growth {a['households']:,} → {big['households']:,}: ×{big['households'] / a['households']:.0f} households,"
              f" statistics ×{big['stats'] / a['stats']:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
