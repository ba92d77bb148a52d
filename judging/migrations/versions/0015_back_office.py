"""back office: organiser roles (full, read-only, communications); the log of messages sent to exhibitors and jurors;
saved views of the entry list and the company directory

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 00:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


AUDIENCES = (
    "exhibitors",
    "exhibitors_with_drafts",
    "exhibitors_submitted",
    "exhibitors_without_entry",
    "jurors",
    "jurors_behind",
    "selected_entries",
)


def upgrade():
    op.create_table(
        'message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('edition_id', sa.Integer(), nullable=True),
        sa.Column('audience', sa.String(length=40), nullable=False),
        sa.Column('subject_en', sa.String(length=200), nullable=False),
        sa.Column('body_en', sa.Text(), nullable=False),
        sa.Column('subject_fr', sa.String(length=200), nullable=False),
        sa.Column('body_fr', sa.Text(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "audience IN (" + ", ".join(repr(a) for a in AUDIENCES) + ")", name=op.f('ck_message_audience')
        ),
        sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_message_edition_id_edition'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['sent_by_id'], ['user.id'], name=op.f('fk_message_sent_by_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message')),
    )
    op.create_index(op.f('ix_message_edition_id'), 'message', ['edition_id'], unique=False)
    op.create_table(
        'message_recipient',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_message_recipient_message_id_message'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_message_recipient_user_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_recipient')),
    )
    op.create_index(op.f('ix_message_recipient_message_id'), 'message_recipient', ['message_id'], unique=False)
    op.create_table(
        'saved_view',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('page', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('query', sa.String(length=1000), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("page IN ('entries', 'companies')", name=op.f('ck_saved_view_page')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_saved_view_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_view')),
        sa.UniqueConstraint('user_id', 'page', 'name', name=op.f('uq_saved_view_user_id_page_name')),
    )
    op.create_index(op.f('ix_saved_view_user_id'), 'saved_view', ['user_id'], unique=False)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organiser_role', sa.String(length=20), nullable=False, server_default='full'))
        batch_op.create_check_constraint(
            batch_op.f('ck_user_organiser_role'), "organiser_role IN ('full', 'read_only', 'communications')"
        )


def downgrade():
    op.drop_index(op.f('ix_saved_view_user_id'), table_name='saved_view')
    op.drop_table('saved_view')
    op.drop_index(op.f('ix_message_recipient_message_id'), table_name='message_recipient')
    op.drop_table('message_recipient')
    op.drop_index(op.f('ix_message_edition_id'), table_name='message')
    op.drop_table('message')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_organiser_role'), type_='check')
        batch_op.drop_column('organiser_role')
