"""Households and their members: create, edit, status, care relations, intakes, history.

Every function takes the store, does one unit of work in one transaction and returns what changed
(ids), so a page refreshes only what it must. Validation errors name the field they belong to
(``FieldErrors``) so the UI can show each message at its place.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, text
from sqlalchemy.orm import Session, selectinload

from app.models import (
    CareRelation,
    ChangeRecord,
    Household,
    Intake,
    Meeting,
    MeetingCase,
    MeetingType,
    Note,
    ParentLink,
    Person,
    Visit,
    vocab,
)
from app.services.common import bounded
from app.services.common.changes import Changes
from app.services.common.errors import InvalidInput
from app.services.common.japanese import age_on, format_wareki, search_key
from app.services.flags import flag_review
from app.services.records import labels
from app.services.store import audit
from app.services.store.store import Store

OLDEST_AGE = 125


class FieldErrors(InvalidInput):
    """Field key → Japanese message; ``str()`` joins them for callers that show one line."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("\n".join(errors.values()))
        self.errors = errors


class NotFound(InvalidInput):
    pass


def must_get(session: Session, model, row_id, message: str):
    """The row, or NotFound with the user's words for what is missing (deleted meanwhile, mistyped id)."""
    row = session.get(model, row_id) if row_id is not None else None
    if row is None:
        raise NotFound(message)
    return row


# --- households ------------------------------------------------------------------------------------

HOUSEHOLD_FIELDS = ("label", "address", "postal_code", "district", "housing", "phone", "note")


def _next_code(session: Session) -> str:
    last = session.scalar(select(func.max(Household.id))) or 0
    while True:
        last += 1
        code = f"H-{last:06d}"
        if session.scalar(select(Household.id).where(Household.code == code)) is None:
            return code


def _check_household(values: dict[str, Any]) -> None:
    errors = {}
    if "housing" in values and values["housing"] not in vocab.HOUSING:
        errors["housing"] = "住居の種類を一覧から選んでください"
    # The same limits as an imported file (app.services.common.bounded): one table for both.
    errors |= bounded.field_errors(values, bounded.HOUSEHOLD_LIMITS)
    if errors:
        raise FieldErrors(errors)


def create_household(store: Store, *, head: dict[str, Any] | None = None, **values) -> int:
    """A new household. 気になる世帯 quick capture needs only an address or a label (呼び名). With ``head``, its
    first member comes in the same transaction (an incoming sheet names a person): both or neither."""
    values = {
        k: (values.get(k) or "").strip() if k != "housing" else values.get(k) or "unknown"
        for k in HOUSEHOLD_FIELDS
    }
    if not values["address"] and not values["label"]:
        raise FieldErrors({"label": "住所か呼び名（例: 3丁目の角の山田さん宅）のどちらかを入力してください"})
    _check_household(values)
    member = check_member(head) if head is not None else None
    with store.session() as s:
        h = Household(code=_next_code(s), status="concern", **values)
        s.add(h)
        s.flush()
        if member is not None:
            _new_member(s, h.id, member)
            s.flush()
            flag_review.refresh_in(s, [h.id], date.today())
        s.commit()
        return h.id


def update_household(store: Store, household_id: int, **values) -> None:
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items() if k in HOUSEHOLD_FIELDS}
    _check_household(values)
    with store.session() as s:
        h = _get(s, household_id)
        for key, value in values.items():
            setattr(h, key, value)
        if not h.address and not h.label and not h.members:
            raise FieldErrors({"label": "住所か呼び名のどちらかは空にできません"})
        s.commit()


def change_status(
    store: Store,
    household_id: int,
    status: str,
    reason: str = "",
    closure_reason: str | None = None,
    closed_on: date | None = None,
    *,
    closure_note: str = "",
    closure_case_id: int | None = None,
) -> None:
    """気になる世帯 → 相談中 → 継続支援 / 見守り → 終結 (with one of vocab.CLOSURE_REASON; その他 says
    what it was in ``closure_note``; ``closure_case_id`` is the meeting case of this household that
    decided it, if one did). Reopening clears the closure; the row history keeps the earlier one."""
    if status not in vocab.HOUSEHOLD_STATUS:
        raise FieldErrors({"status": "状態を一覧から選んでください"})
    closing = status == "closed"
    note = (closure_note or "").strip()
    errors = {}
    if closing and closure_reason not in vocab.CLOSURE_REASON:
        errors["closure_reason"] = "終結の理由を選んでください"
    elif closing and closure_reason in vocab.CLOSURE_NEEDS_NOTE and not note:
        errors["closure_note"] = "「その他」の理由を入力してください"
    errors |= bounded.field_errors({"status_reason": reason or "", "closure_note": note}, bounded.HOUSEHOLD_LIMITS)
    with store.session() as s:
        h = _get(s, household_id)
        if closing and closure_case_id is not None:
            case = s.get(MeetingCase, closure_case_id)
            if case is None or case.household_id != h.id:
                errors["closure_case_id"] = "終結を決めた会議は、この世帯を検討した会議から選んでください"
        if errors:
            raise FieldErrors(errors)
        h.status = status
        h.status_reason = reason.strip()
        h.closure_reason = closure_reason if closing else None
        # Words are kept only for a reason that needs them, so a changed reason leaves no stale note.
        h.closure_note = note if closing and closure_reason in vocab.CLOSURE_NEEDS_NOTE else ""
        h.closure_case_id = closure_case_id if closing else None
        if status != "closed":
            h.closed_on = None
        elif h.closed_on is None:
            h.closed_on = closed_on or date.today()
        s.commit()


@dataclass(frozen=True)
class ClosureMeeting:
    """A meeting case of the household that a closure may name as the one that decided it."""

    case_id: int
    held_on: date
    type_name: str
    decided_closure: bool  # 終結判断 was recorded on the case

    @property
    def label(self) -> str:
        mark = f"（{vocab.MEETING_DECISION['closure']}）" if self.decided_closure else ""
        return f"{format_wareki(self.held_on)} {self.type_name}{mark}"


def closure_meetings(store: Store, household_id: int) -> list[ClosureMeeting]:
    """The meetings that discussed this household, newest first, for 「終結を決めた会議」."""
    with store.session() as s:
        rows = s.execute(
            select(MeetingCase.id, Meeting.held_on, MeetingType.name, MeetingCase.decisions)
            .join(Meeting, Meeting.id == MeetingCase.meeting_id)
            .join(MeetingType, MeetingType.id == Meeting.type_id)
            .where(MeetingCase.household_id == household_id)
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        ).all()
    return [
        ClosureMeeting(cid, held, name, "closure" in (decisions or [])) for cid, held, name, decisions in rows
    ]


def _get(session: Session, household_id: int) -> Household:
    return must_get(
        session, Household, household_id, "その世帯は見つかりません（削除された可能性があります）"
    )


def record_view(store: Store, household_id: int) -> None:
    """世帯の閲覧: one audit row each time someone opens a household's screen. Reading it again for a
    refresh, a dialog or a print is not a new viewing (open_household does not audit)."""
    with store.session() as s:
        audit.record(s, "view_household", target=_get(s, household_id).code)
        s.commit()


def open_household(store: Store, household_id: int) -> Household:
    """The household with members, relations and intakes loaded, for display (the screen that opens it
    records the viewing with record_view)."""
    with store.session() as s:
        h = s.scalar(
            select(Household)
            .where(Household.id == household_id)
            .options(
                selectinload(Household.members)
                .selectinload(Person.parent_links)
                .selectinload(ParentLink.parent),
                selectinload(Household.members).selectinload(Person.cares).selectinload(CareRelation.cared),
            )
        )
        if h is None:
            raise NotFound("その世帯は見つかりません（削除された可能性があります）")
        return h


# --- members ---------------------------------------------------------------------------------------

MEMBER_TEXT = ("name", "kana", "phone", "mobile", "own_words", "strengths", "note")
MEMBER_CHOICES = {
    "sex": vocab.SEX,
    "relation": vocab.RELATION,
    "marital": vocab.MARITAL,
    "work": vocab.WORK,
    "care_level": vocab.CARE_LEVEL,
    "hikikomori": vocab.HIKIKOMORI,
}
MEMBER_FIELDS = (
    *MEMBER_TEXT,
    *MEMBER_CHOICES,
    "birth_date",
    "disability",
    "needs_assistance",
    "medical_care",
    "hikikomori_since",
    "issues",
    "lives_here",
    "deceased",
    "birth_earliest",
    "birth_text",
    "resident_number",
    "hikikomori_since_earliest",
    "hikikomori_since_text",
)
RESIDENT_NUMBER = re.compile(r"[0-9A-Za-z\-]{1,20}")


def check_resident_number(value: str | None) -> str | None:
    """宛名番号 as stored: half-width, trimmed, None when empty; ValueError with the reason if malformed."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return None
    if not RESIDENT_NUMBER.fullmatch(text):
        raise ValueError(f"宛名番号「{text[:20]}」は数字（20桁まで）で入力してください")
    return text


def check_member(values: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    """Clean and validate member values; raises FieldErrors naming every wrong field at once."""
    today = today or date.today()
    errors: dict[str, str] = {}
    clean = {k: values[k] for k in MEMBER_FIELDS if k in values}
    for key in MEMBER_TEXT:
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    errors |= bounded.field_errors({k: clean[k] for k in MEMBER_TEXT if k in clean}, bounded.MEMBER_LIMITS)
    if not clean.get("name"):
        errors["name"] = "氏名を入力してください"
    born = clean.get("birth_date")
    if not isinstance(born, date):
        errors["birth_date"] = "生年月日を入力してください（例: S30.4.1、昭和30年4月1日）"
    elif born > today:
        errors["birth_date"] = f"生年月日が未来の日付です（{format_wareki(born)}）"
    elif age_on(born, today) > OLDEST_AGE:
        errors["birth_date"] = f"生年月日が古すぎます（{format_wareki(born)}、{age_on(born, today)}歳）"
    earliest = clean.get("birth_earliest")
    if earliest is not None and (not isinstance(earliest, date) or not isinstance(born, date) or earliest > born):
        errors["birth_date"] = "生年月日（概数）の範囲が正しくありません"
    if earliest is None or earliest == born:
        clean["birth_earliest"], clean["birth_text"] = None, ""
    else:
        clean["birth_text"] = (clean.get("birth_text") or "").strip()[:60]
    if "resident_number" in clean:
        try:
            clean["resident_number"] = check_resident_number(clean["resident_number"])
        except ValueError as exc:
            errors["resident_number"] = str(exc)
    since = clean.get("hikikomori_since")
    if since is not None and (since > today or (isinstance(born, date) and since < born)):
        errors["hikikomori_since"] = "ひきこもりの開始日が正しくありません"
    # An approximate start (「平成15年」) is the range hikikomori_since_earliest..hikikomori_since, kept
    # like an approximate birth date.
    since_earliest = clean.get("hikikomori_since_earliest")
    if since_earliest is not None and (not isinstance(since_earliest, date) or not isinstance(since, date)
                                       or since_earliest > since):  # fmt: skip
        errors["hikikomori_since"] = "ひきこもりの開始日（概数）の範囲が正しくありません"
    if since_earliest is None or since_earliest == since:
        clean["hikikomori_since_earliest"], clean["hikikomori_since_text"] = None, ""
    else:
        clean["hikikomori_since_text"] = (clean.get("hikikomori_since_text") or "").strip()[:60]
    for key, allowed in MEMBER_CHOICES.items():
        if key in clean and clean[key] not in allowed:
            errors[key] = "一覧から選んでください"
    for key, allowed in (("disability", vocab.DISABILITY), ("issues", vocab.ISSUE)):
        if key in clean:
            clean[key] = [v for v in dict.fromkeys(clean[key] or []) if v in allowed]
    if errors:
        raise FieldErrors(errors)
    return clean


@dataclass(frozen=True)
class Duplicate:
    person_id: int
    household_id: int
    household_code: str
    name: str
    birth_date: date


def possible_duplicates(
    store: Store,
    kana: str,
    name: str,
    birth_date: date,
    exclude_person: int | None = None,
    *,
    resident_number: str | None = None,
) -> list[Duplicate]:
    """People already registered with the same 宛名番号, or the same kana or name (kanji variants folded)
    and birth date: likely the same person."""
    keys = [k for k in (search_key(kana), search_key(name)) if k]
    try:
        number = check_resident_number(resident_number)
    except ValueError:
        number = None
    same = []
    if keys:
        same.append(and_(Person.birth_date == birth_date, or_(Person.kana_key.in_(keys), Person.name_key.in_(keys))))
    if number:
        same.append(Person.resident_number == number)
    if not same:
        return []
    with store.session() as s:
        stmt = (
            select(Person.id, Person.household_id, Household.code, Person.name, Person.birth_date)
            .join(Household, Household.id == Person.household_id)
            .where(or_(*same))
        )
        if exclude_person is not None:
            stmt = stmt.where(Person.id != exclude_person)
        return [Duplicate(*row) for row in s.execute(stmt)]


KEEP = object()  # save_member: leave the explicit parents as they are


@dataclass(frozen=True)
class MemberSaved:
    person_id: int
    changes: Changes


def save_member(
    store: Store,
    values: dict[str, Any] | None = None,
    *,
    household_id: int | None = None,
    person_id: int | None = None,
    join: int | None = None,
    cares: list[int] | None = None,
    parents: list[int] | None | object = KEEP,
) -> MemberSaved:
    """The member dialog's OK as one act and one transaction: add a member to ``household_id``, or let an
    already-registered person ``join`` it (統合, keeping their history), or update ``person_id``; then whom
    they care for (``cares``; None leaves it) and their explicit parents (``parents``; None returns to the
    derivation from 続柄, KEEP leaves it). The flags of every household touched are re-evaluated in the
    same transaction, so nothing half-saved is ever seen."""
    with store.session() as s:
        touched: set[int] = set()
        if join is not None:
            person, old = _join(s, join, household_id, values)
            touched |= {old, household_id}
        elif person_id is None:
            person = _new_member(s, household_id, check_member(values or {}))
            touched.add(household_id)
        else:
            person = _person(s, person_id)
            if values:
                _update_member(person, values)
            touched.add(person.household_id)
        _check_number_free(s, person)
        s.flush()
        if cares is not None:
            _set_cares(s, person, cares)
        if parents is not KEEP:
            _set_parents(s, person, parents)
        s.flush()
        flag_review.refresh_in(s, sorted(touched), date.today())
        s.commit()
        return MemberSaved(person.id, Changes.of("members", "flags", households=touched))


def _check_number_free(s: Session, person: Person) -> None:
    """A 宛名番号 belongs to one person: said at the field, before the database's unique index would."""
    if not person.resident_number:
        return
    with s.no_autoflush:
        other = s.execute(
            select(Person.name, Household.code)
            .join(Household, Household.id == Person.household_id)
            .where(Person.resident_number == person.resident_number, Person.id != person.id)
        ).first()
    if other is not None:
        raise FieldErrors({"resident_number": f"宛名番号 {person.resident_number} は {other[0]}（世帯 {other[1]}）に登録されています"})


def add_member(store: Store, household_id: int, values: dict[str, Any]) -> int:
    return save_member(store, values, household_id=household_id).person_id


def update_member(store: Store, person_id: int, values: dict[str, Any]) -> None:
    save_member(store, values, person_id=person_id)


def move_member(
    store: Store, person_id: int, household_id: int, values: dict[str, Any] | None = None
) -> None:
    """統合: the already-registered person joins this household (keeping their history), updated."""
    save_member(store, values, household_id=household_id, join=person_id)


def set_cares(store: Store, carer_id: int, cared_ids: list[int]) -> None:
    """Who this member cares for (介護・看護・世話・見守り), among the same household."""
    save_member(store, person_id=carer_id, cares=cared_ids)


def set_parents(store: Store, person_id: int, parent_ids: list[int] | None) -> None:
    """Explicit parents (when 続柄 does not tell, e.g. a stepchild); None returns to the derivation."""
    save_member(store, person_id=person_id, parents=parent_ids)


def _new_member(s: Session, household_id: int, clean: dict[str, Any]) -> Person:
    h = _get(s, household_id)
    order = (s.scalar(select(func.max(Person.sort_order)).where(Person.household_id == h.id)) or 0) + 1
    used = set(s.scalars(select(Person.code).where(Person.household_id == h.id)))
    n = len(used) + 1
    while f"m{n}" in used:
        n += 1
    person = Person(household_id=h.id, code=f"m{n}", sort_order=order, **clean)
    s.add(person)
    return person


def _update_member(person: Person, values: dict[str, Any]) -> None:
    current = {k: getattr(person, k) for k in MEMBER_FIELDS}
    if "birth_date" in values and "birth_earliest" not in values:
        # A birth date given whole replaces an approximate one; it does not become the end of its range.
        values = values | {"birth_earliest": None, "birth_text": ""}
    if "hikikomori_since" in values and "hikikomori_since_earliest" not in values:
        values = values | {"hikikomori_since_earliest": None, "hikikomori_since_text": ""}  # (the same for the start)
    clean = check_member(current | values)
    for key, value in clean.items():
        if getattr(person, key) != value:
            setattr(person, key, value)


def _join(s: Session, person_id: int, household_id: int, values: dict[str, Any] | None) -> tuple[Person, int]:
    person = _person(s, person_id)
    target = _get(s, household_id)
    old_household = person.household_id
    if person.household_id != target.id:
        used = set(s.scalars(select(Person.code).where(Person.household_id == target.id)))
        if person.code in used:
            n = len(used) + 1
            while f"m{n}" in used:
                n += 1
            person.code = f"m{n}"
        # Relations inside the old household do not travel with the person.
        for link in list(person.parent_links):
            s.delete(link)
        for rel in list(person.cares):
            s.delete(rel)
        for rel in s.scalars(select(CareRelation).where(CareRelation.cared_id == person.id)):
            s.delete(rel)
        for link in s.scalars(select(ParentLink).where(ParentLink.parent_id == person.id)):
            s.delete(link)
        person.household_id = target.id
        person.sort_order = (
            s.scalar(select(func.max(Person.sort_order)).where(Person.household_id == target.id)) or 0
        ) + 1
    if values:
        clean = check_member({k: getattr(person, k) for k in MEMBER_FIELDS} | values)
        for key, value in clean.items():
            setattr(person, key, value)
    return person, old_household


def remove_member(store: Store, person_id: int) -> Changes:
    """Delete a member entered by mistake (a member who moved out is kept with 同居 off instead)."""
    with store.session() as s:
        person = _person(s, person_id)
        household_id = person.household_id
        s.delete(person)
        s.flush()
        flag_review.refresh_in(s, [household_id], date.today())
        s.commit()
    return Changes.of("members", "flags", households=[household_id])


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("その世帯員は見つかりません（削除された可能性があります）")
    return person


def _set_cares(s: Session, carer: Person, cared_ids: list[int]) -> None:
    members = set(s.scalars(select(Person.id).where(Person.household_id == carer.household_id)))
    wanted = [c for c in dict.fromkeys(cared_ids) if c != carer.id]
    if any(c not in members for c in wanted):
        raise FieldErrors({"cares_for": "同じ世帯の世帯員だけを選べます"})
    for rel in list(carer.cares):
        if rel.cared_id not in wanted:
            carer.cares.remove(rel)
    have = {rel.cared_id for rel in carer.cares}
    for i, cid in enumerate(wanted):
        if cid not in have:
            carer.cares.append(CareRelation(cared_id=cid, sort_order=i))


def _set_parents(s: Session, person: Person, parent_ids: list[int] | None) -> None:
    members = set(s.scalars(select(Person.id).where(Person.household_id == person.household_id)))
    if parent_ids is not None and any(p not in members or p == person.id for p in parent_ids):
        raise FieldErrors({"parents": "同じ世帯の、本人以外の世帯員だけを選べます"})
    person.parents_explicit = parent_ids is not None
    for link in list(person.parent_links):
        if parent_ids is None or link.parent_id not in parent_ids:
            person.parent_links.remove(link)
    have = {link.parent_id for link in person.parent_links}
    for pid in parent_ids or []:
        if pid not in have:
            person.parent_links.append(ParentLink(parent_id=pid))


# --- intakes (相談受付) -------------------------------------------------------------------------------

INTAKE_FIELDS = (
    "person_id", "received_on", "received_by", "route", "visitor_name", "visitor_relation", "visitor_phone",
    "categories", "main_category", "category_note", "main_complaint", "background", "response",
    "referred_to", "urgency", "note",
)  # fmt: skip


def check_intake(values: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    today = today or date.today()
    clean = {k: values.get(k) for k in INTAKE_FIELDS if k in values}
    errors = {}
    received = clean.get("received_on")
    if not isinstance(received, date):
        errors["received_on"] = "受付日を入力してください"
    elif received > today:
        errors["received_on"] = f"受付日が未来の日付です（{format_wareki(received)}）"
    if clean.get("route", "self") not in vocab.ROUTE:
        errors["route"] = "経路を一覧から選んでください"
    cats = [c for c in dict.fromkeys(clean.get("categories") or []) if c in vocab.CONSULT_CATEGORY]
    main = clean.get("main_category") or None
    if main is not None and main not in vocab.CONSULT_CATEGORY:
        errors["main_category"] = "相談内容を一覧から選んでください"
    elif main is not None and main not in cats:
        cats.insert(0, main)  # ◎ is also one of the chosen items
    clean["categories"], clean["main_category"] = cats, main
    if clean.get("response", "self") not in vocab.INTAKE_RESPONSE:
        errors["response"] = "対応を一覧から選んでください"
    if clean.get("response") == "referral" and not (clean.get("referred_to") or "").strip():
        errors["referred_to"] = "つないだ先を入力してください"
    if clean.get("urgency", "normal") not in vocab.URGENCY:
        errors["urgency"] = "緊急度を一覧から選んでください"
    said = [clean.get(k) for k in ("main_complaint", "background", "category_note")]
    if not cats and not any((v or "").strip() for v in said):
        # An empty 相談受付 would still count in 統計 as a consultation: what was consulted must be there.
        errors["main_complaint"] = "相談の内容（主訴、または相談内容の項目）を入力してください"
    if errors:
        raise FieldErrors(errors)
    for key in ("received_by", "visitor_name", "visitor_relation", "visitor_phone", "category_note",
                "main_complaint", "background", "referred_to", "note"):  # fmt: skip
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    return clean


def add_intake(store: Store, household_id: int, values: dict[str, Any]) -> int:
    clean = check_intake(values)
    with store.session() as s:
        h = _get(s, household_id)
        if clean.get("person_id") is not None and _person(s, clean["person_id"]).household_id != h.id:
            raise FieldErrors({"person_id": "この世帯の世帯員を選んでください"})
        intake = Intake(household_id=h.id, **clean)
        s.add(intake)
        if h.status == "concern":  # a consultation received: the household is now 相談中
            h.status = "consulting"
        s.commit()
        return intake.id


def update_intake(store: Store, intake_id: int, values: dict[str, Any]) -> None:
    with store.session() as s:
        intake = s.get(Intake, intake_id)
        if intake is None:
            raise NotFound("その相談受付は見つかりません")
        clean = check_intake({k: getattr(intake, k) for k in INTAKE_FIELDS} | values)
        for key, value in clean.items():
            setattr(intake, key, value)
        s.commit()


def delete_intake(store: Store, intake_id: int) -> Changes:
    """Delete a 相談受付 entered by mistake (empty, twice, in the wrong household), so that it leaves the
    lists and 統計. Nothing is lost: the row history keeps every value it held, which the household's
    変更履歴 shows as 「削除」, and the audit log records who deleted which one."""
    with store.session() as s:
        intake = must_get(s, Intake, intake_id, "その相談受付は見つかりません（削除された可能性があります）")
        h = _get(s, intake.household_id)
        # The audit entry names the record, not what was said in it: the content stays in the history,
        # which only those who may open the household read.
        audit.record(s, "delete", target=h.code,
                     detail={"record": "相談受付", "id": intake.id, "date": intake.received_on.isoformat()})  # fmt: skip
        s.delete(intake)
        s.commit()  # (a household made 相談中 by this intake stays so: its status is the coordinator's call)
    return Changes.of("intakes", households=[h.id])


def intakes(store: Store, household_id: int) -> list[Intake]:
    with store.session() as s:
        return list(
            s.scalars(
                select(Intake)
                .where(Intake.household_id == household_id)
                .options(selectinload(Intake.person))
                .order_by(Intake.received_on.desc(), Intake.id.desc())
            )
        )


def latest_intake(store: Store, household_id: int) -> Intake | None:
    found = intakes(store, household_id)
    return found[0] if found else None


# --- history ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryLine:
    at: Any
    actor: str
    what: str  # 世帯 / 世帯員 山田 花子 / 相談受付 …
    action: str  # 登録 / 変更 / 削除
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (項目, 変更前, 変更後) in words


_TABLE_WORD = {"households": "世帯", "persons": "世帯員", "intakes": "相談受付", "visits": "訪問記録",
               "notes": "支援経過のメモ", "care_relations": "介護・世話の関係", "parent_links": "親子関係"}  # fmt: skip
# The day a casework record is about, named beside it: 「相談受付 令和7年4月1日」 tells which one was deleted.
_RECORD_DAY = {"intakes": "received_on", "visits": "visited_at", "notes": "at"}
_ACTION_WORD = {"insert": "登録", "update": "変更", "delete": "削除"}


def history(store: Store, household_id: int) -> list[HistoryLine]:
    """Who changed what and when, for the household and everything in it, newest first."""
    ch = ChangeRecord
    with store.session() as s:
        names = {
            str(pid): name
            for pid, name in s.execute(
                select(Person.id, Person.name).where(Person.household_id == household_id)
            )
        }
        person_ids = list(names)
        intake_ids = [str(i) for i in s.scalars(select(Intake.id).where(Intake.household_id == household_id))]
        visit_ids = [str(i) for i in s.scalars(select(Visit.id).where(Visit.household_id == household_id))]
        note_ids = [str(i) for i in s.scalars(select(Note.id).where(Note.household_id == household_id))]

        def about_household(table):
            # Deleted rows are no longer in the tables above; their last values still say where they were.
            return (
                (ch.table_name == table)
                & (ch.action == "delete")
                & (func.json_extract(ch.old, "$.household_id") == household_id)
            )

        def about_people(table, *keys):
            return (ch.table_name == table) & or_(
                *(
                    func.json_extract(func.coalesce(ch.new, ch.old), f"$.{k}").in_(
                        [int(p) for p in person_ids]
                    )
                    for k in keys
                )
            )

        rows = s.scalars(
            select(ch)
            .where(
                or_(
                    (ch.table_name == "households") & (ch.row_id == str(household_id)),
                    (ch.table_name == "persons") & ch.row_id.in_(person_ids),
                    (ch.table_name == "intakes") & ch.row_id.in_(intake_ids),
                    (ch.table_name == "visits") & ch.row_id.in_(visit_ids),
                    (ch.table_name == "notes") & ch.row_id.in_(note_ids),
                    about_household("persons"),
                    about_household("intakes"),
                    about_household("visits"),
                    about_household("notes"),
                    about_people("parent_links", "child_id", "parent_id"),
                )
            )
            .order_by(ch.id.desc())
        ).all()
        rows = _care_history(s, [int(p) for p in person_ids], rows)
    lines = []
    for r in rows:
        values = r.new or r.old or {}
        what = _TABLE_WORD[r.table_name]
        if r.table_name == "persons":
            what = f"世帯員 {names.get(r.row_id) or values.get('name') or ''}".strip()
        elif (day := _record_day(r.table_name, r.old or {})) or (day := _record_day(r.table_name, r.new or {})):
            what = f"{what} {day}"
        # 「状態: 気になる → 終結」: the column's name and the values in words (records.labels), not codes. A
        # deleted record lists what it held, so a mistaken deletion can be seen and typed in again.
        changes = labels.change_words(r.table_name, r.old, r.new) if r.action in ("update", "delete") else []
        lines.append(HistoryLine(r.at, r.actor, what, _ACTION_WORD[r.action], changes))
    return lines


def _care_history(s: Session, person_ids: list[int], rows: list) -> list:
    """``rows`` with the history of the 介護・世話の関係 of these people (as carer or as cared for), newest
    first. Each side is read through its own partial index (schema 0018), named here: left to itself the
    planner reads every relation's history of the town through the table-name index and opens each one's
    JSON (13 ms at 50,000 households, most of the 履歴 tab)."""
    if not person_ids:
        return rows
    found = {r.id: r for r in rows}
    for key in ("carer_id", "cared_id"):
        statement = text(
            f"SELECT * FROM change_history INDEXED BY ix_change_history_{key} WHERE table_name = 'care_relations'"
            f" AND json_extract(coalesce(new, old), '$.{key}') IN :ids"
        ).bindparams(bindparam("ids", expanding=True))
        related = s.scalars(select(ChangeRecord).from_statement(statement), {"ids": person_ids})
        found.update((r.id, r) for r in related)
    return sorted(found.values(), key=lambda r: r.id, reverse=True)


def _record_day(table: str, values: dict) -> str:
    value = values.get(_RECORD_DAY.get(table, ""))
    try:
        return format_wareki(date.fromisoformat(value[:10])) if isinstance(value, str) else ""
    except ValueError:
        return ""


def recent(store: Store, limit: int = 8) -> list[tuple[int, str, str, str]]:
    """(id, code, head or label, status word) of the households changed most recently (ホーム)."""
    from app.services.households import search

    with store.session() as s:
        ids = list(
            s.scalars(
                select(Household.id).order_by(Household.updated_at.desc(), Household.id.desc()).limit(limit)
            )
        )
        rows = {r.id: r for r in search.rows(s, ids)}
    return [(i, rows[i].code, rows[i].head_name or rows[i].label or rows[i].address, vocab.HOUSEHOLD_STATUS.get(rows[i].status, ""))
            for i in ids if i in rows]  # fmt: skip
