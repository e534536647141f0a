"""Tables the database itself keeps append-only: triggers that refuse UPDATE and DELETE.

Used by the migrations that create such tables (the audit trails). The refusal names the
table, so whoever tries sees why.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION partnerdesk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END
$$
"""


def protect(connection: Connection, table: str) -> None:
    """Create the triggers that make `table` refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(_POSTGRES_FUNCTION))
        connection.execute(text(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION partnerdesk_append_only()"))
        connection.execute(text(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION partnerdesk_append_only()"))
        return
    for operation in ("UPDATE", "DELETE"):
        connection.execute(text(
            f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"))


def unprotect(connection: Connection, table: str) -> None:
    """Drop the triggers of `protect` (a downgrade)."""
    if connection.dialect.name == "postgresql":
        for trigger in ("append_only", "no_truncate"):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_{trigger} ON {table}"))
        return
    for operation in ("update", "delete"):
        connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{operation}"))
