"""the audit trail is append-only in the database itself: triggers refuse UPDATE and DELETE

Nothing in PartnerDesk changes or removes an audit entry; these triggers make the database
refuse it too, whoever connects (a script, a console, a bug). On PostgreSQL TRUNCATE is
refused as well. A later SQLite batch migration that rebuilds `audit_entry` must create the
triggers again (`storage.append_only.protect`).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 19:00:00
"""

from alembic import op

from storage.append_only import protect, unprotect


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    protect(op.get_bind(), "audit_entry")


def downgrade() -> None:
    unprotect(op.get_bind(), "audit_entry")
