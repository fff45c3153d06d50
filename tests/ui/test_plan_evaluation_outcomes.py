"""The evaluation of a plan records, beside its words, the outcomes 統計 counts (就労・増収)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from app.services.common.errors import InvalidInput
from app.ui.meetings.plan_tab import EvaluationDialog
from tests.ui.conftest import ime_type


def test_the_evaluation_passes_its_words_and_the_ticked_outcomes(qtbot):
    calls = []

    def act(text, outcomes):
        if not text.strip():
            raise InvalidInput("評価の内容を入力してください")
        calls.append((text, outcomes))

    dialog = EvaluationDialog(None, act, title="評価（見直し）", info="")
    qtbot.addWidget(dialog)
    dialog.show()
    assert [box.text() for box in dialog.outcomes.values()] == ["就労した(&E)", "収入が増えた(&U)"]
    dialog.outcomes["employed"].setChecked(True)
    dialog.submit()  # no words yet: refused where it is typed, nothing recorded
    assert calls == [] and dialog.error.text() == "評価の内容を入力してください"
    ime_type(dialog.reason, "週3日の仕事が決まった")
    dialog.submit()
    assert calls == [("週3日の仕事が決まった", ["employed"])]
    assert dialog.result() == QDialog.DialogCode.Accepted
