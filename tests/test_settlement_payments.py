"""Payments and invoice status: open until paid, overdue after the due date, partial shows the balance."""

from __future__ import annotations

import datetime as dt

import pytest

from partnerdesk.errors import InputError
from partnerdesk.payments import import_payments, invoice_balances
from partnerdesk.settling import settle_month
from settlement_world import Channel

HEADER = ["invoice_id", "paid_on", "amount"]


@pytest.fixture
def channel(workspace, tmp_path) -> Channel:
    channel = Channel(workspace, tmp_path)
    reseller = channel.partner("direct_reseller")
    channel.customers([["C-1", reseller, "2026-01-01"], ["C-2", reseller, "2026-01-01"]])
    # July: 1000.00 less 3 % = 970.00, due 2026-08-31; August: a credit of 50.00 less 3 % = -48.50
    channel.usage([["L1", "C-1", "ecs", "2026-07-10", "1000"], ["L2", "C-2", "ecs", "2026-08-10", "-50"]])
    settle_month(workspace, "2026-07")
    settle_month(workspace, "2026-08")
    channel.july, channel.august = f"INV-2026-07-{reseller}", f"INV-2026-08-{reseller}"
    return channel


def standing(channel, as_of: str, status: str | None = None) -> dict:
    return {i.invoice_id: (str(i.paid), str(i.balance), i.status.value)
            for i in invoice_balances(channel.ws, dt.date.fromisoformat(as_of), status).invoices}


def pay(channel, rows: list[list], name: str = "payments.csv"):
    return import_payments(channel.ws, channel.file(name, HEADER, rows))


def test_an_invoice_is_open_until_due_then_overdue_and_paid_once_fully_paid(channel):
    july = channel.july
    assert standing(channel, "2026-08-31")[july] == ("0.00", "970.00", "open")
    assert standing(channel, "2026-09-01")[july] == ("0.00", "970.00", "overdue")
    pay(channel, [[july, "2026-08-20", "400.00"]])
    assert standing(channel, "2026-08-25")[july] == ("400.00", "570.00", "open")
    assert standing(channel, "2026-09-15")[july] == ("400.00", "570.00", "overdue")
    assert standing(channel, "2026-08-19")[july] == ("0.00", "970.00", "open")  # paid the day after
    pay(channel, [[july, "2026-09-20", "570"]], name="rest.csv")
    assert standing(channel, "2026-09-25", "paid")[july] == ("970.00", "0.00", "paid")
    assert standing(channel, "2026-09-25", "overdue") == {}
    assert set(standing(channel, "2026-09-10", "overdue")) == {july}


def test_an_invoice_is_listed_from_the_day_it_is_issued(channel):
    # July's invoice is issued on 2026-08-01, August's (a credit, so "paid") on 2026-09-01.
    assert standing(channel, "2026-07-31") == {}
    assert standing(channel, "2026-08-01") == {channel.july: ("0.00", "970.00", "open")}
    assert standing(channel, "2026-08-31", "paid") == {}
    assert standing(channel, "2026-09-01", "paid") == {channel.august: ("0.00", "-48.50", "paid")}


def test_a_credit_invoice_has_nothing_to_pay(channel):
    assert standing(channel, "2026-12-01")[channel.august] == ("0.00", "-48.50", "paid")
    with pytest.raises(InputError, match=r"line 2: amount: 1 is more than the -48.50 still owed"):
        pay(channel, [[channel.august, "2026-09-20", "1"]])


def test_a_repeated_file_pays_nothing_twice_but_equal_instalments_in_one_file_count(channel):
    rows = [[channel.july, "2026-08-20", "100.00"], [channel.july, "2026-08-20", "100.00"]]
    first = pay(channel, rows)
    assert (first.imported, first.already_present) == (2, 0)
    again = pay(channel, rows)
    assert (again.imported, again.already_present) == (0, 2)
    assert standing(channel, "2026-08-25")[channel.july] == ("200.00", "770.00", "open")


def test_bad_payments_are_all_named_and_none_is_recorded(channel):
    path = channel.file("bad.csv", HEADER, [[channel.july, "2026-08-20", "100"], ["INV-NONE", "2026-08-20", "5"],
                                            [channel.july, "20 Aug", "5"], [channel.july, "2026-08-21", "0"],
                                            [channel.july, "2026-08-21", "1.005"], [channel.july, "2026-08-22", "871"]])
    with pytest.raises(InputError) as raised:
        import_payments(channel.ws, path)
    assert str(raised.value).splitlines()[1:] == [
        f"{path}: line 3: invoice_id: 'INV-NONE' is not a known invoice",
        f"{path}: line 4: paid_on: '20 Aug' is not a date written YYYY-MM-DD",
        f"{path}: line 5: amount: 0 must be more than 0",
        f"{path}: line 6: amount: '1.005' has more than 2 decimal places",
        f"{path}: line 7: amount: 871 is more than the 870.00 still owed on {channel.july}",
    ]
    assert standing(channel, "2026-12-01")[channel.july] == ("0.00", "970.00", "overdue")
