"""The GUI's demo store: casework for every part, so 統計 is non-zero for the current 年度."""

from __future__ import annotations

import time
from datetime import date

from app.services.program import demo as programme_demo
from app.services.program import program_plan
from app.services.statistics import statistics

TODAY = date(2026, 12, 1)  # 令和8年度


def test_the_demo_counts_for_the_current_fiscal_year(store):
    started = time.perf_counter()
    programme_demo.create_demo(store, households=300, seed=1, today=TODAY)
    print(f"create_demo(300): {time.perf_counter() - started:.1f} s")
    r = statistics.compute(store, statistics.Period.of(2026), TODAY)
    assert r.value("summary", "相談受付件数（延べ）") > 0
    assert r.value("visit", "訪問（会えなかった訪問を含む延べ）") > 0
    assert r.value("participation", "参加支援の支援対象者数（実人数）") > 0
    assert r.value("community", "活動の回数") > 0
    assert sum(n for _l, n in r.section("household_size").rows) > 0
    assert program_plan.reminders(store, TODAY) is not None and program_plan.plans(store)
