"""late billing lines and the commission adjustments they cause

A line dated in a closed month is accepted and remembered in `late_line` until a settlement
accounts for it; commissions paid later for a settled period go to `commission_adjustment`.
Issued invoices and commissions are not touched.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('late_line',
    sa.Column('line_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('month_settled_in', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True),
    sa.Column('quarter_settled_in', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True),
    sa.ForeignKeyConstraint(['line_id'], ['usage_line.line_id'], ),
    sa.PrimaryKeyConstraint('line_id')
    )
    op.create_table('commission_adjustment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('adjusts', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('tier', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('commissionable_cents', sa.BigInteger(), nullable=False),
    sa.Column('rate', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('commission_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['period'], ['settlement.period'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period', 'partner_id', 'adjusts')
    )
    with op.batch_alter_table('commission_adjustment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commission_adjustment_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commission_adjustment_adjusts'), ['adjusts'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('commission_adjustment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commission_adjustment_adjusts'))
        batch_op.drop_index(batch_op.f('ix_commission_adjustment_partner_id'))
    op.drop_table('commission_adjustment')
    op.drop_table('late_line')
