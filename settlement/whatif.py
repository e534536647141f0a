"""A plan's cost to the vendor beside another's: invoice discounts plus commissions, per partner.

The commission figures are the quarter's (agencies' three months added up); the discount is
what the vendor's invoices of the quarter's three months give each direct reseller and
distributor, line by line and rounded as on an invoice. A distributor's discounts to its tier-2
resellers are the distributor's, not the vendor's, so they are no part of the cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from kernel.money import ZERO, Money, Rate, cent_count_of, from_cent_count
from kernel.partner_types import VENDOR_BILLED
from kernel.periods import Quarter
from settlement.commissions import agency_commission
from settlement.invoices import line_discount_cents
from settlement.monthly import partner_order
from settlement.partners import Partner, discount_rate, tier_of
from settlement.plan import Plan
from settlement.quarterly import CommissionBase, settle_quarter


class Earned(BaseModel):
    model_config = ConfigDict(frozen=True)

    commissionable: Money = ZERO
    rate: Rate | None = None
    commission: Money = ZERO


class Compared(BaseModel):
    """One figure under the plan in force and under the what-if plan; difference = what-if - current."""

    model_config = ConfigDict(frozen=True)

    current: Money
    whatif: Money
    difference: Money

    @classmethod
    def of(cls, current: Decimal, whatif: Decimal) -> "Compared":
        return cls(current=current, whatif=whatif, difference=whatif - current)


class WhatIfRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    partner_id: str
    partner_type: str
    tier: str | None
    current: Earned
    whatif: Earned
    difference: Money
    discount: Compared
    cost: Compared


class Totals(BaseModel):
    model_config = ConfigDict(frozen=True)

    current: Money
    whatif: Money
    difference: Money
    discount: Compared
    cost: Compared


class WhatIf(BaseModel):
    model_config = ConfigDict(frozen=True)

    period: str
    current_plan: str
    whatif_plan: str
    partners: list[WhatIfRow]
    totals: Totals


BilledLines = dict[str, dict[str, list[int]]]
"""Vendor-billed partner -> month -> the gross cents of each line of its vendor invoice of the month."""


def discount_cents(gross_cents: Iterable[int], rate: Decimal) -> int:
    """The discounts in cents of lines of these gross cents, each rounded as on an invoice."""
    ratio = rate.as_integer_ratio()
    return sum(line_discount_cents(gross, ratio) for gross in gross_cents)


def billed_lines(line_sums: Mapping[str, Mapping[str, Iterable[int]]]) -> BilledLines:
    """The lines of the vendor's invoices of each month (bill_to -> month -> each line's
    micro-units; a distributor's include its tier-2 resellers' customers), kept as their rounded
    gross so each plan only applies its rates."""
    return {bill_to: {month: [cent_count_of(micros) for micros in sums] for month, sums in months.items()}
            for bill_to, months in line_sums.items()}


def discounts(plans: Sequence[Plan], partners: Mapping[str, Partner], lines: BilledLines) -> list[dict[str, Decimal]]:
    """Each vendor-billed partner's invoice discounts of the quarter under each plan, each month
    at the rate of the tier in force in it. A rate the plans share for a partner's month is
    applied to its lines once."""
    given: list[dict[str, Decimal]] = [{} for _ in plans]
    for partner_id, months in lines.items():
        cents = [0] * len(plans)
        for month, grosses in months.items():
            applied: dict[Decimal, int] = {}
            for index, plan in enumerate(plans):
                rate = discount_rate(plan, partners[partner_id], month)
                if rate not in applied:
                    applied[rate] = discount_cents(grosses, rate)
                cents[index] += applied[rate]
        for plan_given, plan_cents in zip(given, cents):
            plan_given[partner_id] = from_cent_count(plan_cents)
    return given


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


class PlanCost(BaseModel):
    """What a plan pays partners for a quarter: commissions and the vendor's invoice discounts."""

    model_config = ConfigDict(frozen=True)

    plan: Plan
    earned: dict[str, Earned]
    discounts: dict[str, Decimal]


def compare(quarter: Quarter, partners: Mapping[str, Partner], current: PlanCost, whatif: PlanCost) -> WhatIf:
    """Each partner's commission, discount and cost under both plans, and the totals."""
    rows, last_month = [], quarter.months[-1].key
    for partner_id in sorted({*current.earned, *whatif.earned, *current.discounts, *whatif.discounts},
                             key=partner_order):
        now, then = current.earned.get(partner_id, Earned()), whatif.earned.get(partner_id, Earned())
        given_now, given_then = current.discounts.get(partner_id, ZERO), whatif.discounts.get(partner_id, ZERO)
        partner = partners[partner_id]
        tier = tier_of(current.plan, partner, last_month)[0] if partner.partner_type in VENDOR_BILLED else None
        rows.append(WhatIfRow(
            partner_id=partner_id, partner_type=partner.partner_type.value, tier=tier, current=now, whatif=then,
            difference=then.commission - now.commission, discount=Compared.of(given_now, given_then),
            cost=Compared.of(now.commission + given_now, then.commission + given_then)))
    return WhatIf(period=quarter.key, current_plan=current.plan.version, whatif_plan=whatif.plan.version,
                  partners=rows, totals=_totals(rows))


def _totals(rows: list[WhatIfRow]) -> Totals:
    def total(figure) -> Decimal:
        return sum((figure(r) for r in rows), ZERO)

    commission = Compared.of(total(lambda r: r.current.commission), total(lambda r: r.whatif.commission))
    return Totals(current=commission.current, whatif=commission.whatif, difference=commission.difference,
                  discount=Compared.of(total(lambda r: r.discount.current), total(lambda r: r.discount.whatif)),
                  cost=Compared.of(total(lambda r: r.cost.current), total(lambda r: r.cost.whatif)))
