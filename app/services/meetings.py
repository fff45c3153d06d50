"""Meetings (会議): the editable list of meeting types, meetings with attendees, and the cases on each
agenda with the basis on which they were discussed (domain.md §7).

The rule the coordinator must not have to remember: a meeting whose type needs consent (重層的支援会議)
takes a household only when a member's valid consent covers it on the meeting day; a meeting held under
a statute (支援会議 under 第106条の6, 地域ケア会議, 要対協 …) takes any household, its members bound by
守秘義務.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.models import Agency, Consent, Household, Meeting, MeetingCase, MeetingType, Person, vocab
from app.services.errors import InvalidInput
from app.services.households import FieldErrors, NotFound, must_get
from app.services.japanese import format_wareki
from app.services.store import Store

PLAN_MEETING_CODE = "jusou"  # 重層的支援会議: the count 重層的支援会議につながれた件数 follows this type
# Consents that cover a discussion at a meeting: one given for 重層的支援会議, or for 情報共有 in general.
MEETING_PURPOSES = ("support_meeting", "info_sharing")
CONFIDENTIALITY_NOTICE = (
    "【守秘義務】この資料には個人情報が含まれます。会議の構成員は、会議で知り得た秘密を漏らしてはなりません"
    "（{law}）。会議終了後、資料は回収します。複写・持ち出しはしないでください。"
)
LAW_WORDS = {
    "support_meeting": "社会福祉法第106条の6第5項、違反には罰則があります",
    "other_law": "会議の根拠となる法令による",
    "consent": "本人の同意の範囲でのみ共有し、目的外に使用しません",
}


class ConsentRequired(InvalidInput):
    """The household cannot be on this agenda without consent; the UI offers to record it or move."""

    def __init__(self, message: str, household_id: int, meeting_id: int):
        super().__init__(message)
        self.household_id, self.meeting_id = household_id, meeting_id


# --- meeting types (the town's editable list) ---------------------------------------------------------


def types(store: Store, active_only: bool = False) -> list[MeetingType]:
    with store.session() as s:
        query = select(MeetingType).order_by(MeetingType.position, MeetingType.id)
        if active_only:
            query = query.where(MeetingType.active.is_(True))
        return list(s.scalars(query))


def save_type(
    store: Store, type_id: int | None, name: str, basis: str, decides_plan: bool, active: bool = True
) -> int:
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "会議の名前を入力してください"
    if basis not in vocab.MEETING_BASIS:
        errors["basis"] = "案件を扱う根拠を選んでください"
    if errors:
        raise FieldErrors(errors)
    with store.session() as s:
        clash = s.scalar(select(MeetingType.id).where(MeetingType.name == name))
        if clash is not None and clash != type_id:
            raise FieldErrors({"name": "同じ名前の会議がすでにあります"})
        if type_id is None:
            position = (s.scalar(select(func.max(MeetingType.position))) or 0) + 1
            row = MeetingType(position=position)
            s.add(row)
        else:
            row = s.get(MeetingType, type_id)
            if row is None:
                raise NotFound("その会議の種類は見つかりません")
        row.name, row.basis, row.decides_plan, row.active = name, basis, bool(decides_plan), bool(active)
        s.commit()
        return row.id


# --- meetings -----------------------------------------------------------------------------------------


def _check_meeting(session: Session, values: dict) -> dict:
    errors = {}
    if session.get(MeetingType, values.get("type_id") or 0) is None:
        errors["type_id"] = "会議の種類を選んでください"
    if not isinstance(values.get("held_on"), date):
        errors["held_on"] = "開催日を入力してください"
    attendees = []
    for a in values.get("attendees") or []:
        name = (a.get("name") or "").strip()
        agency_id = a.get("agency_id")
        if name or agency_id:
            attendees.append({"agency_id": agency_id, "name": name})
    if errors:
        raise FieldErrors(errors)
    return {
        "type_id": values["type_id"],
        "held_on": values["held_on"],
        "attendees": attendees,
        **{k: (values.get(k) or "").strip() for k in ("time", "place", "chair", "record")},
    }


def create_meeting(store: Store, values: dict) -> int:
    with store.session() as s:
        meeting = Meeting(**_check_meeting(s, values))
        s.add(meeting)
        s.commit()
        return meeting.id


def update_meeting(store: Store, meeting_id: int, values: dict) -> None:
    with store.session() as s:
        meeting = _meeting(s, meeting_id)
        checked = _check_meeting(s, values)
        if checked["type_id"] != meeting.type_id and meeting.cases:
            new_type = s.get(MeetingType, checked["type_id"])
            if new_type.basis == "consent":
                for case in meeting.cases:
                    if case.basis != "consent":
                        raise FieldErrors(
                            {"type_id": "同意のない案件があるため、同意が必要な会議には変更できません"}
                        )
        for key, value in checked.items():
            setattr(meeting, key, value)
        s.commit()


def delete_meeting(store: Store, meeting_id: int) -> None:
    """Only a meeting with nothing decided may go (a mistaken entry); the row history keeps it."""
    with store.session() as s:
        meeting = _meeting(s, meeting_id)
        if any(c.decisions for c in meeting.cases):
            raise InvalidInput("決定が記録された会議は削除できません")
        s.delete(meeting)
        s.commit()


def _meeting(session: Session, meeting_id: int) -> Meeting:
    return must_get(session, Meeting, meeting_id, "その会議は見つかりません")


def get_meeting(store: Store, meeting_id: int) -> Meeting:
    with store.session() as s:
        meeting = s.scalar(
            select(Meeting).where(Meeting.id == meeting_id)
            .options(selectinload(Meeting.type), selectinload(Meeting.cases).selectinload(MeetingCase.household)
                     .selectinload(Household.members))
        )  # fmt: skip
        if meeting is None:
            raise NotFound("その会議は見つかりません")
        return meeting


def meetings(store: Store, start: date | None = None, end: date | None = None) -> list[Meeting]:
    """Newest first, with type and cases loaded (the list of the 会議 page)."""
    with store.session() as s:
        query = select(Meeting).options(selectinload(Meeting.type), selectinload(Meeting.cases))
        if start:
            query = query.where(Meeting.held_on >= start)
        if end:
            query = query.where(Meeting.held_on <= end)
        return list(s.scalars(query.order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def statutory_meetings(store: Store, since: date) -> list[Meeting]:
    """Meetings from ``since`` on that may take a household without consent (where to move a case)."""
    with store.session() as s:
        return list(
            s.scalars(
                select(Meeting).join(MeetingType).options(selectinload(Meeting.type))
                .where(Meeting.held_on >= since, MeetingType.basis != "consent").order_by(Meeting.held_on)
            )
        )  # fmt: skip


def attendee_agency_ids(meeting: Meeting) -> set[int]:
    return {a["agency_id"] for a in meeting.attendees or [] if a.get("agency_id")}


# --- cases on the agenda ------------------------------------------------------------------------------


def covering_consent(session: Session, household_id: int, meeting: Meeting) -> Consent | None:
    """A member's consent valid on the meeting day whose scope covers every agency attending."""
    found = session.scalars(
        select(Consent).join(Person, Person.id == Consent.person_id)
        .where(Person.household_id == household_id, Consent.purpose.in_(MEETING_PURPOSES))
        .options(selectinload(Consent.agencies)).order_by(Consent.consented_on.desc())
    ).all()  # fmt: skip
    needed = attendee_agency_ids(meeting)
    for consent in found:
        if not consent.valid_on(meeting.held_on):
            continue
        if consent.scope == "general" or needed <= {a.id for a in consent.agencies}:
            return consent
    return None


def basis_for(session: Session, household_id: int, meeting: Meeting) -> tuple[str, int | None]:
    """(basis, consent id) on which this household may be discussed at this meeting, else ConsentRequired."""
    consent = covering_consent(session, household_id, meeting)
    if consent is not None:
        return "consent", consent.id
    if meeting.type.basis != "consent":
        return meeting.type.basis, None
    raise ConsentRequired(
        f"この世帯には、{format_wareki(meeting.held_on)}の{meeting.type.name}で情報を共有することへの有効な同意の記録が"
        "ありません。重層的支援会議は本人の同意を得た案件を扱う会議です。\n"
        "同意を得て記録するか、同意がなくても情報を共有できる支援会議（社会福祉法第106条の6）で検討してください。",
        household_id,
        meeting.id,
    )


def add_case(store: Store, meeting_id: int, household_id: int) -> int:
    with store.session() as s:
        meeting = _meeting(s, meeting_id)
        if s.get(Household, household_id) is None:
            raise NotFound("その世帯は見つかりません")
        if any(c.household_id == household_id for c in meeting.cases):
            raise InvalidInput("この世帯はすでにこの会議の議題にあります")
        basis, consent_id = basis_for(s, household_id, meeting)
        position = max((c.position for c in meeting.cases), default=0) + 1
        case = MeetingCase(
            meeting_id=meeting_id,
            household_id=household_id,
            basis=basis,
            consent_id=consent_id,
            position=position,
        )
        s.add(case)
        s.commit()
        return case.id


def remove_case(store: Store, case_id: int) -> None:
    with store.session() as s:
        case = _case(s, case_id)
        if case.decisions:
            raise InvalidInput("決定が記録された案件は議題から外せません")
        s.delete(case)
        s.commit()


def _case(session: Session, case_id: int) -> MeetingCase:
    return must_get(session, MeetingCase, case_id, "その案件は見つかりません")


def get_case(store: Store, case_id: int) -> MeetingCase:
    with store.session() as s:
        case = s.scalar(
            select(MeetingCase).where(MeetingCase.id == case_id)
            .options(selectinload(MeetingCase.meeting).selectinload(Meeting.type), selectinload(MeetingCase.household))
        )  # fmt: skip
        if case is None:
            raise NotFound("その案件は見つかりません")
        return case


def record_case(store: Store, case_id: int, values: dict) -> None:
    """課題整理・支援方針・役割分担, decisions and the next review. Decisions that change a plan
    (プラン承認, 多機関協働の関与終了) are made through app.services.plans, which records them here too."""
    decisions = list(dict.fromkeys(values.get("decisions") or []))
    errors = {}
    if any(d not in vocab.MEETING_DECISION for d in decisions):
        errors["decisions"] = "決定を一覧から選んでください"
    review = values.get("next_review_on")
    if review is not None and not isinstance(review, date):
        errors["next_review_on"] = "次回の見直し日を正しく入力してください"
    if errors:
        raise FieldErrors(errors)
    with store.session() as s:
        case = _case(s, case_id)
        if review is not None and review < case.meeting.held_on:
            raise FieldErrors({"next_review_on": "次回の見直し日は会議の日より後にしてください"})
        for key in ("issues", "policy", "roles"):
            setattr(case, key, (values.get(key) or "").strip())
        case.decisions = decisions
        case.next_review_on = review
        s.commit()


def add_decision(session: Session, case: MeetingCase, decision: str) -> None:
    if decision not in (case.decisions or []):
        case.decisions = [*(case.decisions or []), decision]


@dataclass(frozen=True)
class HouseholdMeeting:
    case_id: int
    meeting_id: int
    held_on: date
    type_name: str
    basis: str
    decisions: list[str]
    policy: str
    next_review_on: date | None


def for_household(store: Store, household_id: int) -> list[HouseholdMeeting]:
    with store.session() as s:
        rows = s.execute(
            select(MeetingCase, Meeting.held_on, MeetingType.name)
            .join(Meeting, Meeting.id == MeetingCase.meeting_id).join(MeetingType, MeetingType.id == Meeting.type_id)
            .where(MeetingCase.household_id == household_id).order_by(Meeting.held_on.desc(), Meeting.id.desc())
        ).all()  # fmt: skip
    return [
        HouseholdMeeting(
            c.id, c.meeting_id, held_on, name, c.basis, list(c.decisions or []), c.policy, c.next_review_on
        )
        for c, held_on, name in rows
    ]


def agency_names(store: Store) -> dict[int, str]:
    with store.session() as s:
        return dict(s.execute(select(Agency.id, Agency.name)).all())


def counts(store: Store, start: date, end: date) -> dict:
    """For the statistics: meetings by type, cases per meeting, and 重層的支援会議につながれた件数 (distinct
    households discussed at a 重層的支援会議 in the period)."""
    with store.session() as s:
        rows = s.execute(
            select(Meeting.id, MeetingType.name, MeetingType.code, func.count(MeetingCase.id))
            .join(MeetingType, MeetingType.id == Meeting.type_id)
            .outerjoin(MeetingCase, MeetingCase.meeting_id == Meeting.id)
            .where(Meeting.held_on >= start, Meeting.held_on <= end).group_by(Meeting.id)
        ).all()  # fmt: skip
        linked = s.scalar(
            select(func.count(func.distinct(MeetingCase.household_id)))
            .join(Meeting, Meeting.id == MeetingCase.meeting_id).join(MeetingType, MeetingType.id == Meeting.type_id)
            .where(Meeting.held_on >= start, Meeting.held_on <= end, MeetingType.code == PLAN_MEETING_CODE)
        )  # fmt: skip
    by_type, cases_by_type = Counter(), Counter()
    for _id, name, _code, n in rows:
        by_type[name] += 1
        cases_by_type[name] += n
    return {
        "meetings": len(rows),
        "cases": sum(n for *_x, n in rows),
        "by_type": by_type,
        "cases_by_type": cases_by_type,
        "linked_to_jusou": linked or 0,
    }
