"""the gross of a partner's usage per month and product, beside its commissionable part

Credit control counts the usage of every month not yet invoiced; summing it from `usage_sum`
(a row per customer and product) read about a million rows per look. `partner_usage_sum`
already holds a row per partner, month and product; it now keeps the gross too, filled here
from `usage_sum` for the months already imported.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 21:05:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('partner_usage_sum') as batch:
        batch.add_column(sa.Column('amount_micros', sa.BigInteger(), nullable=False, server_default='0'))
    op.execute(
        "UPDATE partner_usage_sum SET amount_micros = COALESCE((SELECT SUM(s.amount_micros) FROM usage_sum AS s "
        "WHERE s.month = partner_usage_sum.month AND s.partner_id = partner_usage_sum.partner_id "
        "AND s.product = partner_usage_sum.product), 0)")


def downgrade() -> None:
    with op.batch_alter_table('partner_usage_sum') as batch:
        batch.drop_column('amount_micros')
