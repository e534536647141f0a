"""The engines that run the day-sum aggregation (storage/usage_aggregation.py) over a delivery.

Each presents the delivery's files as the relation `delivery`: every column as text, with the
file and the row number a person finds the row by (the header is row 1 of a CSV file, Parquet's
first row is row 1). DuckDB numbers each file's rows as it streams them; Spark from the
position of each row in its file's splits, which it lists in file order. Each writes the day sums
to Parquet in a scratch directory the caller owns (for Spark on a cluster, one every worker can
write and PartnerDesk can read), which `day_sum_batches` reads back a batch at a time.

An engine's error is either about the delivery (`Unreadable`: a file it cannot read or parse as
its format) or about the engine itself (`EngineFailed`: memory, a failed job, a lost cluster).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pyarrow as pa
import pyarrow.dataset as pads

from settlement.feeds import USAGE
from storage.usage_aggregation import Summed, statements, summed

COLUMNS = (*USAGE.required, *USAGE.optional)
FIRST_ROW = {"csv": 2, "parquet": 1}
STORED = ("usage_date", "customer_id", "product", "amount_micros", "commissionable_micros")
"""The day sums' columns that are stored (the rest serve the totals)."""
BATCH = 200_000
"""Day sums read back and stored at a time: a few tens of MB."""
DUCKDB_MEMORY = "256MB"
"""DuckDB's memory for the summing; beyond it, it spills to the scratch directory. Unbounded, it
grew with the delivery (gigabytes for millions of lines) inside PartnerDesk's own process."""
READ_CONDITIONS = ("FAILED_READ_FILE", "MALFORMED_", "PATH_NOT_FOUND", "UNABLE_TO_INFER_SCHEMA")
"""Spark's error conditions that are about reading a file, not about the engine."""


class Unreadable(ValueError):
    """The engine could not read a file of the delivery as its format."""


class EngineFailed(RuntimeError):
    """The engine failed for a reason of its own, not the delivery's files; the message says why."""


class Engine(Protocol):
    name: str

    def columns(self, file: str, kind: str) -> list[str]: ...

    def run(self, files: list[str], kind: str, scratch: Path) -> Summed: ...


def day_sum_batches(day_sums: Path) -> Iterator[pa.Table]:
    """The written day sums (a Parquet file, or Spark's directory of them), a batch at a time."""
    for batch in pads.dataset(day_sums, format="parquet").to_batches(columns=list(STORED), batch_size=BATCH):
        yield pa.Table.from_batches([batch])


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _picked(present: list[str]) -> dict[str, str | None]:
    """Each usage column's name as the file writes it (stripped names match), or None if absent."""
    by_name = {name.strip(): name for name in present}
    return {column: by_name.get(column) for column in COLUMNS}


class DuckDBEngine:
    """The embedded engine: one process, files streamed, memory bounded by DuckDB."""

    name = "duckdb"

    def __init__(self) -> None:
        import duckdb

        self._duckdb = duckdb
        self._connection = duckdb.connect()

    def _scan(self, file: str, kind: str) -> str:
        if kind == "csv":
            return (f"read_csv({_literal(file)}, header = true, all_varchar = true, delim = ',', quote = '\"', "
                    f"escape = '\"', null_padding = false, strict_mode = true)")
        return f"read_parquet({_literal(file)})"

    def columns(self, file: str, kind: str) -> list[str]:
        try:
            return [row[0] for row in self._connection.sql(f"DESCRIBE SELECT * FROM {self._scan(file, kind)}").fetchall()]
        except self._duckdb.Error as error:
            raise Unreadable(f"{file}: not readable as {kind.upper()} ({_first_line(str(error))})") from None

    def _rows(self, file: str, kind: str) -> str:
        cells = ", ".join(f"CAST({_identifier(raw)} AS VARCHAR) AS {column}" if raw else f"NULL AS {column}"
                          for column, raw in _picked(self.columns(file, kind)).items())
        return (f"SELECT {_literal(file)} AS file, ROW_NUMBER() OVER () + {FIRST_ROW[kind] - 1} AS row_no, {cells} "
                f"FROM {self._scan(file, kind)}")

    def run(self, files: list[str], kind: str, scratch: Path) -> Summed:
        sql = statements("duckdb")
        written = scratch / "day_sums.parquet"
        connection = self._connection
        try:
            connection.execute(f"SET temp_directory = {_literal(str(scratch / 'spilled'))}")
            connection.execute(f"SET memory_limit = {_literal(DUCKDB_MEMORY)}")
            connection.execute("CREATE OR REPLACE TEMP VIEW delivery AS "
                               + " UNION ALL ".join(self._rows(f, kind) for f in files))
            connection.execute(sql["checked"])
            connection.execute(f"COPY ({sql['day_sums']}) TO {_literal(str(written))} (FORMAT PARQUET)")
            connection.execute(f"CREATE OR REPLACE TEMP VIEW day_sums AS SELECT * FROM read_parquet({_literal(str(written))})")
            [totals] = connection.sql(sql["totals"]).fetchall()
            months = [month for (month,) in connection.sql(sql["months"]).fetchall()]
            bad = connection.sql(sql["bad_rows"]).fetchall() if totals[2] else []
        except self._duckdb.Error as error:
            message = _first_line(str(error))
            named = [file for file in files if file in str(error)]
            if named:  # DuckDB names the file whose reading failed
                raise Unreadable(f"{named[0]}: not readable as {kind.upper()} ({message})") from None
            raise EngineFailed(f"the duckdb engine failed: {message}") from None
        return summed(written, totals, months, bad)


class SparkEngine:
    """Apache Spark at a master URL (`local[2]`, `spark://host:7077`, `yarn`): the lines stay on
    the cluster, only the bad rows and the day sums come back."""

    name = "spark"

    def __init__(self, master: str) -> None:
        from pyspark.sql import SparkSession

        self._spark = (SparkSession.builder.master(master).appName("partnerdesk usage import")
                       .config("spark.ui.enabled", "false").getOrCreate())

    def _read(self, files: list[str], kind: str):
        reader = self._spark.read
        if kind == "csv":
            return (reader.option("header", True).option("enforceSchema", False).option("mode", "FAILFAST")
                    .option("encoding", "UTF-8").csv(files))
        return reader.parquet(*files)

    def columns(self, file: str, kind: str) -> list[str]:
        return self._guarded(lambda: self._read([file], kind).columns, [file], kind)

    def _guarded(self, work, files: list[str], kind: str):
        """The work's result; a failure as Unreadable when Spark says it is about reading a file
        (naming the file its messages name), else as EngineFailed with the Java exception's message."""
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        try:
            return work()
        except (PySparkException, Py4JError) as error:
            causes = _spark_causes(error)
        if any(condition and condition.startswith(READ_CONDITIONS) for condition, _, _ in causes):
            named = [file for file in files if any(str(Path(file).resolve()) in text for _, text, _ in causes)]
            raise Unreadable(f"{named[0] if named else ', '.join(files)}: not readable as {kind.upper()} "
                             f"({causes[-1][2]})") from None
        raise EngineFailed(f"the spark engine failed: {causes[0][1]}") from None

    def _delivery(self, files: list[str], kind: str):
        """The delivery's rows with their file's URI and their row number in it."""
        from pyspark.sql import Window, functions as f

        frame = self._read(files, kind)
        cells = [f.col(f"`{raw}`").cast("string").alias(column) if raw else f.lit(None).cast("string").alias(column)
                 for column, raw in _picked(frame.columns).items()]
        numbered = frame.select(f.input_file_name().alias("file"), f.monotonically_increasing_id().alias("seq"), *cells)
        order = Window.partitionBy("file").orderBy("seq")
        return numbered.select("file", (f.row_number().over(order) + (FIRST_ROW[kind] - 1)).alias("row_no"), *COLUMNS)

    def run(self, files: list[str], kind: str, scratch: Path) -> Summed:
        sql = statements("spark")
        named = {Path(file).resolve().as_uri(): file for file in files}
        written = scratch / "day_sums"

        def work():
            self._delivery(files, kind).createOrReplaceTempView("delivery")
            self._spark.sql(sql["checked"])
            self._spark.sql(sql["day_sums"]).write.parquet(written.as_uri())
            self._spark.read.parquet(written.as_uri()).createOrReplaceTempView("day_sums")
            totals = tuple(self._spark.sql(sql["totals"]).first())
            months = [row[0] for row in self._spark.sql(sql["months"]).collect()]
            bad = [(named.get(r[0], r[0]), *r[1:]) for r in self._spark.sql(sql["bad_rows"]).collect()] \
                if totals[2] else []
            return totals, months, bad

        totals, months, bad = self._guarded(work, files, kind)
        return summed(written, totals, months, bad)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _spark_causes(error) -> list[tuple[str | None, str, str]]:
    """A Spark error's chain of causes, outermost first: each one's error condition (None for a
    plain Java exception), its description (class and message) and its message alone."""
    from py4j.protocol import Py4JError, Py4JJavaError

    if not isinstance(error, Py4JJavaError):  # raised in Python, or the JVM is gone
        condition = error.getCondition() if hasattr(error, "getCondition") else None
        return [(condition, _first_line(str(error)), _first_line(str(error)))]
    causes, java = [], error.java_exception
    while java is not None and len(causes) < 20:
        try:
            condition = java.getCondition()
        except Py4JError:  # not a SparkThrowable
            condition = None
        causes.append((condition, _first_line(java.toString()), _first_line(java.getMessage() or java.toString())))
        java = java.getCause()
    return causes
