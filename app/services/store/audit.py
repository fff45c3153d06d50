"""Append-only, hash-chained audit log of sensitive acts.

Each entry's hash covers the previous entry's hash and all of its own columns, so changing or removing
any entry (even with the key, even with the database triggers dropped) breaks the chain from there on.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry, now
from app.services.common.chain import AUDIT, GENESIS, Head, VerifyResult, audit_digest, note_base, walk

__all__ = ["ACTIONS", "GENESIS", "VerifyResult", "record", "verify"]

# The acts the app records; the Japanese word is what the 監査ログ screen shows.
ACTIONS = {
    "create": "データ作成",
    "open": "起動",
    "unlock": "サインイン",
    "unlock_failed": "サインイン失敗",
    "lock": "ロック",
    "view_household": "世帯の閲覧",
    "print": "印刷",
    "export": "書き出し",
    "import": "取り込み",
    "backup": "バックアップ",
    "restore": "復元",
    "settings": "設定変更",
    "users": "利用者の変更",
    "migrate": "データ形式の更新",
    "delete": "記録の削除",
}


_digest = audit_digest


def record(
    session: Session,
    action: str,
    target: str = "",
    detail: dict | None = None,
    *,
    actor: str | None = None,
    at: str | None = None,
) -> AuditEntry:
    """Append one entry in the session's transaction (it commits or rolls back with the act it records)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    entry_id, prev = (last.id + 1, last.hash) if last else (1, GENESIS)
    note_base(session, AUDIT, Head(entry_id - 1, prev))
    fields = dict(
        id=entry_id,
        at=at or now().isoformat(),
        actor=actor or session.info.get("actor") or "system",
        action=action,
        target=target,
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        prev_hash=prev,
    )
    entry = AuditEntry(
        **fields, hash=_digest(**{("entry_id" if k == "id" else k): v for k, v in fields.items()})
    )
    session.add(entry)
    session.flush()
    return entry


def verify(session: Session) -> VerifyResult:
    """The chain inside the database only; app.services.store.anchor.verify_store also compares its end
    with the record kept outside (key file, backups) and checks the row history."""
    return walk(session.connection(), AUDIT)
