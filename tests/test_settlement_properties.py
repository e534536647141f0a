"""Properties of settlement for random billing lines, against an oracle written in plain Python.

One channel (an agency, a gold reseller, a distributor with two tier-2 resellers, and
customers of each plus the vendor's own) serves every example; each example bills a quarter
of its own, so settling closes nothing another example needs.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import Session

from kernel.periods import Month
from partnerdesk.imports import import_usage
from partnerdesk.settling import settle_month, settle_quarter
from settlement_world import Channel
from storage.settlement_tables import CommissionRow, InvoiceRow, UsageLine

CUSTOMERS = ["A1", "A2", "R1", "R2", "D1", "T1", "T2", "U1", "V1"]  # V1 has no partner
PRODUCTS = ["ecs", "oss", "marketplace"]
CENT = Decimal("0.01")
quarters = itertools.count()
LATER = dt.date(2100, 1, 1)  # every quarter billed here has ended

line = st.tuples(st.sampled_from(CUSTOMERS), st.sampled_from(PRODUCTS), st.integers(1, 28),
                 st.decimals(min_value=-5000, max_value=20000, places=6, allow_nan=False, allow_infinity=False),
                 st.booleans())
PROPERTY = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def channel(workspace, tmp_path):
    channel = Channel(workspace, tmp_path)
    agency, gold = channel.partner("agency"), channel.partner("direct_reseller", tier="gold")
    distributor = channel.partner("distributor")
    own_rate, default_rate = channel.tier2(distributor, "0.07"), channel.tier2(distributor)
    owners = {"A": agency, "R": gold, "D": distributor, "T": own_rate, "U": default_rate}
    channel.customers([[c, owners[c[0]], "2020-01-01"] for c in CUSTOMERS if c[0] in owners])
    channel.owners = owners
    return channel


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP) + 0


def expected_invoices(owners: dict, rows: list) -> dict:
    """bill_to -> {(customer, product): (gross, discount, net)}, computed without the database."""
    vendor_rate = {"R": Decimal("0.08"), "D": Decimal("0.10"), "T": Decimal("0.10"), "U": Decimal("0.10")}
    own_rate = {"T": Decimal("0.07"), "U": Decimal("0.05")}
    sums = defaultdict(Decimal)
    for _, customer, product, _, amount, _ in rows:
        kind = customer[0]
        if kind in vendor_rate:
            billed = owners["D"] if kind in "TU" else owners[kind]
            sums[(billed, vendor_rate[kind], customer, product)] += amount
        if kind in own_rate:
            sums[(owners[kind], own_rate[kind], customer, product)] += amount
    invoices = defaultdict(dict)
    for (bill_to, rate, customer, product), amount in sums.items():
        gross = cents(amount)
        discount = cents(gross * rate)
        invoices[bill_to][(customer, product)] = (gross, discount, gross - discount)
    return invoices


def commissionable(rows: list, kinds: str) -> Decimal:
    return cents(sum((r[4] for r in rows if r[1][0] in kinds and r[2] != "marketplace" and r[5]), Decimal(0)))


def csv_rows(rows: list) -> list[list]:
    return [[line_id, c, p, day.isoformat(), format(a, "f"), "true" if flag else "false"]
            for line_id, c, p, day, a, flag in rows]


def snapshot(ws) -> tuple:
    with Session(ws.engine) as session:
        return tuple(session.execute(select(func.count(), func.coalesce(func.sum(column), 0))).one()
                     for column in (UsageLine.amount_micros, InvoiceRow.total_cents,
                                    func.length(InvoiceRow.lines), CommissionRow.commission_cents))


@PROPERTY
@given(lines=st.lists(line, max_size=25))
def test_settlement_matches_the_oracle_and_repeats_change_nothing(channel, lines):
    n = next(quarters)
    month = Month(year=2030 + n // 4, month=3 * (n % 4) + 1)
    rows = [(f"{month.key}-{i}", c, p, month.first_day.replace(day=d), a, flag)
            for i, (c, p, d, a, flag) in enumerate(lines)]
    path = channel.file(f"usage-{month.key}.csv", ["line_id", "customer_id", "product", "usage_date", "amount",
                                                    "commissionable"], csv_rows(rows))
    assert import_usage(channel.ws, path).imported == len(rows)
    before = snapshot(channel.ws)
    again = import_usage(channel.ws, path)
    assert (again.imported, again.already_present) == (0, len(rows))
    assert snapshot(channel.ws) == before

    result = settle_month(channel.ws, month, as_of=LATER)
    expected = expected_invoices(channel.owners, rows)
    assert {i.bill_to for i in result.invoices} == set(expected)
    for invoice in result.invoices:
        assert {(l.customer_id, l.product): (l.gross, l.discount, l.net) for l in invoice.lines} == expected[invoice.bill_to]
        assert all(l.net == l.gross - l.discount for l in invoice.lines)
        assert invoice.gross == sum(l.gross for l in invoice.lines)
        assert invoice.discount == sum(l.discount for l in invoice.lines)
        assert invoice.total == sum(l.net for l in invoice.lines) == invoice.gross - invoice.discount
    for commission in result.agency_commissions:
        assert commission.commissionable == commissionable(rows, "A")
        assert commission.commission == max(Decimal("0.00"), cents(commission.commissionable * Decimal("0.10")))
        assert commission.commission >= 0

    settled = snapshot(channel.ws)
    assert settle_month(channel.ws, month, as_of=LATER) == result
    assert snapshot(channel.ws) == settled

    quarter = settle_quarter(channel.ws, month.quarter, as_of=LATER)
    gold, standard = commissionable(rows, "R"), commissionable(rows, "DTU")
    bands = {channel.owners["R"]: (gold, Decimal("0.04") if gold >= 100_000 else Decimal("0.02")),
             channel.owners["D"]: (standard, Decimal("0.03") if standard >= 500_000 else Decimal("0.02"))}
    for commission in quarter.commissions:
        assert (commission.commissionable, commission.rate) == bands[commission.partner_id]
        assert commission.commission >= 0
        assert commission.commission == max(Decimal("0.00"), cents(commission.commissionable * commission.rate))
    assert settle_quarter(channel.ws, month.quarter, as_of=LATER) == quarter
