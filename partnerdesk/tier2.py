"""Tier-2 resellers: registered by a distributor, invoiced by it, never by the vendor.

A tier-2 reseller has no application of its own (the distributor vouches for it). Its
discount is its own rate when one is given, otherwise the plan's `tier2_default_discount`
at each settlement, so a change of the plan's default reaches every reseller without one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from kernel.partner_types import PartnerType
from kernel.partner_types import parse_partner_key
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace


def _rate(text: str | Decimal | None) -> Decimal | None:
    if text is None:
        return None
    try:
        rate = Decimal(str(text).strip())
    except InvalidOperation:
        raise InputError(f"--discount: {text!r} is not a decimal rate (0.07 is 7 %)") from None
    if not rate.is_finite() or not 0 <= rate <= 1:
        raise InputError(f"--discount: {text!r} must be a rate between 0 and 1 (0.07 is 7 %)")
    return rate


def add_tier2(ws: Workspace, distributor_id: str, name: str, discount: str | Decimal | None = None,
              at: dt.datetime | None = None) -> str:
    """Register a tier-2 reseller under a distributor; returns its 'P-n' id."""
    name, rate = (name or "").strip(), _rate(discount)
    if not name:
        raise InputError("--name: the tier-2 reseller's name is required")
    at = at or dt.datetime.now(dt.timezone.utc)
    with ws.unit_of_work() as uow:
        parent_id = parse_partner_key(distributor_id or "")
        parent = uow.partners.get(parent_id) if parent_id is not None else None
        if parent is None:
            raise InputError(f"--distributor: {distributor_id!r} is not a known partner")
        if parent.partner_type is not PartnerType.distributor:
            raise InputError(f"--distributor: {parent.key} is not a distributor ({parent.partner_type.value})")
        if uow.partners.tier2_named(parent.id, name) is not None:
            raise InputError(f"--name: {parent.key} already has a tier-2 reseller named {name!r}")
        added = uow.partners.add(PartnerType.tier2_reseller, name, parent.territory, at.date(), at,
                                 discount_rate=str(rate) if rate is not None else None, parent_id=parent.id)
        return added.key
