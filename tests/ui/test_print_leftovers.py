"""Acceptance: after printing five forms through the GUI and exiting (or being killed), no file outside the
data folder holds a member's name in UTF-8, UTF-16-LE or Shift_JIS; the PDFs that were shown were in
the data folder and are gone after the exit (after a kill: at the next start).

The PDFs embed a subset font, so a name inside them is glyph ids, not its bytes: the tests therefore also
follow the PDFs themselves (where they were written, that they held the name, that they are gone), and
prove the scan finds the name when it is there."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.services.store import print_folder
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.common.context import AppContext
from app.ui.window.shell import Shell
from tests.conftest import ROOT
from tests.ui.print_session import FORMS, NAME, PASSPHRASE, FakeViewer, populate, print_five

ENCODINGS = ("utf-8", "utf-16-le", "shift_jis")
# The whole name and each half: a form may print the family name alone.
NEEDLES = [part.encode(enc) for part in (NAME, *NAME.split()) for enc in ENCODINGS]
ENV_DIRS = ("TMPDIR", "TEMP", "TMP", "HOME", "USERPROFILE", "APPDATA", "LOCALAPPDATA", "XDG_CACHE_HOME",
            "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR")  # fmt: skip


def holding_the_name(*roots: Path) -> list[Path]:
    found = []
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = Path(folder, name)
                try:
                    data = path.read_bytes()
                except OSError:
                    continue
                if any(needle in data for needle in NEEDLES):
                    found.append(path)
    return found


def private_dirs(tmp_path: Path) -> dict[str, Path]:
    """A temp folder, a home and XDG folders of the test's own, outside the data folder."""
    dirs = {key: tmp_path / "user" / key.lower() for key in ENV_DIRS}
    for path in dirs.values():
        path.mkdir(parents=True, mode=0o700)
    return dirs


def test_the_scan_finds_the_name_in_every_encoding(tmp_path):
    for enc in ENCODINGS:
        (tmp_path / f"probe-{enc}.txt").write_bytes(f"氏名: {NAME}\n".encode(enc))
    (tmp_path / "other.txt").write_bytes("山田 太郎".encode("utf-16-le"))
    assert sorted(p.name for p in holding_the_name(tmp_path)) == sorted(f"probe-{e}.txt" for e in ENCODINGS)


def _texts(paths: list[Path]) -> list[str]:
    return ["".join(page.extract_text() for page in PdfReader(io.BytesIO(p.read_bytes())).pages) for p in paths]


def test_five_prints_then_exit_leave_no_name_outside_the_data_folder(qtbot, ctx, tmp_path, monkeypatch):
    dirs = private_dirs(tmp_path)
    for key, path in dirs.items():
        monkeypatch.setenv(key, str(path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # Python's temp folder from TMPDIR again
    monkeypatch.setattr("app.ui.common.widgets.QDesktopServices", FakeViewer)
    assert Path(tempfile.gettempdir()) == dirs["TMPDIR"]

    created = Store.create(ctx.data_dir, passphrase=PASSPHRASE, user="田中", town="例示県つなぎ町", kdf=FAST)
    hid = populate(created.store)
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(created.store)
    shell.show()
    shown = print_five(shell, hid)

    folder = print_folder.print_dir(ctx.data_dir)
    assert len(shown) == len(FORMS) and len(set(shown)) == len(FORMS)
    assert all(p.parent == folder and p.read_bytes().startswith(b"%PDF") for p in shown)
    texts = _texts(shown)
    assert all(NAME in text for text in texts), [t[:80] for t in texts]  # the name really was printed
    assert holding_the_name(*dirs.values()) == []

    shell.close()  # the normal way out: the window's close button
    assert ctx.store is None
    assert not folder.exists() and not any(p.exists() for p in shown)
    assert holding_the_name(*dirs.values()) == []
    # Nothing else the app keeps holds it in the clear either: the database and its WAL are encrypted.
    assert holding_the_name(ctx.data_dir) == []
    assert not [p for p in tmp_path.rglob("*.pdf")]


def test_killed_after_printing_the_next_start_removes_the_pdfs(qtbot, ctx, tmp_path):
    dirs = private_dirs(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSUNAGI_")}
    env.update({key: str(path) for key, path in dirs.items()})
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # passphrase-only, as run_cli does
    child = subprocess.run([sys.executable, "-m", "tests.ui.print_session", str(ctx.data_dir)], cwd=ROOT,
                           env=env, capture_output=True, text=True, encoding="utf-8", timeout=300)  # fmt: skip
    if hasattr(signal, "SIGKILL"):
        assert child.returncode == -signal.SIGKILL, child.stderr
    shown = [Path(p) for p in json.loads(child.stdout)]
    folder = print_folder.print_dir(ctx.data_dir)
    assert len(shown) == len(FORMS)
    # Killed: no clean-up ran, so the PDFs are still there, but only inside the data folder.
    assert all(p.parent == folder and p.is_file() for p in shown)
    assert holding_the_name(*dirs.values()) == []
    assert not [p for p in tmp_path.rglob("*.pdf") if p.parent != folder]

    from app.ui.main import start

    shell = start(AppContext(data_dir=ctx.data_dir, kdf=FAST, quiet=True))  # the next start: sign-in screen
    qtbot.addWidget(shell)
    assert not folder.exists()
    assert holding_the_name(tmp_path) == []
    shell.close()


@pytest.fixture(autouse=True)
def _no_stray_env(monkeypatch):
    # The child inherits os.environ; a data folder set for the whole run must not redirect it.
    monkeypatch.delenv("TSUNAGI_DATA_DIR", raising=False)
