"""The engines that run the day-sum aggregation (storage/usage_aggregation.py) over a delivery.

Each presents the delivery's files as the relation `delivery`: every column as text, with the
file and the row number a person finds the row by (the header is row 1 of a CSV file, Parquet's
first row is row 1). DuckDB numbers each file's rows as it streams them; Spark from the
position of each row in its file's splits, which it lists in file order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from settlement.feeds import USAGE
from storage.usage_aggregation import Aggregate, aggregate, has_bad_rows, statements

COLUMNS = (*USAGE.required, *USAGE.optional)
FIRST_ROW = {"csv": 2, "parquet": 1}


class Unreadable(ValueError):
    """The engine could not read a file of the delivery as its format."""


class Engine(Protocol):
    name: str

    def columns(self, file: str, kind: str) -> list[str]: ...

    def run(self, files: list[str], kind: str) -> Aggregate: ...


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
            raise Unreadable(f"{file}: not readable as {kind.upper()} ({str(error).splitlines()[0]})") from None

    def _rows(self, file: str, kind: str) -> str:
        cells = ", ".join(f"CAST({_identifier(raw)} AS VARCHAR) AS {column}" if raw else f"NULL AS {column}"
                          for column, raw in _picked(self.columns(file, kind)).items())
        return (f"SELECT {_literal(file)} AS file, ROW_NUMBER() OVER () + {FIRST_ROW[kind] - 1} AS row_no, {cells} "
                f"FROM {self._scan(file, kind)}")

    def run(self, files: list[str], kind: str) -> Aggregate:
        sql = statements("duckdb")
        try:
            self._connection.execute("CREATE OR REPLACE TEMP VIEW delivery AS "
                                     + " UNION ALL ".join(self._rows(f, kind) for f in files))
            self._connection.execute(sql["checked"])
            sums = self._connection.sql(sql["day_sums"]).fetchall()
            bad = self._connection.sql(sql["bad_rows"]).fetchall() if has_bad_rows(sums) else []
        except self._duckdb.Error as error:
            raise Unreadable(f"not readable as {kind.upper()} ({str(error).splitlines()[0]})") from None
        return aggregate(bad, sums)


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
        return self._guarded(lambda: self._read([file], kind).columns, file, kind)

    def _guarded(self, work, file: str, kind: str):
        from pyspark.errors import PySparkException
        from py4j.protocol import Py4JJavaError

        try:
            return work()
        except (PySparkException, Py4JJavaError) as error:
            raise Unreadable(f"{file}: not readable as {kind.upper()} ({str(error).strip().splitlines()[0]})") from None

    def _delivery(self, files: list[str], kind: str):
        """The delivery's rows with their file's URI and their row number in it."""
        from pyspark.sql import Window, functions as f

        frame = self._read(files, kind)
        cells = [f.col(f"`{raw}`").cast("string").alias(column) if raw else f.lit(None).cast("string").alias(column)
                 for column, raw in _picked(frame.columns).items()]
        numbered = frame.select(f.input_file_name().alias("file"), f.monotonically_increasing_id().alias("seq"), *cells)
        order = Window.partitionBy("file").orderBy("seq")
        return numbered.select("file", (f.row_number().over(order) + (FIRST_ROW[kind] - 1)).alias("row_no"), *COLUMNS)

    def run(self, files: list[str], kind: str) -> Aggregate:
        sql = statements("spark")
        named = {Path(file).resolve().as_uri(): file for file in files}

        def work():
            self._delivery(files, kind).createOrReplaceTempView("delivery")
            self._spark.sql(sql["checked"])
            sums = [tuple(r) for r in self._spark.sql(sql["day_sums"]).collect()]
            if not has_bad_rows(sums):
                return [], sums
            return [(named.get(r[0], r[0]), *r[1:]) for r in self._spark.sql(sql["bad_rows"]).collect()], sums

        bad, sums = self._guarded(work, ", ".join(files), kind)
        return aggregate(bad, sums)
