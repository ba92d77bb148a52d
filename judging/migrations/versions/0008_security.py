"""security: a per-user session token (logout and password changes end every session); attachment slots
(at most 10 files per entry, enforced by the database even when uploads race)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 21:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), server_default='', nullable=False))
    # Each existing account gets its own token (sessions opened before the upgrade end: everyone logs in again).
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(user.c.id)).all():
        connection.execute(user.update().where(user.c.id == user_id).values(session_token=secrets.token_hex(16)))


    _attachment_slots()


def _attachment_slots():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slot', sa.Integer(), nullable=True))
    attachment = sa.table('attachment', sa.column('id', sa.Integer), sa.column('entry_id', sa.Integer),
                          sa.column('slot', sa.Integer))
    connection = op.get_bind()
    rows = connection.execute(sa.select(attachment.c.id, attachment.c.entry_id).order_by(attachment.c.id)).all()
    slots: dict[int, int] = {}
    for attachment_id, entry_id in rows:
        slots[entry_id] = slots.get(entry_id, 0) + 1
        connection.execute(attachment.update().where(attachment.c.id == attachment_id).values(slot=slots[entry_id]))
    crowded = sorted(entry_id for entry_id, n in slots.items() if n > 10)
    if crowded:
        raise RuntimeError(f"Entries {crowded} have more than 10 files (a past race): remove the extra files, "
                           "then upgrade again.")
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.alter_column('slot', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_attachment_entry_id_slot'), ['entry_id', 'slot'])
        batch_op.create_check_constraint(batch_op.f('ck_attachment_slot'), 'slot BETWEEN 1 AND 10')


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_attachment_slot'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_attachment_entry_id_slot'), type_='unique')
        batch_op.drop_column('slot')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_token')
