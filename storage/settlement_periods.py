"""The repository of settled periods with what they issued: invoices and commissions.

A settled period is stored once and never changes: its row, its invoices (lines kept with each
as one JSON document) and its commissions.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from pydantic import TypeAdapter
from sqlalchemy import func, insert, select
from sqlmodel import Session

from kernel.money import as_cent_count, from_cent_count
from kernel.partner_types import PartnerType, parse_partner_key, partner_key
from kernel.periods import Month, Quarter
from settlement.closing import SettledPeriod
from settlement.adjustments import Paid
from settlement.commissions import AgencyCommission, QuarterlyCommission, commission_order
from settlement.invoices import VENDOR, Invoice, InvoiceLines
from settlement.monthly import MonthSettlement, partner_order
from settlement.plan import Plan
from storage import settlement_bulk as bulk
from storage.settlement_tables import CommissionAdjustmentRow, CommissionRow, InvoiceRow, Settlement
from storage.tables import PartnerRow

INVOICE_COLUMNS = [InvoiceRow.__table__.c[name] for name in (
    "invoice_id", "period", "issuer_id", "bill_to_id", "issued_on", "due_on", "discount_rate", "gross_cents",
    "discount_cents", "total_cents", "lines")]
INVOICE_LINES = TypeAdapter(InvoiceLines)


def _row_id(key: str) -> int | None:
    return None if key == VENDOR else parse_partner_key(key)


def _settled(row: Settlement) -> SettledPeriod:
    return SettledPeriod(period=row.period, kind=row.kind, plan_version=row.plan_version,
                         plan_fingerprint=row.plan_fingerprint, settled_at=row.settled_at)


def invoice_of(row: InvoiceRow) -> Invoice:
    """An invoice as it was issued, from its row (the lines are kept in it, as written by
    `save_month`: read as they are, not validated line by line)."""
    return Invoice(invoice_id=row.invoice_id, issuer=partner_key(row.issuer_id) if row.issuer_id else VENDOR,
                   bill_to=partner_key(row.bill_to_id), period=row.period, issued_on=row.issued_on,
                   due_on=row.due_on, gross=from_cent_count(row.gross_cents),
                   discount=from_cent_count(row.discount_cents), total=from_cent_count(row.total_cents),
                   lines=InvoiceLines(json.loads(row.lines)), discount_rate=Decimal(row.discount_rate))


def commission_rows(session: Session, periods: list[str], partner_id: int | None = None
                    ) -> list[tuple[CommissionRow | CommissionAdjustmentRow, str | None]]:
    """The entries settled in these periods (of one partner when given), each with the period it
    adjusts (None: its own), by period, its own entries before its adjustments."""
    own = select(CommissionRow).where(CommissionRow.period.in_(periods))
    adjustments = select(CommissionAdjustmentRow).where(CommissionAdjustmentRow.period.in_(periods))
    if partner_id is not None:
        own = own.where(CommissionRow.partner_id == partner_id)
        adjustments = adjustments.where(CommissionAdjustmentRow.partner_id == partner_id)
    rows = [(row, None) for row in session.execute(own.order_by(CommissionRow.id)).scalars()]
    rows += [(row, row.adjusts) for row in session.execute(adjustments.order_by(CommissionAdjustmentRow.id)).scalars()]
    return sorted(rows, key=lambda entry: (entry[0].period, entry[1] is not None, entry[1] or ""))


class Periods:
    """Settled months and quarters, their invoices and commissions."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def lock(self, settling: bool) -> None:
        """Make imports and settlements of billing data wait for each other (PostgreSQL).

        An import holds a SHARE lock on `settlement`, a settlement a SHARE ROW EXCLUSIVE one: a
        settlement waits for running imports and they for it, so no line or association lands in a
        month while it is being settled (imports also wait for each other: `Usage.lock_for_import`).
        SQLite's immediate transactions already serialise every writer.
        """
        bulk.lock_table(self._session, Settlement.__tablename__, "SHARE ROW EXCLUSIVE" if settling else "SHARE")

    def get(self, period: str) -> SettledPeriod | None:
        row = self._session.get(Settlement, period)
        return _settled(row) if row is not None else None

    def list(self) -> list[SettledPeriod]:
        """Every settled month and quarter, oldest first."""
        return sorted((_settled(row) for row in self._session.execute(select(Settlement)).scalars()),
                      key=lambda s: s.period)

    def closed_months(self) -> set[str]:
        """Months whose lines can no longer change: settled, or inside a settled quarter."""
        return {month for settled in self.list() for month in settled.months}

    def close(self, period: str, kind: str, plan: Plan, at: dt.datetime) -> None:
        self._session.add(Settlement(period=period, kind=kind, plan_version=plan.version,
                                     plan_fingerprint=plan.fingerprint, settled_at=at,
                                     plan_document=plan.model_dump_json(by_alias=True)))
        self._session.flush()

    def plans(self, periods: list[str]) -> dict[str, Plan]:
        """The plans these periods were settled with, where kept whole (periods settled before
        migration 0015 have none)."""
        statement = select(Settlement.period, Settlement.plan_document).where(
            Settlement.period.in_(periods), Settlement.plan_document.is_not(None))
        return {period: Plan.model_validate_json(document) for period, document in self._session.execute(statement)}

    def save_month(self, result: MonthSettlement) -> None:
        """Store a month's invoices and agency commissions (the period is closed already)."""
        bulk.insert_rows(self._session.connection(), InvoiceRow.__table__, INVOICE_COLUMNS, [
            (i.invoice_id, i.period, _row_id(i.issuer), _row_id(i.bill_to), i.issued_on, i.due_on,
             str(i.discount_rate), as_cent_count(i.gross), as_cent_count(i.discount), as_cent_count(i.total),
             INVOICE_LINES.dump_json(i.lines).decode()) for i in result.invoices])
        self.save_commissions(result.period, result.agency_commissions)

    def save_commissions(self, period: str,
                         commissions: list[AgencyCommission] | list[QuarterlyCommission]) -> None:
        """A period's commissions: its own entries, and adjustments of earlier periods apart."""
        for table, entries in ((CommissionRow, [c for c in commissions if c.adjusts is None]),
                               (CommissionAdjustmentRow, [c for c in commissions if c.adjusts is not None])):
            if entries:
                self._session.connection().execute(insert(table.__table__), [{
                    "period": period, "partner_id": _row_id(c.partner_id), "tier": getattr(c, "tier", None),
                    "commissionable_cents": as_cent_count(c.commissionable), "rate": str(c.rate),
                    "commission_cents": as_cent_count(c.commission),
                    **({"adjusts": c.adjusts} if c.adjusts else {})} for c in entries])

    def paid(self, periods: list[str]) -> dict[tuple[str, str], Paid]:
        """(settled period, partner) -> its entry and every adjustment of it since, added up."""
        paid: dict[tuple[str, str], Paid] = {}
        own = select(CommissionRow).where(CommissionRow.period.in_(periods))
        for row in self._session.execute(own).scalars():
            paid[row.period, partner_key(row.partner_id)] = Paid(
                tier=row.tier, rate=Decimal(row.rate), commissionable=from_cent_count(row.commissionable_cents),
                commission=from_cent_count(row.commission_cents))
        later = select(CommissionAdjustmentRow).where(CommissionAdjustmentRow.adjusts.in_(periods))
        for row in self._session.execute(later.order_by(CommissionAdjustmentRow.id)).scalars():
            key = (row.adjusts, partner_key(row.partner_id))
            before = paid.get(key, Paid(tier=row.tier, rate=Decimal(row.rate)))
            paid[key] = before.model_copy(update={
                "commissionable": before.commissionable + from_cent_count(row.commissionable_cents),
                "commission": before.commission + from_cent_count(row.commission_cents)})
        return paid

    def invoice_rates(self, months: list[str]) -> dict[tuple[str, str], Decimal]:
        """(month, bill_to) -> the discount rate of the partner's invoice of that month."""
        statement = select(InvoiceRow.period, InvoiceRow.bill_to_id, InvoiceRow.discount_rate).where(
            InvoiceRow.period.in_(months))
        return {(m, partner_key(b)): Decimal(r) for m, b, r in self._session.execute(statement)}

    def month(self, month: Month) -> MonthSettlement:
        """A settled month exactly as it was settled."""
        rows = self._session.execute(select(InvoiceRow).where(InvoiceRow.period == month.key)).scalars()
        invoices = sorted((invoice_of(row) for row in rows),
                          key=lambda i: (i.issuer != VENDOR, partner_order(i.issuer), partner_order(i.bill_to)))
        commissions = sorted((AgencyCommission(
            partner_id=partner_key(c.partner_id), period=c.period, commissionable=from_cent_count(c.commissionable_cents),
            rate=Decimal(c.rate), commission=from_cent_count(c.commission_cents), adjusts=adjusts)
            for c, adjusts in commission_rows(self._session, [month.key])), key=commission_order)
        return MonthSettlement(period=month.key, invoices=invoices, agency_commissions=commissions)

    def quarter_commissions(self, quarter: Quarter) -> list[QuarterlyCommission]:
        """A settled quarter's commissions exactly as they were settled."""
        return sorted((QuarterlyCommission(
            partner_id=partner_key(c.partner_id), tier=c.tier, commissionable=from_cent_count(c.commissionable_cents),
            rate=Decimal(c.rate), commission=from_cent_count(c.commission_cents), adjusts=adjusts)
            for c, adjusts in commission_rows(self._session, [quarter.key])), key=commission_order)

    def channel_totals(self, months: list[str]) -> list[tuple[str, str, Decimal]]:
        """Per settled month and partner type, added up in SQL from what was issued: the gross of
        the vendor's invoices to partners of that type, and (as 'agency') the commissionable
        revenue of agencies' commission entries, adjustments included as the month's invoices hold them."""
        invoices, partners = InvoiceRow.__table__, PartnerRow.__table__
        billed = (select(invoices.c.period, partners.c.partner_type, func.sum(invoices.c.gross_cents))
                  .join(partners, partners.c.id == invoices.c.bill_to_id)
                  .where(invoices.c.period.in_(months), invoices.c.issuer_id.is_(None))
                  .group_by(invoices.c.period, partners.c.partner_type))
        totals = [(m, t, from_cent_count(int(c))) for m, t, c in self._session.execute(billed)]
        for table in (CommissionRow.__table__, CommissionAdjustmentRow.__table__):
            agency = (select(table.c.period, func.sum(table.c.commissionable_cents))
                      .where(table.c.period.in_(months)).group_by(table.c.period))
            totals += [(m, PartnerType.agency.value, from_cent_count(int(c))) for m, c in self._session.execute(agency)]
        return totals
