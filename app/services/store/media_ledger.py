"""持出し管理簿 (MediaLog): every file that leaves the store by a path someone chose — a backup, a
saved PDF, an export — with the medium it went to, its name, SHA-256 and size, so the town can
account for every copy of personal data that exists outside the encrypted store.

A row is added in the caller's session, so it commits with the act it records (and its audit entry)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import MediaLog
from app.services.store import media

# What the 管理簿 (screen and print) calls each act.
ACTIONS = {
    "backup": "バックアップ",
    "restore": "復元",
    "verify": "確認",
    "pdf": "PDF保存",
    "export": "書き出し",
}


def medium_of(path: Path) -> str:
    """The removable drive's label (and serial) when ``path`` is on one, else the folder it went to."""
    path = Path(path).absolute()
    for found in media.removable_media():
        if path.is_relative_to(found.path):
            return found.label
    return str(path.parent)


def add(
    session: Session,
    action: str,
    *,
    operator: str,
    medium: str,
    file: str,
    sha256: str = "",
    size: int = 0,
    result: str = "ok",
    detail: str = "",
) -> MediaLog:
    if action not in ACTIONS:
        raise ValueError(f"unknown media log action {action!r}")
    row = MediaLog(action=action, operator=operator, medium=medium, file=file, sha256=sha256, size=size,
                   result=result, detail=detail)  # fmt: skip
    session.add(row)
    return row


def add_file(session: Session, action: str, path: Path, data: bytes, *, operator: str) -> MediaLog:
    """The row for ``data`` just written to ``path`` (a PDF saved, an export written)."""
    path = Path(path)
    return add(session, action, operator=operator, medium=medium_of(path), file=path.name,
               sha256=hashlib.sha256(data).hexdigest(), size=len(data))  # fmt: skip


def backup_folders(session: Session) -> list[Path]:
    """The folders backups were written to or restored from, as the 管理簿 names them."""
    rows = session.scalars(
        select(MediaLog.medium).where(MediaLog.action.in_(("backup", "restore"))).distinct()
    )
    return folders_named(rows)


def folders_named(mediums) -> list[Path]:
    """The folders in the 管理簿's medium column: a folder, or 「ラベル（フォルダ）」 for a removable drive
    (app.services.store.media.describe). A bare label names no folder."""
    folders: list[Path] = []
    for medium in mediums:
        text = medium.strip()
        if text.endswith("）") and "（" in text:
            text = text[text.rfind("（") + 1 : -1]
        if text and Path(text).is_absolute() and Path(text) not in folders:
            folders.append(Path(text))
    return folders
