"""usage deliveries summed by an engine: the delivery, its day sums, the late ones

`usage import --engine duckdb|spark` stores no lines: `usage_delivery` records the delivery and
its fingerprint (a re-delivery is a no-op), `usage_day_sum` its sums per usage date, customer
and product, and `late_day_sum` those of closed months until a settlement accounts for them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:45:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('usage_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('engine', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('lines', sa.BigInteger(), nullable=False),
    sa.Column('months', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('fingerprint')
    )
    op.create_table('usage_day_sum',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('usage_date', sa.Date(), nullable=False),
    sa.Column('customer_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('product', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('amount_micros', sa.BigInteger(), nullable=False),
    sa.Column('commissionable_micros', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['usage_delivery.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_usage_day_sum_delivery_id', 'usage_day_sum', ['delivery_id'])
    op.create_index('ix_usage_day_sum_usage_date', 'usage_day_sum', ['usage_date'])
    op.create_index('ix_usage_day_sum_customer_date', 'usage_day_sum', ['customer_id', 'usage_date'])
    op.create_table('late_day_sum',
    sa.Column('day_sum_id', sa.Integer(), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('month_settled_in', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True),
    sa.Column('quarter_settled_in', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True),
    sa.ForeignKeyConstraint(['day_sum_id'], ['usage_day_sum.id'], ),
    sa.PrimaryKeyConstraint('day_sum_id')
    )


def downgrade() -> None:
    op.drop_table('late_day_sum')
    op.drop_index('ix_usage_day_sum_customer_date', table_name='usage_day_sum')
    op.drop_index('ix_usage_day_sum_usage_date', table_name='usage_day_sum')
    op.drop_index('ix_usage_day_sum_delivery_id', table_name='usage_day_sum')
    op.drop_table('usage_day_sum')
    op.drop_table('usage_delivery')
