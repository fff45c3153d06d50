"""Sign-in and unlock: user and passphrase, plain messages, a growing delay after repeated failures,
and 回復キーでサインイン for a forgotten passphrase (which then sets a new one).

The delay is the store's own (app.services.store.attempts, enforced by Store.open for the CLI and the API
alike): this page only shows it, and picks it up again after a restart. The recovery key never waits."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
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
from app.services.store.layout import KEYS_NAME
from app.ui.common.context import DEMO_PASSPHRASE, AppContext
from app.ui.common.labels import ErrorLabel
from app.ui.window import warm

if TYPE_CHECKING:
    from app.services.store.store import Store

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
    "opening": "パスフレーズを確かめています…",
}
FAILURES_BEFORE_DELAY = attempts.FREE
MAX_DELAY_S = attempts.MAX_WAIT_S


def known_users(ctx: AppContext) -> list[str]:
    """The users with a passphrase slot, as ``KeyFile.users`` lists them, read from the key file's JSON
    without the key slots' module: it loads ``cryptography`` (14 MB) and the sign-in window shows first.
    A missing or damaged key file lists no one; signing in then says what is wrong (Store.open)."""
    try:
        doc = json.loads((ctx.data_dir / KEYS_NAME).read_text(encoding="utf-8"))
        return [s["user"] for s in doc["slots"] if s["kind"] == "passphrase" and isinstance(s["user"], str)]
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return []


def open_store(folder, **how) -> Store:
    """``Store.open(folder, **how)``, in the worker of run_slow: the store layer may still be loading (warm)."""
    warm.wait()
    from app.services.store.store import Store

    return Store.open(folder, **how)


class SignInPage(QWidget):
    signed_in = Signal(object)  # Store

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._wait_left = 0
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._tick)

        # (not widgets.heading, which sets "no text interaction" through Qt's namespace: plain text has none)
        self.title = QLabel(T["sign_in"], objectName="heading")
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
        from app.ui.common.slow import run_slow  # (not before the window shows: it needs Qt's namespace)

        try:
            # Argon2id takes seconds on purpose: off the GUI thread, behind a moving bar, so the window
            # keeps painting (it froze for 4–6 s).
            store = run_slow(self, T["sign_in"], T["opening"],
                             lambda _progress: open_store(folder, passphrase=passphrase, user=user))  # fmt: skip
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
        warm.wait()  # (the dialog needs the key slots: not imported while the worker may be importing them)
        from PySide6.QtWidgets import QDialog

        from app.ui.window.recovery import RecoveryDialog

        dialog = RecoveryDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.store is not None:
            self._stop_wait()  # the recovery key reset the count
            self.signed_in.emit(dialog.store)
