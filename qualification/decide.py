"""Turning the engine's firings into a decision a person can read (contract section 3).

The engine says which checks failed or need review; this module only words the outcome:
status per criterion (a failed check beats review, review beats pass), the actual value,
what was required and the message from the rule file.
"""

from __future__ import annotations

from decimal import Decimal

from qualification.application import Application, PartnerType
from qualification.decision import CriterionResult, Decision, Status
from qualification.engine import Firing, Firings, evaluator_for
from qualification.facts import FACTS, Circumstances, FactKind, display, extract_facts
from qualification.rulebook import Check, Criterion, FactRef, Rulebook


def _shortfall(check: Check, facts: dict[str, int | str]) -> int | str:
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


def _words(template: str, check: Check | None, facts: dict[str, int | str], shown: dict[str, int | str],
           territory: str, actual: str | None) -> str:
    """A message template filled in; {actual} is the criterion's actual fact, {value} the check's threshold."""
    actual_text = shown[actual] if actual else ""
    if check is None:
        return template.format(**shown, actual=actual_text, value="", shortfall="", territory=territory)
    value = check.value
    threshold = shown[value.fact] if isinstance(value, FactRef) else value
    if isinstance(threshold, Decimal) and FACTS[check.fact].kind is FactKind.money:
        threshold = str(threshold.quantize(Decimal("0.01")))
    elif isinstance(threshold, Decimal):
        threshold = format(threshold.normalize(), "f")
    return template.format(**shown, actual=actual_text, value=threshold,
                           shortfall=_shortfall(check, facts), territory=territory)


def status_of(criterion: Criterion, mine: list[Firing]) -> Status:
    """A failed check beats review (a firing or a manager's attestation), which beats pass."""
    if any(f[2] == "fail" for f in mine):
        return Status.failed
    if criterion.attest or any(f[2] == "review" for f in mine):
        return Status.review
    return Status.passed


def statuses(rulebook: Rulebook, partner_type: PartnerType, facts: dict[str, int | str]) -> dict[str, Status]:
    """Each criterion's status without wording its message (what `rules impact` compares)."""
    firings = evaluator_for(rulebook).firings(facts)[partner_type]
    return {c.id: status_of(c, [f for f in firings if f[0] == c.id]) for c in rulebook.criteria(partner_type)}


def judge(criterion: Criterion, firings: list[Firing], facts: dict[str, int | str],
          shown: dict[str, int | str], territory: str) -> CriterionResult:
    """One criterion's result from the firings of its checks."""
    mine = [f for f in firings if f[0] == criterion.id]
    status = status_of(criterion, mine)
    if status is Status.failed:
        failure = min((f for f in mine if f[2] == "fail"), key=lambda f: f[1])
        check = criterion.checks[failure[1]]
        template = check.fail_messages.get(str(facts.get(check.fact)), check.fail_message)
        actual = check.fact
    else:
        actual = criterion.actual_fact
        check = next((c for c in criterion.checks if c.fact == actual), None)
        template = criterion.review_message if status is Status.review else criterion.pass_message
    message = _words(template, check, facts, shown, territory, actual)
    return CriterionResult(id=criterion.id, status=status,
                           actual=shown[criterion.actual_fact] if criterion.actual_fact else None,
                           required=criterion.required_text(), message=message)


def evaluate(rulebook: Rulebook, partner_type: PartnerType, facts: dict[str, int | str],
             territory: str, firings: Firings | None = None) -> list[CriterionResult]:
    """Every criterion of a partner type, in the order of its rule file."""
    if firings is None:
        firings = evaluator_for(rulebook).firings(facts)
    shown = {name: display(name, facts) for name in FACTS}
    return [judge(c, firings[partner_type], facts, shown, territory) for c in rulebook.criteria(partner_type)]


def decide(application: Application, situation: Circumstances, rulebook: Rulebook) -> Decision:
    """The decision on an application under a rulebook; the same inputs give the same decision."""
    facts = extract_facts(
        application,
        situation,
        rulebook.currencies.rates,
        rulebook.cap_for(application.territory),
        rulebook.registration.formats,
    )
    firings = evaluator_for(rulebook).firings(facts)
    own = evaluate(rulebook, application.partner_type, facts, application.territory, firings)
    failed = [r.id for r in own if r.status is Status.failed]
    others = [t for t in PartnerType if t is not application.partner_type]
    return Decision(
        partner_type=application.partner_type,
        eligible=not failed,
        as_of=situation.as_of,
        rules_version=rulebook.version,
        criteria=own,
        failed=failed,
        to_review=[r.id for r in own if r.status is Status.review],
        qualifies_as=[t for t in others if not any(f[2] == "fail" for f in firings[t])],
    )
