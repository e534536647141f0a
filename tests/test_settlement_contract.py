"""The contract's settlement walk-through with two tier-2 resellers under one distributor, via the CLI."""

from __future__ import annotations

import json

from conftest import write_json
from factories import SG_UENS, application

CUSTOMERS = """customer_id,partner_id,associated_on
C-1,P-1,2026-01-01
C-2,P-2,2026-01-01
C-4,P-3,2026-01-01
C-5,P-4,2026-01-01
C-6,P-5,2026-01-01
"""

USAGE = """line_id,customer_id,product,usage_date,amount,commissionable
L1,C-1,ecs,2026-07-03,1000.00,true
L2,C-1,marketplace,2026-07-04,500,true
L3,C-2,ecs,2026-07-05,1000.004,
L4,C-2,oss,2026-07-06,234.565,
L6,C-4,ecs,2026-07-08,2000,
L7,C-5,ecs,2026-07-09,300,
L8,C-6,rds,2026-07-10,100,
L9,C-9,ecs,2026-07-09,999,
"""


def test_a_distributor_with_two_tier2_resellers(sqlite_cli, tmp_path):
    cli = sqlite_cli
    confirmations = {"agency": "customer_resources,partnership_willingness",
                     "direct_reseller": "industry_capability,customer_operations",
                     "distributor": "growth_resources"}
    for n, partner_type in enumerate(["agency", "direct_reseller", "distributor"]):
        path = write_json(tmp_path / f"{partner_type}.json", application(partner_type, registration_number=SG_UENS[n]))
        application_id = cli("apply", path, "--as-of", "2026-06-01").json["application_id"]
        tier = ["--tier", "gold"] if partner_type == "direct_reseller" else []
        approved = cli("review", application_id, "--approve", "--by", "maria", "--confirm",
                       confirmations[partner_type], *tier)
        assert approved.json == {"partner_id": f"P-{n + 1}"}, approved.stderr
    assert cli("tier2", "add", "--distributor", "P-3", "--name", "Small Reseller").json == {"partner_id": "P-4"}
    assert cli("tier2", "add", "--distributor", "P-3", "--name", "Other Reseller", "--discount", "0.07").json == {
        "partner_id": "P-5"}
    (tmp_path / "customers.csv").write_text(CUSTOMERS)
    (tmp_path / "usage.csv").write_text(USAGE)
    assert cli("customers", "import", tmp_path / "customers.csv").code == 0
    assert cli("usage", "import", tmp_path / "usage.csv").code == 0

    month = cli("settle", "month", "2026-07")
    assert month.code == 0, month.stderr
    invoices = {(i["issuer"], i["bill_to"]): i for i in month.json["invoices"]}
    assert set(invoices) == {("vendor", "P-2"), ("vendor", "P-3"), ("P-3", "P-4"), ("P-3", "P-5")}
    # The distributor's vendor invoice covers its own customer and both tier-2 resellers' customers,
    # at its standard discount of 0.10: 2000.00 + 300.00 + 100.00 = 2400.00 gross, 240.00 discount.
    to_distributor = invoices[("vendor", "P-3")]
    assert [(l["customer_id"], l["product"], l["gross"]) for l in to_distributor["lines"]] == [
        ("C-4", "ecs", "2000.00"), ("C-5", "ecs", "300.00"), ("C-6", "rds", "100.00")]
    assert (to_distributor["gross"], to_distributor["discount"], to_distributor["total"]) == (
        "2400.00", "240.00", "2160.00")
    # Each tier-2 reseller is invoiced by the distributor for its own customers only, once:
    # P-4 at the plan's tier2_default_discount 0.05 (300.00 -> 15.00), P-5 at its own 0.07 (100.00 -> 7.00).
    to_small = invoices[("P-3", "P-4")]
    assert [(l["customer_id"], l["gross"], l["discount"], l["net"]) for l in to_small["lines"]] == [
        ("C-5", "300.00", "15.00", "285.00")]
    to_other = invoices[("P-3", "P-5")]
    assert (to_other["gross"], to_other["discount"], to_other["total"]) == ("100.00", "7.00", "93.00")
    # The direct reseller (gold, 0.08): 1000.004 -> 1000.00 and 234.565 -> 234.57 (half up);
    # discounts 80.00 and 18.77 (234.57 * 0.08 = 18.7656).
    to_reseller = invoices[("vendor", "P-2")]
    assert (to_reseller["gross"], to_reseller["discount"], to_reseller["total"]) == ("1234.57", "98.77", "1135.80")
    # The agency earns 10% of its commissionable revenue; marketplace is not commissionable.
    assert month.json["agency_commissions"] == [{"partner_id": "P-1", "period": "2026-07",
                                                 "commissionable": "1000.00", "rate": "0.10",
                                                 "commission": "100.00"}]
    assert cli("settle", "month", "2026-07").json == month.json

    quarter = cli("settle", "quarter", "2026-Q3")
    assert quarter.code == 0, quarter.stderr
    commissions = {c["partner_id"]: c for c in quarter.json["commissions"]}
    assert set(commissions) == {"P-2", "P-3"}
    # Gold's first band (0.02) on 1234.569 -> 1234.57 commissionable: 24.6914 -> 24.69.
    assert commissions["P-2"]["commission"] == "24.69"
    # The distributor's performance includes its tier-2 customers: 2400.00 at 0.02 = 48.00.
    assert (commissions["P-3"]["commissionable"], commissions["P-3"]["commission"]) == ("2400.00", "48.00")
    assert json.loads(cli("settle", "quarter", "2026-Q3").stdout) == quarter.json
