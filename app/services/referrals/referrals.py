"""つなぐシート: outgoing and incoming referrals, the consent gate, the life of a sheet and its reply.

Life of an outgoing sheet: 作成 → 送付済 → 受理 / 辞退（理由） → 返信受領 → 完了, or 取消（理由）.
An incoming sheet: 受付 → 対応中 → 返信済 → 完了 (or 取消). Every step is a change of the row, so the
row history keeps who did what and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import Date, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.models import Agency, ChangeRecord, Household, Intake, Person, Referral, vocab
from app.services.common.errors import InvalidInput
from app.services.common.japanese import fiscal_year, format_wareki
from app.services.households import consents
from app.services.households.households import FieldErrors
from app.services.printing import sharing
from app.services.store import settings
from app.services.store.store import Store

OPEN_OUT = ("sent", "accepted")  # waiting for the reply


def reply_days(session: Session) -> int:
    return int(settings.value_in(session, "referral.reply_days"))


def era_letter_year(fy: int) -> str:
    """R8 for 年度 2026: the prefix of sheet numbers."""
    from app.services.common.japanese import ERAS

    start = date(fy, 5, 1)  # same convention as format_fiscal_year (2019 is 令和元年度)
    era = next(e for e in ERAS if start >= e.start)
    return f"{era.letter}{fy - era.start.year + 1}"


def _number(session: Session, on: date) -> tuple[int, int, str]:
    fy = fiscal_year(on)
    serial = (session.scalar(select(func.max(Referral.serial)).where(Referral.fiscal_year == fy)) or 0) + 1
    return fy, serial, f"{era_letter_year(fy)}-{serial:04d}"


def _get(session: Session, referral_id: int) -> Referral:
    ref = session.get(Referral, referral_id)
    if ref is None:
        raise InvalidInput("そのつなぐシートは見つかりません")
    return ref


TEXT_FIELDS = ("agency_department", "agency_contact", "our_staff", "summary", "background", "actions_so_far",
               "request", "note")  # fmt: skip


def _check(values: dict) -> dict:
    clean = {k: (values[k] or "").strip() for k in TEXT_FIELDS if k in values}
    errors = {}
    for key, options in (("method", vocab.REFERRAL_METHOD), ("urgency", vocab.URGENCY)):
        if key in values:
            if values[key] not in options:
                errors[key] = "一覧から選んでください"
            clean[key] = values[key]
    for key in ("agency_id", "person_id"):
        if key in values:
            clean[key] = values[key]
    if errors:
        raise FieldErrors(errors)
    return clean


def draft_outgoing(store: Store, household_id: int) -> dict:
    """Values for a new sheet, pre-filled from the household and its latest intake (nothing re-typed)."""
    with store.session() as s:
        h = s.get(Household, household_id)
        if h is None:
            raise InvalidInput("その世帯は見つかりません")
        intake = s.scalar(
            select(Intake)
            .where(Intake.household_id == household_id)
            .order_by(Intake.received_on.desc(), Intake.id.desc())
        )
        head = s.scalar(
            select(Person.id)
            .where(Person.household_id == household_id)
            .order_by(Person.relation != "head", Person.sort_order)
        )
        from app.models import User

        staff = s.scalar(select(User.display_name).where(User.name == store.actor)) or store.actor
    values = {"person_id": intake.person_id if intake and intake.person_id else head, "our_staff": staff,
              "method": "sheet", "urgency": "normal", "summary": "", "background": "", "actions_so_far": "", "request": ""}  # fmt: skip
    if intake is not None:
        values |= {
            "summary": intake.main_complaint,
            "background": intake.background,
            "urgency": intake.urgency,
            "actions_so_far": f"{format_wareki(intake.received_on)} 相談受付（{vocab.INTAKE_RESPONSE.get(intake.response, '')}）",
        }
    return values


def create(
    store: Store, household_id: int, values: dict, *, direction: str = "out", on: date | None = None
) -> int:
    clean = _check(values)
    if direction == "out" and not clean.get("agency_id"):
        raise FieldErrors({"agency_id": "紹介先の機関を選んでください"})
    if direction == "in" and not clean.get("agency_id"):
        raise FieldErrors({"agency_id": "紹介元の機関を選んでください"})
    on = on or date.today()
    with store.session() as s:
        if s.get(Household, household_id) is None:
            raise InvalidInput("その世帯は見つかりません")
        fy, serial, number = _number(s, on)
        ref = Referral(number=number, fiscal_year=fy, serial=serial, direction=direction, household_id=household_id,
                       created_on=on, state="draft", **clean)  # fmt: skip
        if direction == "in":
            ref.sent_on = on  # the day it was received
        s.add(ref)
        s.commit()
        return ref.id


def update(store: Store, referral_id: int, values: dict) -> None:
    clean = _check(values)
    with store.session() as s:
        ref = _get(s, referral_id)
        if ref.state in ("done", "cancelled"):
            raise InvalidInput("完了・取消したシートは変更できません")
        for k, v in clean.items():
            setattr(ref, k, v)
        s.commit()


# --- the gate: on what basis the sheet may carry personal information -------------------------------

# Bases the coordinator chooses at the gate (本人同意 is found in the consent records, not chosen).
CHOSEN_BASES = ("support_meeting", "other_law", "emergency", "minimal")


@dataclass(frozen=True)
class Gate:
    """What may be printed: ``consent`` when the person's valid consent covers the recipient; otherwise
    the choices the user has (and the sheet's stored basis, if one was already chosen)."""

    consent_id: int | None
    consent_date: date | None
    support_meeting_member: bool
    basis: str | None
    basis_note: str
    restricted: bool  # 虐待・DV: address and phone never print; the UI says so before printing

    @property
    def open(self) -> bool:
        return self.consent_id is not None or self.basis in CHOSEN_BASES


def gate(store: Store, referral_id: int, on: date | None = None) -> Gate:
    with store.session() as s:
        ref = _get(s, referral_id)
        agency = s.get(Agency, ref.agency_id) if ref.agency_id else None
        restricted = bool(sharing.restricted_households(s, [ref.household_id]))
        person_id, agency_id, basis, note = ref.person_id, ref.agency_id, ref.basis, ref.basis_note
    found = consents.covering(store, person_id, agency_id, on)
    return Gate(
        consent_id=found.id if found else None,
        consent_date=found.consented_on if found else None,
        support_meeting_member=bool(agency and agency.support_meeting_member),
        # A basis the user chose stays chosen (e.g. 最小限 although a consent exists); a consent found
        # while none was chosen becomes the basis when the sheet is printed.
        basis=basis if basis and basis != "consent" else ("consent" if found else None),
        basis_note=note if basis and basis != "consent" else "",
        restricted=restricted,
    )


def set_basis(store: Store, referral_id: int, basis: str, note: str = "", *, alias: str = "", text: str = "") -> None:
    """Store the basis chosen at the gate. 本人同意 is found, not chosen: record the person's consent.
    その他の法令 names the law; 生命・身体の保護 gives the reason (and is reported at the next meeting);
    最小限 keeps the 呼び名 on the sheet and the free text as the coordinator reviewed it."""
    if basis not in vocab.SHARING_BASIS:
        raise InvalidInput("根拠を一覧から選んでください")
    note, alias, text = note.strip(), alias.strip(), text.strip()
    if basis == "other_law" and not note:
        raise FieldErrors({"basis_note": "根拠となる法令を条文まで書いてください（例：児童福祉法第25条の3）"})
    if basis == "emergency" and not note:
        raise FieldErrors({"basis_note": "緊急に提供する理由を書いてください（生命・身体の保護のために必要で、本人の同意を得ることが難しい事情）"})
    with store.session() as s:
        ref = _get(s, referral_id)
        if basis == "consent":
            found = consents.covering(store, ref.person_id, ref.agency_id)
            if found is None:
                raise InvalidInput(
                    "本人の、この紹介先を含む有効な同意の記録がありません。本人（または法定代理人）の同意を記録してください"
                )
            ref.consent_id = found.id
        elif basis == "support_meeting":
            agency = s.get(Agency, ref.agency_id) if ref.agency_id else None
            if agency is None or not agency.support_meeting_member:
                raise InvalidInput(
                    "紹介先が支援会議（第106条の6）の構成員として登録されていません。構成員の機関にだけ、この根拠で提供できます"
                )
            ref.consent_id = None
        else:
            ref.consent_id = None
        ref.basis, ref.basis_note = basis, note
        if basis == "minimal":
            ref.shared_alias, ref.shared_text = alias, text
        s.commit()


def minimal_draft(store: Store, referral_id: int) -> tuple[str, str]:
    """(呼び名, text) to start a 最小限 sheet from: what was kept before, else the person's initials and the
    sheet's 主訴 and 依頼 with every name, birth date, address and phone of the household taken out. The
    coordinator reviews the text before it prints."""
    from app.services.households import households

    ref = get(store, referral_id)
    household = households.open_household(store, ref.household_id)
    person = next((m for m in household.members if m.id == ref.person_id), None)
    alias = ref.shared_alias or (sharing.initials(person) + "さん" if person is not None else "")
    if ref.shared_text:
        return alias, ref.shared_text
    aliases = {person.id: alias} if person is not None else None
    d = sharing.for_print([household], (), "minimal", aliases)
    text = "\n\n".join(d.scrub(t) for t in (ref.summary, ref.request) if t.strip())
    return alias, text


def confirm_consent_basis(store: Store, referral_id: int) -> bool:
    """When a consent now covers the sheet, store it as the basis. Returns whether it did."""
    with store.session() as s:
        ref = _get(s, referral_id)
        found = consents.covering(store, ref.person_id, ref.agency_id)
        if found is None:
            return False
        ref.basis, ref.consent_id = "consent", found.id
        s.commit()
        return True


def settled_basis(store: Store, referral_id: int) -> str:
    """The basis the sheet prints on now; refuses while none is settled (the print pipeline asks)."""
    g = gate(store, referral_id)
    if not g.open:
        raise InvalidInput(
            "情報提供の根拠が決まっていません（本人の同意の記録・支援会議・その他の法令・生命身体の保護・最小限のいずれか）"
        )
    if g.basis == "consent":
        confirm_consent_basis(store, referral_id)
    return g.basis


def pending_reviews(store: Store) -> list[Referral]:
    """Sheets given out on 生命・身体の保護 that no meeting has taken up since: each is reported at the
    next meeting the household is on the agenda of (ホーム lists them until then)."""
    from app.models import Meeting, MeetingCase

    later = (
        select(MeetingCase.id).join(Meeting, Meeting.id == MeetingCase.meeting_id)
        .where(MeetingCase.household_id == Referral.household_id, Meeting.held_on >= Referral.created_on)
        .exists()
    )  # fmt: skip
    with store.session() as s:
        return list(s.scalars(
            select(Referral).where(Referral.basis == "emergency", Referral.state != "cancelled", ~later)
            .options(selectinload(Referral.household)).order_by(Referral.created_on)
        ))  # fmt: skip


# --- life of a sheet -------------------------------------------------------------------------------

_ALLOWED = {
    ("out", "sent"): ("draft",),
    ("out", "accepted"): ("sent",),
    ("out", "declined"): ("sent", "accepted"),
    ("out", "replied"): ("sent", "accepted", "declined"),
    ("out", "done"): ("replied", "declined"),
    ("in", "accepted"): ("draft",),
    ("in", "replied"): ("draft", "accepted"),
    ("in", "done"): ("replied",),
}


def _move(store: Store, referral_id: int, state: str, **changes) -> None:
    with store.session() as s:
        ref = _get(s, referral_id)
        if state == "cancelled":
            if ref.state in ("done", "cancelled"):
                raise InvalidInput("このシートはもう終わっています")
        elif ref.state not in _ALLOWED.get((ref.direction, state), ()):
            words = vocab.REFERRAL_STATE if ref.direction == "out" else vocab.INCOMING_STATE
            raise InvalidInput(
                f"「{words.get(ref.state, ref.state)}」のシートは「{words.get(state, state)}」にできません"
            )
        ref.state = state
        for k, v in changes.items():
            setattr(ref, k, v)
        s.commit()


def mark_sent(store: Store, referral_id: int, on: date | None = None) -> None:
    """送付済: the reply is due N days later (setting, default 14)."""
    on = on or date.today()
    with store.session() as s:
        days = reply_days(s)
        ref = _get(s, referral_id)
        if ref.basis is None and consents.covering(store, ref.person_id, ref.agency_id) is None:
            raise InvalidInput("情報提供の根拠が決まっていません。印刷の前に同意の確認をしてください")
    _move(store, referral_id, "sent", sent_on=on, reply_due=on + timedelta(days=days))


def accept(store: Store, referral_id: int) -> None:
    _move(store, referral_id, "accepted")


def decline(store: Store, referral_id: int, reason: str) -> None:
    if not reason.strip():
        raise FieldErrors({"state_reason": "辞退の理由を入力してください"})
    _move(store, referral_id, "declined", state_reason=reason.strip())


def cancel(store: Store, referral_id: int, reason: str) -> None:
    if not reason.strip():
        raise FieldErrors({"state_reason": "取消の理由を入力してください"})
    _move(store, referral_id, "cancelled", state_reason=reason.strip())


def record_reply(store: Store, referral_id: int, values: dict) -> None:
    """The returned 返信票 (outgoing), or the reply we send back (incoming)."""
    errors = {}
    if values.get("reply_status") not in vocab.REPLY_STATUS:
        errors["reply_status"] = "対応状況を選んでください"
    received = values.get("reply_received_on") or date.today()
    if received > date.today():
        errors["reply_received_on"] = "未来の日付です"
    if errors:
        raise FieldErrors(errors)
    _move(
        store, referral_id, "replied", reply_received_on=received, reply_accepted_on=values.get("reply_accepted_on"),
        reply_staff=(values.get("reply_staff") or "").strip(), reply_status=values["reply_status"],
        reply_plan=(values.get("reply_plan") or "").strip(), reply_message=(values.get("reply_message") or "").strip(),
    )  # fmt: skip


def complete(store: Store, referral_id: int) -> None:
    _move(store, referral_id, "done")


# --- reading ---------------------------------------------------------------------------------------


def get(store: Store, referral_id: int) -> Referral:
    with store.session() as s:
        ref = s.scalar(
            select(Referral)
            .where(Referral.id == referral_id)
            .options(selectinload(Referral.household), selectinload(Referral.person))
        )
        if ref is None:
            raise InvalidInput("そのつなぐシートは見つかりません")
        return ref


def state_word(ref: Referral) -> str:
    return (vocab.REFERRAL_STATE if ref.direction == "out" else vocab.INCOMING_STATE).get(
        ref.state, ref.state
    )


# 返信期限切れ, defined once: on a given day, a sheet sent out by then whose reply was due before that day
# and had not come by then. A sheet that has since been answered was still overdue on the days before the
# reply (the statistics of a past period count it); a cancelled sheet, or one closed without a reply
# (done: we cannot tell since when), never is. overdue_clause is the SQL form, is_overdue the same for one sheet.
_ANSWERED_LATER = ("replied", "done")


def overdue_clause(day: date):
    return and_(
        Referral.direction == "out", Referral.sent_on <= day, Referral.reply_due < day,
        or_(Referral.state.in_(OPEN_OUT),
            and_(Referral.state.in_(_ANSWERED_LATER), Referral.reply_received_on > day)),
    )  # fmt: skip


def is_overdue(ref: Referral, today: date | None = None) -> bool:
    day = today or date.today()
    if ref.direction != "out" or ref.reply_due is None or ref.reply_due >= day or not ref.sent_on or ref.sent_on > day:
        return False
    return ref.state in OPEN_OUT or (
        ref.state in _ANSWERED_LATER and ref.reply_received_on is not None and ref.reply_received_on > day
    )


def listing(store: Store, *, household_id: int | None = None, state: str | None = None, agency_id: int | None = None,
            overdue_on: date | None = None) -> list[Referral]:  # fmt: skip
    with store.session() as s:
        stmt = (
            select(Referral)
            .options(selectinload(Referral.household), selectinload(Referral.person))
            .order_by(Referral.created_on.desc(), Referral.id.desc())
        )
        if household_id is not None:
            stmt = stmt.where(Referral.household_id == household_id)
        if state:
            stmt = stmt.where(Referral.state == state)
        if agency_id is not None:
            stmt = stmt.where(Referral.agency_id == agency_id)
        if overdue_on is not None:
            stmt = stmt.where(overdue_clause(overdue_on))
        return list(s.scalars(stmt))


def overdue(store: Store, today: date | None = None) -> list[Referral]:
    return listing(store, overdue_on=today or date.today())


@dataclass(frozen=True)
class OverdueRow:
    """One overdue sheet as ホーム lists it: the columns it shows and the ids it opens."""

    id: int
    household_id: int
    number: str
    code: str  # the household's 世帯番号
    agency_id: int | None
    sent_on: date | None
    reply_due: date | None


@cache
def _overdue_queries():
    """overdue_first()'s rows (the first ``n``) and count, built once (the parameters carry the day and
    the number): building the statements anew took longer than running them."""
    day = bindparam("day", type_=Date)
    first = (
        select(Referral.id, Referral.household_id, Referral.number, Referral.agency_id, Referral.sent_on,
               Referral.reply_due, Referral.created_on)
        .where(overdue_clause(day))
        .order_by(Referral.created_on.desc(), Referral.id.desc())
        .limit(bindparam("n"))
    ).subquery()  # the households of the rows kept only
    rows = (
        select(first.c.id, first.c.household_id, first.c.number, func.coalesce(Household.code, ""),
               first.c.agency_id, first.c.sent_on, first.c.reply_due)
        .outerjoin(Household, Household.id == first.c.household_id)
        .order_by(first.c.created_on.desc(), first.c.id.desc())
    )  # fmt: skip
    return rows, select(func.count()).select_from(Referral).where(overdue_clause(day))


def overdue_first(store: Store, today: date | None = None, limit: int = 50) -> tuple[int, list[OverdueRow]]:
    """How many sheets overdue() holds and the first ``limit`` of them, in its order, as the few columns
    ホーム shows: 420 overdue sheets with their households took 10 ms at 10,000 households (40 at 50,000),
    for a table that shows a handful at once; all of them are on つなぐシート."""
    rows_query, count_query = _overdue_queries()
    params = {"day": today or date.today(), "n": limit}
    with store.session() as s:
        rows = s.execute(rows_query, params).all()
        total = len(rows)
        if total == limit:
            total = s.scalar(count_query, params) or 0
    return total, [OverdueRow(*r) for r in rows]


def agency_names(store: Store) -> dict[int, str]:
    with store.session() as s:
        return {
            a.id: f"{a.name}{'（' + a.department + '）' if a.department else ''}"
            for a in s.scalars(select(Agency))
        }


def change_history(store: Store, referral_id: int) -> list[ChangeRecord]:
    """Every recorded change of one sheet, oldest first (its 変更履歴)."""
    with store.session() as s:
        return list(
            s.scalars(
                select(ChangeRecord)
                .where(ChangeRecord.table_name == "referrals", ChangeRecord.row_id == str(referral_id))
                .order_by(ChangeRecord.id)
            )
        )
