"""change history chained like the audit log: prev_hash and hash on every record, computed here for the
records already kept

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:00:00
"""

import hashlib
from datetime import datetime

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
BATCH = 5000
APPEND_ONLY_TRIGGERS = (
    ("change_history_no_update", "UPDATE"),
    ("change_history_no_delete", "DELETE"),
)


def _digest(entry_id, at, actor, table_name, row_id, action, old, new, prev_hash):
    # Frozen copy of app.services.chain.history_digest as of this revision: ``at`` as ISO text,
    # ``old``/``new`` as the JSON text stored, each part length-prefixed.
    chunks = [b"tsunagi change_history 1"]
    for part in (str(entry_id), at.isoformat(), actor, table_name, row_id, action, old, new, prev_hash):
        if part is None:
            chunks.append(b"\xff" * 8)
        else:
            data = part.encode("utf-8", "surrogatepass")
            chunks += (len(data).to_bytes(8, "big"), data)
    return hashlib.sha256(b"".join(chunks)).hexdigest()


def _drop_triggers() -> None:
    for name, _verb in APPEND_ONLY_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _create_triggers() -> None:
    # The same append-only triggers as 0001: the database itself refuses edits to the history.
    for name, verb in APPEND_ONLY_TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {verb} ON change_history "
            "BEGIN SELECT RAISE(ABORT, 'change_history is append-only'); END"
        )


def upgrade() -> None:
    with op.batch_alter_table('change_history') as batch:
        batch.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=False, server_default=''))
        batch.add_column(sa.Column('hash', sa.String(length=64), nullable=False, server_default=''))
    # Chain the records already kept, in id order, lifting the append-only rule for this one pass.
    _drop_triggers()
    conn = op.get_bind()
    prev, last_id = GENESIS, 0
    while True:
        rows = conn.exec_driver_sql(
            "SELECT id, at, actor, table_name, row_id, action, old, new FROM change_history"
            " WHERE id > ? ORDER BY id LIMIT ?", (last_id, BATCH)
        ).fetchall()
        if not rows:
            break
        updates = []
        for entry_id, at, actor, table_name, row_id, action, old, new in rows:
            digest = _digest(entry_id, datetime.fromisoformat(at), actor, table_name, row_id, action, old, new,
                             prev)
            updates.append((prev, digest, entry_id))
            prev, last_id = digest, entry_id
        conn.exec_driver_sql("UPDATE change_history SET prev_hash = ?, hash = ? WHERE id = ?", updates)
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    with op.batch_alter_table('change_history') as batch:
        batch.drop_column('hash')
        batch.drop_column('prev_hash')
    _create_triggers()
