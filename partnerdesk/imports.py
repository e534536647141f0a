"""Importing customers' partners and billing lines: all or nothing, repeatable, streamed.

Usage is attributed to its owners as it is stored: a usage import sums its new lines per month,
owner, customer and product as it stores them and ends by adding those sums to the ones
settlement reads; an association import derives again those of the customers and months whose
lines it moves.

Each import runs in ONE transaction: rows are checked and inserted in batches (executemany on
SQLite, COPY on PostgreSQL), and if any row was bad the transaction rolls back at the end, so
a file imports completely or not at all. A row already stored with the same content is a no-op;
the same key with other content is a bad row. Months that are settled are closed: a line dated
in one is a late line, stored and remembered for the next settlement to settle as an
adjustment, and no association can move their lines to another partner.
"""

from __future__ import annotations

import datetime as dt
import importlib.abc
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from kernel.channel import termination_days
from kernel.partner_types import parse_partner_key, partner_key
from kernel.periods import Month
from partnerdesk.bulk import cycle_collection_paused
from partnerdesk.csvcolumns import ColumnReader, Irregular
from partnerdesk.csvfiles import BadRows, ImportSummary, Row, batches, parse_rows, read_rows, with_nul_refused
from partnerdesk.workspace import Workspace
from settlement import feeds, usage_columns
from settlement.feeds import Association, BadRow, UsageLine
from storage.uow import UnitOfWork

BATCH_ROWS = 10_000
PROGRESS_EVERY = 100_000

Progress = Callable[[int], None]
"""Told the number of rows read so far, every PROGRESS_EVERY rows."""


def _report(summary: ImportSummary, rows: int, progress: Progress | None) -> None:
    """Each multiple of PROGRESS_EVERY the batch's rows reached (a batch may pass several)."""
    before = summary.rows_read
    summary.rows_read += rows
    if progress:
        for passed in range(before // PROGRESS_EVERY + 1, summary.rows_read // PROGRESS_EVERY + 1):
            progress(passed * PROGRESS_EVERY)


# --- billing lines ---------------------------------------------------------------------------

def _new_lines(uow: UnitOfWork, parsed: list[tuple[int, UsageLine]], bad: BadRows,
               summary: ImportSummary) -> list[UsageLine]:
    """The batch's lines not stored yet; repeats counted, conflicts refused."""
    stored = uow.usage.stored({line.line_id for _, line in parsed})
    new: dict[str, UsageLine] = {}
    for number, line in parsed:
        earlier = stored.get(line.line_id) or new.get(line.line_id)
        if earlier == line:
            summary.already_present += 1
        elif earlier is not None:
            bad.add(number, f"line_id: {line.line_id!r} is already present with a different "
                            f"{', '.join(earlier.columns_differing(line))}")
        else:
            new[line.line_id] = line
    return list(new.values())


class _LineImport:
    """One usage import's transaction: batches of new lines stored, late ones remembered, their
    sums added up, and at the end added to the stored ones."""

    def __init__(self, uow: UnitOfWork, summary: ImportSummary) -> None:
        self.uow, self.summary = uow, summary
        uow.periods.lock(settling=False)
        uow.usage.lock_for_import()
        closed = [Month.parse(key) for key in uow.periods.closed_months()]
        self.closed = pa.array([m.year * 100 + m.month for m in closed], pa.int64())
        self.sums = uow.usage.line_sums()

    def stored(self, new: pa.Table) -> None:
        """New lines just stored: the late ones among them remembered, their sums added up."""
        months = usage_columns.month_numbers(new["usage_date"])
        late = new.filter(pc.is_in(months, self.closed))
        if late.num_rows:
            self.uow.usage.add_late(pa.table({"line_id": late["line_id"],
                                              "month": usage_columns.month_keys(late["usage_date"])}))
        self.sums.add(new)
        self.summary.imported += new.num_rows

    def add(self, new: pa.Table) -> None:
        self.uow.usage.add(new)
        self.stored(new)

    def finish(self) -> None:
        if self.summary.imported:
            self.sums.finish()
            self.uow.usage.refresh_line_statistics()


def import_usage_rows(ws: Workspace, rows: Iterable[Row], source: str,
                      progress: Progress | None = None) -> ImportSummary:
    """Import billing lines from rows of a usage file, checked one by one (see `import_usage`)."""
    summary, bad = ImportSummary(file=source), BadRows(source)
    with cycle_collection_paused(), ws.unit_of_work() as uow:
        lines = _LineImport(uow, summary)
        for batch in batches(rows, BATCH_ROWS):
            parsed = parse_rows(batch, feeds.usage_line, bad)
            lines.add(usage_columns.table_of(_new_lines(uow, parsed, bad, summary)))
            _report(summary, len(batch), progress)
        bad.check()
        lines.finish()
    return summary


def _line_numbers(mask: pa.Array, first_line: int) -> list[int]:
    return pc.add(pc.indices_nonzero(mask), first_line).to_pylist()


def _rows_left(batch: pa.RecordBatch, ok: pa.Array, first_line: int, bad: BadRows) -> list[tuple[int, UsageLine]]:
    """The rows the column-wise checks left to the row parser, parsed as the row reader would:
    into `bad` with their line numbers, or as (line, UsageLine) when the parser takes them."""
    left = pc.invert(ok)
    rows = [(number, with_nul_refused(row)) for number, row in
            zip(_line_numbers(left, first_line), batch.filter(left).to_pylist())]
    return parse_rows(rows, feeds.usage_line, bad)


def _add_columns(uow: UnitOfWork, lines: _LineImport, batch: pa.RecordBatch, first_line: int, bad: BadRows) -> None:
    """The batch's lines not stored yet. A batch of new lines only, all accepted by the column-wise
    checks, is stored as columns at once; any other goes through `_new_lines` line by line."""
    ok = usage_columns.accepted(batch)
    accepted = usage_columns.lines(batch.filter(ok))
    if accepted.num_rows == batch.num_rows and uow.usage.add_if_new(accepted):
        lines.stored(accepted)
        return
    taken = _rows_left(batch, ok, first_line, bad) if accepted.num_rows < batch.num_rows else []
    parsed = sorted([*zip(_line_numbers(ok, first_line), (UsageLine(**row) for row in accepted.to_pylist())), *taken])
    lines.add(usage_columns.table_of(_new_lines(uow, parsed, bad, lines.summary)))


def _import_usage_columns(ws: Workspace, path: Path, progress: Progress | None) -> ImportSummary:
    summary, bad = ImportSummary(file=str(path)), BadRows(str(path))
    reader = ColumnReader(path, feeds.USAGE)
    with cycle_collection_paused(), ws.unit_of_work() as uow:
        lines = _LineImport(uow, summary)
        for batch in reader.batches():
            _add_columns(uow, lines, batch, summary.rows_read + 2, bad)
            _report(summary, batch.num_rows, progress)
        if bad.problems and not reader.regular:
            raise Irregular
        bad.check()
        lines.finish()
    return summary


class _NoPandas(importlib.abc.MetaPathFinder):
    """An import finder under which `import pandas` fails."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "pandas":
            raise ImportError("pandas is not needed here")
        return None


def _pyarrow_without_pandas() -> None:
    """Keep pandas out of a process that has not loaded it (the CLI's): pyarrow, converting its
    first Python values, imports pandas only to ask whether they are pandas objects, which costs
    the import a third of its memory. Told once that pandas is missing, pyarrow stops asking;
    anything that needs pandas later (`to_pandas`) still imports it. The app has pandas loaded
    before any view can import usage."""
    if "pandas" in sys.modules:
        return
    sys.meta_path.insert(0, _NoPandas)
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(_NoPandas)


def import_usage(ws: Workspace, path: Path, progress: Progress | None = None) -> ImportSummary:
    """`usage import FILE.csv`: the vendor's billing lines, all or nothing. Read and checked a
    batch of columns at a time; a file that only the row reader reads exactly (partnerdesk/
    csvcolumns.py says which) is imported row by row instead, within a transaction of its own."""
    _pyarrow_without_pandas()
    try:
        return _import_usage_columns(ws, path, progress)
    except Irregular:
        return import_usage_rows(ws, read_rows(path, feeds.USAGE), str(path), progress)


# --- customers -------------------------------------------------------------------------------

def _partner_of(association: Association, known: set[int], terminated: dict[int, dt.date]) -> int:
    """The partner's id. A terminated partner takes no customers, from any date: its termination
    released the customers it had then, and would not release one associated afterwards."""
    partner_id = parse_partner_key(association.partner_id)
    if partner_id is None or partner_id not in known:
        raise BadRow("partner_id", f"{association.partner_id!r} is not a known partner")
    if partner_id in terminated:
        raise BadRow("partner_id", f"{association.partner_id} is terminated (from {terminated[partner_id]}) "
                                   f"and takes no customers")
    return partner_id


def _moves_closed_lines(uow: UnitOfWork, association: Association, closed: set[str]) -> bool:
    """Whether the association would hand lines of a settled month to another partner."""
    latest_end = max((Month.parse(m).end for m in closed), default=None)
    return (latest_end is not None and association.associated_on < latest_end
            and uow.usage.has_usage_since(association.customer_id, association.associated_on, closed))


def _new_associations(uow: UnitOfWork, parsed: list[tuple[int, tuple[Association, int]]],
                      closed: set[str], bad: BadRows, summary: ImportSummary) -> list[tuple[Association, int]]:
    """The batch's associations not stored yet; repeats counted, conflicts refused."""
    stored = uow.customers.stored({a.customer_id for _, (a, _) in parsed})
    new: dict[tuple[str, dt.date], tuple[Association, int]] = {}
    for number, (association, partner_id) in parsed:
        key = (association.customer_id, association.associated_on)
        earlier = stored[key] if key in stored else new[key][1] if key in new else None
        if earlier == partner_id:
            summary.already_present += 1
        elif earlier is not None:
            bad.add(number, f"partner_id: customer {key[0]!r} is already associated with "
                            f"{partner_key(earlier)} from {key[1]}")
        elif _moves_closed_lines(uow, association, closed):
            bad.add(number, f"associated_on: customer {key[0]!r} has usage on or after {key[1]} in a settled "
                            f"month, whose partner cannot change")
        else:
            new[key] = (association, partner_id)
    return list(new.values())


def import_customer_rows(ws: Workspace, rows: Iterable[Row], source: str,
                         progress: Progress | None = None) -> ImportSummary:
    """Associate customers with partners from rows of a customers file (see `import_customers`)."""
    summary, bad = ImportSummary(file=source), BadRows(source)
    with ws.unit_of_work() as uow:
        uow.periods.lock(settling=False)
        uow.usage.lock_for_import()
        parents = {p.id: p.parent_id for p in uow.partners.list()}
        known, closed = set(parents), uow.periods.closed_months()
        terminated = termination_days(parents, uow.standing.of(list(parents)))
        earliest: dict[str, dt.date] = {}
        for batch in batches(rows, BATCH_ROWS):
            parsed = parse_rows(batch, lambda row: _with_partner(row, known, terminated), bad)
            new = _new_associations(uow, parsed, closed, bad, summary)
            uow.customers.add(new)
            for association, _ in new:
                earliest[association.customer_id] = min(association.associated_on,
                                                        earliest.get(association.customer_id, association.associated_on))
            summary.imported += len(new)
            _report(summary, len(batch), progress)
        bad.check()
        if summary.imported:
            uow.customers.refresh_statistics()
            attribute_again(uow, earliest)
            uow.usage.refresh_sum_statistics()
    return summary


def attribute_again(uow: UnitOfWork, earliest: dict[str, dt.date]) -> None:
    """New associations move the customers' stored lines from their first new date on to the
    new owners: derive those customers' sums of those months again (imports and the channel
    platform's acceptances and terminations)."""
    moved: dict[str, list[str]] = {}
    since = Month.of(min(earliest.values()))
    for customer_id, months in uow.usage.months_with_usage(since, earliest.keys()).items():
        first = Month.of(earliest[customer_id]).key
        for month in months:
            if month >= first:
                moved.setdefault(month, []).append(customer_id)
    for key, customer_ids in moved.items():
        for customers in batches(customer_ids, BATCH_ROWS):
            uow.usage.derive_sums(Month.parse(key), customers)


def _with_partner(row: dict, known: set[int], terminated: dict[int, dt.date]) -> tuple[Association, int]:
    association = feeds.association(row)
    return association, _partner_of(association, known, terminated)


def import_customers(ws: Workspace, path: Path, progress: Progress | None = None) -> ImportSummary:
    """`customers import FILE.csv`: from `associated_on` on, the customer's usage is the partner's."""
    return import_customer_rows(ws, read_rows(path, feeds.CUSTOMERS), str(path), progress)
