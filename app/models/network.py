"""関係機関 (agencies) and consent records (本人の同意)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, now


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(200), default="")  # 部署／窓口
    agency_type: Mapped[str] = mapped_column(String(100), default="")  # e.g. 地域包括支援センター
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)  # 分野 tags
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    fax: Mapped[str] = mapped_column(String(40), default="")
    contact_person: Mapped[str] = mapped_column(String(100), default="")
    in_town: Mapped[bool] = mapped_column(Boolean, default=True)
    support_meeting_member: Mapped[bool] = mapped_column(Boolean, default=False)  # 支援会議（第106条の6）
    # 参加支援の受入先・協力事業者として提供できること (vocab.PARTICIPATION_OFFER keys); empty: not one
    offers: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


consent_agencies = Table(
    "consent_agencies",
    Base.metadata,
    Column("consent_id", ForeignKey("consents.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True),
)


class Consent(Base):
    """One consent given by one person: purpose, scope, method, date, expiry and withdrawal (domain.md §7)."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # vocab.CONSENT_PURPOSE
    scope: Mapped[str] = mapped_column(String(20), default="named")  # vocab.CONSENT_SCOPE
    method: Mapped[str] = mapped_column(String(20))  # vocab.CONSENT_METHOD
    consented_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(64))
    expires_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    # Consent is personal: given by the person (self) or their legal representative (法定代理人: 成年後見人,
    # 親権者 …), who is then named with their capacity in ``representative``.
    given_by: Mapped[str] = mapped_column(String(20), default="self")  # vocab.CONSENT_GIVER
    representative: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    agencies: Mapped[list[Agency]] = relationship(secondary=consent_agencies)

    def valid_on(self, day: date) -> bool:
        return (
            self.consented_on <= day
            and (self.expires_on is None or day <= self.expires_on)
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )
