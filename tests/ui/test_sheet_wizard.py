"""The sheet import wizard, driven as the coordinator would: choose the file, check the columns (change
one), see every bad row at its cell, and import all or nothing."""

from __future__ import annotations

from openpyxl import Workbook, load_workbook

from app.services.sheets import mapping
from app.ui.households.sheet_wizard import SheetImportWizard
from bench.town_sheet import HEADERS, person_rows, write_csv


def _workbook(path, headers, rows):
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_town_csv_goes_through_the_three_steps(qtbot, ctx, shell, tmp_path):
    path = write_csv(tmp_path / "町の名簿.csv", person_rows(12, seed=4))
    wizard = SheetImportWizard(ctx, path=path)
    qtbot.addWidget(wizard)
    assert wizard.stack.currentIndex() == 1  # the columns, proposed from the header words
    assert wizard.chosen_mapping() == {i: k for i, k in enumerate(
        ["household_key", "resident_number", "name", "kana", "sex", "birth", "relation", "address", "postal_code",
         "phone", "district", "note"])}  # fmt: skip
    assert wizard.map_table.item(2, 0).text() == "氏名" and wizard.map_table.item(2, 1).text()
    wizard.next_button.click()
    assert wizard.stack.currentIndex() == 2
    assert not wizard.import_button.isHidden() and "12 世帯" in wizard.summary.text()
    assert wizard.preview_table.rowCount() == len(person_rows(12, seed=4))
    assert wizard.preview_table.item(0, 4).text() == "取り込めます"
    wizard.import_button.click()
    assert wizard.result is not None and ctx.store.counts()["households"] == 12
    assert "12 世帯" in wizard.done_text
    assert mapping.remembered(ctx.store, "people")["氏名"] == "name"  # proposed the same next time


def test_bad_rows_are_shown_at_their_cells_and_nothing_is_written(qtbot, ctx, shell, tmp_path):
    rows = person_rows(10, seed=6)
    rows[1][5] = "昭和七十年"
    rows[4][6] = "大家さん"
    rows[7][2] = ""
    path = _workbook(tmp_path / "bad.xlsx", HEADERS, rows)
    wizard = SheetImportWizard(ctx, path=path)
    qtbot.addWidget(wizard)
    wizard.next_button.click()
    assert wizard.import_button.isHidden()
    assert "3 件の誤り" in wizard.summary.text()
    shown = [r for r in range(wizard.preview_table.rowCount()) if not wizard.preview_table.isRowHidden(r)]
    assert [wizard.preview_table.item(r, 0).text() for r in shown] == ["3", "6", "9"]
    texts = [wizard.preview_table.item(r, 4).text() for r in shown]
    assert texts[0].startswith("3行目の生年月日") and "続柄「大家さん」" in texts[1] and "氏名が空欄" in texts[2]
    wizard.only_bad.setChecked(False)
    assert not any(wizard.preview_table.isRowHidden(r) for r in range(wizard.preview_table.rowCount()))
    assert ctx.store.counts()["households"] == 0


def test_columns_the_app_does_not_know_are_chosen_by_hand(qtbot, ctx, shell, tmp_path):
    path = _workbook(tmp_path / "own.xlsx", ["お名前", "うまれ", "メモ欄"], [["山田 太郎", "S19.5.1", "見守り"]])
    wizard = SheetImportWizard(ctx, path=path)
    qtbot.addWidget(wizard)
    assert wizard.chosen_mapping() == {}
    wizard.next_button.click()
    assert "氏名" in wizard.error.text() and wizard.stack.currentIndex() == 1
    for row, key in ((0, "name"), (1, "birth"), (2, "note")):
        combo = wizard.combos[row]
        combo.setCurrentIndex(combo.findData(key))
    wizard.next_button.click()
    assert wizard.stack.currentIndex() == 2 and not wizard.import_button.isHidden()
    wizard.import_button.click()
    assert ctx.store.counts()["households"] == 1


def test_the_template_is_saved_and_past_visits_come_in(qtbot, ctx, shell, tmp_path):
    wizard = SheetImportWizard(ctx, path=write_csv(tmp_path / "p.csv", person_rows(3, seed=1)))
    qtbot.addWidget(wizard)
    wizard.next_button.click()
    wizard.import_button.click()
    wizard = SheetImportWizard(ctx, kind="visits")
    qtbot.addWidget(wizard)
    wizard.write_template(tmp_path / "visits.xlsx")
    assert load_workbook(tmp_path / "visits.xlsx").sheetnames == ["訪問", "説明"]
    visits = _workbook(tmp_path / "v.xlsx", ["訪問日", "世帯番号", "種別", "結果", "内容"],
                       [["R7.5.1 10:00", "00001", "継続的支援訪問", "会えた", "庭先で話した"],
                        ["R7.5.8", "00002", "電話", "不在", ""]])  # fmt: skip
    wizard.load(visits)
    wizard.next_button.click()
    assert not wizard.import_button.isHidden(), wizard.summary.text()
    wizard.import_button.click()
    assert "訪問 2 件" in wizard.done_text
