"""Everything the app writes is readable by this user only — under umask 022 too (issue 19).

POSIX: 0600 files, 0700 folders, set explicitly (not through the umask). Windows: the data folder is
in the user's profile, whose ACL applies; ``fileio.outside_profile`` says when a folder is not."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.services.common.errors import WrongSecret
from app.services.common.fileio import atomic_write_bytes, outside_profile
from app.services.store import attempts, backup, folder_lock
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes; Windows relies on the profile's ACL")


@pytest.fixture(autouse=True)
def umask_022():
    previous = os.umask(0o022)  # what most desktops and shells use: world-readable by default
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _loose(root: Path) -> list[str]:
    """Everything under ``root`` (itself included) that another user could read."""
    paths = [root, *root.rglob("*")]
    return [f"{p} {oct(_mode(p))}" for p in paths if _mode(p) & 0o077]


def test_store_backup_restore_and_exports_are_this_users_only(tmp_path):
    folder = tmp_path / "data" / "tsunagi"
    created = Store.create(folder, passphrase=PASSPHRASE, user="tanaka", town="例示町", kdf=FAST)
    store = created.store
    store.set_setting("town.name", "例示町")  # the WAL and its index exist now
    assert (folder / "tsunagi.db-wal").exists() and (folder / "tsunagi.db-shm").exists()
    store.safety_copy("test")
    usb = tmp_path / "usb"
    usb.mkdir()
    made = backup.create_backup(store, usb).path
    export = tmp_path / "exports" / "households.json"
    export.parent.mkdir()
    atomic_write_bytes(export, b"{}")  # the one writer every export (JSON, Excel, PDF saved as) goes through
    store.close()
    with pytest.raises(WrongSecret):
        Store.open(folder, passphrase="ちがう")  # leaves the failed-sign-in queue and the counter behind
    assert (folder / attempts.ATTEMPTS_NAME).exists() and (folder / folder_lock.LOCK_NAME).exists()
    assert (folder / "failed-unlocks.log").exists()
    restored = backup.restore(made, tmp_path / "restored", passphrase=PASSPHRASE)
    restored.close()

    assert _loose(folder) == []
    assert _loose(tmp_path / "restored") == []
    assert _mode(made) == 0o600 and _mode(export) == 0o600


def test_a_store_left_world_readable_by_an_older_version_is_tightened_at_open(store, store_dir):
    store.close()
    store_dir.chmod(0o755)
    for path in store_dir.iterdir():
        path.chmod(0o755 if path.is_dir() else 0o644)
    Store.open(store_dir, passphrase=PASSPHRASE).close()
    assert _loose(store_dir) == []


def test_outside_profile_is_only_a_windows_question(tmp_path):
    assert outside_profile(tmp_path) is False  # POSIX: the modes above do the job
