"""Creating and printing one つなぐシート on a 10,000-household store (issue 7 target: < 300 ms).

.venv/bin/python -m bench.referral_print [--households 10000] [--repeat 9]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from app.services.catalog import print_catalog
from app.services.households import consents
from app.services.referrals import agencies, referrals
from bench.stores import demo_store, open_store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    store = open_store(demo_store(args.households))
    agency = agencies.save(store, {"name": "ベンチ用 地域包括支援センター", "support_meeting_member": True})
    create, printing = [], []
    warm = True
    for hid in range(1, args.repeat + 2):
        person = referrals.draft_outgoing(store, hid)["person_id"]
        consents.record(
            store,
            person,
            {"purpose": "referral", "method": "verbal", "consented_on": date.today(), "scope": "general"},
        )
        t = time.perf_counter()
        rid = referrals.create(store, hid, referrals.draft_outgoing(store, hid) | {"agency_id": agency})
        t1 = time.perf_counter()
        pdf = print_catalog.produce(store, "referral", print_catalog.Request(record_id=rid)).pdf
        t2 = time.perf_counter()
        if warm:  # the first print loads the fonts into ReportLab once per process
            warm = False
            first = (t2 - t1) * 1000
            continue
        create.append((t1 - t) * 1000)
        printing.append((t2 - t1) * 1000)
    store.close()
    total = [a + b for a, b in zip(create, printing, strict=True)]
    print(f"one つなぐシート on a {args.households:,}-household store, median of {len(total)} (ms)")
    print(f"  create (pre-filled from household and intake): {statistics.median(create):7.1f}")
    print(f"  print (gate, PDF with 返信票, audit):           {statistics.median(printing):7.1f}")
    print(
        f"  create + print:                                {statistics.median(total):7.1f}  (max {max(total):.1f})"
    )
    print(f"  first print in a process (font loading):       {first:7.1f}")
    print(f"  PDF size: {len(pdf):,} bytes")


if __name__ == "__main__":
    main()
