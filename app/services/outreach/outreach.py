"""アウトリーチ: visit records, notes, follow-ups, the 世帯訪問調査 by 自治会, and the 支援経過 timeline.

A visit counts as an attempt whatever its result; it is a contact only when someone was met (会えた,
家族のみ). Intakes and 面談・電話 notes are contacts too. A household under 継続支援 or 見守り that has had
no contact for N days (setting, default 30), or whose 次回予定日 has passed, is a to-do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from app.models import Household, HouseholdContact, Intake, Note, Person, Referral, Visit, vocab
from app.services.common.changes import Changes
from app.services.common.errors import InvalidInput
from app.services.common.japanese import format_wareki
from app.services.households.households import FieldErrors
from app.services.referrals.referrals import agency_names
from app.services.store import audit, settings
from app.services.store.store import Store

FOLLOWED = ("ongoing", "watching")  # 継続支援, 見守り

TEXT_FIELDS = (
    "visitor",
    "living",
    "own_words",
    "info_given",
    "reaction",
    "connection",
    "risk",
    "survey_round",
)

# 定型文: phrases a coordinator types again and again, offered in the visit form.
PHRASES = {
    "living": [
        "室内は片付いている",
        "ごみが溜まっている",
        "冷蔵庫に食べ物が少ない",
        "暖房がない",
        "郵便物が溜まっている",
    ],
    "info_given": [
        "地域包括支援センターの案内",
        "社協の居場所（サロン）の案内",
        "相談窓口のチラシを渡した",
        "介護保険の申請方法",
    ],
    "reaction": ["話を聞いてくれた", "関心を示した", "今は必要ないとのこと", "検討するとのこと"],
    "risk": ["特になし", "体調不良の様子", "経済的に困っている様子", "孤立が心配"],
}


def no_contact_days(session: Session) -> int:
    return int(settings.value_in(session, "outreach.no_contact_days"))


def check_visit(values: dict, now: datetime | None = None) -> dict:
    now = now or datetime.now()
    errors = {}
    at = values.get("visited_at")
    if not isinstance(at, datetime):
        errors["visited_at"] = "訪問した日時を入力してください"
    elif at > now + timedelta(minutes=5):
        errors["visited_at"] = "訪問した日時が未来です（予定は「次回予定日」に入れてください）"
    if values.get("kind", "continuing") not in vocab.VISIT_KIND:
        errors["kind"] = "種別を選んでください"
    if values.get("result", "met") not in vocab.VISIT_RESULT:
        errors["result"] = "結果を選んでください"
    nxt = values.get("next_on")
    if nxt is not None and isinstance(at, datetime) and nxt < at.date():
        errors["next_on"] = "次回予定日が訪問日より前です"
    if errors:
        raise FieldErrors(errors)
    clean = {k: (values.get(k) or "").strip() for k in TEXT_FIELDS if k in values}
    for k in ("visited_at", "kind", "result", "planned", "next_on", "visitor_agency_id", "met_person_ids"):
        if k in values:
            clean[k] = values[k]
    return clean


def add_visit(store: Store, household_id: int, values: dict) -> int:
    clean = check_visit(values)
    with store.session() as s:
        if s.get(Household, household_id) is None:
            raise InvalidInput("その世帯は見つかりません")
        visit = Visit(household_id=household_id, **clean)
        s.add(visit)
        s.commit()
        return visit.id


def update_visit(store: Store, visit_id: int, values: dict) -> None:
    with store.session() as s:
        visit = s.get(Visit, visit_id)
        if visit is None:
            raise InvalidInput("その訪問記録は見つかりません")
        current = {k: getattr(visit, k) for k in (*TEXT_FIELDS, "visited_at", "kind", "result", "planned", "next_on",
                                                  "visitor_agency_id", "met_person_ids")}  # fmt: skip
        for k, v in check_visit(current | values).items():
            setattr(visit, k, v)
        s.commit()


def delete_visit(store: Store, visit_id: int) -> Changes:
    """Delete a 訪問記録 entered by mistake (twice, in the wrong household), so that it leaves the 支援経過
    and 統計; the row history keeps what it held (the household's 変更履歴 shows it as 「削除」) and the
    audit log records who deleted which one."""
    with store.session() as s:
        visit = s.get(Visit, visit_id)
        if visit is None:
            raise InvalidInput("その訪問記録は見つかりません（削除された可能性があります）")
        return _delete(s, visit, "訪問記録", visit.visited_at, "visits")


def delete_note(store: Store, note_id: int) -> Changes:
    """Delete a 支援経過のメモ entered by mistake, kept in the history and audited like a visit."""
    with store.session() as s:
        note = s.get(Note, note_id)
        if note is None:
            raise InvalidInput("その支援経過のメモは見つかりません（削除された可能性があります）")
        return _delete(s, note, "支援経過のメモ", note.at, "notes")


def _delete(s: Session, row, word: str, at: datetime, kind: str) -> Changes:
    household = s.get(Household, row.household_id)
    # The audit entry names the record, not its content: that stays in the row history.
    audit.record(s, "delete", target=household.code, detail={"record": word, "id": row.id, "date": at.date().isoformat()})
    s.delete(row)
    s.commit()
    return Changes.of(kind, households=[household.id])


def get_visit(store: Store, visit_id: int) -> Visit:
    with store.session() as s:
        visit = s.get(Visit, visit_id)
        if visit is None:
            raise InvalidInput("その訪問記録は見つかりません")
        return visit


def add_note(store: Store, household_id: int, kind: str, text: str, at: datetime | None = None) -> int:
    if kind not in vocab.NOTE_KIND:
        raise FieldErrors({"kind": "種類を選んでください"})
    if not text.strip():
        raise FieldErrors({"text": "内容を入力してください"})
    with store.session() as s:
        from app.models import User

        author = s.scalar(select(User.display_name).where(User.name == store.actor)) or store.actor
        note = Note(
            household_id=household_id,
            kind=kind,
            text=text.strip(),
            at=at or datetime.now().replace(microsecond=0),
            author=author,
        )
        s.add(note)
        s.commit()
        return note.id


def survey_round_name(on: date) -> str:
    from app.services.common.japanese import fiscal_year, format_fiscal_year

    return format_fiscal_year(fiscal_year(on))


def record_survey(
    store: Store, results: dict[int, str], visited_at: datetime, visitor: str, round_name: str
) -> int:
    """A survey round's visits in one go: household id → result. One transaction; returns how many."""
    for result in results.values():
        if result not in vocab.VISIT_RESULT:
            raise FieldErrors({"result": "結果を選んでください"})
    with store.session() as s:
        for hid, result in results.items():
            s.add(Visit(household_id=hid, visited_at=visited_at, visitor=visitor.strip(), kind="survey", planned=True,
                        result=result, survey_round=round_name))  # fmt: skip
        s.commit()
    return len(results)


# --- follow-up -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    household_id: int
    code: str
    name: str
    status: str
    last_contact: date | None
    next_on: date | None
    reason: str  # 連絡なし N日 / 次回予定 超過


def followups(store: Store, today: date | None = None) -> list[FollowUp]:
    """Households under 継続支援・見守り not contacted for N days, and any household whose 次回予定日 passed,
    the most overdue 次回予定日 first, then the longest without contact."""
    with store.session() as s:
        return _followups(s, today or date.today())[1]


def followups_first(store: Store, today: date | None = None, limit: int = 50) -> tuple[int, list[FollowUp]]:
    """How many follow-ups there are and the first ``limit`` of followups(): ホーム shows the most urgent and
    the count (thousands of rows at 10,000 households; reading them all took most of its refresh)."""
    with store.session() as s:
        return _followups(s, today or date.today(), limit)


@cache
def _followup_queries(limited: bool):
    """The follow-ups' rows (the first ``n`` when ``limited``) and their count, built once: the parameters
    carry the day (``today``) and the day before which no contact counts as recent (``since``); building
    the statements anew took longer than running them.

    They read household_contacts (each household's latest contact and the 次回予定日 of its latest visit,
    kept by SQL triggers, migration 0020): under 継続支援・見守り with no contact since ``since``, or a
    次回予定日 passed and not 終結."""
    c = HouseholdContact
    followed = c.status.in_(FOLLOWED)
    no_contact = followed & (c.last_contact.is_(None) | (c.last_contact < bindparam("since")))
    visit_due = (c.next_on < bindparam("today")) & (c.status != "closed")
    due = no_contact | visit_due
    # In index order (ix_household_contacts_next_on): the first ``n`` are read without sorting the rest;
    # the household's code and head only for the rows kept.
    found = select(c.household_id.label("hid"), c.last_contact, c.next_on).where(due)
    found = found.order_by(c.next_on, c.last_contact, c.household_id)
    found = (found.limit(bindparam("n")) if limited else found).subquery()
    head = (
        select(Person.name)
        .where(Person.household_id == found.c.hid)
        .order_by(Person.relation != "head", Person.sort_order)
        .limit(1)
        .scalar_subquery()
    )
    rows = (
        select(found.c.hid, Household.code, func.coalesce(head, Household.label), Household.status,
               found.c.last_contact, found.c.next_on)
        .join(Household, Household.id == found.c.hid)
        .order_by(found.c.next_on, found.c.last_contact, found.c.hid)
    )  # fmt: skip
    # Counted in three disjoint index ranges: counting the OR kept a set of the rows seen, to count each
    # once, and took twice as long (7 against 3 ms at 50,000 households).
    parts = (followed & c.last_contact.is_(None), followed & (c.last_contact < bindparam("since")),
             visit_due & ~no_contact)  # fmt: skip
    never, long_ago, visit = (select(func.count()).where(part).scalar_subquery() for part in parts)
    return rows, select(never + long_ago + visit)


def _followups(s: Session, today: date, limit: int | None = None) -> tuple[int, list[FollowUp]]:
    days = no_contact_days(s)
    rows_query, count_query = _followup_queries(limit is not None)
    params = {"today": today, "since": today - timedelta(days=days), "n": limit}
    rows = s.execute(rows_query, params).all()
    total = len(rows)
    if limit is not None and total == limit:  # counted apart: the ordered read above stops at the limit
        total = s.scalar(count_query, params) or 0
    out = []
    for hid, code, name, status, last_on, next_on in rows:
        reasons = []
        if next_on is not None and next_on < today:
            reasons.append(f"次回予定（{(today - next_on).days}日超過）")
        if status in FOLLOWED and (last_on is None or (today - last_on).days > days):
            reasons.append("連絡なし" + (f"（{(today - last_on).days}日）" if last_on else "（記録なし）"))
        out.append(FollowUp(hid, code, name or "", status, last_on, next_on, "・".join(reasons)))
    return total, out


def planned_between(store: Store, start: date, end: date) -> list[tuple[date, int, str, str, str]]:
    """(次回予定日, household id, code, name, address) for next visits planned in [start, end]."""
    with store.session() as s:
        head = (
            select(Person.name).where(Person.household_id == Household.id)
            .order_by(Person.relation != "head", Person.sort_order).limit(1).scalar_subquery()
        )  # fmt: skip
        rows = s.execute(
            select(
                HouseholdContact.next_on,
                Household.id,
                Household.code,
                func.coalesce(head, Household.label),
                Household.address,
            )
            .join(Household, Household.id == HouseholdContact.household_id)
            .where(HouseholdContact.next_on >= start, HouseholdContact.next_on <= end)
            .order_by(HouseholdContact.next_on, Household.district, Household.address)
        ).all()
    return [tuple(r) for r in rows]


def this_week(store: Store, today: date | None = None) -> list[tuple[date, int, str, str, str]]:
    today = today or date.today()
    monday = today - timedelta(days=today.weekday())
    return planned_between(store, monday, monday + timedelta(days=6))


def survey_households(store: Store, district: str) -> list[tuple[int, str, str, str, str]]:
    """The households of one 地区 for a 実態調査 round, in address order: (id, code, head's name, 呼び名, address)."""
    head = (
        select(Person.name).where(Person.household_id == Household.id)
        .order_by(Person.relation != "head", Person.sort_order).limit(1).scalar_subquery()
    )  # fmt: skip
    with store.session() as s:
        return [
            tuple(row)
            for row in s.execute(
                select(Household.id, Household.code, head, Household.label, Household.address)
                .where(Household.district == district)
                .order_by(Household.address)
            )
        ]


def survey_progress(store: Store, round_name: str) -> list[tuple[str, int, int]]:
    """(自治会, households visited in this round, households) per 自治会."""
    with store.session() as s:
        totals = dict(s.execute(select(Household.district, func.count()).group_by(Household.district)).all())
        visited = dict(
            s.execute(
                select(Household.district, func.count(func.distinct(Visit.household_id)))
                .join(Visit, Visit.household_id == Household.id)
                .where(Visit.kind == "survey", Visit.survey_round == round_name)
                .group_by(Household.district)
            ).all()
        )
    return [
        (d or "（地区未設定）", visited.get(d, 0), n)
        for d, n in sorted(totals.items(), key=lambda x: x[0] or "")
    ]


# --- the timeline (支援経過) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # intake / visit / referral / reply / note
    kind_word: str
    title: str
    detail: str
    record_id: int


KIND_WORDS = {
    "intake": "相談受付",
    "visit": "訪問",
    "referral": "つなぐシート",
    "reply": "返信",
    "note": "メモ",
    "meeting": "会議",
    "plan": "支援プラン",
}


def timeline(store: Store, household_id: int, kinds: set[str] | None = None) -> list[Entry]:
    """Every event of one household in time order: the 支援経過記録."""
    entries: list[Entry] = []
    with store.session() as s:
        people = dict(
            s.execute(select(Person.id, Person.name).where(Person.household_id == household_id)).all()
        )
        for i in s.scalars(select(Intake).where(Intake.household_id == household_id)):
            main = vocab.CONSULT_CATEGORY.get(i.main_category, "") if i.main_category else ""
            entries.append(Entry(datetime.combine(i.received_on, datetime.min.time()), "intake", KIND_WORDS["intake"],
                                 f"{vocab.ROUTE.get(i.route, '')}から" + (f"　◎{main}" if main else ""),
                                 i.main_complaint, i.id))  # fmt: skip
        for v in s.scalars(select(Visit).where(Visit.household_id == household_id)):
            met = "、".join(people.get(p, "") for p in v.met_person_ids or [])
            detail = "　".join(x for x in (f"会えた人: {met}" if met else "", f"本人の言葉:「{v.own_words}」" if v.own_words else "",
                                           v.living, f"次回 {format_wareki(v.next_on)}" if v.next_on else "") if x)  # fmt: skip
            entries.append(Entry(v.visited_at, "visit", KIND_WORDS["visit"],
                                 f"{vocab.VISIT_KIND.get(v.kind, '')}・{vocab.VISIT_RESULT.get(v.result, '')}", detail, v.id))  # fmt: skip
        for n in s.scalars(select(Note).where(Note.household_id == household_id)):
            entries.append(
                Entry(n.at, "note", KIND_WORDS["note"], vocab.NOTE_KIND.get(n.kind, ""), n.text, n.id)
            )
        refs = list(s.scalars(select(Referral).where(Referral.household_id == household_id)))
    names = agency_names(store) if refs else {}
    for r in refs:
        on = r.sent_on or r.created_on
        way = "へ送付" if r.direction == "out" else "から受付"
        entries.append(Entry(datetime.combine(on, datetime.min.time()), "referral", KIND_WORDS["referral"],
                             f"{r.number} {names.get(r.agency_id, '')}{way}", r.request or r.summary, r.id))  # fmt: skip
        if r.reply_received_on:
            entries.append(Entry(datetime.combine(r.reply_received_on, datetime.min.time()), "reply", KIND_WORDS["reply"],
                                 f"{r.number} {vocab.REPLY_STATUS.get(r.reply_status or '', '')}",
                                 "　".join(x for x in (r.reply_plan, r.reply_message) if x), r.id))  # fmt: skip
    entries += _meeting_entries(store, household_id)
    if kinds:
        entries = [e for e in entries if e.kind in kinds]
    return sorted(entries, key=lambda e: (e.at, e.kind))


def _meeting_entries(store: Store, household_id: int) -> list[Entry]:
    from app.services.meetings import meetings, plans

    def day(d: date) -> datetime:
        return datetime.combine(d, datetime.min.time())

    entries = []
    for m in meetings.for_household(store, household_id):
        decided = "・".join(vocab.MEETING_DECISION.get(d, "") for d in m.decisions)
        entries.append(Entry(day(m.held_on), "meeting", KIND_WORDS["meeting"],
                             m.type_name + (f"　{decided}" if decided else ""), m.policy, m.case_id))  # fmt: skip
    for p in plans.versions(store, household_id):
        steps = [
            (p.approved_on, "承認"),
            (p.evaluated_on, "評価"),
            (p.collaboration_ended_on, "多機関協働の関与終了"),
        ]
        for on, word in steps:
            if on:
                detail = p.evaluation if word == "評価" else "、".join(g["text"] for g in p.goals or [])
                entries.append(
                    Entry(day(on), "plan", KIND_WORDS["plan"], f"第{p.version}版 {word}", detail, p.id)
                )
    return entries
