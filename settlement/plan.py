"""The commercial plan (contract section 5): rates, tiers, commission bands, payment terms."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kernel.money import DecimalText
from kernel.partner_types import PartnerType
from qualification.rulefiles import RulesError, load_file

PLAN_FILE = "plan.yaml"

Rate = Annotated[DecimalText, Field(ge=0, le=1)]
Amount = Annotated[DecimalText, Field(ge=0)]


class _Terms(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Band(_Terms):
    """From this quarterly commissionable performance on, the rate applies to the whole amount."""

    start: Annotated[DecimalText, Field(alias="from", ge=0)]
    rate: Rate


class Tier(_Terms):
    discount_rate: Rate
    commission: list[Band] = Field(min_length=1)
    credit_limit: Amount | None = None
    """The most a partner of the tier may owe (unpaid invoices and unbilled usage); none: no limit."""
    review_from: Amount | None = None
    """The trailing four quarters' commissionable performance that earns the tier in a tier review;
    a tier without it is given by a manager only (the default tier is earned by everyone)."""

    @field_validator("commission")
    @classmethod
    def _ascending_from_zero(cls, bands: list[Band]) -> list[Band]:
        if bands[0].start != 0:
            raise ValueError("the first commission band must start from 0")
        for lower, upper in zip(bands, bands[1:]):
            if upper.start <= lower.start:
                raise ValueError("commission bands must be in ascending order of 'from'")
        return bands

    def band_for(self, performance: Decimal) -> Band:
        """The highest band whose `from` the performance reaches."""
        reached = [b for b in self.commission if performance >= b.start]
        return reached[-1] if reached else self.commission[0]


class TieredTerms(_Terms):
    default_tier: str
    tiers: dict[str, Tier] = Field(min_length=1)

    @model_validator(mode="after")
    def _default_exists(self) -> "TieredTerms":
        if self.default_tier not in self.tiers:
            raise ValueError(f"default_tier {self.default_tier!r} is not one of {sorted(self.tiers)}")
        return self


class DistributorTerms(TieredTerms):
    tier2_default_discount: Rate


class AgencyTerms(_Terms):
    commission_rate: Rate


class Plan(_Terms):
    version: str = Field(min_length=1)
    currency: Literal["USD"] = "USD"
    payment_terms_days: int = Field(ge=0, le=365)
    lead_valid_days: int = Field(default=30, ge=1, le=3650)
    non_commissionable_products: list[str] = []
    agency: AgencyTerms
    direct_reseller: TieredTerms
    distributor: DistributorTerms

    def tiered_terms(self, partner_type: PartnerType) -> TieredTerms | None:
        """The tiers of a direct reseller or distributor; None for a type without tiers."""
        return {PartnerType.direct_reseller: self.direct_reseller,
                PartnerType.distributor: self.distributor}.get(partner_type)

    def tier_names(self, partner_type: PartnerType) -> list[str]:
        """The type's tiers, its default first; none for an agency or a tier-2 reseller."""
        terms = self.tiered_terms(partner_type)
        return [terms.default_tier, *(t for t in terms.tiers if t != terms.default_tier)] if terms else []

    @property
    def fingerprint(self) -> str:
        """Identifies the terms (comments and layout aside) that a settled period was settled with.

        Credit limits, review thresholds and how long a customer lead stays valid settle nothing,
        so changing them changes no fingerprint."""
        not_settling = {"tiers": {"__all__": {"credit_limit", "review_from"}}}
        terms = self.model_dump_json(by_alias=True, exclude={"direct_reseller": not_settling,
                                                             "distributor": not_settling,
                                                             "lead_valid_days": True}).encode()
        return hashlib.sha256(terms).hexdigest()[:16]

    def as_yaml(self) -> str:
        """The plan as a plan file (the schema of rules/plan.yaml) that `--plan FILE` reads back."""
        return yaml.safe_dump(self.model_dump(mode="json", by_alias=True, exclude_none=True),
                              sort_keys=False, allow_unicode=True)


def load_plan(path: Path) -> tuple[Plan | None, list[RulesError]]:
    """A plan file, or every problem in it with its line."""
    return load_file(path, Plan)
