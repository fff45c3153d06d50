"""Sign-in and unlock: user and passphrase, plain messages, a growing delay after repeated failures,
and 回復キーでサインイン for a forgotten passphrase (which then sets a new one).

The delay is the store's own (app.services.store.attempts, enforced by Store.open for the CLI and the API
alike): this page only shows it, and picks it up again after a restart. The recovery key never waits."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.services.common.errors import TsunagiError
from app.services.store import attempts
from app.services.store.keyslots import KeyFile
from app.services.store.store import KEYS_NAME, Store
from app.ui.common.context import DEMO_PASSPHRASE, AppContext
from app.ui.common.slow import run_slow
from app.ui.common.widgets import ErrorLabel, PassphraseFields, heading

T = {
    "sign_in": "サインイン",
    "locked": "ロック中です",
    "locked_sub": "離席などのため画面をロックしました。続けるにはパスフレーズを入力してください。入力途中の内容はそのまま残っています。",
    "sign_in_sub": "利用者を選び、パスフレーズを入力してください。",
    "user": "利用者(&U)",
    "passphrase": "パスフレーズ(&P)",
    "button": "サインイン(&S)",
    "unlock": "ロック解除(&S)",
    "recovery": "回復キーでサインイン(&R)…",
    "wait": "入力の誤りが続いたため、{s}秒お待ちください",
    "empty": "パスフレーズを入力してください",
    "demo": "デモデータのパスフレーズ: {p}",
    "rec_title": "回復キーでサインイン",
    "rec_info": (
        "金庫に保管している「回復キー保管票」のキーを入力し、新しいパスフレーズを設定します。"
        "回復キーは所属長の立会いのもとで使ってください。"
    ),
    "rec_key": "回復キー(&K)",
    "rec_user": "パスフレーズを設定する利用者(&U)",
    "opening": "パスフレーズを確かめています…",
    "rec_ok": "サインインして設定(&O)",
    "cancel": "キャンセル",
}
FAILURES_BEFORE_DELAY = attempts.FREE
MAX_DELAY_S = attempts.MAX_WAIT_S


def known_users(ctx: AppContext) -> list[str]:
    try:
        return KeyFile.load(ctx.data_dir / KEYS_NAME).users
    except TsunagiError:
        return []


class SignInPage(QWidget):
    signed_in = Signal(object)  # Store

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._wait_left = 0
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._tick)

        self.title = heading(T["sign_in"])
        self.sub = QLabel(T["sign_in_sub"])
        self.sub.setWordWrap(True)
        self.user = QComboBox(objectName="user")
        self.passphrase = QLineEdit(objectName="passphrase", echoMode=QLineEdit.EchoMode.Password)
        self.passphrase.returnPressed.connect(self.submit)
        self.error = ErrorLabel()
        self.wait = QLabel(objectName="wait")
        self.wait.hide()
        self.button = QPushButton(T["button"], objectName="sign_in")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        self.recovery = QPushButton(T["recovery"], objectName="recovery")
        self.recovery.setFlat(True)
        self.recovery.clicked.connect(self.recover)
        self.demo_hint = QLabel()
        self.demo_hint.setObjectName("notice")

        card = QFrame(objectName="card")
        form = QFormLayout()
        form.addRow(T["user"], self.user)
        form.addRow(T["passphrase"], self.passphrase)
        buttons = QHBoxLayout()
        buttons.addWidget(self.recovery)
        buttons.addStretch()
        buttons.addWidget(self.button)
        inner = QVBoxLayout(card)
        inner.addWidget(self.title)
        inner.addWidget(self.sub)
        inner.addSpacing(8)
        inner.addLayout(form)
        inner.addWidget(self.error)
        inner.addWidget(self.wait)
        inner.addWidget(self.demo_hint)
        inner.addLayout(buttons)
        card.setMaximumWidth(560)
        card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(card, 1)
        row.addStretch()
        outer.addLayout(row)
        outer.addStretch(2)
        self.set_mode(locked=False)

    def set_mode(self, *, locked: bool, user: str | None = None) -> None:
        self.title.setText(T["locked"] if locked else T["sign_in"])
        self.sub.setText(T["locked_sub"] if locked else T["sign_in_sub"])
        self.button.setText(T["unlock"] if locked else T["button"])
        self.user.clear()
        self.user.addItems(known_users(self.ctx))
        if user:
            self.user.setCurrentText(user)
        self.passphrase.clear()
        self.error.show_error("")
        self.demo_hint.setText(T["demo"].format(p=DEMO_PASSPHRASE) if self.ctx.is_demo else "")
        self.demo_hint.setVisible(self.ctx.is_demo)
        self.passphrase.setFocus()
        self._resume_wait()

    def _resume_wait(self) -> None:
        """A wait begun before (in this window or a run of the app that was closed) goes on here."""
        if self._wait_left > 0:
            return
        wait = attempts.status(self.ctx.data_dir).wait_s
        if wait > 0:
            self._start_wait(wait)

    def submit(self) -> None:
        if self._wait_left > 0:
            return
        passphrase = self.passphrase.text()
        if not passphrase:
            self.error.show_error(T["empty"])
            return
        self.error.show_error("")  # the last try's message is not left standing while this one runs
        folder, user = self.ctx.data_dir, self.user.currentText() or None
        try:
            # Argon2id takes seconds on purpose: off the GUI thread, behind a moving bar, so the window
            # keeps painting (it froze for 4–6 s).
            store = run_slow(self, T["sign_in"], T["opening"],
                             lambda _progress: Store.open(folder, passphrase=passphrase, user=user))  # fmt: skip
        except TsunagiError as exc:
            self._failed(str(exc))
            return
        self.passphrase.clear()
        self.error.show_error("")
        self.signed_in.emit(store)

    def _failed(self, message: str) -> None:
        self.error.show_error(message)
        self.passphrase.selectAll()
        self.passphrase.setFocus()
        self._resume_wait()  # Store.open counted the failure (when it was one) and set the wait

    def _start_wait(self, seconds: float) -> None:
        self._wait_left = max(1, round(seconds))
        self.button.setEnabled(False)
        self.passphrase.setEnabled(False)
        self._show_wait()
        self._timer.setInterval(max(1, int(1000 * seconds / self._wait_left)))
        self._timer.start()

    def _show_wait(self) -> None:
        self.wait.setText(T["wait"].format(s=self._wait_left))
        self.wait.show()

    def _tick(self) -> None:
        self._wait_left -= 1
        if self._wait_left > 0:
            self._show_wait()
            return
        self._stop_wait()

    def _stop_wait(self) -> None:
        self._wait_left = 0
        self._timer.stop()
        self.wait.hide()
        self.button.setEnabled(True)
        self.passphrase.setEnabled(True)
        self.passphrase.setFocus()
        self.passphrase.selectAll()  # the next try replaces the wrong one instead of adding to it

    def recover(self) -> None:
        dialog = RecoveryDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.store is not None:
            self._stop_wait()  # the recovery key reset the count
            self.signed_in.emit(dialog.store)


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
            store = Store.open(folder, recovery_key=key)
            store.set_passphrase(user, passphrase, kdf=kdf)
            return store

        try:
            store = run_slow(self, T["rec_title"], T["opening"], work)  # two Argon2id runs: off the GUI thread
        except TsunagiError as exc:
            self.key_error.show_error(str(exc))
            self.key.setFocus()
            self.key.selectAll()
            return
        self.store = store
        self.accept()
