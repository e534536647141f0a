"""Credit control: exposure (unpaid invoices + unbilled usage) against the credit limit, and a
manager's override of the limit, through the real CLI on SQLite and PostgreSQL.

Shipped plan: registered direct resellers 3 % discount and a credit limit of 600000; the
standard distributor tier 10 % and 1500000. Invoices of a month are issued on the 1st of the
next month and due 30 days later.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import RULES_DIR
from partnerdesk.deliveries import import_delivery
from partnerdesk.payments import import_payments
from partnerdesk.settings import Settings
from partnerdesk.settling import settle_month
from partnerdesk.term_changes import terms_history
from partnerdesk.workspace import Workspace
from settlement_world import USAGE_HEADER, Channel
from storage.usage_engines import DuckDBEngine


@pytest.fixture
def channel(cli, tmp_path) -> Channel:
    return Channel(Workspace.open(Settings(database_url=cli.database_url, rules_dir=RULES_DIR)), tmp_path)


@pytest.fixture
def reseller(channel) -> str:
    """A registered reseller with July settled (invoice 360000.00 - 10800.00 = 349200.00) and August
    (180000.00) and September (96000.00) not yet invoiced."""
    reseller = channel.partner("direct_reseller")
    channel.customers([["R-1", reseller, "2026-01-01"]])
    channel.usage([["L1", "R-1", "ecs", "2026-07-10", "360000"], ["L2", "R-1", "ecs", "2026-08-10", "180000"],
                   ["L3", "R-1", "ecs", "2026-09-05", "96000"]])
    settle_month(channel.ws, "2026-07")
    return reseller


def line_of(result, partner_id: str) -> dict:
    assert result.code == 0, result.stderr
    [line] = [p for p in result.json["partners"] if p["partner_id"] == partner_id]
    return line


def test_exposure_crosses_the_limit_as_usage_grows_and_falls_back_when_paid(cli, channel, reseller):
    # 2026-08-20: the July invoice (issued 08-01) is unpaid, 349200.00; August's 180000.00 is not
    # invoiced yet (September's usage is after the date): exposure 529200.00, 70800.00 available
    august = cli("credit", "--as-of", "2026-08-20")
    assert august.json["as_of"] == "2026-08-20"
    assert line_of(august, reseller) == {
        "partner_id": reseller, "credit_limit": "600000.00", "unpaid": "349200.00", "unbilled": "180000.00",
        "exposure": "529200.00", "available": "70800.00", "over_limit": False}
    # 2026-09-10: September's 96000.00 adds to the unbilled: 276000.00; exposure 625200.00 > 600000.00
    assert line_of(cli("credit", "--as-of", "2026-09-10"), reseller) == {
        "partner_id": reseller, "credit_limit": "600000.00", "unpaid": "349200.00", "unbilled": "276000.00",
        "exposure": "625200.00", "available": "-25200.00", "over_limit": True}
    # a late July line of 5000.00 (July is settled) is not invoiced yet either: unbilled 281000.00
    channel.usage([["L9", "R-1", "ecs", "2026-07-30", "5000"]], name="late.csv")
    assert line_of(cli("credit", "--as-of", "2026-09-10"), reseller)["unbilled"] == "281000.00"
    # a payment of 120000.00 on 09-08: unpaid 229200.00, exposure 229200.00 + 281000.00 = 510200.00,
    # 89800.00 available again
    import_payments(channel.ws, channel.file("payments.csv", ["invoice_id", "paid_on", "amount"],
                                             [[f"INV-2026-07-{reseller}", "2026-09-08", "120000"]]))
    assert line_of(cli("credit", "--as-of", "2026-09-10"), reseller) == {
        "partner_id": reseller, "credit_limit": "600000.00", "unpaid": "229200.00", "unbilled": "281000.00",
        "exposure": "510200.00", "available": "89800.00", "over_limit": False}


def test_a_past_day_counts_a_late_line_unbilled_until_the_invoice_that_carried_it(cli, channel, reseller):
    """A late July line of 5000.00 settled on August's invoice (issued 09-01): on 08-20 it was not
    invoiced yet, on 09-10 it was."""
    channel.usage([["L9", "R-1", "ecs", "2026-07-30", "5000"]], name="late.csv")
    settle_month(channel.ws, "2026-08")
    # 08-20: August's 180000.00 and the late 5000.00
    assert line_of(cli("credit", "--as-of", "2026-08-20"), reseller)["unbilled"] == "185000.00"
    # 09-10: August's invoice (with the late line) is issued; September's 96000.00 (09-05) is not
    assert line_of(cli("credit", "--as-of", "2026-09-10"), reseller)["unbilled"] == "96000.00"


def test_a_distributors_exposure_includes_its_tier2_resellers_customers(cli, channel):
    distributor = channel.partner("distributor")
    tier2 = channel.tier2(distributor)
    agency = channel.partner("agency")
    channel.customers([["D-1", distributor, "2026-01-01"], ["T-1", tier2, "2026-01-01"], ["A-1", agency, "2026-01-01"]])
    channel.usage([["L1", "D-1", "ecs", "2026-10-03", "1000.004"], ["L2", "T-1", "rds", "2026-10-04", "250.50"],
                   ["L3", "A-1", "ecs", "2026-10-05", "999"]])
    report = cli("credit", "--as-of", "2026-10-31")
    # 1000.004 + 250.50 = 1250.504 -> 1250.50 unbilled; the standard tier's limit 1500000.00;
    # agencies and tier-2 resellers have no credit line (the vendor does not invoice them)
    assert [p["partner_id"] for p in report.json["partners"]] == [distributor]
    assert line_of(report, distributor) == {
        "partner_id": distributor, "credit_limit": "1500000.00", "unpaid": "0.00", "unbilled": "1250.50",
        "exposure": "1250.50", "available": "1498749.50", "over_limit": False}


def test_usage_dated_after_the_as_of_day_is_not_exposure_yet(cli, channel, reseller):
    # R-1 leaves for another reseller on 09-14; day sums of a DuckDB delivery count like lines
    other = channel.partner("direct_reseller")
    channel.customers([["R-1", other, "2026-09-14"]], name="moved.csv")
    channel.usage([["L4", "R-1", "ecs", "2026-09-13", "1000.004"], ["L5", "R-1", "ecs", "2026-09-15", "200"],
                   ["L6", "R-1", "ecs", "2026-09-16", "30000"], ["L7", "R-1", "ecs", "2026-09-30", "4000"]],
                  name="september.csv")
    delivery = channel.file("delivery.csv", USAGE_HEADER, [["D1", "R-1", "rds", "2026-09-01", "0.001", "true"],
                                                           ["D2", "R-1", "rds", "2026-09-15", "7", "true"]])
    import_delivery(channel.ws, delivery, DuckDBEngine(), lambda stage: None, dt.datetime.now(dt.timezone.utc))
    # 2026-09-15: the reseller's August 180000.00, and of September what is dated by the 15th and
    # its own: 96000.00 (09-05) + 1000.004 (09-13) + 0.001 (09-01); 277000.005 -> 277000.01.
    # The other reseller: 200.00 + 7.00 of the 15th; 30000.00 (09-16) and 4000.00 (09-30) have
    # not happened yet
    assert line_of(cli("credit", "--as-of", "2026-09-15"), reseller)["unbilled"] == "277000.01"
    assert line_of(cli("credit", "--as-of", "2026-09-15"), other)["unbilled"] == "207.00"
    # 2026-09-29: 30000.00 of the 16th has happened; 2026-09-30: all of September, 34207.00
    assert line_of(cli("credit", "--as-of", "2026-09-29"), other)["unbilled"] == "30207.00"
    assert line_of(cli("credit", "--as-of", "2026-09-30"), other)["unbilled"] == "34207.00"
    assert line_of(cli("credit", "--as-of", "2026-09-30"), reseller)["unbilled"] == "277000.01"


def test_a_managers_override_sets_the_limit_and_is_kept_with_its_reason(cli, channel, reseller):
    changed = cli("credit", "set", reseller, "--limit", "700000", "--reason", "bank guarantee of 700000 received",
                  "--by", "Morgan", "--as-of", "2026-09-10")
    assert changed.code == 0, changed.stderr
    # exposure 625200.00 (as above) against 700000.00: 74800.00 available
    assert changed.json == {"partner_id": reseller, "credit_limit": "700000.00", "unpaid": "349200.00",
                            "unbilled": "276000.00", "exposure": "625200.00", "available": "74800.00",
                            "over_limit": False}
    assert line_of(cli("credit", "--as-of", "2026-09-10"), reseller)["credit_limit"] == "700000.00"
    [entry] = terms_history(channel.ws, reseller)
    assert (entry.kind, entry.value, entry.reason, entry.actor) == (
        "credit_limit", "700000.00", "bank guarantee of 700000 received", "Morgan")


REFUSED = [
    (["--limit", "60000", "--by", "Morgan"], "--reason: a reason for the credit limit is required"),
    (["--limit", "60000", "--reason", "  ", "--by", "Morgan"], "--reason: a reason for the credit limit is required"),
    (["--limit", "60,000", "--reason", "r", "--by", "Morgan"], "--limit: must be written without thousands separators"),
    (["--limit", "-5", "--reason", "r", "--by", "Morgan"], "--limit: '-5' is negative; a credit limit is 0 or more"),
    (["--limit", "5.555", "--reason", "r", "--by", "Morgan"], "--limit: '5.555' has more than 2 decimal places"),
    (["--limit", " 1000", "--reason", "r", "--by", "Morgan"], "--limit: must be a decimal of digits"),
    (["--limit", "5", "--reason", "r"], "--by: who sets it is required"),
]


def test_an_override_without_a_reason_or_with_a_bad_limit_is_refused_and_writes_nothing(cli, channel, reseller):
    for args, message in REFUSED:
        refused = cli("credit", "set", reseller, *args)
        assert (refused.code, refused.stdout) == (2, ""), args
        assert refused.stderr.startswith(f"partnerdesk: {message}"), refused.stderr
    assert line_of(cli("credit", "--as-of", "2026-09-10"), reseller)["credit_limit"] == "600000.00"
    assert terms_history(channel.ws, reseller) == []


def test_an_override_for_an_agency_or_an_unknown_partner_is_refused(cli, channel):
    agency = channel.partner("agency")
    refused = cli("credit", "set", agency, "--limit", "1", "--reason", "r", "--by", "Morgan")
    assert refused.code == 2 and f"{agency} (agency) has no tier or credit limit" in refused.stderr
    refused = cli("credit", "set", "P-999", "--limit", "1", "--reason", "r", "--by", "Morgan")
    assert refused.code == 2 and "'P-999' is not a known partner" in refused.stderr
