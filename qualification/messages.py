"""A rule file's message template, prepared once per rules version.

A decision words one message per criterion, many thousand times a second in bulk checks and
`rules impact`; most templates name one or two of the twenty placeholders a message may use,
and most of those (a threshold written in the rule file) read the same for every applicant.
Prepared once, a message computes just the values that depend on the applicant and fills the
template from a plain dict, instead of looking every name up through a mapping.
"""

from __future__ import annotations

import string
from decimal import ROUND_UP, Decimal
from functools import lru_cache

from kernel.partner_types import APPLICABLE, PartnerType
from qualification.facts import FACTS, FactKind, display
from qualification.rulebook import Check, Criterion, FactRef, Rulebook

Facts = dict[str, int | str]


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
    return int(missing) if kind is FactKind.count else str(missing.quantize(Decimal("0.01"), rounding=ROUND_UP))


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


_VARIES = object()


def _constant(name: str, check: Check | None) -> object:
    """A placeholder's value when it is the same for every applicant (the threshold a rule file
    writes, a shortfall a check cannot have), else _VARIES."""
    if name == "value" and not isinstance(getattr(check, "value", None), FactRef):
        return threshold_text(check, {}) if check is not None else ""
    if name == "shortfall" and (check is None or check.op not in (">=", ">")
                                or FACTS[check.fact].kind not in (FactKind.count, FactKind.money, FactKind.decimal)):
        return ""
    return _VARIES


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


class Wording:
    """A message template with what reads the same for every applicant filled in once, so a
    decision fills in only the placeholders that depend on the applicant (often none).
    {actual} is the criterion's actual fact, {value} the check's threshold."""

    def __init__(self, template: str, check: Check | None) -> None:
        self.check = check
        parts, names = [], []
        for literal, name, spec, conversion in string.Formatter().parse(template):
            parts.append(_escaped(literal))
            if name is None:
                continue
            value = _VARIES if spec or conversion else _constant(name, check)
            if value is _VARIES:
                names.append(name)
                parts.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
            else:
                parts.append(_escaped(str(value)))
        self.names = tuple(dict.fromkeys(names))
        self.template = "".join(parts) if self.names else "".join(parts).format_map({})

    def values(self, facts: Facts, territory: str, actual: int | str | None) -> tuple:
        """The values of one decision's placeholders, in the order of `names`."""
        values = []
        for name in self.names:
            if name == "actual":
                values.append("" if actual is None else actual)
            elif name == "territory":
                values.append(territory)
            elif name == "value":
                values.append(threshold_text(self.check, facts) if self.check is not None else "")
            elif name == "shortfall":
                values.append(shortfall(self.check, facts) if self.check is not None else "")
            else:
                values.append(display(name, facts))
        return tuple(values)

    def fill(self, values: tuple) -> str:
        """The message with these values (`values`)."""
        return self.template.format_map(dict(zip(self.names, values))) if self.names else self.template


class CriterionMessages:
    """A criterion's messages, prepared: pass, review and each check's fail message(s)."""

    def __init__(self, criterion: Criterion) -> None:
        self.criterion = criterion
        check = criterion.actual_check
        self.passed = Wording(criterion.pass_message, check) if criterion.pass_message is not None else None
        self.review = Wording(criterion.review_message, check) if criterion.review_message is not None else None
        self._failed = [(Wording(c.fail_message, c), {value: Wording(t, c) for value, t in c.fail_messages.items()})
                        for c in criterion.checks]

    def failed(self, index: int, facts: Facts) -> Wording:
        """The fail message of a check; a check may word some values of its fact apart."""
        plain, by_value = self._failed[index]
        return by_value.get(str(facts.get(self.criterion.checks[index].fact)), plain) if by_value else plain


_prepared: dict[str, dict[PartnerType, list[CriterionMessages]]] = {}


def messages_for(rulebook: Rulebook) -> dict[PartnerType, list[CriterionMessages]]:
    """Every criterion's messages of this rules version, per partner type, prepared once per
    process (without a lock: two threads preparing them at once make equal messages)."""
    prepared = _prepared.get(rulebook.version)
    if prepared is None:
        prepared = _prepared[rulebook.version] = {t: [CriterionMessages(c) for c in rulebook.criteria(t)]
                                                  for t in APPLICABLE}
    return prepared
