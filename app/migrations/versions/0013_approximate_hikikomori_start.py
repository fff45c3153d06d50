"""approximate start of ひきこもり on persons (「平成15年」, 「平成15年5月」)

Kept like an approximate birth date: hikikomori_since stays the latest possible day (so the shortest
duration, and existing readers of it stay conservative), hikikomori_since_earliest the earliest, and
hikikomori_since_text what was written. Existing rows are exact days: both new columns empty.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('persons') as batch:
        batch.add_column(sa.Column('hikikomori_since_earliest', sa.Date(), nullable=True))
        batch.add_column(
            sa.Column('hikikomori_since_text', sa.String(length=60), nullable=False, server_default='')
        )


def downgrade() -> None:
    # An approximate start falls back to its latest day, which 0012 reads as an exact one.
    with op.batch_alter_table('persons') as batch:
        batch.drop_column('hikikomori_since_text')
        batch.drop_column('hikikomori_since_earliest')
