"""Demo stores for benchmarks, built once and cached in bench/cache/ (git-ignored)."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

from sqlalchemy import text  # noqa: E402

from app.services.households import demo  # noqa: E402
from app.services.store.store import DB_NAME, Store, connect  # noqa: E402

CACHE = ROOT / "bench" / "cache"
PASSPHRASE = "bench-passphrase"
SEED = 1
CASEWORK_KEY = "bench.casework"
CASEWORK_UNTIL = date(2026, 11, 22)  # fixed, so every run counts the same records
RESIDENT_KEY = "bench.resident_numbers"


def resident_number(person_id: int) -> str:
    """The 宛名番号 the cached stores give this person (every person whose id is not a multiple of 5)."""
    return f"{100_000_000_000 + person_id * 7:012d}"


def _give_resident_numbers(store: Store) -> None:
    # The demo has no 宛名番号; search by one needs some (the same numbers as resident_number()).
    with store.session() as s:
        s.execute(
            text(
                "UPDATE persons SET resident_number = printf('%012d', 100000000000 + id * 7) WHERE id % 5 != 0"
            )
        )
        s.commit()
    store.set_setting(RESIDENT_KEY, "1")


def demo_store(households: int) -> Path:
    """The folder of a cached demo store with this many households (built on first use)."""
    folder = CACHE / f"demo-{households}"
    if (folder / DB_NAME).exists():
        store = open_store(folder)
        if store.setting(CASEWORK_KEY) is None:  # a cache built before the demo had casework
            demo.populate_casework(store, seed=SEED, until=CASEWORK_UNTIL)
            store.set_setting(CASEWORK_KEY, "1")
        if store.setting(RESIDENT_KEY) is None:  # a cache built before the bench searched by 宛名番号
            _give_resident_numbers(store)
        store.close()
        return folder
    tmp = CACHE / f".building-{households}"
    if tmp.exists():
        import shutil

        shutil.rmtree(tmp)
    t = time.perf_counter()
    created = Store.create(tmp, passphrase=PASSPHRASE, town=demo.DEMO_TOWN)
    demo.populate(created.store, households=households, seed=SEED)
    demo.populate_casework(created.store, seed=SEED, until=CASEWORK_UNTIL)
    created.store.set_setting(CASEWORK_KEY, "1")
    _give_resident_numbers(created.store)
    created.store.close()
    tmp.rename(folder)
    print(
        f"  built demo store of {households:,} households in {time.perf_counter() - t:.1f} s", file=sys.stderr
    )
    return folder


def open_store(folder: Path) -> Store:
    return Store.open(folder, passphrase=PASSPHRASE)


def plain_copy(store: Store) -> Path:
    """An unencrypted SQLite copy of the store's database (sqlcipher_export), for baselines. Made anew
    each run, so it always has the same schema and data as the encrypted store beside it."""
    target = store.folder / "plain.sqlite"
    target.unlink(missing_ok=True)
    with contextlib.closing(connect(store.db_path, store._key())) as conn:
        conn.execute(f"ATTACH DATABASE '{target}' AS plaintext KEY ''")
        conn.execute("SELECT sqlcipher_export('plaintext')")
        conn.execute("DETACH DATABASE plaintext")
    return target
