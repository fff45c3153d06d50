"""The restore's journal: before a restore swaps the store's files it copies them into safety/ and writes a
journal naming them; until the journal is removed, opening the data folder puts those files back. The store
calls this first thing when it opens, so a restore cut short by a crash or a pulled stick loses nothing."""

from __future__ import annotations

import json
from pathlib import Path

from app.models import now
from app.services.common.errors import StoreCorrupt
from app.services.common.fileio import atomic_write_bytes, copy_durably, fsync_dir, private_dir, remove_file
from app.services.store.layout import SAFETY_DIR, STORE_FILES

JOURNAL = "restore.pending"


def keep_current(data_dir: Path) -> Path:
    """Copy the current store into safety/ (each copy fsynced), then write the journal that names it.
    Returns the journal; until it is removed, opening the folder puts the copied files back."""
    files = [name for name in STORE_FILES if (data_dir / name).exists()]
    safety = None
    if files:
        safety = Path(SAFETY_DIR) / f"{now():%Y%m%d-%H%M%S}-before-restore"
        private_dir(data_dir / SAFETY_DIR)
        private_dir(data_dir / safety, exist_ok=False)
        for name in files:
            copy_durably(data_dir / name, data_dir / safety / name)
        fsync_dir(data_dir / safety)
    journal = data_dir / JOURNAL
    # Written whole or not at all: a half-written journal would point nowhere.
    atomic_write_bytes(journal, json.dumps({"safety": safety and safety.as_posix(), "files": files}).encode())
    return journal


def recover_interrupted_restore(data_dir: Path) -> bool:
    """A restore stopped between its renames: put the store back as it was. Returns whether it did.

    Nothing is deleted unless the journal reads and every file it names is in the safety folder."""
    data_dir = Path(data_dir)
    journal = data_dir / JOURNAL
    if not journal.exists():
        return False
    try:
        doc = json.loads(journal.read_text(encoding="utf-8"))
        safety = data_dir / doc["safety"] if doc["safety"] else None  # (older journals: absolute paths)
        files = doc.get("files")
        if files is None:
            files = [item.name for item in safety.iterdir()] if safety else []
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise StoreCorrupt(
            f"前回の復元の途中記録（{JOURNAL}）が読めません。データには手を付けていません。"
            f"{SAFETY_DIR} フォルダの退避データを確かめてください"
        ) from exc
    if safety is not None and not all((safety / name).is_file() for name in files):
        raise StoreCorrupt(
            f"前回の復元で退避したデータ（{safety}）がそろっていないため、元に戻せません。データには手を付けていません"
        )
    for name in STORE_FILES:
        remove_file(data_dir / name)
    for name in files:
        copy_durably(safety / name, data_dir / name)
    fsync_dir(data_dir)
    remove_file(journal, missing_ok=False)
    fsync_dir(data_dir)
    return True
