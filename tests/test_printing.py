"""No plaintext left behind: PDFs for the viewer live in the data folder's print folder, readable only by
this user, and go when the store closes or opens again; every file saved or exported to a chosen place
goes into the 持出し管理簿."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import AuditEntry, MediaLog
from app.services.catalog import print_catalog
from app.services.households import households
from app.services.printing import printing
from app.services.referrals import agencies
from app.services.store import backup, media, media_ledger, print_folder
from app.services.store.store import Store
from tests.conftest import EXAMPLE, PASSPHRASE, run_cli

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX; Windows uses the profile's ACL")


@pytest.fixture
def household(store) -> int:
    hid = households.create_household(store, address="例示県つなぎ町大字本町1-2", district="本町一区")
    households.add_member(
        store, hid, {"name": "鷺ノ宮 澪蘭", "kana": "さぎのみや みおらん", "birth_date": date(1975, 6, 7),
                     "relation": "head"},
    )  # fmt: skip
    return hid


def face(store, hid) -> printing.Printed:
    return print_catalog.produce(store, "face", print_catalog.Request(household_id=hid))


def ledger(store) -> list[MediaLog]:
    with store.session() as s:
        return list(s.scalars(select(MediaLog).order_by(MediaLog.id)))


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_print_goes_into_the_data_folder_never_the_temp_folder(store, household, tmp_path, monkeypatch):
    temp = tmp_path / "system-temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # what ReportLab or anything else would use
    printed = face(store, household)
    path = printing.deliver(store, printed)
    assert path.parent == store.folder / print_folder.PRINT_DIR
    assert path.read_bytes() == printed.pdf
    assert list(temp.iterdir()) == []
    # The same form again while a viewer may still hold the first (Windows would refuse to replace it).
    again = printing.deliver(store, printed)
    assert again != path and path.exists() and again.exists()
    assert "鷺ノ宮" not in path.name  # named by form and household code only


@posix_only
def test_the_print_folder_is_private_under_a_common_umask(store, household, umask_022):
    path = printing.deliver(store, face(store, household))
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.parent.chmod(0o755)  # loosened by hand: the next print tightens it again
    printing.deliver(store, face(store, household))
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_clear_removes_the_folder_and_closing_the_store_clears_it(created, household):
    store = created.store
    folder = print_folder.print_dir(store.folder)
    printing.deliver(store, face(store, household))
    assert print_folder.clear(store.folder) == [] and not folder.exists()
    assert print_folder.clear(store.folder) == []  # nothing there: nothing to do
    printing.deliver(store, face(store, household))
    store.close()  # exit, lock and sign-out all close the store
    assert not folder.exists()


def test_the_next_open_removes_what_a_killed_app_left(created, household, store_dir):
    store = created.store
    left = printing.deliver(store, face(store, household))
    store.engine.dispose()  # killed: no close, the PDF stays
    assert left.exists()
    Store.open(store_dir, passphrase=PASSPHRASE, user="tanaka").close()
    assert not left.exists() and not print_folder.print_dir(store_dir).exists()


def test_a_file_a_viewer_holds_is_retried_then_left_without_an_error(tmp_path, monkeypatch):
    folder = print_folder.print_dir(tmp_path)
    folder.mkdir()
    held, free = folder / "held.pdf", folder / "free.pdf"
    held.write_bytes(b"%PDF"), free.write_bytes(b"%PDF")
    monkeypatch.setattr(print_folder, "CLEAR_WAIT_S", 0)
    real_unlink, refusals = Path.unlink, []

    def unlink(path, missing_ok=False):
        if path.name == "held.pdf" and len(refusals) < budget:
            refusals.append(path)
            raise PermissionError(32, "The process cannot access the file")  # a Windows sharing violation
        return real_unlink(path, missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    budget = 2  # the viewer lets go during the retries
    assert print_folder.clear(tmp_path) == [] and not folder.exists() and len(refusals) == 2

    folder.mkdir()
    held.write_bytes(b"%PDF")
    refusals.clear()
    budget = 1000  # still open at exit: left for the next start, and the exit goes on
    assert print_folder.clear(tmp_path) == [held]
    assert len(refusals) == print_folder.CLEAR_ROUNDS and held.exists()
    budget = 0
    assert print_folder.clear(tmp_path) == [] and not folder.exists()


def test_saving_a_pdf_goes_into_the_ledger(store, household, tmp_path):
    printed = face(store, household)
    dest = tmp_path / "保存先" / "世帯票.pdf"
    dest.parent.mkdir()
    assert printing.save_as(store, printed, dest) == dest
    assert dest.read_bytes() == printed.pdf
    (row,) = ledger(store)
    assert (row.action, row.operator, row.file, row.medium, row.result) == (
        "pdf", "tanaka", "世帯票.pdf", str(dest.parent), "ok"
    )
    assert (row.sha256, row.size) == (hashlib.sha256(printed.pdf).hexdigest(), len(printed.pdf))
    assert media_ledger.ACTIONS[row.action] == "PDF保存"
    with store.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "print")).one()
    assert json.loads(entry.detail)["saved_to"] == str(dest)
    assert not print_folder.print_dir(store.folder).exists()  # a save never leaves a copy behind


def test_a_file_on_a_removable_drive_is_logged_with_its_label(store, household, tmp_path, monkeypatch):
    stick = tmp_path / "stick"
    stick.mkdir()
    monkeypatch.setattr(media, "removable_media", lambda: [media.Medium(stick, "TOWN-USB（シリアル 1A2B）", True)])
    printing.save_as(store, face(store, household), stick / "世帯票.pdf")
    assert ledger(store)[-1].medium == "TOWN-USB（シリアル 1A2B）"


def test_exports_to_a_chosen_file_go_into_the_ledger(store, household, tmp_path):
    from app.services.households.exchange import export_file
    from app.services.statistics import statistics, statistics_export
    from app.services.statistics.statistics import Period

    agencies.add_typical(store)
    agencies.export_csv(store, tmp_path / "関係機関.csv")
    report = statistics.compute(store, Period.of(2026))
    statistics_export.write_xlsx(report, tmp_path / "統計.xlsx", store)
    statistics_export.write_csv(report, tmp_path / "統計.csv", store)
    assert export_file(store, tmp_path / "世帯.json") == 1
    rows = ledger(store)
    assert [(r.action, r.file) for r in rows] == [
        ("export", "関係機関.csv"), ("export", "統計.xlsx"), ("export", "統計.csv"), ("export", "世帯.json")
    ]
    for r in rows:
        data = (tmp_path / r.file).read_bytes()
        assert (r.sha256, r.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert "鷺ノ宮 澪蘭" in (tmp_path / "世帯.json").read_text(encoding="utf-8")


@pytest.mark.slow
def test_cli_export_to_a_file_goes_into_the_ledger(tmp_path, no_keyring):
    env = {"TSUNAGI_PASSPHRASE": PASSPHRASE}
    data = tmp_path / "data"
    assert run_cli("init", "--user", "tanaka", data_dir=data, env=env).returncode == 0
    assert run_cli("import", str(EXAMPLE), data_dir=data, env=env).returncode == 0
    out = tmp_path / "out" / "世帯.json"
    out.parent.mkdir()
    done = run_cli("export", "--output", str(out), data_dir=data, env=env)
    assert done.returncode == 0, done.stderr
    assert run_cli("export", data_dir=data, env=env).returncode == 0  # to stdout: no file, no ledger row
    store = Store.open(data, passphrase=PASSPHRASE, user="tanaka")
    try:
        (row,) = ledger(store)
    finally:
        store.close()
    payload = out.read_bytes()
    assert (row.action, row.file, row.medium) == ("export", "世帯.json", str(out.parent))
    assert (row.sha256, row.size) == (hashlib.sha256(payload).hexdigest(), len(payload))


def recovery_sheet(store) -> printing.Printed:
    options = {"recovery_key": "ABCD-" * 8 + "ABCD", "store_id": store.keyfile.store_id}
    return print_catalog.produce(store, "recovery-key", print_catalog.Request(options=options))


def test_the_recovery_sheet_is_warned_off_sticks_backups_and_the_data_folder(store, household, tmp_path,
                                                                            monkeypatch):  # fmt: skip
    from app.services.printing import recovery_sheet as sheet_module

    assert printing.RECOVERY_SHEET_TITLE == sheet_module.TITLE
    sheet = recovery_sheet(store)
    assert printing.is_recovery_sheet(sheet) and not printing.is_recovery_sheet(face(store, household))
    stick, backups, documents = tmp_path / "stick", tmp_path / "backups", tmp_path / "documents"
    for folder in (stick, backups, documents):
        folder.mkdir()
    monkeypatch.setattr(media, "removable_media", lambda: [media.Medium(stick, "TOWN-USB", True)])
    backup.create_backup(store, backups)

    for place in (stick / "鍵.pdf", stick / "sub" / "鍵.pdf", backups / "鍵.pdf", store.folder / "鍵.pdf"):
        warning = printing.place_warning(store, sheet, place)
        assert "USBメモリやバックアップと同じ場所" in warning and "盗まれる" in warning, place
    assert printing.place_warning(store, sheet, documents / "鍵.pdf") == ""
    assert printing.place_warning(store, face(store, household), stick / "世帯票.pdf") == ""
    named = ["TOWN-USB（シリアル 1A2B）（" + str(stick / "つなぎ") + "）", str(backups), "USB-01", str(backups)]
    assert media_ledger.folders_named(named) == [stick / "つなぎ", backups]
