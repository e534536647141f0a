"""The applicant's pre-check: every partner type decided from one engine run, on what of the
form can be read.

A field that cannot be read (an e-mail typo, "50,000" as the capital) is named with its
problem and left out; the criteria that read it are marked undecided and the others are
decided as usual, so one typo never hides the whole pre-check. Nothing here is stored.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationError

from kernel.partner_types import PartnerType
from kernel.validation import problem, shown
from qualification.application import Application
from qualification.decide import decide_each_type
from qualification.decision import Decision
from qualification.facts import FACTS, Circumstances
from qualification.rulebook import Criterion, FactRef, Rulebook

STAND_INS = {"company_name": "(company name)", "contact_email": "precheck@partnerdesk.example"}
"""Required fields that no criterion reads, filled in until the applicant types them."""
NEEDED = ("partner_type", "territory")
"""Required fields without which nothing can be decided."""
CURRENCIES = ("capital_currency", "commitment_currency")


class Precheck(BaseModel):
    """The decision as each partner type (none until the needed fields can be read), the
    problem of each field that cannot be read, and per type the criteria left undecided with
    the fields they wait for."""

    model_config = ConfigDict(frozen=True)

    decisions: dict[PartnerType, Decision]
    problems: dict[str, str]
    undecided: dict[PartnerType, dict[str, list[str]]]


def unknown_currency(code: str) -> str:
    return f"unknown currency {shown(code)} (not in the rules' currency table)"


def _problem(item: dict) -> str:
    """A field's problem; inside a list or a group, where: 'row 2, id: every certificate needs its id'."""
    where = ", ".join(f"row {part + 1}" if isinstance(part, int) else str(part) for part in item["loc"][1:])
    return f"{where}: {problem(item)}" if where else problem(item)


def readable_part(data: dict, rulebook: Rulebook) -> tuple[Application | None, dict[str, str]]:
    """The application made of the fields that can be read, and the problem of each other field.

    No application when a needed field is missing or wrong.
    """
    problems: dict[str, str] = {}
    attempt = {**STAND_INS, **data}
    while True:
        try:
            application = Application.model_validate(attempt)
            break
        except ValidationError as error:
            undecidable, present = False, set(attempt)
            for item in error.errors():
                name = str(item["loc"][0]) if item["loc"] else ""
                if item["type"] != "missing" or len(item["loc"]) > 1:  # an empty field waits for submission
                    problems.setdefault(name, _problem(item))
                undecidable |= name in NEEDED or name not in present
                attempt.pop(name, None)
                attempt.update({k: v for k, v in STAND_INS.items() if k == name})
            if undecidable:
                return None, problems
    for name in CURRENCIES:
        if getattr(application, name) not in rulebook.currencies.rates:
            problems[name] = unknown_currency(getattr(application, name))
            application = application.model_copy(update={name: "USD"})
    return application, problems


def _fields(criterion: Criterion) -> set[str]:
    """The application fields a criterion's facts are measured from."""
    facts = {criterion.actual_fact} - {None}
    for check in criterion.checks:
        facts.add(check.fact)
        if isinstance(check.value, FactRef):
            facts.add(check.value.fact)
    return {field for fact in facts for field in FACTS[fact].fields}


def no_precheck(problems: dict[str, str]) -> Precheck:
    """What the pre-check says before the fields it needs can be read."""
    return Precheck(decisions={}, problems=problems, undecided={})


def precheck(application: Application, problems: dict[str, str], situation: Circumstances,
             rulebook: Rulebook) -> Precheck:
    """Every partner type's decision on the readable part of the form (`readable_part`), from
    one engine run; the criteria reading a field with a problem are undecided."""
    decisions = decide_each_type(application, situation, rulebook)
    undecided = {
        partner_type: {c.id: sorted(_fields(c) & problems.keys()) for c in rulebook.criteria(partner_type)
                       if _fields(c) & problems.keys()}
        for partner_type in decisions}
    return Precheck(decisions=decisions, problems=problems, undecided=undecided)
