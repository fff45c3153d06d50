"""関係機関 directory: the agencies the town works with, a built-in list of typical ones, CSV in/out."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy import select

from app.models import Agency, vocab
from app.services.common import bounded
from app.services.common.errors import InvalidInput
from app.services.common.fileio import atomic_write_bytes
from app.services.common.resources import resources_dir
from app.services.store import audit, media_ledger
from app.services.store.store import Store

FIELDS = ("name", "department", "agency_type", "fields", "postal_code", "address", "phone", "fax",
          "contact_person", "in_town", "support_meeting_member", "active", "note")  # fmt: skip
CSV_HEADER = [
    "名称",
    "部署・窓口",
    "種類",
    "分野",
    "郵便番号",
    "住所",
    "電話",
    "FAX",
    "担当者",
    "町内",
    "支援会議の構成員",
    "利用中",
    "メモ",
]
_YES = {"1", "true", "yes", "はい", "○", "〇", "y"}


def catalogue() -> list[dict]:
    doc = json.loads((resources_dir() / "catalogues" / "agency_types.json").read_text(encoding="utf-8"))
    return doc["agencies"]


def add_typical(store: Store) -> int:
    """Add the typical agency types not yet in the directory, named by their type, for the town to
    fill in with real names and numbers. Returns how many were added."""
    with store.session() as s:
        have = {t for (t,) in s.execute(select(Agency.agency_type))}
        added = 0
        for item in catalogue():
            if item["agency_type"] in have:
                continue
            s.add(Agency(name=item["agency_type"], **{k: v for k, v in item.items() if k in FIELDS}))
            added += 1
        s.commit()
    return added


def _check(values: dict) -> dict:
    clean = {k: values[k] for k in FIELDS if k in values}
    if "offers" in values:
        # 参加支援で提供できること: kept as vocabulary keys so the 参加支援 page and the counts read them
        offers = list(values["offers"] or [])
        if any(o not in vocab.PARTICIPATION_OFFER for o in offers):
            raise InvalidInput("参加支援で提供できることは一覧から選んでください")
        clean["offers"] = [o for o in vocab.PARTICIPATION_OFFER if o in offers]  # (vocabulary order, no repeats)
    for k, v in clean.items():
        if isinstance(v, str):
            clean[k] = v.strip()
    if "name" in clean and not clean["name"]:
        raise InvalidInput("機関の名称を入力してください")
    # The same limits for the dialog and the CSV import (app.services.common.bounded).
    for key, problem in bounded.field_errors(clean, bounded.AGENCY_LIMITS).items():
        raise InvalidInput(f"{dict(zip(FIELDS, CSV_HEADER, strict=True)).get(key, key)}: {problem}")
    if "fields" in clean:
        raw = clean["fields"]
        items = raw if isinstance(raw, list) else str(raw).replace(",", "、").split("、")
        clean["fields"] = [f.strip() for f in items if f.strip()]
    return clean


def save(store: Store, values: dict, agency_id: int | None = None) -> int:
    clean = _check(values)
    with store.session() as s:
        agency = Agency(**clean) if agency_id is None else s.get(Agency, agency_id)
        if agency is None:
            raise InvalidInput("その機関は見つかりません")
        if agency_id is None:
            s.add(agency)
        else:
            for k, v in clean.items():
                setattr(agency, k, v)
        s.commit()
        return agency.id


def all_agencies(store: Store, *, active_only: bool = False) -> list[Agency]:
    with store.session() as s:
        stmt = select(Agency).order_by(Agency.in_town.desc(), Agency.name)
        if active_only:
            stmt = stmt.where(Agency.active)
        return list(s.scalars(stmt))


def export_csv(store: Store, path: Path) -> int:
    rows = all_agencies(store)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_HEADER)
    for a in rows:
        writer.writerow([a.name, a.department, a.agency_type, "、".join(a.fields), a.postal_code, a.address, a.phone,
                         a.fax, a.contact_person, "はい" if a.in_town else "いいえ",
                         "はい" if a.support_meeting_member else "いいえ", "はい" if a.active else "いいえ", a.note])  # fmt: skip
    # UTF-8 with BOM: Excel on a town-hall PC opens it without garbling the Japanese.
    data = buf.getvalue().encode("utf-8-sig")
    atomic_write_bytes(path, data)
    with store.session() as s:
        audit.record(s, "export", target=path.name, detail={"agencies": len(rows)})
        media_ledger.add_file(s, "export", path, data, operator=store.actor)
        s.commit()
    return len(rows)


def import_csv(store: Store, path: Path) -> int:
    """Add the file's agencies (all or nothing); a row with the same name and department is updated."""
    try:
        if path.stat().st_size > bounded.MAX_IMPORT_BYTES:
            raise InvalidInput(f"ファイル {path.name} が大きすぎます（{bounded.MAX_IMPORT_BYTES >> 20} MB まで）")
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"ファイル {path.name} を読めません: {exc.strerror}") from None
    for encoding in ("utf-8-sig", "cp932"):  # Excel on Windows may save as Shift_JIS
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput(
            f"ファイル {path.name} の文字コードを読めません（UTF-8 か Shift_JIS で保存してください）"
        )
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or rows[0][: len(CSV_HEADER)] != CSV_HEADER:
        raise InvalidInput(
            "1行目の見出しが違います。関係機関の「CSVに書き出し」で作ったファイルを使ってください"
        )
    parsed = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        row = (row + [""] * len(CSV_HEADER))[: len(CSV_HEADER)]
        values = dict(zip(FIELDS, row, strict=True))
        for key in ("in_town", "support_meeting_member", "active"):
            values[key] = values[key].strip().lower() in _YES
        try:
            parsed.append(_check(values))
        except InvalidInput as exc:
            raise InvalidInput(f"{n}行目: {exc}") from None
    with store.session() as s:
        existing = {(a.name, a.department): a for a in s.scalars(select(Agency))}
        for values in parsed:
            agency = existing.get((values["name"], values["department"]))
            if agency is None:
                s.add(Agency(**values))
            else:
                for k, v in values.items():
                    setattr(agency, k, v)
        audit.record(s, "import", target=path.name, detail={"agencies": len(parsed)})
        s.commit()
    return len(parsed)
