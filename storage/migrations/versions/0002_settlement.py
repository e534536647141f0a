"""settlement: customers, billing lines, invoices, commissions, payments

Money is BigInteger: billing lines in micro-units, invoices and commissions in cents.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 22:31:44.957075
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('settlement',
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('plan_version', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('plan_fingerprint', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('settled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('period')
    )
    op.create_table('usage_line',
    sa.Column('line_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('customer_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('product', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('usage_date', sa.Date(), nullable=False),
    sa.Column('amount_micros', sa.BigInteger(), nullable=False),
    sa.Column('commissionable', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('line_id')
    )
    with op.batch_alter_table('usage_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_line_usage_date'), ['usage_date'], unique=False)

    op.create_table('commission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('tier', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('commissionable_cents', sa.BigInteger(), nullable=False),
    sa.Column('rate', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('commission_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['period'], ['settlement.period'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period', 'partner_id')
    )
    with op.batch_alter_table('commission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commission_partner_id'), ['partner_id'], unique=False)

    op.create_table('customer_association',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('associated_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('customer_id', 'associated_on')
    )
    with op.batch_alter_table('customer_association', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_association_partner_id'), ['partner_id'], unique=False)

    op.create_table('invoice',
    sa.Column('invoice_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=True),
    sa.Column('bill_to_id', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('discount_rate', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('gross_cents', sa.BigInteger(), nullable=False),
    sa.Column('discount_cents', sa.BigInteger(), nullable=False),
    sa.Column('total_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['bill_to_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['issuer_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['period'], ['settlement.period'], ),
    sa.PrimaryKeyConstraint('invoice_id')
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_bill_to_id'), ['bill_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_period'), ['period'], unique=False)

    op.create_table('invoice_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('customer_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('product', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('gross_cents', sa.BigInteger(), nullable=False),
    sa.Column('discount_cents', sa.BigInteger(), nullable=False),
    sa.Column('net_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.invoice_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_line_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.invoice_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_invoice_id'), ['invoice_id'], unique=False)

def downgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_invoice_id'))

    op.drop_table('payment')
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_line_invoice_id'))

    op.drop_table('invoice_line')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_period'))
        batch_op.drop_index(batch_op.f('ix_invoice_bill_to_id'))

    op.drop_table('invoice')
    with op.batch_alter_table('customer_association', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_association_partner_id'))

    op.drop_table('customer_association')
    with op.batch_alter_table('commission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commission_partner_id'))

    op.drop_table('commission')
    with op.batch_alter_table('usage_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_line_usage_date'))

    op.drop_table('usage_line')
    op.drop_table('settlement')
