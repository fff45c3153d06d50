"""Slow work runs off the GUI thread: the event loop keeps turning (the window paints) while it runs, the
caller still gets the result or the error, and input typed meanwhile does not reach a page half-way
through its refresh."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from app.services.common.errors import TsunagiError
from app.services.store import settings as town_settings
from app.ui.common.slow import run_quietly, run_slow


def _ticks_during(act) -> tuple[object, int]:
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    try:
        result = act()
    finally:
        timer.stop()
    return result, len(ticks)


def _slow_answer(thread_names: list[str]):
    thread_names.append(threading.current_thread().name)
    time.sleep(0.4)
    return 42


def test_run_slow_keeps_the_loop_turning_and_returns_the_result(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    names: list[str] = []
    result, ticks = _ticks_during(
        lambda: run_slow(window, "つなぎ", "確かめています…", lambda _p: _slow_answer(names))
    )
    assert result == 42
    assert names and names[0] != threading.main_thread().name
    assert ticks >= 10  # 400 ms of work, a 10 ms timer: the GUI thread was free (it would be 0 if blocked)


def test_run_slow_raises_the_works_error_on_the_gui_thread(qtbot):
    window = QWidget()
    qtbot.addWidget(window)

    def fail(_progress):
        raise TsunagiError("パスフレーズが違います")

    with pytest.raises(TsunagiError, match="パスフレーズが違います"):
        run_slow(window, "つなぎ", "確かめています…", fail)


def test_run_quietly_keeps_the_loop_turning_and_returns_the_result(qtbot):
    # (Input from the window system waits meanwhile, by Qt's ExcludeUserInputEvents; a test cannot send
    # such input, only events posted straight to a widget, which that flag lets through.)
    names: list[str] = []
    result, ticks = _ticks_during(lambda: run_quietly(lambda: _slow_answer(names)))
    assert result == 42
    assert names and names[0] != threading.main_thread().name
    assert ticks >= 10


def test_home_reads_off_the_gui_thread(qtbot, shell, monkeypatch):
    from app.ui.home.page import HomePage

    names: list[str] = []
    real_read = HomePage._read

    def spying_read(self, *args):
        names.append(threading.current_thread().name)
        return real_read(self, *args)

    monkeypatch.setattr(HomePage, "_read", spying_read)
    home = shell.content.page("ホーム")
    home.refresh()
    assert names == ["tsunagi-read"]
    assert home.households.text()  # and the figures were shown from what it read


def test_sign_in_checks_the_passphrase_off_the_gui_thread(qtbot, shell, monkeypatch):
    from app.services.store import store as store_module

    names: list[str] = []
    real_open = store_module.Store.open

    def spying_open(*args, **kwargs):
        names.append(threading.current_thread().name)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(store_module.Store, "open", spying_open)
    shell.lock()
    from tests.ui.conftest import SHELL_PASSPHRASE

    shell.sign_in.passphrase.setText(SHELL_PASSPHRASE)
    shell.sign_in.submit()
    assert not shell.locked
    assert names == ["tsunagi-slow-work"]


def test_a_new_threshold_re_evaluates_every_household_off_the_gui_thread(qtbot, ctx, shell, monkeypatch):
    """Saving a changed flag threshold in 設定 runs the full re-evaluation (every household) in a worker."""
    from app.services.flags import flag_review

    names: list[str] = []
    real_refresh_all = flag_review.refresh_all

    def spying_refresh_all(store, *args, **kwargs):
        names.append(threading.current_thread().name)
        return real_refresh_all(store, *args, **kwargs)

    monkeypatch.setattr(flag_review, "refresh_all", spying_refresh_all)
    page = shell.content.page("設定")
    spin = page.fields["flags.parent_min_age"]
    spin.setValue(spin.value() - 5)
    page.save()
    assert names == ["tsunagi-slow-work"]
    assert town_settings.load(ctx.store)["flags.parent_min_age"] == spin.value()
