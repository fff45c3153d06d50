"""The first page of a search is the first of its ranked matches (issue 25): search.first_ids gives
find()'s first ids, in find()'s order, and says truly whether they are every match; and find()'s order
is the one the search has always promised, checked here against a plain reading of the stored keys
(not against the SQL both are built from): the whole name, kana, 呼び名, code or 宛名番号 typed first,
then a start typed, then a word inside a 呼び名 or address, registration order within each.

A demo town of 1,000 households gives common and rare queries alike: 山 and や match many
households through several ways at once (members share the family name), 町 nearly every address."""

from __future__ import annotations

from datetime import date

import pytest

from app.services.common.japanese import search_key
from app.services.households import demo, households, search
from tests.conftest import create_store_without_keyring

QUERIES = [
    "", "ー", "山", "や", "やま", "ヤマダ", "山田", "山田 花子", "高橋 一郎", "ﾀﾅｶ", "タカハシ", "たか", "花子",
    "はなこ", "子", "こ", "一郎", "田", "中", "中山", "本町", "大字本町", "つなぎ町大字本町", "町", "緑ヶ丘", "丘",
    "佐藤", "さとう", "鈴木", "0858", "0858-2", "0858-23", "090", "1234", "S30.4.1", "昭和25年5月5日", "S25",
    "D-000001", "H-000001", "100000008638", "まったく無い",
]  # fmt: skip
SIZES = [1, 2, 3, 7, 50, 200]


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    store = create_store_without_keyring(tmp_path_factory.mktemp("first"))
    demo.populate(store, households=1000, seed=3)
    # A 宛名番号 and a household whose members match one query in several ways at once.
    hid = households.create_household(store, address="例示県つなぎ町大字本町一区", label="山の上の山田さん")
    households.add_member(
        store, hid, {"name": "山田 花子", "kana": "やまだ はなこ", "relation": "head", "birth_date": date(1955, 4, 1),
                     "mobile": "090-1111-2222", "resident_number": "100000008638"},
    )  # fmt: skip
    households.add_member(
        store,
        hid,
        {"name": "山田 山子", "kana": "やまだ やまこ", "relation": "child", "birth_date": date(1985, 6, 1)},
    )
    yield store
    store.close()


def _reference(store, query: str) -> list[int]:
    """find()'s order, read plainly off the stored keys."""
    kind, value = search.interpret(query)
    typed = search._typed(query)
    with store.engine.connect() as conn:
        people = conn.exec_driver_sql(
            "SELECT household_id, name_key, kana_key, given_key, given_kana_key, birth_date, phone_key,"
            " resident_number FROM persons"
        ).all()
        homes = conn.exec_driver_sql(
            "SELECT id, code, label_key, address_key, phone_key FROM households"
        ).all()
    if kind == "all":
        return sorted(h[0] for h in homes)
    best: dict[int, int] = {}

    def hit(hid: int, rank: int) -> None:
        best[hid] = min(best.get(hid, rank), rank)

    if kind == "date":
        for hid, *_keys, born, _phone, _number in people:
            if born == value.isoformat():
                hit(hid, search.EXACT)
    elif kind == "phone":
        for hid, phone in [(p[0], p[6]) for p in people] + [(h[0], h[4]) for h in homes]:
            if phone and value in phone:
                hit(hid, search.EXACT)
    else:
        key = search_key(str(value))

        def named(hid: int, stored: str | None) -> None:
            if stored is not None and stored.startswith(key):
                hit(hid, search.EXACT if stored == key else search.PREFIX)

        for hid, *keys, _born, _phone, _number in people:
            for stored in keys:
                named(hid, stored)
        for hid, code, label, address, _phone in homes:
            named(hid, label)
            if key in (label or "") or key in (address or ""):
                hit(hid, search.INSIDE)
            if code == typed:
                hit(hid, search.EXACT)
    if search.resident_number(typed) is not None:
        for hid, *_rest, number in people:
            if number == typed:
                hit(hid, search.EXACT)
    return sorted(best, key=lambda hid: (best[hid], hid))


@pytest.mark.parametrize("query", QUERIES)
def test_find_keeps_the_order_of_the_stored_keys(town, query):
    with town.session() as s:
        assert search.find(s, query) == _reference(town, query)


@pytest.mark.parametrize("repeats", [1, search._REPEATS], ids=["ids asked for again", "as run"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_first_page_is_the_start_of_every_match(town, query, repeats, monkeypatch):
    # With one id asked for per id wanted, every rank with repeats falls short and asks again.
    monkeypatch.setattr(search, "_REPEATS", repeats)
    with town.session() as s:
        every = search.find(s, query)
        for n in [*SIZES, len(every), len(every) + 1]:
            first, complete = search.first_ids(s, query, n)
            assert first == every[:n], (query, n)
            assert complete == (len(every) <= n), (query, n)


def test_the_demo_town_has_searches_of_every_size(town):
    # The checks above are worth something only if some queries match many households through
    # several ways, with repeats (the limit of a rank's ids is then met and raised).
    with town.session() as s:
        sizes = {q: len(search.find(s, q)) for q in ("山", "や", "町", "0858")}
    assert all(n > 50 for n in sizes.values()), sizes


def test_the_page_call_reads_the_first_rows_only(town):
    with town.session() as s:
        every = search.find(s, "山")
    ids, rows, complete = search.first_lookup(town, "山", first=7)
    assert (ids, complete) == (every[:7], False)
    assert [r.id for r in rows] == every[:7]
    assert search.find_ids(town, "山") == every
    ids, rows, complete = search.first_lookup(town, "100000008638")
    assert complete and len(ids) == len(rows) == 1
    # A filter: every match at once, as before.
    ids, rows, complete = search.first_lookup(town, "山", search.Filters(status="concern"), first=2)
    with town.session() as s:
        assert (ids, complete) == (search.find(s, "山", search.Filters(status="concern")), True)
    assert [r.id for r in rows] == ids[:2]
