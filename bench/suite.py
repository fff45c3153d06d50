"""The whole benchmark suite in one command (issue 13): every figure is the median of several runs and
stands next to a baseline measured in the same run. Prints one table and writes bench/RESULTS.md.

    .venv/bin/python -m bench [--sizes 1000 10000 50000] [--repeat 5] [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bench.stores import CACHE, ROOT, demo_store, open_store

RESULTS = ROOT / "bench" / "RESULTS.md"
BACKUP_SIZE = 20_000  # households: a ~100 MB store, the size issue 11 names
TODAY = date(2026, 11, 22)


@dataclass
class Line:
    what: str
    figure: str
    baseline: str = ""
    target: str = ""
    verdict: str = ""  # 達成 / 未達 / "" (no target)


def med(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


# --- start-up -----------------------------------------------------------------------------------------


def _probe(args: list[str]) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    out = subprocess.run([sys.executable, "-m", "bench.probe", *args, str(time.time())], capture_output=True, text=True,
                         cwd=ROOT, env=env, check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def startup(repeat: int) -> list[Line]:
    """The sign-in window against a bare PySide6 window, both measured at their first paint (bench/probe.py),
    run in turns so that both meet the same load of the machine."""
    import compileall

    folder = demo_store(1_000)
    # From bytecode, as installed (the bundle ships it): a checkout run with PYTHONDONTWRITEBYTECODE would
    # otherwise compile every module it changed at each start.
    compileall.compile_dir(ROOT / "app", quiet=1)
    app, bare = [], []
    for _ in range(repeat):
        app.append(_probe(["app", str(folder)]))
        bare.append(_probe(["bare"]))
    a, b = statistics.median(x["seconds"] for x in app), statistics.median(x["seconds"] for x in bare)
    am, bm = statistics.median(x["peak_mib"] for x in app), statistics.median(x["peak_mib"] for x in bare)
    ac, bc = statistics.median(x["cpu_seconds"] for x in app), statistics.median(x["cpu_seconds"] for x in bare)
    loaded = sorted({m for x in app for m in x["loaded"]})
    ready = [x["ready_seconds"] for x in app if x.get("ready_seconds") is not None]
    ready_mib = statistics.median(x["ready_peak_mib"] for x in app)
    stall = statistics.median(x["longest_stall_ms"] for x in app)
    return [
        Line("cold start to the sign-in window (painted)", f"{a:.2f} s (CPU {ac:.2f} s)",
             f"bare PySide6 window {b:.2f} s (CPU {bc:.2f} s)", "≤ 1.5× bare", f"{verdict(a <= 1.5 * b)} ({a / b:.2f}×)"),
        Line("peak memory at the sign-in window", f"{am:.0f} MiB", f"bare PySide6 window {bm:.0f} MiB",
             "≤ 1.5× bare", f"{verdict(am <= 1.5 * bm)} ({am / bm:.2f}×)"),
        Line("loaded at the sign-in window", ", ".join(loaded) or "none of the store layer", "",
             "no store layer, ReportLab or openpyxl", verdict(not loaded)),
        Line("signed-in screen ready behind the sign-in window (store layer, pages, screen)",
             f"{statistics.median(ready):.2f} s" if len(ready) == len(app) else "NOT ready within 120 s",
             f"peak memory then {ready_mib:.0f} MiB; longest the window could not answer meanwhile {stall:.0f} ms"),
    ]  # fmt: skip


def unlock_and_list(n: int, repeat: int) -> Line:
    from app.services.households import search

    folder = demo_store(n)

    def once():
        store = open_store(folder)
        with store.session() as s:  # what the 世帯 page shows first (its count comes on the next turn)
            search.rows(s, search.first_ids(s, "", search.FIRST_ROWS)[0])
        store.close()

    return Line(f"unlock + first household list ({n:,})", f"{med(once, repeat):.2f} s", "", "")


# --- per store size --------------------------------------------------------------------------------------


def per_size(sizes: list[int], repeat: int) -> tuple[list[Line], dict]:
    from bench import flags_eval, search_latency, statistics_time

    lines, growth = [], {}
    searched = search_latency.run(sizes, repeat)
    target = f"p95 ≤ {search_latency.TARGET_MS:.0f} ms (each query class)"
    for r in searched:
        n, classes = r["households"], r["by_class"]
        slowest = max(search_latency.CLASSES, key=lambda c: classes[c][1])
        lines.append(Line(f"search p50 / p95, every class ({n:,})", f"{r['enc_p50']:.1f} / {r['enc_p95']:.1f} ms",
                          f"plain SQLite {r['plain_p50']:.1f} / {r['plain_p95']:.1f} ms", target if n == 50_000 else "",
                          f"{verdict(search_latency.classes_met(r))} (slowest: {slowest} {classes[slowest][1]:.1f} ms)"
                          if n == 50_000 else ""))  # fmt: skip
        if n == 50_000:
            lines.append(Line("search p95 by query class (50,000)",
                              ", ".join(f"{c} {classes[c][1]:.1f}" for c in search_latency.CLASSES) + " ms",
                              f"no query (every household, not a search) {classes[search_latency.ALL][1]:.1f} ms"))  # fmt: skip
    growth["search p95"] = [r["enc_p95"] for r in searched]
    flagged = [flags_eval.measure(n, max(1, repeat // 2)) for n in sizes]
    for r in flagged:
        n = r["households"]
        lines.append(Line(f"daily flag refresh, day to day: only people whose age crossed a threshold ({n:,})",
                          f"{r['incremental'] * 1000:.1f} ms (≈{r['incremental_households']:.0f} households a day)",
                          f"full re-evaluation {r['refresh']:.2f} s (read {r['load']:.2f} s, rules {r['rules']:.2f} s)",
                          "≤ 50 ms at 50,000" if n == 50_000 else "",
                          verdict(r["incremental"] <= 0.050) if n == 50_000 else ""))  # fmt: skip
    growth["daily flag refresh, day to day"] = [r["incremental"] for r in flagged]
    growth["flag refresh, every household"] = [r["refresh"] for r in flagged]
    stats = [statistics_time.measure(n, repeat) for n in sizes]
    for r in stats:
        lines.append(Line(f"statistics of a fiscal year ({r['households']:,})", f"{r['stats']:.3f} s",
                          f"plain SQLite {r['plain']:.3f} s", "50,000 < 2 s" if r["households"] == 50_000 else "",
                          verdict(r["stats"] < 2) if r["households"] == 50_000 else ""))  # fmt: skip
    growth["statistics"] = [r["stats"] for r in stats]
    return lines, growth


def home_and_household(sizes: list[int], repeat: int) -> tuple[list[Line], dict]:
    """ホーム's refresh (its own read, bench.home_todos) and opening a household (the household screen's
    service reads, bench.open_household) at every size; issue 25's targets at 10,000 and 50,000."""
    from bench import home_todos, open_household

    lines, growth = [], {}
    homes = [home_todos.measure(n, repeat) for n in sizes]
    for r in homes:
        n, target = r["households"], r["households"] == 10_000
        slowest = max(r["parts"], key=r["parts"].get)
        lines.append(Line(f"ホーム refresh: to-dos and counts ({n:,})", f"{r['total']:.0f} ms (CPU {r['cpu']:.0f})",
                          f"slowest part: {slowest} {r['parts'][slowest]:.0f} ms", "≤ 50 ms" if target else "",
                          verdict(r["total"] <= 50) if target else ""))  # fmt: skip
    growth["ホーム refresh"] = [r["total"] for r in homes]
    opened = [open_household.measure(n, repeat) for n in sizes]
    for r in opened:
        n, target = r["households"], r["households"] == 50_000
        lines.append(Line(f"opening a household: the screen's service reads ({n:,}; {r['opened']} households)",
                          f"{r['median']:.0f} ms (p95 {r['p95']:.0f}, CPU {r['cpu']:.0f})",
                          f"audit row of the viewing {r['view']:.0f} ms",
                          "≤ 50 ms" if target else "", verdict(r["median"] <= 50) if target else ""))  # fmt: skip
    growth["opening a household"] = [r["median"] for r in opened]
    return lines, growth


def sign_in(n: int, repeat: int) -> Line:
    """Open the store with the passphrase, the first-of-the-day flag refresh and ホーム's read (bench.sign_in)."""
    from bench import sign_in as bench_sign_in

    r = bench_sign_in.measure(n, repeat)
    return Line(f"sign-in to a usable ホーム, service level ({n:,})", f"{r['total']:.0f} ms",
                f"Argon2id alone {r['argon2id']:.0f} ms (open {r['open']:.0f}, refresh {r['refresh']:.0f}, "
                f"ホーム {r['home']:.0f})", f"≤ Argon2id + {bench_sign_in.TARGET_MS} ms",
                f"{verdict(r['met'])} (+{r['over']:.0f} ms)")  # fmt: skip


def referral_create_print(n: int, repeat: int) -> Line:
    """Create and print one つなぐシート (issue 7 target on 10,000 households: < 300 ms)."""
    from app.services.catalog import print_catalog
    from app.services.households import consents
    from app.services.referrals import agencies, referrals

    folder = demo_store(n)
    work = Path(tempfile.mkdtemp(prefix="tsunagi-bench-sheet-"))
    shutil.copytree(folder, work / "store")
    store = open_store(work / "store")
    try:
        agency = agencies.save(store, {"name": "ベンチ用 地域包括支援センター"})
        times = []
        for hid in range(1, repeat + 2):
            person = referrals.draft_outgoing(store, hid)["person_id"]
            consents.record(store, person, {"purpose": "referral", "method": "verbal", "consented_on": date.today(),
                                            "scope": "general"})  # fmt: skip
            t = time.perf_counter()
            rid = referrals.create(store, hid, referrals.draft_outgoing(store, hid) | {"agency_id": agency})
            print_catalog.produce(store, "referral", print_catalog.Request(record_id=rid))
            times.append(time.perf_counter() - t)
        t = statistics.median(times[1:])  # the first print of a process loads the fonts
    finally:
        store.close()
        shutil.rmtree(work, ignore_errors=True)
    return Line(f"create + print one つなぐシート ({n:,})", f"{t * 1000:.0f} ms", f"first in a process {times[0] * 1000:.0f} ms",
                "< 300 ms", verdict(t < 0.3))  # fmt: skip


# --- printed forms -----------------------------------------------------------------------------------------


def forms(n: int, repeat: int) -> list[Line]:
    from app.services.catalog import print_catalog
    from app.services.households import consents, household_forms, households
    from app.services.outreach import outreach, outreach_forms
    from app.services.printing import printing
    from app.services.referrals import agencies, referrals
    from app.services.statistics import statistics as stats
    from app.services.statistics import statistics_forms

    folder = demo_store(n)
    work = Path(tempfile.mkdtemp(prefix="tsunagi-bench-forms-"))
    shutil.copytree(folder, work / "store")
    store = open_store(work / "store")
    try:
        context = printing.form_context(store)
        with store.session() as s:
            from sqlalchemy import select

            from app.models import Intake

            hid = s.scalar(select(Intake.household_id).order_by(Intake.id))
        household = households.open_household(store, hid)
        intake = households.latest_intake(store, hid)
        agency = agencies.save(store, {"name": "ベンチ用 地域包括支援センター"})
        person = referrals.draft_outgoing(store, hid)["person_id"]
        consents.record(store, person, {"purpose": "referral", "method": "verbal", "consented_on": date.today(),
                                        "scope": "general"})  # fmt: skip
        rid = referrals.create(store, hid, referrals.draft_outgoing(store, hid) | {"agency_id": agency})
        report = stats.compute(store, stats.Period.of(2025), TODAY)
        entries = outreach.timeline(store, hid)
        household_forms.face_sheet(context, household)  # fonts load once per process; not counted
        makers = {
            "つなぐシート": lambda: print_catalog.produce(store, "referral", print_catalog.Request(record_id=rid)),
            "世帯票": lambda: household_forms.face_sheet(context, household, latest=intake),
            "相談受付票": lambda: household_forms.intake_sheet(context, household, intake),
            "経過一覧": lambda: outreach_forms.timeline_sheet(context, household, entries),
            "統計レポート": lambda: statistics_forms.report_sheet(context, report),
        }
        return [
            Line(f"PDF: {name} ({n:,})", f"{med(make, repeat) * 1000:.0f} ms")
            for name, make in makers.items()
        ]
    finally:
        store.close()
        shutil.rmtree(work, ignore_errors=True)


# --- backup and restore ---------------------------------------------------------------------------------


def backup_restore(n: int, repeat: int) -> list[Line]:
    """Issue 25: a verified backup ≤ 1.2× what it cannot skip (copy + fsync + the two integrity checks run
    alone), a restore ≤ 1.2× that + Argon2id; the plain copy stays beside them."""
    from bench.backup_restore import BACKUP_RATIO, RESTORE_RATIO, measure

    f = measure(n, repeat)
    base = f"file copy + fsync {f.copy:.2f} s"
    return [
        Line(f"backup of the {n:,}-household store ({f.size / 2**20:.0f} MB), verified", f"{f.backup:.2f} s",
             f"{base}; + integrity checks alone {f.backup_floor:.2f} s", f"≤ {BACKUP_RATIO}× copy + checks",
             f"{verdict(f.backup_met)} ({f.backup / f.backup_floor:.2f}×; {f.backup / f.copy:.1f}× the copy)"),
        Line("restore of that backup (unlock, verify, swap, open)", f"{f.restore:.2f} s",
             f"{base}; + checks + Argon2id {f.restore_floor:.2f} s", f"≤ {RESTORE_RATIO}× copy + checks + Argon2id",
             f"{verdict(f.restore_met)} ({f.restore / f.restore_floor:.2f}×; {f.restore / f.copy:.1f}× the copy)"),
        Line("of which: cipher_integrity_check + integrity_check", f"{f.checks:.2f} s", base, "—",
             f"{f.checks / f.copy:.1f}× the copy by itself"),
        Line("of which (restore): Argon2id unlock", f"{f.unlock:.2f} s", base, "—",
             f"{f.unlock / f.copy:.1f}× the copy by itself"),
    ]  # fmt: skip


# --- the report ------------------------------------------------------------------------------------------


def machine() -> str:
    mem = ""
    with contextlib.suppress(OSError):
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        mem = f", {kib / 2**20:.1f} GiB RAM"
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, StopIteration):
        cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(line for line in cpuinfo if line.startswith("model name")).split(":", 1)[1].strip()
    return f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs{mem}, Python {platform.python_version()}"


def table(lines: list[Line]) -> str:
    rows = ["| what | figure (median) | baseline, same run | target | verdict |", "|---|---|---|---|---|"]
    rows += [f"| {x.what} | {x.figure} | {x.baseline} | {x.target} | {x.verdict} |" for x in lines]
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = ap.parse_args()
    started = time.perf_counter()
    CACHE.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        demo_store(n)  # built once, cached in bench/cache
    lines = startup(args.repeat)
    lines.append(unlock_and_list(args.sizes[-1], args.repeat))
    sized, growth = per_size(args.sizes, args.repeat)
    lines += sized
    mid = 10_000 if 10_000 in args.sizes else args.sizes[0]
    shown, grown = home_and_household(args.sizes, args.repeat)
    lines += shown
    growth.update(grown)
    lines.append(sign_in(mid, args.repeat))
    lines.append(referral_create_print(mid, args.repeat * 2))
    lines += forms(mid, args.repeat * 2)
    lines += backup_restore(BACKUP_SIZE, max(3, args.repeat // 2))  # the issue's ~100 MB store
    a, b = args.sizes[0], args.sizes[-1]
    grow = [f"- {name}: ×{values[-1] / values[0]:.1f} for ×{b / a:.0f} households ({a:,} → {b:,})"
            for name, values in growth.items() if values[0] > 0]  # fmt: skip
    elapsed = time.perf_counter() - started
    text = "\n".join([
        "# Benchmark results", "",
        f"Run {datetime.now():%Y-%m-%d %H:%M} on {machine()}.",
        f"Command: `.venv/bin/python -m bench` (sizes {', '.join(f'{n:,}' for n in args.sizes)}; median of "
        f"{args.repeat} runs unless noted); the whole suite took {elapsed / 60:.1f} minutes.", "",
        table(lines), "", "Growth from the smallest to the largest store (a cost growing faster than the data shows here):",
        *grow, "",
    ])  # fmt: skip
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")
        print(f"written: {RESULTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
