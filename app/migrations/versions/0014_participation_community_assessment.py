"""参加支援, 地域づくり and アセスメント (issue: the whole programme)

participations and participation_activities (参加支援: a person at a 受入先 with activities and attendance);
agencies.offers (what a 受入先・協力事業者 offers); community_resources and community_activities
(地域づくり: 地域資源, 拠点・居場所, 活動, 協議体・地域の会議); assessments (versioned per household) and
support_plans.assessment_id (the plan made from one). New tables start empty; existing agencies offer
nothing until the coordinator says so.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 09:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agencies') as batch:
        batch.add_column(sa.Column('offers', sa.JSON(), nullable=False, server_default='[]'))

    op.create_table(
        'participations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=True),
        sa.Column('offer', sa.String(length=30), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('matched_on', sa.Date(), nullable=True),
        sa.Column('started_on', sa.Date(), nullable=True),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.Column('end_reason', sa.Text(), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('changes', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_participations_household_id_households'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_participations_person_id_persons'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_participations_agency_id_agencies'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_participations')),
    )
    for column in ('household_id', 'person_id', 'agency_id', 'state', 'matched_on', 'started_on', 'ended_on'):
        op.create_index(op.f(f'ix_participations_{column}'), 'participations', [column], unique=False)

    op.create_table(
        'participation_activities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('participation_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('attended', sa.Boolean(), nullable=False),
        sa.Column('what', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['participation_id'], ['participations.id'], name=op.f('fk_participation_activities_participation_id_participations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_participation_activities')),
    )
    for column in ('participation_id', 'held_on'):
        op.create_index(op.f(f'ix_participation_activities_{column}'), 'participation_activities', [column], unique=False)

    op.create_table(
        'community_resources',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('area', sa.String(length=100), nullable=False),
        sa.Column('run_by', sa.String(length=200), nullable=False),
        sa.Column('place', sa.Text(), nullable=False),
        sa.Column('schedule', sa.String(length=200), nullable=False),
        sa.Column('contact', sa.String(length=200), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=True),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_community_resources')),
    )
    for column in ('kind', 'area'):
        op.create_index(op.f(f'ix_community_resources_{column}'), 'community_resources', [column], unique=False)

    op.create_table(
        'community_activities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('resource_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('area', sa.String(length=100), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('participants', sa.Integer(), nullable=False),
        sa.Column('agencies', sa.Integer(), nullable=False),
        sa.Column('run_by', sa.String(length=200), nullable=False),
        sa.Column('coordinator_attended', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['resource_id'], ['community_resources.id'], name=op.f('fk_community_activities_resource_id_community_resources'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_community_activities')),
    )
    for column in ('resource_id', 'kind', 'held_on'):
        op.create_index(op.f(f'ix_community_activities_{column}'), 'community_activities', [column], unique=False)

    op.create_table(
        'assessments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('assessed_on', sa.Date(), nullable=False),
        sa.Column('situation', sa.Text(), nullable=False),
        sa.Column('relations', sa.Text(), nullable=False),
        sa.Column('strengths', sa.Text(), nullable=False),
        sa.Column('issues', sa.JSON(), nullable=False),
        sa.Column('choice', sa.Text(), nullable=False),
        sa.Column('pace', sa.Text(), nullable=False),
        sa.Column('options', sa.Text(), nullable=False),
        sa.Column('assessed_by', sa.String(length=100), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_assessments_household_id_households'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_assessments_person_id_persons'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
        sa.UniqueConstraint('household_id', 'version', name=op.f('uq_assessments_household_id_version')),
    )
    for column in ('household_id', 'person_id', 'assessed_on'):
        op.create_index(op.f(f'ix_assessments_{column}'), 'assessments', [column], unique=False)

    with op.batch_alter_table('support_plans') as batch:
        batch.add_column(sa.Column('assessment_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f('fk_support_plans_assessment_id_assessments'), 'assessments', ['assessment_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade() -> None:
    with op.batch_alter_table('support_plans') as batch:
        batch.drop_constraint(op.f('fk_support_plans_assessment_id_assessments'), type_='foreignkey')
        batch.drop_column('assessment_id')
    for table in ('assessments', 'community_activities', 'community_resources', 'participation_activities',
                  'participations'):
        op.drop_table(table)
    with op.batch_alter_table('agencies') as batch:
        batch.drop_column('offers')
