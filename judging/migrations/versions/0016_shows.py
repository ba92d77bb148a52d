"""shows: several trade shows side by side (Milipol Paris, Qatar, Asia-Pacific...), each with its own editions,
its current edition and its branding name; the existing editions belong to "Milipol Paris", the default show

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 04:00:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    show = op.create_table(
        'show',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('branding_name', sa.String(length=200), nullable=False),
        sa.Column('is_default', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_show')),
        sa.UniqueConstraint('slug', name=op.f('uq_show_slug')),
    )
    with op.batch_alter_table('show', schema=None) as batch_op:
        batch_op.create_index('uq_show_one_default', ['is_default'], unique=True, sqlite_where=sa.text('is_default'), postgresql_where=sa.text('is_default'))
    op.bulk_insert(show, [{
        'id': 1,
        'slug': 'milipol-paris',
        'name': 'Milipol Paris',
        'branding_name': 'Milipol Paris Innovation Awards',
        'is_default': True,
        'created_at': datetime.now(timezone.utc).replace(tzinfo=None),
    }])
    if op.get_bind().dialect.name == 'postgresql':  # the explicit id above leaves the sequence behind
        op.execute("SELECT setval(pg_get_serial_sequence('show', 'id'), 1)")

    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_id', sa.Integer(), nullable=True))
    op.execute('UPDATE edition SET show_id = 1')
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.alter_column('show_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_edition_show_id_show'), 'show', ['show_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_edition_show_id'), ['show_id'], unique=False)
        batch_op.drop_index('uq_edition_one_current', sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'))
        batch_op.create_index('uq_edition_one_current_per_show', ['show_id', 'is_current'], unique=True, sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'))


def downgrade():
    # Back to one show: only the default show's current edition may stay current.
    op.execute(
        'UPDATE edition SET is_current = false WHERE show_id NOT IN (SELECT id FROM show WHERE is_default)'
    )
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_index('uq_edition_one_current_per_show', sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'))
        batch_op.create_index('uq_edition_one_current', ['is_current'], unique=True, sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'))
        batch_op.drop_index(batch_op.f('ix_edition_show_id'))
        batch_op.drop_constraint(batch_op.f('fk_edition_show_id_show'), type_='foreignkey')
        batch_op.drop_column('show_id')
    with op.batch_alter_table('show', schema=None) as batch_op:
        batch_op.drop_index('uq_show_one_default', sqlite_where=sa.text('is_default'), postgresql_where=sa.text('is_default'))
    op.drop_table('show')
