"""実施計画 prints: the checklist with its status marks, the registers and the indicator table."""

from __future__ import annotations

from reportlab.lib.units import mm

from app.models import ProgramPlan, ProgramSetup, SupportBody, vocab
from app.services.common.japanese import format_fiscal_year, format_wareki
from app.services.printing.forms import CONTENT_W, Form, FormContext
from app.services.program.program_plan import CHECKLIST, TEXT, IndicatorLine, period_name

TITLE, NUMBER = "実施計画チェックリスト", "様式 J-1"
FULL = CONTENT_W / mm
MARKS = {"todo": "□ 未着手", "considering": "△ 検討中", "written": "■ 記載済", "needs_review": "！見直し要"}


def _n(value) -> str:
    return "" if value is None else f"{value:,}"


def checklist_sheet(
    context: FormContext,
    plan: ProgramPlan,
    bodies: list[SupportBody],
    setups: dict[str, ProgramSetup],
    indicators: list[IndicatorLine],
    fy: int,
) -> bytes:
    form = Form(f"{TITLE}（{period_name(plan)}）", NUMBER, context)
    done = sum(1 for i in plan.items if i.status == "written")
    form.key_values([
        ("計画期間", period_name(plan)), ("記載済", f"{done} / {len(plan.items)} 項目"),
        ("毎年の点検", format_wareki(plan.annual_checked_on) if plan.annual_checked_on else "未実施"),
        ("任意事項の見直し", format_wareki(plan.optional_reviewed_on) if plan.optional_reviewed_on else "未実施"),
    ])  # fmt: skip
    items = {i.code: i for i in plan.items}
    for group in dict.fromkeys(g for g, _c, _t in CHECKLIST):
        form.heading(group)
        rows = []
        for code in (c for g, c, _t in CHECKLIST if g == group):
            item = items.get(code)
            status = MARKS.get(item.status, "") if item else ""
            if item is not None and item.changing:
                status += "\n（変わる見込み）"
            where = "\n".join(x for x in ((item.location if item else ""), (item.notes if item else "")) if x)
            checked = format_wareki(item.checked_on, short=True) if item and item.checked_on else ""
            rows.append([TEXT[code], status, where, checked])
        form.grid(rows, [FULL - 82, 22, 38, 22], header=["項目", "状態", "記載箇所・メモ", "確認日"])
    form.heading("相談支援機関・拠点（必須1）")
    if bodies:
        form.grid([[b.name, b.field, vocab.SETUP_FORM.get(b.form, ""), f"{b.places}", vocab.OPERATION.get(b.operation, ""),
                    b.contractor] for b in bodies if b.active],
                  [50, 24, 18, 14, 14, FULL - 120], header=["名称", "分野", "設置形態", "箇所数", "運営", "委託先"])  # fmt: skip
    else:
        form.paragraph("登録がありません。")
    form.heading("実施体制（必須2）")
    form.grid([[vocab.PROGRAM[code], p.body, "委託" if p.outsourced else "直営", p.contractor, _n(p.staff)]
               for code, p in setups.items()],
              [56, 38, 20, FULL - 134, 20], header=["事業", "実施主体", "委託の有無", "委託先", "配置人数"])  # fmt: skip
    form.heading(f"評価指標（{format_fiscal_year(fy)}）")
    form.grid([[i.label, f"{_n(i.baseline)}" + (f"（{format_fiscal_year(i.baseline_fy)}）" if i.baseline_fy else ""),
                _n(i.target), _n(i.actual), i.source] for i in indicators],
              [60, 34, 20, 20, FULL - 134], header=["指標", "基準値", "目標", "実績", "実績の出し方"])  # fmt: skip
    return form.render()
