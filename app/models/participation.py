"""参加支援 (社会福祉法第106条の4第2項第2号): a person joins a 受入先・協力事業者 (an agency of the directory)
for what it offers; the activities with their dates and attendance; it may go on after the household's
終結, so it belongs to the person, not to an open case."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, now
from app.models.network import Agency
from app.models.people import Household, Person


class Participation(Base):
    __tablename__ = "participations"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"), index=True)
    offer: Mapped[str] = mapped_column(String(30), default="place")  # vocab.PARTICIPATION_OFFER
    state: Mapped[str] = mapped_column(String(20), default="matching", index=True)  # vocab.PARTICIPATION_STATE
    matched_on: Mapped[date | None] = mapped_column(Date, index=True)  # つないだ日 (調整の開始)
    started_on: Mapped[date | None] = mapped_column(Date, index=True)  # 参加の開始
    ended_on: Mapped[date | None] = mapped_column(Date, index=True)
    end_reason: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")  # 本人の希望・ねらい
    changes: Mapped[str] = mapped_column(Text, default="")  # 本人にとって変わったこと（本人の言葉）
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    household: Mapped[Household] = relationship()
    person: Mapped[Person] = relationship()
    agency: Mapped[Agency | None] = relationship()
    activities: Mapped[list[ParticipationActivity]] = relationship(
        back_populates="participation", cascade="all, delete-orphan", order_by="ParticipationActivity.held_on"
    )


class ParticipationActivity(Base):
    __tablename__ = "participation_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participations.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date, index=True)
    attended: Mapped[bool] = mapped_column(Boolean, default=True)
    what: Mapped[str] = mapped_column(Text, default="")  # 内容
    note: Mapped[str] = mapped_column(Text, default="")  # 様子（本人の言葉を含む）
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    participation: Mapped[Participation] = relationship(back_populates="activities")
