"""Commissions: agencies monthly on their customers' commissionable revenue, resellers and
distributors quarterly by the band their commissionable performance reaches.

The commissionable amount is the database's exact sum rounded half up to the cent; the
commission is that amount times the rate, rounded half up, and never negative (a quarter of
credits earns nothing rather than owing something).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from kernel.money import ZERO, Money, Rate, cents_of, to_cents
from settlement.partners import Partner, tier_of
from settlement.plan import Plan


class AgencyCommission(BaseModel):
    model_config = ConfigDict(frozen=True)

    partner_id: str
    period: str
    commissionable: Money
    rate: Rate
    commission: Money
    adjusts: str | None = Field(default=None, exclude_if=lambda month: month is None)
    """On an adjustment: the settled month whose late usage it pays (amounts are differences)."""


class QuarterlyCommission(BaseModel):
    model_config = ConfigDict(frozen=True)

    partner_id: str
    tier: str
    commissionable: Money
    rate: Rate
    commission: Money
    adjusts: str | None = Field(default=None, exclude_if=lambda quarter: quarter is None)
    """On an adjustment: the settled quarter recomputed with its late usage (amounts are differences)."""


def commission_order(commission: AgencyCommission | QuarterlyCommission) -> tuple:
    """By partner ('P-9' before 'P-12'), each partner's own entry before its adjustments."""
    return len(commission.partner_id), commission.partner_id, commission.adjusts or ""


def commission_on(commissionable: Decimal, rate: Decimal) -> Decimal:
    return max(ZERO, to_cents(commissionable * rate))


def agency_commission(partner_id: str, period: str, micros: int, rate: Decimal) -> AgencyCommission:
    commissionable = cents_of(micros)
    return AgencyCommission(partner_id=partner_id, period=period, commissionable=commissionable,
                            rate=rate, commission=commission_on(commissionable, rate))


def quarterly_commission(plan: Plan, partner: Partner, micros: int, month: str | None = None) -> QuarterlyCommission:
    """The highest band the performance reaches sets the rate for the whole amount; the tier is
    the one in force in `month` (the quarter's last)."""
    tier_name, tier = tier_of(plan, partner, month)
    commissionable = cents_of(micros)
    rate = tier.band_for(commissionable).rate
    return QuarterlyCommission(partner_id=partner.partner_id, tier=tier_name, commissionable=commissionable,
                               rate=rate, commission=commission_on(commissionable, rate))
