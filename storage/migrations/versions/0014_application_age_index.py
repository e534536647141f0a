"""an index on the applications' submission time, oldest first

The review queue and the review page list the oldest applications of a state; with only the
index on the state, each look sorted every application in it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 21:15:00
"""

from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_application_created', 'application', ['created_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_application_created', table_name='application')
