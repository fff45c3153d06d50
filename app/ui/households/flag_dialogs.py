"""Dialogs for 気づき: a reason for 該当なし or 解除, and adding a manual flag."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QPlainTextEdit,
    QVBoxLayout,
)

from app.models import vocab
from app.services.common.errors import InvalidInput
from app.services.flags import flag_review
from app.ui.common import widgets
from app.ui.common.unsaved import EditDialog
from app.ui.common.widgets import ErrorLabel, dialog_buttons

T = {
    "ok": "OK",
    "cancel": "キャンセル",
    "dismiss": "該当なしにする",
    "dismiss_info": "「{word}」を該当なしにします。理由を記録してください（あとで見直すときの手がかりになります）。",
    "end": "気づきを解除する",
    "end_info": "「{word}」を解除します。理由を記録してください。",
    "manual": "気づきを手動で追加",
    "kind": "種類(&K)",
    "person": "対象の世帯員(&P)",
    "whole": "（世帯全体）",
    "note": "メモ・本人の言葉(&N)",
    "groups": {
        "制度の狭間": vocab.HAZAMA,
        "社会的孤立": vocab.ISOLATION,
        "孤独": vocab.LONELINESS,
        "その他": vocab.OTHER_MANUAL_FLAGS,
    },
}


class ReasonDialog(widgets.ReasonDialog):
    """該当なし (dismiss) or 解除 (end) of a flag, with its required reason."""

    def __init__(self, ctx, flag, parent=None, *, end: bool = False):
        act = flag_review.end if end else flag_review.dismiss
        super().__init__(
            parent,
            lambda reason: act(ctx.require_store(), flag.id, reason),
            title=T["end" if end else "dismiss"],
            info=T["end_info" if end else "dismiss_info"].format(word=flag.word),
        )
        self.ctx, self.flag, self.end = ctx, flag, end


class ManualFlagDialog(EditDialog):
    def __init__(self, ctx, household, parent=None):
        super().__init__(parent)
        self.ctx, self.household = ctx, household
        self.setWindowTitle(T["manual"])
        self.kind = QComboBox(objectName="kind")
        for group, items in T["groups"].items():
            for code, words in items.items():
                self.kind.addItem(f"{group}: {words}", code)
        self.person = QComboBox(objectName="person")
        self.person.addItem(T["whole"], None)
        for m in household.members:
            self.person.addItem(m.name, m.id)
        self.note = QPlainTextEdit(objectName="note")
        self.note.setMaximumHeight(90)
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow(T["kind"], self.kind)
        form.addRow(T["person"], self.person)
        form.addRow(T["note"], self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self, T["ok"], T["cancel"]))
        self.resize(820, 280)

    def submit(self) -> None:
        try:
            flag_review.add_manual(
                self.ctx.require_store(),
                self.household.id,
                self.kind.currentData(),
                self.person.currentData(),
                self.note.toPlainText(),
            )
        except InvalidInput as exc:
            self.error.show_error(str(exc))
            return
        self.accept()
