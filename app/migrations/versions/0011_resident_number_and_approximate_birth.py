"""宛名番号 (resident number, optional and unique) and approximate birth dates on persons

A birth date only known as 「昭和19年」 or 「80代」 is kept as a range: birth_date is the latest possible
day (so the youngest age), birth_earliest the earliest, and birth_text what was written.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 04:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('persons') as batch:
        batch.add_column(sa.Column('resident_number', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('birth_earliest', sa.Date(), nullable=True))
        batch.add_column(sa.Column('birth_text', sa.String(length=60), nullable=False, server_default=''))
    op.create_index(
        'ux_persons_resident_number', 'persons', ['resident_number'], unique=True,
        sqlite_where=sa.text('resident_number IS NOT NULL'),
    )


def downgrade() -> None:
    op.drop_index('ux_persons_resident_number', table_name='persons')
    with op.batch_alter_table('persons') as batch:
        batch.drop_column('birth_text')
        batch.drop_column('birth_earliest')
        batch.drop_column('resident_number')
