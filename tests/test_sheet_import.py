"""Records from the town's sheets: .xlsx and .csv (UTF-8, cp932), the preview naming every bad cell,
all-or-nothing imports, approximate birth dates and the flags that use them, 宛名番号 and duplicates."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.models import Household, Intake, Person, Visit
from app.services.common.errors import InvalidInput
from app.services.common.japanese import parse_partial_date
from app.services.flags import flags
from app.services.households import exchange
from app.services.records import household_format
from app.services.sheets import casework, mapping, people, table, template
from bench.town_sheet import HEADERS as TOWN_HEADERS
from bench.town_sheet import person_rows, write_csv, write_xlsx
from tests.conftest import PASSPHRASE

HEADERS = ["世帯番号", "宛名番号", "氏名", "フリガナ", "性別", "生年月日", "続柄", "住所", "電話", "郵便番号"]


def _xlsx(path: Path, rows, headers=HEADERS) -> Path:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _preview(store, path):
    sheet = table.read(path)
    return people.preview_for_store(store, sheet, people.mapping_for(sheet))


def _persons(store):
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Person))


def test_a_town_workbook_and_its_cp932_twin_read_the_same(tmp_path, store):
    rows = person_rows(40, seed=3)
    a = _preview(store, write_xlsx(tmp_path / "town.xlsx", rows))
    b = _preview(store, write_csv(tmp_path / "town.csv", rows, encoding="cp932"))
    c = _preview(store, write_csv(tmp_path / "town-utf8.csv", rows, encoding="utf-8-sig"))
    assert a.ok and b.ok and c.ok, (a.problems[:3], b.problems[:3])
    assert table.read(tmp_path / "town.csv").encoding == "Shift_JIS"
    docs = [household_format.to_document(p.records) for p in (a, b, c)]
    assert docs[0] == docs[1] == docs[2]
    assert len(a.records) == 40 and a.persons == len(rows)
    done = people.import_preview(store, a)
    assert done.households == 40 and _persons(store) == len(rows)


def test_values_as_offices_write_them(tmp_path, store):
    path = _xlsx(tmp_path / "list.xlsx", [
        ["A-1", 10001, "山田 太郎", "やまだ たろう", "男", "昭和19年5月1日", "世帯主", "○○町１２３", 857221234, 6800011],
        ["A-1", "０１０００２", "山田 一郎", "ﾔﾏﾀﾞ ｲﾁﾛｳ", "男性", "昭和50年", "長男", "○○町123", None, None],
        ["A-1", None, "山田 ハナ", "", "女", "80代", "母", "", None, None],
        ["A-2", None, "佐藤 次郎", "サトウ ジロウ", "", datetime(1990, 2, 3), "本人", "△△町1", "0857-22-0000", "680-0012"],
    ])  # fmt: skip
    result = _preview(store, path)
    assert result.ok, result.problems
    yamada, sato = result.records
    assert yamada.id == "A-1" and yamada.extras["phone"] == "0857221234"  # the lost zero is back
    assert yamada.extras["postal_code"] == "680-0011"
    taro, ichiro, hana = yamada.members
    assert (taro.relation, ichiro.relation, hana.relation) == ("head", "child", "parent")
    assert taro.birth_date == date(1944, 5, 1) and taro.birth_earliest is None
    assert (ichiro.birth_earliest, ichiro.birth_date) == (date(1975, 1, 1), date(1975, 12, 31))
    assert ichiro.extras["birth_text"] == "昭和50年" and ichiro.extras["resident_number"] == "010002"
    assert hana.birth_approximate and hana.extras["birth_text"].startswith("80代")
    assert sato.members[0].birth_date == date(1990, 2, 3) and sato.members[0].sex == "unknown"
    assert sato.extras["postal_code"] == "680-0012"
    people.import_preview(store, result)
    exported = {r.id: r for r in exchange.export_records(store)}
    assert exported["A-1"].members[1].birth_earliest == date(1975, 1, 1)  # kept through the store
    assert exported["A-1"].members[1].extras["resident_number"] == "010002"


def test_three_bad_rows_refuse_the_whole_workbook_and_each_is_named(tmp_path, store):
    rows = person_rows(30, seed=5)
    rows[3][5] = "昭和99年13月"  # no such date
    rows[10][4] = "？"  # 性別 unknown word
    rows[20][2] = "山?田 太郎"  # what a lossy Shift_JIS conversion leaves
    result = _preview(store, _xlsx(tmp_path / "bad.xlsx", rows, TOWN_HEADERS))
    assert not result.ok
    named = {(p.row, p.column) for p in result.problems}
    assert named == {(5, "生年月日"), (12, "性別"), (22, "氏名")}
    assert any("文字化け" in str(p) for p in result.problems)
    with pytest.raises(InvalidInput):
        people.import_preview(store, result)
    assert _persons(store) == 0


def test_a_csv_in_neither_encoding_is_refused_not_guessed(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes("氏名,生年月日\n".encode() + b"\x82\xa0\xff\xfe,S19.5.1\n\x81\x20")
    with pytest.raises(InvalidInput, match="文字コード"):
        table.read(path)


def test_a_character_shift_jis_cannot_hold_arrives_intact_from_utf8(tmp_path, store):
    path = tmp_path / "names.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["氏名", "生年月日"], ["𠮷田 太郎", "S30.1.2"], ["髙橋 花子", "S31.2.3"], ["ก 一", "S32.1.1"]])
    result = _preview(store, path)
    assert result.ok
    assert "印刷できない" in result.lines[2].notes[0] and not result.lines[0].notes  # 𠮷 prints (fallback font)
    assert [r.members[0].name for r in result.records] == ["𠮷田 太郎", "髙橋 花子", "ก 一"]


def test_headers_in_their_usual_variants_need_no_mapping_and_the_choice_is_remembered(tmp_path, store):
    sheet = table.read(_xlsx(tmp_path / "v.xlsx", [["x", "山田 太郎", "S19.5.1", "ヤマダ"]], ["独自列", "名前", "誕生日", "カナ"]))
    chosen = mapping.propose(sheet.headers, people.FIELDS)
    assert chosen == {1: "name", 2: "birth", 3: "kana"}
    chosen[0] = "note"
    mapping.remember(store, "people", sheet.headers, chosen)
    assert mapping.propose(sheet.headers, people.FIELDS, mapping.remembered(store, "people"))[0] == "note"
    with pytest.raises(InvalidInput, match="「生年月日」の列が見つかりません"):
        people.mapping_for(table.read(_xlsx(tmp_path / "w.xlsx", [["山田"]], ["氏名"])))


def test_rows_without_a_household_number_are_grouped_by_address(tmp_path, store):
    result = _preview(store, _xlsx(tmp_path / "a.xlsx", [
        [None, None, "山田 太郎", "", "男", "S19.5.1", "世帯主", "○○町 1-2", None, None],
        [None, None, "山田 花子", "", "女", "S21.5.1", "妻", "○○町１－２", None, None],
        [None, None, "佐藤 一", "", "男", "S40.5.1", "世帯主", "", None, None],
    ]))  # fmt: skip
    assert result.ok and [len(r.members) for r in result.records] == [2, 1]
    done = people.import_preview(store, result)
    assert done.households == 2
    with store.session() as s:
        assert all(c.startswith("H-") for c in s.scalars(select(Household.code)))


def test_a_resident_number_is_unique_and_duplicates_are_proposed_never_merged(tmp_path, store):
    first = _preview(store, _xlsx(tmp_path / "1.xlsx", [["A", 501, "髙橋 太郎", "", "男", "S19.5.1", "世帯主", "町1", None, None]]))
    people.import_preview(store, first)
    again = _preview(store, _xlsx(tmp_path / "2.xlsx", [
        ["B", 501, "別人 一郎", "", "男", "S20.5.1", "世帯主", "町2", None, None],
        ["C", None, "髙橋 太郎", "", "男", "昭和19年", "世帯主", "町3", None, None],
        ["C", 777, "髙橋 花子", "", "女", "S21.1.1", "妻", "町3", None, None],
        ["C", 777, "髙橋 次郎", "", "男", "S50.1.1", "長男", "町3", None, None],
    ]))  # fmt: skip
    problems = {(p.row, p.column): p.message for p in again.problems}
    assert "登録済みの 髙橋 太郎" in problems[(2, "宛名番号")]
    assert "4行目と同じ宛名番号" in problems[(5, "宛名番号")]
    notes = {line.row: line.notes for line in again.lines}
    assert any("同じ人かもしれません" in n for n in notes[3])  # a note, not a problem
    assert (3, "氏名") not in problems


def test_an_approximate_age_fires_a_rule_only_when_every_age_in_the_range_does():
    def household(parent_birth: str, child_birth: str, as_of=date(2026, 4, 1)):
        p, c = (parse_partial_date(t, as_of) for t in (parent_birth, child_birth))
        doc = {"format": "tsunagi-households/1", "households": [{"id": "H", "members": [
            {"id": "p", "name": "親", "sex": "female", "relation": "head", "birth_date": p.latest.isoformat(),
             "birth_earliest": p.earliest.isoformat()},
            {"id": "c", "name": "子", "relation": "child", "birth_date": c.latest.isoformat(),
             "birth_earliest": c.earliest.isoformat(), "work": "not_working"}]}]}  # fmt: skip
        return household_format.parse(doc)[0]

    as_of = date(2026, 4, 1)
    fired = flags.evaluate(household("80代", "昭和46年"), as_of)  # 80–89 and born 1971: 54–55
    f8050 = [f for f in fired if f.kind == "8050"]
    assert len(f8050) == 1 and "概数" in f8050[0].reason
    # 70代 may be under 75: not certain, so no 8050 (conservative), and the reason never overstates.
    assert not [f for f in flags.evaluate(household("70代", "昭和46年"), as_of) if f.kind == "8050"]
    # A child born 「昭和36年」 is 64 or 65 on 2026-04-01: may be over 64, so no 8050 either.
    assert not [f for f in flags.evaluate(household("80代", "昭和36年"), as_of) if f.kind == "8050"]


def test_past_intakes_and_visits_link_by_resident_number_household_or_name(tmp_path, store):
    people.import_preview(store, _preview(store, _xlsx(tmp_path / "p.xlsx", [
        ["0001", 9001, "山田 太郎", "", "男", "S19.5.1", "世帯主", "町1", None, None],
        ["0001", None, "山田 一郎", "", "男", "S50.5.1", "長男", "町1", None, None],
        ["0002", None, "佐藤 花子", "", "女", "S30.5.1", "世帯主", "町2", None, None],
        ["0003", None, "佐藤 花子", "", "女", "S60.5.1", "世帯主", "町3", None, None],
    ])))  # fmt: skip
    intakes = _xlsx(tmp_path / "i.xlsx", [
        ["R7.4.10", None, 9001, None, None, "民生委員から", "父の介護", "自ら対応", ""],
        ["R7.5.1", "0001", None, "山田 一郎", None, "家族", "仕事のこと", "つなぐ", "ハローワーク"],
        ["R7.6.1", None, None, "佐藤 花子", "S30.5.1", "本人", "生活費", "情報提供のみ", ""],
    ], ["受付日", "世帯番号", "宛名番号", "氏名", "生年月日", "経路", "相談内容", "対応", "つないだ先"])  # fmt: skip
    sheet = table.read(intakes)
    result = casework.preview_for_store(store, sheet, casework.mapping_for(sheet, "intakes"), "intakes")
    assert result.ok, result.problems
    assert casework.import_preview(store, result) == 3
    with store.session() as s:
        got = s.execute(select(Intake.received_on, Intake.route, Intake.response, Intake.referred_to)
                        .order_by(Intake.received_on)).all()  # fmt: skip
        assert got == [(date(2025, 4, 10), "minsei", "self", ""), (date(2025, 5, 1), "family", "referral", "ハローワーク"),
                       (date(2025, 6, 1), "self", "info", "")]  # fmt: skip
    visits = _xlsx(tmp_path / "v.xlsx", [
        ["R7.7.1 14:30", "0001", None, "山田 一郎", "継続的支援訪問", "玄関先で話せた", "会えた"],
        ["R7.7.8", None, None, "佐藤 花子", "電話", "", "不在"],  # two 佐藤 花子 and no birth date: not a guess
        ["R7.7.9", "0099", None, None, "訪問", "", "会えた"],
        ["R7.7.10", "0002", None, None, "ドローン", "", "会えた"],
    ], ["訪問日", "世帯番号", "宛名番号", "氏名", "種別", "内容", "結果"])  # fmt: skip
    sheet = table.read(visits)
    result = casework.preview_for_store(store, sheet, casework.mapping_for(sheet, "visits"), "visits")
    assert {(p.row, p.column) for p in result.problems} == {(3, "氏名"), (4, "氏名"), (5, "種別")}
    assert "複数" in result.problems[0].message and "0099" in result.problems[1].message
    with pytest.raises(InvalidInput):
        casework.import_preview(store, result)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 0


def test_templates_import_with_no_choosing(tmp_path, store):
    for kind in ("people", "intakes", "visits"):
        template.write(tmp_path / f"{kind}.xlsx", kind)
        book = load_workbook(tmp_path / f"{kind}.xlsx")
        assert book.sheetnames[1] == "説明"
    sheet = table.read(tmp_path / "people.xlsx")
    assert people.import_preview(store, _preview(store, tmp_path / "people.xlsx")).households == 2
    sheet = table.read(tmp_path / "intakes.xlsx")
    result = casework.preview_for_store(store, sheet, casework.mapping_for(sheet, "intakes"), "intakes")
    assert result.ok and casework.import_preview(store, result) == 1


@pytest.mark.slow
def test_the_cli_imports_a_sheet_and_refuses_a_bad_one(tmp_path):
    from tests.conftest import run_cli

    env = {"TSUNAGI_PASSPHRASE": PASSPHRASE}
    data = tmp_path / "data"
    assert run_cli("init", "--user", "tanaka", data_dir=data, env=env).returncode == 0
    good = write_csv(tmp_path / "town.csv", person_rows(5, seed=2))
    bad = _xlsx(tmp_path / "bad.xlsx", [["1", None, "山田", "", "男", "いつか", "世帯主", "", None, None]])
    refused = run_cli("import", str(bad), data_dir=data, env=env)
    assert refused.returncode == 2 and "2行目の生年月日" in refused.stderr and refused.stdout == ""
    done = run_cli("import", str(good), data_dir=data, env=env)
    assert done.returncode == 0, done.stderr
    assert "世帯 5 件" in done.stdout
