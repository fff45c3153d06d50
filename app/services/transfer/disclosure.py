"""本人開示 handed over as files: the A4 PDF (the catalogue's 「本人開示」 print) and an Excel workbook of the
same file (households.disclosure decides what it holds and what of others stays out), written into a
folder the coordinator chose. The PDF is audited as a print and the workbook as an export; both go into
the 持出し管理簿 with their hash, and both are readable by this user only."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.services.catalog import print_catalog
from app.services.common.fileio import atomic_write_bytes
from app.services.common.japanese import format_wareki
from app.services.households import disclosure
from app.services.households.disclosure import PersonFile
from app.services.printing import printing
from app.services.store import audit, media_ledger
from app.services.store.store import Store


@dataclass(frozen=True)
class Handed:
    pdf: Path
    xlsx: Path


def _wareki(value) -> str:
    if isinstance(value, datetime):
        return f"{format_wareki(value.date())} {value:%H:%M}"
    return format_wareki(value) if isinstance(value, date) else ""


def workbook(file: PersonFile) -> bytes:
    """The file as a workbook: the person's record, then one sheet per part; a date is a date cell with
    its 和暦 in the column after it."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    first = book.active
    first.title = "本人の記録"
    first.append([disclosure.TITLE, f"作成日 {format_wareki(file.made_on)}"])
    first["A1"].font = Font(bold=True, size=14)
    first.append(["項目", "内容", "和暦"])
    for key, value in file.facts:
        first.append([key, value, _wareki(value)])
    first.column_dimensions["A"].width, first.column_dimensions["B"].width = 24, 60
    for section in file.sections:
        sheet = book.create_sheet(section.title[:31])
        dated = {
            i for i, _h in enumerate(section.header) if any(isinstance(r[i], date) for r in section.rows)
        }
        header = []
        for i, label in enumerate(section.header):
            header += [label, f"{label}（和暦）"] if i in dated else [label]
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in section.rows:
            values = []
            for i, value in enumerate(row):
                values += [value, _wareki(value)] if i in dated else [value]
            sheet.append(values)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, str) and "\n" in cell.value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        if section.note:
            sheet.append([])
            sheet.append([section.note])
        for i in range(1, len(header) + 1):
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def hand_over(store: Store, person_id: int, folder: Path) -> Handed:
    """Write the 本人開示 of one person into ``folder`` as PDF and Excel; returns the two paths."""
    folder = Path(folder)
    printed = print_catalog.produce(store, "disclosure", print_catalog.Request(record_id=person_id))
    pdf = printing.save_as(store, printed, folder / printing.file_name(printed))
    with store.session() as s:
        file = disclosure.gather(s, person_id)
        data = workbook(file)
        xlsx = folder / f"{pdf.stem}.xlsx"
        atomic_write_bytes(xlsx, data)
        audit.record(
            s, "export", target=printed.target, detail={"form": disclosure.TITLE, "saved_to": str(xlsx)}
        )
        media_ledger.add_file(s, "export", xlsx, data, operator=store.actor)
        s.commit()
    return Handed(pdf, xlsx)
