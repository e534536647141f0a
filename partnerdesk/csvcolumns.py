"""Reading a usage file a batch of columns at a time (pyarrow), with the row reader's promises.

pyarrow reads the cells as text in batches, so memory stays flat whatever the file's size, and
does not say on which line a row began. Row n of the data is on line n + 1 (the header is line
1) when every record is exactly one line, which `records_are_lines` checks with the csv module:
at the start for a file with a quote character (the csv module also refuses text after a
closing quote, which pyarrow would take) and at the end for a file with bad rows to name. A
file whose line numbers would be wrong (a quoted newline, a blank line) or that the two readers
read differently (a row of another length than the header, text after a closing quote) raises
`Irregular`, and the import reads it again row by row (partnerdesk/csvfiles.py), which words
everything exactly.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from partnerdesk.csvfiles import checked_header, open_text
from settlement.feeds import Layout

BLOCK_BYTES = 1 << 20
"""Bytes pyarrow parses at a time: thousands of lines per batch. Larger blocks were no quicker
and each batch's checks hold several columns of it at once (issue 14's memory target). The
blocks are parsed in the reading thread: reading ahead in other threads was no quicker either
(the batch's checks and storing are the work) and held more blocks at once."""


class Irregular(Exception):
    """The file has to be read row by row to be read, and its bad rows named, as always."""


def _header(path: Path, layout: Layout) -> list[str]:
    with open_text(path) as handle:
        try:
            return checked_header(csv.reader(handle, strict=True), path, layout)
        except (csv.Error, UnicodeDecodeError):
            raise Irregular from None


def has_quotes(path: Path) -> bool:
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK_BYTES):
            if b'"' in block:
                return True
    return False


def records_are_lines(path: Path) -> bool:
    """Whether the csv module reads the file as one record per line, none blank; Irregular if it
    cannot read it."""
    with open_text(path) as handle:
        reader = csv.reader(handle, strict=True)
        regular = True
        try:
            for number, values in enumerate(reader, start=1):  # to the end: a later record may be unreadable
                regular = regular and bool(values) and reader.line_num == number
        except (csv.Error, UnicodeDecodeError):
            raise Irregular from None
    return regular


class ColumnReader:
    """The data rows of a file whose header fits the layout, as record batches of text columns
    named as the layout names them; `regular` says whether row n is on line n + 1."""

    def __init__(self, path: Path, layout: Layout) -> None:
        self.path = path
        header = _header(path, layout)
        self.names = [name.strip() for name in header]
        self.quoted = has_quotes(path)
        self._regular = records_are_lines(path) if self.quoted else None
        self._types = {name: pa.string() for name in header}
        self._misshapen = False

    def _invalid(self, row) -> str:
        self._misshapen = True
        return "skip"

    def batches(self) -> Iterator[pa.RecordBatch]:
        options = pacsv.ParseOptions(newlines_in_values=self.quoted, invalid_row_handler=self._invalid)
        try:
            reader = pacsv.open_csv(self.path, parse_options=options,
                                    read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES, use_threads=False),
                                    convert_options=pacsv.ConvertOptions(column_types=self._types,
                                                                         strings_can_be_null=False))
            for batch in reader:
                if self._misshapen:
                    raise Irregular
                yield batch.rename_columns(self.names)
        except pa.ArrowInvalid:
            raise Irregular from None
        if self._misshapen:
            raise Irregular

    @property
    def regular(self) -> bool:
        """Whether row n is on line n + 1 (checked once, when first asked)."""
        if self._regular is None:
            self._regular = records_are_lines(self.path)
        return self._regular
