"""Backup and restore of a ~100 MB store, each next to a plain copy of the same database file in the
same run (issue 11 target: within 3× of the copy, verification included).

    .venv/bin/python -m bench.backup_restore [--households 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from app.services import backup
from app.services.store import DB_NAME
from bench.stores import PASSPHRASE, demo_store, open_store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    folder = demo_store(args.households)
    size = (folder / DB_NAME).stat().st_size
    copies, backups, restores, restore_copies = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="tsunagi-bench-") as tmp:
        tmp = Path(tmp)
        for i in range(args.repeat):
            usb = tmp / f"usb{i}"
            usb.mkdir()
            t = time.perf_counter()
            shutil.copyfile(folder / DB_NAME, usb / "plain-copy.db")
            copies.append(time.perf_counter() - t)
            store = open_store(folder)
            t = time.perf_counter()
            result = backup.create_backup(store, usb)
            backups.append(time.perf_counter() - t)
            store.close()
            t = time.perf_counter()
            shutil.copyfile(usb / "plain-copy.db", tmp / f"copy-back{i}.db")
            restore_copies.append(time.perf_counter() - t)
            t = time.perf_counter()
            restored = backup.restore(result.path, tmp / f"restored{i}", passphrase=PASSPHRASE)
            restores.append(time.perf_counter() - t)
            restored.close()
    b, c, r, rc = (statistics.median(x) for x in (backups, copies, restores, restore_copies))
    print(
        f"backup and restore of a {args.households:,}-household store ({size / 1e6:.0f} MB), median of {args.repeat} (s)"
    )
    print(f"  plain file copy of the database:        {c:6.2f}")
    print(f"  backup (snapshot, write, reopen, verify): {b:6.2f}   {b / c:4.1f}× the copy")
    print(f"  plain file copy back:                   {rc:6.2f}")
    print(f"  restore (verify, swap, open, unlock):   {r:6.2f}   {r / rc:4.1f}× the copy")


if __name__ == "__main__":
    main()
