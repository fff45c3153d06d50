"""世帯 search with many matches (issue 25): the first rows and 「50 世帯以上（数えています）」 at once, the exact
count on the next turn of the event loop, and every match still reachable by scrolling, in find()'s order;
a search typed again before the count arrives never shows the old search's count; the keyboard works as
before."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from app.services.households import households, search
from app.ui.households.page import FIRST_ROWS
from tests.ui.conftest import ime_type

MANY = FIRST_ROWS + 25  # households in 本町: more than the first rows, fewer than two pages


@pytest.fixture
def page(shell):
    store = shell.ctx.store
    for i in range(MANY):
        hid = households.create_household(store, address=f"例示県つなぎ町大字本町{i + 1}番地")
        households.add_member(
            store,
            hid,
            {"name": f"山田 {i + 1}郎", "kana": "やまだ", "relation": "head", "birth_date": date(1950, 1, 1)},
        )
    hid = households.create_household(store, address="例示県つなぎ町大字駅前1番地")
    households.add_member(
        store,
        hid,
        {
            "name": "高橋 一郎",
            "kana": "たかはし いちろう",
            "relation": "head",
            "birth_date": date(1950, 5, 5),
        },
    )
    shell.content.nav.setCurrentRow(list(shell.content.by_name).index("世帯"))
    page = shell.content.page("世帯")
    page.show_list()
    return page


def _search(page, text: str) -> None:
    page.list.search.clear()
    ime_type(page.list.search, text)
    page.list.apply()  # what the debounce timer does 250 ms after the last key


def _every(page, text: str) -> list[int]:
    with page.ctx.store.session() as s:
        return search.find(s, text)


def test_many_matches_show_the_first_rows_then_the_count(qtbot, page):
    _search(page, "本町")
    model, count = page.list.model, page.list.count
    # At once: the first rows, and a count that is true but not yet exact.
    assert model.rowCount() == FIRST_ROWS and model.total is None
    assert count.text() == f"{FIRST_ROWS} 世帯以上（数えています）"
    assert [r.id for r in model.rows] == _every(page, "本町")[:FIRST_ROWS]
    # On the next turn of the event loop: the exact count, and every match to scroll to.
    qtbot.waitUntil(lambda: count.text() == f"{MANY} 世帯")
    assert model.total == MANY and model.ids == _every(page, "本町")
    while model.canFetchMore():
        page.list.table.scrollToBottom()
        qtbot.wait(10)
    assert [r.id for r in model.rows] == _every(page, "本町")


def test_scrolling_before_the_count_counts_at_once(qtbot, page):
    _search(page, "やまだ")
    model = page.list.model
    assert model.total is None and model.canFetchMore()
    model.fetchMore()  # the view asks for more rows before the count has come
    assert model.total == MANY and page.list.count.text() == f"{MANY} 世帯"
    assert [r.id for r in model.rows] == _every(page, "やまだ")[: FIRST_ROWS + 200]
    assert not model.canFetchMore()


def test_a_new_search_before_the_count_never_shows_the_old_count(qtbot, page):
    _search(page, "本町")
    assert page.list.model.total is None
    _search(page, "高橋")  # typed again before the event loop ran
    assert page.list.count.text() == "1 世帯"
    qtbot.wait(50)  # the event loop runs: the first search's counting is not done for it
    assert page.list.count.text() == "1 世帯" and page.list.model.total == 1
    _search(page, "該当なし")
    qtbot.wait(20)
    assert page.list.count.text() == "該当する世帯はありません"


def test_few_matches_are_counted_at_once(qtbot, page):
    _search(page, "たかはし")
    assert page.list.model.total == 1 and page.list.count.text() == "1 世帯"
    assert not page.list.model.canFetchMore()


def test_enter_in_the_search_box_works_as_before(qtbot, page):
    opened = []
    page.list.opened.connect(opened.append)
    ime_type(page.list.search, "本町")
    qtbot.keyClick(page.list.search, Qt.Key.Key_Return)  # many matches: the first row is selected
    assert not opened and page.window().focusWidget() is page.list.table
    assert page.list.table.currentIndex().row() == 0
    qtbot.waitUntil(lambda: page.list.count.text() == f"{MANY} 世帯")
    page.list.search.clear()
    ime_type(page.list.search, "たかはし")
    qtbot.keyClick(page.list.search, Qt.Key.Key_Return)  # one match: Enter opens it
    assert len(opened) == 1 and opened[0] == page.list.model.rows[0].id
