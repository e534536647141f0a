"""Credit control: how much a direct reseller or distributor may owe, and how much it does.

Exposure = the unpaid balance of the vendor's invoices to it + the gross of its usage not yet
invoiced. The limit is a manager's override when there is one, else its tier's `credit_limit`
in the plan; a tier without one sets no limit (nothing is available or over it).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from kernel.money import Money
from settlement.partners import Partner, tier_of
from settlement.plan import Plan


class CreditLine(BaseModel):
    """One partner's standing against its credit limit (`partnerdesk credit`)."""

    model_config = ConfigDict(frozen=True)

    partner_id: str
    credit_limit: Money | None
    unpaid: Money
    unbilled: Money
    exposure: Money
    available: Money | None
    over_limit: bool


def credit_limit(plan: Plan, partner: Partner, month: str, override: Decimal | None) -> Decimal | None:
    """A manager's override, else the limit of the tier in force in the month."""
    return override if override is not None else tier_of(plan, partner, month)[1].credit_limit


def credit_line(partner_id: str, limit: Decimal | None, unpaid: Decimal, unbilled: Decimal) -> CreditLine:
    exposure = unpaid + unbilled
    return CreditLine(partner_id=partner_id, credit_limit=limit, unpaid=unpaid, unbilled=unbilled,
                      exposure=exposure, available=None if limit is None else limit - exposure,
                      over_limit=limit is not None and exposure > limit)
