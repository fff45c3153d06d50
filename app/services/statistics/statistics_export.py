"""The statistics as files the town hall opens: CSV (UTF-8 with BOM, so Excel reads the Japanese) and
an Excel workbook with the same lines and a bar chart per section. openpyxl is imported only here."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from app.models import vocab
from app.services.common.fileio import atomic_write_bytes
from app.services.common.japanese import format_wareki
from app.services.statistics.statistics import Report, by_program
from app.services.store import audit, media_ledger
from app.services.store.store import Store

HEADER = ("区分", "項目", "件数")


def _written(path: Path, data: bytes, store: Store | None, kind: str) -> Path:
    """Write the file; with the store, the export is audited and goes into the 持出し管理簿."""
    atomic_write_bytes(path, data)
    if store is not None:
        with store.session() as s:
            audit.record(s, "export", target=path.name, detail={"statistics": kind})
            media_ledger.add_file(s, "export", path, data, operator=store.actor)
            s.commit()
    return path


def write_csv(report: Report, path: Path, store: Store | None = None) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(report.table())
    return _written(Path(path), buffer.getvalue().encode("utf-8-sig"), store, "csv")


def write_xlsx(report: Report, path: Path, store: Store | None = None) -> Path:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "統計"
    sheet["A1"] = f"統計　{report.period.label}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"{report.period.span}（期限超過などは{format_wareki(report.as_of)}時点）"
    sheet.append(HEADER)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    charts = book.create_sheet("グラフ")
    anchor_row = 1
    for section in report.sections:
        first = sheet.max_row + 1
        for label, value in section.rows:
            sheet.append((section.title, label, value))
        last = sheet.max_row
        if section.chart and section.rows:
            chart = BarChart()
            chart.type = "bar"  # horizontal: long Japanese labels stay readable
            chart.title = section.title
            chart.legend = None
            chart.add_data(Reference(sheet, min_col=3, min_row=first, max_row=last), titles_from_data=False)
            chart.set_categories(Reference(sheet, min_col=2, min_row=first, max_row=last))
            chart.height, chart.width = max(5.0, 0.6 * len(section.rows) + 2), 18.0
            charts.add_chart(chart, f"A{anchor_row}")
            anchor_row += int(chart.height * 2) + 2
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 10
    buffer = io.BytesIO()
    book.save(buffer)
    return _written(Path(path), buffer.getvalue(), store, "xlsx")


# 和暦 in Excel itself: the cell holds a real date, shown as 令和8年4月1日.
WAREKI_FORMAT = '[$-ja-JP-x-gannen]ggge"年"m"月"d"日"'
BODY_HEADER = ("名称", "分野", "設置形態", "箇所数", "直営・委託", "委託先", "備考")
SETUP_HEADER = ("実施主体", "委託の有無", "委託先", "配置人数", "備考")
# Which 実施計画 register describes a 事業's 実施体制: the 相談支援機関・拠点 list (必須1) or the
# per-事業 setup (必須2).
BODY_SHEETS = ("comprehensive", "community")


def period_words(report: Report) -> str:
    """「令和8年度（令和8年4月1日〜令和9年3月31日）」: stated on every sheet."""
    return f"{report.period.label}（{report.period.span}）"


def write_program_workbook(
    report: Report, bodies: list, setups: dict, path: Path, store: Store | None = None, made_on: date | None = None
) -> Path:
    """事業別 実績: one sheet per 事業 with its 実施体制 (from the 実施計画 registers: ``bodies`` are SupportBody
    rows, ``setups`` ProgramSetup rows by vocab.PROGRAM code) and its 実績 lines, and a sheet of the person-level
    breakdowns; the lines are statistics.by_program's, the same as the 統計 page."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for code, title, sections in by_program(report):
        sheet = book.create_sheet(title[:31])
        sheet.append((f"{title}　実績" if code != "people" else title,))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append((period_words(report),))
        sheet.append(("期間", report.period.start, "〜", report.period.end))
        sheet.append(("作成日", made_on or date.today(), "基準日", report.as_of))
        for row in (3, 4):
            for col in ("B", "D"):
                sheet[f"{col}{row}"].number_format = WAREKI_FORMAT
        sheet.append(())
        if code in BODY_SHEETS or code in setups:
            sheet.append(("実施体制（実施計画の登録から）",))
            sheet.cell(sheet.max_row, 1).font = bold
            if code in BODY_SHEETS:
                sheet.append(BODY_HEADER)
                listed = [b for b in bodies if b.active]
                for b in listed:
                    sheet.append((b.name, b.field, vocab.SETUP_FORM.get(b.form, ""), b.places,
                                  vocab.OPERATION.get(b.operation, ""), b.contractor, b.note))  # fmt: skip
                if not listed:
                    sheet.append(("（相談支援機関・拠点が登録されていません）",))
            else:
                setup = setups[code]
                sheet.append(SETUP_HEADER)
                sheet.append((setup.body or "（未登録）", "委託" if setup.outsourced else "直営", setup.contractor,
                              setup.staff, setup.note))  # fmt: skip
            sheet.append(())
        sheet.append(("実績",))
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append(HEADER)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for section in sections:
            for label, value in section.rows:
                sheet.append((section.title, label, value))
        if not sections:
            sheet.append(("（この事業の記録はまだありません）",))
        for col, width in zip("ABCDEFG", (34, 48, 14, 14, 12, 20, 20), strict=True):
            sheet.column_dimensions[col].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return _written(Path(path), buffer.getvalue(), store, "program_xlsx")
