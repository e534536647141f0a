"""The unit of work: one transaction and the repositories that work inside it.

`unit_of_work(engine)` is a write transaction: everything done through its repositories
commits together when the block ends, or not at all when it raises (on SQLite it begins with
`BEGIN IMMEDIATE`, see `storage.db`). `reading(engine)` reads in a deferred transaction and
writes nothing. Services open one per call through the workspace and never see a session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlmodel import Session

from storage import settlement_records
from storage.association_requests import AssociationRequests
from storage.customer_associations import CustomerAssociations
from storage.db import transaction
from storage.partner_accounts import PartnerAccounts
from storage.partner_ledgers import PartnerLedgers
from storage.records import Accounts, Applications, Partners, Territories
from storage.settlement_tables import CustomerAssociation, Settlement, UsageLine
from storage.standing_changes import StandingChanges
from storage.tables import ApplicationRow, PartnerRow, UserRow

DATA_TABLES = (UserRow, ApplicationRow, PartnerRow, CustomerAssociation, UsageLine, Settlement)


class UnitOfWork:
    def __init__(self, session: Session) -> None:
        self.session = session  # for settlement's record functions until they become repositories
        self.applications = Applications(session)
        self.partners = Partners(session)
        self.territories = Territories(session)
        self.accounts = Accounts(session)
        self.partner_accounts = PartnerAccounts(session)
        self.standing = StandingChanges(session)
        self.association_requests = AssociationRequests(session)
        self.customer_associations = CustomerAssociations(session)
        self.ledgers = PartnerLedgers(session)

    def is_empty(self) -> bool:
        """No accounts, applications, partners, customers, billing lines or settlements yet."""
        return settlement_records.is_empty(self.session, [t.__table__ for t in DATA_TABLES])


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[UnitOfWork]:
    """A write transaction: commits when the block ends, rolls back when it raises."""
    with transaction(engine) as session:
        yield UnitOfWork(session)


@contextmanager
def reading(engine: Engine) -> Iterator[UnitOfWork]:
    """A read-only unit of work: nothing it does is committed."""
    with Session(engine, expire_on_commit=False) as session:
        yield UnitOfWork(session)
        session.rollback()
