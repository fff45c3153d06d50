"""an index on the earliest possible birth dates (persons.birth_earliest), for the daily flag refresh

The day-to-day flag refresh finds the people whose age crossed a rule's threshold since the last refresh
by range queries on the birth dates. For an approximate birth (「昭和19年」, 「80代」) the oldest possible
age counts too, read from birth_earliest, which had no index: that query read every person, about as
long at 50,000 households as the whole refresh may take. The index is partial: only approximate births
(few) are in it.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 13:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        'ix_persons_birth_earliest', 'persons', ['birth_earliest'],
        sqlite_where=sa.text('birth_earliest IS NOT NULL'),
    )


def downgrade() -> None:
    op.drop_index('ix_persons_birth_earliest', table_name='persons')
