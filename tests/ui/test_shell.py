"""The shell as the coordinator meets it: first run, sign-in, lock, unlock, recovery, idle lock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from sqlalchemy import select

from app.models import AuditEntry
from app.services.store.store import Store
from app.ui.window.first_run import FirstRunWizard
from app.ui.window.recovery import RecoveryDialog
from app.ui.window.shell import Shell
from app.ui.window.sign_in import FAILURES_BEFORE_DELAY
from tests.ui.conftest import ime_type

PASS = "山あいの町で春に咲く桜"
NEW_PASS = "回復後の新しい合言葉"


def walk_wizard(qtbot, ctx) -> FirstRunWizard:
    wizard = FirstRunWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    ime_type(wizard.town_page.town, "例示県つなぎ町")
    ime_type(wizard.town_page.user, "田中")
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    fields = wizard.passphrase_page.fields
    ime_type(fields.first, PASS)
    ime_type(fields.second, PASS + "x")
    wizard.button(QWizard.WizardButton.CommitButton).click()
    assert wizard.currentPage() is wizard.passphrase_page  # mismatch: stays, says why at the field
    assert "一致しません" in fields.error.text()
    fields.second.clear()
    ime_type(fields.second, PASS)
    wizard.button(QWizard.WizardButton.CommitButton).click()
    assert wizard.currentPage() is wizard.key_page
    key = wizard.created.recovery_key
    assert wizard.key_page.key.text().replace("\n", " ") == " ".join(key.split("-")[:5]) + " " + " ".join(
        key.split("-")[5:]
    )
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()  # not before the key is kept safe
    wizard.key_page.stored.setChecked(True)
    assert finish.isEnabled()
    finish.click()
    return wizard


def sign_in(qtbot, shell: Shell, passphrase: str) -> None:
    ime_type(shell.sign_in.passphrase, passphrase)
    qtbot.keyClick(shell.sign_in.passphrase, Qt.Key.Key_Return)


def test_first_run_sign_out_sign_in_lock_unlock_and_recovery(qtbot, ctx):
    wizard = walk_wizard(qtbot, ctx)
    recovery_key = wizard.created.recovery_key
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(wizard.created.store)
    shell.show()
    assert shell.content.isVisible()
    assert shell.content.user_label.text() == "田中 さん"

    shell.sign_out()
    assert ctx.store is None and shell.content is None
    sign_in(qtbot, shell, PASS)
    assert ctx.store is not None and shell.content.isVisible()

    # Half-typed text on the settings page survives a lock.
    shell.content.nav.setCurrentRow(shell.content.nav.count() - 1)
    town = shell.content.page("設定").fields["town.name"]
    town.clear()
    ime_type(town, "書きかけの町")
    shell.activateWindow()
    qtbot.waitUntil(shell.isActiveWindow)
    qtbot.keyClick(town, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert shell.locked and ctx.store is None
    assert not shell.content.isVisible()
    assert shell.sign_in.title.text() == "ロック中です"
    sign_in(qtbot, shell, PASS)
    assert not shell.locked
    assert town.text() == "書きかけの町"
    qtbot.waitUntil(town.hasFocus)  # once the window is active again after the sign-in's progress bar

    # Forgotten passphrase: recovery key, then a new passphrase.
    shell.sign_out()
    dialog = RecoveryDialog(ctx, shell)
    qtbot.addWidget(dialog)
    ime_type(dialog.key, recovery_key.lower())
    ime_type(dialog.fields.first, NEW_PASS)
    ime_type(dialog.fields.second, NEW_PASS)
    dialog.submit()
    assert dialog.store is not None and dialog.store.actor == "田中"
    shell.enter(dialog.store)
    shell.sign_out()
    sign_in(qtbot, shell, PASS)
    assert shell.locked and "パスフレーズが違います" in shell.sign_in.error.text()
    shell.sign_in.passphrase.clear()
    sign_in(qtbot, shell, NEW_PASS)
    assert not shell.locked

    with ctx.store.session() as s:
        actions = [a for (a,) in s.execute(select(AuditEntry.action).order_by(AuditEntry.id))]
    assert actions.count("unlock_failed") == 1
    assert actions.count("lock") >= 3 and actions.count("unlock") >= 4


def test_wrong_recovery_key_is_explained_at_the_field(qtbot, ctx):
    wizard = walk_wizard(qtbot, ctx)
    wizard.created.store.close()
    dialog = RecoveryDialog(ctx)
    qtbot.addWidget(dialog)
    ime_type(dialog.key, "0000-0000-0000")
    ime_type(dialog.fields.first, NEW_PASS)
    ime_type(dialog.fields.second, NEW_PASS)
    dialog.submit()
    assert dialog.store is None and "回復キーの形式" in dialog.key_error.text()


def test_repeated_failures_make_the_user_wait_longer(qtbot, ctx):
    walk_wizard(qtbot, ctx).created.store.close()
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.show_sign_in()
    shell.show()
    for _ in range(FAILURES_BEFORE_DELAY):
        shell.sign_in.passphrase.clear()
        sign_in(qtbot, shell, "ちがうパスフレーズ")
    assert not shell.sign_in.button.isEnabled()
    assert "お待ちください" in shell.sign_in.wait.text()
    qtbot.waitUntil(lambda: shell.sign_in.button.isEnabled(), timeout=5000)
    # The wrong text comes back selected: what is typed next replaces it.
    assert shell.sign_in.passphrase.selectedText() == shell.sign_in.passphrase.text() != ""
    shell.sign_in.passphrase.clear()
    sign_in(qtbot, shell, PASS)
    assert not shell.locked


def test_idle_lock_drops_keys_hides_data_and_keeps_typing(qtbot, ctx):
    ctx.idle_ms = 300
    wizard = walk_wizard(qtbot, ctx)
    store = wizard.created.store
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(store)
    shell.show()
    shell.content.nav.setCurrentRow(shell.content.nav.count() - 1)
    coordinator = shell.content.page("設定").fields["town.coordinator"]
    coordinator.clear()
    ime_type(coordinator, "途中まで入力")
    qtbot.waitUntil(lambda: shell.locked, timeout=5000)
    assert ctx.store is None and not shell.content.isVisible()
    with pytest.raises(Exception, match="ロック中"):
        store.counts()  # the old handle has no key any more
    sign_in(qtbot, shell, PASS)
    assert not shell.locked and coordinator.text() == "途中まで入力"


def test_settings_are_validated_at_the_field_and_audited(qtbot, ctx):
    wizard = walk_wizard(qtbot, ctx)
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(wizard.created.store)
    page = shell.content.page("設定")
    shell.content.nav.setCurrentRow(shell.content.nav.count() - 1)
    page.fields["town.name"].setText("町" * 101)
    page.save()
    assert "100文字以内" in page.errors["town.name"].text()
    page.fields["town.name"].clear()
    ime_type(page.fields["town.name"], "新しい町")
    page.fields["ui.font_pt"].setValue(14)
    page.save()
    assert page.errors["town.name"].text() == "" and page.status.text() == "保存しました"
    assert shell.font().pointSize() == 14 or page.font().pointSize() == 14
    with ctx.store.session() as s:
        targets = [t for (t,) in s.execute(select(AuditEntry.target).where(AuditEntry.action == "settings"))]
    assert {"town.name", "ui.font_pt"} <= set(targets)


def test_demo_data_lives_in_its_own_store(qtbot, ctx):
    from app.ui.main import open_demo

    real = ctx.data_dir
    wizard = FirstRunWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.welcome.demo_button.click()
    assert wizard.demo_requested
    store = open_demo(ctx)
    try:
        assert ctx.is_demo and ctx.data_dir != real and not real.exists()
        assert store.counts()["households"] > 0
        shell = Shell(ctx)
        qtbot.addWidget(shell)
        shell.enter(store)
        assert "デモ" in shell.windowTitle() and shell.content.banner.isVisibleTo(shell)
    finally:
        store.close()
    # Opening it again signs straight into the same demo store.
    again = open_demo(ctx)
    assert isinstance(again, Store) and again.counts()["households"] > 0
    again.close()
