"""A month's settlement: the vendor's and distributors' invoices and agency commissions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict

from settlement.commissions import AgencyCommission, agency_commission
from settlement.invoices import VENDOR, Invoice, LineSum, build_invoice
from settlement.partners import Partner, PartnerType, discount_rate
from settlement.periods import Month
from settlement.plan import Plan


class MonthSettlement(BaseModel):
    model_config = ConfigDict(frozen=True)

    period: str
    invoices: list[Invoice]
    agency_commissions: list[AgencyCommission]


def partner_order(partner_id: str) -> tuple[int, str]:
    """'P-9' before 'P-12'."""
    return len(partner_id), partner_id


def _by_bill_to(sums: Iterable[LineSum]) -> dict[str, list[LineSum]]:
    grouped: dict[str, list[LineSum]] = defaultdict(list)
    for line_sum in sums:
        grouped[line_sum.bill_to].append(line_sum)
    return grouped


def _issuer(partner: Partner) -> str:
    """Tier-2 resellers are invoiced by their distributor; everyone else by the vendor."""
    return partner.parent_id if partner.partner_type is PartnerType.tier2_reseller else VENDOR


def settle_month(month: Month, plan: Plan, partners: Mapping[str, Partner], billed: Iterable[LineSum],
                 agency_micros: Mapping[str, int]) -> MonthSettlement:
    """Invoices for every partner with usage in `billed`, commissions for every agency with usage.

    `billed` holds the vendor's lines (bill_to a direct reseller or distributor, a distributor's
    including its tier-2 resellers' customers) and the distributors' lines (bill_to a tier-2).
    """
    invoices = [
        build_invoice(_issuer(partners[bill_to]), bill_to, month, discount_rate(plan, partners[bill_to]),
                      plan.payment_terms_days, sums)
        for bill_to, sums in _by_bill_to(billed).items()
    ]
    invoices.sort(key=lambda i: (i.issuer != VENDOR, partner_order(i.issuer), partner_order(i.bill_to)))
    commissions = [agency_commission(partner_id, month.key, micros, plan.agency.commission_rate)
                   for partner_id, micros in sorted(agency_micros.items(), key=lambda i: partner_order(i[0]))]
    return MonthSettlement(period=month.key, invoices=invoices, agency_commissions=commissions)
