"""実施計画 dialogs: a new plan period, one checklist item, a 相談支援機関・拠点, an 実施体制 row, an indicator."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from app.models import vocab
from app.services.common.japanese import format_fiscal_year
from app.services.households.households import FieldErrors
from app.services.program import program_plan
from app.ui.common.unsaved import EditDialog
from app.ui.common.widgets import ErrorLabel, FieldForm, choice_combo, dialog_buttons

T = {
    "ok": "保存(&W)",
    "cancel": "キャンセル",
    "new_title": "新しい計画期間",
    "first_fy": "開始年度(&F)",
    "last_fy": "終了年度(&L)",
    "new_hint": "前の計画期間があれば、各項目の状態・記載箇所・メモと評価指標を引き継いで始まります。",
    "item_title": "記載事項の確認",
    "status": "状態(&S)",
    "location": "計画書の記載箇所(&P)",
    "notes": "メモ",
    "evidence": "根拠資料（議事録・調査など）",
    "changing": "この必須事項は変わる見込み（その事業年度に間に合うよう見直しを始める）",
    "body_title": "相談支援機関・拠点",
    "name": "名称(&N)",
    "field": "分野",
    "form": "設置形態",
    "places": "箇所数",
    "operation": "運営",
    "contractor": "委託先",
    "note": "メモ",
    "active": "現在も設置している",
    "none": "（なし）",
    "setup_title": "実施体制 — {program}",
    "body": "実施主体",
    "outsourced": "委託している",
    "staff": "配置人数",
    "indicator_title": "評価指標 — {label}（{fy}）",
    "target": "目標",
    "actual": "実績（手入力）",
    "baseline": "基準値",
    "baseline_fy": "基準値の年度",
    "computed": "実績は記録から自動で集計されます（相談受付・訪問・会議などの記録）。",
}


def _fy_box(value: int) -> QComboBox:
    box = QComboBox()
    for fy in range(value - 6, value + 10):
        box.addItem(format_fiscal_year(fy), fy)
    box.setCurrentIndex(box.findData(value))
    return box


class NewPeriodDialog(EditDialog):
    def __init__(self, ctx, parent=None, first_fy: int = 2026):
        super().__init__(parent)
        self.ctx, self.plan_id = ctx, None
        self.setWindowTitle(T["new_title"])
        self.form = FieldForm(QFormLayout(), T)
        self.first = self.form.add("first_fy", _fy_box(first_fy))
        self.last = self.form.add("last_fy", _fy_box(first_fy + 2))
        hint = QLabel(T["new_hint"], objectName="hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addWidget(hint)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))

    def submit(self) -> None:
        self.form.clear()
        try:
            self.plan_id = program_plan.create(
                self.ctx.require_store(), self.first.currentData(), self.last.currentData()
            )
        except FieldErrors as exc:
            self.form.show(exc.errors)
            return
        self.accept()


class ItemDialog(EditDialog):
    def __init__(self, ctx, item, parent=None):
        super().__init__(parent)
        self.ctx, self.item = ctx, item
        self.setWindowTitle(T["item_title"])
        text = QLabel(f"【{program_plan.GROUP[item.code]}】\n{program_plan.TEXT[item.code]}")
        text.setWordWrap(True)
        self.form = FieldForm(QFormLayout(), T)
        self.status = self.form.add("status", choice_combo(vocab.CHECK_STATUS, item.status))
        self.location = self.form.add("location", QLineEdit(item.location))
        self.notes = self.form.add("notes", QLineEdit(item.notes))
        self.evidence = self.form.add("evidence", QLineEdit(item.evidence))
        self.changing = QCheckBox(T["changing"], objectName="changing")
        self.changing.setChecked(item.changing)
        self.changing.setVisible(program_plan.GROUP[item.code] == program_plan.REQUIRED)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(self.form.layout)
        layout.addWidget(self.changing)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        self.resize(720, 340)

    def submit(self) -> None:
        self.form.clear()
        values = {"status": self.status.currentData(), "location": self.location.text(), "notes": self.notes.text(),
                  "evidence": self.evidence.text(), "changing": self.changing.isChecked()}  # fmt: skip
        try:
            program_plan.update_item(self.ctx.require_store(), self.item.id, values)
        except FieldErrors as exc:
            self.form.show(exc.errors)
            return
        self.accept()


class BodyDialog(EditDialog):
    def __init__(self, ctx, parent=None, body=None):
        super().__init__(parent)
        self.ctx, self.body = ctx, body
        self.setWindowTitle(T["body_title"])
        self.form = FieldForm(QFormLayout(), T)
        self.name = self.form.add("name", QLineEdit(body.name if body else ""))
        self.field = self.form.add("field", QLineEdit(body.field if body else ""))
        self.setup_form = self.form.add(
            "form", choice_combo(vocab.SETUP_FORM, body.form if body else None, empty=T["none"])
        )
        self.places = self.form.add(
            "places", QSpinBox(minimum=1, maximum=99, value=body.places if body else 1)
        )
        self.operation = self.form.add(
            "operation", choice_combo(vocab.OPERATION, body.operation if body else "direct")
        )
        self.contractor = self.form.add("contractor", QLineEdit(body.contractor if body else ""))
        self.note = self.form.add("note", QLineEdit(body.note if body else ""))
        self.active = QCheckBox(T["active"])
        self.active.setChecked(body.active if body else True)
        self.form.layout.addRow("", self.active)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        self.resize(560, 360)

    def submit(self) -> None:
        self.form.clear()
        values = {"name": self.name.text(), "field": self.field.text(), "form": self.setup_form.currentData() or "",
                  "places": self.places.value(), "operation": self.operation.currentData(),
                  "contractor": self.contractor.text(), "note": self.note.text(), "active": self.active.isChecked()}  # fmt: skip
        try:
            program_plan.save_body(self.ctx.require_store(), values, self.body.id if self.body else None)
        except FieldErrors as exc:
            self.form.show(exc.errors)
            return
        self.accept()


class SetupDialog(EditDialog):
    def __init__(self, ctx, setup, parent=None):
        super().__init__(parent)
        self.ctx, self.program = ctx, setup.program
        self.setWindowTitle(T["setup_title"].format(program=vocab.PROGRAM[setup.program]))
        self.form = FieldForm(QFormLayout(), T)
        self.body = self.form.add("body", QLineEdit(setup.body))
        self.outsourced = QCheckBox(T["outsourced"])
        self.outsourced.setChecked(setup.outsourced)
        self.form.layout.addRow("", self.outsourced)
        self.contractor = self.form.add("contractor", QLineEdit(setup.contractor))
        self.staff = self.form.add("staff", QSpinBox(minimum=0, maximum=999, value=setup.staff or 0))
        self.note = self.form.add("note", QLineEdit(setup.note))
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        self.resize(560, 300)

    def submit(self) -> None:
        self.form.clear()
        values = {"body": self.body.text(), "outsourced": self.outsourced.isChecked(), "contractor": self.contractor.text(),
                  "staff": self.staff.value(), "note": self.note.text()}  # fmt: skip
        try:
            program_plan.save_setup(self.ctx.require_store(), self.program, values)
        except FieldErrors as exc:
            self.form.show(exc.errors)
            return
        self.accept()


class IndicatorDialog(EditDialog):
    def __init__(self, ctx, line: program_plan.IndicatorLine, fy: int, parent=None):
        super().__init__(parent)
        self.ctx, self.line, self.fy = ctx, line, fy
        self.setWindowTitle(T["indicator_title"].format(label=line.label, fy=format_fiscal_year(fy)))
        self.form = FieldForm(QFormLayout(), T)

        def number(value):
            return "" if value is None else str(value)

        self.target = self.form.add("target", QLineEdit(number(line.target)))
        self.actual = self.form.add("actual", QLineEdit(number(None if line.computed else line.actual)))
        self.actual.setEnabled(not line.computed)
        self.baseline = self.form.add("baseline", QLineEdit(number(line.baseline)))
        self.baseline_fy = self.form.add("baseline_fy", _fy_box(line.baseline_fy or fy - 1))
        layout = QVBoxLayout(self)
        if line.computed:
            layout.addWidget(QLabel(T["computed"], objectName="hint"))
        layout.addLayout(self.form.layout)
        self.general = ErrorLabel()
        layout.addWidget(self.general)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        self.resize(520, 280)

    def submit(self) -> None:
        self.form.clear()
        values = {"target": self.target.text(), "actual": None if self.line.computed else self.actual.text(),
                  "baseline": self.baseline.text(), "baseline_fy": self.baseline_fy.currentData()}  # fmt: skip
        try:
            program_plan.save_indicator(self.ctx.require_store(), self.line.id, self.fy, values)
        except FieldErrors as exc:
            self.form.show(exc.errors)
            return
        self.accept()
