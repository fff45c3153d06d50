"""Small widgets and helpers shared by several pages."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from app.services.store.keyslots import MIN_PASSPHRASE, passphrase_strength
from app.ui.common.labels import ErrorLabel
from app.ui.common.unsaved import EditDialog


def plain(text: str) -> str:
    """A button's words for a window title: 「フォルダを選ぶ(&F)…」 → 「フォルダを選ぶ」 (a title shows no mnemonic)."""
    return re.sub(r"\(&\w\)", "", text).replace("&", "").rstrip("…").strip()


class PassphraseFields(QWidget):
    """New passphrase + confirmation, with a strength hint as the user types."""

    def __init__(self, parent: QWidget | None = None, label: str = "パスフレーズ"):
        super().__init__(parent)
        self.first = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.first.setObjectName("new_passphrase")
        self.second = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.second.setObjectName("confirm_passphrase")
        self.meter = QProgressBar(maximum=4, textVisible=False)
        self.meter.setFixedHeight(8)
        self.hint = QLabel(
            f"{MIN_PASSPHRASE}文字以上。覚えやすい長めの文（例: 山あいの町で春に咲く桜）がおすすめです"
        )
        self.hint.setWordWrap(True)
        self.error = ErrorLabel()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(f"{label}(&P)", self.first)
        form.addRow("", self.meter)
        form.addRow("", self.hint)
        form.addRow("もう一度入力(&C)", self.second)
        form.addRow("", self.error)
        self.first.textChanged.connect(self._update)

    def _update(self, text: str) -> None:
        score, hint = passphrase_strength(text)
        self.meter.setValue(score)
        self.hint.setText(hint if text else self.hint.text())
        self.error.show_error("")

    def value(self) -> str | None:
        """The passphrase when both fields agree and it is long enough; else shows why and returns None."""
        text = self.first.text()
        score, hint = passphrase_strength(text)
        if score == 0:
            self.error.show_error(hint)
            self.first.setFocus()
            return None
        if text != self.second.text():
            self.error.show_error("2回の入力が一致しません")
            self.second.setFocus()
            self.second.selectAll()
            return None
        self.error.show_error("")
        return text


def open_pdf(path: Path) -> bool:
    """Show the PDF in the PC's viewer; False when no program for PDFs could be started."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def ask_save_pdf(parent: QWidget, suggested: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "PDFとして保存", suggested, "PDF (*.pdf)")
    return Path(name) if name else None


def confirm(parent: QWidget, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton("はい", QMessageBox.ButtonRole.YesRole)
    box.addButton("いいえ", QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(yes)
    box.exec()
    return box.clickedButton() is yes


def enable(widget: QWidget, enabled: bool, reason: str) -> None:
    """Enable or grey out ``widget``; greyed out, it says why when the pointer rests on it (a grey button
    that does nothing on a click, with no reason, was a dead end)."""
    widget.setEnabled(enabled)
    widget.setToolTip("" if enabled else reason)


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("heading")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


class DateField(QWidget):
    """A date typed the way people write it (R7.4.1, 昭和30年4月1日, 2025-04-01), shown back in 和暦."""

    def __init__(
        self, parent: QWidget | None = None, *, required: bool = True, partial: bool = False, since: bool = False
    ):
        super().__init__(parent)
        from PySide6.QtWidgets import QHBoxLayout

        self.required = required
        # partial: a birth date known only in part (昭和19年, 80代) is accepted; value() gives a PartialDate.
        # since: a start known only in part (平成15年, 平成15年5月), without ages (a start has none).
        self.partial, self.since = partial or since, since
        self.edit = QLineEdit()
        hint = "（分からなければ 平成15年、平成15年5月）" if since else "（分からなければ 昭和30年、80代）" if partial else ""
        self.edit.setPlaceholderText("例: S30.4.1、昭和30年4月1日" + hint)
        self.preview = QLabel(objectName="hint")
        self.error = ErrorLabel()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.preview)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(row)
        outer.addWidget(self.error)
        self.edit.textChanged.connect(self._changed)
        self.setFocusProxy(self.edit)

    def _changed(self, text: str) -> None:
        from app.services.common.japanese import DateInputError, format_wareki, parse_date

        self.error.show_error("")
        try:
            if self.partial and text.strip():
                from datetime import date

                from app.services.common.japanese import partial_words

                part = self._parse_partial(text, date.today())
                self.preview.setText(partial_words(part.latest, part.earliest, part.text))
            else:
                self.preview.setText(format_wareki(parse_date(text)) if text.strip() else "")
        except DateInputError:
            self.preview.setText("")

    def set_date(self, value) -> None:
        from app.services.common.japanese import format_wareki

        self.edit.setText(format_wareki(value) if value else "")

    def value(self):
        """The date, None when empty and optional; shows the reason and raises ValueError otherwise."""
        from app.services.common.japanese import DateInputError, parse_date

        text = self.edit.text()
        if not text.strip():
            if self.required:
                self.error.show_error("日付を入力してください")
                raise ValueError("required")
            return None
        kept = getattr(self, "_kept", None)
        if self.partial and kept is not None and text == kept[0]:
            return kept[1]
        try:
            if self.partial:
                from datetime import date

                return self._parse_partial(text, date.today())
            return parse_date(text)
        except DateInputError as exc:
            self.error.show_error(str(exc))
            raise ValueError(str(exc)) from None

    def _parse_partial(self, text: str, today):
        from app.services.common.japanese import parse_partial_date, parse_partial_since

        return (parse_partial_since if self.since else parse_partial_date)(text, today)

    def set_partial(self, latest, earliest=None, text: str = "") -> None:
        """Show a birth date known only in part as it was written (「昭和19年」), else as a date."""
        from app.services.common.japanese import PartialDate, format_wareki

        approximate = earliest is not None and earliest != latest
        shown = text if approximate and text else (format_wareki(latest) if latest else "")
        # Kept as it was while the text is not touched: 「80代（令和8年12月1日時点）」 is not typed input.
        self._kept = (shown, PartialDate(earliest or latest, latest, text if approximate else "")) if latest else None
        self.edit.setText(shown)


def choice_combo(options: dict[str, str], current: str | None = None, *, empty: str | None = None):
    """A combo box of Japanese labels whose data is the stored code."""
    from PySide6.QtWidgets import QComboBox

    box = QComboBox()
    if empty is not None:
        box.addItem(empty, None)
    for code, label in options.items():
        box.addItem(label, code)
    if current is not None:
        box.setCurrentIndex(max(0, box.findData(current)))
    return box


PRINT_T = {
    "title": "印刷",
    "no_viewer": (
        "PDFを表示できるアプリが見つかりませんでした。このPCでは画面に表示して印刷できません。\n\n"
        "「PDFとして保存」で保存し、PDFを開けるアプリで開いて印刷してください。"
        "保存したファイルは持出し管理簿に記録されます。"
    ),
    "save": "PDFとして保存(&S)",
    "cancel": "キャンセル",
    "place_title": "保存先の確認",
    "other_place": "別の場所を選ぶ(&O)",
    "keep_place": "この場所に保存する",
    "save_failed": "PDFを保存できませんでした（{error}）。保存先を確認して、もう一度保存してください。",
}


def show_print(parent: QWidget, store, printed) -> Path | None:
    """Open a print (app.services.printing.printing.Printed, made by app.services.catalog.print_catalog) in the PC's
    viewer; delivering it audits it. Where no viewer opens, say so and offer 「PDFとして保存」.
    Returns the file shown or saved, None when nothing was."""
    from app.services.printing import printing

    path = printing.deliver(store, printed)
    if open_pdf(path) is not False:
        return path
    with contextlib.suppress(OSError):
        path.unlink()  # no one will look at it: plaintext need not wait for the exit
    return save_print(parent, store, printed) if offer_save(parent) else None


def offer_save(parent: QWidget) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, PRINT_T["title"], PRINT_T["no_viewer"], parent=parent)
    save = box.addButton(PRINT_T["save"], QMessageBox.ButtonRole.AcceptRole)
    box.addButton(PRINT_T["cancel"], QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.exec()
    return box.clickedButton() is save


def keep_risky_place(parent: QWidget, warning: str) -> bool:
    """The warning about where a recovery-key sheet is being saved; True only if the user insists."""
    box = QMessageBox(QMessageBox.Icon.Warning, PRINT_T["place_title"], warning, parent=parent)
    other = box.addButton(PRINT_T["other_place"], QMessageBox.ButtonRole.RejectRole)
    keep = box.addButton(PRINT_T["keep_place"], QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(other)
    box.setEscapeButton(other)
    box.exec()
    return box.clickedButton() is keep


def save_print(parent: QWidget, store, printed) -> Path | None:
    """「PDFとして保存」: ask where (warning when the recovery-key sheet would go onto a stick or beside
    a backup), then save; the save is audited and goes into the 持出し管理簿. None when cancelled."""
    from app.services.printing import printing

    suggested = printing.file_name(printed)
    while True:
        path = ask_save_pdf(parent, suggested)
        if path is None:
            return None
        if path.suffix.lower() != ".pdf" and not path.with_name(path.name + ".pdf").exists():
            path = path.with_name(path.name + ".pdf")
        warning = printing.place_warning(store, printed, path)
        if not warning or keep_risky_place(parent, warning):
            break
        suggested = path.name
    try:
        return printing.save_as(store, printed, path)
    except OSError as exc:
        QMessageBox.warning(parent, PRINT_T["title"], PRINT_T["save_failed"].format(error=exc.strerror or exc))
        return None


def dialog_buttons(dialog, ok_text: str, cancel_text: str = "キャンセル"):
    """The OK/キャンセル row every dialog ends with: OK is the default (Enter) and calls dialog.submit,
    which accepts only when the service took the input."""
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox()
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setDefault(True)
    box.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
    box.accepted.connect(dialog.submit)
    box.rejected.connect(dialog.reject)
    return box


def field_row(form: QFormLayout, key: str, widget: QWidget, label: str, widgets: dict, errors: dict) -> QWidget:
    """One row of a form: the field with its error message under it (the message at the place of the
    mistake), the label as its buddy, the field named by ``key`` and noted in ``widgets`` and ``errors``."""
    holder = QWidget()
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(widget)
    error = ErrorLabel()
    box.addWidget(error)
    form.addRow(label, holder)
    lab = form.labelForField(holder)
    if isinstance(lab, QLabel):
        lab.setBuddy(widget)
    widget.setObjectName(key)
    widgets[key], errors[key] = widget, error
    return widget


class FieldForm:
    """A form layout whose every row can show an error under its field (messages at the place of the
    mistake). ``labels`` gives the row label for a key unless one is passed."""

    def __init__(self, layout: QFormLayout, labels: dict[str, str]):
        self.layout = layout
        self.labels = labels
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, ErrorLabel] = {}

    def add(self, key: str, widget: QWidget, label: str | None = None) -> QWidget:
        label = label if label is not None else self.labels[key]
        return field_row(self.layout, key, widget, label, self.widgets, self.errors)

    def clear(self) -> None:
        for e in self.errors.values():
            e.show_error("")

    def show(self, errors: dict[str, str]) -> bool:
        """Put each message at its field; returns False when some error had no field here."""
        placed = True
        for key, message in errors.items():
            if key in self.errors:
                self.errors[key].show_error(message)
            else:
                placed = False
        first = next((k for k in errors if k in self.widgets), None)
        if first:
            self.widgets[first].setFocus()
        return placed


class ReasonDialog(EditDialog):
    """Asks for the reason a step needs (該当なし, 辞退, 取消 …) and runs ``act(reason)``; the service's
    message is shown in the dialog when it refuses (an empty reason, for one)."""

    def __init__(self, parent, act, *, title: str = "理由", info: str = ""):
        from PySide6.QtWidgets import QPlainTextEdit

        super().__init__(parent)
        self.act = act
        self.setWindowTitle(title)
        self.reason = QPlainTextEdit(objectName="reason")
        self.reason.setMaximumHeight(90)
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow("理由(&R)", self.reason)
        layout = QVBoxLayout(self)
        if info:
            label = QLabel(info)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(dialog_buttons(self, "OK"))
        self.resize(560, 240)

    def submit(self) -> None:
        from app.services.common.errors import InvalidInput

        try:
            self.act(self.reason.toPlainText())
        except InvalidInput as exc:
            self.error.show_error(str(exc))
            self.reason.setFocus()
            return
        self.accept()


def record_table(columns: list[str], name: str = ""):
    """A read-only list of records: whole rows selected, one at a time, the last column stretched."""
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget

    table = QTableWidget(0, len(columns), objectName=name)
    table.setHorizontalHeaderLabels(columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


@contextlib.contextmanager
def filling(table):
    """Fill a table's cells in bulk: its columns are sized to their contents once at the end, not after
    every cell (a visible table of 1,000 cells took seconds, re-measuring all rows at each one)."""
    from PySide6.QtWidgets import QHeaderView

    header = table.horizontalHeader()
    modes = [header.sectionResizeMode(c) for c in range(header.count())]
    for c in range(header.count()):
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
    table.setUpdatesEnabled(False)
    try:
        yield table
    finally:
        for c, mode in enumerate(modes[: header.count()]):
            header.setSectionResizeMode(c, mode)
        table.setUpdatesEnabled(True)


def fill_table(table, rows: list[list], ids: list | None = None) -> None:
    """Rows of text; ``ids`` (one per row) are kept on every cell for ``selected_data``."""
    from PySide6.QtWidgets import QTableWidgetItem

    with filling(table):
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(str(value))
                if ids is not None:
                    item.setData(Qt.ItemDataRole.UserRole, ids[r])
                table.setItem(r, c, item)


def selected_data(table):
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return item.data(Qt.ItemDataRole.UserRole) if item else None
