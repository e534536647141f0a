"""Customer association requests (contract section 6): a partner registers a customer as a
lead, invites it with a single-use code, the customer accepts, and from that day on (never
earlier) its usage belongs to the partner.

A transfer (the customer belongs to another partner on the acceptance day) or a customer
outside the partner's territory (cross region) waits for a channel manager, who approves
(associated from the approval day) or rejects (the customer stays where it was). A lead
registered on D expires after D + `lead_valid_days` (the plan's). Associations are written
into the one table `customers import` writes and settlement reads, so both doors agree.
The code is 128 random bits (`secrets`); only its SHA-256 is stored. Every step goes into the
request's history with who, when and why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from kernel.channel import (OPEN_REQUEST_STATES, RequestRecord, RequestState, ReviewReason, StepRecord,
                            state_on)
from kernel.directory import PartnerRecord
from kernel.money import Money, cents_of
from kernel.partner_types import partner_key
from kernel.periods import Month
from kernel.validation import describe, shown
from partnerdesk import associating
from partnerdesk.errors import InputError
from partnerdesk.standing import find_partner, now, require_active
from partnerdesk.workspace import Workspace
from qualification.application import CountryCode, Text
from storage.uow import UnitOfWork

CUSTOMER = "customer"


class Lead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    name: Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    country: CountryCode


class Registered(BaseModel):
    request_id: int
    state: RequestState
    expires_on: dt.date


class Invited(BaseModel):
    request_id: int
    state: RequestState
    code: str


class Decided(BaseModel):
    """After an acceptance or a manager's decision; `associated_on` is null until associated."""

    request_id: int
    state: RequestState
    associated_on: dt.date | None


class HistoryStep(BaseModel):
    step: str
    state: RequestState
    on: dt.date
    by: str
    at: dt.datetime | None
    reason: str | None = None


class RequestView(BaseModel):
    """A request as `customers requests` and the pages show it, with its history."""

    request_id: int
    partner_id: str
    partner_name: str
    customer_id: str
    name: str
    country: str
    state: RequestState
    registered_on: dt.date
    expires_on: dt.date
    invited_on: dt.date | None
    associated_on: dt.date | None
    review_reasons: list[ReviewReason]
    from_partner_id: str | None
    from_partner_name: str | None
    history: list[HistoryStep]


class Invitation(BaseModel):
    """What the public accept page shows the customer before it accepts."""

    partner_name: str
    customer_name: str
    customer_id: str
    expires_on: dt.date
    state: RequestState


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def _actor(by: str | None, default: str) -> str:
    return (by or "").strip()[:120] or default


def _load(uow: UnitOfWork, request_id: int, lock: bool = True) -> RequestRecord:
    request = uow.association_requests.get(request_id, lock)
    if request is None:
        raise InputError(f"REQUEST_ID: {request_id} is not a customer association request")
    return request


def register(ws: Workspace, partner_id: str, customer_id: str, name: str, country: str, as_of: dt.date,
             by: str | None = None, at: dt.datetime | None = None) -> Registered:
    """A lead of the partner, valid through as_of + the plan's `lead_valid_days`."""
    try:
        lead = Lead(customer_id=customer_id, name=name, country=country)
    except ValidationError as error:
        raise InputError(describe(error, "customer")) from None
    valid_days = ws.plan().lead_valid_days
    with ws.unit_of_work() as uow:
        partner = find_partner(uow, partner_id, "--partner")
        require_active(uow, partner, as_of, "registering a customer")
        if uow.customers.owner_on(lead.customer_id, as_of) == partner.id:
            raise InputError(f"--customer-id: {shown(lead.customer_id)} already belongs to {partner.key}")
        for earlier in uow.association_requests.open_for(partner.id, lead.customer_id):
            if state_on(earlier.state, earlier.expires_on, as_of) in OPEN_REQUEST_STATES:
                raise InputError(f"--customer-id: {partner.key} has request {earlier.id} for "
                                 f"{shown(lead.customer_id)} open already ({earlier.state.value})")
        request = uow.association_requests.add(partner.id, lead.customer_id, lead.name, lead.country, as_of,
                                               as_of + dt.timedelta(days=valid_days), at or now())
        uow.association_requests.add_step(request.id, "registered", RequestState.lead, as_of,
                                          _actor(by, partner.key), at or now())
        return Registered(request_id=request.id, state=request.state, expires_on=request.expires_on)


def _require_unexpired(request: RequestRecord, as_of: dt.date, field: str) -> None:
    if as_of < request.registered_on:
        raise InputError(f"--as-of: {as_of} is before the request was registered ({request.registered_on})")
    if state_on(request.state, request.expires_on, as_of) is RequestState.expired:
        raise InputError(f"{field}: request {request.id} expired after {request.expires_on}")


def invite(ws: Workspace, request_id: int, as_of: dt.date, by: str | None = None,
           at: dt.datetime | None = None) -> Invited:
    """A single-use code for the customer, valid through the lead's `expires_on`."""
    with ws.unit_of_work() as uow:
        request = _load(uow, request_id)
        _require_unexpired(request, as_of, "REQUEST_ID")
        if request.state is not RequestState.lead:
            raise InputError(f"REQUEST_ID: request {request.id} is {request.state.value}; only a lead is invited")
        partner = uow.partners.get(request.partner_id)
        require_active(uow, partner, as_of, "inviting a customer")
        code = secrets.token_hex(16)
        uow.association_requests.invite(request.id, code_hash(code), as_of)
        uow.association_requests.add_step(request.id, "invited", RequestState.invited, as_of,
                                          _actor(by, partner.key), at or now())
        return Invited(request_id=request.id, state=RequestState.invited, code=code)


def _by_code(uow: UnitOfWork, code: str) -> RequestRecord:
    request = uow.association_requests.with_code(code_hash(code or ""))
    if request is None:
        raise InputError("CODE: not a valid invitation code")
    return request


def _associate(uow: UnitOfWork, request: RequestRecord, on: dt.date) -> None:
    """From `on`, the customer's usage is the partner's; a settled month's usage never moves."""
    if associating.moves_closed_usage(uow, request.customer_id, on):
        raise InputError(f"--as-of: customer {shown(request.customer_id)} has usage on or after {on} in a "
                         f"settled month, which cannot move to another partner")
    associating.associate(uow, request.customer_id, request.partner_id, on)
    uow.association_requests.move(request.id, RequestState.associated, associated_on=on)


def _review_reasons(uow: UnitOfWork, request: RequestRecord, partner: PartnerRecord,
                    on: dt.date) -> tuple[list[ReviewReason], int | None]:
    owner = uow.customers.owner_on(request.customer_id, on)
    reasons = []
    if owner is not None and owner != partner.id:
        reasons.append(ReviewReason.transfer)
    if request.country != partner.territory:
        reasons.append(ReviewReason.cross_region)
    return reasons, owner if owner != partner.id else None


def accept(ws: Workspace, code: str, as_of: dt.date, at: dt.datetime | None = None) -> Decided:
    """The customer's acceptance: associated from `as_of`, or pending review (transfer, cross region)."""
    at = at or now()
    with ws.unit_of_work() as uow:
        associating.hold(uow)
        request = _by_code(uow, code)
        if request.state is not RequestState.invited:
            raise InputError(f"CODE: this invitation was used already (request {request.id} is {request.state.value})")
        if as_of < request.invited_on:
            raise InputError(f"--as-of: {as_of} is before the invitation ({request.invited_on}); "
                             f"an acceptance is never backdated")
        _require_unexpired(request, as_of, "CODE")
        partner = uow.partners.get(request.partner_id)
        require_active(uow, partner, as_of, "accepting its invitation")
        reasons, owner = _review_reasons(uow, request, partner, as_of)
        if reasons:
            uow.association_requests.move(request.id, RequestState.pending_review, review_reasons=reasons,
                                          from_partner_id=owner)
            uow.association_requests.add_step(request.id, "accepted", RequestState.pending_review, as_of, CUSTOMER,
                                              at, f"waits for a channel manager: {', '.join(reasons)}")
            return Decided(request_id=request.id, state=RequestState.pending_review, associated_on=None)
        _associate(uow, request, as_of)
        uow.association_requests.add_step(request.id, "accepted", RequestState.associated, as_of, CUSTOMER, at)
        return Decided(request_id=request.id, state=RequestState.associated, associated_on=as_of)


def decide(ws: Workspace, request_id: int, approve: bool, reason: str | None, by: str | None, as_of: dt.date,
           at: dt.datetime | None = None) -> Decided:
    """A manager's decision on a request waiting for review: associated from `as_of`, or rejected."""
    reason, by = (reason or "").strip(), (by or "").strip()
    if not reason:
        raise InputError(f"--reason: {'approving' if approve else 'rejecting'} a request needs a reason")
    if not by:
        raise InputError("--by: the manager's name is required")
    at = at or now()
    with ws.unit_of_work() as uow:
        associating.hold(uow)
        request = _load(uow, request_id)
        if request.state is not RequestState.pending_review:
            raise InputError(f"REQUEST_ID: request {request.id} is {request.state.value}; only a request in "
                             f"pending_review is decided")
        if not approve:
            uow.association_requests.move(request.id, RequestState.rejected)
            uow.association_requests.add_step(request.id, "rejected", RequestState.rejected, as_of, by, at, reason)
            return Decided(request_id=request.id, state=RequestState.rejected, associated_on=None)
        accepted_on = uow.association_requests.steps([request.id])[request.id][-1].on
        if as_of < accepted_on:
            raise InputError(f"--as-of: {as_of} is before the customer accepted ({accepted_on})")
        require_active(uow, uow.partners.get(request.partner_id), as_of, "approving its request")
        _associate(uow, request, as_of)
        uow.association_requests.add_step(request.id, "approved", RequestState.associated, as_of, by, at, reason)
        return Decided(request_id=request.id, state=RequestState.associated, associated_on=as_of)


def _history(request: RequestRecord, steps: list[StepRecord], day: dt.date) -> list[HistoryStep]:
    shown_steps = [HistoryStep(**s.model_dump()) for s in steps]
    if state_on(request.state, request.expires_on, day) is RequestState.expired:
        shown_steps.append(HistoryStep(step="expired", state=RequestState.expired,
                                       on=request.expires_on + dt.timedelta(days=1), by="partnerdesk", at=None,
                                       reason=f"not accepted by {request.expires_on}"))
    return shown_steps


def _views(uow: UnitOfWork, requests: list[RequestRecord], day: dt.date) -> list[RequestView]:
    steps = uow.association_requests.steps([r.id for r in requests])
    named = {r.partner_id for r in requests} | {r.from_partner_id for r in requests if r.from_partner_id}
    names = uow.partners.names(named)
    return [RequestView(
        request_id=r.id, partner_id=partner_key(r.partner_id), partner_name=names[partner_key(r.partner_id)],
        customer_id=r.customer_id, name=r.customer_name, country=r.country,
        state=state_on(r.state, r.expires_on, day), registered_on=r.registered_on, expires_on=r.expires_on,
        invited_on=r.invited_on, associated_on=r.associated_on, review_reasons=r.review_reasons,
        from_partner_id=partner_key(r.from_partner_id) if r.from_partner_id else None,
        from_partner_name=names.get(partner_key(r.from_partner_id)) if r.from_partner_id else None,
        history=_history(r, steps[r.id], day))
        for r in requests]


def requests(ws: Workspace, as_of: dt.date, state: RequestState | str | None = None,
             partner_ids: list[str] | None = None) -> list[RequestView]:
    """The requests oldest first, in their state on `as_of`; of these partners when given."""
    wanted = RequestState(state) if state else None
    with ws.reading() as uow:
        ids = [find_partner(uow, p, "--partner").id for p in partner_ids] if partner_ids is not None else None
        found = _views(uow, uow.association_requests.list(ids), as_of)
    return [r for r in found if wanted in (None, r.state)]


def invitation(ws: Workspace, code: str, as_of: dt.date) -> Invitation:
    """What an invitation code stands for, for the customer's accept page (no sign-in)."""
    with ws.reading() as uow:
        request = _by_code(uow, code)
        return Invitation(partner_name=uow.partners.get(request.partner_id).name, customer_name=request.customer_name,
                          customer_id=request.customer_id, expires_on=request.expires_on,
                          state=state_on(request.state, request.expires_on, as_of))


class CustomerNow(BaseModel):
    """A customer that belongs to the partner on a day, with this month's usage."""

    partner_id: str
    customer_id: str
    month_usage: Money


def customers_now(ws: Workspace, partner_ids: list[str], as_of: dt.date) -> list[CustomerNow]:
    """The customers these partners have on `as_of`, each with its usage of that month so far."""
    with ws.reading() as uow:
        ids = [find_partner(uow, p).id for p in partner_ids]
        usage = uow.ledgers.usage_by_customer(ids, Month.of(as_of).key)
        return [CustomerNow(partner_id=partner_key(i), customer_id=c, month_usage=cents_of(usage.get((i, c), 0)))
                for i in ids for c in uow.customers.owned_on([i], as_of)]


def own_requests(ws: Workspace, partner_id: str, as_of: dt.date) -> list[RequestView]:
    """A partner's own requests as the partner may see them: which partner a transferred customer
    comes from is the channel manager's to know, not the partner's."""
    return [r.model_copy(update={"from_partner_id": None, "from_partner_name": None})
            for r in requests(ws, as_of, partner_ids=[partner_id])]
