"""Queries and writes of settlement.

A billing line belongs to the partner its customer was associated with on the usage date:
the association with the latest `associated_on` on or before it. That is worked out when lines
are stored, not when they are settled: the usage import derives the `usage_sum` rows (month,
owner, customer, product) of the months it added lines to, and an association import those of
the customers and months whose lines it moves (`derive_usage_sums`). Settling reads those sums,
never the lines. Sums come back as integers (micro-units); PostgreSQL returns them as
exact NUMERIC, hence `int(...)`. Bulk writes go through the driver (COPY on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable
from itertools import islice
from decimal import Decimal

from sqlalchemy import Boolean, Date, and_, case, delete, func, insert, literal, or_, select, text
from sqlalchemy.engine import Connection
from pydantic import TypeAdapter
from sqlmodel import Session

from kernel.money import as_cent_count, from_cent_count
from kernel.partner_types import VENDOR_BILLED, PartnerType
from kernel.partner_types import PARTNER_PREFIX, parse_partner_key, partner_key
from kernel.periods import Month, Quarter
from settlement.commissions import AgencyCommission, QuarterlyCommission
from settlement.feeds import Association, UsageLine
from settlement.invoices import VENDOR, Invoice, InvoiceLine
from settlement.monthly import MonthSettlement, OwnerSum, partner_order
from settlement.partners import Partner
from settlement.plan import Plan
from settlement.quarterly import CommissionableSum
from storage.settlement_tables import (
    CommissionRow,
    CustomerAssociation,
    InvoiceRow,
    PaymentRow,
    Settlement,
    PartnerSumRow,
    UsageSumRow,
)
from storage.settlement_tables import UsageLine as UsageLineRow
from storage.partner_terms import tier_changes
from storage.tables import PartnerRow

lines = UsageLineRow.__table__
associations = CustomerAssociation.__table__
sums = UsageSumRow.__table__
partner_sums = PartnerSumRow.__table__
NO_PARTNER = 0
"""`usage_sum.partner_id` of lines that belong to no partner."""


# --- partners -----------------------------------------------------------------------------

def _partner(row: PartnerRow, tier_changes: tuple[tuple[str, str], ...]) -> Partner:
    return Partner(partner_id=partner_key(row.id), partner_type=row.partner_type, tier=row.tier,
                   own_discount=Decimal(row.discount_rate) if row.discount_rate else None,
                   parent_id=partner_key(row.parent_id) if row.parent_id else None, tier_changes=tier_changes)


def partners(session: Session) -> dict[str, Partner]:
    """Every partner as settlement sees it (with its tier changes), by its 'P-n' id."""
    changes = tier_changes(session)
    return {partner_key(row.id): _partner(row, changes.get(row.id, ()))
            for row in session.execute(select(PartnerRow)).scalars()}


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

    An import holds a SHARE lock on `settlement`, a settlement a SHARE ROW EXCLUSIVE one: a
    settlement waits for running imports and they for it, so no line or association lands in a
    month while it is being settled (imports also wait for each other: `lock_usage_sums`).
    SQLite's immediate transactions already serialise every writer.
    """
    _lock(session, Settlement.__tablename__, "SHARE ROW EXCLUSIVE" if settling else "SHARE")


def lock_usage_sums(session: Session) -> None:
    """One import at a time (PostgreSQL): each ends by deriving the usage sums of whole months
    from the lines it sees, so the next one into the same month must see its lines. Reading the
    sums (settling, what-if) is not held up."""
    _lock(session, UsageSumRow.__tablename__, "EXCLUSIVE")


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


def _row_writer(connection: Connection, columns: list) -> Callable[[tuple], tuple]:
    """A row converted to what SQLite's driver takes, column by column where the type needs it.
    Two shortcuts, each a second per million lines: booleans are left alone (sqlite3 binds them
    as 1 and 0 itself) and dates are written with `isoformat`, SQLAlchemy's format for them."""
    writers, _ = _driver_types(connection, columns)
    needed = [(i, dt.date.isoformat if isinstance(c.type, Date) else w)
              for i, (c, w) in enumerate(zip(columns, writers)) if w and not isinstance(c.type, Boolean)]

    def write(row: tuple) -> tuple:
        values = list(row)
        for i, w in needed:
            values[i] = w(values[i])
        return tuple(values)

    return write if needed else tuple


def _insert_rows(connection: Connection, target, columns: list, rows: Iterable[tuple]) -> None:
    """Many rows at the driver level: COPY on PostgreSQL (four times faster than executemany),
    executemany on SQLite in chunks."""
    names = ", ".join(c.name for c in columns)
    if _on_postgresql(connection):
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {target.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    write = _row_writer(connection, columns)
    statement = f"INSERT INTO {target.name} ({names}) VALUES ({', '.join('?' * len(columns))})"
    rows = iter(rows)
    while chunk := [write(row) for row in islice(rows, 10_000)]:
        connection.exec_driver_sql(statement, chunk)


def insert_lines(connection: Connection, new_lines: list[UsageLine]) -> None:
    _insert_rows(connection, lines, LINE_COLUMNS, new_lines)


def refresh_statistics(connection: Connection, *tables) -> None:
    """After a bulk import, tell the planner how many lines there are now. Without statistics
    PostgreSQL took the new lines for a handful and joined them by nested loop, and SQLite
    started an agency's month from the partners, scanning the month's lines once per agency:
    minutes instead of a second or two for a million lines. SQLite's ANALYZE samples, so it
    costs well under a second."""
    names = ", ".join(table.name for table in tables)
    connection.exec_driver_sql(f"ANALYZE {names}" if _on_postgresql(connection) else "ANALYZE")


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


def derive_usage_sums(connection: Connection, month: Month, customer_ids: list[str] | None = None) -> None:
    """The month's `usage_sum` rows (of these customers, or all) derived again from its lines,
    and its `partner_usage_sum` rows from those: each line joined to the association in force on
    its usage date, grouped in SQL. A million lines take about 3 s on SQLite, less than half the
    time of adding them up in Python while importing them."""
    span = _spans()
    owner = func.coalesce(span.c.partner_id, NO_PARTNER)
    in_month = [lines.c.usage_date >= month.first_day, lines.c.usage_date < month.end]
    derived = [sums.c.month == month.key]
    if customer_ids is not None:
        in_month.append(lines.c.customer_id.in_(customer_ids))
        derived.append(sums.c.customer_id.in_(customer_ids))
    commissionable = func.sum(case((lines.c.commissionable.is_(True), lines.c.amount_micros), else_=0))
    connection.execute(delete(sums).where(*derived))
    connection.execute(insert(sums).from_select(
        ["month", "partner_id", "customer_id", "product", "amount_micros", "commissionable_micros"],
        select(literal(month.key), owner, lines.c.customer_id, lines.c.product, func.sum(lines.c.amount_micros),
               commissionable)
        .select_from(lines.outerjoin(span, and_(
            span.c.customer_id == lines.c.customer_id, lines.c.usage_date >= span.c.start_on,
            or_(span.c.end_on.is_(None), lines.c.usage_date < span.c.end_on))))
        .where(*in_month)
        .group_by(owner, lines.c.customer_id, lines.c.product)))
    _sum_partners(connection, month)


def usage_months(connection: Connection, since: Month, customer_ids: Container[str]) -> dict[str, set[str]]:
    """Per customer among these: the months from `since` on that it has stored usage in (with or
    without a partner). One read of those months' sums rather than a look-up per customer."""
    statement = select(sums.c.customer_id, sums.c.month).where(sums.c.month >= since.key).distinct()
    months: dict[str, set[str]] = {}
    for customer_id, month in connection.execute(statement):
        if customer_id in customer_ids:
            months.setdefault(customer_id, set()).add(month)
    return months


def _sum_partners(connection: Connection, month: Month) -> None:
    """The month's `partner_usage_sum` rows added up again from its `usage_sum` rows."""
    connection.execute(delete(partner_sums).where(partner_sums.c.month == month.key))
    connection.execute(insert(partner_sums).from_select(
        ["month", "partner_id", "product", "commissionable_micros"],
        select(sums.c.month, sums.c.partner_id, sums.c.product, func.sum(sums.c.commissionable_micros))
        .where(sums.c.month == month.key, sums.c.partner_id != NO_PARTNER)
        .group_by(sums.c.month, sums.c.partner_id, sums.c.product)))


def _partner_keys(session: Session) -> dict[int, str]:
    return {row_id: partner_key(row_id) for row_id in session.execute(select(PartnerRow.id)).scalars()}


def _fetch(connection: Connection, statement: str, parameters: tuple) -> list[tuple]:
    """Rows as plain tuples from the driver's own cursor (`?` marks a parameter on both
    databases): SQLAlchemy's rows doubled the time of reading a month's sums."""
    if _on_postgresql(connection):
        statement = statement.replace("?", "%s")
    cursor = connection.connection.cursor()
    try:
        cursor.execute(statement, parameters)
        return cursor.fetchall()
    finally:
        cursor.close()


def billed_month_sums(session: Session, month: Month) -> list[OwnerSum]:
    """The month's usage of customers of direct resellers, distributors and tier-2 resellers per
    owner ('P-n', made in SQL), customer and product."""
    billed = ", ".join(f"'{t.value}'" for t in (*VENDOR_BILLED, PartnerType.tier2_reseller))
    return _fetch(session.connection(),
                  f"SELECT '{PARTNER_PREFIX}' || CAST(s.partner_id AS VARCHAR(20)), s.customer_id, s.product, "
                  f"s.amount_micros FROM {sums.name} AS s JOIN {PartnerRow.__tablename__} AS p ON p.id = s.partner_id "
                  f"WHERE s.month = ? AND p.partner_type IN ({billed})", (month.key,))


def commissionable_sums(session: Session, months: list[Month]) -> list[CommissionableSum]:
    """Per partner with usage in these months, month and product: its customers' commissionable micro-units."""
    keys = _partner_keys(session)
    statement = select(partner_sums.c.partner_id, partner_sums.c.month, partner_sums.c.product,
                       partner_sums.c.commissionable_micros).where(partner_sums.c.month.in_([m.key for m in months]))
    return [CommissionableSum(keys[o], m, p, s) for o, m, p, s in session.execute(statement)]


# --- settled months and quarters --------------------------------------------------------------

def _row_id(key: str) -> int | None:
    return None if key == VENDOR else parse_partner_key(key)


INVOICE_COLUMNS = [InvoiceRow.__table__.c[name] for name in (
    "invoice_id", "period", "issuer_id", "bill_to_id", "issued_on", "due_on", "discount_rate", "gross_cents",
    "discount_cents", "total_cents", "lines")]
INVOICE_LINES = TypeAdapter(list[InvoiceLine])


def save_month(session: Session, result: MonthSettlement) -> None:
    """Store a month's invoices and agency commissions (the settlement row exists already)."""
    _insert_rows(session.connection(), InvoiceRow.__table__, INVOICE_COLUMNS, [
        (i.invoice_id, i.period, _row_id(i.issuer), _row_id(i.bill_to), i.issued_on, i.due_on, str(i.discount_rate),
         as_cent_count(i.gross), as_cent_count(i.discount), as_cent_count(i.total),
         INVOICE_LINES.dump_json(i.lines).decode()) for i in result.invoices])
    save_commissions(session, result.period, result.agency_commissions)


def save_commissions(session: Session, period: str,
                     commissions: list[AgencyCommission] | list[QuarterlyCommission]) -> None:
    if commissions:
        session.connection().execute(insert(CommissionRow.__table__), [{
            "period": period, "partner_id": _row_id(c.partner_id), "tier": getattr(c, "tier", None),
            "commissionable_cents": as_cent_count(c.commissionable), "rate": str(c.rate),
            "commission_cents": as_cent_count(c.commission)} for c in commissions])


def _invoice(row: InvoiceRow) -> Invoice:
    return Invoice(invoice_id=row.invoice_id, issuer=partner_key(row.issuer_id) if row.issuer_id else VENDOR,
                   bill_to=partner_key(row.bill_to_id), period=row.period, issued_on=row.issued_on,
                   due_on=row.due_on, gross=from_cent_count(row.gross_cents),
                   discount=from_cent_count(row.discount_cents), total=from_cent_count(row.total_cents),
                   lines=INVOICE_LINES.validate_json(row.lines), discount_rate=Decimal(row.discount_rate))


def stored_commissions(session: Session, period: str) -> list[CommissionRow]:
    statement = select(CommissionRow).where(CommissionRow.period == period)
    return sorted(session.execute(statement).scalars(), key=lambda c: partner_order(partner_key(c.partner_id)))


def load_month(session: Session, month: Month) -> MonthSettlement:
    """A settled month exactly as it was settled."""
    rows = session.execute(select(InvoiceRow).where(InvoiceRow.period == month.key)).scalars()
    invoices = sorted((_invoice(row) for row in rows),
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
