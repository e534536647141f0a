"""The repository of usage deliveries summed by an engine and of their day sums.

A delivery is known by its fingerprint (storage/usage_aggregation.py): the same lines delivered
again find it and write nothing. Its day sums are inserted in one executemany; the service then
derives the month sums (`Usage.derive_sums`), which add them in beside the lines.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from sqlalchemy import insert, select
from sqlmodel import Session

from storage import settlement_bulk as bulk
from storage.delivery_tables import UsageDaySum, UsageDelivery

deliveries = UsageDelivery.__table__
day_sums = UsageDaySum.__table__


class Deliveries:
    def __init__(self, session: Session) -> None:
        self._session = session

    def known(self, fingerprint: str) -> bool:
        statement = select(deliveries.c.id).where(deliveries.c.fingerprint == fingerprint)
        return self._session.execute(statement).first() is not None

    def add(self, source: str, engine: str, fingerprint: str, lines: int, months: list[str], at: dt.datetime) -> int:
        """Record the delivery (its day sums follow, `add_day_sums`); its id."""
        return self._session.connection().execute(insert(deliveries).values(
            source=source, engine=engine, fingerprint=fingerprint, lines=lines, months=",".join(months),
            imported_at=at).returning(deliveries.c.id)).scalar_one()

    def add_day_sums(self, delivery_id: int, batch: pa.Table) -> None:
        """A batch of the delivery's day sums, columns named as `usage_day_sum`'s."""
        delivery = pa.array([delivery_id] * batch.num_rows, pa.int64())
        bulk.insert_columns(self._session.connection(), day_sums, batch.add_column(0, "delivery_id", delivery))
