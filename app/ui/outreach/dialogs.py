"""Outreach dialogs: a visit in under a minute (keyboard, phrases), a note, a survey round in one go."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.models import vocab
from app.services.common.errors import InvalidInput
from app.services.common.japanese import format_wareki
from app.services.households import search
from app.services.households.households import FieldErrors
from app.services.outreach import outreach
from app.services.referrals import agencies
from app.ui.common.unsaved import EditDialog, ask_destructive
from app.ui.common.widgets import DateField, ErrorLabel, choice_combo, dialog_buttons

T = {
    "visit": "訪問記録",
    "date": "訪問日(&D)",
    "time": "時刻",
    "visitor": "訪問者",
    "agency": "委託先の法人（あれば）",
    "none": "（なし）",
    "kind": "種別(&K)",
    "planned": "計画していた訪問",
    "result": "結果(&R)",
    "met": "会えた人",
    "living": "住環境・生活環境・困りごと",
    "own_words": "本人の言葉",
    "info_given": "提供した情報",
    "reaction": "本人の反応",
    "connection": "つなぎ",
    "risk": "リスク所見",
    "next_on": "次回予定日(&N)",
    "phrase": "定型文…",
    "ok": "保存(&S)",
    "cancel": "キャンセル",
    "note": "支援経過のメモ",
    "note_kind": "種類",
    "note_text": "内容(&T)",
    "survey": "世帯訪問調査の一括入力",
    "district": "自治会・地区(&A)",
    "round": "調査の回",
    "survey_cols": ["世帯番号", "世帯", "住所", "結果"],
    "not_visited": "（未訪問）",
    "saved": "{n} 世帯の結果を保存しました",
    "concern": "気になる世帯を追加(&Q)…",
    "delete": "削除(&E)…",
    "delete_question": "この訪問記録（{at}）を削除しますか？",
    "delete_detail": "間違えて入力した訪問記録を消すときに使います。削除すると支援経過と統計から外れます。"
    "入力されていた内容は、世帯の「変更履歴」に残ります。",
}


class _Errors:
    def __init__(self):
        self.labels: dict[str, ErrorLabel] = {}

    def wrap(self, key: str, widget: QWidget) -> QWidget:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(widget)
        self.labels[key] = ErrorLabel()
        box.addWidget(self.labels[key])
        widget.setObjectName(key)
        return holder

    def clear(self) -> None:
        for e in self.labels.values():
            e.show_error("")

    def show(self, errors: dict[str, str], fallback: ErrorLabel) -> None:
        for key, msg in errors.items():
            (self.labels.get(key) or fallback).show_error(msg)


class VisitDialog(EditDialog):
    def __init__(self, ctx, household, parent=None, *, visit=None, visitor: str = ""):
        super().__init__(parent)
        self.ctx, self.household, self.visit_id = ctx, household, getattr(visit, "id", None)
        self.setWindowTitle(T["visit"])
        v = visit
        self.err = _Errors()
        left = QFormLayout()
        self.date = DateField()
        at = v.visited_at if v else datetime.now()
        self.date.set_date(at.date() if v else ctx.today())
        self.time = QTimeEdit(QTime(at.hour, at.minute))
        self.time.setDisplayFormat("HH:mm")
        left.addRow(T["date"], self.err.wrap("visited_at", self.date))
        left.addRow(T["time"], self.time)
        self.visitor = QLineEdit(v.visitor if v else visitor)
        left.addRow(T["visitor"], self.visitor)
        self.agency = QComboBox()
        self.agency.addItem(T["none"], None)
        for a in agencies.all_agencies(ctx.require_store(), active_only=True):
            self.agency.addItem(a.name, a.id)
        self.agency.setCurrentIndex(max(0, self.agency.findData(v.visitor_agency_id if v else None)))
        left.addRow(T["agency"], self.agency)
        self.kind = choice_combo(vocab.VISIT_KIND, v.kind if v else "continuing")
        left.addRow(T["kind"], self.err.wrap("kind", self.kind))
        self.planned = QCheckBox(T["planned"])
        self.planned.setChecked(v.planned if v else True)
        left.addRow("", self.planned)
        # "outcome", not "result": QDialog.result() must stay callable.
        self.outcome = choice_combo(vocab.VISIT_RESULT, v.result if v else "met")
        left.addRow(T["result"], self.err.wrap("result", self.outcome))
        self.met = QListWidget()
        self.met.setMaximumHeight(90)
        for m in household.members:
            item = QListWidgetItem(m.name)
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if v and m.id in (v.met_person_ids or []) else Qt.CheckState.Unchecked
            )
            self.met.addItem(item)
        left.addRow(T["met"], self.met)
        self.next_on = DateField(required=False)
        self.next_on.set_date(v.next_on if v else None)
        left.addRow(T["next_on"], self.err.wrap("next_on", self.next_on))

        right = QFormLayout()
        self.texts: dict[str, QPlainTextEdit] = {}
        self.phrases: dict[str, QComboBox] = {}
        for key in ("own_words", "living", "info_given", "reaction", "connection", "risk"):
            edit = QPlainTextEdit(getattr(v, key) if v else "")
            edit.setMaximumHeight(52)
            edit.setTabChangesFocus(True)  # Tab moves on: fast keyboard entry
            self.texts[key] = edit
            row = QWidget()
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(edit, 1)
            if key in outreach.PHRASES:
                phrases = QComboBox()
                phrases.addItem(T["phrase"], None)
                for p in outreach.PHRASES[key]:
                    phrases.addItem(p, p)
                phrases.activated.connect(lambda i, e=edit, c=phrases: self._insert(e, c))
                self.phrases[key] = phrases
                box.addWidget(phrases)
            right.addRow(T[key], self.err.wrap(key, row))
        self.general = ErrorLabel()
        grid = QGridLayout()
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.general)
        buttons = dialog_buttons(self, T["ok"], T["cancel"])
        if self.visit_id is not None:  # (a new one is not saved yet: キャンセル is its delete)
            self.visited_at = v.visited_at
            delete = buttons.addButton(T["delete"], QDialogButtonBox.ButtonRole.DestructiveRole)
            delete.setObjectName("delete_visit")
            delete.setAutoDefault(False)  # Enter saves; deleting is never a key press away
            delete.clicked.connect(self.delete)
        layout.addWidget(buttons)
        self.resize(1150, 560)
        self.outcome.setFocus()

    def delete(self) -> None:
        at = f"{format_wareki(self.visited_at.date())} {self.visited_at:%H:%M}"
        if not ask_destructive(self, T["delete_question"].format(at=at), T["delete_detail"]):
            return
        try:
            outreach.delete_visit(self.ctx.require_store(), self.visit_id)
        except InvalidInput as exc:
            self.general.show_error(str(exc))
            return
        QDialog.accept(self)  # the household screen reads again, as after a save

    def _insert(self, edit: QPlainTextEdit, combo: QComboBox) -> None:
        phrase = combo.currentData()
        if phrase:
            text = edit.toPlainText()
            edit.setPlainText(f"{text}、{phrase}" if text else phrase)
        combo.setCurrentIndex(0)
        edit.setFocus()

    def values(self) -> dict | None:
        self.err.clear()
        try:
            day, nxt = self.date.value(), self.next_on.value()
        except ValueError:
            return None
        t = self.time.time()
        return {
            "visited_at": datetime(day.year, day.month, day.day, t.hour(), t.minute()),
            "visitor": self.visitor.text(),
            "visitor_agency_id": self.agency.currentData(),
            "kind": self.kind.currentData(),
            "planned": self.planned.isChecked(),
            "result": self.outcome.currentData(),
            "met_person_ids": [
                self.met.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.met.count())
                if self.met.item(i).checkState() == Qt.CheckState.Checked
            ],  # fmt: skip
            "next_on": nxt,
            **{k: e.toPlainText() for k, e in self.texts.items()},
        }

    def submit(self) -> None:
        values = self.values()
        if values is None:
            return
        store = self.ctx.require_store()
        try:
            if self.visit_id is None:
                self.visit_id = outreach.add_visit(store, self.household.id, values)
            else:
                outreach.update_visit(store, self.visit_id, values)
        except FieldErrors as exc:
            self.err.show(exc.errors, self.general)
            return
        self.accept()


class NoteDialog(EditDialog):
    def __init__(self, ctx, household, parent=None):
        super().__init__(parent)
        self.ctx, self.household = ctx, household
        self.setWindowTitle(T["note"])
        self.err = _Errors()
        self.kind = choice_combo(vocab.NOTE_KIND, "interview")
        self.date = DateField()
        self.date.set_date(ctx.today())
        self.text = QPlainTextEdit()
        self.general = ErrorLabel()
        form = QFormLayout()
        form.addRow(T["note_kind"], self.err.wrap("kind", self.kind))
        form.addRow(T["date"].replace("訪問日", "日付"), self.err.wrap("at", self.date))
        form.addRow(T["note_text"], self.err.wrap("text", self.text))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        self.resize(560, 320)

    def submit(self) -> None:
        self.err.clear()
        try:
            day = self.date.value()
        except ValueError:
            return
        now = datetime.now()
        at = datetime(day.year, day.month, day.day, now.hour, now.minute)
        try:
            outreach.add_note(
                self.ctx.require_store(),
                self.household.id,
                self.kind.currentData(),
                self.text.toPlainText(),
                at,
            )
        except FieldErrors as exc:
            self.err.show(exc.errors, self.general)
            return
        self.accept()


class SurveyDialog(EditDialog):
    """世帯訪問調査: one 自治会's households in a table, a result for each visited one, saved together."""

    def __init__(self, ctx, parent=None, *, visitor: str = ""):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(T["survey"])
        store = ctx.require_store()
        districts = search.district_names(store)
        self.district = QComboBox()
        self.district.addItems(districts)
        self.date = DateField()
        self.date.set_date(ctx.today())
        self.visitor = QLineEdit(visitor)
        self.round = QLineEdit(outreach.survey_round_name(ctx.today()))
        self.table = QTableWidget(0, len(T["survey_cols"]))
        self.table.setHorizontalHeaderLabels(T["survey_cols"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.status = QLabel(objectName="hint")
        self.general = ErrorLabel()
        concern = QPushButton(T["concern"])
        concern.clicked.connect(self.add_concern)
        form = QFormLayout()
        form.addRow(T["district"], self.district)
        form.addRow(T["date"].replace("訪問日", "調査日"), self.date)
        form.addRow(T["visitor"], self.visitor)
        form.addRow(T["round"], self.round)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(concern)
        layout.addWidget(self.status)
        layout.addWidget(self.general)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        self.district.currentIndexChanged.connect(self.load)
        self.resize(900, 620)
        self.load()

    def load(self) -> None:
        self.rows = outreach.survey_households(self.ctx.require_store(), self.district.currentText())
        self.table.setRowCount(len(self.rows))
        self.results: dict[int, QComboBox] = {}
        for i, (hid, code, name, label, address) in enumerate(self.rows):
            for c, v in enumerate((code, name or label, address)):
                self.table.setItem(i, c, QTableWidgetItem(v or ""))
            combo = choice_combo(vocab.VISIT_RESULT, None, empty=T["not_visited"])
            combo.setCurrentIndex(0)
            self.table.setCellWidget(i, 3, combo)
            self.results[hid] = combo

    def add_concern(self) -> None:
        from app.ui.households.dialogs import HouseholdDialog

        dialog = HouseholdDialog(self.ctx, self, quick=True, districts=[self.district.currentText()])
        dialog.form.widgets["district"].setCurrentText(self.district.currentText())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.load()

    def submit(self) -> None:
        try:
            day = self.date.value()
        except ValueError:
            return
        chosen = {hid: combo.currentData() for hid, combo in self.results.items() if combo.currentData()}
        try:
            n = outreach.record_survey(self.ctx.require_store(), chosen, datetime(day.year, day.month, day.day, 10, 0),
                                       self.visitor.text(), self.round.text())  # fmt: skip
        except (FieldErrors, InvalidInput) as exc:
            self.general.show_error(str(exc))
            return
        self.status.setText(T["saved"].format(n=n))
        self.accept()
