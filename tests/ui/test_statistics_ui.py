"""The 統計 page: figures and charts on screen, and an Excel file holding the same numbers."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook
from PySide6.QtWidgets import QPushButton

from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.common.charts import BarChart
from app.ui.window.shell import Shell
from tests.test_statistics import populate


def test_screen_figures_charts_and_excel_agree(qtbot, ctx, tmp_path, monkeypatch):
    created = Store.create(
        ctx.data_dir, passphrase="合言葉です合言葉", user="田中", town="例示県つなぎ町", kdf=FAST
    )
    populate(created.store)
    ctx.today = lambda: date(2026, 11, 22)
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(created.store)
    shell.show()
    content = shell.content
    content.nav.setCurrentRow(list(content.by_name).index("統計"))
    page = content.page("統計")
    page.year.setCurrentIndex(page.year.findData(2025))
    summary = page.tables["summary"]
    shown = {summary.item(r, 0).text(): summary.item(r, 1).text() for r in range(summary.rowCount())}
    assert (
        shown["相談受付件数（延べ）"] == "4" and shown["相談受付の実人数"] == "4" and shown["新規世帯"] == "2"
    )
    charts = page.body.findChildren(BarChart)
    assert len(charts) == sum(1 for s in page.report.sections if s.chart)
    assert qtbot.screenshot(charts[0])  # it paints

    target = tmp_path / "統計.xlsx"
    monkeypatch.setattr(
        "app.ui.statistics.page.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), "")
    )
    page.findChild(QPushButton, "stats_xlsx").click()
    assert "保存しました" in page.message.text()
    rows = [
        r for r in load_workbook(target)["統計"].iter_rows(min_row=4, values_only=True) if r[2] is not None
    ]
    on_screen = []
    for section in page.report.sections:
        table = page.tables[section.key]
        on_screen += [(section.title, table.item(r, 0).text(), int(table.item(r, 1).text().replace(",", "")))
                      for r in range(table.rowCount())]  # fmt: skip
    assert [tuple(r) for r in rows] == on_screen

    page.half.setCurrentIndex(page.half.findData("first"))
    summary = page.tables["summary"]
    assert summary.item(0, 1).text() == "2"  # 上半期: two intakes


def test_program_workbook_button_saves_the_lines_on_screen(qtbot, ctx, tmp_path, monkeypatch):
    from sqlalchemy import select

    from app.models import MediaLog
    from app.services.statistics import statistics

    created = Store.create(
        ctx.data_dir, passphrase="合言葉です合言葉", user="田中", town="例示県つなぎ町", kdf=FAST
    )
    populate(created.store)
    ctx.today = lambda: date(2026, 11, 22)
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(created.store)
    shell.show()
    content = shell.content
    content.nav.setCurrentRow(list(content.by_name).index("統計"))
    page = content.page("統計")
    page.year.setCurrentIndex(page.year.findData(2025))
    target = tmp_path / "事業別.xlsx"
    monkeypatch.setattr(
        "app.ui.statistics.page.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), "")
    )
    page.findChild(QPushButton, "stats_program_xlsx").click()
    assert "保存しました" in page.message.text()
    book = load_workbook(target)
    for (_code, title, sections), sheet in zip(statistics.by_program(page.report), book.worksheets, strict=True):
        assert sheet.title == title
        rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
        header = next(i for i, r in enumerate(rows) if r[:3] == ("区分", "項目", "件数"))
        saved = [r[:3] for r in rows[header + 1 :] if r[2] is not None]
        on_screen = []
        for section in sections:
            table = page.tables[section.key]
            on_screen += [(section.title, table.item(r, 0).text(), int(table.item(r, 1).text().replace(",", "")))
                          for r in range(table.rowCount())]  # fmt: skip
        assert saved == on_screen
    with created.store.session() as s:  # recorded in the 持出し管理簿 like every export
        assert s.scalar(select(MediaLog.file).where(MediaLog.action == "export", MediaLog.file == target.name))
