"""Casework records: 相談受付 (intake), after the national 相談受付・申込票 (domain.md §11)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, now
from app.models.people import Household, Person


class Intake(Base):
    """相談受付: one consultation received for a household, many over time."""

    __tablename__ = "intakes"
    # Covering: a household's latest intake (ホーム's follow-ups) is read from the index alone.
    __table_args__ = (Index("ix_intakes_household_id_received_on", "household_id", "received_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))  # 本人
    received_on: Mapped[date] = mapped_column(Date, index=True)  # 受付日
    received_by: Mapped[str] = mapped_column(String(100), default="")  # 受付者
    route: Mapped[str] = mapped_column(String(30), default="self")  # vocab.ROUTE (経路)
    visitor_name: Mapped[str] = mapped_column(String(200), default="")  # 来談者 when not the person
    visitor_relation: Mapped[str] = mapped_column(String(100), default="")
    visitor_phone: Mapped[str] = mapped_column(String(40), default="")
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)  # vocab.CONSULT_CATEGORY, ○
    main_category: Mapped[str | None] = mapped_column(String(30))  # ◎ the most pressing
    category_note: Mapped[str] = mapped_column(Text, default="")  # その他の内容
    main_complaint: Mapped[str] = mapped_column(Text, default="")  # 主訴, in the person's own words
    background: Mapped[str] = mapped_column(Text, default="")  # 背景・気づいたこと (staff's view)
    response: Mapped[str] = mapped_column(String(20), default="self")  # vocab.INTAKE_RESPONSE
    referred_to: Mapped[str] = mapped_column(String(200), default="")  # つないだ先 when response is つなぐ
    urgency: Mapped[str] = mapped_column(String(20), default="normal")  # vocab.URGENCY
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    household: Mapped[Household] = relationship()
    person: Mapped[Person | None] = relationship()


class FlagRecord(Base):
    """A 気づき (flag) on a household: found by a rule (``source`` auto) or set by hand (manual).

    An automatic flag is identified by its kind and the people it is about (``person_ids``, in the
    rule's order); a dismissed one therefore stays dismissed until different people qualify. Its
    reason sentence is recomputed when shown (ages change); ``reason`` keeps the last one seen.
    """

    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)  # flags.KINDS or vocab.MANUAL_FLAG
    source: Mapped[str] = mapped_column(String(10), default="auto")  # auto / manual
    person_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), default="candidate")  # vocab.FLAG_STATE
    previous_state: Mapped[str | None] = mapped_column(String(20))  # for 元に戻す
    state_note: Mapped[str] = mapped_column(Text, default="")  # the reason given for 該当なし, or a note
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(default=True, index=True)  # does the rule still fire?
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")  # manual flags: e.g. 孤独 in the person's words
    first_seen: Mapped[date] = mapped_column(Date)
    last_seen: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    household: Mapped[Household] = relationship()


class Referral(Base):
    """つなぐシート: a referral out to another agency, or one received from it, with its 返信票.

    The household's details are not copied here: the sheet is printed from the household as it is, so
    nothing is typed twice. What is stored is what the sheet adds — the request, the basis on which
    personal information was shared, each step of its life, and the reply.
    """

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # R8-0012: 年度 and serial
    fiscal_year: Mapped[int] = mapped_column(index=True)
    serial: Mapped[int] = mapped_column()
    direction: Mapped[str] = mapped_column(String(4), default="out")  # out / in
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))  # 本人
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"), index=True)
    agency_department: Mapped[str] = mapped_column(String(200), default="")  # 窓口
    agency_contact: Mapped[str] = mapped_column(String(100), default="")  # 担当者
    our_staff: Mapped[str] = mapped_column(
        String(100), default=""
    )  # 紹介元の担当者 (out) / 受けた担当者 (in)
    method: Mapped[str] = mapped_column(String(20), default="sheet")  # vocab.REFERRAL_METHOD
    urgency: Mapped[str] = mapped_column(String(20), default="normal")  # vocab.URGENCY
    created_on: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date | None] = mapped_column(Date)  # 送付日 (out) / 受付日 (in)
    reply_due: Mapped[date | None] = mapped_column(Date, index=True)  # 返信期限
    summary: Mapped[str] = mapped_column(Text, default="")  # 相談の概要（主訴、本人の言葉）
    background: Mapped[str] = mapped_column(Text, default="")  # 気づいたこと・背景
    actions_so_far: Mapped[str] = mapped_column(Text, default="")  # これまでの対応
    request: Mapped[str] = mapped_column(Text, default="")  # 依頼したいこと
    basis: Mapped[str | None] = mapped_column(String(20))  # vocab.SHARING_BASIS, set before printing
    basis_note: Mapped[str] = mapped_column(Text, default="")  # the law named, or the emergency's reason
    # 最小限: how the person is called on this sheet (initials or a 呼び名 the coordinator chose) and the
    # free text as the coordinator reviewed it for a recipient who must not learn who the person is.
    shared_alias: Mapped[str] = mapped_column(String(100), default="")
    shared_text: Mapped[str] = mapped_column(Text, default="")
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)  # vocab.REFERRAL_STATE
    state_reason: Mapped[str] = mapped_column(Text, default="")  # 辞退・取消の理由
    reply_received_on: Mapped[date | None] = mapped_column(Date)  # 返信を受け取った日 / 返信した日
    reply_accepted_on: Mapped[date | None] = mapped_column(Date)  # 返信票の受付日
    reply_staff: Mapped[str] = mapped_column(String(100), default="")  # 返信票の担当者
    reply_status: Mapped[str | None] = mapped_column(String(20))  # vocab.REPLY_STATUS
    reply_plan: Mapped[str] = mapped_column(Text, default="")  # 今後の予定
    reply_message: Mapped[str] = mapped_column(Text, default="")  # 紹介元への連絡事項
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    household: Mapped[Household] = relationship()
    person: Mapped[Person | None] = relationship()


class Visit(Base):
    """訪問記録: every attempt counts, not only the visits where someone opened the door (domain.md §8)."""

    __tablename__ = "visits"
    # Covering: each household's latest visit, its 次回予定日 and its latest contact (ホーム's follow-ups)
    # from the index alone.
    __table_args__ = (
        Index("ix_visits_household_id_visited_at", "household_id", "visited_at", "next_on", "result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    visited_at: Mapped[datetime] = mapped_column(DateTime, index=True)  # 日時
    visitor: Mapped[str] = mapped_column(String(100), default="")  # 訪問者 (staff)
    visitor_agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="SET NULL")
    )  # 委託法人
    kind: Mapped[str] = mapped_column(String(20), default="continuing")  # vocab.VISIT_KIND
    planned: Mapped[bool] = mapped_column(default=True)
    result: Mapped[str] = mapped_column(String(20), default="met")  # vocab.VISIT_RESULT
    met_person_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # 会えた人
    living: Mapped[str] = mapped_column(Text, default="")  # 住環境・生活環境・困りごと
    own_words: Mapped[str] = mapped_column(Text, default="")  # 本人の言葉
    info_given: Mapped[str] = mapped_column(Text, default="")  # 提供した情報
    reaction: Mapped[str] = mapped_column(Text, default="")  # 本人の反応
    connection: Mapped[str] = mapped_column(Text, default="")  # つなぎ
    risk: Mapped[str] = mapped_column(Text, default="")  # リスク所見
    next_on: Mapped[date | None] = mapped_column(Date, index=True)  # 次回予定日
    survey_round: Mapped[str] = mapped_column(String(40), default="")  # 世帯訪問調査の回 (e.g. 令和8年度)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Note(Base):
    """支援経過のメモ: a 面談, a phone call or anything else worth keeping on the timeline."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    kind: Mapped[str] = mapped_column(String(20), default="other")  # vocab.NOTE_KIND
    text: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class HouseholdContact(Base):
    """Each household's latest contact (a visit where someone was met, an intake, a 面談・電話 note) and
    the 次回予定日 of its latest visit, with a copy of its status: the follow-ups (ホーム, 訪問・経過) read
    what is due through the two indexes instead of computing both dates for every household.

    Written only by SQL triggers on households, visits, intakes and notes (migration 0020), so every path
    that writes one of those, the ORM, raw SQL or a later migration, keeps the row equal to the dates
    computed from the records; nothing else writes here. One row per household, no foreign key: the
    household's delete trigger removes it."""

    __tablename__ = "household_contacts"
    __tracked__ = False  # derived rows, no history of their own

    household_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(20))  # households.status
    last_contact: Mapped[date | None] = mapped_column(Date)
    next_on: Mapped[date | None] = mapped_column(Date)

    # Covering (household_id, the rowid, is in every index): the no-contact branch by status and day;
    # the overdue-visit branch by 次回予定日, in the order the follow-ups are listed (household_id before
    # status, so reading the first few in that order needs no sort).
    __table_args__ = (
        Index("ix_household_contacts_status", "status", "last_contact", "next_on"),
        Index("ix_household_contacts_next_on", "next_on", "last_contact", "household_id", "status"),
    )
