"""Schema migrations: models and migrations agree; every earlier release's store opens and migrates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.models import Base
from app.services.households import exchange
from app.services.records import household_format
from app.services.store.store import SAFETY_DIR, Store, _alembic_config, head_revision
from tests.conftest import PASSPHRASE

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "stores").iterdir())
# What every fixture store was filled with (tests/fixtures/make_store_fixture.py).
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "spec" / "households-example.json"


def test_models_and_migrations_agree(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_a_store_behind_head_is_migrated_after_a_safety_copy(created, store_dir):
    store = created.store
    with store.engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "base")
    store.close()
    reopened = Store.open(store_dir, passphrase=PASSPHRASE)
    assert reopened.migrated_from == "base"
    (copy,) = (store_dir / SAFETY_DIR).iterdir()
    assert {p.name for p in copy.iterdir()} == {"tsunagi.db", "tsunagi.keys"}
    with reopened.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
    reopened.close()
    # The safety copy is itself a store that opens with the same passphrase.
    Store.open(copy, passphrase=PASSPHRASE).close()


def test_a_current_store_opens_without_a_safety_copy(store, store_dir):
    store.close()
    Store.open(store_dir, passphrase=PASSPHRASE).close()
    assert not (store_dir / SAFETY_DIR).exists()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_every_release_fixture_opens_at_head_with_its_data(fixture, tmp_path):
    folder = tmp_path / fixture.name
    shutil.copytree(fixture, folder)
    store = Store.open(folder, passphrase="fixture-passphrase")
    try:
        with store.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head_revision()
        assert (folder / SAFETY_DIR).exists() == (fixture.name != head_revision())
        exported = household_format.to_document(exchange.export_records(store))
        expected = household_format.to_document(household_format.load(FIXTURE_CONTENT))
        assert json.loads(json.dumps(exported)) == json.loads(json.dumps(expected))
    finally:
        store.close()
    recovery = (fixture / "RECOVERY.txt").read_text(encoding="utf-8").strip()
    Store.open(folder, recovery_key=recovery).close()


def test_there_is_a_fixture_for_the_head_revision():
    # Reminder for the release that adds a migration: run tests/fixtures/make_store_fixture.py.
    assert head_revision() in {f.name for f in FIXTURES}
