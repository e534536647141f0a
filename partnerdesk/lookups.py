"""Read-only look-ups for the pages and the demo: stored decisions, partners, accounts, customers.

Nothing here decides or writes: decisions and commissions come as the service layer stored
them, partners and accounts are listed as they are.
"""

from __future__ import annotations

from sqlmodel import Session, select

from partnerdesk.applications import stored_decision
from partnerdesk.workspace import Workspace
from qualification.decision import Decision
from settlement.commissions import QuarterlyCommission
from settlement.periods import Quarter
from storage import settlement_records
from storage.records import partner_key
from storage.settlement_tables import CustomerAssociation, Settlement, UsageLine
from storage.tables import ApplicationRow, PartnerRow, UserRow

DATA_TABLES = (UserRow, ApplicationRow, PartnerRow, CustomerAssociation, UsageLine, Settlement)


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


def quarter_commissions(ws: Workspace, quarter: str) -> list[QuarterlyCommission]:
    """The commissions stored when the quarter was settled."""
    with Session(ws.engine) as session:
        return settlement_records.load_quarter_commissions(session, Quarter.parse(quarter))


def is_empty(ws: Workspace) -> bool:
    """No accounts, applications, partners, customers, billing lines or settlements yet."""
    with Session(ws.engine) as session:
        return settlement_records.is_empty(session, [t.__table__ for t in DATA_TABLES])


def customers_of(ws: Workspace, partner_ids: list[int]) -> list[dict]:
    """Every association of a customer with one of these partners, and when it ended (the customer's next one)."""
    with Session(ws.engine) as session:
        mine = select(CustomerAssociation.customer_id).where(CustomerAssociation.partner_id.in_(partner_ids))
        rows = list(session.exec(select(CustomerAssociation).where(CustomerAssociation.customer_id.in_(mine))
                                 .order_by(CustomerAssociation.customer_id, CustomerAssociation.associated_on)))
    found = []
    for row, after in zip(rows, [*rows[1:], None]):
        until = after.associated_on if after is not None and after.customer_id == row.customer_id else None
        if row.partner_id in partner_ids:
            found.append({"customer": row.customer_id, "partner": partner_key(row.partner_id),
                          "associated on": row.associated_on, "until": until})
    return found
