"""The town's 重層的支援体制整備事業実施計画 (社会福祉法第106条の5): the plan per period with its required-items
checklist, the registers the items need, and the indicators (domain.md §9)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, now


class ProgramPlan(Base):
    """One 実施計画 period, e.g. 令和7〜9年度 (first_fy 2025, last_fy 2027)."""

    __tablename__ = "program_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_fy: Mapped[int] = mapped_column(unique=True)
    last_fy: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    annual_checked_on: Mapped[date | None] = mapped_column(Date)  # 毎年の点検, last done
    optional_reviewed_on: Mapped[date | None] = mapped_column(Date)  # 任意事項の見直し (3〜5年), last done
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    items: Mapped[list[ChecklistItem]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="ChecklistItem.position"
    )


class ChecklistItem(Base):
    __tablename__ = "checklist_items"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("program_plans.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # program_plan.CHECKLIST
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="todo")  # vocab.CHECK_STATUS
    location: Mapped[str] = mapped_column(Text, default="")  # 計画書の記載箇所 (e.g. 第3章 2)
    notes: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")  # 根拠資料 (議事録, 調査結果 …)
    checked_on: Mapped[date | None] = mapped_column(Date)
    changing: Mapped[bool] = mapped_column(Boolean, default=False)  # 必須 item expected to change

    plan: Mapped[ProgramPlan] = relationship(back_populates="items")


class SupportBody(Base):
    """相談支援機関・拠点: the register 必須1 is written from."""

    __tablename__ = "support_bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(
        String(100), default=""
    )  # 分野 (高齢, 障害, 子ども, 困窮, 地域づくり …)
    form: Mapped[str] = mapped_column(String(20), default="")  # vocab.SETUP_FORM: 基本型 / 統合型 / 地域型
    places: Mapped[int] = mapped_column(default=1)  # 箇所数
    operation: Mapped[str] = mapped_column(String(20), default="direct")  # vocab.OPERATION: 直営 / 委託
    contractor: Mapped[str] = mapped_column(String(200), default="")  # 委託先
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ProgramSetup(Base):
    """実施体制 of 参加支援, 多機関協働 and アウトリーチ等を通じた継続的支援 (必須2)."""

    __tablename__ = "program_setups"

    id: Mapped[int] = mapped_column(primary_key=True)
    program: Mapped[str] = mapped_column(String(20), unique=True)  # vocab.PROGRAM
    body: Mapped[str] = mapped_column(String(200), default="")  # 実施主体
    outsourced: Mapped[bool] = mapped_column(Boolean, default=False)  # 委託の有無
    contractor: Mapped[str] = mapped_column(String(200), default="")
    staff: Mapped[int | None] = mapped_column()  # 配置人数
    note: Mapped[str] = mapped_column(Text, default="")


class Indicator(Base):
    """An 評価指標 of a plan period: computed from the case data when ``code`` names a count, else by hand."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("program_plans.id", ondelete="CASCADE"), index=True)
    code: Mapped[str | None] = mapped_column(String(40))  # program_plan.COMPUTED key, or None
    label: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20), default="件")
    baseline: Mapped[int | None] = mapped_column()
    baseline_fy: Mapped[int | None] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)

    years: Mapped[list[IndicatorYear]] = relationship(cascade="all, delete-orphan")


class IndicatorYear(Base):
    __tablename__ = "indicator_years"
    __table_args__ = (UniqueConstraint("indicator_id", "fy"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    fy: Mapped[int] = mapped_column()
    target: Mapped[int | None] = mapped_column()
    actual: Mapped[int | None] = mapped_column()  # entered by hand (indicators with no computed count)
