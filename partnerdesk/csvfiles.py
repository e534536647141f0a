"""Reading the CSV files of settlement: streamed row by row, every bad row named with its line.

An import reads its file once, in batches, and never holds the whole file: memory stays flat
however long the file is. Bad rows are collected (only they are kept) and reported together,
so a user fixes the file in one pass.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

from pydantic import BaseModel

from partnerdesk.errors import InputError
from settlement.feeds import BadRow, Layout

Row = tuple[int, dict]
"""A data row and its line number in the file (the header is line 1)."""


class ImportSummary(BaseModel):
    """What an import did: rows read, rows stored, rows that were stored already."""

    file: str
    rows_read: int = 0
    imported: int = 0
    already_present: int = 0


SHAPE = None
"""The key under which a row of the wrong length carries its problem (no column has it)."""


def _misshapen(names: list[str], values: list[str], layout: Layout) -> dict:
    """A row of another length than the header; optional columns at the end may be left out."""
    row = dict(zip(names, values))
    missing = [name for name in names[len(values):] if name in layout.required]
    if len(values) > len(names):
        row[SHAPE] = f"{len(values)} fields where the header has {len(names)}"
    elif missing:
        row[SHAPE] = f"too few fields (no value for {', '.join(missing)})"
    return row


def with_nul_refused(row: dict) -> dict:
    """A cell holding a NUL character makes the row bad: PostgreSQL cannot store one, and on
    SQLite it would be kept as is and cut the text short wherever it is shown."""
    fields = [name for name, value in row.items() if name is not SHAPE and "\x00" in value]
    if fields:
        row.setdefault(SHAPE, f"{', '.join(fields)}: must not contain a NUL character")
    return row


def open_text(path: Path):
    """The file opened as UTF-8 text for the csv module (a byte-order mark is skipped)."""
    try:
        return open(path, newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (IsADirectoryError, PermissionError) as error:
        raise InputError(f"{path}: cannot be read ({error.__class__.__name__})") from None


def checked_header(reader, path: Path, layout: Layout) -> list[str]:
    """The header row as written, after checking it against the layout."""
    header = next(reader, None)
    problems = layout.problems(header)
    if problems:
        raise InputError(f"{path}: line 1 (header): " + "; ".join(problems))
    return header


def read_rows(path: Path, layout: Layout) -> Iterator[Row]:
    """The file's rows as dicts by column, after its header has been checked against the layout."""
    with open_text(path) as handle:
        reader = csv.reader(handle, strict=True)
        try:
            names = [name.strip() for name in checked_header(reader, path, layout)]
            for values in reader:
                if len(values) == len(names):
                    yield reader.line_num, with_nul_refused(dict(zip(names, values)))
                elif values:
                    yield reader.line_num, with_nul_refused(_misshapen(names, values, layout))
        except csv.Error as error:
            raise InputError(f"{path}: line {reader.line_num + 1}: not readable as CSV ({error})") from None
        except UnicodeDecodeError as error:
            raise InputError(f"{path}: line {_undecodable_line(path)}: not UTF-8 text ({error.reason}); "
                             f"save the file as UTF-8") from None


def _undecodable_line(path: Path) -> int:
    """The first line whose bytes are not UTF-8. The text reader decodes the file in blocks, so
    where it fails says only which block; a line break is one byte in UTF-8, so lines are found
    in the bytes alike."""
    number = 1
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return number


def shape_problem(row: dict) -> str | None:
    """Why a row does not fit the header, if it does not."""
    return row.get(SHAPE)


def parse_rows(rows: Iterable[Row], parse: Callable[[dict], object], bad: "BadRows") -> list[tuple[int, object]]:
    """Each well-shaped row parsed, with its line number; every bad row goes to `bad` instead."""
    parsed = []
    for line, row in rows:
        problem = shape_problem(row)
        if problem:
            bad.add(line, problem)
            continue
        try:
            parsed.append((line, parse(row)))
        except BadRow as error:
            bad.add(line, str(error))
    return parsed


def batches(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class BadRows:
    """Collects the refused rows of one file; `check` raises them all as one input error."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[tuple[int, str]] = []

    def add(self, line: int, problem: str) -> None:
        self.problems.append((line, problem))

    def check(self) -> None:
        if self.problems:
            count = len(self.problems)
            listing = "\n".join(f"{self.source}: line {line}: {problem}" for line, problem in sorted(self.problems))
            raise InputError(f"{self.source}: {count} bad row{'s' if count > 1 else ''}, nothing imported\n{listing}")
