"""The household exchange format ``tsunagi-households/1`` (shared/spec/households.md): parse with
field-level Japanese errors, and write back. Pure: no database; the importer and the flag engine
both start from these objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.models import vocab
from app.services.common import bounded
from app.services.common.bounded import HOUSEHOLD_LIMITS, MEMBER_LIMITS, shown
from app.services.common.errors import InvalidInput

FORMAT = "tsunagi-households/1"

# Japanese names of the fields, for error messages at the place of the mistake.
FIELD_LABELS = {
    "id": "ID",
    "name": "氏名",
    "kana": "ふりがな",
    "sex": "性別",
    "birth_date": "生年月日",
    "birth_earliest": "生年月日（概数）の最も早い日",
    "birth_text": "生年月日（概数）",
    "resident_number": "宛名番号",
    "relation": "続柄",
    "parents": "親",
    "marital": "婚姻状況",
    "work": "就労",
    "care_level": "要支援・要介護",
    "disability": "障害",
    "needs_assistance": "介助要",
    "medical_care": "医療的ケア",
    "cares_for": "介護・世話している相手",
    "hikikomori": "ひきこもり",
    "hikikomori_since": "ひきこもりの開始日",
    "hikikomori_since_earliest": "ひきこもりの開始日（概数）の最も早い日",
    "hikikomori_since_text": "ひきこもりの開始日（概数）",
    "issues": "課題",
    "lives_here": "同居",
    "deceased": "死亡",
    "address": "住所",
    "members": "世帯員",
}

# Fields whose value is one of a vocabulary: a longer text cannot be one (and is not echoed whole).
CHOICE_LIMIT = 100

# Fields of our own, beyond the spec: written on export and read back so export → import loses nothing.
HOUSEHOLD_EXTRAS = {
    "label": "",
    "postal_code": "",
    "district": "",
    "housing": "unknown",
    "phone": "",
    "status": "concern",
    "status_reason": "",
    "closure_reason": None,
    "closure_note": "",  # the words of その他
    "note": "",
}
MEMBER_EXTRAS = {
    "phone": "",
    "mobile": "",
    "own_words": "",
    "strengths": "",
    "note": "",
    "birth_text": "",  # what was written for an approximate birth date (「昭和19年」, 「80代」)
    "resident_number": None,  # 宛名番号
    "hikikomori_since_text": "",  # what was written for an approximate start (「平成15年」)
}


@dataclass
class Member:
    id: str
    name: str
    birth_date: date
    kana: str = ""
    sex: str = "unknown"
    relation: str = "other"
    parents: list[str] | None = None  # None: derived from 続柄
    marital: str = "unknown"
    work: str = "unknown"
    care_level: str = "none"
    disability: list[str] = field(default_factory=list)
    needs_assistance: bool = False
    medical_care: bool = False
    cares_for: list[str] = field(default_factory=list)
    hikikomori: str = "no"
    hikikomori_since: date | None = None
    # Approximate start: somewhere in hikikomori_since_earliest..hikikomori_since (None = exact or unknown).
    hikikomori_since_earliest: date | None = None
    issues: list[str] = field(default_factory=list)
    lives_here: bool = True
    # Approximate birth: born somewhere in birth_earliest..birth_date (None = birth_date is exact).
    birth_earliest: date | None = None
    deceased: bool = False
    extras: dict[str, Any] = field(default_factory=lambda: dict(MEMBER_EXTRAS))

    @property
    def birth_approximate(self) -> bool:
        return self.birth_earliest is not None and self.birth_earliest != self.birth_date

    @property
    def hikikomori_since_approximate(self) -> bool:
        return self.hikikomori_since_earliest is not None and self.hikikomori_since_earliest != self.hikikomori_since

    @property
    def co_resident(self) -> bool:
        return self.lives_here and not self.deceased

    @property
    def needs_care(self) -> bool:
        return self.care_level != "none" or self.needs_assistance or self.medical_care


@dataclass
class HouseholdRecord:
    id: str
    members: list[Member]
    address: str = ""
    extras: dict[str, Any] = field(default_factory=lambda: dict(HOUSEHOLD_EXTRAS))

    def member(self, member_id: str) -> Member:
        return next(m for m in self.members if m.id == member_id)


# --- parsing ---------------------------------------------------------------------------------------


class _Where:
    """Names the place of an error: 世帯 H-0001 の世帯員 m2 の生年月日（birth_date）."""

    def __init__(self, household: str | None = None, member: str | None = None):
        self.household, self.member = household, member

    def fail(self, key: str | None, problem: str) -> InvalidInput:
        parts = []
        if self.household is not None:
            parts.append(f"世帯 {self.household}")
        if self.member is not None:
            parts.append(f"世帯員 {self.member}")
        place = " の ".join(parts)
        if key is not None:
            label = f"{FIELD_LABELS.get(key, key)}（{key}）"
            place = f"{place} の {label}" if place else label
        return InvalidInput(f"{place}: {problem}" if place else problem)


def _string(obj: dict, key: str, where: _Where, *, required: bool = False, default: str = "") -> str:
    if key not in obj or obj[key] is None:
        if required:
            raise where.fail(key, "必須項目がありません")
        return default
    value = obj[key]
    if not isinstance(value, str):
        raise where.fail(key, f"文字列で指定してください（{shown(value)}）")
    # The same lengths and characters the dialogs accept (app.services.common.bounded), nothing more.
    limits = MEMBER_LIMITS if where.member is not None else HOUSEHOLD_LIMITS
    if problem := bounded.text_problem(value, limits.get(key, CHOICE_LIMIT)):
        raise where.fail(key, problem)
    if required and not value.strip():
        raise where.fail(key, "空欄にはできません")
    return value


def _choice(obj: dict, key: str, allowed: dict, default: str, where: _Where) -> str:
    value = _string(obj, key, where, default=default)
    if value not in allowed:
        choices = "、".join(f"{k}（{v}）" for k, v in allowed.items())
        raise where.fail(key, f"{shown(value)} は使えません。使える値: {choices}")
    return value


def _bool(obj: dict, key: str, default: bool, where: _Where) -> bool:
    value = obj.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise where.fail(key, f"true か false で指定してください（{shown(value)}）")
    return value


def _date(obj: dict, key: str, where: _Where, *, required: bool) -> date | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise where.fail(key, "必須項目がありません")
        return None
    if not isinstance(value, str):
        raise where.fail(key, "YYYY-MM-DD 形式の文字列で指定してください")
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise where.fail(key, f"{shown(value)} は正しい日付ではありません（YYYY-MM-DD 形式）") from None


def _list(obj: dict, key: str, where: _Where, allowed: dict | None = None) -> list[str]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where.fail(key, "文字列のリストで指定してください")
    if len(value) > bounded.MAX_LIST:
        raise where.fail(key, f"{bounded.MAX_LIST}個までにしてください（{len(value):,}個あります）")
    if allowed is not None:
        for v in value:
            if v not in allowed:
                choices = "、".join(f"{k}（{label}）" for k, label in allowed.items())
                raise where.fail(key, f"{shown(v)} は使えません。使える値: {choices}")
    return list(dict.fromkeys(value))  # keep order, drop repeats


def _member(obj: Any, where: _Where) -> Member:
    if not isinstance(obj, dict):
        raise where.fail(None, "世帯員はオブジェクトで指定してください")
    m = Member(
        id=where.member,
        name=_string(obj, "name", where, required=True),
        kana=_string(obj, "kana", where),
        birth_date=_date(obj, "birth_date", where, required=True),
        sex=_choice(obj, "sex", vocab.SEX, "unknown", where),
        relation=_choice(obj, "relation", vocab.RELATION, "other", where),
        parents=_list(obj, "parents", where) if obj.get("parents") is not None else None,
        marital=_choice(obj, "marital", vocab.MARITAL, "unknown", where),
        work=_choice(obj, "work", vocab.WORK, "unknown", where),
        care_level=_choice(obj, "care_level", vocab.CARE_LEVEL, "none", where),
        disability=_list(obj, "disability", where, vocab.DISABILITY),
        needs_assistance=_bool(obj, "needs_assistance", False, where),
        medical_care=_bool(obj, "medical_care", False, where),
        cares_for=_list(obj, "cares_for", where),
        hikikomori=_choice(obj, "hikikomori", vocab.HIKIKOMORI, "no", where),
        hikikomori_since=_date(obj, "hikikomori_since", where, required=False),
        hikikomori_since_earliest=_date(obj, "hikikomori_since_earliest", where, required=False),
        birth_earliest=_date(obj, "birth_earliest", where, required=False),
        issues=_list(obj, "issues", where, vocab.ISSUE),
        lives_here=_bool(obj, "lives_here", True, where),
        deceased=_bool(obj, "deceased", False, where),
    )
    m.extras = {k: _string(obj, k, where, default=v) for k, v in MEMBER_EXTRAS.items()}
    if m.birth_earliest is not None and m.birth_earliest > m.birth_date:
        raise where.fail("birth_earliest", "生年月日より後の日付です")
    if m.hikikomori_since_earliest is not None and (
        m.hikikomori_since is None or m.hikikomori_since_earliest > m.hikikomori_since
    ):
        raise where.fail("hikikomori_since_earliest", "ひきこもりの開始日より後の日付か、開始日がありません")
    return m


def _household(obj: Any, index: int) -> HouseholdRecord:
    if not isinstance(obj, dict):
        raise _Where(f"#{index + 1}").fail(None, "世帯はオブジェクトで指定してください")
    hid = _string(obj, "id", _Where(f"#{index + 1}"), required=True)
    where = _Where(hid)
    raw_members = obj.get("members")
    # An empty list is allowed: a 気になる世帯 may be known only by its address or a label.
    if not isinstance(raw_members, list):
        raise where.fail("members", "世帯員をリストで指定してください")
    if len(raw_members) > bounded.MAX_MEMBERS:
        raise where.fail("members", f"世帯員は{bounded.MAX_MEMBERS}人までです（{len(raw_members):,}人あります）")
    members, seen = [], set()
    for i, raw in enumerate(raw_members):
        mid = _string(raw, "id", _Where(hid, f"#{i + 1}"), required=True) if isinstance(raw, dict) else None
        m_where = _Where(hid, mid if mid is not None else f"#{i + 1}")
        if mid in seen:
            raise m_where.fail("id", "同じ世帯の中で ID が重複しています")
        seen.add(mid)
        members.append(_member(raw, m_where))
    for m in members:
        m_where = _Where(hid, m.id)
        for key in ("cares_for", "parents"):
            for ref in getattr(m, key) or []:
                if ref == m.id:
                    raise m_where.fail(key, "自分自身は指定できません")
                if ref not in seen:
                    raise m_where.fail(key, f"{shown(ref)} はこの世帯の世帯員にいません")
    extras = {
        k: _string(obj, k, where, default=v) if v is not None else obj.get(k)
        for k, v in HOUSEHOLD_EXTRAS.items()
    }
    extras["housing"] = _choice(obj, "housing", vocab.HOUSING, "unknown", where)
    extras["status"] = _choice(obj, "status", vocab.HOUSEHOLD_STATUS, "concern", where)
    if obj.get("closure_reason") is not None:
        extras["closure_reason"] = _choice(obj, "closure_reason", vocab.CLOSURE_REASON, "", where)
    return HouseholdRecord(id=hid, address=_string(obj, "address", where), members=members, extras=extras)


def _household_list(doc: Any) -> list:
    """The document's list of households, after the document-level checks (format, a list)."""
    if not isinstance(doc, dict):
        raise InvalidInput("JSON の最上位はオブジェクトにしてください")
    if doc.get("format") != FORMAT:
        raise InvalidInput(
            f"format が「{FORMAT}」ではありません（{shown(doc.get('format'))}）"
        )
    raw = doc.get("households")
    if not isinstance(raw, list):
        raise InvalidInput("households を世帯のリストで指定してください")
    return raw


def parse(doc: Any) -> list[HouseholdRecord]:
    raw = _household_list(doc)
    households, seen = [], set()
    for i, obj in enumerate(raw):
        h = _household(obj, i)
        if h.id in seen:
            raise _Where(h.id).fail("id", "世帯 ID が重複しています")
        seen.add(h.id)
        households.append(h)
    return households


@dataclass
class Row:
    """One household of a file being previewed: parsed, or the reason it cannot be."""

    index: int
    id: str
    record: HouseholdRecord | None
    error: str = ""


def parse_rows(doc: Any) -> list[Row]:
    """Like ``parse`` but household by household, so a preview can list every problem at once.
    Document-level problems (format, no list) still raise."""
    raw = _household_list(doc)
    rows, seen = [], set()
    for i, obj in enumerate(raw):
        hid = obj.get("id") if isinstance(obj, dict) and isinstance(obj.get("id"), str) else ""
        if not hid or bounded.text_problem(hid, HOUSEHOLD_LIMITS["id"]):
            hid = f"#{i + 1}"  # (the reason is in the row's error; the list shows no unreadable id)
        try:
            record = _household(obj, i)
        except InvalidInput as exc:
            rows.append(Row(i, hid, None, str(exc)))
            continue
        if record.id in seen:
            rows.append(Row(i, hid, None, f"世帯 {hid}: 世帯 ID が重複しています"))
            continue
        seen.add(record.id)
        rows.append(Row(i, hid, record))
    return rows


def read_document(path: Path) -> Any:
    # Size, nesting and numbers bounded; every failure an InvalidInput naming the place.
    return bounded.load_json(path)


def load(path: Path) -> list[HouseholdRecord]:
    return parse(read_document(path))


# --- writing ---------------------------------------------------------------------------------------


def member_to_dict(m: Member) -> dict:
    out: dict[str, Any] = {
        "id": m.id,
        "name": m.name,
        "kana": m.kana,
        "sex": m.sex,
        "birth_date": m.birth_date.isoformat(),
        "relation": m.relation,
    }
    if m.birth_earliest is not None:
        out["birth_earliest"] = m.birth_earliest.isoformat()
    if m.parents is not None:
        out["parents"] = list(m.parents)
    out |= {
        "marital": m.marital,
        "work": m.work,
        "care_level": m.care_level,
        "disability": list(m.disability),
        "needs_assistance": m.needs_assistance,
        "medical_care": m.medical_care,
        "cares_for": list(m.cares_for),
        "hikikomori": m.hikikomori,
    }
    if m.hikikomori_since is not None:
        out["hikikomori_since"] = m.hikikomori_since.isoformat()
    if m.hikikomori_since_earliest is not None:
        out["hikikomori_since_earliest"] = m.hikikomori_since_earliest.isoformat()
    out |= {"issues": list(m.issues), "lives_here": m.lives_here, "deceased": m.deceased}
    out |= {k: v for k, v in m.extras.items() if v != MEMBER_EXTRAS.get(k)}
    return out


def household_to_dict(h: HouseholdRecord) -> dict:
    out: dict[str, Any] = {"id": h.id, "address": h.address}
    out |= {k: v for k, v in h.extras.items() if v != HOUSEHOLD_EXTRAS.get(k)}
    out["members"] = [member_to_dict(m) for m in h.members]
    return out


def to_document(households: list[HouseholdRecord]) -> dict:
    return {"format": FORMAT, "households": [household_to_dict(h) for h in households]}
