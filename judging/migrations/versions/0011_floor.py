"""the final on the show floor: stand visits, dispatches, closed stands and the pairwise cross-check

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-01 00:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'floor_visit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('juror_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('ended_how', sa.String(length=20), nullable=True),
        sa.CheckConstraint(
            "ended_how IS NULL OR ended_how IN ('moved', 'skipped', 'scored')", name=op.f('ck_floor_visit_ended_how')
        ),
        sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_floor_visit_entry_id_entry'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['juror_id'], ['user.id'], name=op.f('fk_floor_visit_juror_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_floor_visit_round_id_round'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_floor_visit')),
    )
    op.create_index('ix_floor_visit_round_juror', 'floor_visit', ['round_id', 'juror_id'])
    op.create_index(
        'uq_floor_visit_one_open',
        'floor_visit',
        ['round_id', 'juror_id'],
        unique=True,
        sqlite_where=sa.text('ended_at IS NULL'),
        postgresql_where=sa.text('ended_at IS NULL'),
    )
    op.create_table(
        'floor_dispatch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('juror_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_floor_dispatch_entry_id_entry'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['juror_id'], ['user.id'], name=op.f('fk_floor_dispatch_juror_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_floor_dispatch_round_id_round'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sent_by_id'], ['user.id'], name=op.f('fk_floor_dispatch_sent_by_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_floor_dispatch')),
    )
    op.create_index('ix_floor_dispatch_round_juror', 'floor_dispatch', ['round_id', 'juror_id'])
    op.create_table(
        'stand_closure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=False),
        sa.Column('reopened_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_stand_closure_closed_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_stand_closure_entry_id_entry'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_stand_closure_round_id_round'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stand_closure')),
    )
    op.create_index('ix_stand_closure_round_entry', 'stand_closure', ['round_id', 'entry_id'])
    op.create_table(
        'pairwise_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('juror_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('previous_entry_id', sa.Integer(), nullable=False),
        sa.Column('better', sa.Boolean(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('entry_id <> previous_entry_id', name=op.f('ck_pairwise_answer_two_entries')),
        sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_pairwise_answer_entry_id_entry'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['juror_id'], ['user.id'], name=op.f('fk_pairwise_answer_juror_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['previous_entry_id'], ['entry.id'], name=op.f('fk_pairwise_answer_previous_entry_id_entry'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_pairwise_answer_round_id_round'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pairwise_answer')),
        sa.UniqueConstraint('round_id', 'juror_id', 'entry_id', name=op.f('uq_pairwise_answer_round_id_juror_id_entry_id')),
    )
    op.create_index(op.f('ix_pairwise_answer_round_id'), 'pairwise_answer', ['round_id'])


def downgrade():
    op.drop_index(op.f('ix_pairwise_answer_round_id'), table_name='pairwise_answer')
    op.drop_table('pairwise_answer')
    op.drop_index('ix_stand_closure_round_entry', table_name='stand_closure')
    op.drop_table('stand_closure')
    op.drop_index('ix_floor_dispatch_round_juror', table_name='floor_dispatch')
    op.drop_table('floor_dispatch')
    op.drop_index('uq_floor_visit_one_open', table_name='floor_visit')
    op.drop_index('ix_floor_visit_round_juror', table_name='floor_visit')
    op.drop_table('floor_visit')
