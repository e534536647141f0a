"""The pure settlement domain: money, periods, rows, bands, invoices (no database)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import RULES_DIR
from kernel.money import cents_of, parse_amount, to_cents, to_micros
from kernel.periods import Month, Quarter
from settlement import feeds
from settlement.commissions import agency_commission
from settlement.invoices import Invoice, InvoiceLine, PaymentStatus, build_invoice, payment_status
from settlement.plan import load_plan


@pytest.mark.parametrize("amount, cents", [("0.005", "0.01"), ("-0.005", "-0.01"), ("2.675", "2.68"),
                                           ("-0.004", "0.00"), ("1234.564999", "1234.56")])
def test_cents_round_half_away_from_zero_and_never_show_minus_zero(amount, cents):
    assert str(to_cents(Decimal(amount))) == cents


@pytest.mark.parametrize("micros, cents", [(5_000, "0.01"), (4_999, "0.00"), (-5_000, "-0.01"), (-4_999, "0.00"),
                                           (1_234_565_000, "1234.57"), (-1_234_564_999, "-1234.56"), (0, "0.00"),
                                           (999_999_999_995_000, "1000000000.00"), (10_000, "0.01")])
def test_a_micro_unit_sum_rounds_half_away_from_zero_to_the_cent(micros, cents):
    assert str(cents_of(micros)) == cents


def test_amounts_are_exact_micro_units():
    assert to_micros(parse_amount("-999999.999999")) == -999_999_999_999
    assert to_micros(parse_amount("0.1000000")) == 100_000  # trailing zeros are not extra places
    assert str(cents_of(1_234_565_000)) == "1234.57"


@pytest.mark.parametrize("text, problem", [("0.0000001", "more than 6 decimal places"),
                                           ("NaN", "not a decimal amount"), ("", "is empty"), ("1e2", "no exponent"),
                                           ("1000000000", "too large"), (" 5", "no exponent, spaces")])
def test_amounts_that_cannot_be_billed_are_refused(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_amount(text)


def test_months_and_quarters():
    december = Month.parse("2026-12")
    assert (december.end, december.quarter.key, december.next.key) == (dt.date(2027, 1, 1), "2026-Q4", "2027-01")
    assert [m.key for m in Quarter.parse("2026-q3").months] == ["2026-07", "2026-08", "2026-09"]
    for bad, parse in (("2026-13", Month.parse), ("2026-7", Month.parse), ("2026-Q0", Quarter.parse),
                       ("9999-12", Month.parse), ("1899-Q4", Quarter.parse)):
        with pytest.raises(ValueError):
            parse(bad)


def test_an_invoice_is_issued_the_next_month_and_due_after_the_payment_terms():
    invoice = build_invoice("vendor", "P-3", Month.parse("2026-07"), Decimal("0.05"), 30,
                            {("C-2", "oss"): 10_000_000, ("C-1", "ecs"): 1_000_000_000})
    assert (invoice.issued_on, invoice.due_on) == (dt.date(2026, 8, 1), dt.date(2026, 8, 31))
    assert [line.customer_id for line in invoice.lines] == ["C-1", "C-2"]
    assert (str(invoice.gross), str(invoice.discount), str(invoice.total)) == ("1010.00", "50.50", "959.50")
    assert payment_status(Decimal("0.01"), invoice.due_on, dt.date(2026, 9, 1)) is PaymentStatus.overdue
    assert payment_status(Decimal("0.00"), invoice.due_on, dt.date(2026, 9, 1)) is PaymentStatus.paid


def test_an_invoices_lines_read_and_write_as_the_contract_says_credits_and_adjustments_included():
    adjustment = InvoiceLine(customer_id="C-9", product="ecs", gross=Decimal("-12.35"), discount=Decimal("-0.62"),
                             net=Decimal("-11.73"), adjusts="2026-06")
    invoice = build_invoice("vendor", "P-3", Month.parse("2026-07"), Decimal("0.05"), 30,
                            {("C-1", "ecs"): -10_005_000, ("C-2", "oss"): 4_999}, [adjustment])
    # C-1: -10.005 -> -10.01, discount -0.5005 -> -0.50, net -9.51; C-2: 0.004999 -> 0.00
    assert [(l.customer_id, l.gross, l.discount, l.net, l.adjusts) for l in invoice.lines] == [
        ("C-1", Decimal("-10.01"), Decimal("-0.50"), Decimal("-9.51"), None),
        ("C-2", Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), None),
        ("C-9", Decimal("-12.35"), Decimal("-0.62"), Decimal("-11.73"), "2026-06")]
    assert (str(invoice.gross), str(invoice.discount), str(invoice.total)) == ("-22.36", "-1.12", "-21.24")
    assert json.loads(invoice.model_dump_json())["lines"] == [
        {"customer_id": "C-1", "product": "ecs", "gross": "-10.01", "discount": "-0.50", "net": "-9.51"},
        {"customer_id": "C-2", "product": "oss", "gross": "0.00", "discount": "0.00", "net": "0.00"},
        {"customer_id": "C-9", "product": "ecs", "gross": "-12.35", "discount": "-0.62", "net": "-11.73",
         "adjusts": "2026-06"}]
    assert Invoice(**{**dict(invoice), "lines": list(invoice.lines)}) == invoice
    assert Invoice.model_validate({**json.loads(invoice.model_dump_json()), "discount_rate": "0.05"}) == invoice


@settings(max_examples=300, deadline=None)
@given(cents=st.integers(min_value=-10**15, max_value=10**15))
def test_a_lines_amounts_are_written_as_money_is_written_to_the_cent(cents):
    invoice = build_invoice("vendor", "P-3", Month.parse("2026-07"), Decimal("0"), 30, {("C-1", "ecs"): cents * 10_000})
    written = f"{Decimal(cents) / 100:.2f}"
    assert json.loads(invoice.model_dump_json())["lines"][0] == {
        "customer_id": "C-1", "product": "ecs", "gross": written, "discount": "0.00", "net": written}
    assert json.loads(invoice.model_dump_json())["gross"] == written


def test_bands_and_commissions_never_negative():
    plan, _ = load_plan(RULES_DIR / "plan.yaml")
    gold = plan.direct_reseller.tiers["gold"]
    assert [gold.band_for(Decimal(n)).rate for n in ("-5", "99999.99", "100000", "1e9")] == [
        Decimal("0.02"), Decimal("0.02"), Decimal("0.04"), Decimal("0.04")]
    assert str(agency_commission("P-1", "2026-07", -5_000_000, Decimal("0.10")).commission) == "0.00"


def test_a_plan_fingerprint_follows_its_terms_not_its_layout(tmp_path):
    shipped, _ = load_plan(RULES_DIR / "plan.yaml")
    text = (RULES_DIR / "plan.yaml").read_text()
    (tmp_path / "same.yaml").write_text("# the same terms, other comments\n" + text.replace("payment_terms_days: 30",
                                                                                          "payment_terms_days:   30"))
    (tmp_path / "other.yaml").write_text(text.replace("payment_terms_days: 30", "payment_terms_days: 45"))
    assert load_plan(tmp_path / "same.yaml")[0].fingerprint == shipped.fingerprint
    assert load_plan(tmp_path / "other.yaml")[0].fingerprint != shipped.fingerprint


def test_headers_name_every_missing_unknown_or_repeated_column():
    assert feeds.USAGE.problems(["line_id", "customer_id", "amount", "amount", "note"]) == [
        "missing column 'product'", "missing column 'usage_date'", "unknown column 'note'",
        "column 'amount' appears twice",
        "expected columns: line_id,customer_id,product,usage_date,amount,commissionable"]
    assert feeds.USAGE.problems([" line_id", "customer_id", "product", "usage_date", "amount"]) == []
