"""The sign-in window comes up before the store layer loads, and the store layer loads while it waits
(issue 25): started as `python -m app` starts it, in a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.services.store.keyslots import FAST, KeyFile
from app.services.store.layout import KEYS_NAME
from app.services.store.store import Store
from app.ui.common.context import AppContext
from app.ui.window.sign_in import known_users

ROOT = Path(__file__).resolve().parents[2]
STORE_LAYER = ("sqlalchemy", "alembic", "cryptography", "keyring", "app.models", "app.services.store.store")

# Runs app.ui.main.run with an event loop that stops at the first paint (as bench/probe.py does) and
# notes what is loaded then.
CHILD = f"""
import json, os, sys
from pathlib import Path
from PySide6.QtCore import QEventLoop
from app.ui.main import run

STORE_LAYER = {STORE_LAYER!r}

def loop(app, shell):
    seen = {{}}
    shell.painted.connect(lambda: seen.update(
        painted=[m for m in STORE_LAYER if m in sys.modules], users=shell.sign_in.user.count()))
    while not seen:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    print(json.dumps(seen), flush=True)
    os._exit(0)  # (the store layer is loading in a worker thread by now)

run(Path(sys.argv[1]), loop=loop)
"""


def _fake_store(folder: Path) -> None:
    """What start() looks at before the window shows: the database's name and the key file's users."""
    folder.mkdir(parents=True)
    (folder / "tsunagi.db").write_bytes(b"")
    slots = [{"kind": "passphrase", "user": "田中"}, {"kind": "recovery", "user": ""}]
    (folder / KEYS_NAME).write_text(json.dumps({"slots": slots}), encoding="utf-8")


def test_the_sign_in_window_is_painted_before_the_store_layer_loads(tmp_path):
    folder = tmp_path / "tsunagi"
    _fake_store(folder)
    env = dict(
        os.environ, QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring"
    )
    out = subprocess.run([sys.executable, "-c", CHILD, str(folder)], capture_output=True, text=True, cwd=ROOT,
                         env=env, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["painted"] == []
    assert seen["users"] == 1  # the users were read from the key file without the key slots' module


def test_the_signed_in_screen_is_built_once_the_sign_in_window_is_painted(qtbot, ctx):
    from app.ui.window.shell import Shell

    Store.create(ctx.data_dir, passphrase="合言葉です合言葉", user="田中", kdf=FAST).store.close()
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.show_sign_in()
    assert shell._spare is None  # nothing more before the window is on screen
    ready: list[bool] = []
    shell.ready.connect(lambda: ready.append(True))
    with qtbot.waitSignal(shell.painted, timeout=10_000):
        shell.show()
    qtbot.waitUntil(lambda: bool(ready), timeout=30_000)  # the store layer, then the pages one by one
    assert shell._spare is not None and shell.stack.currentWidget() is shell.sign_in
    assert shell._spare.by_name["ホーム"] is not None  # the first page too, in a step of its own


def test_a_text_field_built_behind_the_sign_in_window_still_leaves_on_tab(qtbot, app):
    """The app-wide filters stand aside while a step builds (each event of a page being built cost a call
    into Python); a text field polished meanwhile gets from conduct.adopt what the filter would have done,
    and the filters are back once the step is over."""
    from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

    from app.ui.common import slow
    from app.ui.window.shell import building

    filters = [ref() for ref in slow._APP_FILTERS if ref() is not None]
    assert filters  # the conduct rules, installed with the application
    with building() as built:
        page = built(QWidget())
        text = QPlainTextEdit()
        QVBoxLayout(page).addWidget(text)
        assert slow.run_quietly(lambda: "read") == "read"  # a wait within: the filters stay aside after it
        text.ensurePolished()  # the polish the filter would have seen
        assert not text.tabChangesFocus()
    qtbot.addWidget(page)
    assert text.tabChangesFocus()
    later = QPlainTextEdit()  # built after the step: the filter itself is back
    qtbot.addWidget(later)
    later.ensurePolished()
    assert later.tabChangesFocus()


def test_the_sign_in_list_of_users_is_the_key_files(tmp_path):
    folder = tmp_path / "tsunagi"
    created = Store.create(folder, passphrase="合言葉です合言葉", user="田中", kdf=FAST)
    created.store.add_user("佐藤", "別の合言葉です合言葉", kdf=FAST)
    created.store.close()
    assert (
        known_users(AppContext(data_dir=folder)) == KeyFile.load(folder / KEYS_NAME).users == ["田中", "佐藤"]
    )
    (folder / KEYS_NAME).write_text("{", encoding="utf-8")  # damaged: no one listed, signing in says why
    assert known_users(AppContext(data_dir=folder)) == []
