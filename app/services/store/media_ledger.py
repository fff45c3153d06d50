"""持出し管理簿 (MediaLog): every file that leaves the store by a path someone chose — a backup, a
saved PDF, an export — with the medium it went to, its name, SHA-256 and size, so the town can
account for every copy of personal data that exists outside the encrypted store.

A row is added in the caller's session, so it commits with the act it records (and its audit entry)."""

from __future__ import annotations

import hashlib
from datetime import datetime
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


def entries_after(session: Session, since: datetime) -> list[dict]:
    """The 管理簿 rows written after ``since`` (a backup's creation): a restore would drop them with the
    rest of what came later, so the restore carries them over (carry_over)."""
    # ">=": times are to the second, and the backup's own row is often written in the second it began.
    rows = session.scalars(select(MediaLog).where(MediaLog.at >= since).order_by(MediaLog.id))
    keys = ("at", "action", "operator", "medium", "file", "sha256", "size", "result", "detail")
    return [{k: getattr(r, k) for k in keys} for r in rows]


def carry_over(session: Session, entries: list[dict]) -> int:
    """Write rows kept from the store a restore replaced, marked as such, before the restore's own row."""
    for entry in entries:
        detail = "（復元前の記録から引き継ぎ）" + (f" {entry['detail']}" if entry["detail"] else "")
        session.add(MediaLog(**(entry | {"detail": detail})))
    return len(entries)


def folders_for_restore(session: Session) -> list[Path]:
    """Where backups were written, newest first, for the restore's file dialog to start in."""
    rows = session.scalars(
        select(MediaLog.medium).where(MediaLog.action == "backup").order_by(MediaLog.id.desc())
    )
    return [f for f in folders_named(rows) if f.is_dir()]
