"""Who is who: the partners of the program and the accounts of the people who sign in.

Read models shared by qualification (an approval creates a partner), settlement and the
platform pages; storage builds them, services and pages read them.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from kernel.partner_types import PartnerType, partner_key


class PartnerRecord(BaseModel):
    """An approved partner, or a tier-2 reseller registered under its distributor."""

    model_config = ConfigDict(frozen=True)

    id: int
    partner_type: PartnerType
    name: str
    territory: str | None
    tier: str | None = None
    discount_rate: str | None = None
    parent_id: int | None = None
    contact_email: str | None = None
    application_id: int | None = None
    approved_on: dt.date
    created_at: dt.datetime

    @property
    def key(self) -> str:
        """The id people and files use: 'P-3'."""
        return partner_key(self.id)


class AccountRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    username: str
    password_hash: str
    role: str
    display_name: str
    created_at: dt.datetime
    disabled: bool = False
    session_epoch: int = 0


class AccountEventRecord(BaseModel):
    """One entry of an account's trail: a sign-in, a failed one, a lock or an administrator's change."""

    model_config = ConfigDict(frozen=True)

    username: str
    action: str
    actor: str
    at: dt.datetime
    session: str | None = None
    details: str = ""
