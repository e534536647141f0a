"""`usage import FILE --engine duckdb|spark`: a delivery of billing lines loaded as its day sums.

The engine reads the file or directory (CSV or Parquet) where it lies, checks every row as the
line import does and adds the lines up per usage date, customer and product
(storage/usage_aggregation.py); PartnerDesk stores only those sums, which attribute usage to its
owners exactly as lines do (`Usage.derive_sums` joins them to the associations by date). All or
nothing: a bad row anywhere stores nothing. A delivery already imported (same fingerprint: the
same lines, in any order or format) stores nothing either. Day sums of a closed month are late,
like late lines, and settle as adjustments.

The engine runs before the transaction opens: a long Spark job holds no lock on the database. It
writes the day sums to Parquet in a scratch directory (under TMPDIR), which is loaded a batch at a
time in one transaction: a delivery can have almost as many day sums as lines. An engine that
fails for a reason of its own (memory, a failed job) is a failure (exit 1), not bad input.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

from pydantic import Field

from kernel.periods import Month
from partnerdesk import imports
from partnerdesk.csvfiles import ImportSummary
from partnerdesk.errors import Failure, InputError
from partnerdesk.workspace import Workspace
from settlement.feeds import USAGE
from storage.usage_aggregation import Summed
from storage.usage_engines import (DuckDBEngine, Engine, EngineFailed, SparkEngine, Unreadable,
                                    day_sum_batches)

ENGINES = ("lines", "duckdb", "spark")
DEFAULT_MASTER = "local[2]"
KINDS = {".csv": "csv", ".parquet": "parquet", ".parq": "parquet"}
WHERE = {"csv": "line", "parquet": "row"}

Report = Callable[[str], None]
"""Told what the import is doing, a stage at a time."""


class DeliverySummary(ImportSummary):
    """An import's counts (lines read, imported, already present) and the engine that made them;
    for an engine's delivery also its day sums and the months it touched."""

    engine: str
    day_sums: int | None = Field(default=None, exclude_if=lambda count: count is None)
    months: list[str] | None = Field(default=None, exclude_if=lambda months: months is None)
    """Left out of the lines engine's output: it keeps lines, not day sums."""


def engine_named(name: str, master: str | None) -> Engine:
    """The engine of `--engine` (not `lines`); `--spark-master` only goes with spark."""
    if master and name != "spark":
        raise InputError("--spark-master: goes only with --engine spark")
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        try:
            import pyspark  # noqa: F401
        except ImportError:
            raise InputError("--engine spark: pyspark is not installed (pip install pyspark; Spark needs Java 17)") from None
        from pyspark.errors import PySparkException

        try:
            return SparkEngine(master or DEFAULT_MASTER)
        except PySparkException as error:  # no Java, for one
            raise Failure(f"--engine spark: Spark could not start ({str(error).strip().splitlines()[0]})") from None
    raise InputError(f"--engine: {name!r} is not an engine; choose one of {', '.join(ENGINES)}")


def delivery_files(path: Path) -> tuple[list[str], str]:
    """The delivery's files and their format: one file, or every file of a directory (Spark's
    `_SUCCESS` and hidden files left out), all CSV or all Parquet by their suffix."""
    if not path.exists():
        raise InputError(f"{path}: file not found")
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(("_", "."))) \
        if path.is_dir() else [path]
    if not files:
        raise InputError(f"{path}: the directory holds no file")
    strange = [p for p in files if p.suffix.lower() not in KINDS]
    if strange:
        raise InputError(f"{strange[0]}: not a CSV or Parquet file (the name must end in .csv or .parquet)")
    kinds = {KINDS[p.suffix.lower()] for p in files}
    if len(kinds) > 1:
        raise InputError(f"{path}: holds both CSV and Parquet files; a delivery is of one format")
    return [str(p) for p in files], kinds.pop()


def _checked(engine: Engine, files: list[str], kind: str) -> None:
    for file in files:
        problems = USAGE.problems(engine.columns(file, kind))
        if problems:
            raise InputError(f"{file}: {'line 1 (header)' if kind == 'csv' else 'columns'}: " + "; ".join(problems))


def _refuse_bad_rows(source: str, kind: str, result: Summed) -> None:
    if not result.bad_count:
        return
    count = result.bad_count
    listing = [f"{file}: {WHERE[kind]} {row}: {problem}" for file, row, problem in result.bad_rows]
    if count > len(listing):
        listing.append(f"... and {count - len(listing)} more bad rows")
    raise InputError(f"{source}: {count} bad row{'s' if count > 1 else ''}, nothing imported\n" + "\n".join(listing))


def _summed(engine: Engine, path: Path, scratch: Path, report: Report) -> Summed:
    files, kind = delivery_files(path)
    try:
        _checked(engine, files, kind)
        report(f"{path}: {len(files)} {kind.upper()} file{'s' if len(files) > 1 else ''}, summing on {engine.name}")
        result = engine.run(files, kind, scratch)
    except Unreadable as error:
        raise InputError(str(error)) from None
    except EngineFailed as error:
        raise Failure(f"{path}: {error}") from None
    _refuse_bad_rows(str(path), kind, result)
    report(f"{path}: {result.lines:,} lines in {result.count:,} day sums")
    return result


def import_delivery(ws: Workspace, path: Path, engine: Engine, report: Report, at: dt.datetime) -> DeliverySummary:
    """Load a delivery's day sums, all or nothing, once."""
    with tempfile.TemporaryDirectory(prefix="partnerdesk-delivery-") as scratch:
        result = _summed(engine, path, Path(scratch), report)
        summary = DeliverySummary(file=str(path), engine=engine.name, rows_read=result.lines,
                                  day_sums=result.count, months=result.months)
        if not result.lines:
            return summary
        months = [Month.parse(key) for key in result.months]
        with ws.unit_of_work() as uow:
            uow.periods.lock(settling=False)
            uow.usage.lock_for_import()
            if uow.deliveries.known(result.fingerprint):
                summary.already_present = result.lines
                return summary
            delivery_id = uow.deliveries.add(str(path), engine.name, result.fingerprint, result.lines,
                                             result.months, at)
            stored = 0
            for batch in day_sum_batches(result.day_sums):
                uow.deliveries.add_day_sums(delivery_id, batch)
                stored += batch.num_rows
                report(f"{path}: {stored:,} of {result.count:,} day sums stored")
            closed = set(uow.periods.closed_months())
            uow.usage.add_late_day_sums(delivery_id, [m for m in months if m.key in closed])
            for month in months:
                report(f"{path}: usage sums of {month.key}")
                uow.usage.derive_sums(month)
            uow.usage.refresh_sum_statistics()
    summary.imported = result.lines
    report(f"{path}: stored")
    return summary


def import_usage(ws: Workspace, path: Path, engine: str, master: str | None, progress: imports.Progress,
                 report: Report) -> DeliverySummary:
    """`usage import FILE [--engine lines|duckdb|spark] [--spark-master URL]`."""
    if engine == "lines":
        if master:
            raise InputError("--spark-master: goes only with --engine spark")
        return DeliverySummary(engine="lines", **imports.import_usage(ws, path, progress).model_dump())
    return import_delivery(ws, path, engine_named(engine, master), report, dt.datetime.now(dt.timezone.utc))
