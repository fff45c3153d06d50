"""Bounded input everywhere (issue 19): a zip bomb in a backup, huge fields, lone surrogates, 10,000-digit
numbers, deep nesting and a 50 kB search each end in a clear Japanese message naming the place — or,
for the search, are cut to what a search box takes — and nothing is written."""

from __future__ import annotations

import json
import shutil
import time
import tracemalloc
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from app.models import Household
from app.services.common import bounded
from app.services.common.errors import InvalidInput
from app.services.households import exchange, households, search
from app.services.records import household_format
from app.services.store import backup
from tests.conftest import PASSPHRASE

FORMAT = household_format.FORMAT


def _doc(**member):
    m = {"id": "m1", "name": "山田 花子", "birth_date": "1950-01-01"} | member
    return {"format": FORMAT, "households": [{"id": "H-1", "address": "本町1", "members": [m]}]}


def _write(path, text_):
    path.write_text(text_, encoding="utf-8")
    return path


def _count(store):
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Household))


# --- backups: sizes checked before any entry is read ------------------------------------------------


def _bomb(src, dest, name, size):
    """``src`` with entry ``name`` replaced by ``size`` bytes of spaces, deflated (a few kB on disk)."""
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dest, "w") as b:
        for item in a.infolist():
            if item.filename != name:
                b.writestr(item, a.read(item.filename))
                continue
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with b.open(info, "w", force_zip64=True) as out:
                chunk = b" " * (1 << 20)
                for _ in range(size >> 20):
                    out.write(chunk)
    return dest


@pytest.mark.parametrize("entry", [backup.MANIFEST, "tsunagi.keys"], ids=["manifest", "keys"])
def test_a_zip_bomb_in_a_backup_is_refused_without_reading_it(store, tmp_path, entry):
    usb = tmp_path / "usb"
    usb.mkdir()
    good = backup.create_backup(store, usb).path
    bomb = _bomb(good, tmp_path / "bomb.tsbk", entry, 256 << 20)  # 256 MB inflated
    assert bomb.stat().st_size < good.stat().st_size + (2 << 20)
    target = tmp_path / "target"
    shutil.copytree(store.folder, target, ignore=shutil.ignore_patterns("*.lock"))
    before = _files(target)
    tracemalloc.start()
    try:
        with pytest.raises(backup.BackupInvalid, match="大きすぎます"):
            backup.check_only(bomb, passphrase=PASSPHRASE)
        with pytest.raises(backup.BackupInvalid, match="大きすぎます"):
            backup.restore(bomb, target, passphrase=PASSPHRASE)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20, f"{peak >> 20} MB"
    assert _files(target) == before


def _files(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.suffix != ".lock"}


def test_deeply_nested_or_huge_numbers_in_a_manifest_are_a_clear_message(store, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    good = backup.create_backup(store, usb).path
    for i, payload in enumerate([b"[" * 100_000, b'{"format": ' + b"9" * 10_000 + b"}"]):
        bad = tmp_path / f"bad{i}.tsbk"
        with zipfile.ZipFile(good) as a, zipfile.ZipFile(bad, "w") as b:
            for item in a.infolist():
                b.writestr(item, payload if item.filename == backup.MANIFEST else a.read(item.filename))
        with pytest.raises(backup.BackupInvalid, match="目録"):
            backup.read_manifest(bad)


# --- imported households: the dialogs' limits, exactly ---------------------------------------------


def test_a_ten_million_character_name_is_refused_at_once_naming_the_field(store, tmp_path):
    path = _write(tmp_path / "big.json", json.dumps(_doc(name="あ" * 10_000_000), ensure_ascii=False))
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as info:
        household_format.load(path)
    assert time.perf_counter() - started < 5
    message = str(info.value)
    assert "世帯 H-1 の 世帯員 m1 の 氏名（name）" in message and "200文字以内" in message
    assert len(message) < 200
    assert _count(store) == 0


@pytest.mark.parametrize(
    "field, limit", [("name", 200), ("kana", 200), ("phone", 40), ("note", 10_000), ("own_words", 10_000)]
)
def test_import_takes_exactly_what_the_dialogs_take(store, field, limit):
    fits = household_format.parse(_doc(**{field: "あ" * limit}))
    exchange.import_records(store, fits)
    with pytest.raises(InvalidInput, match=f"{limit:,}文字以内"):
        household_format.parse(_doc(**{field: "あ" * (limit + 1)}))
    # …and the member dialog (households.check_member) says the same of the same length.
    values = {"name": "山田 花子", "birth_date": date(1950, 1, 1), field: "あ" * (limit + 1)}
    with pytest.raises(households.FieldErrors) as info:
        households.check_member(values)
    assert f"{limit:,}文字以内" in info.value.errors[field]
    households.check_member(values | {field: "あ" * limit})


def test_household_fields_have_the_same_limits_in_the_dialog_and_the_file(store):
    too_long = "あ" * 201
    with pytest.raises(households.FieldErrors) as info:
        households.create_household(store, address=too_long)
    assert "200文字以内" in info.value.errors["address"]
    doc = _doc()
    doc["households"][0]["address"] = too_long
    with pytest.raises(InvalidInput, match=r"住所（address）: 200文字以内"):
        household_format.parse(doc)
    assert _count(store) == 0


def test_too_many_members_or_list_entries(store):
    doc = _doc()
    doc["households"][0]["members"] = [{"id": f"m{i}", "name": "a", "birth_date": "1950-01-01"} for i in range(101)]
    with pytest.raises(InvalidInput, match="100人まで"):
        household_format.parse(doc)
    with pytest.raises(InvalidInput, match="100個まで"):
        household_format.parse(_doc(issues=["poverty"] * 101))


def test_lone_surrogates_are_named_and_never_echoed(store, tmp_path, capsys):
    path = _write(tmp_path / "s.json", json.dumps(_doc(name="山田\ud800花子")))  # "\ud800" in the file
    with pytest.raises(InvalidInput) as info:
        household_format.load(path)
    message = str(info.value)
    assert "氏名（name）" in message and "サロゲート" in message
    message.encode("utf-8")  # printable: no surrogate made it into the message
    doc = _doc()
    doc["format"] = "tsunagi\udc80"
    message = str(pytest.raises(InvalidInput, household_format.parse, doc).value)
    message.encode("utf-8")
    doc = _doc()
    doc["households"][0]["id"] = "H-\ud83d"
    rows = household_format.parse_rows(doc)
    assert rows[0].id == "#1" and "サロゲート" in rows[0].error
    rows[0].error.encode("utf-8")
    assert _count(store) == 0


def test_ten_thousand_digit_numbers_are_a_type_error_at_their_place(tmp_path):
    digits = "9" * 10_000
    text_ = json.dumps(_doc(), ensure_ascii=False).replace('"山田 花子"', digits)
    with pytest.raises(InvalidInput) as info:
        household_format.load(_write(tmp_path / "n.json", text_))
    assert "氏名（name）" in str(info.value) and "10,000桁の数" in str(info.value)
    # Where nothing reads it, such a number is simply not looked at.
    text_ = json.dumps(_doc(), ensure_ascii=False)[:-1] + f', "x": {digits}' + "}"
    assert len(household_format.load(_write(tmp_path / "ok.json", text_))) == 1


def test_deep_nesting_names_the_line(tmp_path):
    text_ = '{"format": "tsunagi-households/1",\n "households": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(InvalidInput) as info:
        household_format.load(_write(tmp_path / "deep.json", text_))
    assert "2 行" in str(info.value) and "入れ子が深すぎます" in str(info.value)
    # Nesting Python can parse is judged by the format as usual.
    text_ = json.dumps(_doc(), ensure_ascii=False).replace('"山田 花子"', "[" * 500 + "]" * 500)
    with pytest.raises(InvalidInput, match="文字列で指定してください（リスト）"):
        household_format.load(_write(tmp_path / "deepish.json", text_))


def test_a_file_too_big_to_import_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(bounded, "MAX_IMPORT_BYTES", 1000)
    path = _write(tmp_path / "big.json", json.dumps(_doc(note="あ" * 2000), ensure_ascii=False))
    with pytest.raises(InvalidInput, match="大きすぎます"):
        household_format.load(path)


def test_values_quoted_in_messages_are_short(tmp_path):
    with pytest.raises(InvalidInput) as info:
        household_format.parse(_doc(sex="x" * 50))
    assert len(str(info.value)) < 400 and "xxxxx…" in str(info.value)
    with pytest.raises(InvalidInput) as info:
        household_format.parse(_doc(sex="x" * 5000))
    assert "100文字以内" in str(info.value)


# --- search ---------------------------------------------------------------------------------------


def test_a_fifty_kilobyte_search_is_cut_to_what_a_search_box_takes(store):
    hid = households.create_household(store, address="本町1")
    households.add_member(store, hid, {"name": "山田 花子", "birth_date": date(1950, 1, 1), "relation": "head"})
    with store.session() as s:
        for query in ("山" * 50_000, "山田" + "\ud800" * 1000, "0" * 50_000, "%" * 50_000, "\x00" * 10):
            search.find(s, query)  # no error, whatever it was
            search.page(s, query)
        assert search.find(s, "山田" + " " * 50_000) == [hid]
    kind, value = search.interpret("あ" * 50_000)
    assert kind == "text" and len(value) == search.MAX_QUERY


@pytest.mark.slow
def test_the_cli_says_where_and_writes_nothing(tmp_path):
    from tests.conftest import run_cli

    data = tmp_path / "data"
    env = {"TSUNAGI_PASSPHRASE": PASSPHRASE}
    assert run_cli("init", data_dir=data, env=env).returncode == 0
    files = {
        "huge": json.dumps(_doc(name="あ" * 1_000_000), ensure_ascii=False),
        "surrogate": json.dumps(_doc(name="\ud800")),
        "digits": json.dumps(_doc(), ensure_ascii=False).replace('"山田 花子"', "9" * 10_000),
        "deep": '{"format": "tsunagi-households/1", "households": ' + "[" * 100_000 + "]" * 100_000 + "}",
    }
    for name, content in files.items():
        path = _write(tmp_path / f"{name}.json", content)
        for args in (("import", str(path)), ("flags", "--input", str(path))):
            done = run_cli(*args, data_dir=data, env=env)
            assert done.returncode == 2, (name, args, done.stderr)
            assert "Traceback" not in done.stderr and len(done.stderr) < 500, (name, done.stderr)
    exported = run_cli("export", data_dir=data, env=env)
    assert json.loads(exported.stdout)["households"] == []


def test_agencies_take_the_same_lengths_from_the_dialog_and_from_a_csv(store, tmp_path):
    from app.services.referrals import agencies

    with pytest.raises(InvalidInput, match="名称: 200文字以内"):
        agencies.save(store, {"name": "あ" * 201})
    path = tmp_path / "agencies.csv"
    header = ",".join(agencies.CSV_HEADER)
    path.write_text(header + "\n" + "地域包括," + "い" * 201 + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="2行目: 部署・窓口: 200文字以内"):
        agencies.import_csv(store, path)
