"""Late lines, whatever order they arrive in: random billing lines delivered in random batches
between settlements settle, per partner and month, as the contract says: the lines known when
a month is settled are its invoice lines, and the late ones each later settlement picks up are
summed per customer and product and rounded like any line; an agency's late commissionable
usage earns its own entry; a settled quarter is recomputed with its late lines.

Each example bills its own quarter Q (months m0, m1, m2): batch k is imported, then month k is
settled, for k = 0..3 (m3 is the next quarter's first month, when the last late lines settle);
Q is settled after m2, and the next quarter after the last batch. The oracle is plain Python.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kernel.periods import Month
from partnerdesk.lookups import quarter_commissions
from partnerdesk.settling import settle_month, settle_quarter
from settlement_world import Channel

CUSTOMERS = ["A1", "R1", "R2", "D1", "T1", "V1"]  # V1 has no partner
PRODUCTS = ["ecs", "marketplace"]
CENT = Decimal("0.01")
LATER = dt.date(2100, 1, 1)
examples = itertools.count()
PROPERTY = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
line = st.tuples(st.sampled_from(CUSTOMERS), st.sampled_from(PRODUCTS), st.integers(0, 2), st.integers(1, 28),
                 st.decimals(min_value=-3000, max_value=60000, places=3, allow_nan=False, allow_infinity=False),
                 st.integers(0, 3))


@pytest.fixture
def channel(workspace, tmp_path):
    channel = Channel(workspace, tmp_path)
    distributor = channel.partner("distributor")
    owners = {"A": channel.partner("agency"), "R": channel.partner("direct_reseller", tier="gold"),
              "D": distributor, "T": channel.tier2(distributor)}
    channel.customers([[c, owners[c[0]], "2020-01-01"] for c in CUSTOMERS if c[0] in owners])
    channel.owners = owners
    return channel


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP) + 0


def expected_gross(owners: dict, rows: list) -> dict:
    """(bill_to, month) -> the gross of its invoice lines and adjustment lines: per customer,
    product and the settlement that carries them, the lines summed and rounded."""
    sums = defaultdict(Decimal)
    for customer, product, month, settled_by, amount in rows:
        kind = customer[0]
        billed_by = {"R": ["R"], "D": ["D"], "T": ["D", "T"]}.get(kind, [])
        for bill_to in billed_by:
            sums[owners[bill_to], month, customer, product, settled_by] += amount
    gross = defaultdict(Decimal)
    for (bill_to, month, *_), amount in sums.items():
        gross[bill_to, month] += cents(amount)
    return {key: total for key, total in gross.items() if total}


def commissionable(rows: list, kinds: str, months: list[str]) -> Decimal:
    return cents(sum((r[5] for r in rows if r[1][0] in kinds and r[2] != "marketplace" and r[3] in months),
                     Decimal(0)))


@PROPERTY
@given(lines=st.lists(line, max_size=16))
def test_lines_in_any_order_settle_to_what_they_come_to_at_once(channel, lines):
    n = next(examples)
    first = Month(year=2040 + n, month=1)
    months = [first, first.next, first.next.next, first.next.next.next]
    rows = [(f"{first.key}-{i}", c, p, months[m].key, months[m].first_day.replace(day=d), a, batch)
            for i, (c, p, m, d, a, batch) in enumerate(lines)]
    results = []
    for batch, month in enumerate(months):
        delivered = [[r[0], r[1], r[2], r[4].isoformat(), format(r[5], "f")] for r in rows if r[6] == batch]
        if delivered:
            channel.usage(delivered, name=f"usage-{first.key}-{batch}.csv")
        results.append(settle_month(channel.ws, month, as_of=LATER))
        if batch == 2:
            quarter = settle_quarter(channel.ws, first.quarter, as_of=LATER)
    next_quarter = settle_quarter(channel.ws, months[3].quarter, as_of=LATER)

    gross = defaultdict(Decimal)
    for result in results:
        for invoice in result.invoices:
            for invoice_line in invoice.lines:
                gross[invoice.bill_to, invoice_line.adjusts or result.period] += invoice_line.gross
    keys = [m.key for m in months]
    assert {key: total for key, total in gross.items() if total} == expected_gross(
        channel.owners, [(r[1], r[2], r[3], max(r[6], keys.index(r[3])), r[5]) for r in rows])

    agency = channel.owners["A"]
    for index, month in enumerate(months[:3]):
        paid = sum((c.commission for r in results for c in r.agency_commissions
                    if c.partner_id == agency and (c.adjusts or r.period) == month.key), Decimal(0))
        known = [r for r in rows if r[6] <= index]
        expected = max(Decimal(0), cents(commissionable(known, "A", [month.key]) * Decimal("0.10")))
        for batch in range(index + 1, len(months)):
            late = [r for r in rows if r[6] == batch]
            expected += cents(commissionable(late, "A", [month.key]) * Decimal("0.10"))
        assert paid == expected

    performance = commissionable(rows, "R", [m.key for m in months[:3]])
    rate = Decimal("0.04") if performance >= 100_000 else Decimal("0.02")
    entries = [*(c for c in quarter.commissions if c.adjusts is None),
               *(c for c in next_quarter.commissions if c.adjusts == quarter.period)]
    paid = sum((c.commission for c in entries if c.partner_id == channel.owners["R"]), Decimal(0))
    assert paid == max(Decimal(0), cents(performance * rate))

    assert [settle_month(channel.ws, month, as_of=LATER) for month in months] == results
    assert settle_quarter(channel.ws, first.quarter, as_of=LATER) == quarter
    assert quarter_commissions(channel.ws, first.quarter.key) == quarter.commissions
