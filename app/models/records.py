"""Settings, row history and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, now


class Setting(Base):
    """Town settings (町名, thresholds, …) as JSON values under a dotted key."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class ChangeRecord(Base):
    """One insert/update/delete of a domain row: who, when, old and new values. Written automatically by
    app.services.store.history; append-only (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "change_history"
    __tracked__ = False
    __table_args__ = (
        Index("ix_change_history_row", "table_name", "row_id"),
        # The updates of one table in a period: 統計's 就労 read from the history (1.2 s at 50,000
        # households when it read every change of every person).
        Index("ix_change_history_updates", "table_name", "at", sqlite_where=text("action = 'update'")),
        # The deletions only (a household's 履歴 finds its deleted records by their last values).
        Index("ix_change_history_deletions", "table_name", sqlite_where=text("action = 'delete'")),
        # A person's 介護・世話の関係 in the history, by carer and by the one cared for (households.history).
        *(
            Index(f"ix_change_history_{key}", text(f"json_extract(coalesce(new, old), '$.{key}')"),
                  sqlite_where=text("table_name = 'care_relations'"))
            for key in ("carer_id", "cared_id")
        ),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now)
    actor: Mapped[str] = mapped_column(String(64))
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10))  # insert / update / delete
    old: Mapped[dict | None] = mapped_column(JSON)
    new: Mapped[dict | None] = mapped_column(JSON)
    # Chained like the audit log (app.services.common.chain): editing, removing or inserting a record shows.
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")


class AuditEntry(Base):
    """Append-only, hash-chained log of sensitive acts (views, prints, exports, sign-ins, …).

    ``hash`` covers ``prev_hash`` and every other column, so editing or removing any entry breaks the
    chain from that entry on (app.services.store.audit.verify)."""

    __tablename__ = "audit_log"
    __tracked__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(32))  # ISO text, hashed exactly as stored
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON text
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class MediaLog(Base):
    """持出し記録: every backup and restore — date, medium, operator, file, hash, result (domain.md §12).
    Printed as the town's 管理簿."""

    __tablename__ = "media_log"
    __tracked__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now)
    action: Mapped[str] = mapped_column(String(20))  # backup / restore / verify
    operator: Mapped[str] = mapped_column(String(100))
    medium: Mapped[str] = mapped_column(String(200), default="")  # label and serial, or the folder
    file: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    size: Mapped[int] = mapped_column(default=0)
    result: Mapped[str] = mapped_column(String(20))  # ok / failed
    detail: Mapped[str] = mapped_column(Text, default="")
