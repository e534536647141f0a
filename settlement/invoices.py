"""Monthly invoices (contract section 4): lines per customer and product, rounded to the cent.

A line sums one customer's month of one product and rounds it half up to the cent; its
discount is that gross times the rate, rounded half up; net = gross - discount. The invoice's
figures are the sums of its lines, so they always add up on paper.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from kernel.money import ZERO, Money, Rate, cents_of, to_cents
from kernel.periods import Month

VENDOR = "vendor"


class InvoiceLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    customer_id: str
    product: str
    gross: Money
    discount: Money
    net: Money
    adjusts: str | None = Field(default=None, exclude_if=lambda month: month is None)
    """On an adjustment line: the earlier, settled month its late usage belongs to."""


class Invoice(BaseModel):
    model_config = ConfigDict(frozen=True)

    invoice_id: str
    issuer: str
    bill_to: str
    period: str
    issued_on: dt.date
    due_on: dt.date
    gross: Money
    discount: Money
    total: Money
    lines: list[InvoiceLine]
    discount_rate: Rate = Field(exclude=True)
    """Kept with the invoice for people to read; the contract's JSON does not carry it."""


def invoice_id(month: Month, bill_to: str) -> str:
    """Deterministic: a partner gets one invoice a month, always from the same issuer."""
    return f"INV-{month.key}-{bill_to}"


def line_discount(gross: Decimal, rate: Decimal) -> Decimal:
    """A line's discount: its rounded gross times the rate, rounded half up to the cent."""
    return to_cents(gross * rate)


def invoice_line(customer_id: str, product: str, micros: int, rate: Decimal) -> InvoiceLine:
    gross = cents_of(micros)
    return discounted_line(customer_id, product, gross, rate)


def discounted_line(customer_id: str, product: str, gross: Decimal, rate: Decimal,
                    adjusts: str | None = None) -> InvoiceLine:
    """A line of this gross: its discount rounded half up to the cent, net the rest."""
    discount = line_discount(gross, rate)
    return InvoiceLine(customer_id=customer_id, product=product, gross=gross, discount=discount,
                       net=gross - discount, adjusts=adjusts)


def build_invoice(issuer: str, bill_to: str, month: Month, rate: Decimal, payment_terms_days: int,
                  sums: Mapping[tuple[str, str], int], adjustments: Sequence[InvoiceLine] = ()) -> Invoice:
    """The invoice of one partner's month, issued the first day of the next month.

    `sums`: (customer, product) -> the month's micro-units, one line each; `adjustments`: lines
    for late usage of earlier months, after them."""
    lines = [invoice_line(customer_id, product, sums[customer_id, product], rate)
             for customer_id, product in sorted(sums)]
    lines.extend(adjustments)
    issued_on = month.end
    return Invoice(
        invoice_id=invoice_id(month, bill_to), issuer=issuer, bill_to=bill_to, period=month.key,
        issued_on=issued_on, due_on=issued_on + dt.timedelta(days=payment_terms_days),
        gross=sum((line.gross for line in lines), ZERO),
        discount=sum((line.discount for line in lines), ZERO),
        total=sum((line.net for line in lines), ZERO),
        lines=lines, discount_rate=rate,
    )


class IssuedInvoice(BaseModel):
    """An issued invoice without its lines: what payments and receivables need of it."""

    model_config = ConfigDict(frozen=True)

    invoice_id: str
    issuer: str
    bill_to: str
    period: str
    issued_on: dt.date
    due_on: dt.date
    total: Money


class PaymentStatus(StrEnum):
    open = "open"
    paid = "paid"
    overdue = "overdue"


class InvoiceBalance(IssuedInvoice):
    """An invoice's standing on a date: what was paid by then and what is still owed."""

    paid: Money
    balance: Money
    status: PaymentStatus


def payment_status(balance: Decimal, due_on: dt.date, as_of: dt.date) -> PaymentStatus:
    """Paid once nothing is owed; overdue when something is still owed after the due date."""
    if balance <= 0:
        return PaymentStatus.paid
    return PaymentStatus.overdue if as_of > due_on else PaymentStatus.open
