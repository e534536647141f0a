"""Tier-2 resellers: registered by a distributor, invoiced by it, never by the vendor.

A tier-2 reseller has no application of its own (the distributor vouches for it). Its
discount is its own rate when one is given, otherwise the plan's `tier2_default_discount`
at each settlement, so a change of the plan's default reaches every reseller without one.
A rate of its own is within the plan's bounds: from 0 up to the discount the distributor
itself gets from the vendor in its tier, so a distributor never sells below its own cost.
Its contact e-mail is checked like an applicant's; the contract's `tier2 add` does not name
one, so there it may be left out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel

from kernel.directory import PartnerRecord
from kernel.money import ZERO, Money, cents_of, decimal_from_text
from kernel.partner_types import PartnerType
from kernel.partner_types import parse_partner_key, partner_key
from kernel.periods import Month
from kernel.validation import email_address, shown
from partnerdesk.errors import InputError
from partnerdesk.standing import require_active
from partnerdesk.workspace import Workspace
from settlement.invoices import PaymentStatus, payment_status
from settlement.plan import Plan
from storage.uow import UnitOfWork


def _rate(text: str | Decimal | None, ceiling: Decimal) -> Decimal | None:
    """A rate of its own, read in the contract's decimal grammar like every other decimal."""
    if text is None or str(text).strip() == "":
        return None
    try:
        rate = decimal_from_text(str(text))
    except ValueError as error:
        raise InputError(f"--discount: {shown(text)} is not a decimal rate (0.07 is 7 %): it {error}") from None
    if not 0 <= rate <= ceiling:
        raise InputError(f"--discount: {shown(text)} must be a rate between 0 and {ceiling}, the distributor's "
                         f"own discount (0.07 is 7 %)")
    return rate


def _email(text: str | None) -> str | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return email_address(text)
    except ValueError as error:
        raise InputError(f"--email: {error}") from None


def _ceiling(plan: Plan, distributor: PartnerRecord) -> Decimal:
    tier = plan.distributor.tiers.get(distributor.tier or plan.distributor.default_tier)
    return tier.discount_rate if tier is not None else Decimal(1)


def register_tier2(uow: UnitOfWork, distributor: PartnerRecord, name: str, discount: str | Decimal | None,
                   plan: Plan, as_of: dt.date, at: dt.datetime, contact_email: str | None = None) -> PartnerRecord:
    """A tier-2 reseller under the distributor, inside the caller's unit of work; the one way in
    for the command and the page, so both refuse a distributor that is not active on `as_of`."""
    name = (name or "").strip()
    if not name:
        raise InputError("--name: the tier-2 reseller's name is required")
    if distributor.partner_type is not PartnerType.distributor:
        raise InputError(f"--distributor: {distributor.key} is not a distributor ({distributor.partner_type.value})")
    require_active(uow, distributor, as_of, "registering a tier-2 reseller")
    rate = _rate(discount, _ceiling(plan, distributor))
    email = _email(contact_email)
    if uow.partners.tier2_named(distributor.id, name) is not None:
        raise InputError(f"--name: {distributor.key} already has a tier-2 reseller named {shown(name)}")
    return uow.partners.add(PartnerType.tier2_reseller, name, distributor.territory, at.date(), at,
                            discount_rate=str(rate) if rate is not None else None, parent_id=distributor.id,
                            contact_email=email)


def add_tier2(ws: Workspace, distributor_id: str, name: str, discount: str | Decimal | None = None,
              at: dt.datetime | None = None, contact_email: str | None = None) -> str:
    """`tier2 add`: register a tier-2 reseller under a distributor; returns its 'P-n' id."""
    at = at or dt.datetime.now(dt.timezone.utc)
    plan = ws.plan()
    with ws.unit_of_work() as uow:
        parent_id = parse_partner_key(distributor_id or "")
        parent = uow.partners.get(parent_id) if parent_id is not None else None
        if parent is None:
            raise InputError(f"--distributor: {distributor_id!r} is not a known partner")
        return partner_key(register_tier2(uow, parent, name, discount, plan, at.date(), at, contact_email).id)


class ResellerInvoice(BaseModel):
    invoice_id: str
    period: str
    due_on: dt.date
    total: Money
    paid: Money
    balance: Money
    status: PaymentStatus


class ResellerCustomer(BaseModel):
    customer_id: str
    month_usage: Money


class ResellerOverview(BaseModel):
    """A tier-2 reseller as its distributor (or itself) sees it."""

    partner_id: str
    name: str
    contact_email: str | None
    discount_rate: str | None
    month: str
    month_usage: Money
    customers: list[ResellerCustomer]
    invoices: list[ResellerInvoice]


def _overview(uow: UnitOfWork, reseller: PartnerRecord, as_of: dt.date) -> ResellerOverview:
    month = Month.of(as_of).key
    usage = uow.ledgers.usage_by_customer([reseller.id], month)
    invoices = uow.ledgers.invoices_to([reseller.id])
    paid: dict[str, Decimal] = {}
    for payment in uow.ledgers.payments([i.invoice_id for i in invoices], as_of):
        paid[payment.invoice_id] = paid.get(payment.invoice_id, ZERO) + payment.amount
    shown_invoices = []
    for i in invoices:
        balance = i.total - paid.get(i.invoice_id, ZERO)
        shown_invoices.append(ResellerInvoice(invoice_id=i.invoice_id, period=i.period, due_on=i.due_on, total=i.total,
                                              paid=paid.get(i.invoice_id, ZERO), balance=balance,
                                              status=payment_status(balance, i.due_on, as_of)))
    customers = uow.customers.owned_on([reseller.id], as_of)
    return ResellerOverview(
        partner_id=reseller.key, name=reseller.name, contact_email=reseller.contact_email,
        discount_rate=reseller.discount_rate, month=month,
        month_usage=cents_of(sum(usage.values())), invoices=shown_invoices,
        customers=[ResellerCustomer(customer_id=c, month_usage=cents_of(usage.get((reseller.id, c), 0)))
                   for c in customers])


def resellers_of(ws: Workspace, partner_id: str, as_of: dt.date) -> list[ResellerOverview]:
    """A distributor's tier-2 resellers, or a tier-2 reseller itself; nobody else's."""
    with ws.reading() as uow:
        number = parse_partner_key(partner_id or "")
        partner = uow.partners.get(number) if number is not None else None
        if partner is None:
            raise InputError(f"partner_id: {partner_id!r} is not a known partner")
        if partner.partner_type is PartnerType.tier2_reseller:
            return [_overview(uow, partner, as_of)]
        return [_overview(uow, p, as_of) for p in uow.partners.list(PartnerType.tier2_reseller.value)
                if p.parent_id == partner.id]
