"""Tier review: the highest tier each direct reseller and distributor earns by its trailing four
quarters' commissionable performance (the plan's `review_from` thresholds).

A tier is earned when the performance reaches its `review_from`; the type's default tier is
earned by everyone; a tier without `review_from` is given by a manager only and never proposed.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, RootModel

from kernel.money import Money, cents_of
from kernel.partner_types import VENDOR_BILLED
from kernel.periods import Month, Quarter
from settlement.monthly import partner_order
from settlement.partners import Partner
from settlement.plan import Plan, TieredTerms


class TierProposal(BaseModel):
    model_config = ConfigDict(frozen=True)

    partner_id: str
    tier: str
    proposed: str
    trailing_performance: Money


class TierReview(RootModel[list[TierProposal]]):
    """`partnerdesk tiers review`: one proposal per direct reseller and distributor."""


def trailing_months(quarter: Quarter) -> list[Month]:
    """The twelve months of the quarter and the three quarters before it, oldest first."""
    last = quarter.months[-1]
    count = last.year * 12 + last.month - 1
    return [Month(year=n // 12, month=n % 12 + 1) for n in range(count - 11, count + 1)]


def earned_tier(terms: TieredTerms, performance: Decimal) -> str:
    """The tier with the highest `review_from` the performance reaches; else the default."""
    reached = [(tier.review_from, name) for name, tier in terms.tiers.items()
               if tier.review_from is not None and performance >= tier.review_from]
    return max(reached, key=lambda r: r[0])[1] if reached else terms.default_tier


def propose(plan: Plan, partners: Mapping[str, Partner], performance: Mapping[str, int]) -> TierReview:
    """`performance`: each vendor-billed partner's commissionable micro-units of the trailing year."""
    proposals = []
    for partner in sorted((p for p in partners.values() if p.partner_type in VENDOR_BILLED),
                          key=lambda p: partner_order(p.partner_id)):
        terms = plan.tiered_terms(partner.partner_type)
        trailing = cents_of(performance.get(partner.partner_id, 0))
        proposals.append(TierProposal(partner_id=partner.partner_id, tier=partner.tier_in() or terms.default_tier,
                                      proposed=earned_tier(terms, trailing), trailing_performance=trailing))
    return TierReview(proposals)
