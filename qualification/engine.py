"""The rulebook compiled into a durable_rules ruleset, and the evaluation of one set of facts.

The checks of all three partner types form one small ruleset (about 50 rules), so one
assertion decides an applicant as every type at once, which `qualifies_as` needs. A rule
fires only when a check is *not* met (or puts the criterion to review), so a pass is the
absence of a firing; one rule always fires, because durable_rules crashes when it deletes
the state of a fact that fired nothing. One ruleset per rules version, built once under a
lock, and evaluation serialised on it (a fact's state lives in the engine until deleted).
"""

from __future__ import annotations

import itertools
import json
import threading

import durable_rules_engine as rules_engine
from pydantic_core import to_json

from kernel.money import as_cent_count
from kernel.partner_types import APPLICABLE, PartnerType
from qualification.facts import FACTS, FactKind
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
    return as_cent_count(check.value) if kind is not FactKind.count else int(check.value)


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
    rules = {EVALUATED: {"all": [{"m": SUBJECT}]}}
    for partner_type in APPLICABLE:
        for criterion in rulebook.criteria(partner_type):
            for index, check in enumerate(criterion.checks):
                name = f"{partner_type.value}:{criterion.id}:{index}"
                for rule, pattern in _check_rules(name, check).items():
                    rules[rule] = {"all": [{"m": pattern}]}
    return rules


class Evaluator:
    """Evaluates facts against one rules version's compiled ruleset.

    It drives durable_rules' engine module directly: assert the fact, then take the fired
    rules' names one by one. durable's `Host` would build a closure, a state document and two
    JSON round trips per firing, four times the cost of the evaluation itself (issue 6), to
    run actions that here only record their own name.
    """

    def __init__(self, rulebook: Rulebook) -> None:
        token = rulebook.version.replace("+", "_").replace(".", "_").replace("-", "_")
        ruleset = compile_ruleset(rulebook)
        self._handle = rules_engine.create_ruleset(f"qualification__{token}", json.dumps(ruleset))
        self._meanings = {name: _meaning(name) for name in ruleset if name != EVALUATED}
        compared = set().union(*(_compared(rule["all"][0]["m"]) for rule in ruleset.values()))
        self._read = tuple(sorted(compared - set(SUBJECT)))
        self._lock = threading.Lock()
        self._sids = itertools.count(1)

    def _fired(self, fact: dict) -> list[str]:
        """The names of the rules the fact fired, in the engine's order. The fact's JSON is written
        by pydantic-core (the facts are integers and words of a fixed list): the standard library's
        encoder costs several times as much per decision."""
        code, state = rules_engine.assert_fact(self._handle, to_json(fact).decode())
        if code not in (0, 3):  # 1: no rule handles it, 2: already asserted; neither can happen
            raise RuntimeError(f"durable_rules refused the fact (code {code})")
        action = rules_engine.start_action_for_state(self._handle, state)
        message = action[1] if action else None
        names = []
        while message:
            names.append(message[2:message.index('"', 2)])  # {"<rule name>": {...}}
            message = rules_engine.complete_and_start_action(self._handle, state)
        return names

    def firings(self, facts: dict[str, int | str]) -> Firings:
        """The fail and review firings of every check, per partner type, for these facts."""
        fired: Firings = {t: [] for t in APPLICABLE}
        compared = {name: facts[name] for name in self._read}
        with self._lock:
            sid = str(next(self._sids))
            try:
                names = self._fired({"id": sid, "sid": sid, **SUBJECT, **compared})
            finally:
                rules_engine.delete_state(self._handle, sid)
        meanings = self._meanings
        for name in names:
            if name != EVALUATED:
                partner_type, firing = meanings[name]
                fired[partner_type].append(firing)
        return fired


def _compared(pattern: dict) -> set[str]:
    """The facts a compiled pattern compares, so the engine is sent only those: its keys that
    are not operators, and the facts a threshold names (`$m`)."""
    names: set[str] = set()
    for key, value in pattern.items():
        if key == "$and":
            names = names.union(*map(_compared, value))
        elif key.startswith("$"):
            names |= _compared(value)
        else:
            names.add(key)
            if isinstance(value, dict):
                names.add(value["$m"])
    return names


def _meaning(rule: str) -> tuple[PartnerType, Firing]:
    """Whose check a rule is and what its firing says, read from its name once per ruleset."""
    partner_type, criterion_id, index, outcome, value = rule.split(":")
    return PartnerType(partner_type), (criterion_id, int(index), outcome, value)


_evaluators: dict[str, Evaluator] = {}
_evaluators_lock = threading.Lock()


def evaluator_for(rulebook: Rulebook) -> Evaluator:
    """The evaluator of this rules version, built once per process."""
    with _evaluators_lock:
        if rulebook.version not in _evaluators:
            _evaluators[rulebook.version] = Evaluator(rulebook)
        return _evaluators[rulebook.version]

