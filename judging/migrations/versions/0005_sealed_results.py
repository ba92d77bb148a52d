"""sealed results: a sign-off keeps the inputs it approved and is voided when they change; an organiser's
override of a missing sign-off is bound to the results it was given for

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 20:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sign_off', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inputs', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('voided_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('void_reasons', sa.JSON(), nullable=True))
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signoff_override_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signoff_override_fingerprint', sa.String(length=64), server_default='',
                                      nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_edition_signoff_override_by_id_user'), 'user',
                                    ['signoff_override_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_edition_signoff_override_by_id_user'), type_='foreignkey')
        batch_op.drop_column('signoff_override_fingerprint')
        batch_op.drop_column('signoff_override_by_id')
    with op.batch_alter_table('sign_off', schema=None) as batch_op:
        batch_op.drop_column('void_reasons')
        batch_op.drop_column('voided_at')
        batch_op.drop_column('inputs')
