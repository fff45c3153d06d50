"""Leaving 設定 with changes not saved asks first (issue 24): いいえ keeps the page and what was typed,
はい leaves it and nothing is stored; signing out asks the same; an untouched or saved page leaves at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services.store import settings as town_settings
from app.ui.common import unsaved
from tests.ui.conftest import SHELL_PASSPHRASE, ime_type

THRESHOLD = "flags.parent_min_age"


@pytest.fixture
def asked(monkeypatch):
    """Answers given in turn to 「保存せずに閉じますか」; each question is recorded with its parent."""
    answers: list[bool] = []
    questions: list = []

    def answer(parent):
        questions.append(parent)
        return answers.pop(0)

    monkeypatch.setattr(unsaved, "confirm_discard", answer)
    return answers, questions


def _click_row(qtbot, shell, name: str) -> None:
    nav = shell.content.nav
    item = nav.item(list(shell.content.by_name).index(name))
    nav.scrollToItem(item)
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(item).center())


def _on_screen(shell):
    return shell.content.pages.currentWidget()


def test_leaving_settings_with_a_changed_threshold_asks(qtbot, ctx, shell, asked):
    answers, questions = asked
    page = shell.content.page("設定")
    _click_row(qtbot, shell, "設定")
    assert _on_screen(shell) is page
    stored = town_settings.load(ctx.store)[THRESHOLD]
    spin = page.fields[THRESHOLD]
    spin.setValue(stored - 5)

    answers.append(False)  # いいえ: stay
    _click_row(qtbot, shell, "世帯")
    assert len(questions) == 1 and questions[0] is page
    assert _on_screen(shell) is page and spin.value() == stored - 5
    assert shell.content.nav.currentRow() == list(shell.content.by_name).index("設定")  # the column agrees
    assert town_settings.load(ctx.store)[THRESHOLD] == stored

    answers.append(True)  # はい: leave without saving
    _click_row(qtbot, shell, "世帯")
    assert len(questions) == 2 and _on_screen(shell) is shell.content.page("世帯")
    assert town_settings.load(ctx.store)[THRESHOLD] == stored

    # Back on 設定: what is in force, not what was thrown away; nothing typed, so leaving asks nothing.
    _click_row(qtbot, shell, "設定")
    assert spin.value() == stored
    _click_row(qtbot, shell, "ホーム")
    assert len(questions) == 2 and _on_screen(shell) is shell.content.page("ホーム")


def test_typed_text_counts_and_a_saved_page_leaves_without_a_question(qtbot, ctx, shell, asked):
    answers, questions = asked
    page = shell.content.page("設定")
    _click_row(qtbot, shell, "設定")
    ime_type(page.fields["town.coordinator"], "山田")
    answers.append(False)
    _click_row(qtbot, shell, "統計")
    assert _on_screen(shell) is page and page.fields["town.coordinator"].text() == "山田"

    page.save_button.click()
    assert page.status.text() == "保存しました"
    _click_row(qtbot, shell, "統計")
    assert len(questions) == 1 and _on_screen(shell) is shell.content.page("統計")
    assert town_settings.load(ctx.store)["town.coordinator"] == "山田"


def test_sign_out_with_unsaved_settings_asks(qtbot, ctx, shell, asked):
    answers, questions = asked
    page = shell.content.page("設定")
    _click_row(qtbot, shell, "設定")
    stored = town_settings.load(ctx.store)[THRESHOLD]
    page.fields[THRESHOLD].setValue(stored + 3)

    answers.append(False)  # いいえ: still signed in, on 設定, with the value
    shell.sign_out()
    assert len(questions) == 1 and not shell.locked and shell.content is not None
    assert _on_screen(shell) is page and page.fields[THRESHOLD].value() == stored + 3

    answers.append(True)  # はい: signed out, nothing stored
    shell.sign_out()
    assert len(questions) == 2 and shell.locked and shell.content is None
    ime_type(shell.sign_in.passphrase, SHELL_PASSPHRASE)
    shell.sign_in.submit()
    assert not shell.locked and town_settings.load(ctx.store)[THRESHOLD] == stored


def test_closing_the_window_with_changed_settings_asks(qtbot, ctx, shell, asked):
    answers, questions = asked
    page = shell.content.page("設定")
    _click_row(qtbot, shell, "設定")
    spin = page.fields[THRESHOLD]
    stored = spin.value()
    spin.setValue(stored - 3)
    answers.append(False)  # いいえ: the window stays, with what was typed
    assert not shell.close()
    assert len(questions) == 1 and shell.isVisible() and ctx.store is not None
    assert _on_screen(shell) is page and spin.value() == stored - 3
    spin.setValue(stored)  # back as saved: the test's own closing asks nothing
