"""Backup and restore that never lose data: round trips and fault injection."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import keyring
import pytest

from app.services.common.errors import StoreCorrupt, WrongSecret
from app.services.households import demo
from app.services.store import backup, restore_journal
from app.services.store.backup import BackupFailed, BackupInvalid
from app.services.store.keyslots import FAST
from app.services.store.store import DB_NAME, Store, connect
from tests.conftest import PASSPHRASE, ROOT, MemoryKeyring, small_disk

NAME = "髙橋 﨑子"


@pytest.fixture
def town(created):
    store = created.store
    demo.populate(store, households=60, seed=2)
    from datetime import date

    from app.services.households import households

    hid = households.create_household(store, address="例示町1")
    households.add_member(
        store,
        hid,
        {"name": NAME, "kana": "たかはし さきこ", "birth_date": date(1950, 1, 1), "relation": "head"},
    )
    return created


def _dump(folder: Path, key: bytes) -> dict[str, list]:
    with contextlib.closing(connect(folder / DB_NAME, key)) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _same_data(before: dict, folder: Path, key: bytes) -> None:
    after = _dump(folder, key)
    for table, rows in before.items():
        # The restore adds its own entries after these (and notes, as a setting, the backup it came from).
        if table in ("audit_log", "media_log", "change_history", "settings"):
            assert after[table][: len(rows)] == rows, table
        else:
            assert after[table] == rows, table


def test_round_trip_on_a_new_pc_with_passphrase_and_with_recovery_key(town, tmp_path, memory_keyring):
    store = town.store
    usb = tmp_path / "usb"
    usb.mkdir()
    key = store._key()
    before = _dump(store.folder, key)
    result = backup.create_backup(store, usb, medium="USB-01")
    assert result.path.exists() and not list(usb.glob("*.partial"))
    assert NAME.encode() not in result.path.read_bytes() and "髙橋".encode() not in result.path.read_bytes()
    store.close()

    keyring.set_keyring(MemoryKeyring())  # a new PC: nothing in its keyring
    restored = backup.restore(result.path, tmp_path / "pc2", passphrase=PASSPHRASE)
    assert restored.actor == "tanaka"
    _same_data(before, restored.folder, restored._key())
    restored.close()
    Store.open(tmp_path / "pc2", passphrase=PASSPHRASE).close()  # bound to the new PC's keyring now

    keyring.set_keyring(MemoryKeyring())
    again = backup.restore(result.path, tmp_path / "pc3", recovery_key=town.recovery_key)
    _same_data(before, again.folder, again._key())
    logged = backup.media_log(again)
    assert logged[0].action == "restore" and logged[0].result == "ok"
    again.close()


def test_generations_are_kept_and_pruned(town, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    for _ in range(3):
        backup.create_backup(town.store, usb, generations=2)
        time.sleep(1.05)  # names carry the second
    assert len(list(usb.glob("*.tsbk"))) == 2
    log = backup.media_log(town.store)
    assert [e.action for e in log] == ["backup"] * 3 and all(
        e.result == "ok" and len(e.sha256) == 64 for e in log
    )


class FailingFile:
    """A destination that dies after ``limit`` bytes, as a stick pulled mid-write or a full disk."""

    def __init__(self, path, mode, limit, err):
        self.fh = open(path, mode)  # noqa: SIM115 (closed in __exit__, like a real file)
        self.limit, self.err, self.written = limit, err, 0

    def write(self, data):
        if self.written + len(data) > self.limit:
            raise OSError(self.err, os.strerror(self.err))
        self.written += len(data)
        return self.fh.write(data)

    def __getattr__(self, name):
        return getattr(self.fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()


@pytest.mark.parametrize(
    "err, words", [(errno.EIO, "媒体が抜かれていない"), (errno.ENOSPC, "空き容量が足りません")]
)
def test_failing_destination_leaves_everything_intact(town, tmp_path, err, words):
    store = town.store
    usb = tmp_path / "usb"
    usb.mkdir()
    earlier = backup.create_backup(store, usb).path
    earlier_hash = _digest(earlier)
    time.sleep(1.05)
    with pytest.raises(BackupFailed, match=words):
        backup.create_backup(store, usb, opener=lambda p, m: FailingFile(p, m, 200_000, err))
    assert sorted(usb.iterdir()) == [earlier] and _digest(earlier) == earlier_hash
    assert store.counts()["households"] == 61
    store.close()
    Store.open(store.folder, passphrase=PASSPHRASE).close()
    assert backup.check_only(earlier, passphrase=PASSPHRASE).counts["households"] == 61


def test_a_really_full_disk(town, tmp_path):
    if os.name == "nt":
        # Windows cannot mount one here: the Windows tier maps an empty 24 MiB drive, filled here, so the
        # full disk comes through the Windows API (ERROR_DISK_FULL).
        with contextlib.contextmanager(small_disk)(tmp_path) as usb:
            filler = usb / "filler"
            with contextlib.suppress(OSError), open(filler, "wb") as fh:  # closed inside the suppress
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
            with pytest.raises(BackupFailed, match="空き容量"):
                backup.create_backup(town.store, usb)
            assert [p.name for p in usb.iterdir()] == ["filler"]
        assert town.store.counts()["households"] == 61
        return
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the ENOSPC case above simulates it")
    usb = tmp_path / "tiny"
    usb.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(usb)], capture_output=True
    ).returncode:
        pytest.skip("tmpfs could not be mounted here")
    try:
        with pytest.raises(BackupFailed, match="空き容量"):
            backup.create_backup(town.store, usb)
        assert list(usb.iterdir()) == []
    finally:
        subprocess.run(["umount", str(usb)], check=False)
    assert town.store.counts()["households"] == 61


def test_killed_during_backup(town, tmp_path):
    store = town.store
    usb = tmp_path / "usb"
    usb.mkdir()
    earlier = backup.create_backup(store, usb).path
    earlier_hash = _digest(earlier)
    store.close()
    child = tmp_path / "child.py"
    child.write_text(
        "import sys, time, keyring\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from keyring.backends.fail import Keyring\n"
        "keyring.set_keyring(Keyring())\n"
        "from app.services.store import backup\nfrom app.services.store.store import Store\n"
        "class Slow:\n"
        "    def __init__(self, p, m): self.fh = open(p, m)\n"
        "    def write(self, d):\n"
        "        time.sleep(0.05)\n"
        "        return self.fh.write(d)\n"
        "    def __getattr__(self, n): return getattr(self.fh, n)\n"
        "    def __enter__(self): return self\n"
        "    def __exit__(self, *e): self.fh.close()\n"
        f"store = Store.open({str(store.folder)!r}, passphrase={PASSPHRASE!r})\n"
        f"backup.create_backup(store, {str(usb)!r}, opener=Slow)\n",
        encoding="utf-8",
    )
    time.sleep(1.05)
    proc = subprocess.Popen([sys.executable, str(child)])
    deadline = time.time() + 60
    while not list(usb.glob("*.partial")) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    assert _digest(earlier) == earlier_hash
    assert [p.name for p in usb.glob("*.tsbk")] == [earlier.name]  # no half file under a backup's name
    reopened = Store.open(store.folder, passphrase=PASSPHRASE)
    assert reopened.counts()["households"] == 61
    backup.create_backup(reopened, usb)  # the next backup clears the stray .partial
    assert not list(usb.glob("*.partial"))
    reopened.close()


def test_truncated_and_bit_flipped_files_are_refused_and_change_nothing(town, tmp_path):
    store = town.store
    usb = tmp_path / "usb"
    usb.mkdir()
    good = backup.create_backup(store, usb).path
    data = good.read_bytes()
    truncated = tmp_path / "truncated.tsbk"
    truncated.write_bytes(data[: len(data) // 2])
    flipped = tmp_path / "flipped.tsbk"
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0x40
    flipped.write_bytes(bytes(damaged))
    garbage = tmp_path / "notes.tsbk"
    garbage.write_text("これはバックアップではありません", encoding="utf-8")
    target = tmp_path / "other"
    shutil.copytree(store.folder, target)
    # (the lock file only says who has the folder open: copied from an open store, it differs from the start)
    snapshot = {p.name: _digest(p) for p in target.iterdir() if p.is_file() and p.name != "tsunagi.lock"}
    for bad, words in ((truncated, "切れているか、壊れて"), (flipped, "壊れて"), (garbage, "壊れて")):
        with pytest.raises(BackupInvalid, match=words):
            backup.check_only(bad, passphrase=PASSPHRASE)
        with pytest.raises(BackupInvalid):
            backup.restore(bad, target, passphrase=PASSPHRASE)
        assert {p.name: _digest(p) for p in target.iterdir() if p.is_file() and p.name != "tsunagi.lock"} == snapshot


def test_restore_interrupted_half_way_rolls_back(town, tmp_path):
    store = town.store
    usb = tmp_path / "usb"
    usb.mkdir()
    path = backup.create_backup(store, usb).path
    other = Store.create(tmp_path / "live", passphrase="別の町の合言葉", kdf=FAST)
    demo.populate(other.store, households=5, seed=9)
    other.store.close()

    def pulled_plug():
        raise KeyboardInterrupt  # the process stops between the two renames

    with pytest.raises(KeyboardInterrupt):
        backup.restore(path, tmp_path / "live", passphrase=PASSPHRASE, _before_swap=pulled_plug,
                       allow_other_store=True)  # fmt: skip
    assert (tmp_path / "live" / restore_journal.JOURNAL).exists()
    previous = Store.open(tmp_path / "live", passphrase="別の町の合言葉")  # rolled back on opening
    assert previous.counts()["households"] == 5 and not (tmp_path / "live" / restore_journal.JOURNAL).exists()
    previous.close()


def test_wrong_secret_and_newer_schema_change_nothing(town, tmp_path):
    store = town.store
    usb = tmp_path / "usb"
    usb.mkdir()
    path = backup.create_backup(store, usb).path
    with pytest.raises(WrongSecret):
        backup.restore(path, tmp_path / "x", passphrase="ちがう合言葉")
    assert not (tmp_path / "x" / DB_NAME).exists()
    newer = tmp_path / "newer.tsbk"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(newer, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == backup.MANIFEST:
                data = data.replace(b'"schema": "', b'"schema": "9999-')
            dst.writestr(item, data)
    with pytest.raises(BackupInvalid, match="新しい版"):
        backup.restore(newer, tmp_path / "y", passphrase=PASSPHRASE)
    assert not (tmp_path / "y" / DB_NAME).exists()


class CorruptingFile(FailingFile):
    """A stick that takes every byte and silently changes one (at an offset, or in the first write
    holding ``marker``): only reading it back can tell."""

    def __init__(self, path, mode, limit, marker=None):
        super().__init__(path, mode, limit, 0)
        self.marker, self.done = marker, False

    def write(self, data):
        at = None
        if self.marker is None and self.written <= self.limit < self.written + len(data):
            at = self.limit - self.written
        elif self.marker is not None and not self.done and self.marker in bytes(data):
            at = bytes(data).index(self.marker) + 2
        if at is not None:
            data = bytearray(data)
            data[at] ^= 0x01
            data, self.done = bytes(data), True
        self.written += len(data)
        return self.fh.write(data)


@pytest.mark.parametrize("marker", [None, b'"slots"', b'"db_sha256"'], ids=["database", "keys", "manifest"])
def test_a_stick_that_changes_what_was_written_is_caught_by_the_read_back(town, tmp_path, marker):
    store = town.store
    usb = tmp_path / "usb"
    usb.mkdir()
    earlier = backup.create_backup(store, usb).path
    earlier_hash = _digest(earlier)
    time.sleep(1.05)
    with pytest.raises(BackupFailed, match="読み戻したところ、書いた内容と一致しませんでした"):
        backup.create_backup(store, usb, opener=lambda p, m: CorruptingFile(p, m, 300_000, marker))
    assert sorted(usb.iterdir()) == [earlier] and _digest(earlier) == earlier_hash
    assert backup.media_log(store)[0].result == "failed"


def test_a_damaged_live_database_does_not_push_out_good_generations(town, tmp_path):
    store = town.store
    usb = tmp_path / "usb"
    usb.mkdir()
    earlier = backup.create_backup(store, usb, generations=1).path
    earlier_hash = _digest(earlier)
    key = store._key()
    with contextlib.closing(connect(store.db_path, key)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'persons'").fetchone()[0]
        page_size = int(conn.execute("PRAGMA cipher_page_size").fetchone()[0])
    store.engine.dispose()
    with open(store.db_path, "r+b") as fh:  # one flipped bit in the persons table, as a failing disk would
        fh.seek((root - 1) * page_size + 200)
        byte = fh.read(1)
        fh.seek(-1, os.SEEK_CUR)
        fh.write(bytes([byte[0] ^ 0x10]))
    time.sleep(1.05)
    with pytest.raises(BackupFailed, match="今のデータベース.*以前のバックアップはそのまま残っています"):
        backup.create_backup(store, usb, generations=1)
    assert sorted(usb.iterdir()) == [earlier] and _digest(earlier) == earlier_hash
    restored = backup.restore(earlier, tmp_path / "again", passphrase=PASSPHRASE)
    assert restored.counts()["households"] == 61
    restored.close()


def test_a_backup_waits_for_a_writer_and_then_says_clearly_why_it_stopped(town, tmp_path, monkeypatch):
    store = town.store
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(backup, "BUSY_MS", 50)
    writer = connect(store.db_path, store._key())
    writer.isolation_level = None
    writer.execute("BEGIN IMMEDIATE")  # another program in the middle of writing
    with pytest.raises(BackupFailed, match="書き込み中"):
        backup.create_backup(store, usb)
    assert list(usb.iterdir()) == []
    writer.execute("ROLLBACK")
    writer.close()
    assert backup.create_backup(store, usb).manifest.counts["households"] == 61


def test_a_stick_pulled_during_the_read_back_is_named_and_leaves_nothing(town, tmp_path, monkeypatch):
    store = town.store
    usb = tmp_path / "usb"
    usb.mkdir()

    def pulled(*_args, **_kw):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(backup, "_read_through", pulled)
    with pytest.raises(BackupFailed, match="読み戻せませんでした"):
        backup.create_backup(store, usb)
    assert list(usb.iterdir()) == []
    assert backup.media_log(store)[0].result == "failed"


def test_pruning_keeps_the_new_backup_and_leaves_other_stores_alone(town, tmp_path):
    store = town.store
    usb = tmp_path / "usb"
    usb.mkdir()
    other = Store.create(tmp_path / "other-town", passphrase="別の町の合言葉", kdf=FAST)
    theirs = backup.create_backup(other.store, usb).path
    other.store.close()
    ours = backup.create_backup(store, usb).path
    future = ours.with_name("tsunagi-20991231-000000.tsbk")  # made on a PC whose clock ran ahead
    ours.rename(future)
    (usb / "tsunagi-20000101-000000.tsbk").write_text("読めないファイル", encoding="utf-8")
    time.sleep(1.05)
    newest = backup.create_backup(store, usb, generations=1).path
    assert newest.exists() and not future.exists()
    assert theirs.exists() and (usb / "tsunagi-20000101-000000.tsbk").exists()


def test_a_journal_that_cannot_be_trusted_touches_nothing(town, tmp_path):
    folder = town.store.folder
    town.store.close()
    before = {p.name: _digest(p) for p in folder.iterdir() if p.is_file()}
    journal = folder / restore_journal.JOURNAL
    journal.write_text("", encoding="utf-8")  # cut short by a power failure
    with pytest.raises(StoreCorrupt, match="途中記録"):
        Store.open(folder, passphrase=PASSPHRASE)
    journal.write_text('{"safety": "safety/nowhere", "files": ["tsunagi.db"]}', encoding="utf-8")
    with pytest.raises(StoreCorrupt, match="そろっていない"):
        Store.open(folder, passphrase=PASSPHRASE)
    journal.unlink()
    assert {p.name: _digest(p) for p in folder.iterdir() if p.is_file()} == before
    Store.open(folder, passphrase=PASSPHRASE).close()
