"""Search keys: every Person and Household carries folded copies of its name, kana, 呼び名, address and phones
(japanese.search_key), kept in step by a flush hook the store installs on every session, so no code path
that edits a person can leave the keys stale. The queries over them are app.services.households.search."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from app.models import Household, Person
from app.services.common.japanese import search_key


def given_part(text: str) -> str:
    """The part after the first space (given name in 山田 花子), as a search key."""
    parts = unicodedata.normalize("NFKC", text or "").strip().split(None, 1)
    return search_key(parts[1]) if len(parts) == 2 else ""


def phone_digits(*phones: str) -> str:
    return " ".join(
        d for d in (re.sub(r"\D", "", unicodedata.normalize("NFKC", p or "")) for p in phones) if d
    )


def refresh_keys(obj) -> None:
    if isinstance(obj, Person):
        obj.name_key, obj.kana_key = search_key(obj.name), search_key(obj.kana)
        obj.given_key, obj.given_kana_key = given_part(obj.name), given_part(obj.kana)
        obj.phone_key = phone_digits(obj.phone, obj.mobile)
    elif isinstance(obj, Household):
        obj.label_key = search_key(obj.label)
        obj.address_key = search_key(obj.address)
        obj.phone_key = phone_digits(obj.phone)


def _before_flush(session: Session, _context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        refresh_keys(obj)


def install(factory: sessionmaker) -> None:
    event.listen(factory, "before_flush", _before_flush)
