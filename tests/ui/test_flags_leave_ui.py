"""A candidate that no longer applies leaves ホーム's 候補 list by itself (issue 24): the son moves out
(同居 off in the member dialog, from the household screen), the 8050 row goes from ホーム without a
dismissal, the household's 気づき tab calls it 候補から外れた and offers no decision on it, its 変更履歴 says
so in words; back home,
it is a candidate again."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.services.flags import flag_review
from app.services.households import households
from app.ui.households.dialogs import MemberDialog


def _family(store) -> tuple[int, str, int]:
    hid = households.create_household(store, address="例示県つなぎ町大字本町3-3")
    households.add_member(store, hid, {"name": "山田 太郎", "kana": "やまだ たろう", "birth_date": date(1944, 5, 1),
                                       "relation": "head", "sex": "male"})  # fmt: skip
    son = households.add_member(store, hid, {"name": "山田 健", "kana": "やまだ けん", "birth_date": date(1973, 2, 3),
                                             "relation": "child", "sex": "male", "work": "not_working",
                                             "marital": "single"})  # fmt: skip
    return hid, households.open_household(store, hid).code, son


def _home_rows(shell, code: str) -> list[str]:
    content = shell.content
    content.nav.setCurrentRow(list(content.by_name).index("世帯"))  # from elsewhere, as a person comes back
    content.nav.setCurrentRow(list(content.by_name).index("ホーム"))
    home = content.page("ホーム")
    assert content.pages.currentWidget() is home
    table = home.candidates
    return [table.item(r, 1).text() for r in range(table.rowCount()) if table.item(r, 0).text() == code]


def _edit_son(qtbot, shell, hid: int, son: int, *, lives_here: bool) -> None:
    """Through the household screen: select the son, 編集, (un)tick 同居, 保存."""
    shell.content.open_household(hid)
    detail = shell.content.page("世帯").detail
    tab = detail.member_tab
    row = next(r for r in range(tab.table.rowCount()) if tab.table.item(r, 0).data(0x0100) == son)
    tab.table.selectRow(row)
    done = []

    def act():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, MemberDialog):
            QTimer.singleShot(20, act)
            return
        dialog.lives_here.setChecked(lives_here)
        dialog.submit()
        if dialog.isVisible():  # refused: close it, so the test fails instead of hanging
            dialog.done(0)
        done.append(dialog.result())

    QTimer.singleShot(0, act)
    tab.edit_member()
    assert done == [MemberDialog.DialogCode.Accepted]


def _flag_rows(shell) -> dict[str, str]:
    table = shell.content.page("世帯").detail.flag_tab.table
    return {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}


def test_a_candidate_that_stops_applying_leaves_home_by_itself(qtbot, ctx, shell):
    hid, code, son = _family(ctx.store)
    assert _home_rows(shell, code) == ["8050"]

    _edit_son(qtbot, shell, hid, son, lives_here=False)
    flags = _flag_rows(shell)
    assert flags["8050（今は該当しない）"] == flag_review.NO_LONGER_APPLIES
    # Nothing to decide about it: 確認する and 該当なし are off with it selected.
    tab = shell.content.page("世帯").detail.flag_tab
    row = next(r for r in range(tab.table.rowCount()) if tab.table.item(r, 0).text().startswith("8050"))
    tab.table.selectRow(row)
    assert not tab.buttons["confirm_flag"].isEnabled() and not tab.buttons["dismiss_flag"].isEnabled()
    # The 変更履歴 says, in words, what changed and that the candidate went with it.
    history = shell.content.page("世帯").detail.history_tab.table
    lines = [" ".join(history.item(r, c).text() for c in (2, 3)) for r in range(history.rowCount())]
    assert "世帯員 山田 健 変更：同居: はい → いいえ" in lines
    assert "気づき 8050 変更：今も判定に当てはまる: はい → いいえ" in lines
    assert _home_rows(shell, code) == ["独居高齢"]  # the father now lives alone: that one is new

    _edit_son(qtbot, shell, hid, son, lives_here=True)
    assert _flag_rows(shell)["8050"] == "候補"
    assert _home_rows(shell, code) == ["8050"]
