"""The 実施計画 page: a new period, an item marked 記載済 with where it is written, a register row, an
indicator target, the checklist printed."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from app.services.program import program_plan
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.program.dialogs import BodyDialog, IndicatorDialog, ItemDialog, NewPeriodDialog
from app.ui.window.shell import Shell
from tests.ui.conftest import ime_type
from tests.ui.test_referrals_ui import when_modal


def test_period_item_register_indicator_and_print(qtbot, ctx, monkeypatch):
    created = Store.create(
        ctx.data_dir, passphrase="合言葉です合言葉", user="田中", town="例示県つなぎ町", kdf=FAST
    )
    store = created.store
    ctx.today = lambda: date(2026, 11, 22)
    printed = []
    monkeypatch.setattr("app.ui.common.widgets.open_pdf", printed.append)
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(store)
    shell.show()
    content = shell.content
    content.nav.setCurrentRow(list(content.by_name).index("実施計画"))
    page = content.page("実施計画")
    assert "まだ登録されていません" in page.summary.text()

    def new_period(dialog: NewPeriodDialog) -> None:
        dialog.first.setCurrentIndex(dialog.first.findData(2025))
        dialog.last.setCurrentIndex(dialog.last.findData(2027))
        dialog.submit()

    when_modal(NewPeriodDialog, new_period)
    page.buttons["new"].click()
    assert page.period.currentText() == "令和7〜9年度"
    assert page.checklist.rowCount() == len(program_plan.CHECKLIST)

    row = next(
        r
        for r in range(page.checklist.rowCount())
        if page.checklist.item(r, 1).text().startswith("重層的支援会議の実施方法")
    )
    page.checklist.selectRow(row)

    def mark(dialog: ItemDialog) -> None:
        dialog.status.setCurrentIndex(dialog.status.findData("written"))
        ime_type(dialog.location, "第4章 3 重層的支援会議")
        assert dialog.changing.isVisibleTo(dialog)  # a 必須 item
        dialog.submit()

    when_modal(ItemDialog, mark)
    page.buttons["edit_item"].click()
    assert (
        page.checklist.item(row, 2).text() == "記載済"
        and page.checklist.item(row, 3).text() == "第4章 3 重層的支援会議"
    )
    assert "記載済 1 /" in page.summary.text()

    def body(dialog: BodyDialog) -> None:
        dialog.submit()  # empty name: refused at the field
        assert dialog.form.errors["name"].text()
        ime_type(dialog.name, "つなぎ町地域包括支援センター")
        dialog.setup_form.setCurrentIndex(dialog.setup_form.findData("basic"))
        dialog.submit()

    when_modal(BodyDialog, body)
    page.buttons["add_body"].click()
    assert page.bodies.rowCount() == 1 and page.bodies.item(0, 2).text() == "基本型"

    page.tabs.setCurrentIndex(3)
    page.year.setCurrentIndex(page.year.findData(2026))
    r = next(
        r for r in range(page.indicators.rowCount()) if page.indicators.item(r, 0).text() == "相談受付件数"
    )
    page.indicators.selectRow(r)

    def target(dialog: IndicatorDialog) -> None:
        assert not dialog.actual.isEnabled()  # counted from the records
        dialog.target.setText("40")
        dialog.submit()

    when_modal(IndicatorDialog, target)
    page.buttons["edit_indicator"].click()
    assert page.indicators.item(r, 2).text() == "40件" and page.indicators.item(r, 4).text().startswith(
        "自動"
    )

    page.buttons["print"].click()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(printed[-1].read_bytes())).pages)
    assert "第4章3重層的支援会議" in text.replace(" ", "").replace("\n", "")
    assert "つなぎ町地域包括支援センター" in text
