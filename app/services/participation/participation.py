"""参加支援: a person joins a 受入先・協力事業者 (an agency of the directory) for what it offers, the
coordinator records the activities with their attendance, and what changed for the person in their own
words.

A participation belongs to the person, not to an open case: it goes on after the household's 終結
(ties to society outlast the casework), so nothing here looks at the household's status.

State: 調整中 (matching, from つないだ日) → 参加中 (active, from 参加の開始日) → 終了 (ended, 終了日 and
理由). The dates, not the state word, are what the statistics count, so a late entry still lands in the
right 年度.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.models import Agency, Household, Person, vocab
from app.models.participation import Participation, ParticipationActivity
from app.services.common import bounded
from app.services.common.changes import Changes
from app.services.common.errors import InvalidInput
from app.services.households.households import FieldErrors
from app.services.store import audit
from app.services.store.store import Store

# Characters per text field, like bounded's tables: what a person would write, generous for casework.
LIMITS = {"purpose": 10_000, "changes": 10_000, "note": 10_000, "end_reason": 2000}
ACTIVITY_LIMITS = {"what": 2000, "note": 10_000}
TEXT_FIELDS = ("purpose", "changes", "note", "end_reason")
DATE_FIELDS = ("matched_on", "started_on", "ended_on")


# --- checking ----------------------------------------------------------------------------------------


def check(values: dict, today: date | None = None) -> dict:
    """The participation's fields, cleaned; FieldErrors (field → Japanese message) if any is wrong."""
    today = today or date.today()
    errors: dict[str, str] = {}
    clean = {k: (values.get(k) or "").strip() for k in TEXT_FIELDS if k in values}
    if values.get("agency_id") is None:
        errors["agency_id"] = "受入先を関係機関から選んでください"
    if values.get("offer") not in vocab.PARTICIPATION_OFFER:
        errors["offer"] = "参加する内容を選んでください"
    state = values.get("state", "matching")
    if state not in vocab.PARTICIPATION_STATE:
        errors["state"] = "状態を選んでください"
    matched, started, ended = (values.get(k) for k in DATE_FIELDS)
    for key, day, word in (("matched_on", matched, "つないだ日"), ("started_on", started, "参加の開始日"),
                           ("ended_on", ended, "終了日")):  # fmt: skip
        if day is not None and not isinstance(day, date):
            errors[key] = f"{word}を日付で入力してください"
        elif day is not None and day > today:
            errors[key] = f"{word}が未来です"
    if matched is None:
        errors.setdefault("matched_on", "つないだ日（調整を始めた日）を入力してください")
    if "started_on" not in errors and started and matched and started < matched:
        errors["started_on"] = "参加の開始日がつないだ日より前です"
    if "ended_on" not in errors and ended and (started or matched) and ended < (started or matched):
        errors["ended_on"] = "終了日が参加の開始日より前です" if started else "終了日がつないだ日より前です"
    if state == "active" and started is None:
        errors.setdefault("started_on", "参加中にするには参加の開始日を入力してください")
    if state == "ended" and ended is None:
        errors.setdefault("ended_on", "終了にするには終了日を入力してください")
    if state != "ended" and ended is not None:
        errors.setdefault("ended_on", "終了日は、状態を「終了」にするときに入力してください")
    if state == "ended" and not clean.get("end_reason"):
        errors["end_reason"] = "終了の理由を入力してください"
    errors |= bounded.field_errors(clean, LIMITS)
    if errors:
        raise FieldErrors(errors)
    clean |= {k: values.get(k) for k in (*DATE_FIELDS, "agency_id", "offer")}
    clean["state"] = state
    if state != "ended":
        clean["end_reason"] = ""  # a reopened participation keeps the old reason in its history only
    return clean


def check_activity(values: dict, ended_on: date | None = None, today: date | None = None) -> dict:
    today = today or date.today()
    errors = {}
    held = values.get("held_on")
    if not isinstance(held, date):
        errors["held_on"] = "参加日（活動の日）を入力してください"
    elif held > today:
        errors["held_on"] = "参加日が未来です（予定は記録できません）"
    elif ended_on is not None and held > ended_on:
        errors["held_on"] = "参加日が終了日より後です（続けているなら状態を「参加中」に戻してください）"
    clean = {k: (values.get(k) or "").strip() for k in ("what", "note")}
    errors |= bounded.field_errors(clean, ACTIVITY_LIMITS)
    if errors:
        raise FieldErrors(errors)
    return clean | {"held_on": held, "attended": bool(values.get("attended", True))}


def _agency(s: Session, agency_id: int) -> Agency:
    agency = s.get(Agency, agency_id)
    if agency is None:
        raise FieldErrors({"agency_id": "その受入先は関係機関に見つかりません"})
    return agency


def _get(s: Session, participation_id: int) -> Participation:
    found = s.get(Participation, participation_id)
    if found is None:
        raise InvalidInput("その参加支援の記録は見つかりません（削除された可能性があります）")
    return found


# --- acts (one call, one transaction; the store announces what changed) ------------------------------


def create(store: Store, household_id: int, person_id: int, values: dict) -> int:
    """Enter a person of a household into 参加支援 at a 受入先. The household may be closed (終結)."""
    clean = check(values)
    with store.session() as s:
        person = s.get(Person, person_id)
        if s.get(Household, household_id) is None:
            raise InvalidInput("その世帯は見つかりません")
        if person is None or person.household_id != household_id:
            raise FieldErrors({"person_id": "本人はこの世帯の世帯員から選んでください"})
        _agency(s, clean["agency_id"])
        row = Participation(
            household_id=household_id, person_id=person_id, created_by=store.actor or "", **clean
        )
        s.add(row)
        s.commit()
        return row.id


def update(store: Store, participation_id: int, values: dict) -> None:
    """Change any field (受入先, 内容, dates, state, the person's words); what is not given stays."""
    with store.session() as s:
        row = _get(s, participation_id)
        current = {k: getattr(row, k) for k in (*TEXT_FIELDS, *DATE_FIELDS, "agency_id", "offer", "state")}
        clean = check(current | values)
        if clean["agency_id"] != row.agency_id:
            _agency(s, clean["agency_id"])
        for key, value in clean.items():
            setattr(row, key, value)
        s.commit()


def change_state(
    store: Store, participation_id: int, state: str, on: date | None = None, reason: str = ""
) -> None:
    """調整中 → 参加中 (from ``on``) → 終了 (on ``on``, with a reason). Back to 参加中 clears the end; the
    row history keeps it."""
    on = on or date.today()
    with store.session() as s:
        row = _get(s, participation_id)
        values = {k: getattr(row, k) for k in (*TEXT_FIELDS, *DATE_FIELDS, "agency_id", "offer")}
        values |= {"state": state, "end_reason": reason}
        if state == "active":
            values["started_on"] = row.started_on or on
            values["ended_on"] = None
        elif state == "ended":
            values["ended_on"] = on
        elif state == "matching":
            values["started_on"] = values["ended_on"] = None
        clean = check(values)
        for key, value in clean.items():
            setattr(row, key, value)
        s.commit()


def add_activity(store: Store, participation_id: int, values: dict) -> int:
    """One day at the 受入先: 参加日, 参加した／休み, 内容, 様子（本人の言葉）."""
    with store.session() as s:
        row = _get(s, participation_id)
        clean = check_activity(values, row.ended_on)
        activity = ParticipationActivity(participation_id=row.id, created_by=store.actor or "", **clean)
        s.add(activity)
        s.commit()
        return activity.id


def update_activity(store: Store, activity_id: int, values: dict) -> None:
    with store.session() as s:
        activity = s.get(ParticipationActivity, activity_id)
        if activity is None:
            raise InvalidInput("その参加の記録は見つかりません")
        current = {"held_on": activity.held_on, "attended": activity.attended, "what": activity.what,
                   "note": activity.note}  # fmt: skip
        for key, value in check_activity(current | values, activity.participation.ended_on).items():
            setattr(activity, key, value)
        s.commit()


def delete_activity(store: Store, activity_id: int) -> Changes:
    """Delete a 参加の記録 entered by mistake; the row history keeps what it held, the audit log who."""
    with store.session() as s:
        activity = s.get(ParticipationActivity, activity_id)
        if activity is None:
            raise InvalidInput("その参加の記録は見つかりません（削除された可能性があります）")
        household = s.get(Household, activity.participation.household_id)
        audit.record(s, "delete", target=household.code,
                     detail={"record": "参加支援の参加記録", "id": activity.id, "date": activity.held_on.isoformat()})  # fmt: skip
        s.delete(activity)
        s.commit()
        return Changes.of("participation", households=[household.id])


# --- reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    id: int
    household_id: int
    household_code: str
    person_id: int
    person_name: str
    agency_id: int | None
    agency_name: str
    offer: str  # words
    state: str  # key of vocab.PARTICIPATION_STATE
    matched_on: date | None
    started_on: date | None
    ended_on: date | None
    last_attended: date | None  # 最近の参加

    @property
    def state_word(self) -> str:
        return vocab.PARTICIPATION_STATE.get(self.state, self.state)


def agency_label(agency: Agency | None) -> str:
    if agency is None:
        return "（受入先なし）"
    return f"{agency.name}　{agency.department}".strip()


def rows(store: Store, *, state: str | None = None, household_id: int | None = None,
         person_id: int | None = None) -> list[Row]:  # fmt: skip
    """The participations, newest start first; filtered by state, household or person."""
    last = (
        select(
            ParticipationActivity.participation_id.label("pid"),
            func.max(ParticipationActivity.held_on).label("on"),
        )
        .where(ParticipationActivity.attended)
        .group_by(ParticipationActivity.participation_id)
        .subquery()
    )
    stmt = (
        select(Participation, Household.code, Person.name, Agency, last.c.on)
        .join(Household, Household.id == Participation.household_id)
        .join(Person, Person.id == Participation.person_id)
        .outerjoin(Agency, Agency.id == Participation.agency_id)
        .outerjoin(last, last.c.pid == Participation.id)
        .order_by(
            Participation.state == "ended",
            func.coalesce(Participation.started_on, Participation.matched_on).desc(),
            Participation.id.desc(),
        )  # fmt: skip
    )
    if state is not None:
        stmt = stmt.where(Participation.state == state)
    if household_id is not None:
        stmt = stmt.where(Participation.household_id == household_id)
    if person_id is not None:
        stmt = stmt.where(Participation.person_id == person_id)
    out = []
    with store.session() as s:
        for p, code, name, agency, last_on in s.execute(stmt):
            last_on = date.fromisoformat(last_on) if isinstance(last_on, str) else last_on
            out.append(Row(p.id, p.household_id, code, p.person_id, name, p.agency_id, agency_label(agency) if agency else "",
                           vocab.PARTICIPATION_OFFER.get(p.offer, p.offer), p.state, p.matched_on, p.started_on,
                           p.ended_on, last_on))  # fmt: skip
    return out


def get(store: Store, participation_id: int) -> Participation:
    """One participation with its person, household, 受入先 and activities loaded (oldest first)."""
    with store.session() as s:
        found = s.scalar(
            select(Participation)
            .where(Participation.id == participation_id)
            .options(
                selectinload(Participation.activities),
                selectinload(Participation.person),
                selectinload(Participation.household),
                selectinload(Participation.agency),
            )  # fmt: skip
        )
        if found is None:
            raise InvalidInput("その参加支援の記録は見つかりません（削除された可能性があります）")
        return found


@dataclass(frozen=True)
class Host:
    id: int
    name: str  # 名称　部署
    offers: tuple[str, ...]  # keys of vocab.PARTICIPATION_OFFER

    @property
    def offer_words(self) -> str:
        return "、".join(vocab.PARTICIPATION_OFFER.get(o, o) for o in self.offers)


def hosts(store: Store, *, offering_only: bool = True) -> list[Host]:
    """The 受入先・協力事業者: agencies in use that offer something (or, asked, every agency in use)."""
    with store.session() as s:
        agencies = s.scalars(
            select(Agency).where(Agency.active).order_by(Agency.in_town.desc(), Agency.name)
        ).all()
    return [
        Host(a.id, agency_label(a), tuple(a.offers or ())) for a in agencies if a.offers or not offering_only
    ]


def household_people(store: Store, household_id: int) -> list[tuple[int, str]]:
    """(person id, name) of a household's members, in their order, for choosing 本人."""
    with store.session() as s:
        return [tuple(r) for r in s.execute(
            select(Person.id, Person.name).where(Person.household_id == household_id, Person.deceased.is_not(True))
            .order_by(Person.sort_order))]  # fmt: skip


# --- counts for 統計 and the 実施計画's indicators --------------------------------------------------


def counts(session: Session, start: date, end: date) -> dict:
    """参加支援 in [start, end] (both included): 支援対象者数 (persons 参加中 on any day), of them newly started,
    協力事業者数 (agencies with such a participation), activities held and attended, and matchings begun."""
    active = and_(
        Participation.started_on.is_not(None),
        Participation.started_on <= end,
        or_(Participation.ended_on.is_(None), Participation.ended_on >= start),
    )
    held = and_(ParticipationActivity.held_on >= start, ParticipationActivity.held_on <= end)
    return {
        "participants": session.scalar(select(func.count(func.distinct(Participation.person_id))).where(active)) or 0,
        "new_participants": session.scalar(
            select(func.count(func.distinct(Participation.person_id))).where(
                Participation.started_on >= start, Participation.started_on <= end
            )
        ) or 0,
        "hosts": session.scalar(
            select(func.count(func.distinct(Participation.agency_id))).where(active, Participation.agency_id.is_not(None))
        ) or 0,
        "activities": session.scalar(select(func.count()).select_from(ParticipationActivity).where(held)) or 0,
        "attendances": session.scalar(
            select(func.count()).select_from(ParticipationActivity).where(held, ParticipationActivity.attended)
        ) or 0,
        "matching": session.scalar(
            select(func.count()).select_from(Participation).where(
                Participation.matched_on >= start, Participation.matched_on <= end
            )
        ) or 0,
    }  # fmt: skip


# --- demo --------------------------------------------------------------------------------------------

DEMO_HOSTS = (
    ("社会福祉法人 つなぎ福祉会", ("work_experience", "volunteer")),
    ("つなぎ町社会福祉協議会", ("place", "volunteer")),
    ("NPO法人 ひだまり", ("place", "learning")),
)
DEMO_WORDS = (
    "久しぶりに人と話せて楽しかった",
    "少し疲れたけど、また来たい",
    "作業を任されてうれしかった",
    "朝起きるのがつらかった",
    "顔見知りができた",
)
DEMO_CHANGES = (
    "「週に一度、出かける先ができた」",
    "「ありがとうと言われるのがうれしい」",
    "「昼夜逆転が少し直ってきた」",
)


def add_demo(store: Store, rng: random.Random, today: date | None = None) -> None:
    """Fictional 参加支援 for a demo store: three fictional 受入先 with offers (added, or found by name) and a
    few people of demo households join them, with activities over recent months. Safe on any store made by
    households.demo.populate (it needs only households with members); one transaction."""
    today = today or date.today()
    with store.session() as s:
        # The demo's own fictional hosts (found by name when called again): a typical agency of the
        # directory (警察署, 保健所) given offers would read as nonsense in the demo.
        by_name = {a.name: a for a in s.scalars(select(Agency).where(Agency.name.in_([n for n, _o in DEMO_HOSTS])))}
        hosts_: list[Agency] = []
        for name, offers in DEMO_HOSTS:
            agency = by_name.get(name)
            if agency is None:
                agency = Agency(name=name, in_town=True)
                s.add(agency)
            if not agency.offers:
                agency.offers = list(offers)
            hosts_.append(agency)
        s.flush()
        people = s.execute(
            select(Person.id, Person.household_id)
            .where(Person.deceased.is_not(True), Person.birth_date.is_not(None),
                   Person.birth_date <= today - timedelta(days=365 * 16))
            .order_by(Person.id).limit(400)
        ).all()  # fmt: skip
        if not people:
            s.commit()
            return
        for pid, hid in rng.sample(people, min(len(people), rng.randint(5, 8))):
            host = rng.choice(hosts_)
            offer = rng.choice(host.offers)
            matched = today - timedelta(days=rng.randint(60, 600))
            started = matched + timedelta(days=rng.randint(7, 45))
            roll = rng.random()
            state = "matching" if roll < 0.15 else "ended" if roll < 0.35 else "active"
            row = Participation(household_id=hid, person_id=pid, agency_id=host.id, offer=offer, state=state,
                                matched_on=matched, purpose="人と関わる場がほしい", created_by="demo")  # fmt: skip
            if state != "matching":
                row.started_on = min(started, today)
                if state == "ended":
                    row.ended_on = min(row.started_on + timedelta(days=rng.randint(30, 200)), today)
                    row.end_reason = rng.choice(("就労につながった", "本人の希望で終了", "転居"))
                row.changes = rng.choice(DEMO_CHANGES)
                day, last = row.started_on, row.ended_on or today
                while day <= last:
                    attended = rng.random() < 0.8  # (words are heard on the days the person came)
                    row.activities.append(ParticipationActivity(
                        held_on=day, attended=attended, what=vocab.PARTICIPATION_OFFER[offer],
                        note=rng.choice(DEMO_WORDS) if attended and rng.random() < 0.4 else "", created_by="demo"))  # fmt: skip
                    day += timedelta(days=rng.choice((7, 7, 14)))
            s.add(row)
        s.commit()
