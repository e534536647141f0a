"""The kinds of partner in the channel program (contract section 1), defined once."""

from __future__ import annotations

from enum import StrEnum


class PartnerType(StrEnum):
    agency = "agency"
    direct_reseller = "direct_reseller"
    distributor = "distributor"
    tier2_reseller = "tier2_reseller"


APPLICABLE = (PartnerType.agency, PartnerType.direct_reseller, PartnerType.distributor)
"""The types one applies for; a tier-2 reseller is registered by its distributor instead."""

VENDOR_BILLED = (PartnerType.direct_reseller, PartnerType.distributor)
"""The partners the vendor invoices each month and pays quarterly commission; they have tiers."""

PARTNER_PREFIX = "P-"


def partner_key(partner_id: int) -> str:
    """The partner id people and files use: 'P-3'."""
    return f"{PARTNER_PREFIX}{partner_id}"


def parse_partner_key(text: str) -> int | None:
    """'P-3' (or '3') back to the number; None when it is neither."""
    digits = text.strip().upper().removeprefix(PARTNER_PREFIX)
    return int(digits) if digits.isascii() and digits.isdigit() else None
