"""Settlement's central rule: a billing line belongs to the customer's partner on its usage date.

A customer belongs to the partner of its latest association on or before the day (never
before the association's own day), and to no partner once that partner is terminated (from
the termination date on). Storage derives the same in SQL when it sums lines per owner
(storage/settlement_usage.py, `_spans`; a usage import joins its new lines to those spans in
storage/line_sums.py); the property tests hold them together.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from kernel.periods import Month
from settlement.feeds import Association, UsageLine

OwnerKey = tuple[str, str | None, str, str]
"""(month, owner 'P-n' or None for the vendor's direct business, customer, product)."""


class Attribution:
    """Who owns each customer when: the associations by customer, ordered by day."""

    def __init__(self, associations: Iterable[Association],
                 terminated_on: Mapping[str, dt.date] | None = None) -> None:
        by_customer: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
        for a in associations:
            by_customer[a.customer_id].append((a.associated_on, a.partner_id))
        self._days = {c: [day for day, _ in sorted(spans)] for c, spans in by_customer.items()}
        self._partners = {c: [partner for _, partner in sorted(spans)] for c, spans in by_customer.items()}
        self._terminated_on = dict(terminated_on or {})

    def owner_on(self, customer_id: str, day: dt.date) -> str | None:
        """The partner the customer belongs to on `day`, or None (the vendor's direct business)."""
        days = self._days.get(customer_id, [])
        at = bisect.bisect_right(days, day) - 1
        if at < 0:
            return None
        partner = self._partners[customer_id][at]
        ended = self._terminated_on.get(partner)
        return None if ended is not None and day >= ended else partner


def owner_sums(lines: Iterable[UsageLine], attribution: Attribution) -> dict[OwnerKey, tuple[int, int]]:
    """Micro-units (all, commissionable) per month, owner, customer and product: what settling reads."""
    sums: dict[OwnerKey, list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        key = (Month.of(line.usage_date).key, attribution.owner_on(line.customer_id, line.usage_date),
               line.customer_id, line.product)
        sums[key][0] += line.amount_micros
        sums[key][1] += line.amount_micros if line.commissionable else 0
    return {key: (total, commissionable) for key, (total, commissionable) in sums.items()}
