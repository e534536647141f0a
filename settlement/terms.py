"""A partner's commercial terms as managers change them: its tier, a declined tier proposal,
its credit limit. Each change is kept with who made it, when and why."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class TermKind(StrEnum):
    tier = "tier"
    tier_declined = "tier_declined"
    credit_limit = "credit_limit"


class TermChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    partner_id: str
    kind: TermKind
    value: str | None
    """The tier, or the credit limit ("60000.00")."""
    in_force_from: str | None
    """A tier change: its first month; a declined proposal: the review's quarter."""
    reason: str
    actor: str
    at: dt.datetime
