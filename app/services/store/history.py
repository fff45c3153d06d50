"""Automatic who/when/old/new history for every domain row.

Hooked to the store's sessions: after each flush, every tracked object that was inserted, changed or
deleted gets one ``ChangeRecord`` in the same transaction, so history can never disagree with the data.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import NO_VALUE

from app.models import ChangeRecord, now
from app.services.common.chain import GENESIS, HISTORY, HISTORY_ROWS, Head, history_digest, note_base

_PLAIN = (str, int, bool, float, type(None))


def _jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:  # most columns: nothing to convert (checked first; an import converts 200,000)
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _row_id(obj: Any) -> str:
    # The identity key is not yet assigned to new objects inside after_flush; read the primary key.
    return ":".join(str(v) for v in inspect(obj).mapper.primary_key_from_instance(obj))


def _tracked(obj: Any) -> bool:
    return getattr(type(obj), "__tracked__", False)


def _secondary_ids(items) -> list:
    return sorted(_row_id(i) for i in items)


def _snapshot(obj: Any, *, committed: bool) -> dict:
    """Column values (and many-to-many id lists) as they are now, or as they were before this flush."""
    state = inspect(obj)
    out = {}
    loaded = state.dict
    for col in state.mapper.column_attrs:
        if committed:
            hist = state.attrs[col.key].history
            value = hist.deleted[0] if hist.deleted else (hist.unchanged[0] if hist.unchanged else None)
        elif col.key in loaded:
            value = loaded[col.key]  # what was just written: no history to compute (an import writes thousands)
        else:
            value = state.attrs[col.key].value
        out[col.key] = _jsonable(value)
    for rel in state.mapper.relationships:
        if rel.secondary is not None:
            hist = state.attrs[rel.key].history
            items = list(hist.unchanged) + list(hist.deleted if committed else hist.added)
            out[rel.key] = _secondary_ids(items)
    return out


def _changes(obj: Any) -> tuple[dict, dict]:
    state = inspect(obj)
    old, new = {}, {}
    for col in state.mapper.column_attrs:
        hist = state.attrs[col.key].history
        if hist.has_changes():
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if before is NO_VALUE:
                before = None
            if before != after:
                old[col.key], new[col.key] = _jsonable(before), _jsonable(after)
    for rel in state.mapper.relationships:
        if rel.secondary is not None:
            hist = state.attrs[rel.key].history
            if hist.has_changes():
                old[rel.key] = _secondary_ids(list(hist.unchanged) + list(hist.deleted))
                new[rel.key] = _secondary_ids(list(hist.unchanged) + list(hist.added))
    return old, new


def _after_flush(session: Session, _flush_context) -> None:
    actor = session.info.get("actor") or "system"
    at = now()
    rows = []
    for obj in session.new:
        if _tracked(obj):
            rows.append(dict(action="insert", obj=obj, old=None, new=_snapshot(obj, committed=False)))
    for obj in session.dirty:
        if _tracked(obj) and session.is_modified(obj):
            old, new = _changes(obj)
            if old or new:
                rows.append(dict(action="update", obj=obj, old=old, new=new))
    for obj in session.deleted:
        if _tracked(obj):
            rows.append(dict(action="delete", obj=obj, old=_snapshot(obj, committed=True), new=None))
    if rows:
        conn = session.connection()
        # Chained like the audit log: numbered on from the last record, each hash covering the one
        # before. (The flush above holds the write lock, so no one else appends in between.)
        last = conn.execute(
            select(ChangeRecord.id, ChangeRecord.hash).order_by(ChangeRecord.id.desc()).limit(1)
        ).first()
        last_id, prev = (last.id, last.hash) if last else (0, GENESIS)
        note_base(session, HISTORY, Head(last_id, prev))
        values = []
        for entry_id, r in enumerate(rows, start=last_id + 1):
            # The JSON text exactly as the JSON column would have stored it (json.dumps; None as 'null'),
            # and hashed as such.
            old, new = json.dumps(r["old"]), json.dumps(r["new"])
            v = dict(id=entry_id, at=at, actor=actor, table_name=r["obj"].__tablename__,
                     row_id=_row_id(r["obj"]), action=r["action"], old=old, new=new, prev_hash=prev)  # fmt: skip
            v["hash"] = prev = history_digest(**{("entry_id" if k == "id" else k): x for k, x in v.items()})
            values.append(v)
        conn.execute(insert(HISTORY_ROWS), values)


def install(factory: sessionmaker) -> None:
    event.listen(factory, "after_flush", _after_flush)
