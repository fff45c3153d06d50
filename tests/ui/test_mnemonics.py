"""No Alt+letter serves two things on one screen (issue 24: サインアウト(&O) and 開く(&O) on the same
page): for every page of the main window with its header, every tab of the household screen, and the
main dialogs, the mnemonic letters of what is on screen at once — buttons, check boxes, labels with a
buddy, tabs and group boxes — are all different."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabBar, QWidget

from app.services.households import demo, exchange, households, search
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.households.dialogs import IntakeDialog, MemberDialog
from app.ui.outreach.dialogs import VisitDialog
from app.ui.referrals.dialogs import ReferralDialog
from app.ui.window.shell import Shell

MNEMONIC = re.compile(r"&(?!&)(\w)")


def mnemonics(root: QWidget) -> list[tuple[str, str]]:
    """(letter, the text it is in) for each mnemonic of a widget on screen under ``root``."""
    texts: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisible():
            continue
        if isinstance(w, QAbstractButton) or (isinstance(w, QLabel) and w.buddy() is not None):
            texts.append(w.text())
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
        elif isinstance(w, QTabBar):
            texts += [w.tabText(i) for i in range(w.count()) if w.isTabVisible(i)]
    return [(m.group(1).upper(), text) for text in texts for m in MNEMONIC.finditer(text.replace("&&", ""))]


def clashes(root: QWidget) -> list[str]:
    found = mnemonics(root)
    twice = {letter for letter, n in Counter(letter for letter, _ in found).items() if n > 1}
    return [f"Alt+{letter}: " + " / ".join(t for m, t in found if m == letter) for letter in sorted(twice)]


def test_the_walk_sees_what_is_on_screen_and_nothing_else(qtbot, app):
    from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QPushButton, QTabWidget

    root = QWidget()
    form = QFormLayout(root)
    field = QLineEdit()
    form.addRow("氏名(&N)", field)
    form.labelForField(field).setBuddy(field)
    form.addRow(QPushButton("開く(&O)…"), QCheckBox("同居(&O)"))
    form.addRow(QLabel("説明だけ(&X)"))  # no buddy: no shortcut
    hidden = QPushButton("隠れている(&N)")
    form.addRow(hidden)
    hidden.hide()
    tabs = QTabWidget()
    tabs.addTab(QWidget(), "履歴(&H)")
    tabs.addTab(QGroupBox("町と帳票(&T)"), "ほか")
    form.addRow(tabs)
    qtbot.addWidget(root)
    root.show()
    assert sorted(m for m, _ in mnemonics(root)) == ["H", "N", "O", "O"]  # the group box is on a hidden tab
    assert clashes(root) == ["Alt+O: 開く(&O)… / 同居(&O)"]


@pytest.fixture
def shell(qtbot, ctx):
    created = Store.create(ctx.data_dir, passphrase="合言葉です合言葉", user="田中", town="例示県つなぎ町", kdf=FAST)
    exchange.import_records(created.store, demo.generate(20, seed=3))
    window = Shell(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.enter(created.store)
    window.show()
    yield window
    window.lock()


def test_every_page_with_the_header_has_each_letter_once(qtbot, shell):
    content = shell.content
    found = []
    for row, name in enumerate(content.by_name):
        content.nav.setCurrentRow(row)
        assert content.pages.currentWidget() is content.page(name)
        found += [f"{name}: {c}" for c in clashes(content)]
        assert len(mnemonics(content)) > 2, name  # the header's and the page's own letters were seen
    # The household screen, tab by tab (a tab's buttons are on screen only with it).
    page = content.page("世帯")
    content.nav.setCurrentRow(list(content.by_name).index("世帯"))
    page.open(search.first_rows(shell.ctx.store, "", 1)[0].id)
    tabs = page.detail.tabs
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        found += [f"世帯 / {tabs.tabText(i)}: {c}" for c in clashes(content)]
    assert found == [], "\n".join(found)


def test_the_main_dialogs_have_each_letter_once(qtbot, ctx, shell):
    hid = households.create_household(ctx.store, address="例示町1")
    households.add_member(ctx.store, hid, {"name": "山田 太郎", "birth_date": date(1950, 1, 1)})
    h = households.open_household(ctx.store, hid)
    dialogs = [MemberDialog(ctx, h), IntakeDialog(ctx, h), VisitDialog(ctx, h), ReferralDialog(ctx, h)]
    found = []
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert len(mnemonics(dialog)) > 3, type(dialog).__name__
        found += [f"{type(dialog).__name__}: {c}" for c in clashes(dialog)]
        dialog.hide()
    assert found == [], "\n".join(found)
