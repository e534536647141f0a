"""Hand-worked settlements under the shipped plan, with the arithmetic written out.

Shipped plan: agency 0.10; direct reseller registered 3 % discount / 1 % commission, gold 8 %
/ 2 % (4 % from 100 000); distributor standard 10 % / 2 % (3 % from 500 000); tier-2 default
5 %; marketplace is not commissionable; payment terms 30 days. Rounding is half up to cents.
"""

from __future__ import annotations

import datetime as dt

import pytest

from partnerdesk.settling import settle_month, settle_quarter
from settlement_world import Channel


@pytest.fixture
def channel(workspace, tmp_path) -> Channel:
    return Channel(workspace, tmp_path)


def money(invoice_or_line, *fields):
    return tuple(str(getattr(invoice_or_line, f)) for f in fields)


def test_an_agency_earns_its_rate_on_its_customers_commissionable_month(channel):
    agency = channel.partner("agency")
    channel.customers([["C-A1", agency, "2026-07-01"], ["C-A2", agency, "2026-07-01"]])
    channel.usage([
        ["L1", "C-A1", "ecs", "2026-07-02", "1200.50"],
        ["L2", "C-A1", "ecs", "2026-07-19", "300.004"],
        ["L3", "C-A1", "marketplace", "2026-07-20", "999.99"],          # not commissionable product
        ["L4", "C-A2", "oss", "2026-07-05", "450.25"],
        ["L5", "C-A2", "oss", "2026-07-06", "49.75", "false"],          # flagged not commissionable
        ["L6", "C-A2", "rds", "2026-07-31", "2000.001"],
        ["L7", "C-A1", "ecs", "2026-06-30", "500"],                     # June: another month
    ])
    result = settle_month(channel.ws, "2026-07")
    # commissionable = 1200.50 + 300.004 + 450.25 + 2000.001 = 3950.755 -> 3950.76
    # commission     = 3950.76 x 0.10 = 395.076 -> 395.08
    assert result.invoices == []  # the vendor invoices an agency's customers directly
    [commission] = result.agency_commissions
    assert commission.model_dump(mode="json") == {
        "partner_id": agency, "period": "2026-07", "commissionable": "3950.76", "rate": "0.10",
        "commission": "395.08"}


def test_a_direct_resellers_invoice_has_a_line_per_customer_and_product(channel):
    reseller = channel.partner("direct_reseller")  # registered: 3 % discount
    channel.customers([["C-1", reseller, "2026-01-01"], ["C-2", reseller, "2026-01-01"]])
    channel.usage([
        ["L1", "C-1", "ecs", "2026-07-01", "1000.00"],
        ["L2", "C-1", "ecs", "2026-07-15", "234.565"],
        ["L3", "C-1", "oss", "2026-07-09", "99.995"],
        ["L4", "C-2", "ecs", "2026-07-10", "500"],
        ["L5", "C-2", "rds", "2026-07-11", "333.499"],
        ["L6", "C-2", "rds", "2026-07-12", "0.001"],
    ])
    [invoice] = settle_month(channel.ws, "2026-07").invoices
    # C-1 ecs: 1000.00 + 234.565 = 1234.565 -> 1234.57; x 0.03 = 37.0371 -> 37.04; net 1197.53
    # C-1 oss: 99.995 -> 100.00;                x 0.03 =  3.00;               net   97.00
    # C-2 ecs: 500.00;                           x 0.03 = 15.00;               net  485.00
    # C-2 rds: 333.499 + 0.001 = 333.50;         x 0.03 = 10.005 -> 10.01;     net  323.49
    assert [money(line, "customer_id", "product", "gross", "discount", "net") for line in invoice.lines] == [
        ("C-1", "ecs", "1234.57", "37.04", "1197.53"),
        ("C-1", "oss", "100.00", "3.00", "97.00"),
        ("C-2", "ecs", "500.00", "15.00", "485.00"),
        ("C-2", "rds", "333.50", "10.01", "323.49"),
    ]
    # gross 1234.57 + 100.00 + 500.00 + 333.50 = 2168.07; discount 37.04 + 3.00 + 15.00 + 10.01 = 65.05
    # total 2168.07 - 65.05 = 2103.02 (= 1197.53 + 97.00 + 485.00 + 323.49)
    assert money(invoice, "issuer", "bill_to", "gross", "discount", "total") == (
        "vendor", reseller, "2168.07", "65.05", "2103.02")
    assert (invoice.invoice_id, invoice.issued_on, invoice.due_on) == (
        f"INV-2026-07-{reseller}", dt.date(2026, 8, 1), dt.date(2026, 8, 31))


def test_a_distributor_is_invoiced_for_its_tier2_customers_and_invoices_each_tier2(channel):
    distributor = channel.partner("distributor")      # standard: 10 % discount
    own_rate = channel.tier2(distributor, "0.07")     # its own 7 %
    default_rate = channel.tier2(distributor)         # the plan's tier-2 default, 5 %
    channel.customers([["D-1", distributor, "2026-01-01"], ["T-1", own_rate, "2026-01-01"],
                       ["T-2", own_rate, "2026-01-01"], ["U-1", default_rate, "2026-01-01"]])
    channel.usage([
        ["L1", "D-1", "ecs", "2026-07-03", "1000.00"],
        ["L2", "T-1", "ecs", "2026-07-03", "2000.00"],
        ["L3", "T-1", "oss", "2026-07-04", "150.255"],
        ["L4", "T-2", "rds", "2026-07-05", "80"],
        ["L5", "U-1", "cdn", "2026-07-06", "400"],
    ])
    vendor, to_own_rate, to_default_rate = settle_month(channel.ws, "2026-07").invoices
    # vendor -> distributor at 10 %, every customer of the distributor and of its tier-2s:
    #   D-1 ecs 1000.00 - 100.00 = 900.00;  T-1 ecs 2000.00 - 200.00 = 1800.00
    #   T-1 oss 150.255 -> 150.26; x 0.10 = 15.026 -> 15.03; net 135.23
    #   T-2 rds 80.00 - 8.00 = 72.00;       U-1 cdn 400.00 - 40.00 = 360.00
    #   gross 3630.26, discount 363.03, total 3267.23
    assert money(vendor, "issuer", "bill_to", "gross", "discount", "total") == (
        "vendor", distributor, "3630.26", "363.03", "3267.23")
    assert [(line.customer_id, line.product) for line in vendor.lines] == [
        ("D-1", "ecs"), ("T-1", "ecs"), ("T-1", "oss"), ("T-2", "rds"), ("U-1", "cdn")]
    # distributor -> tier-2 at its own 7 %: T-1 ecs 2000.00 - 140.00 = 1860.00;
    #   T-1 oss 150.26 x 0.07 = 10.5182 -> 10.52, net 139.74; T-2 rds 80.00 - 5.60 = 74.40
    #   gross 2230.26, discount 156.12, total 2074.14
    assert money(to_own_rate, "issuer", "bill_to", "gross", "discount", "total") == (
        distributor, own_rate, "2230.26", "156.12", "2074.14")
    assert [money(line, "customer_id", "net") for line in to_own_rate.lines] == [
        ("T-1", "1860.00"), ("T-1", "139.74"), ("T-2", "74.40")]
    # distributor -> tier-2 on the default 5 %: U-1 cdn 400.00 - 20.00 = 380.00
    assert money(to_default_rate, "issuer", "bill_to", "gross", "discount", "total") == (
        distributor, default_rate, "400.00", "20.00", "380.00")


def test_a_quarter_that_reaches_a_band_earns_its_rate_on_the_whole_amount(channel):
    reaches = channel.partner("direct_reseller", tier="gold")
    falls_short = channel.partner("direct_reseller", tier="gold")
    distributor = channel.partner("distributor")
    reseller = channel.tier2(distributor)
    channel.customers([["G-1", reaches, "2026-01-01"], ["G-2", falls_short, "2026-01-01"],
                       ["D-1", distributor, "2026-01-01"], ["T-1", reseller, "2026-01-01"]])
    channel.usage([
        ["L1", "G-1", "ecs", "2026-07-01", "60000.00"],
        ["L2", "G-1", "ecs", "2026-08-31", "40000.004"],
        ["L3", "G-1", "marketplace", "2026-08-01", "5000"],     # not commissionable
        ["L4", "G-1", "oss", "2026-09-01", "1000", "false"],    # not commissionable
        ["L5", "G-1", "ecs", "2026-06-30", "7000"],             # Q2
        ["L6", "G-1", "ecs", "2026-10-01", "7000"],             # Q4
        ["L7", "G-2", "ecs", "2026-09-30", "99999.99"],
        ["L8", "D-1", "ecs", "2026-07-15", "300000"],
        ["L9", "T-1", "rds", "2026-09-15", "200000"],           # a tier-2's customer counts for the distributor
    ])
    commissions = settle_quarter(channel.ws, "2026-Q3").model_dump(mode="json")["commissions"]
    assert commissions == [
        # 60000.00 + 40000.004 = 100000.004 -> 100000.00 reaches the 100000 band: 4 % of all = 4000.00
        {"partner_id": reaches, "tier": "gold", "commissionable": "100000.00", "rate": "0.04",
         "commission": "4000.00"},
        # 99999.99 stays in the first band: 2 % = 1999.9998 -> 2000.00
        {"partner_id": falls_short, "tier": "gold", "commissionable": "99999.99", "rate": "0.02",
         "commission": "2000.00"},
        # 300000 + 200000 = 500000.00 reaches the 500000 band: 3 % = 15000.00
        {"partner_id": distributor, "tier": "standard", "commissionable": "500000.00", "rate": "0.03",
         "commission": "15000.00"},
    ]


def test_credits_below_zero_make_negative_lines_and_no_negative_commission(channel):
    reseller = channel.partner("direct_reseller")  # registered: 3 %, commission 1 %
    agency = channel.partner("agency")
    channel.customers([["C-1", reseller, "2026-01-01"], ["A-1", agency, "2026-01-01"]])
    channel.usage([
        ["L1", "C-1", "ecs", "2026-07-02", "100.00"],
        ["L2", "C-1", "ecs", "2026-07-20", "-250.004"],   # a credit note larger than the month
        ["L3", "C-1", "oss", "2026-07-21", "50.00"],
        ["L4", "A-1", "ecs", "2026-07-02", "80.00"],
        ["L5", "A-1", "ecs", "2026-07-25", "-230.00"],
    ])
    month = settle_month(channel.ws, "2026-07")
    [invoice] = month.invoices
    # C-1 ecs: 100.00 - 250.004 = -150.004 -> -150.00; x 0.03 = -4.50; net -145.50
    # C-1 oss: 50.00;                                 x 0.03 =  1.50; net   48.50
    # gross -100.00, discount -3.00, total -97.00: a credit to the reseller
    assert [money(line, "gross", "discount", "net") for line in invoice.lines] == [
        ("-150.00", "-4.50", "-145.50"), ("50.00", "1.50", "48.50")]
    assert money(invoice, "gross", "discount", "total") == ("-100.00", "-3.00", "-97.00")
    # agency: 80.00 - 230.00 = -150.00 commissionable; 10 % would be -15.00: it earns 0.00
    [commission] = month.agency_commissions
    assert money(commission, "commissionable", "commission") == ("-150.00", "0.00")
    # reseller's quarter: -100.00 commissionable; 1 % would be -1.00: it earns 0.00
    [quarterly] = settle_quarter(channel.ws, "2026-Q3").commissions
    assert money(quarterly, "commissionable", "rate", "commission") == ("-100.00", "0.01", "0.00")
