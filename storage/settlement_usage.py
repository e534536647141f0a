"""The repository of billing lines and their sums, and the one of customers' partners.

A billing line belongs to the partner its customer was associated with on the usage date:
the association with the latest `associated_on` on or before it (settlement/attribution.py
says the same in Python). That is worked out when lines are stored, not when they are settled:
the usage import adds its new lines' sums to the `usage_sum` rows (month, owner, customer,
product; storage/line_sums.py, `Usage.line_sums`), and an association import derives again
those of the customers and months whose lines it moves (`Usage.derive_sums`). Settling reads
those sums, never the lines. Sums come back as integers (micro-units); PostgreSQL returns them
as exact NUMERIC, hence `int(...)`.

A delivery summed by an engine (`usage import --engine duckdb|spark`) keeps day sums instead of
lines (storage/delivery_tables.py). Everything here that reads usage reads both, through
`_usage` and `_late_usage`, and a day sum is owned, summed and settled late exactly as a line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import and_, case, delete, func, insert, literal, or_, select, union_all, update
from sqlmodel import Session

from kernel.partner_types import PARTNER_PREFIX, VENDOR_BILLED, PartnerType, partner_key
from kernel.periods import Month
from settlement.adjustments import MonthSum
from settlement.feeds import Association, UsageLine
from settlement.monthly import OwnerSum
from settlement.quarterly import CommissionableSum
from storage import settlement_bulk as bulk
from storage.line_sums import PARTNER_SUM_KEYS, SPANS, SUM_KEYS, SUMMED, LineSums
from storage.delivery_tables import LateDaySum, UsageDaySum
from storage.settlement_tables import CustomerAssociation, LateLine, PartnerSumRow, UsageSumRow
from storage.settlement_tables import UsageLine as UsageLineRow
from storage.tables import PartnerRow

lines = UsageLineRow.__table__
associations = CustomerAssociation.__table__
sums = UsageSumRow.__table__
partner_sums = PartnerSumRow.__table__
late = LateLine.__table__
day_sums = UsageDaySum.__table__
late_days = LateDaySum.__table__
NO_PARTNER = 0
"""`usage_sum.partner_id` of lines that belong to no partner."""

LINE_COLUMNS = [lines.c[name] for name in UsageLine._fields]
LINE_NAMES = ", ".join(c.name for c in LINE_COLUMNS)
STORED_CHUNK = 10_000
LINE_COMMISSIONABLE = case((lines.c.commissionable.is_(True), lines.c.amount_micros), else_=0)
"""A stored line's commissionable micro-units: all of it or none (a day sum keeps its own)."""
PARTNERS = PartnerRow.__tablename__
BILLED_OWNERS = (*VENDOR_BILLED, PartnerType.tier2_reseller)
"""Owners whose customers' usage is on an invoice (an agency's customers are the vendor's to bill)."""


def _types(*partner_types: PartnerType) -> str:
    """Partner types as an SQL list of literals."""
    return ", ".join(f"'{t.value}'" for t in partner_types)


def _spans(customers=None):
    """Each association as a date range: from its date until the customer's next association;
    with `customers` (a select of customer ids), only those customers' (all of a customer's
    associations, so the ranges stay right).

    The one place SQL says whose a line is (settlement/attribution.py says it in Python)."""
    following = func.lead(associations.c.associated_on, type_=associations.c.associated_on.type).over(
        partition_by=associations.c.customer_id, order_by=associations.c.associated_on)
    statement = select(associations.c.customer_id, associations.c.partner_id,
                       associations.c.associated_on.label("start_on"), following.label("end_on"))
    if customers is not None:
        statement = statement.where(associations.c.customer_id.in_(customers))
    return statement.subquery("span")


def _owned(span, usage):
    """Usage joined to the association in force on its usage date (none: no partner)."""
    return usage.outerjoin(span, and_(
        span.c.customer_id == usage.c.customer_id, usage.c.usage_date >= span.c.start_on,
        or_(span.c.end_on.is_(None), usage.c.usage_date < span.c.end_on)))


def _usage(where=lambda table: ()):
    """The stored lines and day sums (each filtered by `where` of its table) as one relation of
    customer_id, product, usage_date, amount_micros and commissionable_micros."""
    return union_all(
        select(lines.c.customer_id, lines.c.product, lines.c.usage_date, lines.c.amount_micros,
               LINE_COMMISSIONABLE.label("commissionable_micros")).where(*where(lines)),
        select(day_sums.c.customer_id, day_sums.c.product, day_sums.c.usage_date, day_sums.c.amount_micros,
               day_sums.c.commissionable_micros).where(*where(day_sums)),
    ).subquery("usage")


def owned_usage(first: dt.date, last: dt.date):
    """The lines and day sums dated `first` through `last`, each with the row id of the partner
    it belongs to on its date (null: none), as a select of partner_id and amount_micros: what
    `partner_usage_sum` adds up, for part of a month. Only those customers' associations are
    spanned, as in `late_month_sums`."""
    usage = _usage(lambda table: (table.c.usage_date >= first, table.c.usage_date <= last))
    span = _spans(select(usage.c.customer_id))
    return select(span.c.partner_id, usage.c.amount_micros).select_from(_owned(span, usage))


def usage_dated(first: dt.date, end: dt.date):
    """A select of one row when a line or day sum is dated from `first` up to (not including) `end`."""
    return select(literal(1)).select_from(_usage(lambda table: (table.c.usage_date >= first,
                                                                 table.c.usage_date < end))).limit(1)


def _pending(table, kind: str, months: Iterable[str], settled_in: Iterable[str] = ()):
    """Late rows of these months (of `late_line` or `late_day_sum`) not yet accounted for by a
    settlement of this kind ('month' or 'quarter'), or accounted for by one of the `settled_in`
    periods (a past day's view, before those settlements)."""
    settled = table.c[f"{kind}_settled_in"]
    later = sorted(settled_in)
    return [or_(settled.is_(None), settled.in_(later)) if later else settled.is_(None),
            table.c.month.in_(sorted(months))]


def _late_usage(kind: str, months: Iterable[str], settled_in: Iterable[str] = ()):
    """The late lines and day sums of these months not yet accounted for by a settlement of this
    kind (or accounted for by one of `settled_in`), as one relation of month, customer_id,
    product, usage_date, amount_micros and commissionable_micros."""
    months = sorted(months)
    return union_all(
        select(late.c.month, lines.c.customer_id, lines.c.product, lines.c.usage_date, lines.c.amount_micros,
               LINE_COMMISSIONABLE.label("commissionable_micros"))
        .select_from(late.join(lines, late.c.line_id == lines.c.line_id))
        .where(*_pending(late, kind, months, settled_in)),
        select(late_days.c.month, day_sums.c.customer_id, day_sums.c.product, day_sums.c.usage_date,
               day_sums.c.amount_micros, day_sums.c.commissionable_micros)
        .select_from(late_days.join(day_sums, late_days.c.day_sum_id == day_sums.c.id))
        .where(*_pending(late_days, kind, months, settled_in)),
    ).subquery("late_usage")


class Usage:
    """Billing lines as the vendor's billing system sent them, and their sums per owner."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _connection(self):
        return self._session.connection()

    def lock_for_import(self) -> None:
        """One import at a time (PostgreSQL): a usage import attributes its lines to the
        associations it read at the start and adds to the stored sums, an association import
        derives sums from the lines it sees, so neither may run beside another. Reading the sums
        (settling, what-if) is not held up."""
        bulk.lock_table(self._session, sums.name, "EXCLUSIVE")

    def stored(self, line_ids: Iterable[str]) -> dict[str, UsageLine]:
        """The stored lines among these ids, to tell a repeat from a conflicting line.

        Driver-level SQL, because SQLAlchemy's expanding IN and per-value processing cost seconds
        per million lines: PostgreSQL takes the ids as one array, SQLite one marker each (in
        chunks below its limit of markers). The column types still convert the values read.
        """
        ids = list(line_ids)
        connection = self._connection
        select_lines = f"SELECT {LINE_NAMES} FROM {lines.name} WHERE line_id "
        if bulk.on_postgresql(connection):
            found = connection.exec_driver_sql(select_lines + "= ANY(%s)", (ids,)).all() if ids else []
        else:
            found = [row for start in range(0, len(ids), STORED_CHUNK)
                     for row in connection.exec_driver_sql(
                         select_lines + f"IN ({', '.join('?' * len(ids[start:start + STORED_CHUNK]))})",
                         tuple(ids[start:start + STORED_CHUNK]))]
        _, readers = bulk.driver_types(connection, LINE_COLUMNS)
        return {row[0]: UsageLine(*bulk.convert(row, readers)) for row in found}

    def add(self, new_lines: pa.Table) -> None:
        """New billing lines, as columns named as `UsageLine`'s fields."""
        bulk.insert_columns(self._connection, lines, new_lines)

    def add_if_new(self, new_lines: pa.Table) -> bool:
        """The lines stored, if none of their ids is stored already or repeated among them; if one
        is, nothing is stored and False says so. Letting the primary key find repeats, inside a
        savepoint, costs a fresh import nothing; looking the ids up first cost a fifth of it."""
        return bulk.insert_columns_if_unique(self._connection, lines, new_lines)

    def refresh_line_statistics(self) -> None:
        """After a usage import: its lines and their sums (one ANALYZE on SQLite, which has no other)."""
        bulk.refresh_statistics(self._connection, lines, sums, partner_sums)

    def refresh_sum_statistics(self) -> None:
        bulk.refresh_statistics(self._connection, sums, partner_sums)

    def has_usage_since(self, customer_id: str, since: dt.date, months: Iterable[str]) -> bool:
        """Whether the customer has lines or day sums on or after `since` in one of these months."""
        ranges = [Month.parse(m) for m in months]

        def used(table):
            return select(table.c.customer_id).where(
                table.c.customer_id == customer_id, table.c.usage_date >= since,
                or_(*(and_(table.c.usage_date >= m.first_day, table.c.usage_date < m.end) for m in ranges)),
            ).limit(1)
        return bool(ranges) and any(self._session.execute(used(t)).first() is not None for t in (lines, day_sums))

    def line_sums(self) -> LineSums:
        """Sums of lines about to be stored, attributed to the owners stored now (a usage import
        holds associations still: `lock_for_import`). The spans are read through the driver,
        dates as it gives them, and converted by pyarrow: SQLAlchemy converted each date in Python."""
        span = _spans()
        connection = self._connection
        statement = select(span.c.customer_id, span.c.partner_id, span.c.start_on, span.c.end_on)
        rows = connection.exec_driver_sql(str(statement.compile(dialect=connection.dialect))).all()
        columns = list(zip(*rows)) or [[] for _ in SPANS]
        return LineSums(pa.table([pc.cast(pa.array(c), f.type) for c, f in zip(columns, SPANS)], schema=SPANS),
                        NO_PARTNER, self._add_sums, self._sums_added)

    def _add_sums(self, usage_sums: pa.Table, owned_sums: pa.Table) -> None:
        """Sums of a part of the newly stored lines added to the stored `usage_sum` rows (an
        earlier import's into the same month, an engine's delivery, a part of the same import),
        and their partners' to `partner_usage_sum`; on PostgreSQL once the last part is in
        (`_sums_added`)."""
        bulk.add_columns_later(self._connection, sums, usage_sums, SUM_KEYS)
        bulk.add_columns_later(self._connection, partner_sums, owned_sums, PARTNER_SUM_KEYS)

    def _sums_added(self) -> None:
        bulk.add_deferred(self._connection, sums, SUM_KEYS, SUMMED)
        bulk.add_deferred(self._connection, partner_sums, PARTNER_SUM_KEYS, SUMMED)

    def derive_sums(self, month: Month, customer_ids: list[str] | None = None) -> None:
        """The month's `usage_sum` rows (of these customers, or all) derived again from its lines
        and day sums, and its `partner_usage_sum` rows from those: each joined to the association
        in force on its usage date, grouped in SQL (association imports, engine deliveries; a
        usage import adds its own lines' sums instead, `line_sums`)."""
        span = _spans()
        owner = func.coalesce(span.c.partner_id, NO_PARTNER)
        derived = [sums.c.month == month.key]
        if customer_ids is not None:
            derived.append(sums.c.customer_id.in_(customer_ids))

        def in_month(table):
            chosen = [table.c.usage_date >= month.first_day, table.c.usage_date < month.end]
            return chosen + ([table.c.customer_id.in_(customer_ids)] if customer_ids is not None else [])
        usage = _usage(in_month)
        connection = self._connection
        connection.execute(delete(sums).where(*derived))
        connection.execute(insert(sums).from_select(
            ["month", "partner_id", "customer_id", "product", "amount_micros", "commissionable_micros"],
            select(literal(month.key), owner, usage.c.customer_id, usage.c.product, func.sum(usage.c.amount_micros),
                   func.sum(usage.c.commissionable_micros))
            .select_from(_owned(span, usage))
            .group_by(owner, usage.c.customer_id, usage.c.product)))
        self._sum_partners(month)

    def _sum_partners(self, month: Month) -> None:
        """The month's `partner_usage_sum` rows added up again from its `usage_sum` rows."""
        connection = self._connection
        connection.execute(delete(partner_sums).where(partner_sums.c.month == month.key))
        connection.execute(insert(partner_sums).from_select(
            ["month", "partner_id", "product", "commissionable_micros", "amount_micros"],
            select(sums.c.month, sums.c.partner_id, sums.c.product, func.sum(sums.c.commissionable_micros),
                   func.sum(sums.c.amount_micros))
            .where(sums.c.month == month.key, sums.c.partner_id != NO_PARTNER)
            .group_by(sums.c.month, sums.c.partner_id, sums.c.product)))

    def months_with_usage(self, since: Month, customer_ids: Container[str]) -> dict[str, set[str]]:
        """Per customer among these: the months from `since` on that it has stored usage in (with or
        without a partner). One read of those months' sums rather than a look-up per customer."""
        statement = select(sums.c.customer_id, sums.c.month).where(sums.c.month >= since.key).distinct()
        months: dict[str, set[str]] = {}
        for customer_id, month in self._session.execute(statement):
            if customer_id in customer_ids:
                months.setdefault(customer_id, set()).add(month)
        return months

    def month_sums(self, month: Month) -> list[tuple[str | None, str, str, int, int]]:
        """The month's stored sums: (owner 'P-n' or None, customer, product, micro-units, commissionable)."""
        statement = select(sums.c.partner_id, sums.c.customer_id, sums.c.product, sums.c.amount_micros,
                           sums.c.commissionable_micros).where(sums.c.month == month.key)
        return [(partner_key(o) if o != NO_PARTNER else None, c, p, int(a), int(m))
                for o, c, p, a, m in self._session.execute(statement)]

    # --- late lines ------------------------------------------------------------------------

    def add_late(self, late_lines: pa.Table) -> None:
        """Remember lines that arrived after their month closed (columns line_id and month), until a
        settlement accounts for them."""
        bulk.insert_columns(self._connection, late, late_lines)

    def add_late_day_sums(self, delivery_id: int, months: Iterable[Month]) -> None:
        """Remember the delivery's day sums of these closed months, like late lines."""
        for month in months:
            self._connection.execute(insert(late_days).from_select(
                ["day_sum_id", "month"],
                select(day_sums.c.id, literal(month.key)).where(
                    day_sums.c.delivery_id == delivery_id, day_sums.c.usage_date >= month.first_day,
                    day_sums.c.usage_date < month.end)))

    def has_late(self, kind: str, months: Iterable[str]) -> bool:
        months = sorted(months)
        return any(self._session.execute(select(table.c.month).where(*_pending(table, kind, months)).limit(1)).first()
                   is not None for table in (late, late_days))

    def late_month_sums(self, months: Iterable[str], owners: list[int] | None = None,
                        settled_in: Iterable[str] = ()) -> list[MonthSum]:
        """Late usage of these settled months not yet on an invoice (or on the invoice of one of
        the `settled_in` months), per month, owner, customer and product (owned lines and day
        sums only; with `owners`, only theirs), summed in SQL. Only the late customers'
        associations are spanned: there are few of them, and spanning every customer's cost more
        than the rest of the credit report."""
        usage = _late_usage("month", months, settled_in)
        span = _spans(select(usage.c.customer_id))
        owner = span.c.partner_id
        statement = (select(usage.c.month, owner, usage.c.customer_id, usage.c.product, func.sum(usage.c.amount_micros))
                     .select_from(_owned(span, usage))
                     .where(owner.is_not(None) if owners is None else owner.in_(owners))
                     .group_by(usage.c.month, owner, usage.c.customer_id, usage.c.product))
        return [(m, partner_key(o), c, p, int(s)) for m, o, c, p, s in self._session.execute(statement)]

    def late_commissionable(self, months: Iterable[str], excluded: Iterable[str]) -> dict[tuple[str, str], int]:
        """(month, owner 'P-n') -> the commissionable micro-units of its late usage of these settled
        months not yet settled, the `excluded` products (the plan's that earn none) left out."""
        usage = _late_usage("month", months)
        span = _spans(select(usage.c.customer_id))
        statement = (select(usage.c.month, span.c.partner_id, func.sum(_counted(excluded, usage)))
                     .select_from(_owned(span, usage))
                     .where(span.c.partner_id.is_not(None)).group_by(usage.c.month, span.c.partner_id))
        return {(m, partner_key(o)): int(s) for m, o, s in self._session.execute(statement)}

    def late_owners(self, kind: str, months: Iterable[str]) -> set[tuple[str, str]]:
        """(month, owner 'P-n') of the late usage of these months not yet accounted for by a
        settlement of this kind ('month' or 'quarter')."""
        span, usage = _spans(), _late_usage(kind, months)
        statement = (select(usage.c.month, span.c.partner_id).distinct()
                     .select_from(_owned(span, usage)).where(span.c.partner_id.is_not(None)))
        return {(m, partner_key(o)) for m, o in self._session.execute(statement)}

    def settle_late(self, kind: str, months: Iterable[str], period: str) -> None:
        """The late lines and day sums of these months are now accounted for by the settlement of `period`."""
        months = sorted(months)
        for table in (late, late_days):
            self._session.execute(update(table).where(*_pending(table, kind, months))
                                  .values({table.c[f"{kind}_settled_in"]: period}))

    def billed_month_sums(self, month: Month) -> list[OwnerSum]:
        """The month's usage of customers of direct resellers, distributors and tier-2 resellers per
        owner ('P-n', made in SQL), customer and product. The owners are named in a subquery so
        that the database reads only their ranges of the (month, partner) key, not the agencies'."""
        return bulk.fetch(self._connection,
                          f"SELECT '{PARTNER_PREFIX}' || CAST(s.partner_id AS VARCHAR(20)), s.customer_id, s.product, "
                          f"s.amount_micros FROM {sums.name} AS s WHERE s.month = ? AND s.partner_id IN "
                          f"(SELECT p.id FROM {PARTNERS} AS p WHERE p.partner_type IN ({_types(*BILLED_OWNERS)}))",
                          (month.key,))

    def vendor_line_sums(self, months: list[Month]) -> list[tuple[int, str, int]]:
        """The lines of the vendor's invoices of these months before rounding: (bill_to's partner
        number, month, micro-units) of each line (one customer's product). A direct reseller's or a
        distributor's invoice has its own usage, a distributor's also its tier-2 resellers'
        (settlement.monthly.billed_sums, which settling a month uses, says the same). Only those
        distributors' invoices can have two sums of one customer and product (the customer moved
        within the month), so only they are added up by customer and product; every other sum is
        a line already and is read as two integers, from the owners' ranges of the key."""
        months_in, tier2_type = ", ".join("?" for _ in months), _types(PartnerType.tier2_reseller)
        tier2 = (f"SELECT t.parent_id FROM {PARTNERS} AS t WHERE t.partner_type = {tier2_type} "
                 f"AND t.parent_id IS NOT NULL")
        alone = (f"SELECT s.partner_id, s.month, s.amount_micros FROM {sums.name} AS s WHERE s.month IN ({months_in}) "
                 f"AND s.partner_id IN (SELECT p.id FROM {PARTNERS} AS p WHERE p.partner_type IN "
                 f"({_types(*VENDOR_BILLED)}) AND p.id NOT IN ({tier2}))")
        shared = (f"SELECT COALESCE(p.parent_id, p.id), s.month, CAST(SUM(s.amount_micros) AS BIGINT) "
                  f"FROM {sums.name} AS s JOIN {PARTNERS} AS p ON p.id = s.partner_id "
                  f"WHERE s.month IN ({months_in}) AND s.partner_id IN "
                  f"(SELECT t.id FROM {PARTNERS} AS t WHERE t.partner_type = {tier2_type} UNION {tier2}) "
                  f"GROUP BY COALESCE(p.parent_id, p.id), s.month, s.customer_id, s.product")
        keys = [m.key for m in months]
        return bulk.fetch(self._connection, f"{alone} UNION ALL {shared}", (*keys, *keys))

    def commissionable_sums(self, months: list[Month], excluded: Iterable[str],
                            owners: list[int] | None = None) -> list[CommissionableSum]:
        """Per partner with usage in these months (with `owners`, only these partner row ids) and
        month: its customers' commissionable micro-units, summed by the database over every
        product but the `excluded` ones (the plan's products that earn no commission). The one
        place that rule is applied: commissions, tier reviews and a partner's band progress all
        read through here."""
        statement = (select(partner_sums.c.partner_id, partner_sums.c.month, func.sum(_counted(excluded)))
                     .where(partner_sums.c.month.in_([m.key for m in months]),
                            *([] if owners is None else [partner_sums.c.partner_id.in_(owners)]))
                     .group_by(partner_sums.c.partner_id, partner_sums.c.month))
        return [CommissionableSum(partner_key(o), m, int(s)) for o, m, s in self._session.execute(statement)]

    def commissionable_totals(self, months: list[Month], excluded: Iterable[str],
                              owners: list[int] | None = None) -> dict[str, int]:
        """`commissionable_sums` added up over the months, per partner ('P-n')."""
        totals: dict[str, int] = {}
        for s in self.commissionable_sums(months, excluded, owners):
            totals[s.owner] = totals.get(s.owner, 0) + s.micros
        return totals


def _counted(excluded: Iterable[str], usage=partner_sums):
    """A row's commissionable micro-units (of `partner_usage_sum`, or of another relation with
    `product` and `commissionable_micros`), none for an excluded product: the one place the
    plan's products that earn no commission are left out."""
    excluded = sorted(excluded)
    if not excluded:
        return usage.c.commissionable_micros
    return case((usage.c.product.in_(excluded), 0), else_=usage.c.commissionable_micros)


class Customers:
    """Which partner each customer belongs to, from which day."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def stored(self, customer_ids: Iterable[str]) -> dict[tuple[str, dt.date], int]:
        """(customer, associated_on) -> partner row id, for every association of these customers."""
        statement = select(associations.c.customer_id, associations.c.associated_on,
                           associations.c.partner_id).where(associations.c.customer_id.in_(list(customer_ids)))
        return {(customer, on): partner for customer, on, partner in self._session.execute(statement)}

    def add(self, rows: list[tuple[Association, int]]) -> None:
        if rows:
            self._session.connection().execute(insert(associations), [
                {"customer_id": a.customer_id, "partner_id": partner_id, "associated_on": a.associated_on}
                for a, partner_id in rows])

    def refresh_statistics(self) -> None:
        bulk.refresh_statistics(self._session.connection(), associations)

    def owner_on(self, customer_id: str, day: dt.date) -> int | None:
        """The partner row id the customer belongs to on `day`, or None (no partner)."""
        statement = (select(associations.c.partner_id).where(associations.c.customer_id == customer_id,
                                                             associations.c.associated_on <= day)
                     .order_by(associations.c.associated_on.desc()).limit(1))
        return self._session.execute(statement).scalar()

    def owned_on(self, partner_ids: list[int], day: dt.date) -> list[str]:
        """The customers that belong to one of these partners on `day`. Only the customers that
        ever belonged to one of them are looked at (not every customer's latest association)."""
        theirs = select(associations.c.customer_id).where(associations.c.partner_id.in_(partner_ids))
        latest = (select(associations.c.customer_id, func.max(associations.c.associated_on).label("since"))
                  .where(associations.c.associated_on <= day, associations.c.customer_id.in_(theirs))
                  .group_by(associations.c.customer_id).subquery())
        statement = (select(associations.c.customer_id).join(latest, and_(
            latest.c.customer_id == associations.c.customer_id, latest.c.since == associations.c.associated_on))
            .where(associations.c.partner_id.in_(partner_ids)).order_by(associations.c.customer_id))
        return list(self._session.execute(statement).scalars())

    def associated_after(self, partner_ids: list[int], day: dt.date) -> list[tuple[str, dt.date]]:
        """(customer, day) of the associations with these partners dated after `day`, oldest first."""
        statement = (select(associations.c.customer_id, associations.c.associated_on)
                     .where(associations.c.partner_id.in_(partner_ids), associations.c.associated_on > day)
                     .order_by(associations.c.associated_on, associations.c.customer_id))
        return [(customer_id, on) for customer_id, on in self._session.execute(statement)]

    def associate(self, customer_id: str, partner_id: int | None, on: dt.date) -> None:
        """From `on`, the customer belongs to the partner (to no partner when None: its partner was
        terminated); an association of the same day is replaced. The caller derives the sums again."""
        same_day = and_(associations.c.customer_id == customer_id, associations.c.associated_on == on)
        changed = self._session.execute(update(associations).where(same_day).values(partner_id=partner_id))
        if not changed.rowcount:
            self._session.execute(insert(associations).values(customer_id=customer_id, partner_id=partner_id,
                                                              associated_on=on))
