"""A town's list of people (one row per person, as 住民記録 extracts and 民生委員 lists are kept) into
households: rows grouped by 世帯番号, or by 住所 when there is none.

The preview reads every row and names every bad cell; the import takes all households or none, through
the same import as the household JSON (exchange.import_records), so the flag candidates appear at once.
Possible duplicates (the same 宛名番号, or the same name and birth date) are shown, never merged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Household, Person
from app.services.common.bounded import HOUSEHOLD_LIMITS, MEMBER_LIMITS
from app.services.common.errors import InvalidInput
from app.services.common.japanese import format_wareki, search_key
from app.services.households import exchange
from app.services.printing import glyphs
from app.services.records import household_format
from app.services.records.household_format import HOUSEHOLD_EXTRAS, MEMBER_EXTRAS, HouseholdRecord, Member
from app.services.sheets import values
from app.services.sheets.mapping import Mapping, SheetField, header_key
from app.services.sheets.table import Table, cell_text
from app.services.store.store import Store

KIND = "people"
FIELDS: tuple[SheetField, ...] = (
    SheetField("household_key", "世帯番号", ("世帯コード", "世帯ID", "世帯No", "世帯番号(任意)"),
               hint="同じ番号の行が1つの世帯になります。空欄なら同じ住所の行をまとめます"),
    SheetField("resident_number", "宛名番号", ("住民番号", "宛名コード", "宛名No"), hint="数字（任意）。同じ番号の人は登録できません"),
    SheetField("name", "氏名", ("名前", "世帯員氏名", "氏名漢字", "漢字氏名", "本人氏名"), required=True,
               hint="姓と名の間に空白"),
    SheetField("kana", "ふりがな", ("フリガナ", "カナ", "かな", "氏名カナ", "カナ氏名", "よみがな", "ヨミガナ", "氏名ふりがな")),
    SheetField("sex", "性別", hint="男・女"),
    SheetField("birth", "生年月日", ("誕生日", "生年", "生年月日和暦"), required=True,
               hint="昭和19年5月1日、S19.5.1、1944/5/1。分からなければ 昭和19年、80代"),
    SheetField("relation", "続柄", ("続き柄", "世帯主との続柄"), hint="世帯主、妻、長男、母 など"),
    SheetField("address", "住所", ("現住所", "所在地", "住所地")),
    SheetField("postal_code", "郵便番号", ("〒", "郵便")),
    SheetField("phone", "電話", ("電話番号", "連絡先", "TEL", "自宅電話")),
    SheetField("mobile", "携帯", ("携帯電話", "携帯番号")),
    SheetField("district", "地区", ("自治会", "行政区", "地区名")),
    SheetField("marital", "婚姻", ("婚姻状況",), hint="未婚・既婚・離別・死別"),
    SheetField("work", "就労", ("就労状況",), hint="就労・無職・学生"),
    SheetField("care_level", "要介護度", ("介護度", "要介護認定"), hint="要支援1〜要介護5、申請中"),
    SheetField("note", "備考", ("メモ", "特記事項")),
)  # fmt: skip
LABELS = {f.key: f.label for f in FIELDS}


@dataclass(frozen=True)
class Problem:
    row: int  # sheet row number
    column: str  # the field's Japanese name ("" for the row as a whole)
    message: str

    def __str__(self) -> str:
        place = f"{self.row}行目" + (f"の{self.column}" if self.column else "")
        return f"{place}: {self.message}"


@dataclass
class Line:
    """One sheet row in the preview."""

    row: int
    household: str  # the group it joins (世帯番号, or the address)
    name: str
    birth: str  # as it will be shown
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # possible duplicates: shown, never blocking


@dataclass
class Preview:
    table: Table
    mapping: Mapping
    lines: list[Line]
    records: list[HouseholdRecord]
    problems: list[Problem]
    record_rows: list[list[int]] = field(default_factory=list)  # the sheet row of each member

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def persons(self) -> int:
        return sum(len(r.members) for r in self.records)

    @property
    def notes(self) -> int:
        return sum(1 for line in self.lines if line.notes)


def _read_row(cells: dict[str, object], row: int, as_of: date, problems: list[Problem]) -> dict | None:
    out: dict = {}

    def take(key: str, reader: Callable[[object], object]) -> None:
        try:
            out[key] = reader(cells.get(key))
        except values.CellError as exc:
            problems.append(Problem(row, LABELS[key], str(exc)))

    take("household_key", lambda v: values.text(v, HOUSEHOLD_LIMITS["id"], "世帯番号"))
    take("resident_number", values.resident_number)
    take("name", lambda v: values.text(v, MEMBER_LIMITS["name"], "氏名"))
    if "name" in out and not out["name"]:
        problems.append(Problem(row, "氏名", "氏名が空欄です"))
    take("kana", lambda v: values.text(v, MEMBER_LIMITS["kana"], "ふりがな"))
    take("sex", lambda v: values.choice(v, values.SEX_WORDS, "性別", "unknown"))
    take("birth", lambda v: values.birth(v, as_of))
    take("relation", lambda v: values.choice(v, values.RELATION_WORDS, "続柄", "other"))
    take("address", lambda v: values.text(v, HOUSEHOLD_LIMITS["address"], "住所"))
    take("postal_code", values.postal_code)
    take("phone", values.phone)
    take("mobile", values.phone)
    take("district", lambda v: values.text(v, HOUSEHOLD_LIMITS["district"], "地区"))
    take("marital", lambda v: values.choice(v, values.MARITAL_WORDS, "婚姻", "unknown"))
    take("work", lambda v: values.choice(v, values.WORK_WORDS, "就労", "unknown"))
    take("care_level", lambda v: values.choice(v, values.CARE_WORDS, "要介護度", "none"))
    take("note", lambda v: values.text(v, MEMBER_LIMITS["note"], "備考"))
    return out if not any(p.row == row for p in problems) else None


def birth_words(earliest: date, latest: date, text: str) -> str:
    return text if earliest != latest else format_wareki(latest)


def _member(v: dict, index: int) -> Member:
    birth = v["birth"]
    m = Member(
        id=f"m{index + 1}",
        name=v["name"],
        kana=v["kana"],
        birth_date=birth.latest,
        birth_earliest=birth.earliest if birth.earliest != birth.latest else None,
        sex=v["sex"],
        relation=v["relation"],
        marital=v["marital"],
        work=v["work"],
        care_level=v["care_level"],
    )
    m.extras = dict(MEMBER_EXTRAS) | {
        "phone": v["phone"] if v["relation"] != "head" else "",
        "mobile": v["mobile"],
        "note": v["note"],
        "birth_text": birth.text if m.birth_earliest else "",
        "resident_number": v["resident_number"],
    }
    return m


def preview(
    table: Table, mapping: Mapping, as_of: date | None = None, progress: Callable[[int, int, str], None] | None = None
) -> Preview:
    """Read every row: the households it makes, and every problem with its row and column."""
    as_of = as_of or date.today()
    problems: list[Problem] = []
    lines: list[Line] = []
    groups: dict[str, list[tuple[int, dict]]] = {}
    group_names: dict[str, str] = {}
    total = len(table.rows)
    for n, sheet_row in enumerate(table.rows):
        if progress and n % 500 == 0:
            progress(n, total, f"行を確かめています（{n:,} / {total:,}）")
        cells = {key: sheet_row.get(col) for col, key in mapping.items()}
        line = Line(sheet_row.number, cell_text(cells.get("household_key")), cell_text(cells.get("name")),
                    cell_text(cells.get("birth")))  # fmt: skip
        lines.append(line)
        before = len(problems)
        v = _read_row(cells, sheet_row.number, as_of, problems)
        line.problems = problems[before:]
        if v is None:
            continue
        line.birth = birth_words(v["birth"].earliest, v["birth"].latest, v["birth"].text)
        if warning := glyphs.unprintable_message(v["name"]):  # a note: the name is kept as it is
            line.notes.append(warning)
        if v["household_key"]:
            group = "#" + v["household_key"]
            group_names[group] = v["household_key"]
        elif v["address"]:
            group = "@" + header_key(v["address"])
            group_names[group] = v["address"]
        else:
            group = f"row{sheet_row.number}"
            group_names[group] = "（1人の世帯）"
        line.household = group_names[group]
        groups.setdefault(group, []).append((sheet_row.number, v))

    by_row = {line.row: line for line in lines}
    records: list[HouseholdRecord] = []
    record_rows: list[list[int]] = []
    for group, rows in groups.items():
        first_row, first = rows[0]
        household_problems: list[Problem] = []
        for row, v in rows[1:]:
            if v["address"] and first["address"] and header_key(v["address"]) != header_key(first["address"]):
                household_problems.append(
                    Problem(row, "住所", f"同じ世帯（{group_names[group]}）の{first_row}行目と住所が違います")
                )
        heads = [row for row, v in rows if v["relation"] == "head"]
        for row in heads[1:]:
            household_problems.append(Problem(row, "続柄", f"世帯主が2人います（{heads[0]}行目と）"))

        def pick(key: str, rows=rows) -> str:
            return next((v[key] for _, v in rows if v[key]), "")

        record = HouseholdRecord(
            id=first["household_key"] or "",
            address=pick("address"),
            members=[_member(v, i) for i, (_, v) in enumerate(rows)],
            extras=dict(HOUSEHOLD_EXTRAS)
            | {"postal_code": pick("postal_code"), "district": pick("district"),
               "phone": next((v["phone"] for _, v in rows if v["relation"] == "head" and v["phone"]), pick("phone"))},
        )  # fmt: skip
        if not household_problems:
            # The same checks as a household JSON file (lengths, characters): the sheet can hold nothing
            # the dialogs would refuse.
            try:
                household_format.parse(household_format.to_document([_with_id(record, "check")]))
            except InvalidInput as exc:
                household_problems.append(Problem(first_row, "", str(exc)))
        for p in household_problems:
            by_row[p.row].problems.append(p)
        problems += household_problems
        records.append(record)
        record_rows.append([row for row, _ in rows])
    _duplicates_in_sheet(groups, by_row, problems)
    return Preview(table, mapping, lines, records, problems, record_rows)


def _with_id(record: HouseholdRecord, code: str) -> HouseholdRecord:
    return HouseholdRecord(id=record.id or code, address=record.address, members=record.members, extras=record.extras)


def _duplicates_in_sheet(groups, by_row: dict[int, Line], problems: list[Problem]) -> None:
    seen_number: dict[str, int] = {}
    seen_person: dict[tuple[str, date], int] = {}
    for rows in groups.values():
        for row, v in rows:
            number = v["resident_number"]
            if number:
                if number in seen_number:
                    p = Problem(row, "宛名番号", f"{seen_number[number]}行目と同じ宛名番号です")
                    problems.append(p)
                    by_row[row].problems.append(p)
                seen_number.setdefault(number, row)
            key = (search_key(v["name"]), v["birth"].latest)
            if key in seen_person:
                by_row[row].notes.append(f"{seen_person[key]}行目と同じ氏名・生年月日です（同じ人なら1行にしてください）")
            seen_person.setdefault(key, row)
    problems.sort(key=lambda p: p.row)


def check_against_store(session: Session, result: Preview) -> None:
    """Add what the store says: 世帯番号 and 宛名番号 already registered (problems), and people who may
    already be registered under the same name and birth date (notes)."""
    rows_of: dict[int, Line] = {line.row: line for line in result.lines}
    member_rows: dict[int, Member] = {}
    first_row: dict[str, int] = {}
    for record, rows in zip(result.records, result.record_rows, strict=True):
        member_rows |= dict(zip(rows, record.members, strict=True))
        if record.id:
            first_row[record.id] = rows[0]
    codes = list(first_row)
    for i in range(0, len(codes), 500):
        for code in session.scalars(select(Household.code).where(Household.code.in_(codes[i : i + 500]))):
            _add(result, rows_of, Problem(first_row[code], "世帯番号", f"世帯番号 {code} はすでに登録されています"))
    numbers = {m.extras["resident_number"]: row for row, m in member_rows.items() if m.extras["resident_number"]}
    keys: dict[str, list[int]] = {}
    for row, m in member_rows.items():
        keys.setdefault(search_key(m.name), []).append(row)
    number_list = list(numbers)
    for i in range(0, len(number_list), 500):
        found = session.execute(
            select(Person.resident_number, Person.name, Household.code)
            .join(Household, Household.id == Person.household_id)
            .where(Person.resident_number.in_(number_list[i : i + 500]))
        )
        for number, name, code in found:
            _add(result, rows_of, Problem(numbers[number], "宛名番号",
                                          f"宛名番号 {number} は登録済みの {name}（世帯 {code}）に使われています"))  # fmt: skip
    key_list = list(keys)
    for i in range(0, len(key_list), 500):
        found = session.execute(
            select(Person.name_key, Person.name, Person.birth_date, func.coalesce(Person.birth_earliest, Person.birth_date),
                   Household.code)
            .join(Household, Household.id == Person.household_id)
            .where(Person.name_key.in_(key_list[i : i + 500]))
        )  # fmt: skip
        for key, name, latest, earliest, code in found:
            for row in keys[key]:
                m = member_rows[row]
                if (m.birth_earliest or m.birth_date) <= latest and earliest <= m.birth_date:
                    rows_of[row].notes.append(
                        f"登録済みの {name}（{format_wareki(latest)}生、世帯 {code}）と同じ人かもしれません"
                    )
    result.problems.sort(key=lambda p: p.row)


def _add(result: Preview, rows_of: dict[int, Line], problem: Problem) -> None:
    result.problems.append(problem)
    if problem.row in rows_of:
        rows_of[problem.row].problems.append(problem)


def preview_for_store(store: Store, table: Table, mapping: Mapping, progress=None) -> Preview:
    result = preview(table, mapping, progress=progress)
    with store.session() as s:
        check_against_store(s, result)
    return result


def import_preview(store: Store, result: Preview) -> exchange.ImportResult:
    """All the households of a preview with no problem, or nothing. Households without a 世帯番号 get
    the app's next codes."""
    if not result.ok:
        raise InvalidInput(f"{len(result.problems)} 件の誤りがあるため、何も取り込んでいません")
    with store.session() as s:
        last = s.scalar(select(func.max(Household.id))) or 0
        taken = set(s.scalars(select(Household.code).where(Household.code.like("H-%"))))
    records, n = [], last
    for record in result.records:
        code = record.id
        while not code or code in taken:
            n += 1
            code = f"H-{n:06d}"
        taken.add(code)
        records.append(_with_id(record, code))
    return exchange.import_records(store, records, source=result.table.name)


def mapping_for(table: Table, remembered: dict[str, str] | None = None) -> Mapping:
    """The proposed mapping, refused when a required column is not found (the CLI has no one to ask)."""
    from app.services.sheets.mapping import missing, propose

    chosen = propose(table.headers, FIELDS, remembered)
    if lacking := missing(chosen, FIELDS):
        words = "、".join(f"「{f.label}」" for f in lacking)
        raise InvalidInput(f"{table.name}: {words}の列が見つかりません（見出しの行を確かめてください）")
    return chosen


def refusal(result: Preview, limit: int = 50) -> InvalidInput:
    lines = [str(p) for p in result.problems[:limit]]
    if len(result.problems) > limit:
        lines.append(f"ほか {len(result.problems) - limit} 件")
    return InvalidInput(
        f"{result.table.name}: {len(result.problems)} 件の誤りがあるため、何も取り込んでいません\n" + "\n".join(lines)
    )
