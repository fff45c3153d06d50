"""地域づくり: the 地域資源 the coordinator keeps (拠点・居場所 and others, by 自治会・地区) and the 活動, 協議体
and 地域の会議 held, with the printable 地域資源一覧."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models import vocab
from app.services.catalog import print_catalog
from app.services.common.errors import InvalidInput
from app.services.common.japanese import fiscal_year, format_fiscal_year, format_wareki
from app.services.community import community
from app.services.households.households import FieldErrors
from app.ui.common.page import Page
from app.ui.common.unsaved import EditDialog, ask_destructive
from app.ui.common.widgets import (
    DateField,
    ErrorLabel,
    FieldForm,
    choice_combo,
    dialog_buttons,
    enable,
    fill_table,
    heading,
    record_table,
    selected_data,
    show_print,
)

T = {
    "nav": "地域づくり",
    "title": "地域づくり",
    "tab_resources": "地域資源(&R)",
    "tab_activities": "活動・会議(&M)",
    # 地域資源
    "resource_cols": ["自治会・地区", "名称", "種類", "開催", "場所", "運営", "連絡先", "状態"],
    "area_filter": "地区(&D)",
    "kind_filter": "種類(&K)",
    "all_areas": "すべての地区",
    "all_kinds": "すべての種類",
    "show_ended": "終了したものも表示(&H)",
    "add_resource": "地域資源を追加(&A)…",
    "edit_resource": "編集(&E)…",
    "retire": "終了にする(&T)…",
    "print": "地域資源一覧を印刷(&P)",
    "active": "活動中",
    "paused": "休止中",
    "ended": "終了（{on}）",
    "no_resources": "まだ地域資源が登録されていません。「地域資源を追加」で、拠点・居場所やサロン、子ども食堂などを登録します。",
    "resources_count": "{n} か所（活動中 {active}）",
    "select_resource": "一覧から地域資源を選んでください",
    "already_ended": "この地域資源はすでに終了しています（再開するときは「編集」で終了日を消してください）",
    # 活動・会議
    "activity_cols": [
        "開催日",
        "種類",
        "名称",
        "自治会・地区",
        "参加者数",
        "参加機関数",
        "運営・主催",
        "担当者の出席",
    ],
    "year_filter": "年度(&Y)",
    "all_years": "すべての年度",
    "activity_kind_filter": "種類(&K)",
    "add_activity": "活動・会議を記録(&N)…",
    "edit_activity": "編集(&E)…",
    "delete_activity": "削除(&X)…",
    "attended": "出席",
    "no_activities": "この年度の活動・会議はまだ記録されていません。「活動・会議を記録」で、開催日と参加者数を記録します。",
    "select_activity": "一覧から活動・会議を選んでください",
    "summary": "{fy}　活動 {activities} 回・参加者延べ {participants} 人　／　協議体・地域の会議 {meetings} 回"
    "（参加機関延べ {meeting_agencies}・担当者の出席 {attended} 回）　／　拠点・居場所 {places} か所・地域資源 {resources} か所",
    "delete_question": "この記録を削除しますか？",
    "delete_detail": "{on}「{title}」。削除すると統計の件数から外れます（変更の履歴には残ります）。",
    # dialogs
    "resource_dialog": "地域資源",
    "name": "名称(&N)",
    "kind": "種類(&K)",
    "area": "自治会・地区(&D)",
    "run_by": "運営(&U)",
    "place": "場所(&L)",
    "schedule": "開催(&O)",
    "schedule_hint": "例: 毎週水曜 10時〜15時、毎月第2火曜 13時30分〜",
    "contact": "連絡先(&C)",
    "started_on": "開始日(&B)",
    "ended_on": "終了日(&F)",
    "active_box": "活動中(&V)",
    "note": "メモ(&M)",
    "save": "保存(&S)",
    "activity_dialog": "活動・会議の記録",
    "a_kind": "種類(&K)",
    "held_on": "開催日(&D)",
    "title_field": "名称(&N)",
    "title_hint": "例: 第2層協議体、茶の間（空欄なら開催した地域資源の名称）",
    "resource_id": "開催した地域資源(&R)",
    "no_resource": "（なし）",
    "a_area": "自治会・地区(&A)",
    "a_area_hint": "空欄なら開催した地域資源の地区",
    "participants": "参加者数(&P)",
    "agencies": "参加機関数(&G)",
    "a_run_by": "運営・主催(&U)",
    "coordinator_attended": "担当者が出席した(&T)",
    "a_note": "メモ(&M)",
    "people": " 人",
    "bodies": " 機関",
    "retire_dialog": "地域資源の終了",
    "retire_info": "「{name}」を終了にします。記録と過去の年度の件数はそのまま残り、一覧と印刷からは外れます。",
    "retire_on": "終了日(&D)",
    "retire_ok": "終了にする(&S)",
}


def _text(widget) -> str:
    return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()


def _area_completer(store, parent) -> QCompleter:
    completer = QCompleter(community.areas(store), parent)
    completer.setFilterMode(completer.filterMode().MatchContains)
    return completer


class ResourceDialog(EditDialog):
    """Add or change one 地域資源."""

    def __init__(self, ctx, parent=None, resource=None):
        super().__init__(parent)
        self.ctx, self.resource_id = ctx, getattr(resource, "id", None)
        self.setWindowTitle(T["resource_dialog"])
        store = ctx.require_store()
        layout = QFormLayout()
        self.form = FieldForm(layout, T)
        get = (lambda k, d="": getattr(resource, k)) if resource else (lambda k, d="": d)  # noqa: E731
        self.form.add("name", QLineEdit(get("name")))
        self.form.add("kind", choice_combo(vocab.RESOURCE_KIND, get("kind", "place")))
        area = self.form.add("area", QLineEdit(get("area")))
        area.setCompleter(_area_completer(store, area))
        self.form.add("run_by", QLineEdit(get("run_by")))
        self.form.add("place", QLineEdit(get("place")))
        schedule = self.form.add("schedule", QLineEdit(get("schedule")))
        schedule.setPlaceholderText(T["schedule_hint"])
        self.form.add("contact", QLineEdit(get("contact")))
        for key in ("started_on", "ended_on"):
            field = DateField(required=False)
            field.set_date(get(key, None))
            self.form.add(key, field)
        active = QCheckBox(T["active_box"])
        active.setChecked(get("active", True))
        self.form.add("active", active, "")
        note = QPlainTextEdit(get("note"))
        note.setMaximumHeight(70)
        self.form.add("note", note)
        self.error = ErrorLabel()
        box = QVBoxLayout(self)
        box.addLayout(layout)
        box.addWidget(self.error)
        box.addWidget(dialog_buttons(self, T["save"]))
        self.resize(600, 560)

    def submit(self) -> None:
        w = self.form.widgets
        self.form.clear()
        self.error.show_error("")
        try:
            values = {
                k: _text(w[k]) for k in ("name", "area", "run_by", "place", "schedule", "contact", "note")
            }
            values |= {"kind": w["kind"].currentData(), "active": w["active"].isChecked(),
                       "started_on": w["started_on"].value(), "ended_on": w["ended_on"].value()}  # fmt: skip
        except ValueError:
            return  # the date field shows why
        try:
            self.resource_id = community.save_resource(
                self.ctx.require_store(), values, self.resource_id, today=self.ctx.today()
            )
        except FieldErrors as exc:
            if not self.form.show(exc.errors):
                self.error.show_error(str(exc))
            return
        except InvalidInput as exc:
            self.error.show_error(str(exc))
            return
        self.accept()


class ActivityDialog(EditDialog):
    """Record (or correct) one 活動, 協議体 or 地域の会議 that was held."""

    def __init__(self, ctx, parent=None, activity=None, kind: str = "activity"):
        super().__init__(parent)
        self.ctx, self.activity_id = ctx, getattr(activity, "id", None)
        self.setWindowTitle(T["activity_dialog"])
        store = ctx.require_store()
        layout = QFormLayout()
        self.form = FieldForm(layout, T)
        get = (lambda k, d="": getattr(activity, k)) if activity else (lambda k, d="": d)  # noqa: E731
        self.form.add("kind", choice_combo(vocab.COMMUNITY_ACTIVITY_KIND, get("kind", kind)), T["a_kind"])
        held = DateField()
        held.set_date(get("held_on", ctx.today()))
        self.form.add("held_on", held)
        title = self.form.add("title", QLineEdit(get("title")), T["title_field"])
        title.setPlaceholderText(T["title_hint"])
        resources = QComboBox()
        resources.addItem(T["no_resource"], None)
        current = get("resource_id", None)
        for r in community.resources(store):
            if r.active or r.id == current:
                resources.addItem(f"{r.name}（{r.area or community.NO_AREA}）", r.id)
        resources.setCurrentIndex(max(0, resources.findData(current)))
        self.form.add("resource_id", resources)
        area = self.form.add("area", QLineEdit(get("area")), T["a_area"])
        area.setPlaceholderText(T["a_area_hint"])
        area.setCompleter(_area_completer(store, area))
        for key, suffix in (("participants", T["people"]), ("agencies", T["bodies"])):
            spin = QSpinBox()
            spin.setRange(0, community.MAX_COUNT)
            spin.setSuffix(suffix)
            spin.setValue(get(key, 0))
            self.form.add(key, spin)
        self.form.add("run_by", QLineEdit(get("run_by")), T["a_run_by"])
        attended = QCheckBox(T["coordinator_attended"])
        attended.setChecked(get("coordinator_attended", False))
        self.form.add("coordinator_attended", attended, "")
        note = QPlainTextEdit(get("note"))
        note.setMaximumHeight(70)
        self.form.add("note", note, T["a_note"])
        self.error = ErrorLabel()
        box = QVBoxLayout(self)
        box.addLayout(layout)
        box.addWidget(self.error)
        box.addWidget(dialog_buttons(self, T["save"]))
        self.resize(600, 560)

    def submit(self) -> None:
        w = self.form.widgets
        self.form.clear()
        self.error.show_error("")
        try:
            held_on = w["held_on"].value()
        except ValueError:
            return
        values = {k: _text(w[k]) for k in ("title", "area", "run_by", "note")}
        values |= {"kind": w["kind"].currentData(), "held_on": held_on, "resource_id": w["resource_id"].currentData(),
                   "participants": w["participants"].value(), "agencies": w["agencies"].value(),
                   "coordinator_attended": w["coordinator_attended"].isChecked()}  # fmt: skip
        store, today = self.ctx.require_store(), self.ctx.today()
        try:
            if self.activity_id is None:
                self.activity_id = community.record_activity(store, values, today=today)
            else:
                community.update_activity(store, self.activity_id, values, today=today)
        except FieldErrors as exc:
            if not self.form.show(exc.errors):
                self.error.show_error(str(exc))
            return
        except InvalidInput as exc:
            self.error.show_error(str(exc))
            return
        self.accept()


class RetireDialog(EditDialog):
    """終了: asks the day the 地域資源 ended (today unless said otherwise)."""

    def __init__(self, ctx, parent, resource):
        super().__init__(parent)
        self.ctx, self.resource_id = ctx, resource.id
        self.setWindowTitle(T["retire_dialog"])
        info = QLabel(T["retire_info"].format(name=resource.name))
        info.setWordWrap(True)
        self.on = DateField()
        self.on.set_date(ctx.today())
        form = QFormLayout()
        form.addRow(T["retire_on"], self.on)
        form.labelForField(self.on).setBuddy(self.on.edit)
        self.error = ErrorLabel()
        box = QVBoxLayout(self)
        box.addWidget(info)
        box.addLayout(form)
        box.addWidget(self.error)
        box.addWidget(dialog_buttons(self, T["retire_ok"]))
        self.resize(520, 200)

    def submit(self) -> None:
        try:
            on = self.on.value()
        except ValueError:
            return
        try:
            community.retire_resource(self.ctx.require_store(), self.resource_id, on, today=self.ctx.today())
        except InvalidInput as exc:
            self.error.show_error(str(exc))
            self.on.setFocus()
            return
        self.accept()


class CommunityPage(Page):
    nav_label = T["nav"]
    shows = frozenset({"community"})

    def __init__(self, ctx):
        super().__init__(ctx)
        self.resource_rows: list = []
        self.activity_rows: list = []
        self.tabs = QTabWidget(objectName="community_tabs")
        self.tabs.addTab(self._resources_tab(), T["tab_resources"])
        self.tabs.addTab(self._activities_tab(), T["tab_activities"])
        self.summary = QLabel(objectName="hint")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(T["title"]))
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)

    # --- building ------------------------------------------------------------------------------------------

    def _button(self, key: str, slot, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(T[key], objectName=f"community_{key}")
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    @staticmethod
    def _labelled(row: QHBoxLayout, text: str, widget: QWidget) -> None:
        label = QLabel(text)
        label.setBuddy(widget)
        row.addWidget(label)
        row.addWidget(widget)

    def _resources_tab(self) -> QWidget:
        tab = QWidget()
        filters = QHBoxLayout()
        self.area_filter = QComboBox(objectName="area_filter")
        self.area_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.kind_filter = choice_combo(vocab.RESOURCE_KIND, empty=T["all_kinds"])
        self.kind_filter.setObjectName("kind_filter")
        self.show_ended = QCheckBox(T["show_ended"], objectName="show_ended")
        self._labelled(filters, T["area_filter"], self.area_filter)
        self._labelled(filters, T["kind_filter"], self.kind_filter)
        filters.addWidget(self.show_ended)
        filters.addStretch()
        for w in (self.area_filter, self.kind_filter):
            w.currentIndexChanged.connect(self.fill_resources)
        self.show_ended.toggled.connect(self.fill_resources)
        buttons = QHBoxLayout()
        self._button("add_resource", self.add_resource, buttons)
        self.edit_resource_button = self._button("edit_resource", self.edit_resource, buttons)
        self.retire_button = self._button("retire", self.retire, buttons)
        buttons.addStretch()
        self._button("print", self.print_list, buttons)
        self.resource_table = record_table(T["resource_cols"], "resource_table")
        # Long free text (名称, 開催, 場所, 運営) gets a set width, cut with …, so 連絡先 and 状態 stay on a
        # 1366-wide screen; the whole text is in the dialog and on the printed list.
        header = self.resource_table.horizontalHeader()
        for column, width in ((1, 190), (3, 170), (4, 140), (5, 160)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.resource_table.doubleClicked.connect(lambda _i: self.edit_resource())
        self.resource_table.itemSelectionChanged.connect(self._enable)
        self.resource_status = QLabel(objectName="hint")
        self.resource_status.setWordWrap(True)
        box = QVBoxLayout(tab)
        box.addLayout(filters)
        box.addLayout(buttons)
        box.addWidget(self.resource_table, 1)
        box.addWidget(self.resource_status)
        return tab

    def _activities_tab(self) -> QWidget:
        tab = QWidget()
        filters = QHBoxLayout()
        self.year_filter = QComboBox(objectName="year_filter")
        self.year_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.activity_kind_filter = choice_combo(vocab.COMMUNITY_ACTIVITY_KIND, empty=T["all_kinds"])
        self.activity_kind_filter.setObjectName("activity_kind_filter")
        self._labelled(filters, T["year_filter"], self.year_filter)
        self._labelled(filters, T["activity_kind_filter"], self.activity_kind_filter)
        filters.addStretch()
        self.year_filter.currentIndexChanged.connect(self.fill_activities)
        self.activity_kind_filter.currentIndexChanged.connect(self.fill_activities)
        buttons = QHBoxLayout()
        self._button("add_activity", self.add_activity, buttons)
        self.edit_activity_button = self._button("edit_activity", self.edit_activity, buttons)
        self.delete_button = self._button("delete_activity", self.delete_activity, buttons)
        buttons.addStretch()
        self.activity_table = record_table(T["activity_cols"], "activity_table")
        self.activity_table.doubleClicked.connect(lambda _i: self.edit_activity())
        self.activity_table.itemSelectionChanged.connect(self._enable)
        self.activity_status = QLabel(objectName="hint")
        self.activity_status.setWordWrap(True)
        box = QVBoxLayout(tab)
        box.addLayout(filters)
        box.addLayout(buttons)
        box.addWidget(self.activity_table, 1)
        box.addWidget(self.activity_status)
        return tab

    # --- filling -------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        store = self.ctx.require_store()
        today = self.ctx.today()
        area = self.area_filter.currentData()
        self.area_filter.blockSignals(True)
        self.area_filter.clear()
        self.area_filter.addItem(T["all_areas"], None)
        for name in community.areas(store):
            self.area_filter.addItem(name, name)
        self.area_filter.setCurrentIndex(max(0, self.area_filter.findData(area)))
        self.area_filter.blockSignals(False)
        fy = self.year_filter.currentData() if self.year_filter.count() else fiscal_year(today)
        self.year_filter.blockSignals(True)
        self.year_filter.clear()
        years = {fiscal_year(today), fiscal_year(today) - 1} | {
            fiscal_year(a.held_on) for a in community.activities(store)
        }
        for year in sorted(years, reverse=True):
            self.year_filter.addItem(format_fiscal_year(year), year)
        self.year_filter.addItem(T["all_years"], None)
        self.year_filter.setCurrentIndex(max(0, self.year_filter.findData(fy)))
        self.year_filter.blockSignals(False)
        self.fill_resources()
        self.fill_activities()

    def fill_resources(self) -> None:
        store = self.ctx.require_store()
        every = community.resources(store)
        shown_ended = self.show_ended.isChecked()
        self.resource_rows = [
            r for r in every
            if (self.area_filter.currentData() is None or r.area == self.area_filter.currentData())
            and (self.kind_filter.currentData() is None or r.kind == self.kind_filter.currentData())
            and (r.active or shown_ended)
        ]  # fmt: skip
        fill_table(
            self.resource_table,
            [[r.area or community.NO_AREA, r.name, vocab.RESOURCE_KIND.get(r.kind, r.kind), r.schedule, r.place,
              r.run_by, r.contact, self._state(r)] for r in self.resource_rows],
            [r.id for r in self.resource_rows],
        )  # fmt: skip
        self.resource_status.setText(
            T["resources_count"].format(n=len(every), active=sum(r.active for r in every))
            if every
            else T["no_resources"]
        )
        self._enable()

    @staticmethod
    def _state(r) -> str:
        if r.active:
            return T["active"]
        return T["ended"].format(on=format_wareki(r.ended_on)) if r.ended_on else T["paused"]

    def fill_activities(self) -> None:
        store = self.ctx.require_store()
        fy = self.year_filter.currentData()
        start, end = (date(fy, 4, 1), date(fy + 1, 3, 31)) if fy else (None, None)
        self.activity_rows = community.activities(
            store, start=start, end=end, kind=self.activity_kind_filter.currentData()
        )
        names = community.resource_names(store, include_retired=True)
        fill_table(
            self.activity_table,
            [[format_wareki(a.held_on), vocab.COMMUNITY_ACTIVITY_KIND.get(a.kind, a.kind), community.activity_title(a, names),
              a.area or community.NO_AREA, f"{a.participants} 人", f"{a.agencies} 機関" if a.kind != "activity" or a.agencies else "",
              a.run_by, T["attended"] if a.coordinator_attended else ""] for a in self.activity_rows],
            [a.id for a in self.activity_rows],
        )  # fmt: skip
        self.activity_status.setText("" if self.activity_rows else T["no_activities"])
        year = fy or fiscal_year(self.ctx.today())
        n = community.counts_for(store, date(year, 4, 1), date(year + 1, 3, 31))
        self.summary.setText(T["summary"].format(fy=format_fiscal_year(year), **n))
        self._enable()

    def _enable(self) -> None:
        resource = self._selected_resource()
        enable(self.edit_resource_button, resource is not None, T["select_resource"])
        if resource is not None and not resource.active and resource.ended_on is not None:
            enable(self.retire_button, False, T["already_ended"])
        else:
            enable(self.retire_button, resource is not None, T["select_resource"])
        chosen = selected_data(self.activity_table) is not None
        enable(self.edit_activity_button, chosen, T["select_activity"])
        enable(self.delete_button, chosen, T["select_activity"])

    def _selected_resource(self):
        rid = selected_data(self.resource_table)
        return next((r for r in self.resource_rows if r.id == rid), None)

    def _selected_activity(self):
        aid = selected_data(self.activity_table)
        return next((a for a in self.activity_rows if a.id == aid), None)

    # --- acts ----------------------------------------------------------------------------------------------

    def _select(self, table, row_id) -> None:
        from PySide6.QtCore import Qt

        for row in range(table.rowCount()):
            if table.item(row, 0).data(Qt.ItemDataRole.UserRole) == row_id:
                table.selectRow(row)
                return

    def _after(self, dialog: QDialog, table, row_id=None) -> None:
        """Run an editing dialog; once it saved, read again and keep its row selected."""
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self._select(table, row_id if row_id is not None else getattr(dialog, "resource_id", None)
                         or getattr(dialog, "activity_id", None))  # fmt: skip

    def add_resource(self) -> None:
        self._after(ResourceDialog(self.ctx, self), self.resource_table)

    def edit_resource(self) -> None:
        resource = self._selected_resource()
        if resource is not None:
            self._after(ResourceDialog(self.ctx, self, resource), self.resource_table, resource.id)

    def retire(self) -> None:
        resource = self._selected_resource()
        if resource is not None:
            self._after(RetireDialog(self.ctx, self, resource), self.resource_table, resource.id)

    def list_print(self):
        """The 地域資源一覧 as of today, made through the print catalogue (not yet shown or audited)."""
        return print_catalog.produce(
            self.ctx.require_store(), "community", print_catalog.Request(on=self.ctx.today())
        )

    def print_list(self) -> None:
        try:
            printed = self.list_print()
        except InvalidInput as exc:
            self.resource_status.setText(str(exc))
            return
        show_print(self, self.ctx.require_store(), printed)

    def add_activity(self) -> None:
        self._after(ActivityDialog(self.ctx, self), self.activity_table)

    def edit_activity(self) -> None:
        activity = self._selected_activity()
        if activity is not None:
            self._after(ActivityDialog(self.ctx, self, activity), self.activity_table, activity.id)

    def delete_activity(self) -> None:
        activity = self._selected_activity()
        if activity is None:
            return
        title = community.activity_title(
            activity, community.resource_names(self.ctx.require_store(), include_retired=True)
        )
        detail = T["delete_detail"].format(on=format_wareki(activity.held_on), title=title)
        if not ask_destructive(self, T["delete_question"], detail, T["title"]):
            return
        try:
            community.delete_activity(self.ctx.require_store(), activity.id)
        except InvalidInput as exc:
            self.activity_status.setText(str(exc))
        self.refresh()
