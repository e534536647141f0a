"""Payments of invoices and where each invoice stands on a date (open, paid, overdue).

A payment file has no ids of its own, so a payment is known by its invoice, date and
amount: the k-th identical payment in a file is already present when k of them are stored.
Re-importing a file therefore records nothing twice, while two equal instalments in one
file are both kept. A payment more than what is still owed is refused (it is most likely a
typing error), and so is one dated before the invoice was issued; an invoice whose total is not
positive has nothing to pay.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from kernel.money import as_cent_count, from_cent_count
from partnerdesk.csvfiles import BadRows, ImportSummary, Row, parse_rows, read_rows
from partnerdesk.workspace import Workspace
from settlement import feeds
from settlement.invoices import VENDOR, InvoiceBalance, PaymentStatus, payment_status
from settlement.monthly import partner_order


def import_payment_rows(ws: Workspace, rows: Iterable[Row], source: str,
                        at: dt.datetime | None = None) -> ImportSummary:
    """Record payments from rows of a payments file (see `import_payments`)."""
    summary, bad = ImportSummary(file=source), BadRows(source)
    at = at or dt.datetime.now(dt.timezone.utc)
    with ws.unit_of_work() as uow:
        uow.invoices.lock_payments()
        parsed = parse_rows(rows, feeds.payment, bad)
        summary.rows_read = len(parsed) + len(bad.problems)
        ids = {p.invoice_id for _, p in parsed}
        invoices, paid = uow.invoices.issued(ids), uow.invoices.paid_cents(ids)
        stored, seen = uow.invoices.payment_counts(ids), Counter()
        new = []
        for line, payment in parsed:
            cents = as_cent_count(payment.amount)
            key = (payment.invoice_id, payment.paid_on, cents)
            seen[key] += 1
            invoice = invoices.get(payment.invoice_id)
            if invoice is None:
                bad.add(line, f"invoice_id: {payment.invoice_id!r} is not a known invoice")
            elif payment.paid_on < invoice.issued_on:
                bad.add(line, f"paid_on: {payment.paid_on} is before {payment.invoice_id} was issued "
                              f"on {invoice.issued_on}")
            elif seen[key] <= stored.get(key, 0):
                summary.already_present += 1
            elif cents > as_cent_count(invoice.total) - paid.get(payment.invoice_id, 0):
                owed = from_cent_count(as_cent_count(invoice.total) - paid.get(payment.invoice_id, 0))
                bad.add(line, f"amount: {payment.amount} is more than the {owed} still owed on {payment.invoice_id}")
            else:
                paid[payment.invoice_id] = paid.get(payment.invoice_id, 0) + cents
                new.append(key)
        uow.invoices.record_payments(new, at)
        summary.imported = len(new)
        bad.check()
    return summary


def import_payments(ws: Workspace, path: Path, at: dt.datetime | None = None) -> ImportSummary:
    """`payments import FILE.csv` (invoice_id,paid_on,amount), all or nothing."""
    return import_payment_rows(ws, read_rows(path, feeds.PAYMENTS), str(path), at)


class InvoiceList(BaseModel):
    as_of: dt.date
    invoices: list[InvoiceBalance]


def invoice_balances(ws: Workspace, as_of: dt.date, status: PaymentStatus | str | None = None) -> InvoiceList:
    """Every invoice issued by `as_of` with what was paid on it by then, its balance and status,
    oldest first."""
    wanted = PaymentStatus(status) if status else None
    with ws.reading() as uow:
        rows = uow.invoices.balances(as_of)
    found = []
    for invoice, paid in rows:
        balance = invoice.total - paid
        standing = payment_status(balance, invoice.due_on, as_of)
        if wanted in (None, standing):
            found.append(InvoiceBalance(
                invoice_id=invoice.invoice_id, issuer=invoice.issuer, bill_to=invoice.bill_to,
                period=invoice.period, issued_on=invoice.issued_on, due_on=invoice.due_on, total=invoice.total,
                paid=paid, balance=balance, status=standing))
    found.sort(key=lambda i: (i.period, i.issuer != VENDOR, partner_order(i.issuer), partner_order(i.bill_to)))
    return InvoiceList(as_of=as_of, invoices=found)
