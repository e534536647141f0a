"""Read-only look-ups the pages show and the service layer does not offer yet.

Nothing here decides or writes: decisions come stored from the service layer, partners and
accounts are listed as they are.
"""

from __future__ import annotations

from sqlmodel import Session, select

from partnerdesk.applications import stored_decision
from partnerdesk.workspace import Workspace
from qualification.decision import Decision
from storage.tables import PartnerRow, UserRow


def latest_decision(ws: Workspace, application_id: int) -> Decision:
    with Session(ws.engine) as session:
        return stored_decision(session, application_id)


def partners(ws: Workspace, partner_type: str | None = None, territory: str | None = None) -> list[PartnerRow]:
    """Approved partners and tier-2 resellers, oldest first, optionally of one type and territory."""
    statement = select(PartnerRow).order_by(PartnerRow.id)
    if partner_type:
        statement = statement.where(PartnerRow.partner_type == partner_type)
    if territory:
        statement = statement.where(PartnerRow.territory == territory)
    with Session(ws.engine) as session:
        return list(session.exec(statement))


def accounts(ws: Workspace) -> list[UserRow]:
    with Session(ws.engine) as session:
        return list(session.exec(select(UserRow).order_by(UserRow.role, UserRow.username)))
