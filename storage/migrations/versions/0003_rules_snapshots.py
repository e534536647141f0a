"""rules snapshots: the rule files of every rules version used, so decisions can be replayed

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 22:50:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rules_snapshot',
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('sources', sa.Text(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('version')
    )


def downgrade() -> None:
    op.drop_table('rules_snapshot')
