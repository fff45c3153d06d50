"""バックアップ: write a verified backup to a USB stick (or any folder), the 持出し記録, and restore."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.services.catalog import print_catalog
from app.services.common.errors import TsunagiError
from app.services.common.japanese import format_wareki
from app.services.store import backup, media, media_ledger
from app.services.store import settings as town_settings
from app.services.transfer import full_export
from app.ui.common.page import Page
from app.ui.common.slow import run_slow
from app.ui.common.widgets import ErrorLabel, heading, plain, show_print

T = {
    "nav": "バックアップ",
    "title": "バックアップ",
    "intro": "登録したUSBメモリ（暗号化されたもの）にバックアップを書き出します。書き込んだあと読み戻して確かめ、"
    "確認できたときだけ「安全に取り外せます」と表示します。",
    "dest": "保存先(&D)",
    "choose": "フォルダを選ぶ(&F)…",
    "no_media": "（USBメモリが見つかりません。フォルダを選んでください）",
    "keep": "残す世代数",
    "run": "バックアップを作成(&B)",
    "running": "バックアップを作成しています…",
    "done_title": "バックアップが終わりました",
    "done": "書き込んだファイルを読み戻して確認しました。\n\n{path}\n\n保存先の媒体は安全に取り外せます。",
    "last": "最後のバックアップ: {when}（{ago}）",
    "today": "今日",
    "days_ago": "{days}日前",
    "never": "まだバックアップがありません",
    "log": "持出し記録（バックアップ・復元・PDFの保存・書き出し）",
    "log_cols": ["日時", "作業", "媒体", "作業者", "ファイル", "結果"],
    "print_log": "管理簿を印刷(&P)",
    "export_all": "すべて書き出す（Excel・JSON）(&E)…",
    "export_title": "すべての記録を書き出す",
    "export_filter": "Excel ブック (*.xlsx)",
    "export_name": "つなぎ_すべての記録.xlsx",
    "exporting": "すべての記録を書き出しています…",
    "exported": "次の2つのファイルに書き出しました（暗号化されていません。持出し管理簿に記録しました）:\n{xlsx}\n{json}",
    "restore": "バックアップから復元(&R)…",
    "unexpected": "予期しないエラーで中断しました（{exc}）。保存済みのデータは変わっていません",
    "restoring": "バックアップから復元しています…",
    "restore_filter": "つなぎのバックアップ (*.tsbk)",
    "restore_question": "このバックアップから復元しますか？",
    "restore_detail": (
        "バックアップ（{town}、{made} 作成）: 世帯 {bh:,} 件・世帯員 {bp:,} 人\n"
        "この PC の今のデータ: 世帯 {ch:,} 件・世帯員 {cp:,} 人\n\n"
        "{made} より後に入力・変更した記録は、すべて失われます（持出し記録は引き継ぎます）。"
        "今のデータは、念のため退避してから置き換えます。"
    ),
    "restored_safety": "\n\n復元する前のデータは、次のフォルダに退避してあります:\n{folder}",
    "close": "閉じる",
    "other_title": "別のデータのバックアップです",
    "other_confirm": "{message}。\n\n本当に、今のデータをこのバックアップで置き換えますか？",
    "other_yes": "別のデータで置き換える(&Y)",
    "other_refused": "別のデータのバックアップのため、復元しませんでした。データは変わっていません",
    "secret_title": "復元するバックアップの鍵",
    "secret_info": "バックアップを作ったときのパスフレーズ、または回復キーを入力してください。",
    "user": "利用者（パスフレーズのとき）",
    "passphrase": "パスフレーズ",
    "recovery": "または回復キー",
    "ok": "復元する(&O)",
    "cancel": "キャンセル",
    "restored": "復元しました: 世帯 {h:,} 件、世帯員 {p:,} 人",
    "ok_word": "正常",
    "failed_word": "失敗",
    "actions": media_ledger.ACTIONS,
}


class SecretDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(T["secret_title"])
        info = QLabel(T["secret_info"])
        info.setWordWrap(True)
        self.user = QLineEdit(objectName="restore_user")
        self.passphrase = QLineEdit(objectName="restore_passphrase", echoMode=QLineEdit.EchoMode.Password)
        self.recovery = QLineEdit(objectName="restore_recovery")
        self.recovery.setPlaceholderText("XXXX-XXXX-…")
        form = QFormLayout()
        form.addRow(T["user"], self.user)
        form.addRow(T["passphrase"], self.passphrase)
        form.addRow(T["recovery"], self.recovery)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(T["ok"], QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(T["cancel"], QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def secret(self) -> dict:
        if self.recovery.text().strip():
            return {"recovery_key": self.recovery.text()}
        return {"passphrase": self.passphrase.text(), "user": self.user.text().strip() or None}


class BackupPage(Page):
    shows = None  # the drives and the backups on them: outside the store, read at every showing
    nav_label = T["nav"]

    def __init__(self, ctx):
        super().__init__(ctx)
        intro = QLabel(T["intro"])
        intro.setWordWrap(True)
        self.dest = QComboBox(objectName="backup_dest", editable=True)
        choose = QPushButton(T["choose"])
        choose.clicked.connect(self.choose_folder)
        self.keep = QSpinBox(minimum=1, maximum=30, objectName="backup_keep")
        self.run_button = QPushButton(T["run"], objectName="backup_run")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run_backup)
        self.last = QLabel(objectName="hint")
        self.error = ErrorLabel()
        self.log = QTableWidget(0, len(T["log_cols"]), objectName="media_log")
        self.log.setHorizontalHeaderLabels(T["log_cols"])
        self.log.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.log.verticalHeader().hide()
        self.log.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.log.horizontalHeader().setStretchLastSection(True)
        print_log = QPushButton(T["print_log"])
        print_log.clicked.connect(self.print_log)
        # A full export is a 持出し like a backup, only unencrypted: it lives beside the 管理簿 that lists it.
        export_all = QPushButton(T["export_all"], objectName="export_all")
        export_all.clicked.connect(self.export_all)
        restore = QPushButton(T["restore"], objectName="backup_restore")
        restore.clicked.connect(self.choose_restore)
        row = QHBoxLayout()
        row.addWidget(self.dest, 1)
        row.addWidget(choose)
        form = QFormLayout()
        dest_label = QLabel(T["dest"])
        dest_label.setBuddy(self.dest)  # a row of widgets gets no buddy by itself: the & would show as is
        form.addRow(dest_label, row)
        form.addRow(T["keep"], self.keep)
        actions = QHBoxLayout()
        actions.addWidget(self.run_button)
        actions.addStretch()
        actions.addWidget(restore)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(T["log"]))
        bottom.addStretch()
        bottom.addWidget(export_all)
        bottom.addWidget(print_log)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(T["title"]))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.last)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        layout.addWidget(self.log, 1)

    def refresh(self) -> None:
        store = self.ctx.require_store()
        current = self.dest.currentText()
        self.dest.clear()
        found = media.removable_media()
        for m in found:
            self.dest.addItem(f"{m.label} — {m.path}", str(m.path))
        if not found:
            self.dest.setPlaceholderText(T["no_media"])
        if current:
            self.dest.setEditText(current)
        self.keep.setValue(int(town_settings.value(store, "backup.generations")))
        days = backup.days_since_backup(store)
        last = store.setting(backup.LAST_BACKUP_KEY)
        if last:
            at = datetime.fromisoformat(last)
            ago = T["today"] if days == 0 else T["days_ago"].format(days=days)
            self.last.setText(T["last"].format(when=f"{format_wareki(at.date())} {at:%H:%M}", ago=ago))
        else:
            self.last.setText(T["never"])
        entries = backup.media_log(store)
        self.log.setRowCount(len(entries))
        for r, e in enumerate(entries):
            values = (f"{format_wareki(e.at.date())} {e.at:%H:%M}", T["actions"].get(e.action, e.action), e.medium, e.operator,
                      e.file, T["ok_word"] if e.result == "ok" else f"{T['failed_word']}: {e.detail}")  # fmt: skip
            for c, v in enumerate(values):
                self.log.setItem(r, c, QTableWidgetItem(v))

    def destination(self) -> Path | None:
        data = self.dest.currentData()
        text = self.dest.currentText().strip()
        if data and text.endswith(str(data)):
            return Path(data)
        return Path(text) if text else None

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, plain(T["choose"]))
        if folder:
            self.dest.setEditText(folder)

    def run_backup(self) -> bool:
        self.error.show_error("")
        dest = self.destination()
        if dest is None:
            self.error.show_error(T["no_media"])
            return False
        store = self.ctx.require_store()
        if self.keep.value() != int(town_settings.value(store, "backup.generations")):
            town_settings.save(store, {"backup.generations": self.keep.value()})
        try:
            result = run_slow(self, T["title"], T["running"], lambda progress: backup.create_backup(
                store, dest, generations=self.keep.value(), medium=media.describe(dest), progress=progress
            ))  # fmt: skip
        except Exception as exc:  # noqa: BLE001 (whatever it was, the window must not hang)
            self.error.show_error(_message(exc))
            self.refresh()
            return False
        self.refresh()
        self.last_result = result
        if not getattr(self.ctx, "quiet", False):
            QMessageBox.information(self, T["done_title"], T["done"].format(path=result.path))
        return True

    def export_all(self) -> bool:
        """Every record as an Excel workbook and, beside it under the same name, as tsunagi-export/1 JSON."""
        name, _ = QFileDialog.getSaveFileName(self, plain(T["export_title"]), T["export_name"], T["export_filter"])
        if not name:
            return False
        xlsx = Path(name).with_suffix(".xlsx")
        json_path = xlsx.with_suffix(".json")
        store = self.ctx.require_store()
        self.error.show_error("")
        try:
            run_slow(self, T["export_title"], T["exporting"],
                     lambda progress: full_export.export_files(store, xlsx=xlsx, json_path=json_path, progress=progress))  # fmt: skip
        except Exception as exc:  # noqa: BLE001 (every failure is shown; nothing half-written stays)
            self.error.show_error(_message(exc))
            return False
        self.refresh()
        if not getattr(self.ctx, "quiet", False):
            QMessageBox.information(self, T["export_title"], T["exported"].format(xlsx=xlsx, json=json_path))
        return True

    def print_log(self) -> None:
        store = self.ctx.require_store()
        show_print(self, store, print_catalog.produce(store, "media-log"))

    def choose_restore(self) -> None:
        start = backup.restore_start_folder(self.ctx.require_store())  # where the last backup went
        name, _ = QFileDialog.getOpenFileName(self, plain(T["restore"]), str(start or ""), T["restore_filter"])
        if name:
            self.restore_from(Path(name))

    def restore_from(self, path: Path, secret: dict | None = None, allow_other_store: bool = False) -> bool:
        """Verify, confirm, then restore over the current store (kept as a safety copy). A backup of another
        store needs its own explicit yes (asked here; given by ``allow_other_store`` when ``secret`` is)."""
        self.error.show_error("")
        try:
            manifest = backup.read_manifest(path)
            other = backup.other_store(path, self.ctx.require_store().folder)
        except TsunagiError as exc:
            self.error.show_error(str(exc))
            return False
        if other is not None and not allow_other_store:
            if secret is not None or not self._confirm_other_store(other):
                self.error.show_error(T["other_refused"])
                return False
            allow_other_store = True
        plan = backup.restore_preview(self.ctx.require_store(), manifest)
        if secret is None:
            if not self._confirm_restore(plan):
                return False
            dialog = SecretDialog(self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            secret = dialog.secret()
        shell = self.window()
        folder = self.ctx.require_store().folder
        current, self.ctx.store = self.ctx.store, None

        def work(progress):
            current.close()  # the files are about to be replaced (closing checkpoints: in the worker too)
            return backup.restore(path, folder, medium=str(path.parent), progress=progress,
                                  allow_other_store=allow_other_store, carry=plan.later_ledger, **secret)  # fmt: skip

        try:
            store = run_slow(self, T["title"], T["restoring"], work)
        except Exception as exc:  # noqa: BLE001 (whatever it was, the window must not hang)
            self.error.show_error(_message(exc))
            shell.show_sign_in()  # nothing changed (or rolled back on opening); sign in again
            return False
        shell.replace_store(store)
        counts = store.counts()
        safety = backup.safety_copy_of_last_restore(folder)
        self.restored_text = T["restored"].format(h=counts["households"], p=counts["persons"]) + (
            T["restored_safety"].format(folder=safety) if safety else ""
        )
        if not self.ctx.quiet:
            done = QMessageBox(QMessageBox.Icon.Information, plain(T["restore"]), self.restored_text, parent=shell)
            done.addButton(T["close"], QMessageBox.ButtonRole.AcceptRole)
            done.exec()
        return True

    def _confirm_restore(self, plan: backup.RestorePreview) -> bool:
        """What the backup holds beside what this PC holds now, and what will be lost; いいえ by default."""
        b, c = plan.backup_counts, plan.current_counts
        text = T["restore_question"]
        detail = T["restore_detail"].format(
            made=plan.made, town=plan.manifest.town, bh=b.get("households", 0), bp=b.get("persons", 0),
            ch=c.get("households", 0), cp=c.get("persons", 0),
        )  # fmt: skip
        box = QMessageBox(QMessageBox.Icon.Warning, plain(T["restore"]), text, parent=self)
        box.setInformativeText(detail)
        yes = box.addButton("はい", QMessageBox.ButtonRole.DestructiveRole)
        no = box.addButton("いいえ", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.setEscapeButton(no)
        self.restore_box = box  # (tests look at it)
        return self._ask(box) is yes

    def _ask(self, box: QMessageBox):
        box.exec()
        return box.clickedButton()

    def _confirm_other_store(self, other: backup.Manifest) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, T["other_title"],
                          T["other_confirm"].format(message=backup.other_store_message(other)), parent=self)  # fmt: skip
        yes = box.addButton(T["other_yes"], QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(box.addButton(T["cancel"], QMessageBox.ButtonRole.RejectRole))
        box.exec()
        return box.clickedButton() is yes


def _message(exc: Exception) -> str:
    from app.services.common import (
        errorlog,  # what failed, never the exception's text (it may hold personal data)
    )

    return str(exc) if isinstance(exc, TsunagiError) else T["unexpected"].format(exc=errorlog.describe(exc))
