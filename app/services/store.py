"""The encrypted store: a folder holding the SQLCipher database and its key file.

    <data dir>/tsunagi.db        SQLCipher 4 database, encrypted with a random 256-bit data key
    <data dir>/tsunagi.keys      key slots (app.services.keyslots)
    <data dir>/safety/           copies taken before a migration
    <data dir>/failed-unlocks.log  failed sign-ins, moved into the audit log at the next sign-in

A wrong key and a corrupt file look the same to SQLCipher ("file is not a database"); the key file tells
them apart: if a slot unwraps (AES-GCM authenticates the data key), the key is right and the database
is what is damaged.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from app import __version__
from app.models import Household, Person, Setting, User, now
from app.services import audit, history, search
from app.services.errors import InvalidInput, StoreCorrupt, StoreExists, StoreMissing, TsunagiError
from app.services.fileio import copy_durably
from app.services.keyslots import STRONG, KdfParams, KeyFile, PcSecrets, Unlocked

DB_NAME = "tsunagi.db"
KEYS_NAME = "tsunagi.keys"
SAFETY_DIR = "safety"
FAILED_LOG = "failed-unlocks.log"
APP_NAME = "Tsunagi"

# 64 MiB page cache: encrypted scans are ~3x slower than plain without it (architecture.md).
CACHE_KIB = 65536


def default_data_dir() -> Path:
    env = os.environ.get("TSUNAGI_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def connect(db_path: Path, data_key: bytes) -> sqlcipher3.dbapi2.Connection:
    """A raw DB-API connection keyed with the raw data key (no per-connection KDF)."""
    conn = sqlcipher3.dbapi2.connect(str(db_path), check_same_thread=False)
    conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")  # the first read: fails here on a wrong key or damaged file
    conn.execute("PRAGMA synchronous = FULL")  # a power cut may not lose a committed record
    return conn


def _transactional(engine: Engine) -> None:
    """Real transactions, DDL included (SQLAlchemy's recipe for pysqlite-style drivers): the driver's
    own implicit BEGIN only covers DML, so a failed migration could otherwise leave half a schema."""

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")


def _alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "app:migrations")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


@dataclass
class Created:
    store: Store
    recovery_key: str
    pc_bound: bool  # False: no OS keyring here, passphrase slots depend on the passphrase alone

    def keyring_notice(self) -> str:
        if self.pc_bound:
            return ""
        return (
            "このPCには資格情報の保管庫（OSのキーリング）がないため、パスフレーズだけで保護しています。"
            "推測されにくい長いパスフレーズを使ってください"
        )


class Store:
    def __init__(self, folder: Path, keyfile: KeyFile, unlocked: Unlocked):
        self.folder = folder
        self.keyfile = keyfile
        self._data_key: bytes | None = unlocked.data_key
        # Who is acting: the signed-in user, or 回復キー until a new passphrase is set.
        self.actor = unlocked.user or "回復キー"
        self.migrated_from: str | None = None
        self.engine: Engine = create_engine(
            "sqlite+pysqlite://",
            creator=lambda: connect(self.db_path, self._key()),
            module=sqlcipher3.dbapi2,
            # The URL names no file, so SQLAlchemy would assume :memory: and share one connection per
            # thread; a real pool gives every session its own connection and transaction.
            poolclass=QueuePool,
        )
        _transactional(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        history.install(self._sessions)
        search.install(self._sessions)

    # --- paths ------------------------------------------------------------------------------------

    @property
    def db_path(self) -> Path:
        return self.folder / DB_NAME

    @property
    def key_path(self) -> Path:
        return self.folder / KEYS_NAME

    def _key(self) -> bytes:
        if self._data_key is None:
            raise TsunagiError("ロック中です。サインインしてください")
        return self._data_key

    # --- creating and opening ---------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        folder: Path,
        *,
        passphrase: str,
        user: str = "coordinator",
        display_name: str = "",
        town: str = "",
        kdf: KdfParams = STRONG,
        pc_secrets: PcSecrets | None = None,
    ) -> Created:
        folder = Path(folder)
        if (folder / DB_NAME).exists() or (folder / KEYS_NAME).exists():
            raise StoreExists(f"{folder} にはすでにデータがあります")
        if not user.strip():
            raise InvalidInput("利用者名を入力してください")
        folder.mkdir(parents=True, exist_ok=True)
        data_key = os.urandom(32)
        keyfile = KeyFile.new(pc_secrets)
        pc_bound = keyfile.set_passphrase(user, passphrase, data_key, kdf)
        recovery_key = keyfile.set_recovery(data_key)
        # The key file first: a database without its key file could never be opened again.
        keyfile.save(folder / KEYS_NAME)
        store = cls(folder, keyfile, Unlocked(data_key, user))
        with store.engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
        with store.session() as s:
            s.add(User(name=user, display_name=display_name or user, role="coordinator"))
            s.add(Setting(key="town.name", value=town))
            s.add(Setting(key="store.id", value=keyfile.store_id))
            audit.record(s, "create", detail={"version": __version__, "pc_bound": pc_bound})
            s.commit()
        return Created(store, recovery_key, pc_bound)

    @classmethod
    def open(
        cls,
        folder: Path,
        *,
        passphrase: str | None = None,
        recovery_key: str | None = None,
        user: str | None = None,
        pc_secrets: PcSecrets | None = None,
    ) -> Store:
        folder = Path(folder)
        from app.services.backup import recover_interrupted_restore  # (backup builds on this module)

        recover_interrupted_restore(folder)
        if not (folder / DB_NAME).exists():
            if (folder / KEYS_NAME).exists():
                raise StoreMissing(
                    f"データベース（{DB_NAME}）が {folder} に見つかりません。バックアップから復元してください"
                )
            raise StoreMissing(f"{folder} にデータがありません。はじめに init で作成してください")
        keyfile = KeyFile.load(folder / KEYS_NAME, pc_secrets)
        try:
            unlocked = keyfile.unlock(passphrase=passphrase, recovery_key=recovery_key, user=user)
        except TsunagiError as exc:
            if not isinstance(exc, InvalidInput) or recovery_key is not None:
                _note_failed_unlock(folder, user, "recovery" if recovery_key is not None else "passphrase")
            raise
        return cls.open_unlocked(folder, keyfile, unlocked, passphrase)

    @classmethod
    def open_unlocked(
        cls, folder: Path, keyfile: KeyFile, unlocked: Unlocked, passphrase: str | None = None
    ) -> Store:
        """Open with a key already unwrapped (a restore has just done so: no second Argon2 run)."""
        store = cls(folder, keyfile, unlocked)
        if passphrase is not None and unlocked.user is not None:
            store._refresh_slots(unlocked.user, passphrase)
        try:
            store._check_readable()
            store._migrate()
        except BaseException:
            store.engine.dispose()
            raise
        with store.session() as s:
            failed_log = _drain_failed_unlocks(folder, s)
            audit.record(s, "open", detail={"version": __version__, "schema": head_revision()})
            audit.record(
                s, "unlock", detail={"method": "recovery" if unlocked.user is None else "passphrase"}
            )
            s.commit()
        if failed_log is not None:
            failed_log.unlink()  # only now that its entries are committed to the audit log
        return store

    def _refresh_slots(self, user: str, passphrase: str) -> None:
        """At sign-in, while the passphrase is at hand: give an older slot its portable copy (for backups),
        and bind a slot restored from a backup to this PC's keyring secret when one can be kept here."""
        slot = next(s for s in self.keyfile.slots if s.kind == "passphrase" and s.user == user)
        needs_copy = not self.keyfile.has_portable(user, self._key())  # no keyring: portable already
        secrets_here = self.keyfile.pc_secrets
        # Creating the PC secret fails fast where no keyring exists, so no Argon2 run is wasted there.
        can_bind = (
            not slot.pc_bound
            and (secrets_here.get(self.keyfile.store_id) or secrets_here.create(self.keyfile.store_id))
            is not None
        )
        if needs_copy or can_bind:
            self.keyfile.set_passphrase(user, passphrase, self._key(), KdfParams(**slot.kdf))
            self.keyfile.save(self.key_path)

    def _check_readable(self) -> None:
        try:
            with contextlib.closing(connect(self.db_path, self._key())) as conn:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.dbapi2.DatabaseError as exc:
            raise StoreCorrupt(
                "データベースファイルが壊れています（鍵は正しいことを確認しました）。"
                "バックアップから復元してください"
            ) from exc

    def _migrate(self) -> None:
        """Bring an older store up to this version's schema, after a verified safety copy."""
        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        head = head_revision()
        if current == head:
            return
        self.safety_copy(f"before-{current or 'base'}")
        with self.engine.connect() as conn:
            # SQLite rebuilds tables in batch migrations; with foreign keys on, dropping the old table
            # would cascade-delete child rows. The pragma only works outside a transaction.
            raw = conn.connection.dbapi_connection
            raw.execute("PRAGMA foreign_keys = OFF")
            try:
                with conn.begin():
                    command.upgrade(_alembic_config(conn), "head")
                    if conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                        raise StoreCorrupt("データ形式の更新で参照の整合性が崩れるため、更新を中止しました")
            finally:
                raw.execute("PRAGMA foreign_keys = ON")
        self.migrated_from = current or "base"
        with self.session() as s:
            audit.record(s, "migrate", detail={"from": self.migrated_from, "to": head})
            s.commit()

    def safety_copy(self, label: str) -> Path:
        """Copy database and key file into safety/<timestamp>-<label>/ and prove the copy opens."""
        self.engine.dispose()
        with contextlib.closing(connect(self.db_path, self._key())) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        dest = self.folder / SAFETY_DIR / f"{now().strftime('%Y%m%d-%H%M%S')}-{label}"
        dest.mkdir(parents=True, exist_ok=False)
        for name in (DB_NAME, KEYS_NAME):
            copy_durably(self.folder / name, dest / name)
        with contextlib.closing(connect(dest / DB_NAME, self._key())) as conn:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise StoreCorrupt("安全のための複製を確認できませんでした。作業を中止しました")
        return dest

    # --- use --------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work; history records who (``actor``) changed what. Commit explicitly."""
        with self._sessions(info={"actor": self.actor}) as s:
            yield s

    def setting(self, key: str, default=None):
        with self.session() as s:
            row = s.get(Setting, key)
            return default if row is None else row.value

    def set_setting(self, key: str, value) -> None:
        with self.session() as s:
            row = s.get(Setting, key)
            old = None if row is None else row.value
            if row is None:
                s.add(Setting(key=key, value=value))
            else:
                row.value = value
            audit.record(s, "settings", target=key, detail={"old": old, "new": value})
            s.commit()

    def counts(self) -> dict[str, int]:
        with self.session() as s:
            return {
                "households": s.scalar(select(func.count()).select_from(Household)) or 0,
                "persons": s.scalar(select(func.count()).select_from(Person)) or 0,
            }

    def lock(self) -> None:
        """Forget the data key and close every connection. Reopen with Store.open."""
        if self._data_key is None:
            return
        with self.session() as s:
            audit.record(s, "lock")
            s.commit()
        self.close()

    def close(self) -> None:
        self.engine.dispose()
        self._data_key = None

    # --- users and key slots (only the key file changes; the database is never re-encrypted) -------

    def users(self) -> list[str]:
        return list(self.keyfile.users)

    def add_user(self, name: str, passphrase: str, display_name: str = "", kdf: KdfParams = STRONG) -> bool:
        name = name.strip()
        if not name:
            raise InvalidInput("利用者名を入力してください")
        if name in self.keyfile.users:
            raise InvalidInput(f"利用者「{name}」はすでに登録されています")
        pc_bound = self.keyfile.set_passphrase(name, passphrase, self._key(), kdf)
        with self.session() as s:
            s.add(User(name=name, display_name=display_name or name, role="staff"))
            audit.record(s, "users", target=name, detail={"change": "add"})
            s.commit()
        self.keyfile.save(self.key_path)
        return pc_bound

    def remove_user(self, name: str) -> None:
        self.keyfile.remove_user(name, self._key())
        with self.session() as s:
            row = s.scalar(select(User).where(User.name == name))
            if row is not None:
                row.active = False  # the row stays: history and audit refer to it by name
            audit.record(s, "users", target=name, detail={"change": "remove"})
            s.commit()
        self.keyfile.save(self.key_path)

    def set_passphrase(self, name: str, passphrase: str, kdf: KdfParams = STRONG) -> bool:
        """Set ``name``'s passphrase (after signing in, or with the recovery key when it was forgotten)."""
        if name not in self.keyfile.users:
            raise InvalidInput(f"利用者「{name}」は登録されていません")
        pc_bound = self.keyfile.set_passphrase(name, passphrase, self._key(), kdf)
        self.keyfile.save(self.key_path)
        with self.session() as s:
            audit.record(s, "users", target=name, detail={"change": "passphrase"})
            s.commit()
        if self.actor == "回復キー":
            self.actor = name
        return pc_bound

    def new_recovery_key(self) -> str:
        key = self.keyfile.set_recovery(self._key())
        self.keyfile.save(self.key_path)
        with self.session() as s:
            audit.record(s, "users", target="回復キー", detail={"change": "recovery_key"})
            s.commit()
        return key


def _note_failed_unlock(folder: Path, user: str | None, method: str) -> None:
    # The database cannot be opened without the right secret, so failures wait in a side file
    # (no personal data: time, user name, method) until the next successful sign-in records them.
    line = json.dumps({"at": now().isoformat(), "user": user or "", "method": method}, ensure_ascii=False)
    with contextlib.suppress(OSError), open(folder / FAILED_LOG, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def _drain_failed_unlocks(folder: Path, session: Session) -> Path | None:
    path = folder / FAILED_LOG
    if not path.exists():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError, KeyError):
            item = json.loads(line)
            audit.record(
                session,
                "unlock_failed",
                target=item["user"],
                detail={"method": item["method"]},
                actor=item["user"] or "不明",
                at=item["at"],
            )
    return path
