"""Settlement's central rule, "a line belongs to the customer's partner on its usage date":
by hand on the pure function, and the SQL derivation of the usage sums held against it."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kernel.periods import Month
from settlement.attribution import Attribution, owner_sums
from settlement.feeds import Association, UsageLine
from settlement_world import Channel

examples = itertools.count()
PROPERTY = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_a_customer_belongs_to_its_partner_from_the_association_day_until_the_next_or_a_termination():
    attribution = Attribution([Association("C-1", "P-1", day("2026-03-10")), Association("C-1", "P-2", day("2026-05-01")),
                               Association("C-2", "P-3", day("2026-01-01"))],
                              terminated_on={"P-3": day("2026-04-15")})
    assert attribution.owner_on("C-1", day("2026-03-09")) is None        # never before the day
    assert attribution.owner_on("C-1", day("2026-03-10")) == "P-1"       # from the day itself
    assert attribution.owner_on("C-1", day("2026-04-30")) == "P-1"
    assert attribution.owner_on("C-1", day("2026-05-01")) == "P-2"       # the next association takes over
    assert attribution.owner_on("C-2", day("2026-04-14")) == "P-3"
    assert attribution.owner_on("C-2", day("2026-04-15")) is None        # terminated: no partner from then on
    assert attribution.owner_on("C-9", day("2026-04-15")) is None        # never associated


def test_owner_sums_add_up_each_owners_month_of_a_customer_and_product():
    attribution = Attribution([Association("C-1", "P-1", day("2026-07-16"))])
    lines = [UsageLine("L1", "C-1", "ecs", day("2026-07-15"), 1_000_000, True),
             UsageLine("L2", "C-1", "ecs", day("2026-07-16"), 2_500_000, True),
             UsageLine("L3", "C-1", "ecs", day("2026-07-31"), 500_000, False),
             UsageLine("L4", "C-1", "ecs", day("2026-08-01"), 7, True)]
    assert owner_sums(lines, attribution) == {
        ("2026-07", None, "C-1", "ecs"): (1_000_000, 1_000_000),
        ("2026-07", "P-1", "C-1", "ecs"): (3_000_000, 2_500_000),   # 2.50 + 0.50, of which 2.50 commissionable
        ("2026-08", "P-1", "C-1", "ecs"): (7, 7)}


@pytest.fixture
def channel(workspace, tmp_path) -> Channel:
    channel = Channel(workspace, tmp_path)
    channel.partner_ids = [channel.partner("agency"), channel.partner("direct_reseller")]
    distributor = channel.partner("distributor")
    channel.partner_ids += [distributor, channel.tier2(distributor)]
    return channel


association = st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 89))
line = st.tuples(st.integers(0, 3), st.sampled_from(["ecs", "oss"]), st.integers(0, 89),
                 st.integers(-5_000_000, 50_000_000), st.booleans())


@PROPERTY
@given(associations=st.lists(association, max_size=8), lines=st.lists(line, max_size=20),
       associated_first=st.lists(st.booleans(), min_size=8, max_size=8))
def test_the_stored_usage_sums_are_the_rule_applied_to_every_line(channel, associations, lines, associated_first):
    """Associations imported before and after the lines (the import derives the sums either way)."""
    n = next(examples)
    start = dt.date(2031 + n, 1, 1)
    customers = [f"X{n}-{i}" for i in range(4)]
    chosen = {(customers[c], start + dt.timedelta(days=d)): channel.partner_ids[p] for c, p, d in associations}
    made = [Association(c, p, on) for (c, on), p in chosen.items()]
    billed = [UsageLine(f"X{n}-L{i}", customers[c], product, start + dt.timedelta(days=d), micros, flag)
              for i, (c, product, d, micros, flag) in enumerate(lines)]
    before = [a for a, first in zip(made, associated_first) if first]
    after = [a for a in made if a not in before]

    def associate(batch, name):
        if batch:
            channel.customers([[a.customer_id, a.partner_id, a.associated_on.isoformat()] for a in batch], name=name)

    associate(before, f"before-{n}.csv")
    if billed:
        channel.usage([[u.line_id, u.customer_id, u.product, u.usage_date.isoformat(),
                        format(Decimal(u.amount_micros).scaleb(-6), "f"), "true" if u.commissionable else "false"] for u in billed],
                      name=f"usage-{n}.csv")
    associate(after, f"after-{n}.csv")

    expected = owner_sums(billed, Attribution(made))
    stored = {}
    with channel.ws.reading() as uow:
        for month in {Month.of(start + dt.timedelta(days=d)) for d in (0, 31, 59, 89)}:
            for owner, customer, product, micros, commissionable in uow.usage.month_sums(month):
                if customer in customers:
                    stored[month.key, owner, customer, product] = (micros, commissionable)
    assert stored == expected
