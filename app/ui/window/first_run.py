"""First run: a short wizard — town and coordinator, passphrase, then the recovery key shown once."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from app.services.catalog import print_catalog
from app.services.common.errors import TsunagiError
from app.services.printing import printing
from app.services.store import settings as town_settings
from app.services.store.store import Created, Store
from app.ui.common.context import AppContext
from app.ui.common.widgets import ErrorLabel, PassphraseFields, field_row, save_print, show_print

T = {
    "title": "つなぎ — はじめての設定",
    "welcome_title": "ようこそ",
    "welcome": (
        "つなぎは、世帯・相談・つなぐシート・訪問の記録を、このPCの中に暗号化して保管します。\n\n"
        "はじめに、町村名と担当者名、データを守るパスフレーズを決めます。"
        "最後に表示される「回復キー」は、パスフレーズを忘れたときやPCが故障したときに必要です。\n\n"
        "まず試してみたいときは「デモデータで試す」を押してください。架空の町のデータが入った、"
        "本番とは別のデータで操作できます。"
    ),
    "demo": "デモデータで試す(&D)",
    "town_title": "町村と担当者",
    "town_sub": "印刷する帳票の見出しと、サインインに使います。",
    "town": "町村名(&T)",
    "user": "担当者名(&N)",
    "user_hint": "サインインのときに選ぶ名前です（例: 田中）",
    "department": "担当課・係(&G)",
    "department_hint": "例: 福祉課 重層的支援係",
    "phone": "担当課の電話(&L)",
    "phone_hint": "例: 0858-00-1111",
    "department_why": (
        "担当課・係と電話は、つなぐシートの紹介元・折り返し先として印刷されます。"
        "空欄のままでも始められますが、そのときは先方が折り返す番号のないシートになります。"
        "あとから「設定」で入力・変更できます。"
    ),
    "pass_title": "パスフレーズ",
    "pass_sub": "データを開くための合言葉です。他の人に教えないでください。",
    "key_title": "回復キー",
    "key_sub": "この画面でしか表示されません。保管票を印刷して、役場の金庫に保管してください。",
    "key_info": (
        "回復キーは、パスフレーズを忘れたときや、PCが壊れて別のPCにデータを移したときに使う予備の鍵です。"
        "これを持つ人は全世帯の記録を開けるため、金庫で保管してください。"
    ),
    "print": "保管票を印刷(&P)",
    "save": "PDFとして保存(&S)",
    "stored": "回復キーを印刷した、または書き写した(&K)",
    "copy": "コピー",
    "next": "次へ(&N) >",
    "back": "< 戻る(&B)",
    "finish": "つなぎを始める(&F)",
    "commit": "作成する(&C)",
    "cancel": "キャンセル",
}


class WelcomePage(QWizardPage):
    demo_requested = Signal()

    def __init__(self):
        super().__init__()
        self.setTitle(T["welcome_title"])
        text = QLabel(T["welcome"])
        text.setWordWrap(True)
        self.demo_button = QPushButton(T["demo"])
        self.demo_button.clicked.connect(self.demo_requested)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.demo_button)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addStretch()
        layout.addLayout(row)


class TownPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle(T["town_title"])
        self.setSubTitle(T["town_sub"])
        self.town = QLineEdit(objectName="town")
        self.user = QLineEdit(objectName="user")
        self.user.setPlaceholderText(T["user_hint"])
        self.department = QLineEdit(placeholderText=T["department_hint"])
        self.phone = QLineEdit(placeholderText=T["phone_hint"])
        why = QLabel(T["department_why"], objectName="hint")
        why.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(T["town"], self.town)
        form.addRow(T["user"], self.user)
        # Without these the first つなぐシート goes out with no callback number.
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, ErrorLabel] = {}
        field_row(form, "town.department", self.department, T["department"], self.fields, self.errors)
        field_row(form, "town.phone", self.phone, T["phone"], self.fields, self.errors)
        form.addRow(why)
        self.registerField("town*", self.town)
        self.registerField("user*", self.user)
        self.registerField("department", self.department)
        self.registerField("phone", self.phone)

    def validatePage(self) -> bool:  # noqa: N802 (Qt's name)
        """The settings' own rule, checked here so the message stands at the field (the store is made
        only on the next page, and then nothing should be left to refuse)."""
        wrong = []
        for key, edit in self.fields.items():
            self.errors[key].show_error("")
            try:
                town_settings.validate(key, edit.text())
            except town_settings.SettingError as exc:
                self.errors[key].show_error(str(exc))
                wrong.append(edit)
        if wrong:
            wrong[0].setFocus()
            wrong[0].selectAll()
        return not wrong


class PassphrasePage(QWizardPage):
    """Creating the store happens when this page is accepted (a commit page: no way back after)."""

    def __init__(self, wizard: FirstRunWizard):
        super().__init__()
        self._wizard = wizard
        self.setTitle(T["pass_title"])
        self.setSubTitle(T["pass_sub"])
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, T["commit"])
        self.fields = PassphraseFields()
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields)
        layout.addWidget(self.error)
        layout.addStretch()

    def validatePage(self) -> bool:  # noqa: N802 (Qt's name)
        passphrase = self.fields.value()
        if passphrase is None:
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self._wizard.create_store(passphrase)
        except TsunagiError as exc:
            self.error.show_error(str(exc))
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        return True


class RecoveryKeyPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard):
        super().__init__()
        self._wizard = wizard
        self.setTitle(T["key_title"])
        self.setSubTitle(T["key_sub"])
        self.key = QLabel(objectName="recovery_key")
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.key.font())
        font.setPointSize(font.pointSize() + 7)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.key.setFont(font)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        info = QLabel(T["key_info"])
        info.setWordWrap(True)
        self.print_button = QPushButton(T["print"])
        self.save_button = QPushButton(T["save"])
        self.print_button.clicked.connect(self._print)
        self.save_button.clicked.connect(self._save)
        self.stored = QCheckBox(T["stored"])
        self.registerField("stored*", self.stored)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch()
        self.notice = QLabel(objectName="notice")
        self.notice.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.key)
        layout.addWidget(info)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        layout.addStretch()
        layout.addWidget(self.stored)

    def initializePage(self) -> None:  # noqa: N802
        key = self._wizard.created.recovery_key
        groups = key.split("-")
        self.key.setText(" ".join(groups[:5]) + "\n" + " ".join(groups[5:]))
        self.notice.setText(self._wizard.created.keyring_notice())
        self.notice.setVisible(bool(self.notice.text()))

    def sheet(self) -> printing.Printed:
        created = self._wizard.created
        options = {"recovery_key": created.recovery_key, "store_id": created.store.keyfile.store_id}
        request = print_catalog.Request(on=date.today(), options=options)
        return print_catalog.produce(created.store, "recovery-key", request)

    def _print(self) -> None:
        show_print(self, self._wizard.created.store, self.sheet())

    def _save(self) -> None:
        save_print(self, self._wizard.created.store, self.sheet())


class FirstRunWizard(QWizard):
    """Ends with ``created`` set (a new, unlocked store) or ``demo_requested`` True."""

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.created: Created | None = None
        self.demo_requested = False
        self.setWindowTitle(T["title"])
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        for button, text in (
            (QWizard.WizardButton.NextButton, T["next"]),
            (QWizard.WizardButton.BackButton, T["back"]),
            (QWizard.WizardButton.FinishButton, T["finish"]),
            (QWizard.WizardButton.CancelButton, T["cancel"]),
        ):
            self.setButtonText(button, text)
        self.welcome = WelcomePage()
        self.town_page = TownPage()
        self.passphrase_page = PassphrasePage(self)
        self.key_page = RecoveryKeyPage(self)
        for page in (self.welcome, self.town_page, self.passphrase_page, self.key_page):
            self.addPage(page)
        self.welcome.demo_requested.connect(self._demo)
        self.resize(720, 520)

    def _demo(self) -> None:
        self.demo_requested = True
        self.accept()

    def create_store(self, passphrase: str) -> None:
        town = self.field("town").strip()
        user = self.field("user").strip()
        self.created = Store.create(
            self.ctx.data_dir,
            passphrase=passphrase,
            user=user,
            display_name=user,
            town=town,
            kdf=self.ctx.kdf,
        )
        town_settings.save(
            self.created.store,
            {
                "town.coordinator": user,
                "town.department": self.field("department"),
                "town.phone": self.field("phone"),
            },
        )
