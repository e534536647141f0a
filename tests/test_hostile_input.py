"""Hostile files at the command line: each is refused with exit 2 and one short line, never a crash.

Each shape here crashed (exit 1) or was stored as is before issue 13: JSON nested 100,000 deep,
a 5,000-digit integer, NUL characters, an amount of 1e999999999, a usage line in year 9999,
decimals outside the contract's grammar, payments before their invoice, values echoed whole,
blank field names, and a plan option given another kind of file.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import write_json
from factories import application
from partnerdesk.errors import InputError
from partnerdesk.payments import import_payments, invoice_balances
from partnerdesk.settling import settle_month
from settlement_world import Channel

SHORT = 300  # characters: one line a person reads, whatever the input held


def refused(result, *words: str) -> str:
    """The CLI refused the input (exit 2) with one short line naming what is wrong."""
    assert result.code == 2, result.stderr
    message = result.stderr.strip()
    assert "Traceback" not in message and len(message) < SHORT and len(message.splitlines()) == 1, message
    for word in words:
        assert word in message
    return message


def usage_file(tmp_path, *rows: str, name: str = "usage.csv"):
    path = tmp_path / name
    path.write_bytes(("line_id,customer_id,product,usage_date,amount\n" + "".join(f"{r}\n" for r in rows)).encode())
    return path


@pytest.mark.parametrize("command", ["qualify", "apply"])
def test_json_nested_100000_deep_is_refused(cli, tmp_path, command):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    refused(cli(command, path), "nested too deeply")
    assert cli("history", "1").code == 2  # nothing was stored


def test_a_5000_digit_capital_is_refused_by_its_field(cli, tmp_path):
    text = json.dumps(application("agency")).replace('"50000.00"', "9" * 5000)
    path = tmp_path / "big.json"
    path.write_text(text)
    refused(cli("qualify", path), "registered_capital", "more than 20 digits")
    path.write_text(json.dumps(application("agency")).replace('"existing_customers": 40', '"existing_customers": '
                                                              + "9" * 5000))
    refused(cli("qualify", path), "existing_customers")


@pytest.mark.parametrize("field", ["company_name", "registration_number"])
def test_a_nul_character_in_an_application_is_refused_and_nothing_stored(cli, tmp_path, field):
    path = write_json(tmp_path / "nul.json", application("agency", **{field: "Acme\x00Cloud"}))
    refused(cli("apply", path), field, "NUL")
    assert cli("history", "1").code == 2


def test_a_raw_nul_byte_in_a_line_id_is_a_bad_row(cli, tmp_path):
    path = usage_file(tmp_path, "L\x001,C-1,ecs,2026-07-01,10")
    result = cli("usage", "import", path)
    assert result.code == 2, result.stderr
    assert result.stderr.splitlines()[1] == f"{path}: line 2: line_id: must not contain a NUL character"
    assert cli("usage", "import", usage_file(tmp_path, "L1,C-1,ecs,2026-07-01,10", name="fine.csv")).json[
        "imported"] == 1  # and nothing of the refused file was kept


def test_an_amount_of_1e999999999_is_refused_in_usage_and_payments(cli, tmp_path):
    result = cli("usage", "import", usage_file(tmp_path, "L1,C-1,ecs,2026-07-01,1e999999999"))
    assert result.code == 2 and "line 2: amount: '1e999999999' is not a decimal amount" in result.stderr
    payments = tmp_path / "payments.csv"
    payments.write_text("invoice_id,paid_on,amount\nINV-2026-07-P-1,2026-08-02,1e999999999\n")
    result = cli("payments", "import", payments)
    assert result.code == 2 and "line 2: amount: '1e999999999' is not a decimal amount" in result.stderr


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_usage_line_dated_in_year_9999_or_1_is_a_bad_row(cli, tmp_path, day):
    result = cli("usage", "import", usage_file(tmp_path, f"L1,C-1,ecs,{day},10"))
    assert result.code == 2, result.stderr
    assert result.stderr.splitlines()[1].endswith(f"line 2: usage_date: {day} is outside the years 1900 to 2999")


@pytest.mark.parametrize("amount", ["1e2", "1E+2", "1_000", "1,000", " 10", "10 ", "+-1", ".5", "5.", "0x10",
                                    "Infinity", "NaN", "١٢"])
def test_csv_amounts_outside_the_contract_grammar_are_bad_rows(sqlite_cli, tmp_path, amount):
    path = tmp_path / "usage.csv"
    path.write_text(f"line_id,customer_id,product,usage_date,amount\nL1,C-1,ecs,2026-07-01,\"{amount}\"\n")
    result = sqlite_cli("usage", "import", path)
    assert result.code == 2 and "line 2: amount:" in result.stderr, result.stderr


def test_csv_amounts_in_the_contract_grammar_are_read_exactly(sqlite_cli, tmp_path):
    path = usage_file(tmp_path, "L1,C-1,ecs,2026-07-01,-1234.5", "L2,C-1,ecs,2026-07-01,+7",
                      "L3,C-1,ecs,2026-07-01,0.000001")
    assert sqlite_cli("usage", "import", path).json["imported"] == 3


@pytest.mark.parametrize("capital", ["5e4", "50000 ", "50_000", "50,000", "Infinity"])
def test_application_money_strings_outside_the_grammar_are_refused(sqlite_cli, tmp_path, capital):
    path = write_json(tmp_path / "app.json", application("agency", registered_capital=capital))
    refused(sqlite_cli("qualify", path), "registered_capital")


def test_plan_rates_outside_the_grammar_are_refused_with_their_line(sqlite_cli, tmp_path):
    from partnerdesk.settings import PROJECT_ROOT

    shipped = (PROJECT_ROOT / "rules" / "plan.yaml").read_text()
    assert 'commission_rate: "0.10"' in shipped
    for spelling in ('"1e-1"', "1.0e-1", '"0.1 "', "1_0.0"):
        plan = tmp_path / "plan.yaml"
        plan.write_text(shipped.replace('commission_rate: "0.10"', f"commission_rate: {spelling}"))
        message = refused(sqlite_cli("whatif", "--plan", plan, "--quarter", "2026-Q3"), "agency.commission_rate")
        assert "plan.yaml:" in message


@pytest.fixture
def invoiced(workspace, tmp_path) -> Channel:
    """One direct reseller invoiced for July 2026 (issued 2026-08-01)."""
    channel = Channel(workspace, tmp_path)
    reseller = channel.partner("direct_reseller")
    channel.customers([["C-1", reseller, "2026-01-01"]])
    channel.usage([["L1", "C-1", "ecs", "2026-07-10", "1000"]])
    settle_month(workspace, "2026-07")
    channel.july = f"INV-2026-07-{reseller}"
    return channel


def test_payments_before_the_invoice_was_issued_or_in_year_1_or_9999_are_refused(invoiced):
    july = invoiced.july
    path = invoiced.file("payments.csv", ["invoice_id", "paid_on", "amount"],
                         [[july, "2026-07-31", "10"], [july, "0001-01-01", "10"], [july, "9999-12-31", "10"],
                          [july, "2026-08-01", "10"]])
    with pytest.raises(InputError) as raised:
        import_payments(invoiced.ws, path)
    assert str(raised.value).splitlines()[1:] == [
        f"{path}: line 2: paid_on: 2026-07-31 is before {july} was issued on 2026-08-01",
        f"{path}: line 3: paid_on: 0001-01-01 is outside the years 1900 to 2999",
        f"{path}: line 4: paid_on: 9999-12-31 is outside the years 1900 to 2999",
    ]
    paid = {i.invoice_id: str(i.paid) for i in invoice_balances(invoiced.ws, dt.date(2026, 12, 1)).invoices}
    assert paid[july] == "0.00"  # the good row of the refused file was not recorded either


def test_a_rejected_value_is_echoed_cut_short(sqlite_cli, tmp_path):
    path = write_json(tmp_path / "app.json", application("agency", capital_currency="X" * 100_000))
    message = refused(sqlite_cli("qualify", path), "capital_currency", "(100002 characters)")
    assert "X" * 41 not in message
    usage = usage_file(tmp_path, f"L1,C-1,ecs,{'2' * 100_000},10")
    result = sqlite_cli("usage", "import", usage)
    assert result.code == 2 and len(result.stderr) < 2 * SHORT and "(100002 characters)" in result.stderr


@pytest.mark.parametrize("name, shown", [(" ", "field ' '"), ("", "field ''")])
def test_a_blank_field_name_is_named_readably(sqlite_cli, tmp_path, name, shown):
    path = write_json(tmp_path / "app.json", {**application("agency"), name: 1})
    assert refused(sqlite_cli("qualify", path)) == f"partnerdesk: {shown}: unknown field"


def test_a_plan_option_given_another_file_does_not_quote_it(sqlite_cli, tmp_path):
    customers = tmp_path / "customers.csv"
    customers.write_text("customer_id,partner_id,associated_on\nSECRET-CUSTOMER,P-1,2026-01-01\n")
    notes = tmp_path / "notes.yaml"
    notes.write_text("confidential pricing: our margin is 40 %\n")
    for path in (customers, notes):
        message = refused(sqlite_cli("whatif", "--plan", path, "--quarter", "2026-Q3"), path.name, "not a plan")
        assert "SECRET" not in message and "margin" not in message and "confidential" not in message


@pytest.mark.parametrize("command, header, row", [
    ("customers", "customer_id,partner_id,associated_on", "C-{n},P-1,2026-07-01"),
    ("usage", "line_id,customer_id,product,usage_date,amount", "L{n},C-1,ecs,2026-07-01,1"),
])
def test_a_file_that_is_not_utf8_is_refused_naming_the_line_of_the_bad_byte(cli, tmp_path, command, header, row):
    """Latin-1 text on line 500 of a longer file: the line named is 500 (the text reader decodes
    in blocks; the line where its block began was named before)."""
    lines = [header.encode(), *(row.format(n=n).encode() for n in range(2, 1001))]
    lines[499] = lines[499].replace(b"1", b"\xe9", 1)
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    refused(cli(command, "import", path), f"{path}: line 500: not UTF-8 text")


def test_an_application_with_a_byte_order_mark_is_read(cli, tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(application("agency")).encode())
    result = cli("qualify", path, "--as-of", "2026-11-24")
    assert result.code == 0, result.stderr
    assert result.json["eligible"] is True
