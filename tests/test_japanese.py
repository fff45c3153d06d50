from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.common.japanese import (
    DateInputError,
    age_on,
    fiscal_year,
    format_fiscal_year,
    format_wareki,
    parse_date,
    search_key,
)

DATES = st.dates(min_value=date(1868, 10, 23), max_value=date(2099, 12, 31))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("S30.4.1", date(1955, 4, 1)),
        ("昭和30年4月1日", date(1955, 4, 1)),
        ("R7/4/1", date(2025, 4, 1)),
        ("r7-4-1", date(2025, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("Ｈ１．１．８", date(1989, 1, 8)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("2025-04-01", date(2025, 4, 1)),
        ("2025/4/1", date(2025, 4, 1)),
        ("2025年4月1日", date(2025, 4, 1)),
        ("20250401", date(2025, 4, 1)),
    ],
)
def test_parse_date_accepts_what_people_type(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("平成31年5月1日", "平成の期間"),
        ("昭和64年1月8日", "昭和の期間"),
        ("平成元年1月7日", "平成の期間"),
        ("令和7年2月30日", "存在しない日付"),
        ("S0.1.1", "0年"),
        ("きのう", "日付として読めません"),
        ("", "日付を入力"),
    ],
)
def test_parse_date_refuses_with_a_japanese_reason(text, fragment):
    with pytest.raises(DateInputError, match=fragment):
        parse_date(text)


def test_era_boundaries_format():
    assert format_wareki(date(1989, 1, 7)) == "昭和64年1月7日"
    assert format_wareki(date(1989, 1, 8)) == "平成元年1月8日"
    assert format_wareki(date(2019, 4, 30)) == "平成31年4月30日"
    assert format_wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert format_wareki(date(2025, 4, 1), short=True) == "R7.4.1"


@given(DATES)
def test_wareki_round_trips(day):
    assert parse_date(format_wareki(day)) == day
    assert parse_date(format_wareki(day, short=True)) == day
    assert parse_date(day.isoformat()) == day


@given(DATES, DATES)
def test_age_goes_up_on_the_birthday(birth, on):
    if on < birth:
        birth, on = on, birth
    age = age_on(birth, on)
    assert age >= 0
    try:
        birthday = birth.replace(year=on.year)
    except ValueError:  # 29 February in a common year: reached on 1 March
        birthday = date(on.year, 3, 1)
    assert age == on.year - birth.year - (on < birthday)


def test_leap_day_birthday():
    born = date(2000, 2, 29)
    assert age_on(born, date(2023, 2, 28)) == 22
    assert age_on(born, date(2023, 3, 1)) == 23
    assert age_on(born, date(2024, 2, 29)) == 24


def test_fiscal_year():
    assert fiscal_year(date(2026, 3, 31)) == 2025
    assert fiscal_year(date(2026, 4, 1)) == 2026
    assert format_fiscal_year(2025) == "令和7年度"
    assert (
        format_fiscal_year(2019) == "令和元年度"
    )  # 1 April 2019 was still 平成31年; the 年度 is named 令和元年度
    assert format_fiscal_year(1988) == "昭和63年度"
    assert format_fiscal_year(1989) == "平成元年度"


@pytest.mark.parametrize(
    "variant",
    ["やまだ たろう", "ヤマダ タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ", "やまだたろう", " ヤマダタロウ "],
)
def test_search_key_matches_every_script(variant):
    assert search_key(variant) == "ヤマダタロウ"


def test_search_key_folds_kanji_variants_and_width():
    # The name is stored as typed; only its key folds 髙→高 and 﨑→崎 (tests/test_search_variants.py).
    assert search_key("髙橋 﨑子") == "高橋崎子"
    assert search_key("ＡＢＣ　１２３") == "abc123"


@given(st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3096), min_size=1, max_size=10))
def test_hiragana_and_katakana_keys_agree(text):
    import jaconv

    assert (
        search_key(text)
        == search_key(jaconv.hira2kata(text))
        == search_key(jaconv.z2h(jaconv.hira2kata(text)))
    )
