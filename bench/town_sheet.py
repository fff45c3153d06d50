"""A town's list of people in the shape towns keep it (one row per person, 和暦 strings, 「80代」, blank
cells, phones typed into number cells), as .xlsx and as its cp932 CSV twin; and the import benchmark.

    python -m bench.town_sheet [--households 2000]

prints the time to read, check and import each file into a new store (target: under 10 s).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HEADERS = ["世帯番号", "宛名番号", "氏名", "フリガナ", "性別", "生年月日", "続柄", "住所", "郵便番号", "電話", "地区", "備考"]
FAMILY = [("山田", "ヤマダ"), ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("髙橋", "タカハシ"), ("田中", "タナカ"), ("渡邊", "ワタナベ"),
          ("伊藤", "イトウ"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("山﨑", "ヤマザキ"), ("斎藤", "サイトウ"), ("松本", "マツモト")]
MEN = [("太郎", "タロウ"), ("一郎", "イチロウ"), ("健", "ケン"), ("誠", "マコト"), ("茂", "シゲル"), ("浩", "ヒロシ")]
WOMEN = [("花子", "ハナコ"), ("幸子", "サチコ"), ("恵子", "ケイコ"), ("美咲", "ミサキ"), ("和子", "カズコ"), ("陽子", "ヨウコ")]
AREAS = ["東町", "西町", "南町", "北町", "中央", "大字上", "大字下"]
ERAS = ((date(1989, 1, 8), "平成", "H"), (date(1926, 12, 25), "昭和", "S"), (date(2019, 5, 1), "令和", "R"))


def wareki(day: date, style: int) -> str:
    start, name, letter = max((e for e in ERAS if day >= e[0]), key=lambda e: e[0])
    year = day.year - start.year + 1
    if style == 0:
        return f"{name}{year}年{day.month}月{day.day}日"
    if style == 1:
        return f"{letter}{year}.{day.month}.{day.day}"
    return f"{name}{str(year).translate(str.maketrans('0123456789', '０１２３４５６７８９'))}年{day.month}月{day.day}日"


def person_rows(households: int, seed: int = 1, today: date = date(2026, 4, 1)) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = []
    number = 100_000
    for h in range(1, households + 1):
        family, family_kana = rng.choice(FAMILY)
        area = rng.choice(AREAS)
        address = f"鳥取県○○町{area}{rng.randint(1, 999)}番地"
        phone: object = int(f"857{rng.randint(100000, 999999)}") if rng.random() < 0.5 else f"0857-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
        head_age = rng.randint(30, 95)
        people = [("世帯主", head_age, rng.random() < 0.5)]
        if rng.random() < 0.6:
            people.append(("妻", max(18, head_age - rng.randint(0, 5)), False))
        for i in range(rng.choice((0, 0, 1, 1, 2))):
            people.append((("長男", "長女", "次男")[i], max(0, head_age - rng.randint(22, 38)), i != 1))
        for relation, age, male in people:
            given, given_kana = rng.choice(MEN if male else WOMEN)
            born = today - timedelta(days=age * 365 + rng.randint(0, 364))
            r = rng.random()
            birth = f"{age // 10 * 10}代" if r < 0.04 else (f"昭和{born.year - 1925}年" if r < 0.08 and born.year < 1989 and born.year > 1926 else wareki(born, rng.randint(0, 2)))
            number += 1
            rows.append([
                f"{h:05d}", number, f"{family} {given}", "" if rng.random() < 0.1 else f"{family_kana} {given_kana}",
                "男" if male else "女", birth, relation, address, 6800000 + rng.randint(0, 999) if rng.random() < 0.5 else "680-0001",
                phone if relation == "世帯主" else None, area, "" if rng.random() < 0.9 else "民生委員より",
            ])  # fmt: skip
    return rows


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("世帯員名簿")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list[object]], encoding: str = "cp932") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for row in rows:
            # What Excel writes to CSV: numbers as shown (so a phone in a number cell has lost its zero).
            writer.writerow(["" if c is None else c for c in row])
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=2000)
    args = parser.parse_args()
    from app.services.sheets import people, table
    from app.services.store.keyslots import FAST
    from app.services.store.store import Store
    from bench.stores import PASSPHRASE  # noqa: F401  (sets up the keyring-less environment)

    rows = person_rows(args.households)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = [write_xlsx(tmp / "town.xlsx", rows), write_csv(tmp / "town.csv", rows)]
        print(f"{args.households:,} households, {len(rows):,} people (one row per person)")
        for i, path in enumerate(files):
            store = Store.create(tmp / f"store{i}", passphrase="bench-passphrase", kdf=FAST).store
            try:
                t0 = time.perf_counter()
                sheet = table.read(path)
                t1 = time.perf_counter()
                result = people.preview_for_store(store, sheet, people.mapping_for(sheet))
                t2 = time.perf_counter()
                if not result.ok:
                    sys.exit(f"{path.name}: {result.problems[:3]}")
                done = people.import_preview(store, result)
                t3 = time.perf_counter()
            finally:
                store.close()
            total = t3 - t0
            print(f"  {path.name:10} read {t1 - t0:5.2f} s  check {t2 - t1:5.2f} s  import {t3 - t2:5.2f} s  "
                  f"total {total:5.2f} s  ({done.households:,} households)  target < 10 s: {'met' if total < 10 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
