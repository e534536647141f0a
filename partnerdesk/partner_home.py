"""A signed-in partner's home: who it is and how its business stands on a day.

Usage counts the customers the partner's invoices cover (a distributor's with its tier-2
resellers'); the quarter's commissionable performance leaves out the plan's
non-commissionable products, as settling the quarter does. A tier-2 reseller earns no
commission of its own, so it has no band.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from kernel.channel import Standing
from kernel.money import ZERO, Money, cents_of
from kernel.partner_types import VENDOR_BILLED, PartnerType, partner_key
from kernel.periods import Month
from partnerdesk.credit import family_credit_line
from partnerdesk.standing import find_partner, standing_on
from partnerdesk.tiers import tier_in_force
from partnerdesk.workspace import Workspace
from settlement.credit import CreditLine
from settlement.invoices import PaymentStatus, payment_status
from settlement.progress import BandProgress, agency_progress, band_progress
from storage.uow import UnitOfWork


class MonthUsage(BaseModel):
    month: str
    usage: Money


class OpenInvoice(BaseModel):
    invoice_id: str
    period: str
    due_on: dt.date
    total: Money
    balance: Money
    status: PaymentStatus


class PartnerHome(BaseModel):
    partner_id: str
    name: str
    partner_type: PartnerType
    tier: str | None
    territory: str | None
    distributor_id: str | None
    standing: Standing
    as_of: dt.date
    month: str
    month_usage: Money
    quarter: str
    progress: BandProgress | None
    balance: Money
    unpaid: list[OpenInvoice]
    credit: CreditLine | None
    usage_by_month: list[MonthUsage]


def last_months(month: Month, count: int) -> list[Month]:
    months = [month]
    while len(months) < count:
        first = months[0]
        months.insert(0, Month(year=first.year - (first.month == 1), month=12 if first.month == 1 else first.month - 1))
    return months


def covered_ids(uow: UnitOfWork, partner) -> list[int]:
    """The partner and, for a distributor, its tier-2 resellers: whose customers its invoices cover."""
    if partner.partner_type is not PartnerType.distributor:
        return [partner.id]
    return [p.id for p in uow.partners.family(partner.id)]


def _progress(ws: Workspace, uow: UnitOfWork, partner, ids: list[int], month: Month) -> BandProgress | None:
    """Towards the quarter's commission: a tiered partner's on the bands of the tier the quarter
    is settled at, its last month's."""
    if partner.partner_type is PartnerType.tier2_reseller:
        return None
    plan = ws.plan()
    quarter_months = [m for m in month.quarter.months if m.key <= month.key]
    performance = cents_of(sum(uow.usage.commissionable_totals(quarter_months, plan.non_commissionable_products,
                                                               ids).values()))
    if partner.partner_type is PartnerType.agency:
        return agency_progress(plan.agency.commission_rate, performance)
    return band_progress(tier_in_force(uow, plan, partner, month.quarter.months[-1].key)[1], performance)


def _unpaid(uow: UnitOfWork, partner_id: int, as_of: dt.date) -> list[OpenInvoice]:
    invoices = uow.ledgers.invoices_to([partner_id])
    paid: dict[str, object] = {}
    for payment in uow.ledgers.payments([i.invoice_id for i in invoices], as_of):
        paid[payment.invoice_id] = paid.get(payment.invoice_id, ZERO) + payment.amount
    found = []
    for invoice in invoices:
        balance = invoice.total - paid.get(invoice.invoice_id, ZERO)
        if balance > 0 and invoice.issued_on <= as_of:
            found.append(OpenInvoice(invoice_id=invoice.invoice_id, period=invoice.period, due_on=invoice.due_on,
                                     total=invoice.total, balance=balance,
                                     status=payment_status(balance, invoice.due_on, as_of)))
    return found


def home(ws: Workspace, partner_id: str, as_of: dt.date) -> PartnerHome:
    with ws.reading() as uow:
        partner = find_partner(uow, partner_id)
        ids = covered_ids(uow, partner)
        month = Month.of(as_of)
        months = last_months(month, 12)
        usage = uow.ledgers.usage_by_month(ids, [m.key for m in months])
        unpaid = _unpaid(uow, partner.id, as_of)
        tier = tier_in_force(uow, ws.plan(), partner, month.key)
        return PartnerHome(
            partner_id=partner.key, name=partner.name, partner_type=partner.partner_type,
            tier=tier[0] if tier else None,
            territory=partner.territory, distributor_id=partner_key(partner.parent_id) if partner.parent_id else None,
            standing=standing_on(uow, partner, as_of), as_of=as_of, month=month.key,
            month_usage=cents_of(usage.get(month.key, 0)), quarter=month.quarter.key,
            progress=_progress(ws, uow, partner, ids, month), balance=sum((i.balance for i in unpaid), ZERO),
            unpaid=unpaid, credit=family_credit_line(ws, uow, partner.key, as_of) if partner.partner_type in VENDOR_BILLED else None,
            usage_by_month=[MonthUsage(month=m.key, usage=cents_of(usage.get(m.key, 0))) for m in months])
