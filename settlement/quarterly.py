"""A quarter's commissions for direct resellers and distributors, and a plan's what-if beside it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from kernel.money import ZERO, Money, Rate
from kernel.partner_types import VENDOR_BILLED, PartnerType
from kernel.periods import Quarter
from settlement.commissions import QuarterlyCommission, agency_commission, commission_order, quarterly_commission
from settlement.monthly import partner_order
from settlement.partners import Partner, tier_of
from settlement.plan import Plan


class QuarterSettlement(BaseModel):
    model_config = ConfigDict(frozen=True)

    period: str
    commissions: list[QuarterlyCommission]


def settle_quarter(quarter: Quarter, plan: Plan, partners: Mapping[str, Partner],
                   performance: Mapping[str, int], adjustments: Iterable[QuarterlyCommission] = ()) -> QuarterSettlement:
    """`performance`: each vendor-billed partner's commissionable micro-units in the quarter;
    `adjustments`: differences paid for settled quarters (settlement/adjustments.py)."""
    commissions = [quarterly_commission(plan, partners[partner_id], micros) for partner_id, micros in performance.items()]
    return QuarterSettlement(period=quarter.key, commissions=sorted([*commissions, *adjustments], key=commission_order))


class CommissionBase(BaseModel):
    """A quarter's commissionable sums under one plan's list of non-commissionable products."""

    model_config = ConfigDict(frozen=True)

    quarterly: dict[str, int]
    """Direct reseller or distributor -> commissionable micro-units of the quarter."""
    agency_monthly: dict[str, list[int]]
    """Agency -> commissionable micro-units of each month of the quarter it had usage in."""


class CommissionableSum(NamedTuple):
    """A partner's commissionable micro-units of one product in one month (owned customers only)."""

    owner: str
    month: str
    product: str
    micros: int


def commission_base(sums: Iterable[CommissionableSum], partners: Mapping[str, Partner],
                    excluded: Iterable[str]) -> CommissionBase:
    """A quarter's sums under a list of non-commissionable products: agencies month by month,
    direct resellers and distributors (with their tier-2 resellers' customers) for the quarter.
    Every partner with usage is there, even when nothing of it is commissionable."""
    excluded = set(excluded)
    quarterly: dict[str, int] = {}
    monthly: dict[str, dict[str, int]] = {}
    for s in sums:
        partner = partners[s.owner]
        counted = 0 if s.product in excluded else s.micros
        if partner.partner_type is PartnerType.agency:
            months = monthly.setdefault(s.owner, {})
            months[s.month] = months.get(s.month, 0) + counted
        else:
            bill_to = partner.parent_id if partner.partner_type is PartnerType.tier2_reseller else s.owner
            quarterly[bill_to] = quarterly.get(bill_to, 0) + counted
    return CommissionBase(quarterly=quarterly,
                          agency_monthly={a: [m[k] for k in sorted(m)] for a, m in monthly.items()})


class Earned(BaseModel):
    model_config = ConfigDict(frozen=True)

    commissionable: Money = ZERO
    rate: Rate | None = None
    commission: Money = ZERO


class WhatIfRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    partner_id: str
    partner_type: str
    tier: str | None
    current: Earned
    whatif: Earned
    difference: Money


class Totals(BaseModel):
    model_config = ConfigDict(frozen=True)

    current: Money
    whatif: Money
    difference: Money


class WhatIf(BaseModel):
    model_config = ConfigDict(frozen=True)

    period: str
    current_plan: str
    whatif_plan: str
    partners: list[WhatIfRow]
    totals: Totals


def earnings(quarter: Quarter, plan: Plan, partners: Mapping[str, Partner],
             base: CommissionBase) -> dict[str, Earned]:
    """What each partner earns for the quarter under a plan; agencies' three months added up."""
    earned = {c.partner_id: Earned(commissionable=c.commissionable, rate=c.rate, commission=c.commission)
              for c in settle_quarter(quarter, plan, partners, base.quarterly).commissions}
    rate = plan.agency.commission_rate
    for partner_id, months in base.agency_monthly.items():
        monthly = [agency_commission(partner_id, quarter.key, micros, rate) for micros in months]
        earned[partner_id] = Earned(commissionable=sum((m.commissionable for m in monthly), ZERO), rate=rate,
                                    commission=sum((m.commission for m in monthly), ZERO))
    return earned


def compare(quarter: Quarter, partners: Mapping[str, Partner], current_plan: Plan, current: dict[str, Earned],
            whatif_plan: Plan, whatif: dict[str, Earned]) -> WhatIf:
    """Each partner's commission under both plans and the difference (what-if minus current)."""
    rows = []
    for partner_id in sorted(current.keys() | whatif.keys(), key=partner_order):
        now, then = current.get(partner_id, Earned()), whatif.get(partner_id, Earned())
        partner = partners[partner_id]
        tier = tier_of(current_plan, partner)[0] if partner.partner_type in VENDOR_BILLED else None
        rows.append(WhatIfRow(partner_id=partner_id, partner_type=partner.partner_type.value, tier=tier,
                              current=now, whatif=then, difference=then.commission - now.commission))
    total_now = sum((r.current.commission for r in rows), ZERO)
    total_then = sum((r.whatif.commission for r in rows), ZERO)
    return WhatIf(period=quarter.key, current_plan=current_plan.version, whatif_plan=whatif_plan.version,
                  partners=rows, totals=Totals(current=total_now, whatif=total_then,
                                               difference=total_then - total_now))
