"""参加支援 dialogs: one participation (受入先, 内容, 状態 and dates, the person's words, its activities) and
one activity (参加日, 出欠, 内容, 様子)."""

from __future__ import annotations

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
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from app.models import vocab
from app.services.catalog import print_catalog
from app.services.common.errors import InvalidInput
from app.services.common.japanese import format_wareki
from app.services.households.households import FieldErrors
from app.services.participation import participation
from app.ui.common.unsaved import EditDialog, ask_destructive
from app.ui.common.widgets import (
    DateField,
    ErrorLabel,
    FieldForm,
    choice_combo,
    dialog_buttons,
    enable,
    fill_table,
    record_table,
    selected_data,
    show_print,
)

T = {
    "title": "参加支援",
    "who": "本人: {name}　（世帯 {code}）",
    "agency_id": "受入先(&U)",
    "all_agencies": "提供できることの登録がない機関も表示する(&L)",
    "no_hosts": "受入先がまだありません。「関係機関」で機関を開き、「参加支援で提供できること」に印を付けてください。",
    "offer": "参加する内容(&K)",
    "state": "状態(&T)",
    "matched_on": "つないだ日(&M)",
    "started_on": "参加の開始日(&B)",
    "ended_on": "終了日(&O)",
    "end_reason": "終了の理由",
    "purpose": "本人の希望・ねらい",
    "changes": "本人にとって変わったこと（本人の言葉）(&W)",
    "note": "メモ",
    "activities": "参加の記録",
    "activity_cols": ["参加日", "出欠", "内容", "様子（本人の言葉）"],
    "attended_word": "参加",
    "absent_word": "休み",
    "add_activity": "参加を記録(&R)…",
    "edit_activity": "記録を開く(&E)…",
    "save_first": "保存すると、参加の記録をつけられます。",
    "pick_activity": "一覧から参加の記録を選んでください",
    "print": "印刷(&P)",
    "ok": "保存(&S)",
    "cancel": "キャンセル",
    # one activity
    "activity": "参加の記録",
    "held_on": "参加日(&D)",
    "attended": "参加した(&A)",
    "what": "内容(&N)",
    "activity_note": "様子（本人の言葉）(&Y)",
    "delete": "削除(&X)…",
    "delete_question": "この参加の記録（{on}）を削除しますか？",
    "delete_detail": "間違えて入力した記録を消すときに使います。入力されていた内容は変更履歴に残ります。",
}


def _text_edit(text: str, height: int = 60) -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setMaximumHeight(height)
    edit.setTabChangesFocus(True)  # Tab moves on: the form is filled from the keyboard
    return edit


class ActivityDialog(EditDialog):
    """One day at the 受入先; saved on 保存 (one act), the participation dialog reads its list again."""

    def __init__(self, ctx, participation_id: int, parent=None, activity=None):
        super().__init__(parent)
        self.ctx, self.participation_id = ctx, participation_id
        self.activity_id = getattr(activity, "id", None)
        self.setWindowTitle(T["activity"])
        self.form = FieldForm(QFormLayout(), T)
        self.held_on = DateField()
        self.held_on.set_date(activity.held_on if activity else ctx.today())
        self.form.add("held_on", self.held_on)
        self.attended = QCheckBox(T["attended"], objectName="attended")
        self.attended.setChecked(activity.attended if activity else True)
        self.form.layout.addRow("", self.attended)
        self.what = QLineEdit(activity.what if activity else "")
        self.form.add("what", self.what)
        self.note = _text_edit(activity.note if activity else "", 90)
        self.form.add("note", self.note, T["activity_note"])
        self.general = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addWidget(self.general)
        buttons = dialog_buttons(self, T["ok"], T["cancel"])
        if self.activity_id is not None:
            self.held = activity.held_on
            delete = buttons.addButton(T["delete"], QDialogButtonBox.ButtonRole.DestructiveRole)
            delete.setObjectName("delete_activity")
            delete.setAutoDefault(False)  # Enter saves; deleting is never a key press away
            delete.clicked.connect(self.delete)
        layout.addWidget(buttons)
        self.resize(560, 320)
        self.what.setFocus()

    def submit(self) -> None:
        self.form.clear()
        self.general.show_error("")
        try:
            held = self.held_on.value()
        except ValueError:
            self.held_on.setFocus()
            return
        values = {"held_on": held, "attended": self.attended.isChecked(), "what": self.what.text(),
                  "note": self.note.toPlainText()}  # fmt: skip
        store = self.ctx.require_store()
        try:
            if self.activity_id is None:
                self.activity_id = participation.add_activity(store, self.participation_id, values)
            else:
                participation.update_activity(store, self.activity_id, values)
        except FieldErrors as exc:
            if not self.form.show(exc.errors):
                self.general.show_error(str(exc))
            return
        except InvalidInput as exc:
            self.general.show_error(str(exc))
            return
        self.accept()

    def delete(self) -> None:
        if not ask_destructive(self, T["delete_question"].format(on=format_wareki(self.held)), T["delete_detail"]):
            return
        try:
            participation.delete_activity(self.ctx.require_store(), self.activity_id)
        except InvalidInput as exc:
            self.general.show_error(str(exc))
            return
        QDialog.accept(self)


class ParticipationDialog(EditDialog):
    """A new participation (``household_id`` and ``person_id`` chosen before) or an existing one (``record``)."""

    def __init__(self, ctx, parent=None, *, record=None, household_id=None, person_id=None, who: str = ""):
        super().__init__(parent)
        self.ctx = ctx
        self.record_id = getattr(record, "id", None)
        self.household_id = record.household_id if record else household_id
        self.person_id = record.person_id if record else person_id
        self.setWindowTitle(T["title"])
        r = record
        if r is not None:
            who = T["who"].format(name=r.person.name, code=r.household.code)
        header = QLabel(who, objectName="subheading")

        self.form = FieldForm(QFormLayout(), T)
        self.agency = QComboBox()
        self.all_agencies = QCheckBox(T["all_agencies"], objectName="all_agencies")
        self.no_hosts = QLabel(T["no_hosts"], objectName="hint")
        self.no_hosts.setWordWrap(True)
        self.form.add("agency_id", self.agency)
        self.form.layout.addRow("", self.all_agencies)
        self.form.layout.addRow("", self.no_hosts)
        self.offer = choice_combo(vocab.PARTICIPATION_OFFER, r.offer if r else None)
        self.form.add("offer", self.offer)
        self.state = choice_combo(vocab.PARTICIPATION_STATE, r.state if r else "matching")
        self.form.add("state", self.state)
        self.dates = {}
        for key, required in (("matched_on", True), ("started_on", False), ("ended_on", False)):
            field = DateField(required=required)
            field.set_date(getattr(r, key) if r else (ctx.today() if key == "matched_on" else None))
            self.form.add(key, field)
            self.dates[key] = field
        self.end_reason = QLineEdit(r.end_reason if r else "")
        self.form.add("end_reason", self.end_reason)

        words = FieldForm(QFormLayout(), T)
        # Labels above the fields: the person's words get the dialog's whole right half.
        words.layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.texts = {}
        for key in ("purpose", "changes", "note"):
            self.texts[key] = _text_edit(getattr(r, key) if r else "", 80 if key != "note" else 50)
            words.add(key, self.texts[key])
        self.words = words

        self.activities = record_table(T["activity_cols"], "activity_table")
        self.activities.doubleClicked.connect(lambda _i: self.edit_activity())
        self.add_button = QPushButton(T["add_activity"], objectName="add_activity")
        self.add_button.clicked.connect(self.add_activity)
        self.edit_button = QPushButton(T["edit_activity"], objectName="edit_activity")
        self.edit_button.clicked.connect(self.edit_activity)
        self.print_button = QPushButton(T["print"], objectName="print_participation")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_record)
        for b in (self.add_button, self.edit_button, self.print_button):
            enable(b, self.record_id is not None, T["save_first"])
        act_buttons = QHBoxLayout()
        act_buttons.addWidget(self.add_button)
        act_buttons.addWidget(self.edit_button)
        act_buttons.addStretch()
        act_buttons.addWidget(self.print_button)
        self.activity_hint = QLabel("" if self.record_id else T["save_first"], objectName="hint")

        self.general = ErrorLabel()
        grid = QGridLayout()
        grid.addLayout(self.form.layout, 0, 0)
        right = QVBoxLayout()
        right.addLayout(words.layout)
        right.addWidget(QLabel(T["activities"], objectName="subheading"))
        right.addWidget(self.activities, 1)
        right.addWidget(self.activity_hint)
        right.addLayout(act_buttons)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addLayout(grid, 1)
        layout.addWidget(self.general)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        self.all_agencies.toggled.connect(lambda _on: self._fill_agencies(self.agency.currentData()))
        self.agency.currentIndexChanged.connect(self._agency_chosen)
        self._hosts = {}
        self._fill_agencies(r.agency_id if r else None)
        if r is not None:
            self._fill_activities(r.activities)
        self.resize(1100, 620)
        (self.activities if r is not None else self.agency).setFocus()

    # --- 受入先 ----------------------------------------------------------------------------------------

    def _fill_agencies(self, current) -> None:
        store = self.ctx.require_store()
        hosts = participation.hosts(store, offering_only=not self.all_agencies.isChecked())
        if current is not None and current not in {h.id for h in hosts}:
            hosts = [h for h in participation.hosts(store, offering_only=False) if h.id == current] + hosts
        self._hosts = {h.id: h for h in hosts}
        self.agency.blockSignals(True)
        self.agency.clear()
        for h in hosts:
            self.agency.addItem(f"{h.name}（{h.offer_words}）" if h.offers else h.name, h.id)
        self.agency.setCurrentIndex(max(0, self.agency.findData(current)) if hosts else -1)
        self.agency.blockSignals(False)
        self.no_hosts.setVisible(not hosts)
        if current is None:
            self._agency_chosen()

    def _agency_chosen(self, *_args) -> None:
        """The 内容 follows the 受入先 when it does not offer the one chosen (most offer one or two)."""
        host = self._hosts.get(self.agency.currentData())
        if host and host.offers and self.offer.currentData() not in host.offers:
            self.offer.setCurrentIndex(self.offer.findData(host.offers[0]))

    # --- activities ------------------------------------------------------------------------------

    def _fill_activities(self, activities) -> None:
        self._activity_rows = {a.id: a for a in activities}
        fill_table(self.activities, [[format_wareki(a.held_on), T["attended_word"] if a.attended else T["absent_word"],
                                      a.what, a.note.replace("\n", " ")] for a in activities],
                   [a.id for a in activities])  # fmt: skip
        if activities:
            self.activities.selectRow(len(activities) - 1)

    def _reload_activities(self) -> None:
        self._fill_activities(participation.get(self.ctx.require_store(), self.record_id).activities)

    def add_activity(self) -> None:
        if self.record_id is None:
            return
        self._run(ActivityDialog(self.ctx, self.record_id, self))

    def edit_activity(self) -> None:
        activity = self._activity_rows.get(selected_data(self.activities)) if self.record_id else None
        if activity is None:
            self.general.show_error(T["pick_activity"] if self.record_id else T["save_first"])
            return
        self._run(ActivityDialog(self.ctx, self.record_id, self, activity))

    def _run(self, dialog: ActivityDialog) -> None:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        # Let go of it now: left as a child, its fields would count as this dialog's unsaved input.
        dialog.setParent(None)
        dialog.deleteLater()
        if accepted:
            self._reload_activities()

    def print_record(self) -> None:
        if self.record_id is None:
            return
        store = self.ctx.require_store()
        try:
            printed = print_catalog.produce(store, "participation", print_catalog.Request(record_id=self.record_id))
        except InvalidInput as exc:
            self.general.show_error(str(exc))
            return
        show_print(self, store, printed)

    # --- saving ----------------------------------------------------------------------------------

    def values(self) -> dict | None:
        out = {"agency_id": self.agency.currentData(), "offer": self.offer.currentData(),
               "state": self.state.currentData(), "end_reason": self.end_reason.text()}  # fmt: skip
        for key, field in self.dates.items():
            try:
                out[key] = field.value()
            except ValueError:
                field.setFocus()
                return None
        out |= {k: edit.toPlainText() for k, edit in self.texts.items()}
        return out

    def submit(self) -> None:
        self.form.clear()
        self.words.clear()
        self.general.show_error("")
        values = self.values()
        if values is None:
            return
        store = self.ctx.require_store()
        try:
            if self.record_id is None:
                self.record_id = participation.create(store, self.household_id, self.person_id, values)
            else:
                participation.update(store, self.record_id, values)
        except FieldErrors as exc:
            self.words.show({k: v for k, v in exc.errors.items() if k in self.words.errors})
            self.form.show({k: v for k, v in exc.errors.items() if k in self.form.errors})
            elsewhere = [v for k, v in exc.errors.items() if k not in self.form.errors and k not in self.words.errors]
            self.general.show_error("\n".join(elsewhere))
            return
        except InvalidInput as exc:
            self.general.show_error(str(exc))
            return
        self.accept()

