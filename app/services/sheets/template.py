"""The template workbooks the coordinator downloads and fills: the app's own headers (which import with
no choosing), two made-up example rows, and a 説明 sheet saying how each column is written."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from app.services.common.fileio import atomic_write_bytes
from app.services.sheets import casework, people

EXAMPLES = {
    "people": [
        ["0001", "100234", "見本 太郎", "みほん たろう", "男", "昭和19年5月1日", "世帯主", "○○町大字△△123", "680-0000",
         "0857-00-0000", "", "△△地区", "死別", "無職", "要介護2", ""],
        ["0001", "100235", "見本 一郎", "みほん いちろう", "男", "昭和50年", "長男", "○○町大字△△123", "680-0000",
         "", "", "△△地区", "未婚", "無職", "", "生年月日は年のみ分かる"],
        ["0002", "", "見本 花子", "みほん はなこ", "女", "80代", "世帯主", "○○町大字□□45", "", "", "090-0000-0000",
         "□□地区", "", "", "", "民生委員からの情報"],
    ],
    "intakes": [["R7.4.10", "0001", "", "見本 一郎", "", "民生委員", "父の介護と仕事のこと", "自ら対応", "", "", ""]],
    "visits": [["R7.4.15 14:00", "0001", "", "見本 一郎", "", "継続的支援訪問", "玄関先で話せた", "会えた", "", ""]],
}  # fmt: skip


def fields_of(kind: str):
    return people.FIELDS if kind == "people" else casework.FIELDS[kind]


def write(path: Path, kind: str) -> None:
    fields = fields_of(kind)
    book = Workbook()
    sheet = book.active
    sheet.title = {"people": "世帯員", **casework.KINDS}[kind]
    sheet.append([f.label for f in fields])
    bold, required = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    for cell, f in zip(sheet[1], fields, strict=True):
        cell.font = bold
        if f.required:
            cell.fill = required
        sheet.column_dimensions[cell.column_letter].width = max(10, 2 * len(f.label) + 4)
    for row in EXAMPLES[kind]:
        sheet.append(row[: len(fields)])
    # Text cells, so Excel keeps leading zeros of numbers typed into them.
    for column in sheet.iter_cols(min_row=2, max_row=200):
        for cell in column:
            cell.number_format = "@"
    guide = book.create_sheet("説明")
    guide.append(["見出し", "必須", "書き方"])
    for cell in guide[1]:
        cell.font = bold
    for f in fields:
        guide.append([f.label, "必須" if f.required else "", f.hint])
    guide.append([])
    guide.append(["例の行（見本 太郎 など）は消してから記入してください。見出しは変えずに使ってください。"])
    guide.column_dimensions["A"].width, guide.column_dimensions["C"].width = 16, 70
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write_bytes(Path(path), buffer.getvalue())
