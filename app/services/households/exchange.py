"""Households in and out of the store as tsunagi-households/1 files: import (all or nothing: one
transaction, and every household id is checked against the store first) and export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from app.models import CareRelation, Household, Person
from app.services.common.errors import InvalidInput
from app.services.common.fileio import atomic_write_bytes
from app.services.flags import flag_review
from app.services.records.household_format import HouseholdRecord, to_document
from app.services.records.stored import all_records, loaded_options, to_model, to_record
from app.services.store import audit, media_ledger
from app.services.store.store import Store


@dataclass(frozen=True)
class ImportResult:
    households: int
    persons: int


def import_records(store: Store, records: list[HouseholdRecord], source: str = "") -> ImportResult:
    with store.session() as s:
        codes = [r.id for r in records]
        existing = set()
        for i in range(0, len(codes), 500):
            existing |= set(s.scalars(select(Household.code).where(Household.code.in_(codes[i : i + 500]))))
        if existing:
            sample = "、".join(sorted(existing)[:5])
            raise InvalidInput(
                f"世帯 ID がすでに登録されています: {sample}{' ほか' if len(existing) > 5 else ''}"
                "（何も取り込んでいません）"
            )
        models = [to_model(r) for r in records]
        _number(s, models)
        s.add_all(models)
        result = ImportResult(len(records), sum(len(r.members) for r in records))
        audit.record(
            s, "import", target=source, detail={"households": result.households, "persons": result.persons}
        )
        s.flush()
        # Flag candidates in the same transaction, so imported families show theirs at once.
        flag_review.refresh_in(s, [h.id for h in models], date.today())
        s.commit()
    return result


def _number(s, models: list[Household]) -> None:
    """Row ids given here, as SQLite would give them (one past the largest; the tables have no AUTOINCREMENT),
    so the ORM can insert thousands of rows in a few statements: with ids to fetch back it inserts one row
    at a time (SQLite returns no ordered RETURNING for a batch). The one writer holds the store meanwhile."""
    nxt = {t: (s.scalar(select(func.max(t.id))) or 0) + 1 for t in (Household, Person, CareRelation)}
    for h in models:
        h.id, nxt[Household] = nxt[Household], nxt[Household] + 1
        for p in h.members:
            p.id, nxt[Person] = nxt[Person], nxt[Person] + 1
            for care in p.cares:
                care.id, nxt[CareRelation] = nxt[CareRelation], nxt[CareRelation] + 1


def export_records(store: Store, destination: str = "") -> list[HouseholdRecord]:
    with store.session() as s:
        rows = s.scalars(select(Household).options(*loaded_options()).order_by(Household.id))
        records = [to_record(h) for h in rows]
        audit.record(s, "export", target=destination, detail={"households": len(records)})
        s.commit()
    return records


def export_file(store: Store, path: Path) -> int:
    """Every household as a tsunagi-households/1 JSON file at ``path``, a place the user chose: audited,
    and the file goes into the 持出し管理簿 with its hash. Returns the number of households."""
    path = Path(path)
    with store.session() as s:
        records = all_records(s)
        data = (json.dumps(to_document(records), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        atomic_write_bytes(path, data)
        audit.record(s, "export", target=str(path), detail={"households": len(records)})
        media_ledger.add_file(s, "export", path, data, operator=store.actor)
        s.commit()
    return len(records)


