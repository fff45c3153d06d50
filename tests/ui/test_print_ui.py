"""Printing as the coordinator meets it: no PDF viewer on the PC, 「PDFとして保存」, and the recovery-key
sheet kept off sticks and backup folders (first run and 設定)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard
from sqlalchemy import select

from app.models import MediaLog
from app.services.catalog import print_catalog
from app.services.store import backup, media, print_folder
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.common import widgets
from app.ui.window.first_run import FirstRunWizard
from tests.ui.conftest import ime_type


class Viewer:
    def __init__(self, works: bool):
        self.works, self.opened = works, []

    def openUrl(self, url) -> bool:  # noqa: N802 (Qt's name)
        self.opened.append(Path(url.toLocalFile()))
        return self.works


class Answers:
    """Clicks, in order, the buttons of the message boxes that come up (they are modal)."""

    def __init__(self, *buttons: str):
        self.pending, self.seen = list(buttons), []
        self.timer = QTimer(interval=20)
        self.timer.timeout.connect(self._answer)
        self.timer.start()

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not self.pending:
            return
        wanted = self.pending.pop(0)
        self.seen.append(box.text())
        if not self.pending:
            self.timer.stop()
        next(b for b in box.buttons() if b.text().replace("(&S)", "").replace("(&O)", "") == wanted).click()


def ledger(store) -> list[MediaLog]:
    with store.session() as s:
        return list(s.scalars(select(MediaLog).order_by(MediaLog.id)))


@pytest.fixture
def store(ctx):
    created = Store.create(ctx.data_dir, passphrase="合言葉です合言葉", user="田中", town="例示県つなぎ町", kdf=FAST)
    yield created.store
    created.store.close()


def test_without_a_viewer_the_print_is_offered_as_a_pdf_file(qtbot, store, tmp_path, monkeypatch):
    viewer = Viewer(works=False)
    monkeypatch.setattr(widgets, "QDesktopServices", viewer)
    printed = print_catalog.produce(store, "referral-blank")
    dest = tmp_path / "documents" / "つなぐシート.pdf"
    dest.parent.mkdir()
    monkeypatch.setattr(widgets, "ask_save_pdf", lambda parent, suggested: dest)
    answers = Answers("PDFとして保存")
    assert widgets.show_print(None, store, printed) == dest
    assert "PDFを表示できるアプリが見つかりませんでした" in answers.seen[0]
    assert dest.read_bytes() == printed.pdf
    assert not viewer.opened[0].exists()  # the copy no viewer could show is gone at once
    assert [(r.action, r.file) for r in ledger(store)] == [("pdf", "つなぐシート.pdf")]

    answers = Answers("キャンセル")
    assert widgets.show_print(None, store, printed) is None
    assert len(ledger(store)) == 1 and not any(print_folder.print_dir(store.folder).glob("*.pdf"))


def test_a_viewer_that_opens_gets_the_file_from_the_data_folder(qtbot, store, monkeypatch):
    viewer = Viewer(works=True)
    monkeypatch.setattr(widgets, "QDesktopServices", viewer)
    shown = widgets.show_print(None, store, print_catalog.produce(store, "referral-blank"))
    assert viewer.opened == [shown] and shown.parent == print_folder.print_dir(store.folder)
    assert ledger(store) == []  # shown on this PC: nothing left it


def walk_to_the_key_page(qtbot, ctx) -> FirstRunWizard:
    wizard = FirstRunWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    ime_type(wizard.town_page.town, "例示県つなぎ町")
    ime_type(wizard.town_page.user, "田中")
    wizard.next()
    for field in (wizard.passphrase_page.fields.first, wizard.passphrase_page.fields.second):
        ime_type(field, "山あいの町で春に咲く桜")
    wizard.button(QWizard.WizardButton.CommitButton).click()
    assert wizard.currentPage() is wizard.key_page
    return wizard


def test_first_run_warns_before_saving_the_recovery_sheet_on_a_stick(qtbot, ctx, tmp_path, monkeypatch):
    stick, documents = tmp_path / "stick", tmp_path / "documents"
    stick.mkdir(), documents.mkdir()
    monkeypatch.setattr(media, "removable_media", lambda: [media.Medium(stick, "TOWN-USB", True)])
    choices = iter([stick / "回復キー保管票.pdf", documents / "回復キー保管票.pdf"])
    monkeypatch.setattr(widgets, "ask_save_pdf", lambda parent, suggested: next(choices))
    wizard = walk_to_the_key_page(qtbot, ctx)
    store = wizard.created.store

    answers = Answers("別の場所を選ぶ")
    wizard.key_page.save_button.click()
    assert "USBメモリやバックアップと同じ場所" in answers.seen[0]
    assert not (stick / "回復キー保管票.pdf").exists()
    saved = documents / "回復キー保管票.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    assert [(r.action, r.file, r.medium) for r in ledger(store)] == [("pdf", saved.name, str(documents))]

    viewer = Viewer(works=True)
    monkeypatch.setattr(widgets, "QDesktopServices", viewer)
    wizard.key_page.print_button.click()
    assert len(viewer.opened) == 1 and viewer.opened[0].parent == print_folder.print_dir(ctx.data_dir)
    store.close()
    assert not viewer.opened[0].exists()


def test_settings_new_key_sheet_is_printed_and_saved_away_from_backups(qtbot, ctx, store, tmp_path,
                                                                      monkeypatch):  # fmt: skip
    from app.ui.settings.page import SettingsPage

    ctx.store = store
    backups, documents = tmp_path / "backups", tmp_path / "documents"
    backups.mkdir(), documents.mkdir()
    backup.create_backup(store, backups)
    viewer = Viewer(works=True)
    monkeypatch.setattr(widgets, "QDesktopServices", viewer)
    choices = iter([backups / "鍵.pdf", documents / "鍵.pdf"])
    monkeypatch.setattr(widgets, "ask_save_pdf", lambda parent, suggested: next(choices))
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    answers = Answers("はい", "保管票を印刷", "PDFとして保存", "別の場所を選ぶ", "OK")
    page.new_recovery_key()
    assert answers.pending == []
    assert "バックアップの保存先" in answers.seen[3]
    assert len(viewer.opened) == 1 and (documents / "鍵.pdf").exists() and not (backups / "鍵.pdf").exists()
    assert [r.action for r in ledger(store)] == ["backup", "pdf"]
