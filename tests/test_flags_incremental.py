"""The day-to-day flag refresh looks only at the households where someone's age crossed a rule's threshold,
and ends in the same stored flags as re-evaluating every household (issue 25)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from app.models import FlagRecord, Household, Person, Setting
from app.services.flags import flag_review, flags
from app.services.flags.flags import FlagSettings
from app.services.households import households
from app.services.records import stored
from app.services.records.household_format import HouseholdRecord, Member
from app.services.store import settings as town_settings
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from tests.conftest import PASSPHRASE

# --- a random store --------------------------------------------------------------------------------

RELATIONS = ("spouse", "child", "child", "child", "parent", "grandchild", "sibling", "other")


@st.composite
def thresholds(draw) -> FlagSettings:
    """Town settings inside the ranges store.settings accepts, the contract's defaults most often."""
    if draw(st.booleans()):
        return FlagSettings()
    child_min = draw(st.integers(30, 50))
    young_under = draw(st.integers(15, 20))
    return FlagSettings(
        parent_min_age=draw(st.integers(60, 85)),
        child_min_age=child_min,
        child_max_age=draw(st.integers(child_min, 70)),
        preschool_under=draw(st.integers(3, 8)),
        young_carer_under=young_under,
        young_adult_carer_max=draw(st.integers(max(young_under, 18), 35)),
        elderly_age=draw(st.integers(60, 75)),
        hikikomori_long_months=draw(st.integers(1, 24)),
    )


class _Town:
    """Random households shaped like the rules' situations (a parent and a middle-aged child, a carer of
    a parent with a small child, a young carer, elderly couples, anyone), each person's age either
    reaching one of the rules' ages in or just around the days between the two refreshes, so crossings
    and the days just before and after one are common, or anything in a range that suits the role."""

    def __init__(self, rnd: random.Random, t: FlagSettings, d1: date, gap: int):
        self.rnd, self.t, self.d1, self.gap = rnd, t, d1, gap

    def born(self, near: list[int], lo: int, hi: int) -> tuple[date, date | None]:
        rnd = self.rnd
        if near and rnd.random() < 0.6:
            day = _years_before(self.d1 + timedelta(days=rnd.randint(-1, self.gap + 1)), rnd.choice(near))
        else:
            day = self.d1 - timedelta(days=rnd.randint(lo * 366, hi * 366))
        if rnd.random() < 0.7:
            return day, None
        # an approximate birth (「昭和19年」, 「80代」): a range of days, either of whose ends is the one above
        width = timedelta(days=rnd.choice([0, 30, 364, 3652, rnd.randint(1, 4000)]))
        return (day, day - width) if rnd.random() < 0.5 else (day + width, day)

    def person(self, code: str, relation: str, near: list[int], lo: int, hi: int, **given) -> Member:
        rnd, d1 = self.rnd, self.d1
        birth, earliest = self.born(near, lo, hi)
        hikikomori = rnd.choice(["no", "no", "yes", "suspected"])
        since = since_earliest = None
        if hikikomori != "no" and rnd.random() < 0.5:
            since = d1 - timedelta(days=rnd.randint(-40, 900))
            if rnd.random() < 0.5:
                since_earliest = since - timedelta(days=rnd.randint(0, 365))
        values = dict(
            sex=rnd.choice(["male", "female", "unknown"]),
            marital=rnd.choice(["single", "single", "married", "divorced", "unknown"]),
            work=rnd.choice(["not_working", "not_working", "working", "student", "unknown"]),
            care_level=rnd.choice(["none", "none", "care2", "support1"]),
            needs_assistance=rnd.random() < 0.3,
            hikikomori=hikikomori, hikikomori_since=since, hikikomori_since_earliest=since_earliest,
            issues=rnd.sample(["poverty", "health", "isolation"], rnd.choice([0, 0, 1, 2])),
            lives_here=rnd.random() < 0.9,
        )  # fmt: skip
        return Member(id=code, name=code, birth_date=birth, birth_earliest=earliest, relation=relation,
                      **(values | given))  # fmt: skip

    def household(self, code: str) -> HouseholdRecord:
        rnd, t = self.rnd, self.t
        kind = rnd.choice(["8050", "double_care", "young_carer", "elderly", "any"])
        elderly = [t.elderly_age]
        if kind == "8050":
            people = [self.person("m0", "head", [t.parent_min_age], 60, 100)]
            people += [self.person(f"m{i}", "child", [t.child_min_age, t.child_max_age + 1], 30, 75)
                       for i in range(1, rnd.randint(2, 3))]  # fmt: skip
        elif kind == "double_care":
            people = [
                self.person("m0", "head", [], 25, 50, cares_for=["m1"]),
                self.person("m1", "parent", elderly, 60, 95, care_level="care2"),
                self.person("m2", "child", [t.preschool_under], 0, 10),
            ]
        elif kind == "young_carer":
            people = [
                self.person("m0", "head", [], 40, 70, needs_assistance=True),
                self.person("m1", "child", [t.young_carer_under, t.young_adult_carer_max + 1], 8, 40,
                            cares_for=["m0"]),
            ]  # fmt: skip
        elif kind == "elderly":
            people = [self.person(f"m{i}", ("head", "spouse", "sibling")[i], elderly, 55, 95)
                      for i in range(rnd.randint(1, 3))]  # fmt: skip
        else:
            ages = [*flag_review._age_thresholds(t), 1, 10, 50, 90]
            people = [self.person(f"m{i}", "head" if i == 0 else rnd.choice(RELATIONS), ages, 0, 100)
                      for i in range(rnd.randint(1, 4))]  # fmt: skip
        codes = [m.id for m in people]
        for m in people:
            others = [c for c in codes if c != m.id]
            if not m.cares_for and others and rnd.random() < 0.3:
                m.cares_for = rnd.sample(others, min(len(others), rnd.randint(1, 2)))
        return HouseholdRecord(id=code, address="例示町", members=people)


# Days around 29 February in leap and common years, and the ends of months and years.
AWKWARD_DAYS = [date(2024, 2, 28), date(2024, 2, 29), date(2025, 2, 28), date(2027, 2, 27), date(2028, 2, 29),
                date(2026, 12, 31), date(2030, 1, 31)]  # fmt: skip


@st.composite
def world(draw, households: tuple[int, int] = (5, 25)):
    """Thresholds, two refresh days d1 < d2 within the incremental window, and random households. The
    households come from a random generator seeded by Hypothesis (so reproduced, not shrunk): drawing
    every field through Hypothesis took seconds per hundred stores."""
    t = draw(thresholds())
    d1 = draw(st.sampled_from(AWKWARD_DAYS) | st.dates(date(2020, 1, 1), date(2032, 12, 31)))
    gap = draw(st.sampled_from([1, 1, 2, 3, 7, 31, flag_review.INCREMENTAL_MAX_DAYS]))
    town = _Town(random.Random(draw(st.integers(0, 2**32 - 1))), t, d1, gap)
    records = [town.household(f"H-{h:04d}") for h in range(town.rnd.randint(*households))]
    return t, d1, d1 + timedelta(days=gap), records


def _years_before(day: date, years: int) -> date:
    return (
        day.replace(year=day.year - years)
        if (day.month, day.day) != (2, 29)
        else date(day.year - years, 3, 1)
    )


def _load(store: Store, t: FlagSettings, records: list[HouseholdRecord]) -> None:
    """The same households and thresholds in the store, anew, in one transaction: one store serves every
    example (the thresholds are drawn inside the ranges store.settings accepts)."""
    with store.session() as s:
        s.execute(delete(Household))  # persons, their links and the flags go with them (ON DELETE CASCADE)
        s.add_all(stored.to_model(r) for r in records)
        for name, value in t.to_dict().items():
            s.merge(Setting(key=f"flags.{name}", value=value))
        s.commit()


def _snapshot(store: Store) -> list[tuple]:
    """The stored automatic flags by household code and member codes (ids differ between the two runs)."""
    with store.session() as s:
        code_of = dict(s.execute(select(Person.id, Person.code)).all())
        hh = dict(s.execute(select(Household.id, Household.code)).all())
        rows = s.scalars(select(FlagRecord).where(FlagRecord.source == "auto")).all()
        return sorted(
            (hh[f.household_id], f.kind, tuple(code_of[p] for p in f.person_ids), f.active, f.state, f.reason,
             f.first_seen, f.last_seen)
            for f in rows
        )  # fmt: skip


# (no shrinking: the households come from a seed, and a smaller seed is not a smaller town)
@settings(max_examples=200, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(world())
def test_a_household_whose_flags_change_has_someone_whose_age_crossed(w):
    """What the daily refresh relies on, checked on many stores without a database: between two days,
    the flags of a household change only if one of its people was born in a range crossing_ranges gives."""
    t, d1, d2, records = w
    ranges = flag_review.crossing_ranges(d1, d2, t)
    for r in records:
        before, after = ({(f.kind, f.members) for f in flags.evaluate(r, day, t)} for day in (d1, d2))
        if before != after:
            born = [b for m in r.members for b in (m.birth_date, m.birth_earliest) if b is not None]
            assert any(lo < b <= hi for b in born for lo, hi in ranges), (r, before, after)


def test_incremental_refresh_equals_a_full_one(tmp_path):
    """full(d1) then the day-to-day refresh on d2 leaves the same stored flags as full(d1) then full(d2):
    the same rows, states, sentences and dates, on a real store."""
    store = Store.create(
        tmp_path / "s", passphrase=PASSPHRASE, user="tanaka", town="テスト町", kdf=FAST
    ).store
    try:

        @settings(
            max_examples=8,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        )
        @given(world())
        def check(w):
            t, d1, d2, records = w
            _load(store, t, records)
            flag_review.refresh_all(store, d1)
            flag_review.refresh_all(store, d2)
            expected = _snapshot(store)

            _load(store, t, records)
            flag_review.refresh_all(store, d1)
            result = flag_review.refresh_if_due(store, d2)
            assert result is not None and not result.full
            assert _snapshot(store) == expected
            assert not flag_review.refresh_due(store, d2)

        check()
    finally:
        store.close()


# --- the cases by hand -----------------------------------------------------------------------------


def _family(store, child_birth):
    hid = households.create_household(store, address="例示町本町1")
    households.add_member(store, hid, {"name": "山田 太郎", "birth_date": date(1944, 5, 1), "relation": "head",
                                       "sex": "male"})  # fmt: skip
    households.add_member(store, hid, {"name": "山田 健", "birth_date": child_birth, "relation": "child",
                                       "sex": "male", "work": "not_working", "marital": "single"})  # fmt: skip
    return hid


def _active(store, hid):
    return [f.kind for f in flag_review.for_household(store, hid) if f.source == "auto" and f.active]


def test_a_child_turning_forty_is_found_and_one_turning_sixty_five_leaves(store):
    hid = _family(store, child_birth=date(1990, 6, 15))
    flag_review.refresh_all(store, date(2030, 6, 10))
    assert _active(store, hid) == []
    result = flag_review.refresh_if_due(store, date(2030, 6, 15))
    assert not result.full and result.households == 1 and result.new == 1
    assert _active(store, hid) == ["8050"]
    # 25 years on, the day before the 65th birthday and the birthday itself: the 8050 candidate leaves the
    # 候補 list, and the two are now a household of elderly people only.
    flag_review.refresh_all(store, date(2055, 6, 14))
    (flag,) = [f for _h, _c, f in flag_review.open_candidates(store)]
    assert flag.kind == "8050" and _active(store, hid) == ["8050"]
    result = flag_review.refresh_if_due(store, date(2055, 6, 15))
    assert not result.full and (result.new, result.deactivated) == (1, 1)
    assert _active(store, hid) == ["elderly_only"]
    assert [f.kind for _h, _c, f in flag_review.open_candidates(store)] == ["elderly_only"]
    (gone,) = [f for f in flag_review.for_household(store, hid) if f.id == flag.id]
    assert not gone.active and gone.state_word == flag_review.NO_LONGER_APPLIES


def test_a_day_on_which_nobody_crosses_evaluates_nothing(store):
    hid = _family(store, child_birth=date(1990, 6, 15))
    flag_review.refresh_all(store, date(2031, 1, 10))
    assert _active(store, hid) == ["8050"]
    result = flag_review.refresh_if_due(store, date(2031, 1, 11))
    assert result == flag_review.RefreshResult(0, 0, 0, 0, full=False)
    assert store.setting(flag_review.LAST_REFRESH) == "2031-01-11"


def test_a_leap_day_birthday_comes_on_the_first_of_march_in_common_years(store):
    hid = _family(store, child_birth=date(1992, 2, 29))
    flag_review.refresh_all(store, date(2032, 2, 28))
    assert _active(store, hid) == []
    assert flag_review.refresh_if_due(store, date(2032, 2, 29)).new == 1  # 40 on 29 Feb of a leap year
    town_settings.save(store, {"flags.child_min_age": 39})
    flag_review.refresh_all(store, date(2031, 2, 27))
    assert _active(store, hid) == []
    assert flag_review.refresh_if_due(store, date(2031, 2, 28)).households == 0  # 39 only on 1 March 2031
    result = flag_review.refresh_if_due(store, date(2031, 3, 1))
    assert not result.full and result.reactivated == 1 and _active(store, hid) == ["8050"]


def test_an_approximate_birth_is_found_when_its_oldest_age_crosses(store):
    """「昭和40年代」: 8050 holds only while every possible age is ≤ 64, so the flag leaves on the day the
    earliest possible birth date turns 65, which only birth_earliest can tell."""
    hid = households.create_household(store, address="例示町2")
    households.add_member(store, hid, {"name": "親", "birth_date": date(1940, 1, 1), "relation": "head"})
    households.add_member(store, hid, {"name": "子", "birth_date": date(1974, 12, 31), "relation": "child",
                                       "work": "not_working", "marital": "single"})  # fmt: skip
    with store.session() as s:  # the range 昭和40年代 stands for
        s.get(Person, s.scalar(select(Person.id).where(Person.name == "子"))).birth_earliest = date(
            1965, 1, 1
        )
        s.commit()
    flag_review.refresh_all(store, date(2029, 12, 31))
    assert _active(store, hid) == ["8050"]
    result = flag_review.refresh_if_due(store, date(2030, 1, 1))
    assert not result.full and result.deactivated == 1 and _active(store, hid) == []


def test_falls_back_to_every_household_when_it_cannot_rely_on_the_last_refresh(store):
    _family(store, child_birth=date(1990, 6, 15))
    assert flag_review.refresh_if_due(store, date(2030, 6, 1)).full  # never refreshed
    assert not flag_review.refresh_if_due(store, date(2030, 6, 2)).full
    far = date(2030, 6, 2) + timedelta(days=flag_review.INCREMENTAL_MAX_DAYS + 1)
    assert flag_review.refresh_if_due(store, far).full  # too long ago
    assert flag_review.refresh_if_due(store, far - timedelta(days=3)).full  # the clock went back
    town_settings.save(store, {"flags.parent_min_age": 70})  # thresholds changed without a refresh
    assert flag_review.refresh_if_due(store, far).full
    assert not flag_review.refresh_if_due(store, far + timedelta(days=1)).full


def test_the_crossing_queries_use_the_birth_date_indexes(store):
    assert flag_review._age_thresholds(FlagSettings()) == {75, 40, 65, 6, 18, 30}
    ranges = flag_review.crossing_ranges(date(2030, 1, 1), date(2030, 1, 2), FlagSettings())
    params = {
        f"{end}{i}": day for i, pair in enumerate(ranges) for end, day in zip(("lo", "hi"), pair, strict=True)
    }
    with store.session() as s:
        for stmt in flag_review.crossing_queries(len(ranges)):
            sql = str(stmt.params(params).compile(compile_kwargs={"literal_binds": True}))
            plan = " ".join(str(r[-1]) for r in s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
            assert "USING INDEX" in plan and "SCAN persons" not in plan, plan
