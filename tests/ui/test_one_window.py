"""The window's side of issue 19: one window per data folder, a lock that always locks (full disk,
another writer), the sign-in wait that survives a restart, and a backup of another store."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import AuditEntry
from app.services.common.errors import WrongSecret
from app.services.store import attempts, backup, folder_lock
from app.services.store import store as store_module
from app.services.store.keyslots import FAST
from app.services.store.store import Store, connect
from app.ui.window.shell import Shell
from app.ui.window.single_instance import claim
from tests.conftest import ROOT, small_disk
from tests.ui.conftest import ime_type

PASS = "山あいの町で春に咲く桜"


def _shell(qtbot, ctx, store: Store | None = None) -> Shell:
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    if store is None:
        shell.show_sign_in()
    else:
        shell.enter(store)
    shell.show()
    return shell


def _sign_in(qtbot, shell: Shell, passphrase: str) -> None:
    from PySide6.QtCore import Qt

    shell.sign_in.passphrase.clear()
    ime_type(shell.sign_in.passphrase, passphrase)
    qtbot.keyClick(shell.sign_in.passphrase, Qt.Key.Key_Return)


def _audit_actions(store: Store) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _child_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSUNAGI_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return env


# --- one window per data folder ----------------------------------------------------------------------


def test_a_second_window_brings_the_first_to_the_front_and_touches_nothing(qtbot, ctx, monkeypatch):
    Store.create(ctx.data_dir, passphrase=PASS, user="田中", kdf=FAST).store.close()
    monkeypatch.setitem(folder_lock._role, "role", "gui")
    claimed = claim(ctx.data_dir)
    assert claimed.instance is not None and claimed.instance.listening
    try:
        shell = _shell(qtbot, ctx)
        shell.showMinimized()
        rang = []
        claimed.instance.raise_requested.connect(lambda: rang.append(True))
        shown = ctx.data_dir / "print" / "世帯票-H-0001.pdf"  # a PDF the first window is showing
        shown.parent.mkdir()
        shown.write_bytes(b"%PDF-1.4")
        second = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(ctx.data_dir)], cwd=ROOT,
                                  env=_child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        qtbot.waitUntil(lambda: bool(rang), timeout=60_000)
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=30_000)
        assert second.returncode == 0, second.stderr.read()
        assert not shell.isMinimized()
        assert shown.exists()  # the second start cleared nothing of the first's
    finally:
        claimed.instance.close()


def test_a_window_is_refused_while_a_command_holds_the_folder(ctx, tmp_path):
    Store.create(ctx.data_dir, passphrase=PASS, user="田中", kdf=FAST).store.close()
    script = tmp_path / "holder.py"
    script.write_text(textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from app.services.store import folder_lock
        folder_lock.set_role("cli", "restore")
        lease = folder_lock.acquire({str(ctx.data_dir)!r})
        print("ready", flush=True)
        time.sleep(600)
    """), encoding="utf-8")  # fmt: skip
    holder = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        refused = claim(ctx.data_dir)
        assert refused.instance is None and not refused.raised
        assert "コマンド restore" in str(refused.refused) and f"PID {holder.pid}" in str(refused.refused)
    finally:
        holder.kill()
        holder.wait()
    again = claim(ctx.data_dir)
    assert again.instance is not None
    again.instance.close()


# --- the lock always locks -----------------------------------------------------------------------------


def _assert_locked(shell: Shell, ctx, store: Store) -> None:
    assert shell.locked and ctx.store is None
    assert not shell.content.isVisible() and shell.stack.currentWidget() is shell.sign_in
    assert store._data_key is None
    with pytest.raises(Exception, match="ロック中"):
        store.counts()


def _lock_queued(folder: Path) -> bool:
    """The lock's audit row is waiting for the next sign-in (in the side file, or in memory when even
    that could not be written)."""
    log = folder / store_module.FAILED_LOG
    in_file = log.exists() and '"action": "lock"' in log.read_text(encoding="utf-8")
    in_memory = any(e.get("action") == "lock" for e in store_module._pending.get(folder_lock.folder_key(folder), []))
    return in_file or in_memory


def test_auto_lock_with_another_writer_holding_the_database_locks(qtbot, ctx):
    ctx.idle_ms = 300
    store = Store.create(ctx.data_dir, passphrase=PASS, user="田中", kdf=FAST).store
    shell = _shell(qtbot, ctx, store)
    writer = connect(store.db_path, store._key())  # another program, mid-write, for as long as it likes
    writer.isolation_level = None
    writer.execute("BEGIN IMMEDIATE")
    try:
        qtbot.waitUntil(lambda: shell.locked, timeout=10_000)
        _assert_locked(shell, ctx, store)
        assert _lock_queued(ctx.data_dir)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    _sign_in(qtbot, shell, PASS)
    assert not shell.locked
    assert "lock" in _audit_actions(ctx.store)  # queued at the time, written at this sign-in


def test_auto_lock_when_the_audit_write_fails_locks_and_the_row_comes_later(qtbot, ctx, monkeypatch):
    """The full disk of the next test, simulated (runs where no tmpfs can be mounted)."""
    import sqlcipher3

    ctx.idle_ms = 300
    store = Store.create(ctx.data_dir, passphrase=PASS, user="田中", kdf=FAST).store
    shell = _shell(qtbot, ctx, store)

    def disk_full(*_a, **_k):
        raise sqlcipher3.dbapi2.OperationalError("database or disk is full")

    monkeypatch.setattr(store_module, "_record_lock", disk_full)
    qtbot.waitUntil(lambda: shell.locked, timeout=10_000)
    _assert_locked(shell, ctx, store)
    assert _lock_queued(ctx.data_dir)
    monkeypatch.undo()
    _sign_in(qtbot, shell, PASS)
    assert "lock" in _audit_actions(ctx.store)


@pytest.fixture
def tiny_disk(tmp_path):
    # A 24 MiB tmpfs here, or the Windows tier's 24 MiB drive under Wine (tests/conftest.py).
    yield from small_disk(tmp_path)


def test_auto_lock_on_a_really_full_disk_locks(qtbot, ctx, tiny_disk):
    ctx.data_dir = tiny_disk / "tsunagi"
    ctx.idle_ms = 60_000
    store = Store.create(ctx.data_dir, passphrase=PASS, user="田中", kdf=FAST).store
    shell = _shell(qtbot, ctx, store)
    with connect(store.db_path, store._key()) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the lock's row needs fresh space
    filler = tiny_disk / "filler"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    shell.idle.start(200)
    qtbot.waitUntil(lambda: shell.locked, timeout=10_000)
    _assert_locked(shell, ctx, store)
    assert _lock_queued(ctx.data_dir)  # the row could not be written: it waits (in memory, the disk is full)
    filler.unlink()
    _sign_in(qtbot, shell, PASS)
    assert not shell.locked
    assert "lock" in _audit_actions(ctx.store)
    ctx.store.close()


# --- the sign-in wait survives a restart -----------------------------------------------------------


def test_the_sign_in_wait_is_still_there_after_a_restart(qtbot, ctx, monkeypatch):
    Store.create(ctx.data_dir, passphrase=PASS, user="田中", kdf=FAST).store.close()
    monkeypatch.setattr(attempts, "BASE_S", 30.0)
    for _ in range(attempts.FREE):  # another run of the app (or the CLI) failed five times
        with pytest.raises(WrongSecret):
            Store.open(ctx.data_dir, passphrase="ちがう", user="田中")
    shell = _shell(qtbot, ctx)  # a fresh window
    assert not shell.sign_in.button.isEnabled() and "お待ちください" in shell.sign_in.wait.text()


# --- a backup of another store --------------------------------------------------------------------


def test_restoring_another_stores_backup_needs_its_own_yes(qtbot, ctx, tmp_path):
    store = Store.create(ctx.data_dir, passphrase=PASS, user="田中", town="うちの町", kdf=FAST).store
    theirs = Store.create(tmp_path / "theirs", passphrase=PASS, user="田中", town="隣の町", kdf=FAST).store
    usb = tmp_path / "usb"
    usb.mkdir()
    foreign = backup.create_backup(theirs, usb).path
    theirs.close()
    shell = _shell(qtbot, ctx, store)
    page = shell.content.page("バックアップ")
    secret = {"passphrase": PASS, "user": "田中"}
    assert not page.restore_from(Path(foreign), secret)
    assert "別のデータ" in page.error.text() and ctx.store.setting("town.name") == "うちの町"
    assert page.restore_from(Path(foreign), secret, allow_other_store=True)
    assert ctx.store.setting("town.name") == "隣の町"
    ctx.store.close()
