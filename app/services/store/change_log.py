"""What each commit changed, kept by the store for the pages: every act announces itself through its
commit, so no caller can forget to, and a page re-reads only when a change since it last read concerns it.

The kinds and households of a commit are taken from the ORM objects flushed in it (every write of the
services goes through the ORM; the history's own rows and the audit log are bookkeeping, not shown data)."""

from __future__ import annotations

import threading

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from app.models import Household
from app.services.common.changes import Changes

# Table → the kind of record a page shows. Tables left out are bookkeeping no page lists as data.
TABLE_KINDS = {
    "households": "households", "persons": "members", "parent_links": "members", "care_relations": "members",
    "intakes": "intakes", "flags": "flags", "consents": "consents", "consent_agencies": "consents",
    "referrals": "referrals", "agencies": "agencies", "visits": "visits", "notes": "notes",
    "meetings": "meetings", "meeting_cases": "meetings", "meeting_types": "meetings", "support_bodies": "meetings",
    "support_plans": "plans", "assessments": "plans", "program_plans": "program", "program_setups": "program", "checklist_items": "program",
    "indicators": "program", "indicator_years": "program", "settings": "settings", "users": "settings",
    "media_log": "media", "participations": "participation", "participation_activities": "participation",
    "community_resources": "community", "community_activities": "community",
}  # fmt: skip
_PENDING = "tsunagi.changes"


class ChangeLog:
    """A numbered list of what each commit changed. ``count`` is where a reader stands; ``since(n)`` is all
    that changed after it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[Changes] = []

    @property
    def count(self) -> int:
        return len(self._entries)

    def since(self, count: int) -> Changes:
        with self._lock:
            out = Changes()
            for entry in self._entries[count:]:
                out = out | entry
            return out

    def add(self, changes: Changes) -> None:
        if changes:
            with self._lock:
                self._entries.append(changes)


def _household_of(obj) -> int | None:
    if isinstance(obj, Household):
        return obj.id
    return getattr(obj, "household_id", None)


def _after_flush(session: Session, _context) -> None:
    kinds, households, anywhere = set(), set(), False
    for obj in (*session.new, *session.dirty, *session.deleted):
        kind = TABLE_KINDS.get(getattr(getattr(obj, "__table__", None), "name", ""))
        if kind is None:
            continue
        kinds.add(kind)
        hid = _household_of(obj)
        if hid is not None:
            households.add(hid)
        elif kind in ("members", "consents"):
            anywhere = True  # a relation row names people, not a household: every household screen reads again
    if kinds:
        pending = session.info.setdefault(_PENDING, Changes())
        session.info[_PENDING] = pending | Changes(frozenset(kinds), frozenset(households), anywhere)


def install(factory: sessionmaker, log: ChangeLog) -> None:
    def committed(session: Session) -> None:
        log.add(session.info.pop(_PENDING, Changes()))

    def rolled_back(session: Session, _previous=None) -> None:
        session.info.pop(_PENDING, None)

    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "after_commit", committed)
    event.listen(factory, "after_rollback", rolled_back)
