"""Every search reads through indexes (issue 25): the query plan of each statement a search runs, for each
class of query the benchmark times (bench/search_latency.py), reads no whole table or index of persons,
households, search_grams or flags; the pieces that find a word inside a 呼び名, address or phone
(search_grams) stay in step with the keys whatever writes them; and find()'s fast path gives what the
plain SQL of matching_ids() gives. The first page of a search (search.first_ids, one statement for each
rank) is held to the same plans; tests/test_search_first_page.py holds its order to find()'s.

The plans are checked twice: as the app runs (no ANALYZE anywhere, so the planner's defaults) and with the
statistics ANALYZE wrote for the 50,000-household demo store (bench/stores.py at schema 0016), so the
plans of this small store are the plans of a large one."""

from __future__ import annotations

import re
from collections import Counter
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event

from app.models import Household
from app.models.people import SearchGram
from app.services.households import exchange, households, search
from app.services.records import household_format
from tests.conftest import create_store_without_keyring
from tests.test_migrations import FIXTURE_CONTENT

# sqlite_stat1 of the 50,000-household demo store after ANALYZE (tbl, idx, stat).
STATS_50K = [
    ("flags", "ix_flags_active", "24023 24023"),
    ("flags", "ix_flags_household_id", "24023 2"),
    ("flags", "ix_flags_kind", "24023 3003"),
    ("households", "ix_households_closed_on", "50000 50000"),
    ("households", "ix_households_district", "50000 2500"),
    ("households", "ix_households_label_key", "50000 50000"),
    ("households", "ix_households_status", "50000 10000"),
    ("households", "sqlite_autoindex_households_1", "50000 1"),
    ("persons", "ix_persons_birth_date", "120965 4"),
    ("persons", "ix_persons_given_kana_key_household_id", "120965 1729 1"),
    ("persons", "ix_persons_given_key_household_id", "120965 1681 1"),
    ("persons", "ix_persons_household_id", "120965 3"),
    ("persons", "ix_persons_kana_key_household_id", "120965 30 1"),
    ("persons", "ix_persons_name_key_household_id", "120965 29 1"),
    ("persons", "sqlite_autoindex_persons_1", "120965 3 1"),
    ("persons", "ux_persons_resident_number", "96772 1"),
    ("search_grams", "ix_search_grams_field_gram_household_id", "1317218 658609 5 1"),
]

# The benchmark's classes, each way of matching at least once (a word inside longer than a search_grams
# window goes through its rarest window and a check of the keys).
QUERIES = {
    "氏名": ["山田", "山田 花子", "髙橋"],
    "かな": ["やまだ", "ﾔﾏﾀﾞ ﾊﾅｺ", "はなこ"],
    "1–2文字": ["山", "や"],
    "電話": ["0858-2", "1234", "090-1111-2222"],
    "住所の語": ["本町", "大字本町", "つなぎ町大字本町一区"],
    "呼び名の語": ["角の", "3丁目の角の山田"],
    "生年月日": ["S30.4.1"],
    "宛名番号": ["100000008638"],
    "世帯コード": ["H-000001"],
}
CASES = [(kind, q) for kind, qs in QUERIES.items() for q in qs]
# A step that reads a whole table or a whole index of one of these (SEARCH reads a range of an index).
WHOLE = re.compile(r"^SCAN (persons|households|search_grams|flags)\b")


def _town(store) -> dict[str, int]:
    ids = {}
    ids["yamada"] = households.create_household(
        store, address="例示県つなぎ町大字本町一区12番地", phone="0858-23-1234"
    )
    households.add_member(
        store,
        ids["yamada"],
        {"name": "山田 花子", "kana": "やまだ はなこ", "relation": "head", "birth_date": date(1955, 4, 1),
         "mobile": "090-1111-2222", "resident_number": "100000008638"},
    )  # fmt: skip
    households.add_member(
        store,
        ids["yamada"],
        {"name": "山田 太郎", "kana": "やまだ たろう", "relation": "child", "birth_date": date(1985, 6, 1)},
    )
    ids["label"] = households.create_household(store, label="3丁目の角の山田さん宅")
    # Shares every 4-character window of 大字本町 with 山田's address, but holds no 大字本町一区.
    ids["near"] = households.create_household(store, address="例示県つなぎ町大字本町二区")
    ids["twice"] = households.create_household(store, address="大字本町一区の本町一区ビル本町")
    ids["takahashi"] = households.create_household(store, address="例示県つなぎ町大字中山3番地")
    households.add_member(
        store, ids["takahashi"], {"name": "高橋 一郎", "kana": "たかはし いちろう", "relation": "head",
                                  "birth_date": date(1950, 5, 5), "phone": "0858-24-0000"},
    )  # fmt: skip
    return ids


@contextmanager
def _statements(store):
    """Every SELECT run inside, with its parameters."""
    seen: list[tuple[str, object]] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", remember)


def _plans(store, seen, stats: bool) -> list[str]:
    with store.engine.connect() as conn:
        if stats:
            conn.exec_driver_sql("ANALYZE")  # makes sqlite_stat1 (and stat4, whose samples would mislead)
            conn.exec_driver_sql("DELETE FROM sqlite_stat1")
            conn.exec_driver_sql("DELETE FROM sqlite_stat4")
            for row in STATS_50K:
                conn.exec_driver_sql("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", row)
            conn.exec_driver_sql("ANALYZE sqlite_schema")  # this connection's planner reads them again
        plans = [
            "\n".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all())
            for sql, params in seen
        ]
        conn.rollback()
        if stats:
            conn.invalidate()  # its planner keeps the statistics loaded: not back into the pool
    return plans


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    # One store for every plan: the plans depend on the schema and the statistics, not on the rows.
    store = create_store_without_keyring(tmp_path_factory.mktemp("plans"))
    _town(store)
    yield store
    store.close()


@pytest.mark.parametrize("stats", [False, True], ids=["planner defaults", "50,000-household statistics"])
@pytest.mark.parametrize(("kind", "query"), CASES, ids=[f"{k}:{q}" for k, q in CASES])
def test_each_search_reads_only_index_ranges(town, kind, query, stats):
    with _statements(town) as seen, town.session() as s:
        ids = search.find(s, query)
        search.rows(s, ids[:200])
        # The first page, as the 世帯 page asks for it, and with one id (every rank's statement is run:
        # the example town has few matches) and again after asking a rank for more ids.
        assert search.first_ids(s, query, search.FIRST_ROWS) == (ids, True)
        assert search.first_ids(s, query, 1)[0] == ids[:1]
    assert ids, f"{kind} {query!r} should find the example town's household"
    plans = _plans(town, seen, stats)
    assert len(plans) >= 6  # the search, the three reads of its rows, the first pages
    for plan in plans:
        assert not [step for step in plan.splitlines() if WHOLE.match(step)], plan


def test_a_filtered_search_reads_the_households_by_their_ids(town):
    with _statements(town) as seen, town.session() as s:
        assert search.find(s, "山田", search.Filters(status="concern"))
    for plan in _plans(town, seen, stats=True):
        assert not [step for step in plan.splitlines() if WHOLE.match(step)], plan


# --- search_grams in step -----------------------------------------------------------------------------------


def _expected_grams(store) -> Counter:
    # What migration 0016's triggers are to hold: every window of the 呼び名 and address keys, every suffix
    # of each phone key not starting at the space between a person's two numbers.
    width, want = SearchGram.GRAM_WIDTH, Counter()
    with store.engine.connect() as conn:
        for hid, label, address, phone in conn.exec_driver_sql(
            "SELECT id, label_key, address_key, phone_key FROM households"
        ):
            for key in (label, address):
                want.update((hid, 0, SearchGram.TEXT, key[i : i + width]) for i in range(len(key)))
            want.update((hid, 0, SearchGram.PHONE, phone[i:]) for i in range(len(phone)) if phone[i] != " ")
        for pid, hid, phone in conn.exec_driver_sql("SELECT id, household_id, phone_key FROM persons"):
            want.update((hid, pid, SearchGram.PHONE, phone[i:]) for i in range(len(phone)) if phone[i] != " ")
    return want


def _grams(store) -> Counter:
    with store.engine.connect() as conn:
        return Counter(
            tuple(r)
            for r in conn.exec_driver_sql("SELECT household_id, person_id, field, gram FROM search_grams")
        )


def test_the_pieces_follow_every_write_of_a_key(store):
    exchange.import_records(store, household_format.load(FIXTURE_CONTENT))
    ids = _town(store)
    assert _grams(store) == _expected_grams(store)
    households.update_household(store, ids["yamada"], address="例示県つなぎ町大字駅前1番地", phone="")
    households.update_household(store, ids["label"], label="川沿いの家")
    (hanako, taro) = _members(store, ids["yamada"])
    households.update_member(store, hanako, {"mobile": "080-3333-4444"})
    households.move_member(store, taro, ids["takahashi"])
    assert _grams(store) == _expected_grams(store)
    assert _ids(store, "3333") == [ids["yamada"]]
    assert ids["yamada"] not in _ids(store, "本町")  # its old address
    # Raw SQL (a later migration recomputing keys) and deletions, by the ORM and by the foreign keys.
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE households SET address_key = 'ツナギチョウ' WHERE id = ?", (ids["takahashi"],)
        )
    households.remove_member(store, hanako)
    with store.session() as s:
        s.delete(s.get(Household, ids["label"]))
        s.commit()
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM households WHERE id = ?", (ids["yamada"],))
    assert _grams(store) == _expected_grams(store)
    assert _ids(store, "チョウ") == [ids["takahashi"]]


def _members(store, household_id) -> list[int]:
    with store.session() as s:
        return [p.id for p in s.get(Household, household_id).members]


# --- the fast path and the SQL give the same; what each way finds --------------------------------------------


def test_find_gives_what_the_sql_of_matching_ids_gives(town):
    for kind, query in [*CASES, ("", ""), ("", "まったく無い"), ("", "ー")]:
        with town.session() as s:
            fast = search.find(s, query)
            plain = [row[0] for row in s.execute(search.matching_ids(query, None, s))]
        assert fast == plain, (kind, query)


def _ids(store, query) -> list[int]:
    return [r.id for r in search.first_rows(store, query)]


def test_a_resident_number_finds_its_household_and_nothing_else_does(town):
    assert search.RESIDENT_NUMBER.pattern == households.RESIDENT_NUMBER.pattern
    (yamada,) = _ids(town, "100000008638")
    assert _ids(town, "１０００００００８６３８") == [yamada]  # typed full-width
    assert _ids(town, "100000008639") == []


def test_a_long_word_is_checked_against_the_keys_not_only_its_rarest_window(town):
    with town.session() as s:
        # Rows counted: 字本町一 has two, 本町一区 three (twice in one address), 大字本町 three.
        assert search._rarest_window(s, "ツナギ町大字本町一区") == "字本町一"
        # Among windows as common, the last: 字本町二 and 本町二区 have one row each.
        assert search._rarest_window(s, "字本町二区") == "本町二区"
    yamada, twice = _ids(town, "大字本町一区")
    assert yamada < twice
    assert len(_ids(town, "大字本町")) == 3  # and 本町二区, which shares every window of 大字本町一区 but one
