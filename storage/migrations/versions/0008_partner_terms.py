"""partner terms: managers' tier changes, declined tier proposals and credit-limit overrides

One append-only table (the same triggers as the audit trail): a partner's tier in force in a
month and its credit limit are read from the latest entries, so the rows are also the audit
trail of who changed what, when and why.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

from storage.append_only import protect


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_term_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("in_force_from", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_partner_term_change_partner_id", "partner_term_change", ["partner_id"])
    protect(op.get_bind(), "partner_term_change")


def downgrade() -> None:
    op.drop_index("ix_partner_term_change_partner_id", table_name="partner_term_change")
    op.drop_table("partner_term_change")
