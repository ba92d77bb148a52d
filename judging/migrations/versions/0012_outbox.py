"""transactional outbox: every mail is a row written with the action that causes it, sent by the worker; jobs
(long work run by the worker, with its progress and result)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 00:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('to', sa.String(length=254), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_by', sa.String(length=64), nullable=True),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('resent_from_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['resent_from_id'], ['outbox_message.id'], name='fk_outbox_message_resent_from_id_outbox_message',
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name='pk_outbox_message'),
        sa.UniqueConstraint('key', name='uq_outbox_message_key'),
    )
    op.create_index('ix_outbox_message_due', 'outbox_message', ['status', 'next_attempt_at'])
    op.create_index('ix_outbox_message_to', 'outbox_message', ['to'])


    op.create_table(
        'job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('edition_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('payload', sa.LargeBinary(), nullable=True),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name='fk_job_created_by_id_user', ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name='fk_job_edition_id_edition', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_job'),
    )


def downgrade():
    op.drop_table('job')
    op.drop_index('ix_outbox_message_to', table_name='outbox_message')
    op.drop_index('ix_outbox_message_due', table_name='outbox_message')
    op.drop_table('outbox_message')
