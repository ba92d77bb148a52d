"""edition: when the result mails went out (publishing and mailing are separate, deliberate steps)

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-30 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_mailed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_column('results_mailed_at')
