"""Tier-2 resellers: registered by a distributor, invoiced by it, never by the vendor.

A tier-2 reseller has no application of its own (the distributor vouches for it). Its
discount is its own rate when one is given, otherwise the plan's `tier2_default_discount`
at each settlement, so a change of the plan's default reaches every reseller without one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from kernel.partner_types import PartnerType
from kernel.partner_types import parse_partner_key, partner_key
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace
from storage import settlement_records as records
from storage.db import transaction
from storage.tables import PartnerRow


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
    with transaction(ws.engine) as session:
        parent_id = parse_partner_key(distributor_id or "")
        parent = records.partner_row(session, parent_id) if parent_id is not None else None
        if parent is None:
            raise InputError(f"--distributor: {distributor_id!r} is not a known partner")
        if parent.partner_type != PartnerType.distributor.value:
            raise InputError(f"--distributor: {partner_key(parent.id)} is not a distributor ({parent.partner_type})")
        if records.tier2_named(session, parent.id, name) is not None:
            raise InputError(f"--name: {partner_key(parent.id)} already has a tier-2 reseller named {name!r}")
        row = PartnerRow(partner_type=PartnerType.tier2_reseller.value, name=name, territory=parent.territory,
                         discount_rate=str(rate) if rate is not None else None, parent_id=parent.id,
                         approved_on=at.date(), created_at=at)
        session.add(row)
        session.flush()
        return partner_key(row.id)
