"""Guessing is slowed for everyone and survives restarts; what goes wrong is named rightly (issue 19):
a tampered KDF cost, a damaged key file, another store's key file or backup, a full disk, a hostile
manifest."""

from __future__ import annotations

import json
import random
import shutil
import time
import zipfile
from pathlib import Path

import pytest
import sqlcipher3

from app.services.common.errors import KeyFileDamaged, KeyFileMismatch, StoreCorrupt, WrongSecret
from app.services.store import attempts, backup, diagnosis
from app.services.store.attempts import TooManyAttempts
from app.services.store.keyslots import FAST, KeyFile
from app.services.store.store import DB_NAME, KEYS_NAME, Store
from tests.conftest import PASSPHRASE, run_cli, small_disk

ENV = {"TSUNAGI_PASSPHRASE": PASSPHRASE}


def _fail(folder: Path, times: int) -> None:
    for _ in range(times):
        with pytest.raises(WrongSecret):
            Store.open(folder, passphrase="ちがう合言葉", user="tanaka")


# --- guessing -----------------------------------------------------------------------------------------


def test_failures_survive_a_restart_and_slow_the_cli_and_the_api(no_keyring, tmp_path, monkeypatch):
    folder = tmp_path / "store"
    created = Store.create(folder, passphrase=PASSPHRASE, user="tanaka", kdf=FAST)
    created.store.close()
    monkeypatch.setattr(attempts, "BASE_S", 60.0)
    _fail(folder, attempts.FREE - 1)  # typos are free
    assert attempts.status(folder).wait_s == 0
    with pytest.raises(WrongSecret, match="秒後から試せます"):
        Store.open(folder, passphrase="まだちがう", user="tanaka")
    assert 0 < attempts.status(folder).wait_s <= 60
    # Even the right passphrase waits, without an Argon2 run: nothing is checked during the wait.
    with pytest.raises(TooManyAttempts, match="お待ちください"):
        Store.open(folder, passphrase=PASSPHRASE, user="tanaka")
    assert attempts.status(folder).failures == attempts.FREE  # a refused try is not a failure
    # A new process (a restart, or the CLI) sees the same count.
    done = run_cli("export", data_dir=folder, env=ENV)
    assert done.returncode == 1 and "お待ちください" in done.stderr
    # The recovery key is never made to wait, and a success resets the count.
    recovered = Store.open(folder, recovery_key=created.recovery_key)
    recovered.close()
    assert not (folder / attempts.ATTEMPTS_NAME).exists()
    Store.open(folder, passphrase=PASSPHRASE, user="tanaka").close()


def test_the_wait_grows_but_never_locks_anyone_out_for_good(store_dir, monkeypatch):
    assert [attempts.delay_for(n) for n in range(attempts.FREE)] == [0.0] * attempts.FREE
    waits = [attempts.delay_for(n) for n in range(attempts.FREE, attempts.FREE + 12)]
    assert waits == sorted(waits) and waits[0] == attempts.BASE_S and max(waits) == attempts.MAX_WAIT_S == 300
    assert attempts.delay_for(10**6) == 300
    # A clock that jumped back cannot turn the wait into days.
    store_dir.mkdir(parents=True, exist_ok=True)
    far = {"store_id": "x", "failures": 99, "not_before": time.time() + 10**7}
    (store_dir / attempts.ATTEMPTS_NAME).write_text(json.dumps(far), encoding="utf-8")
    assert attempts.status(store_dir, "x").wait_s == attempts.MAX_WAIT_S


# --- the key file ----------------------------------------------------------------------------------


def _tamper(keys: Path, change) -> None:
    doc = json.loads(keys.read_text(encoding="utf-8"))
    change(doc)
    keys.write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize(
    "field, value",
    [("iterations", 2_000_000_000), ("iterations", 2e9), ("memory_kib", 2**31), ("lanes", 0), ("memory_kib", "8192")],
)
def test_a_kdf_cost_outside_the_apps_range_is_refused_before_any_work(store, store_dir, field, value):
    store.close()
    keys = store_dir / KEYS_NAME

    def change(doc):
        for slot in doc["slots"]:
            if slot["kind"] == "passphrase":
                slot["kdf"][field] = value

    _tamper(keys, change)
    with pytest.raises(KeyFileDamaged, match="範囲") as refused:
        Store.open(store_dir, passphrase=PASSPHRASE)  # would freeze for minutes if it were tried
    assert "パスフレーズが違います" not in str(refused.value)
    assert attempts.status(store_dir).failures == 0


def test_150_bit_flips_never_blame_the_right_passphrase(store, store_dir):
    store.add_user("sato", "佐藤さんの合言葉", kdf=FAST)
    store.close()
    keys = store_dir / KEYS_NAME
    original = keys.read_bytes()
    rng = random.Random(150)
    outcomes = {"opened": 0, "damaged": 0}
    for n in range(150):
        data = bytearray(original)
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        keys.write_bytes(bytes(data))
        try:
            Store.open(store_dir, passphrase=PASSPHRASE, user="tanaka" if n % 2 else None).close()
            outcomes["opened"] += 1
        except WrongSecret as exc:
            pytest.fail(f"flip {n}: the right passphrase was called wrong: {exc}")
        except StoreCorrupt as exc:
            assert "壊れて" in str(exc) or "範囲" in str(exc), exc
            outcomes["damaged"] += 1
        keys.write_bytes(original)
    # Flips in what this sign-in does not use (another user's slot, the recovery slot, the portable copies)
    # let it open; every other one is called damage. Not one is called a wrong passphrase.
    assert outcomes["damaged"] > 50 and outcomes["opened"] > 20 and sum(outcomes.values()) == 150
    assert attempts.status(store_dir).failures == 0  # damage is not guessing
    Store.open(store_dir, passphrase=PASSPHRASE).close()


def test_a_damaged_slot_is_told_apart_from_a_wrong_passphrase_and_the_recovery_key_still_opens(created, store_dir):
    created.store.close()
    keys = store_dir / KEYS_NAME

    def flip_wrapped(doc):
        slot = next(s for s in doc["slots"] if s["kind"] == "passphrase")
        wrapped = slot["wrapped"]
        slot["wrapped"] = ("B" if wrapped[0] != "B" else "C") + wrapped[1:]

    _tamper(keys, flip_wrapped)
    with pytest.raises(KeyFileDamaged, match="パスフレーズの誤りではありません"):
        Store.open(store_dir, passphrase=PASSPHRASE, user="tanaka")
    with pytest.raises(KeyFileDamaged):
        Store.open(store_dir, passphrase="本当に違う", user="tanaka")  # (the slot cannot tell either way)
    recovered = Store.open(store_dir, recovery_key=created.recovery_key)
    recovered.set_passphrase("tanaka", "新しい合言葉", kdf=FAST)
    recovered.close()
    Store.open(store_dir, passphrase="新しい合言葉", user="tanaka").close()


def test_a_key_file_of_another_store_says_so(store, store_dir, tmp_path):
    store.close()
    recorded = json.loads((store_dir / KEYS_NAME).read_text(encoding="utf-8"))["db_salt"]
    assert recorded == (store_dir / DB_NAME).read_bytes()[:16].hex()
    other = Store.create(tmp_path / "other", passphrase=PASSPHRASE, user="tanaka", kdf=FAST)
    other.store.close()
    shutil.copy(tmp_path / "other" / KEYS_NAME, store_dir / KEYS_NAME)  # same passphrase, another town
    with pytest.raises(KeyFileMismatch, match="別のデータの鍵ファイル") as wrong:
        Store.open(store_dir, passphrase=PASSPHRASE, user="tanaka")
    assert "データベースは壊れていません" in str(wrong.value) and "復元してください" not in str(wrong.value)


# --- backups of another store and what their manifests may say ------------------------------------


def _backup(store: Store, usb: Path) -> Path:
    usb.mkdir(exist_ok=True)
    return backup.create_backup(store, usb).path


def test_a_backup_of_another_store_needs_an_explicit_yes(no_keyring, tmp_path):
    ours = Store.create(tmp_path / "ours", passphrase=PASSPHRASE, user="tanaka", town="うちの町", kdf=FAST).store
    theirs = Store.create(tmp_path / "theirs", passphrase=PASSPHRASE, user="tanaka", town="隣の町", kdf=FAST).store
    foreign = _backup(theirs, tmp_path / "usb")
    theirs.close()
    ours.close()
    before = (tmp_path / "ours" / DB_NAME).read_bytes()
    with pytest.raises(backup.OtherStoreBackup, match="別のデータ") as refused:
        backup.restore(foreign, tmp_path / "ours", passphrase=PASSPHRASE)
    assert refused.value.exit_code == 2 and "隣の町" in str(refused.value)
    assert (tmp_path / "ours" / DB_NAME).read_bytes() == before
    done = run_cli("restore", "--from", str(foreign), data_dir=tmp_path / "ours", env=ENV)
    assert done.returncode == 2 and "--allow-other-store" in done.stderr
    assert (tmp_path / "ours" / DB_NAME).read_bytes() == before
    done = run_cli("restore", "--from", str(foreign), "--allow-other-store", data_dir=tmp_path / "ours", env=ENV)
    assert done.returncode == 0, done.stderr
    restored = Store.open(tmp_path / "ours", passphrase=PASSPHRASE)
    assert restored.setting("town.name") == "隣の町"
    restored.close()


def test_text_from_a_manifest_is_made_safe_before_it_is_shown(no_keyring, tmp_path):
    store = Store.create(tmp_path / "s", passphrase=PASSPHRASE, user="tanaka", town="例示町", kdf=FAST).store
    made = _backup(store, tmp_path / "usb")
    store.close()
    hostile = tmp_path / "hostile.tsbk"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(hostile, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == backup.MANIFEST:
                doc = json.loads(data)
                doc["town"] = "\x1b[2J\x1b]0;pwned\x07例示町\u202eevil\r\n偽の行"
                doc["app_version"] = "\x1b[31m9.9"
                data = json.dumps(doc).encode()
            dst.writestr(item, data)
    summary = backup.read_manifest(hostile).summary()
    assert not any(ch in summary for ch in "\x1b\x07\u202e\r\n") and "例示町" in summary
    done = run_cli("restore", "--from", str(hostile), data_dir=tmp_path / "new", env=ENV)
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr and "\u202e" not in done.stderr
    assert diagnosis.display_text("a" * 500, 10) == "a" * 10 + "…"
    assert diagnosis.display_text("\ud800名前") == "?名前"  # a lone surrogate


# --- a full disk is a full disk -------------------------------------------------------------------


def test_a_full_disk_is_named_and_never_called_damage():
    full = sqlcipher3.dbapi2.OperationalError("database or disk is full")
    explained = diagnosis.explain(full, Path("."))
    assert isinstance(explained, diagnosis.DiskFull)
    assert "空き容量" in str(explained) and "壊れていません" in str(explained)
    assert "復元する必要はありません" in str(explained)
    assert diagnosis.explain(OSError(28, "No space left on device", "/x/y"), Path(".")) is not None
    assert diagnosis.explain(ValueError("something else")) is None


@pytest.fixture
def tiny_disk(tmp_path):
    """A real, small tmpfs (needs root). Filled with ``fill``; freed by removing the filler."""
    # A 24 MiB tmpfs here, or the Windows tier's 24 MiB drive under Wine (tests/conftest.py).
    yield from small_disk(tmp_path)


def fill(mount: Path) -> Path:
    filler = mount / "filler"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    return filler


def test_a_really_full_disk_says_so_on_saving_and_on_opening(no_keyring, tiny_disk):
    folder = tiny_disk / "tsunagi"
    store = Store.create(folder, passphrase=PASSPHRASE, user="tanaka", town="例示町", kdf=FAST).store
    from app.services.store.store import connect

    with connect(store.db_path, store._key()) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the next write needs new space
    filler = fill(tiny_disk)
    with pytest.raises(diagnosis.DiskFull) as saving:
        store.set_setting("town.name", "新しい町" * 500)
    assert "空き容量" in str(saving.value) and "壊れています" not in str(saving.value)
    store.close()
    done = run_cli("export", data_dir=folder, env=ENV)
    assert done.returncode == 1 and "空き容量" in done.stderr, done.stderr
    assert "壊れています" not in done.stderr and "予期しない" not in done.stderr
    filler.unlink()
    reopened = Store.open(folder, passphrase=PASSPHRASE)
    assert reopened.setting("town.name") == "例示町"  # nothing half-saved
    reopened.close()
    KeyFile.load(folder / KEYS_NAME)  # the key file came through whole
