"""Outreach prints: 経過一覧 (the 支援経過記録), 訪問記録票 (one visit), 訪問予定表 (a day's round)."""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm

from app.models import Household, Visit, vocab
from app.services.common.japanese import format_wareki
from app.services.outreach.outreach import Entry
from app.services.printing.forms import CONTENT_W, Form, FormContext

TIMELINE_TITLE, TIMELINE_NUMBER = "支援経過記録（経過一覧）", "様式 K-2"
VISIT_TITLE, VISIT_NUMBER = "訪問記録票", "様式 V-1"
ROUTE_TITLE, ROUTE_NUMBER = "訪問予定表", "様式 V-2"


def timeline_sheet(context: FormContext, household: Household, entries: list[Entry]) -> bytes:
    d = context.disclosure
    form = Form(TIMELINE_TITLE, TIMELINE_NUMBER, context)
    form.key_values([("世帯番号", household.code), ("世帯", d.household_name(household)),
                     ("住所", d.address(household)),
                     ("状態", vocab.HOUSEHOLD_STATUS.get(household.status, ""))])  # fmt: skip
    form.heading(f"経過（{len(entries)}件、古い順）")
    rows = [[f"{format_wareki(e.at.date())}\n{e.at:%H:%M}" if e.at.time() != e.at.min.time() else format_wareki(e.at.date()),
             e.kind_word, e.title, e.detail] for e in entries]  # fmt: skip
    if rows:
        form.grid(rows, [36, 18, 52, CONTENT_W / mm - 106], header=["日時", "種類", "内容", "記録"])
    else:
        form.paragraph("記録はまだありません。")
    return form.render()


def visit_sheet(context: FormContext, household: Household, visit: Visit, agency_name: str = "") -> bytes:
    d = context.disclosure
    people = {m.id: d.name(m) for m in household.members}
    form = Form(VISIT_TITLE, VISIT_NUMBER, context)
    form.key_values(
        [
            ("世帯番号", household.code),
            ("世帯", d.household_name(household)),
            ("訪問日時", f"{format_wareki(visit.visited_at.date())} {visit.visited_at:%H:%M}"),
            ("訪問者", " ".join(x for x in (visit.visitor, agency_name) if x)),
            ("種別", vocab.VISIT_KIND.get(visit.kind, "") + ("（計画）" if visit.planned else "（随時）")),
            ("結果", vocab.VISIT_RESULT.get(visit.result, "")),
            ("会えた人", "、".join(people.get(p, "") for p in visit.met_person_ids or [])),
            ("次回予定日", format_wareki(visit.next_on) if visit.next_on else ""),
        ]
    )
    for label, text in (("住環境・生活環境・困りごと", visit.living), ("本人の言葉", visit.own_words),
                        ("提供した情報", visit.info_given), ("本人の反応", visit.reaction), ("つなぎ", visit.connection),
                        ("リスク所見", visit.risk)):  # fmt: skip
        form.heading(label)
        form.grid([[text or "　"]], [CONTENT_W / mm], min_row_mm=12)
    return form.render()


def route_sheet(context: FormContext, day: date, stops: list[tuple[date, int, str, str, str]]) -> bytes:
    """The visits planned for one day, in address order, with room to note the result by hand. Names and
    addresses come as the stops hold them; the print's disclosure withholds what it must (a 虐待・DV
    household's address) when the form lays the text out."""
    form = Form(ROUTE_TITLE, ROUTE_NUMBER, context)
    form.paragraph(f"{format_wareki(day)}の訪問予定　{len(stops)}件")
    rows = [
        [str(i), code, name, address, "□会えた □不在 □置き手紙", ""]
        for i, (_d, _h, code, name, address) in enumerate(stops, 1)
    ]
    if rows:
        form.grid(
            rows,
            [8, 22, 28, 54, 38, 24],
            header=["順", "世帯番号", "世帯", "住所", "結果", "メモ"],
            min_row_mm=12,
        )
    else:
        form.paragraph("この日の訪問予定はありません。")
    return form.render()
