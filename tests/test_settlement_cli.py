"""The settlement commands as the contract fixes them: JSON on stdout, exit 2 naming the problem."""

from __future__ import annotations

import re

import pytest

from conftest import RULES_DIR
from factories import AS_OF
from partnerdesk.settings import Settings
from partnerdesk.tier2 import resellers_of
from partnerdesk.workspace import Workspace
from settlement_world import CUSTOMER_HEADER, USAGE_HEADER, Channel

INVOICE_KEYS = {"invoice_id", "issuer", "bill_to", "period", "issued_on", "due_on", "gross", "discount", "total",
                "lines"}
MONEY = re.compile(r"^-?\d+\.\d{2}$")


@pytest.fixture
def channel(cli, tmp_path) -> Channel:
    return Channel(Workspace.open(Settings(database_url=cli.database_url, rules_dir=RULES_DIR)), tmp_path)


def refused(result) -> str:
    assert result.code == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("partnerdesk: ")
    return result.stderr


def draft_plan(folder, agency_rate: str):
    text = (RULES_DIR / "plan.yaml").read_text()
    path = folder / "draft.yaml"
    path.write_text(text.replace('commission_rate: "0.10"', f'commission_rate: "{agency_rate}"')
                        .replace('version: "2026.1"', 'version: "2026.2-draft"'))
    return path


def test_tier2_add_registers_under_a_distributor_only(cli, channel):
    distributor, reseller = channel.partner("distributor"), channel.partner("direct_reseller")
    added = cli("tier2", "add", "--distributor", distributor, "--name", "Orchard Tech", "--discount", "0.06")
    assert added.code == 0, added.stderr
    assert re.fullmatch(r"P-\d+", added.json["partner_id"]) and set(added.json) == {"partner_id"}
    assert refused(cli("tier2", "add", "--distributor", reseller, "--name", "X")).strip() == (
        f"partnerdesk: --distributor: {reseller} is not a distributor (direct_reseller)")


def test_tier2_add_is_refused_under_a_suspended_or_terminated_distributor(cli, channel):
    distributor = channel.partner("distributor")
    add = ("tier2", "add", "--distributor", distributor, "--name", "E1")
    for action, on, standing in (("suspend", "2026-07-01", "suspended"), ("terminate", "2026-07-02", "terminated")):
        assert cli("partners", action, distributor, "--reason", "overdue", "--by", "maria", "--as-of", on).code == 0
        assert re.fullmatch(rf"partnerdesk: partner_id: {distributor} is {standing} on \d{{4}}-\d{{2}}-\d{{2}}; "
                            r"registering a tier-2 reseller is refused\n", refused(cli(*add)))
    assert resellers_of(channel.ws, distributor, AS_OF) == []


@pytest.mark.parametrize("discount", ["5E-2", " 0.05", "1_0e-2", ".05"])
def test_tier2_add_reads_its_discount_in_the_contracts_decimal_grammar(cli, channel, discount):
    distributor = channel.partner("distributor")
    message = refused(cli("tier2", "add", "--distributor", distributor, "--name", "E1", "--discount", discount))
    assert message.startswith(f"partnerdesk: --discount: {discount!r} is not a decimal rate (0.07 is 7 %): it must "
                              "be a decimal of digits")
    assert resellers_of(channel.ws, distributor, AS_OF) == []


def test_tier2_add_keeps_a_contact_e_mail_when_given_and_refuses_a_bad_one(cli, channel):
    distributor = channel.partner("distributor")
    bad = refused(cli("tier2", "add", "--distributor", distributor, "--name", "Orchard Tech",
                      "--email", "orchard@tech"))
    assert bad.strip() == "partnerdesk: --email: not an e-mail address: 'orchard@tech'"
    assert resellers_of(channel.ws, distributor, AS_OF) == []
    with_email = cli("tier2", "add", "--distributor", distributor, "--name", "Orchard Tech",
                     "--email", " sales@orchard.example ").json["partner_id"]
    without = cli("tier2", "add", "--distributor", distributor, "--name", "Jurong Shop").json["partner_id"]
    shown = {r.partner_id: r.contact_email for r in resellers_of(channel.ws, distributor, AS_OF)}
    assert shown == {with_email: "sales@orchard.example", without: None}
    assert [r.contact_email for r in resellers_of(channel.ws, with_email, AS_OF)] == ["sales@orchard.example"]


def test_import_settle_whatif_pay_and_list_invoices(cli, channel):
    agency, reseller = channel.partner("agency"), channel.partner("direct_reseller")
    customers = channel.file("customers.csv", CUSTOMER_HEADER, [["C-1", agency, "2026-07-01"],
                                                                 ["C-2", reseller, "2026-07-01"]])
    usage = channel.file("usage.csv", USAGE_HEADER, [["L1", "C-1", "ecs", "2026-07-02", "1000", "true"],
                                                      ["L2", "C-2", "ecs", "2026-07-03", "500.125", "true"]])
    imported = cli("customers", "import", customers)
    assert (imported.code, imported.json) == (0, {"file": str(customers), "rows_read": 2, "imported": 2,
                                                  "already_present": 0})
    assert cli("usage", "import", usage).json == {"file": str(usage), "rows_read": 2, "imported": 2,
                                                   "already_present": 0, "engine": "lines"}

    whatif = cli("whatif", "--plan", draft_plan(channel.folder, "0.12"), "--quarter", "2026-Q3")
    assert whatif.code == 0, whatif.stderr
    # commission: agency 1000.00 x 0.10 = 100.00 -> x 0.12 = 120.00; reseller 500.125 -> 500.13 x 0.01 = 5.00
    # discount: the reseller's line 500.13 x 0.03 = 15.0039 -> 15.00 under both plans
    assert whatif.json["totals"] == {"current": "105.00", "whatif": "125.00", "difference": "20.00",
                                     "discount": {"current": "15.00", "whatif": "15.00", "difference": "0.00"},
                                     "cost": {"current": "120.00", "whatif": "140.00", "difference": "20.00"}}
    assert [(p["partner_id"], p["difference"]) for p in whatif.json["partners"]] == [(agency, "20.00"),
                                                                                      (reseller, "0.00")]

    month = cli("settle", "month", "2026-07")
    assert month.code == 0, month.stderr
    assert set(month.json) == {"period", "invoices", "agency_commissions"}
    [invoice] = month.json["invoices"]
    assert set(invoice) == INVOICE_KEYS and invoice["bill_to"] == reseller
    assert all(MONEY.match(invoice[k]) for k in ("gross", "discount", "total"))
    assert set(invoice["lines"][0]) == {"customer_id", "product", "gross", "discount", "net"}
    assert month.json["agency_commissions"] == [{"partner_id": agency, "period": "2026-07",
                                                 "commissionable": "1000.00", "rate": "0.10", "commission": "100.00"}]
    assert cli("settle", "month", "2026-07").stdout == month.stdout
    assert "settled and closed" in refused(cli("settle", "month", "2026-07", "--plan",
                                               draft_plan(channel.folder, "0.12")))

    quarter = cli("settle", "quarter", "2026-Q3")
    assert quarter.json == {"period": "2026-Q3", "commissions": [
        {"partner_id": reseller, "tier": "registered", "commissionable": "500.13", "rate": "0.01",
         "commission": "5.00"}]}

    payments = channel.file("payments.csv", ["invoice_id", "paid_on", "amount"],
                            [[invoice["invoice_id"], "2026-08-20", invoice["total"]]])
    assert cli("payments", "import", payments).json["imported"] == 1
    listed = cli("invoices", "--status", "paid", "--as-of", "2026-09-15")
    assert listed.code == 0, listed.stderr
    assert [(i["invoice_id"], i["paid"], i["balance"], i["status"]) for i in listed.json["invoices"]] == [
        (invoice["invoice_id"], invoice["total"], "0.00", "paid")]
    assert cli("invoices", "--as-of", "2026-07-31").json == {"as_of": "2026-07-31", "invoices": []}  # issued 08-01


def test_bad_files_exit_2_naming_every_bad_row_and_write_nothing(cli, channel):
    usage = channel.file("usage.csv", USAGE_HEADER, [["L1", "C-1", "ecs", "2026-07-02", "1", "true"],
                                                      ["L2", "C-1", "ecs", "2026-07-02", "1.0000001", "true"],
                                                      ["L3", "C-1", "ecs", "2026-07-42", "1", "true"]])
    assert refused(cli("usage", "import", usage)).splitlines() == [
        f"partnerdesk: {usage}: 2 bad rows, nothing imported",
        f"{usage}: line 3: amount: '1.0000001' has more than 6 decimal places",
        f"{usage}: line 4: usage_date: '2026-07-42' is not a date written YYYY-MM-DD"]
    payments = channel.file("payments.csv", ["invoice_id", "paid_on", "amount"], [["INV-X", "2026-08-01", "5"]])
    assert refused(cli("payments", "import", payments)).splitlines()[1] == (
        f"{payments}: line 2: invoice_id: 'INV-X' is not a known invoice")
    assert channel.usage([]).rows_read == 0
    channel.partner("agency")
    assert refused(cli("demo")).strip() == ("partnerdesk: demo: the database is not empty; "
                                            "the demo loads only into an empty database")


def test_a_line_id_sent_again_with_another_amount_is_refused_naming_the_files_amount_column(cli, channel):
    first = channel.file("usage.csv", USAGE_HEADER, [["L1", "C-1", "ecs", "2026-07-02", "1", "true"]])
    assert cli("usage", "import", first).code == 0
    bad = channel.file("bad.csv", USAGE_HEADER, [["L1", "C-1", "ecs", "2026-07-02", "2", "true"]])
    assert refused(cli("usage", "import", bad)).splitlines() == [
        f"partnerdesk: {bad}: 1 bad row, nothing imported",
        f"{bad}: line 2: line_id: 'L1' is already present with a different amount"]
