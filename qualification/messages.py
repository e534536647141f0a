"""A rule file's message template, read once: which placeholders it names.

A decision words one message per criterion, many thousand times a second in bulk checks and
`rules impact`; most templates name one or two of the twenty placeholders a message may use.
Knowing the names up front, a message computes just those values and fills the template from
a plain dict, instead of looking every name up through a mapping that works each one out.
"""

from __future__ import annotations

import string
from decimal import Decimal
from functools import lru_cache

from qualification.facts import FACTS, FactKind, display
from qualification.rulebook import Check, FactRef

Facts = dict[str, int | str]


@lru_cache(maxsize=4096)
def placeholders(template: str) -> tuple[str, ...]:
    """The distinct names a template fills in, in order (the rulebook has checked they exist)."""
    names = (name for _, name, _, _ in string.Formatter().parse(template) if name)
    return tuple(dict.fromkeys(names))


def shortfall(check: Check, facts: Facts) -> int | str:
    """How much more of the fact the applicant needs to meet a >= or > check."""
    kind = FACTS[check.fact].kind
    if check.op not in (">=", ">") or kind not in (FactKind.count, FactKind.money, FactKind.decimal):
        return ""
    actual = Decimal(str(display(check.fact, facts)))
    if isinstance(check.value, FactRef):
        required = Decimal(str(display(check.value.fact, facts)))
    else:
        required = check.value
    missing = max(required - actual, Decimal(0))
    return int(missing) if kind is FactKind.count else str(missing.quantize(Decimal("0.01")))


def threshold_text(check: Check, facts: Facts) -> object:
    """A check's threshold as the message shows it: the fact it names, money to cents."""
    value = check.value
    if isinstance(value, FactRef):
        return display(value.fact, facts)
    if isinstance(value, Decimal):
        return _constant_text(FACTS[check.fact].kind, value)
    return value


@lru_cache(maxsize=4096)
def _constant_text(kind: FactKind, value: Decimal) -> str:
    """A threshold written in a rule file, as messages show it (the same for every decision)."""
    if kind is FactKind.money:
        return str(value.quantize(Decimal("0.01")))
    return format(value.normalize(), "f")


def words(template: str, check: Check | None, facts: Facts, territory: str, actual: int | str | None) -> str:
    """A message template filled in; {actual} is the criterion's actual fact, {value} the check's threshold."""
    values = {}
    for name in placeholders(template):
        if name == "actual":
            values[name] = "" if actual is None else actual
        elif name == "territory":
            values[name] = territory
        elif name == "value":
            values[name] = threshold_text(check, facts) if check is not None else ""
        elif name == "shortfall":
            values[name] = shortfall(check, facts) if check is not None else ""
        else:
            values[name] = display(name, facts)
    return template.format_map(values)
