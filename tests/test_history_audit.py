"""Row history (who/when/old/new) and the hash-chained audit log."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from app.models import Agency, AuditEntry, ChangeRecord, Consent, Household, Person
from app.services import audit
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
    assert rows[1].old == {"address": "旧住所", "status": "concern"}
    assert rows[1].new == {"address": "新住所", "status": "consulting"}
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

    from app.services.store import Store

    store = Store.open(data, passphrase=PASSPHRASE)
    with store.session() as s:
        s.execute(text("DROP TRIGGER audit_log_no_update"))
        s.execute(text("UPDATE audit_log SET actor = 'someone' WHERE id = 2"))
        s.commit()
    store.close()
    bad = run_cli("audit", "verify", data_dir=data, env=env)
    assert bad.returncode == 1
    assert "第2件目" in bad.stdout
