"""The usage sums of the billing lines an import stores, added up as they are stored.

Deriving a month's sums again in SQL (`Usage.derive_sums`) joins every line of the month to its
owner's span; at a vendor's volumes that cost more than storing them. A usage import instead joins
its new lines to the spans (read once through `_spans`, SQL's definition of whose a line is,
with `_owned`'s condition) in pyarrow, a window of lines at a time, sums them per month, owner,
customer and product, and adds those sums to the stored ones (`Usage.line_sums`).
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from kernel.periods import Month
from settlement import usage_columns

WINDOW_ROWS = 100_000
"""New lines joined to the spans at once: each join hashes every customer's spans again."""
WRITTEN_ROWS = 200_000
"""Attributed lines summed and written at once: fewer write a customer's sums more often, more
hold more memory."""
SUM_KEYS = ["month", "partner_id", "customer_id", "product"]
"""`usage_sum`'s key."""
PARTNER_SUM_KEYS = ["month", "partner_id", "product"]
"""`partner_usage_sum`'s key."""
SUMMED = ["amount_micros", "commissionable_micros"]
SPANS = pa.schema([("customer_id", pa.string()), ("partner_id", pa.int64()),
                   ("start_on", pa.date32()), ("end_on", pa.date32())])
IN_FORCE = (pc.field("usage_date") >= pc.field("start_on")) & (
    pc.field("end_on").is_null() | (pc.field("usage_date") < pc.field("end_on")))
"""`_owned`'s join condition: the span runs from its association's day until the next one's."""


def _summed(table: pa.Table, keys: list[str]) -> pa.Table:
    """The table's micro-units summed by `keys` (in one thread, as the join: threads were no
    quicker and each kept a hash table of its own)."""
    grouped = table.group_by(keys, use_threads=False).aggregate([(name, "sum") for name in SUMMED])
    return pa.table({**{k: grouped[k] for k in keys}, **{n: grouped[f"{n}_sum"] for n in SUMMED}})


def _rows(tables: list[pa.Table]) -> int:
    return sum(t.num_rows for t in tables)


def _month_keys(numbers: pa.ChunkedArray) -> pa.Array:
    """Month numbers (202607) as `Month.key`s: summed by number, cheaper than by text."""
    months = pc.unique(numbers)
    keys = pa.array([Month(year=n // 100, month=n % 100).key for n in months.to_pylist()], pa.string())
    return pc.take(keys, pc.index_in(numbers, value_set=months))


class LineSums:
    """New lines' micro-units (all, commissionable) per month key, owner (`no_partner` for none),
    customer and product, written with `write(usage_sums, partner_sums)` a part at a time: the
    sums of every WRITTEN_ROWS lines, added to the stored ones, so memory stays flat however
    many lines and customers there are; `done()` once the last part is written."""

    def __init__(self, spans: pa.Table, no_partner: int, write: Callable[[pa.Table, pa.Table], None],
                 done: Callable[[], None]) -> None:
        self._spans, self._no_partner, self._write, self._done = spans, no_partner, write, done
        self._window: list[pa.Table] = []
        self._owned: list[pa.Table] = []

    def add(self, lines: pa.Table) -> None:
        """New lines, as columns named as `UsageLine`'s fields."""
        amounts = lines["amount_micros"]
        self._window.append(pa.table({
            "customer_id": lines["customer_id"], "product": lines["product"], "usage_date": lines["usage_date"],
            "amount_micros": amounts,
            "commissionable_micros": pc.if_else(lines["commissionable"], amounts, pa.scalar(0, pa.int64()))}))
        if _rows(self._window) >= WINDOW_ROWS:
            self._attribute()
            if _rows(self._owned) >= WRITTEN_ROWS:
                self._written()

    def finish(self) -> None:
        """The sums of the lines not written yet written, and the writer told that all are."""
        if self._window:
            self._attribute()
        if self._owned:
            self._written()
        self._done()

    def _attribute(self) -> None:
        """The window's lines joined to the span in force on their usage date."""
        window, self._window = pa.concat_tables(self._window), []
        owned = window.join(self._spans, "customer_id", join_type="left outer", filter_expression=IN_FORCE,
                            use_threads=False)
        self._owned.append(pa.table({
            "month": usage_columns.month_numbers(owned["usage_date"]),
            "partner_id": pc.fill_null(owned["partner_id"], pa.scalar(self._no_partner, pa.int64())),
            **{name: owned[name] for name in ("customer_id", "product", *SUMMED)}}))

    def _written(self) -> None:
        """The attributed lines summed (in `usage_sum`'s key order) and written, with their partners' sums."""
        summed, self._owned = _summed(pa.concat_tables(self._owned), SUM_KEYS), []
        summed = summed.set_column(0, "month", _month_keys(summed["month"]))
        summed = summed.sort_by([(k, "ascending") for k in SUM_KEYS])
        owned = summed.filter(pc.not_equal(summed["partner_id"], self._no_partner))
        self._write(summed, _summed(owned, PARTNER_SUM_KEYS))
