"""The repository of usage deliveries summed by an engine and of their day sums.

A delivery is known by its fingerprint (storage/usage_aggregation.py): the same lines delivered
again find it and write nothing. Its day sums are inserted in one executemany; the service then
derives the month sums (`Usage.derive_sums`), which add them in beside the lines.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select
from sqlmodel import Session

from kernel.periods import Month
from storage.delivery_tables import UsageDaySum, UsageDelivery
from storage.usage_aggregation import DaySum

deliveries = UsageDelivery.__table__
day_sums = UsageDaySum.__table__


class Deliveries:
    def __init__(self, session: Session) -> None:
        self._session = session

    def known(self, fingerprint: str) -> bool:
        statement = select(deliveries.c.id).where(deliveries.c.fingerprint == fingerprint)
        return self._session.execute(statement).first() is not None

    def add(self, source: str, engine: str, fingerprint: str, sums: list[DaySum], at: dt.datetime) -> int:
        """Record the delivery and its day sums; its id."""
        months = sorted({Month.of(s.usage_date).key for s in sums})
        connection = self._session.connection()
        delivery_id = connection.execute(insert(deliveries).values(
            source=source, engine=engine, fingerprint=fingerprint, lines=sum(s.lines for s in sums),
            months=",".join(months), imported_at=at).returning(deliveries.c.id)).scalar_one()
        if sums:
            connection.execute(insert(day_sums), [
                {"delivery_id": delivery_id, "usage_date": s.usage_date, "customer_id": s.customer_id,
                 "product": s.product, "amount_micros": s.amount_micros,
                 "commissionable_micros": s.commissionable_micros} for s in sums])
        return delivery_id
