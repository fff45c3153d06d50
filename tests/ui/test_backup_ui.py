"""バックアップ page: write a backup with progress, see it in the 持出し記録, restore it, and the
reminders on ホーム."""

from __future__ import annotations

from datetime import date

from app.services.households import households
from app.services.store import backup
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.window.shell import Shell

PASS = "合言葉です合言葉"


def _record_progress(monkeypatch) -> tuple[list[str], set[str]]:
    """What the progress window said, in order, and the threads the work reported from (the window itself
    closes when the work is done)."""
    import threading

    import app.ui.backup.page as backup_page

    shown: list[str] = []
    threads: set[str] = set()
    real = backup_page.run_slow

    def recording(parent, title, label, work):
        def watched(progress):
            def report(done, total, what):
                shown.append(what)
                threads.add(threading.current_thread().name)
                progress(done, total, what)

            return work(report)

        return real(parent, title, label, watched)

    monkeypatch.setattr(backup_page, "run_slow", recording)
    return shown, threads


def test_backup_and_restore_from_the_page(qtbot, ctx, tmp_path, monkeypatch):
    created = Store.create(ctx.data_dir, passphrase=PASS, user="田中", town="例示町", kdf=FAST)
    store = created.store
    hid = households.create_household(store, address="例示町1")
    households.add_member(
        store,
        hid,
        {"name": "山田 花子", "kana": "やまだ はなこ", "birth_date": date(1950, 1, 1), "relation": "head"},
    )
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(store)
    shell.show()
    home = shell.content.page("ホーム")
    assert home.backup_notice.isVisibleTo(shell) and "まだバックアップ" in home.backup_notice.text()
    assert shell.backup_due()

    page = shell.content.page("バックアップ")
    shell.content.nav.setCurrentRow(list(shell.content.by_name).index("バックアップ"))
    usb = tmp_path / "usb"
    usb.mkdir()
    page.dest.setEditText(str(usb))
    shown, threads = _record_progress(monkeypatch)
    assert page.run_backup()
    assert threads == {"tsunagi-slow-work"}  # the backup ran off the GUI thread
    assert {
        "保存先に書き込んでいます",
        "書き込んだファイルを読み戻しています",
        "データベースの全ページを確かめています",
    } <= set(shown)
    path = page.last_result.path
    assert page.last.text().startswith("最後のバックアップ: 令和") and page.last.text().endswith("（今日）")
    assert path.exists() and page.log.rowCount() == 1 and page.log.item(0, 5).text() == "正常"
    assert not shell.backup_due()
    home.refresh()
    assert not home.backup_notice.isVisibleTo(shell)

    households.create_household(store, address="復元で消える世帯")  # made after the backup
    assert ctx.store.counts()["households"] == 2
    shown.clear()
    assert page.restore_from(path, {"passphrase": PASS, "user": "田中"})
    assert {
        "バックアップを読み込んでいます",
        "データベースの全ページを確かめています",
        "復元しました",
    } <= set(shown)
    assert ctx.store is not None and ctx.store.counts()["households"] == 1
    assert shell.content.isVisible()
    restored_log = backup.media_log(ctx.store)
    assert [e.action for e in restored_log][:1] == ["restore"]
    # The backup's own 持出し記録 row came after the backup itself: kept across the restore.
    assert [e.action for e in restored_log].count("backup") == 1
    assert list((ctx.data_dir / "safety").iterdir())  # the replaced data was kept
    assert "退避してあります" in page.restored_text and str(ctx.data_dir / "safety") in page.restored_text
    page = shell.content.page("バックアップ")  # the pages were built afresh on the restored data
    page.refresh()
    home = shell.content.page("ホーム")
    home.refresh()
    assert "まだバックアップ" not in home.backup_notice.text()

    # Asked again: the question shows both sides and what is lost, with いいえ as the default.
    asked = {}

    def answer(box):
        asked["text"] = box.text() + "\n" + box.informativeText()
        asked["default"] = box.defaultButton().text()
        return box.defaultButton()

    monkeypatch.setattr(page, "_ask", answer)
    households.create_household(ctx.store, address="また後から")
    assert not page.restore_from(path)  # いいえ: nothing happens
    assert asked["default"] == "いいえ"
    assert "世帯 1 件" in asked["text"] and "世帯 2 件" in asked["text"] and "失われます" in asked["text"]
    assert "令和" in asked["text"] and ctx.store.counts()["households"] == 2
    shell.lock()


def test_a_wrong_secret_changes_nothing_and_returns_to_sign_in(qtbot, ctx, tmp_path):
    created = Store.create(ctx.data_dir, passphrase=PASS, user="田中", kdf=FAST)
    store = created.store
    households.create_household(store, address="例示町1")
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(store)
    page = shell.content.page("バックアップ")
    usb = tmp_path / "usb"
    usb.mkdir()
    page.dest.setEditText(str(usb))
    assert page.run_backup()
    assert not page.restore_from(page.last_result.path, {"passphrase": "ちがう合言葉"})
    assert shell.locked and "パスフレーズが違います" in page.error.text()
    again = Store.open(ctx.data_dir, passphrase=PASS)
    assert again.counts()["households"] == 1
    again.close()


def test_a_long_backup_keeps_the_screen_unlocked_and_any_failure_closes_the_window(
    qtbot, ctx, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QProgressDialog

    ctx.idle_ms = 1_000  # the auto-lock would fire half-way through the slow backup below
    store = Store.create(ctx.data_dir, passphrase=PASS, user="田中", kdf=FAST).store
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(store)
    page = shell.content.page("バックアップ")
    page.dest.setEditText(str(tmp_path))

    def slow_then_broken(store, dest, *, progress, **_kw):
        for i in range(15):
            qtbot.wait(150)
            progress(i, 15, "保存先に書き込んでいます")
        raise RuntimeError("想定外")

    monkeypatch.setattr(backup, "create_backup", slow_then_broken)
    shell.keep_awake()  # (building the pages took a moment; the idle time starts now)
    assert not page.run_backup()
    assert not shell.locked
    # What failed and its type — never the exception's text, which may hold personal data (issue 19).
    assert "予期しないエラー" in page.error.text() and "RuntimeError" in page.error.text()
    assert "想定外" not in page.error.text()
    assert not any(d.isVisible() for d in page.findChildren(QProgressDialog))
    shell.lock()
