"""Billing lines checked and converted a column at a time, as `feeds.usage_line` checks one row.

A usage file of millions of lines is checked with pyarrow's compute functions instead of a
Python call per cell. The column-wise checks only accept: a row they do not accept goes to
`feeds.usage_line`, which either words its problem exactly as a row-by-row import does or, for
the rare value written in a way the checks leave to it (a cell with spaces around it, text
ending in a non-ASCII character, "TRUE"), parses it. So the checks may be stricter than the
contract, never looser; tests/test_usage_columns.py holds them to the row parser.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from kernel.money import DECIMAL_GRAMMAR, MAX_AMOUNT
from kernel.validation import EARLIEST_DAY, LATEST_DAY
from settlement.feeds import USAGE_TEXT, UsageLine

MICROS = 1_000_000
WHOLE_DIGITS = len(str(MAX_AMOUNT)) - 1
AMOUNT_IN_LIMITS = rf"^[+-]?0*[0-9]{{1,{WHOLE_DIGITS}}}(\.[0-9]{{1,6}}0*)?$"
"""Below MAX_AMOUNT, with at most 6 decimal places (zeros after them are no more places)."""
AMOUNT_PARTS = rf"^(?P<sign>[+-]?)0*(?P<whole>[0-9]{{1,{WHOLE_DIGITS}}})(?:\.(?P<fraction>[0-9]{{1,6}}))?"
TRIMMED_TEXT = r"(?s)^[!-~](.*[!-~])?$"
"""Text starting and ending with a visible ASCII character: nothing `str.strip` would remove."""
ISO_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
FLAGS = ("true", "false", "")
SCHEMA = pa.schema([("line_id", pa.string()), ("customer_id", pa.string()), ("product", pa.string()),
                    ("usage_date", pa.date32()), ("amount_micros", pa.int64()), ("commissionable", pa.bool_())])
"""`UsageLine` as columns."""


def _text_ok(column: pa.Array, longest: int) -> pa.Array:
    return pc.and_(pc.match_substring_regex(column, TRIMMED_TEXT), pc.less_equal(pc.utf8_length(column), longest))


def _days(column: pa.Array) -> pa.Array:
    """Each cell as a date, or null when it is not a real calendar day written YYYY-MM-DD."""
    written = pc.if_else(pc.match_substring_regex(column, ISO_DAY), column, None)
    try:
        return pc.cast(written, pa.date32())
    except pa.ArrowInvalid:  # a day that is not in the calendar: find which, cell by cell
        pass
    stamps = pc.strptime(written, format="%Y-%m-%d", unit="s", error_is_null=True)
    real = pc.equal(pc.strftime(stamps, format="%Y-%m-%d"), written)  # strptime rolls 02-30 over to March
    return pc.cast(pc.if_else(real, stamps, None), pa.date32())


def _day_ok(days: pa.Array) -> pa.Array:
    return pc.and_(pc.greater_equal(days, pa.scalar(EARLIEST_DAY)), pc.less_equal(days, pa.scalar(LATEST_DAY)))


def _amount_ok(column: pa.Array) -> pa.Array:
    return pc.and_(pc.match_substring_regex(column, f"^({DECIMAL_GRAMMAR})$"),
                   pc.match_substring_regex(column, AMOUNT_IN_LIMITS))


def _no_nul(batch: pa.RecordBatch) -> pa.Array:
    return _every([pc.invert(pc.match_substring(column, "\x00")) for column in batch.columns])


def _every(masks: list[pa.Array]) -> pa.Array:
    combined = masks[0]
    for mask in masks[1:]:
        combined = pc.and_(combined, mask)
    return combined


def accepted(batch: pa.RecordBatch) -> pa.Array:
    """Per row: whether every cell passes the column-wise checks (no null: false instead)."""
    checks = [_no_nul(batch), _day_ok(_days(batch["usage_date"])), _amount_ok(batch["amount"])]
    checks += [_text_ok(batch[name], longest) for name, longest in USAGE_TEXT.items()]
    if "commissionable" in batch.schema.names:
        checks.append(pc.is_in(batch["commissionable"], pa.array(FLAGS)))
    return pc.fill_null(_every(checks), False)


def micros(column: pa.Array) -> pa.Array:
    """Amounts of accepted rows as integer micro-units (int64), exactly."""
    parts = pc.extract_regex(column, AMOUNT_PARTS)
    whole = pc.cast(pc.struct_field(parts, "whole"), pa.int64())
    fraction = pc.cast(pc.utf8_rpad(pc.struct_field(parts, "fraction"), 6, "0"), pa.int64())
    size = pc.add(pc.multiply(whole, MICROS), fraction)
    return pc.if_else(pc.equal(pc.struct_field(parts, "sign"), "-"), pc.negate(size), size)


def lines(batch: pa.RecordBatch) -> pa.Table:
    """Accepted rows as the columns of `UsageLine` (dates as date32, amounts as micro-units)."""
    flags = batch["commissionable"] if "commissionable" in batch.schema.names else None
    commissionable = pa.array([True] * batch.num_rows) if flags is None else pc.not_equal(flags, "false")
    return pa.table([batch["line_id"], batch["customer_id"], batch["product"], _days(batch["usage_date"]),
                     micros(batch["amount"]), commissionable], schema=SCHEMA)


def table_of(usage_lines: list[UsageLine]) -> pa.Table:
    return pa.Table.from_pylist([line._asdict() for line in usage_lines], schema=SCHEMA)


def month_keys(days: pa.Array) -> pa.Array:
    """Each day's month as `Month.key` writes it ('2026-07')."""
    return pc.strftime(pc.cast(days, pa.timestamp("s")), format="%Y-%m")


def month_numbers(days: pa.Array) -> pa.Array:
    """Each day's month as the number year * 100 + month (202607): quicker to compare than keys."""
    return pc.add(pc.multiply(pc.year(days), 100), pc.month(days))
