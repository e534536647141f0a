"""usage sums: billing lines summed per month, owner, customer and product, and per partner,
month and product; backfilled

The backfill attributes every stored line as the imports do from now on: to the partner of
the customer's latest association on or before the usage date (LEAD over the associations),
0 when there is none.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BACKFILL = """
INSERT INTO usage_sum (month, partner_id, customer_id, product, amount_micros, commissionable_micros)
SELECT {month}, COALESCE(span.partner_id, 0), line.customer_id, line.product, SUM(line.amount_micros),
       SUM(CASE WHEN line.commissionable THEN line.amount_micros ELSE 0 END)
FROM usage_line AS line
LEFT JOIN (SELECT customer_id, partner_id, associated_on AS start_on,
                  LEAD(associated_on) OVER (PARTITION BY customer_id ORDER BY associated_on) AS end_on
           FROM customer_association) AS span
  ON span.customer_id = line.customer_id AND line.usage_date >= span.start_on
     AND (span.end_on IS NULL OR line.usage_date < span.end_on)
GROUP BY {month}, COALESCE(span.partner_id, 0), line.customer_id, line.product
"""
PARTNER_BACKFILL = """
INSERT INTO partner_usage_sum (month, partner_id, product, commissionable_micros)
SELECT month, partner_id, product, SUM(commissionable_micros) FROM usage_sum WHERE partner_id <> 0
GROUP BY month, partner_id, product
"""
MONTH = {"postgresql": "to_char(line.usage_date, 'YYYY-MM')", "sqlite": "substr(line.usage_date, 1, 7)"}


def upgrade() -> None:
    op.create_table('usage_sum',
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('product', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('amount_micros', sa.BigInteger(), nullable=False),
    sa.Column('commissionable_micros', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'partner_id', 'customer_id', 'product'),
    sqlite_with_rowid=False
    )
    op.create_table('partner_usage_sum',
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('product', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('commissionable_micros', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'partner_id', 'product'),
    sqlite_with_rowid=False
    )
    op.execute(BACKFILL.format(month=MONTH[op.get_bind().dialect.name]))
    op.execute(PARTNER_BACKFILL)


def downgrade() -> None:
    op.drop_table('partner_usage_sum')
    op.drop_table('usage_sum')
