"""A quarter's commissions for direct resellers and distributors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from kernel.partner_types import PartnerType
from kernel.periods import Quarter
from settlement.commissions import QuarterlyCommission, commission_order, quarterly_commission
from settlement.partners import Partner
from settlement.plan import Plan


class QuarterSettlement(BaseModel):
    model_config = ConfigDict(frozen=True)

    period: str
    commissions: list[QuarterlyCommission]


def settle_quarter(quarter: Quarter, plan: Plan, partners: Mapping[str, Partner],
                   performance: Mapping[str, int], adjustments: Iterable[QuarterlyCommission] = ()) -> QuarterSettlement:
    """`performance`: each vendor-billed partner's commissionable micro-units in the quarter;
    `adjustments`: differences paid for settled quarters (settlement/adjustments.py). The tier
    is the one in force in the quarter's last month."""
    last_month = quarter.months[-1].key
    commissions = [quarterly_commission(plan, partners[partner_id], micros, last_month)
                   for partner_id, micros in performance.items()]
    return QuarterSettlement(period=quarter.key, commissions=sorted([*commissions, *adjustments], key=commission_order))


class CommissionBase(BaseModel):
    """A quarter's commissionable sums under one plan's list of non-commissionable products."""

    model_config = ConfigDict(frozen=True)

    quarterly: dict[str, int]
    """Direct reseller or distributor -> commissionable micro-units of the quarter."""
    agency_monthly: dict[str, list[int]]
    """Agency -> commissionable micro-units of each month of the quarter it had usage in."""


class CommissionableSum(NamedTuple):
    """A partner's commissionable micro-units in one month (owned customers only), the products
    that earn no commission under the plan left out."""

    owner: str
    month: str
    micros: int


def commission_base(sums: Iterable[CommissionableSum], partners: Mapping[str, Partner]) -> CommissionBase:
    """A quarter's sums: agencies month by month, direct resellers and distributors (with their
    tier-2 resellers' customers) for the quarter. Every partner with usage is there, even when
    nothing of it is commissionable."""
    quarterly: dict[str, int] = {}
    monthly: dict[str, dict[str, int]] = {}
    for s in sums:
        partner = partners[s.owner]
        if partner.partner_type is PartnerType.agency:
            months = monthly.setdefault(s.owner, {})
            months[s.month] = months.get(s.month, 0) + s.micros
        else:
            quarterly[bill_to(partner)] = quarterly.get(bill_to(partner), 0) + s.micros
    return CommissionBase(quarterly=quarterly,
                          agency_monthly={a: [m[k] for k in sorted(m)] for a, m in monthly.items()})


def bill_to(partner: Partner) -> str:
    """Whose commission a vendor-billed partner's or a tier-2 reseller's usage counts for."""
    return partner.parent_id if partner.partner_type is PartnerType.tier2_reseller else partner.partner_id


def vendor_billed_totals(totals: Mapping[str, int], partners: Mapping[str, Partner]) -> dict[str, int]:
    """Per direct reseller and distributor (with its tier-2 resellers' customers): the commissionable
    micro-units of partners' totals already summed over months and products (agencies left out)."""
    billed: dict[str, int] = {}
    for owner, micros in totals.items():
        partner = partners[owner]
        if partner.partner_type is not PartnerType.agency:
            billed[bill_to(partner)] = billed.get(bill_to(partner), 0) + micros
    return billed
