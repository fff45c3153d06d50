"""GUI test helpers: Japanese typed through the input method, as a real IME delivers it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from app.services.keyslots import FAST
from app.ui.context import AppContext
from app.ui.main import build_application


def ime_type(widget, text: str) -> None:
    """Commit ``text`` into ``widget`` like an IME does (qtbot.keyClicks aborts on non-ASCII)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def app(qapp):
    return build_application([])


@pytest.fixture
def ctx(tmp_path, app) -> AppContext:
    return AppContext(data_dir=tmp_path / "tsunagi", kdf=FAST, delay_base_s=0.05, quiet=True)
