"""参加支援の記録 (one participation on A4): who, where, what for, the activities with attendance, and
what changed for the person in their own words. Made only through the print catalogue, so the rules of
sharing (a restricted household, 最小限) apply to it like to every form."""

from __future__ import annotations

from reportlab.lib.units import mm

from app.models import vocab
from app.models.participation import Participation
from app.services.common.japanese import format_wareki
from app.services.printing.forms import CONTENT_W, Form, FormContext

TITLE, NUMBER = "参加支援の記録", "様式 G-1"


def _day(d) -> str:
    return format_wareki(d) if d else ""


def participation_sheet(context: FormContext, p: Participation, agency_name: str) -> bytes:
    d = context.disclosure
    household = p.household
    form = Form(TITLE, NUMBER, context)
    attended = sum(1 for a in p.activities if a.attended)
    form.key_values(
        [
            ("世帯番号", household.code),
            ("本人", d.name(p.person)),
            ("受入先", agency_name),
            ("参加する内容", vocab.PARTICIPATION_OFFER.get(p.offer, p.offer)),
            ("状態", vocab.PARTICIPATION_STATE.get(p.state, p.state)),
            ("つないだ日", _day(p.matched_on)),
            ("参加の開始日", _day(p.started_on)),
            ("終了日", _day(p.ended_on)),
            ("参加の記録", f"{len(p.activities)}回（参加 {attended}回）"),
            ("終了の理由", p.end_reason),
        ]
    )
    for label, text in (("本人の希望・ねらい", p.purpose),
                        ("本人にとって変わったこと（本人の言葉）", p.changes)):  # fmt: skip
        form.heading(label)
        form.grid([[text or "　"]], [CONTENT_W / mm], min_row_mm=14)
    form.heading(f"参加の記録（{len(p.activities)}回、古い順）")
    rows = [[_day(a.held_on), "参加" if a.attended else "休み", a.what, a.note] for a in p.activities]
    if rows:
        form.grid(rows, [34, 14, 46, CONTENT_W / mm - 94], header=["参加日", "出欠", "内容", "様子（本人の言葉）"])
    else:
        form.paragraph("参加の記録はまだありません。")
    if p.note:
        form.heading("メモ")
        form.grid([[p.note]], [CONTENT_W / mm])
    return form.render()
