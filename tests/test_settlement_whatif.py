"""What-if: a quarter's commissions under another plan beside the plan in force; nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import RULES_DIR
from kernel.money import as_cent_count, cent_count_of, cents_of, to_cents
from partnerdesk.errors import InputError
from partnerdesk.settling import closed_periods
from partnerdesk.whatif import what_if, what_if_file
from partnerdesk.workspace import plan_from
from settlement.invoices import line_discount
from settlement.plan import Plan
from settlement.partners import Partner
from settlement.whatif import billed_lines, discounts
from settlement_world import Channel

RULES_PLAN = plan_from(RULES_DIR / "plan.yaml")


@pytest.fixture
def channel(workspace, tmp_path) -> Channel:
    channel = Channel(workspace, tmp_path)
    channel.agency, channel.gold = channel.partner("agency"), channel.partner("direct_reseller", tier="gold")
    channel.customers([["A-1", channel.agency, "2026-01-01"], ["G-1", channel.gold, "2026-01-01"]])
    channel.usage([["L1", "A-1", "ecs", "2026-07-05", "600"], ["L2", "A-1", "ecs", "2026-08-05", "400"],
                   ["L3", "A-1", "marketplace", "2026-08-06", "200"], ["L4", "G-1", "ecs", "2026-09-30", "60000"]])
    return channel


def draft(ws, **changes) -> Plan:
    data = ws.plan().model_dump(by_alias=True)
    for path, value in changes.items():
        *parents, key = path.split("__")
        target = data
        for parent in parents:
            target = target[parent]
        target[key] = value
    return Plan.model_validate(data)


def test_each_partner_and_the_total_under_both_plans(channel):
    plan = draft(channel.ws, version="2026.2", non_commissionable_products=[], agency__commission_rate="0.15",
                 direct_reseller__tiers__gold__commission=[{"from": 0, "rate": "0.02"}, {"from": 50000, "rate": "0.05"}],
                 direct_reseller__tiers__gold__discount_rate="0.10")
    result = what_if(channel.ws, "2026-Q3", plan).model_dump(mode="json")
    assert (result["period"], result["current_plan"], result["whatif_plan"]) == ("2026-Q3", "2026.1", "2026.2")
    assert result["partners"] == [
        # agency: now 600 + 400 = 1000.00 (marketplace excluded) x 0.10, month by month 60.00 + 40.00 = 100.00;
        # what-if 600 + (400 + 200) = 1200.00 x 0.15: 90.00 + 90.00 = 180.00
        {"partner_id": channel.agency, "partner_type": "agency", "tier": None,
         "current": "100.00", "whatif": "180.00", "difference": "80.00",
         "commissionable": {"current": "1000.00", "whatif": "1200.00", "difference": "200.00"},
         "rate": {"current": "0.10", "whatif": "0.15"},
         # the vendor invoices an agency's customers directly: no discount, the cost is the commission
         "discount": {"current": "0.00", "whatif": "0.00", "difference": "0.00"},
         "cost": {"current": "100.00", "whatif": "180.00", "difference": "80.00"}},
        # gold reseller: 60000.00 x 0.02 = 1200.00 now; reaches the 50000 band of the what-if: x 0.05 = 3000.00
        {"partner_id": channel.gold, "partner_type": "direct_reseller", "tier": "gold",
         "current": "1200.00", "whatif": "3000.00", "difference": "1800.00",
         "commissionable": {"current": "60000.00", "whatif": "60000.00", "difference": "0.00"},
         "rate": {"current": "0.02", "whatif": "0.05"},
         # its September invoice line 60000.00 x 0.08 = 4800.00 now, x 0.10 = 6000.00 what-if
         "discount": {"current": "4800.00", "whatif": "6000.00", "difference": "1200.00"},
         # cost = commission + discount: 1200.00 + 4800.00 = 6000.00; 3000.00 + 6000.00 = 9000.00
         "cost": {"current": "6000.00", "whatif": "9000.00", "difference": "3000.00"}},
    ]
    assert result["totals"] == {
        "current": "1300.00", "whatif": "3180.00", "difference": "1880.00",
        "discount": {"current": "4800.00", "whatif": "6000.00", "difference": "1200.00"},
        # 100.00 + 6000.00 = 6100.00; 180.00 + 9000.00 = 9180.00
        "cost": {"current": "6100.00", "whatif": "9180.00", "difference": "3080.00"}}
    assert closed_periods(channel.ws) == []


def test_a_plan_without_a_partners_tier_is_refused_by_name(channel):
    plan = draft(channel.ws, direct_reseller__tiers={"registered": {"discount_rate": "0.03",
                                                                    "commission": [{"from": 0, "rate": "0.01"}]}})
    with pytest.raises(InputError, match=rf"direct_reseller tier 'gold' of {channel.gold} is not in the plan"):
        what_if(channel.ws, "2026-Q3", plan)


def test_a_bad_plan_file_is_refused_with_its_line(channel, tmp_path):
    path = tmp_path / "draft.yaml"
    path.write_text('version: "x"\npayment_terms_days: 30\nagency:\n  commission_rate: "1.5"\n')
    with pytest.raises(InputError, match=r"draft.yaml:4: agency.commission_rate: Input should be less than or equal to 1"):
        what_if_file(channel.ws, "2026-Q3", path)


@settings(max_examples=400, deadline=None)
@given(micros=st.lists(st.one_of(st.integers(min_value=-10**15, max_value=10**15),
                                 st.integers(min_value=-9 * 10**18, max_value=9 * 10**18)),
                       min_size=1, max_size=5),
       rate=st.decimals(min_value=0, max_value=1, places=6, allow_nan=False, allow_infinity=False))
def test_the_integer_discounts_round_half_up_to_the_cent_as_decimals_do(micros, rate):
    """Each line alone and a what-if's invoice of these lines (arrays of int64, or of Python
    integers where int64 could overflow) against Decimal arithmetic."""
    grosses = [to_cents(Decimal(m).scaleb(-6)) for m in micros]
    assert [cents_of(m) for m in micros] == grosses
    assert [cent_count_of(m) for m in micros] == [as_cent_count(g) for g in grosses]
    assert [line_discount(g, rate) for g in grosses] == [to_cents(g * rate) for g in grosses]
    plan = Plan.model_validate({**RULES_PLAN.model_dump(by_alias=True), "direct_reseller": {
        "default_tier": "registered", "tiers": {"registered": {"discount_rate": rate, "commission": [{"from": 0, "rate": "0.01"}]}}}})
    lines = billed_lines([(7, "2026-07", m) for m in micros])
    [given_discounts] = discounts([plan], {"P-7": Partner(partner_id="P-7", partner_type="direct_reseller")}, lines)
    assert given_discounts == {"P-7": sum((to_cents(g * rate) for g in grosses), Decimal("0.00"))}


def test_a_customer_moving_to_the_distributor_within_the_month_is_one_line_of_its_invoice(workspace, tmp_path):
    channel = Channel(workspace, tmp_path)
    distributor = channel.partner("distributor")  # tier standard: discount 0.10
    reseller_of = channel.tier2(distributor)
    reseller = channel.partner("direct_reseller")  # tier registered: discount 0.03
    channel.customers([["T-1", reseller_of, "2026-01-01"], ["T-1", distributor, "2026-07-16"],
                       ["R-1", reseller, "2026-01-01"]])
    channel.usage([["L1", "T-1", "ecs", "2026-07-10", "0.05"], ["L2", "T-1", "ecs", "2026-07-20", "0.05"],
                   ["L3", "R-1", "ecs", "2026-07-05", "33.335"], ["L4", "R-1", "oss", "2026-08-05", "10"]])
    plan = draft(workspace, distributor__tiers__standard__discount_rate="0.15")
    discounts = {row.partner_id: row.discount.model_dump(mode="json") for row in what_if(workspace, "2026-Q3", plan).partners}
    # T-1's July is one line of the distributor's vendor invoice, 0.05 + 0.05 = 0.10: x 0.10 = 0.01 now,
    # x 0.15 = 0.015 -> 0.02 (two lines of 0.05 would have given 0.005 -> 0.01 twice, 0.02, now).
    assert discounts[distributor] == {"current": "0.01", "whatif": "0.02", "difference": "0.01"}
    # July 33.335 -> 33.34 x 0.03 = 1.0002 -> 1.00; August 10.00 x 0.03 = 0.30; both plans alike
    assert discounts[reseller] == {"current": "1.30", "whatif": "1.30", "difference": "0.00"}
    assert reseller_of not in discounts  # the distributor's discount to it is no cost of the vendor's
