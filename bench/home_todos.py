"""ホーム's refresh on a demo store (issue 25 target: ≤ 50 ms at 10,000 households): exactly what the page
reads (app.ui.home.page.HomePage._read, called without a window: it touches no widget), with the time of
each service call beside the total.

The store is a copy of the demo store with a year of visits that carry a 次回予定日 on a fifth of the
households (the demo's own visits have none, and the overdue-visit branch of the follow-ups would then
read nothing), kept in bench/cache/home-N so the shared demo stores stay as they are.

    .venv/bin/python -m bench.home_todos [--sizes 10000] [--repeat 9]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from bench.stores import CACHE, demo_store, open_store

TODAY = date(2026, 11, 22)  # the demo's casework ends here (bench.stores.CASEWORK_UNTIL)


def home_store(households: int) -> Path:
    """bench/cache/home-N: the demo store plus visits with a 次回予定日 (built once)."""
    from app.models import Visit

    folder = CACHE / f"home-{households}"
    if folder.exists():
        return folder
    tmp = CACHE / f".building-home-{households}"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(
        demo_store(households), tmp, ignore=shutil.ignore_patterns("safety", "*.lock", "plain.sqlite")
    )
    store = open_store(tmp)
    rng = random.Random(1)
    with store.session() as s:
        for hid in rng.sample(range(1, households + 1), households // 5):
            for _ in range(rng.randint(1, 6)):
                at = datetime.combine(
                    TODAY - timedelta(days=rng.randint(0, 365)), datetime.min.time()
                ).replace(hour=10)
                s.add(Visit(household_id=hid, visited_at=at, kind="continuing", result=rng.choice(["met", "absent", "letter_left"]),
                            next_on=at.date() + timedelta(days=rng.randint(7, 60))))  # fmt: skip
        s.commit()
    store.close()
    tmp.rename(folder)
    return folder


def parts(store, today: date = TODAY) -> dict:
    """Each service call of HomePage._read on its own (the same calls, in the same snapshot)."""
    from app.services.common.japanese import fiscal_year
    from app.services.flags import flag_review
    from app.services.households import households
    from app.services.meetings import assessments, plans
    from app.services.outreach import outreach
    from app.services.program import program_plan
    from app.services.referrals import referrals
    from app.services.statistics import statistics as stats
    from app.services.store import backup
    from app.services.store import settings as town_settings
    from app.ui.home.page import FLAGS_SHOWN, FOLLOW_SHOWN, OVERDUE_SHOWN

    return {
        "settings": lambda: town_settings.load(store),
        "counts": store.counts,
        "backup": lambda: backup.days_since_backup(store),
        "follow-ups": lambda: outreach.followups_first(store, today, FOLLOW_SHOWN),
        "reviews": lambda: plans.due_for_review(store, today),
        "late roles": lambda: assessments.overdue_roles(store, today),
        "実施計画": lambda: program_plan.reminders(store, today),
        "recent": lambda: households.recent(store),
        "year figures": lambda: stats.headline(store, stats.Period.of(fiscal_year(today)), today),
        "overdue sheets": lambda: referrals.overdue_first(store, today, OVERDUE_SHOWN),
        "agencies": lambda: referrals.agency_names(store),
        "flags": lambda: flag_review.open_candidates(store, FLAGS_SHOWN),
        "flag count": lambda: flag_review.count_open_candidates(store),
    }


def read_home(store, today: date = TODAY) -> dict:
    """What ホーム reads on refresh: the page's own read, so the benchmark cannot drift from it."""
    from app.ui.home.page import HomePage

    return HomePage._read(None, store, today, today)


def measure(households: int = 10_000, repeat: int = 9) -> dict:
    """Median ms of the whole read and of each part; the store is opened once (the page reads it warm)."""
    store = open_store(home_store(households))
    try:
        read_home(store)  # the first read of a process fills the page cache; the benchmark times refreshes
        totals, cpu = [], []
        for _ in range(repeat):
            t, c = time.perf_counter(), time.process_time()
            data = read_home(store)
            totals.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)  # less moved by other work on the machine
        times: dict[str, list[float]] = {}
        for _ in range(repeat):
            with store.reading():
                for name, fn in parts(store).items():
                    t = time.perf_counter()
                    fn()
                    times.setdefault(name, []).append((time.perf_counter() - t) * 1000)
    finally:
        store.close()
    return {
        "households": households,
        "total": statistics.median(totals),
        "cpu": statistics.median(cpu),
        "parts": {k: statistics.median(v) for k, v in times.items()},
        "follow_ups": data["follow"][0],
        "overdue": data["late"][0],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    for n in args.sizes:
        r = measure(n, args.repeat)
        print(f"ホーム refresh at {n:,} households, median of {args.repeat} (ms): {r['total']:.1f} "
              f"(CPU time {r['cpu']:.1f}; {r['follow_ups']:,} follow-ups, {r['overdue']} overdue sheets)")  # fmt: skip
        for name, ms in r["parts"].items():
            print(f"  {name:<16} {ms:7.1f}")


if __name__ == "__main__":
    main()
