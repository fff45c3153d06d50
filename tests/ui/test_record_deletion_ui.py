"""Deleting a record entered by mistake from the household screen: the 相談受付 dialog's 削除 asks first with
いいえ as the default (Enter keeps the record), はい deletes it, the list empties and 変更履歴 shows what it held;
a 訪問記録 is deleted from its dialog the same way."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from app.services.households import households
from app.services.outreach import outreach
from app.ui.households.dialogs import IntakeDialog
from app.ui.outreach.dialogs import VisitDialog


def _household(ctx):
    hid = households.create_household(ctx.store, address="例示町大字東区5")
    pid = households.add_member(ctx.store, hid, {"name": "山田 健", "kana": "やまだ けん",
                                                 "birth_date": date(1973, 2, 3), "relation": "head"})  # fmt: skip
    return hid, pid


def _later(ms, step):
    QTimer.singleShot(ms, step)


def test_an_intake_is_deleted_from_its_dialog_only_after_yes(qtbot, ctx, shell):
    hid, pid = _household(ctx)
    households.add_intake(ctx.store, hid, {"received_on": date(2026, 5, 1), "person_id": pid,
                                           "main_complaint": "間違えて入力した"})  # fmt: skip
    shell.content.open_household(hid)
    detail = shell.content.page("世帯").detail
    assert detail.intake_tab.table.rowCount() == 1
    seen: dict = {}

    def answer(press_yes: bool):
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.setdefault("questions", []).append((box.text(), box.informativeText()))
        seen["default"] = box.defaultButton().text()
        seen["escape"] = box.escapeButton().text()
        if press_yes:
            next(b for b in box.buttons() if b.text() == "はい").click()
        else:
            qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter takes the default

    def in_dialog():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, IntakeDialog)
        button = dialog.findChild(QPushButton, "delete_intake")
        seen["label"] = button.text()
        _later(100, lambda: answer(press_yes=False))
        button.click()
        seen["after_no"] = (dialog.isVisible(), len(households.intakes(ctx.store, hid)))
        _later(100, lambda: answer(press_yes=True))
        button.click()

    _later(200, in_dialog)
    detail.intake_tab.open_intake()  # modal, as the coordinator opens it

    assert seen["label"] == "削除(&E)…"
    assert seen["default"] == "いいえ" and seen["escape"] == "いいえ"
    assert seen["after_no"] == (True, 1)  # Enter on the question kept the record and the dialog
    question, detail_text = seen["questions"][0]
    assert question == "この相談受付（令和8年5月1日）を削除しますか？" and "変更履歴" in detail_text
    assert households.intakes(ctx.store, hid) == []
    assert detail.intake_tab.table.rowCount() == 0  # the screen read again
    rows = detail.history_tab.table
    assert rows.item(0, 2).text() == "相談受付 令和8年5月1日"
    assert rows.item(0, 3).text().startswith("削除：") and "主訴（本人の言葉）: 間違えて入力した、" in rows.item(0, 3).text()


def test_a_new_intake_has_no_delete_button(qtbot, ctx, shell):
    hid, _pid = _household(ctx)
    dialog = IntakeDialog(ctx, households.open_household(ctx.store, hid), received_by="田中")
    qtbot.addWidget(dialog)
    assert dialog.findChild(QPushButton, "delete_intake") is None


def test_a_visit_is_deleted_from_its_dialog(qtbot, ctx, shell, monkeypatch):
    from app.ui.outreach import dialogs

    hid, _pid = _household(ctx)
    vid = outreach.add_visit(ctx.store, hid, {"visited_at": datetime(2026, 5, 2, 14, 5), "result": "absent"})
    asked = []
    monkeypatch.setattr(dialogs, "ask_destructive", lambda _p, question, _d: asked.append(question) or True)
    dialog = VisitDialog(ctx, households.open_household(ctx.store, hid), visit=outreach.get_visit(ctx.store, vid))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.findChild(QPushButton, "delete_visit").click()
    assert asked == ["この訪問記録（令和8年5月2日 14:05）を削除しますか？"]
    assert dialog.result() == dialog.DialogCode.Accepted
    assert [e for e in outreach.timeline(ctx.store, hid) if e.kind == "visit"] == []


def test_the_note_delete_button_follows_the_chosen_entry(qtbot, ctx, shell, monkeypatch):
    from app.ui.households.tabs import timeline

    hid, _pid = _household(ctx)
    outreach.add_visit(ctx.store, hid, {"visited_at": datetime(2026, 5, 2, 14, 5), "result": "absent"})
    outreach.add_note(ctx.store, hid, "phone", "電話した", at=datetime(2026, 5, 3, 9, 0))
    shell.content.open_household(hid)
    tab = shell.content.page("世帯").detail.timeline_tab
    tab.fill(ctx.store)
    kinds = [e.kind for e in tab.entries]
    tab.table.setCurrentCell(kinds.index("visit"), 0)
    assert not tab.delete_button.isEnabled()
    tab.table.setCurrentCell(kinds.index("note"), 0)
    assert tab.delete_button.isEnabled()
    monkeypatch.setattr(timeline, "ask_destructive", lambda *_a: True)
    tab.delete_button.click()
    assert [e.kind for e in outreach.timeline(ctx.store, hid)] == ["visit"]
