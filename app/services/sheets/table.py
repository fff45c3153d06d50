"""A sheet as rows of cells: .xlsx through openpyxl, .csv in UTF-8 (with or without BOM) or Shift_JIS.

Nothing is guessed silently: a CSV that is neither valid UTF-8 nor valid cp932 is refused rather than
read with replacement characters, so no name ever turns into 「?」 on the way in.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from app.services.common.errors import InvalidInput

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
SUFFIXES = (".xlsx", ".csv")


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number the coordinator sees in Excel (1 = first line)
    cells: tuple[object, ...]

    def get(self, column: int) -> object:
        return self.cells[column] if column < len(self.cells) else None


@dataclass
class Table:
    name: str  # file name (and sheet, for a workbook): shown in messages and the audit log
    headers: list[str]
    rows: list[SheetRow] = field(default_factory=list)
    encoding: str = ""  # for CSV: which encoding was found


def cell_text(value: object) -> str:
    """A cell as text, the way it reads on screen: full-width digits and letters made half-width,
    surrounding spaces removed. Whole numbers lose Excel's ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _from_rows(name: str, raw_rows) -> Table:
    table: Table | None = None
    for number, cells in enumerate(raw_rows, start=1):
        if number > MAX_ROWS + 1:
            raise InvalidInput(f"{name}: 行が多すぎます（{MAX_ROWS:,}行まで）")
        cells = tuple(cells)[:MAX_COLUMNS]
        if _blank(cells):
            continue
        if table is None:  # the first line with anything in it is the header row
            table = Table(name, [cell_text(c) for c in cells])
            continue
        table.rows.append(SheetRow(number, cells))
    if table is None:
        raise InvalidInput(f"{name}: 見出しの行が見つかりません（空のシートです）")
    return table


def _decode(data: bytes, name: str) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        text = None
    # Python's cp932 maps stray bytes and the 外字 area to private-use characters: in a list of names
    # that means a broken file or characters no other PC can show, never a reading to trust.
    if text is not None and not any("\ue000" <= ch <= "\uf8ff" for ch in text):
        return text, "Shift_JIS"
    raise InvalidInput(
        f"{name}: 文字コードを読み取れません。Excel で「CSV UTF-8」か「CSV（コンマ区切り）」として保存し直してください"
    )


def read(path: Path, sheet: str | None = None) -> Table:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput(f"{path.name}: 取り込めるのは .xlsx と .csv のファイルです")
    try:
        size = path.stat().st_size
    except OSError:
        raise InvalidInput(f"{path.name}: ファイルを開けません") from None
    if size > MAX_BYTES:
        raise InvalidInput(f"{path.name}: ファイルが大きすぎます（{MAX_BYTES // 1024 // 1024} MB まで）")
    if suffix == ".csv":
        text, encoding = _decode(path.read_bytes(), path.name)
        table = _from_rows(path.name, csv.reader(io.StringIO(text, newline="")))
        table.encoding = encoding
        return table
    from openpyxl import load_workbook  # only when a workbook is read: it is slow to import

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise InvalidInput(f"{path.name}: Excel ファイル（.xlsx）として読めません") from None
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
        return _from_rows(f"{path.name}（{ws.title}）", ws.iter_rows(values_only=True))
    finally:
        book.close()
