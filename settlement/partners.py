"""Partners as settlement sees them: who is billed, at which discount, on which tier."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from settlement.plan import Plan, Tier, TieredTerms


class PartnerType(StrEnum):
    agency = "agency"
    direct_reseller = "direct_reseller"
    distributor = "distributor"
    tier2_reseller = "tier2_reseller"


VENDOR_BILLED = (PartnerType.direct_reseller, PartnerType.distributor)
"""The partners the vendor invoices each month and pays quarterly commission."""


class TermsMissing(ValueError):
    """The plan has no terms for a partner's tier (a what-if plan that dropped a tier)."""


class Partner(BaseModel):
    model_config = ConfigDict(frozen=True)

    partner_id: str
    partner_type: PartnerType
    tier: str | None = None
    own_discount: Decimal | None = None
    parent_id: str | None = None


def _tiered_terms(plan: Plan, partner: Partner) -> TieredTerms:
    if partner.partner_type is PartnerType.direct_reseller:
        return plan.direct_reseller
    if partner.partner_type is PartnerType.distributor:
        return plan.distributor
    raise TermsMissing(f"{partner.partner_id}: a {partner.partner_type.value} has no tier")


def tier_of(plan: Plan, partner: Partner) -> tuple[str, Tier]:
    """The partner's tier name and terms; a partner without a tier has the plan's default."""
    terms = _tiered_terms(plan, partner)
    name = partner.tier or terms.default_tier
    if name not in terms.tiers:
        raise TermsMissing(f"plan {plan.version}: {partner.partner_type.value} tier {name!r} of "
                           f"{partner.partner_id} is not in the plan ({', '.join(terms.tiers)})")
    return name, terms.tiers[name]


def discount_rate(plan: Plan, partner: Partner) -> Decimal:
    """A tier-2 reseller's own rate or the plan's default; others their tier's rate."""
    if partner.partner_type is PartnerType.tier2_reseller:
        return partner.own_discount if partner.own_discount is not None else plan.distributor.tier2_default_discount
    return tier_of(plan, partner)[1].discount_rate
