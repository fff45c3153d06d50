"""USB backup and restore that never loses data.

A backup is one file, ``tsunagi-YYYYMMDD-HHMMSS.tsbk``: a ZIP (stored, not compressed — the database is
encrypted and would not shrink) holding

    tsunagi.db      the still-encrypted database, copied while it is held still (see ``_held_still``)
    tsunagi.keys    the key slots that do not depend on this PC: portable passphrase slots, recovery key
    manifest.json   format, app version, schema revision, SQLCipher version, created at, row counts,
                    SHA-256 and size of the two files above

It is written under a temporary name and fsynced, then read back from the medium (the OS cache of the
file is dropped first) and compared with the hash taken while writing; the database it holds is checked
meanwhile, page by page (``cipher_integrity_check``: decrypt and authenticate) and as b-trees
(``integrity_check``), with its row counts. Only then is it renamed: a pulled stick or a full disk
leaves at worst a stray ``.partial`` file, never a damaged backup or a touched live store.

Every step reads the data once: the copy, the read-back and the two checks run side by side on their
own threads (SQLite, hashlib and file I/O all release the GIL), which is what keeps a backup of a 100 MB
store around a second (bench/backup_restore.py).

A restore verifies the file before touching anything, keeps a copy of the current store, and writes a
journal (``restore.pending``) so that a restore interrupted half-way is rolled back at the next start.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import struct
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlcipher3
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app import __version__
from app.models import MediaLog, Setting, now
from app.services.common import bounded
from app.services.common.errors import InvalidInput, TsunagiError
from app.services.common.fileio import (
    fsync_dir,
    private_dir,
    private_open,
    remove_file,
    replace_file,
)
from app.services.common.japanese import format_wareki
from app.services.store import anchor, audit, folder_lock, media_ledger, restore_journal, settings
from app.services.store.backup_file import (
    BROKEN,
    FORMAT,
    MANIFEST,
    BackupInvalid,
    Manifest,
    open_zip,
    read_manifest,
)
from app.services.store.diagnosis import DiskFull, StoreBusy
from app.services.store.keyslots import KeyFile, PcSecrets, Unlocked
from app.services.store.layout import DB_NAME, KEYS_NAME, SAFETY_DIR
from app.services.store.store import Store, connect, head_revision

SUFFIX = ".tsbk"
WORK_DIR = ".backup-work"
CHUNK = 1 << 20
# The small entries are read into memory: their sizes are checked first, and reading stops at the cap
# (a 1.9 MB file can hold a "manifest" that inflates to gigabytes).
MAX_KEYS = 4 << 20
LAST_BACKUP_KEY = "backup.last"
CHECKS = ("cipher_integrity_check", "integrity_check")
BUSY_MS = 5_000  # how long to wait for another writer to finish, per attempt
CHECK_CACHE_KIB = 262_144  # integrity_check revisits pages; a big cache decrypts each of them once

Progress = Callable[[int, int, str], None]  # done, total, what is happening (Japanese)


class BackupFailed(TsunagiError):
    pass


@dataclass(frozen=True)
class BackupResult:
    path: Path
    sha256: str  # of the whole file, as the 持出し記録 lists it
    size: int
    manifest: Manifest


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _counts(conn) -> dict[str, int]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
        for t in sorted(tables)
        if t != "alembic_version"
    }


# --- checking a database ---------------------------------------------------------------------------


def _run_check(db: Path, key: bytes, pragma: str) -> list[tuple]:
    with contextlib.closing(connect(db, key)) as conn:
        conn.execute(f"PRAGMA cache_size = -{CHECK_CACHE_KIB}")
        return conn.execute(f"PRAGMA {pragma}").fetchall()


def _start_checks(pool: ThreadPoolExecutor, db: Path, key: bytes) -> dict[str, Future]:
    """Each check on its own connection and thread, so they overlap each other and the file copy."""
    return {pragma: pool.submit(_run_check, db, key, pragma) for pragma in CHECKS}


def _await_checks(checks: dict[str, Future], progress: Progress, whose: str) -> None:
    """Wait for the checks, keeping the progress window alive. Raises BackupInvalid on any damage;
    ``whose`` database it is goes into the message (バックアップの / 今の)."""
    pending = set(checks.values())
    while pending:
        progress(0, 0, "データベースの全ページを確かめています")  # SQLite cannot say how far it is
        _done, pending = wait(pending, timeout=0.1)
    try:
        damaged_pages = checks["cipher_integrity_check"].result()
        integrity = checks["integrity_check"].result()
    except sqlcipher3.dbapi2.DatabaseError as exc:
        raise BackupInvalid(f"{whose}データベースを開けません（壊れているか、鍵が合いません）") from exc
    if damaged_pages:
        raise BackupInvalid(f"{whose}データベースに壊れたページがあります（{len(damaged_pages)} か所）")
    if integrity != [("ok",)]:
        raise BackupInvalid(f"{whose}データベースの整合性検査で問題が見つかりました")


def _check_database(db: Path, key: bytes, progress: Progress) -> dict[str, int]:
    """Decrypt and check every page; returns the row counts. Raises BackupInvalid on any damage."""
    with ThreadPoolExecutor(len(CHECKS)) as pool:
        checks = _start_checks(pool, db, key)
        try:
            with contextlib.closing(connect(db, key)) as conn:
                counts = _counts(conn)
        except sqlcipher3.dbapi2.DatabaseError as exc:
            raise BackupInvalid(
                "バックアップのデータベースを開けません（壊れているか、鍵が合いません）"
            ) from exc
        _await_checks(checks, progress, "バックアップの")
    return counts


def _work(folder: Path) -> Path:
    work = folder / WORK_DIR
    shutil.rmtree(work, ignore_errors=True)
    return private_dir(work)  # it holds the database and key file that a restore moves into place


def backup_name(at: datetime) -> str:
    return f"tsunagi-{at:%Y%m%d-%H%M%S}{SUFFIX}"


# --- backup ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def _held_still(db: Path, key: bytes) -> Iterator[sqlcipher3.dbapi2.Connection]:
    """The live database file, complete and unchanging: the WAL is checkpointed into it and emptied, and
    a write transaction is held so that nothing is added until the copy and its checks are done. Reading
    goes on meanwhile (the backup window is modal, so the coordinator is not writing)."""
    wal = db.with_name(db.name + "-wal")
    conn = connect(db, key)
    conn.isolation_level = None
    conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    try:
        for _attempt in range(3):
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.execute("BEGIN IMMEDIATE")
            except sqlcipher3.dbapi2.OperationalError:  # still busy when the timeout ran out
                continue
            if not wal.exists() or wal.stat().st_size == 0:
                yield conn
                return
            conn.execute("ROLLBACK")  # a write slipped in between: checkpoint again
            time.sleep(0.2)
        raise BackupFailed(
            "ほかの処理がデータを書き込み中のため、写しを作れませんでした。少し待ってからもう一度お試しください"
        )
    finally:
        conn.close()  # also ends the write transaction


def _live_counts(conn) -> dict[str, int]:
    try:
        return _counts(conn)
    except sqlcipher3.dbapi2.DatabaseError as exc:
        raise BackupFailed(
            "今のデータベースに読めない箇所があるため、バックアップを保存しませんでした。"
            "以前のバックアップはそのまま残っています"
        ) from exc


def create_backup(
    store: Store,
    dest_dir: Path,
    *,
    generations: int | None = None,  # None: the setting backup.generations
    medium: str = "",
    progress: Progress | None = None,
    opener: Callable = private_open,
) -> BackupResult:
    """Write one verified backup file into ``dest_dir`` and keep the newest ``generations`` there.

    ``opener`` opens the destination file for writing; tests pass one that fails part-way, as a pulled
    stick or a full disk would.
    """
    if generations is None:
        generations = int(settings.value(store, "backup.generations"))
    progress = progress or (lambda *_: None)
    dest_dir = Path(dest_dir)
    if not dest_dir.is_dir():
        raise InvalidInput(f"保存先 {dest_dir} が見つかりません")
    at = now()
    final = dest_dir / backup_name(at)
    for n in range(2, 100):  # never over an existing file (another store backed up in the same second)
        if not final.exists():
            break
        final = dest_dir / backup_name(at).replace(SUFFIX, f"-{n}{SUFFIX}")
    partial = final.with_name(final.name + ".partial")
    key = store._key()
    with store.session() as s:
        town = (s.get(Setting, "town.name") or Setting(value="")).value or ""
    try:
        progress(0, 1, "データの写しを用意しています")
        try:
            with _held_still(store.db_path, key) as conn, ThreadPoolExecutor(len(CHECKS)) as pool:
                checks = _start_checks(pool, store.db_path, key)
                fields = dict(
                    format=FORMAT, app_version=__version__, schema=head_revision(),
                    sqlcipher_version=conn.execute("PRAGMA cipher_version").fetchone()[0],
                    created_at=at.isoformat(), store_id=store.keyfile.store_id, town=town, counts=_live_counts(conn),
                    chain_heads=anchor.heads_for_manifest(conn),
                )  # fmt: skip
                anchor.confirm(store)  # the key file's record in the backup ends where its database does
                keys = store.keyfile.for_backup(key).to_bytes()
                try:
                    manifest = _write(partial, store.db_path, keys, fields, opener, progress)
                except OSError as exc:
                    raise BackupFailed(_write_error(exc, dest_dir)) from exc
                try:
                    sha = _read_back(partial, manifest, keys, progress)
                except OSError as exc:
                    raise BackupFailed(
                        f"保存先（{dest_dir}）から読み戻せませんでした（{exc.strerror or exc}）。"
                        "媒体が抜かれていないか確認してください。以前のバックアップはそのまま残っています"
                    ) from exc
                except BackupInvalid as exc:
                    raise BackupFailed(
                        f"書き込んだバックアップを読み戻したところ、書いた内容と一致しませんでした（{exc}）。"
                        "保存先の媒体を確認してください。以前のバックアップはそのまま残っています"
                    ) from exc
                try:
                    _await_checks(checks, progress, "今の")
                except BackupInvalid as exc:
                    raise BackupFailed(
                        f"{exc}。壊れたデータで以前のバックアップを押し出さないよう、今回のバックアップは保存しませんでした。"
                        "以前のバックアップはそのまま残っています"
                    ) from exc
            replace_file(partial, final)  # closed and verified; an antivirus scanner's hold is waited out
            fsync_dir(dest_dir)
            size = final.stat().st_size
        except OSError as exc:
            raise BackupFailed(_write_error(exc, dest_dir)) from exc
        finally:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)  # anything short of a verified, renamed file goes
        _prune(dest_dir, generations, keep=final, store_id=store.keyfile.store_id)
        result = BackupResult(final, sha, size, manifest)
        _log(store, "backup", medium or str(dest_dir), final.name, sha, size, "ok")
        store.set_setting(LAST_BACKUP_KEY, at.isoformat())
        return result
    except TsunagiError as exc:
        # The reason reaches the coordinator either way; the ledger line cannot be written while
        # another program holds the database for writing.
        with contextlib.suppress(SQLAlchemyError, StoreBusy, DiskFull):
            _log(store, "backup", medium or str(dest_dir), final.name, "", 0, "failed", str(exc))
        raise


def _write(
    partial: Path, db: Path, keys: bytes, fields: dict, opener: Callable, progress: Progress
) -> Manifest:
    """Stream the database into the archive, hashing it on the way; the manifest goes last, when the
    hash is known. Flushed and fsynced before returning."""
    total = db.stat().st_size
    digest = hashlib.sha256()
    done = 0
    with opener(partial, "wb") as raw:
        _claim(raw)
        with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_STORED) as z:
            with z.open(DB_NAME, "w", force_zip64=True) as out:
                for block in _blocks(db):
                    digest.update(block)
                    out.write(block)
                    done += len(block)
                    progress(done, total, "保存先に書き込んでいます")
            z.writestr(KEYS_NAME, keys)
            manifest = Manifest(
                **fields, db_sha256=digest.hexdigest(), keys_sha256=_sha256(keys), db_size=done
            )
            z.writestr(MANIFEST, manifest.to_json())
        raw.flush()
        os.fsync(raw.fileno())
    return manifest


def _blocks(db: Path) -> Iterator[bytes]:
    """The live file in chunks; a read error is this PC's disk, not the stick, and says so."""
    try:
        with open(db, "rb") as src:
            yield from iter(lambda: src.read(CHUNK), b"")
    except OSError as exc:
        raise BackupFailed(
            f"このPCのデータベースファイルを読めませんでした（{exc.strerror or exc}）。以前のバックアップはそのまま残っています"
        ) from exc


def _claim(fh) -> None:
    # An OS lock on the file being written: another backup pruning the same stick can tell a
    # .partial still being written from one left by a process that died (the lock goes with it).
    if os.name == "posix":
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _abandoned(partial: Path) -> bool:
    if os.name != "posix":
        return True  # Windows refuses to delete a file another process still has open
    import fcntl

    try:
        with open(partial, "rb") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
    except OSError:
        return False


def _write_error(exc: OSError, dest: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"保存先（{dest}）の空き容量が足りません。古いバックアップを整理するか、別の媒体を使ってください。データは変わっていません"
    return f"保存先（{dest}）に書き込めませんでした（{exc.strerror or exc}）。媒体が抜かれていないか確認してください。データは変わっていません"


def _prune(dest_dir: Path, generations: int, *, keep: Path, store_id: str) -> None:
    """Keep the newest ``generations`` backups of this store, the one just written always among them;
    .partial files no process is writing any more go too. Another store's backups on the same stick
    (a second town, the demo) and files that are not readable backups are left alone."""
    for stray in dest_dir.glob(f"tsunagi-*{SUFFIX}.partial"):
        if _abandoned(stray):
            with contextlib.suppress(OSError):
                stray.unlink()
    ours = []
    for path in dest_dir.glob(f"tsunagi-*{SUFFIX}"):
        if path == keep:
            continue
        try:
            manifest = read_manifest(path)
        except TsunagiError:
            continue
        if manifest.store_id == store_id:
            ours.append((manifest.created_at, path))
    ours.sort()
    for _created, old in ours[: max(0, len(ours) - (max(1, generations) - 1))]:
        with contextlib.suppress(OSError):
            old.unlink()


def _log(
    store: Store, action: str, medium: str, file: str, sha: str, size: int, result: str, detail: str = ""
) -> None:
    with store.session() as s:
        media_ledger.add(s, action, operator=store.actor, medium=medium, file=file, sha256=sha, size=size,
                         result=result, detail=detail)  # fmt: skip
        audit.record(s, action, target=file, detail={"medium": medium, "sha256": sha, "result": result})
        s.commit()


def media_log(store: Store) -> list[MediaLog]:
    with store.session() as s:
        return list(s.scalars(select(MediaLog).order_by(MediaLog.id.desc())))


# --- reading and verifying -------------------------------------------------------------------------

def _read_keys(path: Path, manifest: Manifest) -> bytes:
    try:
        with open_zip(path) as z:
            keys = bounded.zip_entry(z, KEYS_NAME, MAX_KEYS, BackupInvalid, "鍵ファイル")
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise BackupInvalid(BROKEN) from exc
    if _sha256(keys) != manifest.keys_sha256:
        raise BackupInvalid("バックアップファイルの中身が目録と一致しません（壊れています）")
    return keys


def _db_span(path: Path) -> tuple[int, int]:
    """Where the database's bytes lie in the file (stored, so they are the database itself)."""
    with open_zip(path) as z:
        info = z.getinfo(DB_NAME)
    if info.compress_type != zipfile.ZIP_STORED:
        raise BackupInvalid("つなぎのバックアップファイルではありません（形式が違います）")
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise BackupInvalid(BROKEN)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    return start, start + info.file_size


def _drop_cache(path: Path) -> bool:
    """After an fsync the file's pages in the OS cache are clean; dropping them makes the next read come
    from the stick itself. Returns whether this platform could (Linux, Windows; elsewhere the read-back
    may be served from memory)."""
    if hasattr(os, "posix_fadvise"):
        with open(path, "rb") as fh:
            os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        return True
    if os.name == "nt":
        return _purge_windows_cache(path)
    return False


def _purge_windows_cache(path: Path) -> bool:
    # Windows has no fadvise: opening a file without buffering (FILE_FLAG_NO_BUFFERING) makes the cache
    # manager flush and purge the pages it holds for that file, so the read-back that follows (a fresh,
    # buffered handle) reads the medium. Our own handles are all closed by now.
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.CreateFileW.restype = wintypes.HANDLE
    kernel32.CreateFileW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, wintypes.LPVOID,
                                     wintypes.DWORD, wintypes.DWORD, wintypes.HANDLE]  # fmt: skip
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    generic_read, share_all, open_existing, no_buffering = 0x80000000, 0x7, 3, 0x20000000
    handle = kernel32.CreateFileW(str(path), generic_read, share_all, None, open_existing, no_buffering, None)
    if handle in (None, wintypes.HANDLE(-1).value):
        return False
    kernel32.CloseHandle(handle)
    return True


def _read_back(path: Path, manifest: Manifest, keys: bytes, progress: Progress) -> str:
    """The written file read back from the medium, every byte: the database part must hash to what was
    written, and the key slots, the manifest and the ZIP directory must read back as written."""
    _drop_cache(path)
    sha = _read_through(path, manifest, progress, "書き込んだファイルを読み戻しています")
    if read_manifest(path) != manifest or _read_keys(path, manifest) != keys:
        raise BackupInvalid("目録か鍵の部分が書いた内容と一致しません")
    return sha


def _read_through(path: Path, manifest: Manifest, progress: Progress, what: str, *, out=None) -> str:
    """One pass over a backup file: the database inside must hash to the manifest's SHA-256, and is
    copied to ``out`` on the way when given. Returns the SHA-256 of the whole file (for the ledger)."""
    start, end = _db_span(path)
    if end - start != manifest.db_size:
        raise BackupInvalid("バックアップファイルの中身が目録と一致しません（壊れています）")
    whole, db = hashlib.sha256(), hashlib.sha256()
    total = Path(path).stat().st_size
    # The two hashes of each block side by side, the whole file's on a second thread (hashlib lets go of
    # the interpreter lock for a block): one after the other they were a third of a restore here.
    with open(path, "rb") as fh, ThreadPoolExecutor(1, thread_name_prefix="tsunagi-hash") as hasher:
        pos = 0
        for block in iter(lambda: fh.read(CHUNK), b""):
            hashed = hasher.submit(whole.update, block)
            lo, hi = max(start - pos, 0), min(end - pos, len(block))
            if lo < hi:
                part = memoryview(block)[lo:hi]
                db.update(part)
                if out is not None:
                    out.write(part)
            hashed.result()
            pos += len(block)
            progress(pos, total, what)
    if pos != total or db.hexdigest() != manifest.db_sha256:
        raise BackupInvalid("バックアップファイルの中身が目録と一致しません（壊れています）")
    return whole.hexdigest()


@dataclass
class Verified:
    manifest: Manifest
    db: Path
    keys: Path
    unlocked: Unlocked
    sha256: str  # of the whole file


def verify_backup(
    path: Path, work: Path, *, passphrase: str | None = None, recovery_key: str | None = None, user: str | None = None,
    pc_secrets: PcSecrets | None = None, progress: Progress | None = None,
) -> Verified:  # fmt: skip
    """Check a backup completely with the given secret, extracting it into ``work``. Changes nothing else.

    The key is unwrapped (Argon2id for a passphrase) while the database is copied out and hashed."""
    progress = progress or (lambda *_: None)
    if passphrase is None and recovery_key is None:
        raise InvalidInput("パスフレーズか回復キーを指定してください")
    path = Path(path)
    manifest = read_manifest(path)
    keys, db = work / KEYS_NAME, work / DB_NAME
    try:
        with ThreadPoolExecutor(1) as pool:
            _write_durably(keys, _read_keys(path, manifest))
            keyfile = KeyFile.load(keys, pc_secrets)
            unlocking = pool.submit(
                keyfile.unlock, passphrase=passphrase, recovery_key=recovery_key, user=user
            )
            with private_open(db, "wb") as out:
                sha = _read_through(path, manifest, progress, "バックアップを読み込んでいます", out=out)
                out.flush()
                os.fsync(out.fileno())  # it becomes the live database: on disk before any rename
            unlocked = unlocking.result()
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise BackupFailed(
                "このPCの空き容量が足りないため、復元できません。データは変わっていません"
            ) from exc
        raise BackupInvalid(
            f"バックアップファイルを読めませんでした（{exc.strerror or exc}）。媒体が抜かれていないか確認してください。"
            "データは変わっていません"
        ) from exc
    counts = _check_database(db, unlocked.data_key, progress)
    with contextlib.closing(connect(db, unlocked.data_key)) as conn:  # the chains end where the manifest says
        if problem := anchor.backup_heads_problem(conn, manifest.chain_heads):
            raise BackupInvalid(problem)
    if counts != manifest.counts:
        raise BackupInvalid("バックアップの件数が目録と一致しません")
    return Verified(manifest, db, keys, unlocked, sha)


def _write_durably(path: Path, data: bytes) -> None:
    with private_open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def check_only(path: Path, **secret) -> Manifest:
    """``verify-backup``: the whole check, in a temporary folder that is removed afterwards."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tsunagi-verify-") as tmp:
        return verify_backup(Path(path), Path(tmp), **secret).manifest


# --- restore ---------------------------------------------------------------------------------------


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from app.services.store.store import _alembic_config

    return {rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


class OtherStoreBackup(TsunagiError):
    """The backup is of another store than the one in the data folder; restoring it needs a yes."""

    exit_code = 2

    def __init__(self, message: str, manifest: Manifest):
        super().__init__(message)
        self.manifest = manifest


def other_store(path: Path, data_dir: Path) -> Manifest | None:
    """The backup's manifest when it belongs to another store than ``data_dir``'s (another town, or a store
    made anew), else None. None too when ``data_dir`` has no readable key file: nothing to mix up then."""
    manifest = read_manifest(path)
    try:
        current = KeyFile.load(Path(data_dir) / KEYS_NAME).store_id
    except TsunagiError:
        return None
    return manifest if manifest.store_id != current else None


def other_store_message(manifest: Manifest) -> str:
    return (
        f"このバックアップ（{manifest.summary()}）は、今のデータとは別のデータ（別の町、または作り直したデータ）のものです。"
        "復元すると、今のデータは退避されたうえで、このバックアップの内容に置き換わります"
    )


def restore(
    path: Path, data_dir: Path, *, allow_other_store: bool = False, **options
) -> Store:
    """Verify, keep a copy of the current store, swap the files in under a journal, open (migrating an
    older schema forward). Nothing in ``data_dir`` changes unless the backup verified completely.

    The data folder is held for the whole restore (app.services.store.folder_lock): while another process has
    it open — the GUI, a CLI command — the restore is refused before anything is read, so no save of
    theirs can land in a file swapped out from under them. A backup of another store is refused unless
    ``allow_other_store`` (the GUI asks; the CLI needs ``--allow-other-store``). ``options``: passphrase,
    recovery_key, user, progress, medium, pc_secrets, carry (see ``_restore``)."""
    data_dir = Path(data_dir)
    with folder_lock.hold(data_dir):
        if not allow_other_store and (other := other_store(Path(path), data_dir)) is not None:
            raise OtherStoreBackup(other_store_message(other), other)
        return _restore(path, data_dir, **options)


def _restore(
    path: Path, data_dir: Path, *, passphrase: str | None = None, recovery_key: str | None = None, user: str | None = None,
    progress: Progress | None = None, medium: str = "", pc_secrets: PcSecrets | None = None,
    carry: list[dict] | None = None, _before_swap: Callable[[], None] | None = None,
) -> Store:  # fmt: skip
    progress = progress or (lambda *_: None)
    data_dir = Path(data_dir)
    private_dir(data_dir)
    restore_journal.recover_interrupted_restore(data_dir)
    work = _work(data_dir)
    try:
        verified = verify_backup(Path(path), work, passphrase=passphrase, recovery_key=recovery_key, user=user,
                                 pc_secrets=pc_secrets, progress=progress)  # fmt: skip
        if verified.manifest.schema not in _known_revisions():
            raise BackupInvalid(
                "このバックアップは、より新しい版のつなぎで作られています。つなぎを新しい版に更新してから復元してください"
            )
        progress(0, 1, "今のデータを退避しています")
        try:
            journal = restore_journal.keep_current(data_dir)
        except OSError as exc:
            raise BackupFailed(
                f"今のデータを退避できませんでした（{exc.strerror or exc}）。空き容量を確認してください。データは変わっていません"
            ) from exc
        progress(0, 1, "復元しています")
        try:
            # Every handle on these files is closed by now (Windows refuses to replace an open file); a
            # brief hold by a scanner is waited out (fileio.replace_file).
            for name in (f"{DB_NAME}-wal", f"{DB_NAME}-shm"):  # they belong to the old database
                remove_file(data_dir / name)
            replace_file(verified.keys, data_dir / KEYS_NAME)
            if _before_swap is not None:
                _before_swap()  # fault tests stop here, half-way
            replace_file(verified.db, data_dir / DB_NAME)
            fsync_dir(data_dir)
            remove_file(journal, missing_ok=False)
            fsync_dir(data_dir)
        except OSError as exc:
            restore_journal.recover_interrupted_restore(data_dir)
            raise BackupFailed(
                f"復元の途中で失敗したため、元のデータに戻しました（{exc.strerror or exc}）"
            ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    keyfile = KeyFile.load(data_dir / KEYS_NAME, pc_secrets)
    store = Store.open_unlocked(data_dir, keyfile, verified.unlocked, passphrase)
    if carry:  # 持出し記録 rows the replaced store wrote after the backup (restore_preview), before ours
        carry_ledger(store, carry)
    # The restored data predates its own backup: that backup exists, so ホーム must not say there is none.
    last = store.setting(LAST_BACKUP_KEY)
    if not last or last < verified.manifest.created_at:
        store.set_setting(LAST_BACKUP_KEY, verified.manifest.created_at)
    source = Path(path)
    _log(
        store,
        "restore",
        medium or str(source.parent),
        source.name,
        verified.sha256,
        source.stat().st_size,
        "ok",
    )
    progress(1, 1, "復元しました")
    return store


def days_since_backup(store: Store, today: datetime | None = None) -> int | None:
    last = store.setting(LAST_BACKUP_KEY)
    if not last:
        return None
    return ((today or now()) - datetime.fromisoformat(last)).days


# --- for the restore screen: what is about to happen, in words ----------------------------------------


@dataclass(frozen=True)
class RestorePreview:
    manifest: Manifest
    made: str  # when the backup was made, in 和暦
    backup_counts: dict[str, int]
    current_counts: dict[str, int]
    later_ledger: list[dict]  # 持出し記録 rows after the backup: carried over into the restored store


def restore_preview(store: Store, manifest: Manifest) -> RestorePreview:
    made_at = datetime.fromisoformat(manifest.created_at)
    with store.session() as s:
        later = media_ledger.entries_after(s, made_at)
    made = f"{format_wareki(made_at.date())} {made_at:%H:%M}"
    return RestorePreview(manifest, made, dict(manifest.counts), store.counts(), later)


def carry_ledger(store: Store, entries: list[dict]) -> int:
    """The 持出し記録 rows of the replaced store that came after the backup, into the restored one."""
    with store.session() as s:
        n = media_ledger.carry_over(s, entries)
        s.commit()
    return n


def safety_copy_of_last_restore(data_dir: Path) -> Path | None:
    copies = sorted((Path(data_dir) / SAFETY_DIR).glob("*-before-restore"))
    return copies[-1] if copies else None


def restore_start_folder(store: Store) -> Path | None:
    with store.session() as s:
        folders = media_ledger.folders_for_restore(s)
    return folders[0] if folders else None
