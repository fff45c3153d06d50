"""Household prints through the forms layer: 相談受付票 (A票 layout) and 世帯票 (face sheet with genogram)."""

from __future__ import annotations

from datetime import date

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from app.models import Consent, Household, Intake, vocab
from app.services.common.japanese import format_wareki
from app.services.flags import flags
from app.services.households import genogram
from app.services.printing.forms import CONTENT_W, GOTHIC, Form, FormContext
from app.services.records import stored
from app.services.records.family import RelationWords, care_notes

INTAKE_TITLE, INTAKE_NUMBER = "相談受付票", "様式 A-1"
FACE_TITLE, FACE_NUMBER = "世帯票", "様式 S-1"
CONSENT_WORDS = "上記の内容で相談を申し込みます。相談支援を受けるため、必要な範囲で関係機関と情報を共有することに同意します。"


def _wareki(d: date | None) -> str:
    return format_wareki(d) if d else ""


def intake_sheet(context: FormContext, household: Household, intake: Intake) -> bytes:
    """相談受付票, filled from the record: nothing re-typed. What it may show is the print's disclosure
    (under 虐待・DV, not where the family lives nor how to reach them)."""
    on = context.printed_at.date()
    d = context.disclosure
    form = Form(INTAKE_TITLE, INTAKE_NUMBER, context)
    form.key_values(
        [
            ("世帯番号", household.code),
            ("受付日", _wareki(intake.received_on)),
            ("受付者", intake.received_by),
            ("緊急度", vocab.URGENCY.get(intake.urgency, "")),
            ("経路", vocab.ROUTE.get(intake.route, "")),
            (
                "対応",
                vocab.INTAKE_RESPONSE.get(intake.response, "")
                + (f"（{intake.referred_to}）" if intake.referred_to else ""),
            ),
        ]
    )
    form.heading("相談者（本人）")
    person = intake.person or next((m for m in household.members if m.relation == "head"), None)
    if person is not None:
        form.key_values(
            [
                ("ふりがな", d.kana(person)),
                ("氏名", d.name(person)),
                ("性別", vocab.SEX.get(person.sex, "")),
                ("生年月日", d.birth(person, on)),
                ("住所", d.address(household)),
                ("電話", d.phone(household, person.phone or household.phone, person.mobile)),
            ]
        )
    else:
        form.key_values([("住所", d.address(household)), ("電話", d.phone(household, household.phone))])
    if intake.visitor_name:
        form.heading("来談者（本人以外の場合）")
        form.key_values(
            [
                ("氏名", d.scrub(intake.visitor_name) if not d.anonymous else "（非表示：最小限）"),
                ("本人との関係", intake.visitor_relation),
                ("電話", d.phone(household, intake.visitor_phone)),
            ]
        )
    form.heading("相談内容（○ 該当するもの、◎ 最も困っていること）")
    chosen = [vocab.CONSULT_CATEGORY[c] for c in intake.categories]
    main = vocab.CONSULT_CATEGORY.get(intake.main_category) if intake.main_category else None
    form.check_row(list(vocab.CONSULT_CATEGORY.values()), selected=chosen, main=main, columns=3)
    if intake.category_note:
        form.paragraph(f"その他: {intake.category_note}")
    form.heading("主訴（本人の言葉）")
    form.grid([[intake.main_complaint or "　"]], [CONTENT_W / mm], min_row_mm=18)
    form.heading("背景・気づいたこと")
    form.grid([[intake.background or "　"]], [CONTENT_W / mm], min_row_mm=18)
    form.heading("申込・同意")
    form.paragraph(CONSENT_WORDS)
    form.signature_line("本人署名")
    form.signature_line("署名日")
    return form.render()


class _GenogramDrawing:
    """The genogram layout drawn with ReportLab shapes (y grows downward in the layout)."""

    def __init__(self, g: genogram.Genogram, max_width: float = CONTENT_W, max_unit: float = 11 * mm,
                 label=lambda text: text):  # fmt: skip
        self.g, self.label = g, label
        self.unit = min(max_unit, max_width / max(g.width, 1))
        self.width = max(g.width, 1) * self.unit
        self.height = (g.height + 0.4) * self.unit

    def _xy(self, x: float, y: float) -> tuple[float, float]:
        return x * self.unit, self.height - y * self.unit

    def drawing(self) -> Drawing:
        d = Drawing(self.width, self.height)
        g, u = self.g, self.unit
        half = 0.36
        if g.household_box:
            x0, y0, x1, y1 = g.household_box
            (px0, py1), (px1, py0) = self._xy(x0, y0), self._xy(x1, y1)
            d.add(Rect(px0, py0, px1 - px0, py1 - py0, rx=6, ry=6, fillColor=None, strokeColor=colors.grey,
                       strokeDashArray=[3, 2], strokeWidth=0.8))  # fmt: skip
        for a, b in g.couples:
            (ax, ay), (bx, by) = self._xy(g.nodes[a].x, g.nodes[a].y), self._xy(g.nodes[b].x, g.nodes[b].y)
            d.add(Line(ax + half * u, ay, bx - half * u, by, strokeWidth=1))
        for parents, child in g.descents:
            ps = [g.nodes[p] for p in parents if p in g.nodes]
            if not ps or child not in g.nodes:
                continue
            c = g.nodes[child]
            mx = sum(p.x for p in ps) / len(ps)
            # From the couple line, or from under a single parent's name and caption.
            top = ps[0].y + (0 if len(ps) > 1 else half + 0.8)
            mid = (top + c.y - half) / 2
            pts = [(mx, top), (mx, mid), (c.x, mid), (c.x, c.y - half)]
            for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
                (a1, b1), (a2, b2) = self._xy(x1, y1), self._xy(x2, y2)
                d.add(Line(a1, b1, a2, b2, strokeWidth=0.8))
        for carer, cared in g.cares:
            if carer in g.nodes and cared in g.nodes:
                self._arrow(d, g.nodes[carer], g.nodes[cared])
        for n in g.nodes.values():
            self._symbol(d, n, half)
        return d

    def _arrow(self, d: Drawing, a: genogram.Node, b: genogram.Node) -> None:
        """Care as an elbowed arrow that keeps clear of names: beside the symbols, or over them when
        both are in one generation."""
        half, color = 0.36, colors.HexColor("#B3261E")
        if abs(a.y - b.y) < 0.01:
            lift = a.y - half - 0.45
            pts = [(a.x + 0.12, a.y - half), (a.x + 0.12, lift), (b.x - 0.12, lift), (b.x - 0.12, b.y - half)]
        else:
            side = max(a.x, b.x) + half + 0.4
            pts = [(a.x + half, a.y + 0.1), (side, a.y + 0.1), (side, b.y + 0.1), (b.x + half, b.y + 0.1)]
        xy = [self._xy(x, y) for x, y in pts]
        for (x1, y1), (x2, y2) in zip(xy, xy[1:], strict=False):
            d.add(Line(x1, y1, x2, y2, strokeColor=color, strokeWidth=1))
        (x1, y1), (x, y) = xy[-2], xy[-1]
        length = max(((x - x1) ** 2 + (y - y1) ** 2) ** 0.5, 1)
        vx, vy, s = (x - x1) / length, (y - y1) / length, 4
        d.add(Polygon([x, y, x - s * vx - s * 0.6 * vy, y - s * vy + s * 0.6 * vx, x - s * vx + s * 0.6 * vy,
                       y - s * vy - s * 0.6 * vx], fillColor=color, strokeColor=color))  # fmt: skip

    def _symbol(self, d: Drawing, n: genogram.Node, half: float) -> None:
        u = self.unit
        cx, cy = self._xy(n.x, n.y)
        r = half * u
        fill = colors.white

        def shape(scale: float):
            rr = r * scale
            if n.sex == "male":
                return Rect(
                    cx - rr, cy - rr, 2 * rr, 2 * rr, fillColor=fill, strokeColor=colors.black, strokeWidth=1
                )
            if n.sex == "female":
                return Circle(cx, cy, rr, fillColor=fill, strokeColor=colors.black, strokeWidth=1)
            return Polygon(
                [cx, cy + rr, cx + rr, cy, cx, cy - rr, cx - rr, cy], fillColor=fill, strokeColor=colors.black
            )

        d.add(shape(1.0))
        if n.client:
            d.add(shape(0.75))
        if n.deceased:
            d.add(Line(cx - r, cy - r, cx + r, cy + r, strokeWidth=1))
            d.add(Line(cx - r, cy + r, cx + r, cy - r, strokeWidth=1))
        size = max(6, min(8, u * 0.3))
        d.add(String(cx, cy - r - size - 1, self.label(n.name), fontName=GOTHIC, fontSize=size, textAnchor="middle"))
        d.add(
            String(
                cx,
                cy - r - 2 * size - 2,
                self.label(n.caption),
                fontName=GOTHIC,
                fontSize=size * 0.9,
                textAnchor="middle",
            )
        )


def genogram_drawing(
    household: Household, on: date, client: str | None = None, max_width: float = CONTENT_W, label=lambda t: t
) -> Drawing:
    """``label``: what every text drawn passes through (a form's ``scrub``)."""
    record = stored.to_record(household)
    return _GenogramDrawing(genogram.layout(record, on, client), max_width, label=label).drawing()


def face_sheet(
    context: FormContext,
    household: Household,
    *,
    latest: Intake | None = None,
    consents: list[Consent] | None = None,
    flag_lines: list[tuple[str, str, str]] | None = None,
) -> bytes:
    """世帯票: household, members with ages on the print date, genogram, flags, consent, last intake.

    ``flag_lines`` are (kind word, state word, reason); when None the rule engine's current
    candidates are printed and marked 候補.
    """
    on = context.printed_at.date()
    d = context.disclosure
    form = Form(FACE_TITLE, FACE_NUMBER, context)
    status = vocab.HOUSEHOLD_STATUS.get(household.status, "")
    if household.status == "closed" and household.closure_reason:
        words = household.closure_note if household.closure_reason == "other" and household.closure_note else ""
        status += f"（{vocab.CLOSURE_REASON[household.closure_reason]}{'：' + words if words else ''}）"
    form.key_values(
        [
            ("世帯番号", household.code),
            ("状態", status),
            ("住所", d.address(household) if household.address else d.place(household, household.label)),
            ("自治会・地区", d.place(household, household.district)),
            ("電話", d.phone(household, household.phone)),
            ("住居", vocab.HOUSING.get(household.housing, "")),
        ]
    )
    form.heading(f"世帯員（年齢は{format_wareki(on)}現在）")
    record = stored.to_record(household)
    words = RelationWords(record)
    rows = []
    for p, m in zip(household.members, record.members, strict=True):
        notes = care_notes(p)
        place = "死亡" if p.deceased else ("同居" if p.lives_here else "別居")
        rows.append(
            [
                f"{d.name(p)}\n{d.kana(p)}",
                words(m),
                vocab.SEX[p.sex],
                d.birth(p, on),
                vocab.WORK[p.work],
                "・".join(notes),
                place,
            ]
        )
    if rows:
        form.grid(
            rows,
            [40, 18, 10, 40, 16, 34, 16],
            header=["氏名／ふりがな", "続柄", "性別", "生年月日（年齢）", "就労", "介護・障害など", "居住"],
        )
    else:
        form.paragraph("世帯員はまだ登録されていません。")
    if household.members:
        form.heading("ジェノグラム（□男性 ○女性、二重は本人、×は死亡、点線の枠は同居、赤の矢印は介護・世話）")
        client = latest.person.code if latest is not None and latest.person is not None else None
        form.flowable(genogram_drawing(household, on, client, label=form.scrub))
    form.heading("気づき（フラグ）")
    if flag_lines is None:
        flag_lines = [(flags.KINDS[f.kind], "候補", f.reason) for f in flags.evaluate(record, on)]
    if flag_lines:
        form.grid([list(line) for line in flag_lines], [26, 18, 130], header=["種類", "状態", "理由"])
    else:
        form.paragraph("該当する気づきはありません。")
    voices = [(d.name(p), p.own_words, p.strengths) for p in household.members if p.own_words or p.strengths]
    if voices:
        form.heading("本人の言葉・希望と強み")
        form.grid(
            [list(v) for v in voices], [34, 80, 60], header=["氏名", "本人の言葉・希望", "できること・強み"]
        )
    form.heading("同意の状況")
    if consents:
        names = {p.id: d.name(p) for p in household.members}
        form.grid(
            [
                [
                    names.get(c.person_id, ""),
                    vocab.CONSENT_PURPOSE.get(c.purpose, ""),
                    vocab.CONSENT_SCOPE.get(c.scope, ""),
                    vocab.CONSENT_METHOD.get(c.method, ""),
                    _wareki(c.consented_on),
                    "撤回 " + _wareki(c.withdrawn_on)
                    if c.withdrawn_on
                    else (_wareki(c.expires_on) + "まで" if c.expires_on else ""),
                ]
                for c in consents
            ],  # fmt: skip
            [30, 30, 30, 16, 34, 34],
            header=["本人", "目的", "範囲", "方法", "同意日", "期限・撤回"],
        )
    else:
        form.paragraph("同意の記録はありません。")
    if latest is not None:
        form.heading("直近の相談受付")
        form.key_values(
            [
                ("受付日", _wareki(latest.received_on)),
                (
                    "◎ 最も困っていること",
                    vocab.CONSULT_CATEGORY.get(latest.main_category, "") if latest.main_category else "",
                ),
            ]
        )
        form.paragraph(f"主訴: {latest.main_complaint}")
    return form.render()
