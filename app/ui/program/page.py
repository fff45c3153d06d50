"""実施計画: the required-items checklist of a plan period, the registers its items are written from, and
the indicators (actuals counted from the case data where the app holds them)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models import vocab
from app.services.catalog import print_catalog
from app.services.common.japanese import fiscal_year, format_fiscal_year, format_wareki
from app.services.program import program_plan
from app.ui.common.page import Page
from app.ui.common.widgets import enable, fill_table, heading, record_table, selected_data, show_print
from app.ui.program.dialogs import BodyDialog, IndicatorDialog, ItemDialog, NewPeriodDialog, SetupDialog

T = {
    "nav": "実施計画",
    "title": "重層的支援体制整備事業実施計画",
    "period": "計画期間(&K)",
    "new": "新しい計画期間…",
    "annual": "毎年の点検を記録",
    "optional": "任意事項の見直しを記録",
    "print": "チェックリストを印刷(&P)",
    "none": "計画期間がまだ登録されていません。「新しい計画期間…」から始めてください。",
    "summary": "記載済 {done} / {total} 項目　毎年の点検: {annual}　任意事項の見直し: {optional}",
    "never": "未実施",
    "checklist": "記載事項チェックリスト",
    "check_cols": ["区分", "項目", "状態", "記載箇所", "確認日"],
    "edit_item": "項目を確認・更新(&E)…",
    "bodies": "相談支援機関・拠点",
    "body_cols": ["名称", "分野", "設置形態", "箇所数", "運営", "委託先", "設置"],
    "add_body": "追加…",
    "edit_body": "編集…",
    "setups": "実施体制",
    "setup_cols": ["事業", "実施主体", "委託の有無", "委託先", "配置人数"],
    "edit_setup": "編集…",
    "indicators": "評価指標",
    "indicator_cols": ["指標", "基準値", "目標", "実績", "実績の出し方"],
    "year": "年度",
    "edit_indicator": "目標・実績を入力…",
}


class ProgramPage(Page):
    nav_label = T["nav"]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.period = QComboBox(objectName="program_period")
        self.period.currentIndexChanged.connect(lambda _i: self.show_plan())
        self.year = QComboBox(objectName="indicator_year")
        self.year.currentIndexChanged.connect(lambda _i: self._fill_indicators())
        self.summary = QLabel(objectName="hint")
        self.buttons = {}

        def button(key, slot):
            b = QPushButton(T[key], objectName=f"program_{key}")
            b.clicked.connect(slot)
            self.buttons[key] = b
            return b

        bar = QHBoxLayout()
        label = QLabel(T["period"])
        label.setBuddy(self.period)
        bar.addWidget(label)
        bar.addWidget(self.period)
        for key, slot in (("new", self.new_period), ("annual", lambda: self.review("annual")),
                          ("optional", lambda: self.review("optional")), ("print", self.print_checklist)):  # fmt: skip
            bar.addWidget(button(key, slot))
        bar.addStretch()
        self.checklist = record_table(T["check_cols"], "checklist")
        # The wording is long: the 項目 column takes the spare width and wraps, so 状態 stays in view.
        self.checklist.horizontalHeader().setStretchLastSection(False)
        self.checklist.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.checklist.setWordWrap(True)
        self.checklist.doubleClicked.connect(lambda _i: self.edit_item())
        self.bodies = record_table(T["body_cols"], "bodies")
        self.bodies.doubleClicked.connect(lambda _i: self.edit_body())
        self.setups = record_table(T["setup_cols"], "setups")
        self.setups.doubleClicked.connect(lambda _i: self.edit_setup())
        self.indicators = record_table(T["indicator_cols"], "indicators")
        self.indicators.doubleClicked.connect(lambda _i: self.edit_indicator())
        self.tabs = QTabWidget()

        def tab(table, keys, extra=()):
            page = QWidget()
            lay = QVBoxLayout(page)
            row = QHBoxLayout()
            for widget in extra:
                row.addWidget(widget)
            for key, slot in keys:
                row.addWidget(button(key, slot))
            row.addStretch()
            lay.addLayout(row)
            lay.addWidget(table)
            return page

        self.tabs.addTab(tab(self.checklist, (("edit_item", self.edit_item),)), T["checklist"])
        self.tabs.addTab(tab(self.bodies, (("add_body", lambda: self.edit_body(new=True)), ("edit_body", self.edit_body))),
                         T["bodies"])  # fmt: skip
        self.tabs.addTab(tab(self.setups, (("edit_setup", self.edit_setup),)), T["setups"])
        self.tabs.addTab(tab(self.indicators, (("edit_indicator", self.edit_indicator),), (QLabel(T["year"]), self.year)),
                         T["indicators"])  # fmt: skip
        layout = QVBoxLayout(self)
        layout.addWidget(heading(T["title"]))
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)

    # --- filling ----------------------------------------------------------------------------------

    def refresh(self, keep: int | None = None) -> None:
        store = self.ctx.require_store()
        keep = keep or self.period.currentData()
        self.period.blockSignals(True)
        self.period.clear()
        for plan in program_plan.plans(store):
            self.period.addItem(program_plan.period_name(plan), plan.id)
        if keep is not None and self.period.findData(keep) >= 0:
            self.period.setCurrentIndex(self.period.findData(keep))
        self.period.blockSignals(False)
        self.show_plan()

    def show_plan(self) -> None:
        store = self.ctx.require_store()
        plan_id = self.period.currentData()
        for key in ("annual", "optional", "print", "edit_item", "edit_indicator"):
            enable(self.buttons[key], plan_id is not None, "先に年度の実施計画を作ってください")
        if plan_id is None:
            self.summary.setText(T["none"])
            fill_table(self.checklist, [])
            self.plan = None
        else:
            self.plan = plan = program_plan.get(store, plan_id)
            done = sum(1 for i in plan.items if i.status == "written")
            self.summary.setText(T["summary"].format(
                done=done, total=len(plan.items),
                annual=format_wareki(plan.annual_checked_on) if plan.annual_checked_on else T["never"],
                optional=format_wareki(plan.optional_reviewed_on) if plan.optional_reviewed_on else T["never"]))  # fmt: skip
            fill_table(self.checklist, [[program_plan.GROUP[i.code], program_plan.TEXT[i.code],
                                         vocab.CHECK_STATUS.get(i.status, "") + ("（変わる見込み）" if i.changing else ""),
                                         i.location, format_wareki(i.checked_on) if i.checked_on else ""]
                                        for i in plan.items], [i.id for i in plan.items])  # fmt: skip
            self.checklist.resizeRowsToContents()
            years = list(range(plan.first_fy, plan.last_fy + 1))
            current = min(max(fiscal_year(self.ctx.today()), plan.first_fy), plan.last_fy)
            self.year.blockSignals(True)
            self.year.clear()
            for fy in years:
                self.year.addItem(format_fiscal_year(fy), fy)
            self.year.setCurrentIndex(years.index(current))
            self.year.blockSignals(False)
        self.body_rows = program_plan.bodies(store)
        fill_table(self.bodies, [[b.name, b.field, vocab.SETUP_FORM.get(b.form, ""), str(b.places),
                                  vocab.OPERATION.get(b.operation, ""), b.contractor, "○" if b.active else "廃止"]
                                 for b in self.body_rows], [b.id for b in self.body_rows])  # fmt: skip
        self.setup_rows = program_plan.setups(store)
        fill_table(self.setups, [[vocab.PROGRAM[code], p.body, "委託" if p.outsourced else "直営", p.contractor,
                                  "" if p.staff is None else f"{p.staff}人"] for code, p in self.setup_rows.items()],
                   list(self.setup_rows))  # fmt: skip
        self._fill_indicators()

    def _fill_indicators(self) -> None:
        if self.plan is None or self.year.currentData() is None:
            fill_table(self.indicators, [])
            self.lines = []
            return
        self.lines = program_plan.indicator_lines(self.ctx.require_store(), self.plan.id, self.year.currentData(),
                                                  self.ctx.today())  # fmt: skip

        def n(value, unit=""):
            return "" if value is None else f"{value:,}{unit}"

        fill_table(self.indicators, [[i.label, n(i.baseline, i.unit) + (f"（{format_fiscal_year(i.baseline_fy)}）"
                                                                         if i.baseline_fy and i.baseline is not None else ""),
                                      n(i.target, i.unit), n(i.actual, i.unit), i.source] for i in self.lines],
                   [i.id for i in self.lines])  # fmt: skip

    # --- actions ----------------------------------------------------------------------------------

    def new_period(self) -> None:
        plans = program_plan.plans(self.ctx.require_store())
        start = plans[0].last_fy + 1 if plans else fiscal_year(self.ctx.today())
        dialog = NewPeriodDialog(self.ctx, self, start)
        if dialog.exec():
            self.refresh(dialog.plan_id)

    def review(self, kind: str) -> None:
        if self.plan is not None:
            program_plan.record_review(self.ctx.require_store(), self.plan.id, kind, self.ctx.today())
            self.refresh()

    def edit_item(self) -> None:
        item_id = selected_data(self.checklist)
        item = next((i for i in self.plan.items if i.id == item_id), None) if self.plan else None
        if item is not None and ItemDialog(self.ctx, item, self).exec():
            self.refresh()

    def edit_body(self, new: bool = False) -> None:
        body = None if new else next((b for b in self.body_rows if b.id == selected_data(self.bodies)), None)
        if (new or body is not None) and BodyDialog(self.ctx, self, body).exec():
            self.refresh()

    def edit_setup(self) -> None:
        code = selected_data(self.setups)
        if code is not None and SetupDialog(self.ctx, self.setup_rows[code], self).exec():
            self.refresh()

    def edit_indicator(self) -> None:
        line = next((i for i in self.lines if i.id == selected_data(self.indicators)), None)
        if line is not None and IndicatorDialog(self.ctx, line, self.year.currentData(), self).exec():
            self._fill_indicators()

    def checklist_print(self):
        request = print_catalog.Request(record_id=self.plan.id, on=self.ctx.today(),
                                        options={"fy": self.year.currentData()})  # fmt: skip
        return print_catalog.produce(self.ctx.require_store(), "program", request)

    def print_checklist(self) -> None:
        if self.plan is not None:
            show_print(self, self.ctx.require_store(), self.checklist_print())
