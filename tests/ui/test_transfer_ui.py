"""すべて書き出す on the バックアップ page and 本人開示 on a member: a save dialog, the work behind the progress
window, the files where the user chose and the 持出し記録 showing them."""

from __future__ import annotations

import io
import json
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog, QPushButton

from app.services.households import households
from app.services.store.keyslots import FAST
from app.services.store.store import Store
from app.ui.window.shell import Shell

PASS = "合言葉です合言葉"


def _shell(qtbot, ctx):
    store = Store.create(ctx.data_dir, passphrase=PASS, user="田中", town="例示町", kdf=FAST).store
    hid = households.create_household(store, address="例示町本町1-2")
    households.add_member(store, hid, {"name": "山田 花子", "kana": "やまだ はなこ", "birth_date": date(1950, 1, 1),
                                       "relation": "head", "own_words": "畑をつづけたい"})  # fmt: skip
    households.add_intake(
        store, hid, {"received_on": date(2026, 4, 3), "main_complaint": "足が悪くなってきた"}
    )
    shell = Shell(ctx)
    qtbot.addWidget(shell)
    shell.enter(store)
    shell.show()
    return shell, store, hid


def test_everything_goes_out_from_the_backup_page(qtbot, ctx, tmp_path, monkeypatch):
    shell, store, _hid = _shell(qtbot, ctx)
    page = shell.content.page("バックアップ")
    shell.content.nav.setCurrentRow(list(shell.content.by_name).index("バックアップ"))
    chosen = tmp_path / "持出し" / "すべて.xlsx"
    chosen.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), ""))
    assert page.findChild(QPushButton, "export_all").text().startswith("すべて書き出す（Excel・JSON）")
    assert page.export_all()
    assert "世帯員" in load_workbook(chosen).sheetnames
    doc = json.loads(chosen.with_suffix(".json").read_text(encoding="utf-8"))
    assert doc["format"] == "tsunagi-export/1" and doc["intakes"][0]["main_complaint"] == "足が悪くなってきた"
    files = {page.log.item(r, 4).text() for r in range(page.log.rowCount())}
    assert {"すべて.xlsx", "すべて.json"} <= files  # in the 持出し記録 at once
    shell.lock()


def test_disclosure_of_a_member_from_the_household_screen(qtbot, ctx, tmp_path, monkeypatch):
    shell, store, hid = _shell(qtbot, ctx)
    shell.content.open_household(hid)
    tab = shell.content.page("世帯").detail.member_tab
    tab.table.selectRow(0)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    button = tab.findChild(QPushButton, "disclose_member")
    assert button is not None and button.text().startswith("本人開示")
    assert tab.disclose()
    pdf = next(tmp_path.glob("本人開示-*.pdf"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "山田 花子" in text and "畑をつづけたい" in text
    assert pdf.with_suffix(".xlsx").exists()
    shell.lock()
