"""The unit of work: one transaction and the repositories that work inside it.

`unit_of_work(engine)` is a write transaction: everything done through its repositories
commits together when the block ends, or not at all when it raises (on SQLite it begins with
`BEGIN IMMEDIATE`, see `storage.db`). `reading(engine)` reads in a deferred transaction and
writes nothing. Services open one per call through the workspace and never see a session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from storage.association_requests import AssociationRequests
from storage.db import transaction
from storage.account_records import Accounts
from storage.partner_accounts import PartnerAccounts
from storage.partner_ledgers import PartnerLedgers
from storage.exposure import Exposure
from storage.partner_terms import PartnerTerms
from storage.records import Applications, Partners, Territories
from storage.settlement_invoices import Invoices
from storage.settlement_periods import Periods
from storage.settlement_tables import CustomerAssociation, Settlement, UsageLine
from storage.settlement_usage import Customers, Usage
from storage.standing_changes import StandingChanges
from storage.usage_deliveries import Deliveries
from storage.tables import ApplicationRow, PartnerRow, UserRow

DATA_TABLES = (UserRow, ApplicationRow, PartnerRow, CustomerAssociation, UsageLine, Settlement)


class UnitOfWork:
    def __init__(self, session: Session) -> None:
        self._session = session
        self.applications = Applications(session)
        self.partners = Partners(session)
        self.territories = Territories(session)
        self.accounts = Accounts(session)
        self.customers = Customers(session)
        self.usage = Usage(session)
        self.deliveries = Deliveries(session)
        self.periods = Periods(session)
        self.invoices = Invoices(session)
        self.partner_terms = PartnerTerms(session)
        self.exposure = Exposure(session)
        self.partner_accounts = PartnerAccounts(session)
        self.standing = StandingChanges(session)
        self.association_requests = AssociationRequests(session)
        self.ledgers = PartnerLedgers(session)

    def is_empty(self) -> bool:
        """No accounts, applications, partners, customers, billing lines or settlements yet."""
        return all(self._session.execute(select(func.count()).select_from(t)).scalar_one() == 0
                   for t in DATA_TABLES)


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
