"""Who a billing line belongs to, and the sums of lines per month, owner, customer and product.

A line belongs to the partner its customer was associated with on the usage date: the
association with the latest `associated_on` on or before it. Before the customer's first
association, or without any, it belongs to no partner (the vendor's direct business, owner
None). Usage is attributed when it is stored and kept as `UsageSum`s, the grain settlement
reads, so settling a month or a quarter never goes back to the million lines behind them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Iterator
from typing import NamedTuple

from settlement.feeds import UsageLine


class UsageSum(NamedTuple):
    """One month's lines of one customer and product while one owner (or none) had the customer."""

    month: str
    owner: Hashable | None
    customer_id: str
    product: str
    micros: int
    commissionable_micros: int


class Owners:
    """Each customer's associations as (associated_on, owner) pairs, latest first."""

    def __init__(self, associations: Iterable[tuple[str, dt.date, Hashable]]) -> None:
        self._spans: dict[str, list[tuple[dt.date, Hashable]]] = {}
        for customer_id, associated_on, owner in associations:
            self._spans.setdefault(customer_id, []).append((associated_on, owner))
        for spans in self._spans.values():
            spans.sort(reverse=True)

    def on(self, customer_id: str, day: dt.date) -> Hashable | None:
        """The customer's owner on that day; a customer has few associations, so a walk suffices."""
        for associated_on, owner in self._spans.get(customer_id, ()):
            if associated_on <= day:
                return owner
        return None


class UsageSums:
    """Lines added up per (month, owner, customer, product) as they are read."""

    def __init__(self, owners: Owners) -> None:
        self._owners = owners
        self._sums: dict[tuple, list[int]] = {}
        self._months: dict[dt.date, str] = {}

    def add(self, lines: Iterable[UsageLine]) -> None:
        sums, months, owner_on = self._sums, self._months, self._owners.on
        for line in lines:
            day = line.usage_date
            month = months.get(day)
            if month is None:
                month = months[day] = f"{day.year:04d}-{day.month:02d}"
            key = (month, owner_on(line.customer_id, day), line.customer_id, line.product)
            found = sums.get(key)
            commissionable = line.amount_micros if line.commissionable else 0
            if found is None:
                sums[key] = [line.amount_micros, commissionable]
            else:
                found[0] += line.amount_micros
                found[1] += commissionable

    def __iter__(self) -> Iterator[UsageSum]:
        return (UsageSum(*key, *amounts) for key, amounts in self._sums.items())

    def __len__(self) -> int:
        return len(self._sums)
