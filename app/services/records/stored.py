"""Household records read from and written to the store: ORM models to records and back, and a fast
Core read of many households for the flag rules and the forms."""

from __future__ import annotations

import json

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session, selectinload

from app.models import CareRelation, Household, ParentLink, Person
from app.services.records.household_format import HOUSEHOLD_EXTRAS, MEMBER_EXTRAS, HouseholdRecord, Member

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
    "birth_earliest",
    "hikikomori_since_earliest",
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
            "closure_note",
            "note",
        )
    }
    return HouseholdRecord(id=h.code, address=h.address, members=members, extras=extras)


def loaded_options():
    return (
        selectinload(Household.members).selectinload(Person.parent_links),
        selectinload(Household.members).selectinload(Person.cares),
    )


def all_records(session: Session) -> list[HouseholdRecord]:
    return [
        to_record(h) for h in session.scalars(select(Household).options(*loaded_options()).order_by(Household.id))
    ]


_JSON_FIELDS = ("disability", "issues")


# What the flag rules read; names, kana, disability and contact fields are left out when only
# flags are wanted (about 40% less work per person on 120,000 people).
FLAG_FIELDS = ("sex", "birth_date", "relation", "marital", "work", "care_level", "needs_assistance", "medical_care",
               "hikikomori", "hikikomori_since", "issues", "lives_here", "deceased", "birth_earliest",
               "hikikomori_since_earliest")  # fmt: skip


def _person_columns(fields, extras):
    t = Person.__table__.c
    # JSON lists come back as text and are parsed only when not empty: most are "[]".
    cols = [type_coerce(t[f], String) if f in _JSON_FIELDS else t[f] for f in fields]
    return (t.id, t.household_id, t.code, *cols, *(t[f] for f in extras), t.parents_explicit)


def load_records(
    session: Session, household_ids: list[int] | None = None, *, for_flags: bool = False
) -> dict[int, tuple[HouseholdRecord, dict[str, int]]]:
    """Households as exchange records, with each member code's person id, read with plain Core
    queries: the ORM's per-row work made evaluating 50,000 households take several seconds.
    ``for_flags`` reads only what the flag rules need (names come back empty)."""
    fields = FLAG_FIELDS if for_flags else _MEMBER_FIELDS
    # (the one extra a rule's reason says: an approximate ひきこもり start as it was written)
    extras_keys = ("hikikomori_since_text",) if for_flags else tuple(MEMBER_EXTRAS)
    conn = session.connection()
    h, p = Household.__table__.c, Person.__table__.c

    def scoped(stmt, column):
        return stmt if household_ids is None else stmt.where(column.in_(household_ids))

    households = {
        row[0]: HouseholdRecord(
            id=row[1], address=row[2], members=[], extras=dict(zip(HOUSEHOLD_EXTRAS, row[3:], strict=True))
        )
        for row in conn.execute(
            scoped(select(h.id, h.code, h.address, *(h[k] for k in HOUSEHOLD_EXTRAS)), h.id)
        )
    }
    codes: dict[int, str] = {}
    ids: dict[int, dict[str, int]] = {hid: {} for hid in households}
    explicit: dict[int, Member] = {}
    members: dict[int, Member] = {}
    n_fields, n_extras = len(fields), len(extras_keys)
    json_at = [fields.index(f) for f in _JSON_FIELDS if f in fields]
    stmt = scoped(select(*_person_columns(fields, extras_keys)), p.household_id).order_by(
        p.household_id, p.sort_order
    )
    defaults = {"name": ""} if for_flags else {}
    for row in conn.execute(stmt):
        pid, hid, code = row[0], row[1], row[2]
        values = list(row[3 : 3 + n_fields])
        for i in json_at:
            values[i] = json.loads(values[i]) if values[i] and values[i] != "[]" else []
        extras = dict(zip(extras_keys, row[3 + n_fields : 3 + n_fields + n_extras], strict=True))
        m = Member(id=code, extras=extras, **defaults, **dict(zip(fields, values, strict=True)))
        if row[-1]:
            m.parents = []
            explicit[pid] = m
        members[pid] = m
        codes[pid] = code
        households[hid].members.append(m)
        ids[hid][code] = pid
    scope = None if household_ids is None else list(members)
    link_stmt = select(ParentLink.__table__.c.child_id, ParentLink.__table__.c.parent_id)
    c = CareRelation.__table__.c
    care_stmt = select(c.carer_id, c.cared_id).order_by(c.carer_id, c.sort_order)
    if scope is not None:
        link_stmt = link_stmt.where(ParentLink.__table__.c.child_id.in_(scope))
        care_stmt = care_stmt.where(c.carer_id.in_(scope))
    for child, parent in conn.execute(link_stmt):
        if child in explicit and parent in codes:
            explicit[child].parents.append(codes[parent])
    for carer, cared in conn.execute(care_stmt):
        if carer in members and cared in codes:
            members[carer].cares_for.append(codes[cared])
    return {hid: (rec, ids[hid]) for hid, rec in households.items()}
