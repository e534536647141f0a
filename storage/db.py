"""The database: one engine per URL, migrated to the newest schema when first opened.

SQLite ignores `FOR UPDATE`, so every SQLite write transaction (`transaction()`) starts with
`BEGIN IMMEDIATE` (SQLAlchemy's documented recipe): writers queue instead of deciding on a
stale read. Reads begin a deferred transaction, so in WAL mode they neither wait for writers
nor hold them up. PostgreSQL transactions lock the rows they need (`with_for_update`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK_KEY = 74_171_001  # PostgreSQL advisory lock held while migrating
WRITES = "partnerdesk_writes"  # execution option of a transaction that will write
DatabaseUnusable = OperationalError  # the database cannot be reached or used: the doors report it

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _immediate_transactions(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute("PRAGMA journal_mode=WAL")

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        writes = connection.get_execution_options().get(WRITES, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _alembic_config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration; a no-op when it is there already."""
    head = ScriptDirectory.from_config(_alembic_config(None)).get_current_head()
    with engine.connect() as connection:
        if MigrationContext.configure(connection).get_current_revision() == head:
            return
    with engine.execution_options(**{WRITES: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        command.upgrade(_alembic_config(connection), "head")


def make_engine(url: str) -> Engine:
    """A new engine for the URL (SQLite gets immediate transactions and a long busy wait)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})
        _immediate_transactions(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def get_engine(url: str) -> Engine:
    """The process's engine for a URL, migrated once."""
    with _engines_lock:
        if url not in _engines:
            engine = make_engine(url)
            migrate(engine)
            _engines[url] = engine
        return _engines[url]


def dispose_engine(url: str) -> None:
    """Close the pooled connections of a URL's engine (a test dropping its database)."""
    with _engines_lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work commits together or not at all."""
    with Session(engine, expire_on_commit=False, execution_options={WRITES: True}) as session:
        with session.begin():
            yield session
