"""A partner's statement for a month or a quarter: the invoices to it (and, for a distributor,
the invoices it issued to its tier-2 resellers) with their lines and payments, what is still
owed, and its commissions. The CSV and PDF documents (`statement_documents`) show these figures.

Payments and balances are counted on `as_of` (payments dated on or before it). A month's
statement holds that month's invoices and, for an agency, its commission; a quarter's the
invoices of its three months, an agency's three monthly commissions, a reseller's or
distributor's quarterly commission. Adjustments settled in the period for earlier ones are
part of it (contract section 5): invoice lines name the month they adjust, and the commission
adjustments settled in the period are listed with the period they adjust and counted in the
total, so the statement adds up to what was paid in it.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from kernel.money import ZERO, Money, Rate
from kernel.partner_types import PartnerType
from kernel.periods import Month, Quarter, parse_period
from partnerdesk.errors import InputError
from partnerdesk.standing import find_partner
from partnerdesk.tiers import tier_in_force
from partnerdesk.workspace import Workspace
from settlement.invoices import Invoice, InvoiceBalance, payment_status
from settlement.plan import Plan
from storage.uow import UnitOfWork


class StatementPayment(BaseModel):
    invoice_id: str
    paid_on: dt.date
    amount: Money


class StatementInvoice(InvoiceBalance, Invoice):
    """An invoice with its lines and its balance on the statement's day."""


class StatementCommission(BaseModel):
    period: str
    tier: str | None
    commissionable: Money
    rate: Rate
    commission: Money
    adjusts: str | None = Field(default=None, exclude_if=lambda period: period is None)
    """On an adjustment settled in `period`: the earlier period it pays for (amounts are differences)."""


class Statement(BaseModel):
    partner_id: str
    partner_name: str
    partner_type: PartnerType
    tier: str | None
    period: str
    as_of: dt.date
    invoices: list[StatementInvoice]
    invoices_issued: list[StatementInvoice]
    payments: list[StatementPayment]
    balance: Money
    receivable: Money
    commissions: list[StatementCommission]
    commission_total: Money


def _periods(text: str) -> tuple[str, list[str], list[str]]:
    """The period's key, its months, and the commission periods it holds."""
    try:
        period = parse_period(text)
    except ValueError as error:
        raise InputError(f"--period: {error}") from None
    if isinstance(period, Month):
        return period.key, [period.key], [period.key]
    assert isinstance(period, Quarter)
    months = [m.key for m in period.months]
    return period.key, months, [*months, period.key]


def _with_payments(invoices: list[Invoice], paid: dict[str, list], as_of: dt.date) -> list[StatementInvoice]:
    found = []
    for invoice in invoices:
        paid_total = sum((p.amount for p in paid.get(invoice.invoice_id, [])), ZERO)
        balance = invoice.total - paid_total
        found.append(StatementInvoice(**dict(invoice), paid=paid_total, balance=balance,
                                      status=payment_status(balance, invoice.due_on, as_of)))
    return found


def _statement(uow: UnitOfWork, plan: Plan, partner_id: str, period: str, as_of: dt.date) -> Statement:
    partner = find_partner(uow, partner_id, "PARTNER_ID")
    key, months, commission_periods = _periods(period)
    to_it = uow.ledgers.invoices_to([partner.id], months)
    by_it = uow.ledgers.invoices_by(partner.id, months)
    payments = uow.ledgers.payments([i.invoice_id for i in [*to_it, *by_it]], as_of)
    paid: dict[str, list] = {}
    for payment in payments:
        paid.setdefault(payment.invoice_id, []).append(payment)
    invoices, issued = _with_payments(to_it, paid, as_of), _with_payments(by_it, paid, as_of)
    commissions = [StatementCommission(**c.model_dump(exclude={"partner_id"}))
                   for c in uow.ledgers.commissions(partner.id, commission_periods)]
    own = {i.invoice_id for i in to_it}
    tier = tier_in_force(uow, plan, partner, months[-1])
    return Statement(
        partner_id=partner.key, partner_name=partner.name, partner_type=partner.partner_type,
        tier=tier[0] if tier else None, period=key, as_of=as_of, invoices=invoices, invoices_issued=issued,
        payments=[StatementPayment(**p.model_dump()) for p in payments if p.invoice_id in own],
        balance=sum((i.balance for i in invoices), ZERO), receivable=sum((i.balance for i in issued), ZERO),
        commissions=commissions, commission_total=sum((c.commission for c in commissions), ZERO))


def statement(ws: Workspace, partner_id: str, period: str, as_of: dt.date,
              visible_to: list[str] | None = None) -> Statement:
    """The partner's statement; `visible_to` (the partner ids a signed-in partner may see) refuses others."""
    if visible_to is not None and partner_id not in visible_to:
        raise InputError(f"PARTNER_ID: {partner_id} is not one of yours")
    with ws.reading() as uow:
        return _statement(uow, ws.plan(), partner_id, period, as_of)
