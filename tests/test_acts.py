"""One act, one transaction: what a coordinator does with one OK is one service call and one commit, and it
says what changed. Counted on a real store with SQLAlchemy's session events."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.models import CareRelation, FlagRecord, ParentLink, Person
from app.services.common.changes import Changes
from app.services.households import households
from app.services.households.households import FieldErrors
from tests.conftest import counted


@pytest.fixture
def family(store):
    hid = households.create_household(store, address="例示県つなぎ町大字本町1-1")
    father = households.add_member(store, hid, {"name": "山田 一郎", "kana": "やまだ いちろう",
                                                "birth_date": date(1940, 1, 1), "relation": "head"})  # fmt: skip
    mother = households.add_member(store, hid, {"name": "山田 花子", "kana": "やまだ はなこ",
                                                "birth_date": date(1942, 2, 2), "relation": "spouse"})  # fmt: skip
    return hid, father, mother


def test_adding_a_member_with_cares_and_parents_is_one_commit(store, family):
    hid, father, mother = family
    son = {"name": "山田 太郎", "kana": "やまだ たろう", "birth_date": date(1972, 3, 3), "relation": "child",
           "hikikomori": "yes", "work": "not_working"}  # fmt: skip
    with counted() as seen:
        saved = households.save_member(store, son, household_id=hid, cares=[father], parents=[father, mother])
    assert seen == {"begun": 1, "commits": 1}
    assert saved.changes == Changes.of("members", "flags", households=[hid])
    assert saved.changes.touches_household(hid, {"flags"}) and not saved.changes.touches({"referrals"})
    with store.session() as s:
        assert s.scalars(select(CareRelation.cared_id).where(CareRelation.carer_id == saved.person_id)).all() == [
            father
        ]
        assert sorted(s.scalars(select(ParentLink.parent_id).where(ParentLink.child_id == saved.person_id))) == [
            father,
            mother,
        ]
        # The flags moved in the same transaction: an 8050 candidate is there at once.
        assert s.scalars(select(FlagRecord.kind).where(FlagRecord.household_id == hid)).all()


def test_a_refused_part_saves_nothing_of_the_act(store, family):
    hid, father, _mother = family
    with pytest.raises(FieldErrors):
        households.save_member(store, {"name": "山田 次郎", "kana": "やまだ じろう", "birth_date": date(1975, 4, 4),
                                       "relation": "child"}, household_id=hid, cares=[father + 999])  # fmt: skip
    with store.session() as s:
        assert s.scalar(select(Person.id).where(Person.name == "山田 次郎")) is None  # not half-saved


def test_joining_another_household_re_evaluates_both_in_one_commit(store, family):
    hid, _father, _mother = family
    other = households.create_household(store, address="例示県つなぎ町大字本町2-2")
    lodger = households.add_member(store, other, {"name": "佐藤 一", "kana": "さとう はじめ",
                                                  "birth_date": date(1980, 5, 5), "relation": "head"})  # fmt: skip
    with counted() as seen:
        saved = households.save_member(store, {"relation": "other"}, household_id=hid, join=lodger)
    assert seen == {"begun": 1, "commits": 1}
    assert saved.changes.household_ids == {hid, other}


def test_a_household_from_an_incoming_sheet_comes_with_its_person_in_one_commit(store):
    head = {"name": "鈴木 一", "kana": "すずき はじめ", "birth_date": date(1950, 6, 6), "relation": "head"}
    with counted() as seen:
        hid = households.create_household(store, head=head, address="例示県つなぎ町大字本町3-3")
    assert seen == {"begun": 1, "commits": 1}
    with store.session() as s:
        assert s.scalars(select(Person.name).where(Person.household_id == hid)).all() == ["鈴木 一"]
    with pytest.raises(FieldErrors):  # a wrong person: no household either
        households.create_household(store, head=head | {"birth_date": None, "relation": "?"}, address="本町4-4")
    assert households.recent(store)[0][0] == hid
