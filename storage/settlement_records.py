"""Queries and writes of settlement: the sums are computed by the database, never line by line.

A billing line belongs to the partner its customer was associated with on the usage date:
the association with the latest `associated_on` on or before it. `_spans` turns the
associations into date ranges with `LEAD` over each customer's associations, and every sum
joins the lines to those ranges and groups in SQL (SQLite and PostgreSQL alike). Sums come
back as integers (micro-units); PostgreSQL returns them as exact NUMERIC, hence `int(...)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import and_, case, func, insert, or_, select, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from settlement.commissions import AgencyCommission, QuarterlyCommission
from settlement.feeds import Association, UsageLine
from settlement.invoices import VENDOR, Invoice, InvoiceLine, LineSum
from settlement.money import as_cent_count, from_cent_count
from settlement.monthly import MonthSettlement, partner_order
from settlement.partners import VENDOR_BILLED, Partner, PartnerType
from settlement.periods import Month, Quarter
from settlement.plan import Plan
from storage.records import parse_partner_key, partner_key
from storage.settlement_tables import (
    CommissionRow,
    CustomerAssociation,
    InvoiceLineRow,
    InvoiceRow,
    PaymentRow,
    Settlement,
)
from storage.settlement_tables import UsageLine as UsageLineRow
from storage.tables import PartnerRow

lines = UsageLineRow.__table__
associations = CustomerAssociation.__table__
partners_table = PartnerRow.__table__
TIER2 = PartnerType.tier2_reseller.value
BILLED_TYPES = [t.value for t in (*VENDOR_BILLED, PartnerType.tier2_reseller)]


# --- partners -----------------------------------------------------------------------------

def _partner(row: PartnerRow) -> Partner:
    return Partner(partner_id=partner_key(row.id), partner_type=row.partner_type, tier=row.tier,
                   own_discount=Decimal(row.discount_rate) if row.discount_rate else None,
                   parent_id=partner_key(row.parent_id) if row.parent_id else None)


def partners(session: Session) -> dict[str, Partner]:
    """Every partner as settlement sees it, by its 'P-n' id."""
    return {partner_key(row.id): _partner(row) for row in session.execute(select(PartnerRow)).scalars()}


def partner_ids(session: Session) -> set[int]:
    return set(session.execute(select(PartnerRow.id)).scalars())


def partner_row(session: Session, partner_id: int) -> PartnerRow | None:
    return session.get(PartnerRow, partner_id)


def tier2_named(session: Session, distributor_id: int, name: str) -> PartnerRow | None:
    statement = select(PartnerRow).where(PartnerRow.parent_id == distributor_id,
                                         func.lower(PartnerRow.name) == name.lower())
    return session.execute(statement).scalars().first()


# --- closed periods ------------------------------------------------------------------------

def settlement(session: Session, period: str) -> Settlement | None:
    return session.get(Settlement, period)


def lock_periods(session: Session, settling: bool) -> None:
    """Make imports and settlements of billing data wait for each other (PostgreSQL).

    An import holds a SHARE lock on `settlement`, a settlement a SHARE ROW EXCLUSIVE one: imports
    run side by side, but a settlement waits for running imports and they for it, so no line or
    association lands in a month while it is being settled. SQLite's immediate transactions
    already serialise every writer.
    """
    _lock(session, Settlement.__tablename__, "SHARE ROW EXCLUSIVE" if settling else "SHARE")


def _lock(session: Session, table: str, mode: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {table} IN {mode} MODE"))


def settlements(session: Session) -> list[Settlement]:
    return sorted(session.execute(select(Settlement)).scalars(), key=lambda s: s.period)


def closed_months(session: Session) -> set[str]:
    """Months whose lines can no longer change: settled, or inside a settled quarter."""
    closed = set()
    for period, kind in session.execute(select(Settlement.period, Settlement.kind)):
        closed |= {m.key for m in Quarter.parse(period).months} if kind == "quarter" else {period}
    return closed


def close(session: Session, period: str, kind: str, plan: Plan, at: dt.datetime) -> None:
    session.add(Settlement(period=period, kind=kind, plan_version=plan.version,
                           plan_fingerprint=plan.fingerprint, settled_at=at))
    session.flush()


# --- imports -------------------------------------------------------------------------------

def _driver_types(connection: Connection, columns) -> tuple[list, list]:
    """Each column's conversions to and from what the driver takes (e.g. dates as text on SQLite)."""
    dialect = connection.dialect
    types = [c.type.dialect_impl(dialect) for c in columns]
    return [t.bind_processor(dialect) for t in types], [t.result_processor(dialect, None) for t in types]


def _convert(values: tuple, processors: list) -> tuple:
    return tuple(p(v) if p else v for v, p in zip(values, processors))


LINE_COLUMNS = [lines.c[name] for name in UsageLine._fields]
LINE_NAMES = ", ".join(c.name for c in LINE_COLUMNS)


def _on_postgresql(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def stored_lines(connection: Connection, line_ids: Iterable[str]) -> dict[str, UsageLine]:
    """The stored lines among these ids, to tell a repeat from a conflicting line.

    Driver-level SQL, because SQLAlchemy's expanding IN and per-value processing cost seconds
    per million lines: PostgreSQL takes the ids as one array, SQLite one marker each. The
    column types still convert the values read.
    """
    ids = list(line_ids)
    if not ids:
        return {}
    select_lines = f"SELECT {LINE_NAMES} FROM {lines.name} WHERE line_id "
    if _on_postgresql(connection):
        found = connection.exec_driver_sql(select_lines + "= ANY(%s)", (ids,))
    else:
        found = connection.exec_driver_sql(select_lines + f"IN ({', '.join('?' * len(ids))})", tuple(ids))
    _, readers = _driver_types(connection, LINE_COLUMNS)
    return {row[0]: UsageLine(*_convert(row, readers)) for row in found}


def insert_lines(connection: Connection, new_lines: list[UsageLine]) -> None:
    """PostgreSQL: COPY (four times faster than executemany); SQLite: executemany at the driver level."""
    if not new_lines:
        return
    if _on_postgresql(connection):
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {lines.name} ({LINE_NAMES}) FROM STDIN") as copy:
                for line in new_lines:
                    copy.write_row(line)
        return
    writers, _ = _driver_types(connection, LINE_COLUMNS)
    statement = f"INSERT INTO {lines.name} ({LINE_NAMES}) VALUES ({', '.join('?' * len(LINE_COLUMNS))})"
    connection.exec_driver_sql(statement, [_convert(line, writers) for line in new_lines])


def refresh_statistics(connection: Connection, table) -> None:
    """After a bulk import, tell the planner how many lines there are now. Without statistics
    PostgreSQL took the new lines for a handful and joined them by nested loop, and SQLite
    started an agency's month from the partners, scanning the month's lines once per agency:
    minutes instead of a second or two for a million lines. SQLite's ANALYZE samples, so it
    costs well under a second."""
    connection.exec_driver_sql(f"ANALYZE {table.name}" if _on_postgresql(connection) else "ANALYZE")


def stored_associations(connection: Connection, customer_ids: Iterable[str]) -> dict[tuple[str, dt.date], int]:
    """(customer, associated_on) -> partner row id, for every association of these customers."""
    statement = select(associations.c.customer_id, associations.c.associated_on, associations.c.partner_id).where(
        associations.c.customer_id.in_(list(customer_ids)))
    return {(customer, on): partner for customer, on, partner in connection.execute(statement)}


def insert_associations(connection: Connection, rows: list[tuple[Association, int]]) -> None:
    if rows:
        connection.execute(insert(associations), [
            {"customer_id": a.customer_id, "partner_id": partner_id, "associated_on": a.associated_on}
            for a, partner_id in rows])


def has_closed_usage_since(connection: Connection, customer_id: str, since: dt.date, closed: set[str]) -> bool:
    """Whether the customer has lines on or after `since` in a closed month."""
    ranges = [Month.parse(m) for m in closed]
    statement = select(lines.c.line_id).where(
        lines.c.customer_id == customer_id, lines.c.usage_date >= since,
        or_(*(and_(lines.c.usage_date >= m.first_day, lines.c.usage_date < m.end) for m in ranges)),
    ).limit(1)
    return bool(ranges) and connection.execute(statement).first() is not None


# --- sums ----------------------------------------------------------------------------------

def _spans():
    """Each association as a date range: from its date until the customer's next association."""
    following = func.lead(associations.c.associated_on).over(
        partition_by=associations.c.customer_id, order_by=associations.c.associated_on)
    return select(associations.c.customer_id, associations.c.partner_id,
                  associations.c.associated_on.label("start_on"), following.label("end_on")).subquery("span")


def _owned_lines(start: dt.date, end: dt.date):
    """Lines dated in [start, end) joined to the partner that owned the customer that day."""
    span = _spans()
    owner = partners_table.alias("owner")
    joined = lines.join(span, and_(
        span.c.customer_id == lines.c.customer_id, lines.c.usage_date >= span.c.start_on,
        or_(span.c.end_on.is_(None), lines.c.usage_date < span.c.end_on),
    )).join(owner, owner.c.id == span.c.partner_id)
    in_period = and_(lines.c.usage_date >= start, lines.c.usage_date < end)
    return joined, owner, in_period


def _billed_to(owner):
    """The partner the vendor invoices for a line: a tier-2 reseller's distributor, else the owner."""
    return case((owner.c.partner_type == TIER2, owner.c.parent_id), else_=owner.c.id)


def _commissionable(excluded: list[str]):
    counted = and_(lines.c.commissionable.is_(True), lines.c.product.not_in(excluded))
    return func.sum(case((counted, lines.c.amount_micros), else_=0))


def billed_sums(session: Session, month: Month) -> list[LineSum]:
    """Per invoice, customer and product: the vendor's invoices and the distributors' to tier-2s."""
    joined, owner, in_period = _owned_lines(month.first_day, month.end)
    results = []
    for bill_to, where in ((_billed_to(owner), owner.c.partner_type.in_(BILLED_TYPES)),
                           (owner.c.id, owner.c.partner_type == TIER2)):
        statement = (select(bill_to.label("bill_to"), lines.c.customer_id, lines.c.product,
                            func.sum(lines.c.amount_micros))
                     .select_from(joined).where(in_period, where)
                     .group_by(bill_to, lines.c.customer_id, lines.c.product))
        results += [LineSum(partner_key(b), c, p, int(s)) for b, c, p, s in session.execute(statement)]
    return results


def agency_commissionable(session: Session, start: dt.date, end: dt.date, excluded: list[str]) -> dict[str, int]:
    """Per agency with usage in [start, end): its customers' commissionable micro-units."""
    joined, owner, in_period = _owned_lines(start, end)
    statement = (select(owner.c.id, _commissionable(excluded)).select_from(joined)
                 .where(in_period, owner.c.partner_type == PartnerType.agency.value).group_by(owner.c.id))
    return {partner_key(p): int(s) for p, s in session.execute(statement)}


def quarterly_performance(session: Session, quarter: Quarter, excluded: list[str]) -> dict[str, int]:
    """Per direct reseller and distributor (with its tier-2s' customers): commissionable micro-units."""
    joined, owner, in_period = _owned_lines(quarter.first_day, quarter.end)
    bill_to = _billed_to(owner)
    statement = (select(bill_to, _commissionable(excluded)).select_from(joined)
                 .where(in_period, owner.c.partner_type.in_(BILLED_TYPES)).group_by(bill_to))
    return {partner_key(p): int(s) for p, s in session.execute(statement)}


# --- settled months and quarters --------------------------------------------------------------

def _row_id(key: str) -> int | None:
    return None if key == VENDOR else parse_partner_key(key)


def save_month(session: Session, result: MonthSettlement) -> None:
    """Store a month's invoices and agency commissions (the settlement row exists already)."""
    connection = session.connection()
    for invoice in result.invoices:
        connection.execute(insert(InvoiceRow.__table__), [{
            "invoice_id": invoice.invoice_id, "period": invoice.period, "issuer_id": _row_id(invoice.issuer),
            "bill_to_id": _row_id(invoice.bill_to), "issued_on": invoice.issued_on, "due_on": invoice.due_on,
            "discount_rate": str(invoice.discount_rate), "gross_cents": as_cent_count(invoice.gross),
            "discount_cents": as_cent_count(invoice.discount), "total_cents": as_cent_count(invoice.total)}])
        connection.execute(insert(InvoiceLineRow.__table__), [{
            "invoice_id": invoice.invoice_id, "customer_id": line.customer_id, "product": line.product,
            "gross_cents": as_cent_count(line.gross), "discount_cents": as_cent_count(line.discount),
            "net_cents": as_cent_count(line.net)} for line in invoice.lines])
    save_commissions(session, result.period, result.agency_commissions)


def save_commissions(session: Session, period: str,
                     commissions: list[AgencyCommission] | list[QuarterlyCommission]) -> None:
    if commissions:
        session.connection().execute(insert(CommissionRow.__table__), [{
            "period": period, "partner_id": _row_id(c.partner_id), "tier": getattr(c, "tier", None),
            "commissionable_cents": as_cent_count(c.commissionable), "rate": str(c.rate),
            "commission_cents": as_cent_count(c.commission)} for c in commissions])


def _invoice(row: InvoiceRow, invoice_lines: list[InvoiceLine]) -> Invoice:
    return Invoice(invoice_id=row.invoice_id, issuer=partner_key(row.issuer_id) if row.issuer_id else VENDOR,
                   bill_to=partner_key(row.bill_to_id), period=row.period, issued_on=row.issued_on,
                   due_on=row.due_on, gross=from_cent_count(row.gross_cents),
                   discount=from_cent_count(row.discount_cents), total=from_cent_count(row.total_cents),
                   lines=sorted(invoice_lines, key=lambda line: (line.customer_id, line.product)),
                   discount_rate=Decimal(row.discount_rate))


def invoice_lines(session: Session, invoice_ids: list[str]) -> dict[str, list[InvoiceLine]]:
    grouped: dict[str, list[InvoiceLine]] = {i: [] for i in invoice_ids}
    statement = select(InvoiceLineRow).where(InvoiceLineRow.invoice_id.in_(invoice_ids))
    for row in session.execute(statement).scalars():
        grouped[row.invoice_id].append(InvoiceLine(
            customer_id=row.customer_id, product=row.product, gross=from_cent_count(row.gross_cents),
            discount=from_cent_count(row.discount_cents), net=from_cent_count(row.net_cents)))
    return grouped


def stored_commissions(session: Session, period: str) -> list[CommissionRow]:
    statement = select(CommissionRow).where(CommissionRow.period == period)
    return sorted(session.execute(statement).scalars(), key=lambda c: partner_order(partner_key(c.partner_id)))


def load_month(session: Session, month: Month) -> MonthSettlement:
    """A settled month exactly as it was settled."""
    rows = list(session.execute(select(InvoiceRow).where(InvoiceRow.period == month.key)).scalars())
    by_invoice = invoice_lines(session, [row.invoice_id for row in rows])
    invoices = sorted((_invoice(row, by_invoice[row.invoice_id]) for row in rows),
                      key=lambda i: (i.issuer != VENDOR, partner_order(i.issuer), partner_order(i.bill_to)))
    commissions = [AgencyCommission(partner_id=partner_key(c.partner_id), period=c.period,
                                    commissionable=from_cent_count(c.commissionable_cents), rate=Decimal(c.rate),
                                    commission=from_cent_count(c.commission_cents))
                   for c in stored_commissions(session, month.key)]
    return MonthSettlement(period=month.key, invoices=invoices, agency_commissions=commissions)


def load_quarter_commissions(session: Session, quarter: Quarter) -> list[QuarterlyCommission]:
    return [QuarterlyCommission(partner_id=partner_key(c.partner_id), tier=c.tier,
                                commissionable=from_cent_count(c.commissionable_cents), rate=Decimal(c.rate),
                                commission=from_cent_count(c.commission_cents))
            for c in stored_commissions(session, quarter.key)]


# --- payments --------------------------------------------------------------------------------

def lock_payments(session: Session) -> None:
    """One payment import at a time (PostgreSQL), so two files cannot together overpay an invoice."""
    _lock(session, PaymentRow.__tablename__, "SHARE ROW EXCLUSIVE")


def invoice_rows(session: Session, invoice_ids: Iterable[str]) -> dict[str, InvoiceRow]:
    statement = select(InvoiceRow).where(InvoiceRow.invoice_id.in_(list(invoice_ids)))
    return {row.invoice_id: row for row in session.execute(statement).scalars()}


def paid_cents(session: Session, invoice_ids: Iterable[str], as_of: dt.date | None = None) -> dict[str, int]:
    """Per invoice: the sum of its payments (up to `as_of` when given)."""
    statement = (select(PaymentRow.invoice_id, func.sum(PaymentRow.amount_cents))
                 .where(PaymentRow.invoice_id.in_(list(invoice_ids))).group_by(PaymentRow.invoice_id))
    if as_of is not None:
        statement = statement.where(PaymentRow.paid_on <= as_of)
    return {invoice_id: int(total) for invoice_id, total in session.execute(statement)}


def payment_counts(session: Session, invoice_ids: Iterable[str]) -> dict[tuple[str, dt.date, int], int]:
    """How many payments of each (invoice, date, cents) are stored: a file's repeat is not paid twice."""
    statement = (select(PaymentRow.invoice_id, PaymentRow.paid_on, PaymentRow.amount_cents, func.count())
                 .where(PaymentRow.invoice_id.in_(list(invoice_ids)))
                 .group_by(PaymentRow.invoice_id, PaymentRow.paid_on, PaymentRow.amount_cents))
    return {(i, on, cents): count for i, on, cents, count in session.execute(statement)}


def record_payments(session: Session, payments: list[tuple[str, dt.date, int]], at: dt.datetime) -> None:
    if payments:
        session.connection().execute(insert(PaymentRow.__table__), [
            {"invoice_id": i, "paid_on": on, "amount_cents": cents, "recorded_at": at} for i, on, cents in payments])


def balances(session: Session, as_of: dt.date) -> list[tuple[InvoiceRow, int]]:
    """Every invoice with what was paid on it by `as_of`, summed by the database."""
    paid = (select(PaymentRow.invoice_id, func.sum(PaymentRow.amount_cents).label("paid"))
            .where(PaymentRow.paid_on <= as_of).group_by(PaymentRow.invoice_id).subquery("paid"))
    statement = (select(InvoiceRow, func.coalesce(paid.c.paid, 0))
                 .outerjoin(paid, paid.c.invoice_id == InvoiceRow.invoice_id))
    return [(row, int(cents)) for row, cents in session.execute(statement)]


def is_empty(session: Session, tables: Iterable) -> bool:
    """Whether none of these tables holds a row (the demo loads only into an empty database)."""
    return all(session.execute(select(func.count()).select_from(t)).scalar_one() == 0 for t in tables)
