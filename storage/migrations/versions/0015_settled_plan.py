"""the plan a period was settled with, whole: late lines of the period settle under its terms

Periods settled before keep only the plan's version and fingerprint (null here); their late
lines settle under the plan given to the settlement that carries them, as before.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 21:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('settlement', sa.Column('plan_document', sa.Text(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE (SQLite 3.35+), as 0011.
    op.drop_column('settlement', 'plan_document')
