"""USB backup and restore that never loses data.

A backup is one file, ``tsunagi-YYYYMMDD-HHMM.tsbk``: a ZIP (stored, not compressed — the database is
encrypted and would not shrink) holding

    manifest.json   format, app version, schema revision, SQLCipher version, created at, row counts,
                    SHA-256 of the two files below
    tsunagi.db      a consistent snapshot of the still-encrypted database (SQLite online backup)
    tsunagi.keys    the key slots that do not depend on this PC: portable passphrase slots, recovery key

It is written under a temporary name, flushed and fsynced, then reopened and verified (hashes, decrypt,
``cipher_integrity_check``, ``integrity_check``, row counts) and only then renamed: a pulled stick or a
full disk leaves at worst a stray ``.partial`` file, never a damaged backup or a touched live store.

A restore verifies the file before touching anything, keeps a copy of the current store, and writes a
journal (``restore.pending``) so that a restore interrupted half-way is rolled back at the next start.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlcipher3
from sqlalchemy import select

from app import __version__
from app.models import MediaLog, now
from app.services import audit
from app.services.errors import InvalidInput, TsunagiError
from app.services.fileio import fsync_dir
from app.services.keyslots import KeyFile, PcSecrets
from app.services.store import DB_NAME, KEYS_NAME, SAFETY_DIR, Store, connect, head_revision

FORMAT = "tsunagi-backup/1"
SUFFIX = ".tsbk"
MANIFEST = "manifest.json"
JOURNAL = "restore.pending"
WORK_DIR = ".backup-work"
CHUNK = 1 << 20
DEFAULT_GENERATIONS = 5
LAST_BACKUP_KEY = "backup.last"

Progress = Callable[[int, int, str], None]  # done, total, what is happening (Japanese)


class BackupInvalid(TsunagiError):
    """The file is not a whole, readable backup of ours."""

    exit_code = 2


class BackupFailed(TsunagiError):
    pass


@dataclass(frozen=True)
class Manifest:
    format: str
    app_version: str
    schema: str
    sqlcipher_version: str
    created_at: str
    store_id: str
    town: str
    counts: dict[str, int]
    db_sha256: str
    keys_sha256: str
    db_size: int

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        doc = json.loads(raw)
        return cls(**{k: doc[k] for k in cls.__dataclass_fields__})

    def summary(self) -> str:
        households = self.counts.get("households", 0)
        persons = self.counts.get("persons", 0)
        return (f"{self.town}　作成 {self.created_at[:16].replace('T', ' ')}　世帯 {households:,} 件・世帯員 {persons:,} 人"
                f"　つなぎ {self.app_version}（データ形式 {self.schema}）")  # fmt: skip


@dataclass(frozen=True)
class BackupResult:
    path: Path
    sha256: str
    size: int
    manifest: Manifest


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


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


def _check_database(db: Path, key: bytes) -> dict[str, int]:
    """Decrypt and check every page; returns the row counts. Raises BackupInvalid on any damage."""
    try:
        with contextlib.closing(connect(db, key)) as conn:
            problems = conn.execute("PRAGMA cipher_integrity_check").fetchall()
            if problems:
                raise BackupInvalid(
                    f"バックアップのデータベースに壊れたページがあります（{len(problems)} か所）"
                )
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupInvalid("バックアップのデータベースの整合性検査で問題が見つかりました")
            return _counts(conn)
    except sqlcipher3.dbapi2.DatabaseError as exc:
        raise BackupInvalid("バックアップのデータベースを開けません（壊れているか、鍵が合いません）") from exc


def _work(folder: Path) -> Path:
    work = folder / WORK_DIR
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    return work


def backup_name(at: datetime) -> str:
    return f"tsunagi-{at:%Y%m%d-%H%M%S}{SUFFIX}"


# --- backup ----------------------------------------------------------------------------------------


def create_backup(
    store: Store,
    dest_dir: Path,
    *,
    generations: int = DEFAULT_GENERATIONS,
    medium: str = "",
    progress: Progress | None = None,
    opener: Callable = open,
) -> BackupResult:
    """Write one verified backup file into ``dest_dir`` and keep the newest ``generations`` there.

    ``opener`` opens the destination file for writing; tests pass one that fails part-way, as a pulled
    stick or a full disk would.
    """
    progress = progress or (lambda *_: None)
    dest_dir = Path(dest_dir)
    if not dest_dir.is_dir():
        raise InvalidInput(f"保存先 {dest_dir} が見つかりません")
    at = now()
    final = dest_dir / backup_name(at)
    partial = final.with_name(final.name + ".partial")
    work = _work(store.folder)
    try:
        progress(0, 1, "データの写しを作っています")
        snapshot = work / DB_NAME
        key = store._key()
        with (
            contextlib.closing(connect(store.db_path, key)) as src,
            contextlib.closing(connect(snapshot, key)) as dst,
        ):
            src.backup(dst)  # SQLite online backup: a consistent copy while the app stays open
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            counts = _counts(dst)
        keys = work / KEYS_NAME
        keys.write_bytes(store.keyfile.for_backup(key).to_bytes())
        with store.session() as s:
            from app.models import Setting

            town = (s.get(Setting, "town.name") or Setting(value="")).value or ""
        manifest = Manifest(
            format=FORMAT, app_version=__version__, schema=head_revision(),
            sqlcipher_version=_sqlcipher_version(snapshot, key), created_at=at.isoformat(), store_id=store.keyfile.store_id,
            town=town, counts=counts, db_sha256=_sha256(snapshot), keys_sha256=_sha256(keys), db_size=snapshot.stat().st_size,
        )  # fmt: skip
        total = manifest.db_size
        try:
            with opener(partial, "wb") as raw:
                with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_STORED) as z:
                    z.writestr(MANIFEST, json.dumps(manifest.__dict__, ensure_ascii=False, indent=2))
                    z.write(keys, KEYS_NAME)
                    with open(snapshot, "rb") as src_file, z.open(DB_NAME, "w", force_zip64=True) as out:
                        done = 0
                        for block in iter(lambda: src_file.read(CHUNK), b""):
                            out.write(block)
                            done += len(block)
                            progress(done, total, "保存先に書き込んでいます")
                raw.flush()
                os.fsync(raw.fileno())
        except OSError as exc:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise BackupFailed(_write_error(exc, dest_dir)) from exc
        progress(0, 1, "書き込んだファイルを確かめています")
        try:
            _verify_file(partial, key, manifest, work)
        except BackupInvalid as exc:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise BackupFailed(
                f"書き込んだバックアップを読み戻して確かめたところ、一致しませんでした（{exc}）。保存先の媒体を確認してください"
            ) from exc
        os.replace(partial, final)
        fsync_dir(dest_dir)
        sha = _sha256(final)
        _prune(dest_dir, generations)
        result = BackupResult(final, sha, final.stat().st_size, manifest)
        _log(store, "backup", medium or str(dest_dir), final.name, sha, final.stat().st_size, "ok")
        store.set_setting(LAST_BACKUP_KEY, at.isoformat())
        return result
    except TsunagiError as exc:
        _log(store, "backup", medium or str(dest_dir), final.name, "", 0, "failed", str(exc))
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _sqlcipher_version(db: Path, key: bytes) -> str:
    with contextlib.closing(connect(db, key)) as conn:
        return conn.execute("PRAGMA cipher_version").fetchone()[0]


def _write_error(exc: OSError, dest: Path) -> str:
    import errno

    if exc.errno == errno.ENOSPC:
        return f"保存先（{dest}）の空き容量が足りません。古いバックアップを整理するか、別の媒体を使ってください。データは変わっていません"
    return f"保存先（{dest}）に書き込めませんでした（{exc.strerror or exc}）。媒体が抜かれていないか確認してください。データは変わっていません"


def _prune(dest_dir: Path, generations: int) -> None:
    """Keep the newest ``generations`` backups; stray .partial files from failed runs go too."""
    for stray in dest_dir.glob(f"tsunagi-*{SUFFIX}.partial"):
        with contextlib.suppress(OSError):
            stray.unlink()
    files = sorted(dest_dir.glob(f"tsunagi-*{SUFFIX}"))
    for old in files[: max(0, len(files) - generations)]:
        with contextlib.suppress(OSError):
            old.unlink()


def _log(
    store: Store, action: str, medium: str, file: str, sha: str, size: int, result: str, detail: str = ""
) -> None:
    with store.session() as s:
        s.add(MediaLog(action=action, operator=store.actor, medium=medium, file=file, sha256=sha, size=size,
                       result=result, detail=detail))  # fmt: skip
        audit.record(s, action, target=file, detail={"medium": medium, "sha256": sha, "result": result})
        s.commit()


def media_log(store: Store) -> list[MediaLog]:
    with store.session() as s:
        return list(s.scalars(select(MediaLog).order_by(MediaLog.id.desc())))


# --- reading and verifying -------------------------------------------------------------------------


def read_manifest(path: Path) -> Manifest:
    """What a backup holds, from its manifest, after checking the file is a whole ZIP of ours."""
    path = Path(path)
    if not path.is_file():
        raise BackupInvalid(f"ファイル {path} が見つかりません")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if not {MANIFEST, DB_NAME, KEYS_NAME} <= names:
                raise BackupInvalid("つなぎのバックアップファイルではありません（必要な中身がありません）")
            manifest = Manifest.from_json(z.read(MANIFEST))
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise BackupInvalid("バックアップファイルが途中で切れているか、壊れています") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupInvalid("バックアップファイルの目録（manifest）が読めません") from exc
    if manifest.format != FORMAT:
        raise BackupInvalid(f"対応していない形式のバックアップです（{manifest.format}）")
    return manifest


def _extract(path: Path, manifest: Manifest, work: Path) -> tuple[Path, Path]:
    try:
        with zipfile.ZipFile(path) as z:
            for name in (DB_NAME, KEYS_NAME):
                with z.open(name) as src, open(work / name, "wb") as out:
                    shutil.copyfileobj(src, out, CHUNK)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:  # includes a CRC mismatch from a flipped bit
        raise BackupInvalid("バックアップファイルが途中で切れているか、壊れています") from exc
    db, keys = work / DB_NAME, work / KEYS_NAME
    if _sha256(db) != manifest.db_sha256 or _sha256(keys) != manifest.keys_sha256:
        raise BackupInvalid("バックアップファイルの中身が目録と一致しません（壊れています）")
    return db, keys


def _verify_file(path: Path, key: bytes, manifest: Manifest, work: Path) -> None:
    check = work / "verify"
    check.mkdir(exist_ok=True)
    try:
        read_manifest(path)
        db, _keys = _extract(path, manifest, check)
        counts = _check_database(db, key)
        if counts != manifest.counts:
            raise BackupInvalid("バックアップの件数が元のデータと一致しません")
    finally:
        shutil.rmtree(check, ignore_errors=True)


@dataclass
class Verified:
    manifest: Manifest
    db: Path
    keys: Path
    data_key: bytes
    user: str | None


def verify_backup(
    path: Path, work: Path, *, passphrase: str | None = None, recovery_key: str | None = None, user: str | None = None,
    pc_secrets: PcSecrets | None = None,
) -> Verified:  # fmt: skip
    """Check a backup completely with the given secret, extracting it into ``work``. Changes nothing else."""
    manifest = read_manifest(path)
    db, keys = _extract(path, manifest, work)
    keyfile = KeyFile.load(keys, pc_secrets)
    if recovery_key is not None:
        unlocked = keyfile.unlock_with_recovery(recovery_key)
    elif passphrase is not None:
        unlocked = keyfile.unlock_with_passphrase(passphrase, user)
    else:
        raise InvalidInput("パスフレーズか回復キーを指定してください")
    counts = _check_database(db, unlocked.data_key)
    if counts != manifest.counts:
        raise BackupInvalid("バックアップの件数が目録と一致しません")
    return Verified(manifest, db, keys, unlocked.data_key, unlocked.user)


def check_only(path: Path, **secret) -> Manifest:
    """``verify-backup``: the whole check, in a temporary folder that is removed afterwards."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tsunagi-verify-") as tmp:
        return verify_backup(Path(path), Path(tmp), **secret).manifest


# --- restore ---------------------------------------------------------------------------------------


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from app.services.store import _alembic_config

    return {rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def restore(
    path: Path, data_dir: Path, *, passphrase: str | None = None, recovery_key: str | None = None, user: str | None = None,
    progress: Progress | None = None, medium: str = "", pc_secrets: PcSecrets | None = None,
    _before_swap: Callable[[], None] | None = None,
) -> Store:  # fmt: skip
    """Verify, keep a copy of the current store, swap the files in under a journal, open (migrating an
    older schema forward). Nothing in ``data_dir`` changes unless the backup verified completely."""
    progress = progress or (lambda *_: None)
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    recover_interrupted_restore(data_dir)
    work = _work(data_dir)
    try:
        progress(0, 3, "バックアップを確かめています")
        verified = verify_backup(Path(path), work, passphrase=passphrase, recovery_key=recovery_key, user=user,
                                 pc_secrets=pc_secrets)  # fmt: skip
        if verified.manifest.schema not in _known_revisions():
            raise BackupInvalid(
                "このバックアップは、より新しい版のつなぎで作られています。つなぎを新しい版に更新してから復元してください"
            )
        progress(1, 3, "今のデータを退避しています")
        safety = None
        if (data_dir / DB_NAME).exists() or (data_dir / KEYS_NAME).exists():
            safety = data_dir / SAFETY_DIR / f"{now():%Y%m%d-%H%M%S}-before-restore"
            safety.mkdir(parents=True)
            for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", KEYS_NAME):
                if (data_dir / name).exists():
                    shutil.copy2(data_dir / name, safety / name)
            fsync_dir(safety)
        journal = data_dir / JOURNAL
        journal.write_text(json.dumps({"safety": str(safety) if safety else None}), encoding="utf-8")
        fsync_dir(data_dir)
        progress(2, 3, "復元しています")
        for name in (f"{DB_NAME}-wal", f"{DB_NAME}-shm"):  # they belong to the old database
            with contextlib.suppress(FileNotFoundError):
                (data_dir / name).unlink()
        os.replace(verified.keys, data_dir / KEYS_NAME)
        if _before_swap is not None:
            _before_swap()  # fault tests stop here, half-way
        os.replace(verified.db, data_dir / DB_NAME)
        fsync_dir(data_dir)
        journal.unlink()
        fsync_dir(data_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    store = Store.open(
        data_dir, passphrase=passphrase, recovery_key=recovery_key, user=user, pc_secrets=pc_secrets
    )
    _log(
        store,
        "restore",
        medium or str(Path(path).parent),
        Path(path).name,
        _sha256(Path(path)),
        Path(path).stat().st_size,
        "ok",
    )
    progress(3, 3, "復元しました")
    return store


def recover_interrupted_restore(data_dir: Path) -> bool:
    """A restore stopped between its renames: put the store back as it was. Returns whether it did."""
    journal = Path(data_dir) / JOURNAL
    if not journal.exists():
        return False
    try:
        safety = json.loads(journal.read_text(encoding="utf-8")).get("safety")
    except ValueError:
        safety = None
    for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", KEYS_NAME):
        with contextlib.suppress(FileNotFoundError):
            (Path(data_dir) / name).unlink()
    if safety:
        for item in Path(safety).iterdir():
            shutil.copy2(item, Path(data_dir) / item.name)
    fsync_dir(Path(data_dir))
    journal.unlink()
    return True


def days_since_backup(store: Store, today: datetime | None = None) -> int | None:
    last = store.setting(LAST_BACKUP_KEY)
    if not last:
        return None
    return ((today or now()) - datetime.fromisoformat(last)).days
