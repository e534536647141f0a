"""Late lines settled as adjustments, worked out by hand under the shipped plan.

Shipped plan: agency 10 %; direct reseller registered 3 % discount / 1 % commission, gold 8 %
discount / 2 % commission (4 % from 100 000); marketplace is not commissionable. Rounding is
half up to cents. Every settlement here is dated the day after its period (`as_of`).
"""

from __future__ import annotations

import datetime as dt

import pytest

from partnerdesk.errors import InputError
from partnerdesk.lookups import quarter_commissions
from partnerdesk.payments import invoice_balances
from partnerdesk.settling import closed_periods, preview_month, settle_month, settle_quarter
from partnerdesk.tiers import set_tier
from settlement.plan import Plan
from settlement_world import Channel

AUG_1, SEP_1, OCT_1, JAN_1 = dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2027, 1, 1)


@pytest.fixture
def channel(workspace, tmp_path) -> Channel:
    return Channel(workspace, tmp_path)


def json_of(model) -> dict:
    return model.model_dump(mode="json")


def test_a_late_line_goes_on_the_next_invoice_as_an_adjustment_of_its_month(channel):
    reseller = channel.partner("direct_reseller")  # registered: 3 % discount
    channel.customers([["C-1", reseller, "2026-01-01"]])
    channel.usage([["L1", "C-1", "ecs", "2026-07-10", "100.004"]])
    [july] = settle_month(channel.ws, "2026-07", as_of=AUG_1).invoices
    # July: 100.004 -> 100.00, discount 3.00, net 97.00
    channel.usage([["L2", "C-1", "ecs", "2026-07-20", "40.002"],   # late: July is settled
                   ["L3", "C-1", "ecs", "2026-08-05", "10.00"]], name="late.csv")

    [august] = settle_month(channel.ws, "2026-08", as_of=SEP_1).invoices
    # August's own line: 10.00, discount 0.30, net 9.70.
    # The late July usage is a line of its own, rounded like any line: 40.002 -> 40.00 (not the
    # 140.006 -> 140.01 the July line would now come to, less the 100.00 invoiced),
    # discount 40.00 x 0.03 = 1.20, net 38.80.
    assert [json_of(line) for line in august.lines] == [
        {"customer_id": "C-1", "product": "ecs", "gross": "10.00", "discount": "0.30", "net": "9.70"},
        {"customer_id": "C-1", "product": "ecs", "gross": "40.00", "discount": "1.20", "net": "38.80",
         "adjusts": "2026-07"}]
    # invoice: gross 10.00 + 40.00 = 50.00, discount 0.30 + 1.20 = 1.50, total 48.50
    assert (str(august.gross), str(august.discount), str(august.total)) == ("50.00", "1.50", "48.50")
    assert settle_month(channel.ws, "2026-07", as_of=AUG_1).invoices == [july]  # issued: unchanged
    assert (str(july.total), july.lines[0].adjusts) == ("97.00", None)
    assert settle_month(channel.ws, "2026-08", as_of=SEP_1).invoices == [august]  # settling twice
    assert [i.total for i in invoice_balances(channel.ws, OCT_1).invoices] == [july.total, august.total]

    channel.usage([["L4", "C-1", "ecs", "2026-07-21", "0.003"]], name="tiny.csv")
    # like any line, late usage that rounds to nothing is still a line: 0.003 -> 0.00 on September's invoice
    [september] = settle_month(channel.ws, "2026-09", as_of=OCT_1).invoices
    assert [json_of(line) for line in september.lines] == [
        {"customer_id": "C-1", "product": "ecs", "gross": "0.00", "discount": "0.00", "net": "0.00",
         "adjusts": "2026-07"}]
    assert str(september.total) == "0.00"


def test_late_usage_of_a_month_without_an_invoice_is_discounted_at_that_months_tier(channel):
    """The partner had no usage (so no invoice) in the settled month; a tier change made since
    does not reach back to it."""
    reseller = channel.partner("direct_reseller")  # registered: 3 % discount
    channel.customers([["C-1", reseller, "2026-01-01"]])
    channel.usage([["L1", "C-1", "ecs", "2026-08-10", "10.00"]])
    assert settle_month(channel.ws, "2026-07", as_of=AUG_1).invoices == []
    assert set_tier(channel.ws, reseller, "gold", "strategic", "maria").in_force_from == "2026-08"
    channel.usage([["L2", "C-1", "ecs", "2026-07-20", "1000.00"]], name="late.csv")  # late: July is settled
    [august] = settle_month(channel.ws, "2026-08", as_of=SEP_1).invoices
    # August at gold: 10.00 x 0.08 = 0.80; July's late 1000.00 at registered's 3 %: 30.00 (not gold's 80.00)
    assert [json_of(line) for line in august.lines] == [
        {"customer_id": "C-1", "product": "ecs", "gross": "10.00", "discount": "0.80", "net": "9.20"},
        {"customer_id": "C-1", "product": "ecs", "gross": "1000.00", "discount": "30.00", "net": "970.00",
         "adjusts": "2026-07"}]


def test_late_lines_settle_under_the_plan_their_period_was_settled_with(channel):
    """July to September and 2026-Q3 settled with a richer plan (registered: 5 % discount, 2 %
    commission; agency 15 %); October and 2026-Q4 with the shipped one."""
    data = channel.ws.plan().model_dump(by_alias=True)
    data["version"], data["agency"]["commission_rate"] = "richer", "0.15"
    data["direct_reseller"]["tiers"]["registered"] = {"discount_rate": "0.05",
                                                      "commission": [{"from": 0, "rate": "0.02"}]}
    richer = Plan.model_validate(data)
    reseller, agency = channel.partner("direct_reseller"), channel.partner("agency")
    channel.customers([["C-1", reseller, "2026-01-01"], ["A-1", agency, "2026-01-01"]])
    channel.usage([["L1", "C-1", "ecs", "2026-08-15", "1000.00"]])
    for month in ("2026-07", "2026-08", "2026-09"):
        settle_month(channel.ws, month, plan=richer, as_of=OCT_1)
    [paid] = settle_quarter(channel.ws, "2026-Q3", plan=richer, as_of=OCT_1).commissions
    assert (str(paid.rate), str(paid.commission)) == ("0.02", "20.00")  # 1000.00 x 0.02
    # late: July, when neither partner had usage, so no invoice or commission entry
    channel.usage([["L2", "C-1", "ecs", "2026-07-20", "1000.00"], ["L3", "A-1", "ecs", "2026-07-21", "100.00"]],
                  name="late.csv")
    october = settle_month(channel.ws, "2026-10", as_of=dt.date(2026, 11, 1))
    # July's line at richer's registered 5 %: 50.00 (the shipped plan's 3 % would give 30.00)
    assert [json_of(line) for i in october.invoices for line in i.lines] == [
        {"customer_id": "C-1", "product": "ecs", "gross": "1000.00", "discount": "50.00", "net": "950.00",
         "adjusts": "2026-07"}]
    # the agency's late 100.00 at richer's 15 %: 15.00 (the shipped 10 % would give 10.00)
    assert [json_of(c) for c in october.agency_commissions] == [
        {"partner_id": agency, "period": "2026-10", "commissionable": "100.00", "rate": "0.15",
         "commission": "15.00", "adjusts": "2026-07"}]
    # Q3 again under richer: 2000.00 x 0.02 = 40.00, less the 20.00 paid = 20.00 (under the
    # shipped plan's 1 % it would come to 20.00 and pay nothing more)
    assert [json_of(c) for c in settle_quarter(channel.ws, "2026-Q4", as_of=JAN_1).commissions] == [
        {"partner_id": reseller, "tier": "registered", "commissionable": "1000.00", "rate": "0.02",
         "commission": "20.00", "adjusts": "2026-Q3"}]


def test_a_late_agency_line_is_a_separate_commission_entry_and_a_credit_claws_back(channel):
    agency = channel.partner("agency")
    channel.customers([["C-A", agency, "2026-01-01"]])
    channel.usage([["L1", "C-A", "ecs", "2026-07-03", "1000.05"]])
    # 1000.05 x 0.10 = 100.005 -> 100.01
    assert [json_of(c) for c in settle_month(channel.ws, "2026-07", as_of=AUG_1).agency_commissions] == [
        {"partner_id": agency, "period": "2026-07", "commissionable": "1000.05", "rate": "0.10",
         "commission": "100.01"}]
    channel.usage([["L2", "C-A", "ecs", "2026-07-30", "250.05"],
                   ["L3", "C-A", "marketplace", "2026-07-30", "999.00"],   # not commissionable
                   ["L4", "C-A", "oss", "2026-08-02", "30.00"]], name="late.csv")
    # the late July usage earns on its own: 250.05 x 0.10 = 25.005 -> 25.01 (not July's
    # 1250.10 x 0.10 = 125.01 less the 100.01 paid)
    assert [json_of(c) for c in settle_month(channel.ws, "2026-08", as_of=SEP_1).agency_commissions] == [
        {"partner_id": agency, "period": "2026-08", "commissionable": "30.00", "rate": "0.10", "commission": "3.00"},
        {"partner_id": agency, "period": "2026-08", "commissionable": "250.05", "rate": "0.10",
         "commission": "25.01", "adjusts": "2026-07"}]

    channel.usage([["L5", "C-A", "ecs", "2026-07-31", "-400.00"]], name="credit.csv")
    # a late credit takes back what it earned: -400.00 x 0.10 = -40.00
    [credit] = settle_month(channel.ws, "2026-09", as_of=OCT_1).agency_commissions
    assert json_of(credit) == {"partner_id": agency, "period": "2026-09", "commissionable": "-400.00",
                               "rate": "0.10", "commission": "-40.00", "adjusts": "2026-07"}


def test_a_month_settled_out_of_order_leaves_a_later_months_late_line_for_a_later_month(channel):
    """August settled before July; a late August line is no adjustment on July's invoice (issued
    on 1 August, before the usage), but on the next month settled after August."""
    reseller = channel.partner("direct_reseller")  # registered: 3 % discount
    channel.customers([["C-1", reseller, "2026-01-01"]])
    channel.usage([["L1", "C-1", "ecs", "2026-07-10", "100.00"], ["L2", "C-1", "ecs", "2026-08-10", "200.00"],
                   ["L3", "C-1", "ecs", "2026-09-10", "300.00"]])
    settle_month(channel.ws, "2026-08", as_of=SEP_1)
    channel.usage([["L4", "C-1", "ecs", "2026-08-20", "50.00"]], name="late.csv")  # late: August is settled
    [july] = settle_month(channel.ws, "2026-07", as_of=OCT_1).invoices
    # July: its own 100.00 only, discount 3.00
    assert [json_of(line) for line in july.lines] == [
        {"customer_id": "C-1", "product": "ecs", "gross": "100.00", "discount": "3.00", "net": "97.00"}]
    [september] = settle_month(channel.ws, "2026-09", as_of=OCT_1).invoices
    # September: 300.00 - 9.00, and August's late 50.00 - 1.50
    assert [json_of(line) for line in september.lines] == [
        {"customer_id": "C-1", "product": "ecs", "gross": "300.00", "discount": "9.00", "net": "291.00"},
        {"customer_id": "C-1", "product": "ecs", "gross": "50.00", "discount": "1.50", "net": "48.50",
         "adjusts": "2026-08"}]


def test_a_late_line_that_lifts_a_settled_quarter_over_a_band_is_paid_next_quarter(channel):
    gold = channel.partner("direct_reseller", tier="gold")  # 2 %, 4 % from 100 000
    channel.customers([["C-G", gold, "2026-01-01"]])
    channel.usage([["L1", "C-G", "ecs", "2026-08-15", "90000.00"]])
    [q3] = settle_quarter(channel.ws, "2026-Q3", as_of=OCT_1).commissions
    assert (str(q3.commissionable), str(q3.rate), str(q3.commission)) == ("90000.00", "0.02", "1800.00")
    channel.usage([["L2", "C-G", "ecs", "2026-09-30", "15000.00"],    # late for 2026-Q3
                   ["L3", "C-G", "ecs", "2026-10-02", "1000.00"]], name="late.csv")

    q4 = settle_quarter(channel.ws, "2026-Q4", as_of=JAN_1)
    # Q4's own: 1000.00 x 0.02 = 20.00.
    # Q3 again: 90000.00 + 15000.00 = 105000.00 reaches the 100 000 band: x 0.04 = 4200.00;
    # paid 1800.00, so the difference is 2400.00 on 15000.00 more commissionable.
    assert [json_of(c) for c in q4.commissions] == [
        {"partner_id": gold, "tier": "gold", "commissionable": "1000.00", "rate": "0.02", "commission": "20.00"},
        {"partner_id": gold, "tier": "gold", "commissionable": "15000.00", "rate": "0.04", "commission": "2400.00",
         "adjusts": "2026-Q3"}]
    assert [json_of(c) for c in quarter_commissions(channel.ws, "2026-Q3")] == [json_of(q3)]  # unchanged
    assert settle_quarter(channel.ws, "2026-Q4", as_of=JAN_1) == q4

    channel.usage([["L4", "C-G", "ecs", "2026-07-01", "-10000.00"]], name="credit.csv")
    [clawback] = settle_quarter(channel.ws, "2027-Q1", as_of=dt.date(2027, 4, 1)).commissions
    # Q3 again: 105000.00 - 10000.00 = 95000.00 falls back to 2 %: 1900.00;
    # paid 1800.00 + 2400.00 = 4200.00, so 2300.00 is clawed back.
    assert json_of(clawback) == {"partner_id": gold, "tier": "gold", "commissionable": "-10000.00",
                                 "rate": "0.02", "commission": "-2300.00", "adjusts": "2026-Q3"}


def test_a_settled_quarter_is_recomputed_on_the_tier_it_was_settled_with_after_a_tier_change(channel):
    gold = channel.partner("direct_reseller", tier="gold")  # 2 %, 4 % from 100 000
    channel.customers([["C-G", gold, "2026-01-01"]])
    channel.usage([["L1", "C-G", "ecs", "2026-08-15", "90000.00"]])
    for month in ("2026-07", "2026-08", "2026-09"):
        settle_month(channel.ws, month, as_of=OCT_1)
    settle_quarter(channel.ws, "2026-Q3", as_of=OCT_1)  # 90000.00 x 0.02 = 1800.00
    assert set_tier(channel.ws, gold, "registered", "fewer sales", "maria").in_force_from == "2026-10"
    channel.usage([["L2", "C-G", "ecs", "2026-09-30", "15000.00"],    # late for 2026-Q3
                   ["L3", "C-G", "ecs", "2026-10-02", "1000.00"]], name="late.csv")
    # Q4's own, registered: 1000.00 x 0.01 = 10.00. Q3 again, still gold: 105000.00 reaches the
    # 100 000 band, x 0.04 = 4200.00, less the 1800.00 paid = 2400.00.
    assert [json_of(c) for c in settle_quarter(channel.ws, "2026-Q4", as_of=JAN_1).commissions] == [
        {"partner_id": gold, "tier": "registered", "commissionable": "1000.00", "rate": "0.01", "commission": "10.00"},
        {"partner_id": gold, "tier": "gold", "commissionable": "15000.00", "rate": "0.04", "commission": "2400.00",
         "adjusts": "2026-Q3"}]


def test_a_period_that_has_not_ended_is_refused_and_nothing_is_written(channel):
    reseller = channel.partner("direct_reseller")
    channel.customers([["C-1", reseller, "2026-01-01"]])
    channel.usage([["L1", "C-1", "ecs", "2026-07-10", "100.00"]])
    with pytest.raises(InputError, match="2026-07 has not ended on 2026-07-31"):
        settle_month(channel.ws, "2026-07", as_of=dt.date(2026, 7, 31))
    with pytest.raises(InputError, match="2026-Q3 has not ended on 2026-09-30"):
        settle_quarter(channel.ws, "2026-Q3", as_of=dt.date(2026, 9, 30))
    assert closed_periods(channel.ws) == []
    assert preview_month(channel.ws, "2026-07").invoices[0].total == settle_month(channel.ws, "2026-07",
                                                                                  as_of=AUG_1).invoices[0].total


def test_the_cli_refuses_an_unended_period_with_exit_2_and_settles_an_ended_one(cli, tmp_path):
    month = cli("settle", "month", "2026-11", "--as-of", "2026-11-30")
    assert (month.code, month.stdout) == (2, "")
    assert "2026-11 has not ended on 2026-11-30" in month.stderr
    quarter = cli("settle", "quarter", "2026-Q4", "--as-of", "2026-12-31")
    assert (quarter.code, quarter.stdout) == (2, "")
    assert cli("invoices").json["invoices"] == []
    ended = cli("settle", "month", "2026-11", "--as-of", "2026-12-01")
    assert ended.code == 0, ended.stderr
    assert ended.json == {"period": "2026-11", "invoices": [], "agency_commissions": []}


def test_a_period_beyond_the_years_dates_hold_is_refused_with_exit_2(cli):
    for command in (("month", "9999-12"), ("quarter", "9999-Q4"), ("month", "0001-01")):
        refused = cli("settle", *command, "--as-of", "2026-12-03")
        assert (refused.code, refused.stdout) == (2, ""), refused.stderr
        assert "lies outside the years 1900-2999" in refused.stderr
