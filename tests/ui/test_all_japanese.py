"""The whole interface in Japanese: every page of a demo town, the household screen with each tab, the
main dialogs, a text field's right-click menu and Qt's own message box buttons are walked, and every
string a person reads is checked for English words and for raw mnemonics (「保存先(&D)」 shown as is)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from app.services.households import demo, exchange, households
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.households.dialogs import HouseholdDialog, IntakeDialog, MemberDialog
from app.ui.outreach.dialogs import VisitDialog
from app.ui.window.shell import Shell

# Words a Japanese office uses as they are.
ALLOWED = {"PDF", "CSV", "Excel", "JSON", "USB", "UTF", "Shift_JIS", "ID", "SSW", "MSW", "TEL", "FAX", "No",
           "xlsx", "csv", "json", "pdf", "DV", "NPO", "IPA", "Argon", "Tsunagi", "tsunagi", "OS", "PC",
           "Ctrl", "Alt", "Shift", "Enter", "Tab", "Esc"}  # fmt: skip
ENGLISH = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
TAG = re.compile(r"<[^>]+>")
MNEMONIC = re.compile(r"\(&\w\)|&(?=\w)")


def _strings(root: QWidget) -> list[tuple[str, str]]:
    out = [("title", root.windowTitle())]
    for w in [root, *root.findChildren(QWidget)]:
        name = type(w).__name__
        if isinstance(w, QLabel) and w.isVisibleTo(root):
            text = TAG.sub("", w.text())
            if "&" in text and w.buddy() is None:  # no field to jump to: the & is shown as it is
                out.append((f"{name} {w.objectName()} raw mnemonic", text))
            out.append((f"{name} {w.objectName()}", MNEMONIC.sub("", text)))
        elif isinstance(w, QAbstractButton) and w.isVisibleTo(root):
            out.append((name, w.text().replace("&", "")))
            out.append((f"{name} tooltip", w.toolTip()))
        elif isinstance(w, QGroupBox):
            out.append((name, w.title().replace("&", "")))
        elif isinstance(w, QLineEdit):
            out.append((f"{name} placeholder", w.placeholderText()))
        elif isinstance(w, QComboBox) and not w.isEditable():
            # (an editable combo holds what the user typed or the PC offers: folders, drive labels)
            out += [(name, w.itemText(i)) for i in range(w.count())]
        elif isinstance(w, QTabWidget):
            out += [(name, w.tabText(i).replace("&", "")) for i in range(w.count())]
        elif isinstance(w, QHeaderView) and w.model() is not None:
            orientation = w.orientation()
            out += [(name, str(w.model().headerData(i, orientation) or "")) for i in range(w.count())]
    return out


def _english(root: QWidget) -> list[str]:
    found = []
    for where, text in _strings(root):
        if where.endswith("raw mnemonic") or (where == "title" and "&" in text):
            found.append(f"{where}: {text}")
            continue
        words = [w for w in ENGLISH.findall(text or "") if w not in ALLOWED]
        if words:
            found.append(f"{where}: {text!r}")
    return found


@pytest.fixture
def shell(qtbot, ctx):
    created = Store.create(ctx.data_dir, passphrase="合言葉です合言葉", user="田中", town="例示県つなぎ町", kdf=FAST)
    exchange.import_records(created.store, demo.generate(20, seed=3))
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.resize(1366, 768)
    shell.enter(created.store)
    shell.show()
    yield shell
    shell.lock()


def test_every_page_and_the_household_screen_speak_japanese(qtbot, shell):
    nav = shell.content.nav
    found = []
    for row in range(nav.count()):
        nav.setCurrentRow(row)
        found += [f"page {row}: {f}" for f in _english(shell)]
    page = shell.content.page("世帯")
    hid = households.search.first_rows(shell.ctx.store, "", 1)[0].id if hasattr(households, "search") else None
    from app.services.households import search

    hid = search.first_rows(shell.ctx.store, "", 1)[0].id
    nav.setCurrentRow(1)
    page.open(hid)
    for tab in range(page.detail.tabs.count()):
        page.detail.tabs.setCurrentIndex(tab)
        found += [f"household tab {tab}: {f}" for f in _english(shell)]
    assert found == [], "\n".join(found)


def test_the_main_dialogs_speak_japanese(qtbot, ctx, shell):
    hid = households.create_household(ctx.store, address="例示町1")
    households.add_member(ctx.store, hid, {"name": "山田 太郎", "birth_date": date(1950, 1, 1)})
    h = households.open_household(ctx.store, hid)
    dialogs = [HouseholdDialog(ctx, shell), MemberDialog(ctx, h), IntakeDialog(ctx, h), VisitDialog(ctx, h)]
    found = []
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        found += [f"{type(dialog).__name__}: {f}" for f in _english(dialog)]
        dialog.hide()
    assert found == [], "\n".join(found)


def test_qt_own_words_are_japanese(qtbot, app):
    field = QLineEdit("山田")
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    texts = [a.text().split("\t")[0].replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts and not [t for t in texts if ENGLISH.search(t)], texts
    assert "元に戻す" in "".join(texts) or "取り消し" in "".join(texts)
    box = QMessageBox(QMessageBox.Icon.Question, "確認", "よろしいですか", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(box)
    box.show()
    labels = sorted(b.text().replace("&", "") for b in box.buttons())
    assert not [t for t in labels if ENGLISH.search(t)], labels
    assert isinstance(menu, QMenu)


def test_the_file_dialog_is_japanese(qtbot, app, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    dialog = QFileDialog(None, "バックアップから復元", str(tmp_path), "つなぎのバックアップ (*.tsbk)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own dialog (Windows shows its own)
    qtbot.addWidget(dialog)
    dialog.show()
    found = [f for f in _english(dialog) if "QHeaderView" not in f and "QComboBox" not in f]
    assert found == [], "\n".join(found)
