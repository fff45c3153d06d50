"""実施計画 (社会福祉法第106条の5): the required-items checklist per plan period, the registers the items
are written from, the indicators with actuals computed from the case data, and the review reminders.

The item wording is domain.md §9 verbatim (施行規則第34条の10 as summarised by the 策定ガイドライン).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.models import ChecklistItem, Indicator, IndicatorYear, ProgramPlan, ProgramSetup, SupportBody, vocab
from app.services.common.errors import InvalidInput
from app.services.common.japanese import fiscal_year, format_fiscal_year
from app.services.households.households import FieldErrors, NotFound
from app.services.store.store import Store

CONTENTS, REQUIRED, OPTIONAL, PROCESS = (
    "施行規則第34条の10（計画の内容）",
    "必須の記載事項",
    "任意の記載事項",
    "策定プロセス",
)
CHECKLIST: tuple[tuple[str, str, str], ...] = (
    (CONTENTS, "contents_1", "重層事業を適切かつ効果的に実施するため、地域における高齢者の福祉、障害者の福祉、児童の福祉、生活困窮者の福祉その他の福祉に関する基本方針（事業全体の実施目的、各分野の事業に共通する基本方針など）"),
    (CONTENTS, "contents_2", "重層事業について、包括的相談支援事業（第106条の４第２項第１号）、参加支援事業（同項第２号）、地域づくりに向けた支援事業（同項第３号）、アウトリーチ等を通じた継続的支援事業（同項第４号）、多機関協働事業（同項第５号）のそれぞれの提供体制に関する事項"),
    (CONTENTS, "contents_3", "重層事業の事業目標・評価指標（包括的相談支援事業における相談受付件数、参加支援事業の支援対象者数・協力事業者数、地域づくり事業の拠点数・参加者数・参加機関数など）"),
    (CONTENTS, "contents_4", "関係機関間の一体的な連携に関する事項（関係機関間の情報連携、重層的支援会議の実施方法など）"),
    (REQUIRED, "required_1", "相談支援機関、地域づくりに向けた支援事業の拠点等の設置箇所数、設置形態（基本型、統合型、地域型）"),
    (REQUIRED, "required_2", "参加支援事業、多機関協働事業、アウトリーチ等を通じた継続的支援事業の実施体制（委託の有無を含む実施主体、配置人数などどのような体制で設置するか等）"),
    (REQUIRED, "required_3", "重層的支援会議の実施方法"),
    (REQUIRED, "required_4", "支援関係機関間の連携に関する事項"),
    (OPTIONAL, "optional_1", "重層事業を適切かつ効果的に実施するため、地域における高齢者福祉、障害者福祉、児童の福祉、生活困窮者の福祉に関する基本方針"),
    (OPTIONAL, "optional_2", "重層事業の事業目標"),
    (OPTIONAL, "optional_3", "重層事業の事業評価・見直しに関する事項"),
    (PROCESS, "process_pdca", "PDCA（策定 → 実施 → 評価・検証 → 見直し）"),
    (PROCESS, "process_internal", "庁内の協議体・PT"),
    (PROCESS, "process_local", "地域の協議体（住民・支援関係機関・支援団体）"),
    (PROCESS, "process_harmony", "他計画との調和（地域福祉計画、介護保険事業計画、障害福祉計画、子ども・子育て支援事業計画）"),
    (PROCESS, "process_survey", "ニーズ調査"),
    (PROCESS, "process_opinion", "意見反映（住民・支援関係機関）"),
    (PROCESS, "process_annual", "毎年の点検"),
    (PROCESS, "process_optional_review", "任意事項は約3〜5年のPDCAスパンで見直し"),
    (PROCESS, "process_required_change", "必須事項が変わる見込みなら、その事業年度に間に合うよう見直し開始"),
    (PROCESS, "process_committee", "計画評価委員会"),
    (PROCESS, "process_qualitative", "定量だけでなく意識・行動・連携の変化も評価"),
)  # fmt: skip
TEXT = {code: text for _g, code, text in CHECKLIST}
GROUP = {code: group for group, code, _t in CHECKLIST}
OPTIONAL_REVIEW_YEARS = 3  # the guideline's 約3〜5年: remind from the third year on

# Indicators whose actual is counted from the casework: (statistics section, line).
COMPUTED = {
    "intakes": ("相談受付件数", "summary", "相談受付件数（延べ）"),
    "intake_people": ("相談受付の実人数", "summary", "相談受付の実人数"),
    "visits": ("訪問相談件数", "visit", "訪問（会えなかった訪問を含む延べ）"),
    "jusou": ("重層的支援会議につながれた件数", "plan", "重層的支援会議につながれた件数（実世帯）"),
    "referrals": ("つなぐシート件数", "referral", "送付"),
    "plans": ("支援プラン作成件数", "plan", "支援プランの承認"),
    # 施行規則の例示 (domain.md §9 contents 3), counted since the app holds 参加支援 and 地域づくり records.
    "participants": ("参加支援事業の支援対象者数", "participation", "参加支援の支援対象者数（実人数）"),
    "hosts": ("参加支援事業の協力事業者数", "participation", "受入先・協力事業者数"),
    "places": ("地域づくり事業の拠点数", "community", "拠点・居場所の数"),
    "community_participants": ("地域づくり事業の参加者数", "community", "活動の参加者（延べ）"),
}
# Stores made before these were counted hold them as hand-typed indicators (no code): matched by their
# label, they are counted from now on, and what was typed for them stays in the store unread.
BY_LABEL = {label: code for code, (label, _section, _line) in COMPUTED.items()}


def period_name(plan: ProgramPlan) -> str:
    first = format_fiscal_year(plan.first_fy).removesuffix("年度")
    last = format_fiscal_year(plan.last_fy)
    era = first[:2]
    return f"{first}〜{last.removeprefix(era) if last.startswith(era) else last}"


# --- plans and the checklist ----------------------------------------------------------------------


def plans(store: Store) -> list[ProgramPlan]:
    with store.session() as s:
        return list(s.scalars(select(ProgramPlan).order_by(ProgramPlan.first_fy.desc())))


def get(store: Store, plan_id: int) -> ProgramPlan:
    with store.session() as s:
        plan = s.scalar(
            select(ProgramPlan).where(ProgramPlan.id == plan_id).options(selectinload(ProgramPlan.items))
        )
        if plan is None:
            raise NotFound("その計画期間は見つかりません")
        return plan


def create(store: Store, first_fy: int, last_fy: int, note: str = "") -> int:
    """A new period. It starts from the latest earlier one: each item's status, place, notes and
    evidence, and the indicators with their baselines (nothing typed twice)."""
    if not (2000 <= first_fy <= last_fy <= first_fy + 9):
        raise FieldErrors(
            {"last_fy": "計画期間は開始年度から10年以内で、終わりが始まりより前にならないようにしてください"}
        )
    with store.session() as s:
        if s.scalar(
            select(ProgramPlan.id).where(ProgramPlan.first_fy <= last_fy, ProgramPlan.last_fy >= first_fy)
        ):
            raise FieldErrors({"first_fy": "この期間と重なる計画期間がすでにあります"})
        previous = s.scalar(
            select(ProgramPlan).where(ProgramPlan.last_fy < first_fy).order_by(ProgramPlan.last_fy.desc())
        )
        plan = ProgramPlan(first_fy=first_fy, last_fy=last_fy, note=note.strip())
        before = {i.code: i for i in previous.items} if previous else {}
        for position, (_group, code, _text) in enumerate(CHECKLIST):
            old = before.get(code)
            item = ChecklistItem(code=code, position=position)
            if old is not None:
                item.status, item.location, item.notes, item.evidence = (
                    old.status,
                    old.location,
                    old.notes,
                    old.evidence,
                )
            plan.items.append(item)
        s.add(plan)
        s.flush()
        if previous is not None:
            for i in s.scalars(
                select(Indicator).where(Indicator.plan_id == previous.id).order_by(Indicator.position)
            ):
                s.add(Indicator(plan_id=plan.id, code=i.code, label=i.label, unit=i.unit, baseline=i.baseline,
                                baseline_fy=i.baseline_fy, position=i.position))  # fmt: skip
        else:
            for position, (code, (label, _sec, _line)) in enumerate(COMPUTED.items()):
                s.add(Indicator(plan_id=plan.id, code=code, label=label, position=position,
                                unit="人" if label.endswith(("者数", "人数")) else "件"))  # fmt: skip
        s.commit()
        return plan.id


def update_item(store: Store, item_id: int, values: dict) -> None:
    if values.get("status") not in vocab.CHECK_STATUS:
        raise FieldErrors({"status": "状態を選んでください"})
    checked = values.get("checked_on")
    if checked is not None and checked > date.today():
        raise FieldErrors({"checked_on": "確認した日が未来の日付です"})
    with store.session() as s:
        item = s.get(ChecklistItem, item_id)
        if item is None:
            raise NotFound("その項目は見つかりません")
        item.status = values["status"]
        for key in ("location", "notes", "evidence"):
            setattr(item, key, (values.get(key) or "").strip())
        item.checked_on = checked or date.today()
        item.changing = bool(values.get("changing")) and GROUP[item.code] == REQUIRED
        s.commit()


def record_review(store: Store, plan_id: int, kind: str, on: date | None = None) -> None:
    """kind: ``annual`` (毎年の点検) or ``optional`` (任意事項の見直し)."""
    with store.session() as s:
        plan = s.get(ProgramPlan, plan_id)
        if plan is None:
            raise NotFound("その計画期間は見つかりません")
        if kind == "annual":
            plan.annual_checked_on = on or date.today()
        elif kind == "optional":
            plan.optional_reviewed_on = on or date.today()
        else:
            raise InvalidInput("点検の種類が違います")
        s.commit()


@dataclass(frozen=True)
class Reminder:
    text: str
    plan_id: int
    item_id: int | None = None


def reminders(store: Store, today: date | None = None) -> list[Reminder]:
    """For ホーム: the yearly 点検 not yet done this 年度, the 3–5 year review of the 任意 items, and every
    必須 item marked as changing or any item marked 見直し要."""
    today = today or date.today()
    fy = fiscal_year(today)
    out: list[Reminder] = []
    with store.session() as s:
        plan = s.scalar(
            select(ProgramPlan)
            .where(ProgramPlan.first_fy <= fy, ProgramPlan.last_fy >= fy)
            .options(selectinload(ProgramPlan.items))
        )
        if plan is None:
            if s.scalar(select(func.count()).select_from(ProgramPlan)):
                out.append(
                    Reminder(
                        f"{format_fiscal_year(fy)}を含む実施計画の期間が登録されていません（次の計画期間の準備）",
                        0,
                    )
                )
            return out
        name = period_name(plan)
        if plan.annual_checked_on is None or fiscal_year(plan.annual_checked_on) < fy:
            out.append(Reminder(f"実施計画（{name}）の{format_fiscal_year(fy)}の点検がまだです", plan.id))
        # Counted in 年度 like the plan itself: a review in February 2026 belongs to 令和7年度 (FY2025).
        since = fiscal_year(plan.optional_reviewed_on) if plan.optional_reviewed_on else plan.first_fy
        if fy - since >= OPTIONAL_REVIEW_YEARS:
            out.append(
                Reminder(f"任意の記載事項の見直し時期です（前回から{fy - since}年、目安は約3〜5年）", plan.id)
            )
        for item in plan.items:
            if item.changing:
                out.append(
                    Reminder(
                        f"必須の記載事項が変わる見込み: {TEXT[item.code][:30]}…（その年度に間に合うよう見直しを）",
                        plan.id,
                        item.id,
                    )
                )
            elif item.status == "needs_review":
                out.append(Reminder(f"見直し要: {TEXT[item.code][:30]}…", plan.id, item.id))
    return out  # fmt: skip


# --- registers --------------------------------------------------------------------------------------


def bodies(store: Store) -> list[SupportBody]:
    with store.session() as s:
        return list(s.scalars(select(SupportBody).order_by(SupportBody.active.desc(), SupportBody.id)))


def save_body(store: Store, values: dict, body_id: int | None = None) -> int:
    errors = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = "名称を入力してください"
    if values.get("form") not in ("", None, *vocab.SETUP_FORM):
        errors["form"] = "設置形態を選んでください"
    if values.get("operation") not in vocab.OPERATION:
        errors["operation"] = "直営か委託かを選んでください"
    places = values.get("places")
    if not isinstance(places, int) or places < 1:
        errors["places"] = "箇所数は1以上の数字で入力してください"
    if values.get("operation") == "outsourced" and not (values.get("contractor") or "").strip():
        errors["contractor"] = "委託先を入力してください"
    if errors:
        raise FieldErrors(errors)
    with store.session() as s:
        body = s.get(SupportBody, body_id) if body_id else SupportBody()
        if body is None:
            raise NotFound("その機関は見つかりません")
        body.name, body.field, body.form, body.places = (
            name,
            (values.get("field") or "").strip(),
            values.get("form") or "",
            places,
        )
        body.operation = values["operation"]
        body.contractor = (values.get("contractor") or "").strip() if body.operation == "outsourced" else ""
        body.note, body.active = (values.get("note") or "").strip(), bool(values.get("active", True))
        s.add(body)
        s.commit()
        return body.id  # fmt: skip


def setups(store: Store) -> dict[str, ProgramSetup]:
    with store.session() as s:
        found = {p.program: p for p in s.scalars(select(ProgramSetup))}
    return {code: found.get(code) or ProgramSetup(program=code, body="", outsourced=False, contractor="", staff=None, note="")
            for code in vocab.PROGRAM}  # fmt: skip


def save_setup(store: Store, program: str, values: dict) -> None:
    if program not in vocab.PROGRAM:
        raise InvalidInput("事業を選んでください")
    staff = values.get("staff")
    if staff is not None and (not isinstance(staff, int) or staff < 0):
        raise FieldErrors({"staff": "配置人数は0以上の数字で入力してください"})
    if values.get("outsourced") and not (values.get("contractor") or "").strip():
        raise FieldErrors({"contractor": "委託先を入力してください"})
    with store.session() as s:
        row = s.scalar(select(ProgramSetup).where(ProgramSetup.program == program)) or ProgramSetup(
            program=program
        )
        row.body, row.outsourced = (values.get("body") or "").strip(), bool(values.get("outsourced"))
        row.contractor = (values.get("contractor") or "").strip() if row.outsourced else ""
        row.staff, row.note = staff, (values.get("note") or "").strip()
        s.add(row)
        s.commit()


# --- indicators -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    id: int
    label: str
    unit: str
    baseline: int | None
    baseline_fy: int | None
    target: int | None
    actual: int | None
    computed: bool  # True: counted from the case data (自動); False: entered by hand

    @property
    def source(self) -> str:
        return "自動（記録から集計）" if self.computed else "手入力"


def indicator_lines(store: Store, plan_id: int, fy: int, today: date | None = None) -> list[IndicatorLine]:
    from app.services.statistics import statistics

    report = None
    with store.session() as s:
        rows = list(s.scalars(select(Indicator).where(Indicator.plan_id == plan_id).order_by(Indicator.position)
                              .options(selectinload(Indicator.years))))  # fmt: skip
    out = []
    for i in rows:
        year = next((y for y in i.years if y.fy == fy), None)
        code = _code(i)
        if code is not None:
            if report is None:
                report = statistics.compute(store, statistics.Period.of(fy), today)
            _label, section, line = COMPUTED[code]
            actual = report.value(section, line)
        else:
            actual = year.actual if year else None
        out.append(IndicatorLine(i.id, i.label, i.unit, i.baseline, i.baseline_fy, year.target if year else None,
                                 actual, code is not None))  # fmt: skip
    return out


def _code(indicator: Indicator) -> str | None:
    """The computed indicator this one is, if any (by code, or by label for stores made before)."""
    if indicator.code in COMPUTED:
        return indicator.code
    return BY_LABEL.get(indicator.label) if indicator.code is None else None


def _number(value, key: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip().replace(",", ""))
    except ValueError:
        errors[key] = "数字で入力してください"
        return None
    if number < 0:
        errors[key] = "0以上の数字で入力してください"
    return number


def save_indicator(store: Store, indicator_id: int, fy: int, values: dict) -> None:
    """Target and (for hand-counted indicators) actual of one year; baseline of the indicator."""
    errors: dict = {}
    target = _number(values.get("target"), "target", errors)
    actual = _number(values.get("actual"), "actual", errors)
    baseline = _number(values.get("baseline"), "baseline", errors)
    if errors:
        raise FieldErrors(errors)
    with store.session() as s:
        ind = s.get(Indicator, indicator_id)
        if ind is None:
            raise NotFound("その指標は見つかりません")
        if actual is not None and _code(ind) is not None:
            raise FieldErrors({"actual": "この指標の実績は記録から自動で集計されます"})
        ind.baseline, ind.baseline_fy = baseline, values.get("baseline_fy") if baseline is not None else None
        year = s.scalar(
            select(IndicatorYear).where(IndicatorYear.indicator_id == ind.id, IndicatorYear.fy == fy)
        )
        if year is None:
            year = IndicatorYear(indicator_id=ind.id, fy=fy)
            s.add(year)
        year.target, year.actual = target, actual
        s.commit()


def add_indicator(store: Store, plan_id: int, label: str, unit: str = "件") -> int:
    label = (label or "").strip()
    if not label:
        raise FieldErrors({"label": "指標の名前を入力してください"})
    with store.session() as s:
        position = (
            s.scalar(select(func.max(Indicator.position)).where(Indicator.plan_id == plan_id)) or 0
        ) + 1
        ind = Indicator(plan_id=plan_id, label=label, unit=unit or "件", position=position)
        s.add(ind)
        s.commit()
        return ind.id
