"""Partners' accounts: approval makes the applicant's account the new partner's owner; the
owner adds colleagues; a distributor registers tier-2 resellers with their owner accounts.

An account of role `partner` is bound to exactly one partner, and every page and service read
a partner reaches is limited to what that partner may see (`visible_partners`): itself, and
for a distributor its tier-2 resellers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel

from kernel.channel import PartnerAccount, Standing
from kernel.directory import PartnerRecord
from kernel.partner_types import PartnerType, partner_key
from partnerdesk.accounts import Role, new_account
from partnerdesk.errors import InputError
from partnerdesk.standing import find_partner, now, require_active, standing_on
from partnerdesk.tier2 import register_tier2
from partnerdesk.workspace import Workspace
from qualification.filed import FiledApplication
from storage.account_records import UsernameTaken
from storage.uow import UnitOfWork


class Membership(BaseModel):
    """Who a signed-in partner account is: its partner, what that partner is and may do."""

    username: str
    owner: bool
    partner_id: str
    partner_name: str
    partner_type: PartnerType
    tier: str | None
    territory: str | None
    distributor_id: str | None
    standing: Standing


class AccountView(BaseModel):
    username: str
    display_name: str
    partner_id: str
    owner: bool
    added_by: str
    added_at: dt.datetime


def activate(uow: UnitOfWork, filed: FiledApplication, partner: PartnerRecord, by: str, at: dt.datetime) -> None:
    """On approval: the applicant's account becomes the owner account of the new partner."""
    if not filed.submitted_by:
        return
    account = uow.accounts.named(filed.submitted_by)
    if account is not None and account.role == Role.applicant.value:
        uow.partner_accounts.bind(account.username, partner.id, True, by, at)


def _store(uow: UnitOfWork, partner: PartnerRecord, username: str, password: str | None, display_name: str, by: str,
           at: dt.datetime, strength: bool = True) -> AccountView:
    row = new_account(username, password, Role.partner, display_name, strength)
    try:
        uow.accounts.add(row.username, row.password_hash, row.role, row.display_name, at)
    except UsernameTaken:
        raise InputError(f"username: {row.username!r} is taken") from None
    owner = not uow.partner_accounts.of_partner(partner.id)
    return _view(uow.partner_accounts.bind(row.username, partner.id, owner, by, at))


def _view(account: PartnerAccount) -> AccountView:
    return AccountView(partner_id=partner_key(account.partner_id), **account.model_dump(exclude={"partner_id"}))


def add_partner_account(ws: Workspace, username: str, password: str | None, partner_id: str, display_name: str = "",
                        by: str = "admin", strength: bool = True, at: dt.datetime | None = None) -> AccountView:
    """`users add USERNAME --role partner --partner P-n`: the partner's first account is its owner."""
    with ws.unit_of_work() as uow:
        partner = find_partner(uow, partner_id, "--partner")
        return _store(uow, partner, username, password, display_name, by, at or now(), strength)


def _owner_partner(uow: UnitOfWork, owner_username: str) -> PartnerRecord:
    account = uow.partner_accounts.of_user(owner_username)
    if account is None or not account.owner:
        raise InputError(f"username: {owner_username!r} is not the owner account of a partner")
    return uow.partners.get(account.partner_id)


def add_colleague(ws: Workspace, owner_username: str, username: str, password: str, display_name: str,
                  as_of: dt.date, at: dt.datetime | None = None) -> AccountView:
    """The owner adds an account for a colleague at the same partner."""
    with ws.unit_of_work() as uow:
        partner = _owner_partner(uow, owner_username)
        require_active(uow, partner, as_of, "adding an account")
        return _store(uow, partner, username, password, display_name, owner_username, at or now())


def add_tier2_with_account(ws: Workspace, owner_username: str, name: str, contact_email: str,
                           discount: str | Decimal | None, username: str, password: str, display_name: str,
                           as_of: dt.date, at: dt.datetime | None = None) -> AccountView:
    """A distributor's owner registers a tier-2 reseller and the reseller's owner account, together;
    here, unlike `tier2 add`, the reseller's contact e-mail is required (issue 11)."""
    at = at or now()
    if not (contact_email or "").strip():
        raise InputError("--email: the tier-2 reseller's contact e-mail is required")
    with ws.unit_of_work() as uow:
        distributor = _owner_partner(uow, owner_username)
        reseller = register_tier2(uow, distributor, name, discount, ws.plan(), as_of, at, contact_email)
        return _store(uow, reseller, username, password, display_name, owner_username, at)


def membership(ws: Workspace, username: str, as_of: dt.date) -> Membership | None:
    """The partner a signed-in account belongs to, or None for an account of no partner."""
    with ws.reading() as uow:
        account = uow.partner_accounts.of_user(username)
        if account is None:
            return None
        partner = uow.partners.get(account.partner_id)
        return Membership(username=username, owner=account.owner, partner_id=partner.key, partner_name=partner.name,
                          partner_type=partner.partner_type, tier=partner.tier, territory=partner.territory,
                          distributor_id=partner_key(partner.parent_id) if partner.parent_id else None,
                          standing=standing_on(uow, partner, as_of))


def accounts_of(ws: Workspace, partner_id: str) -> list[AccountView]:
    """The partner's accounts, its owner first."""
    with ws.reading() as uow:
        return [_view(a) for a in uow.partner_accounts.of_partner(find_partner(uow, partner_id).id)]


def visible_partners(ws: Workspace, partner_id: str) -> list[PartnerRecord]:
    """What a partner may see: itself, and for a distributor its tier-2 resellers."""
    with ws.reading() as uow:
        partner = find_partner(uow, partner_id)
        if partner.partner_type is not PartnerType.distributor:
            return [partner]
        return [partner, *(p for p in uow.partners.list(PartnerType.tier2_reseller.value) if p.parent_id == partner.id)]


class ApprovedAs(BaseModel):
    """What an approved application became: the partner's id and tier."""

    application_id: int
    partner_id: str
    tier: str | None


def approved_as(ws: Workspace, application_ids: list[int]) -> dict[int, ApprovedAs]:
    """The partners these applications became, by application id (My applications shows them)."""
    with ws.reading() as uow:
        return {p.application_id: ApprovedAs(application_id=p.application_id, partner_id=p.key, tier=p.tier)
                for p in uow.partners.list() if p.application_id in application_ids}
