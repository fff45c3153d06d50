"""Users, households (世帯), persons (世帯員) and the relations between persons."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, now


class User(Base):
    """Someone who signs in. Their passphrase lives only in a key slot, never in the database."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # sign-in name, also the key slot's label
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(20), default="coordinator")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Household(Base):
    """世帯: the centre of the app. ``code`` is the exchange-format id (e.g. H-0001)."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    # How the coordinator refers to a household before its members are known (気になる世帯の呼び名,
    # e.g. 「3丁目の角の山田さん宅」); searchable through label_key, by any word in it.
    label: Mapped[str] = mapped_column(String(200), default="")
    label_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    # The address as a search key (japanese.search_key): a word anywhere in it is found, variants folded,
    # through SearchGram (no index of its own: no query reads it in order).
    address_key: Mapped[str] = mapped_column(Text, default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    district: Mapped[str] = mapped_column(String(100), default="", index=True)  # 自治会／地区
    housing: Mapped[str] = mapped_column(String(20), default="unknown")
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_key: Mapped[str] = mapped_column(String(40), default="")  # digits only, searched through SearchGram
    status: Mapped[str] = mapped_column(String(20), default="concern", index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    closure_reason: Mapped[str | None] = mapped_column(String(20))  # vocab.CLOSURE_REASON when 終結
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)  # 終結日, for the yearly counts
    closure_note: Mapped[str] = mapped_column(Text, default="")  # the reason in words for その他
    # The meeting case (meeting_cases.id) that decided the closure, when one did. No foreign key: one
    # would make households and meeting_cases reference each other; a case with a decision is never deleted.
    closure_case_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now, index=True)  # ホーム's 最近

    members: Mapped[list[Person]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="Person.sort_order"
    )


class Person(Base):
    """世帯員. Everything of the exchange format plus contact, 本人の言葉・希望 and 強み."""

    __tablename__ = "persons"
    __table_args__ = (
        UniqueConstraint("household_id", "code"),
        # Covering: a name or kana search reads the matching stretch of one of these and never the table.
        Index("ix_persons_name_key_household_id", "name_key", "household_id"),
        Index("ix_persons_kana_key_household_id", "kana_key", "household_id"),
        Index("ix_persons_given_key_household_id", "given_key", "household_id"),
        Index("ix_persons_given_kana_key_household_id", "given_kana_key", "household_id"),
        Index(
            "ux_persons_resident_number",
            "resident_number",
            unique=True,
            sqlite_where=text("resident_number IS NOT NULL"),
        ),
        # The daily flag refresh finds approximate births whose oldest possible age crossed a threshold
        # by a range on this; partial, as only approximate births have it (birth_date has its own index).
        Index("ix_persons_birth_earliest", "birth_earliest", sqlite_where=text("birth_earliest IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))  # member id, unique within the household
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))  # exactly as typed (髙・﨑 intact)
    kana: Mapped[str] = mapped_column(String(200), default="")
    # Search keys (app.services.store.search_keys keeps them in step): whole name and kana, and the given-name
    # part after the first space, so 「花子」 and 「はなこ」 find 山田 花子 by an indexed prefix.
    name_key: Mapped[str] = mapped_column(String(200), default="")
    kana_key: Mapped[str] = mapped_column(String(200), default="")
    given_key: Mapped[str] = mapped_column(String(200), default="")
    given_kana_key: Mapped[str] = mapped_column(String(200), default="")
    sex: Mapped[str] = mapped_column(String(10), default="unknown")
    birth_date: Mapped[date] = mapped_column(Date, index=True)
    # An approximate birth date (「昭和19年」, 「80代」) is the range birth_earliest..birth_date, so
    # birth_date gives the youngest possible age; birth_text keeps what was written. None = exact.
    birth_earliest: Mapped[date | None] = mapped_column(Date)
    birth_text: Mapped[str] = mapped_column(String(60), default="", server_default="")
    # 宛名番号 (住民番号) from the town's resident register: optional, unique when given.
    resident_number: Mapped[str | None] = mapped_column(String(20))
    relation: Mapped[str] = mapped_column(String(20), default="other")
    marital: Mapped[str] = mapped_column(String(20), default="unknown")
    work: Mapped[str] = mapped_column(String(20), default="unknown")
    care_level: Mapped[str] = mapped_column(String(20), default="none")
    disability: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs_assistance: Mapped[bool] = mapped_column(Boolean, default=False)
    medical_care: Mapped[bool] = mapped_column(Boolean, default=False)
    hikikomori: Mapped[str] = mapped_column(String(20), default="no")
    # Like the birth date: a start known only as 「平成15年」 or 「平成15年5月」 is the range
    # hikikomori_since_earliest..hikikomori_since, so hikikomori_since gives the shortest possible duration;
    # hikikomori_since_text keeps what was written. None = an exact day (or no date).
    hikikomori_since: Mapped[date | None] = mapped_column(Date)
    hikikomori_since_earliest: Mapped[date | None] = mapped_column(Date)
    hikikomori_since_text: Mapped[str] = mapped_column(String(60), default="", server_default="")
    issues: Mapped[list[str]] = mapped_column(JSON, default=list)
    lives_here: Mapped[bool] = mapped_column(Boolean, default=True)
    deceased: Mapped[bool] = mapped_column(Boolean, default=False)
    # True when parents were given explicitly; then parent_links replace the derivation from 続柄.
    parents_explicit: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[str] = mapped_column(String(40), default="")
    mobile: Mapped[str] = mapped_column(String(40), default="")
    phone_key: Mapped[str] = mapped_column(String(90), default="")  # digits of both (SearchGram)
    own_words: Mapped[str] = mapped_column(Text, default="")  # 本人の言葉・希望, verbatim
    strengths: Mapped[str] = mapped_column(Text, default="")  # できること・強み・役割
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)

    household: Mapped[Household] = relationship(back_populates="members")
    parent_links: Mapped[list[ParentLink]] = relationship(
        foreign_keys="ParentLink.child_id", cascade="all, delete-orphan", back_populates="child"
    )
    cares: Mapped[list[CareRelation]] = relationship(
        foreign_keys="CareRelation.carer_id", cascade="all, delete-orphan", back_populates="carer"
    )


class ParentLink(Base):
    """An explicit parent of a person (only when the 続柄 derivation is not right for this family)."""

    __tablename__ = "parent_links"

    child_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)

    child: Mapped[Person] = relationship(foreign_keys=[child_id], back_populates="parent_links")
    parent: Mapped[Person] = relationship(foreign_keys=[parent_id])


class CareRelation(Base):
    """Who cares for whom (介護・看護・世話・見守り)."""

    __tablename__ = "care_relations"
    __table_args__ = (UniqueConstraint("carer_id", "cared_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    cared_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40), default="")  # 介護 / 看護 / 世話 / 見守り, free when unsure
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    carer: Mapped[Person] = relationship(foreign_keys=[carer_id], back_populates="cares")
    cared: Mapped[Person] = relationship(foreign_keys=[cared_id])


class SearchGram(Base):
    """A piece of a household's 呼び名, address or phone keys, so that a word *inside* them is found by an
    indexed range instead of reading every household (LIKE '%word%' cannot use an index).

    Field TEXT holds every window of GRAM_WIDTH characters of label_key and address_key (the last ones
    shorter): a word of up to GRAM_WIDTH characters is inside a key exactly when some window starts with
    it; a longer word is looked for through its rarest window and then checked against the keys. Field
    PHONE holds every suffix of each phone key (digits, short), so any run of digits is a range there.

    Written only by SQL triggers on households and persons (migration 0016), so every path that writes
    a key, the ORM, a raw UPDATE or a later migration, keeps these rows in step; nothing else writes here.
    No foreign key: a household's or person's rows go with it through the delete triggers."""

    __tablename__ = "search_grams"
    __tracked__ = False  # derived rows, no history of their own

    TEXT, PHONE = 0, 1
    GRAM_WIDTH = 4

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(Integer, default=0)  # 0: the household's own keys
    field: Mapped[int] = mapped_column(Integer)
    gram: Mapped[str] = mapped_column(Text)

    # Covering: a lookup reads only this index.
    __table_args__ = (Index("ix_search_grams_field_gram_household_id", "field", "gram", "household_id"),)
