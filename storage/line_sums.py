"""The usage sums of the billing lines an import stores, added up as they are stored.

Deriving a month's sums again in SQL (`Usage.derive_sums`) joins every line of the month to its
owner's span; at a million lines that cost more than storing them. A usage import instead joins
its new lines to the spans (read once through `_spans`, SQL's definition of whose a line is,
with `_owned`'s condition) in pyarrow, a window of lines at a time, sums them per month, owner,
customer and product, and ends by adding those sums to the stored ones (`Usage.add_line_sums`).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from kernel.periods import Month
from settlement import usage_columns

WINDOW_ROWS = 100_000
"""New lines joined to the spans at once: each join hashes every customer's spans again."""
COMPACT_ROWS = 1_000_000
"""Summed rows held before they are added up together (memory stays flat at ten million lines)."""
SUM_KEYS = ["month", "partner_id", "customer_id", "product"]
SUMMED = ["amount_micros", "commissionable_micros"]
SPANS = pa.schema([("customer_id", pa.string()), ("partner_id", pa.int64()),
                   ("start_on", pa.date32()), ("end_on", pa.date32())])
IN_FORCE = (pc.field("usage_date") >= pc.field("start_on")) & (
    pc.field("end_on").is_null() | (pc.field("usage_date") < pc.field("end_on")))
"""`_owned`'s join condition: the span runs from its association's day until the next one's."""


def _summed(table: pa.Table, keys: list[str]) -> pa.Table:
    grouped = table.group_by(keys).aggregate([(name, "sum") for name in SUMMED])
    return pa.table({**{k: grouped[k] for k in keys}, **{n: grouped[f"{n}_sum"] for n in SUMMED}})


def _month_keys(numbers: pa.ChunkedArray) -> pa.Array:
    """Month numbers (202607) as `Month.key`s: summed by number, cheaper than by text."""
    months = pc.unique(numbers)
    keys = pa.array([Month(year=n // 100, month=n % 100).key for n in months.to_pylist()], pa.string())
    return pc.take(keys, pc.index_in(numbers, value_set=months))


class LineSums:
    """New lines' micro-units (all, commissionable) per month key, owner (`no_partner` for none),
    customer and product."""

    def __init__(self, spans: pa.Table, no_partner: int) -> None:
        self._spans, self._no_partner = spans, no_partner
        self._window: list[pa.Table] = []
        self._summed: list[pa.Table] = []

    def add(self, lines: pa.Table) -> None:
        """New lines, as columns named as `UsageLine`'s fields."""
        amounts = lines["amount_micros"]
        self._window.append(pa.table({
            "month": usage_columns.month_numbers(lines["usage_date"]), "customer_id": lines["customer_id"],
            "product": lines["product"], "usage_date": lines["usage_date"], "amount_micros": amounts,
            "commissionable_micros": pc.if_else(lines["commissionable"], amounts, pa.scalar(0, pa.int64()))}))
        if sum(t.num_rows for t in self._window) >= WINDOW_ROWS:
            self._attribute()

    def _attribute(self) -> None:
        """The window's lines joined to the span in force on their usage date, then summed."""
        window, self._window = pa.concat_tables(self._window), []
        owned = window.join(self._spans, "customer_id", join_type="left outer", filter_expression=IN_FORCE)
        owners = pc.fill_null(owned["partner_id"], pa.scalar(self._no_partner, pa.int64()))
        self._summed.append(_summed(owned.set_column(owned.schema.get_field_index("partner_id"), "partner_id",
                                                     owners), SUM_KEYS))
        if sum(t.num_rows for t in self._summed) >= COMPACT_ROWS:
            self._summed = [_summed(pa.concat_tables(self._summed), SUM_KEYS)]

    def usage_sums(self) -> pa.Table:
        """Every line added (at least one), summed: columns of `usage_sum`, in its key's order."""
        if self._window:
            self._attribute()
        summed = _summed(pa.concat_tables(self._summed), SUM_KEYS)
        summed = summed.set_column(0, "month", _month_keys(summed["month"]))
        return summed.sort_by([(k, "ascending") for k in SUM_KEYS])

    def partner_sums(self, usage_sums: pa.Table) -> pa.Table:
        """The partners' micro-units (all, commissionable) per month and product of these
        `usage_sums` (the columns of `partner_usage_sum`)."""
        return _summed(usage_sums.filter(pc.not_equal(usage_sums["partner_id"], self._no_partner)),
                       ["month", "partner_id", "product"])
