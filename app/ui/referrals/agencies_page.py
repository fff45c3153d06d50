"""関係機関: the directory of agencies the town works with."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.models import vocab
from app.services.common.errors import InvalidInput
from app.services.referrals import agencies, referrals
from app.ui.common.page import Page
from app.ui.common.unsaved import EditDialog
from app.ui.common.widgets import ErrorLabel, heading, plain

T = {
    "nav": "関係機関",
    "title": "関係機関",
    "columns": [
        "名称",
        "部署・窓口",
        "種類",
        "分野",
        "電話",
        "FAX",
        "担当者",
        "町内",
        "支援会議",
        "参加支援",
        "返信待ち",
    ],
    "add": "機関を追加(&A)…",
    "edit": "編集(&E)…",
    "typical": "典型的な機関を追加(&T)",
    "typical_done": "{n} 件を追加しました。名称や連絡先を町の実際のものに直してください。",
    "export": "CSVに書き出し(&X)…",
    "import": "CSVから取り込み(&I)…",
    "csv": "CSV (*.csv)",
    "imported": "{n} 件を取り込みました",
    "exported": "{n} 件を書き出しました",
    "empty": "まだ機関が登録されていません。「典型的な機関を追加」で、よくある機関の一覧から始められます。",
    "dialog": "関係機関",
    "name": "名称(&N)",
    "department": "部署・窓口",
    "agency_type": "種類",
    "fields": "分野（読点で区切る）",
    "postal_code": "郵便番号",
    "address": "住所",
    "phone": "電話",
    "fax": "FAX",
    "contact_person": "担当者",
    "in_town": "町内の機関",
    "support_meeting_member": "支援会議（第106条の6）の構成員",
    "active": "利用中",
    "offers": "参加支援で提供できること（受入先・協力事業者として）",
    "note": "メモ",
    "ok": "保存(&S)",
    "cancel": "キャンセル",
    "yes": "○",
}


class AgencyDialog(EditDialog):
    def __init__(self, ctx, parent=None, agency=None):
        super().__init__(parent)
        self.ctx, self.agency_id = ctx, getattr(agency, "id", None)
        self.setWindowTitle(T["dialog"])
        self.widgets = {}
        form = QFormLayout()
        for key in (
            "name",
            "department",
            "agency_type",
            "fields",
            "postal_code",
            "address",
            "phone",
            "fax",
            "contact_person",
            "note",
        ):
            value = getattr(agency, key, "") if agency else ""
            edit = QLineEdit("、".join(value) if key == "fields" else value, objectName=key)
            form.addRow(T[key], edit)
            self.widgets[key] = edit
        for key, default in (("in_town", True), ("support_meeting_member", False), ("active", True)):
            box = QCheckBox(T[key], objectName=key)
            box.setChecked(getattr(agency, key, default) if agency else default)
            form.addRow("", box)
            self.widgets[key] = box
        # 参加支援: what this agency can offer as a 受入先; an agency offering nothing is not listed there.
        self.offers: dict[str, QCheckBox] = {}
        offers_box = QGroupBox(T["offers"])
        grid = QGridLayout(offers_box)
        have = set(getattr(agency, "offers", None) or [])
        for i, (key, word) in enumerate(vocab.PARTICIPATION_OFFER.items()):
            box = QCheckBox(word, objectName=f"offer_{key}")
            box.setChecked(key in have)
            grid.addWidget(box, i // 3, i % 3)
            self.offers[key] = box
        form.addRow(offers_box)
        self.error = ErrorLabel()
        buttons = QDialogButtonBox()
        ok = buttons.addButton(T["ok"], QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(T["cancel"], QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(600, 600)

    def submit(self) -> None:
        values = {
            k: (w.isChecked() if isinstance(w, QCheckBox) else w.text()) for k, w in self.widgets.items()
        }
        values["offers"] = [k for k, box in self.offers.items() if box.isChecked()]
        try:
            self.agency_id = agencies.save(self.ctx.require_store(), values, self.agency_id)
        except InvalidInput as exc:
            self.error.show_error(str(exc))
            self.widgets["name"].setFocus()
            return
        self.accept()


class AgenciesPage(Page):
    nav_label = T["nav"]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.table = QTableWidget(0, len(T["columns"]), objectName="agency_table")
        self.table.setHorizontalHeaderLabels(T["columns"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.status = QLabel(objectName="hint")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for key, slot in (("add", self.add), ("edit", self.edit), ("typical", self.add_typical), ("import", self.import_csv),
                          ("export", self.export_csv)):  # fmt: skip
            b = QPushButton(T[key], objectName=f"agency_{key}")
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(heading(T["title"]))
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.rows = []

    def refresh(self) -> None:
        store = self.ctx.require_store()
        self.rows = agencies.all_agencies(store)
        waiting = {}
        for r in referrals.listing(store):
            if r.direction == "out" and r.state in referrals.OPEN_OUT:
                waiting[r.agency_id] = waiting.get(r.agency_id, 0) + 1
        overdue = {r.agency_id for r in referrals.overdue(store, self.ctx.today())}
        self.table.setRowCount(len(self.rows))
        for i, a in enumerate(self.rows):
            wait = (
                f"{waiting[a.id]} 件" + ("（期限切れあり）" if a.id in overdue else "")
                if a.id in waiting
                else ""
            )
            values = (a.name, a.department, a.agency_type, "、".join(a.fields), a.phone, a.fax, a.contact_person,
                      T["yes"] if a.in_town else "", T["yes"] if a.support_meeting_member else "",
                      "、".join(vocab.PARTICIPATION_OFFER.get(o, o) for o in a.offers or []), wait)  # fmt: skip
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setData(Qt.ItemDataRole.UserRole, a.id)
                self.table.setItem(i, c, item)
        if not self.rows:
            self.status.setText(T["empty"])

    def _selected(self):
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def add(self) -> None:
        if AgencyDialog(self.ctx, self).exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def edit(self) -> None:
        agency = self._selected()
        if agency is not None and AgencyDialog(self.ctx, self, agency).exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def add_typical(self) -> None:
        n = agencies.add_typical(self.ctx.require_store())
        self.refresh()
        self.status.setText(T["typical_done"].format(n=n))

    def import_csv(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, plain(T["import"]), "", T["csv"])
        if name:
            try:
                n = agencies.import_csv(self.ctx.require_store(), Path(name))
            except InvalidInput as exc:
                self.status.setText(str(exc))
                return
            self.refresh()
            self.status.setText(T["imported"].format(n=n))

    def export_csv(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, plain(T["export"]), "関係機関.csv", T["csv"])
        if name:
            n = agencies.export_csv(self.ctx.require_store(), Path(name))
            self.status.setText(T["exported"].format(n=n))
