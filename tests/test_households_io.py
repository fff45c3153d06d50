"""Import and export of the exchange format through a real encrypted store."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.models import ChangeRecord, Household, Person
from app.services.common.errors import InvalidInput
from app.services.flags import flags
from app.services.households import demo, exchange
from app.services.records import household_format
from tests.conftest import EXAMPLE


def _normalised(records):
    return json.loads(json.dumps(household_format.to_document(records)))


def test_example_round_trips_exactly(store):
    records = household_format.load(EXAMPLE)
    result = exchange.import_records(store, records)
    assert (result.households, result.persons) == (3, 7)
    exported = exchange.export_records(store)
    assert _normalised(exported) == _normalised(records)
    # And the exported document parses back to the same thing (export → import loses nothing).
    assert _normalised(household_format.parse(household_format.to_document(exported))) == _normalised(records)


def test_closure_reasons_and_the_words_of_sonota_travel(store):
    from app.services.households import households

    died = households.create_household(store, address="本町1-1")
    other = households.create_household(store, address="本町1-2")
    households.change_status(store, died, "closed", "", "died")
    households.change_status(store, other, "closed", "", "other", closure_note="県外の家族に引き取られた")
    document = json.loads(
        json.dumps(household_format.to_document(exchange.export_records(store)), ensure_ascii=False)
    )
    assert [(h["closure_reason"], h.get("closure_note")) for h in document["households"]] == [
        ("died", None), ("other", "県外の家族に引き取られた")]  # fmt: skip
    records = household_format.parse(document)
    assert [r.extras["closure_note"] for r in records] == ["", "県外の家族に引き取られた"]
    for record in records:
        record.id += "-copy"
    exchange.import_records(store, records)
    with store.session() as s:
        copies = s.scalars(
            select(Household).where(Household.code.like("%-copy")).order_by(Household.id)
        ).all()
        assert [(h.closure_reason, h.closure_note) for h in copies] == [
            ("died", ""), ("other", "県外の家族に引き取られた")]  # fmt: skip
    bad = document | {"households": [document["households"][0] | {"closure_reason": "retired"}]}
    with pytest.raises(InvalidInput, match="closure_reason"):
        household_format.parse(bad)


def test_import_is_all_or_nothing(store):
    records = household_format.load(EXAMPLE)
    exchange.import_records(store, records[:1])
    with pytest.raises(InvalidInput, match="EX-1"):
        exchange.import_records(store, records)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Household)) == 1


def test_search_keys_are_stored(store):
    exchange.import_records(store, household_format.load(EXAMPLE))
    with store.session() as s:
        keys = {p.name: p.kana_key for p in s.scalars(select(Person))}
    assert keys["試験 次郎"] == "シケンジロウ"  # from half-width ｼｹﾝ ｼﾞﾛｳ
    assert keys["例示 一郎"] == "レイジイチロウ"  # from hiragana


def test_import_records_history_for_every_row(store):
    exchange.import_records(store, household_format.load(EXAMPLE))
    with store.session() as s:
        tables = dict(
            s.execute(select(ChangeRecord.table_name, func.count()).group_by(ChangeRecord.table_name)).all()
        )
    assert tables["households"] == 3 and tables["persons"] == 7 and tables["care_relations"] == 2


def test_demo_is_deterministic_and_has_the_situations_flags_look_for():
    a, b = demo.generate(300, seed=7), demo.generate(300, seed=7)
    assert _normalised(a) == _normalised(b)
    assert _normalised(a) != _normalised(demo.generate(300, seed=8))
    found = {f.kind for h in demo.generate(2000, seed=1) for f in flags.evaluate(h, demo.REFERENCE_DAY)}
    assert {"8050", "double_care", "young_carer", "hikikomori", "elderly_alone", "elderly_only"} <= found


def test_demo_households_import_cleanly(store):
    result = demo.populate(store, households=120, seed=3, batch=50)
    assert result.households == 120
    assert store.counts() == {"households": 120, "persons": result.persons}
