"""Finding households: one search box for name or kana in any script, 呼び名, address, phone or birth date.

Names are matched on stored keys (japanese.search_key: kana, long vowels, ヴ and kanji variants folded,
so 高橋 finds 髙橋) by indexed prefix ranges, so one- and two-character queries (山田, やま) work and
stay fast on 50,000 households; FTS5 trigram would match nothing under three characters. A word inside a
呼び名 or address is found by reading through their key indexes (one narrow row per household). The keys are kept in step by the store's flush hook
(app.services.store.search_keys), whatever code path edits a person.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Select, and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.models import FlagRecord, Household, Person
from app.services.common.japanese import DateInputError, parse_date, search_key
from app.services.store.store import Store

_TOP = chr(0x10FFFF)  # sorts after every character: [key, key+_TOP) is "starts with key"
# What a search box takes: no name, address or number is longer, and a 50 kB paste made SQLite's LIKE
# give up with an error ("pattern too complex"). Longer input is cut here; the box itself stops there.
MAX_QUERY = 100
_UNSEARCHABLE = re.compile(
    r"[\x00-\x1f\x7f\ud800-\udfff]"
)  # controls, lone surrogates (SQLite cannot bind them)
_PHONE = re.compile(r"^[\d\-‐－()（）\s]{3,}$")


# How well a household matched, best first: the whole name (or kana, 呼び名, code) typed, its start
# typed, or a word inside its 呼び名 or address.
EXACT, PREFIX, INSIDE = 0, 1, 2


def _starts_with(column, key: str):
    return and_(column >= key, column < key + _TOP)


def _prefix_rank(column, key: str):
    return case((column == key, EXACT), else_=PREFIX)


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    district: str | None = None
    household_ids: frozenset[int] | None = None
    flag_kind: str | None = None  # households with this 気づき, candidate or confirmed


def interpret(query: str) -> tuple[str, object]:
    """What the user typed: ("date", date), ("phone", digits), ("text", key) or ("all", None)."""
    text = unicodedata.normalize("NFKC", _UNSEARCHABLE.sub(" ", (query or "")[:MAX_QUERY])).strip()
    if not text:
        return "all", None
    if any(ch.isdigit() for ch in text):
        try:
            return "date", parse_date(text)
        except DateInputError:
            pass
        if _PHONE.match(text):
            digits = re.sub(r"\D", "", text)
            if len(digits) >= 3:
                return "phone", digits
    return "text", text


def matching_ids(query: str, filters: Filters | None = None) -> Select:
    """SELECT of matching household ids, best match first: a name, kana, 呼び名 or code typed in full,
    then one that starts with the query, then a word found inside a 呼び名 or address; registration
    order within each (stable for paging).

    Each way of matching is its own indexed lookup giving (id, rank) and the rows are combined with
    UNION ALL, so no query scans the wide households or persons tables (a single OR across them made
    SQLite do that); only the narrow label and address key indexes are read through for a word inside."""
    filters = filters or Filters()
    kind, value = interpret(query)
    ways: list[Select] = []
    if kind == "date":
        ways.append(select(Person.household_id, literal(EXACT)).where(Person.birth_date == value))
    elif kind == "phone":
        pattern = f"%{value}%"
        # "!= ''" lets SQLite use the partial indexes, which hold only rows that have a phone.
        ways.append(
            select(Household.id, literal(EXACT)).where(
                Household.phone_key != "", Household.phone_key.like(pattern)
            )
        )
        ways.append(
            select(Person.household_id, literal(EXACT)).where(
                Person.phone_key != "", Person.phone_key.like(pattern)
            )
        )
    elif kind == "text":
        key = search_key(value)
        for column in (Person.name_key, Person.kana_key, Person.given_key, Person.given_kana_key):
            ways.append(
                select(Person.household_id, _prefix_rank(column, key)).where(_starts_with(column, key))
            )
        ways.append(
            select(Household.id, _prefix_rank(Household.label_key, key)).where(
                _starts_with(Household.label_key, key)
            )
        )
        ways.append(
            select(Household.id, literal(INSIDE)).where(Household.label_key.contains(key, autoescape=True))
        )
        ways.append(
            select(Household.id, literal(INSIDE)).where(Household.address_key.contains(key, autoescape=True))
        )
        ways.append(select(Household.id, literal(EXACT)).where(Household.code == value))
    has_filters = filters.status or filters.district or filters.household_ids is not None or filters.flag_kind
    if not ways:
        stmt = select(Household.id)
        order = [Household.id]
    else:
        found = union_all(*ways).subquery()
        hid, rank = found.c[0], found.c[1]
        ranked = select(hid.label("id"), func.min(rank).label("rank")).group_by(hid).subquery()
        if not has_filters:
            # Counting and paging the ids needs no household row at all.
            return select(ranked.c.id).order_by(ranked.c.rank, ranked.c.id)
        stmt = select(Household.id).join(ranked, ranked.c.id == Household.id)
        order = [ranked.c.rank, Household.id]
    if filters.status:
        stmt = stmt.where(Household.status == filters.status)
    if filters.district:
        stmt = stmt.where(Household.district == filters.district)
    if filters.household_ids is not None:
        stmt = stmt.where(Household.id.in_(sorted(filters.household_ids)))
    if filters.flag_kind:
        stmt = stmt.where(
            Household.id.in_(
                select(FlagRecord.household_id).where(_showing, FlagRecord.kind == filters.flag_kind)
            )
        )
    return stmt.order_by(*order)


# A flag worth showing: still firing (or set by hand) and not dismissed or ended.
_showing = and_(FlagRecord.active, FlagRecord.state.in_(("candidate", "confirmed")))


@dataclass(frozen=True)
class HouseholdRow:
    """One line of the 世帯 list: enough to recognise a family without opening it."""

    id: int
    code: str
    head_name: str
    head_kana: str
    label: str
    address: str
    district: str
    status: str
    members: int
    flag_kinds: tuple[str, ...] = ()


def _head(column):
    # The householder, else the first member listed.
    return (
        select(column)
        .where(Person.household_id == Household.id)
        .order_by((Person.relation != "head"), Person.sort_order)
        .limit(1)
        .scalar_subquery()
    )


def find(session: Session, query: str, filters: Filters | None = None) -> list[int]:
    """Every matching household id, in order. One pass: the count is its length and pages are slices
    (50,000 ints is small; running the search twice, for a count and a page, was not)."""
    # Core execution and a plain fetch: the ORM's per-row work would dominate for 50,000 ids.
    result = session.connection().execute(matching_ids(query, filters))
    return [row[0] for row in result.cursor.fetchall()] if result.cursor is not None else []


def rows(session: Session, ids: list[int]) -> list[HouseholdRow]:
    """The list lines for these households, in the given order."""
    if not ids:
        return []
    members = (
        select(func.count())
        .where(Person.household_id == Household.id, Person.lives_here, ~Person.deceased)
        .scalar_subquery()
    )
    stmt = select(
        Household.id,
        Household.code,
        _head(Person.name),
        _head(Person.kana),
        Household.label,
        Household.address,
        Household.district,
        Household.status,
        members,
    ).where(Household.id.in_(ids))
    kinds: dict[int, list[str]] = {}
    for hid, kind in session.execute(
        select(FlagRecord.household_id, FlagRecord.kind)
        .where(_showing, FlagRecord.household_id.in_(ids))
        .order_by(FlagRecord.id)
    ):
        if kind not in kinds.setdefault(hid, []):
            kinds[hid].append(kind)
    found = {
        row[0]: HouseholdRow(*row, flag_kinds=tuple(kinds.get(row[0], ()))) for row in session.execute(stmt)
    }
    return [found[i] for i in ids if i in found]


def count(session: Session, query: str, filters: Filters | None = None) -> int:
    return len(find(session, query, filters))


def page(
    session: Session, query: str, filters: Filters | None = None, *, offset: int = 0, limit: int = 200
) -> list[HouseholdRow]:
    return rows(session, find(session, query, filters)[offset : offset + limit])


def districts(session: Session) -> list[str]:
    return [
        d for (d,) in session.execute(select(Household.district).distinct().order_by(Household.district)) if d
    ]


# --- for the pages: one call, one session ---------------------------------------------------------------


def lookup(
    store: Store, query: str, filters: Filters | None = None, *, first: int = 200
) -> tuple[list[int], list[HouseholdRow]]:
    """Every matching household id, in order, and the rows of the first ``first`` of them."""
    with store.session() as s:
        ids = find(s, query, filters)
        return ids, rows(s, ids[:first])


def all_rows(store: Store, query: str, filters: Filters | None = None) -> list[HouseholdRow]:
    """Every matching household's line, in order (the command line's search): read in slices, since a
    one-character query can match most of a town and one IN list of 50,000 ids is too long for SQLite."""
    with store.session() as s:
        ids = find(s, query, filters)
        return [row for i in range(0, len(ids), 1000) for row in rows(s, ids[i : i + 1000])]


def rows_of(store: Store, ids: list[int]) -> list[HouseholdRow]:
    with store.session() as s:
        return rows(s, ids)


def first_rows(store: Store, query: str, limit: int = 200) -> list[HouseholdRow]:
    with store.session() as s:
        return page(s, query, limit=limit)


def district_names(store: Store) -> list[str]:
    """The 地区 in use, for the pickers."""
    with store.session() as s:
        return districts(s)
