"""The rulebook compiled into a durable_rules ruleset, and the evaluation of one set of facts.

The checks of all three partner types form one small ruleset, so one
assertion decides an applicant as every type at once, which `qualifies_as` needs. A rule
fires only when a check is *not* met (or puts the criterion to review), so a pass is the
absence of a firing; one rule always fires, because durable_rules takes no fact that no rule
handles (and crashes deleting the state of one that fired nothing). One ruleset per rules
version, built once under a lock, and evaluation serialised on it: every fact goes into the
ruleset's one state and is retracted once its firings are read (creating and deleting a
state per fact cost about as much as asserting it).
"""

from __future__ import annotations

import json
import threading

import durable_rules_engine as rules_engine
from pydantic_core import to_json

from kernel.money import cent_order
from kernel.partner_types import APPLICABLE, PartnerType
from qualification.facts import FACTS, FactKind
from qualification.rulebook import Check, FactRef, Rulebook

NEGATED = {">=": "$lt", ">": "$lte", "<=": "$gt", "<": "$gte", "==": "$neq", "!=": "$eq"}
EVALUATED = "evaluated"
SUBJECT = {"subject": "application"}
FACT_ID = "1"
"""The id of every fact and of the state it goes into (one fact at a time is there)."""

KEYS = {name: f"f{i}" for i, name in enumerate(
    [*(n for n, spec in FACTS.items() if spec.kind is not FactKind.set),
     *(f"{n}__{v}" for n, spec in FACTS.items() if spec.kind is FactKind.set for v in spec.values)])}
"""Each fact's short key in the engine: the engine parses the fact's JSON on every assertion,
and its names were most of that text."""
_NAMES = {key: name for name, key in KEYS.items()}

Firing = tuple[str, int, str, str]  # criterion id, check index, "fail"/"review", enum value
Firings = dict[PartnerType, list[Firing]]


def _threshold(check: Check) -> int | dict:
    if isinstance(check.value, FactRef):
        return {"$m": KEYS[check.value.fact]}
    kind = FACTS[check.fact].kind
    return cent_order(check.value) if kind is not FactKind.count else int(check.value)


def _pattern(*conditions: dict) -> dict:
    return {"$and": [SUBJECT, *conditions]}


def _check_rules(check: Check) -> dict[tuple[str, str], dict]:
    """Patterns of one check, by what their firing says: "fail" or "review", and the value."""
    kind = FACTS[check.fact].kind
    if kind is FactKind.set:
        return {("fail", ""): _pattern(*({KEYS[f"{check.fact}__{value}"]: 0} for value in check.any_of))}
    if kind is FactKind.enum:
        allowed = [*check.pass_values, *check.review_values]
        rules = {("fail", ""): _pattern(*({"$neq": {KEYS[check.fact]: v}} for v in allowed))}
        for value in check.review_values:
            rules[("review", value)] = _pattern({KEYS[check.fact]: value})
        return rules
    return {("fail", ""): _pattern({NEGATED[check.op]: {KEYS[check.fact]: _threshold(check)}})}


def compile_ruleset(rulebook: Rulebook) -> tuple[dict, dict[str, list[tuple[PartnerType, Firing]]]]:
    """The durable_rules JSON ruleset of every partner type's checks, and what each rule's firing
    says for whom. A check several partner types make alike (the registration's) is one rule:
    each rule costs the engine on every assertion, and each firing a round trip."""
    rules = {EVALUATED: {"all": [{"m": SUBJECT}]}}
    meanings: dict[str, list[tuple[PartnerType, Firing]]] = {EVALUATED: []}
    names: dict[str, str] = {}
    for partner_type in APPLICABLE:
        for criterion in rulebook.criteria(partner_type):
            for index, check in enumerate(criterion.checks):
                for (outcome, value), pattern in _check_rules(check).items():
                    name = names.setdefault(json.dumps(pattern, sort_keys=True),
                                            f"{partner_type.value}:{criterion.id}:{index}:{outcome}:{value}")
                    rules[name] = {"all": [{"m": pattern}]}
                    meanings.setdefault(name, []).append((partner_type, (criterion.id, index, outcome, value)))
    return rules, meanings


class Evaluator:
    """Evaluates facts against one rules version's compiled ruleset.

    It drives durable_rules' engine module directly: assert the fact, then take the fired
    rules' names one by one. durable's `Host` would build a closure, a state document and two
    JSON round trips per firing, four times the cost of the evaluation itself (issue 6), to
    run actions that here only record their own name.
    """

    def __init__(self, rulebook: Rulebook) -> None:
        token = rulebook.version.replace("+", "_").replace(".", "_").replace("-", "_")
        ruleset, self._meanings = compile_ruleset(rulebook)
        self._handle = rules_engine.create_ruleset(f"qualification__{token}", json.dumps(ruleset))
        compared = set().union(*(_compared(rule["all"][0]["m"]) for rule in ruleset.values()))
        self._read = tuple(sorted(_NAMES[key] for key in compared - set(SUBJECT)))
        self._keys = tuple(KEYS[name] for name in self._read)
        self._lock = threading.Lock()

    def _fired(self, text: str) -> list[str]:
        """The names of the rules the fact fired, in the engine's order; the fact is retracted
        after, or on any failure its state deleted, so nothing of it is left for the next one."""
        code, state = rules_engine.assert_fact(self._handle, text)
        try:
            if code not in (0, 3):  # 1: no rule handles it, 2: already asserted; neither can happen
                raise RuntimeError(f"durable_rules refused the fact (code {code})")
            action = rules_engine.start_action_for_state(self._handle, state)
            message = action[1] if action else None
            names = []
            while message:
                names.append(message[2:message.index('"', 2)])  # {"<rule name>": {...}}
                message = rules_engine.complete_and_start_action(self._handle, state)
        except BaseException:
            rules_engine.delete_state(self._handle, FACT_ID)
            raise
        rules_engine.retract_fact(self._handle, text)
        return names

    def firings(self, facts: dict[str, int | str]) -> Firings:
        """The fail and review firings of every check, per partner type, for these facts. The
        fact's JSON is written by pydantic-core (the facts are integers and words of a fixed
        list): the standard library's encoder costs several times as much per decision."""
        fired: Firings = {t: [] for t in APPLICABLE}
        fact = {"id": FACT_ID, "sid": FACT_ID, **SUBJECT}
        fact.update(zip(self._keys, map(facts.__getitem__, self._read)))
        text = to_json(fact).decode()
        with self._lock:
            names = self._fired(text)
        meanings = self._meanings
        for name in names:
            for partner_type, firing in meanings[name]:
                fired[partner_type].append(firing)
        return fired


def _compared(pattern: dict) -> set[str]:
    """The keys of the facts a compiled pattern compares, so the engine is sent only those: its
    keys that are not operators, and the facts a threshold names (`$m`)."""
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


_evaluators: dict[str, Evaluator] = {}
_evaluators_lock = threading.Lock()


def evaluator_for(rulebook: Rulebook) -> Evaluator:
    """The evaluator of this rules version, built once per process (under the lock; once built,
    it is read without taking the lock)."""
    evaluator = _evaluators.get(rulebook.version)
    if evaluator is not None:
        return evaluator
    with _evaluators_lock:
        if rulebook.version not in _evaluators:
            _evaluators[rulebook.version] = Evaluator(rulebook)
        return _evaluators[rulebook.version]

