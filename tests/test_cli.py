"""The CLI contract, run as other tools run it: ``python -m app`` in a fresh process."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import sysconfig
from pathlib import Path

import pytest

from app.services.records import household_format
from tests.conftest import EXAMPLE, EXPECTED, PASSPHRASE, run_cli

pytestmark = pytest.mark.slow
ENV = {"TSUNAGI_PASSPHRASE": PASSPHRASE}
RECOVERY = re.compile(r"^([0-9A-Z]{4}-){8}[0-9A-Z]{4}$")


def _normalised(doc: dict) -> dict:
    return json.loads(json.dumps(household_format.to_document(household_format.parse(doc))))


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "data"
    done = run_cli("init", "--town", "例示町", "--user", "tanaka", data_dir=folder, env=ENV)
    assert done.returncode == 0, done.stderr
    assert RECOVERY.match(done.stdout.strip())
    assert "回復キー" in done.stderr and "キーリング" in done.stderr
    return folder


def test_import_then_export_gives_the_same_households(data, tmp_path):
    imported = run_cli("import", str(EXAMPLE), data_dir=data, env=ENV)
    assert imported.returncode == 0, imported.stderr
    assert "世帯 3 件" in imported.stdout and "世帯員 7 人" in imported.stdout
    exported = run_cli("export", data_dir=data, env=ENV)
    assert exported.returncode == 0, exported.stderr
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert _normalised(json.loads(exported.stdout)) == _normalised(example)

    out = tmp_path / "out.json"
    to_file = run_cli("--data-dir", str(data), "export", "--output", str(out), env=ENV)
    assert to_file.returncode == 0 and to_file.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(exported.stdout)


def test_import_refuses_duplicates_as_a_whole(data):
    assert run_cli("import", str(EXAMPLE), data_dir=data, env=ENV).returncode == 0
    again = run_cli("import", str(EXAMPLE), data_dir=data, env=ENV)
    assert again.returncode == 2 and "何も取り込んでいません" in again.stderr


def test_data_dir_before_or_after_the_subcommand(data):
    for args in (("--data-dir", str(data), "audit", "verify"), ("audit", "verify", "--data-dir", str(data))):
        done = run_cli(*args, env=ENV)
        assert done.returncode == 0, done.stderr


def test_secret_sources_and_exit_codes(data, tmp_path):
    wrong = run_cli("export", data_dir=data, env={"TSUNAGI_PASSPHRASE": "ちがう"})
    assert wrong.returncode == 3 and wrong.stdout == "" and "パスフレーズが違います" in wrong.stderr

    none = run_cli("export", data_dir=data)
    assert none.returncode == 2 and "TSUNAGI_PASSPHRASE" in none.stderr

    secret = tmp_path / "secret.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    assert run_cli("export", "--passphrase-file", str(secret), data_dir=data).returncode == 0

    bad_key = run_cli("export", data_dir=data, env={"TSUNAGI_RECOVERY_KEY": "0000-0000"})
    assert bad_key.returncode == 2 and "回復キー" in bad_key.stderr

    missing = run_cli("export", data_dir=tmp_path / "nowhere", env=ENV)
    assert missing.returncode == 1 and "init" in missing.stderr


def test_recovery_key_from_the_environment(tmp_path):
    folder = tmp_path / "d"
    init = run_cli("init", data_dir=folder, env=ENV)
    key = init.stdout.strip()
    assert run_cli("audit", "verify", data_dir=folder, env={"TSUNAGI_RECOVERY_KEY": key}).returncode == 0


def test_init_refuses_an_existing_store(data):
    again = run_cli("init", data_dir=data, env=ENV)
    assert again.returncode == 2 and "すでにデータ" in again.stderr


def test_flags_needs_no_store_and_prints_the_contract(tmp_path):
    done = run_cli("flags", "--input", str(EXAMPLE), "--as-of", "2026-04-01", data_dir=tmp_path / "none")
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert got["format"] == "tsunagi-flags/1" and got["as_of"] == "2026-04-01"
    for g, e in zip(got["households"], expected["households"], strict=True):
        assert g["id"] == e["id"]
        assert sorted((f["kind"], f["members"]) for f in g["flags"]) == sorted(
            (f["kind"], f["members"]) for f in e["flags"]
        )
    assert not (tmp_path / "none").exists()


def test_flags_as_of_defaults_to_today():
    done = run_cli("flags", "--input", str(EXAMPLE))
    from datetime import date

    assert done.returncode == 0 and json.loads(done.stdout)["as_of"] == date.today().isoformat()


def test_flags_invalid_input_exits_2_naming_the_place(tmp_path):
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["households"][1]["members"][2]["birth_date"] = "1950-02-30"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    done = run_cli("flags", "--input", str(bad))
    assert done.returncode == 2 and done.stdout == ""
    assert "世帯 EX-2" in done.stderr and "世帯員 g" in done.stderr and "birth_date" in done.stderr

    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert run_cli("flags", "--input", str(tmp_path / "broken.json")).returncode == 2
    assert run_cli("flags", "--input", str(tmp_path / "absent.json")).returncode == 2
    date_bad = run_cli("flags", "--input", str(EXAMPLE), "--as-of", "平成31年5月1日")
    assert date_bad.returncode == 2 and "平成の期間" in date_bad.stderr


def test_usage_errors_exit_2_in_japanese():
    done = run_cli("flags")
    assert done.returncode == 2 and "コマンドの指定に誤りがあります" in done.stderr


def test_demo_is_deterministic_per_seed(tmp_path):
    exports = []
    for name in ("a", "b"):
        folder = tmp_path / name
        done = run_cli("demo", "--households", "40", "--seed", "5", data_dir=folder, env=ENV)
        assert done.returncode == 0, done.stderr
        exports.append(run_cli("export", data_dir=folder, env=ENV).stdout)
    assert exports[0] == exports[1]
    assert len(json.loads(exports[0])["households"]) == 40
    again = run_cli("demo", "--households", "40", data_dir=tmp_path / "a", env=ENV)
    assert again.returncode == 2


def test_console_script_is_installed():
    # The scripts folder of this installation: beside python in a venv, Scripts\ under a full Windows install.
    folders = {str(Path(sys.executable).parent), sysconfig.get_path("scripts")}
    script = shutil.which("tsunagi", path=os.pathsep.join(folders))
    assert script is not None


def test_backup_verify_and_restore_from_the_command_line(data, tmp_path):
    assert run_cli("import", str(EXAMPLE), data_dir=data, env=ENV).returncode == 0
    usb = tmp_path / "usb"
    usb.mkdir()
    made = run_cli("backup", "--to", str(usb), data_dir=data, env=ENV)
    assert made.returncode == 0, made.stderr
    path = Path(made.stdout.strip())
    assert path.parent == usb and path.suffix == ".tsbk" and "安全に取り外せます" in made.stderr
    ok = run_cli("verify-backup", str(path), env=ENV)
    assert ok.returncode == 0 and "世帯 3 件" in ok.stdout
    assert run_cli("verify-backup", str(path), env={"TSUNAGI_PASSPHRASE": "ちがう"}).returncode == 3
    broken = tmp_path / "broken.tsbk"
    broken.write_bytes(path.read_bytes()[:5000])
    bad = run_cli("verify-backup", str(broken), env=ENV)
    assert bad.returncode == 2 and "壊れて" in bad.stderr
    assert run_cli("restore", "--from", str(broken), data_dir=tmp_path / "r1", env=ENV).returncode == 2
    assert not (tmp_path / "r1" / "tsunagi.db").exists()
    restored = run_cli("restore", "--from", str(path), data_dir=tmp_path / "r2", env=ENV)
    assert restored.returncode == 0, restored.stderr
    exported = run_cli("export", data_dir=tmp_path / "r2", env=ENV)
    assert len(json.loads(exported.stdout)["households"]) == 3


def test_every_form_prints_from_the_cli_through_the_same_pipeline(data, tmp_path):
    from pypdf import PdfReader

    listed = run_cli("print", "--list", data_dir=data, env=ENV)
    assert listed.returncode == 0, listed.stderr
    keys = [line.split("\t")[0] for line in listed.stdout.splitlines()]
    assert {"face", "intake", "timeline", "referral", "summary", "plan", "agenda", "minutes"} <= set(keys)
    assert "recovery-key" not in keys  # made only when a key is made
    assert run_cli("import", str(EXAMPLE), data_dir=data, env=ENV).returncode == 0
    out = tmp_path / "世帯票.pdf"
    done = run_cli("print", "face", "--household", "EX-1", "--output", str(out), data_dir=data, env=ENV)
    assert done.returncode == 0, done.stderr
    assert "例示 一郎" in "".join(p.extract_text() for p in PdfReader(out).pages)
    minimal = tmp_path / "匿名.pdf"
    done = run_cli("print", "summary", "--household", "EX-1", "--basis", "minimal", "--output", str(minimal),
                   data_dir=data, env=ENV)  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = "".join(p.extract_text() for p in PdfReader(minimal).pages)
    assert "一郎" not in text and "例示 一郎" not in text and "匿名化" in text and "守秘義務" in text
    wrong = run_cli("print", "face", "--household", "EX-9", "--output", str(out), data_dir=data, env=ENV)
    assert wrong.returncode == 2 and "EX-9" in wrong.stderr
    more = run_cli("print", "face", "--household", "EX-1", "--basis", "consent", "--output", str(out),
                   data_dir=data, env=ENV)  # fmt: skip
    assert more.returncode == 2 and "庁内の記録" in more.stderr
