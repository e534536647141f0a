"""How far a quarter's commissionable performance has come: the band it reaches, what is
missing to the next band, and the commission at each (contract section 5's bands)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from kernel.money import ZERO, Money, Rate, to_cents
from settlement.commissions import commission_on
from settlement.plan import Tier


class BandProgress(BaseModel):
    model_config = ConfigDict(frozen=True)

    performance: Money
    band_from: Money
    rate: Rate
    commission: Money
    next_band_from: Money | None
    to_next_band: Money | None
    next_rate: Rate | None
    commission_at_next_band: Money | None


def band_progress(tier: Tier, performance: Decimal) -> BandProgress:
    """The band the performance (rounded to cents) reaches and, when there is one, the next band:
    how much more it needs and the commission it would earn on reaching exactly that amount."""
    amount = to_cents(performance)
    band = tier.band_for(amount)
    higher = [b for b in tier.commission if b.start > amount]
    nxt = higher[0] if higher else None
    return BandProgress(
        performance=amount, band_from=to_cents(band.start), rate=band.rate, commission=commission_on(amount, band.rate),
        next_band_from=to_cents(nxt.start) if nxt else None, to_next_band=to_cents(nxt.start - amount) if nxt else None,
        next_rate=nxt.rate if nxt else None, commission_at_next_band=commission_on(nxt.start, nxt.rate) if nxt else None)


def agency_progress(rate: Decimal, performance: Decimal) -> BandProgress:
    """An agency earns one rate on all of it: a single band from 0."""
    amount = to_cents(performance)
    return BandProgress(performance=amount, band_from=ZERO, rate=rate, commission=commission_on(amount, rate),
                        next_band_from=None, to_next_band=None, next_rate=None, commission_at_next_band=None)
