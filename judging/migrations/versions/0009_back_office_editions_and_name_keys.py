"""back office: when entries open, and accent-free search keys of company names and entry titles

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 20:45:00

"""
import unicodedata
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_LIGATURES = str.maketrans({"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "þ": "th", "æ": "ae", "œ": "oe"})


def _fold(text):
    # A frozen copy of judging.text.fold as it was when this migration was written (migrations never import the app).
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LIGATURES)
    return re.sub(r"\s+", " ", bare).strip()


def _backfill(table_name, source, target):
    table = sa.table(table_name, sa.column('id', sa.Integer), sa.column(source, sa.String), sa.column(target, sa.String))
    connection = op.get_bind()
    for row_id, value in connection.execute(sa.select(table.c.id, table.c[source])).all():
        connection.execute(table.update().where(table.c.id == row_id).values({target: _fold(value)[:200]}))


def upgrade():
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entries_open_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=200), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_organisation_name_key'), ['name_key'], unique=False)
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_key', sa.String(length=200), server_default='', nullable=False))
    _backfill('organisation', 'name', 'name_key')
    _backfill('entry', 'title', 'title_key')


def downgrade():
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_column('title_key')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_name_key'))
        batch_op.drop_column('name_key')
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_column('entries_open_at')
