"""Past casework from a sheet: 相談受付 (intakes) and 訪問 (visits) of this 年度, so the statistics and the
indicators do not start at zero. Each row is linked to a registered household by 宛名番号, by 世帯番号,
or by 氏名 + 生年月日 (only when exactly one person matches); a row that cannot be linked is a problem,
never a guess. The same preview and all-or-nothing import as the list of people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Household, Intake, Person, Visit, vocab
from app.services.common.errors import InvalidInput
from app.services.common.japanese import search_key
from app.services.households.households import FieldErrors, check_intake
from app.services.outreach.outreach import check_visit
from app.services.sheets import values
from app.services.sheets.mapping import Mapping, SheetField, missing, propose
from app.services.sheets.people import Line, Problem
from app.services.sheets.table import Table, cell_text
from app.services.store import audit
from app.services.store.store import Store

KINDS = {"intakes": "相談受付", "visits": "訪問"}

_LINK: tuple[SheetField, ...] = (
    SheetField("household_key", "世帯番号", ("世帯コード", "世帯ID", "世帯No")),
    SheetField("resident_number", "宛名番号", ("住民番号", "宛名コード")),
    SheetField("name", "氏名", ("名前", "本人氏名", "相談者", "対象者", "対象者氏名")),
    SheetField("birth", "生年月日", ("誕生日",), hint="氏名で探すときに使います"),
)
FIELDS: dict[str, tuple[SheetField, ...]] = {
    "intakes": (
        SheetField("date", "受付日", ("相談日", "日付", "年月日", "相談受付日"), required=True),
        *_LINK,
        SheetField("route", "経路", ("相談経路", "きっかけ", "つながった経路"), hint="本人、家族、民生委員 など"),
        SheetField("content", "内容", ("相談内容", "主訴", "相談の内容")),
        SheetField("result", "結果", ("対応", "対応結果"), hint="自ら対応、つなぐ、情報提供のみ"),
        SheetField("referred_to", "つないだ先", ("紹介先", "連絡先機関")),
        SheetField("staff", "受付者", ("担当者", "対応者")),
        SheetField("note", "備考", ("メモ",)),
    ),
    "visits": (
        SheetField("date", "訪問日", ("日付", "年月日", "訪問日時", "日時"), required=True,
                   hint="R7.4.1 14:30 のように時刻も書けます"),
        *_LINK,
        SheetField("kind", "種別", ("訪問種別", "方法", "手段"), hint="継続的支援訪問、世帯訪問調査、電話 など"),
        SheetField("content", "内容", ("訪問内容", "様子", "生活環境", "記録")),
        SheetField("result", "結果", ("訪問結果",), hint="会えた、不在、拒否、家族のみ、置き手紙"),
        SheetField("staff", "訪問者", ("担当者", "対応者")),
        SheetField("note", "備考", ("メモ",)),
    ),
}  # fmt: skip

ROUTE_WORDS = {label: code for code, label in vocab.ROUTE.items()} | {
    "本人": "self", "家族": "family", "近隣": "neighbour", "近所": "neighbour", "民生委員": "minsei",
    "児童委員": "minsei", "自治会": "jichikai", "包括": "houkatsu", "地域包括": "houkatsu", "ケアマネ": "houkatsu",
    "病院": "hospital", "MSW": "hospital", "学校": "school", "SSW": "school", "窓口": "town_hall",
    "役場": "town_hall", "税務": "town_hall", "国保": "town_hall", "訪問": "outreach", "アウトリーチ": "outreach",
    "関係機関": "agency", "社協": "agency", "その他": "other",
}  # fmt: skip
RESPONSE_WORDS = {label: code for code, label in vocab.INTAKE_RESPONSE.items()} | {
    "自ら対応": "self", "対応済": "self", "相談対応": "self", "つないだ": "referral", "紹介": "referral",
    "情報提供": "info",
}  # fmt: skip
VISIT_KIND_WORDS = values._words(
    vocab.VISIT_KIND,
    {"continuing": ("訪問", "家庭訪問", "継続訪問"), "survey": ("調査", "世帯調査"), "letter": ("手紙", "置き手紙"),
     "office": ("来庁",)},
)  # fmt: skip
VISIT_RESULT_WORDS = values._words(
    vocab.VISIT_RESULT,
    {"met": ("面会", "面談", "会えた", "本人と面会"), "absent": ("会えず", "留守"), "refused": ("断られた", "拒否された"),
     "family_only": ("家族と面会",)},
)  # fmt: skip


def _word_in(text: str, words: dict[str, str]) -> str | None:
    """The code of the longest known word found in ``text`` (「民生委員から」 → minsei)."""
    found = [w for w in words if w and w in text]
    return words[max(found, key=len)] if found else None


@dataclass
class CaseworkPreview:
    table: Table
    kind: str
    mapping: Mapping
    lines: list[Line]
    problems: list[Problem]
    items: list[tuple[int, dict]] = field(default_factory=list)  # (household id, model values)

    @property
    def ok(self) -> bool:
        return not self.problems


def mapping_for(table: Table, kind: str, remembered: dict[str, str] | None = None) -> Mapping:
    chosen = propose(table.headers, FIELDS[kind], remembered)
    if lacking := missing(chosen, FIELDS[kind]):
        raise InvalidInput(f"{table.name}: {'、'.join(f'「{f.label}」' for f in lacking)}の列が見つかりません")
    if not {"household_key", "resident_number", "name"} & set(chosen.values()):
        raise InvalidInput(f"{table.name}: 世帯を探す列（宛名番号、世帯番号、氏名）が見つかりません")
    return chosen


class _Linker:
    """Finds the household (and person) of a row inside one session."""

    def __init__(self, session: Session):
        self.s = session

    def find(self, v: dict, as_of: date) -> tuple[int, int | None]:
        if number := v.get("resident_number"):
            row = self.s.execute(
                select(Person.household_id, Person.id).where(Person.resident_number == number)
            ).first()
            if row is None:
                raise values.CellError(f"宛名番号 {number} の人は登録されていません")
            return row[0], row[1]
        name_key = search_key(v.get("name") or "")
        if code := v.get("household_key"):
            hid = self.s.scalar(select(Household.id).where(Household.code == code))
            if hid is None:
                raise values.CellError(f"世帯番号 {code} の世帯は登録されていません")
            pid = None
            if name_key:
                pid = self.s.scalar(
                    select(Person.id).where(Person.household_id == hid, Person.name_key == name_key).limit(1)
                )
            return hid, pid
        if not name_key:
            raise values.CellError("宛名番号・世帯番号・氏名のどれかを書いてください")
        stmt = select(Person.household_id, Person.id).where(Person.name_key == name_key)
        if v.get("birth") is not None:
            b = v["birth"]
            stmt = stmt.where(
                Person.birth_date >= b.earliest, func.coalesce(Person.birth_earliest, Person.birth_date) <= b.latest
            )
        found = self.s.execute(stmt.limit(2)).all()
        if not found:
            raise values.CellError(f"「{v['name']}」に当たる人が登録されていません")
        if len(found) > 1:
            raise values.CellError(f"「{v['name']}」に当たる人が複数います（宛名番号か世帯番号を書いてください）")
        return found[0][0], found[0][1]


def _row_values(kind: str, cells: dict, row: int, as_of: date) -> tuple[dict, list[Problem]]:
    labels = {f.key: f.label for f in FIELDS[kind]}
    out: dict = {}
    problems: list[Problem] = []

    def take(key, reader):
        if key not in cells:
            return
        try:
            out[key] = reader(cells[key])
        except values.CellError as exc:
            problems.append(Problem(row, labels[key], str(exc)))

    take("date", (lambda v: values.day(v, "受付日")) if kind == "intakes" else (lambda v: values.moment(v, "訪問日")))
    take("household_key", lambda v: values.text(v, 64, "世帯番号"))
    take("resident_number", values.resident_number)
    take("name", lambda v: values.text(v, 200, "氏名"))
    take("birth", lambda v: values.birth(v, as_of) if cell_text(v) else None)  # only to tell namesakes apart
    for key in ("content", "note", "referred_to", "staff", "route", "result", "kind"):
        take(key, lambda v, key=key: values.text(v, 10_000 if key in ("content", "note") else 200, labels[key]))
    return out, problems


def _model_values(kind: str, v: dict, person_id: int | None, row: int) -> tuple[dict, list[Problem]]:
    labels = {f.key: f.label for f in FIELDS[kind]}
    note = [v.get("note") or ""]
    if kind == "intakes":
        route = _word_in(v.get("route") or "", ROUTE_WORDS) or "other"
        if v.get("route") and route == "other" and v["route"] != "その他":
            note.append(f"経路: {v['route']}")
        response = _word_in(v.get("result") or "", RESPONSE_WORDS) or "self"
        if v.get("result") and not _word_in(v["result"], RESPONSE_WORDS):
            note.append(f"結果: {v['result']}")
        if response == "referral" and not v.get("referred_to"):
            response = "self"
            note.append(f"結果: {v['result']}")
        values_in = {
            "received_on": v.get("date"), "person_id": person_id, "route": route, "main_complaint": v.get("content", ""),
            "response": response, "referred_to": v.get("referred_to", ""), "received_by": v.get("staff", ""),
            "note": "\n".join(n for n in note if n),
        }  # fmt: skip
        check, fields_of = check_intake, {"received_on": "date", "referred_to": "referred_to", "main_complaint": "content"}
    else:
        problems = []
        kind_code = _word_in(v.get("kind") or "", VISIT_KIND_WORDS) or ("continuing" if not v.get("kind") else None)
        result = _word_in(v.get("result") or "", VISIT_RESULT_WORDS) or ("met" if not v.get("result") else None)
        if kind_code is None:
            problems.append(Problem(row, labels["kind"], f"種別「{v['kind']}」が分かりません（例: 継続的支援訪問、電話、来所）"))
        if result is None:
            problems.append(Problem(row, labels["result"], f"結果「{v['result']}」が分かりません（例: 会えた、不在、拒否）"))
        if problems:
            return {}, problems
        values_in = {
            "visited_at": v.get("date"), "kind": kind_code, "result": result, "planned": False,
            "living": v.get("content", ""), "visitor": v.get("staff", ""), "reaction": "",
            "met_person_ids": [person_id] if person_id and result in vocab.CONTACT_RESULTS else [],
            "connection": "\n".join(n for n in note if n),
        }  # fmt: skip
        check, fields_of = check_visit, {"visited_at": "date"}
    try:
        return check(values_in), []
    except FieldErrors as exc:
        return {}, [Problem(row, labels.get(fields_of.get(k, ""), ""), msg) for k, msg in exc.errors.items()]


def preview_for_store(store: Store, table: Table, mapping: Mapping, kind: str, progress=None) -> CaseworkPreview:
    as_of = date.today()
    labels = {f.key: f.label for f in FIELDS[kind]}
    result = CaseworkPreview(table, kind, mapping, [], [])
    total = len(table.rows)
    with store.session() as s:
        linker = _Linker(s)
        for n, sheet_row in enumerate(table.rows):
            if progress and n % 200 == 0:
                progress(n, total, f"行を確かめています（{n:,} / {total:,}）")
            cells = {key: sheet_row.get(col) for col, key in mapping.items()}
            row = sheet_row.number
            line = Line(row, cell_text(cells.get("household_key")), cell_text(cells.get("name")), cell_text(cells.get("date")))
            result.lines.append(line)
            v, problems = _row_values(kind, cells, row, as_of)
            if not problems:
                try:
                    hid, pid = linker.find(v, as_of)
                except values.CellError as exc:
                    column = labels["resident_number"] if v.get("resident_number") else labels["name"]
                    problems.append(Problem(row, column, str(exc)))
                else:
                    line.household = s.scalar(select(Household.code).where(Household.id == hid)) or ""
                    model, problems = _model_values(kind, v, pid, row)
                    if not problems:
                        result.items.append((hid, model))
            line.problems = problems
            result.problems += problems
    return result


def import_preview(store: Store, result: CaseworkPreview) -> int:
    """Every row of the preview, in one transaction, or nothing."""
    if not result.ok:
        raise InvalidInput(f"{len(result.problems)} 件の誤りがあるため、何も取り込んでいません")
    with store.session() as s:
        for hid, model in result.items:
            if result.kind == "intakes":
                s.add(Intake(household_id=hid, **model))
                h = s.get(Household, hid)
                if h.status == "concern":  # as for an intake entered by hand: the household is now 相談中
                    h.status = "consulting"
            else:
                s.add(Visit(household_id=hid, **model))
        audit.record(s, "import", target=result.table.name, detail={result.kind: len(result.items)})
        s.commit()
    return len(result.items)
