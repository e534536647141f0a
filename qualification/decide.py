"""Turning the engine's firings into a decision a person can read (contract section 3).

The engine says which checks failed or need review; this module only words the outcome:
status per criterion (a failed check beats review, review beats pass), the actual value,
what was required and the message from the rule file.
"""

from __future__ import annotations

from functools import lru_cache

from kernel.partner_types import APPLICABLE, PartnerType
from qualification.application import Application
from qualification.decision import CriterionResult, Decision, Status
from qualification.engine import Firing, Firings, evaluator_for
from qualification.facts import Circumstances, display, extract_facts
from qualification.messages import CriterionMessages, Wording, messages_for
from qualification.rulebook import Criterion, Rulebook


def status_of(criterion: Criterion, mine: list[Firing]) -> Status:
    """A failed check beats review (a firing or a manager's attestation), which beats pass."""
    if not mine:  # most criteria of most applications: nothing fired
        return Status.review if criterion.attest else Status.passed
    if any(f[2] == "fail" for f in mine):
        return Status.failed
    if criterion.attest or any(f[2] == "review" for f in mine):
        return Status.review
    return Status.passed


def _by_criterion(firings: list[Firing]) -> dict[str, list[Firing]]:
    grouped: dict[str, list[Firing]] = {}
    for firing in firings:
        grouped.setdefault(firing[0], []).append(firing)
    return grouped


def statuses(rulebook: Rulebook, partner_type: PartnerType, facts: dict[str, int | str]) -> dict[str, Status]:
    """Each criterion's status without wording its message (what `rules impact` compares)."""
    mine = _by_criterion(evaluator_for(rulebook).firings(facts)[partner_type])
    return {c.id: status_of(c, mine.get(c.id, [])) for c in rulebook.criteria(partner_type)}


def judge(prepared: CriterionMessages, mine: list[Firing], facts: dict[str, int | str],
          territory: str) -> CriterionResult:
    """One criterion's result from the firings of its checks. Its `actual` is the criterion's
    actual fact, or, when a check of another fact failed it, that fact (a future registration
    date fails `valid_entity`, whose number is valid)."""
    criterion = prepared.criterion
    status = status_of(criterion, mine)
    shown = display(criterion.actual_fact, facts) if criterion.actual_fact else None
    if status is Status.failed:
        index = min(f[1] for f in mine if f[2] == "fail")
        fact = criterion.checks[index].fact
        wording = prepared.failed(index, facts)
        actual = shown if fact == criterion.actual_fact else display(fact, facts)
    else:
        wording = prepared.review if status is Status.review else prepared.passed
        actual = shown
    return _result(criterion.id, status, actual, criterion.required_text, wording,
                   wording.values(facts, territory, actual))


@lru_cache(maxsize=4096)
def _result(criterion_id: str, status: Status, shown: int | str | None, required: str, wording: Wording,
            values: tuple) -> CriterionResult:
    """A criterion's result, made once for the many decisions that word it alike (most criteria
    read a few small numbers or words): it is frozen, so decisions share it, and a decision does
    not validate it again."""
    return CriterionResult(id=criterion_id, status=status, actual=shown, required=required,
                           message=wording.fill(values))


def evaluate(rulebook: Rulebook, partner_type: PartnerType, facts: dict[str, int | str],
             territory: str, firings: Firings) -> list[CriterionResult]:
    """Every criterion of a partner type, in the order of its rule file."""
    mine = _by_criterion(firings[partner_type])
    return [judge(p, mine.get(p.criterion.id, []), facts, territory) for p in messages_for(rulebook)[partner_type]]


def facts_for(application: Application, situation: Circumstances, rulebook: Rulebook) -> dict[str, int | str]:
    """The facts a rulebook's checks read: measured with its currency rates, territory caps and
    registration formats."""
    return extract_facts(application, situation, rulebook.currencies.rates,
                         rulebook.cap_for(application.territory), rulebook.registration.formats)


def measure_alike(one: Rulebook, other: Rulebook) -> bool:
    """Whether two rulebooks turn every application into the same facts (`facts_for`)."""
    return (one.currencies, one.territories, one.registration) == \
        (other.currencies, other.territories, other.registration)


def _decision(partner_type: PartnerType, situation: Circumstances, rulebook: Rulebook,
              facts: dict[str, int | str], firings: Firings, territory: str) -> Decision:
    """The decision as one partner type, from the firings of the one engine run."""
    own = evaluate(rulebook, partner_type, facts, territory, firings)
    failed = [r.id for r in own if r.status is Status.failed]
    others = [t for t in APPLICABLE if t is not partner_type]
    return Decision.model_validate({
        "partner_type": partner_type,
        "eligible": not failed,
        "as_of": situation.as_of,
        "rules_version": rulebook.version,
        "criteria": own,
        "failed": failed,
        "to_review": [r.id for r in own if r.status is Status.review],
        "qualifies_as": [t for t in others if not any(f[2] == "fail" for f in firings[t])],
    })


def decide(application: Application, situation: Circumstances, rulebook: Rulebook) -> Decision:
    """The decision on an application under a rulebook; the same inputs give the same decision."""
    facts = facts_for(application, situation, rulebook)
    firings = evaluator_for(rulebook).firings(facts)
    return _decision(application.partner_type, situation, rulebook, facts, firings, application.territory)


def decide_each_type(application: Application, situation: Circumstances,
                     rulebook: Rulebook) -> dict[PartnerType, Decision]:
    """The decision as every partner type one applies for, from one engine run (the facts do not
    depend on the type applied for); the type applied for comes first."""
    facts = facts_for(application, situation, rulebook)
    firings = evaluator_for(rulebook).firings(facts)
    order = [application.partner_type, *(t for t in APPLICABLE if t is not application.partner_type)]
    return {t: _decision(t, situation, rulebook, facts, firings, application.territory) for t in order}
