"""PostgreSQL compresses an invoice's lines with lz4 instead of pglz

A month's invoices hold a few hundred thousand lines as JSON; compressing them with pglz was a
tenth of settling the month at the bench's scale, lz4 costs a fraction of it. A server built
without lz4 keeps pglz; SQLite stores the text as it is.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 21:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def _on_postgresql_14() -> bool:
    bind = op.get_bind()
    return bind.dialect.name == "postgresql" and bind.dialect.server_version_info >= (14,)


def upgrade() -> None:
    if not _on_postgresql_14():
        return
    try:
        with op.get_bind().begin_nested():
            op.execute("ALTER TABLE invoice ALTER COLUMN lines SET COMPRESSION lz4")
    except sa.exc.DBAPIError:  # built without lz4: pglz stays
        pass


def downgrade() -> None:
    if _on_postgresql_14():
        op.execute("ALTER TABLE invoice ALTER COLUMN lines SET COMPRESSION pglz")
