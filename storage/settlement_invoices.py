"""The repository of issued invoices as receivables: their totals and the payments made on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlmodel import Session

from kernel.money import from_cent_count
from kernel.partner_types import partner_key
from settlement.invoices import VENDOR, IssuedInvoice
from storage import settlement_bulk as bulk
from storage.settlement_tables import InvoiceRow, PaymentRow

ISSUED_COLUMNS = (InvoiceRow.invoice_id, InvoiceRow.issuer_id, InvoiceRow.bill_to_id, InvoiceRow.period,
                  InvoiceRow.issued_on, InvoiceRow.due_on, InvoiceRow.total_cents)


def _issued(row) -> IssuedInvoice:
    return IssuedInvoice(invoice_id=row.invoice_id, issuer=partner_key(row.issuer_id) if row.issuer_id else VENDOR,
                         bill_to=partner_key(row.bill_to_id), period=row.period, issued_on=row.issued_on,
                         due_on=row.due_on, total=from_cent_count(row.total_cents))


class Invoices:
    """Issued invoices and the payments recorded against them."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def lock_payments(self) -> None:
        """One payment import at a time (PostgreSQL), so two files cannot together overpay an invoice."""
        bulk.lock_table(self._session, PaymentRow.__tablename__, "SHARE ROW EXCLUSIVE")

    def issued(self, invoice_ids: Iterable[str]) -> dict[str, IssuedInvoice]:
        statement = select(*ISSUED_COLUMNS).where(InvoiceRow.invoice_id.in_(list(invoice_ids)))
        return {row.invoice_id: _issued(row) for row in self._session.execute(statement)}

    def paid_cents(self, invoice_ids: Iterable[str]) -> dict[str, int]:
        """Per invoice: the sum of its payments, in cents."""
        statement = (select(PaymentRow.invoice_id, func.sum(PaymentRow.amount_cents))
                     .where(PaymentRow.invoice_id.in_(list(invoice_ids))).group_by(PaymentRow.invoice_id))
        return {invoice_id: int(total) for invoice_id, total in self._session.execute(statement)}

    def payment_counts(self, invoice_ids: Iterable[str]) -> dict[tuple[str, dt.date, int], int]:
        """How many payments of each (invoice, date, cents) are stored: a file's repeat is not paid twice."""
        statement = (select(PaymentRow.invoice_id, PaymentRow.paid_on, PaymentRow.amount_cents, func.count())
                     .where(PaymentRow.invoice_id.in_(list(invoice_ids)))
                     .group_by(PaymentRow.invoice_id, PaymentRow.paid_on, PaymentRow.amount_cents))
        return {(i, on, cents): count for i, on, cents, count in self._session.execute(statement)}

    def record_payments(self, payments: list[tuple[str, dt.date, int]], at: dt.datetime) -> None:
        """(invoice, paid on, cents) each."""
        if payments:
            self._session.connection().execute(insert(PaymentRow.__table__), [
                {"invoice_id": i, "paid_on": on, "amount_cents": cents, "recorded_at": at}
                for i, on, cents in payments])

    def balances(self, as_of: dt.date) -> list[tuple[IssuedInvoice, Decimal]]:
        """Every invoice issued by `as_of` with what was paid on it by then, summed by the
        database: on that day a later invoice did not exist yet."""
        paid = (select(PaymentRow.invoice_id, func.sum(PaymentRow.amount_cents).label("paid"))
                .where(PaymentRow.paid_on <= as_of).group_by(PaymentRow.invoice_id).subquery("paid"))
        statement = (select(*ISSUED_COLUMNS, func.coalesce(paid.c.paid, 0).label("paid"))
                     .outerjoin(paid, paid.c.invoice_id == InvoiceRow.invoice_id)
                     .where(InvoiceRow.issued_on <= as_of))
        return [(_issued(row), from_cent_count(int(row.paid))) for row in self._session.execute(statement)]
