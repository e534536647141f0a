"""channel platform: partner accounts, association requests and their steps, standing changes

A customer's association may now name no partner (`partner_id` NULL): from a partner's
termination date its customers belong to no partner, in the same table settlement reads.
Request steps and standing changes are append-only, as the audit trail is.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

from storage.append_only import protect, unprotect


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

APPEND_ONLY = ("association_step", "standing_change")


def upgrade() -> None:
    op.create_table('partner_account',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('owner', sa.Boolean(), nullable=False),
    sa.Column('added_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('added_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_index('ix_partner_account_partner_id', 'partner_account', ['partner_id'])
    op.create_table('association_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('customer_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('invited_on', sa.Date(), nullable=True),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('associated_on', sa.Date(), nullable=True),
    sa.Column('review_reasons', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('from_partner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['from_partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    op.create_index('ix_association_request_partner_id', 'association_request', ['partner_id'])
    op.create_index('ix_association_request_customer_id', 'association_request', ['customer_id'])
    op.create_index('ix_association_request_state', 'association_request', ['state'])
    op.create_table('association_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['association_request.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_association_step_request_id', 'association_step', ['request_id'])
    op.create_table('standing_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('standing', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_standing_change_partner_id', 'standing_change', ['partner_id'])
    with op.batch_alter_table('customer_association', schema=None) as batch_op:
        batch_op.alter_column('partner_id', existing_type=sa.Integer(), nullable=True)
    for table in APPEND_ONLY:
        protect(op.get_bind(), table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        unprotect(op.get_bind(), table)
    with op.batch_alter_table('customer_association', schema=None) as batch_op:
        batch_op.alter_column('partner_id', existing_type=sa.Integer(), nullable=False)
    for table in ('standing_change', 'association_step', 'association_request', 'partner_account'):
        op.drop_table(table)
