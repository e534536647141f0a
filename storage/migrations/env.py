"""Alembic environment: runs on the connection that storage.db.migrate hands over."""

from alembic import context
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
import storage.settlement_tables  # noqa: F401
import storage.terms_tables  # noqa: F401
import storage.platform_tables  # noqa: F401
import storage.delivery_tables  # noqa: F401

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
