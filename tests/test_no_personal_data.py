"""No personal data in any message or log (issue 19): a statement that fails with a member's name, an
address and a casework note as its parameters reaches the person as what failed, in Japanese, and the
log in the data folder as types and code locations only."""

from __future__ import annotations

import sys
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.services.common import errorlog
from tests.conftest import PASSPHRASE

NAME = "髙橋 﨑子"
ADDRESS = "例示町大字本郷3丁目12-7"
NOTE = "長男の借金のことで相談あり"
SECRETS = (NAME, ADDRESS, NOTE, "髙橋", "本郷", "借金")


def _failing_statement(store):
    """A real failing INSERT on the encrypted store, with personal data as its parameters."""
    with store.session() as s:
        s.execute(
            text("INSERT INTO households (code, address, note) VALUES (:code, :address, :note)"),
            {"code": NAME, "address": ADDRESS, "note": NOTE},
        )  # NOT NULL constraint failed: households.postal_code …
        s.commit()


def _clean(text_: str) -> None:
    for secret in SECRETS:
        assert secret not in text_, secret


def test_the_engine_never_puts_parameters_into_an_error(store):
    with pytest.raises(DBAPIError) as info:
        _failing_statement(store)
    _clean(str(info.value))
    _clean(repr(info.value))


def test_the_cli_reports_what_failed_and_logs_no_values(store, store_dir, monkeypatch, capsys):
    from app import cli
    from app.services.households import exchange
    from app.services.records import household_format

    store.close()
    monkeypatch.setenv("TSUNAGI_PASSPHRASE", PASSPHRASE)
    from app.services.transfer import full_export

    monkeypatch.setattr(full_export, "read_if_full", lambda _path: None)  # not a full export: the household path
    monkeypatch.setattr(household_format, "load", lambda _path: [])
    monkeypatch.setattr(exchange, "import_records", lambda s, *_a, **_k: _failing_statement(s))
    code = cli.main(["--data-dir", str(store_dir), "import", "households.json"])
    err = capsys.readouterr().err
    assert code == 1
    _clean(err)
    assert "予期しないエラー" in err and "データの整合性の確認" in err and "IntegrityError" in err
    log = (store_dir / errorlog.LOG_NAME).read_text(encoding="utf-8")
    _clean(log)
    assert "IntegrityError" in log and "SQLITE_CONSTRAINT" in log and "import" in log
    assert "INSERT" not in log and "households" not in log.replace("households.json", "")


@pytest.mark.parametrize("exc", [KeyError(NAME), ValueError(f"{ADDRESS}: {NOTE}"), RuntimeError(NOTE)])
def test_any_exception_text_stays_out_of_the_message_and_the_log(store_dir, tmp_path, exc):
    folder = tmp_path / "data"
    folder.mkdir()
    try:
        raise exc
    except Exception as caught:
        line = errorlog.report(caught, folder, "test")
    _clean(line)
    _clean((folder / errorlog.LOG_NAME).read_text(encoding="utf-8"))


def test_the_gui_hook_shows_and_logs_without_values(store, store_dir, monkeypatch, capsys):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    shown: list[str] = []
    errorlog.install_hooks(lambda: store_dir, notify=shown.append)
    try:
        _failing_statement(store)
    except DBAPIError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)  # as Qt does for an exception in a slot
    worker = threading.Thread(target=lambda: (_ for _ in ()).throw(ValueError(f"{NAME} {NOTE}")))
    worker.start()
    worker.join()
    err = capsys.readouterr().err
    assert len(shown) == 2 and all("予期しないエラー" in s for s in shown)
    for text_ in (err, *shown, (store_dir / errorlog.LOG_NAME).read_text(encoding="utf-8")):
        _clean(text_)
    assert "Traceback" not in err


def test_the_log_stays_small(tmp_path, monkeypatch):
    monkeypatch.setattr(errorlog, "MAX_LOG_BYTES", 2000)
    for _ in range(50):
        try:
            raise ValueError(NOTE)
        except ValueError as exc:
            errorlog.record(tmp_path, exc)
    assert (tmp_path / errorlog.LOG_NAME).stat().st_size < 4000
    assert (tmp_path / (errorlog.LOG_NAME + ".1")).exists()


def test_the_gui_installs_the_hook(monkeypatch):
    # app/ui/main.run routes uncaught exceptions through errorlog (no Qt needed to check the wiring).
    import inspect

    from app.ui import main

    assert "_report_errors(ctx)" in inspect.getsource(main.run)
    assert "errorlog.install_hooks" in inspect.getsource(main._report_errors)
