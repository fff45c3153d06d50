"""GUI test helpers: Japanese typed through the input method, as a real IME delivers it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from app.services.store import attempts
from app.services.store.keyslots import FAST
from app.ui.common.context import AppContext
from app.ui.main import build_application


def ime_type(widget, text: str) -> None:
    """Commit ``text`` into ``widget`` like an IME does (qtbot.keyClicks aborts on non-ASCII)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


@pytest.fixture(autouse=True)
def _delete_closed_widgets(qapp):
    """Delete the widgets earlier tests closed (pytest-qt's deleteLater only posts the deletion, which
    no event loop runs between tests): left alive, every window of the session stays styled and
    filtered, and each test's set-up grows slower (a minute per test after a few dozen, under Wine too)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    yield


@pytest.fixture(autouse=True)
def _discard_when_asked(monkeypatch):
    """A dialog closed with typed input asks first; tests that close one mean it (the tests of the
    question itself answer it their own way)."""
    from app.ui.common import unsaved

    monkeypatch.setattr(unsaved, "confirm_discard", lambda _parent: True)


@pytest.fixture
def app(qapp):
    return build_application([])


@pytest.fixture
def ctx(tmp_path, app, monkeypatch) -> AppContext:
    monkeypatch.setattr(attempts, "BASE_S", 0.05)  # the sign-in wait after 5 failures, shortened
    return AppContext(data_dir=tmp_path / "tsunagi", kdf=FAST, quiet=True)


SHELL_PASSPHRASE = "合言葉です合言葉"


@pytest.fixture
def shell(qtbot, ctx):
    """The main window signed in as 田中 on a new store (a test module may define its own)."""
    from app.services.store.store import Store
    from app.ui.window.shell import Shell

    created = Store.create(ctx.data_dir, passphrase=SHELL_PASSPHRASE, user="田中", town="例示県つなぎ町", kdf=FAST)
    window = Shell(ctx)
    qtbot.addWidget(window)
    window.enter(created.store)
    window.show()
    yield window
    if not window.locked:
        window.lock()
