"""気づき in the GUI: a demo household's 8050 candidate on ホーム, dismissed with a reason, still dismissed
after a restart, and a new candidate when a different child qualifies."""

from __future__ import annotations

from datetime import date

from app.services.households import demo, households
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.households.flag_dialogs import ManualFlagDialog, ReasonDialog
from app.ui.window.shell import Shell
from tests.ui.conftest import ime_type

PASS = "合言葉です合言葉"


def _shell(qtbot, ctx, store) -> Shell:
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(store)
    shell.show()
    return shell


def test_8050_candidate_dismissed_stays_dismissed_and_a_new_child_is_new(qtbot, ctx):
    created = Store.create(ctx.data_dir, passphrase=PASS, user="田中", town="例示県つなぎ町", kdf=FAST)
    demo.populate(created.store, households=120, seed=1)
    shell = _shell(qtbot, ctx, created.store)
    home = shell.content.page("ホーム")
    eight_fifty = [(hid, code, f) for hid, code, f in home.open_flags if f.kind == "8050"]
    assert eight_fifty, "the demo town has 8050 households"
    hid, code, flag = eight_fifty[0]
    row = next(r for r in range(home.candidates.rowCount()) if home.candidates.item(r, 0).text() == code
               and home.candidates.item(r, 1).text() == "8050")  # fmt: skip
    assert "歳" in home.candidates.item(row, 2).text()  # the reason names the ages

    dialog = ReasonDialog(ctx, flag, home)
    qtbot.addWidget(dialog)
    dialog.submit()
    assert dialog.result() != dialog.DialogCode.Accepted and "理由" in dialog.error.text()
    ime_type(dialog.reason, "長男は家業を手伝っており、就労の記録が古かった")
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    home.refresh()
    assert all(f.id != flag.id for _h, _c, f in home.open_flags)

    # Restart: sign out, a new window, sign in again.
    shell.sign_out()
    shell.close()
    again = Shell(ctx)
    qtbot.addWidget(again)
    again.show_sign_in()
    ime_type(again.sign_in.passphrase, PASS)
    again.sign_in.submit()
    assert not again.locked
    home = again.content.page("ホーム")
    assert all(f.id != flag.id for _h, _c, f in home.open_flags)

    # A different child comes to qualify: a new candidate, while the dismissed pair stays dismissed.
    households.add_member(ctx.store, hid, {"name": "例示 次男", "kana": "れいじ じなん", "birth_date": date(1975, 1, 1),
                                           "relation": "child", "sex": "male", "work": "not_working", "marital": "single"})  # fmt: skip
    home.refresh()
    new = [f for h, _c, f in home.open_flags if h == hid and f.kind == "8050"]
    assert len(new) == 1 and new[0].id != flag.id

    again.content.open_household(hid)
    detail = again.content.page("世帯").detail
    states = {
        detail.flag_tab.table.item(r, 1).text()
        for r in range(detail.flag_tab.table.rowCount())
        if detail.flag_tab.table.item(r, 0).text().startswith("8050")
    }
    assert states == {"候補", "該当なし"}
    again.lock()


def test_manual_flags_from_the_detail_page(qtbot, ctx):
    created = Store.create(ctx.data_dir, passphrase=PASS, user="田中", town="例示町", kdf=FAST)
    store = created.store
    hid = households.create_household(store, address="例示町3-3")
    households.add_member(
        store,
        hid,
        {"name": "鈴木 一", "kana": "すずき はじめ", "birth_date": date(1990, 1, 1), "relation": "head"},
    )
    shell = _shell(qtbot, ctx, store)
    shell.content.open_household(hid)
    detail = shell.content.page("世帯").detail
    dialog = ManualFlagDialog(ctx, detail.household, detail)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("loneliness"))
    dialog.submit()
    assert "本人の言葉" in dialog.error.text()
    ime_type(dialog.note, "夜になるとひとりぼっちだと感じる")
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted
    detail.reload()
    assert (
        detail.flag_tab.table.item(0, 0).text() == "孤独（本人の言葉）" and detail.flag_tab.table.item(0, 1).text() == "確認済"
    )
    assert detail.flag_tab.table.item(0, 2).text() == "夜になるとひとりぼっちだと感じる"
    shell.lock()
