"""Table of a partner's commercial terms as managers change them: tier changes, declined tier
proposals and credit-limit overrides.

Append-only (migration 0008 adds the triggers): a partner's tier in force in a month and its
credit limit are read from the latest entries, so the rows are both the history and the audit
trail of who changed what, when and why.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class TermChangeRow(SQLModel, table=True):
    __tablename__ = "partner_term_change"

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    kind: str = Field(max_length=16)
    """'tier', 'tier_declined' or 'credit_limit'."""
    value: str | None = Field(default=None, max_length=64)
    """The tier's name, or the credit limit in cents as text."""
    in_force_from: str | None = Field(default=None, max_length=7)
    """A tier change: the first month ('YYYY-MM') it applies to; a declined proposal: its quarter."""
    reason: str = Field(sa_column=Column(Text, nullable=False))
    actor: str = Field(max_length=120)
    at: dt.datetime
