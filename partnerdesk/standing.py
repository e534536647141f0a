"""A partner's standing: a channel manager suspends, reinstates or terminates it, with a reason.

A suspended partner signs in and reads but registers, invites and adds nothing, and no
customer's acceptance reaches it; a terminated one reads only, for good, and from the
termination date its customers (a distributor's: its tier-2 resellers' too) belong to no
partner: their later usage is the vendor's direct business, on no invoice and no commission.
A tier-2 reseller stands no better than its distributor. Changes are dated (`--as-of`) and
never before the partner's latest change.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from kernel.channel import Standing, StandingAction, StandingChange, next_standing
from kernel.directory import PartnerRecord
from kernel.partner_types import PartnerType, parse_partner_key, partner_key
from partnerdesk import associating
from partnerdesk.applications import recent_counts
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace
from storage.uow import UnitOfWork


class StandingResult(BaseModel):
    partner_id: str
    action: StandingAction
    standing: Standing
    effective_on: dt.date
    customers_released: int = 0


class StandingEntry(BaseModel):
    """A change as the partner's page and history show it."""

    partner_id: str
    action: StandingAction
    standing: Standing
    effective_on: dt.date
    reason: str
    by: str
    at: dt.datetime


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def find_partner(uow: UnitOfWork, partner_id: str, field: str = "partner_id") -> PartnerRecord:
    """The partner of a 'P-n' id, or an input error naming the field."""
    number = parse_partner_key(partner_id or "")
    partner = uow.partners.get(number) if number is not None else None
    if partner is None:
        raise InputError(f"{field}: {partner_id!r} is not a known partner")
    return partner


def _standing_of(changes: list[StandingChange], day: dt.date | None) -> Standing:
    """The standing the changes leave on `day` (None: after all of them)."""
    standing = Standing.active
    for change in changes:
        if day is None or change.effective_on <= day:
            standing = change.standing
    return standing


ORDER = [Standing.active, Standing.suspended, Standing.terminated]


def standing_on(uow: UnitOfWork, partner: PartnerRecord, day: dt.date | None = None) -> Standing:
    """The partner's standing on `day`; a tier-2 reseller's is no better than its distributor's."""
    ids = [partner.id, *([partner.parent_id] if partner.parent_id else [])]
    changes = uow.standing.of(ids)
    standings = [_standing_of([c for c in changes if c.partner_id == i], day) for i in ids]
    return max(standings, key=ORDER.index)


def require_active(uow: UnitOfWork, partner: PartnerRecord, day: dt.date, doing: str) -> None:
    """Refuse what a suspended or terminated partner (or one under such a distributor) may not do."""
    standing = standing_on(uow, partner, day)
    if standing is Standing.active:
        return
    if _standing_of(uow.standing.of([partner.id]), day) is standing:
        raise InputError(f"partner_id: {partner.key} is {standing.value} on {day}; {doing} is refused")
    raise InputError(f"partner_id: {partner.key}'s distributor {partner_key(partner.parent_id)} is "
                     f"{standing.value} on {day}; {doing} is refused")


def _release_customers(uow: UnitOfWork, partner: PartnerRecord, on: dt.date) -> int:
    """From `on`, the customers of the partner (and of a distributor's tier-2 resellers) belong to no partner.
    An association with it dated later would outlive the termination: refused."""
    ids = [partner.id]
    if partner.partner_type is PartnerType.distributor:
        ids += [p.id for p in uow.partners.list(PartnerType.tier2_reseller.value) if p.parent_id == partner.id]
    later = uow.customers.associated_after(ids, on)
    if later:
        customer_id, day = later[0]
        raise InputError(f"--as-of: customer {customer_id!r} becomes {partner.key}'s on {day}, after {on}, and would "
                         f"stay with a terminated partner; terminate from {later[-1][1]} on, or move it first")
    customers = uow.customers.owned_on(ids, on)
    for customer_id in customers:
        if associating.moves_closed_usage(uow, customer_id, on):
            raise InputError(f"--as-of: customer {customer_id!r} of {partner.key} has usage on or after {on} in a "
                             f"settled month, which cannot move; terminate from the first day after it")
        associating.associate(uow, customer_id, None, on)
    return len(customers)


def change_standing(ws: Workspace, partner_id: str, action: StandingAction | str, reason: str | None,
                    by: str | None, as_of: dt.date, at: dt.datetime | None = None) -> StandingResult:
    """A manager's suspension, reinstatement or termination of a partner, effective on `as_of`."""
    action = StandingAction(action)
    reason, by = (reason or "").strip(), (by or "").strip()
    if not reason:
        raise InputError(f"--reason: to {action.value} a partner needs a reason")
    if not by:
        raise InputError("--by: the manager's name is required")
    with ws.unit_of_work() as uow:
        associating.hold(uow)
        partner = find_partner(uow, partner_id, "PARTNER_ID")
        own = uow.standing.of([partner.id])
        if own and as_of < own[-1].effective_on:
            raise InputError(f"--as-of: {as_of} is before {partner.key}'s last change of standing "
                             f"({own[-1].action.value} on {own[-1].effective_on})")
        try:
            standing = next_standing(action, _standing_of(own, None))
        except ValueError as error:
            raise InputError(f"PARTNER_ID: {partner.key} {error}") from None
        released = _release_customers(uow, partner, as_of) if standing is Standing.terminated else 0
        uow.standing.add(partner.id, action, standing, as_of, reason, by, at or now())
    if standing is Standing.terminated and partner.partner_type is PartnerType.distributor:
        recent_counts.forget(ws)  # its territory's cap no longer counts it
    return StandingResult(partner_id=partner.key, action=action, standing=standing, effective_on=as_of,
                          customers_released=released)


def standing_history(ws: Workspace, partner_id: str) -> list[StandingEntry]:
    """The partner's changes of standing, oldest first."""
    with ws.reading() as uow:
        partner = find_partner(uow, partner_id)
        return [StandingEntry(partner_id=partner.key, **c.model_dump(exclude={"partner_id"}))
                for c in uow.standing.of([partner.id])]


def current_standing(ws: Workspace, partner_id: str, day: dt.date) -> Standing:
    with ws.reading() as uow:
        return standing_on(uow, find_partner(uow, partner_id), day)
