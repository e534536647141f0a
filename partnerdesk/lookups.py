"""Read-only look-ups for the pages and the demo: stored decisions, partners, accounts, customers.

Nothing here decides or writes: decisions and commissions come as the service layer stored
them, partners and accounts are listed as they are, as read models.
"""

from __future__ import annotations

from kernel.directory import AccountRecord, PartnerRecord
from kernel.partner_types import partner_key
from kernel.periods import Quarter
from partnerdesk.workspace import Workspace
from qualification.decision import Decision
from settlement.commissions import QuarterlyCommission


def latest_decision(ws: Workspace, application_id: int) -> Decision:
    with ws.reading() as uow:
        return uow.applications.latest_decision(application_id)


def partners(ws: Workspace, partner_type: str | None = None, territory: str | None = None) -> list[PartnerRecord]:
    """Approved partners and tier-2 resellers, oldest first, optionally of one type and territory."""
    with ws.reading() as uow:
        return uow.partners.list(partner_type, territory)


def partner_names(ws: Workspace) -> dict[str, str]:
    """'P-3' -> the partner's name, to show beside its id."""
    with ws.reading() as uow:
        return uow.partners.names()


def accounts(ws: Workspace) -> list[AccountRecord]:
    with ws.reading() as uow:
        return uow.accounts.list()


def quarter_commissions(ws: Workspace, quarter: str) -> list[QuarterlyCommission]:
    """The commissions stored when the quarter was settled."""
    with ws.reading() as uow:
        return uow.periods.quarter_commissions(Quarter.parse(quarter))


def is_empty(ws: Workspace) -> bool:
    """No accounts, applications, partners, customers, billing lines or settlements yet."""
    with ws.reading() as uow:
        return uow.is_empty()


def customers_of(ws: Workspace, partner_ids: list[int]) -> list[dict]:
    """Every association of a customer with one of these partners, and when it ended (the customer's next one)."""
    with ws.reading() as uow:
        rows = uow.partners.associations_of(partner_ids)
    found = []
    for (customer, partner, since), after in zip(rows, [*rows[1:], None]):
        until = after[2] if after is not None and after[0] == customer else None
        if partner in partner_ids:
            found.append({"customer": customer, "partner": partner_key(partner),
                          "associated on": since, "until": until})
    return found
