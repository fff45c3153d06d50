"""indexes for ホーム and the household screen

ホーム lists the households changed most recently (households.updated_at) and the households to visit or
contact, from each household's latest visit and 次回予定日 and its latest intake (read from the index alone,
in household order, instead of from every row of visits and intakes). The household screen's 履歴 finds
the records deleted from a household in the change history; the partial index holds the deletions only,
so it no longer reads every change of every person in the town (3.6 s at 50,000 households). Two more
find the history of a person's 介護・世話の関係 by the carer and by the one cared for (the values the
history keeps in JSON), instead of opening the history of every relation in the town.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 12:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_households_updated_at', 'households', ['updated_at'])
    op.create_index('ix_visits_household_id_visited_at', 'visits', ['household_id', 'visited_at', 'next_on', 'result'])
    op.create_index('ix_intakes_household_id_received_on', 'intakes', ['household_id', 'received_on'])
    op.create_index('ix_change_history_deletions', 'change_history', ['table_name'],
                    sqlite_where=sa.text("action = 'delete'"))
    for key in ('carer_id', 'cared_id'):
        op.create_index(f'ix_change_history_{key}', 'change_history',
                        [sa.text(f"json_extract(coalesce(new, old), '$.{key}')")],
                        sqlite_where=sa.text("table_name = 'care_relations'"))


def downgrade() -> None:
    op.drop_index('ix_change_history_cared_id', 'change_history')
    op.drop_index('ix_change_history_carer_id', 'change_history')
    op.drop_index('ix_change_history_deletions', 'change_history')
    op.drop_index('ix_intakes_household_id_received_on', 'intakes')
    op.drop_index('ix_visits_household_id_visited_at', 'visits')
    op.drop_index('ix_households_updated_at', 'households')
