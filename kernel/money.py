"""Exact money: amounts in, cents out, with the contract's rounding (half up to the cent).

Billing lines carry up to 6 decimal places and are stored as integer micro-units, so the
database sums integers exactly. Invoices and commissions are whole cents; the rules engine
compares money by its place among whole cents (`cent_order`). Nothing here ever touches a float.
"""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, PlainSerializer

from kernel.validation import shown

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_DIGITS = 20  # of any decimal read from an application or a plan: 10^20 dollars is no one's capital
MAX_AMOUNT = Decimal(10) ** 9  # per line or payment; keeps sums of micro-units far inside 64 bits

DECIMAL_GRAMMAR = r"[+-]?[0-9]+(\.[0-9]+)?"
"""The contract's decimal string (section 2): an optional sign, digits, optionally a point and
digits. No exponent, spaces, thousands separators or underscores. Written in the syntax Python's
`re` and RE2 (pyarrow's compute functions) read alike, so the column-wise check of a usage file
(settlement/usage_columns.py) reads the same grammar."""
DECIMAL_TEXT = re.compile(DECIMAL_GRAMMAR)
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


def cent_count_of(micros: int) -> int:
    """A micro-unit sum rounded half up (ties away from zero) to whole cents, as `to_cents`
    rounds; in integers, as every line of every invoice goes through here."""
    return divide_half_up(micros, 10_000)


def divide_half_up(numerator, denominator):
    """numerator / denominator (denominator > 0) rounded half away from zero, in integers: of
    two numbers or, element by element, of numpy integer arrays (the what-if rounds a quarter's
    invoice lines at once), so there is one rounding rule for both."""
    whole = (2 * abs(numerator) + denominator) // (2 * denominator)
    return whole - 2 * whole * (numerator < 0)


def cents_of(micros: int) -> Decimal:
    """A micro-unit sum rounded half up (ties away from zero) to the cent, as `to_cents` rounds."""
    return from_cent_count(cent_count_of(micros))


def as_cent_count(amount: Decimal) -> int:
    """An amount rounded half up to the cent, as a whole number of cents (how the database
    keeps cent amounts and how the rules engine compares money)."""
    return int(amount.scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def cent_order(amount: Decimal) -> int:
    """The amount's place among whole-cent thresholds, as an integer the rules engine compares:
    twice its cents when it is a whole number of cents, else one more than twice the cents below
    it. Against twice a threshold's cents it orders exactly as the amount itself (>, >=, ==), where
    rounding to the cent would let 399999.9996 meet 400000 and 2000.001 fail to exceed 2000."""
    scaled = amount.scaleb(2)
    below = int(scaled.to_integral_value(rounding=ROUND_FLOOR))
    return 2 * below + (scaled != below)


def from_cent_count(count: int) -> Decimal:
    return ZERO + Decimal(count).scaleb(-2)


def cent_text(count: int) -> str:
    """A whole number of cents as `Money` writes it in JSON ("1234.50", "-0.05"), made from the
    integer's digits: every invoice line writes three, and a `Decimal` each was most of
    settling a month."""
    digits = str(abs(count)).rjust(3, "0")
    return f"{'-' if count < 0 else ''}{digits[:-2]}.{digits[-2:]}"


def decimal_from_text(text: str) -> Decimal:
    """A decimal written in the contract's grammar, exactly; ValueError says what is wrong.

    The only reader of decimal text in the product (applications, CSV files, plans): Python's
    own `Decimal("1e999999999")` would take exponents, spaces and underscores, and overflow."""
    if DECIMAL_TEXT.fullmatch(text):
        return Decimal(text)
    if _GROUPED.fullmatch(text):
        raise ValueError("must be written without thousands separators (50000, not 50,000)")
    raise ValueError("must be a decimal of digits with an optional sign and decimal point, like 1234.50 "
                     "(no exponent, spaces, separators or underscores)")


def contract_decimal(value: object) -> object:
    """Pydantic's way in to `decimal_from_text`: text is read in the contract's grammar, a number
    (JSON or YAML) is kept exactly, a boolean is refused; other values go on to the field's type.
    A number of more than MAX_DIGITS digits is refused here, in words."""
    if isinstance(value, bool):
        raise ValueError("must be a decimal number, not true or false")
    if isinstance(value, str):
        number = decimal_from_text(value)
        if len(value) <= MAX_DIGITS:  # it has no more digits than characters: counting them is not needed
            return number
    else:
        number = value
    if isinstance(number, (int, Decimal)) and _digits(Decimal(number)) > MAX_DIGITS:
        raise ValueError(f"has more than {MAX_DIGITS} digits")
    return number


def _digits(number: Decimal) -> int:
    """Digits a person would write: 1E+30 has 31, 0.001 has 4."""
    if not number.is_finite():
        return 0
    sign, digits, exponent = number.as_tuple()
    return max(len(digits) + exponent, len(digits), 1 - exponent)


DecimalText = Annotated[Decimal, BeforeValidator(contract_decimal), Field(allow_inf_nan=False)]
"""A decimal field of a model read from a file: the contract's decimal string or a number."""


def parse_amount(text: str, places: int = 6) -> Decimal:
    """A decimal amount of a CSV cell, written with at most `places` decimals; ValueError says why not."""
    cell = text
    if not cell:
        raise ValueError("is empty; a decimal amount is required")
    try:
        amount = decimal_from_text(cell)
    except ValueError as error:
        raise ValueError(f"{shown(cell)} is not a decimal amount: it {error}") from None
    if abs(amount) >= MAX_AMOUNT:
        raise ValueError(f"{shown(cell)} is too large (the limit is {MAX_AMOUNT:,})")
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(f"{shown(cell)} has more than {places} decimal places")
    return amount


def to_micros(amount: Decimal) -> int:
    """An amount of at most 6 decimals as exact integer micro-units."""
    return int(amount.scaleb(6))
