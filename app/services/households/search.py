"""Finding households: one search box for name or kana in any script, 呼び名, address, phone, birth date,
household code or 宛名番号.

Names are matched on stored keys (japanese.search_key: kana, long vowels, ヴ and kanji variants folded,
so 高橋 finds 髙橋) by indexed prefix ranges, so one- and two-character queries (山田, やま) work and
stay fast on 50,000 households; FTS5 trigram would match nothing under three characters. A word inside a
呼び名 or address, and digits inside a phone number, are found through SearchGram (pieces of those keys
under one index), never by LIKE '%word%' over every household. Every way of matching is one indexed
lookup; tests/test_search_plans.py holds each query's plan to that. The keys are kept in step by the
store's flush hook (app.services.store.search_keys), the pieces by SQL triggers (migration 0016), whatever
code path edits a household or person.

A list shows the first of the ranked matches before it knows them all (first_ids): the ranks are read
in turn, each only for as many ids as are still missing, so what the person sees first does not cost
more when a query matches thousands of households; find() gives every match for the count and paging.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from operator import itemgetter

from sqlalchemy import Select, and_, bindparam, func, join, literal_column, select, union_all
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from app.models import FlagRecord, Household, Person
from app.models.people import SearchGram
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
# What households.check_resident_number stores as a 宛名番号 (not imported: households imports this module;
# tests/test_search_plans.py holds the two the same).
RESIDENT_NUMBER = re.compile(r"[0-9A-Za-z\-]{1,20}")


# How well a household matched, best first: the whole name (or kana, 呼び名, code) typed, its start
# typed, or a word inside its 呼び名 or address.
EXACT, PREFIX, INSIDE = 0, 1, 2


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    district: str | None = None
    household_ids: frozenset[int] | None = None
    flag_kind: str | None = None  # households with this 気づき, candidate or confirmed

    def __bool__(self) -> bool:
        return bool(self.status or self.district or self.household_ids is not None or self.flag_kind)


def _typed(query: str) -> str:
    return unicodedata.normalize("NFKC", _UNSEARCHABLE.sub(" ", (query or "")[:MAX_QUERY])).strip()


def interpret(query: str) -> tuple[str, object]:
    """What the user typed: ("date", date), ("phone", digits), ("text", key) or ("all", None)."""
    text = _typed(query)
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


def resident_number(text: str) -> str | None:
    """The 宛名番号 the query may be (stored half-width and trimmed, households.check_resident_number)."""
    return text if RESIDENT_NUMBER.fullmatch(text) else None


@dataclass(frozen=True)
class _Query:
    """What was typed, as the ways of matching it (``kind``, ``inside``, ``number``: the shape of the
    SQL) and the values they are bound to."""

    kind: str  # interpret()'s: date, phone or text
    # How a word inside a 呼び名 or address is found: "range" (up to a SearchGram window long), "window"
    # (longer: through its rarest window, then checked), "every" (an empty key, held by every key), "".
    inside: str
    number: bool  # could be a 宛名番号
    values: dict[str, object]


def _prepare(query: str, session: Session | None) -> _Query | None:
    """None when nothing was typed (every household)."""
    kind, value = interpret(query)
    if kind == "all":
        return None
    typed = _typed(query)
    values: dict[str, object] = {"typed": typed}
    inside = ""
    if kind == "date":
        values["date"] = value
    elif kind == "phone":
        values["key"], values["top"] = value, f"{value}{_TOP}"
    else:
        key = search_key(str(value))
        values["key"], values["top"] = key, key + _TOP
        if not key:  # nothing but marks search_key drops: every key holds it, as LIKE '%%' said
            inside = "every"
        elif len(key) <= SearchGram.GRAM_WIDTH:
            inside = "range"
        else:
            inside, values["window"] = "window", _rarest_window(session, key)
    return _Query(kind, inside, resident_number(typed) is not None, values)


# Counting a window's rows stops here: past it a window is common, and counting on would cost more than
# it saves.
_ENOUGH = 2000


def _rarest_window(session: Session | None, key: str) -> str:
    """The window of ``key`` the fewest SearchGram rows have; among windows too common to tell apart, the
    last: addresses share their beginnings (県, 町, 大字), so the end of a long word is the rarer part."""
    width = SearchGram.GRAM_WIDTH
    windows = list(dict.fromkeys(key[i : i + width] for i in reversed(range(len(key) - width + 1))))
    if session is None:
        return windows[0]
    # One statement for them all: a round trip each cost more than the counting.
    count = (
        f"(SELECT count(*) FROM (SELECT 1 FROM {SearchGram.__tablename__} "
        f"WHERE field = {SearchGram.TEXT} AND gram = ? LIMIT {_ENOUGH}))"
    )
    counts = session.connection().exec_driver_sql(
        "SELECT " + ", ".join([count] * len(windows)), tuple(windows)
    )
    found = dict(zip(windows, counts.one(), strict=True))
    return min(found, key=found.__getitem__)  # the first smallest: the last window among equals


def _ways(q: _Query, bound: bool, encoded: bool = False, rank: int | None = None) -> list[Select]:
    """Each way of matching as its own indexed lookup, a SELECT of (household id, rank) or, ``encoded``,
    of rank * _SHIFT + household id; with ``rank``, only the ways giving that rank, as a SELECT of the
    household id alone. ``bound``: with the query's values; else with named parameters only, the same
    SQL for every query of this shape."""

    def value(name: str):
        return bindparam(name, q.values[name]) if bound else bindparam(name)

    ways: list[Select] = []

    def way(household_id, given: int, *where, source=None) -> None:
        if rank is not None:
            if given != rank:
                return
            stmt = select(household_id)
        elif encoded:
            stmt = select(household_id + literal_column(str(given)) * _SHIFT)
        else:
            stmt = select(household_id, literal_column(str(given)).label("rank"))
        ways.append((stmt if source is None else stmt.select_from(source)).where(*where))

    if q.kind == "date":
        way(Person.household_id, EXACT, Person.birth_date == value("date"))
    elif q.kind == "phone":
        # Every suffix of every phone key is a SearchGram: digits inside a number start one of them.
        way(
            SearchGram.household_id,
            EXACT,
            SearchGram.field == SearchGram.PHONE,
            SearchGram.gram >= value("key"),
            SearchGram.gram < value("top"),
        )
    else:
        key, top = value("key"), value("top")
        # The whole key typed, and its start typed, as two lookups of one index: the first gives its
        # households in id order, so the first page of a search can stop early (first_ids).
        for column in (Person.name_key, Person.kana_key, Person.given_key, Person.given_kana_key):
            way(Person.household_id, EXACT, column == key)
            way(Person.household_id, PREFIX, column > key, column < top)
        way(Household.id, EXACT, Household.label_key == key)
        way(Household.id, PREFIX, Household.label_key > key, Household.label_key < top)
        text = SearchGram.field == SearchGram.TEXT
        if q.inside == "range":
            # Some window of a key starts with the word exactly when the key holds it.
            way(SearchGram.household_id, INSIDE, text, SearchGram.gram >= key, SearchGram.gram < top)
        elif q.inside == "window":
            # Longer than a window: the households having its rarest window, checked against their keys.
            way(
                SearchGram.household_id,
                INSIDE,
                text,
                SearchGram.gram == value("window"),
                (func.instr(Household.label_key, key) > 0) | (func.instr(Household.address_key, key) > 0),
                source=join(SearchGram, Household, Household.id == SearchGram.household_id),
            )
        elif q.inside == "every":
            way(Household.id, INSIDE)
        way(Household.id, EXACT, Household.code == value("typed"))
    if q.number:
        way(Person.household_id, EXACT, Person.resident_number == value("typed"))
    return ways


# rank * _SHIFT + id sorts by rank, then id; household ids stay far below 2**40.
_SHIFT = 1 << 40
_MASK = _SHIFT - 1


@functools.lru_cache(maxsize=32)
def _encoded_sql(kind: str, inside: str, number: bool) -> tuple[str, tuple[str, ...], dict[str, object]]:
    """The SQL of a query shape's ways, encoded and combined with UNION ALL, its parameters' names in
    order and the constant ones' values: built and compiled once, since doing that for every search cost
    more than running it."""
    ways = union_all(*_ways(_Query(kind, inside, number, {}), bound=False, encoded=True)).subquery()
    compiled = select(func.group_concat(ways.c[0])).compile(dialect=sqlite.dialect())
    constants = {name: bind.value for name, bind in compiled.binds.items()}
    return str(compiled), tuple(compiled.positiontup or ()), constants


def matching_ids(query: str, filters: Filters | None = None, session: Session | None = None) -> Select:
    """SELECT of matching household ids, best match first: a name, kana, 呼び名, code or 宛名番号 typed in
    full, then one that starts with the query, then a word found inside a 呼び名 or address; registration
    order within each (stable for paging).

    Each way of matching is its own indexed lookup giving (id, rank) and the rows are combined with
    UNION ALL, so no query scans the households or persons tables (a single OR across them made SQLite
    do that), nor any whole index (LIKE '%word%' did). ``session`` lets a word longer than a SearchGram
    window be looked for through its rarest window (without one, through its last). find() runs the same
    ways without filters as one encoded UNION ALL and orders in Python (_encoded_sql)."""
    filters = filters or Filters()
    q = _prepare(query, session)
    if q is None:
        stmt = select(Household.id)
        order = [Household.id]
    else:
        found = union_all(*_ways(q, bound=True)).subquery()
        hid, rank = found.c[0], found.c[1]
        ranked = select(hid.label("id"), func.min(rank).label("rank")).group_by(hid).subquery()
        if not filters:
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
_SHOWN_STATES = ("candidate", "confirmed")
_showing = and_(FlagRecord.active, FlagRecord.state.in_(_SHOWN_STATES))


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


_EVERY_SQL = "SELECT group_concat(id) FROM (SELECT id FROM households ORDER BY id)"


def find(session: Session, query: str, filters: Filters | None = None) -> list[int]:
    """Every matching household id, in order. One pass: the count is its length and pages are slices
    (50,000 ints is small; running the search twice, for a count and a page, was not)."""
    q = None if filters else _prepare(query, session)
    connection = session.connection()
    if q is None and not filters:
        # Every household (nothing typed: the page as it opens), as one text: 50,000 rows fetched one
        # by one took 65 ms, the text and its numbers 26.
        every = connection.exec_driver_sql(_EVERY_SQL).scalar()
        return list(map(int, every.split(","))) if every else []
    if q is None:
        # Core execution and a plain fetch: the ORM's per-row work would dominate for 50,000 ids.
        result = connection.execute(matching_ids(query, filters, session))
        return list(map(itemgetter(0), result.cursor.fetchall())) if result.cursor is not None else []
    sql, names, constants = _encoded_sql(q.kind, q.inside, q.number)
    values = {**constants, **q.values, "date": str(q.values.get("date"))}  # Date columns hold ISO text
    # One text of every match (rank * _SHIFT + id, comma-separated): a row each cost more to fetch than
    # to find. Sorted, those numbers give the best-ranked first and an id's first time is its best rank:
    # the grouping and ordering SQLite did with two temporary B-trees, here in a few C loops.
    found = connection.exec_driver_sql(sql, tuple(values[n] for n in names)).scalar()
    if not found:
        return []
    numbers = sorted(set(map(int, found.split(","))))
    return list(dict.fromkeys(map(_MASK.__and__, numbers)))


@functools.lru_cache(maxsize=64)
def _first_sql(
    kind: str, inside: str, number: bool, rank: int
) -> tuple[str, tuple[str, ...], dict[str, object]] | None:
    """The SQL of the ways of one rank: the first ``limit`` of their household ids in id order, repeats
    kept. SQLite merges the ways' ids (UNION ALL with ORDER BY) and takes the limit into each way, so a
    way of thousands of ids keeps only the smallest ones: a UNION, which drops the repeats, had to sort
    every id of every way first (5–8 ms for 山 at 50,000 households, against 1–2)."""
    ways = _ways(_Query(kind, inside, number, {}), bound=False, rank=rank)
    if not ways:
        return None
    stmt = union_all(*ways) if len(ways) > 1 else ways[0]
    compiled = stmt.order_by(literal_column("1")).limit(bindparam("limit")).compile(dialect=sqlite.dialect())
    constants = {name: bind.value for name, bind in compiled.binds.items()}
    return str(compiled), tuple(compiled.positiontup or ()), constants


# The repeats of a household among a rank's ids (its members share the family name, the kana, the
# phone) are about one in two; three times the ids wanted are asked for, and more when that falls short.
_REPEATS = 3


def first_ids(session: Session, query: str, n: int) -> tuple[list[int], bool]:
    """The first ``n`` of find()'s ids, and whether they are all of them, without finding the rest.

    A search's cost grew with its matches (山 matches a sixth of the town): ranking every match to show
    the first screen of them. Here the ranks are taken in turn, best first, each asked for just enough
    ids in id order: a rank is read only once the better ones are used up, so every id found has its
    best rank and they come in find()'s order."""
    q = _prepare(query, session)
    connection = session.connection()
    if q is None:
        ids = [i for (i,) in connection.execute(select(Household.id).order_by(Household.id).limit(n + 1))]
        return ids[:n], len(ids) <= n
    values = {**q.values, "date": str(q.values.get("date"))}
    found: dict[int, None] = {}
    for rank in (EXACT, PREFIX, INSIDE):
        built = _first_sql(q.kind, q.inside, q.number, rank)
        if built is None:
            continue
        sql, names, constants = built
        limit = _REPEATS * (n + 1)
        while True:
            # n + 1 distinct ids are wanted (one more than shown tells whether there are more), counting
            # those of better ranks found again here.
            given = {**constants, **values, "limit": limit}
            ids = connection.exec_driver_sql(sql, tuple(given[name] for name in names)).cursor.fetchall()
            here = dict.fromkeys(i for (i,) in ids)
            new = [i for i in here if i not in found]
            if len(ids) < limit or len(found) + len(new) > n:
                break
            limit *= 2  # the limit cut this rank's ids short of what is still missing: ask for more
        # Every id of this rank below the last one read is here, so they come before any further one.
        found.update(dict.fromkeys(new))
        if len(found) > n:
            return list(found)[:n], False
    return list(found), True


def _ids_in(column) -> object:
    # One JSON parameter for any number of ids: the SQL stays the same (compiled once) whatever the page.
    return column.in_(select(literal_column("value")).select_from(func.json_each(bindparam("ids"))))


@functools.lru_cache(maxsize=1)
def _row_sql() -> tuple[str, str, str]:
    dialect = sqlite.dialect()
    people = select(
        Person.household_id,
        Person.id,
        Person.name,
        Person.kana,
        Person.relation,
        Person.sort_order,
        Person.lives_here,
        Person.deceased,
    ).where(_ids_in(Person.household_id))
    flags = select(
        FlagRecord.id, FlagRecord.household_id, FlagRecord.kind, FlagRecord.active, FlagRecord.state
    ).where(_ids_in(FlagRecord.household_id))
    lines = select(
        Household.id, Household.code, Household.label, Household.address, Household.district, Household.status
    ).where(_ids_in(Household.id))
    return tuple(str(stmt.compile(dialect=dialect)) for stmt in (people, flags, lines))


def rows(session: Session, ids: list[int]) -> list[HouseholdRow]:
    """The list lines for these households, in the given order.

    Three lookups by the households' ids (the households, their members, their flags) put together
    here. Each filters on the id alone, so SQLite can only read the id indexes: per-line subqueries cost
    three small queries a line, and a flags query that also asked for active = 1 was read through the
    active index, every active flag of the town, for a page of 200."""
    if not ids:
        return []
    people_sql, flags_sql, lines_sql = _row_sql()
    connection = session.connection()
    given = (json.dumps(ids),)

    def fetch(sql: str) -> list[tuple]:
        # The driver's own tuples: result rows cost more than the lookups here.
        return connection.exec_driver_sql(sql, given).cursor.fetchall()

    heads: dict[int, tuple] = {}
    members: dict[int, int] = {}
    for hid, pid, name, kana, relation, order, lives_here, deceased in fetch(people_sql):
        # The householder, else the first member listed (registration order among equals).
        rank = (relation != "head", order, pid)
        if hid not in heads or rank < heads[hid][0]:
            heads[hid] = (rank, name, kana)
        members[hid] = members.get(hid, 0) + (1 if lives_here and not deceased else 0)
    kinds: dict[int, list[str]] = {}
    for _id, hid, kind, active, state in sorted(fetch(flags_sql)):
        if active and state in _SHOWN_STATES and kind not in kinds.setdefault(hid, []):
            kinds[hid].append(kind)
    found = {}
    for hid, code, label, address, district, status in fetch(lines_sql):
        _rank, name, kana = heads.get(hid, (None, None, None))
        found[hid] = HouseholdRow(
            hid,
            code,
            name,
            kana,
            label,
            address,
            district,
            status,
            members.get(hid, 0),
            tuple(kinds.get(hid, ())),
        )
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


# What a list shows at once: more rows than a tall window holds. More are read as the view scrolls.
FIRST_ROWS = 50


def first_lookup(
    store: Store, query: str, filters: Filters | None = None, *, first: int = FIRST_ROWS
) -> tuple[list[int], list[HouseholdRow], bool]:
    """Matching ids in order, the rows of the first ``first`` of them, and whether the ids are every
    match: what a page shows at once, its cost not growing with the matches (first_ids). Unless they
    are every match, the ids are only the first ``first``. A filtered search still finds every match
    at once, as before (the benchmark's searches have no filter)."""
    with store.session() as s:
        if filters:
            ids, complete = find(s, query, filters), True
        else:
            ids, complete = first_ids(s, query, first)
        return ids, rows(s, ids[:first]), complete


def find_ids(store: Store, query: str, filters: Filters | None = None) -> list[int]:
    """Every matching household id, in order (the count, and the ids to page through)."""
    with store.session() as s:
        return find(s, query, filters)


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
