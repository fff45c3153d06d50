"""回復キーでサインイン: the recovery key and a new passphrase for a chosen user (then signed in as them).

Apart from the sign-in page, which shows before the store layer loads: this dialog needs the key slots
(the passphrase fields check the strength) and opens only when asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.common.errors import TsunagiError
from app.ui.common.context import AppContext
from app.ui.common.slow import run_slow
from app.ui.common.widgets import ErrorLabel, PassphraseFields
from app.ui.window.sign_in import T as SIGN_IN_T
from app.ui.window.sign_in import known_users, open_store

if TYPE_CHECKING:
    from app.services.store.store import Store

T = {
    "rec_title": "回復キーでサインイン",
    "rec_info": (
        "金庫に保管している「回復キー保管票」のキーを入力し、新しいパスフレーズを設定します。"
        "回復キーは所属長の立会いのもとで使ってください。"
    ),
    "rec_key": "回復キー(&K)",
    "rec_user": "パスフレーズを設定する利用者(&U)",
    "rec_ok": "サインインして設定(&O)",
    "cancel": "キャンセル",
    "opening": SIGN_IN_T["opening"],
}


class RecoveryDialog(QDialog):
    """Recovery key + new passphrase for a chosen user; on success ``store`` is open as that user."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.store: Store | None = None
        self.setWindowTitle(T["rec_title"])
        info = QLabel(T["rec_info"])
        info.setWordWrap(True)
        self.key = QLineEdit(objectName="recovery_key")
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.key_error = ErrorLabel()
        self.user = QComboBox(objectName="user")
        self.user.addItems(known_users(ctx))
        self.fields = PassphraseFields(label="新しいパスフレーズ")
        form = QFormLayout()
        form.addRow(T["rec_key"], self.key)
        form.addRow("", self.key_error)
        form.addRow(T["rec_user"], self.user)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(T["rec_ok"], QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(T["cancel"], QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.setDefault(True)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(self.fields)
        layout.addWidget(buttons)
        self.resize(620, 420)

    def submit(self) -> None:
        passphrase = self.fields.value()
        if passphrase is None:
            return
        folder, key, user, kdf = self.ctx.data_dir, self.key.text(), self.user.currentText(), self.ctx.kdf

        def work(_progress):
            store = open_store(folder, recovery_key=key)
            store.set_passphrase(user, passphrase, kdf=kdf)
            return store

        try:
            store = run_slow(
                self, T["rec_title"], T["opening"], work
            )  # (two Argon2id runs: off the GUI thread)
        except TsunagiError as exc:
            self.key_error.show_error(str(exc))
            self.key.setFocus()
            self.key.selectAll()
            return
        self.store = store
        self.accept()
