"""outcomes of a plan's evaluation (就労・増収) on support_plans

The evaluation of a 支援プラン records, beside its text, the outcomes the town reports (vocab.PLAN_OUTCOME),
which 統計 counts. Plans evaluated before have none recorded: an empty list.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('support_plans') as batch:
        batch.add_column(sa.Column('outcomes', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('support_plans') as batch:
        batch.drop_column('outcomes')
