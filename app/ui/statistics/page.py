"""統計: the numbers of a fiscal year or half-year, as tables and bar charts, printed or saved as CSV
and Excel. The screen, the PDF and the files are all made from one computed report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.catalog import print_catalog
from app.services.common.japanese import fiscal_year, format_fiscal_year, format_wareki
from app.services.program import program_plan
from app.services.statistics import statistics
from app.ui.common.charts import BarChart
from app.ui.common.lazy import lazy_import
from app.ui.common.page import Page
from app.ui.common.widgets import fill_table, heading, record_table, show_print

statistics_export = lazy_import("app.services.statistics.statistics_export")  # ReportLab/openpyxl load on first use

T = {
    "nav": "統計",
    "title": "統計",
    "year": "年度(&Y)",
    "half": "期間",
    "whole": "年度全体",
    "print": "レポートを印刷(&P)",
    "csv": "CSVに保存…",
    "xlsx": "Excelに保存(&X)…",
    "program_xlsx": "事業別実績をExcelに保存(&W)…",
    "program_file": "事業別実績",
    "span": "{span}　（返信期限の超過は{as_of}時点）",
    "saved": "保存しました: {path}",
    "cols": ["項目", "件数"],
}


class StatisticsPage(Page):
    nav_label = T["nav"]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.report: statistics.Report | None = None
        self.year = QComboBox(objectName="stats_year")
        self.half = QComboBox(objectName="stats_half")
        self.half.addItem(T["whole"], None)
        for code, word in statistics.HALVES.items():
            self.half.addItem(word, code)
        self.year.currentIndexChanged.connect(lambda _i: self.compute())
        self.half.currentIndexChanged.connect(lambda _i: self.compute())
        self.span = QLabel(objectName="hint")
        self.message = QLabel(objectName="hint")
        bar = QHBoxLayout()
        year_label = QLabel(T["year"])
        year_label.setBuddy(self.year)
        bar.addWidget(year_label)
        bar.addWidget(self.year)
        bar.addWidget(QLabel(T["half"]))
        bar.addWidget(self.half)
        bar.addStretch()
        for key, slot in (("print", self.print_report), ("csv", self.save_csv), ("xlsx", self.save_xlsx),
                          ("program_xlsx", self.save_program_xlsx)):  # fmt: skip
            b = QPushButton(T[key], objectName=f"stats_{key}")
            b.clicked.connect(slot)
            bar.addWidget(b)
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(T["title"]))
        layout.addLayout(bar)
        layout.addWidget(self.span)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        self.tables: dict[str, object] = {}

    def refresh(self) -> None:
        if self.year.count() == 0:
            current = fiscal_year(self.ctx.today())
            self.year.blockSignals(True)
            for fy in range(current, current - 6, -1):
                self.year.addItem(format_fiscal_year(fy), fy)
            self.year.blockSignals(False)
        self.compute()

    def compute(self) -> None:
        if self.ctx.store is None or self.year.currentData() is None:
            return
        period = statistics.Period.of(self.year.currentData(), self.half.currentData())
        self.report = statistics.compute(self.ctx.require_store(), period, self.ctx.today())
        self.span.setText(T["span"].format(span=period.span, as_of=format_wareki(self.report.as_of)))
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)  # gone now, not at the next turn of the event loop
                widget.deleteLater()
        self.tables = {}
        # Laid out by 事業 from statistics.by_program, as the 事業別 実績 workbook is: the same lines in both.
        row = 0
        for _code, program, sections in statistics.by_program(self.report):
            if not sections:
                continue
            self.grid.addWidget(heading(program), row, 0, 1, 2)
            row += 1
            for section in sections:
                title = QLabel(section.title, objectName="subheading")
                table = record_table(T["cols"], f"stats_{section.key}")
                fill_table(table, [[label, f"{value:,}"] for label, value in section.rows])
                whole = table.horizontalHeader().sizeHint().height() + table.verticalHeader().length() + 4
                table.setFixedHeight(min(whole, 440))  # the whole section at once; the page scrolls
                self.tables[section.key] = table
                self.grid.addWidget(title, row, 0, 1, 2)
                self.grid.addWidget(table, row + 1, 0)
                if section.chart:
                    self.grid.addWidget(BarChart(section.rows), row + 1, 1)
                elif section.note:
                    note = QLabel(section.note, objectName="hint")
                    note.setWordWrap(True)
                    self.grid.addWidget(note, row + 1, 1)
                row += 2
        self.grid.setColumnStretch(0, 2)
        self.grid.setColumnStretch(1, 3)

    def _suggested(self, suffix: str) -> str:
        return f"統計_{self.report.period.label.replace(' ', '_')}.{suffix}"

    def print_report(self) -> None:
        if self.report is None:
            return
        store = self.ctx.require_store()
        request = print_catalog.Request(on=self.ctx.today(),
                                        options={"fy": self.year.currentData(), "half": self.half.currentData()})
        show_print(self, store, print_catalog.produce(store, "statistics", request))

    def _ask(self, suffix: str, kind: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, f"{kind}として保存", self._suggested(suffix), f"{kind} (*.{suffix})"
        )
        return Path(name) if name else None

    def save_csv(self) -> None:
        path = self._ask("csv", "CSV")
        if path and self.report:
            saved = statistics_export.write_csv(self.report, path, self.ctx.require_store())
            self.message.setText(T["saved"].format(path=saved))

    def save_xlsx(self) -> None:
        path = self._ask("xlsx", "Excel")
        if path and self.report:
            saved = statistics_export.write_xlsx(self.report, path, self.ctx.require_store())
            self.message.setText(T["saved"].format(path=saved))

    def save_program_xlsx(self) -> None:
        if self.report is None:
            return
        name = f"{T['program_file']}_{self.report.period.label.replace(' ', '_')}.xlsx"
        chosen, _ = QFileDialog.getSaveFileName(self, "Excelとして保存", name, "Excel (*.xlsx)")
        if not chosen:
            return
        store = self.ctx.require_store()
        saved = statistics_export.write_program_workbook(
            self.report, program_plan.bodies(store), program_plan.setups(store), Path(chosen), store,
            made_on=self.ctx.today(),
        )  # fmt: skip
        self.message.setText(T["saved"].format(path=saved))
