"""Meetings (会議): the editable list of meeting types, meetings with attendees, and the cases on each
agenda with the basis on which they were discussed (domain.md §7).

The rule the coordinator must not have to remember: a case is about one person (本人), and a meeting whose
type needs consent (重層的支援会議) takes it only when that person's own valid consent (or their legal
representative's, recorded as such) covers every attending agency on the meeting day — a father's consent
never brings his son's case; a meeting held under a statute (支援会議 under 第106条の6, 地域ケア会議,
要対協 …) takes any case, its members bound by 守秘義務. What a type may decide follows the law too: a
支援会議 exchanges information and discusses the 支援体制; the plan and the decisions on it (vocab.
PLAN_DECISIONS) belong to a type that decides plans, which needs consent. The built-in types keep their
legal basis; a town may rename them or add its own, not weaken them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.models import Agency, Consent, Household, Meeting, MeetingCase, MeetingType, Person, vocab
from app.services.common.errors import InvalidInput
from app.services.common.japanese import format_wareki
from app.services.households.households import FieldErrors, NotFound, must_get
from app.services.records import stored
from app.services.records.family import RelationWords
from app.services.store.store import Store

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


NO_PLAN_DECISIONS = (
    "{words}は、支援プランを決める会議（重層的支援会議など、本人の同意を得て開く会議）で決めることです。"
    "{type}は情報交換と支援体制の検討を行う場のため記録できません。"
    "本人の同意を得て、プランを決める会議の議題に載せて決めてください。"
)


class ConsentRequired(InvalidInput):
    """The case cannot be on this agenda without its 本人's consent; the UI offers to record it or move."""

    def __init__(self, message: str, household_id: int, meeting_id: int, person_id: int | None = None):
        super().__init__(message)
        self.household_id, self.meeting_id, self.person_id = household_id, meeting_id, person_id


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
    """Add (``type_id`` None) or change a meeting type. A built-in type (``code``) keeps its legal basis
    and whether it decides plans; only a type that needs consent may decide plans."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "会議の名前を入力してください"
    if basis not in vocab.MEETING_BASIS:
        errors["basis"] = "案件を扱う根拠を選んでください"
    with store.session() as s:
        row = None
        if type_id is not None:
            row = must_get(s, MeetingType, type_id, "その会議の種類は見つかりません")
        clash = s.scalar(select(MeetingType.id).where(MeetingType.name == name)) if name else None
        if clash is not None and clash != type_id:
            errors["name"] = "同じ名前の会議がすでにあります"
        builtin = row is not None and row.code is not None
        if builtin and (row.basis, row.decides_plan) != (basis, bool(decides_plan)):
            errors["basis"] = (
                f"{row.name}は法令・要綱に定められた会議のため、案件を扱う根拠とプランの承認は変えられません"
                "（名前は変えられます）。別の扱いの会議が必要なときは「新しく追加」で町の会議として追加してください。"
            )
        if decides_plan and basis in vocab.MEETING_BASIS and basis != "consent":
            errors["decides_plan"] = (
                "支援会議は情報交換と支援体制の検討を行う場です。同意がなくても案件を扱える会議では、"
                "プラン承認・支援決定・終結判断はできません。プランを決める会議にするときは、"
                "案件を扱う根拠を「本人の同意がある案件だけ」にしてください。"
            )
        elif row is not None and row.decides_plan and not decides_plan and _plan_decided(s, Meeting.type_id == row.id):
            errors["decides_plan"] = (
                "この種類の会議では、すでにプラン承認・支援決定などが記録されているため、プランの承認をやめられません。"
                "使わなくなったときは「一覧に出す」を外してください。"
            )
        if errors:
            raise FieldErrors(errors)
        if row is None:
            row = MeetingType(position=(s.scalar(select(func.max(MeetingType.position))) or 0) + 1)
            s.add(row)
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
    # Attendees bind the scope a consent names, so each is an agency of the directory (a person's name
    # may accompany it); a free-text name could not be matched against any consent.
    attendees = []
    for a in values.get("attendees") or []:
        name = (a.get("name") or "").strip()
        agency_id = a.get("agency_id")
        if not (name or agency_id):
            continue
        if not agency_id or session.get(Agency, agency_id) is None:
            errors["attendees"] = (
                "出席者は関係機関の一覧から選んでください（町の職員も、所属する課を選びます）。"
                "一覧にない機関は「関係機関」の画面で登録してから選んでください。"
            )
            continue
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
        new_type = s.get(MeetingType, checked["type_id"])
        changed = [k for k in ("type_id", "held_on", "attendees") if checked[k] != getattr(meeting, k)]
        decided = "type_id" in changed and _plan_decided(s, MeetingCase.meeting_id == meeting.id)
        if decided and not new_type.decides_plan:
            raise FieldErrors({"type_id": (
                "議題の事例にプラン承認・支援決定などが記録されているため、プランを決めない会議（支援会議など）には"
                "変更できません。種類を元に戻してください。"
            )})  # fmt: skip
        for key, value in checked.items():
            setattr(meeting, key, value)
        meeting.type = new_type
        if changed and meeting.cases:
            # The day, the type or who attends decides whether each 本人's consent still covers the case.
            for case in meeting.cases:
                try:
                    case.basis, case.consent_id = basis_for(s, case.household_id, case.person_id, meeting)
                except ConsentRequired as refusal:
                    raise FieldErrors({changed[0]: (
                        f"{refusal}\nこの変更では同意の範囲から外れる事例があります。元に戻すか、"
                        "その事例を議題から外してから変更してください。"
                    )}) from None  # fmt: skip
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
                     .selectinload(Household.members), selectinload(Meeting.cases).selectinload(MeetingCase.person))
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


def _valid_consents(session: Session, person_id: int, day: date) -> list[Consent]:
    found = session.scalars(
        select(Consent).where(Consent.person_id == person_id, Consent.purpose.in_(MEETING_PURPOSES))
        .options(selectinload(Consent.agencies)).order_by(Consent.consented_on.desc())
    ).all()  # fmt: skip
    return [c for c in found if c.valid_on(day)]


def _named_covers(consent: Consent, meeting: Meeting) -> bool:
    """A consent naming agencies covers a meeting only when every attendee is one of them; with no
    attendee recorded, or one without an agency, nobody can say who would hear the case."""
    ids = [a.get("agency_id") for a in meeting.attendees or []]
    return bool(ids) and all(ids) and set(ids) <= {a.id for a in consent.agencies}


def covering_consent(session: Session, person_id: int | None, meeting: Meeting) -> Consent | None:
    """That person's own consent (given by them or by their legal representative, recorded as such),
    valid on the meeting day, whose scope covers every agency attending. Another member's consent never
    counts: a father cannot consent for his adult son."""
    if person_id is None:
        return None
    for consent in _valid_consents(session, person_id, meeting.held_on):
        if consent.scope == "general" or _named_covers(consent, meeting):
            return consent
    return None


def person_word(session: Session, person_id: int) -> str:
    """本人（長男）: the person by 続柄 word, never by name (messages are read on screen and aloud)."""
    person = session.get(Person, person_id)
    record = stored.to_record(person.household)
    member = record.members[person.household.members.index(person)]
    return f"本人（{RelationWords(record)(member)}）"


def _consent_refusal(
    session: Session, household_id: int, person_id: int | None, meeting: Meeting
) -> ConsentRequired:
    """What is missing, for whom (by 続柄), and how to proceed."""
    day, name = format_wareki(meeting.held_on), meeting.type.name
    elsewhere = "同意がなくても情報を共有できる支援会議（社会福祉法第106条の6）で検討してください。"
    if person_id is None:
        message = (f"この世帯には世帯員が登録されていないため、{day}の{name}で扱うための本人の同意を確かめられません。"
                   f"世帯員を登録して本人を選び、本人（または法定代理人）の同意を記録するか、{elsewhere}")  # fmt: skip
    else:
        who = person_word(session, person_id)
        if not _valid_consents(session, person_id, meeting.held_on):
            message = (f"{who}の、{day}の{name}で情報を共有することへの有効な同意の記録がありません。"
                       f"本人（または法定代理人）の同意を記録するか、{elsewhere}")  # fmt: skip
        elif not meeting.attendees:
            message = (f"{who}の同意は指定した機関についてのものですが、{day}の{name}には出席者が登録されていないため、"
                       "同意の範囲に含まれるかを確かめられません。先に会議の出席者（関係機関）を登録するか、"
                       f"関係機関全般への同意を記録するか、{elsewhere}")  # fmt: skip
        else:
            message = (f"{who}の同意の範囲（指定した機関）に、{day}の{name}の出席機関がすべては含まれていません。"
                       "出席機関を含む同意（または関係機関全般への同意）を本人（または法定代理人）から得て記録するか、"
                       f"{elsewhere}")  # fmt: skip
    return ConsentRequired(message, household_id, meeting.id, person_id)


def basis_for(
    session: Session, household_id: int, person_id: int | None, meeting: Meeting
) -> tuple[str, int | None]:
    """(basis, consent id) on which this person's case may be discussed at this meeting, else ConsentRequired."""
    consent = covering_consent(session, person_id, meeting)
    if consent is not None:
        return "consent", consent.id
    if meeting.type.basis != "consent":
        return meeting.type.basis, None
    raise _consent_refusal(session, household_id, person_id, meeting)


def add_case(store: Store, meeting_id: int, household_id: int, person_id: int | None = None) -> int:
    """Put one person's case (本人, a member of the household) on the agenda. A household without members
    may be discussed only where no consent is needed."""
    with store.session() as s:
        meeting = _meeting(s, meeting_id)
        household = s.get(Household, household_id)
        if household is None:
            raise NotFound("その世帯は見つかりません")
        if person_id is None and household.members:
            raise FieldErrors({"person_id": "この事例の本人を、世帯員から選んでください"})
        if person_id is not None and person_id not in {p.id for p in household.members}:
            raise FieldErrors({"person_id": "本人はこの世帯の世帯員から選んでください（ほかの世帯の人は選べません）"})
        if any(c.household_id == household_id for c in meeting.cases):
            raise InvalidInput("この世帯はすでにこの会議の議題にあります")
        basis, consent_id = basis_for(s, household_id, person_id, meeting)
        position = max((c.position for c in meeting.cases), default=0) + 1
        case = MeetingCase(
            meeting_id=meeting_id,
            household_id=household_id,
            person_id=person_id,
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
            .options(selectinload(MeetingCase.meeting).selectinload(Meeting.type), selectinload(MeetingCase.household),
                     selectinload(MeetingCase.person))
        )  # fmt: skip
        if case is None:
            raise NotFound("その案件は見つかりません")
        return case


def record_case(store: Store, case_id: int, values: dict) -> None:
    """課題整理・支援方針・役割分担, decisions and the next review. Decisions that change a plan
    (プラン承認, 多機関協働の関与終了) are made through app.services.meetings.plans, which records them here too."""
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
        # Decisions already on record stay (nothing saved is lost); new ones follow what the type may decide.
        kept = case.decisions or []
        refused = [d for d in decisions if not may_decide(case.meeting.type, d) and d not in kept]
        if refused:
            words = "・".join(vocab.MEETING_DECISION[d] for d in refused)
            raise FieldErrors({"decisions": NO_PLAN_DECISIONS.format(words=words, type=case.meeting.type.name)})
        for key in ("issues", "policy", "roles"):
            setattr(case, key, (values.get(key) or "").strip())
        case.decisions = decisions
        case.next_review_on = review
        s.commit()


def may_decide(meeting_type: MeetingType, decision: str) -> bool:
    """Whether a meeting of this type may record this decision (a 支援会議 never decides a plan)."""
    return meeting_type.decides_plan or decision not in vocab.PLAN_DECISIONS


def check_decides_plan(case: MeetingCase, decision: str) -> None:
    """Refuse, in the coordinator's words, a plan decision at a meeting whose type does not decide plans."""
    if not may_decide(case.meeting.type, decision):
        raise InvalidInput(
            NO_PLAN_DECISIONS.format(words=vocab.MEETING_DECISION[decision], type=case.meeting.type.name)
        )


def _plan_decided(session: Session, *where) -> bool:
    """Whether a case matching ``where`` (on MeetingCase / Meeting) carries a plan decision."""
    rows = session.scalars(
        select(MeetingCase.decisions).join(Meeting, Meeting.id == MeetingCase.meeting_id).where(*where)
    )
    return any(set(d or ()) & set(vocab.PLAN_DECISIONS) for d in rows)


def add_decision(session: Session, case: MeetingCase, decision: str) -> None:
    check_decides_plan(case, decision)
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


def linked_to_jusou(start, end):
    """The statement counting 重層的支援会議につながれた件数: distinct households discussed at a 重層的支援会議
    held in [start, end] (dates or bound parameters, so that statistics can build it once)."""
    return (
        select(func.count(func.distinct(MeetingCase.household_id)))
        .join(Meeting, Meeting.id == MeetingCase.meeting_id).join(MeetingType, MeetingType.id == Meeting.type_id)
        .where(Meeting.held_on >= start, Meeting.held_on <= end, MeetingType.code == PLAN_MEETING_CODE)
    )  # fmt: skip


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
        linked = s.scalar(linked_to_jusou(start, end))
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
