"""The rule files in `rules/`: their schema, and a loader that names the file, line and rule.

A criterion is a list of checks on facts (qualification.facts) plus whether a manager must
attest it. Thresholds, messages, territory caps, currency rates and the registration-number
formats are all data here; `rules_version` is the declared version plus a hash of the files.
"""

from __future__ import annotations

import hashlib
import importlib
import string
from decimal import Decimal
from pathlib import Path
from functools import cached_property
from typing import Annotated, Any, Literal

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from kernel.partner_types import APPLICABLE, PartnerType
from qualification.facts import FACTS, FactKind
from qualification.rulefiles import RulesError, line_at, parse_text

RULESET_FILE = "ruleset.yaml"
TERRITORIES_FILE = "territories.yaml"
CURRENCIES_FILE = "currencies.yaml"
REGISTRATION_FILE = "registration.yaml"
QUALIFICATION_FILES = (
    RULESET_FILE,
    *(f"{t.value}.yaml" for t in APPLICABLE),
    TERRITORIES_FILE,
    CURRENCIES_FILE,
    REGISTRATION_FILE,
)
MESSAGE_FIELDS = {"actual", "value", "shortfall", "territory", *FACTS}
Op = Literal[">=", ">", "<=", "<", "==", "!="]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


_PLACES = {FactKind.count: Decimal(1), FactKind.money: Decimal("0.01"), FactKind.decimal: Decimal("0.01")}
_PLACES_TEXT = {FactKind.count: "whole numbers", FactKind.money: "whole cents",
                FactKind.decimal: "at most 2 decimals"}
"""What a threshold of each kind of number may be: the engine compares facts with whole units,
cents or hundredths exactly."""


class FactRef(_Data):
    fact: str

    @field_validator("fact")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in FACTS:
            raise ValueError(f"unknown fact {name!r}")
        return name


class Check(_Data):
    """One condition on one fact; a criterion passes when all its checks pass."""

    fact: str
    op: Op | None = None
    value: Decimal | FactRef | None = None
    pass_values: list[str] | None = Field(default=None, alias="pass")
    review_values: list[str] = Field(default=[], alias="review")
    any_of: list[str] | None = None
    fail_message: str
    fail_messages: dict[str, str] = {}

    @model_validator(mode="after")
    def _fits_the_fact(self) -> "Check":
        spec = FACTS.get(self.fact)
        if spec is None:
            raise ValueError(f"unknown fact {self.fact!r}; known facts: {', '.join(FACTS)}")
        if spec.kind in (FactKind.count, FactKind.money, FactKind.decimal):
            if self.op is None or self.value is None or self.pass_values or self.any_of:
                raise ValueError(f"fact {self.fact!r} is a number: give 'op' and 'value'")
            if isinstance(self.value, FactRef) and FACTS[self.value.fact].kind is not spec.kind:
                raise ValueError(f"{self.fact!r} and {self.value.fact!r} are not comparable")
            if isinstance(self.value, Decimal) and self.value != self.value.quantize(_PLACES[spec.kind]):
                raise ValueError(f"fact {self.fact!r} is compared with {_PLACES_TEXT[spec.kind]}: "
                                 f"{format(self.value, 'f')} is not one")
        elif spec.kind is FactKind.enum:
            if self.pass_values is None or self.op or self.any_of:
                raise ValueError(f"fact {self.fact!r} is one of {list(spec.values)}: give 'pass'")
            _known_values(self.fact, [*self.pass_values, *self.review_values, *self.fail_messages])
        elif self.any_of is None or self.op or self.pass_values is not None:
            raise ValueError(f"fact {self.fact!r} is a set of {list(spec.values)}: give 'any_of'")
        else:
            _known_values(self.fact, self.any_of)
        for template in (self.fail_message, *self.fail_messages.values()):
            _check_template(template)
        return self

    def required_text(self) -> str:
        """How the requirement reads in a decision: '>= 4', '> 2000.00', 'healthy'."""
        if self.any_of is not None:
            return "any of " + ", ".join(self.any_of)
        if self.pass_values is not None:
            return " or ".join(self.pass_values)
        value = self.value.fact if isinstance(self.value, FactRef) else _plain(self.value)
        return f"{self.op} {value}"


class Criterion(_Data):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    checks: list[Check] = []
    attest: bool = False
    actual: str | None = None  # the fact shown as the criterion's actual value; default: the first check's
    required: str | None = None
    pass_message: str | None = None
    review_message: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> "Criterion":
        if not self.checks and not self.attest:
            raise ValueError("a criterion needs checks, attest: true, or both")
        if self.actual is not None and self.actual not in FACTS:
            raise ValueError(f"actual: unknown fact {self.actual!r}")
        if self.checks and self.pass_message is None:
            raise ValueError("a criterion with checks needs a pass_message")
        reviewable = self.attest or any(c.review_values for c in self.checks)
        if reviewable and self.review_message is None:
            raise ValueError("a criterion a manager confirms needs a review_message")
        for template in (self.pass_message, self.review_message):
            if template:
                _check_template(template)
        return self

    @cached_property
    def actual_fact(self) -> str | None:
        return self.actual or (self.checks[0].fact if self.checks else None)

    @cached_property
    def actual_check(self) -> Check | None:
        """The check on the actual fact, whose threshold a pass or review message may show."""
        return next((c for c in self.checks if c.fact == self.actual_fact), None)

    @cached_property
    def required_text(self) -> str:
        """What the decision shows as required, worded once per rulebook."""
        if self.required:
            return self.required
        checks = "; ".join(c.required_text() for c in self.checks)
        if not self.attest:
            return checks
        return f"{checks}; confirmed by a manager" if checks else "confirmed by a manager"


class PartnerTypeRules(_Data):
    """A partner type's file. Its criterion ids are unique and its partner_type is the file's own:
    checked by `rulebook_from_sources`, which can name the line of the id written twice."""

    partner_type: PartnerType
    criteria: list[Criterion] = Field(min_length=1)


class Ruleset(_Data):
    version: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-]*$")
    description: str = ""


def _territory(code: str) -> str:
    if code != code.upper() or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 code")
    return code


def _currency(code: str) -> str:
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code")
    return code


def _stdnum_module(name: str) -> str:
    try:
        module = importlib.import_module(f"stdnum.{name}")
    except ImportError:
        raise ValueError(f"python-stdnum has no module {name!r}") from None
    if not hasattr(module, "is_valid"):
        raise ValueError(f"stdnum.{name} has no is_valid()")
    return name


Territory = Annotated[str, AfterValidator(_territory)]


class TerritoryCaps(_Data):
    default_cap: int = Field(ge=0)
    caps: dict[Territory, Annotated[int, Field(ge=0)]] = {}


class UsdRates(_Data):
    rates: dict[Annotated[str, AfterValidator(_currency)], Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]]

    @field_validator("rates")
    @classmethod
    def _usd_is_one(cls, rates: dict[str, Decimal]) -> dict[str, Decimal]:
        if rates.get("USD") != Decimal(1):
            raise ValueError("the USD rate must be 1")
        return rates


class RegistrationFormats(_Data):
    formats: dict[Territory, Annotated[str, AfterValidator(_stdnum_module)]]


class Rulebook(_Data):
    version: str
    sources: dict[str, str]
    partner_types: dict[PartnerType, PartnerTypeRules]
    territories: TerritoryCaps
    currencies: UsdRates
    registration: RegistrationFormats

    def cap_for(self, territory: str) -> int:
        return self.territories.caps.get(territory, self.territories.default_cap)

    def criteria(self, partner_type: PartnerType) -> list[Criterion]:
        return self.partner_types[partner_type].criteria


def _plain(value: Decimal | None) -> str:
    return format(value.normalize(), "f") if value is not None else ""


def _known_values(fact: str, values: list[str]) -> None:
    unknown = [v for v in values if v not in FACTS[fact].values]
    if unknown:
        raise ValueError(f"{unknown} are not values of {fact!r} ({list(FACTS[fact].values)})")


def _check_template(template: str) -> None:
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError as error:
        raise ValueError(f"message {template!r}: {error}") from None
    unknown = fields - MESSAGE_FIELDS
    if unknown:
        raise ValueError(f"message {template!r} uses unknown placeholder(s) {sorted(unknown)}")


def rules_version(sources: dict[str, str], declared: str) -> str:
    """The declared version plus a short hash of every qualification file's exact text."""
    digest = hashlib.sha256()
    for name in QUALIFICATION_FILES:
        digest.update(name.encode() + b"\0" + sources[name].encode("utf-8") + b"\0")
    return f"{declared}+{digest.hexdigest()[:8]}"


def read_sources(rules_dir: Path) -> dict[str, str]:
    """The text of each qualification file present in a directory."""
    return {name: (rules_dir / name).read_bytes().decode("utf-8", errors="replace")
            for name in QUALIFICATION_FILES if (rules_dir / name).is_file()}


def load_rulebook(rules_dir: Path) -> tuple[Rulebook | None, list[RulesError]]:
    """All qualification files of a directory, or every problem found in them."""
    return rulebook_from_sources(read_sources(rules_dir))


def _own_type_and_unique_ids(name: str, text: str, rules: PartnerTypeRules,
                             partner_type: PartnerType) -> list[RulesError]:
    """A partner type's file names its own type, and each criterion id once (the line named is
    the one written second)."""
    problems = []
    if rules.partner_type is not partner_type:
        problems.append(RulesError(name, line_at(text, ("partner_type",)),
                                   f"partner_type is {rules.partner_type.value!r}, expected {partner_type.value!r}"))
    seen: set[str] = set()
    for index, criterion in enumerate(rules.criteria):
        if criterion.id in seen:
            problems.append(RulesError(name, line_at(text, ("criteria", index, "id")),
                                       f"criteria: criterion id {criterion.id!r} appears twice"))
        seen.add(criterion.id)
    return problems


def rulebook_from_sources(sources: dict[str, str]) -> tuple[Rulebook | None, list[RulesError]]:
    """A rulebook from the texts of its files (a directory, or a snapshot kept for replay)."""
    errors: list[RulesError] = []
    parts: dict[str, Any] = {}
    models: dict[str, type[BaseModel]] = {
        RULESET_FILE: Ruleset,
        TERRITORIES_FILE: TerritoryCaps,
        CURRENCIES_FILE: UsdRates,
        REGISTRATION_FILE: RegistrationFormats,
        **{f"{t.value}.yaml": PartnerTypeRules for t in APPLICABLE},
    }
    for name, model in models.items():
        if name not in sources:
            errors.append(RulesError(name, None, "file is missing"))
            continue
        parsed, problems = parse_text(name, sources[name], model)
        errors.extend(problems)
        parts[name] = parsed
    for partner_type in APPLICABLE:
        name = f"{partner_type.value}.yaml"
        if parts.get(name) is not None:
            errors.extend(_own_type_and_unique_ids(name, sources[name], parts[name], partner_type))
    if errors:
        return None, errors
    return Rulebook(
        version=rules_version(sources, parts[RULESET_FILE].version),
        sources={name: sources[name] for name in QUALIFICATION_FILES},
        partner_types={t: parts[f"{t.value}.yaml"] for t in APPLICABLE},
        territories=parts[TERRITORIES_FILE],
        currencies=parts[CURRENCIES_FILE],
        registration=parts[REGISTRATION_FILE],
    ), []
