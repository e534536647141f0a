"""Exact money: amounts in, cents out, with the contract's rounding (half up to the cent).

Billing lines carry up to 6 decimal places and are stored as integer micro-units, so the
database sums integers exactly. Invoices and commissions are whole cents; the rules engine
compares money as integer cents. Nothing here ever touches a float.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated

from pydantic import PlainSerializer

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal(10) ** 9  # per line or payment; keeps sums of micro-units far inside 64 bits

DECIMAL_TEXT = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
"""The contract's decimal string (section 2): an optional sign, digits, optionally a point and
digits. No exponent, spaces, thousands separators or underscores."""
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")

Money = Annotated[Decimal, PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str, when_used="json")]
"""A cent amount, written in JSON as a string with exactly two decimals."""

Rate = Annotated[Decimal, PlainSerializer(str, return_type=str, when_used="json")]
"""A rate as the plan writes it ("0.10")."""


def to_cents(amount: Decimal) -> Decimal:
    """Round half up (ties away from zero) to the cent; never a negative zero."""
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return ZERO if cents == 0 else cents


def from_micros(micros: int) -> Decimal:
    """Exact dollars of an integer micro-unit sum."""
    return Decimal(micros).scaleb(-6)


def cents_of(micros: int) -> Decimal:
    """A micro-unit sum rounded to the cent."""
    return to_cents(from_micros(micros))


def as_cent_count(amount: Decimal) -> int:
    """An amount rounded half up to the cent, as a whole number of cents (how the database
    keeps cent amounts and how the rules engine compares money)."""
    return int(amount.scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_cent_count(count: int) -> Decimal:
    return ZERO + Decimal(count).scaleb(-2)


def decimal_from_text(text: str) -> Decimal:
    """A decimal written in the contract's grammar, exactly; ValueError says what is wrong."""
    if DECIMAL_TEXT.fullmatch(text):
        return Decimal(text)
    if _GROUPED.fullmatch(text):
        raise ValueError("must be written without thousands separators (50000, not 50,000)")
    raise ValueError("must be a decimal of digits with an optional sign and decimal point, like 1234.50 "
                     "(no exponent, spaces, separators or underscores)")


def parse_amount(text: str, places: int = 6) -> Decimal:
    """A decimal amount written with at most `places` decimals; ValueError says why not."""
    try:
        amount = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise ValueError(f"{text!r} is not a decimal amount") from None
    if not amount.is_finite():
        raise ValueError(f"{text!r} is not a decimal amount")
    if abs(amount) >= MAX_AMOUNT:
        raise ValueError(f"{text!r} is too large (the limit is {MAX_AMOUNT:,})")
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(f"{text!r} has more than {places} decimal places")
    return amount


def to_micros(amount: Decimal) -> int:
    """An amount of at most 6 decimals as exact integer micro-units."""
    return int(amount.scaleb(6))
