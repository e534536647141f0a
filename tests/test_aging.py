"""Receivables by age (`invoices --aging`) through the real CLI on SQLite and PostgreSQL.

Shipped plan: registered direct resellers 3 % discount, the standard distributor 10 %, tier-2
resellers 5 %; invoices are issued on the 1st of the next month and due 30 days later.
"""

from __future__ import annotations

import pytest

from conftest import RULES_DIR
from partnerdesk.payments import import_payments
from partnerdesk.settings import Settings
from partnerdesk.settling import settle_month
from partnerdesk.workspace import Workspace
from settlement_world import Channel


@pytest.fixture
def channel(cli, tmp_path) -> Channel:
    return Channel(Workspace.open(Settings(database_url=cli.database_url, rules_dir=RULES_DIR)), tmp_path)


@pytest.fixture
def owed(channel):
    """July to October settled; a partial payment of July and a full one of September's 900.00."""
    reseller, distributor = channel.partner("direct_reseller"), channel.partner("distributor")
    tier2 = channel.tier2(distributor)
    channel.customers([["R-1", reseller, "2026-01-01"], ["D-1", distributor, "2026-01-01"],
                       ["T-1", tier2, "2026-01-01"]])
    channel.usage([["L1", "R-1", "ecs", "2026-07-10", "10000"],   # 10000.00 - 300.00 = 9700.00, due 08-01 + 30 = 08-31
                   ["L2", "R-1", "ecs", "2026-08-10", "20000"],   # 19400.00, due 09-01 + 30 = 10-01
                   ["L3", "R-1", "ecs", "2026-09-10", "5000"],    # 4850.00, due 10-31
                   ["L4", "R-1", "ecs", "2026-10-10", "1000"],    # 970.00, due 12-01
                   ["L5", "D-1", "ecs", "2026-09-10", "1000"],    # 900.00, due 10-31, paid
                   ["L6", "T-1", "rds", "2026-10-10", "2000"]])   # vendor to D 1800.00; D to T 1900.00; due 12-01
    for month in ("2026-07", "2026-08", "2026-09", "2026-10"):
        settle_month(channel.ws, month)
    import_payments(channel.ws, channel.file("payments.csv", ["invoice_id", "paid_on", "amount"],
                                             [[f"INV-2026-07-{reseller}", "2026-09-15", "700"],
                                              [f"INV-2026-09-{distributor}", "2026-10-20", "900"]]))
    return reseller, distributor


def test_overdue_balances_by_age_per_partner_and_in_total(cli, owed):
    reseller, distributor = owed
    result = cli("invoices", "--aging", "--as-of", "2026-12-15")
    assert result.code == 0, result.stderr
    # on 12-15: July's 9700.00 - 700.00 = 9000.00 is 106 days past 08-31 (30 + 31 + 30 + 15);
    # August's 19400.00 75 days past 10-01; September's 4850.00 45 days past 10-31; October's
    # 970.00 and the distributor's 1800.00 14 days past 12-01. The distributor's own invoice to
    # its tier-2 reseller is the distributor's receivable, not the vendor's.
    assert result.json == {"as_of": "2026-12-15", "partners": [
        {"partner_id": reseller, "days_1_30": "970.00", "days_31_60": "4850.00", "days_61_90": "19400.00",
         "days_over_90": "9000.00", "overdue": "34220.00"},  # 970.00 + 4850.00 + 19400.00 + 9000.00
        {"partner_id": distributor, "days_1_30": "1800.00", "days_31_60": "0.00", "days_61_90": "0.00",
         "days_over_90": "0.00", "overdue": "1800.00"},
    ], "totals": {"days_1_30": "2770.00", "days_31_60": "4850.00", "days_61_90": "19400.00", "days_over_90": "9000.00",
                  "overdue": "36020.00"}}


def test_the_buckets_edges_and_an_invoice_due_today(cli, owed):
    reseller, _ = owed
    # 11-30: July 91 days past 08-31 (30 + 31 + 30): over 90; August 60 past 10-01: 31-60;
    # September 30 past 10-31: 1-30; October's invoices are due 12-01: not overdue yet
    assert cli("invoices", "--aging", "--as-of", "2026-11-30").json["partners"] == [
        {"partner_id": reseller, "days_1_30": "4850.00", "days_31_60": "19400.00", "days_61_90": "0.00",
         "days_over_90": "9000.00", "overdue": "33250.00"}]
    # 12-01: August 61 days: 61-90; September 31: 31-60; October's are due today: not overdue
    assert cli("invoices", "--aging", "--as-of", "2026-12-01").json["partners"] == [
        {"partner_id": reseller, "days_1_30": "0.00", "days_31_60": "4850.00", "days_61_90": "19400.00",
         "days_over_90": "9000.00", "overdue": "33250.00"}]


def test_aging_takes_no_status(cli, owed):
    refused = cli("invoices", "--aging", "--status", "open")
    assert (refused.code, refused.stdout) == (2, "")
    assert refused.stderr.strip() == "partnerdesk: --aging: lists the overdue balances by age; it takes no --status"
