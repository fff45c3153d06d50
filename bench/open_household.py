"""Opening one household (issue 25 target: ≤ 50 ms at 50,000 households).

Times what the household screen reads when it opens (app.ui.households.detail.HouseholdDetail.load: the
header and every tab, PlanTab included), as the same service calls in one snapshot, on households that
have casework (intakes, visits, notes, sheets, meetings) and on ones that have none. Beside it, in
separate lines: the audit row of the viewing (record_view, a write: timed on a small store of its own,
since it appends to the audit log and its cost does not depend on the number of households), and, with
--widgets, the whole screen built and filled offscreen (HouseholdDetail.load: reads and widgets).

    .venv/bin/python -m bench.open_household [--households 50000] [--repeat 5] [--widgets]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.stores import PASSPHRASE, demo_store, open_store

TODAY = date(2026, 11, 22)  # the demo's casework ends here (bench.stores.CASEWORK_UNTIL)


def sample(store, n: int = 12) -> list[int]:
    """Households to open: half with the most casework rows, half spread over the ids (most have none)."""
    from sqlalchemy import func, select

    from app.models import Household, Intake, Visit

    with store.session() as s:
        busy = s.scalars(
            select(Intake.household_id).group_by(Intake.household_id).order_by(func.count().desc(), Intake.household_id)
            .limit(n // 2)
        ).all()  # fmt: skip
        visited = s.scalars(
            select(Visit.household_id).group_by(Visit.household_id).order_by(func.count().desc(), Visit.household_id)
            .limit(n // 4)
        ).all()  # fmt: skip
        top = s.scalar(select(func.max(Household.id))) or 1
    spread = [1 + i * (top - 1) // max(1, n // 2 - 1) for i in range(n // 2)]
    return list(dict.fromkeys([*busy, *visited, *spread]))


def parts(store, household_id: int, today: date = TODAY) -> dict:
    """The service calls of HouseholdDetail._read and its tabs, in their order (each a callable)."""
    from app.services.flags import flag_review
    from app.services.households import consents, genogram, households
    from app.services.meetings import assessments, meetings, plans
    from app.services.outreach import outreach
    from app.services.records import stored
    from app.services.referrals import referrals

    held = {}

    def household():
        held["h"] = households.open_household(store, household_id)

    def intakes():
        held["intakes"] = households.intakes(store, household_id)

    def genogram_layout():
        # stored.to_record and genogram.layout are pure Python over the household already read
        rows = held["intakes"]
        client = rows[0].person.code if rows and rows[0].person else None
        genogram.layout(stored.to_record(held["h"]), today, client)

    return {
        "household": household,
        "intakes": intakes,
        "genogram": genogram_layout,
        "flags": lambda: flag_review.for_household(store, household_id, today),
        "sheets": lambda: (referrals.agency_names(store), referrals.listing(store, household_id=household_id)),
        "consents": lambda: consents.for_household(store, household_id),
        "timeline": lambda: outreach.timeline(store, household_id, None),
        "plans": lambda: (meetings.agency_names(store), assessments.versions(store, household_id),
                          plans.versions(store, household_id), meetings.for_household(store, household_id)),
        "history": lambda: (households.history(store, household_id), flag_review.history(store, household_id)),
    }  # fmt: skip


def _time_reads(store, ids: list[int], repeat: int) -> tuple[list[float], dict[str, list[float]]]:
    totals, each, cpu = [], {}, []
    for _ in range(repeat):
        for hid in ids:
            started, cpu_started = time.perf_counter(), time.process_time()
            with store.reading():  # the screen reads every tab in one snapshot
                for name, fn in parts(store, hid).items():
                    t = time.perf_counter()
                    fn()
                    each.setdefault(name, []).append((time.perf_counter() - t) * 1000)
            totals.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
    each["cpu"] = cpu  # this process's CPU time for the whole read: less moved by other work on the machine
    return totals, each


def _record_view(repeat: int) -> float:
    from app.services.households import demo, households
    from app.services.store.store import Store

    with tempfile.TemporaryDirectory(prefix="tsunagi-bench-view-") as tmp:
        store = Store.create(Path(tmp) / "store", passphrase=PASSPHRASE, town=demo.DEMO_TOWN).store
        try:
            demo.populate(store, households=repeat + 2, seed=1)
            times = []
            for i in range(repeat + 1):
                t = time.perf_counter()
                households.record_view(store, 1 + i)
                times.append((time.perf_counter() - t) * 1000)
        finally:
            store.close()
    return statistics.median(times[1:])


def _widgets(store, ids: list[int], repeat: int) -> float:
    """HouseholdDetail.load offscreen (reads and widgets; without its record_view, which is timed apart)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.services.households import households
    from app.ui.common.context import AppContext
    from app.ui.households.detail import HouseholdDetail

    app = QApplication.instance() or QApplication([])
    ctx = AppContext(Path(tempfile.gettempdir()), store=store, today=lambda: TODAY, quiet=True)
    detail = HouseholdDetail(ctx)
    real, households.record_view = households.record_view, lambda *_a: None
    try:
        times = []
        for _ in range(repeat):
            for hid in ids:
                t = time.perf_counter()
                detail.load(hid)
                app.processEvents()
                times.append((time.perf_counter() - t) * 1000)
    finally:
        households.record_view = real
        detail.deleteLater()
    return statistics.median(times)


def measure(households: int = 50_000, repeat: int = 5, widgets: bool = False) -> dict:
    store = open_store(demo_store(households))
    try:
        ids = sample(store)
        _time_reads(store, ids, 1)  # warm: the screen opens in a process that has read the store before
        totals, each = _time_reads(store, ids, repeat)
        cpu = each.pop("cpu")
        shown = _widgets(store, ids, max(1, repeat // 2)) if widgets else None
    finally:
        store.close()
    return {
        "households": households,
        "opened": len(ids),
        "median": statistics.median(totals),
        "p95": sorted(totals)[int(0.95 * (len(totals) - 1))],
        "cpu": statistics.median(cpu),
        "parts": {k: statistics.median(v) for k, v in each.items()},
        "worst": {k: max(v) for k, v in each.items()},
        "view": _record_view(repeat),
        "widgets": shown,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, nargs="+", default=[50_000])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--widgets", action="store_true", help="also build and fill the screen offscreen")
    args = ap.parse_args()
    for n in args.households:
        r = measure(n, args.repeat, args.widgets)
        print(f"opening a household at {n:,} households ({r['opened']} households × {args.repeat}), service reads "
              f"(ms): median {r['median']:.1f}, p95 {r['p95']:.1f}, CPU time median {r['cpu']:.1f}")  # fmt: skip
        for name, ms in r["parts"].items():
            print(f"  {name:<10} median {ms:6.1f}  worst {r['worst'][name]:6.1f}")
        print(f"  audit row of the viewing (record_view): {r['view']:.1f}")
        if r["widgets"] is not None:
            print(f"  whole screen offscreen (reads + widgets): {r['widgets']:.1f}")


if __name__ == "__main__":
    main()
