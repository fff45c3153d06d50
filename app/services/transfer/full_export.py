"""The full export: everything the coordinator entered, as an Excel workbook (one sheet per table, Japanese
column names, coded values in Japanese words, dates as date cells with their 和暦 beside them) and as
``tsunagi-export/1`` JSON, and the importer that recreates it all in a new, empty store.

The files are not encrypted (the town asked for an open format); like every file that leaves the store
by a path someone chose, they are written atomically and readable by this user only, audited, and listed
in the 持出し管理簿 with their hash.

tsunagi-export/1 is one JSON object::

    {"format": "tsunagi-export/1", "exported_at": "2026-04-01T10:00:00",
     "households": [...],            # exactly tsunagi-households/1's list (household_format.to_document)
     "household_details": [...],     # what that format does not carry: 終結日, the closing case, times
     "member_details": [...],        # the same for members (registration times, …)
     "care_kinds": [...],            # 介護・看護・世話・見守り of each cares_for link that has one
     "agencies": [...], "consents": [...], ..., "indicator_years": [...],   # one list per table (TABLES)
     "settings": {"town.name": "…", ...}}

A casework row is its table's columns under their own names, dates in ISO. Rows keep their numbers
(``id``), so the references between them (a sheet's agency and consent, a plan's approving case, the
agencies inside a meeting's attendees) stay true; households and members are named by their codes
(``"household": "H-0001"``, ``"person": "m2"``, lists of member codes for a flag's or a visit's people),
never by the store's internal numbers, which a new store gives anew.

Table by table, what goes out:

- households, persons, parent_links, care_relations: yes, as tsunagi-households/1 plus the details that
  format has no key for. Search keys (name_key, kana_key, given_key, given_kana_key, phone_key,
  label_key, address_key) are left out: derived from the name, kana, address and phones and rebuilt by the store on import.
  The members' display order is their order in the list.
- intakes, flags (with their judgements), referrals (with their replies), visits, notes, agencies,
  consents (with the agencies consented to), meeting_types, meetings, meeting_cases, support_plans,
  program_plans, checklist_items, indicators, indicator_years, support_bodies, program_setups,
  community_resources, community_activities: yes, every column.
- settings: yes, the town's settings (every key of store.settings.SPECS; nothing secret is among them).
- users: no. They are sign-in accounts, each bound to a key slot whose passphrase never leaves; a
  receiving store makes its own. Who did what stays in every record's own words (受付者, 記録者 …).
- audit_log, change_history and media_log: no. They are this store's own tamper-evident account (hash
  chains whose heads are kept outside the database) of who looked, changed and copied; a copy could not
  be chained into another store, which starts its own history with the import. A person's share of them
  goes out in the 本人開示 (app.services.transfer.disclosure).
- key slots and the recovery key are not in the database at all.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, Text, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import (
    Agency,
    Assessment,
    CareRelation,
    ChecklistItem,
    CommunityActivity,
    CommunityResource,
    Consent,
    FlagRecord,
    Household,
    Indicator,
    IndicatorYear,
    Intake,
    Meeting,
    MeetingCase,
    MeetingType,
    Note,
    Participation,
    ParticipationActivity,
    Person,
    ProgramPlan,
    ProgramSetup,
    Referral,
    Setting,
    SupportBody,
    SupportPlan,
    Visit,
    consent_agencies,
    vocab,
)
from app.services.common import bounded
from app.services.common.errors import InvalidInput
from app.services.common.fileio import atomic_write_bytes
from app.services.common.japanese import format_wareki
from app.services.flags import flags
from app.services.program import program_plan
from app.services.records import household_format, labels, stored
from app.services.records.household_format import HOUSEHOLD_EXTRAS, MEMBER_EXTRAS, Member
from app.services.store import audit, media_ledger, settings
from app.services.store.store import Store

FORMAT = "tsunagi-export/1"
Progress = Callable[[int, int, str], None]

# Derived from other columns; the store's flush hook (store.search_keys) makes them again.
DERIVED = frozenset(
    {"name_key", "kana_key", "given_key", "given_kana_key", "phone_key", "label_key", "address_key"}
)
# Columns that hold people as member codes in the file (the store keeps person ids).
PERSON_LISTS = frozenset({"person_ids", "met_person_ids"})


@dataclass(frozen=True)
class Table:
    key: str  # the JSON list's name (the table's own)
    title: str  # the workbook's sheet
    model: Any
    words: dict[str, dict[str, str]] = field(default_factory=dict)  # coded columns → their vocabulary

    @property
    def labels(self) -> dict[str, str]:
        """Every column a reader sees, in Japanese (records.labels)."""
        return labels.COLUMNS[self.model.__tablename__]


HOUSEHOLD_LABELS = labels.COLUMNS["households"]
PERSON_LABELS = labels.COLUMNS["persons"]
PERSON_WORDS = {
    "sex": vocab.SEX, "relation": vocab.RELATION, "marital": vocab.MARITAL, "work": vocab.WORK,
    "care_level": vocab.CARE_LEVEL, "disability": vocab.DISABILITY, "hikikomori": vocab.HIKIKOMORI,
    "issues": vocab.ISSUE,
}  # fmt: skip
HOUSEHOLD_WORDS = {
    "housing": vocab.HOUSING,
    "status": vocab.HOUSEHOLD_STATUS,
    "closure_reason": vocab.CLOSURE_REASON,
}


# The casework tables, in the order an import inserts them (what a row refers to comes before it).
TABLES: tuple[Table, ...] = (
    Table("agencies", "関係機関", Agency, {"offers": vocab.PARTICIPATION_OFFER}),
    Table("meeting_types", "会議の種類", MeetingType, {"basis": vocab.SHARING_BASIS}),
    Table(
        "consents",
        "同意",
        Consent,
        {
            "purpose": vocab.CONSENT_PURPOSE,
            "scope": vocab.CONSENT_SCOPE,
            "method": vocab.CONSENT_METHOD,
            "given_by": vocab.CONSENT_GIVER,
        },
    ),
    Table(
        "intakes",
        "相談受付",
        Intake,
        {
            "route": vocab.ROUTE,
            "categories": vocab.CONSULT_CATEGORY,
            "main_category": vocab.CONSULT_CATEGORY,
            "response": vocab.INTAKE_RESPONSE,
            "urgency": vocab.URGENCY,
        },
    ),
    Table(
        "flags",
        "気づき",
        FlagRecord,
        {
            "kind": {**flags.KINDS, **vocab.MANUAL_FLAG},
            "source": {"auto": "自動判定", "manual": "手動"},
            "state": vocab.FLAG_STATE,
            "previous_state": vocab.FLAG_STATE,
        },
    ),
    Table("meetings", "会議", Meeting),
    Table(
        "meeting_cases",
        "会議の案件",
        MeetingCase,
        {"basis": vocab.SHARING_BASIS, "decisions": vocab.MEETING_DECISION},
    ),
    Table(
        "referrals",
        "つなぐシート",
        Referral,
        {
            "direction": {"out": "紹介（送る）", "in": "受付（受ける）"},
            "method": vocab.REFERRAL_METHOD,
            "urgency": vocab.URGENCY,
            "basis": vocab.SHARING_BASIS,
            "state": vocab.REFERRAL_STATE,
            "reply_status": vocab.REPLY_STATUS,
        },
    ),
    Table("visits", "訪問", Visit, {"kind": vocab.VISIT_KIND, "result": vocab.VISIT_RESULT}),
    Table("notes", "支援経過メモ", Note, {"kind": vocab.NOTE_KIND}),
    # (before the plans: a plan names the assessment it was made from)
    Table("assessments", "アセスメント", Assessment),
    Table("support_plans", "支援プラン", SupportPlan, {"state": vocab.PLAN_STATE, "outcomes": vocab.PLAN_OUTCOME}),
    Table(
        "participations",
        "参加支援",
        Participation,
        {"offer": vocab.PARTICIPATION_OFFER, "state": vocab.PARTICIPATION_STATE},
    ),
    Table("participation_activities", "参加支援の参加記録", ParticipationActivity),
    Table("program_plans", "実施計画", ProgramPlan),
    Table(
        "checklist_items",
        "記載事項チェック",
        ChecklistItem,
        {
            "code": {code: text for _section, code, text in program_plan.CHECKLIST},
            "status": vocab.CHECK_STATUS,
        },
    ),
    Table(
        "indicators",
        "評価指標",
        Indicator,
        {"code": {code: spec[0] for code, spec in program_plan.COMPUTED.items()}},
    ),
    Table("indicator_years", "評価指標の年度", IndicatorYear),
    Table(
        "support_bodies",
        "相談支援機関・拠点",
        SupportBody,
        {"form": vocab.SETUP_FORM, "operation": vocab.OPERATION},
    ),
    Table("program_setups", "実施体制", ProgramSetup, {"program": vocab.PROGRAM}),
    Table("community_resources", "地域資源", CommunityResource, {"kind": vocab.RESOURCE_KIND}),
    Table("community_activities", "地域の活動・会議", CommunityActivity, {"kind": vocab.COMMUNITY_ACTIVITY_KIND}),
)
BY_KEY = {t.key: t for t in TABLES}
CONSENT_AGENCIES = "agencies"  # a consent's row: the agencies it names (consent_agencies)
CONSENT_AGENCIES_LABEL = labels.CONSENT_AGENCIES


def _columns(model) -> list:
    return [c for c in model.__table__.columns if c.key not in DERIVED]


def _carried_by_format(model) -> set[str]:
    """Columns tsunagi-households/1 already holds (or that its shape stands for: codes, order, parents)."""
    if model is Household:
        return {"id", "code", "address", *HOUSEHOLD_EXTRAS}
    return {"id", "household_id", "code", "sort_order", "parents_explicit", *(f.name for f in fields(Member)),
            *MEMBER_EXTRAS}  # fmt: skip


def _details_columns(model) -> list:
    carried = _carried_by_format(model)
    return [c for c in _columns(model) if c.key not in carried]


# --- reading the store -----------------------------------------------------------------------------


@dataclass
class Snapshot:
    """Everything, read in one session: values as Python objects, people and households as codes."""

    exported_at: datetime
    household_models: list[Household]
    households: list[dict]  # tsunagi-households/1
    household_details: list[dict]
    member_details: list[dict]
    care_kinds: list[dict]
    rows: dict[str, list[dict]]
    settings: dict[str, Any]
    names: dict[tuple[str, str], str]  # (household code, member code) → name, for the workbook
    agency_names: dict[int, str]


class _People:
    def __init__(self, households: list[Household]):
        self.household_code = {h.id: h.code for h in households}
        self.person = {p.id: (h.id, p.code) for h in households for p in h.members}

    def code(self, person_id: int | None, household_id: int | None) -> str | None:
        """A member's code; one of another household is written H-0001/m1."""
        if person_id not in self.person:
            return None
        hid, code = self.person[person_id]
        return code if hid == household_id else f"{self.household_code[hid]}/{code}"


def _row(obj, table: Table, people: _People) -> dict:
    out: dict[str, Any] = {}
    hid = getattr(obj, "household_id", None)
    if table.model is Consent:
        hid = people.person.get(obj.person_id, (None,))[0]
        out["household"] = people.household_code.get(hid)
    for col in _columns(table.model):
        value = getattr(obj, col.key)
        if col.key == "household_id":
            out["household"] = people.household_code.get(value)
        elif col.key == "person_id":
            out["person"] = people.code(value, hid)
        elif col.key in PERSON_LISTS:
            out[col.key] = [c for c in (people.code(v, hid) for v in value or []) if c is not None]
        else:
            out[col.key] = value
    if table.model is Consent:
        out[CONSENT_AGENCIES] = sorted(a.id for a in obj.agencies)
    return out


def snapshot(session: Session) -> Snapshot:
    models = list(session.scalars(select(Household).options(*stored.loaded_options()).order_by(Household.id)))
    records = []
    for h in models:
        record = stored.to_record(h)
        # Every extra the format knows, whatever to_record copies: export → import must lose nothing.
        record.extras |= {k: getattr(h, k) for k in HOUSEHOLD_EXTRAS}
        for m, p in zip(record.members, h.members, strict=True):
            m.extras |= {k: getattr(p, k) for k in MEMBER_EXTRAS}
        records.append(record)
    people = _People(models)
    household_cols, member_cols = _details_columns(Household), _details_columns(Person)
    household_details, member_details, care_kinds, names = [], [], [], {}
    for h in models:
        household_details.append({"household": h.code, **{c.key: getattr(h, c.key) for c in household_cols}})
        codes = {p.id: p.code for p in h.members}
        for p in h.members:
            names[(h.code, p.code)] = p.name
            member_details.append(
                {"household": h.code, "member": p.code, **{c.key: getattr(p, c.key) for c in member_cols}}
            )
            for care in sorted(p.cares, key=lambda c: c.sort_order):
                if care.kind and care.cared_id in codes:
                    care_kinds.append({"household": h.code, "carer": p.code, "cared": codes[care.cared_id],
                                       "kind": care.kind})  # fmt: skip
    rows = {}
    for table in TABLES:
        query = select(table.model).order_by(table.model.id)
        rows[table.key] = [_row(obj, table, people) for obj in session.scalars(query)]
    return Snapshot(
        exported_at=datetime.now().replace(microsecond=0),
        household_models=models,
        households=household_format.to_document(records)["households"],
        household_details=household_details,
        member_details=member_details,
        care_kinds=care_kinds,
        rows=rows,
        settings={key: settings.value_in(session, key) for key in settings.SPECS},
        names=names,
        agency_names={r["id"]: r["name"] for r in rows["agencies"]},
    )


# --- JSON ------------------------------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _json_rows(rows: list[dict]) -> list[dict]:
    return [{k: _json_value(v) for k, v in row.items()} for row in rows]


def to_document(snap: Snapshot) -> dict:
    doc: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": snap.exported_at.isoformat(),
        "households": snap.households,
        "household_details": _json_rows(snap.household_details),
        "member_details": _json_rows(snap.member_details),
        "care_kinds": snap.care_kinds,
    }
    for table in TABLES:
        doc[table.key] = _json_rows(snap.rows[table.key])
    doc["settings"] = snap.settings
    return doc


def json_bytes(snap: Snapshot) -> bytes:
    return (json.dumps(to_document(snap), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# --- the workbook ----------------------------------------------------------------------------------

YES_NO = {True: "はい", False: "いいえ"}
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"


def _wareki(value) -> str:
    if isinstance(value, datetime):
        return f"{format_wareki(value.date())} {value:%H:%M}"
    return format_wareki(value) if isinstance(value, date) else ""


def _word(words: dict | None, value) -> Any:
    if isinstance(value, list):
        return "、".join(str(words.get(v, v) if words else v) for v in value)
    return words.get(value, value) if words and value is not None else value


def _iso_wareki(value) -> str:
    try:
        return format_wareki(date.fromisoformat(value)) if value else ""
    except (TypeError, ValueError):
        return str(value)


def _dict_list(key: str, value: list, snap: Snapshot) -> str:
    """A meeting's attendees, a plan's goals and roles, an assessment's 課題 by 分野, as a person reads them."""
    lines = []
    for item in value or []:
        if not isinstance(item, dict):
            lines.append(str(item))
            continue
        agency = snap.agency_names.get(item.get("agency_id"), "")
        if key == "goals":
            kind = vocab.AUTONOMY.get(item.get("kind"), item.get("kind") or "")
            lines.append(f"{item.get('text', '')}（{kind}）" if kind else str(item.get("text", "")))
        elif key == "issues":
            lines.append(f"【{vocab.ISSUE.get(item.get('field'), item.get('field') or '')}】{item.get('text', '')}")
        elif key == "attendees":
            lines.append(f"{item.get('name', '')}（{agency}）" if agency else str(item.get("name", "")))
        else:
            parts = [agency, item.get("staff", ""), item.get("task", ""), item.get("contact", "")]
            if item.get("status"):  # a role followed: its 状態 (with its date) and 期限
                on = _iso_wareki(item.get("status_on"))
                parts.append(vocab.ROLE_STATUS.get(item["status"], item["status"]) + (f"（{on}）" if on else ""))
            if item.get("due_on"):
                parts.append(f"期限 {_iso_wareki(item['due_on'])}")
            lines.append("／".join(str(p) for p in parts if p))
    return "\n".join(lines)


class _SheetWriter:
    def __init__(self, book, title: str):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self.sheet = book.create_sheet(title)
        self.cell, self.bold = WriteOnlyCell, Font(bold=True)
        self.header: list[str] = []

    def head(self, labels: list[str]) -> None:
        self.sheet.freeze_panes = "A2"
        for i, label in enumerate(labels):
            width = min(40, max(10, len(label) * 2 + 2))
            self.sheet.column_dimensions[_letter(i + 1)].width = width
        cells = [self.cell(self.sheet, value=label) for label in labels]
        for cell in cells:
            cell.font = self.bold
        self.sheet.append(cells)

    def row(self, values: list) -> None:
        # Only a date needs a cell object (for its number format); plain values are cheaper by far.
        out = []
        for value in values:
            if isinstance(value, date):
                cell = self.cell(self.sheet, value=value)
                cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
                value = cell
            out.append(value)
        self.sheet.append(out)


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def _write_table(book, title: str, labels: dict[str, str], model, rows: list[dict], snap: Snapshot,
                 words: dict[str, dict] | None = None, extra: dict[str, str] | None = None) -> None:  # fmt: skip
    """One sheet: every column under its Japanese name; a date's 和暦 in the column after it."""
    words = words or {}
    # A household or member is named by its code; its internal number means nothing outside the store.
    columns = [c for c in _columns(model) if c.key != "id" or model not in (Household, Person)]
    header, plan = [], []
    for col in columns:
        label = labels.get(col.key, col.key)
        if col.key == "household_id":
            header.append(label)
            plan.append(("household", None))
        elif col.key == "person_id":
            header += [f"{label}（世帯員ID）", f"{label}（氏名）"]
            plan.append(("person", None))
        elif col.key in PERSON_LISTS:
            header.append(label)
            plan.append(("people", col.key))
        elif isinstance(col.type, (Date, DateTime)):
            header += [label, f"{label}（和暦）"]
            plan.append(("date", col.key))
        else:
            header.append(label)
            plan.append(("value", col.key))
    for key, label in (extra or {}).items():
        header.append(label)
        plan.append(("value", key))
    writer = _SheetWriter(book, title)
    writer.head(header)
    for row in rows:
        hcode = row.get("household")
        values: list = []
        for kind, key in plan:
            if kind == "household":
                values.append(hcode)
            elif kind == "person":
                code = row.get("person")
                values += [code, _name(snap, hcode, code)]
            elif kind == "people":
                values.append("、".join(_name(snap, hcode, c) or c for c in row.get(key) or []))
            elif kind == "date":
                values += [row.get(key), _wareki(row.get(key))]
            else:
                value = row.get(key)
                if key in ("attendees", "goals", "roles", "issues") and isinstance(value, list):
                    values.append(_dict_list(key, value, snap))
                elif isinstance(value, bool):
                    values.append(YES_NO[value])
                elif key == "state" and model is Referral and row.get("direction") == "in":
                    values.append(vocab.INCOMING_STATE.get(value, value))
                elif isinstance(value, (list, dict)) and key not in words:
                    values.append(
                        _word(None, value)
                        if isinstance(value, list)
                        else json.dumps(value, ensure_ascii=False)
                    )
                else:
                    values.append(_word(words.get(key), value))
        writer.row(values)


def _name(snap: Snapshot, household: str | None, code: str | None) -> str:
    if not code:
        return ""
    if "/" in code:
        household, code = code.rsplit("/", 1)
    return snap.names.get((household, code), "")


def xlsx_bytes(snap: Snapshot, progress: Progress | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    step, total = 0, len(TABLES) + 5

    def tick(what: str) -> None:
        nonlocal step
        step += 1
        if progress:
            progress(step, total, what)

    readme = _SheetWriter(book, "はじめに")
    for line in (
        ["つなぎ すべての記録の書き出し（tsunagi-export/1）"],
        [f"書き出した日時: {_wareki(snap.exported_at)}"],
        ["1シートに1種類の記録。日付は日付のセルで、右隣の列に和暦を書いています。"],
        ["「世帯番号」「世帯員ID」で世帯と世帯員を、「番号」で記録どうしを結んでいます。"],
        ["取扱注意（個人情報）: 暗号化されていません。持出し管理簿に記録されています。"],
    ):
        readme.row(line)
    tick("世帯")
    household_rows = [
        {**{c.key: getattr(h, c.key) for c in _columns(Household)}, "household": h.code}
        for h in snap.household_models
    ]
    _write_table(book, "世帯", HOUSEHOLD_LABELS, Household, household_rows, snap, HOUSEHOLD_WORDS)
    tick("世帯員")
    person_rows = [
        {**{c.key: getattr(p, c.key) for c in _columns(Person)}, "household": h.code}
        for h in snap.household_models
        for p in h.members
    ]
    _write_table(book, "世帯員", PERSON_LABELS, Person, person_rows, snap, PERSON_WORDS)
    tick("親子・介護の関係")
    relations = _SheetWriter(book, "親子・介護の関係")
    relations.head(["世帯番号", "世帯員ID", "氏名", "関係", "相手の世帯員ID", "相手の氏名", "種類"])
    for h in snap.household_models:
        codes = {p.id: p.code for p in h.members}
        for p in h.members:
            if p.parents_explicit:
                for link in p.parent_links:
                    parent = codes.get(link.parent_id, "")
                    relations.row(
                        [h.code, p.code, p.name, "親", parent, snap.names.get((h.code, parent), ""), ""]
                    )
            for care in sorted(p.cares, key=lambda c: c.sort_order):
                cared = codes.get(care.cared_id, "")
                relations.row([h.code, p.code, p.name, "介護・世話している相手", cared,
                               snap.names.get((h.code, cared), ""), care.kind])  # fmt: skip
    for table in TABLES:
        tick(table.title)
        extra = {CONSENT_AGENCIES: CONSENT_AGENCIES_LABEL} if table.model is Consent else None
        rows = snap.rows[table.key]
        if extra:
            rows = [{**r, CONSENT_AGENCIES: "、".join(str(a) for a in r[CONSENT_AGENCIES])} for r in rows]
        _write_table(book, table.title, table.labels, table.model, rows, snap, table.words, extra)
    tick("設定")
    sheet = _SheetWriter(book, "設定")
    sheet.head(["項目", "値", "キー"])
    for key, value in snap.settings.items():
        if isinstance(value, bool):
            shown = YES_NO[value]
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            shown = "、".join(value)
        elif isinstance(value, (list, dict)):
            shown = json.dumps(value, ensure_ascii=False)
        else:
            shown = value
        sheet.row([settings.SPECS[key].label, shown, key])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- writing the files -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    paths: list[Path]
    households: int
    records: int


def export_files(store: Store, *, xlsx: Path | None = None, json_path: Path | None = None,
                 progress: Progress | None = None) -> Written:  # fmt: skip
    """Everything, as a workbook at ``xlsx`` and/or as tsunagi-export/1 at ``json_path`` (places the user
    chose), from one reading of the store: each file written atomically and readable by this user only,
    audited as an export and listed in the 持出し管理簿 with its hash."""
    if xlsx is None and json_path is None:
        raise ValueError("nothing to write")
    written = []
    with store.session() as s:
        if progress:
            progress(0, 0, "記録を読んでいます…")
        snap = snapshot(s)
        count = sum(len(rows) for rows in snap.rows.values())
        outputs = []
        if json_path is not None:
            outputs.append((Path(json_path), json_bytes(snap), "json"))
        if xlsx is not None:
            outputs.append((Path(xlsx), xlsx_bytes(snap, progress), "xlsx"))
        for path, data, kind in outputs:
            atomic_write_bytes(path, data)
            written.append(path)
            audit.record(s, "export", target=path.name, detail={"full_export": kind, "format": FORMAT,
                                                                  "households": len(snap.households),
                                                                  "records": count})  # fmt: skip
            media_ledger.add_file(s, "export", path, data, operator=store.actor)
        s.commit()
    return Written(written, len(snap.households), count)


# --- importing -------------------------------------------------------------------------------------


@dataclass
class Bundle:
    """A tsunagi-export/1 document, checked: ready to go into a store."""

    households: list
    household_details: dict[str, dict]
    member_details: dict[tuple[str, str], dict]
    care_kinds: dict[tuple[str, str, str], str]
    rows: dict[str, list[dict]]
    settings: dict[str, Any]


@dataclass(frozen=True)
class ImportResult:
    households: int
    persons: int
    records: dict[str, int]

    def summary(self) -> str:
        others = "、".join(f"{BY_KEY[k].title} {n} 件" for k, n in self.records.items() if n)
        return f"取り込み: 世帯 {self.households} 件、世帯員 {self.persons} 人" + (
            f"、{others}" if others else ""
        )


class _Place:
    def __init__(self, title: str, index: int | None = None):
        self.title, self.index = title, index

    def fail(self, key: str | None, problem: str) -> InvalidInput:
        where = self.title + (f" の {self.index + 1} 件目" if self.index is not None else "")
        return InvalidInput(f"{where}{f' の {key}' if key else ''}: {problem}（何も取り込んでいません）")


def _converted(col, raw, place: _Place, words: dict | None):
    t = col.type
    if raw is None:
        if not col.nullable:
            raise place.fail(col.key, "空にはできません")
        return None
    try:
        if isinstance(t, DateTime):
            if not isinstance(raw, str):
                raise ValueError
            return datetime.fromisoformat(raw)
        if isinstance(t, Date):
            if not isinstance(raw, str) or len(raw) != 10:
                raise ValueError
            return date.fromisoformat(raw)
    except ValueError:
        raise place.fail(col.key, f"{bounded.shown(raw)} は日付・日時として読めません（ISO 形式）") from None
    if isinstance(t, Boolean):
        if not isinstance(raw, bool):
            raise place.fail(col.key, "true か false で指定してください")
        return raw
    if isinstance(t, Integer):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise place.fail(col.key, "整数で指定してください")
        return raw
    if isinstance(t, JSON):
        if not isinstance(raw, (list, dict)):
            raise place.fail(col.key, "リストで指定してください")
        if words and isinstance(raw, list):
            for v in raw:
                if v not in words:
                    raise place.fail(col.key, f"{bounded.shown(v)} は使えない値です")
        return raw
    if isinstance(t, (String, Text)):
        if not isinstance(raw, str):
            raise place.fail(col.key, "文字列で指定してください")
        if words and raw not in words and not (raw == "" and col.nullable):
            raise place.fail(col.key, f"{bounded.shown(raw)} は使えない値です")
        return raw
    return raw


def _list_of_objects(doc: dict, key: str, title: str) -> list[dict]:
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _Place(title).fail(None, "オブジェクトのリストで指定してください")
    return value


def parse(doc: Any) -> Bundle:
    """Check a tsunagi-export/1 document whole, before anything is written: the households as
    tsunagi-households/1 does, every row's values and every reference between records."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidInput(f"format が「{FORMAT}」ではありません")
    households = household_format.parse(
        {"format": household_format.FORMAT, "households": doc.get("households")}
    )
    members = {(h.id, m.id) for h in households for m in h.members}
    codes = {h.id for h in households}

    def person_key(household: str, ref: str) -> tuple[str, str] | None:
        if (household, ref) in members:
            return household, ref
        if "/" in ref and tuple(ref.rsplit("/", 1)) in members:
            return tuple(ref.rsplit("/", 1))
        return None

    household_details: dict[str, dict] = {}
    for i, row in enumerate(_list_of_objects(doc, "household_details", "世帯の詳細")):
        place = _Place("世帯の詳細", i)
        if row.get("household") not in codes:
            raise place.fail("household", "世帯の一覧にない世帯番号です")
        household_details[row["household"]] = {
            c.key: _converted(c, row[c.key], place, None) for c in _details_columns(Household) if c.key in row
        }
    member_details: dict[tuple[str, str], dict] = {}
    for i, row in enumerate(_list_of_objects(doc, "member_details", "世帯員の詳細")):
        place = _Place("世帯員の詳細", i)
        key = (row.get("household"), row.get("member"))
        if key not in members:
            raise place.fail("member", "世帯の一覧にない世帯員です")
        member_details[key] = {
            c.key: _converted(c, row[c.key], place, None) for c in _details_columns(Person) if c.key in row
        }
    care_kinds = {}
    for i, row in enumerate(_list_of_objects(doc, "care_kinds", "介護・世話の種類")):
        if not isinstance(row.get("kind"), str) or bounded.text_problem(row["kind"], 40):
            raise _Place("介護・世話の種類", i).fail("kind", "40文字までの文字列で指定してください")
        care_kinds[(row.get("household"), row.get("carer"), row.get("cared"))] = row["kind"]

    raw_rows = {t.key: _list_of_objects(doc, t.key, t.title) for t in TABLES}
    ids = {}
    for table in TABLES:
        seen = set()
        for i, row in enumerate(raw_rows[table.key]):
            rid = row.get("id")
            if isinstance(rid, bool) or not isinstance(rid, int) or rid < 1:
                raise _Place(table.title, i).fail("id", "番号（1以上の整数）がありません")
            if rid in seen:
                raise _Place(table.title, i).fail("id", f"番号 {rid} が重複しています")
            seen.add(rid)
        ids[table.model.__tablename__] = seen
    rows: dict[str, list[dict]] = {}
    for table in TABLES:
        out = []
        for i, raw in enumerate(raw_rows[table.key]):
            place = _Place(table.title, i)
            row: dict[str, Any] = {}
            household = raw.get("household")
            for col in _columns(table.model):
                if col.key == "household_id":
                    if household not in codes:
                        raise place.fail("household", f"{bounded.shown(household)} は世帯の一覧にありません")
                    row["_household"] = household
                elif col.key == "person_id":
                    ref = raw.get("person")
                    if ref is None:
                        if not col.nullable:
                            raise place.fail("person", "本人がありません")
                        row["_person"] = None
                        continue
                    if (
                        not isinstance(ref, str)
                        or household not in codes
                        or person_key(household, ref) is None
                    ):
                        raise place.fail(
                            "person",
                            f"{bounded.shown(ref)} は世帯 {bounded.shown(household)} の世帯員にいません",
                        )
                    row["_person"] = person_key(household, ref)
                elif col.key in PERSON_LISTS:
                    refs = raw.get(col.key) or []
                    if not isinstance(refs, list):
                        raise place.fail(col.key, "世帯員 ID のリストで指定してください")
                    found = [person_key(household, r) if isinstance(r, str) else None for r in refs]
                    if None in found:
                        raise place.fail(col.key, "世帯の世帯員にいない ID があります")
                    row["_" + col.key] = found
                elif col.key in raw:
                    row[col.key] = _converted(col, raw[col.key], place, table.words.get(col.key))
                    for fk in col.foreign_keys:
                        target = fk.column.table.name
                        if row[col.key] is not None and target in ids and row[col.key] not in ids[target]:
                            raise place.fail(col.key, f"番号 {row[col.key]} の記録がこのファイルにありません")
            if table.model is Consent:
                agencies = raw.get(CONSENT_AGENCIES, [])
                if not isinstance(agencies, list) or any(a not in ids["agencies"] for a in agencies):
                    raise place.fail(CONSENT_AGENCIES, "関係機関の番号のリストで指定してください")
                row["_agencies"] = list(agencies)
            out.append(row)
        rows[table.key] = out
    raw_settings = doc.get("settings") or {}
    if not isinstance(raw_settings, dict):
        raise _Place("設定").fail(None, "オブジェクトで指定してください")
    clean = {}
    for key, value in raw_settings.items():
        if key in settings.SPECS:  # (keys of another version are ignored, as the spec ignores unknown keys)
            try:
                clean[key] = settings.validate(key, value)
            except settings.SettingError as exc:
                raise _Place("設定").fail(key, str(exc)) from None
    return Bundle(households, household_details, member_details, care_kinds, rows, clean)


def _refuse_unless_empty(s: Session) -> None:
    """A full export goes into a new, empty store only: merging two towns' records is not what it is for,
    and numbers and 世帯番号 would clash. The built-in meeting types and the settings every store starts
    with do not count."""
    found = []
    for model, title in [
        (Household, "世帯"),
        *((t.model, t.title) for t in TABLES if t.model is not MeetingType),
    ]:
        n = s.scalar(select(func.count()).select_from(model))
        if n:
            found.append(f"{title} {n:,} 件")
    if found:
        raise InvalidInput(
            "取り込み先にすでに記録があります（"
            + "、".join(found[:4])
            + (" ほか" if len(found) > 4 else "")
            + "）。すべての記録の書き出し（tsunagi-export/1）は、新しく作った空のデータにだけ取り込めます"
            "（何も取り込んでいません）"
        )


def import_bundle(store: Store, bundle: Bundle, source: str = "") -> ImportResult:
    """All or nothing, in one transaction, into a store that holds no records yet."""
    with store.session() as s:
        _refuse_unless_empty(s)
        models = {}
        for record in bundle.households:
            h = stored.to_model(record)
            for key, value in bundle.household_details.get(record.id, {}).items():
                setattr(h, key, value)
            for p in h.members:
                for key, value in bundle.member_details.get((record.id, p.code), {}).items():
                    setattr(p, key, value)
                for care in p.cares:
                    care.kind = bundle.care_kinds.get((record.id, p.code, care.cared.code), care.kind)
            models[record.id] = h
        s.add_all(models.values())
        s.flush()
        person_ids = {(code, p.code): p.id for code, h in models.items() for p in h.members}
        counts = {}
        try:
            for table in TABLES:
                counts[table.key] = len(bundle.rows[table.key])
                for row in bundle.rows[table.key]:
                    values = {k: v for k, v in row.items() if not k.startswith("_")}
                    if "_household" in row:
                        values["household_id"] = models[row["_household"]].id
                    if "_person" in row:
                        values["person_id"] = person_ids[row["_person"]] if row["_person"] else None
                    for key in PERSON_LISTS:
                        if "_" + key in row:
                            values[key] = [person_ids[k] for k in row["_" + key]]
                    if table.model is MeetingType and s.get(MeetingType, values["id"]) is not None:
                        # The town's list of meetings replaces the one a new store starts with.
                        existing = s.get(MeetingType, values["id"])
                        for key, value in values.items():
                            setattr(existing, key, value)
                        continue
                    obj = table.model(**values)
                    if table.model is Consent:
                        obj.agencies = [s.get(Agency, a) for a in row["_agencies"]]
                    s.add(obj)
                s.flush()
            # Written here rather than through settings.save, which commits on its own: the town's
            # settings go in with its records or not at all (each value was checked by settings.validate).
            for key, value in bundle.settings.items():
                s.merge(Setting(key=key, value=value))
            persons = sum(len(h.members) for h in models.values())
            audit.record(s, "import", target=source, detail={"format": FORMAT, "households": len(models),
                                                              "persons": persons, "records": sum(counts.values())})  # fmt: skip
            s.flush()
        except IntegrityError as exc:
            s.rollback()
            raise InvalidInput(
                f"記録どうしのつながりが合わないため取り込めません（{str(exc.orig)[:120]}）。何も取り込んでいません"
            ) from None
        s.commit()
    return ImportResult(len(models), persons, counts)


def read_if_full(path: Path) -> Bundle | None:
    """The file checked as a tsunagi-export/1 document, or None when it is not one (another format: a
    tsunagi-households/1 JSON, a sheet), so the caller goes on as before."""
    path = Path(path)
    if path.suffix.lower() != ".json":
        return None
    doc = bounded.load_json(path)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return None
    return parse(doc)


def import_file(store: Store, path: Path) -> ImportResult | None:
    """Import ``path`` when it is a tsunagi-export/1 file; None (nothing done) when it is not."""
    bundle = read_if_full(path)
    return None if bundle is None else import_bundle(store, bundle, source=Path(path).name)


# Referenced so the consent link table is part of what this module reads and writes (via Consent.agencies).
_ = (consent_agencies, CareRelation)
