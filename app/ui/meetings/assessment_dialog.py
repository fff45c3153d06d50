"""The アセスメント editor: the person's situation in their own words, the household and its relations,
strengths, 課題 by 分野 (a check box per 分野 with one line of text beside it: Tab moves from one to the
next, Space ticks), what the person chose among the options offered, and the pace they want."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models import vocab
from app.services.common.errors import InvalidInput
from app.services.households import households
from app.services.households.households import FieldErrors
from app.services.meetings import assessments
from app.ui.common.unsaved import EditDialog
from app.ui.common.widgets import DateField, ErrorLabel, FieldForm, dialog_buttons
from app.ui.meetings.dialogs import member_items

T = {
    "title_new": "アセスメント（第{version}版・新規）",
    "title_edit": "アセスメント（第{version}版）",
    "person_id": "本人(&H)",
    "choose": "（選ぶ）",
    "assessed_on": "アセスメントの日(&D)",
    "situation": "本人の状況と思い（本人の言葉のまま）(&S)",
    "relations": "世帯と関係（家族・近所・機関）(&R)",
    "strengths": "強み（できること・役割）(&K)",
    "issues": "課題（分野ごと）",
    "issues_hint": "当てはまる分野に印を付けて、その分野の課題を一行で書きます。",
    "options": "提示した選択肢(&O)",
    "choice": "本人が選んだこと(&C)",
    "pace": "本人の望むペース(&P)",
    "assessed_by": "アセスメントした人(&B)",
    "frozen": "前の版のアセスメントは変更できません。見直すときは「新しく作る」で次の版を作ります（この版の内容から始まります）。",
    "ok": "保存(&W)",
    "cancel": "キャンセル",
    "close": "閉じる",
}
MULTI = ("situation", "relations", "strengths", "options", "choice", "pace")


class AssessmentDialog(EditDialog):
    """A new version (``assessment_id`` None: starts from ``assessments.draft_values``, a copy of the
    latest) or an existing one (editable only while it is the latest)."""

    def __init__(self, ctx, household_id: int, parent=None, assessment_id: int | None = None,
                 assessed_by: str = ""):  # fmt: skip
        super().__init__(parent)
        self.ctx, self.household_id, self.assessment_id = ctx, household_id, assessment_id
        store = ctx.require_store()
        found = assessments.versions(store, household_id)
        if assessment_id is None:
            values = assessments.draft_values(store, household_id, ctx.today())
            values["assessed_by"] = values["assessed_by"] or assessed_by
            version, self.editable = (found[0].version + 1) if found else 1, True
            self.setWindowTitle(T["title_new"].format(version=version))
        else:
            a = assessments.get(store, assessment_id)
            values, self.editable = assessments.values_of(a), bool(found) and found[0].id == a.id
            self.setWindowTitle(T["title_edit"].format(version=a.version))
        self.form = FieldForm(QFormLayout(), T)
        self.person = self.form.add("person_id", QComboBox())
        self.person.addItem(T["choose"], None)
        for label, person_id in member_items(households.open_household(store, household_id)):
            self.person.addItem(label, person_id)
        self.person.setCurrentIndex(max(0, self.person.findData(values["person_id"])))
        self.assessed_on = self.form.add("assessed_on", DateField())
        if values["assessed_on"]:
            self.assessed_on.set_date(values["assessed_on"])
        self.texts: dict[str, QPlainTextEdit] = {}
        for key in MULTI[:3]:
            self.texts[key] = self._text(key, values[key])
        self.form.add("issues", self._issues(values["issues"]))
        for key in MULTI[3:]:
            self.texts[key] = self._text(key, values[key])
        self.assessed_by = self.form.add("assessed_by", QLineEdit(values["assessed_by"]))
        layout = QVBoxLayout(self)
        if not self.editable:
            frozen = QLabel(T["frozen"], objectName="hint")
            frozen.setWordWrap(True)
            layout.addWidget(frozen)
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
        self.resize(1040, 730)

    def _text(self, key: str, value: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(value or "", objectName=f"assessment_{key}")
        edit.setTabChangesFocus(True)  # Tab goes on to the next field, as in every form of the app
        edit.setMaximumHeight(54)  # (the whole dialog fits a 1366×768 screen)
        return self.form.add(key, edit)

    def _issues(self, rows: list[dict]) -> QWidget:
        given = {row["field"]: row["text"] for row in rows or []}
        box = QWidget(objectName="assessment_issues")
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        hint = QLabel(T["issues_hint"], objectName="hint")
        grid.addWidget(hint, 0, 0, 1, 4)
        self.issue_checks: dict[str, QCheckBox] = {}
        self.issue_texts: dict[str, QLineEdit] = {}
        for i, (key, word) in enumerate(vocab.ISSUE.items()):
            check = QCheckBox(word, objectName=f"issue_{key}")
            text = QLineEdit(given.get(key, ""), objectName=f"issue_text_{key}")
            text.setCursorPosition(0)  # the beginning of a long line shows, not its end
            check.setChecked(key in given)
            text.setEnabled(key in given)
            check.toggled.connect(text.setEnabled)
            check.toggled.connect(lambda on, t=text: on and t.setFocus())
            row, col = 1 + i // 2, (i % 2) * 2
            grid.addWidget(check, row, col)
            grid.addWidget(text, row, col + 1)
            self.issue_checks[key], self.issue_texts[key] = check, text
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return box

    def values(self) -> dict:
        """What is typed; ValueError when the date cannot be read (its field says why)."""
        return {
            "person_id": self.person.currentData(),
            "assessed_on": self.assessed_on.value(),
            **{key: edit.toPlainText() for key, edit in self.texts.items()},
            "assessed_by": self.assessed_by.text(),
            "issues": [{"field": key, "text": self.issue_texts[key].text()}
                       for key, check in self.issue_checks.items() if check.isChecked()],  # fmt: skip
        }

    def submit(self) -> None:
        self.form.clear()
        self.general.show_error("")
        try:
            values = self.values()
        except ValueError:
            return
        store = self.ctx.require_store()
        try:
            if self.assessment_id is None:
                self.assessment_id = assessments.create(store, self.household_id, values)
            else:
                assessments.update(store, self.assessment_id, values)
        except FieldErrors as exc:
            if not self.form.show(exc.errors):
                self.general.show_error("\n".join(exc.errors.values()))
            return
        except InvalidInput as exc:
            self.general.show_error(str(exc))
            return
        self.accept()
