"""本人の同意: records per person, and whether one covers sharing with a given agency on a day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.models import Agency, Consent, Person, vocab
from app.services.common.errors import InvalidInput
from app.services.households.households import FieldErrors
from app.services.store.store import Store

# Purposes that allow a つなぐシート to carry personal information.
REFERRAL_PURPOSES = ("referral", "info_sharing")


def record(store: Store, person_id: int, values: dict) -> int:
    errors = {}
    if values.get("purpose") not in vocab.CONSENT_PURPOSE:
        errors["purpose"] = "目的を選んでください"
    if values.get("scope", "named") not in vocab.CONSENT_SCOPE:
        errors["scope"] = "範囲を選んでください"
    if values.get("method") not in vocab.CONSENT_METHOD:
        errors["method"] = "署名か口頭かを選んでください"
    given = values.get("consented_on")
    if not isinstance(given, date):
        errors["consented_on"] = "同意した日を入力してください"
    elif given > date.today():
        errors["consented_on"] = "同意した日が未来の日付です"
    expires = values.get("expires_on")
    if expires is not None and isinstance(given, date) and expires < given:
        errors["expires_on"] = "期限は同意した日より後にしてください"
    agency_ids = list(values.get("agency_ids") or [])
    if values.get("scope", "named") == "named" and not agency_ids:
        errors["agency_ids"] = (
            "同意の範囲に含める機関を選んでください（すべての関係機関なら「関係機関全般」）"
        )
    given_by = values.get("given_by") or "self"
    representative = (values.get("representative") or "").strip() if given_by == "representative" else ""
    if given_by not in vocab.CONSENT_GIVER:
        errors["given_by"] = "同意した人（本人か法定代理人か）を選んでください"
    elif given_by == "representative" and not representative:
        errors["representative"] = (
            "法定代理人の氏名と立場（成年後見人・親権者など）を入力してください。"
            "本人が同意したときは「同意した人」を「本人」にしてください"
        )
    elif len(representative) > 200:
        errors["representative"] = "法定代理人の氏名と立場は200字以内で入力してください"
    if errors:
        raise FieldErrors(errors)
    with store.session() as s:
        if s.get(Person, person_id) is None:
            raise InvalidInput("その世帯員は見つかりません")
        consent = Consent(
            person_id=person_id, purpose=values["purpose"], scope=values.get("scope", "named"), method=values["method"],
            consented_on=given, expires_on=expires, recorded_by=store.actor, note=(values.get("note") or "").strip(),
            given_by=given_by, representative=representative,
        )  # fmt: skip
        if consent.scope == "named":
            consent.agencies = list(s.scalars(select(Agency).where(Agency.id.in_(agency_ids))))
        s.add(consent)
        s.commit()
        return consent.id


def withdraw(store: Store, consent_id: int, on: date | None = None) -> None:
    with store.session() as s:
        consent = s.get(Consent, consent_id)
        if consent is None:
            raise InvalidInput("その同意の記録は見つかりません")
        consent.withdrawn_on = on or date.today()
        s.commit()


def covering(
    store: Store, person_id: int | None, agency_id: int | None, on: date | None = None
) -> Consent | None:
    """A valid consent of this person that covers sharing with this agency on this day, if any."""
    if person_id is None:
        return None
    on = on or date.today()
    with store.session() as s:
        found = s.scalars(
            select(Consent)
            .where(Consent.person_id == person_id, Consent.purpose.in_(REFERRAL_PURPOSES))
            .options(selectinload(Consent.agencies))
            .order_by(Consent.consented_on.desc())
        ).all()
    for consent in found:
        if consent.valid_on(on) and (
            consent.scope == "general" or any(a.id == agency_id for a in consent.agencies)
        ):
            return consent
    return None


def for_person(store: Store, person_id: int) -> list[Consent]:
    with store.session() as s:
        return list(
            s.scalars(
                select(Consent).where(Consent.person_id == person_id).options(selectinload(Consent.agencies))
                .order_by(Consent.consented_on.desc())
            )
        )  # fmt: skip


def for_household(store: Store, household_id: int) -> list[Consent]:
    """Every consent recorded for the household's members (consent tab, 世帯票 summary)."""
    with store.session() as s:
        return list(
            s.scalars(
                select(Consent)
                .join(Person, Person.id == Consent.person_id)
                .where(Person.household_id == household_id)
                .options(selectinload(Consent.agencies))
                .order_by(Consent.consented_on.desc())
            )
        )
