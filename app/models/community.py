"""地域づくりに向けた支援 (社会福祉法第106条の4第2項第3号): the 地域資源 the coordinator keeps (拠点・居場所 and
others, by 自治会 or area), their 活動 with dates and participant counts, and 協議体 or 地域の会議 attended."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, now


class CommunityResource(Base):
    __tablename__ = "community_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), default="place", index=True)  # vocab.RESOURCE_KIND
    area: Mapped[str] = mapped_column(String(100), default="", index=True)  # 自治会・地区
    run_by: Mapped[str] = mapped_column(String(200), default="")  # 運営
    place: Mapped[str] = mapped_column(Text, default="")  # 場所（住所や施設名）
    schedule: Mapped[str] = mapped_column(String(200), default="")  # 開催（例: 毎週水曜 10時〜）
    contact: Mapped[str] = mapped_column(String(200), default="")  # 連絡先
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    activities: Mapped[list[CommunityActivity]] = relationship(back_populates="resource")


class CommunityActivity(Base):
    __tablename__ = "community_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_resources.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="activity", index=True)  # vocab.COMMUNITY_ACTIVITY_KIND
    title: Mapped[str] = mapped_column(String(200), default="")
    area: Mapped[str] = mapped_column(String(100), default="")
    held_on: Mapped[date] = mapped_column(Date, index=True)
    participants: Mapped[int] = mapped_column(Integer, default=0)  # 参加者数（延べに数える）
    agencies: Mapped[int] = mapped_column(Integer, default=0)  # 参加機関数
    run_by: Mapped[str] = mapped_column(String(200), default="")
    coordinator_attended: Mapped[bool] = mapped_column(Boolean, default=False)  # 担当者が出席した
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    resource: Mapped[CommunityResource | None] = relationship(back_populates="activities")
