"""A channel manager's review: approve, reject, request information, override.

Approval happens in one transaction that first locks the territory (row lock on PostgreSQL,
the immediate write transaction on SQLite), then decides the application again with the
distributors approved at that moment. Two managers approving into the same territory at
once are therefore serialised and the cap holds. A refused action writes nothing.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlmodel import Session

from partnerdesk.applications import (
    load_row,
    now,
    recent_counts,
    record_decision,
    situation,
    stored_application,
    stored_decision,
)
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace
from qualification.application import PartnerType
from qualification.decide import decide
from qualification.decision import Decision, Status
from settlement.plan import Plan
from storage import records
from storage.db import transaction
from storage.tables import ApplicationRow, PartnerRow

TERRITORY_CAP = "territory_cap"


class Action(StrEnum):
    approve = "approve"
    reject = "reject"
    request_info = "request_info"


ALLOWED_FROM = {
    Action.approve: ("submitted",),
    Action.reject: ("submitted", "info_requested"),
    Action.request_info: ("submitted",),
}


def _require_reason(reason: str | None, what: str) -> str:
    if not reason or not reason.strip():
        raise InputError(f"--reason: {what} needs a reason")
    return reason.strip()


def _tier_for(plan: Plan, partner_type: str, tier: str | None) -> str | None:
    terms = {"direct_reseller": plan.direct_reseller, "distributor": plan.distributor}.get(partner_type)
    if terms is None:
        if tier:
            raise InputError(f"--tier: an {partner_type} has no tiers")
        return None
    if tier and tier not in terms.tiers:
        raise InputError(f"--tier: {tier!r} is not a {partner_type} tier ({', '.join(terms.tiers)})")
    return tier or terms.default_tier


def _check_approval(application_id: int, decision: Decision, confirmed: list[str], override: bool,
                    reason: str | None) -> list[str]:
    """Refuse an approval the rules and the manager's confirmations do not support."""
    cap = decision.criterion(TERRITORY_CAP)
    if cap is not None and cap.status is Status.failed:
        raise InputError(f"application {application_id}: {cap.message}; no distributor can be approved "
                         f"into a full territory")
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


def _approve(session: Session, row: ApplicationRow, ws: Workspace, plan: Plan, by: str,
             reason: str | None, confirmed: list[str], override: bool, tier: str | None,
             at: dt.datetime) -> dict:
    application = stored_application(row)
    if application.partner_type is PartnerType.distributor:
        records.lock_territory(session, row.territory)
    earlier = stored_decision(session, row.id)
    rulebook = ws.rulebook
    circumstances = situation(session, application, earlier.as_of)
    decision = decide(application, circumstances, rulebook)
    if decision != earlier:
        record_decision(session, row, decision, circumstances, rulebook, at)
    unconfirmed = _check_approval(row.id, decision, confirmed, override, reason)
    partner = PartnerRow(partner_type=row.partner_type, name=row.company_name, territory=row.territory,
                         tier=_tier_for(plan, row.partner_type, tier), application_id=row.id,
                         approved_on=at.date(), created_at=at)
    session.add(partner)
    session.flush()
    is_override = override and (not decision.eligible or bool(unconfirmed))
    records.audit(session, row.id, "overridden" if is_override else "approved", by, at, reason,
                  decision.rules_version, partner_id=records.partner_key(partner.id), tier=partner.tier,
                  confirmed=confirmed, failed=decision.failed if is_override else [],
                  unconfirmed=unconfirmed)
    row.state = "approved"
    return {"partner_id": records.partner_key(partner.id)}


def review(ws: Workspace, application_id: int, action: Action, by: str, reason: str | None = None,
           confirm: list[str] | None = None, override: bool = False, tier: str | None = None,
           at: dt.datetime | None = None) -> dict:
    """Apply a manager's action; approval returns the new partner's id."""
    if not by or not by.strip():
        raise InputError("--by: the manager's name is required")
    confirmed = [c.strip() for c in confirm or [] if c.strip()]
    plan = ws.plan()
    at = at or now()
    with transaction(ws.engine) as session:
        row = load_row(session, application_id, lock=True)
        if row.state not in ALLOWED_FROM[action]:
            final = " (approved and rejected are final)" if row.state in ("approved", "rejected") else ""
            raise InputError(f"application {application_id}: is {row.state}{final}; "
                             f"cannot {action.value.replace('_', ' ')}")
        if action is Action.approve:
            result = _approve(session, row, ws, plan, by.strip(), reason, confirmed, override, tier, at)
        else:
            what = "rejecting" if action is Action.reject else "requesting information"
            text = _require_reason(reason, what)
            row.state = "rejected" if action is Action.reject else "info_requested"
            records.audit(session, row.id, row.state, by.strip(), at, text,
                          stored_decision(session, row.id).rules_version)
            result = {"application_id": row.id, "state": row.state}
        row.updated_at = at
        session.add(row)
    if action is Action.approve:
        recent_counts.forget(ws.engine)
    return result
