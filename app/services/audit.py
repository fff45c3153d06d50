"""Append-only, hash-chained audit log of sensitive acts.

Each entry's hash covers the previous entry's hash and all of its own columns, so changing or removing
any entry (even with the key, even with the database triggers dropped) breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry, now

GENESIS = "0" * 64

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
}


def _digest(entry_id: int, at: str, actor: str, action: str, target: str, detail: str, prev_hash: str) -> str:
    payload = json.dumps([entry_id, at, actor, action, target, detail, prev_hash], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    bad_id: int | None = None
    problem: str = ""

    def message(self) -> str:
        if self.ok:
            return f"監査ログは正常です（{self.count}件、改ざんは見つかりませんでした）"
        return f"監査ログの第{self.bad_id}件目で連鎖が途切れています: {self.problem}"


def verify(session: Session) -> VerifyResult:
    prev, expected_id, count = GENESIS, 1, 0
    for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        if e.id != expected_id:
            return VerifyResult(False, count, expected_id, f"第{expected_id}件目が削除されています")
        if e.prev_hash != prev:
            return VerifyResult(False, count, e.id, "前の記録とのつながりが一致しません")
        if _digest(e.id, e.at, e.actor, e.action, e.target, e.detail, e.prev_hash) != e.hash:
            return VerifyResult(False, count, e.id, "記録の内容が書き換えられています")
        prev, expected_id, count = e.hash, e.id + 1, count + 1
    return VerifyResult(True, count)
