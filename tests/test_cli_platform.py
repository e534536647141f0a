"""The channel platform's commands (contract section 6) as a script sees them: JSON on stdout,
exit 2 with the field named and nothing written."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from conftest import RULES_DIR
from partnerdesk import payments, settling
from partnerdesk.accounts import authenticate
from partnerdesk.settings import Settings
from partnerdesk.workspace import Workspace
from settlement_world import Channel


def test_a_partner_account_is_bound_to_its_partner(sqlite_workspace, sqlite_cli, tmp_path):
    cli = sqlite_cli
    reseller = Channel(sqlite_workspace, tmp_path).partner("direct_reseller")
    added = cli("users", "add", "ops@acme", "--role", "partner", "--partner", reseller,
                "--password-stdin", stdin="orchid-tractor-pebble-9\n")
    assert added.code == 0, added.stderr
    assert added.json == {"username": "ops@acme", "role": "partner", "display_name": "ops@acme",
                          "partner_id": reseller, "owner": True, "password_set": True}
    colleague = cli("users", "add", "kim", "--role", "partner", "--partner", reseller, "--password-stdin",
                    stdin="lantern-harbour-quiet-4\n")
    assert colleague.json["owner"] is False
    ws = Workspace.open(Settings(database_url=cli.database_url))
    assert authenticate(ws, "kim", "lantern-harbour-quiet-4").role == "partner"
    unbound = cli("users", "add", "lee", "--role", "partner", "--password-stdin", stdin="lantern-harbour-quiet-4\n")
    assert (unbound.code, unbound.stderr.split(":")[1].strip()) == (2, "--partner")
    unknown = cli("users", "add", "lee", "--role", "partner", "--partner", "P-99", "--password-stdin",
                  stdin="lantern-harbour-quiet-4\n")
    assert unknown.code == 2 and unknown.stderr.startswith("partnerdesk: --partner: 'P-99' is not a known partner")
    assert authenticate(ws, "lee", "lantern-harbour-quiet-4") is None


def test_a_partner_account_added_as_the_contract_writes_it_waits_for_its_password(sqlite_workspace, sqlite_cli,
                                                                                 tmp_path):
    """`users add USERNAME --role partner --partner P-n` from a script (no terminal, no password
    given): the account exists, bound to its partner, and signs in once a password is set."""
    cli = sqlite_cli
    reseller = Channel(sqlite_workspace, tmp_path).partner("direct_reseller")
    added = cli("users", "add", "ops@acme", "--role", "partner", "--partner", reseller)
    assert added.code == 0, added.stderr
    assert added.json == {"username": "ops@acme", "role": "partner", "display_name": "ops@acme",
                          "partner_id": reseller, "owner": True, "password_set": False}
    assert "no password set" in added.stderr and "reset-password ops@acme" in added.stderr
    ws = Workspace.open(Settings(database_url=cli.database_url))
    assert authenticate(ws, "ops@acme", "") is None and authenticate(ws, "ops@acme", "!") is None
    reset = cli("users", "reset-password", "ops@acme", "--by", "admin", "--password-stdin",
                stdin="orchid-tractor-pebble-9\n")
    assert reset.code == 0, reset.stderr
    assert authenticate(ws, "ops@acme", "orchid-tractor-pebble-9").role == "partner"


def test_customers_from_lead_to_associated_and_a_transfer_decided(sqlite_workspace, sqlite_cli, tmp_path):
    cli, channel = sqlite_cli, Channel(sqlite_workspace, tmp_path)
    first, second = channel.partner("direct_reseller"), channel.partner("direct_reseller")
    lead = cli("customers", "register", "--partner", first, "--customer-id", "C-1", "--name", "Lion Foods",
               "--country", "SG", "--as-of", "2026-07-01")
    assert lead.json == {"request_id": 1, "state": "lead", "expires_on": "2026-07-31"}, lead.stderr
    invitation = cli("customers", "invite", "1", "--as-of", "2026-07-02").json
    assert (invitation["request_id"], invitation["state"]) == (1, "invited")
    accepted = cli("customers", "accept", invitation["code"], "--as-of", "2026-07-03")
    assert accepted.json == {"request_id": 1, "state": "associated", "associated_on": "2026-07-03"}
    again = cli("customers", "accept", invitation["code"], "--as-of", "2026-07-04")
    assert again.code == 2 and again.stderr.startswith("partnerdesk: CODE: this invitation was used already")

    cli("customers", "register", "--partner", second, "--customer-id", "C-1", "--name", "Lion Foods",
        "--country", "SG", "--as-of", "2026-07-05")
    code = cli("customers", "invite", "2", "--as-of", "2026-07-05").json["code"]
    assert cli("customers", "accept", code, "--as-of", "2026-07-06").json == {
        "request_id": 2, "state": "pending_review", "associated_on": None}
    waiting = cli("customers", "requests", "--state", "pending_review", "--as-of", "2026-07-06").json
    assert [(r["request_id"], r["partner_id"], r["from_partner_id"], r["review_reasons"]) for r in waiting] == [
        (2, second, first, ["transfer"])]
    no_reason = cli("customers", "decide", "2", "--approve", "--by", "maria", "--as-of", "2026-07-07")
    assert no_reason.code == 2 and no_reason.stderr.startswith("partnerdesk: --reason:")
    decided = cli("customers", "decide", "2", "--approve", "--reason", "signed transfer", "--by", "maria",
                  "--as-of", "2026-07-08")
    assert decided.json == {"request_id": 2, "state": "associated", "associated_on": "2026-07-08"}
    everything = cli("customers", "requests", "--partner", second, "--as-of", "2026-07-08").json
    assert [s["step"] for s in everything[0]["history"]] == ["registered", "invited", "accepted", "approved"]
    assert everything[0]["history"][-1]["by"] == "maria" and everything[0]["history"][-1]["reason"] == "signed transfer"
    bad_country = cli("customers", "register", "--partner", first, "--customer-id", "C-9", "--name", "X",
                      "--country", "XX")
    assert bad_country.code == 2 and bad_country.stderr.startswith("partnerdesk: country:")
    assert len(cli("customers", "requests").json) == 2


def test_a_partners_standing_changes_with_a_reason(sqlite_workspace, sqlite_cli, tmp_path):
    cli = sqlite_cli
    reseller = Channel(sqlite_workspace, tmp_path).partner("direct_reseller")
    missing = cli("partners", "suspend", reseller, "--by", "maria")
    assert missing.code == 2 and missing.stderr.startswith("partnerdesk: --reason:")
    suspended = cli("partners", "suspend", reseller, "--reason", "overdue", "--by", "maria", "--as-of", "2026-07-01")
    assert suspended.json == {"partner_id": reseller, "action": "suspend", "standing": "suspended",
                              "effective_on": "2026-07-01", "customers_released": 0}
    refused = cli("customers", "register", "--partner", reseller, "--customer-id", "C-1", "--name", "Lion",
                  "--country", "SG", "--as-of", "2026-07-02")
    assert refused.code == 2 and "is suspended" in refused.stderr
    twice = cli("partners", "suspend", reseller, "--reason", "again", "--by", "maria", "--as-of", "2026-07-03")
    assert twice.code == 2 and "is suspended; cannot suspend" in twice.stderr
    assert cli("partners", "reinstate", reseller, "--reason", "paid", "--by", "maria",
               "--as-of", "2026-07-04").json["standing"] == "active"
    assert cli("partners", "terminate", reseller, "--reason", "left", "--by", "maria",
               "--as-of", "2026-07-05").json["standing"] == "terminated"


def test_a_statement_as_json_csv_and_a_pdf_with_the_same_figures(sqlite_workspace, sqlite_cli, tmp_path):
    cli, channel = sqlite_cli, Channel(sqlite_workspace, tmp_path)
    distributor = channel.partner("distributor")  # P-1, standard tier: discount 0.10
    tier2 = channel.tier2(distributor)  # P-2, at the plan's tier2_default_discount 0.05
    channel.customers([["C-1", distributor, "2026-06-01"], ["C-2", tier2, "2026-06-01"]])
    channel.usage([["L1", "C-1", "ecs", "2026-07-03", "1000.00"], ["L2", "C-1", "oss", "2026-07-04", "234.565"],
                   ["L3", "C-2", "ecs", "2026-07-05", "300"]])
    settling.settle_month(sqlite_workspace, "2026-07")
    payments.import_payments(sqlite_workspace, channel.file("payments.csv", ["invoice_id", "paid_on", "amount"],
                                                            [["INV-2026-07-P-1", "2026-08-10", "500.00"]]))

    found = cli("statement", distributor, "--period", "2026-07", "--as-of", "2026-08-15")
    assert found.code == 0, found.stderr
    statement = found.json
    # To the distributor: 1000.00 + 234.57 (234.565 half up) + its tier-2's 300.00 = 1534.57 gross,
    # discounts 100.00 + 23.46 + 30.00 = 153.46, total 1381.11; 500.00 paid leaves 881.11.
    (to_it,) = statement["invoices"]
    assert (to_it["gross"], to_it["discount"], to_it["total"], to_it["paid"], to_it["balance"]) == (
        "1534.57", "153.46", "1381.11", "500.00", "881.11")
    assert statement["balance"] == "881.11"
    assert statement["payments"] == [{"invoice_id": "INV-2026-07-P-1", "paid_on": "2026-08-10", "amount": "500.00"}]
    # By the distributor, to its tier-2 at the plan's default 0.05: 300.00 - 15.00 = 285.00, unpaid.
    (by_it,) = statement["invoices_issued"]
    assert (by_it["bill_to"], by_it["total"], by_it["balance"]) == (tier2, "285.00", "285.00")
    assert statement["receivable"] == "285.00"

    csv_out = cli("statement", distributor, "--period", "2026-07", "--format", "csv", "--as-of", "2026-08-15")
    assert "invoice,INV-2026-07-P-1,vendor,P-1,2026-07,2026-08-01,,,1534.57,153.46,1381.11,500.00,881.11,open" in csv_out.stdout
    pdf_path = tmp_path / "statement.pdf"
    written = cli("statement", distributor, "--period", "2026-Q3", "--format", "pdf", "--out", pdf_path,
                  "--as-of", "2026-08-15")
    assert written.json == {"partner_id": distributor, "period": "2026-Q3", "format": "pdf", "out": str(pdf_path)}
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    for figure in ("INV-2026-07-P-1", "1534.57", "153.46", "1381.11", "500.00", "881.11", "INV-2026-07-P-2",
                   "285.00", "234.57"):
        assert figure in text, figure
    tier2_view = cli("statement", tier2, "--period", "2026-07", "--as-of", "2026-08-15").json
    assert [i["invoice_id"] for i in tier2_view["invoices"]] == ["INV-2026-07-P-2"]
    assert tier2_view["invoices_issued"] == []
    bad = cli("statement", distributor, "--period", "2026-13")
    assert bad.code == 2 and bad.stderr.startswith("partnerdesk: --period:")


def pdf_text(path) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_statements_show_late_lines_and_a_quarters_commission_adjustment(cli, tmp_path):
    """Gold direct reseller: 8 % discount; commission 2 %, 4 % from 100 000 (shipped plan)."""
    ws = Workspace.open(Settings(database_url=cli.database_url, rules_dir=RULES_DIR))
    channel = Channel(ws, tmp_path)
    gold = channel.partner("direct_reseller", tier="gold")
    channel.customers([["C-G", gold, "2026-01-01"]])
    channel.usage([["L1", "C-G", "ecs", "2026-08-15", "90000.00"]])
    settling.settle_month(ws, "2026-08", as_of=dt.date(2026, 9, 1))
    channel.usage([["L2", "C-G", "ecs", "2026-08-20", "15000.00"],  # late: August is settled
                   ["L3", "C-G", "ecs", "2026-09-10", "1000.00"]], name="late.csv")
    settling.settle_month(ws, "2026-09", as_of=dt.date(2026, 10, 1))
    settling.settle_quarter(ws, "2026-Q3", as_of=dt.date(2026, 10, 1))  # 106000.00 x 0.04 = 4240.00
    channel.usage([["L4", "C-G", "ecs", "2026-09-25", "-8000.00"],  # late: September and 2026-Q3 are settled
                   ["L5", "C-G", "ecs", "2026-10-05", "2000.00"]], name="credit.csv")
    settling.settle_month(ws, "2026-10", as_of=dt.date(2026, 11, 1))
    settling.settle_quarter(ws, "2026-Q4", as_of=dt.date(2027, 1, 1))

    september = cli("statement", gold, "--period", "2026-09", "--as-of", "2026-10-15")
    assert september.code == 0, september.stderr
    (invoice,) = september.json["invoices"]
    # September's own line 1000.00, discount 80.00, net 920.00; August's late 15000.00, discount 1200.00,
    # net 13800.00; the invoice 16000.00 - 1280.00 = 14720.00, unpaid.
    assert invoice["lines"] == [
        {"customer_id": "C-G", "product": "ecs", "gross": "1000.00", "discount": "80.00", "net": "920.00"},
        {"customer_id": "C-G", "product": "ecs", "gross": "15000.00", "discount": "1200.00", "net": "13800.00",
         "adjusts": "2026-08"}]
    assert (invoice["gross"], invoice["discount"], invoice["total"], invoice["balance"]) == (
        "16000.00", "1280.00", "14720.00", "14720.00")
    month_csv = cli("statement", gold, "--period", "2026-09", "--format", "csv", "--as-of", "2026-10-15").stdout
    assert f"line,INV-2026-09-{gold},,,2026-09,,C-G,ecs,15000.00,1200.00,13800.00,,,,,,,2026-08" in month_csv
    assert f"line,INV-2026-09-{gold},,,2026-09,,C-G,ecs,1000.00,80.00,920.00,,,,,,," in month_csv

    q4 = cli("statement", gold, "--period", "2026-Q4", "--as-of", "2027-01-15").json
    # Q4's own: 2000.00 x 0.02 = 40.00. 2026-Q3 again: 106000.00 - 8000.00 = 98000.00 falls below
    # 100 000: x 0.02 = 1960.00; 4240.00 was paid, so -2280.00. Total 40.00 - 2280.00 = -2240.00.
    assert q4["commissions"] == [
        {"period": "2026-Q4", "tier": "gold", "commissionable": "2000.00", "rate": "0.02", "commission": "40.00"},
        {"period": "2026-Q4", "tier": "gold", "commissionable": "-8000.00", "rate": "0.02",
         "commission": "-2280.00", "adjusts": "2026-Q3"}]
    assert q4["commission_total"] == "-2240.00"
    # October: its own 2000.00 (discount 160.00) and September's credit -8000.00 (discount -640.00):
    # -6000.00 gross, -480.00 discount, -5520.00 total.
    (october,) = q4["invoices"]
    assert [(line["gross"], line["net"], line.get("adjusts")) for line in october["lines"]] == [
        ("2000.00", "1840.00", None), ("-8000.00", "-7360.00", "2026-09")]
    assert october["total"] == "-5520.00"
    quarter_csv = cli("statement", gold, "--period", "2026-Q4", "--format", "csv", "--as-of", "2027-01-15").stdout
    assert f"commission,,,{gold},2026-Q4,,,,,,,,,,0.02,40.00,2000.00," in quarter_csv
    assert f"commission,,,{gold},2026-Q4,,,,,,,,,,0.02,-2280.00,-8000.00,2026-Q3" in quarter_csv
    assert f"commission_total,,,{gold},2026-Q4,,,,,,,,,,,-2240.00,," in quarter_csv
    pdf = tmp_path / "q4.pdf"
    assert cli("statement", gold, "--period", "2026-Q4", "--format", "pdf", "--out", pdf,
               "--as-of", "2027-01-15").code == 0
    text = pdf_text(pdf)
    for figure in ("-8000.00", "-640.00", "-7360.00", "adjusts 2026-09", "-5520.00", "40.00", "-2280.00",
                   "adjusts 2026-Q3", "Commission total: -2240.00"):
        assert figure in text, figure


def test_a_statement_shows_the_tier_in_force_in_its_period(cli, tmp_path):
    """Shipped plan: gold 8 % discount; registered 3 % discount and 1 % commission."""
    ws = Workspace.open(Settings(database_url=cli.database_url, rules_dir=RULES_DIR))
    channel = Channel(ws, tmp_path)
    reseller = channel.partner("direct_reseller", tier="gold")
    channel.customers([["C-G", reseller, "2026-01-01"]])
    channel.usage([["L1", "C-G", "ecs", "2026-07-10", "50000.00"], ["L2", "C-G", "ecs", "2026-08-10", "30000.00"],
                   ["L3", "C-G", "ecs", "2026-09-10", "20000.00"]])
    settling.settle_month(ws, "2026-07", as_of=dt.date(2026, 8, 1))
    moved = cli("tiers", "set", reseller, "--tier", "registered", "--reason", "tier review", "--by", "Morgan")
    assert moved.json["in_force_from"] == "2026-08"  # July is settled at gold
    settling.settle_month(ws, "2026-08", as_of=dt.date(2026, 9, 1))
    settling.settle_month(ws, "2026-09", as_of=dt.date(2026, 10, 1))
    settling.settle_quarter(ws, "2026-Q3", as_of=dt.date(2026, 10, 1))

    def shown(period: str) -> dict:
        found = cli("statement", reseller, "--period", period, "--as-of", "2026-10-15")
        assert found.code == 0, found.stderr
        return found.json

    # July at gold: 50000.00 x 0.08 = 4000.00 discount; September at registered: 20000.00 x 0.03 = 600.00
    july, september = shown("2026-07"), shown("2026-09")
    assert (july["tier"], july["invoices"][0]["discount"]) == ("gold", "4000.00")
    assert (september["tier"], september["invoices"][0]["discount"]) == ("registered", "600.00")
    # Q3's commission is settled at the tier in force in September: 100000.00 x 0.01 = 1000.00
    q3 = shown("2026-Q3")
    assert q3["tier"] == "registered"
    assert [(c["tier"], c["commission"]) for c in q3["commissions"]] == [("registered", "1000.00")]
    # October, not settled yet: registered too
    assert shown("2026-10")["tier"] == "registered"
