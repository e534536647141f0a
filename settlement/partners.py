"""Partners as settlement sees them: who is billed, at which discount, on which tier."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from kernel.directory import PartnerRecord
from kernel.partner_types import PartnerType, partner_key
from settlement.plan import Plan, Tier


class TermsMissing(ValueError):
    """The plan has no terms for a partner's tier (a what-if plan that dropped a tier)."""


class Partner(BaseModel):
    model_config = ConfigDict(frozen=True)

    partner_id: str
    partner_type: PartnerType
    tier: str | None = None
    """The tier it was approved with."""
    own_discount: Decimal | None = None
    parent_id: str | None = None
    tier_changes: tuple[tuple[str, str], ...] = ()
    """Managers' tier changes, oldest first: (the first month 'YYYY-MM' it applies to, tier)."""

    def tier_in(self, month: str | None = None) -> str | None:
        """The tier in force in a month ('YYYY-MM'; None: the latest): the last change in force
        by then, else the tier it was approved with. The one place a partner's tier is looked up."""
        tier = self.tier
        for first_month, changed_to in self.tier_changes:
            if month is None or first_month <= month:
                tier = changed_to
        return tier


def billing_partners(records: list[PartnerRecord],
                     tier_changes: Mapping[int, tuple[tuple[str, str], ...]]) -> dict[str, Partner]:
    """Every partner as settlement sees it, with its managers' tier changes, by its 'P-n' id."""
    return {record.key: Partner(
        partner_id=record.key, partner_type=record.partner_type, tier=record.tier,
        own_discount=Decimal(record.discount_rate) if record.discount_rate else None,
        parent_id=partner_key(record.parent_id) if record.parent_id else None,
        tier_changes=tier_changes.get(record.id, ())) for record in records}


def tier_of(plan: Plan, partner: Partner, month: str | None = None) -> tuple[str, Tier]:
    """The partner's tier name and terms in a month (None: the latest); a partner without a
    tier has the plan's default."""
    terms = plan.tiered_terms(partner.partner_type)
    if terms is None:
        raise TermsMissing(f"{partner.partner_id}: a {partner.partner_type.value} has no tier")
    name = partner.tier_in(month) or terms.default_tier
    if name not in terms.tiers:
        raise TermsMissing(f"plan {plan.version}: {partner.partner_type.value} tier {name!r} of "
                           f"{partner.partner_id} is not in the plan ({', '.join(terms.tiers)})")
    return name, terms.tiers[name]


def discount_rate(plan: Plan, partner: Partner, month: str | None = None) -> Decimal:
    """A tier-2 reseller's own rate or the plan's default; others their tier's rate in the month."""
    if partner.partner_type is PartnerType.tier2_reseller:
        return partner.own_discount if partner.own_discount is not None else plan.distributor.tier2_default_discount
    return tier_of(plan, partner, month)[1].discount_rate
