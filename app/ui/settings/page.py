"""設定: town, coordinator, auto-lock, text size, 確認欄, backup reminder; users and passphrases."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.catalog import print_catalog
from app.services.common.errors import TsunagiError
from app.services.store import settings as town_settings
from app.ui.common import unsaved
from app.ui.common.page import Page
from app.ui.common.unsaved import EditDialog
from app.ui.common.widgets import ErrorLabel, PassphraseFields, confirm, heading, save_print, show_print

T = {
    "nav": "設定",
    "title": "設定",
    "town_box": "町と帳票",
    "security_box": "安全と表示",
    "users_box": "利用者とパスフレーズ",
    "flags_box": "気づき（フラグ）の基準",
    "years": " 歳",
    "months": " か月",
    "town.name": "町村名(&T)",
    "town.coordinator": "担当者(&C)",
    "town.department": "担当課・係（つなぐシートの紹介元）",
    "town.phone": "担当課の電話",
    "referral.reply_days": "つなぐシートの返信期限（送付から）",
    "outreach.no_contact_days": "連絡のない日数（これを超えたらホームに表示）",
    "forms.approvers_enabled": "帳票に確認欄を印刷する(&K)",
    "forms.approvers": "確認欄の項目（読点で区切る）(&I)",
    "security.auto_lock_minutes": "自動ロックまでの時間(&L)",
    "ui.font_pt": "文字の大きさ(&F)",
    "backup.reminder_days": "バックアップを促すまでの日数(&B)",
    "minutes": " 分",
    "points": " ポイント",
    "days": " 日",
    "save": "設定を保存(&S)",
    "saved": "保存しました",
    "refreshing": "新しい基準で、すべての世帯の気づきを確認しています…",
    "nothing": "変更はありません",
    "add_user": "利用者を追加(&A)…",
    "change_pass": "自分のパスフレーズを変更(&P)…",
    "new_key": "回復キーを作り直す(&R)…",
    "new_key_confirm": (
        "新しい回復キーを作ると、金庫にある今の回復キー保管票は使えなくなります。続けますか？"
    ),
    "new_key_done": "新しい回復キーです。保管票を印刷して金庫に保管し、古い保管票は細断してください。\n\n{key}",
    "print_sheet": "保管票を印刷",
    "save_sheet": "PDFとして保存",
    "user_title": "利用者を追加",
    "user_name": "利用者名(&N)",
    "pass_title": "パスフレーズを変更",
    "current": "今のパスフレーズ(&O)",
    "ok": "OK",
    "cancel": "キャンセル",
    "name_required": "利用者名を入力してください",
    "keyring_notice": "このPCには資格情報の保管庫がないため、パスフレーズだけで保護しています。",
}


class SettingsPage(Page):
    nav_label = T["nav"]
    changed = Signal(dict)

    def __init__(self, ctx):
        super().__init__(ctx)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, ErrorLabel] = {}
        self._clean: tuple | None = None  # what the fields held when last read from or saved to the store

        town_box = QGroupBox(T["town_box"])
        town_form = QFormLayout(town_box)
        self._add(town_form, "town.name", QLineEdit())
        self._add(town_form, "town.coordinator", QLineEdit())
        self._add(town_form, "town.department", QLineEdit())
        self._add(town_form, "town.phone", QLineEdit())
        self._add(town_form, "forms.approvers_enabled", QCheckBox())
        self._add(town_form, "forms.approvers", QLineEdit())

        security_box = QGroupBox(T["security_box"])
        security_form = QFormLayout(security_box)
        self._add(security_form, "security.auto_lock_minutes", self._spin(1, 240, T["minutes"]))
        self._add(security_form, "ui.font_pt", self._spin(9, 20, T["points"]))
        self._add(security_form, "backup.reminder_days", self._spin(1, 90, T["days"]))
        self._add(security_form, "referral.reply_days", self._spin(1, 90, T["days"]))
        self._add(security_form, "outreach.no_contact_days", self._spin(7, 365, T["days"]))

        flags_box = QGroupBox(T["flags_box"])
        flags_form = QFormLayout(flags_box)
        for key, spec in town_settings.SPECS.items():
            if key.startswith("flags."):
                suffix = T["months"] if key.endswith("months") else T["years"]
                T.setdefault(key, spec.label)
                self._add(flags_form, key, self._spin(spec.minimum, spec.maximum, suffix))

        self.save_button = QPushButton(T["save"], objectName="save")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel(objectName="status")
        save_row = QHBoxLayout()
        save_row.addStretch()
        save_row.addWidget(self.status)
        save_row.addWidget(self.save_button)

        users_box = QGroupBox(T["users_box"])
        self.users = QListWidget(objectName="users")
        self.users.setMaximumHeight(110)
        add_user = QPushButton(T["add_user"])
        add_user.clicked.connect(self.add_user)
        change_pass = QPushButton(T["change_pass"])
        change_pass.clicked.connect(self.change_passphrase)
        new_key = QPushButton(T["new_key"])
        new_key.clicked.connect(self.new_recovery_key)
        user_buttons = QHBoxLayout()
        for b in (add_user, change_pass, new_key):
            user_buttons.addWidget(b)
        user_buttons.addStretch()
        users_layout = QVBoxLayout(users_box)
        users_layout.addWidget(self.users)
        users_layout.addLayout(user_buttons)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(heading(T["title"]))
        layout.addWidget(town_box)
        layout.addWidget(security_box)
        layout.addWidget(flags_box)
        layout.addLayout(save_row)
        layout.addWidget(users_box)
        layout.addStretch()
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _spin(self, lo: int, hi: int, suffix: str) -> QSpinBox:
        spin = QSpinBox(minimum=lo, maximum=hi, suffix=suffix)
        spin.setMaximumWidth(160)
        return spin

    def _add(self, form: QFormLayout, key: str, widget: QWidget) -> None:
        widget.setObjectName(key)
        error = ErrorLabel()
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(widget)
        box.addWidget(error)
        form.addRow(T[key], holder)
        label = form.labelForField(holder)
        if isinstance(label, QLabel):
            label.setBuddy(widget)
        if isinstance(widget, QLineEdit):
            widget.returnPressed.connect(self.save)
        self.fields[key], self.errors[key] = widget, error

    # --- values -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        store = self.ctx.require_store()
        values = town_settings.load(store)
        for key, widget in self.fields.items():
            value = values[key]
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QSpinBox):
                widget.setValue(int(value))
            elif key == "forms.approvers":
                widget.setText("、".join(value))
            else:
                widget.setText(str(value))
            self.errors[key].show_error("")
        self._fill_users()
        self.status.setText("")
        self._clean = unsaved.snapshot(self)

    def _fill_users(self) -> None:
        self.users.clear()
        self.users.addItems(self.ctx.require_store().users())

    # --- leaving with unsaved input ---------------------------------------------------------------

    def has_unsaved_input(self) -> bool:
        return self._clean is not None and unsaved.snapshot(self) != self._clean

    def may_leave(self) -> bool:
        """Asked by the main window before it shows another page or signs out. The same question as an
        editing dialog's (いいえ by default, so a stray Enter keeps the input); はい puts the saved values
        back, so coming back later shows what is in force, not what was thrown away."""
        if not self.has_unsaved_input():
            return True
        if not unsaved.confirm_discard(self):
            return False
        self.refresh()
        return True

    def _values(self) -> dict:
        out = {}
        for key, widget in self.fields.items():
            if isinstance(widget, QCheckBox):
                out[key] = widget.isChecked()
            elif isinstance(widget, QSpinBox):
                out[key] = widget.value()
            elif key == "forms.approvers":
                out[key] = [p for p in widget.text().replace(",", "、").split("、")]
            else:
                out[key] = widget.text()
        return out

    def save(self) -> None:
        for error in self.errors.values():
            error.show_error("")
        try:
            changed = town_settings.save(self.ctx.require_store(), self._values())
        except town_settings.SettingError as exc:
            self.errors[exc.key].show_error(str(exc))
            self.fields[exc.key].setFocus()
            return
        self.status.setText(T["saved"] if changed else T["nothing"])
        self._clean = unsaved.snapshot(self)  # what is on screen is now what is in force
        if any(key.startswith("flags.") for key in changed):
            from app.services.flags import flag_review
            from app.ui.common.slow import run_slow

            # The new thresholds apply at once: every household again, seconds at 50,000, off the GUI thread.
            store = self.ctx.require_store()
            run_slow(self, T["title"], T["refreshing"], lambda _progress: flag_review.refresh_all(store))
        if changed:
            self.changed.emit(changed)

    # --- users ------------------------------------------------------------------------------------

    def add_user(self) -> None:
        dialog = UserDialog(self, T["user_title"], ask_name=True)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                self.ctx.require_store().add_user(dialog.name.text(), dialog.passphrase, kdf=self.ctx.kdf)
            except TsunagiError as exc:
                dialog.error.show_error(str(exc))
                continue
            break
        self._fill_users()  # only the list: settings typed but not yet saved stay as typed

    def change_passphrase(self) -> None:
        store = self.ctx.require_store()
        dialog = UserDialog(self, T["pass_title"], ask_current=True)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                store.keyfile.unlock_with_passphrase(dialog.current.text(), store.actor)
                store.set_passphrase(store.actor, dialog.passphrase, kdf=self.ctx.kdf)
            except TsunagiError as exc:
                dialog.error.show_error(str(exc))
                continue
            finally:
                QGuiApplication.restoreOverrideCursor()
            self.status.setText(T["saved"])
            break

    def new_recovery_key(self) -> None:
        if not confirm(self, T["new_key"], T["new_key_confirm"]):
            return
        store = self.ctx.require_store()
        key = store.new_recovery_key()
        box = QMessageBox(
            QMessageBox.Icon.Information, T["new_key"], T["new_key_done"].format(key=key), parent=self
        )
        print_button = box.addButton(T["print_sheet"], QMessageBox.ButtonRole.ActionRole)
        save_button = box.addButton(T["save_sheet"], QMessageBox.ButtonRole.ActionRole)
        box.addButton(T["ok"], QMessageBox.ButtonRole.AcceptRole)
        # The key is shown only here: the box stays until OK, so it can be printed and also saved.
        options = {"recovery_key": key, "store_id": store.keyfile.store_id}
        while True:
            box.exec()
            clicked = box.clickedButton()
            if clicked not in (print_button, save_button):
                break
            request = print_catalog.Request(on=date.today(), options=options)
            printed = print_catalog.produce(store, "recovery-key", request)
            (show_print if clicked is print_button else save_print)(self, store, printed)


class UserDialog(EditDialog):
    def __init__(self, parent: QWidget, title: str, *, ask_name: bool = False, ask_current: bool = False):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.passphrase = ""
        self.name = QLineEdit(objectName="user_name")
        self.current = QLineEdit(objectName="current_passphrase", echoMode=QLineEdit.EchoMode.Password)
        self.fields = PassphraseFields(label="新しいパスフレーズ")
        self.error = ErrorLabel()
        form = QFormLayout()
        if ask_name:
            form.addRow(T["user_name"], self.name)
        if ask_current:
            form.addRow(T["current"], self.current)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(T["ok"], QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(T["cancel"], QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.fields)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._ask_name = ask_name
        self.resize(560, 320)

    def _accept(self) -> None:
        if self._ask_name and not self.name.text().strip():
            self.error.show_error(T["name_required"])
            self.name.setFocus()
            return
        value = self.fields.value()
        if value is None:
            return
        self.passphrase = value
        self.accept()
