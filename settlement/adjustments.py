"""Late lines settled as adjustments (contract section 5, "Periods, adjustments, credit and tiers").

A line dated in a settled month is settled by the next `settle month`: each invoice carries,
after its own lines, one adjustment line per customer, product and adjusted month; an agency
gets a separate commission entry per adjusted month. The next `settle quarter` recomputes each
settled quarter that has late lines and pays the difference. Every adjustment names the period
it adjusts; nothing issued earlier changes.

A month's late usage is billed as the contract describes it: per customer, product and adjusted
month, the late usage summed and rounded like any line, discounted at the rate the adjusted
month was settled with; an agency's late commissionable usage is rounded to the cent and earns
the rate the month was paid with, as an entry of its own. A quarter is different: it is
recomputed with its late usage (the band chosen again) and the difference is paid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from kernel.money import ZERO, Money, cents_of, to_cents
from kernel.partner_types import VENDOR_BILLED, PartnerType
from kernel.periods import Quarter
from settlement.commissions import AgencyCommission, QuarterlyCommission, quarterly_commission
from settlement.invoices import InvoiceLine, discounted_line
from settlement.monthly import OwnerSum, billed_sums, partner_order
from settlement.partners import Partner
from settlement.plan import Plan

MonthSum = tuple[str, str, str, str, int]
"""(month, owner 'P-n', customer, product, micro-units): usage of a settled month."""


class Paid(BaseModel):
    """What a partner was paid for a settled period so far: its entry and the adjustments since."""

    model_config = ConfigDict(frozen=True)

    tier: str | None
    rate: Decimal
    commissionable: Money = ZERO
    commission: Money = ZERO


def _by_month(sums: Iterable[MonthSum]) -> dict[str, list[OwnerSum]]:
    months: dict[str, list[OwnerSum]] = defaultdict(list)
    for month, owner, customer, product, micros in sums:
        months[month].append((owner, customer, product, micros))
    return months


def invoice_adjustments(partners: Mapping[str, Partner], late: Iterable[MonthSum],
                        rate_of: Callable[[str, str], Decimal]) -> dict[str, list[InvoiceLine]]:
    """Per bill_to, an adjustment line per customer, product and settled month with late usage
    not yet settled (`late`, per month, owner, customer and product): that usage summed and
    rounded like any line, discounted at `rate_of(month, bill_to)`, the rate the month was
    settled with."""
    late_months = _by_month(late)
    lines: dict[str, list[InvoiceLine]] = defaultdict(list)
    for month in sorted(late_months):
        for bill_to, arrived in billed_sums(partners, late_months[month]).items():
            rate = rate_of(month, bill_to)
            lines[bill_to] += [discounted_line(customer_id, product, cents_of(arrived[customer_id, product]), rate,
                                               adjusts=month) for customer_id, product in sorted(arrived)]
    return lines


def agency_adjustments(period: str, partners: Mapping[str, Partner], late: Mapping[tuple[str, str], int],
                       paid: Mapping[tuple[str, str], Paid], rates: Mapping[str, Decimal]) -> list[AgencyCommission]:
    """An entry, settled in `period`, per agency and settled month with late commissionable usage
    (`late`: (month, owner) -> its micro-units not yet settled, the products that earn none
    under the month's plan left out): that usage rounded to the cent times the rate the month was
    paid with (`paid`, by (month, agency); when the agency had no entry, the agency rate of the
    plan the month was settled with, `rates` by month), rounded half up. A late credit takes back
    what its usage earned: the entry is negative."""
    entries = []
    for (month, agency), micros in sorted(late.items(), key=lambda item: (partner_order(item[0][1]), item[0][0])):
        if partners[agency].partner_type is not PartnerType.agency or not micros:
            continue
        month_rate = paid[month, agency].rate if (month, agency) in paid else rates[month]
        commissionable = cents_of(micros)
        entries.append(AgencyCommission(partner_id=agency, period=period, commissionable=commissionable,
                                        rate=month_rate, commission=to_cents(commissionable * month_rate),
                                        adjusts=month))
    return entries


def bill_to_of(partner: Partner) -> str | None:
    """Whose quarterly commission a partner's customers count for: its own, its distributor's
    (a tier-2 reseller), or none (an agency)."""
    if partner.partner_type is PartnerType.tier2_reseller:
        return partner.parent_id
    return partner.partner_id if partner.partner_type in VENDOR_BILLED else None


def quarter_adjustments(plan: Plan, partners: Mapping[str, Partner], quarter: str, performance: Mapping[str, int],
                        paid: Mapping[str, Paid]) -> list[QuarterlyCommission]:
    """A settled quarter recomputed for the partners with late usage in it (`performance`: their
    commissionable micro-units of the quarter now): the band chosen again on the new total, on
    the tier the quarter was settled with (a manager's later change does not reach back; a
    partner paid nothing then has the tier in force in the quarter's last month), and the
    difference to what was paid as an entry."""
    last_month, entries = Quarter.parse(quarter).months[-1].key, []
    for partner_id in sorted(performance, key=partner_order):
        partner, before = partners[partner_id], paid.get(partner_id)
        if before is not None and before.tier:
            partner = partner.model_copy(update={"tier": before.tier, "tier_changes": ()})
        now = quarterly_commission(plan, partner, performance[partner_id], last_month)
        before = before or Paid(tier=now.tier, rate=now.rate)
        if (now.commissionable, now.commission) != (before.commissionable, before.commission):
            entries.append(QuarterlyCommission(
                partner_id=partner_id, tier=now.tier, commissionable=now.commissionable - before.commissionable,
                rate=now.rate, commission=now.commission - before.commission, adjusts=quarter))
    return entries
