"""Meetings (会議) and 支援プラン: where the agencies meet, on what basis they share, and what they decide
(domain.md §3, §7)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, now
from app.models.people import Household, Person


class MeetingType(Base):
    """An entry of the town's editable list of meetings. ``basis`` is what lets cases be discussed there:
    ``consent`` (本人同意 needed, e.g. 重層的支援会議) or a statute that binds the members to 守秘義務
    (``support_meeting`` for 第106条の6, ``other_law`` for 地域ケア会議, 要対協 …)."""

    __tablename__ = "meeting_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    basis: Mapped[str] = mapped_column(String(20), default="consent")  # vocab.SHARING_BASIS
    decides_plan: Mapped[bool] = mapped_column(Boolean, default=False)  # 支援プランの承認・終結判断
    code: Mapped[str | None] = mapped_column(String(30))  # the built-in ones, stable across renames
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("meeting_types.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    time: Mapped[str] = mapped_column(String(40), default="")  # e.g. 14:00〜15:30
    place: Mapped[str] = mapped_column(String(200), default="")
    chair: Mapped[str] = mapped_column(String(100), default="")  # 司会・進行
    # [{"agency_id": int | None, "name": str}] — who attended, for the 次第 and the record.
    attendees: Mapped[list[dict]] = mapped_column(JSON, default=list)
    record: Mapped[str] = mapped_column(Text, default="")  # 会議全体の記録
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    type: Mapped[MeetingType] = relationship()
    cases: Mapped[list[MeetingCase]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingCase.position"
    )


class MeetingCase(Base):
    """One household on one meeting's agenda, with the basis on which it was discussed and what was
    decided."""

    __tablename__ = "meeting_cases"
    __table_args__ = (UniqueConstraint("meeting_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    # 本人: the person whose case this is; their own consent (not another member's) is what lets a
    # consent-based meeting discuss it.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    basis: Mapped[str] = mapped_column(String(20))  # vocab.SHARING_BASIS
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id", ondelete="SET NULL"))
    issues: Mapped[str] = mapped_column(Text, default="")  # 課題整理
    policy: Mapped[str] = mapped_column(Text, default="")  # 支援方針
    roles: Mapped[str] = mapped_column(Text, default="")  # 役割分担
    decisions: Mapped[list[str]] = mapped_column(JSON, default=list)  # vocab.MEETING_DECISION
    next_review_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    meeting: Mapped[Meeting] = relationship(back_populates="cases")
    household: Mapped[Household] = relationship()
    person: Mapped[Person | None] = relationship()


class Assessment(Base):
    """アセスメント of a person in their household, versioned like plans: each review is a new version and
    the earlier ones stay as they were. A plan is made from one (SupportPlan.assessment_id)."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("household_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"), index=True)
    version: Mapped[int] = mapped_column()
    assessed_on: Mapped[date] = mapped_column(Date, index=True)
    situation: Mapped[str] = mapped_column(Text, default="")  # 本人の状況と思い（本人の言葉）
    relations: Mapped[str] = mapped_column(Text, default="")  # 世帯と関係（家族・近所・機関）
    strengths: Mapped[str] = mapped_column(Text, default="")  # 強み
    # 課題 by 分野: [{"field": vocab.ISSUE key, "text"}]
    issues: Mapped[list[dict]] = mapped_column(JSON, default=list)
    choice: Mapped[str] = mapped_column(Text, default="")  # 本人が選んだこと
    pace: Mapped[str] = mapped_column(Text, default="")  # 本人の望むペース
    options: Mapped[str] = mapped_column(Text, default="")  # 提示した選択肢
    assessed_by: Mapped[str] = mapped_column(String(100), default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    person: Mapped[Person | None] = relationship()


class SupportPlan(Base):
    """支援プラン, versioned per household: a draft is edited, approved at a meeting that decides plans,
    evaluated at its review, and replaced by the next version. 多機関協働の関与終了 is recorded here; the
    household's own 終結 is its status."""

    __tablename__ = "support_plans"
    __table_args__ = (UniqueConstraint("household_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    # 本人: a plan is for a person; the household's other members may appear in it.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"), index=True)
    version: Mapped[int] = mapped_column()
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)  # vocab.PLAN_STATE
    issues: Mapped[str] = mapped_column(Text, default="")  # 課題
    wishes: Mapped[str] = mapped_column(Text, default="")  # 本人の希望（本人の言葉）
    goals: Mapped[list[dict]] = mapped_column(JSON, default=list)  # [{"text", "kind": vocab.AUTONOMY}]
    # 役割分担: [{"agency_id", "staff" (担当), "task" (何をするか), "contact" (連絡先),
    #            "status" (vocab.ROLE_STATUS), "due_on" (いつまでに, ISO), "status_on" (状態の日付, ISO)}]
    roles: Mapped[list[dict]] = mapped_column(JSON, default=list)
    lead_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id", ondelete="SET NULL"))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    review_on: Mapped[date | None] = mapped_column(Date, index=True)
    approved_on: Mapped[date | None] = mapped_column(Date)
    approved_case_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_cases.id", ondelete="SET NULL"))
    evaluation: Mapped[str] = mapped_column(Text, default="")  # 評価（見直し時）
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)  # 評価で確かめた成果 (vocab.PLAN_OUTCOME)
    evaluated_on: Mapped[date | None] = mapped_column(Date)
    collaboration_ended_on: Mapped[date | None] = mapped_column(Date)  # 多機関協働の関与終了
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    person: Mapped[Person | None] = relationship()
