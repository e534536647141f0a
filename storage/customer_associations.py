"""The repository of customers' partners as the channel platform changes them, one customer
at a time: the same `customer_association` rows `customers import` writes and settlement reads.

A new association (or the end of one: a row naming no partner, from a termination) moves
the customer's stored usage from its date on, so the usage sums of the customer's months from
then are derived again with settlement's own rule (`settlement_records.derive_usage_sums`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, select, update
from sqlmodel import Session

from kernel.periods import Month
from storage import settlement_records as records
from storage.settlement_tables import CustomerAssociation

associations = CustomerAssociation.__table__


class CustomerAssociations:
    def __init__(self, session: Session) -> None:
        self._session = session

    def hold(self) -> None:
        """Wait for running imports and settlements, as an association import does (PostgreSQL)."""
        records.lock_periods(self._session, settling=False)
        records.lock_usage_sums(self._session)

    def owner_on(self, customer_id: str, day: dt.date) -> int | None:
        """The partner the customer belongs to on `day`, or None (no partner)."""
        statement = (select(associations.c.partner_id).where(associations.c.customer_id == customer_id,
                                                             associations.c.associated_on <= day)
                     .order_by(associations.c.associated_on.desc()).limit(1))
        return self._session.execute(statement).scalar()

    def owned_on(self, partner_ids: list[int], day: dt.date) -> list[str]:
        """The customers that belong to one of these partners on `day`."""
        latest = (select(associations.c.customer_id, func.max(associations.c.associated_on).label("since"))
                  .where(associations.c.associated_on <= day).group_by(associations.c.customer_id).subquery())
        statement = (select(associations.c.customer_id).join(latest, and_(
            latest.c.customer_id == associations.c.customer_id, latest.c.since == associations.c.associated_on))
            .where(associations.c.partner_id.in_(partner_ids)).order_by(associations.c.customer_id))
        return list(self._session.execute(statement).scalars())

    def would_move_closed_usage(self, customer_id: str, since: dt.date) -> bool:
        """Whether a change from `since` would move usage of a settled (closed) month."""
        closed = records.closed_months(self._session)
        return bool(closed) and records.has_closed_usage_since(self._session.connection(), customer_id, since, closed)

    def associate(self, customer_id: str, partner_id: int | None, on: dt.date) -> None:
        """From `on`, the customer's usage is the partner's (no partner's when None)."""
        same_day = and_(associations.c.customer_id == customer_id, associations.c.associated_on == on)
        changed = self._session.execute(update(associations).where(same_day).values(partner_id=partner_id))
        if not changed.rowcount:
            self._session.execute(associations.insert().values(customer_id=customer_id, partner_id=partner_id,
                                                               associated_on=on))
        self._attribute_again(customer_id, on)

    def _attribute_again(self, customer_id: str, since: dt.date) -> None:
        connection = self._session.connection()
        start = Month.of(since)
        months = records.usage_months(connection, start, {customer_id}).get(customer_id, set())
        for month in sorted(months):
            records.derive_usage_sums(connection, Month.parse(month), [customer_id])
