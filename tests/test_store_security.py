"""The encrypted store and its key slots (issue acceptance: 髙橋 﨑子, wrong secrets, recovery, PC secret)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import select

from app.models import Household, Person
from app.services.common.errors import KeyFileMissing, PcSecretMissing, StoreCorrupt, WrongSecret
from app.services.store import audit
from app.services.store.keyslots import FAST, KEYRING_SERVICE, parse_recovery_key
from app.services.store.store import DB_NAME, KEYS_NAME, Store, connect
from tests.conftest import PASSPHRASE

NAME = "髙橋 﨑子"


def _add_household(store: Store, code: str = "H-0001", name: str = NAME) -> None:
    with store.session() as s:
        h = Household(code=code, address="鳥取県例示町1-1")
        h.members.append(Person(code="m1", name=name, kana="たかはし さきこ", birth_date=date(1948, 3, 3)))
        s.add(h)
        s.commit()


def _open(store_dir, **kw) -> Store:
    return Store.open(store_dir, **kw)


def test_name_is_never_in_the_file_in_clear(store, store_dir):
    _add_household(store)
    store.close()
    raw = b"".join(p.read_bytes() for p in store_dir.iterdir() if p.is_file())
    for needle in (NAME, "髙橋", "﨑子", "たかはし"):
        assert needle.encode("utf-8") not in raw
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(store_dir / DB_NAME).execute("SELECT * FROM sqlite_master").fetchall()


def test_right_passphrase_opens_and_finds_the_name(store, store_dir):
    _add_household(store)
    store.close()
    reopened = _open(store_dir, passphrase=PASSPHRASE)
    with reopened.session() as s:
        assert s.scalar(select(Person.name)) == NAME  # exactly as typed, 異体字 intact
    reopened.close()


def test_three_failures_give_three_different_japanese_messages(store, store_dir):
    _add_household(store)
    store.close()
    with pytest.raises(WrongSecret) as wrong:
        _open(store_dir, passphrase="ちがう")

    keys = store_dir / KEYS_NAME
    saved = keys.read_bytes()
    keys.unlink()
    with pytest.raises(KeyFileMissing) as missing:
        _open(store_dir, passphrase=PASSPHRASE)
    keys.write_bytes(saved)

    db = store_dir / DB_NAME
    data = bytearray(db.read_bytes())
    for i in range(100, 400):  # damage page 1, past SQLCipher's salt
        data[i] ^= 0xFF
    db.write_bytes(bytes(data))
    with pytest.raises(StoreCorrupt) as corrupt:
        _open(store_dir, passphrase=PASSPHRASE)

    messages = {str(wrong.value), str(missing.value), str(corrupt.value)}
    assert len(messages) == 3
    assert "パスフレーズが違います" in str(wrong.value)
    assert "鍵ファイル" in str(missing.value)
    assert "壊れて" in str(corrupt.value) and "鍵は正しい" in str(corrupt.value)
    assert all(any("\u3040" <= ch <= "\u30ff" for ch in m) for m in messages)


def test_recovery_key_opens_and_sets_a_new_passphrase(created, store_dir):
    store = created.store
    _add_household(store)
    store.close()
    recovered = _open(store_dir, recovery_key=created.recovery_key.lower().replace("-", " "))
    assert recovered.actor == "回復キー"
    recovered.set_passphrase("tanaka", "新しい合言葉", kdf=FAST)
    assert recovered.actor == "tanaka"
    recovered.close()
    with pytest.raises(WrongSecret):
        _open(store_dir, passphrase=PASSPHRASE)
    again = _open(store_dir, passphrase="新しい合言葉")
    assert again.counts()["persons"] == 1
    again.close()


def test_recovery_key_typos_are_caught_before_trying(created):
    key = created.recovery_key
    typo = ("X" if key[0] != "X" else "Y") + key[1:]
    with pytest.raises(Exception, match="入力の誤り"):
        parse_recovery_key(typo)
    # I/L/O typed for 1/1/0 and full-width input are accepted.
    assert parse_recovery_key(key.replace("1", "I").replace("0", "O")) == parse_recovery_key(key)


def test_wrong_recovery_key(store, store_dir):
    from app.services.store.keyslots import new_recovery_key

    store.close()
    other, _ = new_recovery_key()
    with pytest.raises(WrongSecret, match="回復キーが違います"):
        _open(store_dir, recovery_key=other)


def test_lost_pc_secret_points_to_the_recovery_key(created, store_dir, memory_keyring):
    assert created.pc_bound
    created.store.close()
    memory_keyring.items.clear()  # the PC died; the data folder was restored on a new one
    with pytest.raises(PcSecretMissing, match="回復キー") as exc:
        _open(store_dir, passphrase=PASSPHRASE)
    assert exc.value.exit_code == 3
    recovered = _open(store_dir, recovery_key=created.recovery_key)
    assert recovered.set_passphrase("tanaka", "新しいPCで", kdf=FAST)  # bound to the new PC's secret
    recovered.close()
    _open(store_dir, passphrase="新しいPCで").close()


def test_pc_secret_is_mixed_in(created, store_dir, memory_keyring):
    created.store.close()
    ((service, account),) = memory_keyring.items.keys()
    assert service == KEYRING_SERVICE
    memory_keyring.items[(service, account)] = "00" * 32  # a different PC's secret
    with pytest.raises(WrongSecret):
        _open(store_dir, passphrase=PASSPHRASE)


def test_without_os_keyring_the_store_says_so_and_works(no_keyring, tmp_path):
    created = Store.create(tmp_path / "s", passphrase="pw", kdf=FAST)
    assert not created.pc_bound
    assert "キーリング" in created.keyring_notice()
    created.store.close()
    Store.open(tmp_path / "s", passphrase="pw").close()


def _pages(path, size=4096):
    data = path.read_bytes()
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_users_and_passphrases_change_only_the_key_file(created, store_dir):
    store = created.store
    for i in range(150):  # enough pages that re-encryption would be unmistakable
        _add_household(store, code=f"H-{i:04d}", name=f"世帯員{i} " + "あ" * 50)
    data_key = store._key()
    store.close()
    before = _pages(store_dir / DB_NAME)

    store = _open(store_dir, passphrase=PASSPHRASE)
    store.add_user("sato", "佐藤さんの合言葉", kdf=FAST)
    store.set_passphrase("tanaka", "変えた合言葉", kdf=FAST)
    store.close()
    after = _pages(store_dir / DB_NAME)

    changed = sum(1 for a, b in zip(before, after, strict=False) if a != b)
    assert len(before) > 40
    assert changed < len(before) // 4, f"{changed} of {len(before)} pages changed"
    assert before[0][:16] == after[0][:16]  # same SQLCipher salt: same database, not a rewritten one

    for user, phrase in (("sato", "佐藤さんの合言葉"), ("tanaka", "変えた合言葉")):
        s = _open(store_dir, passphrase=phrase, user=user)
        assert s._key() == data_key and s.actor == user
        s.close()
    # The raw data key still opens the file directly: nothing was re-encrypted.
    conn = connect(store_dir / DB_NAME, data_key)
    assert conn.execute("SELECT count(*) FROM households").fetchone()[0] == 150
    conn.close()


def test_removed_user_cannot_sign_in_and_last_user_stays(created, store_dir):
    store = created.store
    store.add_user("sato", "pw2", kdf=FAST)
    store.remove_user("sato")
    with pytest.raises(Exception, match="最後の利用者"):
        store.remove_user("tanaka")
    store.close()
    with pytest.raises(WrongSecret):
        _open(store_dir, passphrase="pw2", user="sato")


def test_failed_sign_ins_reach_the_audit_log(store, store_dir):
    store.close()
    for _ in range(2):
        with pytest.raises(WrongSecret):
            _open(store_dir, passphrase="ちがう", user="tanaka")
    s = _open(store_dir, passphrase=PASSPHRASE)
    with s.session() as session:
        from app.models import AuditEntry

        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert actions.count("unlock_failed") == 2
        assert audit.verify(session).ok
    s.close()


def test_lock_forgets_the_key(store):
    store.lock()
    with pytest.raises(Exception, match="ロック中"):
        store.counts()
