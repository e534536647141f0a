"""Tables of qualification, review, partners and accounts.

Documents that must be replayed exactly (an application as submitted, a decision as made)
are kept as JSON text beside the columns that queries filter on. The audit trail is
append-only: nothing updates or deletes an `AuditEntry`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class TerritoryLock(SQLModel, table=True):
    """One row per territory, locked while a distributor is approved into it."""

    __tablename__ = "territory"

    code: str = Field(primary_key=True, max_length=2)


class ApplicationRow(SQLModel, table=True):
    __tablename__ = "application"
    __table_args__ = (Index("ix_application_created", "created_at", "id"),)
    """The queue and the review page read the oldest first: without this index every look sorted
    all applications of a state."""

    id: int | None = Field(default=None, primary_key=True)
    partner_type: str = Field(index=True, max_length=32)
    company_name: str = Field(max_length=300)
    territory: str = Field(index=True, max_length=2)
    registration_key: str | None = Field(default=None, index=True, max_length=64)
    state: str = Field(index=True, max_length=32)
    eligible: bool
    submitted_by: str | None = Field(default=None, index=True, max_length=120)
    document: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime
    updated_at: dt.datetime


class DecisionRow(SQLModel, table=True):
    __tablename__ = "decision"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    as_of: dt.date
    rules_version: str = Field(max_length=80)
    eligible: bool
    document: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime


class AuditEntry(SQLModel, table=True):
    """Every evaluation and review action on an application: who, when, why, which rules."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    action: str = Field(max_length=32)
    actor: str = Field(max_length=120)
    at: dt.datetime
    reason: str | None = Field(default=None, sa_column=Column(Text))
    rules_version: str | None = Field(default=None, max_length=80)
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False))


class PartnerRow(SQLModel, table=True):
    """An approved partner, or a tier-2 reseller registered under a distributor."""

    __tablename__ = "partner"

    id: int | None = Field(default=None, primary_key=True)
    partner_type: str = Field(index=True, max_length=32)
    name: str = Field(max_length=300)
    territory: str | None = Field(default=None, index=True, max_length=2)
    tier: str | None = Field(default=None, max_length=64)
    discount_rate: str | None = Field(default=None, max_length=32)
    parent_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    contact_email: str | None = Field(default=None, max_length=320)  # a tier-2 reseller's (migration 0011)
    application_id: int | None = Field(default=None, foreign_key="application.id", unique=True)
    approved_on: dt.date
    created_at: dt.datetime


class UserRow(SQLModel, table=True):
    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("username"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=120)
    password_hash: str = Field(max_length=256)
    role: str = Field(max_length=16)
    display_name: str = Field(default="", max_length=200)
    created_at: dt.datetime
    disabled: bool = False
    session_epoch: int = 0  # raised by a password change or reset, a disabling or a role change: older sign-ins end


class AccountEvent(SQLModel, table=True):
    """What happened to an account, append-only: sign-ins and failed ones, locks, an administrator's changes."""

    __tablename__ = "account_event"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, max_length=120)
    action: str = Field(max_length=32)
    actor: str = Field(max_length=120)
    at: dt.datetime = Field(index=True)
    session: str | None = Field(default=None, index=True, max_length=64)
    details: str = Field(default="", sa_column=Column(Text, nullable=False))


class RulesSnapshot(SQLModel, table=True):
    """The exact rule files of each rules version a decision was made with, to replay it later."""

    __tablename__ = "rules_snapshot"

    version: str = Field(primary_key=True, max_length=80)
    sources: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime
