"""round: a French name beside the English one

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 02:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# The names every edition was created with so far; other names are left for organisers to translate.
DEFAULT_NAMES = {"Pre-selection": "Présélection", "Final": "Finale"}


def upgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_fr', sa.String(length=100), server_default='', nullable=False))
    round_table = sa.table('round', sa.column('name', sa.String), sa.column('name_fr', sa.String))
    for english, french in DEFAULT_NAMES.items():
        op.execute(round_table.update().where(round_table.c.name == english).values(name_fr=french))


def downgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('name_fr')
