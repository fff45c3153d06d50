"""つなぐシート in the GUI: from a household with an intake, to an agency without consent; the consent
gate; 口頭 consent; print; 送付済; overdue on ホーム once the clock passes 返信期限; the reply; 完了."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.services.households import households
from app.services.referrals import agencies
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.referrals.dialogs import ConsentDialog, GateDialog, ReferralDialog, ReplyDialog
from app.ui.window.shell import Shell
from tests.ui.conftest import ime_type


def when_modal(kind, act, tries: int = 100) -> None:
    """Act on the next modal dialog of this kind once it is on screen (modal dialogs block the test)."""

    def poll(left=tries):
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind):
            try:
                act(widget)
            finally:
                if widget.isVisible():  # the act did not close it: close it, so the test fails, not hangs
                    QTimer.singleShot(500, lambda: widget.isVisible() and widget.reject())
        elif left:
            QTimer.singleShot(20, lambda: poll(left - 1))
        elif widget is not None:
            widget.reject()

    QTimer.singleShot(0, poll)


def test_referral_from_gate_to_reply(qtbot, ctx, monkeypatch):
    created = Store.create(
        ctx.data_dir, passphrase="合言葉です合言葉", user="田中", town="例示県つなぎ町", kdf=FAST
    )
    store = created.store
    from app.services.store import settings

    settings.save(store, {"town.department": "福祉課 重層支援係", "town.phone": "0858-00-1111"})
    hid = households.create_household(store, address="例示県つなぎ町大字本町1-2", phone="0858-12-3456")
    households.add_member(store, hid, {"name": "山田 太郎", "kana": "やまだ たろう", "birth_date": date(1944, 5, 1),
                                       "relation": "head", "sex": "male", "care_level": "care2"})  # fmt: skip
    son = households.add_member(store, hid, {"name": "山田 健", "kana": "やまだ けん", "birth_date": date(1973, 2, 3),
                                             "relation": "child", "sex": "male"})  # fmt: skip
    households.add_intake(store, hid, {"person_id": son, "received_on": date.today(), "received_by": "田中",
                                       "main_complaint": "父の介護で外に出られない", "background": "民生委員から相談",
                                       "response": "referral", "referred_to": "地域包括"})  # fmt: skip
    agency = agencies.save(store, {"name": "つなぎ町地域包括支援センター", "agency_type": "地域包括支援センター",
                                   "phone": "0858-22-3333"})  # fmt: skip
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(store)
    shell.show()
    shell.content.open_household(hid)
    detail = shell.content.page("世帯").detail

    dialog = ReferralDialog(ctx, detail.household, detail)
    qtbot.addWidget(dialog)
    assert dialog.fields["summary"].toPlainText() == "父の介護で外に出られない"  # pre-filled, not re-typed
    assert dialog.fields["person_id"].currentData() == son
    dialog.fields["agency_id"].setCurrentIndex(dialog.fields["agency_id"].findData(agency))
    ime_type(dialog.fields["request"], "介護保険サービスの調整をお願いします")

    printed = []
    monkeypatch.setattr("app.ui.common.widgets.open_pdf", printed.append)

    def consent_now(gate: GateDialog) -> None:
        assert not gate.options["support_meeting"].isEnabled()  # the centre is not a 支援会議 member
        assert set(gate.options) == {"support_meeting", "other_law", "emergency", "minimal"}

        def fill(consent: ConsentDialog) -> None:
            consent.fields["method"].setCurrentIndex(consent.fields["method"].findData("verbal"))
            consent.submit()

        when_modal(ConsentDialog, fill)
        gate.consent.click()

    when_modal(GateDialog, consent_now)
    dialog.print_sheet()
    assert len(printed) == 1
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(printed[0].read_bytes())).pages]
    for words in (
        "山田 健",
        "昭和48年2月3日",
        "例示県つなぎ町大字本町1-2",
        "父の介護で外に出られない",
        "本人同意",
        "口頭",
    ):
        assert words in pages[0], words
    assert "返信票" in pages[1] and "対応状況" in pages[1]

    dialog.actions["sent"].click()
    assert dialog.ref.state == "sent" and dialog.ref.reply_due == date.today() + timedelta(days=14)
    home = shell.content.page("ホーム")
    home.refresh()
    assert home.late == []

    ctx.today = lambda: date.today() + timedelta(days=15)  # the clock passes 返信期限
    home.refresh()
    assert [r.number for r in home.late] == [dialog.ref.number]
    assert home.overdue.item(0, 2).text() == "つなぎ町地域包括支援センター"

    def reply(r: ReplyDialog) -> None:
        r.received.set_date(
            date.today()
        )  # the returned 返信票 arrived today (the clock above is only moved for ホーム)
        ime_type(r.staff, "佐藤")
        r.status.setCurrentIndex(r.status.findData("in_progress"))
        ime_type(r.plan, "来週、本人宅を訪問します")
        r.submit()

    when_modal(ReplyDialog, reply)
    dialog._sync()
    dialog.actions["reply"].click()
    assert dialog.ref.state == "replied" and dialog.ref.reply_staff == "佐藤"
    dialog.actions["done"].click()
    assert dialog.ref.state == "done"
    home.refresh()
    assert home.late == []
    steps = [dialog.history.item(r, 2).text() for r in range(dialog.history.rowCount())]
    assert steps[0] == "作成"
    assert [s for s in steps if s in ("送付済", "返信受領", "完了")] == ["送付済", "返信受領", "完了"]
    assert any(s.startswith("情報提供の根拠: 本人同意") for s in steps)
    shell.lock()


def test_incoming_sheet_finds_the_known_family_or_registers_a_new_one(qtbot, ctx):
    from app.ui.referrals.dialogs import IncomingDialog

    created = Store.create(ctx.data_dir, passphrase="合言葉です合言葉", user="田中", kdf=FAST)
    store = created.store
    ctx.store = store
    hid = households.create_household(store, address="例示町1-1")
    households.add_member(
        store,
        hid,
        {"name": "鈴木 花子", "kana": "すずき はなこ", "birth_date": date(1950, 3, 3), "relation": "head"},
    )
    dialog = IncomingDialog(ctx)
    qtbot.addWidget(dialog)
    ime_type(dialog.kana, "ｽｽﾞｷ ﾊﾅｺ")
    ime_type(dialog.birth.edit, "S25.3.3")
    dialog.find()
    assert dialog.matches.count() == 1 and "同じ人の可能性" in dialog.matches.item(0).text()
    dialog.matches.setCurrentRow(0)
    dialog.attach()
    assert dialog.household_id == hid

    other = IncomingDialog(ctx)
    qtbot.addWidget(other)
    ime_type(other.name, "佐藤 一")
    ime_type(other.birth.edit, "S40.1.1")
    ime_type(other.address, "例示町2-2")
    other.find()
    assert other.matches.count() == 0
    other.create()
    assert other.household_id not in (None, hid)
    assert [m.name for m in households.open_household(store, other.household_id).members] == ["佐藤 一"]
    store.close()
