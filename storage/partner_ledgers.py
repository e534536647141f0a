"""The repository a partner's statement and home page read: its invoices (to it and by it)
with their payments, its commissions and its customers' usage by month. Reads only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlmodel import Session

from kernel.money import from_cent_count
from kernel.partner_types import partner_key
from settlement.invoices import Invoice
from storage.settlement_periods import commission_rows, invoice_of
from storage.settlement_tables import InvoiceRow, PaymentRow, UsageSumRow


class PaymentRecord(BaseModel):
    invoice_id: str
    paid_on: dt.date
    amount: Decimal


class CommissionRecord(BaseModel):
    partner_id: str
    period: str
    tier: str | None
    commissionable: Decimal
    rate: Decimal
    commission: Decimal
    adjusts: str | None = None
    """On an adjustment settled in `period`: the earlier period it pays for (amounts are differences)."""


class PartnerLedgers:
    def __init__(self, session: Session) -> None:
        self._session = session

    def invoices_to(self, partner_ids: list[int], periods: list[str] | None = None) -> list[Invoice]:
        """Invoices billed to these partners (of these months when given), oldest first."""
        return self._invoices(InvoiceRow.bill_to_id.in_(partner_ids), periods)

    def invoices_by(self, partner_id: int, periods: list[str] | None = None) -> list[Invoice]:
        """Invoices this partner (a distributor) issued to its tier-2 resellers."""
        return self._invoices(InvoiceRow.issuer_id == partner_id, periods)

    def _invoices(self, who, periods: list[str] | None) -> list[Invoice]:
        statement = select(InvoiceRow).where(who).order_by(InvoiceRow.period, InvoiceRow.invoice_id)
        if periods is not None:
            statement = statement.where(InvoiceRow.period.in_(periods))
        return [invoice_of(row) for row in self._session.execute(statement).scalars()]

    def payments(self, invoice_ids: list[str], as_of: dt.date) -> list[PaymentRecord]:
        """Payments of these invoices dated on or before `as_of`, oldest first."""
        statement = (select(PaymentRow).where(PaymentRow.invoice_id.in_(invoice_ids), PaymentRow.paid_on <= as_of)
                     .order_by(PaymentRow.paid_on, PaymentRow.id))
        return [PaymentRecord(invoice_id=p.invoice_id, paid_on=p.paid_on, amount=from_cent_count(p.amount_cents))
                for p in self._session.execute(statement).scalars()]

    def commissions(self, partner_id: int, periods: list[str]) -> list[CommissionRecord]:
        """The partner's commissions settled in these periods, with the adjustments of earlier periods
        settled in them, by period (its own entry first)."""
        return [CommissionRecord(partner_id=partner_key(c.partner_id), period=c.period, tier=c.tier,
                                 commissionable=from_cent_count(c.commissionable_cents), rate=Decimal(c.rate),
                                 commission=from_cent_count(c.commission_cents), adjusts=adjusts)
                for c, adjusts in commission_rows(self._session, periods, partner_id)]

    def usage_by_month(self, partner_ids: list[int], months: list[str]) -> dict[str, int]:
        """Micro-units of the partners' customers' usage per month (all products)."""
        statement = (select(UsageSumRow.month, func.sum(UsageSumRow.amount_micros))
                     .where(UsageSumRow.partner_id.in_(partner_ids), UsageSumRow.month.in_(months))
                     .group_by(UsageSumRow.month))
        return {month: int(total) for month, total in self._session.execute(statement)}

    def usage_by_customer(self, partner_ids: list[int], month: str) -> dict[tuple[int, str], int]:
        """(partner, customer) -> micro-units of the month's usage."""
        statement = (select(UsageSumRow.partner_id, UsageSumRow.customer_id, func.sum(UsageSumRow.amount_micros))
                     .where(UsageSumRow.partner_id.in_(partner_ids), UsageSumRow.month == month)
                     .group_by(UsageSumRow.partner_id, UsageSumRow.customer_id))
        return {(p, c): int(total) for p, c, total in self._session.execute(statement)}
