"""Households in the store: import and export of the exchange format, and conversion both ways.

Import is all or nothing: one transaction, and every household id is checked against the store first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import CareRelation, Household, ParentLink, Person
from app.services import audit
from app.services.errors import InvalidInput
from app.services.household_format import MEMBER_EXTRAS, HouseholdRecord, Member
from app.services.store import Store

_MEMBER_FIELDS = (
    "name",
    "kana",
    "sex",
    "birth_date",
    "relation",
    "marital",
    "work",
    "care_level",
    "disability",
    "needs_assistance",
    "medical_care",
    "hikikomori",
    "hikikomori_since",
    "issues",
    "lives_here",
    "deceased",
)


def new_person(m: Member, order: int) -> Person:
    p = Person(code=m.id, sort_order=order, **{f: getattr(m, f) for f in _MEMBER_FIELDS}, **m.extras)
    p.disability, p.issues = list(m.disability), list(m.issues)
    p.parents_explicit = m.parents is not None
    return p


def to_model(record: HouseholdRecord) -> Household:
    h = Household(code=record.id, address=record.address, **record.extras)
    people = {m.id: new_person(m, i) for i, m in enumerate(record.members)}
    h.members = list(people.values())
    for m in record.members:
        person = people[m.id]
        for pid in m.parents or []:
            person.parent_links.append(ParentLink(parent=people[pid]))
        for i, cid in enumerate(m.cares_for):
            person.cares.append(CareRelation(cared=people[cid], sort_order=i))
    return h


def to_record(h: Household) -> HouseholdRecord:
    members = []
    for p in h.members:
        m = Member(
            id=p.code,
            **{f: getattr(p, f) for f in _MEMBER_FIELDS},
            parents=[link.parent.code for link in p.parent_links] if p.parents_explicit else None,
            cares_for=[c.cared.code for c in sorted(p.cares, key=lambda c: c.sort_order)],
        )
        m.disability, m.issues = list(p.disability or []), list(p.issues or [])
        m.extras = {k: getattr(p, k) for k in MEMBER_EXTRAS}
        members.append(m)
    extras = {
        k: getattr(h, k)
        for k in (
            "postal_code",
            "district",
            "housing",
            "phone",
            "status",
            "status_reason",
            "closure_reason",
            "note",
        )
    }
    return HouseholdRecord(id=h.code, address=h.address, members=members, extras=extras)


def _loaded():
    return (
        selectinload(Household.members).selectinload(Person.parent_links),
        selectinload(Household.members).selectinload(Person.cares),
    )


@dataclass(frozen=True)
class ImportResult:
    households: int
    persons: int


def import_records(store: Store, records: list[HouseholdRecord], source: str = "") -> ImportResult:
    with store.session() as s:
        codes = [r.id for r in records]
        existing = set()
        for i in range(0, len(codes), 500):
            existing |= set(s.scalars(select(Household.code).where(Household.code.in_(codes[i : i + 500]))))
        if existing:
            sample = "、".join(sorted(existing)[:5])
            raise InvalidInput(
                f"世帯 ID がすでに登録されています: {sample}{' ほか' if len(existing) > 5 else ''}"
                "（何も取り込んでいません）"
            )
        for r in records:
            s.add(to_model(r))
        result = ImportResult(len(records), sum(len(r.members) for r in records))
        audit.record(
            s, "import", target=source, detail={"households": result.households, "persons": result.persons}
        )
        s.commit()
    return result


def export_records(store: Store, destination: str = "") -> list[HouseholdRecord]:
    with store.session() as s:
        rows = s.scalars(select(Household).options(*_loaded()).order_by(Household.id))
        records = [to_record(h) for h in rows]
        audit.record(s, "export", target=destination, detail={"households": len(records)})
        s.commit()
    return records


def all_records(session: Session) -> list[HouseholdRecord]:
    return [
        to_record(h) for h in session.scalars(select(Household).options(*_loaded()).order_by(Household.id))
    ]
