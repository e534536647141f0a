"""A channel manager's review: approve, reject, request information, override.

Approval happens in one transaction that first locks the territory (row lock on PostgreSQL,
the immediate write transaction on SQLite), then decides the application again with the
distributors approved at that moment. Two managers approving into the same territory at
once are therefore serialised and the cap holds. A refused action writes nothing.
"""

from __future__ import annotations

import datetime as dt

from kernel.partner_types import PartnerType
from kernel.states import REVIEW_ACTIONS, Action, next_state
from partnerdesk.applications import load, now, recent_counts, record_decision, situation
from partnerdesk.errors import InputError
from partnerdesk.partner_accounts import activate
from partnerdesk.workspace import Workspace
from qualification.decide import decide
from qualification.decision import Decision
from qualification.filed import FiledApplication
from qualification.rulebook import Rulebook
from qualification.territory import territory
from settlement.plan import Plan
from storage.uow import UnitOfWork


def _require_reason(reason: str | None, what: str) -> str:
    if not reason or not reason.strip():
        raise InputError(f"--reason: {what} needs a reason")
    return reason.strip()


def _tier_for(plan: Plan, partner_type: PartnerType, tier: str | None) -> str | None:
    terms = plan.tiered_terms(partner_type)
    if terms is None:
        if tier:
            raise InputError(f"--tier: an {partner_type.value} has no tiers")
        return None
    if tier and tier not in terms.tiers:
        raise InputError(f"--tier: {tier!r} is not a {partner_type.value} tier ({', '.join(terms.tiers)})")
    return tier or terms.default_tier


def _check_approval(application_id: int, decision: Decision, confirmed: list[str], override: bool,
                    reason: str | None) -> list[str]:
    """Refuse an approval the rules and the manager's confirmations do not support."""
    unknown = [c for c in confirmed if decision.criterion(c) is None]
    if unknown:
        raise InputError(f"--confirm: {', '.join(unknown)} is not a criterion of {decision.partner_type.value}")
    unconfirmed = [c for c in decision.to_review if c not in confirmed]
    if override:
        _require_reason(reason, "an override")
        return unconfirmed
    if not decision.eligible:
        raise InputError(f"application {application_id}: not eligible (failed: {', '.join(decision.failed)}); "
                         f"approving it is an override (--override with --reason)")
    if unconfirmed:
        raise InputError(f"--confirm: approving needs every review criterion confirmed; "
                         f"not confirmed: {', '.join(unconfirmed)}")
    return []


def _admit(uow: UnitOfWork, filed: FiledApplication, rulebook: Rulebook) -> None:
    """Refuse a distributor into a full territory, even by an override: its row is locked first,
    so the count stays true until this transaction ends."""
    uow.territories.lock(filed.territory)
    standing = territory(rulebook, filed.territory, uow.territories.approved_distributors(filed.territory))
    refusal = standing.refusal()
    if refusal:
        raise InputError(f"application {filed.id}: {refusal}; no distributor can be approved into a full territory")


def _approve(uow: UnitOfWork, filed: FiledApplication, ws: Workspace, plan: Plan, by: str,
             reason: str | None, confirmed: list[str], override: bool, tier: str | None,
             at: dt.datetime) -> dict:
    application = filed.application()
    rulebook = ws.rulebook
    if application.partner_type is PartnerType.distributor:
        _admit(uow, filed, rulebook)
    earlier = uow.applications.latest_decision(filed.id)
    circumstances = situation(uow, application, earlier.as_of)
    decision = decide(application, circumstances, rulebook)
    if decision != earlier:
        record_decision(uow, filed.id, decision, circumstances, rulebook, at)
    unconfirmed = _check_approval(filed.id, decision, confirmed, override, reason)
    partner = uow.partners.add(filed.partner_type, filed.company_name, filed.territory, at.date(), at,
                               tier=_tier_for(plan, filed.partner_type, tier), application_id=filed.id)
    activate(uow, filed, partner, by, at)
    is_override = override and (not decision.eligible or bool(unconfirmed))
    uow.applications.audit(filed.id, "overridden" if is_override else "approved", by, at, reason,
                           decision.rules_version, partner_id=partner.key, tier=partner.tier,
                           confirmed=confirmed, failed=decision.failed if is_override else [],
                           unconfirmed=unconfirmed)
    return {"partner_id": partner.key}


def review(ws: Workspace, application_id: int, action: Action, by: str, reason: str | None = None,
           confirm: list[str] | None = None, override: bool = False, tier: str | None = None,
           at: dt.datetime | None = None) -> dict:
    """Apply a manager's action; approval returns the new partner's id."""
    if action not in REVIEW_ACTIONS:
        raise InputError(f"{action.value}: not a manager's review action")
    if not by or not by.strip():
        raise InputError("--by: the manager's name is required")
    confirmed = [c.strip() for c in confirm or [] if c.strip()]
    plan = ws.plan()
    at = at or now()
    with ws.unit_of_work() as uow:
        filed = load(uow, application_id, lock=True)
        try:
            state = next_state(action, filed.state)
        except ValueError as error:
            raise InputError(f"application {application_id}: {error}") from None
        if action is Action.approve:
            result = _approve(uow, filed, ws, plan, by.strip(), reason, confirmed, override, tier, at)
        else:
            what = "rejecting" if action is Action.reject else "requesting information"
            uow.applications.audit(filed.id, state.value, by.strip(), at, _require_reason(reason, what),
                                   uow.applications.latest_decision(filed.id).rules_version)
            result = {"application_id": filed.id, "state": state.value}
        uow.applications.move(filed.id, state, at)
    if action is Action.approve:
        recent_counts.forget(ws)
    return result
