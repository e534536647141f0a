"""Tables of usage deliveries summed by an engine: the delivery, its day sums, their late ones.

A delivery imported with `--engine duckdb|spark` keeps no lines, only its sums per usage date,
customer and product (integer micro-units); `Usage.derive_sums` adds them into `usage_sum`
beside the lines' sums. Its fingerprint, computed by the engine over the lines themselves,
makes a re-delivery a no-op.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel


class UsageDelivery(SQLModel, table=True):
    """One delivery of billing lines summed by an engine; `months` the months it touched, comma-separated."""

    __tablename__ = "usage_delivery"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=1000)
    engine: str = Field(max_length=16)
    fingerprint: str = Field(max_length=128, unique=True)
    lines: int = Field(sa_column=Column(BigInteger, nullable=False))
    months: str
    imported_at: dt.datetime


class UsageDaySum(SQLModel, table=True):
    """A delivery's lines of one usage date, customer and product, added up."""

    __tablename__ = "usage_day_sum"
    __table_args__ = (Index("ix_usage_day_sum_customer_date", "customer_id", "usage_date"),)

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="usage_delivery.id", index=True)
    usage_date: dt.date = Field(index=True)
    customer_id: str = Field(max_length=64)
    product: str = Field(max_length=64)
    amount_micros: int = Field(sa_column=Column(BigInteger, nullable=False))
    commissionable_micros: int = Field(sa_column=Column(BigInteger, nullable=False))


class LateDaySum(SQLModel, table=True):
    """A day sum of a closed month: it settles as an adjustment, exactly like a late line
    (`late_line`, whose columns these are)."""

    __tablename__ = "late_day_sum"

    day_sum_id: int = Field(primary_key=True, foreign_key="usage_day_sum.id")
    month: str = Field(max_length=7)
    month_settled_in: str | None = Field(default=None, max_length=7)
    quarter_settled_in: str | None = Field(default=None, max_length=7)
