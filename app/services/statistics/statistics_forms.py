"""統計レポート: every section as a table and, where it helps, a horizontal bar chart (drawn with
ReportLab's own shapes so the chart's Japanese labels use the embedded font)."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak

from app.services.common.japanese import format_wareki
from app.services.printing.forms import CONTENT_W, GOTHIC, Form, FormContext
from app.services.statistics.statistics import Report

TITLE, NUMBER = "統計レポート", "様式 S-1"
FULL = CONTENT_W / mm
BAR_COLOUR = colors.HexColor("#2F6FB0")
LABEL_W, ROW_H = 62 * mm, 5.2 * mm
HEADING_H, TABLE_ROW_H, FRAME_H = 9 * mm, 6.8 * mm, 240 * mm  # estimates for keeping a section together


def short(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(rows: list[tuple[str, int]], width: float = CONTENT_W) -> Drawing:
    top = max((v for _l, v in rows), default=0) or 1
    bar_w = width - LABEL_W - 14 * mm
    d = Drawing(width, ROW_H * len(rows) + 2 * mm)
    for i, (label, value) in enumerate(rows):
        y = d.height - (i + 1) * ROW_H
        d.add(String(0, y + 1.3 * mm, short(label), fontName=GOTHIC, fontSize=8))
        length = bar_w * value / top
        if length:
            d.add(
                Rect(LABEL_W, y + 0.8 * mm, length, ROW_H - 1.6 * mm, fillColor=BAR_COLOUR, strokeColor=None)
            )
        d.add(String(LABEL_W + length + 1.5 * mm, y + 1.3 * mm, f"{value:,}", fontName=GOTHIC, fontSize=8))
    return d


def report_sheet(context: FormContext, report: Report) -> bytes:
    form = Form(f"{TITLE}（{report.period.label}）", NUMBER, context)
    form.key_values([("期間", report.period.span), ("期限超過などの基準日", format_wareki(report.as_of))])
    for section in report.sections:
        charted = section.chart and any(v for _l, v in section.rows)
        # Start a section on a new page when its heading, table and chart would not fit together on what
        # is left of this one (so a chart is never printed apart from its table); long sections still split.
        height = (
            HEADING_H
            + TABLE_ROW_H * (len(section.rows) + 1)
            + (ROW_H * len(section.rows) + 4 * mm if charted else 0)
        )
        if height < FRAME_H:
            form.flowable(CondPageBreak(height))
        form.heading(section.title)
        if section.note:
            form.paragraph(section.note, "small")
        if not section.rows:
            form.paragraph("該当はありません。")
            continue
        form.grid(
            [[label, f"{value:,}"] for label, value in section.rows], [FULL - 30, 30], header=["項目", "件数"]
        )
        if charted:
            form.spacer(2)
            form.flowable(bar_chart(section.rows))
    return form.render()
