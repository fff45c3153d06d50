"""Search as a Japanese user expects: kanji variants, long-vowel marks and ヴ spellings fold together,
a word anywhere in a 呼び名 or address is found, exact and prefix matches come first, old stores get the
new keys, and ``python -m app search`` prints what the 世帯 page would list."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text

from app.cli import main
from app.models import Household, Person
from app.services.common.japanese import search_key
from app.services.households import households, search
from app.services.store.store import Store, _alembic_config
from tests.conftest import PASSPHRASE

# Every pair the issue names (issue 22), each way round.
VARIANT_PAIRS = [
    ("高橋", "髙橋"),
    ("山崎", "山﨑"),
    ("斉藤", "齊藤"),
    ("斎藤", "齋藤"),
    ("渡辺", "渡邊"),
    ("渡辺", "渡邉"),
    ("渡邊", "渡邉"),
    ("浜田", "濱田"),
    ("沢田", "澤田"),
    ("吉田", "𠮷田"),
]
FIXTURE_0011 = Path(__file__).parent / "fixtures" / "stores" / "0011"


def _household(store, name, kana="", **values) -> int:
    hid = households.create_household(store, address=values.pop("address", "つなぎ町本町"), **values)
    households.add_member(store, hid, {"name": name, "kana": kana, "relation": "head", "birth_date": date(1950, 4, 1)})
    return hid


def _found(store, query) -> list[int]:
    with store.session() as s:
        return search.find(s, query)


@pytest.mark.parametrize(("typed", "stored"), VARIANT_PAIRS + [(b, a) for a, b in VARIANT_PAIRS])
def test_a_kanji_variant_finds_the_other(store, typed, stored):
    hid = _household(store, f"{stored} 一郎")
    _household(store, "無関係 次郎")
    assert _found(store, typed) == [hid]
    assert _found(store, f"{typed} 一郎") == [hid]


def test_the_name_is_kept_as_typed_only_the_key_folds(store):
    hid = _household(store, "髙橋 﨑子")
    with store.session() as s:
        person = s.scalars(select(Person).where(Person.household_id == hid)).one()
        assert (person.name, person.name_key) == ("髙橋 﨑子", "高橋崎子")


def test_variation_selectors_are_not_part_of_the_key(store):
    # 葛 with an ideographic variation selector (葛󠄀, the 葛飾 form) is the same 葛.
    hid = _household(store, "葛\U000e0100城 花子")
    assert search_key("葛\U000e0100城") == search_key("葛城")
    assert _found(store, "葛城") == [hid]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ヒーロー", "ヒ－ロ－"),
        ("ヒーロー", "ヒ〜ロ〜"),
        ("ヒ～ロ～", "ヒーロー"),
        ("ひーろー", "ﾋｰﾛｰ"),
        ("ブイ", "ヴイ"),
        ("バイオリン", "ヴァイオリン"),
        ("ヴィーナ", "ビーナ"),
        ("ベール", "ヴェール"),
        ("ボルテ", "ヴォルテ"),
        ("ゔぁいおりん", "バイオリン"),
    ],
)
def test_long_vowels_and_vu_spellings_fold_in_kana_and_katakana_names(store, typed, stored):
    by_kana = _household(store, "山田 花子", f"やまだ {stored}")
    by_name = _household(store, f"{stored} ジョン")
    assert search_key(typed) == search_key(stored)
    assert _found(store, typed) == [by_kana, by_name]
    # Both ways round.
    assert _found(store, stored) == [by_kana, by_name]


def test_a_word_anywhere_in_the_label_or_address_is_found_variants_folded(store):
    labelled = households.create_household(store, label="橋のたもとの佐々木さん宅")
    addressed = households.create_household(store, address="つなぎ町大字髙田２－３")
    households.create_household(store, label="駅前の田中さん", address="つなぎ町本町")
    assert _found(store, "佐々木") == [labelled]
    assert _found(store, "たもと") == [labelled]
    assert _found(store, "高田2-3") == [addressed]
    assert _found(store, "大字高田") == [addressed]


def test_exact_and_prefix_matches_come_before_a_word_inside(store):
    inside = households.create_household(store, label="橋のたもとの佐々木さん宅")
    prefix = _household(store, "佐々木野 太郎")
    exact = _household(store, "佐々木", "ささき")
    labelled = households.create_household(store, label="佐々木さん宅")
    # A name typed in full, then one starting with it (by registration order within each), then inside.
    assert _found(store, "佐々木") == [exact, prefix, labelled, inside]
    assert _found(store, "ささき") == [exact]
    # Filters keep that order, and the page's lookup gives every id in it plus the first rows.
    with store.session() as s:
        assert search.find(s, "佐々木", search.Filters(status="concern")) == [exact, prefix, labelled, inside]
    ids, rows = search.lookup(store, "佐々木", first=2)
    assert ids == [exact, prefix, labelled, inside] and [r.id for r in rows] == [exact, prefix]


def _plan(store, query) -> list[str]:
    stmt = search.matching_ids(query)
    sql = str(stmt.compile(store.engine, compile_kwargs={"literal_binds": True}))
    with store.engine.connect() as conn:
        return [row[-1] for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql))]


def test_name_and_kana_search_reads_indexes_not_the_tables(store):
    _household(store, "山田 太郎", "やまだ たろう")
    plan = _plan(store, "山田")
    persons = [step for step in plan if "persons" in step]
    # Each of the four keys read twice: its exact value, then the range of keys starting with it.
    assert len(persons) == 8 and all(re.match(r"SEARCH persons USING (COVERING )?INDEX", p) for p in persons), plan
    # A word inside a 呼び名 or address reads through their narrow key indexes (one row per household),
    # never the wide households table itself.
    households_steps = [step for step in plan if "households" in step]
    assert all("USING COVERING INDEX" in step or "PRIMARY KEY" in step for step in households_steps), plan


def test_the_migration_computes_the_new_keys_of_an_old_store(created, store_dir):
    store = created.store
    hid = _household(store, "髙橋 ヴァン", "たかはし ヴァン", label="橋のたもとの澤田さん宅", address="本町１－２")
    with store.engine.connect() as conn:
        # As Store._migrate does: the batch rebuild of households would otherwise cascade to persons.
        conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")
        with conn.begin():
            command.downgrade(_alembic_config(conn), "0011")
            # The keys as 0011 made them: NFKC and katakana only.
            conn.execute(text("UPDATE persons SET name_key = '髙橋ヴァン', kana_key = 'タカハシヴァン'"))
            conn.execute(text("UPDATE households SET label_key = '橋ノタモトノ澤田サン宅'"))
        conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")
    store.close()
    reopened = Store.open(store_dir, passphrase=PASSPHRASE)
    try:
        with reopened.session() as s:
            person = s.scalars(select(Person)).one()
            household = s.get(Household, hid)
            assert (person.name_key, person.kana_key) == ("高橋バン", "タカハシバン")
            assert (person.given_key, person.given_kana_key) == ("バン", "バン")
            assert (household.label_key, household.address_key) == ("橋ノタモトノ沢田サン宅", "本町1ー2")
        assert _found(reopened, "高橋") == _found(reopened, "沢田") == _found(reopened, "1-2") == [hid]
    finally:
        reopened.close()


def test_an_0011_fixture_store_gets_every_key_recomputed(tmp_path):
    folder = tmp_path / "0011"
    shutil.copytree(FIXTURE_0011, folder)
    store = Store.open(folder, passphrase="fixture-passphrase")
    try:
        with store.session() as s:
            for person in s.scalars(select(Person)):
                assert (person.name_key, person.kana_key) == (search_key(person.name), search_key(person.kana))
            for household in s.scalars(select(Household)):
                assert household.address_key == search_key(household.address)
            address = s.scalars(select(Household.address).where(Household.address != "")).first()
        assert address and _found(store, address)
    finally:
        store.close()


def _cli(capsys, monkeypatch, store_dir, *args) -> tuple[int, str, str]:
    monkeypatch.setenv("TSUNAGI_PASSPHRASE", PASSPHRASE)
    code = main(["--data-dir", str(store_dir), "search", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_search_prints_the_households_as_json(created, store_dir, capsys, monkeypatch):
    store = created.store
    inside = households.create_household(store, label="橋のたもとの佐々木さん宅", district="本町一区")
    exact = _household(store, "髙橋 佐々木", "たかはし ささき")
    _household(store, "無関係 次郎")
    store.close()
    code, out, err = _cli(capsys, monkeypatch, store_dir, "高橋")
    assert code == 0 and "1 件" in err
    doc = json.loads(out)
    (row,) = doc["households"]
    assert row["id"] == exact and row["head_name"] == "髙橋 佐々木" and row["head_kana"] == "たかはし ささき"
    assert set(row) == {
        "id", "code", "head_name", "head_kana", "label", "address", "district", "status", "members", "flag_kinds"
    }  # fmt: skip
    code, out, err = _cli(capsys, monkeypatch, store_dir, "佐々木")
    assert code == 0 and [r["id"] for r in json.loads(out)["households"]] == [exact, inside]
    labelled = json.loads(out)["households"][1]
    assert labelled["label"] == "橋のたもとの佐々木さん宅" and labelled["district"] == "本町一区"


@pytest.mark.parametrize("query", ["", "　 ", "あ" * (search.MAX_QUERY + 1)])
def test_cli_search_refuses_bad_input_with_2_in_japanese(created, store_dir, capsys, monkeypatch, query):
    created.store.close()
    code, out, err = _cli(capsys, monkeypatch, store_dir, query)
    assert code == 2 and out == "" and re.search(r"[ぁ-んァ-ヶ一-龠]", err)
