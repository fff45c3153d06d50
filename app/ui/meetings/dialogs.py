"""Meeting and plan dialogs: a meeting with its attendees, a case's record, the consent rule, the plan
editor, the list of meeting types, and two small pickers (a household, one item of a list)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.models import vocab
from app.services.common.errors import InvalidInput
from app.services.common.japanese import format_wareki
from app.services.households import households, search
from app.services.households.households import FieldErrors
from app.services.meetings import assessments, meetings, plans
from app.services.records import stored
from app.services.records.family import RelationWords
from app.services.referrals import agencies
from app.ui.common.unsaved import EditDialog
from app.ui.common.widgets import (
    DateField,
    ErrorLabel,
    FieldForm,
    choice_combo,
    dialog_buttons,
    fill_table,
    record_table,
    selected_data,
)

T = {
    "meeting_new": "会議の登録",
    "meeting_edit": "会議の情報",
    "type_id": "会議の種類(&K)",
    "held_on": "開催日(&D)",
    "time": "時間",
    "place": "場所",
    "chair": "司会・進行",
    "attendees": "出席者",
    "attendee_cols": ["機関", "氏名"],
    "add_row": "行を追加",
    "remove_row": "選んだ行を削除",
    "record": "会議全体の記録",
    "no_agency": "（関係機関を選ぶ）",
    "attendee_hint": "出席者は関係機関の一覧から選びます（町の職員も所属する課を選びます）。"
    "一覧にない機関は「関係機関」の画面で登録してから選びます。",
    "ok": "保存(&W)",
    "cancel": "キャンセル",
    "case_title": "事例の記録 — {code} {name}",
    "basis": "情報共有の根拠: {basis}",
    "case_person": "本人: {name}（{word}）",
    "issues": "課題整理(&I)",
    "policy": "支援方針(&P)",
    "roles": "役割分担",
    "decisions": "決定事項",
    "next_review_on": "次回の見直し",
    "plan_decision_hint": "「プラン承認」と「多機関協働の関与終了」は、世帯の画面の「会議・プラン」で記録すると付きます。",
    "no_plan_hint": "{type}は情報交換と支援体制の検討を行う場です。支援決定・プラン承認・見直し・終結判断は、"
    "本人の同意を得て開く、プランを決める会議（重層的支援会議など）で記録します。",
    "rule_title": "同意の確認",
    "rule_consent": "同意を記録する(&C)…",
    "rule_person": "本人",
    "rule_move": "支援会議（第106条の6）で検討する(&M)…",
    "rule_moved": "{day}の{name}に追加しました",
    "rule_no_cover": "記録した同意では、この会議で扱えません。",
    "rule_new_shien": "支援会議を{day}に新しく登録して追加する",
    "rule_choose": "どの支援会議で検討しますか",
    "picker_title": "世帯を選ぶ",
    "picker_query": "氏名・ふりがな・住所・電話・世帯番号(&F)",
    "picker_none": "見つかりません",
    "picker_person": "本人(&H)",
    "picker_no_person": "この事例の本人を、世帯員から選んでください",
    "person_title": "本人を選ぶ",
    "person_info": "この世帯のだれの事例として議題に載せますか（同意が要る会議では、その人の同意を確かめます）",
    "choose": "選ぶ",
    "plan_title": "支援プラン（第{version}版・{state}）",
    "person_id": "本人(&H)",
    "plan_issues": "課題(&I)",
    "plan_wishes": "本人の希望（本人の言葉のまま）(&J)",
    "goals": "目標と自立の種類",
    "goal_cols": ["目標", "自立の種類"],
    "plan_roles": "役割分担",
    "plan_source": "もとにしたアセスメント: 第{version}版（{day}）",
    "role_cols": ["機関", "担当", "役割（何をするか）", "連絡先", "状態", "期限", "状態の日付"],
    "lead_agency_id": "主担当機関(&L)",
    "period_start": "期間（始まり）",
    "period_end": "期間（終わり）",
    "review_on": "見直し日(&V)",
    "choose_agency": "（選ぶ）",
    "frozen": "承認済みのプランは変更できません。変えるときは「プランを改訂」で新しい版を作ります。",
    "close": "閉じる",
    "types_title": "会議の種類",
    "type_cols": ["名前", "案件を扱う根拠", "プランの承認", "使う"],
    "type_name": "名前",
    "type_basis": "案件を扱う根拠",
    "type_plan": "この会議で支援プランを承認する",
    "type_active": "一覧に出す",
    "type_builtin": "法令・要綱に定められた会議です。名前は変えられますが、案件を扱う根拠とプランの承認は変えられません。",
    "type_add": "新しく追加(&A)",
    "type_clear": "新しく入力(&N)",
    "type_save": "選んだ種類を更新(&U)",
    "yes": "○",
}


def _short_wareki(iso: str | None) -> str:
    """A role's stored ISO date as typed back (R8.4.1), so an unchanged row saves unchanged."""
    from datetime import date

    try:
        return format_wareki(date.fromisoformat(iso), short=True) if iso else ""
    except ValueError:
        return iso or ""


def _agency_combo(items: list[tuple[int, str]], current: int | None, empty: str) -> QComboBox:
    box = QComboBox()
    box.addItem(empty, None)
    for agency_id, name in items:
        box.addItem(name, agency_id)
    if current is not None:
        box.setCurrentIndex(max(0, box.findData(current)))
    return box


def _agency_items(ctx) -> list[tuple[int, str]]:
    return [(a.id, a.name) for a in agencies.all_agencies(ctx.require_store(), active_only=True)]


def member_items(household) -> list[tuple[str, int]]:
    """(「氏名（続柄）」, person id) of the living members: whose case, whose plan."""
    record = stored.to_record(household)
    words = RelationWords(record)
    return [(f"{p.name}（{words(m)}）", p.id)
            for p, m in zip(household.members, record.members, strict=True) if not p.deceased]  # fmt: skip


def choose_person(ctx, parent, household_id: int) -> tuple[bool, int | None]:
    """Ask whose case it is when the household has members; (False, None) when cancelled."""
    items = member_items(households.open_household(ctx.require_store(), household_id))
    if not items:
        return True, None
    if len(items) == 1:
        return True, items[0][1]
    picker = ChoiceDialog(T["person_title"], T["person_info"], items, parent)
    if picker.exec() != QDialog.DialogCode.Accepted:
        return False, None
    return True, picker.value


class RowsTable(QWidget):
    """An editable table whose some columns are combo boxes; ``rows()`` gives dicts by column key."""

    def __init__(self, columns: list[tuple[str, str, list[tuple] | None]], name: str):
        super().__init__()
        self.columns = columns  # (key, header, options or None for text)
        self.table = QTableWidget(0, len(columns), objectName=name)
        self.table.setHorizontalHeaderLabels([h for _k, h, _o in columns])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(110)
        add = QPushButton(T["add_row"])
        add.clicked.connect(lambda: self.add_row({}))
        remove = QPushButton(T["remove_row"])
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add_row(self, values: dict) -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, (key, _h, options) in enumerate(self.columns):
            if options is None:
                self.table.setItem(r, c, QTableWidgetItem(values.get(key) or ""))
            else:
                box = QComboBox()
                for data, label in options:
                    box.addItem(label, data)
                box.setCurrentIndex(max(0, box.findData(values.get(key))))
                self.table.setCellWidget(r, c, box)
        return r

    def rows(self) -> list[dict]:
        out = []
        for r in range(self.table.rowCount()):
            row = {}
            for c, (key, _h, options) in enumerate(self.columns):
                if options is None:
                    item = self.table.item(r, c)
                    row[key] = item.text().strip() if item else ""
                else:
                    row[key] = self.table.cellWidget(r, c).currentData()
            out.append(row)
        return out

    def set_editable(self, editable: bool) -> None:
        self.setEnabled(editable)


class MeetingDialog(EditDialog):
    def __init__(self, ctx, parent=None, meeting_id: int | None = None):
        super().__init__(parent)
        self.ctx, self.meeting_id = ctx, meeting_id
        store = ctx.require_store()
        meeting = meetings.get_meeting(store, meeting_id) if meeting_id else None
        self.setWindowTitle(T["meeting_edit" if meeting else "meeting_new"])
        self.form = FieldForm(QFormLayout(), T)
        self.type = self.form.add("type_id", QComboBox())
        for t in meetings.types(store):
            if t.active or (meeting and meeting.type_id == t.id):
                self.type.addItem(t.name, t.id)
        self.held_on = self.form.add("held_on", DateField())
        self.held_on.set_date(meeting.held_on if meeting else ctx.today())
        self.time = self.form.add("time", QLineEdit(meeting.time if meeting else ""))
        self.place = self.form.add("place", QLineEdit(meeting.place if meeting else ""))
        self.chair = self.form.add("chair", QLineEdit(meeting.chair if meeting else ""))
        # Attendees are agencies of the directory (they bind the scope a consent names); a retired agency
        # that attended earlier stays choosable here.
        attended = {a.get("agency_id") for a in (meeting.attendees if meeting else [])}
        options = [(None, T["no_agency"]), *((a.id, a.name) for a in agencies.all_agencies(store)
                                             if a.active or a.id in attended)]  # fmt: skip
        self.attendees = RowsTable([("agency_id", "機関", options), ("name", "氏名", None)], "attendees")
        for a in meeting.attendees if meeting else []:
            self.attendees.add_row(a)
        self.form.add("attendees", self.attendees)
        hint = QLabel(T["attendee_hint"], objectName="hint")
        hint.setWordWrap(True)
        self.form.layout.addRow("", hint)
        self.record = self.form.add("record", QPlainTextEdit(meeting.record if meeting else ""))
        self.record.setMaximumHeight(90)
        if meeting:
            self.type.setCurrentIndex(max(0, self.type.findData(meeting.type_id)))
        self.general = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addWidget(self.general)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        self.resize(700, 640)

    def submit(self) -> None:
        self.form.clear()
        self.general.show_error("")
        try:
            held_on = self.held_on.value()
        except ValueError:
            return
        values = {"type_id": self.type.currentData(), "held_on": held_on, "time": self.time.text(),
                  "place": self.place.text(), "chair": self.chair.text(), "attendees": self.attendees.rows(),
                  "record": self.record.toPlainText()}  # fmt: skip
        store = self.ctx.require_store()
        try:
            if self.meeting_id:
                meetings.update_meeting(store, self.meeting_id, values)
            else:
                self.meeting_id = meetings.create_meeting(store, values)
        except FieldErrors as exc:
            if not self.form.show(exc.errors):
                self.general.show_error("\n".join(exc.errors.values()))
            return
        self.accept()


class CaseDialog(EditDialog):
    """課題整理・支援方針・役割分担, the decisions and the next review of one case at one meeting."""

    def __init__(self, ctx, case_id: int, parent=None):
        super().__init__(parent)
        self.ctx, self.case_id = ctx, case_id
        case = meetings.get_case(ctx.require_store(), case_id)
        household = households.open_household(ctx.require_store(), case.household_id)
        head = next((m.name for m in household.members if m.relation == "head"), case.household.label)
        self.setWindowTitle(T["case_title"].format(code=case.household.code, name=head))
        self.form = FieldForm(QFormLayout(), T)
        person = next((label for label, pid in member_items(household) if pid == case.person_id), "")
        info = QLabel(
            f"{format_wareki(case.meeting.held_on)}　{case.meeting.type.name}　"
            + T["basis"].format(basis=vocab.SHARING_BASIS.get(case.basis, ""))
            + (f"\n{T['rule_person']}: {person}" if person else "")
        )
        info.setWordWrap(True)
        self.texts = {}
        for key in ("issues", "policy", "roles"):
            edit = QPlainTextEdit(getattr(case, key))
            edit.setMaximumHeight(80)
            edit.setTabChangesFocus(True)
            self.texts[key] = self.form.add(key, edit)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        self.decisions: dict[str, QCheckBox] = {}
        kind = case.meeting.type
        for code, word in vocab.MEETING_DECISION.items():
            box = QCheckBox(word, objectName=f"decision_{code}")
            box.setChecked(code in (case.decisions or []))
            # Only what this type may decide; プラン承認 and 関与終了 come from the plan's own steps.
            box.setEnabled(meetings.may_decide(kind, code) and code not in ("plan_approval", "collab_end"))
            row.addWidget(box)
            self.decisions[code] = box
        self.form.add("decisions", holder)
        hint = T["plan_decision_hint"] if kind.decides_plan else T["no_plan_hint"].format(type=kind.name)
        hint_label = QLabel(hint, objectName="hint")
        hint_label.setWordWrap(True)
        self.form.layout.addRow("", hint_label)
        self.review = self.form.add("next_review_on", DateField(required=False))
        if case.next_review_on:
            self.review.set_date(case.next_review_on)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(self.form.layout)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        self.resize(760, 560)

    def submit(self) -> None:
        self.form.clear()
        try:
            review = self.review.value()
        except ValueError:
            return
        values = {key: edit.toPlainText() for key, edit in self.texts.items()}
        values["decisions"] = [code for code, box in self.decisions.items() if box.isChecked()]
        values["next_review_on"] = review
        try:
            meetings.record_case(self.ctx.require_store(), self.case_id, values)
        except FieldErrors as exc:
            self.form.show(exc.errors)
            return
        self.accept()


class ChoiceDialog(QDialog):
    """Pick one item of a short list (a meeting, a plan case); ``value`` holds its data."""

    def __init__(self, title: str, info: str, items: list[tuple[str, object]], parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.value = None
        self.list = QListWidget(objectName="choices")
        for label, data in items:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, data)
            self.list.addItem(item)
        if items:
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _i: self.submit())
        label = QLabel(info)
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.list)
        layout.addWidget(dialog_buttons(self, T["choose"], T["cancel"]))
        self.resize(560, 340)

    def submit(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.value = item.data(Qt.ItemDataRole.UserRole)
            self.accept()


class HouseholdPicker(QDialog):
    """A household and its 本人 (a case is one person's): ``value`` is the household id, ``person_id`` the
    member chosen (None only for a household without members)."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx, self.value, self.person_id = ctx, None, None
        self.setWindowTitle(T["picker_title"])
        self.query = QLineEdit(objectName="picker_query")
        self.query.setMaxLength(search.MAX_QUERY)
        self.query.textChanged.connect(self._find)
        self.results = record_table(["世帯番号", "世帯主", "ふりがな", "住所"], "picker_results")
        self.results.doubleClicked.connect(lambda _i: self.submit())
        self.results.itemSelectionChanged.connect(self._members)
        self.none = QLabel("", objectName="hint")
        self.person = QComboBox(objectName="picker_person")
        self.person_error = ErrorLabel()
        form = QFormLayout()
        form.addRow(T["picker_query"], self.query)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.results)
        layout.addWidget(self.none)
        person_form = QFormLayout()
        person_form.addRow(T["picker_person"], self.person)
        person_form.addRow("", self.person_error)
        layout.addLayout(person_form)
        layout.addWidget(dialog_buttons(self, T["choose"], T["cancel"]))
        self.resize(720, 420)
        self._find("")

    def _find(self, text: str) -> None:
        _ids, found = search.lookup(self.ctx.require_store(), text)
        fill_table(self.results, [[r.code, r.head_name or r.label, r.head_kana, r.address] for r in found],
                   [r.id for r in found])  # fmt: skip
        if found:
            self.results.selectRow(0)
        self.none.setText("" if found else T["picker_none"])
        self._members()

    def _members(self) -> None:
        self.person.clear()
        self.person_error.show_error("")
        household_id = selected_data(self.results)
        if household_id is None:
            return
        items = member_items(households.open_household(self.ctx.require_store(), household_id))
        if len(items) > 1:
            self.person.addItem(T["choose_agency"], None)  # whose case it is is chosen, never assumed
        for label, person_id in items:
            self.person.addItem(label, person_id)

    def submit(self) -> None:
        self.value = selected_data(self.results)
        if self.value is None:
            return
        self.person_id = self.person.currentData()
        if self.person_id is None and self.person.count():
            self.person_error.show_error(T["picker_no_person"])
            self.person.setFocus()
            return
        self.accept()


class ConsentRuleDialog(EditDialog):
    """The case's 本人 has no consent covering a meeting that needs one: say why, and offer to record their
    consent (given by them or their legal representative; then add the case) or to discuss it at a 支援会議
    instead. The consent is the 本人's own: another member's never brings the case."""

    def __init__(self, ctx, refusal: meetings.ConsentRequired, parent=None):
        super().__init__(parent)
        self.ctx, self.refusal = ctx, refusal
        self.case_id: int | None = None
        self.setWindowTitle(T["rule_title"])
        store = ctx.require_store()
        household = households.open_household(store, refusal.household_id)
        self.info = info = QLabel(str(refusal), objectName="rule_message")
        info.setWordWrap(True)
        self.person = QComboBox(objectName="rule_person")
        for label, person_id in member_items(household):
            self.person.addItem(label, person_id)
        if refusal.person_id is not None:
            self.person.setCurrentIndex(max(0, self.person.findData(refusal.person_id)))
            self.person.setEnabled(False)  # the case is this person's: only their consent counts
        self.consent = QPushButton(T["rule_consent"], objectName="rule_consent")
        self.consent.setEnabled(self.person.count() > 0)
        self.consent.clicked.connect(self.record_consent)
        self.move = QPushButton(T["rule_move"], objectName="rule_move")
        self.move.clicked.connect(self.move_case)
        self.error = ErrorLabel()
        cancel = QPushButton(T["cancel"])
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(QLabel(T["rule_person"]))
        row.addWidget(self.person, 1)
        row.addWidget(self.consent)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(row)
        layout.addWidget(self.move)
        layout.addWidget(self.error)
        layout.addWidget(cancel)
        self.resize(680, 300)

    def record_consent(self) -> None:
        from app.ui.referrals.dialogs import ConsentDialog

        dialog = ConsentDialog(self.ctx, self.person.currentData(), self, purpose="support_meeting")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.case_id = meetings.add_case(self.ctx.require_store(), self.refusal.meeting_id,
                                             self.refusal.household_id, self.person.currentData())  # fmt: skip
        except meetings.ConsentRequired as again:
            self.error.show_error(f"{T['rule_no_cover']}\n{again}")
            return
        except InvalidInput as exc:
            self.error.show_error(str(exc))
            return
        self.accept()

    def move_case(self) -> None:
        store = self.ctx.require_store()
        meeting = meetings.get_meeting(store, self.refusal.meeting_id)
        choices = [(f"{format_wareki(m.held_on)}　{m.type.name}　{m.place}", m.id)
                   for m in meetings.statutory_meetings(store, self.ctx.today())]  # fmt: skip
        choices.append((T["rule_new_shien"].format(day=format_wareki(meeting.held_on)), None))
        picker = ChoiceDialog(T["rule_move"].replace("(&M)…", ""), T["rule_choose"], choices, self)
        if picker.exec() != QDialog.DialogCode.Accepted:
            return
        target = picker.value
        try:
            if target is None:
                shien = next(t.id for t in meetings.types(store) if t.basis == "support_meeting")
                target = meetings.create_meeting(store, {"type_id": shien, "held_on": meeting.held_on,
                                                         "place": meeting.place, "time": meeting.time})  # fmt: skip
            self.case_id = meetings.add_case(store, target, self.refusal.household_id, self.refusal.person_id)
        except InvalidInput as exc:
            self.error.show_error(str(exc))
            return
        self.accept()


def add_to_agenda(ctx, parent, meeting_id: int, household_id: int, person_id: int | None) -> int | None:
    """Put a person's case on an agenda, going through the consent rule when the meeting needs consent."""
    store = ctx.require_store()
    try:
        return meetings.add_case(store, meeting_id, household_id, person_id)
    except meetings.ConsentRequired as refusal:
        dialog = ConsentRuleDialog(ctx, refusal, parent)
        return dialog.case_id if dialog.exec() == QDialog.DialogCode.Accepted else None


class PlanDialog(EditDialog):
    """The plan editor: a 作成中 version is edited, an approved one is shown read-only."""

    def __init__(self, ctx, plan_id: int, parent=None):
        super().__init__(parent)
        self.ctx, self.plan_id = ctx, plan_id
        plan = plans.get(ctx.require_store(), plan_id)
        self.editable = plan.state == "draft"
        self.setWindowTitle(T["plan_title"].format(version=plan.version, state=vocab.PLAN_STATE[plan.state]))
        self.form = FieldForm(QFormLayout(), T)
        # A plan is for one person (本人); the household's other members may appear in it.
        self.person = self.form.add("person_id", QComboBox())
        self.person.addItem(T["choose_agency"], None)
        for label, person_id in member_items(households.open_household(ctx.require_store(), plan.household_id)):
            self.person.addItem(label, person_id)
        self.person.setCurrentIndex(max(0, self.person.findData(plan.person_id)))
        self.wishes = self.form.add("wishes", QPlainTextEdit(plan.wishes), T["plan_wishes"])
        self.issues = self.form.add("issues", QPlainTextEdit(plan.issues), T["plan_issues"])
        for edit in (self.wishes, self.issues):
            edit.setMaximumHeight(70)
            edit.setTabChangesFocus(True)
        self.goals = RowsTable([("text", "目標", None), ("kind", "自立の種類", [(None, T["choose_agency"]),
                                *((c, w) for c, w in vocab.AUTONOMY.items())])], "goals")  # fmt: skip
        for g in plan.goals or []:
            self.goals.add_row(g)
        self.form.add("goals", self.goals)
        items = _agency_items(ctx)
        # Each role is followed: its 状態, its 期限 and the day the 状態 was last set; dates are typed the
        # usual way (R8.4.1) and shown in 和暦 (the service reads them).
        self.roles = RowsTable([("agency_id", "機関", [(None, T["choose_agency"]), *items]), ("staff", "担当", None),
                                ("task", "役割（何をするか）", None), ("contact", "連絡先", None),
                                ("status", "状態", list(vocab.ROLE_STATUS.items())), ("due_on", "期限", None),
                                ("status_on", "状態の日付", None)], "roles")  # fmt: skip
        header = self.roles.table.horizontalHeader()
        for column, width in enumerate((170, 70, 0, 110, 84, 84, 90)):  # 役割 takes what is left
            if width:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, width)
        for r in plan.roles or []:
            self.roles.add_row({**r, "due_on": _short_wareki(r.get("due_on")),
                                "status_on": _short_wareki(r.get("status_on"))})  # fmt: skip
        self.form.add("roles", self.roles, T["plan_roles"])
        self.lead = self.form.add(
            "lead_agency_id", _agency_combo(items, plan.lead_agency_id, T["choose_agency"])
        )
        self.dates = {}
        for key in ("period_start", "period_end", "review_on"):
            field = self.form.add(key, DateField(required=False))
            if getattr(plan, key):
                field.set_date(getattr(plan, key))
            self.dates[key] = field
        layout = QVBoxLayout(self)
        if not self.editable:
            layout.addWidget(QLabel(T["frozen"], objectName="hint"))
        if plan.assessment_id is not None:
            source = assessments.get(ctx.require_store(), plan.assessment_id)
            layout.addWidget(QLabel(T["plan_source"].format(version=source.version,
                                                            day=format_wareki(source.assessed_on)), objectName="hint"))  # fmt: skip
        layout.addLayout(self.form.layout)
        self.general = ErrorLabel()
        layout.addWidget(self.general)
        if self.editable:
            layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        else:
            for widget in self.form.widgets.values():
                widget.setEnabled(False)
            close = QPushButton(T["close"])
            close.clicked.connect(self.reject)
            layout.addWidget(close)
        self.resize(1040, 760)

    def submit(self) -> None:
        self.form.clear()
        self.general.show_error("")
        try:
            dates = {key: field.value() for key, field in self.dates.items()}
        except ValueError:
            return
        values = {"person_id": self.person.currentData(), "issues": self.issues.toPlainText(),
                  "wishes": self.wishes.toPlainText(),
                  "goals": self.goals.rows(), "roles": self.roles.rows(), "lead_agency_id": self.lead.currentData(),
                  **dates}  # fmt: skip
        try:
            plans.save_draft(self.ctx.require_store(), self.plan_id, values)
        except FieldErrors as exc:
            if not self.form.show(exc.errors):
                self.general.show_error("\n".join(exc.errors.values()))
            return
        except InvalidInput as exc:
            self.general.show_error(str(exc))
            return
        self.accept()


class MeetingTypesDialog(QDialog):
    """The town's list of meetings: rename, add, set what lets a case be discussed, retire."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(T["types_title"])
        self.table = record_table(T["type_cols"], "meeting_types")
        self.table.itemSelectionChanged.connect(self._show)
        self.form = FieldForm(QFormLayout(), T)
        self.name = self.form.add("name", QLineEdit(), T["type_name"])
        self.basis = self.form.add("basis", choice_combo(vocab.MEETING_BASIS), T["type_basis"])
        self.basis.currentIndexChanged.connect(lambda _i: self._lock())
        self.plan = self.form.add("decides_plan", QCheckBox(T["type_plan"]), "")
        self.active = QCheckBox(T["type_active"])
        self.active.setChecked(True)
        self.form.layout.addRow("", self.active)
        self.builtin = QLabel("", objectName="hint")
        self.builtin.setWordWrap(True)
        self.form.layout.addRow("", self.builtin)
        self.chosen = None
        clear = QPushButton(T["type_clear"])
        clear.clicked.connect(self._clear)
        add = QPushButton(T["type_add"])
        add.clicked.connect(lambda: self.save(None))
        update = QPushButton(T["type_save"])
        update.clicked.connect(lambda: self.save(selected_data(self.table)))
        buttons = QHBoxLayout()
        buttons.addWidget(clear)
        buttons.addWidget(add)
        buttons.addWidget(update)
        buttons.addStretch()
        close = QPushButton(T["close"])
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(self.form.layout)
        layout.addLayout(buttons)
        self.resize(760, 560)
        self.reload()
        self._lock()

    def _lock(self) -> None:
        """A built-in type keeps its legal basis; only a type that needs consent may decide plans."""
        builtin = self.chosen is not None and self.chosen.code is not None
        self.basis.setEnabled(not builtin)
        consent = self.basis.currentData() == "consent"
        if not consent:
            self.plan.setChecked(False)
        self.plan.setEnabled(not builtin and consent)
        self.builtin.setText(T["type_builtin"] if builtin else "")

    def _clear(self) -> None:
        self.table.clearSelection()
        self.chosen = None
        self.name.clear()
        self.basis.setCurrentIndex(0)
        self.plan.setChecked(False)
        self.active.setChecked(True)
        self._lock()

    def reload(self) -> None:
        self.types = meetings.types(self.ctx.require_store())
        fill_table(self.table, [[t.name, vocab.MEETING_BASIS.get(t.basis, ""), T["yes"] if t.decides_plan else "",
                                 T["yes"] if t.active else ""] for t in self.types], [t.id for t in self.types])  # fmt: skip

    def _show(self) -> None:
        chosen = self.chosen = next((t for t in self.types if t.id == selected_data(self.table)), None)
        if chosen is not None:
            self.name.setText(chosen.name)
            self.basis.setCurrentIndex(max(0, self.basis.findData(chosen.basis)))
            self.plan.setChecked(chosen.decides_plan)
            self.active.setChecked(chosen.active)
        self._lock()

    def save(self, type_id) -> None:
        self.form.clear()
        try:
            meetings.save_type(self.ctx.require_store(), type_id, self.name.text(), self.basis.currentData(),
                               self.plan.isChecked(), self.active.isChecked())  # fmt: skip
        except FieldErrors as exc:
            self.form.show(exc.errors)
            return
        self.reload()
