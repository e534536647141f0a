"""Tables of the channel platform: partners' accounts, customer association requests with
their history, and changes of a partner's standing.

A request's steps and a partner's standing changes are append-only (migration 0009 makes the
database refuse UPDATE and DELETE on them): they are the history people are shown.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class PartnerAccountRow(SQLModel, table=True):
    """An account bound to a partner: its owner (made from the approved application's
    account, or the first account of a tier-2 reseller) or a colleague the owner added."""

    __tablename__ = "partner_account"

    user_id: int = Field(primary_key=True, foreign_key="user_account.id")
    partner_id: int = Field(foreign_key="partner.id", index=True)
    owner: bool = False
    added_by: str = Field(max_length=120)
    added_at: dt.datetime


class AssociationRequestRow(SQLModel, table=True):
    """A partner's request to associate a customer, from lead to associated (or not).

    Only a SHA-256 of the invitation code is kept: the code itself is shown once, to the
    partner who sends it to the customer.
    """

    __tablename__ = "association_request"

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    customer_id: str = Field(max_length=64, index=True)
    customer_name: str = Field(max_length=300)
    country: str = Field(max_length=2)
    state: str = Field(max_length=16, index=True)
    registered_on: dt.date
    expires_on: dt.date
    invited_on: dt.date | None = None
    code_hash: str | None = Field(default=None, max_length=64, unique=True)
    associated_on: dt.date | None = None
    review_reasons: str = Field(default="", max_length=64)
    from_partner_id: int | None = Field(default=None, foreign_key="partner.id")
    created_at: dt.datetime


class AssociationStepRow(SQLModel, table=True):
    """One step of a request: what happened, on which business day, who did it and why."""

    __tablename__ = "association_step"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="association_request.id", index=True)
    step: str = Field(max_length=32)
    state: str = Field(max_length=16)
    on: dt.date
    by: str = Field(max_length=120)
    at: dt.datetime
    reason: str | None = Field(default=None, sa_column=Column(Text))


class StandingChangeRow(SQLModel, table=True):
    """A manager's suspension, reinstatement or termination of a partner, effective on a day."""

    __tablename__ = "standing_change"

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    action: str = Field(max_length=16)
    standing: str = Field(max_length=16)
    effective_on: dt.date
    reason: str = Field(sa_column=Column(Text, nullable=False))
    by: str = Field(max_length=120)
    at: dt.datetime
