"""A manager's changes of a partner's terms (tier, credit limit): what each must name (a direct
reseller or distributor, a reason, who makes it; refused with the option named, before anything
is written), and the trail they leave."""

from __future__ import annotations

from collections.abc import Mapping

from kernel.partner_types import VENDOR_BILLED, parse_partner_key, partner_key
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace
from settlement.partners import Partner
from settlement.terms import TermChange


def required(text: str | None, option: str, what: str) -> str:
    if not text or not text.strip():
        raise InputError(f"{option}: {what} is required")
    return text.strip()


def vendor_billed(partners: Mapping[str, Partner], partner_id: str) -> Partner:
    """The direct reseller or distributor named 'P-n' (or 'n')."""
    number = parse_partner_key(partner_id or "")
    partner = partners.get(partner_key(number)) if number is not None else None
    if partner is None:
        raise InputError(f"PARTNER_ID: {partner_id!r} is not a known partner")
    if partner.partner_type not in VENDOR_BILLED:
        raise InputError(f"PARTNER_ID: {partner.partner_id} ({partner.partner_type.value}) has no tier or credit "
                         f"limit; only direct resellers and distributors have them")
    return partner


def terms_history(ws: Workspace, partner_id: str) -> list[TermChange]:
    """Every change of the partner's tier and credit limit, oldest first, with who, when and why."""
    number = parse_partner_key(partner_id or "")
    if number is None:
        raise InputError(f"PARTNER_ID: {partner_id!r} is not a known partner")
    with ws.reading() as uow:
        return uow.partner_terms.history(number)
