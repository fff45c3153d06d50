"""Row history (who/when/old/new) and the hash-chained audit log."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from app.models import Agency, AuditEntry, ChangeRecord, Consent, Household, Person
from app.services.store import audit
from tests.conftest import PASSPHRASE, run_cli


def _household(store):
    with store.session() as s:
        h = Household(code="H-1", address="旧住所")
        h.members.append(Person(code="m1", name="山田 花子", birth_date=date(1950, 1, 1)))
        s.add(h)
        s.commit()
        return h.id


def test_update_and_delete_are_recorded_with_actor_old_and_new(store):
    hid = _household(store)
    with store.session() as s:
        h = s.get(Household, hid)
        h.address = "新住所"
        h.status = "consulting"
        s.commit()
        s.delete(h)
        s.commit()
    with store.session() as s:
        rows = s.scalars(
            select(ChangeRecord).where(ChangeRecord.table_name == "households").order_by(ChangeRecord.id)
        ).all()
    assert [r.action for r in rows] == ["insert", "update", "delete"]
    assert all(r.actor == "tanaka" and r.row_id == str(hid) for r in rows)
    # (Derived search keys change with the address and are recorded too; the history screen hides them.)
    assert {k: v for k, v in rows[1].old.items() if not k.endswith("_key")} == {"address": "旧住所", "status": "concern"}
    assert {k: v for k, v in rows[1].new.items() if not k.endswith("_key")} == {"address": "新住所", "status": "consulting"}
    assert rows[2].old["address"] == "新住所" and rows[2].new is None
    with store.session() as s:  # the member went with the household, and that is recorded too
        person_actions = s.scalars(
            select(ChangeRecord.action).where(ChangeRecord.table_name == "persons")
        ).all()
    assert person_actions == ["insert", "delete"]


def test_consent_agencies_changes_are_recorded(store):
    _household(store)
    with store.session() as s:
        agency = Agency(name="地域包括支援センター")
        person = s.scalar(select(Person))
        consent = Consent(
            person_id=person.id,
            purpose="referral",
            method="signed",
            consented_on=date(2026, 4, 1),
            recorded_by="tanaka",
        )
        s.add_all([agency, consent])
        s.commit()
        consent.agencies.append(agency)
        s.commit()
        row = s.scalars(
            select(ChangeRecord).where(ChangeRecord.table_name == "consents").order_by(ChangeRecord.id.desc())
        ).first()
    assert (
        row.action == "update" and row.old == {"agencies": []} and row.new == {"agencies": [str(agency.id)]}
    )
    assert consent.valid_on(date(2026, 4, 1)) and not consent.valid_on(date(2026, 3, 31))


def test_history_and_audit_refuse_edits_in_the_database_itself(store):
    _household(store)
    with store.session() as s, pytest.raises((IntegrityError, DatabaseError), match="append-only"):
        s.execute(text("UPDATE change_history SET actor = 'someone'"))
    with store.session() as s, pytest.raises((IntegrityError, DatabaseError), match="append-only"):
        s.execute(text("DELETE FROM audit_log"))


def test_chain_verifies_and_names_the_edited_entry(store):
    with store.session() as s:
        for i in range(5):
            audit.record(s, "view_household", target=f"H-{i}")
        s.commit()
        assert audit.verify(s).ok
        target = s.scalar(select(AuditEntry.id).where(AuditEntry.target == "H-2"))
        s.execute(text("DROP TRIGGER audit_log_no_update"))  # someone with the key and a SQL tool
        s.execute(text("UPDATE audit_log SET target = 'H-9' WHERE id = :i"), {"i": target})
        s.commit()
        result = audit.verify(s)
    assert not result.ok and result.bad_id == target
    assert f"第{target}件目" in result.message()


def test_removed_entry_is_found(store):
    with store.session() as s:
        for i in range(3):
            audit.record(s, "print", target=f"P-{i}")
        s.commit()
        s.execute(text("DROP TRIGGER audit_log_no_delete"))
        s.execute(text("DELETE FROM audit_log WHERE target = 'P-1'"))
        s.commit()
        result = audit.verify(s)
    assert not result.ok and "削除" in result.problem


@pytest.mark.slow
def test_cli_audit_verify_names_the_edited_entry(tmp_path, no_keyring):
    # (no_keyring: this process and the CLI child are the same PC; with the test's memory keyring the
    # sign-in below would bind the slot to a keyring the child does not have.)
    data = tmp_path / "data"
    env = {"TSUNAGI_PASSPHRASE": PASSPHRASE}
    assert run_cli("init", "--town", "テスト町", data_dir=data, env=env).returncode == 0
    ok = run_cli("audit", "verify", data_dir=data, env=env)
    assert ok.returncode == 0 and ok.stdout.startswith("OK")

    from app.services.store.store import Store

    store = Store.open(data, passphrase=PASSPHRASE)
    with store.session() as s:
        s.execute(text("DROP TRIGGER audit_log_no_update"))
        s.execute(text("UPDATE audit_log SET actor = 'someone' WHERE id = 2"))
        s.commit()
    store.close()
    bad = run_cli("audit", "verify", data_dir=data, env=env)
    assert bad.returncode == 1
    assert "第2件目" in bad.stdout


# --- the chains' record outside the database (issue 19): every attack made with the data key ---------


def _tamper(store, *statements, params=None):
    """Someone with the data key and a SQLite tool: triggers dropped, rows changed, nothing else."""
    with store.session() as s:
        for table in ("audit_log", "change_history"):
            for verb in ("update", "delete"):
                s.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
        for statement in statements:
            s.execute(text(statement), params or {})
        s.commit()


def _rehash_audit(store, from_id):
    """Recompute every audit hash from ``from_id`` on, as a careful attacker would after an edit."""
    from app.services.common.chain import audit_digest

    with store.session() as s:
        rows = s.execute(text("SELECT id, at, actor, action, target, detail, prev_hash FROM audit_log ORDER BY id")).all()
        prev = None
        for r in rows:
            if r.id < from_id:
                prev = s.scalar(text("SELECT hash FROM audit_log WHERE id = :i"), {"i": r.id})
                continue
            digest = audit_digest(r.id, r.at, r.actor, r.action, r.target, r.detail, prev)
            s.execute(text("UPDATE audit_log SET prev_hash = :p, hash = :h WHERE id = :i"), {"p": prev, "h": digest, "i": r.id})
            prev = digest
        s.commit()


def _rehash_history(store, from_id):
    from app.services.common.chain import HISTORY_ROWS, history_digest

    with store.session() as s:
        rows = s.execute(select(HISTORY_ROWS).order_by(HISTORY_ROWS.c.id)).all()
        prev = None
        for r in rows:
            if r.id >= from_id:
                digest = history_digest(r.id, r.at, r.actor, r.table_name, r.row_id, r.action, r.old, r.new, prev)
                s.execute(text("UPDATE change_history SET prev_hash = :p, hash = :h WHERE id = :i"),
                          {"p": prev, "h": digest, "i": r.id})  # fmt: skip
                prev = digest
            else:
                prev = r.hash
        s.commit()


def _views(store, n=6):
    with store.session() as s:
        for i in range(n):
            audit.record(s, "view_household", target=f"H-{i}")
            s.commit()  # one transaction each, as the screens do


def _problems(store):
    from app.services.store import anchor

    report = anchor.verify_store(store)
    return [r for r in report.results if not r.ok], report


def _reopened(store, store_dir):
    from app.services.store.store import Store

    store.close()
    return Store.open(store_dir, passphrase=PASSPHRASE)


def test_an_untouched_store_verifies_through_locks_reopens_and_edits(store, store_dir):
    _household(store)
    _views(store)
    store.lock()
    store = _reopened(store, store_dir)
    bad, report = _problems(store)
    assert bad == [] and report.ok, report.lines()
    assert [r.label for r in report.results] == ["監査ログ", "変更履歴"]
    store.close()


@pytest.mark.parametrize("reopen", [False, True], ids=["while-open", "after-reopening"])
def test_cutting_entries_off_the_end_is_reported_from_the_first_missing(store, store_dir, reopen):
    _household(store)
    _views(store)
    with store.session() as s:
        last = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))
    _tamper(store, f"DELETE FROM audit_log WHERE id > {last - 2}")
    if reopen:  # the app notices at its next commit, keeps the finding, and goes on recording
        store = _reopened(store, store_dir)
    bad, report = _problems(store)
    assert not report.ok
    (found,) = [r for r in bad if r.label == "監査ログ"]
    assert found.bad_id == last - 1 and "削除されています" in found.problem, report.lines()
    assert f"監査ログの第{last - 1}件目" in found.message()
    store.close()


def test_cutting_exactly_the_last_transaction_after_a_clean_close_is_reported(store, store_dir):
    _views(store, 3)
    store.close()  # confirmed: the key file accepts only this head now
    from app.services.store.store import connect

    with contextlib.closing(connect(store_dir / "tsunagi.db", store_dir_key(store_dir))) as conn:
        last = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
        conn.execute("DROP TRIGGER audit_log_no_delete")
        conn.execute(f"DELETE FROM audit_log WHERE id = {last}")
        conn.commit()
    store = _reopened_closed(store_dir)
    bad, report = _problems(store)
    assert any(r.bad_id == last and "削除" in r.problem for r in bad), report.lines()
    store.close()


def test_a_rewritten_chain_is_placed_at_the_edited_entry(store, store_dir):
    _views(store, 8)
    with store.session() as s:
        target = s.scalar(select(AuditEntry.id).where(AuditEntry.target == "H-3"))
    _tamper(store, "UPDATE audit_log SET target = 'H-9' WHERE id = :i", params={"i": target})
    assert audit.verify(_session_of(store)).bad_id == target  # inside the chain: the edit shows as such
    _rehash_audit(store, target)
    from app.services.common import chain

    with store.session() as s:  # the database alone now looks whole…
        assert chain.walk(s.connection(), chain.AUDIT).ok
    bad, report = _problems(store)  # …but not against the key file
    (found,) = bad
    assert found.bad_id == target and "計算し直され" in found.problem, report.lines()
    store = _reopened(store, store_dir)
    bad, report = _problems(store)
    assert any(r.bad_id == target and "計算し直され" in r.problem for r in bad), report.lines()
    store.close()


def test_an_appended_entry_is_reported_as_added_afterwards(store, store_dir):
    _views(store, 3)
    from app.services.common.chain import audit_digest

    with store.session() as s:
        last_id, last_hash = s.execute(text("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")).one()
    forged = dict(i=last_id + 1, at="2026-12-01T09:00:00", actor="tanaka", action="print", target="H-1", detail="{}",
                  p=last_hash)  # fmt: skip
    forged["h"] = audit_digest(forged["i"], forged["at"], "tanaka", "print", "H-1", "{}", last_hash)
    _tamper(store, "INSERT INTO audit_log (id, at, actor, action, target, detail, prev_hash, hash) "
                   "VALUES (:i, :at, :actor, :action, :target, :detail, :p, :h)", params=forged)  # fmt: skip
    bad, report = _problems(store)
    (found,) = bad
    assert found.bad_id == last_id + 1 and "後から加えられた" in found.problem, report.lines()
    store = _reopened(store, store_dir)  # the app's own later entries do not make it go away
    _views(store, 2)
    bad, report = _problems(store)
    assert any(r.bad_id == last_id + 1 and "後から加えられた" in r.problem for r in bad), report.lines()
    store.close()


def test_editing_the_row_history_is_reported_at_the_record(store, store_dir):
    hid = _household(store)
    with store.session() as s:
        h = s.get(Household, hid)
        h.address = "新住所"
        s.commit()
        row = s.scalar(select(ChangeRecord.id).where(ChangeRecord.action == "update"))
    # Changing what the history says the address was:
    _tamper(store, "UPDATE change_history SET new = :v WHERE id = :i", params={"v": '{"address": "別の住所"}', "i": row})
    bad, report = _problems(store)
    (found,) = bad
    assert found.label == "変更履歴" and found.bad_id == row and "書き換えられています" in found.problem
    # …and with the history's hashes computed again, the key file still shows it, at the record.
    _rehash_history(store, row)
    bad, report = _problems(store)
    (found,) = bad
    assert found.label == "変更履歴" and found.bad_id == row and "計算し直され" in found.problem, report.lines()
    store.close()


def test_removing_or_truncating_row_history_is_reported(store, store_dir):
    _household(store)
    with store.session() as s:
        rows = s.scalar(select(func.count()).select_from(ChangeRecord))
    _tamper(store, "DELETE FROM change_history WHERE id = 2")
    bad, _report = _problems(store)
    assert [(r.label, r.bad_id) for r in bad] == [("変更履歴", 2)] and "削除" in bad[0].problem
    _tamper(store, "DELETE FROM change_history WHERE id > 1")
    bad, report = _problems(store)
    assert bad[0].bad_id == 2 and f"第{rows}件目まで" in bad[0].problem, report.lines()
    store.close()


def test_the_record_in_the_key_file_cannot_be_removed_or_forged_without_the_key(store, store_dir):
    import json

    _views(store, 2)
    store.close()
    keys = store_dir / "tsunagi.keys"
    doc = json.loads(keys.read_text(encoding="utf-8"))
    forged = json.loads(json.dumps(doc))
    forged["anchor"]["chains"]["audit"]["head"][0] += 5  # "more entries than there are"
    keys.write_text(json.dumps(forged, ensure_ascii=False), encoding="utf-8")
    store = _reopened_closed(store_dir)
    bad, report = _problems(store)
    assert any("照合符号が一致しません" in r.problem for r in bad), report.lines()
    store.close()
    del doc["anchor"]
    keys.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    store = _reopened_closed(store_dir)
    bad, report = _problems(store)
    assert any("記録がありません" in r.problem for r in bad), report.lines()
    store.close()


def test_a_commit_that_fails_after_the_key_file_was_written_is_not_taken_for_tampering(store, store_dir):
    from sqlalchemy import event

    _views(store, 2)
    failing = {"once": True}

    def refuse(conn):
        if failing.pop("once", False):  # the database commit fails after the key file was written
            conn.connection.dbapi_connection.execute("ROLLBACK")
            raise OSError("disk pulled")

    event.listen(store.engine, "commit", refuse)
    with pytest.raises(OSError), store.session() as s:
        audit.record(s, "print", target="H-9")
        s.commit()
    bad, report = _problems(store)
    assert bad == [], report.lines()
    _views(store, 1)
    store = _reopened(store, store_dir)
    bad, report = _problems(store)
    assert bad == [], report.lines()
    store.close()


def test_a_process_killed_after_its_commit_leaves_a_record_that_still_matches(store, store_dir):
    _views(store, 2)
    store.engine.dispose()  # as if the process died here: no close, so nothing confirmed
    again = _reopened_closed(store_dir)
    bad, report = _problems(again)
    assert bad == [], report.lines()
    again.close()


def test_a_backup_manifest_shows_what_a_holder_of_key_and_key_file_rewrote(store, store_dir, tmp_path):
    """The limit of the key file, and what covers it: someone with the data key *and* the key file can
    make them agree again; a backup made before that still tells."""
    from app.services.common.chain import CHAINS, head
    from app.services.store import anchor, backup

    _household(store)
    _views(store, 4)
    usb = tmp_path / "usb"
    usb.mkdir()
    made = backup.create_backup(store, usb)
    assert set(made.manifest.chain_heads) == {"audit", "history"}
    with store.session() as s:
        last = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))
    _tamper(store, f"DELETE FROM audit_log WHERE id > {last - 3}")
    # …and the key file made to agree, as only a holder of the data key can (its MAC recomputed).
    with store.session() as s:
        conn = s.connection()
        heads = {c.key: head(conn, c) for c in CHAINS}
        fresh = anchor.Anchor({c.key: anchor._recorded(conn, c, heads[c.key], heads[c.key], None) for c in CHAINS})
    anchor._write(store, anchor._signed(store, fresh))
    store._anchor_keeper.written = store.keyfile.anchor
    store._anchor_keeper.committed = {}
    bad, report = _problems(store)
    assert bad == [], report.lines()  # the key file alone cannot tell
    report = anchor.verify_store(store, [made.path])
    bad = [r for r in report.results if not r.ok]
    assert [r.label for r in bad] == ["監査ログ"] and bad[0].bad_id == last - 2, report.lines()
    assert made.path.name in bad[0].problem
    store.close()


def test_backups_carry_the_record_and_a_restore_verifies(store, tmp_path):
    from app.services.store import anchor, backup

    _household(store)
    _views(store, 3)
    usb = tmp_path / "usb"
    usb.mkdir()
    path = backup.create_backup(store, usb).path
    store.close()
    restored = backup.restore(path, tmp_path / "elsewhere", passphrase=PASSPHRASE)
    report = anchor.verify_store(restored)
    assert report.ok, report.lines()
    restored.close()


def test_a_backup_whose_database_does_not_end_at_its_manifest_is_refused(store, tmp_path):
    import json
    import zipfile

    from app.services.store import backup

    _views(store, 2)
    usb = tmp_path / "usb"
    usb.mkdir()
    path = backup.create_backup(store, usb).path
    bad = tmp_path / "bad.tsbk"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == backup.MANIFEST:
                doc = json.loads(data)
                doc["chain_heads"]["audit"][0] += 1  # the manifest says there was one more entry
                data = json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
            dst.writestr(item, data)
    with pytest.raises(backup.BackupInvalid, match="監査ログが目録の記録と一致しません"):
        backup.check_only(bad, passphrase=PASSPHRASE)
    store.close()


@pytest.mark.parametrize("release", ["0001", "0008", "0009", "0010"])
def test_a_store_from_before_the_record_gets_one_when_migrated(tmp_path, release):
    import shutil
    from pathlib import Path

    from app.services.store import anchor
    from app.services.store.store import Store

    fixture = Path(__file__).parent / "fixtures" / "stores" / release
    folder = tmp_path / "old"
    shutil.copytree(fixture, folder)
    store = Store.open(folder, passphrase="fixture-passphrase")
    report = anchor.verify_store(store)
    assert report.ok, report.lines()
    assert store.keyfile.anchor is not None
    store.close()


def store_dir_key(store_dir):
    from app.services.store.keyslots import KeyFile

    return KeyFile.load(store_dir / "tsunagi.keys").unlock(passphrase=PASSPHRASE).data_key


def _reopened_closed(store_dir):
    from app.services.store.store import Store

    return Store.open(store_dir, passphrase=PASSPHRASE)


def _session_of(store):
    return store._sessions(info={"actor": store.actor})


@pytest.mark.slow
def test_cli_audit_verify_names_a_cut_tail_and_compares_backups(tmp_path, no_keyring):
    from app.services.store.store import Store

    data, usb = tmp_path / "data", tmp_path / "usb"
    usb.mkdir()
    env = {"TSUNAGI_PASSPHRASE": PASSPHRASE}
    assert run_cli("init", "--town", "テスト町", data_dir=data, env=env).returncode == 0
    made = run_cli("backup", "--to", str(usb), data_dir=data, env=env)
    assert made.returncode == 0, made.stderr
    path = made.stdout.strip()
    store = Store.open(data, passphrase=PASSPHRASE)
    _views(store, 3)
    with store.session() as s:
        last = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))
    _tamper(store, f"DELETE FROM audit_log WHERE id > {last - 2}")
    store.close()
    bad = run_cli("audit", "verify", "--backup", path, data_dir=data, env=env)
    assert bad.returncode == 1, bad.stderr
    assert f"NG: 監査ログの第{last - 1}件目に問題があります" in bad.stdout and "削除されています" in bad.stdout
    assert "OK: 変更履歴" in bad.stdout


def test_when_the_key_file_cannot_be_written_nothing_is_saved_and_the_record_still_matches(store, monkeypatch):
    import errno

    from app.services.store import anchor

    hid = _household(store)
    real = anchor.atomic_write_bytes

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(anchor, "atomic_write_bytes", full)
    with pytest.raises(Exception, match="空き容量"), store.session() as s:
        s.get(Household, hid).address = "書けなかった住所"
        s.commit()
    monkeypatch.setattr(anchor, "atomic_write_bytes", real)
    with store.session() as s:
        assert s.get(Household, hid).address == "旧住所"  # not saved
        s.get(Household, hid).address = "新住所"
        s.commit()
    bad, report = _problems(store)
    assert bad == [], report.lines()


def test_an_older_rewrite_is_placed_within_the_marks_kept_every_256_entries(store):
    with store.session() as s:
        for i in range(600):
            audit.record(s, "view_household", target=f"H-{i}")
        s.commit()
    _views(store, 1)
    _tamper(store, "UPDATE audit_log SET target = 'H-X' WHERE id = 300")
    _rehash_audit(store, 300)
    with store.session() as s:
        last = s.scalar(select(func.max(AuditEntry.id)))
    bad, report = _problems(store)
    (found,) = bad
    # 300 lies after the mark at 256 and before the last 256 entries (kept one by one from last - 255).
    assert found.bad_id == 257 and f"第257件目から第{last - 255}件目までのどこか" in found.problem, report.lines()


def test_the_last_transaction_cut_while_the_app_runs_is_found_at_its_next_commit(store):
    _views(store, 3)
    with store.session() as s:
        last = s.scalar(select(func.max(AuditEntry.id)))
    _tamper(store, f"DELETE FROM audit_log WHERE id = {last}")
    _views(store, 1)  # the app goes on; its next entry would otherwise take the removed one's number
    bad, report = _problems(store)
    assert [(r.label, r.bad_id) for r in bad] == [("監査ログ", last)], report.lines()
    assert "書き込みの後に削除されています" in bad[0].problem


KILLED_WRITER = """
import sys
sys.path.insert(0, {root!r})
import keyring
from keyring.backends.fail import Keyring
keyring.set_keyring(Keyring())
from app.models import Household
from app.services.store import audit
from app.services.store.store import Store

store = Store.open({folder!r}, passphrase={passphrase!r})
i = 0
while True:
    with store.session() as s:
        s.add(Household(code=f"K{{sys.argv[1]}}-{{i:05d}}", address="例示町"))
        audit.record(s, "view_household", target=str(i))
        s.commit()
    print(i, flush=True)
    i += 1
"""


@pytest.mark.slow
def test_writers_killed_mid_commit_leave_a_record_that_still_matches(tmp_path, no_keyring):
    """SIGKILL at any point of a commit — before, during or after the key file is rewritten — never
    makes the record look tampered with (bounded: 8 kills)."""
    import random
    import subprocess
    import sys

    from app.services.store import anchor
    from app.services.store.keyslots import FAST
    from app.services.store.store import Store
    from tests.conftest import ROOT

    folder = tmp_path / "store"
    Store.create(folder, passphrase=PASSPHRASE, user="tanaka", kdf=FAST).store.close()
    script = tmp_path / "writer.py"
    script.write_text(KILLED_WRITER.format(root=str(ROOT), folder=str(folder), passphrase=PASSPHRASE), encoding="utf-8")
    rng = random.Random(19)
    for run in range(8):
        proc = subprocess.Popen([sys.executable, str(script), str(run)], stdout=subprocess.PIPE, text=True)
        for _ in range(rng.randint(1, 12)):
            assert proc.stdout.readline(), f"run {run}: the writer stopped on its own"
        proc.kill()
        proc.wait()
        proc.stdout.close()
    store = Store.open(folder, passphrase=PASSPHRASE)
    try:
        report = anchor.verify_store(store)
        assert report.ok, report.lines()
    finally:
        store.close()
