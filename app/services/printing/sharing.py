"""What personal data may leave the store on paper: every rule of sharing, in one place (domain.md §5, §7).

A print is made for a reader on a basis (vocab.PRINT_BASIS). Two rules apply to every form, whatever the
form, because the forms layer passes every text it draws through the ``Disclosure`` made here:

- 虐待・DV (any flag of vocab.PRINT_RESTRICTING_FLAGS) removes what locates the family — address, postal
  code, 地区, the household's 呼び名 and every phone number — from the form, in any spelling (full- or
  half-width digits, with or without hyphens and spaces).
- 最小限 (no consent, no meeting, no law) identifies nobody: members appear as the initials or 呼び名 the
  coordinator chose, ages as bands, and neither names, kana nor birth dates are printed, not even inside
  free text; free text on a 最小限 つなぐシート is only what the coordinator reviewed for it.

Forms use the ``Disclosure`` for their layout (「（非表示）」 rather than a blank); the scrubbing is the net
that catches what a layout forgets. No Qt, no ReportLab here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import jaconv

from app.models import Household, Person, vocab
from app.services.common.japanese import age_on, age_words, birth_words, format_wareki

HIDDEN_RESTRICTED = "（非表示：虐待・DV）"
HIDDEN_MINIMAL = "（非表示：最小限）"
HIDDEN_PHONE = "（電話非表示）"
HIDDEN_PLACE = "（所在非表示）"
HIDDEN_BIRTH = "（生年月日非表示）"
MINIMAL_BASES = ("minimal",)
HONORIFICS = ("さん", "くん", "ちゃん", "君", "様", "氏")

# Characters that do not change what a name, number or address says: spaces, hyphens and dashes of
# every width, brackets around area codes, the long-vowel mark and 〒.
_SEPARATORS = frozenset(" \t\r\n\u3000\u00a0-‐‑‒–—―−－ー～〜ｰ()（）[]［］・･.,，、。/／〒:：")
_MARKS = ("\uff9e", "\uff9f")  # half-width voiced marks, which belong to the letter before them


def fold(text: str) -> tuple[str, list[int]]:
    """The text as compared (NFKC, katakana, case-folded, separators dropped) and, for each character of
    it, the index of the character of ``text`` it came from."""
    out: list[str] = []
    where: list[int] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and (text[j] in _MARKS or unicodedata.combining(text[j])):
            j += 1
        for ch in jaconv.hira2kata(unicodedata.normalize("NFKC", text[i:j])).casefold():
            if ch not in _SEPARATORS:
                out.append(ch)
                where.append(i)
        i = j
    return "".join(out), where


def folded(text: str) -> str:
    return fold(text or "")[0]


def initials(person: Person) -> str:
    """Y・K for やまだ けん; the family/given split is the first space of the kana."""
    parts = (person.kana or "").replace("\u3000", " ").split()
    letters = [jaconv.kana2alphabet(jaconv.kata2hira(p))[:1].upper() for p in parts if p]
    letters = [c for c in letters if c.isascii() and c.isalpha()]
    return "・".join(letters) if letters else "＊"


def age_band(age: int) -> str:
    return "10歳未満" if age < 10 else f"{age // 10 * 10}代"


_ERA_LETTERS = {"明治": "M", "大正": "T", "昭和": "S", "平成": "H", "令和": "R"}


def _date_spellings(d: date) -> list[str]:
    """A birth date as offices write it: 和暦 (long and S19.5.3), ISO, 1944/5/3 and 1944年5月3日 (the fold
    makes 1944/05/03 and 1944-5-3 the same)."""
    wareki = format_wareki(d)
    short = [f"{letter}{wareki[len(era):].split('年')[0].replace('元', '1')}.{d.month}.{d.day}"
             for era, letter in _ERA_LETTERS.items() if wareki.startswith(era)]  # fmt: skip
    return [wareki, *short, d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日"]


def _phones(h: Household) -> list[str]:
    found = [h.phone] + [x for p in h.members for x in (p.phone, p.mobile)]
    return [x for x in found if x and sum(c.isdigit() for c in unicodedata.normalize("NFKC", x)) >= 6]


@dataclass(frozen=True)
class Disclosure:
    """What one print may show. Made by ``for_print``; the forms layer scrubs every text through it."""

    basis: str = "internal"
    restricted_ids: frozenset[int] = frozenset()
    anonymous: bool = False
    aliases: dict[int, str] = field(default_factory=dict)
    _needles: tuple[tuple[str, str], ...] = ()

    # --- what a form asks ------------------------------------------------------------------------

    def restricted(self, household: Household | None) -> bool:
        return household is not None and household.id in self.restricted_ids

    def hides_place(self, household: Household | None) -> bool:
        return self.anonymous or self.restricted(household)

    def _hidden(self, household: Household | None) -> str:
        return HIDDEN_RESTRICTED if self.restricted(household) else HIDDEN_MINIMAL

    def address(self, household: Household, *, postal: bool = True) -> str:
        if self.hides_place(household):
            return self._hidden(household)
        parts = [f"〒{household.postal_code}" if postal and household.postal_code else "", household.address]
        return " ".join(x for x in parts if x)

    def place(self, household: Household, value: str) -> str:
        """Any other text that locates the family (地区, 呼び名, a map note)."""
        return self._hidden(household) if value and self.hides_place(household) else (value or "")

    def phone(self, household: Household, *values: str) -> str:
        shown = " / ".join(v for v in values if v)
        return self._hidden(household) if shown and self.hides_place(household) else shown

    def name(self, person: Person | None) -> str:
        if person is None:
            return ""
        return (self.aliases.get(person.id) or initials(person)) if self.anonymous else person.name

    def kana(self, person: Person | None) -> str:
        return "" if person is None or self.anonymous else person.kana

    def age(self, person: Person, on: date) -> str:
        if person.deceased or person.birth_date is None:
            return ""
        if self.anonymous:
            return age_band(age_on(person.birth_date, on))
        return age_words(person.birth_date, person.birth_earliest, on)

    def birth(self, person: Person, on: date) -> str:
        if self.anonymous:
            return self.age(person, on) or HIDDEN_BIRTH
        born = birth_words(person.birth_date, person.birth_earliest, person.birth_text)
        if person.deceased:
            return f"{born}（死亡）"
        return f"{born}（{age_words(person.birth_date, person.birth_earliest, on)}）"

    def household_name(self, household: Household) -> str:
        """How a household is headed on a form: its 世帯主 (or first member), else its 呼び名."""
        head = next((m for m in household.members if m.relation == "head"), None) or next(
            iter(household.members), None
        )
        if head is not None:
            return self.name(head)
        return self.place(household, household.label)

    # --- the net ---------------------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """``text`` with every spelling of what this print must not show replaced."""
        if not text or not self._needles:
            return text or ""
        hay, where = fold(text)
        spans: list[tuple[int, int, str]] = []
        taken = [False] * len(hay)
        for needle, replacement in self._needles:  # longest first
            start = hay.find(needle)
            while start != -1:
                end = start + len(needle)
                if not any(taken[start:end]):
                    for k in range(start, end):
                        taken[k] = True
                    spans.append((where[start], where[end - 1] + 1, replacement))
                start = hay.find(needle, start + 1)
        if self.anonymous:
            text_out = _replace(text, spans)
            return re.sub(r"(\d+)歳(?!以上|未満|〜|から|まで)", lambda m: age_band(int(m.group(1))), text_out)
        return _replace(text, spans)


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for start, end, replacement in sorted(spans):
        if start < last:
            continue
        out += [text[last:start], replacement]
        last = end
    out.append(text[last:])
    return "".join(out)


OPEN = Disclosure()


def for_print(
    households: Iterable[Household],
    restricted_ids: Iterable[int] = (),
    basis: str = "internal",
    aliases: dict[int, str] | None = None,
) -> Disclosure:
    """The disclosure of one print about ``households`` (members loaded) on ``basis``.
    ``restricted_ids``: those of them under 虐待・DV (``restricted_households`` finds them)."""
    if basis not in vocab.PRINT_BASIS:
        raise ValueError(basis)
    households = list(households)
    restricted = frozenset(restricted_ids)
    anonymous = basis in MINIMAL_BASES
    aliases = dict(aliases or {})
    needles: list[tuple[str, str]] = []

    def add(text: str | None, replacement: str) -> None:
        key = folded(text or "")
        if len(key) >= 2:
            needles.append((key, replacement))

    for h in households:
        if anonymous or h.id in restricted:
            hidden = HIDDEN_RESTRICTED if h.id in restricted else HIDDEN_MINIMAL
            add(h.address, hidden)
            add(h.postal_code, hidden)
            add(h.label, HIDDEN_PLACE)
            add(h.district, HIDDEN_PLACE)
            # The street part alone (after the town's name) locates the family too.
            tail = re.split(r"[都道府県市区町村郡]", h.address or "")[-1]
            if len(folded(tail)) >= 4:
                add(tail, hidden)
            for phone in _phones(h):
                add(phone, HIDDEN_PHONE)
        if anonymous:
            for p in h.members:
                mark = aliases.get(p.id) or initials(p)
                for text in (p.name, p.kana):
                    text = (text or "").replace("\u3000", " ").strip()
                    add(text, mark)
                    for part in text.split():
                        add(part, mark)
                        if len(part) == 1:  # 健 alone is too common to take out; 健さん is a name
                            for honorific in HONORIFICS:
                                add(part + honorific, mark + honorific)
                if p.birth_date:
                    for spelling in _date_spellings(p.birth_date):
                        add(spelling, HIDDEN_BIRTH)
    # Longest first, so 山田 健 becomes Y・K whole rather than its family part first.
    needles = tuple(sorted(set(needles), key=lambda x: -len(x[0])))
    return Disclosure(basis, restricted, anonymous, aliases, needles)


def restricted_households(session, household_ids: Iterable[int]) -> set[int]:
    """Those of the households whose flags restrict printing (虐待・DV, as a candidate or confirmed)."""
    from sqlalchemy import select

    from app.models import FlagRecord

    ids = set(household_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(FlagRecord.household_id).where(
                FlagRecord.household_id.in_(ids),
                FlagRecord.kind.in_(vocab.PRINT_RESTRICTING_FLAGS),
                FlagRecord.active,
                FlagRecord.state.in_(("candidate", "confirmed")),
            )
        )
    )
