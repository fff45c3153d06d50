"""Windows semantics (architecture.md, "Windows rules"), tested on every platform where they can be.

The bugs the Windows tier (scripts/windows-tier.sh: Wine, the Windows CPython, a Japanese user) found each
have a test here that failed there before the fix and runs on Linux too. The Windows-only paths — the
Credential Manager keyring, removable drives and volume serials through Win32 — are tested where they
exist and skip elsewhere, saying why."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app import console
from app.services.common import fileio
from app.services.store import backup, media
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from tests.conftest import PASSPHRASE, ROOT

WINDOWS_ONLY = pytest.mark.skipif(os.name != "nt", reason="a Windows-only path (Win32 API); the Windows tier runs it")


# --- durable copies and renames under Windows sharing rules -----------------------------------------


def test_copy_durably_copies_content_and_times(tmp_path):
    # Windows refuses fsync (FlushFileBuffers) on a handle opened for reading: the old copy_durably failed
    # there, and with it every safety copy, so every migration and every restore.
    src, dest = tmp_path / "元.db", tmp_path / "写し.db"
    src.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    past = time.time() - 86400
    os.utime(src, (past, past))
    fileio.copy_durably(src, dest)
    assert dest.read_bytes() == src.read_bytes()
    assert abs(dest.stat().st_mtime - past) < 2
    fileio.atomic_write_bytes(dest, b"renamed over the copy")  # closed: it can be replaced at once
    assert dest.read_bytes() == b"renamed over the copy"


def test_atomic_write_waits_out_a_reader_holding_the_file(tmp_path):
    # An antivirus scanner or the indexer opens a fresh file for a moment; Windows then refuses to
    # replace it. The write waits that out (bounded) instead of failing the save.
    path = tmp_path / "tsunagi.keys"
    path.write_bytes(b"old")
    holder = open(path, "rb")  # noqa: SIM115 (closed by the timer, as a scanner would)
    timer = threading.Timer(0.4, holder.close)
    timer.start()
    try:
        fileio.atomic_write_bytes(path, b"new")
    finally:
        timer.join()
        holder.close()
    assert path.read_bytes() == b"new"
    assert not list(tmp_path.glob(".*.tmp"))


def _sharing_violation() -> PermissionError:
    exc = PermissionError(13, "The process cannot access the file because it is being used by another process")
    exc.winerror = 32  # ERROR_SHARING_VIOLATION, as Windows reports it
    return exc


def test_sharing_violation_is_retried_then_reported(monkeypatch):
    calls = []

    def busy_twice():
        calls.append(time.monotonic())
        if len(calls) < 3:
            raise _sharing_violation()
        return "done"

    assert fileio._retry_sharing(busy_twice) == "done" and len(calls) == 3
    monkeypatch.setattr(fileio, "SHARING_RETRY_SECONDS", 0.2)
    started = time.monotonic()

    def always_busy():
        raise _sharing_violation()

    with pytest.raises(PermissionError):
        fileio._retry_sharing(always_busy)
    assert time.monotonic() - started < 2  # bounded: the coordinator hears about it, no hang

    def denied():  # a POSIX permission error (no winerror) is not a sharing violation: no wait
        raise PermissionError(13, "Permission denied")

    started = time.monotonic()
    with pytest.raises(PermissionError):
        fileio._retry_sharing(denied)
    assert time.monotonic() - started < 0.1


def test_restore_swaps_files_and_keeps_a_safety_copy(created, store_dir, tmp_path):
    # The restore path on Windows: safety copies (copy_durably), the journal, the renames of closed files.
    store = created.store
    usb = tmp_path / "USBメモリ"
    usb.mkdir()
    made = backup.create_backup(store, usb)
    store.close()
    restored = backup.restore(made.path, store_dir, passphrase=PASSPHRASE)
    restored.close()
    assert list((store_dir / "safety").rglob("tsunagi.db"))
    assert not (store_dir / "restore.pending").exists()
    Store.open(store_dir, passphrase=PASSPHRASE).close()


def test_backup_read_back_drops_the_os_cache(tmp_path):
    # The read-back must come from the stick, not from memory: fadvise on Linux, an unbuffered open
    # (which purges the file's cached pages) on Windows.
    path = tmp_path / "tsunagi-20260401-120000.tsbk"
    path.write_bytes(b"x" * 8192)
    if os.name != "nt" and not hasattr(os, "posix_fadvise"):
        pytest.skip("this platform has no way to drop a file's cache (macOS)")
    assert backup._drop_cache(path) is True
    assert path.read_bytes() == b"x" * 8192


# --- the console: UTF-8 whatever the code page, no prompt without a console ---------------------------


def _cli_bytes(*args: str, env: dict | None = None, stdin=None, timeout: float = 120):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TSUNAGI_")}
    full_env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True, env=full_env, cwd=ROOT, stdin=stdin, timeout=timeout,
    )  # fmt: skip


def test_cli_writes_utf8_to_a_pipe_whatever_the_code_page(tmp_path):
    # A PC whose code page is not 932 (the GitHub runner's cp1252, an English Windows) crashed with
    # UnicodeEncodeError on the first Japanese line; a Japanese PC wrote cp932 that UTF-8 readers garble.
    for encoding in ("cp1252", "cp932"):
        listed = _cli_bytes("print", "--list", env={"PYTHONIOENCODING": encoding})
        assert listed.returncode == 0, listed.stderr.decode("utf-8", "replace")
        assert "つなぐシート" in listed.stdout.decode("utf-8")
        refused = _cli_bytes("audit", "verify", env={"PYTHONIOENCODING": encoding, "TSUNAGI_DATA_DIR": str(tmp_path)},
                             stdin=subprocess.PIPE)  # fmt: skip
        assert refused.returncode == 2
        assert "パスフレーズ" in refused.stderr.decode("utf-8")


@pytest.mark.slow
def test_selftest_writes_utf8_to_a_pipe_whatever_the_code_page():
    done = _cli_bytes("--selftest", env={"PYTHONIOENCODING": "cp1252"}, timeout=300)
    text = done.stdout.decode("utf-8")
    assert done.returncode == 0, text + done.stderr.decode("utf-8", "replace")
    assert re.search(r"^OK {2}データ: ", text, re.M) and re.search(r"^OK {2}文字: ", text, re.M)


def test_no_prompt_when_stdin_is_nul(tmp_path):
    # A scheduled task (or `< NUL`) has NUL as stdin, which Windows counts as a character device: isatty()
    # said yes and getpass waited for ever. It must exit 2 with the Japanese hint instead.
    try:
        done = _cli_bytes("audit", "verify", env={"TSUNAGI_DATA_DIR": str(tmp_path)}, stdin=subprocess.DEVNULL, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the CLI waited at a passphrase prompt with stdin = NUL")
    assert done.returncode == 2
    assert "TSUNAGI_PASSPHRASE" in done.stderr.decode("utf-8")


def test_nul_and_pipes_are_not_interactive():
    with open(os.devnull) as nul:
        assert console.is_interactive(nul) is False
    read, write = os.pipe()
    try:
        with os.fdopen(read, closefd=False) as pipe:
            assert console.is_interactive(pipe) is False
    finally:
        os.close(read)
        os.close(write)
    assert console.is_interactive(None) is False


# --- the installer and the Windows build ----------------------------------------------------------


def test_every_installer_message_box_has_a_silent_default():
    # `uninstall.exe /S` (a script, a software-management tool) stopped at the closing message box.
    nsi = (ROOT / "installer" / "tsunagi.nsi").read_text(encoding="utf-8")
    boxes = [line for line in nsi.splitlines() if line.strip().startswith("MessageBox")]
    assert boxes, "the uninstaller tells the coordinator the data stays"
    for line in boxes:
        assert "/SD " in line, line


def test_windows_build_fails_on_a_failed_selftest():
    # PowerShell neither waits for a GUI-subsystem exe nor sets $LASTEXITCODE for one: a plain call
    # passed whatever the self-test found.
    ps1 = (ROOT / "installer" / "build-windows.ps1").read_text(encoding="utf-8")
    call = re.search(r"Start-Process[^\n]*tsunagi\.exe[^\n]*--selftest[^\n]*(?:`\n[^\n]*)*", ps1)
    assert call and "-Wait" in call.group(0) and "-PassThru" in call.group(0)
    assert re.search(r"\.ExitCode -ne 0\) \{ throw", ps1)
    assert not re.search(r"^\s*\.\\dist\\tsunagi\\tsunagi\.exe --selftest", ps1, re.M)
    workflow = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    assert "build-windows.ps1" in workflow and "exit $LASTEXITCODE" in workflow


# --- Windows-only paths: Credential Manager, removable drives ------------------------------------------


@WINDOWS_ONLY
def test_pc_secret_lives_in_windows_credential_manager(tmp_path):
    import keyring
    from keyring.backends.Windows import WinVaultKeyring

    from app.services.common.errors import PcSecretMissing
    from app.services.store.keyslots import KEYRING_SERVICE

    vault = WinVaultKeyring()
    assert vault.priority > 0, "Credential Manager is not usable here"
    previous = keyring.get_keyring()
    keyring.set_keyring(vault)
    folder = tmp_path / "つなぎ"
    name = None
    try:
        created = Store.create(folder, passphrase=PASSPHRASE, user="山田", town="例示町", kdf=FAST)
        assert created.pc_bound and created.keyring_notice() == ""
        name = f"store-{created.store.keyfile.store_id}"
        created.store.close()
        assert len(bytes.fromhex(vault.get_password(KEYRING_SERVICE, name))) == 32
        Store.open(folder, passphrase=PASSPHRASE).close()
        # The folder copied to another PC (no credential there): the passphrase alone does not open it,
        # the recovery key does.
        vault.delete_password(KEYRING_SERVICE, name)
        with pytest.raises(PcSecretMissing):
            Store.open(folder, passphrase=PASSPHRASE)
        Store.open(folder, recovery_key=created.recovery_key).close()
    finally:
        keyring.set_keyring(previous)
        if name and vault.get_password(KEYRING_SERVICE, name) is not None:
            vault.delete_password(KEYRING_SERVICE, name)


@WINDOWS_ONLY
def test_fixed_drives_are_not_offered_and_have_a_volume_serial():
    system = os.environ.get("SYSTEMDRIVE", "C:") + "\\"
    label, serial = media._windows_volume(system)
    assert re.fullmatch(r"[0-9A-F]{8}", serial)
    assert all(m.path != Path(system) for m in media.removable_media())


@WINDOWS_ONLY
def test_removable_drive_is_found_with_its_label_and_serial():
    # The Windows tier maps a folder as a removable drive with a label and serial (TSUNAGI_TEST_USB_DRIVE,
    # e.g. "D:|TSUNAGI-USB|1A2B3C4D"); on a real PC plug a stick in and set it the same way.
    spec = os.environ.get("TSUNAGI_TEST_USB_DRIVE")
    if not spec:
        pytest.skip("no removable drive named for the test (TSUNAGI_TEST_USB_DRIVE); the Windows tier sets one")
    letter, label, serial = spec.split("|")
    found = {str(m.path): m for m in media.removable_media()}
    root = letter.rstrip("\\") + "\\"
    assert root in found, found
    assert found[root].removable and found[root].label == f"{label}（シリアル {serial.upper()}）"
    target = Path(root) / "つなぎバックアップ"
    assert media.describe(target) == f"{label}（シリアル {serial.upper()}）（{target}）"


@WINDOWS_ONLY
def test_a_folder_outside_the_profile_is_told_apart(tmp_path):
    # Windows has no modes to set: the profile's ACL (this user, SYSTEM, Administrators) protects the data
    # folder, so a folder elsewhere (another drive, a stick, C:\ itself) must be recognised as unprotected.
    profile = Path(os.environ["USERPROFILE"])
    assert fileio.outside_profile(profile / "AppData" / "Local" / "Tsunagi") is False
    assert fileio.outside_profile(Path(str(profile).upper()) / "つなぎ") is False  # case does not matter
    assert fileio.outside_profile(Path(os.environ.get("SYSTEMDRIVE", "C:") + "\\") / "Tsunagi") is True
    assert fileio.outside_profile(profile.parent / (profile.name + "2") / "Tsunagi") is True  # a sibling, not a child
    if tmp_path.is_relative_to(profile):
        assert fileio.outside_profile(tmp_path) is False
