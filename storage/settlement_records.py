"""Queries and writes of settlement.

Usage is attributed to its owner when it is stored (settlement/ownership.py): the usage import
adds each new line to `usage_sum` (month, owner, customer, product), and an association import
derives the sums again for the customers and months whose lines it moves. Settling reads those
sums, never the lines. Sums come back as integers (micro-units); PostgreSQL returns them as
exact NUMERIC, hence `int(...)`. Bulk writes go through the driver (COPY on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import and_, delete, func, insert, or_, select, table, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from settlement.commissions import AgencyCommission, QuarterlyCommission
from settlement.feeds import Association, UsageLine
from settlement.invoices import VENDOR, Invoice, InvoiceLine
from settlement.money import as_cent_count, from_cent_count
from settlement.monthly import MonthSettlement, partner_order
from settlement.ownership import Owners, UsageSum
from settlement.partners import Partner
from settlement.periods import Month, Quarter
from settlement.plan import Plan
from settlement.quarterly import CommissionableSum
from storage.records import parse_partner_key, partner_key
from storage.settlement_tables import (
    CommissionRow,
    CustomerAssociation,
    InvoiceLineRow,
    InvoiceRow,
    PaymentRow,
    Settlement,
    UsageSumRow,
)
from storage.settlement_tables import UsageLine as UsageLineRow
from storage.tables import PartnerRow

lines = UsageLineRow.__table__
associations = CustomerAssociation.__table__
sums = UsageSumRow.__table__
NO_PARTNER = 0
"""`usage_sum.partner_id` of lines that belong to no partner."""


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


def lock_owners(session: Session, moving: bool) -> None:
    """Usage imports attribute lines with the associations they read at their start, so an
    association import (`moving`) waits for them and they for it (PostgreSQL); usage imports
    still run side by side."""
    _lock(session, CustomerAssociation.__tablename__, "SHARE ROW EXCLUSIVE" if moving else "SHARE")


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


def _insert_rows(connection: Connection, target, columns: list, rows: list[tuple]) -> None:
    """Many rows at the driver level: COPY on PostgreSQL (four times faster than executemany),
    executemany on SQLite with the column types' conversions (dates as text)."""
    if not rows:
        return
    names = ", ".join(c.name for c in columns)
    if _on_postgresql(connection):
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {target.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    writers, _ = _driver_types(connection, columns)
    statement = f"INSERT INTO {target.name} ({names}) VALUES ({', '.join('?' * len(columns))})"
    connection.exec_driver_sql(statement, [_convert(row, writers) for row in rows])


def insert_lines(connection: Connection, new_lines: list[UsageLine]) -> None:
    _insert_rows(connection, lines, LINE_COLUMNS, new_lines)


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

def owners(connection: Connection, customer_ids: Iterable[str] | None = None) -> Owners:
    """Every customer's associations (or these customers'), owners as partner row ids."""
    statement = select(associations.c.customer_id, associations.c.associated_on, associations.c.partner_id)
    if customer_ids is not None:
        statement = statement.where(associations.c.customer_id.in_(list(customer_ids)))
    return Owners(connection.execute(statement))


SUM_COLUMNS = [sums.c[name] for name in ("month", "partner_id", "customer_id", "product", "amount_micros",
                                         "commissionable_micros")]
SUM_NAMES = ", ".join(c.name for c in SUM_COLUMNS)
SUM_KEY = "month, partner_id, customer_id, product"


def _sum_rows(usage_sums: Iterable[UsageSum]) -> list[tuple]:
    """Rows of `usage_sum` in key order (concurrent imports then lock rows in the same order)."""
    return sorted((m, NO_PARTNER if o is None else o, c, p, a, cm) for m, o, c, p, a, cm in usage_sums)


def add_usage_sums(connection: Connection, usage_sums: Iterable[UsageSum]) -> None:
    """Add the sums of newly stored lines to those stored (an upsert that adds)."""
    rows = _sum_rows(usage_sums)
    if not rows:
        return
    add = (f"ON CONFLICT ({SUM_KEY}) DO UPDATE SET "
           f"amount_micros = {sums.name}.amount_micros + excluded.amount_micros, "
           f"commissionable_micros = {sums.name}.commissionable_micros + excluded.commissionable_micros")
    if _on_postgresql(connection):
        connection.exec_driver_sql(f"CREATE TEMPORARY TABLE new_usage_sum (LIKE {sums.name}) ON COMMIT DROP")
        _insert_rows(connection, table("new_usage_sum"), SUM_COLUMNS, rows)
        connection.exec_driver_sql(f"INSERT INTO {sums.name} ({SUM_NAMES}) SELECT {SUM_NAMES} FROM new_usage_sum "
                                   f"ORDER BY {SUM_KEY} {add}")
        connection.exec_driver_sql("DROP TABLE new_usage_sum")
        return
    connection.exec_driver_sql(f"INSERT INTO {sums.name} ({SUM_NAMES}) VALUES ({', '.join('?' * 6)}) {add}", rows)


def usage_months(connection: Connection, customer_ids: Iterable[str]) -> dict[str, set[str]]:
    """Per customer among these: the months it has stored usage in (with or without a partner)."""
    statement = select(sums.c.customer_id, sums.c.month).where(sums.c.customer_id.in_(list(customer_ids))).distinct()
    months: dict[str, set[str]] = {}
    for customer_id, month in connection.execute(statement):
        months.setdefault(customer_id, set()).add(month)
    return months


def month_lines(connection: Connection, month: Month, customer_ids: Iterable[str]) -> list[UsageLine]:
    """The stored lines of these customers in the month."""
    statement = select(*LINE_COLUMNS).where(lines.c.usage_date >= month.first_day, lines.c.usage_date < month.end,
                                            lines.c.customer_id.in_(list(customer_ids)))
    return [UsageLine(*row) for row in connection.execute(statement)]


def replace_usage_sums(connection: Connection, month: Month, customer_ids: Iterable[str],
                       usage_sums: Iterable[UsageSum]) -> None:
    """The month's sums of these customers, derived again from their lines."""
    connection.execute(delete(sums).where(sums.c.month == month.key, sums.c.customer_id.in_(list(customer_ids))))
    _insert_rows(connection, sums, SUM_COLUMNS, _sum_rows(usage_sums))


def _partner_keys(session: Session) -> dict[int, str]:
    return {row_id: partner_key(row_id) for row_id in session.execute(select(PartnerRow.id)).scalars()}


def month_sums(session: Session, month: Month) -> list[UsageSum]:
    """The month's usage of partners' customers per owner ('P-n'), customer and product."""
    keys = _partner_keys(session)
    statement = select(*SUM_COLUMNS).where(sums.c.month == month.key, sums.c.partner_id != NO_PARTNER)
    return [UsageSum(m, keys[o], c, p, a, cm) for m, o, c, p, a, cm in session.execute(statement)]


def commissionable_sums(session: Session, months: list[Month]) -> list[CommissionableSum]:
    """Per partner with usage in these months, month and product: its customers' commissionable micro-units."""
    keys = _partner_keys(session)
    statement = (select(sums.c.partner_id, sums.c.month, sums.c.product, func.sum(sums.c.commissionable_micros))
                 .where(sums.c.month.in_([m.key for m in months]), sums.c.partner_id != NO_PARTNER)
                 .group_by(sums.c.partner_id, sums.c.month, sums.c.product))
    return [CommissionableSum(keys[o], m, p, int(s)) for o, m, p, s in session.execute(statement)]


# --- settled months and quarters --------------------------------------------------------------

def _row_id(key: str) -> int | None:
    return None if key == VENDOR else parse_partner_key(key)


INVOICE_COLUMNS = [InvoiceRow.__table__.c[name] for name in (
    "invoice_id", "period", "issuer_id", "bill_to_id", "issued_on", "due_on", "discount_rate", "gross_cents",
    "discount_cents", "total_cents")]
INVOICE_LINE_COLUMNS = [InvoiceLineRow.__table__.c[name] for name in (
    "invoice_id", "customer_id", "product", "gross_cents", "discount_cents", "net_cents")]


def save_month(session: Session, result: MonthSettlement) -> None:
    """Store a month's invoices and agency commissions (the settlement row exists already)."""
    connection = session.connection()
    _insert_rows(connection, InvoiceRow.__table__, INVOICE_COLUMNS, [
        (i.invoice_id, i.period, _row_id(i.issuer), _row_id(i.bill_to), i.issued_on, i.due_on, str(i.discount_rate),
         as_cent_count(i.gross), as_cent_count(i.discount), as_cent_count(i.total)) for i in result.invoices])
    _insert_rows(connection, InvoiceLineRow.__table__, INVOICE_LINE_COLUMNS, [
        (i.invoice_id, line.customer_id, line.product, as_cent_count(line.gross), as_cent_count(line.discount),
         as_cent_count(line.net)) for i in result.invoices for line in i.lines])
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
