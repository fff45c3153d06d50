"""ひきこもりの開始 known only as a year or a month (「平成15年」, 「平成15年5月」): read, stored as the range it
can be with the words written, shown as written with （概数）, carried through the household JSON by extra
keys only, and the flag's 「Nか月以上」 said only when even the latest possible start reaches it."""

from __future__ import annotations

from datetime import date

import pytest

from app.services.common.errors import InvalidInput
from app.services.common.japanese import DateInputError, parse_partial_since, partial_words
from app.services.flags import flags
from app.services.households import disclosure, exchange, households
from app.services.households.households import FieldErrors
from app.services.records import household_format

TODAY = date(2026, 7, 1)


@pytest.mark.parametrize(
    ("typed", "earliest", "latest", "words"),
    [
        ("平成15年", date(2003, 1, 1), date(2003, 12, 31), "平成15年"),
        ("平成15年ごろ", date(2003, 1, 1), date(2003, 12, 31), "平成15年"),
        ("H15.5", date(2003, 5, 1), date(2003, 5, 31), "平成15年5月"),
        ("2003年5月", date(2003, 5, 1), date(2003, 5, 31), "平成15年5月"),  # shown in 和暦 whichever way typed
        ("2019年", date(2019, 1, 1), date(2019, 12, 31), "2019年"),  # two eras: left as typed
        ("令和8年", date(2026, 1, 1), TODAY, "令和8年"),  # this year: up to today, not a future day
        ("平成15年5月1日", date(2003, 5, 1), date(2003, 5, 1), ""),
    ],
)
def test_a_start_is_read_as_the_range_it_can_be(typed, earliest, latest, words):
    got = parse_partial_since(typed, TODAY)
    assert (got.earliest, got.latest, got.text) == (earliest, latest, words)


@pytest.mark.parametrize("typed", ["80代", "30歳", "令和9年", "あいう"])
def test_ages_future_years_and_nonsense_are_refused(typed):
    with pytest.raises(DateInputError):
        parse_partial_since(typed, TODAY)


def test_shown_as_written_with_approximate_mark():
    assert partial_words(date(2003, 12, 31), date(2003, 1, 1), "平成15年") == "平成15年（概数）"
    assert partial_words(date(2003, 5, 1)) == "平成15年5月1日"


@pytest.fixture
def son(store):
    hid = households.create_household(store, address="例示町1")
    households.add_member(store, hid, {"name": "山田 一郎", "kana": "やまだ いちろう", "birth_date": date(1945, 1, 1),
                                       "relation": "head"})  # fmt: skip
    pid = households.add_member(store, hid, {
        "name": "山田 太郎", "kana": "やまだ たろう", "birth_date": date(1980, 3, 3), "relation": "child",
        "hikikomori": "yes", "hikikomori_since": date(2003, 12, 31), "hikikomori_since_earliest": date(2003, 1, 1),
        "hikikomori_since_text": "平成15年"})  # fmt: skip
    return hid, pid


def _person(store, hid, pid):
    return next(p for p in households.open_household(store, hid).members if p.id == pid)


def test_stored_faithfully_and_replaced_by_a_whole_date(store, son):
    hid, pid = son
    p = _person(store, hid, pid)
    assert (p.hikikomori_since_earliest, p.hikikomori_since, p.hikikomori_since_text) == (
        date(2003, 1, 1), date(2003, 12, 31), "平成15年")  # fmt: skip
    # Another field edited: the approximate start stays as it was.
    households.update_member(store, pid, {"phone": "0858-00-0000"})
    assert _person(store, hid, pid).hikikomori_since_text == "平成15年"
    # A whole day given: no longer approximate (it does not become the end of the old range).
    households.update_member(store, pid, {"hikikomori_since": date(2003, 6, 1)})
    p = _person(store, hid, pid)
    assert (p.hikikomori_since_earliest, p.hikikomori_since, p.hikikomori_since_text) == (None, date(2003, 6, 1), "")


def test_a_range_backwards_is_refused_at_the_field(store, son):
    _hid, pid = son
    with pytest.raises(FieldErrors) as caught:
        households.update_member(store, pid, {"hikikomori_since": date(2003, 1, 1),
                                              "hikikomori_since_earliest": date(2003, 12, 31)})  # fmt: skip
    assert "hikikomori_since" in caught.value.errors


def test_the_disclosure_shows_it_as_written(store, son):
    _hid, pid = son
    with store.session() as s:
        facts = dict(disclosure.gather(s, pid).facts)
    assert facts["ひきこもりの開始日"] == "平成15年（概数）"


def _flag(**since) -> str:
    h = household_format.parse({"format": household_format.FORMAT, "households": [{"id": "H", "members": [
        {"id": "m1", "name": "本人", "birth_date": "1980-03-03", "hikikomori": "yes", **since}]}]})[0]  # fmt: skip
    (flag,) = [f for f in flags.evaluate(h, date(2026, 4, 1)) if f.kind == "hikikomori"]
    return flag.reason


def test_the_long_duration_is_said_only_when_the_whole_range_reaches_it():
    # 令和7年: between 3 and 15 months before 令和8年4月1日 — not surely 6 months or more.
    unsure = _flag(hikikomori_since="2025-12-31", hikikomori_since_earliest="2025-01-01",
                   hikikomori_since_text="令和7年")  # fmt: skip
    assert "（令和7年（概数）から約3か月〜1年3か月）" in unsure and "以上" not in unsure
    # 令和7年9月: 6 to 7 months, so surely 6 months or more.
    sure = _flag(hikikomori_since="2025-09-30", hikikomori_since_earliest="2025-09-01",
                 hikikomori_since_text="令和7年9月")  # fmt: skip
    assert "（令和7年9月（概数）から約6か月〜7か月、6か月以上）" in sure
    # An exact day reads as before.
    assert "（令和7年9月1日から約7か月、6か月以上）" in _flag(hikikomori_since="2025-09-01")


def test_json_round_trip_with_extra_keys_only(store, son):
    hid, _pid = son
    records = exchange.export_records(store)
    doc = household_format.to_document(records)
    member = next(m for h in doc["households"] for m in h["members"] if m["name"] == "山田 太郎")
    # The spec's key keeps a plain ISO date (the latest possible day); the range and the words are extras.
    assert member["hikikomori_since"] == "2003-12-31"
    assert member["hikikomori_since_earliest"] == "2003-01-01" and member["hikikomori_since_text"] == "平成15年"
    again = household_format.parse(doc)
    assert household_format.to_document(again) == doc
    m = next(m for h in again for m in h.members if m.name == "山田 太郎")
    assert m.hikikomori_since_approximate and m.extras["hikikomori_since_text"] == "平成15年"
    # A reader of the spec alone that drops the extras still gets a valid, exact-looking record.
    plain = {**member}
    del plain["hikikomori_since_earliest"], plain["hikikomori_since_text"]
    parsed = household_format.parse({"format": household_format.FORMAT,
                                     "households": [{"id": "X", "members": [plain]}]})[0].members[0]  # fmt: skip
    assert parsed.hikikomori_since == date(2003, 12, 31) and not parsed.hikikomori_since_approximate


def test_json_refuses_an_earliest_without_a_start():
    with pytest.raises(InvalidInput, match="ひきこもりの開始日"):
        household_format.parse({"format": household_format.FORMAT, "households": [{"id": "H", "members": [
            {"id": "m1", "name": "本人", "birth_date": "1980-03-03", "hikikomori_since_earliest": "2003-01-01"}]}]})  # fmt: skip
