"""One way to turn pydantic's validation errors into the one-line messages people read.

A rejected value may be echoed in a message; it is cut so a 100,000-character input never
becomes a 100 KB message. A field whose name is blank is shown quoted, so it can be found.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import ValidationError

SHOWN_CHARACTERS = 40
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)
"""Dates of billing, association and payment lie in this range: year 1 or 9999 in a file is a
typing error, and the end of a month in 9999 would be in a year no date can hold."""
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


NUL_FREE = r"^[^\x00]*$"
"""The pattern of text that may be stored: PostgreSQL cannot store a NUL character."""
NUL_REFUSED = "must not contain a NUL character"


def shown(value: object) -> str:
    """A rejected value as a message quotes it: its repr, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARACTERS else f"{text[:SHOWN_CHARACTERS]}... ({len(text)} characters)"


def field_name(loc: tuple) -> str:
    """'dedicated_staff.sales', 'acp_certificates.0.id'; a blank or odd name is quoted."""
    parts = []
    for part in loc:
        text = str(part)
        readable = text.strip() == text and text and text.isprintable() and len(text) <= SHOWN_CHARACTERS
        parts.append(text if readable else f"field {shown(text)}")
    return ".".join(parts)


def problem(item: dict) -> str:
    """What is wrong with one field, in words (without the field's name)."""
    if item["type"] == "extra_forbidden":
        return "unknown field"
    if item["type"] == "missing":
        return "required field is missing"
    if item["type"] == "string_pattern_mismatch" and item["ctx"]["pattern"] == NUL_FREE:
        return NUL_REFUSED
    return item["msg"].removeprefix("Value error, ")


def describe(error: ValidationError, subject: str) -> str:
    """One line naming the first wrong field and its problem, and how many more there are."""
    items = error.errors()
    first = items[0]
    more = len(items) - 1
    return f"{field_name(first['loc']) or subject}: {problem(first)}" + (
        f" (and {more} more problem(s))" if more else "")


def iso_date(text: str) -> dt.date:
    """A date of a file's cell, written YYYY-MM-DD and inside the range above; ValueError says why not."""
    try:
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            raise ValueError
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{shown(text)} is not a date written YYYY-MM-DD") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"{text} is outside the years {EARLIEST_DAY.year} to {LATEST_DAY.year}")
    return day


def email_address(value: str) -> str:
    """An e-mail address as people type one (the application's contact and a tier-2 reseller's);
    ValueError says why not. A NUL character cannot be stored (PostgreSQL)."""
    if not _EMAIL.match(value):
        raise ValueError(f"not an e-mail address: {shown(value)}")
    if "\x00" in value:
        raise ValueError(NUL_REFUSED)
    return value
