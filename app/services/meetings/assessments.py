"""アセスメント, versioned per household like the 支援プラン (domain.md §3, §4; `004:1160-1164`).

Each review of a person's situation is a new version that starts as a copy of the latest one (nothing is
typed twice), and the earlier versions stay as they were: what was understood then is part of the record.
Only the latest version is edited. The person's own words, their strengths and what they chose (with
the options they were offered and the pace they want) are kept apart from the 課題 by 分野, so a plan made
from an assessment starts from the person's wishes, not only from problems.

A plan is started from an assessment (``start_plan``); following each agency's role in the plan, and
the roles past their 期限 that ホーム lists, live here too (``overdue_roles``)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import Agency, Assessment, Household, Person, SupportPlan, vocab
from app.services.common.errors import InvalidInput
from app.services.households.households import FieldErrors, NotFound, must_get
from app.services.meetings import plans
from app.services.store.store import Store

TEXT_FIELDS = ("situation", "relations", "strengths", "choice", "pace", "options", "assessed_by")
# Roles still to follow: a role 済 (done) or 中止 (stopped) is never overdue.
OPEN_ROLE_STATES = ("planned", "doing")


def versions(store: Store, household_id: int) -> list[Assessment]:
    """Newest version first, with the person loaded."""
    with store.session() as s:
        return list(
            s.scalars(
                select(Assessment).where(Assessment.household_id == household_id)
                .options(selectinload(Assessment.person)).order_by(Assessment.version.desc())
            )
        )  # fmt: skip


def get(store: Store, assessment_id: int) -> Assessment:
    with store.session() as s:
        a = _assessment(s, assessment_id)
        _ = a.person
        return a


def _assessment(session: Session, assessment_id: int) -> Assessment:
    return must_get(session, Assessment, assessment_id, "そのアセスメントは見つかりません")


def _latest(session: Session, household_id: int) -> Assessment | None:
    return session.scalar(
        select(Assessment).where(Assessment.household_id == household_id).order_by(Assessment.version.desc())
    )


def _check(session: Session, household_id: int, values: dict) -> dict:
    """The values cleaned, or FieldErrors with the message at each field."""
    errors: dict[str, str] = {}
    person_id = values.get("person_id")
    if person_id is None:
        errors["person_id"] = "アセスメントの本人を世帯員から選んでください"
    else:
        person = session.get(Person, person_id)
        if person is None or person.household_id != household_id:
            errors["person_id"] = "本人はこの世帯の世帯員から選んでください（ほかの世帯の人は選べません）"
    assessed_on = values.get("assessed_on")
    if not isinstance(assessed_on, date):
        errors["assessed_on"] = "アセスメントの日付を入力してください"
    clean = {key: (values.get(key) or "").strip() for key in TEXT_FIELDS}
    if not clean["situation"]:
        errors["situation"] = "本人の状況と思いを入力してください（本人の言葉をそのまま）"
    issues, seen = [], set()
    for row in values.get("issues") or []:
        field, text = row.get("field"), (row.get("text") or "").strip()
        if field not in vocab.ISSUE:
            errors["issues"] = "課題の分野を一覧から選んでください"
        elif field in seen:
            errors["issues"] = f"課題の分野「{vocab.ISSUE[field]}」が二度あります。一つにまとめてください"
        elif not text:
            errors["issues"] = f"課題の分野「{vocab.ISSUE[field]}」の内容を入力してください"
        else:
            seen.add(field)
            issues.append({"field": field, "text": text})
    if errors:
        raise FieldErrors(errors)
    # One order on screen and paper whatever order they were ticked in: the vocabulary's.
    order = list(vocab.ISSUE)
    issues.sort(key=lambda row: order.index(row["field"]))
    return {**clean, "person_id": person_id, "assessed_on": assessed_on, "issues": issues}


def create(store: Store, household_id: int, values: dict) -> int:
    """A new version with ``values`` (the dialog starts from ``draft_values``, a copy of the latest)."""
    with store.session() as s:
        if s.get(Household, household_id) is None:
            raise NotFound("その世帯は見つかりません")
        clean = _check(s, household_id, values)
        latest = _latest(s, household_id)
        a = Assessment(household_id=household_id, version=(latest.version + 1) if latest else 1,
                       created_by=store.actor, **clean)  # fmt: skip
        s.add(a)
        s.commit()
        return a.id


def update(store: Store, assessment_id: int, values: dict) -> None:
    """Correct the latest version; an earlier one is what was understood then and stays as it was."""
    with store.session() as s:
        a = _assessment(s, assessment_id)
        latest = _latest(s, a.household_id)
        if latest is not None and latest.id != a.id:
            raise InvalidInput("前の版のアセスメントは変更できません。「新しく作る」で次の版を作ってください")
        for key, value in _check(s, a.household_id, values).items():
            setattr(a, key, value)
        s.commit()


def draft_values(store: Store, household_id: int, today: date, person_id: int | None = None) -> dict:
    """What a new version starts from: the latest one's content (nothing typed twice), dated today."""
    with store.session() as s:
        latest = _latest(s, household_id)
        values = {key: getattr(latest, key) if latest else "" for key in TEXT_FIELDS}
        values["issues"] = [dict(row) for row in (latest.issues or [])] if latest else []
        values["person_id"] = person_id if person_id is not None else (latest.person_id if latest else None)
        values["assessed_on"] = today
        return values


def values_of(a: Assessment) -> dict:
    return {**{key: getattr(a, key) for key in TEXT_FIELDS}, "person_id": a.person_id,
            "assessed_on": a.assessed_on, "issues": [dict(row) for row in a.issues or []]}  # fmt: skip


def issues_text(issues: list[dict]) -> str:
    """課題 by 分野 as the plan's one text: 「【生活困窮】家賃の滞納」, one 分野 a line."""
    return "\n".join(f"【{vocab.ISSUE.get(row['field'], row['field'])}】{row['text']}" for row in issues or [])


def wishes_text(a: Assessment) -> str:
    """本人の希望 from what the person chose and the pace they want, in their words."""
    parts = []
    if a.choice:
        parts.append(f"本人が選んだこと: {a.choice}")
    if a.pace:
        parts.append(f"望むペース: {a.pace}")
    return "\n".join(parts)


def start_plan(store: Store, assessment_id: int) -> int:
    """A 作成中 支援プラン made from this assessment: its 本人, 課題 (by 分野) and 本人の希望 (choice and
    pace) filled in, the assessment named. An open draft takes them over (one draft per household);
    otherwise the new version keeps the latest plan's goals and roles, as any revision does."""
    a = get(store, assessment_id)
    plan_id = plans.start_version(store, a.household_id, a.person_id)
    with store.session() as s:
        plan = s.get(SupportPlan, plan_id)
        plan.assessment_id = a.id
        plan.person_id = a.person_id
        plan.issues = issues_text(a.issues)
        plan.wishes = wishes_text(a)
        s.commit()
    return plan_id


# --- following the roles ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueRole:
    plan_id: int
    household_id: int
    code: str
    version: int
    agency: str
    task: str
    due_on: date
    status: str  # vocab.ROLE_STATUS key


def overdue_roles(store: Store, today: date) -> list[OverdueRole]:
    """Roles whose 期限 has passed (due today is not yet late) and that are neither 済 nor 中止, in the
    plans in force: the approved one and the draft being written; a superseded plan's roles were
    replaced by its successor's. Oldest 期限 first."""
    with store.session() as s:
        names = dict(s.execute(select(Agency.id, Agency.name)).all())
        rows = s.execute(
            select(SupportPlan.id, SupportPlan.household_id, Household.code, SupportPlan.version, SupportPlan.roles)
            .join(Household, Household.id == SupportPlan.household_id)
            .where(SupportPlan.state.in_(("approved", "draft")), Household.status != "closed")
        ).all()  # fmt: skip
    out = []
    for plan_id, household_id, code, version, roles in rows:
        for role in roles or []:
            due = _iso(role.get("due_on"))
            if due is None or due >= today or (role.get("status") or "planned") not in OPEN_ROLE_STATES:
                continue
            out.append(OverdueRole(plan_id, household_id, code, version, names.get(role.get("agency_id") or 0, ""),
                                   role.get("task") or "", due, role.get("status") or "planned"))  # fmt: skip
    out.sort(key=lambda r: (r.due_on, r.code, r.version))
    return out


def _iso(value) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


# --- the demo ---------------------------------------------------------------------------------------

_DEMO = [
    ("母の介護と自分の仕事の両立が難しい。できれば家で母を看たい。", "母と二人暮らし。近所付き合いは少ない。",
     "料理が得意。母の通院にはきちんと付き添っている。",
     [("elderly_care", "母の要介護度が上がり、日中の見守りが必要"), ("employment", "離職して収入がない")],
     "介護サービスを使いながら短時間の仕事を探す", "急がず、月に一度相談したい",
     "介護サービスの利用、就労準備支援、家計相談"),
    ("家賃が払えず不安。人と会うのは苦手だが、話は聞いてほしい。", "一人暮らし。兄とは疎遠。",
     "毎朝散歩をしている。約束は守る。",
     [("poverty", "家賃を三か月滞納"), ("isolation", "相談できる人がいない")],
     "家計相談を受ける", "電話より訪問がよい。週一回まで",
     "住居確保給付金、家計改善支援、居場所の紹介"),
    ("学校に行けていないが、ゲームの話ならできる。", "母と子の二人。母は夜勤がある。",
     "パソコンに詳しい。弟の面倒をよく見る。",
     [("education", "半年ほど登校していない"), ("child_rearing", "母が夜勤で不在の夜がある")],
     "週一回、居場所に行ってみる", "本人のペースで、無理に登校は勧めない",
     "教育支援センター、子どもの居場所、スクールソーシャルワーカー"),
]
_DEMO_TASKS = ["介護保険サービスの調整", "家計相談の実施", "居場所への同行", "学校との連絡調整", "定期訪問と見守り"]
_DEMO_AGENCIES = ["つなぎ町地域包括支援センター", "つなぎ町社会福祉協議会", "つなぎ町教育委員会"]


def add_demo(store: Store, rng: random.Random, today: date | None = None, count: int = 6) -> None:
    """A few assessments and the plans made from them, with role rows (some past their 期限, so ホーム
    shows them), for demo households that have members and no assessment yet. Safe on any store: it
    adds agencies only when the directory is empty, and does nothing when no household has members."""
    today = today or date.today()
    with store.session() as s:
        taken = set(s.scalars(select(Assessment.household_id)))
        planned = set(s.scalars(select(SupportPlan.household_id)))
        rows = s.execute(
            select(Person.household_id, Person.id).join(Household, Household.id == Person.household_id)
            .where(Household.status != "closed").order_by(Person.household_id, Person.id)
        ).all()  # fmt: skip
        agency_ids = list(s.scalars(select(Agency.id).where(Agency.active.is_(True)).order_by(Agency.id)))
        if not agency_ids and rows:
            made = [Agency(name=name) for name in _DEMO_AGENCIES]
            s.add_all(made)
            s.flush()
            agency_ids = [a.id for a in made]
        first = {}
        for household_id, person_id in rows:
            first.setdefault(household_id, person_id)
        # (households that have a plan already keep theirs untouched: no draft is forced on them)
        candidates = [h for h in first if h not in taken and h not in planned]
        for n, household_id in enumerate(rng.sample(candidates, min(count, len(candidates)))):
            situation, relations, strengths, issues, choice, pace, options = _DEMO[n % len(_DEMO)]
            on = today - timedelta(days=rng.randrange(20, 120))
            a = Assessment(household_id=household_id, person_id=first[household_id], version=1, assessed_on=on,
                           situation=situation, relations=relations, strengths=strengths,
                           issues=[{"field": f, "text": t} for f, t in issues], choice=choice, pace=pace,
                           options=options, assessed_by="デモ", created_by=store.actor)  # fmt: skip
            s.add(a)
            s.flush()
            roles = []
            for k in range(2):
                due = today + timedelta(days=rng.choice((-30, -10, -3, 14, 30)))
                status = rng.choice(("planned", "doing", "doing", "done")) if k else "doing"
                roles.append({"agency_id": agency_ids[(n + k) % len(agency_ids)], "staff": "担当者",
                              "task": _DEMO_TASKS[(n + k) % len(_DEMO_TASKS)], "contact": "",
                              "status": status, "due_on": due.isoformat(), "status_on": on.isoformat()})  # fmt: skip
            if n == 0:  # at least one overdue role in every demo, whatever the dice said
                roles[0].update(status="doing", due_on=(today - timedelta(days=7)).isoformat())
            s.add(SupportPlan(household_id=household_id, person_id=a.person_id, version=1, state="draft",
                              assessment_id=a.id, issues=issues_text(a.issues), wishes=wishes_text(a),
                              roles=roles, lead_agency_id=agency_ids[n % len(agency_ids)],
                              review_on=today + timedelta(days=60), created_by=store.actor))  # fmt: skip
        s.commit()
