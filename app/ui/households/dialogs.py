"""Dialogs for a household: its details (and the quick 気になる世帯 capture), status, a member, an intake.

Each dialog collects values, calls one service function, and shows any FieldErrors at their fields;
nothing is saved until the service accepts everything.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.models import vocab
from app.services.common.errors import InvalidInput
from app.services.common.japanese import format_wareki
from app.services.households import households
from app.services.households.households import FieldErrors
from app.services.printing import glyphs
from app.ui.common.context import AppContext
from app.ui.common.unsaved import EditDialog, ask_destructive
from app.ui.common.widgets import DateField, ErrorLabel, FieldForm, choice_combo, dialog_buttons

T = {
    "ok": "保存(&S)",
    "cancel": "キャンセル",
    "household": "世帯の情報",
    "quick": "気になる世帯をすぐ登録",
    "quick_info": "住所か呼び名のどちらかだけで登録できます。世帯員はあとから追加できます。",
    "label": "呼び名(&L)",
    "label_hint": "例: 3丁目の角の山田さん宅",
    "address": "住所(&A)",
    "postal_code": "郵便番号",
    "district": "自治会・地区(&D)",
    "phone": "電話(&T)",
    "housing": "住居",
    "note": "メモ",
    "status": "状態の変更",
    "status_label": "状態(&S)",
    "reason": "理由・経過(&R)",
    "closure": "終結の理由（終結のときは必ず選ぶ）",
    "closure_note": "「その他」の理由",
    "closure_note_hint": "例: 施設に入所し、町の支援が要らなくなった",
    "closure_case_id": "終結を決めた会議",
    "no_meeting": "（なし）",
    "member": "世帯員",
    "name": "氏名(&N)",
    "kana": "ふりがな(&K)",
    "sex": "性別",
    "birth_date": "生年月日(&B)",
    "resident_number": "宛名番号",
    "relation": "続柄（世帯主から見て）",
    "marital": "婚姻状況",
    "work": "就労",
    "care_level": "要支援・要介護",
    "disability": "障害・難病",
    "needs_assistance": "介助が必要",
    "medical_care": "医療的ケア",
    "hikikomori": "ひきこもり",
    "hikikomori_since": "ひきこもりの開始",
    "issues": "課題の分野",
    "lives_here": "同居している",
    "deceased": "死亡",
    "mobile": "携帯電話",
    "own_words": "本人の言葉・希望",
    "strengths": "できること・強み",
    "cares_for": "介護・世話をしている相手",
    "parents": "親を指定する（続柄から決まらないとき）",
    "duplicate_title": "同じ人が登録されているかもしれません",
    "duplicate": "ふりがな（または氏名）と生年月日が同じ人がいます:\n\n{list}\n\n同じ人なら、その記録をこの世帯に移して使います（履歴は引き継がれます）。",
    "merge": "同じ人として統合",
    "separate": "別の人として登録",
    "intake": "相談受付",
    "received_on": "受付日(&D)",
    "received_by": "受付者",
    "person": "相談者（本人）",
    "no_person": "（世帯員以外・未登録）",
    "route": "経路",
    "visitor": "来談者（本人以外が来たとき）",
    "visitor_name": "氏名",
    "visitor_relation": "本人との関係",
    "categories": "相談内容（該当するものすべて）",
    "main_category": "◎ 最も困っていること",
    "none": "（選ばない）",
    "category_note": "その他の内容",
    "main_complaint": "主訴（本人の言葉のまま）(&M)",
    "background": "背景・気づいたこと",
    "response": "対応",
    "referred_to": "つないだ先",
    "urgency": "緊急度",
    "delete": "削除(&E)…",
    "delete_question": "この相談受付（{day}）を削除しますか？",
    "delete_detail": "間違えて入力した相談受付を消すときに使います。削除すると一覧と統計から外れます。"
    "入力されていた内容は、世帯の「変更履歴」に残ります。",
}


def _text(widget) -> str:
    return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()


class HouseholdDialog(EditDialog):
    """New household, quick 気になる世帯 capture (``quick``), or editing an existing one."""

    def __init__(self, ctx: AppContext, parent=None, *, household=None, quick: bool = False, districts=()):
        super().__init__(parent)
        self.ctx, self.household, self.household_id = ctx, household, getattr(household, "id", None)
        self.setWindowTitle(T["quick"] if quick else T["household"])
        layout = QVBoxLayout(self)
        if quick:
            info = QLabel(T["quick_info"])
            info.setWordWrap(True)
            layout.addWidget(info)
        self.form = FieldForm(QFormLayout(), T)
        label = self.form.add("label", QLineEdit())
        label.setPlaceholderText(T["label_hint"])
        self.form.add("address", QLineEdit())
        district = QComboBox(editable=True)
        district.addItems(["", *districts])
        self.form.add("district", district)
        if not quick:
            self.form.add("postal_code", QLineEdit())
            self.form.add("phone", QLineEdit())
            self.form.add("housing", choice_combo(vocab.HOUSING, "unknown"))
        self.form.add("note", QPlainTextEdit())
        self.form.widgets["note"].setMaximumHeight(80)
        layout.addLayout(self.form.layout)
        self.general = ErrorLabel()
        layout.addWidget(self.general)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        if household is not None:
            for key, widget in self.form.widgets.items():
                value = getattr(household, key)
                if isinstance(widget, QComboBox) and not widget.isEditable():
                    widget.setCurrentIndex(max(0, widget.findData(value)))
                elif isinstance(widget, QComboBox):
                    widget.setCurrentText(value)
                elif isinstance(widget, QPlainTextEdit):
                    widget.setPlainText(value)
                else:
                    widget.setText(value)
        self.resize(560, 300)

    def values(self) -> dict:
        out = {}
        for key, w in self.form.widgets.items():
            if isinstance(w, QComboBox):
                out[key] = w.currentText() if w.isEditable() else w.currentData()
            else:
                out[key] = _text(w)
        return out

    def submit(self) -> None:
        self.form.clear()
        try:
            if self.household_id is None:
                self.household_id = households.create_household(self.ctx.require_store(), **self.values())
            else:
                households.update_household(self.ctx.require_store(), self.household_id, **self.values())
        except FieldErrors as exc:
            if not self.form.show(exc.errors):
                self.general.show_error(str(exc))
            return
        self.accept()


class StatusDialog(EditDialog):
    def __init__(self, ctx: AppContext, household, parent=None):
        super().__init__(parent)
        self.ctx, self.household = ctx, household
        self.setWindowTitle(T["status"])
        self.form = FieldForm(QFormLayout(), T)
        self.status = self.form.add(
            "status", choice_combo(vocab.HOUSEHOLD_STATUS, household.status), T["status_label"]
        )
        self.reason = self.form.add("reason", QLineEdit(), T["reason"])
        self.reason.setText(household.status_reason)
        group = QGroupBox(T["closure"])
        box = QVBoxLayout(group)
        self.closure = QButtonGroup(self)
        self.closure_buttons: dict[str, QRadioButton] = {}
        for code, words in vocab.CLOSURE_REASON.items():
            button = QRadioButton(words)
            button.setChecked(household.closure_reason == code)
            self.closure.addButton(button)
            self.closure_buttons[code] = button
            box.addWidget(button)
        self.closure_error = ErrorLabel()
        box.addWidget(self.closure_error)
        self.closure_form = FieldForm(QFormLayout(), T)
        self.closure_note = self.closure_form.add("closure_note", QLineEdit(household.closure_note or ""))
        self.closure_note.setPlaceholderText(T["closure_note_hint"])
        meeting = QComboBox()
        meeting.addItem(T["no_meeting"], None)
        for m in households.closure_meetings(ctx.require_store(), household.id):
            meeting.addItem(m.label, m.case_id)
        meeting.setCurrentIndex(max(0, meeting.findData(household.closure_case_id)))
        self.closure_case = self.closure_form.add("closure_case_id", meeting)
        box.addLayout(self.closure_form.layout)
        self.group = group
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addWidget(group)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        self.status.currentIndexChanged.connect(self._sync)
        self.closure.buttonToggled.connect(self._sync)
        self._sync()
        self.resize(660, self.sizeHint().height())  # no empty band between the fields and the reasons

    def _sync(self) -> None:
        self.group.setEnabled(self.status.currentData() == "closed")
        self.closure_note.setEnabled(
            any(self.closure_buttons[c].isChecked() for c in vocab.CLOSURE_NEEDS_NOTE)
        )

    def submit(self) -> None:
        self.form.clear()
        self.closure_form.clear()
        self.closure_error.show_error("")
        closure = next((c for c, b in self.closure_buttons.items() if b.isChecked()), None)
        try:
            households.change_status(
                self.ctx.require_store(),
                self.household.id,
                self.status.currentData(),
                self.reason.text(),
                closure,
                closure_note=self.closure_note.text(),
                closure_case_id=self.closure_case.currentData(),
            )
        except FieldErrors as exc:
            self.form.show(exc.errors)
            self.closure_form.show(exc.errors)
            if "closure_reason" in exc.errors:
                self.closure_error.show_error(exc.errors["closure_reason"])
            return
        self.accept()


def _checks(options: dict[str, str], chosen, columns: int = 3) -> tuple[QWidget, dict[str, QCheckBox]]:
    holder = QWidget()
    grid = QGridLayout(holder)
    grid.setContentsMargins(0, 0, 0, 0)
    boxes = {}
    for i, (code, label) in enumerate(options.items()):
        box = QCheckBox(label)
        box.setChecked(code in (chosen or []))
        grid.addWidget(box, i // columns, i % columns)
        boxes[code] = box
    return holder, boxes


def _member_list(members, chosen_ids, exclude_id=None) -> QListWidget:
    lst = QListWidget()
    lst.setMaximumHeight(96)
    for m in members:
        if m.id == exclude_id:
            continue
        item = QListWidgetItem(m.name)
        item.setData(Qt.ItemDataRole.UserRole, m.id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if m.id in chosen_ids else Qt.CheckState.Unchecked)
        lst.addItem(item)
    return lst


def _checked_ids(lst: QListWidget) -> list[int]:
    return [
        lst.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(lst.count())
        if lst.item(i).checkState() == Qt.CheckState.Checked
    ]


class MemberDialog(EditDialog):
    """Add or edit one member: every field of the exchange format plus contact, 本人の言葉・希望, 強み."""

    def __init__(self, ctx: AppContext, household, parent=None, *, person=None):
        super().__init__(parent)
        self.ctx, self.household, self.person = ctx, household, person
        self.person_id = getattr(person, "id", None)
        self.setWindowTitle(T["member"])
        left = FieldForm(QFormLayout(), T)
        right = FieldForm(QFormLayout(), T)
        self.forms = (left, right)
        p = person
        self.name = left.add("name", QLineEdit(getattr(p, "name", "")))
        self.name_form = left
        # Said while typing, not on save: a name with such a character is still saved (a warning, not an
        # error), but the coordinator should know before printing that it will come out as a box.
        self.name.textChanged.connect(self._check_printable)
        self._check_printable()  # a name saved earlier (or imported) is checked when opened, too
        self.kana = left.add("kana", QLineEdit(getattr(p, "kana", "")))
        self.birth = left.add("birth_date", DateField(partial=True))
        self.birth.set_partial(getattr(p, "birth_date", None), getattr(p, "birth_earliest", None), getattr(p, "birth_text", ""))
        self.resident_number = left.add("resident_number", QLineEdit(getattr(p, "resident_number", None) or ""))
        self.resident_number.setMaxLength(20)
        default_relation = "head" if not household.members else "child"
        self.sex = left.add("sex", choice_combo(vocab.SEX, getattr(p, "sex", "unknown")))
        self.relation = left.add(
            "relation", choice_combo(vocab.RELATION, getattr(p, "relation", default_relation))
        )
        self.marital = left.add("marital", choice_combo(vocab.MARITAL, getattr(p, "marital", "unknown")))
        self.work = left.add("work", choice_combo(vocab.WORK, getattr(p, "work", "unknown")))
        self.phone = left.add("phone", QLineEdit(getattr(p, "phone", "")))
        self.mobile = left.add("mobile", QLineEdit(getattr(p, "mobile", "")))
        flags_row = QWidget()
        row = QHBoxLayout(flags_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.lives_here = QCheckBox(T["lives_here"])
        self.lives_here.setChecked(getattr(p, "lives_here", True))
        self.deceased = QCheckBox(T["deceased"])
        self.deceased.setChecked(getattr(p, "deceased", False))
        row.addWidget(self.lives_here)
        row.addWidget(self.deceased)
        left.layout.addRow("", flags_row)

        self.care_level = right.add(
            "care_level", choice_combo(vocab.CARE_LEVEL, getattr(p, "care_level", "none"))
        )
        dis, self.disability = _checks(vocab.DISABILITY, getattr(p, "disability", []), columns=3)
        right.add("disability", dis)
        care_row = QWidget()
        crow = QHBoxLayout(care_row)
        crow.setContentsMargins(0, 0, 0, 0)
        self.needs_assistance = QCheckBox(T["needs_assistance"])
        self.needs_assistance.setChecked(getattr(p, "needs_assistance", False))
        self.medical_care = QCheckBox(T["medical_care"])
        self.medical_care.setChecked(getattr(p, "medical_care", False))
        crow.addWidget(self.needs_assistance)
        crow.addWidget(self.medical_care)
        right.layout.addRow("", care_row)
        self.hikikomori = right.add(
            "hikikomori", choice_combo(vocab.HIKIKOMORI, getattr(p, "hikikomori", "no"))
        )
        self.hikikomori_since = right.add("hikikomori_since", DateField(required=False, since=True))
        self.hikikomori_since.set_partial(getattr(p, "hikikomori_since", None), getattr(p, "hikikomori_since_earliest", None),
                                          getattr(p, "hikikomori_since_text", ""))  # fmt: skip
        iss, self.issues = _checks(vocab.ISSUE, getattr(p, "issues", []), columns=3)
        right.add("issues", iss)
        others = [m for m in household.members if m.id != self.person_id]
        cared = [c.cared_id for c in getattr(p, "cares", [])]
        self.cares_for = right.add("cares_for", _member_list(others, cared))
        self.explicit_parents = QCheckBox(T["parents"])
        self.explicit_parents.setChecked(getattr(p, "parents_explicit", False))
        right.layout.addRow("", self.explicit_parents)
        self.parents = right.add(
            "parents", _member_list(others, [link.parent_id for link in getattr(p, "parent_links", [])]), ""
        )
        self.parents.setEnabled(self.explicit_parents.isChecked())
        self.explicit_parents.toggled.connect(self.parents.setEnabled)

        texts = FieldForm(QFormLayout(), T)
        self.forms = (left, right, texts)
        self.own_words = texts.add("own_words", QPlainTextEdit(getattr(p, "own_words", "")))
        self.strengths = texts.add("strengths", QPlainTextEdit(getattr(p, "strengths", "")))
        self.note = texts.add("note", QPlainTextEdit(getattr(p, "note", "")))
        for w in (self.own_words, self.strengths, self.note):
            w.setMaximumHeight(60)

        body = QWidget()
        grid = QGridLayout(body)
        grid.addLayout(left.layout, 0, 0)
        grid.addLayout(right.layout, 0, 1)
        grid.addLayout(texts.layout, 1, 0, 1, 2)
        self.general = _scrolled_with_buttons(self, body)
        self.resize(1100, 680)

    def _check_printable(self) -> None:
        self.name_form.errors["name"].show_error(glyphs.unprintable_message(self.name.text()))

    def values(self) -> dict | None:
        for form in self.forms:
            form.clear()
        self._check_printable()
        try:
            born = self.birth.value()
            since = self.hikikomori_since.value()
        except ValueError:
            return None
        approximate = born.earliest != born.latest
        since_approximate = since is not None and since.earliest != since.latest
        return {
            "name": self.name.text(),
            "kana": self.kana.text(),
            "birth_date": born.latest,
            "birth_earliest": born.earliest if approximate else None,
            "birth_text": born.text if approximate else "",
            "resident_number": self.resident_number.text(),
            "sex": self.sex.currentData(),
            "relation": self.relation.currentData(),
            "marital": self.marital.currentData(),
            "work": self.work.currentData(),
            "phone": self.phone.text(),
            "mobile": self.mobile.text(),
            "lives_here": self.lives_here.isChecked(),
            "deceased": self.deceased.isChecked(),
            "care_level": self.care_level.currentData(),
            "disability": [c for c, b in self.disability.items() if b.isChecked()],
            "needs_assistance": self.needs_assistance.isChecked(),
            "medical_care": self.medical_care.isChecked(),
            "hikikomori": self.hikikomori.currentData(),
            "hikikomori_since": since.latest if since is not None else None,
            "hikikomori_since_earliest": since.earliest if since_approximate else None,
            "hikikomori_since_text": since.text if since_approximate else "",
            "issues": [c for c, b in self.issues.items() if b.isChecked()],
            "own_words": self.own_words.toPlainText(),
            "strengths": self.strengths.toPlainText(),
            "note": self.note.toPlainText(),
        }

    def _show(self, errors: dict[str, str]) -> None:
        placed = [form.show({k: v for k, v in errors.items() if k in form.errors}) for form in self.forms]
        if not any(k in form.errors for form in self.forms for k in errors) or not all(placed):
            self.general.show_error("\n".join(errors.values()))

    def submit(self) -> None:
        values = self.values()
        if values is None:
            return
        store = self.ctx.require_store()
        try:
            households.check_member(values)
            if self.person_id is None:
                dupes = households.possible_duplicates(
                    store, values["kana"], values["name"], values["birth_date"],
                    resident_number=values["resident_number"],
                )  # fmt: skip
                choice = self._ask_duplicate(dupes) if dupes else "separate"
                if choice is None:
                    return
                join = None if choice == "separate" else choice
            else:
                join = None
            parents = _checked_ids(self.parents) if self.explicit_parents.isChecked() else None
            saved = households.save_member(
                store, values, household_id=self.household.id, person_id=None if join else self.person_id,
                join=join, cares=_checked_ids(self.cares_for), parents=parents,
            )  # fmt: skip
            self.person_id, self.changes = saved.person_id, saved.changes
        except FieldErrors as exc:
            self._show(exc.errors)
            return
        self.accept()

    def _ask_duplicate(self, dupes) -> int | str | None:
        listing = "\n".join(
            f"・{d.name}（{format_wareki(d.birth_date)}生、世帯 {d.household_code}）" for d in dupes
        )
        box = QMessageBox(
            QMessageBox.Icon.Question, T["duplicate_title"], T["duplicate"].format(list=listing), parent=self
        )
        merge = box.addButton(T["merge"], QMessageBox.ButtonRole.AcceptRole)
        separate = box.addButton(T["separate"], QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(T["cancel"], QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is merge:
            return dupes[0].person_id
        if box.clickedButton() is separate:
            return "separate"
        return None


class IntakeDialog(EditDialog):
    """相談受付, mirroring the national 相談受付・申込票 (A票)."""

    def __init__(self, ctx: AppContext, household, parent=None, *, intake=None, received_by: str = ""):
        super().__init__(parent)
        self.ctx, self.household, self.intake = ctx, household, intake
        self.intake_id = getattr(intake, "id", None)
        self.setWindowTitle(T["intake"])
        i = intake
        top = FieldForm(QFormLayout(), T)
        self.received_on = top.add("received_on", DateField())
        self.received_on.set_date(getattr(i, "received_on", None) or date.today())
        self.received_by = top.add("received_by", QLineEdit(getattr(i, "received_by", received_by)))
        person = QComboBox()
        person.addItem(T["no_person"], None)
        for m in household.members:
            person.addItem(m.name, m.id)
        default_person = getattr(i, "person_id", None) or next(
            (m.id for m in household.members if m.relation == "head"), None
        )
        person.setCurrentIndex(max(0, person.findData(default_person)))
        self.person = top.add("person_id", person, T["person"])
        self.route = top.add("route", choice_combo(vocab.ROUTE, getattr(i, "route", "self")))
        self.urgency = top.add("urgency", choice_combo(vocab.URGENCY, getattr(i, "urgency", "normal")))

        visitor = QGroupBox(T["visitor"])
        vform = FieldForm(QFormLayout(visitor), T)
        self.visitor_name = vform.add("visitor_name", QLineEdit(getattr(i, "visitor_name", "")))
        self.visitor_relation = vform.add("visitor_relation", QLineEdit(getattr(i, "visitor_relation", "")))
        self.visitor_phone = vform.add(
            "visitor_phone", QLineEdit(getattr(i, "visitor_phone", "")), T["phone"]
        )

        cats = QGroupBox(T["categories"])
        cform = FieldForm(QFormLayout(cats), T)
        holder, self.categories = _checks(vocab.CONSULT_CATEGORY, getattr(i, "categories", []), columns=4)
        cform.add("categories", holder, "")
        self.main_category = cform.add(
            "main_category",
            choice_combo(vocab.CONSULT_CATEGORY, getattr(i, "main_category", None), empty=T["none"]),
        )
        if i is None or i.main_category is None:
            self.main_category.setCurrentIndex(0)
        self.category_note = cform.add("category_note", QLineEdit(getattr(i, "category_note", "")))

        words = FieldForm(QFormLayout(), T)
        self.main_complaint = words.add("main_complaint", QPlainTextEdit(getattr(i, "main_complaint", "")))
        self.background = words.add("background", QPlainTextEdit(getattr(i, "background", "")))
        self.response = words.add(
            "response", choice_combo(vocab.INTAKE_RESPONSE, getattr(i, "response", "self"))
        )
        self.referred_to = words.add("referred_to", QLineEdit(getattr(i, "referred_to", "")))
        self.note = words.add("note", QPlainTextEdit(getattr(i, "note", "")))
        for w in (self.main_complaint, self.background):
            w.setMaximumHeight(70)
        self.note.setMaximumHeight(50)
        self.forms = (top, vform, cform, words)

        body = QWidget()
        grid = QGridLayout(body)
        grid.addLayout(top.layout, 0, 0)
        grid.addWidget(visitor, 0, 1)
        grid.addWidget(cats, 1, 0, 1, 2)
        grid.addLayout(words.layout, 2, 0, 1, 2)
        self.general = _scrolled_with_buttons(self, body)
        if self.intake_id is not None:  # (a new one is not saved yet: キャンセル is its delete)
            delete = self.button_box.addButton(T["delete"], QDialogButtonBox.ButtonRole.DestructiveRole)
            delete.setObjectName("delete_intake")
            delete.setAutoDefault(False)  # Enter saves; deleting is never a key press away
            delete.clicked.connect(self.delete)
        self.resize(1100, 720)

    def values(self) -> dict | None:
        for form in self.forms:
            form.clear()
        try:
            received = self.received_on.value()
        except ValueError:
            return None
        return {
            "received_on": received,
            "received_by": self.received_by.text(),
            "person_id": self.person.currentData(),
            "route": self.route.currentData(),
            "urgency": self.urgency.currentData(),
            "visitor_name": self.visitor_name.text(),
            "visitor_relation": self.visitor_relation.text(),
            "visitor_phone": self.visitor_phone.text(),
            "categories": [c for c, b in self.categories.items() if b.isChecked()],
            "main_category": self.main_category.currentData(),
            "category_note": self.category_note.text(),
            "main_complaint": self.main_complaint.toPlainText(),
            "background": self.background.toPlainText(),
            "response": self.response.currentData(),
            "referred_to": self.referred_to.text(),
            "note": self.note.toPlainText(),
        }

    def submit(self) -> None:
        values = self.values()
        if values is None:
            return
        try:
            if self.intake_id is None:
                self.intake_id = households.add_intake(self.ctx.require_store(), self.household.id, values)
            else:
                households.update_intake(self.ctx.require_store(), self.intake_id, values)
        except FieldErrors as exc:
            if not all(
                form.show({k: v for k, v in exc.errors.items() if k in form.errors}) for form in self.forms
            ):
                self.general.show_error(str(exc))
            if not any(k in form.errors for form in self.forms for k in exc.errors):
                self.general.show_error(str(exc))
            return
        self.accept()


    def delete(self) -> None:
        day = format_wareki(self.intake.received_on)
        if not ask_destructive(self, T["delete_question"].format(day=day), T["delete_detail"]):
            return
        try:
            households.delete_intake(self.ctx.require_store(), self.intake_id)
        except InvalidInput as exc:
            self.general.show_error(str(exc))
            return
        QDialog.accept(self)  # the household screen reads again, as after a save


def _scrolled_with_buttons(dialog: QDialog, body: QWidget) -> ErrorLabel:
    """A long form: the body scrolls, the general error line and OK/キャンセル stay in view below it."""
    scroll = QScrollArea(widgetResizable=True)
    scroll.setWidget(body)
    general = ErrorLabel()
    layout = QVBoxLayout(dialog)
    layout.addWidget(scroll)
    layout.addWidget(general)
    dialog.button_box = dialog_buttons(dialog, T["ok"], T["cancel"])
    layout.addWidget(dialog.button_box)
    return general
