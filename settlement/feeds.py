"""Rows of the customer, usage and payment files (contract section 4), checked one by one.

Each parser turns one CSV row (a dict of text) into a value or raises `BadRow` naming the
field and the problem. Usage rows are NamedTuples rather than pydantic models because a
billing file has a million of them and they only travel from the parser to the database.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from kernel.money import parse_amount, to_micros
from kernel.validation import iso_date, shown


class BadRow(ValueError):
    """A row the import refuses, with the field at fault."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class Layout(NamedTuple):
    """The columns a file must have and the ones it may have."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    def problems(self, header: list[str] | None) -> list[str]:
        """Everything wrong with a header row: missing, unknown or repeated columns."""
        if not header:
            return [f"empty file; the header must be {','.join(self.required)}"]
        names = [name.strip() for name in header]
        problems = [f"missing column {c!r}" for c in self.required if c not in names]
        problems += [f"unknown column {shown(n)}" for n in names if n not in (*self.required, *self.optional)]
        problems += [f"column {shown(n)} appears twice" for n in sorted({n for n in names if names.count(n) > 1})]
        if problems:
            problems.append(f"expected columns: {','.join(self.required + self.optional)}")
        return problems


CUSTOMERS = Layout(("customer_id", "partner_id", "associated_on"))
USAGE = Layout(("line_id", "customer_id", "product", "usage_date", "amount"), ("commissionable",))
PAYMENTS = Layout(("invoice_id", "paid_on", "amount"))


USAGE_TEXT = {"line_id": 128, "customer_id": 64, "product": 64}
"""The text fields of a billing line and their longest length."""


class UsageLine(NamedTuple):
    line_id: str
    customer_id: str
    product: str
    usage_date: dt.date
    amount_micros: int
    commissionable: bool

    def columns_differing(self, other: UsageLine) -> list[str]:
        """The usage file's columns in which `other` differs, as the file names them: a user
        corrects the `amount` they wrote, not the micro-units it is kept in."""
        return [USAGE_COLUMN.get(f, f) for f in self._fields if getattr(self, f) != getattr(other, f)]


USAGE_COLUMN = {"amount_micros": "amount"}
"""The usage file's column of each field of `UsageLine` not named as the file names it."""


class Association(NamedTuple):
    """From `associated_on` on, the customer's usage belongs to the partner."""

    customer_id: str
    partner_id: str
    associated_on: dt.date


class Payment(NamedTuple):
    invoice_id: str
    paid_on: dt.date
    amount: Decimal


def text_field(row: dict, field: str, longest: int) -> str:
    value = (row.get(field) or "").strip()
    if not value:
        raise BadRow(field, "is empty")
    if len(value) > longest:
        raise BadRow(field, f"is longer than {longest} characters")
    return value


def date_field(row: dict, field: str) -> dt.date:
    try:
        return iso_date((row.get(field) or "").strip())
    except ValueError as error:
        raise BadRow(field, str(error)) from None


def amount_field(row: dict, field: str, places: int) -> Decimal:
    try:
        return parse_amount(row.get(field) or "", places)
    except ValueError as error:
        raise BadRow(field, str(error)) from None


def flag_field(row: dict, field: str, default: bool) -> bool:
    value = (row.get(field) or "").strip().lower()
    if not value:
        return default
    if value not in ("true", "false"):
        raise BadRow(field, f"{shown(value)} must be true or false")
    return value == "true"


def usage_line(row: dict) -> UsageLine:
    """A billing line; the amount may be negative (a credit) with up to 6 decimals."""
    return UsageLine(
        line_id=text_field(row, "line_id", USAGE_TEXT["line_id"]),
        customer_id=text_field(row, "customer_id", USAGE_TEXT["customer_id"]),
        product=text_field(row, "product", USAGE_TEXT["product"]),
        usage_date=date_field(row, "usage_date"),
        amount_micros=to_micros(amount_field(row, "amount", 6)),
        commissionable=flag_field(row, "commissionable", True),
    )


def association(row: dict) -> Association:
    return Association(
        customer_id=text_field(row, "customer_id", 64),
        partner_id=text_field(row, "partner_id", 32),
        associated_on=date_field(row, "associated_on"),
    )


def payment(row: dict) -> Payment:
    """A payment of an invoice: a positive amount in cents."""
    amount = amount_field(row, "amount", 2)
    if amount <= 0:
        raise BadRow("amount", f"{amount} must be more than 0")
    return Payment(invoice_id=text_field(row, "invoice_id", 64), paid_on=date_field(row, "paid_on"),
                   amount=amount)
