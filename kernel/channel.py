"""The channel platform's states (contract section 6), defined once: a customer association
request's states and a partner's standing, with the moves between them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class RequestState(StrEnum):
    """A customer association request: lead -> invited -> associated, or expired, or reviewed."""

    lead = "lead"
    invited = "invited"
    associated = "associated"
    expired = "expired"
    pending_review = "pending_review"
    rejected = "rejected"


EXPIRING_STATES = (RequestState.lead, RequestState.invited)
"""States that become `expired` after the request's `expires_on`."""

OPEN_REQUEST_STATES = (RequestState.lead, RequestState.invited, RequestState.pending_review)


def state_on(stored: RequestState | str, expires_on: dt.date, day: dt.date) -> RequestState:
    """The state a request is in on `day`: a lead or an invitation expires after its last day."""
    state = RequestState(stored)
    return RequestState.expired if state in EXPIRING_STATES and day > expires_on else state


class ReviewReason(StrEnum):
    """Why an acceptance waits for a channel manager."""

    transfer = "transfer"
    cross_region = "cross_region"


class Standing(StrEnum):
    """A partner's standing: active works; suspended reads only until reinstated; terminated reads only."""

    active = "active"
    suspended = "suspended"
    terminated = "terminated"


class StandingAction(StrEnum):
    suspend = "suspend"
    reinstate = "reinstate"
    terminate = "terminate"


STANDING_MOVES: dict[StandingAction, tuple[tuple[Standing, ...], Standing]] = {
    StandingAction.suspend: ((Standing.active,), Standing.suspended),
    StandingAction.reinstate: ((Standing.suspended,), Standing.active),
    StandingAction.terminate: ((Standing.active, Standing.suspended), Standing.terminated),
}
"""Each action on a partner's standing: where it may start, and where it leads. Terminated is final."""


def next_standing(action: StandingAction, standing: Standing) -> Standing:
    """The standing after the action; ValueError when the action is not possible."""
    starts, result = STANDING_MOVES[action]
    if standing not in starts:
        final = " (termination is final)" if standing is Standing.terminated else ""
        raise ValueError(f"is {standing.value}{final}; cannot {action.value}")
    return result


class StepRecord(BaseModel):
    """One step in a request's history: what happened on which day, who did it and why."""

    model_config = ConfigDict(frozen=True)

    step: str
    state: RequestState
    on: dt.date
    by: str
    at: dt.datetime
    reason: str | None = None


class RequestRecord(BaseModel):
    """A customer association request as stored (its state on a given day: `state_on`)."""

    model_config = ConfigDict(frozen=True)

    id: int
    partner_id: int
    customer_id: str
    customer_name: str
    country: str
    state: RequestState
    registered_on: dt.date
    expires_on: dt.date
    invited_on: dt.date | None = None
    associated_on: dt.date | None = None
    review_reasons: list[ReviewReason] = []
    from_partner_id: int | None = None


class StandingChange(BaseModel):
    """A manager's change of a partner's standing, effective from `effective_on`."""

    model_config = ConfigDict(frozen=True)

    partner_id: int
    action: StandingAction
    standing: Standing
    effective_on: dt.date
    reason: str
    by: str
    at: dt.datetime


def termination_days(parents: dict[int, int | None], changes: list[StandingChange]) -> dict[int, dt.date]:
    """The day from which each terminated partner's customers belong to no partner; a tier-2
    reseller (`parents` maps it to its distributor) is terminated with its distributor."""
    terminated = {c.partner_id: c.effective_on for c in changes if c.standing is Standing.terminated}
    days = {}
    for partner_id, parent_id in parents.items():
        own = [terminated[i] for i in (partner_id, parent_id) if i in terminated]
        if own:
            days[partner_id] = min(own)
    return days


class PartnerAccount(BaseModel):
    """An account bound to a partner, and whether it is the partner's owner."""

    model_config = ConfigDict(frozen=True)

    username: str
    display_name: str
    partner_id: int
    owner: bool
    added_by: str
    added_at: dt.datetime
