"""The 会議・プラン tab of a household: its アセスメント versions (a plan is made from one), its 支援プラン
versions with their steps, the meetings it was discussed at, and the prints (アセスメントシート, 支援プラン
sheet, 事例概要 with the 匿名化 option)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.models import vocab
from app.services.catalog import print_catalog
from app.services.common.errors import InvalidInput
from app.services.common.japanese import format_wareki
from app.services.meetings import assessments, meetings, plans
from app.services.store import settings as town_settings
from app.ui.common.widgets import ReasonDialog, confirm, fill_table, record_table, selected_data, show_print
from app.ui.meetings.assessment_dialog import AssessmentDialog
from app.ui.meetings.dialogs import CaseDialog, ChoiceDialog, PlanDialog, add_to_agenda, choose_person

T = {
    "assessments": "アセスメント",
    "assessment_cols": ["版", "本人", "日付", "課題の分野", "本人が選んだこと", "アセスメントした人"],
    "new_assessment": "新しく作る…",
    "open_assessment": "開く…",
    "print_assessment": "アセスメントシートを印刷",
    "plan_from_assessment": "このアセスメントからプランを作る…",
    "plans": "支援プラン",
    "plan_cols": ["版", "本人", "状態", "承認", "見直し日", "主担当機関", "評価", "多機関協働"],
    "meetings": "この世帯を検討した会議",
    "meeting_cols": ["開催日", "会議", "情報共有の根拠", "決定事項", "支援方針", "次回の見直し"],
    "new_plan": "プランを作成・改訂(&N)…",
    "open_plan": "プランを開く…",
    "approve": "会議で承認(&V)…",  # (&A) is the household screen's 世帯員を追加
    "evaluate": "評価を記録…",
    "end_collab": "多機関協働の関与終了…",
    "print_plan": "プランを印刷",
    "signature": "本人署名欄を付ける",
    "summary": "事例概要を印刷",
    "anonymise": "匿名化（イニシャル・年代、住所なし）",
    "add_to_meeting": "会議の議題に追加(&G)…",
    "record_case": "事例の記録…",
    "no_plan_meeting": "プランの本人の事例が議題にある、プランを承認できる会議（重層的支援会議）がありません。"
    "先に「会議の議題に追加」で本人の事例を載せてください（本人または法定代理人の同意が要ります）。",
    "no_person": "このプランの本人が選ばれていません。「プランを開く」で本人を選んでから承認してください。",
    "choose_meeting": "プランを承認した会議を選んでください",
    "choose_agenda": "どの会議の議題に追加しますか（新しい会議は「会議」の画面で登録します）",
    "no_meetings": "登録された会議がありません。「会議」の画面で会議を登録してください。",
    "evaluate_title": "評価（見直し）",
    "outcomes": "確かめた成果",
    "outcome_keys": {"employed": "就労した(&E)", "income_up": "収入が増えた(&U)"},
    "evaluate_info": "このプランで何ができたか、何が変わったかを記録します。続けて支援するときは「プランを改訂」で次の版を作ります。",
    "end_confirm": "多機関協働の関与を終了しますか？\n役割分担と主担当機関（{lead}）はプランのとおりで、世帯の支援は主担当機関のもとで続きます（世帯は終結になりません）。",
    "ongoing": "関与中",
    "ended": "{day} 終了",
}


class PlanTab(QWidget):
    changed = Signal()  # a step changed the household's record: the detail reloads everything

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.household_id: int | None = None
        self.plans = record_table(T["plan_cols"], "plans")
        self.plans.doubleClicked.connect(lambda _i: self.open_plan())
        self.meetings = record_table(T["meeting_cols"], "household_meetings")
        self.meetings.doubleClicked.connect(lambda _i: self.record_case())
        self.message = QLabel(objectName="error")
        self.message.setWordWrap(True)
        self.signature = QCheckBox(T["signature"], objectName="plan_signature")
        self.anonymise = QCheckBox(T["anonymise"], objectName="summary_anonymise")
        self.buttons = {}

        def row(keys, extra=()):
            line = QHBoxLayout()
            for key, slot in keys:
                b = QPushButton(T[key], objectName=key)
                b.clicked.connect(slot)
                line.addWidget(b)
                self.buttons[key] = b
            for widget in extra:
                line.addWidget(widget)
            line.addStretch()
            return line

        self.assessments = record_table(T["assessment_cols"], "assessments")
        self.assessments.activated.connect(lambda _i: self.open_assessment())  # double-click and Enter

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(T["assessments"], objectName="subheading"))
        self.assessments.setMinimumHeight(96)  # two versions at least, the latest and the one before
        layout.addWidget(self.assessments, 2)
        layout.addLayout(row((("new_assessment", self.new_assessment), ("open_assessment", self.open_assessment),
                              ("print_assessment", self.print_assessment),
                              ("plan_from_assessment", self.plan_from_assessment))))  # fmt: skip
        layout.addWidget(QLabel(T["plans"], objectName="subheading"))
        layout.addWidget(self.plans, 2)
        layout.addLayout(row((("new_plan", self.new_plan), ("open_plan", self.open_plan), ("approve", self.approve),
                              ("evaluate", self.evaluate), ("end_collab", self.end_collaboration))))  # fmt: skip
        layout.addLayout(row((("print_plan", self.print_plan),), (self.signature,)))
        layout.addWidget(QLabel(T["meetings"], objectName="subheading"))
        layout.addWidget(self.meetings, 2)
        layout.addLayout(row((("add_to_meeting", self.add_to_meeting), ("record_case", self.record_case),
                              ("summary", self.print_summary)), (self.anonymise,)))  # fmt: skip
        layout.addWidget(self.message)

    def load(self, household_id: int) -> None:
        self.household_id = household_id
        store = self.ctx.require_store()
        self.message.setText("")
        names = meetings.agency_names(store)
        self.assessment_versions = assessments.versions(store, household_id)
        fill_table(self.assessments, [[f"第{a.version}版", a.person.name if a.person else "", format_wareki(a.assessed_on),
                                       "・".join(vocab.ISSUE.get(i["field"], "") for i in a.issues or []),
                                       a.choice.replace("\n", " ")[:40], a.assessed_by]
                                      for a in self.assessment_versions], [a.id for a in self.assessment_versions])  # fmt: skip
        if self.assessment_versions:
            self.assessments.selectRow(0)
        self.versions = plans.versions(store, household_id)
        fill_table(self.plans, [[f"第{p.version}版", p.person.name if p.person else "", vocab.PLAN_STATE.get(p.state, ""),
                                 format_wareki(p.approved_on) if p.approved_on else "",
                                 format_wareki(p.review_on) if p.review_on else "", names.get(p.lead_agency_id or 0, ""),
                                 (format_wareki(p.evaluated_on) + " " + p.evaluation[:30]) if p.evaluated_on else "",
                                 T["ended"].format(day=format_wareki(p.collaboration_ended_on))
                                 if p.collaboration_ended_on else (T["ongoing"] if p.state == "approved" else "")]
                                for p in self.versions], [p.id for p in self.versions])  # fmt: skip
        if self.versions:
            self.plans.selectRow(0)
        found = meetings.for_household(store, household_id)
        fill_table(self.meetings, [[format_wareki(m.held_on), m.type_name, vocab.SHARING_BASIS.get(m.basis, ""),
                                    "・".join(vocab.MEETING_DECISION.get(d, "") for d in m.decisions),
                                    m.policy.replace("\n", " ")[:40],
                                    format_wareki(m.next_review_on) if m.next_review_on else ""]
                                   for m in found], [m.case_id for m in found])  # fmt: skip

    def _after(self) -> None:
        self.load(self.household_id)
        self.changed.emit()

    def _run(self, act) -> bool:
        try:
            act()
        except InvalidInput as exc:
            self.message.setText(str(exc))
            return False
        self._after()
        return True

    # --- assessments ------------------------------------------------------------------------------

    def new_assessment(self) -> None:
        """A new version, starting from the latest one's content."""
        by = town_settings.printed_by(self.ctx.require_store())
        if AssessmentDialog(self.ctx, self.household_id, self, assessed_by=by).exec():
            self._after()

    def open_assessment(self) -> None:
        assessment_id = selected_data(self.assessments)
        if assessment_id is not None and AssessmentDialog(self.ctx, self.household_id, self, assessment_id).exec():
            self._after()

    def assessment_print(self):
        assessment_id = selected_data(self.assessments)
        if assessment_id is None:
            return None
        return print_catalog.produce(self.ctx.require_store(), "assessment",
                                     print_catalog.Request(record_id=assessment_id))  # fmt: skip

    def print_assessment(self) -> None:
        printed = self.assessment_print()
        if printed is not None:
            show_print(self, self.ctx.require_store(), printed)

    def plan_from_assessment(self) -> None:
        """A draft plan with the assessment's 本人, 課題 and 本人の希望, opened to be completed."""
        assessment_id = selected_data(self.assessments)
        if assessment_id is None:
            return
        plan_id = assessments.start_plan(self.ctx.require_store(), assessment_id)
        PlanDialog(self.ctx, plan_id, self).exec()
        self._after()

    # --- plans ------------------------------------------------------------------------------------

    def new_plan(self) -> None:
        plan_id = plans.start_version(self.ctx.require_store(), self.household_id)
        PlanDialog(self.ctx, plan_id, self).exec()
        self._after()

    def open_plan(self) -> None:
        plan_id = selected_data(self.plans)
        if plan_id is not None and PlanDialog(self.ctx, plan_id, self).exec():
            self._after()

    def approve(self) -> None:
        plan_id = selected_data(self.plans)
        if plan_id is None:
            return
        store = self.ctx.require_store()
        person_id = plans.get(store, plan_id).person_id
        if person_id is None:
            self.message.setText(T["no_person"])
            return
        cases = plans.approvable_cases(store, self.household_id, person_id)
        if not cases:
            self.message.setText(T["no_plan_meeting"])
            return
        picker = ChoiceDialog(T["approve"].replace("(&V)…", ""), T["choose_meeting"],
                              [(f"{format_wareki(day)}　{name}", cid) for cid, day, name in cases], self)  # fmt: skip
        if picker.exec() == QDialog.DialogCode.Accepted:
            self._run(lambda: plans.approve(store, plan_id, picker.value))

    def evaluate(self) -> None:
        plan_id = selected_data(self.plans)
        if plan_id is None:
            return
        store = self.ctx.require_store()
        dialog = EvaluationDialog(self, lambda text, outcomes: plans.evaluate(store, plan_id, text, self.ctx.today(),
                                                                              outcomes=outcomes),
                                  title=T["evaluate_title"], info=T["evaluate_info"])  # fmt: skip
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._after()

    def end_collaboration(self) -> None:
        plan_id = selected_data(self.plans)
        if plan_id is None:
            return
        store = self.ctx.require_store()
        plan = plans.get(store, plan_id)
        lead = meetings.agency_names(store).get(plan.lead_agency_id or 0, "未定")
        if confirm(self, T["end_collab"], T["end_confirm"].format(lead=lead)):
            # Recorded on the chosen meeting only when it is one that decides this person's plan.
            deciding = {cid for cid, *_ in plans.approvable_cases(store, self.household_id, plan.person_id)}
            case_id = selected_data(self.meetings) if selected_data(self.meetings) in deciding else None
            self._run(lambda: plans.end_collaboration(store, plan_id, self.ctx.today(), case_id))

    def print_plan(self) -> None:
        plan_id = selected_data(self.plans)
        if plan_id is None:
            return
        store = self.ctx.require_store()
        request = print_catalog.Request(record_id=plan_id, options={"signature": self.signature.isChecked()})
        show_print(self, store, print_catalog.produce(store, "plan", request))

    def summary_print(self):
        """事例概要; 匿名化 prints it on 最小限 (initials, age bands, nothing that locates the family)."""
        basis = "minimal" if self.anonymise.isChecked() else "internal"
        request = print_catalog.Request(household_id=self.household_id, basis=basis)
        return print_catalog.produce(self.ctx.require_store(), "summary", request)

    def print_summary(self) -> None:
        show_print(self, self.ctx.require_store(), self.summary_print())

    # --- meetings ---------------------------------------------------------------------------------

    def add_to_meeting(self) -> None:
        store = self.ctx.require_store()
        found = meetings.meetings(store)
        if not found:
            self.message.setText(T["no_meetings"])
            return
        picker = ChoiceDialog(T["add_to_meeting"].replace("(&G)…", ""), T["choose_agenda"],
                              [(f"{format_wareki(m.held_on)}　{m.type.name}　{m.place}", m.id) for m in found], self)  # fmt: skip
        if picker.exec() != QDialog.DialogCode.Accepted:
            return
        chosen, person_id = choose_person(self.ctx, self, self.household_id)
        if chosen:
            self._run(lambda: add_to_agenda(self.ctx, self, picker.value, self.household_id, person_id))

    def record_case(self) -> None:
        case_id = selected_data(self.meetings)
        if case_id is not None and CaseDialog(self.ctx, case_id, self).exec():
            self._after()


class EvaluationDialog(ReasonDialog):
    """評価 of a plan: what was achieved in words, and the outcomes 統計 counts (就労・増収) as check boxes."""

    def __init__(self, parent, act, *, title: str, info: str):
        super().__init__(parent, None, title=title, info=info)
        self.evaluate = act
        self.outcomes = {key: QCheckBox(T["outcome_keys"][key], objectName=f"outcome_{key}")
                         for key in vocab.PLAN_OUTCOME}  # fmt: skip
        row = QHBoxLayout()
        row.addWidget(QLabel(T["outcomes"]))
        for box in self.outcomes.values():
            row.addWidget(box)
        row.addStretch()
        self.layout().insertLayout(self.layout().count() - 2, row)  # above the message and the buttons
        self.act = lambda text: self.evaluate(text, [k for k, box in self.outcomes.items() if box.isChecked()])

