"""Tier review and a manager's tier changes.

`tier_review` proposes, for each direct reseller and distributor, the highest tier its trailing
four quarters' commissionable performance earns (under the plan in force's products);
`set_tier` is a manager's change, in force from the first month not yet settled, so every
settled invoice and commission keeps the tier it was settled with; `decline_proposal`
keeps a manager's no to a proposal. Each change is kept with its reason (append-only).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from kernel.directory import PartnerRecord
from kernel.partner_types import VENDOR_BILLED, parse_partner_key
from kernel.periods import Month
from kernel.validation import EARLIEST_DAY
from partnerdesk.errors import InputError
from partnerdesk.settling import parse_quarter, partners as billing_partners
from partnerdesk.term_changes import required, vendor_billed
from partnerdesk.workspace import Workspace
from settlement.partners import Partner, TermsMissing, tier_of
from settlement.partners import billing_partners as settlement_partners
from settlement.plan import Plan, Tier
from settlement.quarterly import vendor_billed_totals
from settlement.terms import TermKind
from settlement.tier_review import TierReview, propose, trailing_months
from storage.uow import UnitOfWork


class TierChanged(BaseModel):
    partner_id: str
    tier: str
    previous_tier: str
    in_force_from: str


def tier_review(ws: Workspace, quarter: str) -> TierReview:
    """`partnerdesk tiers review --quarter Q`."""
    quarter, plan = parse_quarter(quarter), ws.plan()
    with ws.reading() as uow:
        partners = billing_partners(uow)
        totals = uow.usage.commissionable_totals(trailing_months(quarter), plan.non_commissionable_products)
    return propose(plan, partners, vendor_billed_totals(totals, partners))


def declined(ws: Workspace, quarter: str) -> dict[str, str]:
    """Per partner: the tier whose proposal for the quarter a manager declined."""
    with ws.reading() as uow:
        return uow.partner_terms.declined(parse_quarter(quarter).key)


def tier_in_force(uow: UnitOfWork, plan: Plan, partner: PartnerRecord, month: str) -> tuple[str, Tier] | None:
    """A partner's tier in a month ('YYYY-MM'), a manager's change included, as settling looks it
    up: a month's invoice is discounted at it, a quarter's commission settled at its last
    month's. None for a partner without tiers (an agency, a tier-2 reseller)."""
    if partner.partner_type not in VENDOR_BILLED:
        return None
    changes = uow.partner_terms.tier_changes()
    try:
        return tier_of(plan, settlement_partners([partner], changes)[partner.key], month)
    except TermsMissing as error:
        raise InputError(str(error)) from None


def first_unsettled_month(uow: UnitOfWork) -> str:
    """The first month not yet settled (contract section 5), counted from the earliest month with
    usage or a settlement: a month left unsettled between settled ones comes first, and a month of
    a settled quarter is settled (its commission kept the tier). With neither, the calendar's first
    month, so that usage imported afterwards, of any month, settles at the new tier."""
    settled = uow.periods.closed_months()
    known = [*settled, *filter(None, [uow.partner_terms.first_usage_month()])]
    month = Month.parse(min(known)) if known else Month.of(EARLIEST_DAY)
    while month.key in settled:
        month = month.next
    return month.key


def _tier_of_plan(ws: Workspace, partner: Partner, tier: str | None) -> str:
    terms = ws.plan().tiered_terms(partner.partner_type)
    if not tier or tier not in terms.tiers:
        raise InputError(f"--tier: {tier!r} is not a {partner.partner_type.value} tier of the plan "
                         f"({', '.join(terms.tiers)})")
    return tier


def set_tier(ws: Workspace, partner_id: str, tier: str | None, reason: str | None, by: str | None,
             at: dt.datetime | None = None) -> TierChanged:
    """`partnerdesk tiers set PARTNER_ID --tier T --reason TEXT --by NAME`."""
    reason, by = required(reason, "--reason", "a reason for the tier change"), required(by, "--by", "who changes it")
    with ws.unit_of_work() as uow:
        partner = vendor_billed(billing_partners(uow), partner_id)
        tier = _tier_of_plan(ws, partner, tier)
        previous = partner.tier_in() or ws.plan().tiered_terms(partner.partner_type).default_tier
        in_force_from = first_unsettled_month(uow)
        uow.partner_terms.add(parse_partner_key(partner.partner_id), TermKind.tier, tier, reason, by,
                              at or dt.datetime.now(dt.timezone.utc), in_force_from=in_force_from)
    return TierChanged(partner_id=partner.partner_id, tier=tier, previous_tier=previous, in_force_from=in_force_from)


def decline_proposal(ws: Workspace, partner_id: str, quarter: str, proposed: str, reason: str | None,
                     by: str | None, at: dt.datetime | None = None) -> None:
    """A manager's no to the review's proposal of `proposed` for the quarter, kept with its reason."""
    reason, by = required(reason, "--reason", "a reason for declining"), required(by, "--by", "who declines it")
    quarter = parse_quarter(quarter).key
    with ws.unit_of_work() as uow:
        partner = vendor_billed(billing_partners(uow), partner_id)
        _tier_of_plan(ws, partner, proposed)
        uow.partner_terms.add(parse_partner_key(partner.partner_id), TermKind.tier_declined, proposed, reason, by,
                              at or dt.datetime.now(dt.timezone.utc), in_force_from=quarter)
