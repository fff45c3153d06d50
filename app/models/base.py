"""Declarative base and the conventions every table shares."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep Alembic batch migrations (SQLite table rebuilds) deterministic.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    # Domain rows get who/when/old/new history automatically (app.services.store.history); the history and
    # audit tables themselves set this to False.
    __tracked__ = True


def now() -> datetime:
    """Local wall-clock time, second precision. One PC in one Japanese town hall: local time is JST."""
    return datetime.now().replace(microsecond=0)
