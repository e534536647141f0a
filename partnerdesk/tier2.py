"""Tier-2 resellers: registered by a distributor, invoiced by it, never by the vendor.

A tier-2 reseller has no application of its own (the distributor vouches for it). Its
discount is its own rate when one is given, otherwise the plan's `tier2_default_discount`
at each settlement, so a change of the plan's default reaches every reseller without one.
A rate of its own is within the plan's bounds: from 0 up to the discount the distributor
itself gets from the vendor in its tier, so a distributor never sells below its own cost.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from kernel.directory import PartnerRecord
from kernel.partner_types import PartnerType
from kernel.partner_types import parse_partner_key, partner_key
from kernel.validation import shown
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace
from settlement.plan import Plan
from storage.uow import UnitOfWork


def _rate(text: str | Decimal | None, ceiling: Decimal) -> Decimal | None:
    if text is None or str(text).strip() == "":
        return None
    try:
        rate = Decimal(str(text).strip())
    except InvalidOperation:
        raise InputError(f"--discount: {shown(text)} is not a decimal rate (0.07 is 7 %)") from None
    if not rate.is_finite() or not 0 <= rate <= ceiling:
        raise InputError(f"--discount: {shown(text)} must be a rate between 0 and {ceiling}, the distributor's "
                         f"own discount (0.07 is 7 %)")
    return rate


def _ceiling(plan: Plan, distributor: PartnerRecord) -> Decimal:
    tier = plan.distributor.tiers.get(distributor.tier or plan.distributor.default_tier)
    return tier.discount_rate if tier is not None else Decimal(1)


def register_tier2(uow: UnitOfWork, distributor: PartnerRecord, name: str, discount: str | Decimal | None,
                   plan: Plan, at: dt.datetime) -> PartnerRecord:
    """A tier-2 reseller under the distributor, inside the caller's unit of work."""
    name = (name or "").strip()
    if not name:
        raise InputError("--name: the tier-2 reseller's name is required")
    if distributor.partner_type is not PartnerType.distributor:
        raise InputError(f"--distributor: {distributor.key} is not a distributor ({distributor.partner_type.value})")
    rate = _rate(discount, _ceiling(plan, distributor))
    if uow.partners.tier2_named(distributor.id, name) is not None:
        raise InputError(f"--name: {distributor.key} already has a tier-2 reseller named {shown(name)}")
    return uow.partners.add(PartnerType.tier2_reseller, name, distributor.territory, at.date(), at,
                            discount_rate=str(rate) if rate is not None else None, parent_id=distributor.id)


def add_tier2(ws: Workspace, distributor_id: str, name: str, discount: str | Decimal | None = None,
              at: dt.datetime | None = None) -> str:
    """`tier2 add`: register a tier-2 reseller under a distributor; returns its 'P-n' id."""
    at = at or dt.datetime.now(dt.timezone.utc)
    plan = ws.plan()
    with ws.unit_of_work() as uow:
        parent_id = parse_partner_key(distributor_id or "")
        parent = uow.partners.get(parent_id) if parent_id is not None else None
        if parent is None:
            raise InputError(f"--distributor: {distributor_id!r} is not a known partner")
        return partner_key(register_tier2(uow, parent, name, discount, plan, at).id)
