"""The rulebook compiled into a durable_rules ruleset, and the evaluation of one set of facts.

The checks of all three partner types form one small ruleset (about 50 rules), so one
assertion decides an applicant as every type at once, which `qualifies_as` needs. A rule
fires only when a check is *not* met (or puts the criterion to review), so a pass is the
absence of a firing; one rule always fires, because durable_rules crashes when it deletes
the state of a fact that fired nothing. One `Host` per rules version, built under a lock
(registering lazily from several threads races), and evaluation serialised on it.
"""

from __future__ import annotations

import copy
import itertools
import threading

from durable import engine

from qualification.application import PartnerType
from qualification.facts import FACTS, FactKind, hundredths
from qualification.rulebook import Check, FactRef, Rulebook

NEGATED = {">=": "$lt", ">": "$lte", "<=": "$gt", "<": "$gte", "==": "$neq", "!=": "$eq"}
EVALUATED = "evaluated"
SUBJECT = {"subject": "application"}

Firing = tuple[str, int, str, str]  # criterion id, check index, "fail"/"review", enum value
Firings = dict[PartnerType, list[Firing]]


def _threshold(check: Check) -> int | dict:
    if isinstance(check.value, FactRef):
        return {"$m": check.value.fact}
    kind = FACTS[check.fact].kind
    return hundredths(check.value) if kind is not FactKind.count else int(check.value)


def _pattern(*conditions: dict) -> dict:
    return {"$and": [SUBJECT, *conditions]}


def _check_rules(name: str, check: Check) -> dict[str, dict]:
    """Patterns of one check, by rule name (which is also its action's name)."""
    kind = FACTS[check.fact].kind
    if kind is FactKind.set:
        return {f"{name}:fail:": _pattern(*({f"{check.fact}__{value}": 0} for value in check.any_of))}
    if kind is FactKind.enum:
        allowed = [*check.pass_values, *check.review_values]
        rules = {f"{name}:fail:": _pattern(*({"$neq": {check.fact: v}} for v in allowed))}
        for value in check.review_values:
            rules[f"{name}:review:{value}"] = _pattern({check.fact: value})
        return rules
    return {f"{name}:fail:": _pattern({NEGATED[check.op]: {check.fact: _threshold(check)}})}


def compile_ruleset(rulebook: Rulebook) -> dict:
    """The durable_rules JSON ruleset of every partner type's checks."""
    rules = {EVALUATED: {"all": [{"m": SUBJECT}], "run": EVALUATED}}
    for partner_type in PartnerType:
        for criterion in rulebook.criteria(partner_type):
            for index, check in enumerate(criterion.checks):
                name = f"{partner_type.value}:{criterion.id}:{index}"
                for rule, pattern in _check_rules(name, check).items():
                    rules[rule] = {"all": [{"m": pattern}], "run": rule}
    return rules


class _SynchronousHost(engine.Host):
    """A Host whose actions record what fired, without background dispatch threads."""

    def __init__(self, rulesets: dict) -> None:
        self.fired: Firings = {}
        super().__init__()
        self.set_rulesets(copy.deepcopy(rulesets))

    def get_action(self, action_name: str):
        if action_name == EVALUATED:
            return lambda c: None
        partner_type, criterion_id, index, outcome, value = action_name.split(":")
        partner_type = PartnerType(partner_type)
        firing = (criterion_id, int(index), outcome, value)
        return lambda c: self.fired[partner_type].append(firing)

    def _run(self) -> None:
        """Evaluation is synchronous: no timers or queued dispatch are used."""


class Evaluator:
    """Evaluates facts against one rules version's compiled ruleset."""

    def __init__(self, rulebook: Rulebook) -> None:
        token = rulebook.version.replace("+", "_").replace(".", "_").replace("-", "_")
        self._name = f"qualification__{token}"
        self._host = _SynchronousHost({self._name: compile_ruleset(rulebook)})
        self._lock = threading.Lock()
        self._sids = itertools.count(1)

    def firings(self, facts: dict[str, int | str]) -> Firings:
        """The fail and review firings of every check, per partner type, for these facts."""
        with self._lock:
            sid = str(next(self._sids))
            self._host.fired = {t: [] for t in PartnerType}
            try:
                self._host.assert_fact(self._name, {"id": sid, "sid": sid, **SUBJECT, **facts})
            finally:
                self._host.delete_state(self._name, sid)
            return self._host.fired


_evaluators: dict[str, Evaluator] = {}
_evaluators_lock = threading.Lock()


def evaluator_for(rulebook: Rulebook) -> Evaluator:
    """The evaluator of this rules version, built once per process."""
    with _evaluators_lock:
        if rulebook.version not in _evaluators:
            _evaluators[rulebook.version] = Evaluator(rulebook)
        return _evaluators[rulebook.version]

