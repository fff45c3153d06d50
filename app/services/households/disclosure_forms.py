"""The 本人開示 as an A4 print: the person's record, then each part of the file (households.disclosure)."""

from __future__ import annotations

from datetime import date, datetime

from reportlab.lib.units import mm

from app.services.common.japanese import format_wareki
from app.services.households.disclosure import TITLE, PersonFile
from app.services.printing.forms import CONTENT_W, Form, FormContext

NUMBER = "様式 K-1"
INTRO = (
    "個人情報の保護に関する法律に基づく開示請求により、当課が保有するあなたの個人情報をお知らせします。"
    "ほかの方の個人情報と、開示することで人の生命・身体などを害するおそれのある情報は載せていません。"
)
EMPTY = "記録はありません。"


def _cell(value, short: bool = False) -> str:
    if isinstance(value, datetime):
        return f"{format_wareki(value.date(), short=short)} {value:%H:%M}"
    if isinstance(value, date):
        return format_wareki(value, short=short)
    return "" if value is None else str(value)


def _grid_rows(rows: list[list]) -> list[list[str]]:
    """Table rows with dates in the short 和暦 (R8.1.20) so they fit a column; where a row continues the
    one before (the same change, another field), its repeated first cells are left blank."""
    out, before = [], None
    for row in rows:
        cells = [_clipped(_cell(v, short=True)) for v in row]
        lead = cells[:4]
        out.append(([""] * 4 + cells[4:]) if len(cells) > 5 and lead == before else cells)
        before = lead
    return out


CELL_LIMIT = 300  # characters: a table cell cannot run on to the next page


def _clipped(text: str) -> str:
    return (
        text
        if len(text) <= CELL_LIMIT
        else text[:CELL_LIMIT] + "…（全文は同時に渡す Excel ファイルにあります）"
    )


def person_disclosure(context: FormContext, file: PersonFile) -> bytes:
    form = Form(TITLE, NUMBER, context)
    form.paragraph(f"{INTRO}（作成日 {format_wareki(file.made_on)}　{context.town}）", "small")
    form.spacer(2)
    form.heading("本人の記録")
    form.key_values([(k, _cell(v)) for k, v in file.facts], label_mm=36)
    for section in file.sections:
        form.heading(section.title)
        if section.note:
            form.paragraph(section.note, "small")
        if not section.rows:
            form.paragraph(EMPTY, "small")
            continue
        if section.blocks:
            # Long text as paragraphs, not table cells: a paragraph may run on to the next page, a cell
            # taller than a page cannot be printed at all.
            for row in section.rows:
                pairs = list(zip(section.header, row, strict=True))
                form.paragraph("　".join(_cell(v) for _k, v in pairs[:2] if _cell(v)), "label")
                for label, value in pairs[2:]:
                    if _cell(value):
                        form.paragraph(f"【{label}】{_cell(value)}")
                form.spacer(3)
            continue
        widths = section.widths or [CONTENT_W / mm / len(section.header)] * len(section.header)
        form.grid(_grid_rows(section.rows), widths, header=section.header)
    return form.render()
