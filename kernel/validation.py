"""One way to turn pydantic's validation errors into the one-line messages people read.

A rejected value may be echoed in a message; it is cut so a 100,000-character input never
becomes a 100 KB message. A field whose name is blank is shown quoted, so it can be found.
"""

from __future__ import annotations

from pydantic import ValidationError

SHOWN_CHARACTERS = 40


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
    return item["msg"].removeprefix("Value error, ")


def describe(error: ValidationError, subject: str) -> str:
    """One line naming the first wrong field and its problem, and how many more there are."""
    items = error.errors()
    first = items[0]
    more = len(items) - 1
    return f"{field_name(first['loc']) or subject}: {problem(first)}" + (
        f" (and {more} more problem(s))" if more else "")
