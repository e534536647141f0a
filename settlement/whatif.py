"""A plan's cost to the vendor beside another's: invoice discounts plus commissions, per partner.

The commission figures are the quarter's (agencies' three months added up); the discount is
what the vendor's invoices of the quarter's three months give each direct reseller and
distributor, line by line and rounded as on an invoice. A distributor's discounts to its tier-2
resellers are the distributor's, not the vendor's, so they are no part of the cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict

from kernel.money import ZERO, Money, Rate, cent_count_of, from_cent_count
from kernel.partner_types import VENDOR_BILLED, partner_key
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


class ComparedRates(BaseModel):
    """The commission rate under each plan (none where a plan pays the partner no commission)."""

    model_config = ConfigDict(frozen=True)

    current: Rate | None
    whatif: Rate | None


class WhatIfRow(BaseModel):
    """A partner's figures under both plans. `current`, `whatif` and `difference` are the
    commission, as in the totals (contract section 5); the commissionable performance and rate
    each plan finds beside them."""

    model_config = ConfigDict(frozen=True)

    partner_id: str
    partner_type: str
    tier: str | None
    current: Money
    whatif: Money
    difference: Money
    commissionable: Compared
    rate: ComparedRates
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


class VendorLines(NamedTuple):
    """The lines of the vendor's invoices of some months as arrays, grouped by invoice: the lines
    of `invoices[i]` (bill_to 'P-n', month) are `gross_cents[starts[i]:]` up to the next start.
    A quarter has a few hundred thousand lines and each plan applies its rates to all of them."""

    invoices: list[tuple[str, str]]
    starts: np.ndarray
    gross_cents: np.ndarray


SAFE_PRODUCT = 2 ** 62
"""Below this, a product of two int64 arrays (and twice it) cannot overflow."""


def _exact(values: np.ndarray, largest_factor: int) -> np.ndarray:
    """The values as int64 while multiplying them by up to `largest_factor` stays exact, else as
    Python integers (an object array: slower, never wrong)."""
    largest = int(np.abs(values).max(initial=0))
    return values if largest * max(largest_factor, 2) < SAFE_PRODUCT else values.astype(object)


def billed_lines(line_sums: Iterable[tuple[int, str, int]]) -> VendorLines:
    """The vendor's invoice lines from (bill_to's partner number, month, micro-units) per line (a
    distributor's include its tier-2 resellers' customers), rounded to cents as on an invoice,
    so each plan only applies its rates."""
    rows = list(line_sums)
    if not rows:
        return VendorLines([], np.zeros(0, np.int64), np.zeros(0, np.int64))
    numbers, months, micros = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
    month_keys = sorted(set(months))
    month_index = {key: index for index, key in enumerate(month_keys)}
    invoice = np.array(numbers, np.int64) * len(month_keys) + np.array([month_index[m] for m in months], np.int64)
    order = np.argsort(invoice, kind="stable")
    invoice = invoice[order]
    starts = np.flatnonzero(np.r_[True, invoice[1:] != invoice[:-1]])
    gross = cent_count_of(_exact(np.array(micros, np.int64)[order], 1))
    invoices = [(partner_key(int(key) // len(month_keys)), month_keys[int(key) % len(month_keys)])
                for key in invoice[starts]]
    return VendorLines(invoices, starts, gross)


def discounts(plans: Sequence[Plan], partners: Mapping[str, Partner], lines: VendorLines) -> list[dict[str, Decimal]]:
    """Each vendor-billed partner's invoice discounts of the months under each plan, each month at
    the rate of the tier in force in it, every line rounded as on an invoice."""
    counts = np.diff(np.r_[lines.starts, len(lines.gross_cents)])
    given: list[dict[str, Decimal]] = []
    for plan in plans:
        ratios = [discount_rate(plan, partners[bill_to], month).as_integer_ratio() for bill_to, month in lines.invoices]
        numerators = np.repeat(np.array([n for n, _ in ratios], np.int64), counts)
        denominators = np.repeat(np.array([d for _, d in ratios], np.int64), counts)
        largest = int(numerators.max(initial=0))
        cents = line_discount_cents(_exact(lines.gross_cents, largest), (numerators, denominators))
        per_invoice = np.add.reduceat(cents, lines.starts).tolist() if len(cents) else []
        totals: dict[str, int] = {}
        for (bill_to, _), invoice_cents in zip(lines.invoices, per_invoice):
            totals[bill_to] = totals.get(bill_to, 0) + int(invoice_cents)
        given.append({bill_to: from_cent_count(total) for bill_to, total in totals.items()})
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
            partner_id=partner_id, partner_type=partner.partner_type.value, tier=tier, current=now.commission,
            whatif=then.commission, difference=then.commission - now.commission,
            commissionable=Compared.of(now.commissionable, then.commissionable),
            rate=ComparedRates(current=now.rate, whatif=then.rate), discount=Compared.of(given_now, given_then),
            cost=Compared.of(now.commission + given_now, then.commission + given_then)))
    return WhatIf(period=quarter.key, current_plan=current.plan.version, whatif_plan=whatif.plan.version,
                  partners=rows, totals=_totals(rows))


def _totals(rows: list[WhatIfRow]) -> Totals:
    def total(figure) -> Decimal:
        return sum((figure(r) for r in rows), ZERO)

    commission = Compared.of(total(lambda r: r.current), total(lambda r: r.whatif))
    return Totals(current=commission.current, whatif=commission.whatif, difference=commission.difference,
                  discount=Compared.of(total(lambda r: r.discount.current), total(lambda r: r.discount.whatif)),
                  cost=Compared.of(total(lambda r: r.cost.current), total(lambda r: r.cost.whatif)))
