"""invoice lines kept in their invoice as one JSON document; the invoice_line table goes

An issued invoice never changes and is always read whole; writing a month's 190,000 lines as
rows cost more than computing them. Existing lines move into their invoice, in the order the
contract shows them (customer, then product).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 02:30:00
"""

import json
from decimal import Decimal
from itertools import groupby

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

MONEY = ("gross", "discount", "net")


def _money(cents: int) -> str:
    return f"{Decimal(cents).scaleb(-2):.2f}"


def upgrade() -> None:
    op.add_column('invoice', sa.Column('lines', sa.Text(), nullable=False, server_default='[]'))
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT invoice_id, customer_id, product, gross_cents, discount_cents, net_cents FROM invoice_line "
        "ORDER BY invoice_id, customer_id, product"))
    for invoice_id, lines in groupby(rows, key=lambda row: row[0]):
        document = [{"customer_id": customer, "product": product, **dict(zip(MONEY, map(_money, cents)))}
                    for _, customer, product, *cents in lines]
        connection.execute(sa.text("UPDATE invoice SET lines = :lines WHERE invoice_id = :invoice_id"),
                           {"lines": json.dumps(document, separators=(",", ":")), "invoice_id": invoice_id})
    op.drop_table('invoice_line')


def downgrade() -> None:
    connection = op.get_bind()
    lines = [{"invoice_id": invoice_id, "customer_id": line["customer_id"], "product": line["product"],
              **{f"{name}_cents": int(Decimal(line[name]).scaleb(2)) for name in MONEY}}
             for invoice_id, document in connection.execute(sa.text("SELECT invoice_id, lines FROM invoice"))
             for line in json.loads(document)]
    op.drop_column('invoice', 'lines')  # SQLite >= 3.35 drops it in place: payments keep their invoices
    op.create_table('invoice_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('product', sa.String(length=64), nullable=False),
    sa.Column('gross_cents', sa.BigInteger(), nullable=False),
    sa.Column('discount_cents', sa.BigInteger(), nullable=False),
    sa.Column('net_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.invoice_id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_invoice_line_invoice_id', 'invoice_line', ['invoice_id'], unique=False)
    if lines:
        connection.execute(sa.text(
            "INSERT INTO invoice_line (invoice_id, customer_id, product, gross_cents, discount_cents, net_cents) "
            "VALUES (:invoice_id, :customer_id, :product, :gross_cents, :discount_cents, :net_cents)"), lines)
