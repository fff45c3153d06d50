"""Import households from a JSON file (tsunagi-households/1): preview, per-row errors, then all or nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.services.common.errors import InvalidInput
from app.services.households import exchange
from app.services.records import household_format
from app.ui.common.widgets import ErrorLabel, plain

T = {
    "title": "世帯を JSON から取り込む",
    "choose": "ファイルを選ぶ(&F)…",
    "filter": "世帯 JSON (*.json)",
    "columns": ["世帯 ID", "世帯主", "人数", "住所", "確認結果"],
    "ok_row": "取り込めます",
    "summary_ok": "{n} 世帯（{p} 人）を取り込めます。内容を確かめてから「取り込む」を押してください。",
    "summary_bad": "{bad} 件に誤りがあります。直してから、もう一度ファイルを選んでください（1件でも誤りがあると、何も取り込みません）。",
    "import": "取り込む(&I)",
    "cancel": "キャンセル",
    "done": "{n} 世帯を取り込みました",
}


class ImportDialog(QDialog):
    def __init__(self, ctx, parent=None, path: Path | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.records: list = []
        self.setWindowTitle(T["title"])
        self.path = QLineEdit(readOnly=True)
        choose = QPushButton(T["choose"])
        choose.clicked.connect(self.choose)
        self.table = QTableWidget(0, len(T["columns"]))
        self.table.setHorizontalHeaderLabels(T["columns"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.error = ErrorLabel()
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton(T["import"], QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        buttons.addButton(T["cancel"], QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(980, 560)
        if path is not None:
            self.preview(path)

    def choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, plain(T["choose"]), "", T["filter"])
        if name:
            self.preview(Path(name))

    def preview(self, path: Path) -> None:
        self.path.setText(str(path))
        self.records = []
        self.error.show_error("")
        self.import_button.setEnabled(False)
        self.table.setRowCount(0)
        try:
            rows = household_format.parse_rows(household_format.read_document(path))
        except InvalidInput as exc:
            self.summary.setText("")
            self.error.show_error(str(exc))
            return
        self.table.setRowCount(len(rows))
        bad = 0
        for r, row in enumerate(rows):
            rec = row.record
            head = next((m for m in rec.members if m.relation == "head"), None) if rec else None
            cells = [row.id, head.name if head else "", str(len(rec.members)) if rec else "", rec.address if rec else "",
                     row.error or T["ok_row"]]  # fmt: skip
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if row.error:
                    item.setForeground(QColor("#B3261E"))
                self.table.setItem(r, c, item)
            bad += bool(row.error)
        if bad:
            self.summary.setText(T["summary_bad"].format(bad=bad))
            return
        self.records = [row.record for row in rows]
        people = sum(len(r.members) for r in self.records)
        self.summary.setText(T["summary_ok"].format(n=len(self.records), p=people))
        self.import_button.setEnabled(bool(self.records))

    def submit(self) -> None:
        try:
            result = exchange.import_records(
                self.ctx.require_store(), self.records, source=Path(self.path.text()).name
            )
        except InvalidInput as exc:  # e.g. an id already registered: nothing was written
            self.error.show_error(str(exc))
            return
        self.summary.setText(T["done"].format(n=result.households))
        self.accept()
