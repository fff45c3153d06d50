"""household_contacts: each household's latest contact and next planned visit, kept by SQL triggers

ホーム's follow-ups (訪問・連絡が必要な世帯) computed, for every household of the town, its latest contact
(a visit where someone was met, an intake, a 面談・電話 note) and the 次回予定日 of its latest visit, on
each refresh: 90–120 ms at 10,000 households, most of ホーム. household_contacts keeps those two dates and
a copy of the household's status, one row per household, under two covering indexes, so the follow-ups
and their count are indexed reads of what is due.

SQL triggers on households, visits, intakes and notes recompute a household's row from its records
whenever one of them is added, deleted or changed in a column the dates depend on (the ORM, raw SQL and
later migrations alike), with the same definitions outreach used to compute on the fly; the rows of the
existing households are written here the same way, for all households at once.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 15:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

# vocab.CONTACT_RESULTS and vocab.CONTACT_NOTES as of this revision (a migration does not follow later
# changes of the app's vocabulary).
CONTACT_RESULTS = "('met', 'family_only')"
CONTACT_NOTES = "('interview', 'phone')"


def _last_contact(hid: str) -> str:
    """The household's latest contact day: a visit where someone was met, an intake, a 面談・電話 note."""
    return (
        f"(SELECT max(d) FROM ("
        f"SELECT date(visited_at) AS d FROM visits WHERE household_id = {hid} AND result IN {CONTACT_RESULTS} "
        f"UNION ALL SELECT received_on FROM intakes WHERE household_id = {hid} "
        f"UNION ALL SELECT date(at) FROM notes WHERE household_id = {hid} AND kind IN {CONTACT_NOTES}))"
    )


def _next_on(hid: str) -> str:
    """The 次回予定日 of the household's latest visit (the latest of them when several share that time)."""
    return (
        f"(SELECT max(next_on) FROM visits WHERE household_id = {hid} "
        f"AND visited_at = (SELECT max(visited_at) FROM visits WHERE household_id = {hid}))"
    )


def _recompute(hid: str) -> str:
    # Nothing is written for a household that does not exist (its last record's delete may come after it).
    # h.id, qualified: inside the subqueries a bare id would be the visit's, intake's or note's own.
    return (
        f"DELETE FROM household_contacts WHERE household_id = {hid}; "
        f"INSERT INTO household_contacts (household_id, status, last_contact, next_on) "
        f"SELECT h.id, h.status, {_last_contact('h.id')}, {_next_on('h.id')} FROM households AS h WHERE h.id = {hid};"
    )


def _moved(table: str, columns: str) -> str:
    """A record changed in a column the dates depend on: recompute its household, and the one it left."""
    return (
        f"AFTER UPDATE OF household_id, {columns} ON {table} BEGIN {_recompute('new.household_id')} "
        f"{_recompute('old.household_id')} END"
    )


TRIGGERS = {
    'household_contacts_household_insert': f"AFTER INSERT ON households BEGIN {_recompute('new.id')} END",
    'household_contacts_household_update': (
        "AFTER UPDATE OF id, status ON households "
        f"BEGIN DELETE FROM household_contacts WHERE household_id = old.id; {_recompute('new.id')} END"
    ),
    'household_contacts_household_delete': (
        "AFTER DELETE ON households BEGIN DELETE FROM household_contacts WHERE household_id = old.id; END"
    ),
    'household_contacts_visit_insert': f"AFTER INSERT ON visits BEGIN {_recompute('new.household_id')} END",
    'household_contacts_visit_update': _moved('visits', 'visited_at, result, next_on'),
    'household_contacts_visit_delete': f"AFTER DELETE ON visits BEGIN {_recompute('old.household_id')} END",
    'household_contacts_intake_insert': f"AFTER INSERT ON intakes BEGIN {_recompute('new.household_id')} END",
    'household_contacts_intake_update': _moved('intakes', 'received_on'),
    'household_contacts_intake_delete': f"AFTER DELETE ON intakes BEGIN {_recompute('old.household_id')} END",
    'household_contacts_note_insert': f"AFTER INSERT ON notes BEGIN {_recompute('new.household_id')} END",
    'household_contacts_note_update': _moved('notes', 'at, kind'),
    'household_contacts_note_delete': f"AFTER DELETE ON notes BEGIN {_recompute('old.household_id')} END",
}


def upgrade() -> None:
    op.create_table(
        'household_contacts',
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('last_contact', sa.Date(), nullable=True),
        sa.Column('next_on', sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint('household_id', name=op.f('pk_household_contacts')),
    )
    # Every household at once, grouped reads of each table (the per-household subqueries of the triggers
    # would be 50,000 × 4 lookups); the indexes come after, built once instead of kept in order row by row.
    op.execute(
        f"""
        INSERT INTO household_contacts (household_id, status, last_contact, next_on)
        SELECT h.id, h.status, c.last_contact, n.next_on
        FROM households AS h
        LEFT JOIN (
            SELECT hid, max(d) AS last_contact FROM (
                SELECT household_id AS hid, date(visited_at) AS d FROM visits WHERE result IN {CONTACT_RESULTS}
                UNION ALL SELECT household_id, received_on FROM intakes
                UNION ALL SELECT household_id, date(at) FROM notes WHERE kind IN {CONTACT_NOTES}
            ) GROUP BY hid
        ) AS c ON c.hid = h.id
        LEFT JOIN (
            SELECT v.household_id AS hid, max(v.next_on) AS next_on
            FROM visits AS v
            JOIN (SELECT household_id, max(visited_at) AS at FROM visits GROUP BY household_id) AS l
              ON l.household_id = v.household_id AND l.at = v.visited_at
            GROUP BY v.household_id
        ) AS n ON n.hid = h.id
        """
    )
    op.create_index('ix_household_contacts_status', 'household_contacts', ['status', 'last_contact', 'next_on'])
    # household_id before status: the index order is ホーム's order (次回予定日, last contact, household).
    op.create_index('ix_household_contacts_next_on', 'household_contacts',
                    ['next_on', 'last_contact', 'household_id', 'status'])
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.drop_index('ix_household_contacts_next_on', table_name='household_contacts')
    op.drop_index('ix_household_contacts_status', table_name='household_contacts')
    op.drop_table('household_contacts')
