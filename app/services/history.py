"""Automatic who/when/old/new history for every domain row.

Hooked to the store's sessions: after each flush, every tracked object that was inserted, changed or
deleted gets one ``ChangeRecord`` in the same transaction, so history can never disagree with the data.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import NO_VALUE

from app.models import ChangeRecord, now


def _jsonable(value: Any) -> Any:
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
    for col in state.mapper.column_attrs:
        hist = state.attrs[col.key].history
        if committed:
            value = hist.deleted[0] if hist.deleted else (hist.unchanged[0] if hist.unchanged else None)
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
        session.connection().execute(
            insert(ChangeRecord.__table__),
            [
                dict(
                    at=at,
                    actor=actor,
                    table_name=r["obj"].__tablename__,
                    row_id=_row_id(r["obj"]),
                    action=r["action"],
                    old=r["old"],
                    new=r["new"],
                )
                for r in rows
            ],
        )


def install(factory: sessionmaker) -> None:
    event.listen(factory, "after_flush", _after_flush)
