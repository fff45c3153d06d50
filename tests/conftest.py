"""Shared fixtures: a real SQLCipher store in a temporary folder and an in-memory OS keyring."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring  # noqa: E402
import pytest  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from app.services.store.keyslots import FAST  # noqa: E402
from app.services.store.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# The contract's own worked example (shared/spec beside the checkout); a copy of it is kept in
# tests/fixtures/spec for a checkout that has no shared/ folder beside it.
SPEC = ROOT.parent / "shared" / "spec"
if not (SPEC / "households-example.json").exists():
    SPEC = ROOT / "tests" / "fixtures" / "spec"
EXAMPLE = SPEC / "households-example.json"
EXPECTED = SPEC / "households-example.expected.json"
PASSPHRASE = "山あいの町 2026 春"


class MemoryKeyring(KeyringBackend):
    """Stands in for Windows Credential Manager (Vorta's tests do the same)."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.items.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    from keyring.backends.fail import Keyring as FailKeyring

    keyring.set_keyring(FailKeyring())


def create_store_without_keyring(folder: Path) -> Store:
    """A store for a module-scoped fixture, made before the per-test in-memory keyring exists: the OS
    keyring is switched off while it is created, so no test touches the machine's own."""
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        return Store.create(folder, passphrase=PASSPHRASE, kdf=FAST).store
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def store_dir(tmp_path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def created(store_dir):
    created = Store.create(store_dir, passphrase=PASSPHRASE, user="tanaka", town="テスト町", kdf=FAST)
    yield created
    created.store.close()


@pytest.fixture
def store(created) -> Store:
    return created.store


def run_cli(*args: str, env: dict | None = None, data_dir: Path | None = None, input_text: str | None = None):
    """Run ``python -m app`` in a fresh process, as a user or another tool would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TSUNAGI_")}
    # No OS keyring in the child: the store runs passphrase-only, as on a machine without one.
    full_env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    if data_dir is not None:
        full_env["TSUNAGI_DATA_DIR"] = str(data_dir)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        encoding="utf-8",  # the CLI writes UTF-8 whatever the code page (app/console.py)
        env=full_env,
        cwd=ROOT,
        input=input_text,
        timeout=300,
    )


def small_disk(tmp_path: Path):
    """A real, small, empty disk for full-disk tests, as a generator for a fixture to ``yield from``: a
    24 MiB tmpfs mounted in ``tmp_path`` (Linux, as root), or on Windows the empty 24 MiB drive the
    Windows tier maps (``TSUNAGI_TEST_SMALL_DRIVE``, e.g. ``F:``), where it yields a fresh folder and
    empties it afterwards. Skips, saying why, where neither can be had."""
    if os.name == "nt":
        import shutil

        drive = os.environ.get("TSUNAGI_TEST_SMALL_DRIVE")
        if not drive:
            pytest.skip("no small drive on this PC (TSUNAGI_TEST_SMALL_DRIVE); the Windows tier maps one")
        folder = Path(drive.rstrip("\\") + "\\") / f"t{os.getpid()}-{tmp_path.name}"
        folder.mkdir()
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("a tmpfs cannot be mounted here (needs root); the simulated full-disk cases still run")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@contextmanager
def counted():
    """Transactions begun and commits made, by any session, while the block runs: an act is one of each."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    seen = {"begun": 0, "commits": 0}

    def begun(*_args):
        seen["begun"] += 1

    def committed(*_args):
        seen["commits"] += 1

    event.listen(Session, "after_begin", begun)
    event.listen(Session, "after_commit", committed)
    try:
        yield seen
    finally:
        event.remove(Session, "after_begin", begun)
        event.remove(Session, "after_commit", committed)

