"""lawful sharing: consent by the person or their representative, a person on each meeting case and plan,
the closure's words and meeting, what a 最小限 sheet shows

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 20:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# The built-in meeting types keep the legal basis they were created with (a town may rename them and
# add its own, not weaken these): frozen here as in 0007.
BUILT_IN = {
    'jusou': ('consent', True), 'shien': ('support_meeting', False), 'chiiki_care': ('other_law', False),
    'youtaikyo': ('other_law', False), 'jiritsu': ('consent', False), 'chonai': ('consent', False),
    'tsunagaru': ('consent', False), 'other': ('consent', False),
}


def upgrade() -> None:
    with op.batch_alter_table('consents') as batch:
        batch.add_column(sa.Column('given_by', sa.String(length=20), nullable=False, server_default='self'))
        batch.add_column(sa.Column('representative', sa.String(length=200), nullable=False, server_default=''))
    with op.batch_alter_table('meeting_cases') as batch:
        batch.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_meeting_cases_person_id'), ['person_id'], unique=False)
        batch.create_foreign_key(batch.f('fk_meeting_cases_person_id_persons'), 'persons', ['person_id'], ['id'],
                                 ondelete='SET NULL')
    with op.batch_alter_table('support_plans') as batch:
        batch.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_support_plans_person_id'), ['person_id'], unique=False)
        batch.create_foreign_key(batch.f('fk_support_plans_person_id_persons'), 'persons', ['person_id'], ['id'],
                                 ondelete='SET NULL')
    with op.batch_alter_table('households') as batch:
        batch.add_column(sa.Column('closure_note', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('closure_case_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('referrals') as batch:
        batch.add_column(sa.Column('shared_alias', sa.String(length=100), nullable=False, server_default=''))
        batch.add_column(sa.Column('shared_text', sa.Text(), nullable=False, server_default=''))
    # A case discussed on a consent was the consenting person's case.
    op.execute(
        "UPDATE meeting_cases SET person_id = (SELECT person_id FROM consents WHERE consents.id = meeting_cases.consent_id)"
        " WHERE consent_id IS NOT NULL"
    )
    for code, (basis, decides) in BUILT_IN.items():
        op.execute(sa.text("UPDATE meeting_types SET basis = :b, decides_plan = :d WHERE code = :c")
                   .bindparams(b=basis, d=decides, c=code))
    op.execute("UPDATE meeting_types SET decides_plan = 0 WHERE basis != 'consent'")


def downgrade() -> None:
    with op.batch_alter_table('referrals') as batch:
        batch.drop_column('shared_text')
        batch.drop_column('shared_alias')
    with op.batch_alter_table('households') as batch:
        batch.drop_column('closure_case_id')
        batch.drop_column('closure_note')
    with op.batch_alter_table('support_plans') as batch:
        batch.drop_constraint(batch.f('fk_support_plans_person_id_persons'), type_='foreignkey')
        batch.drop_index(batch.f('ix_support_plans_person_id'))
        batch.drop_column('person_id')
    with op.batch_alter_table('meeting_cases') as batch:
        batch.drop_constraint(batch.f('fk_meeting_cases_person_id_persons'), type_='foreignkey')
        batch.drop_index(batch.f('ix_meeting_cases_person_id'))
        batch.drop_column('person_id')
    with op.batch_alter_table('consents') as batch:
        batch.drop_column('representative')
        batch.drop_column('given_by')
