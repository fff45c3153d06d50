"""世帯: the list of households with one search box and filters, and each household's detail.

The list model is lazy: a search first reads a screenful of rows, the first of its ranked matches,
and shows them at once; every match (the count, and the ids to scroll through) is found on the next
turn of the event loop, and rows are read 200 at a time as the view scrolls, so 50,000 households
never load at once. Finding every match grows with their number (山 matches a sixth of a town) and
is what made a search slow to show anything.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models import vocab
from app.services.flags import flag_review, flags
from app.services.households import search
from app.ui.common.page import Page
from app.ui.households.detail import HouseholdDetail
from app.ui.households.dialogs import HouseholdDialog

T = {
    "nav": "世帯",
    "search": "氏名・ふりがな・住所・電話・生年月日（R7.4.1 など）で検索",
    "all_status": "すべての状態",
    "all_districts": "すべての地区",
    "all_flags": "すべての気づき",
    "new": "新しい世帯(&N)…",
    "quick": "気になる世帯をすぐ登録(&Q)…",
    "import": "取り込み（Excel・CSV・JSON）(&I)…",
    "count": "{n} 世帯",
    "counting": "{n} 世帯以上（数えています）",
    "none": "該当する世帯はありません",
    "columns": ["世帯番号", "世帯主（呼び名）", "ふりがな", "住所", "自治会・地区", "状態", "人数", "気づき"],
}
PAGE_SIZE = 200
FIRST_ROWS = search.FIRST_ROWS  # what a search shows at once: more than a tall window's rows
ROOT = QModelIndex()


class HouseholdListModel(QAbstractTableModel):
    counted = Signal()  # every match is known: total is the count

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.query, self.filters = "", search.Filters()
        self.ids: list[int] = []
        self.rows: list[search.HouseholdRow] = []
        self.total: int | None = 0  # None while only the first rows' matches are known
        self._count_later = QTimer(self, singleShot=True, interval=0)
        self._count_later.timeout.connect(self.count_all)

    def reload(self, query: str | None = None, filters: search.Filters | None = None) -> None:
        if query is not None:
            self.query = query
        if filters is not None:
            self.filters = filters
        self.beginResetModel()
        self.ids, self.rows, complete = search.first_lookup(
            self.ctx.require_store(), self.query, self.filters, first=FIRST_ROWS
        )
        self.total = len(self.ids) if complete else None
        self.endResetModel()
        # The first rows are painted before every match is found (a search that changes in between
        # stops this one: the timer starts again or stops).
        if complete:
            self._count_later.stop()
        else:
            self._count_later.start()

    def count_all(self) -> None:
        """Find every match now, if that is not done yet: the count, and the ids to scroll through."""
        self._count_later.stop()
        if self.total is not None or self.ctx.store is None:  # done, or locked meanwhile
            return
        self.ids = search.find_ids(self.ctx.store, self.query, self.filters)
        self.total = len(self.ids)
        self.counted.emit()

    def rowCount(self, parent=ROOT) -> int:  # noqa: N802 (Qt's names)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=ROOT) -> int:  # noqa: N802
        return len(T["columns"])

    def canFetchMore(self, parent=ROOT) -> bool:  # noqa: N802
        # Not yet counted: the first rows were a full screen, so there are more.
        return not parent.isValid() and (self.total is None or len(self.rows) < self.total)

    def fetchMore(self, parent=ROOT) -> None:  # noqa: N802
        self.count_all()  # scrolled past the first rows before they were counted
        more = search.rows_of(self.ctx.require_store(), self.ids[len(self.rows) : len(self.rows) + PAGE_SIZE])
        if more:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
            self.rows.extend(more)
            self.endInsertRows()

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return T["columns"][section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        name = row.head_name or (f"（{row.label}）" if row.label else "")
        return (
            row.code,
            name,
            row.head_kana or "",
            row.address,
            row.district,
            vocab.HOUSEHOLD_STATUS.get(row.status, ""),
            f"{row.members} 人",
            "・".join(flag_review.kind_word(k) for k in row.flag_kinds),
        )[index.column()]


class HouseholdList(QWidget):
    opened = Signal(int)

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.search = QLineEdit(objectName="household_search")
        self.search.setMaxLength(search.MAX_QUERY)  # (the service cuts longer input there too)
        self.search.setPlaceholderText(T["search"])
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox(objectName="status_filter")
        self.status.addItem(T["all_status"], None)
        for code, label in vocab.HOUSEHOLD_STATUS.items():
            self.status.addItem(label, code)
        self.district = QComboBox(objectName="district_filter")
        self.flag = QComboBox(objectName="flag_filter")
        self.flag.addItem(T["all_flags"], None)
        for code, word in {**flags.KINDS, **vocab.OTHER_MANUAL_FLAGS}.items():
            self.flag.addItem(word, code)
        self.new_button = QPushButton(T["new"])
        self.quick_button = QPushButton(T["quick"])
        self.import_button = QPushButton(T["import"])
        self.count = QLabel(objectName="hint")
        self.model = HouseholdListModel(ctx)
        self.model.counted.connect(self._show_count)
        self.table = QTableView(objectName="household_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in enumerate((110, 150, 160, 320, 110, 100, 60, 170)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(
            lambda index: self.opened.emit(self.model.data(index, Qt.ItemDataRole.UserRole))
        )
        opening = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self._open_current)
        # Set apart: PySide6 drops a context= given with a callable, and the window-wide default took
        # Enter from the search box (it opened the selected row instead of searching now).
        opening.setContext(Qt.ShortcutContext.WidgetShortcut)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.apply)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._search_now)
        self.status.currentIndexChanged.connect(self.apply)
        self.district.currentIndexChanged.connect(self.apply)
        self.flag.currentIndexChanged.connect(self.apply)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status)
        bar.addWidget(self.district)
        bar.addWidget(self.flag)
        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        actions.addWidget(self.quick_button)
        actions.addWidget(self.import_button)
        actions.addStretch()
        actions.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)

    def _search_now(self) -> None:
        self._debounce.stop()
        self.apply()
        if self.model.rowCount() == 1:  # one match: Enter opens it
            self.opened.emit(self.model.rows[0].id)
        elif self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def _open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.opened.emit(self.model.data(index, Qt.ItemDataRole.UserRole))

    def load_districts(self) -> None:
        current = self.district.currentData()
        self.district.blockSignals(True)
        self.district.clear()
        self.district.addItem(T["all_districts"], None)
        for d in search.district_names(self.ctx.require_store()):
            self.district.addItem(d, d)
        self.district.setCurrentIndex(max(0, self.district.findData(current)))
        self.district.blockSignals(False)

    def apply(self) -> None:
        if self.ctx.store is None:  # a debounced search that fires just after locking
            self._debounce.stop()
            return
        filters = search.Filters(
            status=self.status.currentData(),
            district=self.district.currentData(),
            flag_kind=self.flag.currentData(),
        )
        self.model.reload(self.search.text(), filters)
        self._show_count()

    def _show_count(self) -> None:
        total = self.model.total
        if total is None:  # at least the rows shown; the count follows on the next turn of the event loop
            self.count.setText(T["counting"].format(n=f"{len(self.model.rows):,}"))
        else:
            self.count.setText(T["count"].format(n=f"{total:,}") if total else T["none"])


class HouseholdsPage(Page):
    nav_label = T["nav"]

    def __init__(self, ctx):
        super().__init__(ctx)
        self.list = HouseholdList(ctx)
        self.detail = HouseholdDetail(ctx)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.list.opened.connect(self.open)
        self.detail.back.connect(self.show_list)
        self.list.new_button.clicked.connect(lambda: self.create(quick=False))
        self.list.quick_button.clicked.connect(lambda: self.create(quick=True))
        self.list.import_button.clicked.connect(self.import_file)

    def refresh(self) -> None:
        if self.stack.currentWidget() is self.list:
            self.list.load_districts()
            self.list.apply()
        else:
            self.detail.reload()

    def open(self, household_id: int) -> None:
        self.detail.load(household_id)
        self.stack.setCurrentWidget(self.detail)
        self.detail.setFocus()

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list)
        self.list.load_districts()
        self.list.apply()
        self.list.search.setFocus()
        self.list.search.selectAll()

    def create(self, *, quick: bool) -> None:
        districts = search.district_names(self.ctx.require_store())
        dialog = HouseholdDialog(self.ctx, self, quick=quick, districts=districts)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.open(dialog.household_id)

    def import_file(self) -> None:
        from app.ui.households.sheet_wizard import SheetImportWizard

        dialog = SheetImportWizard(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.show_list()
            if dialog.done_text:
                done = QMessageBox(QMessageBox.Icon.Information, dialog.windowTitle(), dialog.done_text, parent=self)
                done.addButton("閉じる", QMessageBox.ButtonRole.AcceptRole)
                done.exec()
