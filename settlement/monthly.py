"""A month's settlement: the vendor's and distributors' invoices and agency commissions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict

from kernel.partner_types import VENDOR_BILLED, PartnerType
from kernel.periods import Month
from settlement.commissions import AgencyCommission, agency_commission, commission_order
from settlement.invoices import VENDOR, Invoice, InvoiceLine, build_invoice
from settlement.partners import Partner, discount_rate
from settlement.plan import Plan


OwnerSum = tuple[str, str, str, int]
"""A month's usage of one customer and product while one partner owned the customer: (owner,
customer_id, product, micros). A plain tuple: a month has a few hundred thousand, and building
a NamedTuple each took as long as reading them."""


class MonthSettlement(BaseModel):
    model_config = ConfigDict(frozen=True)

    period: str
    invoices: list[Invoice]
    agency_commissions: list[AgencyCommission]


def partner_order(partner_id: str) -> tuple[int, str]:
    """'P-9' before 'P-12'."""
    return len(partner_id), partner_id


def _billed_to(partners: Mapping[str, Partner], owner: str) -> tuple[str, ...]:
    """The invoices an owner's usage goes on: a tier-2 reseller's on its distributor's and its
    own, a direct reseller's or distributor's on its own, an agency's on none."""
    partner = partners[owner]
    if partner.partner_type is PartnerType.tier2_reseller:
        return partner.parent_id, owner
    return (owner,) if partner.partner_type in VENDOR_BILLED else ()


def billed_sums(partners: Mapping[str, Partner], sums: Iterable[OwnerSum]) -> dict[str, dict[tuple[str, str], int]]:
    """Per invoice (by its bill_to), (customer, product) -> micro-units before rounding: the
    vendor's invoices to each direct reseller and distributor (a distributor's including its
    tier-2 resellers' customers) and each distributor's to its tier-2 resellers. A customer that
    changed owner within the month has a sum per owner; those billed to the same partner add up.
    Usage of other owners (agencies) is on no invoice. Each owner's invoices are looked up once,
    not once per sum (a month has a few hundred thousand)."""
    invoices: dict[str, dict[tuple[str, str], int]] = {}
    owners: dict[str, tuple[dict[tuple[str, str], int], ...]] = {}
    for owner, customer_id, product, micros in sums:
        billed = owners.get(owner)
        if billed is None:
            billed = owners[owner] = tuple(invoices.setdefault(b, {}) for b in _billed_to(partners, owner))
        line = customer_id, product
        for lines in billed:
            lines[line] = lines.get(line, 0) + micros
    return invoices


def _issuer(partner: Partner) -> str:
    """Tier-2 resellers are invoiced by their distributor; everyone else by the vendor."""
    return partner.parent_id if partner.partner_type is PartnerType.tier2_reseller else VENDOR


def settle_month(month: Month, plan: Plan, partners: Mapping[str, Partner], sums: Iterable[OwnerSum],
                 agency_micros: Mapping[str, int], adjustments: Mapping[str, list[InvoiceLine]] | None = None,
                 agency_adjustments: Iterable[AgencyCommission] = ()) -> MonthSettlement:
    """Invoices for every partner billed for usage in `sums`, commissions for every agency in
    `agency_micros` (its customers' commissionable micro-units of the month under the plan).
    Adjustments of earlier months (settlement/adjustments.py) go on the partner's invoice after
    its own lines, and beside the agency's own commission entry."""
    adjustments = adjustments or {}
    billed = billed_sums(partners, sums)
    invoices = [
        build_invoice(_issuer(partners[bill_to]), bill_to, month, discount_rate(plan, partners[bill_to], month.key),
                      plan.payment_terms_days, billed.get(bill_to, {}), adjustments.get(bill_to, ()))
        for bill_to in [*billed, *(b for b in adjustments if b not in billed)]
    ]
    invoices.sort(key=lambda i: (i.issuer != VENDOR, partner_order(i.issuer), partner_order(i.bill_to)))
    commissions = [agency_commission(partner_id, month.key, micros, plan.agency.commission_rate)
                   for partner_id, micros in agency_micros.items()]
    commissions = sorted([*commissions, *agency_adjustments], key=commission_order)
    return MonthSettlement(period=month.key, invoices=invoices, agency_commissions=commissions)
