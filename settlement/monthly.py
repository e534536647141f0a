"""A month's settlement: the vendor's and distributors' invoices and agency commissions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from settlement.commissions import AgencyCommission, agency_commission
from settlement.invoices import VENDOR, Invoice, LineSum, build_invoice
from settlement.partners import VENDOR_BILLED, Partner, PartnerType, discount_rate
from settlement.periods import Month
from settlement.plan import Plan


class UsageSum(NamedTuple):
    """A month's usage of one customer and product while one partner owned the customer."""

    month: str
    owner: str
    customer_id: str
    product: str
    micros: int
    commissionable_micros: int


class MonthSettlement(BaseModel):
    model_config = ConfigDict(frozen=True)

    period: str
    invoices: list[Invoice]
    agency_commissions: list[AgencyCommission]


def partner_order(partner_id: str) -> tuple[int, str]:
    """'P-9' before 'P-12'."""
    return len(partner_id), partner_id


def billed_sums(partners: Mapping[str, Partner], sums: Iterable[UsageSum]) -> list[LineSum]:
    """The month's invoice lines before rounding: the vendor's to each direct reseller and
    distributor (a distributor's including its tier-2 resellers' customers) and each
    distributor's to its tier-2 resellers. A customer that changed owner within the month has
    a sum per owner; those billed to the same partner make one line."""
    billed: dict[tuple[str, str, str], int] = defaultdict(int)
    for s in sums:
        partner = partners[s.owner]
        if partner.partner_type is PartnerType.tier2_reseller:
            billed[partner.parent_id, s.customer_id, s.product] += s.micros
            billed[s.owner, s.customer_id, s.product] += s.micros
        elif partner.partner_type in VENDOR_BILLED:
            billed[s.owner, s.customer_id, s.product] += s.micros
    return [LineSum(*key, micros) for key, micros in billed.items()]


def agency_sums(partners: Mapping[str, Partner], sums: Iterable[UsageSum], excluded: Iterable[str]) -> dict[str, int]:
    """Each agency with usage in the month: its customers' commissionable micro-units."""
    excluded = set(excluded)
    agencies: dict[str, int] = {}
    for s in sums:
        if partners[s.owner].partner_type is PartnerType.agency:
            counted = 0 if s.product in excluded else s.commissionable_micros
            agencies[s.owner] = agencies.get(s.owner, 0) + counted
    return agencies


def _by_bill_to(sums: Iterable[LineSum]) -> dict[str, list[LineSum]]:
    grouped: dict[str, list[LineSum]] = defaultdict(list)
    for line_sum in sums:
        grouped[line_sum.bill_to].append(line_sum)
    return grouped


def _issuer(partner: Partner) -> str:
    """Tier-2 resellers are invoiced by their distributor; everyone else by the vendor."""
    return partner.parent_id if partner.partner_type is PartnerType.tier2_reseller else VENDOR


def settle_month(month: Month, plan: Plan, partners: Mapping[str, Partner], sums: Sequence[UsageSum]) -> MonthSettlement:
    """Invoices for every partner billed for usage in `sums`, commissions for every agency with usage.

    `sums`: the month's usage per owner (a partner id), customer and product.
    """
    invoices = [
        build_invoice(_issuer(partners[bill_to]), bill_to, month, discount_rate(plan, partners[bill_to]),
                      plan.payment_terms_days, lines)
        for bill_to, lines in _by_bill_to(billed_sums(partners, sums)).items()
    ]
    invoices.sort(key=lambda i: (i.issuer != VENDOR, partner_order(i.issuer), partner_order(i.bill_to)))
    agencies = agency_sums(partners, sums, plan.non_commissionable_products)
    commissions = [agency_commission(partner_id, month.key, micros, plan.agency.commission_rate)
                   for partner_id, micros in sorted(agencies.items(), key=lambda i: partner_order(i[0]))]
    return MonthSettlement(period=month.key, invoices=invoices, agency_commissions=commissions)
