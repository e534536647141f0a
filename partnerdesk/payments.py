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
from sqlmodel import Session

from kernel.money import as_cent_count, from_cent_count
from kernel.partner_types import partner_key
from partnerdesk.csvfiles import BadRows, ImportSummary, Row, parse_rows, read_rows
from partnerdesk.workspace import Workspace
from settlement import feeds
from settlement.invoices import VENDOR, InvoiceBalance, PaymentStatus, payment_status
from settlement.monthly import partner_order
from storage import settlement_records as records
from storage.db import transaction


def import_payment_rows(ws: Workspace, rows: Iterable[Row], source: str,
                        at: dt.datetime | None = None) -> ImportSummary:
    """Record payments from rows of a payments file (see `import_payments`)."""
    summary, bad = ImportSummary(file=source), BadRows(source)
    at = at or dt.datetime.now(dt.timezone.utc)
    with transaction(ws.engine) as session:
        records.lock_payments(session)
        parsed = parse_rows(rows, feeds.payment, bad)
        summary.rows_read = len(parsed) + len(bad.problems)
        ids = {p.invoice_id for _, p in parsed}
        invoices, paid = records.invoice_rows(session, ids), records.paid_cents(session, ids)
        stored, seen = records.payment_counts(session, ids), Counter()
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
            elif cents > invoice.total_cents - paid.get(payment.invoice_id, 0):
                owed = from_cent_count(invoice.total_cents - paid.get(payment.invoice_id, 0))
                bad.add(line, f"amount: {payment.amount} is more than the {owed} still owed on {payment.invoice_id}")
            else:
                paid[payment.invoice_id] = paid.get(payment.invoice_id, 0) + cents
                new.append(key)
        records.record_payments(session, new, at)
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
    """Every invoice with what was paid on it by `as_of`, its balance and status, oldest first."""
    wanted = PaymentStatus(status) if status else None
    with Session(ws.engine) as session:
        rows = records.balances(session, as_of)
    found = []
    for row, paid in rows:
        balance = row.total_cents - paid
        standing = payment_status(from_cent_count(balance), row.due_on, as_of)
        if wanted in (None, standing):
            found.append(InvoiceBalance(
                invoice_id=row.invoice_id, issuer=partner_key(row.issuer_id) if row.issuer_id else VENDOR,
                bill_to=partner_key(row.bill_to_id), period=row.period, issued_on=row.issued_on,
                due_on=row.due_on, total=from_cent_count(row.total_cents), paid=from_cent_count(paid),
                balance=from_cent_count(balance), status=standing))
    found.sort(key=lambda i: (i.period, i.issuer != VENDOR, partner_order(i.issuer), partner_order(i.bill_to)))
    return InvoiceList(as_of=as_of, invoices=found)
