"""The facts the rules read, derived from an application and the situation at decision time.

The rules engine compares plain JSON values, so facts are sent as integers and short strings:
money and decimals by their exact place among whole hundredths (`kernel.money.cent_order`),
dates as whole years or a status word. Nothing here decides a criterion; this only measures
the applicant.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from types import ModuleType

from pydantic import BaseModel, ConfigDict

from kernel.money import cent_order, cent_text
from qualification.application import Application, BusinessArea


class FactKind(StrEnum):
    count = "count"  # a whole number
    money = "money"  # USD, sent by its place among whole cents
    decimal = "decimal"  # a quantity such as years, sent by its place among whole hundredths
    enum = "enum"  # one word out of a fixed list
    set = "set"  # several words out of a fixed list, sent as one 0/1 flag per word


@dataclass(frozen=True)
class FactSpec:
    kind: FactKind
    label: str
    values: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()  # the application's fields the fact is measured from


FACTS: dict[str, FactSpec] = {
    "registered_full_years": FactSpec(FactKind.count, "full years since registration",
                                      fields=("registration_date",)),
    "registration_date_status": FactSpec(
        FactKind.enum, "registration date", ("on_or_before_decision", "in_future", "missing"),
        fields=("registration_date",)),
    "registration_number_status": FactSpec(
        FactKind.enum, "registration number", ("valid", "format_not_known", "invalid", "missing"),
        fields=("registration_number", "registration_country", "territory")),
    "capital_usd": FactSpec(FactKind.money, "registered capital in USD",
                            fields=("registered_capital", "capital_currency")),
    "financial_health": FactSpec(FactKind.enum, "financial health", ("healthy", "concerns", "unknown"),
                                 fields=("financial_health",)),
    "existing_customers": FactSpec(FactKind.count, "existing customers", fields=("existing_customers",)),
    "business_areas": FactSpec(FactKind.set, "business areas", tuple(a.value for a in BusinessArea),
                               fields=("business_areas",)),
    "industry_count": FactSpec(FactKind.count, "selected industries", fields=("industries",)),
    "dedicated_staff": FactSpec(FactKind.count, "dedicated staff", fields=("dedicated_staff",)),
    "valid_acp_certificates": FactSpec(FactKind.count, "valid ACP certificates", fields=("acp_certificates",)),
    "customer_operations_years": FactSpec(FactKind.decimal, "years of customer operations",
                                          fields=("customer_operations_years",)),
    "tier2_resellers_managed": FactSpec(FactKind.count, "tier-2 resellers managed",
                                        fields=("tier2_resellers_managed",)),
    "revenue_commitment_usd": FactSpec(FactKind.money, "first-year revenue commitment in USD",
                                       fields=("first_year_revenue_commitment", "commitment_currency")),
    "approved_distributors": FactSpec(FactKind.count, "approved distributors in the territory",
                                      fields=("territory",)),
    "territory_cap": FactSpec(FactKind.count, "distributor cap of the territory", fields=("territory",)),
    "statement_words": FactSpec(FactKind.count, "words in the applicant's statement", fields=("statement",)),
}


_SHOWN = {name: f"{name}__shown" for name, spec in FACTS.items() if spec.kind in (FactKind.money, FactKind.decimal)}
"""Where the facts keep each exact amount as a person reads it (the engine's integer orders it
among whole hundredths and cannot give it back)."""
_SETS = {name: tuple((value, f"{name}__{value}") for value in spec.values)
         for name, spec in FACTS.items() if spec.kind is FactKind.set}
"""Each set's words with the engine's flag of each, named once."""


class Circumstances(BaseModel):
    """What the world looks like when the decision is made (injected, never read from a clock)."""

    model_config = ConfigDict(frozen=True)

    as_of: dt.date
    approved_distributors: int = 0


def full_years(start: dt.date, end: dt.date) -> int:
    """Whole calendar years from start to end (a 29 February start completes on 1 March)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def registration_number_status(app: Application, formats: dict[str, str]) -> str:
    """valid / invalid where python-stdnum knows the country's format, else format_not_known."""
    if not app.registration_number:
        return "missing"
    module_name = formats.get(app.registration_country or app.territory)
    if module_name is None:
        return "format_not_known"
    return "valid" if _stdnum(module_name).is_valid(app.registration_number) else "invalid"


@cache
def _stdnum(module_name: str) -> ModuleType:
    """A python-stdnum format's module, found once (the import machinery is slow to ask)."""
    return importlib.import_module(f"stdnum.{module_name}")


def registration_facts(registered: dt.date | None, as_of: dt.date) -> tuple[str, int]:
    """The registration date's status and the full years since it."""
    if registered is None:
        return "missing", 0
    if registered > as_of:
        return "in_future", 0
    return "on_or_before_decision", full_years(registered, as_of)


def extract_facts(
    app: Application,
    situation: Circumstances,
    usd_rates: dict[str, Decimal],
    territory_cap: int,
    registration_formats: dict[str, str],
) -> dict[str, int | str]:
    """Every fact of FACTS for this application, as the engine receives it."""
    as_of = situation.as_of
    date_status, years = registration_facts(app.registration_date, as_of)
    facts: dict[str, int | str] = {
        "registration_date_status": date_status,
        "registered_full_years": years,
        "registration_number_status": registration_number_status(app, registration_formats),
        "financial_health": app.financial_health,
        "existing_customers": app.existing_customers,
        "industry_count": len(set(app.industries)),
        "dedicated_staff": app.dedicated_staff.total,
        "valid_acp_certificates": len({c.id for c in app.acp_certificates if c.expires_on >= as_of}),
        "tier2_resellers_managed": app.tier2_resellers_managed,
        "approved_distributors": situation.approved_distributors,
        "territory_cap": territory_cap,
        "statement_words": len(app.statement.split()),
    }
    _add_exact(facts, "capital_usd", app.registered_capital * usd_rates[app.capital_currency])
    _add_exact(facts, "revenue_commitment_usd", app.first_year_revenue_commitment * usd_rates[app.commitment_currency])
    _add_exact(facts, "customer_operations_years", app.customer_operations_years)
    areas = set(app.business_areas)  # StrEnum members: each equals its word
    for area, flag in _SETS["business_areas"]:
        facts[flag] = 1 if area in areas else 0
    return facts


def _add_exact(facts: dict[str, int | str], name: str, amount: Decimal) -> None:
    """An exact money or decimal fact: its order for the engine and its text for people (money
    to the cent unless it has more digits; a whole number of years as a number)."""
    order = facts[name] = cent_order(amount)
    if order % 2:
        facts[_SHOWN[name]] = format(amount.normalize(), "f")
    elif FACTS[name].kind is FactKind.money:
        facts[_SHOWN[name]] = cent_text(order // 2)
    else:
        facts[_SHOWN[name]] = int(amount) if amount == amount.to_integral_value() else format(amount.normalize(), "f")


def display(name: str, facts: dict[str, int | str]) -> int | str:
    """A fact as a person reads it: money and decimals exactly, as decimal text."""
    if name in _SHOWN:
        return facts[_SHOWN[name]]
    if name in _SETS:
        chosen = [value for value, flag in _SETS[name] if facts[flag]]
        return ", ".join(chosen) or "none"
    return facts[name]
