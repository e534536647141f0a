"""tier-2 contact e-mail: a distributor registers its tier-2 resellers with a contact e-mail

Partners registered before have none (null); an approved partner's contact stays in its
application.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 14:20:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('partner', sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE (SQLite 3.35+): a batch copy of `partner` would break the foreign keys to it.
    op.drop_column('partner', 'contact_email')
