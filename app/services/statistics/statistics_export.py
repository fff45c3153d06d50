"""The statistics as files the town hall opens: CSV (UTF-8 with BOM, so Excel reads the Japanese) and
an Excel workbook with the same lines and a bar chart per section. openpyxl is imported only here."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from app.services.common.fileio import atomic_write_bytes
from app.services.common.japanese import format_wareki
from app.services.statistics.statistics import Report
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
