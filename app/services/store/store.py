"""The encrypted store: a folder holding the SQLCipher database and its key file.

    <data dir>/tsunagi.db        SQLCipher 4 database, encrypted with a random 256-bit data key
    <data dir>/tsunagi.keys      key slots (app.services.store.keyslots)
    <data dir>/safety/           copies taken before a migration
    <data dir>/failed-unlocks.log  failed sign-ins, moved into the audit log at the next sign-in
    <data dir>/print/            PDFs for the viewer while the store is open (app.services.store.print_folder)
    <data dir>/tsunagi.lock      held by the one process that has the store open (app.services.store.folder_lock)
    <data dir>/tsunagi.attempts  failed sign-ins and the wait before the next try (app.services.store.attempts)

Everything here is readable by this user only (0600 files, 0700 folders, set explicitly whatever the
umask; app.services.common.fileio), and tightened again at every open for stores made by older versions.

A wrong key and a corrupt file look the same to SQLCipher ("file is not a database"); the key file tells
them apart: if a slot unwraps (AES-GCM authenticates the data key), the key is right and the database
is what is damaged.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, QueuePool

from app import __version__
from app.models import Household, Person, Setting, User, now
from app.services.common.errors import (
    InvalidInput,
    KeyFileMismatch,
    PcSecretMissing,
    StoreCorrupt,
    StoreExists,
    StoreMissing,
    TsunagiError,
    WrongSecret,
)
from app.services.common.fileio import copy_durably, make_private, private_dir, private_open
from app.services.store import (
    anchor,
    attempts,
    audit,
    change_log,
    diagnosis,
    folder_lock,
    history,
    print_folder,
    restore_journal,
    search_keys,
)
from app.services.store.keyslots import STRONG, KdfParams, KeyFile, PcSecrets, Unlocked
from app.services.store.layout import DB_NAME, KEYS_NAME, SAFETY_DIR

FAILED_LOG = "failed-unlocks.log"
APP_NAME = "Tsunagi"

# 64 MiB page cache: encrypted scans are ~3x slower than plain without it (architecture.md).
CACHE_KIB = 65536
# Another writer (a backup holding the file still, a second thread) is waited for this long before the
# coordinator is told, in Japanese, that the save did not happen (diagnosis.StoreBusy).
BUSY_TIMEOUT_MS = 3000
SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26
# The lock's own audit row waits only a moment: the key is already gone, so nothing is at risk, but the
# screen must not hang. Past this the row is queued for the next sign-in.
LOCK_WRITE_MS = 300


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
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
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


@functools.cache
def head_revision() -> str:
    # Once per process: finding the head imports every migration script (about 40 ms), and each opening
    # of the store asked twice (whether to migrate, and for the audit entry) while the person waited.
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _holding_folder(*, create: bool):
    """Run a classmethod (folder first) while holding the folder's lock: a second process on the same
    data folder is refused before a single file is touched (folder_lock.FolderInUse)."""

    def wrap(method):
        @functools.wraps(method)
        def held(cls, folder, *args, **kwargs):
            with folder_lock.hold(Path(folder), create=create):
                return method(cls, Path(folder), *args, **kwargs)

        return held

    return wrap


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
        self._lease = folder_lock.acquire(folder)  # released by close(); shared within this process
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
            hide_parameters=True,  # an error's text must never carry a name or an address (errorlog)
        )
        _transactional(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # The session of a reading() on this thread (a context variable: other threads never share it).
        self._reading: ContextVar[Session | None] = ContextVar(f"tsunagi-reading-{id(self)}", default=None)
        self.changes = change_log.ChangeLog()  # what each commit changed, for the pages
        change_log.install(self._sessions, self.changes)
        history.install(self._sessions)
        search_keys.install(self._sessions)
        anchor.install(self._sessions, self)  # the chains' heads, kept in the key file with every commit

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
    @_holding_folder(create=True)
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
        private_dir(folder)
        data_key = os.urandom(32)
        keyfile = KeyFile.new(pc_secrets)
        pc_bound = keyfile.set_passphrase(user, passphrase, data_key, kdf)
        recovery_key = keyfile.set_recovery(data_key)
        # The key file first: a database without its key file could never be opened again.
        keyfile.save(folder / KEYS_NAME)
        # An empty file is a new database to SQLite; made here it is 0600 from the start, and SQLite gives
        # the WAL and shared-memory files the database's own mode.
        private_open(folder / DB_NAME, "wb").close()
        store = cls(folder, keyfile, Unlocked(data_key, user))
        with store.engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
        store._remember_db_salt()
        with store.session() as s:
            s.add(User(name=user, display_name=display_name or user, role="coordinator"))
            s.add(Setting(key="town.name", value=town))
            s.add(Setting(key="store.id", value=keyfile.store_id))
            audit.record(s, "create", detail={"version": __version__, "pc_bound": pc_bound})
            s.commit()
        return Created(store, recovery_key, pc_bound)

    @classmethod
    @_holding_folder(create=False)
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
        # Before anything else: PDFs a killed app left behind are plaintext personal data.
        print_folder.clear(folder)
        restore_journal.recover_interrupted_restore(folder)
        if not (folder / DB_NAME).exists():
            if (folder / KEYS_NAME).exists():
                raise StoreMissing(
                    f"データベース（{DB_NAME}）が {folder} に見つかりません。バックアップから復元してください"
                )
            raise StoreMissing(f"{folder} にデータがありません。はじめに init で作成してください")
        keyfile = KeyFile.load(folder / KEYS_NAME, pc_secrets)
        guessing = recovery_key is None  # the recovery key is never made to wait (app.services.store.attempts)
        if guessing:
            attempts.check(folder, keyfile.store_id)  # before any Argon2 run
        try:
            unlocked = keyfile.unlock(passphrase=passphrase, recovery_key=recovery_key, user=user)
        except TsunagiError as exc:
            if not isinstance(exc, InvalidInput) or recovery_key is not None:
                _note_failed_unlock(folder, user, "recovery" if recovery_key is not None else "passphrase")
            if guessing and isinstance(exc, WrongSecret) and not isinstance(exc, PcSecretMissing):
                wait = attempts.failed(folder, keyfile.store_id).wait_s
                if wait > 0:
                    exc.args = (f"{exc}。誤りが続いたため、次は{round(wait)}秒後から試せます",)
            raise
        attempts.succeeded(folder)
        return cls.open_unlocked(folder, keyfile, unlocked, passphrase)

    @classmethod
    def open_unlocked(
        cls, folder: Path, keyfile: KeyFile, unlocked: Unlocked, passphrase: str | None = None
    ) -> Store:
        """Open with a key already unwrapped (a restore has just done so: no second Argon2 run)."""
        store = cls(folder, keyfile, unlocked)
        try:
            if passphrase is not None and unlocked.user is not None:
                store._refresh_slots(unlocked.user, passphrase)
            store._check_readable()
            _tighten(folder)
            store._remember_db_salt()
            store._migrate()
            with store.session() as s:
                failed_log = _drain_failed_unlocks(folder, s)
                audit.record(s, "open", detail={"version": __version__, "schema": head_revision()})
                audit.record(
                    s, "unlock", detail={"method": "recovery" if unlocked.user is None else "passphrase"}
                )
                s.commit()
        except BaseException as exc:
            store.close()
            known = (
                diagnosis.explain(exc, folder, "データを開くことが")
                if isinstance(exc, OSError | DBAPIError | sqlcipher3.dbapi2.Error)
                else None
            )
            if known is not None:
                raise known from None
            raise
        _pending.pop(folder_lock.folder_key(folder), None)  # committed with the entries above
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
        """The unwrapped key reads the database, or the reason in words: a full disk, another writer, a
        file that cannot be opened, a key file of another store (its recorded database salt differs from
        this file's), or — only then — a damaged database."""
        try:
            with contextlib.closing(connect(self.db_path, self._key())) as conn:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.dbapi2.DatabaseError as exc:
            known = diagnosis.explain(exc, self.folder, "データを開くことが")
            if known is not None:
                raise known from None
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if code not in (SQLITE_CORRUPT, SQLITE_NOTADB):
                raise StoreCorrupt(
                    f"データベースファイル（{DB_NAME}）を開けませんでした（{diagnosis.display_text(exc, 80)}）。"
                    "ファイルが壊れているとは限りません。ほかのプログラムが使っていないか、フォルダの権限を確かめてください。"
                    "バックアップから復元する前に、情報システム担当に相談してください"
                ) from None
            if self.keyfile.db_salt and self._file_salt() not in ("", self.keyfile.db_salt):
                raise KeyFileMismatch(
                    f"鍵ファイル（{KEYS_NAME}）は、このデータベースのものではありません（別のデータの鍵ファイルです）。"
                    "データベースは壊れていません。このデータベースといっしょに使っていた鍵ファイルを元の場所に戻してください"
                ) from None
            raise StoreCorrupt(
                "データベースファイルが壊れています（鍵は正しいことを確認しました）。"
                "バックアップから復元してください"
                + ("" if self.keyfile.db_salt else "（鍵ファイルが別のデータのものである場合も、こう見えます）")
            ) from None

    def _file_salt(self) -> str:
        """SQLCipher's salt: the database file's first 16 bytes, in clear (hex; "" for an empty file)."""
        try:
            with open(self.db_path, "rb") as fh:
                head = fh.read(16)
        except OSError:
            return ""
        return head.hex() if len(head) == 16 else ""

    def _remember_db_salt(self) -> None:
        """Record in the key file which database it belongs to (key files from older versions get it at
        their first open with the right key)."""
        salt = self._file_salt()
        if salt and salt != self.keyfile.db_salt:
            self.keyfile.db_salt = salt
            with contextlib.suppress(OSError):  # a hint for diagnosis only; a full disk must not stop the open
                self.keyfile.save(self.key_path)

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
        private_dir(dest.parent)
        private_dir(dest, exist_ok=False)
        for name in (DB_NAME, KEYS_NAME):
            copy_durably(self.folder / name, dest / name)
        with contextlib.closing(connect(dest / DB_NAME, self._key())) as conn:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise StoreCorrupt("安全のための複製を確認できませんでした。作業を中止しました")
        return dest

    # --- use --------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work; history records who (``actor``) changed what. Commit explicitly. Inside
        ``reading()`` it is that one read's session."""
        shared = self._reading.get()
        if shared is not None:
            yield shared
            return
        with self._sessions(info={"actor": self.actor}) as s:
            try:
                yield s
            except (DBAPIError, sqlcipher3.dbapi2.Error, OSError) as exc:
                # A full disk or another writer past the busy timeout: said plainly, never as an unexpected
                # error, and without the statement's parameters (they may hold personal data).
                known = diagnosis.explain(exc, self.folder)
                if known is None:
                    raise
                raise known from None

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """One snapshot for one screen: every service called inside reads through one session and one
        transaction, so a screen made of a dozen queries is one read of the store (and never shows half of
        a change made between them). For reads only: an act is its own service call and transaction."""
        if self._reading.get() is not None:
            yield
            return
        with self.session() as s:
            token = self._reading.set(s)
            try:
                yield
            finally:
                self._reading.reset(token)

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
        """Forget the data key and close every connection — first, so that nothing can stop it. Then the
        lock goes into the audit log if the database takes the write within ``LOCK_WRITE_MS``; a full disk
        or another writer queues it instead (like a failed sign-in), for the next sign-in. Never raises.
        Reopen with Store.open."""
        key, self._data_key = self._data_key, None
        if key is None:
            return
        at = now().isoformat()
        try:
            self.engine.dispose()
            _record_lock(self.db_path, key, self.actor, self.keyfile)
        except Exception:  # noqa: BLE001 (whatever stopped the write, the lock itself has happened)
            _queue_event(self.folder, {"at": at, "action": "lock", "user": self.actor})
        finally:
            del key
            with contextlib.suppress(Exception):
                self.close()

    def close(self) -> None:
        """Close every connection, forget the key, and remove the PDFs printed for the viewer."""
        with contextlib.suppress(Exception):  # (closing must not fail; at worst the last commit stays unconfirmed)
            anchor.confirm(self)
        self._data_key = None
        try:
            self.engine.dispose()
            print_folder.clear(self.folder)
        finally:
            self._lease.release()  # last: the folder is ours until everything above is done

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
    _queue_event(folder, {"at": now().isoformat(), "user": user or "", "method": method})


# Events that could not even be queued in the side file (a full disk): kept in memory for the next
# sign-in in this process.
_pending: dict[str, list[dict]] = {}


def _queue_event(folder: Path, item: dict) -> None:
    """Append an audit event for the next successful sign-in; never raises."""
    line = json.dumps(item, ensure_ascii=False)
    try:
        with private_open(folder / FAILED_LOG, "a") as fh:
            fh.write(line + "\n")
            fh.flush()
    except OSError:
        _pending.setdefault(folder_lock.folder_key(folder), []).append(item)


def _record_lock(db_path: Path, key: bytes, actor: str, keyfile: KeyFile) -> None:
    """The lock's audit row on a connection of its own, with the key held only by this call."""

    def connect_briefly():
        conn = connect(db_path, key)
        conn.execute(f"PRAGMA busy_timeout = {LOCK_WRITE_MS}")
        return conn

    engine = create_engine("sqlite+pysqlite://", creator=connect_briefly, module=sqlcipher3.dbapi2,
                           poolclass=NullPool, hide_parameters=True)  # fmt: skip
    _transactional(engine)
    try:
        with Session(engine) as s:
            anchor.keep(s, keyfile, db_path.with_name(KEYS_NAME), key)  # the chains' record moves with it
            audit.record(s, "lock", actor=actor)
            s.commit()
    finally:
        engine.dispose()


def _tighten(folder: Path) -> None:
    """0700/0600 for the data folder and everything the app keeps in it, also when an older version made
    them world-readable. POSIX only; on Windows the profile's ACL applies (app.services.common.fileio)."""
    if os.name != "posix":
        return
    make_private(folder)
    for path in folder.iterdir():
        if path.name.startswith("tsunagi") or path.name in (FAILED_LOG, SAFETY_DIR):
            make_private(path)
    safety = folder / SAFETY_DIR
    if safety.is_dir():
        for root, dirs, files in os.walk(safety):
            for name in dirs + files:
                make_private(Path(root) / name)


def _drain_failed_unlocks(folder: Path, session: Session) -> Path | None:
    path = folder / FAILED_LOG
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    for item in [*lines, *_pending.get(folder_lock.folder_key(folder), [])]:
        with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError):
            if isinstance(item, str):  # a line of the side file (a torn last line is skipped)
                item = json.loads(item)
            if item.get("action") == "lock":  # a lock whose row could not be written at the time
                audit.record(session, "lock", actor=item["user"] or "不明", at=item["at"])
                continue
            audit.record(
                session,
                "unlock_failed",
                target=item["user"],
                detail={"method": item["method"]},
                actor=item["user"] or "不明",
                at=item["at"],
            )
    return path if path.exists() else None
