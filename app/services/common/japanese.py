"""Japanese conventions every part of the app needs: 和暦 dates, ages, 年度 and the kana search key.

Dates are stored as ISO ``date`` objects; 和暦 exists only at the edges (input and display).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import jaconv

from app.services.common.variants import fold_kanji


@dataclass(frozen=True)
class Era:
    name: str  # 令和
    letter: str  # R
    start: date  # first day of the era


# Newest first. 明治 starts on the day of the 改元の詔 (明治元年九月八日 = 1868-10-23 in the Gregorian calendar);
# dates before that are out of scope for people alive today.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", date(2019, 5, 1)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("昭和", "S", date(1926, 12, 25)),
    Era("大正", "T", date(1912, 7, 30)),
    Era("明治", "M", date(1868, 10, 23)),
)
_BY_KEY = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS}


class DateInputError(ValueError):
    """A date the user typed could not be understood; ``str(error)`` is a Japanese message."""


def era_of(day: date) -> Era:
    for era in ERAS:
        if day >= era.start:
            return era
    raise ValueError(f"{day.isoformat()} は明治より前の日付です")


def format_wareki(day: date, *, short: bool = False) -> str:
    """令和7年4月1日, 令和元年5月1日; ``short`` gives R7.4.1. Before 明治: 西暦 (1850年1月1日)."""
    if day < ERAS[-1].start:
        return day.isoformat() if short else f"{day.year}年{day.month}月{day.day}日"
    era = era_of(day)
    year = day.year - era.start.year + 1
    if short:
        return f"{era.letter}{year}.{day.month}.{day.day}"
    return f"{era.name}{'元' if year == 1 else year}年{day.month}月{day.day}日"


_ERA_KEYS = "|".join(sorted(_BY_KEY, key=len, reverse=True))
_WAREKI = re.compile(
    rf"^({_ERA_KEYS})\s*(元|\d{{1,2}})\s*(?:年|[./-])\s*(\d{{1,2}})\s*(?:月|[./-])\s*(\d{{1,2}})\s*日?$"
)
_SEIREKI = re.compile(r"^(\d{4})\s*(?:年|[./-])\s*(\d{1,2})\s*(?:月|[./-])\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(text: str) -> date:
    """Accept 和暦 (S30.4.1, 昭和30年4月1日, R7/4/1, 令和元年5月1日) or 西暦 (2025-04-01, 2025/4/1, 20250401).

    Full-width digits and letters are accepted. A 和暦 date outside its era (平成31年5月1日) is refused,
    because it usually means a typing mistake that would silently move someone's birthday.
    """
    raw = text
    text = unicodedata.normalize("NFKC", text).strip().upper()
    if not text:
        raise DateInputError("日付を入力してください")
    if m := _WAREKI.match(text):
        era = _BY_KEY[m.group(1)]
        year = 1 if m.group(2) == "元" else int(m.group(2))
        if year < 1:
            raise DateInputError(f"「{raw}」: {era.name}0年はありません")
        day = _make_date(era.start.year + year - 1, int(m.group(3)), int(m.group(4)), raw)
        nxt = _next_era(era)
        if day < era.start or (nxt is not None and day >= nxt.start):
            first = format_wareki(era.start)
            last = f"{format_wareki(date.fromordinal(nxt.start.toordinal() - 1))}" if nxt else "現在"
            raise DateInputError(f"「{raw}」は{era.name}の期間（{first}〜{last}）にありません")
        return day
    for pattern in (_SEIREKI, _COMPACT):
        if m := pattern.match(text):
            return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), raw)
    raise DateInputError(f"「{raw}」を日付として読めません（例: R7.4.1、昭和30年4月1日、2025-04-01）")


def _next_era(era: Era) -> Era | None:
    i = ERAS.index(era)
    return ERAS[i - 1] if i > 0 else None


def _make_date(y: int, m: int, d: int, raw: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise DateInputError(f"「{raw}」は存在しない日付です") from None


def age_on(birth: date, on: date) -> int:
    """Whole years on ``on``; it goes up on the birthday (29 Feb birthdays on 1 Mar in common years)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def fiscal_year(day: date) -> int:
    """年度 (April–March) as the Gregorian year in which it starts."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def format_fiscal_year(fy: int) -> str:
    """令和7年度: the era in force on 1 April, except that 2019 is 令和元年度 as used in practice
    (令和 began on 1 May 2019, a month into the year; 1989's change in January left 昭和63年度 alone)."""
    era = era_of(date(fy, 5, 1))
    year = fy - era.start.year + 1
    return f"{era.name}{'元' if year == 1 else year}年度"


_SPACES = re.compile(r"\s+")
# Long-vowel marks and the dashes and tildes typed for them (ー, －, 〜, ～ after NFKC), and the hyphens
# of addresses (1-2-3): one mark in the key, so that whichever was typed finds the others.
_LONG_VOWEL = re.compile("[ー\\-~〜‐‑‒–—―−]")
# ヴ spellings as they are also written with バ行 (ヴァイオリン/バイオリン); ヷヸヹヺ are old ways to write them.
_VU = {"ヴァ": "バ", "ヴィ": "ビ", "ヴェ": "ベ", "ヴォ": "ボ", "ヴュ": "ビュ", "ヴ": "ブ"}
_VU |= dict(zip("ヷヸヹヺ", "バビベボ", strict=True))
_VU_SPELLING = re.compile("|".join(sorted(_VU, key=len, reverse=True)))


def search_key(text: str) -> str:
    """The key a name, kana, 呼び名 or address is found by: NFKC (half-width kana, full-width letters),
    katakana, no spaces, one long-vowel mark, ヴ as ブ, and kanji variants folded (variants.fold_kanji).

    The name itself is stored exactly as typed (髙・﨑 stay intact); only this key is normalised. Search
    folds the query with this same function, so keys and queries cannot drift apart.
    """
    text = fold_kanji(unicodedata.normalize("NFKC", text or ""))
    text = _SPACES.sub("", jaconv.hira2kata(text))
    text = _VU_SPELLING.sub(lambda m: _VU[m.group()], _LONG_VOWEL.sub("ー", text))
    return text.casefold()


# --- dates known only in part ----------------------------------------------------------------------

_PART_WAREKI = re.compile(rf"^({_ERA_KEYS})\s*(元|\d{{1,2}})\s*(?:年|[./-])?(?:\s*(\d{{1,2}})\s*月?)?(?:頃|ごろ)?$")
_PART_SEIREKI = re.compile(r"^(\d{4})\s*(?:年|[./-])?(?:\s*(\d{1,2})\s*月?)?(?:頃|ごろ)?$")
_DECADE = re.compile(r"^(\d{1,3})\s*(?:代|歳代)(?:前半|後半)?$")
_AGE = re.compile(r"^(\d{1,3})\s*(?:歳|才)(?:くらい|位|ぐらい|程度)?$")


@dataclass(frozen=True)
class PartialDate:
    """A date known only in part, as the range it can be (earliest..latest) and the words written."""

    earliest: date
    latest: date
    text: str


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def _month_range(year: int, month: int | None, raw: str) -> tuple[date, date]:
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    if not 1 <= month <= 12:
        raise DateInputError(f"「{raw}」: {month}月はありません")
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, 1), date.fromordinal(nxt.toordinal() - 1)


def parse_partial_date(text: str, as_of: date) -> PartialDate:
    """A birth date as offices write it when the day is not known: 昭和19年, S19.5, 1944年, 1944/5,
    「80代」 or 「80歳」 (ages on ``as_of``). A full date is returned as a one-day range."""
    return _partial_date(text, as_of, ages=True)


def parse_partial_since(text: str, as_of: date) -> PartialDate:
    """When something began, as people remember it: 平成15年, H15.5, 2003年5月, or a whole date. Ages
    mean nothing here; a year or month still running ends on ``as_of`` (「令和8年から」 said in 令和8年)."""
    return _partial_date(text, as_of, ages=False)


def partial_words(latest: date, earliest: date | None = None, text: str = "") -> str:
    """A date known only in part as a person reads it: what was written, marked （概数）, else 和暦."""
    return birth_words(latest, earliest, text)


def _partial_date(text: str, as_of: date, *, ages: bool) -> PartialDate:
    raw = text
    norm = unicodedata.normalize("NFKC", text or "").strip().upper()
    try:
        day = parse_date(norm)
        return PartialDate(day, day, "")
    except DateInputError as exc:
        whole_date_error = exc  # e.g. 「平成31年5月1日」 is outside 平成: said as such, not "cannot read"
    if m := _PART_WAREKI.match(norm):
        era = _BY_KEY[m.group(1)]
        year = 1 if m.group(2) == "元" else int(m.group(2))
        if year < 1:
            raise DateInputError(f"「{raw}」: {era.name}0年はありません")
        month = int(m.group(3)) if m.group(3) else None
        first, last = _month_range(era.start.year + year - 1, month, raw)
        nxt = _next_era(era)
        first, last = max(first, era.start), min(last, date.fromordinal(nxt.start.toordinal() - 1)) if nxt else last
        if first > last:
            raise DateInputError(f"「{raw}」は{era.name}の期間にありません")
        words = f"{era.name}{'元' if year == 1 else year}年" + (f"{month}月" if month else "")
    elif m := _PART_SEIREKI.match(norm):
        month = int(m.group(2)) if m.group(2) else None
        first, last = _month_range(int(m.group(1)), month, raw)
        words = f"{m.group(1)}年" + (f"{month}月" if month else "")
        era = era_of(first)
        if not ages and first >= ERAS[-1].start and era_of(last) is era:
            # A start is shown in 和暦 whichever way it was typed (2003年 → 平成15年); a year two eras
            # share (2019年) stays as typed rather than guess which.
            year = first.year - era.start.year + 1
            words = f"{era.name}{'元' if year == 1 else year}年" + (f"{month}月" if month else "")
    elif ages and ((m := _DECADE.match(norm)) or (m := _AGE.match(norm))):
        low = int(m.group(1))
        span = 10 if m.re is _DECADE else 1
        if m.re is _DECADE and low % 10:
            raise DateInputError(f"「{raw}」: 年代は 80代 のように10の倍数で書いてください")
        # Aged low..low+span-1 on as_of: born after as_of minus (low+span) years, by as_of minus low years.
        first = date.fromordinal(_years_before(as_of, low + span).toordinal() + 1)
        last = _years_before(as_of, low)
        words = f"{low}{'代' if span == 10 else '歳'}（{format_wareki(as_of)}時点）"
    else:
        if "読めません" not in str(whole_date_error):
            raise whole_date_error
        if not ages:
            raise DateInputError(f"「{raw}」を日付として読めません（例: 平成15年5月1日、平成15年、H15.5、2003年）")
        raise DateInputError(
            f"「{raw}」を生年月日として読めません（例: 昭和19年5月1日、昭和19年、S19.5、1944年、80代）"
        )
    if not ages and first <= as_of:
        last = min(last, as_of)
    if last > as_of:
        raise DateInputError(f"「{raw}」は未来の日付です")
    if first < ERAS[-1].start.replace(month=1, day=1):
        raise DateInputError(f"「{raw}」は古すぎます（明治以降の日付にしてください）")
    return PartialDate(first, last, words)


def birth_words(born: date, earliest: date | None = None, text: str = "") -> str:
    """A birth date as a person reads it: 和暦, or what was written when only part of it is known."""
    if earliest is not None and earliest != born:
        return f"{text or format_wareki(earliest) + '〜' + format_wareki(born)}（概数）"
    return format_wareki(born)


def age_words(born: date, earliest: date | None, on: date) -> str:
    """「85歳」, or the range an approximate birth date allows (「80〜89歳」)."""
    young, old = age_on(born, on), age_on(earliest or born, on)
    return f"{young}歳" if young == old else f"{young}〜{old}歳"
