"""Flag rules (気づき): 8050, ダブルケア and related situations, evaluated as of a date.

Pure functions over the exchange-format records (app.services.records.household_format): no database, so the
same engine serves the app, the ``flags`` CLI and tests. Rules and codes follow the contract in
shared/spec/households.md; thresholds are town settings with the contract's defaults. A flag is a
prompt for the coordinator, never a label: every flag carries the sentence that explains it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from datetime import date

from app.models import vocab
from app.services.common.japanese import age_on, partial_words
from app.services.records.family import RelationWords, parents_of
from app.services.records.household_format import HouseholdRecord, Member

OUTPUT_FORMAT = "tsunagi-flags/1"
# Raised whenever a rule changes what fires: the next daily refresh then re-evaluates every household
# instead of only those whose people aged across a threshold (flag_review.refresh_since_last).
RULES_VERSION = 1

# Code → the word on screen. Order is the order flags are listed in.
KINDS = {
    "8050": "8050",
    "double_care": "ダブルケア",
    "young_carer": "ヤングケアラー",
    "young_adult_carer": "若者ケアラー",
    "elderly_carer": "老老介護",
    "hikikomori": "ひきこもり",
    "elderly_alone": "独居高齢",
    "elderly_only": "高齢者のみ世帯",
    "multi_issue": "複合課題",
}


@dataclass(frozen=True)
class FlagSettings:
    """Thresholds a town may change (設定). Defaults are the contract of spec/households.md."""

    parent_min_age: int = 75  # 8050: the parent
    child_min_age: int = 40  # 8050: the child, from …
    child_max_age: int = 64  # … to
    preschool_under: int = 6  # ダブルケア: 未就学児
    young_carer_under: int = 18
    young_adult_carer_max: int = 29
    elderly_age: int = 65  # 老老介護, 独居高齢, 高齢者のみ世帯
    hikikomori_long_months: int = 6

    @classmethod
    def from_dict(cls, data: dict | None) -> FlagSettings:
        names = {f.name for f in fields(cls)}
        return cls(**{k: int(v) for k, v in (data or {}).items() if k in names})

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Flag:
    kind: str
    members: tuple[str, ...]
    reason: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "members": list(self.members), "reason": self.reason}


def _parent_word(m: Member) -> str:
    return {"male": "父", "female": "母"}.get(m.sex, "親")


def _care_word(m: Member) -> str:
    if m.care_level != "none":
        return vocab.CARE_LEVEL[m.care_level]
    return "医療的ケア" if m.medical_care else "介助が必要"


def _span(months: int) -> str:
    return f"{months // 12}年{months % 12}か月" if months >= 12 else f"{months}か月"


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


# --- the rules -------------------------------------------------------------------------------------


def evaluate(household: HouseholdRecord, as_of: date, settings: FlagSettings | None = None) -> list[Flag]:
    s = settings or FlagSettings()
    return list(_evaluate(household, as_of, s))


def _evaluate(h: HouseholdRecord, as_of: date, s: FlagSettings) -> Iterator[Flag]:
    here = [m for m in h.members if m.co_resident]
    ids_here = {m.id for m in here}
    # An approximate birth date is a range of ages: a rule fires only when it holds for every age in
    # the range (lo = youngest, hi = oldest), and the reason says the age is approximate.
    lo = {m.id: age_on(m.birth_date, as_of) for m in here}
    hi = {m.id: age_on(m.birth_earliest or m.birth_date, as_of) for m in here}

    def years(mid: str) -> str:
        if hi[mid] == lo[mid]:
            return f"{lo[mid]}歳" + ("（概数）" if h.member(mid).birth_approximate else "")
        return f"{lo[mid]}〜{hi[mid]}歳（生年月日は概数）"

    parents = {k: [p for p in v if p in ids_here] for k, v in parents_of(h).items() if k in ids_here}
    label = RelationWords(h)

    def who(m: Member) -> str:
        return f"{label(m)} {years(m.id)}"

    def cared_by(m: Member) -> list[Member]:
        return [h.member(c) for c in m.cares_for if c in ids_here]

    # 8050
    for child in here:
        if (
            not (s.child_min_age <= lo[child.id] and hi[child.id] <= s.child_max_age)
            or child.marital == "married"
        ):
            continue
        if not (child.work == "not_working" or child.hikikomori in ("yes", "suspected")):
            continue
        for pid in parents.get(child.id, []):
            parent = h.member(pid)
            if lo[pid] >= s.parent_min_age:
                notes = []
                if child.work == "not_working":
                    notes.append("無職")
                if child.hikikomori != "no":
                    notes.append("ひきこもり" + ("疑い" if child.hikikomori == "suspected" else ""))
                notes.append(vocab.MARITAL[child.marital] if child.marital != "unknown" else "婚姻状況不明")
                yield Flag(
                    "8050",
                    (pid, child.id),
                    f"{label.with_role(parent, _parent_word(parent))} {years(pid)} と "
                    f"{who(child)}（{'・'.join(notes)}）が同居",
                )

    # ダブルケア: caring for someone who needs care while raising a preschool child
    for carer in here:
        kids = [h.member(c) for c, ps in parents.items() if carer.id in ps and hi[c] < s.preschool_under]
        for cared in cared_by(carer):
            if not cared.needs_care:
                continue
            for kid in kids:
                yield Flag(
                    "double_care",
                    (carer.id, cared.id, kid.id),
                    f"{label.with_role(carer, _parent_word(carer))} {years(carer.id)} が "
                    f"{who(cared)}（{_care_word(cared)}）を介護しながら {who(kid)}（未就学）を育てている",
                )

    # ヤングケアラー / 若者ケアラー
    for carer in here:
        cared = cared_by(carer)
        if not cared:
            continue
        if hi[carer.id] < s.young_carer_under:
            kind, band = "young_carer", f"{s.young_carer_under}歳未満"
        elif lo[carer.id] >= s.young_carer_under and hi[carer.id] <= s.young_adult_carer_max:
            kind, band = "young_adult_carer", f"{s.young_carer_under}〜{s.young_adult_carer_max}歳"
        else:
            continue
        yield Flag(
            kind,
            (carer.id, *(c.id for c in cared)),
            f"{who(carer)}（{band}）が {'、'.join(who(c) for c in cared)} の介護・世話をしている",
        )

    # 老老介護
    for carer in here:
        if lo[carer.id] < s.elderly_age:
            continue
        for cared in cared_by(carer):
            if lo[cared.id] >= s.elderly_age:
                yield Flag(
                    "elderly_carer",
                    (carer.id, cared.id),
                    f"{who(carer)} が {who(cared)} を介護している（ともに{s.elderly_age}歳以上）",
                )

    # ひきこもり
    for m in here:
        if m.hikikomori in ("yes", "suspected"):
            text = f"{who(m)} が{'ひきこもりの疑い' if m.hikikomori == 'suspected' else 'ひきこもり'}"
            if m.hikikomori_since is not None and m.hikikomori_since <= as_of:
                # An approximate start (「平成15年」) is a range of durations: 「N か月以上」 is said only when
                # the shortest of them (from the latest possible day) reaches it, as ages are for birth.
                months = _months_between(m.hikikomori_since, as_of)
                most = _months_between(m.hikikomori_since_earliest or m.hikikomori_since, as_of)
                span = _span(months) if most == months else f"{_span(months)}〜{_span(most)}"
                long = f"、{s.hikikomori_long_months}か月以上" if months >= s.hikikomori_long_months else ""
                start = partial_words(m.hikikomori_since, m.hikikomori_since_earliest,
                                      m.extras.get("hikikomori_since_text", ""))  # fmt: skip
                text += f"（{start}から約{span}{long}）"
            yield Flag("hikikomori", (m.id,), text)

    # 独居高齢 / 高齢者のみ世帯
    if len(here) == 1 and lo[here[0].id] >= s.elderly_age:
        yield Flag("elderly_alone", (here[0].id,), f"{who(here[0])} のひとり暮らし")
    elif len(here) >= 2 and all(lo[m.id] >= s.elderly_age for m in here):
        yield Flag(
            "elderly_only",
            tuple(m.id for m in here),
            f"{s.elderly_age}歳以上のみの世帯（{'、'.join(who(m) for m in here)}）",
        )

    # 複合課題
    with_issues = [m for m in here if m.issues]
    distinct = list(dict.fromkeys(i for m in with_issues for i in m.issues))
    if len(distinct) >= 2 or len(with_issues) >= 2:
        yield Flag(
            "multi_issue",
            tuple(m.id for m in with_issues),
            f"{len(with_issues)}人に{len(distinct)}分野の課題（{'・'.join(vocab.ISSUE[i] for i in distinct)}）",
        )


def evaluate_document(
    households: list[HouseholdRecord], as_of: date, settings: FlagSettings | None = None
) -> dict:
    """The ``tsunagi-flags/1`` document: every household once, in input order."""
    return {
        "format": OUTPUT_FORMAT,
        "as_of": as_of.isoformat(),
        "households": [
            {"id": h.id, "flags": [f.to_dict() for f in evaluate(h, as_of, settings)]} for h in households
        ],
    }
