"""Driver-level bulk I/O shared by settlement's repositories: millions of billing lines, a
month's invoices, planner statistics and table locks.

SQLAlchemy's per-row processing cost seconds per million lines, so rows travel through the
driver (COPY on PostgreSQL, executemany on SQLite) with the column types' own conversions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from itertools import islice

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy import Boolean, Date
from sqlalchemy.engine import Connection
from sqlmodel import Session

EXECUTE_ROWS = 10_000
SQLITE_ANALYSIS_ROWS = 1_000
"""Rows of each index SQLite's ANALYZE reads (its documentation suggests 100 to 1000)."""


def on_postgresql(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def lock_table(session: Session, table: str, mode: str) -> None:
    """LOCK TABLE on PostgreSQL; SQLite's immediate transactions already serialise writers."""
    if on_postgresql(session.connection()):
        session.connection().exec_driver_sql(f"LOCK TABLE {table} IN {mode} MODE")


def driver_types(connection: Connection, columns) -> tuple[list, list]:
    """Each column's conversions to and from what the driver takes (e.g. dates as text on SQLite)."""
    dialect = connection.dialect
    types = [c.type.dialect_impl(dialect) for c in columns]
    return [t.bind_processor(dialect) for t in types], [t.result_processor(dialect, None) for t in types]


def convert(values: tuple, processors: list) -> tuple:
    return tuple(p(v) if p else v for v, p in zip(values, processors))


def _row_writer(connection: Connection, columns: list) -> Callable[[tuple], tuple]:
    """A row converted to what SQLite's driver takes, column by column where the type needs it.
    Two shortcuts, each a second per million lines: booleans are left alone (sqlite3 binds them
    as 1 and 0 itself) and dates are written with `isoformat`, SQLAlchemy's format for them."""
    writers, _ = driver_types(connection, columns)
    needed = [(i, dt.date.isoformat if isinstance(c.type, Date) else w)
              for i, (c, w) in enumerate(zip(columns, writers)) if w and not isinstance(c.type, Boolean)]

    def write(row: tuple) -> tuple:
        values = list(row)
        for i, w in needed:
            values[i] = w(values[i])
        return tuple(values)

    return write if needed else tuple


def insert_rows(connection: Connection, target, columns: list, rows: Iterable[tuple]) -> None:
    """Many rows at the driver level: COPY on PostgreSQL (four times faster than executemany),
    executemany on SQLite in chunks."""
    names = ", ".join(c.name for c in columns)
    if on_postgresql(connection):
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {target.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    write = _row_writer(connection, columns)
    statement = f"INSERT INTO {target.name} ({names}) VALUES ({', '.join('?' * len(columns))})"
    rows = iter(rows)
    while chunk := [write(row) for row in islice(rows, 10_000)]:
        connection.exec_driver_sql(statement, chunk)


def _copy_csv(connection: Connection, name: str, table: pa.Table) -> None:
    """PostgreSQL: the table as one CSV text pyarrow writes and COPY reads."""
    text = pa.BufferOutputStream()
    pacsv.write_csv(table, text, pacsv.WriteOptions(include_header=False))
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY {name} ({', '.join(table.column_names)}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(text.getvalue())


def _execute_many(connection: Connection, statement: str, table: pa.Table) -> None:
    """SQLite: executemany of the columns zipped into rows (dates as ISO text, SQLAlchemy's
    format), EXECUTE_ROWS at a time: a row of Python values costs hundreds of bytes."""
    cursor = connection.connection.driver_connection.cursor()
    try:
        for batch in table.to_batches(max_chunksize=EXECUTE_ROWS):
            columns = [pc.cast(c, pa.string()) if pa.types.is_date(c.type) else c for c in batch.columns]
            cursor.executemany(statement, zip(*(column.to_pylist() for column in columns)))
    finally:
        cursor.close()


def insert_columns(connection: Connection, target, table: pa.Table) -> None:
    """A table of columns named as the target's, written without a Python call per cell where
    the driver allows: COPY of CSV on PostgreSQL, one executemany on SQLite."""
    if not table.num_rows:
        return
    if on_postgresql(connection):
        _copy_csv(connection, target.name, table)
        return
    _execute_many(connection, f"INSERT INTO {target.name} ({', '.join(table.column_names)}) "
                              f"VALUES ({', '.join('?' * table.num_columns)})", table)


def _added(target, names: list[str], keys: list[str]) -> str:
    """The upsert clause by which a row whose key is stored adds its other columns to the stored row's."""
    added = ", ".join(f"{n} = {target.name}.{n} + excluded.{n}" for n in names if n not in keys)
    return f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added}"


def add_columns(connection: Connection, target, table: pa.Table, keys: list[str]) -> None:
    """A table of columns named as the target's added to its rows: a row whose key (`keys`) is
    stored adds its other columns to the stored row's, any other is inserted. On PostgreSQL the
    rows are copied to a temporary table first and added from there in one statement."""
    if not table.num_rows:
        return
    names, upsert = ", ".join(table.column_names), _added(target, table.column_names, keys)
    if on_postgresql(connection):
        staged = f"added_{target.name}"
        connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {staged} (LIKE {target.name})")
        _copy_csv(connection, staged, table)
        connection.exec_driver_sql(f"INSERT INTO {target.name} ({names}) SELECT {names} FROM {staged} {upsert}")
        connection.exec_driver_sql(f"DROP TABLE {staged}")
        return
    _execute_many(connection, f"INSERT INTO {target.name} ({names}) VALUES ({', '.join('?' * table.num_columns)}) "
                              f"{upsert}", table)


def add_columns_later(connection: Connection, target, table: pa.Table, keys: list[str]) -> None:
    """`add_columns`, deferred on PostgreSQL until `add_deferred`: the rows are copied to a
    temporary table, and added up by key and to the target's in one statement at the end. A
    usage import's parts add to sums its earlier parts inserted, and an update costs PostgreSQL a
    new row version and index entry; SQLite updates in place, so it adds each part at once."""
    if not on_postgresql(connection):
        add_columns(connection, target, table, keys)
        return
    deferred = f"deferred_{target.name}"
    connection.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {deferred} (LIKE {target.name}) "
                               f"ON COMMIT DROP")
    _copy_csv(connection, deferred, table)


def add_deferred(connection: Connection, target, keys: list[str], summed: list[str]) -> None:
    """The rows `add_columns_later` deferred (if any) added to the target's: `summed` columns
    added up per key first."""
    deferred = f"deferred_{target.name}"
    if not on_postgresql(connection) or not connection.exec_driver_sql(
            f"SELECT to_regclass('pg_temp.{deferred}')").scalar():
        return
    names = [*keys, *summed]
    totals = ", ".join(f"SUM({n})" for n in summed)
    connection.exec_driver_sql(f"INSERT INTO {target.name} ({', '.join(names)}) SELECT {', '.join(keys)}, {totals} "
                               f"FROM {deferred} GROUP BY {', '.join(keys)} {_added(target, names, keys)}")
    connection.exec_driver_sql(f"DROP TABLE {deferred}")


def insert_columns_if_unique(connection: Connection, target, table: pa.Table) -> bool:
    """`insert_columns` inside a savepoint: False, and nothing written, if a row breaks a unique key."""
    connection.exec_driver_sql("SAVEPOINT unique_rows")
    try:
        insert_columns(connection, target, table)
    except connection.dialect.dbapi.IntegrityError:
        connection.exec_driver_sql("ROLLBACK TO SAVEPOINT unique_rows")
        return False
    connection.exec_driver_sql("RELEASE SAVEPOINT unique_rows")
    return True


def fetch(connection: Connection, statement: str, parameters: tuple) -> list[tuple]:
    """Rows as plain tuples from the driver's own cursor (`?` marks a parameter on both
    databases): SQLAlchemy's rows doubled the time of reading a month's sums."""
    if on_postgresql(connection):
        statement = statement.replace("?", "%s")
    cursor = connection.connection.cursor()
    try:
        cursor.execute(statement, parameters)
        return cursor.fetchall()
    finally:
        cursor.close()


def refresh_statistics(connection: Connection, *tables) -> None:
    """After a bulk import, tell the planner how many lines there are now. Without statistics
    PostgreSQL took the new lines for a handful and joined them by nested loop, and SQLite
    started an agency's month from the partners, scanning the month's lines once per agency:
    minutes instead of a second or two for a million lines. PostgreSQL's ANALYZE samples;
    SQLite's reads every index unless told how many rows of each to read (`analysis_limit`),
    which is enough for the planner's choices and costs milliseconds instead of seconds."""
    if on_postgresql(connection):
        connection.exec_driver_sql(f"ANALYZE {', '.join(table.name for table in tables)}")
        return
    connection.exec_driver_sql(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_ROWS}")
    connection.exec_driver_sql("ANALYZE")
