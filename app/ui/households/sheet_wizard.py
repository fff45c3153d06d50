"""Taking in the town's sheets (.xlsx, .csv): three steps in one window.

1. ファイル — what the sheet holds (世帯員の一覧, 相談受付, 訪問), the file, and the template to fill.
2. 列の対応 — each column of the sheet and the field it goes to, proposed from the header words and
   from the last import; the coordinator can change any of them.
3. 確認 — every row: the household it joins, or each problem at its cell. Nothing is written until
   取り込む, and then all rows or none. A household JSON file goes to the JSON import dialog instead.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.common.errors import InvalidInput
from app.services.sheets import casework, mapping, people, table, template
from app.services.sheets.table import cell_text
from app.ui.common.slow import run_slow
from app.ui.common.widgets import ErrorLabel

T = {
    "title": "表（Excel・CSV）から取り込む",
    "steps": ["1. ファイルを選ぶ", "2. 列の対応を確かめる", "3. 内容を確かめて取り込む"],
    "kind": "表の種類",
    "kinds": {"people": "世帯員の一覧（1行に1人）", "intakes": "過去の相談受付", "visits": "過去の訪問"},
    "file": "ファイル",
    "choose": "ファイルを選ぶ…",
    "choose_title": "取り込むファイルを選ぶ",
    "filter": "表・世帯 JSON (*.xlsx *.csv *.json);;Excel (*.xlsx);;CSV (*.csv);;世帯 JSON (*.json)",
    "template": "ひな形を保存…",
    "template_title": "ひな形の保存先",
    "template_name": "つなぎ_取り込みひな形_{kind}.xlsx",
    "template_saved": "ひな形を保存しました: {path}",
    "intro": (
        "町で使っている Excel や CSV（UTF-8・Shift_JIS）をそのまま選べます。見出しの行から列を読み取ります。\n"
        "生年月日は 昭和19年5月1日・S19.5.1 のほか、分からなければ 昭和19年・80代 とも書けます。\n"
        "1行でも誤りがあると何も取り込みません。次の画面で、誤りのある行とセルを示します。"
    ),
    "columns": ["見出し", "1行目の値", "取り込む項目"],
    "skip": "（取り込まない）",
    "required": "（必須）",
    "missing": "必須の項目の列を選んでください: {fields}",
    "twice": "「{field}」が2つの列に選ばれています",
    "map_intro": "{name} の {rows:,} 行。見出しから選んだ項目を確かめ、違うところを直してください（次回も同じ選び方を使います）。",
    "preview_columns": ["行", "世帯", "氏名", "生年月日", "確認結果"],
    "ok_row": "取り込めます",
    "summary_ok": "{households:,} 世帯（{persons:,} 人）を取り込めます。{notes}「取り込む」を押してください。",
    "summary_ok_casework": "{n:,} 件の{kind}を取り込めます。「取り込む」を押してください。",
    "notes": "同じ人かもしれない行が {n} 行あります（黄色）。重ねて登録してよいか確かめてから、",
    "summary_bad": "{n} 件の誤りがあります（赤い行）。表を直して保存し、「戻る」からもう一度読み込んでください。何も取り込んでいません。",
    "only_bad": "誤りのある行だけ表示",
    "back": "< 戻る(&B)",
    "next": "次へ(&N) >",
    "import": "取り込む(&I)",
    "cancel": "キャンセル",
    "reading": "表を読んでいます…",
    "checking": "内容を確かめています…",
    "importing": "取り込んでいます…",
    "done_people": "{households:,} 世帯（{persons:,} 人）を取り込みました",
    "done_casework": "{kind} {n:,} 件を取り込みました",
}

_BAD, _NOTE = QColor("#B3261E"), QColor("#FFF4CE")


class SheetImportWizard(QDialog):
    def __init__(self, ctx, parent=None, path: Path | None = None, kind: str = "people"):
        super().__init__(parent)
        self.ctx = ctx
        self.sheet: table.Table | None = None
        self.result = None
        self.done_text = ""
        self.setWindowTitle(T["title"])
        self.step_label = QLabel(objectName="step")
        self.stack = QStackedWidget()
        self.stack.addWidget(self._file_step(kind))
        self.stack.addWidget(self._mapping_step())
        self.stack.addWidget(self._preview_step())
        self.error = ErrorLabel()
        self.back_button = QPushButton(T["back"])
        self.next_button = QPushButton(T["next"])
        self.import_button = QPushButton(T["import"])
        cancel = QPushButton(T["cancel"])
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.forward)
        self.import_button.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for b in (self.back_button, self.next_button, self.import_button, cancel):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(1000, 620)
        self._show_step(0)
        if path is not None:
            self.load(path)

    # --- step 1: the file -------------------------------------------------------------------------

    def _file_step(self, kind: str) -> QWidget:
        page = QWidget()
        self.kind_buttons = QButtonGroup(page)
        kinds = QHBoxLayout()
        for key, label in T["kinds"].items():
            button = QRadioButton(label, objectName=f"kind_{key}")
            button.setProperty("kind", key)
            button.setChecked(key == kind)
            self.kind_buttons.addButton(button)
            kinds.addWidget(button)
        kinds.addStretch()
        self.path = QLineEdit(readOnly=True, objectName="path")
        choose = QPushButton(T["choose"])
        choose.clicked.connect(self.choose)
        save_template = QPushButton(T["template"], objectName="template")
        save_template.clicked.connect(self.save_template)
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel(T["file"]))
        file_row.addWidget(self.path, 1)
        file_row.addWidget(choose)
        intro = QLabel(T["intro"], wordWrap=True)
        self.template_status = QLabel(objectName="template_status", wordWrap=True)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(T["kind"]))
        layout.addLayout(kinds)
        layout.addLayout(file_row)
        layout.addWidget(intro)
        template_row = QHBoxLayout()
        template_row.addWidget(save_template)
        template_row.addWidget(self.template_status, 1)
        layout.addLayout(template_row)
        layout.addStretch()
        return page

    @property
    def kind(self) -> str:
        return self.kind_buttons.checkedButton().property("kind")

    def fields(self):
        return people.FIELDS if self.kind == "people" else casework.FIELDS[self.kind]

    def choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, T["choose_title"], "", T["filter"])
        if name:
            self.load(Path(name))

    def save_template(self) -> None:
        suggested = T["template_name"].format(kind=T["kinds"][self.kind].split("（")[0])
        name, _ = QFileDialog.getSaveFileName(self, T["template_title"], suggested, "Excel (*.xlsx)")
        if name:
            self.write_template(Path(name))

    def write_template(self, path: Path) -> None:
        try:
            template.write(path, self.kind)
        except OSError:
            self.error.show_error(f"ひな形を保存できませんでした: {path}")
            return
        self.template_status.setText(T["template_saved"].format(path=path))

    def load(self, path: Path) -> None:
        """Read the sheet and go to the columns (a household JSON file opens its own dialog)."""
        self.error.show_error("")
        if path.suffix.lower() == ".json":
            from app.ui.households.import_dialog import ImportDialog

            dialog = ImportDialog(self.ctx, self, path=path)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.accept()
            return
        self.path.setText(str(path))
        try:
            self.sheet = run_slow(self, T["title"], T["reading"], lambda _progress: table.read(path))
        except InvalidInput as exc:
            self.sheet = None
            self.error.show_error(str(exc))
            return
        self._fill_mapping()
        self._show_step(1)

    # --- step 2: the columns ----------------------------------------------------------------------

    def _mapping_step(self) -> QWidget:
        page = QWidget()
        self.map_intro = QLabel(wordWrap=True)
        self.map_table = QTableWidget(0, len(T["columns"]), objectName="mapping")
        self.map_table.setHorizontalHeaderLabels(T["columns"])
        self.map_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.map_table.verticalHeader().hide()
        layout = QVBoxLayout(page)
        layout.addWidget(self.map_intro)
        layout.addWidget(self.map_table, 1)
        return page

    def _fill_mapping(self) -> None:
        sheet = self.sheet
        fields = self.fields()
        chosen = mapping.propose(sheet.headers, fields, mapping.remembered(self.ctx.require_store(), self.kind))
        self.map_intro.setText(T["map_intro"].format(name=sheet.name, rows=len(sheet.rows)))
        first = sheet.rows[0] if sheet.rows else None
        self.map_table.setRowCount(len(sheet.headers))
        self.combos: list[QComboBox] = []
        for i, header in enumerate(sheet.headers):
            self.map_table.setItem(i, 0, QTableWidgetItem(header))
            self.map_table.setItem(i, 1, QTableWidgetItem(cell_text(first.get(i)) if first else ""))
            combo = QComboBox()
            combo.addItem(T["skip"], None)
            for f in fields:
                combo.addItem(f.label + (T["required"] if f.required else ""), f.key)
            combo.setCurrentIndex(max(0, combo.findData(chosen.get(i))))
            combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel scrolls the table, not the choice
            self.map_table.setCellWidget(i, 2, combo)
            self.combos.append(combo)
            for c in (0, 1):
                self.map_table.item(i, c).setFlags(Qt.ItemFlag.ItemIsEnabled)

    def chosen_mapping(self) -> mapping.Mapping:
        return {i: combo.currentData() for i, combo in enumerate(self.combos) if combo.currentData()}

    def _mapping_problem(self, chosen: mapping.Mapping) -> str:
        labels = {f.key: f.label for f in self.fields()}
        seen: set[str] = set()
        for key in chosen.values():
            if key in seen:
                return T["twice"].format(field=labels[key])
            seen.add(key)
        if lacking := mapping.missing(chosen, self.fields()):
            return T["missing"].format(fields="、".join(f.label for f in lacking))
        if self.kind != "people" and not {"household_key", "resident_number", "name"} & seen:
            return "世帯を探す列（宛名番号、世帯番号、氏名）を1つ以上選んでください"
        return ""

    # --- step 3: the preview ----------------------------------------------------------------------

    def _preview_step(self) -> QWidget:
        page = QWidget()
        self.summary = QLabel(wordWrap=True, objectName="summary")
        self.preview_table = QTableWidget(0, len(T["preview_columns"]), objectName="preview")
        self.preview_table.setHorizontalHeaderLabels(T["preview_columns"])
        header = self.preview_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.preview_table.verticalHeader().hide()
        self.preview_table.setWordWrap(True)
        self.only_bad = QCheckBox(T["only_bad"], objectName="only_bad")
        self.only_bad.toggled.connect(self._filter_rows)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addWidget(self.only_bad)
        layout.addWidget(self.preview_table, 1)
        return page

    def check(self) -> None:
        chosen = self.chosen_mapping()
        if problem := self._mapping_problem(chosen):
            self.error.show_error(problem)
            return
        self.error.show_error("")
        store, sheet, kind = self.ctx.require_store(), self.sheet, self.kind

        def work(progress):
            if kind == "people":
                return people.preview_for_store(store, sheet, chosen, progress=progress)
            return casework.preview_for_store(store, sheet, chosen, kind, progress=progress)

        self.result = run_slow(self, T["title"], T["checking"], work)
        self._fill_preview()
        self._show_step(2)

    def _fill_preview(self) -> None:
        result = self.result
        lines = result.lines
        self.preview_table.setRowCount(len(lines))
        for r, line in enumerate(lines):
            status = "\n".join(str(p) for p in line.problems) or "\n".join(line.notes) or T["ok_row"]
            cells = [str(line.row), line.household, line.name, line.birth, status]
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if line.problems:
                    item.setForeground(_BAD)
                elif line.notes:
                    item.setBackground(_NOTE)
                self.preview_table.setItem(r, c, item)
        self.preview_table.resizeRowsToContents()
        if not result.ok:
            self.summary.setText(T["summary_bad"].format(n=len(result.problems)))
            self.only_bad.setChecked(True)
        elif self.kind == "people":
            notes = T["notes"].format(n=result.notes) if result.notes else ""
            self.summary.setText(T["summary_ok"].format(households=len(result.records), persons=result.persons, notes=notes))
        else:
            self.summary.setText(T["summary_ok_casework"].format(n=len(result.items), kind=casework.KINDS[self.kind]))
        self._filter_rows()
        self.import_button.setVisible(result.ok)

    def _filter_rows(self) -> None:
        only_bad = self.only_bad.isChecked()
        for r, line in enumerate(self.result.lines if self.result else []):
            self.preview_table.setRowHidden(r, only_bad and not line.problems)

    def submit(self) -> None:
        if self.result is None or not self.result.ok:
            return
        store, result, kind = self.ctx.require_store(), self.result, self.kind
        try:
            if kind == "people":
                done = run_slow(self, T["title"], T["importing"], lambda _p: people.import_preview(store, result))
                self.done_text = T["done_people"].format(households=done.households, persons=done.persons)
            else:
                n = run_slow(self, T["title"], T["importing"], lambda _p: casework.import_preview(store, result))
                self.done_text = T["done_casework"].format(kind=casework.KINDS[kind], n=n)
        except InvalidInput as exc:  # e.g. a number registered meanwhile: nothing was written
            self.error.show_error(str(exc))
            return
        mapping.remember(store, kind, self.sheet.headers, result.mapping)
        self.accept()

    # --- moving between steps ---------------------------------------------------------------------

    def _show_step(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        self.step_label.setText("　→　".join(f"<b>{s}</b>" if i == index else s for i, s in enumerate(T["steps"])))
        self.back_button.setEnabled(index > 0)
        self.next_button.setVisible(index < 2)
        self.next_button.setEnabled(index == 1 or (index == 0 and self.sheet is not None))
        # Refused: no button to press at all (the summary says why), rather than one that does nothing.
        self.import_button.setVisible(index == 2 and self.result is not None and self.result.ok)

    def back(self) -> None:
        index = self.stack.currentIndex()
        self.error.show_error("")
        if index == 2 and self.path.text():  # the sheet may have been corrected meanwhile: read it again
            self.result = None
            try:
                self.sheet = table.read(Path(self.path.text()))
            except InvalidInput as exc:
                self.error.show_error(str(exc))
        self._show_step(max(0, index - 1))

    def forward(self) -> None:
        index = self.stack.currentIndex()
        if index == 0 and self.sheet is not None:
            self._fill_mapping()
            self._show_step(1)
        elif index == 1:
            self.check()
