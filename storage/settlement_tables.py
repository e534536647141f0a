"""Tables of settlement: customers' partners, billing lines, settled periods, invoices, payments.

Billing amounts are integer micro-units and invoice figures integer cents (BigInteger), so
both databases add them exactly. A settled period keeps the invoices and commissions it
produced; its billing lines can no longer change.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class CustomerAssociation(SQLModel, table=True):
    """From `associated_on` on (until the customer's next association) usage belongs to the partner;
    to no partner when `partner_id` is empty (its partner was terminated on that day)."""

    __tablename__ = "customer_association"
    __table_args__ = (UniqueConstraint("customer_id", "associated_on"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: str = Field(max_length=64)
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    associated_on: dt.date


class UsageLine(SQLModel, table=True):
    """A billing line as the vendor's billing system sent it.

    Indexed by date only: settlement reads a period's lines. A second index (by customer) cost
    more than half of a million-line import's time on SQLite and no settlement query needs it.
    """

    __tablename__ = "usage_line"

    line_id: str = Field(primary_key=True, max_length=128)
    customer_id: str = Field(max_length=64)
    product: str = Field(max_length=64)
    usage_date: dt.date = Field(index=True)
    amount_micros: int = Field(sa_column=Column(BigInteger, nullable=False))
    commissionable: bool = True


class UsageSumRow(SQLModel, table=True):
    """Billing lines summed per month, owner, customer and product: what settling a month reads.

    Derived from the lines by the import that changes them (storage/settlement_usage.py,
    `Usage.derive_sums`), so settling never joins a million lines to their owners. `partner_id`
    0 is the vendor's direct business: it keeps the key non-null and tells an association import
    which customers have usage. Without a rowid on SQLite, a month's rows lie together.
    """

    __tablename__ = "usage_sum"
    __table_args__ = {"sqlite_with_rowid": False}

    month: str = Field(primary_key=True, max_length=7)
    partner_id: int = Field(primary_key=True)
    customer_id: str = Field(primary_key=True, max_length=64)
    product: str = Field(primary_key=True, max_length=64)
    amount_micros: int = Field(sa_column=Column(BigInteger, nullable=False))
    commissionable_micros: int = Field(sa_column=Column(BigInteger, nullable=False))


class PartnerSumRow(SQLModel, table=True):
    """A partner's usage per month and product, gross and commissionable: `usage_sum` added up
    over its customers, for the quarter's commissions, the what-if and credit control (a few
    thousand rows instead of a million). Kept beside `usage_sum`: a usage import adds its lines'
    sums to both, and a month derived again (`Usage.derive_sums`) is derived for both."""

    __tablename__ = "partner_usage_sum"
    __table_args__ = {"sqlite_with_rowid": False}

    month: str = Field(primary_key=True, max_length=7)
    partner_id: int = Field(primary_key=True)
    product: str = Field(primary_key=True, max_length=64)
    commissionable_micros: int = Field(sa_column=Column(BigInteger, nullable=False))
    amount_micros: int = Field(sa_column=Column(BigInteger, nullable=False))


class Settlement(SQLModel, table=True):
    """A closed period ('2026-07' or '2026-Q3') and the plan it was settled with (the whole plan
    as JSON since migration 0015: its late lines settle under those terms)."""

    __tablename__ = "settlement"

    period: str = Field(primary_key=True, max_length=7)
    kind: str = Field(max_length=8)
    plan_version: str = Field(max_length=80)
    plan_fingerprint: str = Field(max_length=16)
    settled_at: dt.datetime
    plan_document: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class InvoiceRow(SQLModel, table=True):
    """An issued invoice. Its lines are kept with it as one JSON document (the contract's
    `lines`): an issued invoice never changes, is always read whole, and a month's 190,000
    lines written as rows cost more than the rest of settling it."""

    __tablename__ = "invoice"

    invoice_id: str = Field(primary_key=True, max_length=64)
    period: str = Field(foreign_key="settlement.period", index=True, max_length=7)
    issuer_id: int | None = Field(default=None, foreign_key="partner.id")
    bill_to_id: int = Field(foreign_key="partner.id", index=True)
    issued_on: dt.date
    due_on: dt.date
    discount_rate: str = Field(max_length=32)
    gross_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    discount_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    total_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    lines: str = Field(sa_column=Column(Text, nullable=False, server_default="[]"))


class CommissionRow(SQLModel, table=True):
    """An agency's monthly or a reseller's or distributor's quarterly commission."""

    __tablename__ = "commission"
    __table_args__ = (UniqueConstraint("period", "partner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(foreign_key="settlement.period", max_length=7)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    tier: str | None = Field(default=None, max_length=64)
    commissionable_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    rate: str = Field(max_length=32)
    commission_cents: int = Field(sa_column=Column(BigInteger, nullable=False))


class PaymentRow(SQLModel, table=True):
    __tablename__ = "payment"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: str = Field(foreign_key="invoice.invoice_id", index=True, max_length=64)
    paid_on: dt.date
    amount_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    recorded_at: dt.datetime


class LateLine(SQLModel, table=True):
    """A billing line that arrived after its month was closed (settled, or inside a settled
    quarter): it settles as an adjustment. `month_settled_in` is the month whose settlement
    accounted for it, on an adjustment line or, when its own month had not been settled yet, on
    that month's invoice; `quarter_settled_in` the same for quarterly commissions. Null: not yet."""

    __tablename__ = "late_line"

    line_id: str = Field(primary_key=True, foreign_key="usage_line.line_id", max_length=128)
    month: str = Field(max_length=7)
    month_settled_in: str | None = Field(default=None, max_length=7)
    quarter_settled_in: str | None = Field(default=None, max_length=7)


class CommissionAdjustmentRow(SQLModel, table=True):
    """A commission paid in a later settlement (`period`) for late lines of a settled period
    (`adjusts`): an agency's month or a reseller's or distributor's quarter. Its amounts are
    differences and may be negative."""

    __tablename__ = "commission_adjustment"
    __table_args__ = (UniqueConstraint("period", "partner_id", "adjusts"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(foreign_key="settlement.period", max_length=7)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    adjusts: str = Field(max_length=7, index=True)
    tier: str | None = Field(default=None, max_length=64)
    commissionable_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    rate: str = Field(max_length=32)
    commission_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
