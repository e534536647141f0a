"""account security: accounts can be disabled, sign-ins end when an account changes, account events

`session_epoch` is part of every signed session token; raising it (a password change or reset,
a disabling, a role change) ends the sessions signed before. `account_event` keeps sign-ins,
failed sign-ins, locks and every administrator's change of an account; like the audit trail it
is append-only in the database itself.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 09:10:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

from storage.append_only import protect, unprotect


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_account') as batch:
        batch.add_column(sa.Column('disabled', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('session_epoch', sa.Integer(), nullable=False, server_default='0'))
    op.create_table('account_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('session', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_account_event_username', 'account_event', ['username'])
    op.create_index('ix_account_event_at', 'account_event', ['at'])
    op.create_index('ix_account_event_session', 'account_event', ['session'])
    protect(op.get_bind(), "account_event")


def downgrade() -> None:
    unprotect(op.get_bind(), "account_event")
    op.drop_table('account_event')
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('session_epoch')
        batch.drop_column('disabled')
