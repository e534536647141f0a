"""The rulebook compiled into durable_rules rulesets, and the evaluation of one set of facts.

Each partner type becomes one ruleset. A rule fires only when a check is *not* met (or puts
the criterion to review), so a pass is the absence of a firing; one rule per ruleset always
fires, because durable_rules crashes when it deletes the state of a fact that fired nothing.
One `Host` per rules version, built with every ruleset at once under a lock (registering
lazily from several threads races), and evaluation serialised on it.
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


def _threshold(check: Check) -> int | dict:
    if isinstance(check.value, FactRef):
        return {"$m": check.value.fact}
    kind = FACTS[check.fact].kind
    return hundredths(check.value) if kind is not FactKind.count else int(check.value)


def _pattern(*conditions: dict) -> dict:
    return {"$and": [SUBJECT, *conditions]}


def _check_rules(criterion_id: str, index: int, check: Check) -> dict[str, tuple[dict, str]]:
    """Patterns of one check: name -> (pattern, action)."""
    base = f"{criterion_id}:{index}"
    kind = FACTS[check.fact].kind
    if kind is FactKind.set:
        flags = [{f"{check.fact}__{value}": 0} for value in check.any_of]
        return {f"{base}:fail": (_pattern(*flags), f"{base}:fail:")}
    if kind is FactKind.enum:
        allowed = [*check.pass_values, *check.review_values]
        rules = {f"{base}:fail": (_pattern(*({"$neq": {check.fact: v}} for v in allowed)),
                                  f"{base}:fail:")}
        for value in check.review_values:
            rules[f"{base}:review:{value}"] = (_pattern({check.fact: value}), f"{base}:review:{value}")
        return rules
    comparison = {NEGATED[check.op]: {check.fact: _threshold(check)}}
    return {f"{base}:fail": (_pattern(comparison), f"{base}:fail:")}


def compile_ruleset(rulebook: Rulebook, partner_type: PartnerType) -> dict:
    """The durable_rules JSON ruleset of one partner type."""
    rules = {EVALUATED: {"all": [{"m": SUBJECT}], "run": EVALUATED}}
    for criterion in rulebook.criteria(partner_type):
        for index, check in enumerate(criterion.checks):
            for name, (pattern, action) in _check_rules(criterion.id, index, check).items():
                rules[name] = {"all": [{"m": pattern}], "run": action}
    return rules


class _SynchronousHost(engine.Host):
    """A Host whose actions record what fired, without background dispatch threads."""

    def __init__(self, rulesets: dict) -> None:
        self.fired: list[Firing] = []
        super().__init__()
        self.set_rulesets(copy.deepcopy(rulesets))

    def get_action(self, action_name: str):
        if action_name == EVALUATED:
            return lambda c: None
        criterion_id, index, outcome, value = action_name.split(":")
        firing = (criterion_id, int(index), outcome, value)
        return lambda c: self.fired.append(firing)

    def _run(self) -> None:
        """Evaluation is synchronous: no timers or queued dispatch are used."""


class Evaluator:
    """Evaluates facts against one rules version's compiled rulesets."""

    def __init__(self, rulebook: Rulebook) -> None:
        token = rulebook.version.replace("+", "_").replace(".", "_").replace("-", "_")
        self._names = {t: f"{t.value}__{token}" for t in PartnerType}
        self._host = _SynchronousHost(
            {self._names[t]: compile_ruleset(rulebook, t) for t in PartnerType}
        )
        self._lock = threading.Lock()
        self._sids = itertools.count(1)

    def firings(self, partner_type: PartnerType, facts: dict[str, int | str]) -> list[Firing]:
        """The fail and review firings of every check for these facts."""
        ruleset = self._names[partner_type]
        with self._lock:
            sid = str(next(self._sids))
            self._host.fired = []
            try:
                self._host.assert_fact(ruleset, {"id": sid, "sid": sid, **SUBJECT, **facts})
            finally:
                self._host.delete_state(ruleset, sid)
            return self._host.fired


_evaluators: dict[str, Evaluator] = {}
_evaluators_lock = threading.Lock()


def evaluator_for(rulebook: Rulebook) -> Evaluator:
    """The evaluator of this rules version, built once per process."""
    with _evaluators_lock:
        if rulebook.version not in _evaluators:
            _evaluators[rulebook.version] = Evaluator(rulebook)
        return _evaluators[rulebook.version]

