"""支援プラン, versioned per household (domain.md §3, §4).

A plan is for one person (本人, a member of the household; the others may appear in it). A version is
edited while 作成中, approved at a meeting that decides plans (重層的支援会議) with that person's case on
its agenda, evaluated at its review, and replaced when the next version is approved. A 支援会議 (第106条の6)
never approves, reviews or ends a plan: it exchanges information and discusses the 支援体制.
多機関協働の関与終了 needs an approved plan whose roles are agreed and whose 主担当機関 is named; it does
not close the household, whose 終結 (with one of the three reasons) is a separate, later step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.models import Household, Meeting, MeetingCase, MeetingType, Person, SupportPlan, vocab
from app.services.common.errors import InvalidInput
from app.services.common.japanese import parse_date
from app.services.households.households import FieldErrors, NotFound, must_get
from app.services.meetings import meetings
from app.services.store.store import Store

TEXT_FIELDS = ("issues", "wishes")
REVIEW_SOON_DAYS = 14  # ホーム lists plans whose review falls within this many days


def versions(store: Store, household_id: int) -> list[SupportPlan]:
    """Newest version first."""
    with store.session() as s:
        return list(
            s.scalars(
                select(SupportPlan).where(SupportPlan.household_id == household_id)
                .options(selectinload(SupportPlan.person)).order_by(SupportPlan.version.desc())
            )
        )  # fmt: skip


def get(store: Store, plan_id: int) -> SupportPlan:
    """The version with its 本人 loaded (``plan.person``, None while not chosen)."""
    with store.session() as s:
        plan = _plan(s, plan_id)
        _ = plan.person
        return plan


def _plan(session: Session, plan_id: int) -> SupportPlan:
    return must_get(session, SupportPlan, plan_id, "その支援プランは見つかりません")


def _check_person(session: Session, household_id: int, person_id: int | None) -> None:
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None or person.household_id != household_id:
            raise FieldErrors({"person_id": "本人はこの世帯の世帯員から選んでください（ほかの世帯の人は選べません）"})


def start_version(store: Store, household_id: int, person_id: int | None = None) -> int:
    """A new 作成中 version for this 本人 (else the latest one's), starting from the latest one (nothing
    typed twice), or the open draft."""
    with store.session() as s:
        if s.get(Household, household_id) is None:
            raise NotFound("その世帯は見つかりません")
        _check_person(s, household_id, person_id)
        latest = s.scalar(
            select(SupportPlan)
            .where(SupportPlan.household_id == household_id)
            .order_by(SupportPlan.version.desc())
        )
        if latest is not None and latest.state == "draft":
            if person_id is not None:
                latest.person_id = person_id
                s.commit()
            return latest.id
        plan = SupportPlan(household_id=household_id, version=(latest.version + 1) if latest else 1,
                           state="draft", created_by=store.actor)  # fmt: skip
        if latest is not None:
            for key in ("person_id", "issues", "wishes", "goals", "roles", "lead_agency_id", "period_end",
                        "assessment_id"):
                setattr(plan, key, getattr(latest, key))
        if person_id is not None:
            plan.person_id = person_id
        s.add(plan)
        s.commit()
        return plan.id


def _clean_rows(rows, keys) -> list[dict]:
    out = []
    for row in rows or []:
        clean = {k: (row.get(k) or "").strip() if isinstance(row.get(k), str) or row.get(k) is None else row.get(k)
                 for k in keys}  # fmt: skip
        if any(v for v in clean.values()):
            out.append(clean)
    return out


ROLE_KEYS = ("agency_id", "staff", "task", "contact")


def _role_date(value) -> str | None:
    """A role's date as ISO text (how the JSON keeps it), from a date, ISO text or what a person types
    (R8.4.1); ValueError when it is no date."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return parse_date(value).isoformat()


def _clean_roles(rows) -> tuple[list[dict], str | None]:
    """Role rows with their 状態 (予定 when none is given), 期限 and the date of the 状態, or the first
    problem's message. A row with nothing in who/what/期限 is an empty line and is dropped."""
    out, problem = [], None
    for row in rows or []:
        role = _clean_rows([{k: row.get(k) for k in ROLE_KEYS}], ROLE_KEYS)
        due, status_on = row.get("due_on"), row.get("status_on")
        if not role and not due and not status_on:
            continue
        role = role[0] if role else dict.fromkeys(ROLE_KEYS, "")
        status = row.get("status") or "planned"
        if status not in vocab.ROLE_STATUS:
            problem = problem or "役割の状態は「予定・実施中・済・中止」から選んでください"
        try:
            role["due_on"] = _role_date(due.strip() if isinstance(due, str) else due)
        except ValueError:
            problem = problem or f"役割の期限「{due}」を日付として読めません（例: R8.4.1、2026-04-01）"
        try:
            role["status_on"] = _role_date(status_on.strip() if isinstance(status_on, str) else status_on)
        except ValueError:
            problem = problem or f"役割の状態の日付「{status_on}」を日付として読めません（例: R8.4.1）"
        role["status"] = status
        out.append(role)
    return out, problem


def save_draft(store: Store, plan_id: int, values: dict) -> None:
    goals = _clean_rows(values.get("goals"), ("text", "kind"))
    roles, role_problem = _clean_roles(values.get("roles"))
    errors = {}
    for goal in goals:
        if not goal["text"]:
            errors["goals"] = "目標の内容が空の行があります"
        elif goal["kind"] not in vocab.AUTONOMY:
            errors["goals"] = "目標ごとに自立の種類（経済的・日常生活・社会生活）を選んでください"
    for role in roles:
        if not role["agency_id"]:
            errors["roles"] = "役割分担の行ごとに機関を選んでください"
        elif not role["task"]:
            errors["roles"] = "役割分担の行ごとに「何をするか」を入力してください"
    if role_problem and "roles" not in errors:
        errors["roles"] = role_problem
    start, end, review = values.get("period_start"), values.get("period_end"), values.get("review_on")
    if start and end and end < start:
        errors["period_end"] = "期間の終わりは始まりより後にしてください"
    if review and start and review < start:
        errors["review_on"] = "見直し日は期間の始まりより後にしてください"
    if errors:
        raise FieldErrors(errors)
    with store.session() as s:
        plan = _plan(s, plan_id)
        if plan.state != "draft":
            raise InvalidInput("承認済みのプランは変更できません。「プランを改訂」で新しい版を作ってください")
        if "person_id" in values:
            _check_person(s, plan.household_id, values["person_id"])
            plan.person_id = values["person_id"]
        for key in TEXT_FIELDS:
            setattr(plan, key, (values.get(key) or "").strip())
        plan.goals, plan.roles = goals, roles
        plan.lead_agency_id = values.get("lead_agency_id")
        plan.period_start, plan.period_end, plan.review_on = start, end, review
        s.commit()


def approvable_cases(
    store: Store, household_id: int, person_id: int | None = None
) -> list[tuple[int, date, str]]:
    """(case id, date, meeting name) of the meetings that decide plans with this household on the agenda
    (with this 本人's case, when given)."""
    with store.session() as s:
        query = (
            select(MeetingCase.id, Meeting.held_on, MeetingType.name)
            .join(Meeting, Meeting.id == MeetingCase.meeting_id).join(MeetingType, MeetingType.id == Meeting.type_id)
            .where(MeetingCase.household_id == household_id, MeetingType.decides_plan.is_(True))
            .order_by(Meeting.held_on.desc())
        )  # fmt: skip
        if person_id is not None:
            query = query.where(MeetingCase.person_id == person_id)
        return [(cid, held_on, name) for cid, held_on, name in s.execute(query)]


def _plan_case(session: Session, plan: SupportPlan, case_id: int | None, decision: str) -> MeetingCase:
    """The case at which a decision on this plan is made: this household's, at a meeting whose type decides
    plans, about the plan's 本人 (whose consent put it there)."""
    case = session.get(MeetingCase, case_id) if case_id is not None else None
    if case is None or case.household_id != plan.household_id:
        raise InvalidInput("この世帯が議題にある会議を選んでください")
    meetings.check_decides_plan(case, decision)
    if plan.person_id is not None and case.person_id != plan.person_id:
        who = meetings.person_word(session, plan.person_id)
        about = (f"この会議の事例は{meetings.person_word(session, case.person_id)}についてのものです。"
                 if case.person_id is not None else "この会議の事例には本人が選ばれていません。")  # fmt: skip
        raise InvalidInput(
            f"{about}この支援プランは{who}のものです。{who}の事例を、その人の同意（本人または法定代理人）を得て"
            "議題に載せた会議を選んでください。"
        )
    return case


def approve(store: Store, plan_id: int, case_id: int) -> None:
    """プラン承認 at a meeting that decides plans; the previous approved version is replaced."""
    with store.session() as s:
        plan = _plan(s, plan_id)
        if plan.state != "draft":
            raise InvalidInput("このプランはすでに承認されています")
        if plan.person_id is None:
            raise InvalidInput("支援プランの本人を選んでから承認してください（プランを開いて「本人」を選びます）")
        case = _plan_case(s, plan, case_id, "plan_approval")
        missing = []
        if not plan.issues and not plan.goals:
            missing.append("課題か目標")
        if not plan.roles:
            missing.append("役割分担")
        if not plan.lead_agency_id:
            missing.append("主担当機関")
        if not plan.review_on:
            missing.append("見直し日")
        if missing:
            raise InvalidInput("承認する前に入力してください: " + "、".join(missing))
        for older in s.scalars(
            select(SupportPlan).where(
                SupportPlan.household_id == plan.household_id, SupportPlan.state == "approved"
            )
        ):
            older.state = "superseded"
        plan.state = "approved"
        plan.approved_on = case.meeting.held_on
        plan.approved_case_id = case.id
        plan.period_start = plan.period_start or case.meeting.held_on
        meetings.add_decision(s, case, "plan_approval")
        s.commit()


def evaluate(
    store: Store, plan_id: int, text: str, on: date | None = None, case_id: int | None = None,
    outcomes: list[str] | tuple[str, ...] = (),
) -> None:
    """評価 at the review: what was achieved, what changed, and the outcomes the town reports (就労・増収,
    counted by 統計). Then a new version can be started. Made at a meeting (``case_id``), it is that
    meeting's 見直し, which only a type that decides plans may record."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("評価の内容を入力してください")
    unknown = [o for o in outcomes if o not in vocab.PLAN_OUTCOME]
    if unknown:
        raise InvalidInput(f"成果の種類が正しくありません: {'、'.join(unknown)}")
    with store.session() as s:
        plan = _plan(s, plan_id)
        if plan.state == "draft":
            raise InvalidInput("評価は承認されたプランについて記録します")
        if case_id is not None:
            case = _plan_case(s, plan, case_id, "review")
            meetings.add_decision(s, case, "review")
            on = on or case.meeting.held_on
        plan.evaluation, plan.evaluated_on = text, on or date.today()
        plan.outcomes = [o for o in vocab.PLAN_OUTCOME if o in outcomes]
        s.commit()


def current(store: Store, household_id: int) -> SupportPlan | None:
    """The approved version in force, if any."""
    with store.session() as s:
        return s.scalar(
            select(SupportPlan).where(SupportPlan.household_id == household_id, SupportPlan.state == "approved")
            .options(selectinload(SupportPlan.person))
        )  # fmt: skip


def end_collaboration(store: Store, plan_id: int, on: date | None = None, case_id: int | None = None) -> None:
    """多機関協働の関与終了: roles agreed and a 主担当機関 named in the approved plan. The household stays
    open under that agency; its own 終結 is a separate decision."""
    with store.session() as s:
        plan = _plan(s, plan_id)
        if plan.state != "approved":
            raise InvalidInput("多機関協働の関与終了は、承認された現在のプランについて記録します")
        if not plan.lead_agency_id or not plan.roles:
            raise InvalidInput("役割分担と主担当機関がプランに決まっていないため、関与を終了できません")
        if plan.collaboration_ended_on:
            raise InvalidInput("このプランでは、多機関協働の関与はすでに終了しています")
        plan.collaboration_ended_on = on or date.today()
        if case_id is not None:
            meetings.add_decision(s, _plan_case(s, plan, case_id, "collab_end"), "collab_end")
        s.commit()


@dataclass(frozen=True)
class DueReview:
    plan_id: int
    household_id: int
    code: str
    version: int
    review_on: date


def due_for_review(
    store: Store, today: date | None = None, within_days: int = REVIEW_SOON_DAYS
) -> list[DueReview]:
    """Approved plans whose review date is near or past and not yet evaluated (ホーム)."""
    today = today or date.today()
    with store.session() as s:
        rows = s.execute(
            select(SupportPlan.id, SupportPlan.household_id, Household.code, SupportPlan.version, SupportPlan.review_on)
            .join(Household, Household.id == SupportPlan.household_id)
            .where(SupportPlan.state == "approved", SupportPlan.evaluated_on.is_(None),
                   SupportPlan.review_on <= today + timedelta(days=within_days), Household.status != "closed")
            .order_by(SupportPlan.review_on)
        ).all()  # fmt: skip
    return [DueReview(*row) for row in rows]


def counts(store: Store, start: date, end: date) -> dict:
    """Plans made (approved) and reviewed (evaluated) in the period; closures by reason."""
    with store.session() as s:
        made = s.scalar(
            select(func.count()).where(SupportPlan.approved_on >= start, SupportPlan.approved_on <= end)
        )
        reviewed = s.scalar(
            select(func.count()).where(SupportPlan.evaluated_on >= start, SupportPlan.evaluated_on <= end)
        )
        ended = s.scalar(
            select(func.count()).where(
                SupportPlan.collaboration_ended_on >= start, SupportPlan.collaboration_ended_on <= end
            )
        )
        closures = dict(
            s.execute(
                select(Household.closure_reason, func.count())
                .where(Household.status == "closed", Household.closed_on >= start, Household.closed_on <= end)
                .group_by(Household.closure_reason)
            ).all()
        )  # fmt: skip
    return {
        "plans_made": made or 0,
        "plans_reviewed": reviewed or 0,
        "collaboration_ended": ended or 0,
        "closures_by_reason": {code: closures.get(code, 0) for code in vocab.CLOSURE_REASON},
    }
