"""本人開示 (個人情報保護法第33条): everything the store holds about one person, gathered for that person —
their member record, their household as it concerns them, the intakes, visits, つなぐシート, meeting cases,
plans, consents and flags that name them, the change history of those records, and who viewed, printed
and exported them (the audit log and the 持出し管理簿). The PDF (disclosure_forms) and the workbook
(app.services.transfer.disclosure) are made from the same ``PersonFile``.

It is handed to the person themself, so the rules for third parties (最小限, つなぐシート bases) do not
narrow it: their own words, the staff's notes about them and the reasons recorded are all shown. What
it does not show is what belongs to someone else, or what could put someone at risk:

- Other members appear by name and 続柄 only: their birth dates, health, care, words and contact
  details are theirs to ask for.
- Records whose 本人 is another member are left out; a visit shows its content (本人の言葉, 提供した情報,
  本人の反応) only when this person was the only one met, because with others present those words may
  be theirs; the staff's notes on the household (住環境, つなぎ, リスク所見) are about everyone and stay out.
- A 来談者 is a third party who came about this person: their relation is shown, not their name or phone.
- A flag's reason sentence speaks of the other members it pairs them with (「父 81歳 と 長男 52歳」), so
  flags show their kind, judgement and dates; 虐待・DV flags are not listed at all (第33条第2項第1号: a
  disclosure that could harm someone's life or body may be withheld).
- A household under 虐待・DV keeps its address, 地区, 呼び名 and every phone hidden, as on every print
  (app.services.printing.sharing): the copy handed over may be seen by the very person the flag is about.
  It says only 「（非表示）」 there, not the prints' 「（非表示：虐待・DV）」, which would name the flag.
- The change history is of this person's own records, with the search keys and internal numbers left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.models import (
    Agency,
    Assessment,
    AuditEntry,
    ChangeRecord,
    Consent,
    FlagRecord,
    Household,
    Intake,
    MediaLog,
    Meeting,
    MeetingCase,
    Person,
    Referral,
    SupportPlan,
    Visit,
    vocab,
)
from app.services.common.errors import InvalidInput
from app.services.common.japanese import format_wareki, partial_words
from app.services.flags import flags
from app.services.printing import sharing
from app.services.records import labels
from app.services.records.labels import YES_NO
from app.services.store import audit, media_ledger

TITLE = "本人開示"
HIDDEN = "（非表示）"


@dataclass
class Section:
    """One part of the file: a table (header and rows) or, for records with long text, one key/value
    block per record."""

    title: str
    header: list[str]
    rows: list[list[Any]]
    blocks: bool = False  # each row is a record of long text: printed as label/value pairs
    note: str = ""
    widths: list[float] | None = None  # mm, when the columns should not share the width equally


@dataclass
class PersonFile:
    household_code: str
    person_code: str
    name: str
    made_on: date
    facts: list[tuple[str, Any]]
    sections: list[Section] = field(default_factory=list)
    disclosure: sharing.Disclosure = sharing.OPEN  # what the print may show (its forms scrub through it too)


def _w(value) -> str:
    if isinstance(value, datetime):
        return f"{format_wareki(value.date())} {value:%H:%M}"
    if isinstance(value, date):
        return format_wareki(value)
    return ""


def _words(table: dict, values) -> str:
    return "、".join(table.get(v, v) for v in values or [])


def _the_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise InvalidInput("その世帯員は見つかりません")
    return person


def gather(
    session: Session, person_id: int, today: date | None = None, basis: str = "internal"
) -> PersonFile:
    """Everything about one person, with the print's rules for their household applied to every text
    (``basis`` 最小限 makes a copy that names nobody, as every print of the catalogue can be)."""
    today = today or date.today()
    p = _the_person(session, person_id)
    h: Household = p.household
    restricted = sharing.restricted_households(session, [h.id])
    d = sharing.for_print([h], restricted, basis)

    def s(text: str) -> str:
        # The usual mark 「（非表示：虐待・DV）」 would itself tell the reader that such a flag exists.
        return d.scrub(text).replace(sharing.HIDDEN_RESTRICTED, HIDDEN)

    birth = p.birth_text or _w(p.birth_date) if p.birth_date else ""
    facts = [
        ("世帯番号", h.code),
        ("世帯員ID", p.code),
        ("氏名", p.name),
        ("ふりがな", p.kana),
        ("性別", vocab.SEX.get(p.sex, "")),
        ("生年月日", birth),
        ("宛名番号", getattr(p, "resident_number", None) or ""),
        ("続柄", vocab.RELATION.get(p.relation, "")),
        ("婚姻状況", vocab.MARITAL.get(p.marital, "")),
        ("就労", vocab.WORK.get(p.work, "")),
        ("要支援・要介護", vocab.CARE_LEVEL.get(p.care_level, "")),
        ("障害", _words(vocab.DISABILITY, p.disability)),
        ("介助要", YES_NO[bool(p.needs_assistance)]),
        ("医療的ケア", YES_NO[bool(p.medical_care)]),
        ("ひきこもり", vocab.HIKIKOMORI.get(p.hikikomori, "")),
        ("ひきこもりの開始日", partial_words(p.hikikomori_since, p.hikikomori_since_earliest, p.hikikomori_since_text)
                              if p.hikikomori_since else ""),
        ("課題", _words(vocab.ISSUE, p.issues)),
        ("同居", "死亡" if p.deceased else YES_NO[bool(p.lives_here)]),
        ("電話", d.phone(h, p.phone)),
        ("携帯電話", d.phone(h, p.mobile)),
        ("住所（世帯）", d.address(h)),
        ("自治会・地区（世帯）", d.place(h, h.district)),
        ("世帯の電話", d.phone(h, h.phone)),
        ("世帯の状態", vocab.HOUSEHOLD_STATUS.get(h.status, "")),
        ("本人の言葉・希望", p.own_words),
        ("できること・強み・役割", p.strengths),
        ("メモ", p.note),
        ("登録日時", _w(p.created_at)),
        ("更新日時", _w(p.updated_at)),
    ]
    out = PersonFile(h.code, p.code, p.name, today, [(k, s(v) if isinstance(v, str) else v) for k, v in facts],
                     disclosure=d)  # fmt: skip
    add = out.sections.append

    others = [m for m in h.members if m.id != p.id]
    cares = {c.cared_id for c in p.cares}
    cared_by = {m.id for m in others if any(c.cared_id == p.id for c in m.cares)}
    add(Section("世帯（本人との関わり）", ["氏名", "続柄（世帯主との関係）", "本人との関わり"], [
        [m.name, vocab.RELATION.get(m.relation, ""),
         "・".join(x for x in ("本人が介護・世話している" if m.id in cares else "",
                              "本人を介護・世話している" if m.id in cared_by else "") if x)]
        for m in others
    ], note="ほかの世帯員については、氏名と続柄だけを載せています（その方ご自身の情報のため）。"))  # fmt: skip

    intakes = list(
        session.scalars(select(Intake).where(Intake.person_id == p.id).order_by(Intake.received_on))
    )
    add(Section("相談受付", ["受付日", "受付者", "経路", "来談者と本人の関係", "相談内容", "最も困っていること",
                             "主訴（本人の言葉）", "背景・気づいたこと", "対応", "緊急度"], [
        [i.received_on, i.received_by, vocab.ROUTE.get(i.route, ""), i.visitor_relation,
         _words(vocab.CONSULT_CATEGORY, i.categories) + (f"（{i.category_note}）" if i.category_note else ""),
         vocab.CONSULT_CATEGORY.get(i.main_category or "", ""), i.main_complaint, i.background,
         vocab.INTAKE_RESPONSE.get(i.response, "") + (f"（{i.referred_to}）" if i.referred_to else ""),
         vocab.URGENCY.get(i.urgency, "")]
        for i in intakes
    ], blocks=True))  # fmt: skip

    visits = [
        v
        for v in session.scalars(select(Visit).where(Visit.household_id == h.id).order_by(Visit.visited_at))
        if p.id in (v.met_person_ids or [])
    ]
    add(Section("訪問（本人に会えた記録）", ["日時", "訪問者", "種類", "結果", "本人の言葉", "提供した情報", "本人の反応"], [
        [v.visited_at, v.visitor, vocab.VISIT_KIND.get(v.kind, ""), vocab.VISIT_RESULT.get(v.result, ""),
         *((v.own_words, v.info_given, v.reaction) if v.met_person_ids == [p.id]
           else ("（ほかの世帯員も同席のため載せていません）", "", ""))]
        for v in visits
    ], blocks=True))  # fmt: skip

    agencies = dict(session.execute(select(Agency.id, Agency.name)).all())
    sheets = list(
        session.scalars(select(Referral).where(Referral.person_id == p.id).order_by(Referral.created_on))
    )
    add(Section("つなぐシート", ["番号", "作成日", "向き", "相手の機関", "状態", "情報提供の根拠", "相談の概要",
                              "気づいたこと・背景", "依頼したいこと", "返信の状況", "今後の予定"], [
        [r.number, r.created_on, "紹介" if r.direction == "out" else "受付", agencies.get(r.agency_id, ""),
         (vocab.INCOMING_STATE if r.direction == "in" else vocab.REFERRAL_STATE).get(r.state, ""),
         vocab.SHARING_BASIS.get(r.basis or "", ""), r.summary, r.background, r.request,
         vocab.REPLY_STATUS.get(r.reply_status or "", ""), r.reply_plan]
        for r in sheets
    ], blocks=True))  # fmt: skip

    cases = list(session.execute(
        select(MeetingCase, Meeting).join(Meeting, MeetingCase.meeting_id == Meeting.id)
        .where(MeetingCase.person_id == p.id).order_by(Meeting.held_on)
    ).all())  # fmt: skip
    add(Section("会議（本人の案件）", ["開催日", "会議", "検討の根拠", "課題整理", "支援方針", "役割分担", "決定事項"], [
        [m.held_on, m.type.name if m.type else "", vocab.SHARING_BASIS.get(c.basis, ""), c.issues, c.policy,
         c.roles, _words(vocab.MEETING_DECISION, c.decisions)]
        for c, m in cases
    ], blocks=True))  # fmt: skip

    plan_rows = list(
        session.scalars(
            select(SupportPlan).where(SupportPlan.person_id == p.id).order_by(SupportPlan.version)
        )
    )
    add(Section("支援プラン", ["版", "状態", "課題", "本人の希望", "目標", "期間", "見直し日", "評価"], [
        [f"第{x.version}版", vocab.PLAN_STATE.get(x.state, ""), x.issues, x.wishes,
         "\n".join(f"{g.get('text', '')}（{vocab.AUTONOMY.get(g.get('kind'), '')}）" for g in x.goals or []
                   if isinstance(g, dict)),
         "〜".join(_w(v) for v in (x.period_start, x.period_end) if v), x.review_on, x.evaluation]
        for x in plan_rows
    ], blocks=True))  # fmt: skip

    # The person's own assessments are theirs to see, like their plans (個人情報保護法 第33条).
    assessment_rows = list(
        session.scalars(select(Assessment).where(Assessment.person_id == p.id).order_by(Assessment.version))
    )
    add(Section("アセスメント", ["版", "日付", "本人の状況と思い", "世帯と関係", "強み", "課題（分野ごと）",
                                 "提示した選択肢", "本人が選んだこと", "本人の望むペース"], [
        [f"第{x.version}版", x.assessed_on, x.situation, x.relations, x.strengths,
         "\n".join(f"【{vocab.ISSUE.get(i.get('field'), '')}】{i.get('text', '')}" for i in x.issues or []
                   if isinstance(i, dict)),
         x.options, x.choice, x.pace]
        for x in assessment_rows
    ], blocks=True))  # fmt: skip

    consent_rows = list(
        session.scalars(select(Consent).where(Consent.person_id == p.id).order_by(Consent.consented_on))
    )
    add(Section("同意", ["同意日", "目的", "範囲", "方法", "同意した人", "提供先", "有効期限", "撤回日"], [
        [c.consented_on, vocab.CONSENT_PURPOSE.get(c.purpose, ""), vocab.CONSENT_SCOPE.get(c.scope, ""),
         vocab.CONSENT_METHOD.get(c.method, ""),
         vocab.CONSENT_GIVER.get(c.given_by, "") + (f"（{c.representative}）" if c.representative else ""),
         "、".join(a.name for a in c.agencies), c.expires_on, c.withdrawn_on]
        for c in consent_rows
    ]))  # fmt: skip

    kinds = {**flags.KINDS, **vocab.MANUAL_FLAG}
    flag_rows = [
        f for f in session.scalars(select(FlagRecord).where(FlagRecord.household_id == h.id).order_by(FlagRecord.first_seen))
        if p.id in (f.person_ids or []) and f.kind not in vocab.PRINT_RESTRICTING_FLAGS
    ]  # fmt: skip
    add(Section("気づき（本人が対象のもの）", ["種類", "判断", "見つけ方", "初めて見つかった日", "最後に当てはまった日"], [
        [kinds.get(f.kind, f.kind), vocab.FLAG_STATE.get(f.state, ""), "自動判定" if f.source == "auto" else "手動",
         f.first_seen, f.last_seen]
        for f in flag_rows
    ]))  # fmt: skip

    tracked = [("persons", [p.id]), ("intakes", [i.id for i in intakes]), ("referrals", [r.id for r in sheets]),
               ("meeting_cases", [c.id for c, _m in cases]), ("support_plans", [x.id for x in plan_rows]),
               ("assessments", [x.id for x in assessment_rows]), ("consents", [c.id for c in consent_rows])]  # fmt: skip
    wanted = [
        and_(ChangeRecord.table_name == t, ChangeRecord.row_id.in_([str(i) for i in ids]))
        for t, ids in tracked
        if ids
    ]
    history = list(session.scalars(select(ChangeRecord).where(or_(*wanted)).order_by(ChangeRecord.id)))
    titles = {"persons": "本人の記録", "intakes": "相談受付", "referrals": "つなぐシート", "meeting_cases": "会議の案件",
              "support_plans": "支援プラン", "assessments": "アセスメント", "consents": "同意"}  # fmt: skip
    actions = {"insert": "登録", "update": "変更", "delete": "削除"}
    add(Section("記録の変更履歴", ["日時", "変更した人", "記録", "操作", "項目", "変更前", "変更後"], [
        [c.at, c.actor, titles.get(c.table_name, c.table_name), actions.get(c.action, c.action), *change]
        for c in history
        for change in labels.change_words(c.table_name, c.old, c.new)
    ], widths=[25, 17, 20, 11, 27, 37, 37]))  # fmt: skip

    # Who looked at and printed these records: the household's views and prints, the sheets' prints, this
    # person's own 本人開示, and every export of all households (each one held this person's record).
    targets = {h.code, *(r.number for r in sheets), f"{h.code}-{p.code}"}
    entries = [
        e for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(("view_household", "print", "export"))).order_by(AuditEntry.id)
        )
        if e.target in targets or (e.action == "export" and _whole_store(e.detail))
    ]  # fmt: skip
    add(Section("閲覧・印刷・書き出しの記録", ["日時", "利用者", "操作", "対象", "帳票・ファイル"], widths=[25, 22, 22, 30, 75], rows=[
        [datetime.fromisoformat(e.at), e.actor, audit.ACTIONS.get(e.action, e.action),
         e.target if e.target in targets else "全世帯", _what(e.detail)]
        for e in entries
    ]))  # fmt: skip
    files = {_file_name(e.detail) for e in entries} | {e.target for e in entries if e.action == "export"}
    files.discard("")
    ledger = [m for m in session.scalars(select(MediaLog).order_by(MediaLog.id)) if m.file in files]
    add(Section("持出し管理簿（この方の記録を含むファイル）", ["日時", "操作", "媒体・保存先", "操作した人", "ファイル"], widths=[25, 20, 55, 22, 52], rows=[
        [m.at, media_ledger.ACTIONS.get(m.action, m.action), m.medium, m.operator, m.file] for m in ledger
    ]))  # fmt: skip
    for section in out.sections:
        section.rows = [[s(v) if isinstance(v, str) else v for v in row] for row in section.rows]
    return out


def _detail(text: str) -> dict:
    import json

    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _whole_store(detail: str) -> bool:
    d = _detail(detail)
    return "households" in d or "full_export" in d


def _what(detail: str) -> str:
    d = _detail(detail)
    if "form" in d:
        return d["form"] + (f"（{_file_name(detail)} に保存）" if d.get("saved_to") else "")
    if "full_export" in d:
        return f"すべての記録（{d['full_export']}）"
    if "households" in d:
        return "全世帯（JSON）"
    return ""


def _file_name(detail: str) -> str:
    saved = _detail(detail).get("saved_to") or ""
    return saved.replace("\\", "/").rsplit("/", 1)[-1]


