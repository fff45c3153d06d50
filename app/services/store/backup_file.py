"""The backup file: a stored ZIP of the encrypted database, its key file and a manifest (what it holds,
hashes, the audit chains' heads). Reading the manifest is all the store needs to check a backup against
its own audit record; making, verifying and restoring backups is app.services.store.backup."""

from __future__ import annotations

import json
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from app.services.common import bounded
from app.services.common.errors import TsunagiError
from app.services.store.diagnosis import display_text
from app.services.store.layout import DB_NAME, KEYS_NAME

FORMAT = "tsunagi-backup/1"
MANIFEST = "manifest.json"
# The manifest is read into memory: its size is checked first, and reading stops at the cap
# (a 1.9 MB file can hold a "manifest" that inflates to gigabytes).
MAX_MANIFEST = 1 << 20


class BackupInvalid(TsunagiError):
    """The file is not a whole, readable backup of ours."""

    exit_code = 2


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
    # Each hash chain's head (count, hash) when the backup was made (app.services.store.anchor); None in
    # backups from before it was kept.
    chain_heads: dict | None = None

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        doc = json.loads(raw)
        optional = {"chain_heads"}
        return cls(**{k: doc[k] for k in cls.__dataclass_fields__ if k not in optional or k in doc})

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    def summary(self) -> str:
        households = self.counts.get("households", 0)
        persons = self.counts.get("persons", 0)
        # Every text here comes from the file: no control character reaches a terminal or a label.
        town, at, version, schema = (display_text(v, 60) for v in (self.town, self.created_at[:16].replace("T", " "),
                                                                     self.app_version, self.schema))  # fmt: skip
        return (f"{town}　作成 {at}　世帯 {households:,} 件・世帯員 {persons:,} 人"
                f"　つなぎ {version}（データ形式 {schema}）")  # fmt: skip


BROKEN = "バックアップファイルが途中で切れているか、壊れています"


def open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise BackupInvalid(BROKEN) from exc


def read_manifest(path: Path) -> Manifest:
    """What a backup holds, from its manifest, after checking the file is a whole ZIP of ours."""
    path = Path(path)
    if not path.is_file():
        raise BackupInvalid(f"ファイル {path} が見つかりません")
    try:
        with open_zip(path) as z:
            if not {MANIFEST, DB_NAME, KEYS_NAME} <= set(z.namelist()):
                raise BackupInvalid("つなぎのバックアップファイルではありません（必要な中身がありません）")
            raw = bounded.zip_entry(z, MANIFEST, MAX_MANIFEST, BackupInvalid, "目録（manifest）")
            manifest = Manifest.from_json(raw)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:  # includes a CRC mismatch from a flipped bit
        raise BackupInvalid(BROKEN) from exc
    except (ValueError, KeyError, TypeError, RecursionError) as exc:  # (huge numbers, deep nesting)
        raise BackupInvalid("バックアップファイルの目録（manifest）が読めません") from exc
    if manifest.format != FORMAT:
        raise BackupInvalid(f"対応していない形式のバックアップです（{display_text(manifest.format, 40)}）")
    return manifest
