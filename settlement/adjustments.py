"""Late lines settled as adjustments (contract section 5, "Periods, adjustments, credit and tiers").

A line dated in a settled month is settled by the next `settle month`: each invoice carries,
after its own lines, one adjustment line per customer, product and adjusted month; an agency
gets a separate commission entry per adjusted month. The next `settle quarter` recomputes each
settled quarter that has late lines and pays the difference. Every adjustment names the period
it adjusts; nothing issued earlier changes.

An adjustment is the difference between what the period comes to now and what was issued for
it, so a month's lines and its adjustments always add up to what the month would have been with
all its lines at once, to the cent: an invoice adjustment line's gross is the month's line now,
rounded, minus the line as invoiced so far (the same as rounding the late usage whenever
amounts are whole cents).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from kernel.money import ZERO, Money, cents_of
from kernel.partner_types import VENDOR_BILLED, PartnerType
from settlement.commissions import AgencyCommission, QuarterlyCommission, commission_on, quarterly_commission
from settlement.invoices import InvoiceLine, discounted_line
from settlement.monthly import OwnerSum, billed_sums, partner_order
from settlement.partners import Partner
from settlement.plan import Plan
from settlement.quarterly import CommissionableSum

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


def invoice_adjustments(partners: Mapping[str, Partner], late: Iterable[MonthSum], now: Iterable[MonthSum],
                        rate_of: Callable[[str, str], Decimal]) -> dict[str, list[InvoiceLine]]:
    """Per bill_to, the adjustment lines for late usage not yet settled (none where the late
    usage leaves the line's cents as they were invoiced).

    `late`: the late usage per settled month, owner, customer and product; `now`: every owner's
    usage of those months, customers and products as it stands, late usage included;
    `rate_of(month, bill_to)`: the discount rate that month was settled with."""
    late_months, now_months = _by_month(late), _by_month(now)
    lines: dict[str, list[InvoiceLine]] = defaultdict(list)
    for month in sorted(late_months):
        current = billed_sums(partners, now_months[month])
        for bill_to, arrived in billed_sums(partners, late_months[month]).items():
            rate = rate_of(month, bill_to)
            for customer_id, product in sorted(arrived):
                total = current.get(bill_to, {}).get((customer_id, product), 0)
                gross = cents_of(total) - cents_of(total - arrived[customer_id, product])
                if gross:
                    lines[bill_to].append(discounted_line(customer_id, product, gross, rate, adjusts=month))
    return lines


def agency_adjustments(period: str, partners: Mapping[str, Partner], late_owners: Iterable[tuple[str, str]],
                       now: Iterable[CommissionableSum], paid: Mapping[tuple[str, str], Paid],
                       rate: Decimal) -> list[AgencyCommission]:
    """An entry per agency and settled month it has late usage in, settled in `period`: the
    month's commission recomputed now minus what was paid for it (`paid`, by (month, agency)),
    at the rate the month was paid with (`rate` when the agency had no entry); `now`: the
    commissionable sums as they stand, the plan's products that earn none left out."""
    wanted = {(month, owner) for month, owner in late_owners if partners[owner].partner_type is PartnerType.agency}
    micros: dict[tuple[str, str], int] = defaultdict(int)
    for s in now:
        if (s.month, s.owner) in wanted:
            micros[s.month, s.owner] += s.micros
    entries = []
    for month, agency in sorted(wanted, key=lambda k: (partner_order(k[1]), k[0])):
        before = paid.get((month, agency), Paid(tier=None, rate=rate))
        commissionable = cents_of(micros[month, agency])
        commission = commission_on(commissionable, before.rate)
        if (commissionable, commission) != (before.commissionable, before.commission):
            entries.append(AgencyCommission(
                partner_id=agency, period=period, commissionable=commissionable - before.commissionable,
                rate=before.rate, commission=commission - before.commission, adjusts=month))
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
    the tier the quarter was settled with, and the difference to what was paid as an entry."""
    entries = []
    for partner_id in sorted(performance, key=partner_order):
        partner, before = partners[partner_id], paid.get(partner_id)
        if before is not None and before.tier:
            partner = partner.model_copy(update={"tier": before.tier})
        now = quarterly_commission(plan, partner, performance[partner_id])
        before = before or Paid(tier=now.tier, rate=now.rate)
        if (now.commissionable, now.commission) != (before.commissionable, before.commission):
            entries.append(QuarterlyCommission(
                partner_id=partner_id, tier=now.tier, commissionable=now.commissionable - before.commissionable,
                rate=now.rate, commission=now.commission - before.commission, adjusts=quarter))
    return entries
