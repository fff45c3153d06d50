"""Meeting and plan prints: 次第, 会議録 (both with the 守秘義務 notice), the アセスメントシート, the 支援プラン
sheet and the 事例概要, which can be anonymised for training or consultation outside the meeting."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.lib.units import mm

from app.models import Assessment, Household, Meeting, SupportPlan, vocab
from app.services.common.japanese import format_wareki
from app.services.meetings.meetings import CONFIDENTIALITY_NOTICE, LAW_WORDS
from app.services.printing.forms import CONTENT_W, Form, FormContext
from app.services.records import stored
from app.services.records.family import RelationWords, care_notes

AGENDA_TITLE, AGENDA_NUMBER = "次第", "様式 M-1"
RECORD_TITLE, RECORD_NUMBER = "会議録", "様式 M-2"
PLAN_TITLE, PLAN_NUMBER = "支援プラン", "様式 P-1"
SUMMARY_TITLE, SUMMARY_NUMBER = "事例概要", "様式 P-2"
ASSESSMENT_TITLE, ASSESSMENT_NUMBER = "アセスメントシート", "様式 P-3"
HONORIFIC = "(さん|くん|ちゃん|君|様|氏)"
FULL = CONTENT_W / mm  # the whole width, in the mm the grid helper takes


def _wareki(d: date | None) -> str:
    return format_wareki(d) if d else ""


def _case_name(form: Form, case) -> str:
    """The case's 本人 (the person it is about), else the household as it is headed."""
    person = getattr(case, "person", None)
    return form.disclosure.name(person) if person is not None else form.disclosure.household_name(case.household)


def _notice(form: Form, basis: str | None) -> None:
    """The 守秘義務 notice for the meeting's basis; a handout for no meeting in particular gets the words
    of consent-based sharing."""
    form.grid([[CONFIDENTIALITY_NOTICE.format(law=LAW_WORDS.get(basis or "consent", LAW_WORDS["other_law"]))]],
              [FULL])  # fmt: skip


def _meeting_facts(meeting: Meeting) -> list[tuple[str, str]]:
    return [
        ("会議", meeting.type.name),
        ("開催日", _wareki(meeting.held_on)),
        ("時間", meeting.time),
        ("場所", meeting.place),
        ("司会・進行", meeting.chair),
        ("案件数", f"{len(meeting.cases)}件"),
    ]


def _attendee_rows(meeting: Meeting, agencies: dict[int, str]) -> list[list[str]]:
    return [[str(i), agencies.get(a.get("agency_id") or 0, ""), a.get("name", "")]
            for i, a in enumerate(meeting.attendees or [], 1)]  # fmt: skip


def agenda_sheet(context: FormContext, meeting: Meeting, agencies: dict[int, str]) -> bytes:
    """次第: what will be discussed and who is there, handed out and collected again."""
    form = Form(f"{meeting.type.name} {AGENDA_TITLE}", AGENDA_NUMBER, context)
    _notice(form, meeting.type.basis)
    form.spacer(2)
    form.key_values(_meeting_facts(meeting))
    form.heading("次第")
    form.paragraph("1　開会\n2　事例の検討（下記）\n3　その他（情報交換）\n4　閉会")
    form.heading("検討する事例")
    rows = [[str(i), c.household.code, _case_name(form, c), vocab.SHARING_BASIS.get(c.basis, "")]
            for i, c in enumerate(meeting.cases, 1)]  # fmt: skip
    if rows:
        form.grid(rows, [10, 26, 50, 88], header=["順", "世帯番号", "世帯", "情報共有の根拠"])
    else:
        form.paragraph("事例はまだ登録されていません。")
    form.heading("出席者")
    attendees = _attendee_rows(meeting, agencies)
    if attendees:
        form.grid([[*r, ""] for r in attendees], [10, 70, 50, 44], header=["", "機関", "氏名", "署名（守秘義務の確認）"],
                  min_row_mm=9)  # fmt: skip
    else:
        form.paragraph("出席者はまだ登録されていません。")
    return form.render()


def record_sheet(context: FormContext, meeting: Meeting, agencies: dict[int, str]) -> bytes:
    """会議録: per case the basis, 課題整理, 支援方針, 役割分担, the decisions and the next review."""
    form = Form(f"{meeting.type.name} {RECORD_TITLE}", RECORD_NUMBER, context)
    _notice(form, meeting.type.basis)
    form.spacer(2)
    form.key_values(_meeting_facts(meeting))
    form.heading("出席者")
    attendees = _attendee_rows(meeting, agencies)
    if attendees:
        form.grid(attendees, [10, 90, 74], header=["", "機関", "氏名"])
    else:
        form.paragraph("出席者の記録はありません。")
    for i, case in enumerate(meeting.cases, 1):
        form.heading(f"事例{i}　{case.household.code}　{_case_name(form, case)}")
        form.key_values([("情報共有の根拠", vocab.SHARING_BASIS.get(case.basis, "")),
                         ("次回の見直し", _wareki(case.next_review_on))])  # fmt: skip
        form.grid([["課題整理", case.issues or "　"], ["支援方針", case.policy or "　"], ["役割分担", case.roles or "　"]],
                  [28, FULL - 28], label_columns=(0,))  # fmt: skip
        chosen = [vocab.MEETING_DECISION[d] for d in case.decisions or [] if d in vocab.MEETING_DECISION]
        form.paragraph("決定事項")
        form.check_row(list(vocab.MEETING_DECISION.values()), chosen)
    if meeting.record:
        form.heading("会議全体の記録")
        form.grid([[meeting.record]], [FULL])
    return form.render()


def plan_sheet(
    context: FormContext,
    household: Household,
    plan: SupportPlan,
    agencies: dict[int, str],
    *,
    approved_at: str = "",
    signature: bool = False,
) -> bytes:
    """支援プラン, one version, for its 本人 (the household's other members may appear in it);
    ``signature`` adds the 本人署名 box for the person to sign."""
    d = context.disclosure
    person = next((m for m in household.members if m.id == plan.person_id), None)
    form = Form(f"{PLAN_TITLE}（第{plan.version}版）", PLAN_NUMBER, context)
    form.key_values_with_approvals(
        [
            ("世帯番号", household.code),
            ("本人", d.name(person) if person is not None else "（本人が選ばれていません）"),
            ("状態", vocab.PLAN_STATE.get(plan.state, "")),
            ("承認", " ".join(x for x in (_wareki(plan.approved_on), approved_at) if x)),
            ("期間", f"{_wareki(plan.period_start)}〜{_wareki(plan.period_end)}"),
            ("見直し日", _wareki(plan.review_on)),
            ("主担当機関", agencies.get(plan.lead_agency_id or 0, "")),
            (
                "多機関協働",
                f"{_wareki(plan.collaboration_ended_on)} 関与終了"
                if plan.collaboration_ended_on
                else "関与中",
            ),
        ]
    )
    form.heading("本人の希望（本人の言葉）")
    form.grid([[plan.wishes or "　"]], [FULL], min_row_mm=14)
    form.heading("課題")
    form.grid([[plan.issues or "　"]], [FULL], min_row_mm=14)
    form.heading("目標")
    kinds = list(vocab.AUTONOMY)
    goals = [[g["text"], *("○" if g.get("kind") == k else "" for k in kinds)] for g in plan.goals or []]
    form.grid(goals or [["　", "", "", ""]], [FULL - 84, 28, 28, 28],
              header=["目標", *vocab.AUTONOMY.values()])  # fmt: skip
    form.heading("役割分担")
    roles = [[agencies.get(r.get("agency_id") or 0, ""), r.get("staff", ""), r.get("task", ""), r.get("contact", ""),
              _role_state(r), _iso_wareki(r.get("due_on"))]
             for r in plan.roles or []]  # fmt: skip
    form.grid(
        roles or [["　", "", "", "", "", ""]],
        [32, 16, 46, 20, 36, 24],
        header=["機関", "担当", "役割（何をするか）", "連絡先", "状態", "期限"],
    )
    form.heading("評価（見直し時）")
    form.grid([[(f"{_wareki(plan.evaluated_on)}　" if plan.evaluated_on else "") + (plan.evaluation or "　")]],
              [FULL], min_row_mm=16)  # fmt: skip
    if signature:
        form.spacer(6)
        form.paragraph("上記の支援プランについて説明を受け、内容に同意します。")
        form.paragraph("　　　　年　　月　　日")
        form.signature_line("本人署名")
    return form.render()


def _iso_wareki(value: str | None) -> str:
    try:
        return format_wareki(date.fromisoformat(value), short=True) if value else ""
    except ValueError:
        return value or ""


def _role_state(role: dict) -> str:
    """「実施中（R8.11.2）」: the 状態 with the day it was set, when there is one."""
    word = vocab.ROLE_STATUS.get(role.get("status") or "planned", "")
    on = _iso_wareki(role.get("status_on"))
    return f"{word}（{on}）" if on else word


def assessment_sheet(context: FormContext, household: Household, a: Assessment) -> bytes:
    """アセスメントシート, one version: the person's situation and wishes in their own words, the household
    and its relations, strengths, 課題 by 分野, the options offered, what the person chose and the pace
    they want (domain.md §4: the person's wishes lead, strengths as well as problems)."""
    d = context.disclosure
    person = next((m for m in household.members if m.id == a.person_id), None)
    form = Form(f"{ASSESSMENT_TITLE}（第{a.version}版）", ASSESSMENT_NUMBER, context)
    form.key_values([
        ("世帯番号", household.code),
        ("本人", d.name(person) if person is not None else "（本人が選ばれていません）"),
        ("アセスメントの日", _wareki(a.assessed_on)),
        ("アセスメントした人", a.assessed_by),
    ])  # fmt: skip
    for title, text in (("本人の状況と思い（本人の言葉）", a.situation), ("世帯と関係", a.relations),
                        ("強み（できること・役割）", a.strengths)):  # fmt: skip
        form.heading(title)
        form.grid([[text or "　"]], [FULL], min_row_mm=14)
    form.heading("課題（分野ごと）")
    rows = [[vocab.ISSUE.get(i["field"], i["field"]), i["text"]] for i in a.issues or []]
    form.grid(rows or [["　", ""]], [34, FULL - 34], header=["分野", "課題"], label_columns=(0,))
    form.heading("本人の選択")
    form.grid([["提示した選択肢", a.options or "　"], ["本人が選んだこと", a.choice or "　"],
               ["本人の望むペース", a.pace or "　"]], [34, FULL - 34], label_columns=(0,), min_row_mm=10)  # fmt: skip
    return form.render()


# --- 事例概要 ----------------------------------------------------------------------------------------


def case_summary(
    context: FormContext,
    household: Household,
    *,
    intake=None,
    flag_lines: list[tuple[str, str]] = (),
    entries: Sequence = (),  # the household's timeline (outreach.timeline), chosen by the caller
    plan: SupportPlan | None = None,
    agencies: dict[int, str] | None = None,
    meeting_basis: str | None = None,
) -> bytes:
    """事例概要, the usual meeting handout: the household, how it came, the 気づき, the course so far and
    the current plan, under the 守秘義務 notice of the meeting it is for (``meeting_basis``). On 最小限
    (研修・事例検討) it carries initials and age bands, and no name, birth date, address or phone."""
    on = context.printed_at.date()
    d = context.disclosure
    anonymous = d.anonymous
    agencies = agencies or {}
    form = Form(SUMMARY_TITLE + ("（匿名化）" if anonymous else ""), SUMMARY_NUMBER, context)
    _notice(form, meeting_basis)
    form.spacer(2)
    if anonymous:
        form.paragraph(
            "研修・事例検討用に匿名化した資料です。氏名はイニシャル、年齢は年代で表し、住所・生年月日・電話は載せていません。",
            "small",
        )
        form.key_values([("事例", "世帯の事例"), ("状態", vocab.HOUSEHOLD_STATUS.get(household.status, ""))])
    else:
        form.key_values([("世帯番号", household.code), ("世帯", d.household_name(household)),
                         ("住所", d.address(household) if household.address else d.place(household, household.label)),
                         ("状態", vocab.HOUSEHOLD_STATUS.get(household.status, ""))])  # fmt: skip
    form.heading("世帯構成" + ("" if anonymous else f"（年齢は{format_wareki(on)}現在）"))
    record = stored.to_record(household)
    words = RelationWords(record)
    rows = []
    for p, m in zip(household.members, record.members, strict=True):
        place = "死亡" if p.deceased else ("同居" if p.lives_here else "別居")
        rows.append([d.name(p), words(m), vocab.SEX[p.sex], d.age(p, on), "・".join(care_notes(p)), place])
    if rows:
        form.grid(
            rows,
            [34, 20, 12, 20, 64, 24],
            header=["記号" if anonymous else "氏名", "続柄", "性別", "年齢", "介護・障害など", "居住"],
        )

    def when(day: date) -> str:  # a month is enough to follow a course without dating the person
        return f"{format_wareki(day).split('月')[0]}月" if anonymous else _wareki(day)

    if intake is not None:
        form.heading("相談の経緯")
        form.key_values([("受付", when(intake.received_on)), ("経路", vocab.ROUTE.get(intake.route, ""))])
        form.grid([["主訴", intake.main_complaint or "　"], ["背景", intake.background or "　"]],
                  [24, FULL - 24], label_columns=(0,))  # fmt: skip
    voices = [(d.name(p), p.own_words, p.strengths) for p in household.members if p.own_words or p.strengths]
    if voices:
        form.heading("本人の言葉・希望と強み")
        form.grid(
            [list(v) for v in voices], [30, 84, 60], header=["", "本人の言葉・希望", "できること・強み"]
        )
    if flag_lines:
        form.heading("気づき")
        form.grid([[k, r] for k, r in flag_lines], [30, FULL - 30], header=["種類", "内容"])
    if entries:
        form.heading(f"支援の経過（{len(entries)}件）")
        form.grid(
            [[when(e.at.date()), e.kind_word, e.title, e.detail] for e in entries],
            [34, 20, 50, FULL - 104], header=["時期" if anonymous else "日付", "種類", "内容", "記録"],
        )  # fmt: skip
    if plan is not None:
        person = next((m for m in household.members if m.id == plan.person_id), None)
        form.heading(f"支援プラン（第{plan.version}版・{vocab.PLAN_STATE.get(plan.state, '')}）")
        form.grid([["本人", d.name(person) if person is not None else "　"], ["本人の希望", plan.wishes or "　"],
                   ["課題", plan.issues or "　"],
                   ["目標", "\n".join(f"{g['text']}（{vocab.AUTONOMY.get(g.get('kind'), '')}）" for g in plan.goals or []) or "　"],
                   ["主担当機関", agencies.get(plan.lead_agency_id or 0, "")]],
                  [28, FULL - 28], label_columns=(0,))  # fmt: skip
        roles = [[agencies.get(r.get("agency_id") or 0, ""), r.get("task", "")] for r in plan.roles or []]
        if roles:
            form.grid(roles, [60, FULL - 60], header=["機関", "役割"])
    form.heading("検討したいこと")
    form.grid([["　"]], [FULL], min_row_mm=24)
    return form.render()
