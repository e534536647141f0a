"""What vendor-billed partners owe, read for credit control: the unpaid balance of the vendor's
invoices to them and the gross of their usage not yet invoiced (from the partners' monthly sums
per product, and the lines of a month not over yet), each summed by the database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, select, union_all
from sqlmodel import Session

from kernel.partner_types import PartnerType, partner_key
from kernel.periods import Month
from storage.settlement_tables import InvoiceRow, PartnerSumRow, PaymentRow
from storage.settlement_usage import BILLED_OWNERS, owned_usage, usage_dated
from storage.tables import PartnerRow


class Exposure:
    def __init__(self, session: Session) -> None:
        self._session = session

    def unpaid_cents(self, as_of: dt.date, partners: list[int] | None = None) -> dict[str, int]:
        """Per partner ('P-n'; with `partners`, only these row ids): what is still owed on the
        vendor's invoices to it issued by `as_of`, counting payments made by then (an invoice
        that totals below zero owes nothing)."""
        paid = (select(PaymentRow.invoice_id, func.sum(PaymentRow.amount_cents).label("paid"))
                .where(PaymentRow.paid_on <= as_of).group_by(PaymentRow.invoice_id).subquery("paid"))
        owed = InvoiceRow.total_cents - func.coalesce(paid.c.paid, 0)
        statement = (select(InvoiceRow.bill_to_id, func.sum(case((owed > 0, owed), else_=0)))
                     .outerjoin(paid, paid.c.invoice_id == InvoiceRow.invoice_id)
                     .where(InvoiceRow.issuer_id.is_(None), InvoiceRow.issued_on <= as_of,
                            *([] if partners is None else [InvoiceRow.bill_to_id.in_(partners)]))
                     .group_by(InvoiceRow.bill_to_id))
        return {partner_key(partner_id): int(cents) for partner_id, cents in self._session.execute(statement)}

    def unbilled_micros(self, as_of: dt.date, invoiced: list[str], owners: list[int] | None = None) -> dict[str, int]:
        """Per vendor-billed partner ('P-n'): the usage of its customers (a distributor's with its
        tier-2 resellers') dated by `as_of`, but for the `invoiced` months; with `owners` (partner
        row ids), only the usage of those partners' customers. Whole months are read from the
        partners' monthly sums, and so is the month `as_of` ends within when nothing in it is dated
        later (the usual case on today's date); otherwise that month by usage date up to `as_of`."""
        later = as_of + dt.timedelta(days=1)
        partial = Month.of(later)
        if self._session.execute(usage_dated(later, partial.end)).first() is None:
            partial = partial.next
        whole = select(PartnerSumRow.partner_id, PartnerSumRow.amount_micros).where(
            PartnerSumRow.month < partial.key, PartnerSumRow.month.not_in(invoiced))
        usage = union_all(whole, owned_usage(partial.first_day, as_of)).subquery("unbilled")
        bill_to = case((PartnerRow.partner_type == PartnerType.tier2_reseller.value, PartnerRow.parent_id),
                       else_=PartnerRow.id)
        statement = (select(bill_to, func.sum(usage.c.amount_micros))
                     .join(PartnerRow, PartnerRow.id == usage.c.partner_id)
                     .where(PartnerRow.partner_type.in_([t.value for t in BILLED_OWNERS]),
                            *([] if owners is None else [usage.c.partner_id.in_(owners)]))
                     .group_by(bill_to))
        return {partner_key(partner_id): int(micros) for partner_id, micros in self._session.execute(statement)}
