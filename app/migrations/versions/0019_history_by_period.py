"""an index on the updates in the change history, by table and time

統計 counts the people whose 就労状況 became 「就労」 in the period from the change history: the updates of
persons in a date range. Without this index (the updates only, by table and time) that read every change of every person in the town (1.2 s at
50,000 households, most of a fiscal year's statistics).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 13:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_change_history_updates', 'change_history', ['table_name', 'at'],
                    sqlite_where=sa.text("action = 'update'"))


def downgrade() -> None:
    op.drop_index('ix_change_history_updates', 'change_history')
