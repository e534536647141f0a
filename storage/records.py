"""The repositories of qualification's side: applications (with their decisions, audit trail
and the rule files they were decided with), partners and territories (accounts: storage.account_records).

Each takes the unit of work's session and hands back read models (pydantic), never rows, so
no table row leaves `storage/`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator

from sqlalchemy import func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from kernel.channel import Standing
from kernel.directory import PartnerRecord
from kernel.partner_types import PartnerType, partner_key
from kernel.states import OPEN_STATES, ApplicationState
from qualification.application import Application
from qualification.decision import Decision
from qualification.filed import AuditRecord, FiledApplication
from storage.platform_tables import StandingChangeRow
from storage.settlement_tables import CustomerAssociation
from storage.tables import ApplicationRow, AuditEntry, DecisionRow, PartnerRow, RulesSnapshot, TerritoryLock


def _insert_ignoring_duplicates(session: Session, table, **values) -> None:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing())


def _filed(row) -> FiledApplication:
    """An application row (or a row of its columns) as the read model."""
    return FiledApplication.model_construct(
        id=row.id, partner_type=PartnerType(row.partner_type), company_name=row.company_name,
        territory=row.territory, state=ApplicationState(row.state), eligible=row.eligible,
        submitted_by=row.submitted_by, created_at=row.created_at, updated_at=row.updated_at,
        document=row.document)


class Applications:
    """Applications with their decisions and audit trail."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, application: Application, state: ApplicationState, eligible: bool,
            submitted_by: str | None, at: dt.datetime) -> int:
        row = ApplicationRow(
            partner_type=application.partner_type.value, company_name=application.company_name,
            territory=application.territory, registration_key=application.registration_key,
            state=state.value, eligible=eligible, submitted_by=submitted_by,
            document=json.dumps(application.as_json()), created_at=at, updated_at=at)
        self._session.add(row)
        self._session.flush()
        return row.id

    def _row(self, application_id: int, lock: bool = False) -> ApplicationRow | None:
        statement = select(ApplicationRow).where(ApplicationRow.id == application_id)
        return self._session.exec(statement.with_for_update() if lock else statement).first()

    def get(self, application_id: int, lock: bool = False) -> FiledApplication | None:
        """The application; `lock` holds its row until the transaction ends."""
        row = self._row(application_id, lock)
        return _filed(row) if row is not None else None

    def replace(self, application_id: int, application: Application, state: ApplicationState,
                eligible: bool, at: dt.datetime) -> None:
        """The applicant's updated application in place of the earlier one."""
        row = self._row(application_id)
        row.company_name, row.territory = application.company_name, application.territory
        row.registration_key, row.state = application.registration_key, state.value
        row.eligible, row.document, row.updated_at = eligible, json.dumps(application.as_json()), at
        self._session.add(row)

    def move(self, application_id: int, state: ApplicationState, at: dt.datetime) -> None:
        row = self._row(application_id)
        row.state, row.updated_at = state.value, at
        self._session.add(row)

    def open_with(self, partner_type: PartnerType, registration_key: str) -> FiledApplication | None:
        """An open application of the type with this registration number (a duplicate)."""
        statement = select(ApplicationRow).where(
            ApplicationRow.partner_type == partner_type.value,
            ApplicationRow.registration_key == registration_key,
            ApplicationRow.state.in_([s.value for s in OPEN_STATES]),
        )
        row = self._session.exec(statement).first()
        return _filed(row) if row is not None else None

    @staticmethod
    def _where(statement, state, partner_type, territory, submitted_by):
        for column, value in ((ApplicationRow.state, state), (ApplicationRow.partner_type, partner_type),
                              (ApplicationRow.territory, territory), (ApplicationRow.submitted_by, submitted_by)):
            if value:
                statement = statement.where(column == value)
        return statement

    def list(self, state: str | None = None, partner_type: str | None = None, territory: str | None = None,
             submitted_by: str | None = None, limit: int | None = None) -> list[FiledApplication]:
        """Oldest first, filtered as the review queue and 'my applications' need."""
        statement = self._where(select(ApplicationRow).order_by(ApplicationRow.created_at, ApplicationRow.id),
                                state, partner_type, territory, submitted_by).limit(limit)
        return [_filed(row) for row in self._session.exec(statement)]

    def oldest_open(self, limit: int) -> list[FiledApplication]:
        """The open applications (submitted or waiting for information), oldest first."""
        statement = (select(ApplicationRow).where(ApplicationRow.state.in_([s.value for s in OPEN_STATES]))
                     .order_by(ApplicationRow.created_at, ApplicationRow.id).limit(limit))
        return [_filed(row) for row in self._session.exec(statement)]

    def count(self, state: str | None = None, partner_type: str | None = None, territory: str | None = None,
              submitted_by: str | None = None) -> int:
        statement = self._where(select(func.count()).select_from(ApplicationRow), state, partner_type,
                                territory, submitted_by)
        return self._session.exec(statement).one()

    def count_by_state(self, partner_type: str | None = None, territory: str | None = None) -> dict[str, int]:
        """How many applications are in each state, of one type and territory when given."""
        statement = self._where(select(ApplicationRow.state, func.count()), None, partner_type, territory, None)
        return dict(self._session.exec(statement.group_by(ApplicationRow.state)).all())

    def territories(self) -> list[str]:
        """The territories applications were made for."""
        return sorted(self._session.exec(select(ApplicationRow.territory).distinct()).all())

    def count_open(self) -> int:
        statement = select(func.count()).select_from(ApplicationRow).where(
            ApplicationRow.state.in_([s.value for s in OPEN_STATES]))
        return self._session.exec(statement).one()

    def stream_open(self) -> Iterator[FiledApplication]:
        """The open applications, oldest first, read in batches (`rules impact` reads them all)."""
        columns = [c for c in ApplicationRow.__table__.columns if c.name != "registration_key"]
        statement = (select(*columns).where(ApplicationRow.state.in_([s.value for s in OPEN_STATES]))
                     .order_by(ApplicationRow.id).execution_options(yield_per=2_000))
        return (_filed(row) for row in self._session.exec(statement))

    def add_decision(self, application_id: int, decision: Decision, at: dt.datetime) -> None:
        self._session.add(DecisionRow(application_id=application_id, as_of=decision.as_of,
                                      rules_version=decision.rules_version, eligible=decision.eligible,
                                      document=decision.model_dump_json(), created_at=at))

    def latest_decision(self, application_id: int) -> Decision:
        statement = (select(DecisionRow.document).where(DecisionRow.application_id == application_id)
                     .order_by(DecisionRow.id.desc()).limit(1))
        return Decision.model_validate_json(self._session.exec(statement).one())

    def audit(self, application_id: int, action: str, actor: str, at: dt.datetime,
              reason: str | None = None, rules_version: str | None = None, **details) -> None:
        """Append to the audit trail (nothing ever changes or removes an entry)."""
        self._session.add(AuditEntry(application_id=application_id, action=action, actor=actor, at=at,
                                     reason=reason, rules_version=rules_version,
                                     details=json.dumps(details, sort_keys=True)))

    def audit_trail(self, application_id: int) -> list[AuditRecord]:
        statement = select(AuditEntry).where(AuditEntry.application_id == application_id).order_by(AuditEntry.id)
        return [AuditRecord(application_id=e.application_id, action=e.action, actor=e.actor, at=e.at,
                            reason=e.reason, rules_version=e.rules_version, details=json.loads(e.details))
                for e in self._session.exec(statement)]

    def keep_rules(self, version: str, sources: dict[str, str], at: dt.datetime) -> None:
        """Keep the rule files of a version once, so its decisions can be replayed after they change."""
        _insert_ignoring_duplicates(self._session, RulesSnapshot, version=version,
                                    sources=json.dumps(sources, sort_keys=True), created_at=at)

    def kept_rules(self, version: str) -> dict[str, str] | None:
        snapshot = self._session.get(RulesSnapshot, version)
        return json.loads(snapshot.sources) if snapshot else None


partners = PartnerRow.__table__


def _partner(row) -> PartnerRecord:
    return PartnerRecord(id=row.id, partner_type=PartnerType(row.partner_type), name=row.name,
                         territory=row.territory, tier=row.tier, discount_rate=row.discount_rate,
                         parent_id=row.parent_id, contact_email=row.contact_email,
                         application_id=row.application_id, approved_on=row.approved_on, created_at=row.created_at)


class Partners:
    """Approved partners and the tier-2 resellers registered under distributors."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, partner_type: PartnerType, name: str, territory: str | None, approved_on: dt.date,
            at: dt.datetime, tier: str | None = None, discount_rate: str | None = None,
            parent_id: int | None = None, application_id: int | None = None,
            contact_email: str | None = None) -> PartnerRecord:
        row = PartnerRow(partner_type=partner_type.value, name=name, territory=territory, tier=tier,
                         discount_rate=discount_rate, parent_id=parent_id, application_id=application_id,
                         contact_email=contact_email, approved_on=approved_on, created_at=at)
        self._session.add(row)
        self._session.flush()
        return _partner(row)

    def get(self, partner_id: int) -> PartnerRecord | None:
        row = self._session.get(PartnerRow, partner_id)
        return _partner(row) if row is not None else None

    def list(self, partner_type: str | None = None, territory: str | None = None) -> list[PartnerRecord]:
        """Oldest first, optionally of one type and territory. Read as plain rows: building an
        ORM object per partner cost several times the read models themselves."""
        statement = sa_select(partners).order_by(partners.c.id)
        if partner_type:
            statement = statement.where(partners.c.partner_type == partner_type)
        if territory:
            statement = statement.where(partners.c.territory == territory)
        return [_partner(row) for row in self._session.execute(statement)]

    def family(self, partner_id: int) -> list[PartnerRecord]:
        """The partner and the tier-2 resellers registered under it, oldest first."""
        statement = (sa_select(partners).where(or_(partners.c.id == partner_id, partners.c.parent_id == partner_id))
                     .order_by(partners.c.id))
        return [_partner(row) for row in self._session.execute(statement)]

    def names(self, ids: Iterable[int] | None = None) -> dict[str, str]:
        """'P-n' -> name of every partner (with `ids`, of these row ids only): two columns, not
        every partner's whole record."""
        statement = select(PartnerRow.id, PartnerRow.name)
        if ids is not None:
            statement = statement.where(PartnerRow.id.in_(sorted(set(ids))))
        return {partner_key(i): name for i, name in self._session.exec(statement)}

    def tier2_named(self, distributor_id: int, name: str) -> PartnerRecord | None:
        """The distributor's tier-2 reseller of this name, in any case."""
        statement = select(PartnerRow).where(PartnerRow.parent_id == distributor_id,
                                             func.lower(PartnerRow.name) == name.lower())
        row = self._session.exec(statement).first()
        return _partner(row) if row is not None else None

    def associations_of(self, partner_ids: list[int]) -> list[tuple[str, int, dt.date]]:
        """(customer, partner, associated on) of every customer that ever belonged to one of
        these partners, all its associations, by customer and date."""
        mine = select(CustomerAssociation.customer_id).where(CustomerAssociation.partner_id.in_(partner_ids))
        statement = (select(CustomerAssociation.customer_id, CustomerAssociation.partner_id,
                            CustomerAssociation.associated_on)
                     .where(CustomerAssociation.customer_id.in_(mine))
                     .order_by(CustomerAssociation.customer_id, CustomerAssociation.associated_on))
        return [tuple(row) for row in self._session.exec(statement)]


class Territories:
    """A territory's row, locked while a distributor is approved into it, and its distributors."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def ensure(self, code: str) -> None:
        """Create the territory's row if it is not there (never fails on a race)."""
        _insert_ignoring_duplicates(self._session, TerritoryLock, code=code)

    def lock(self, code: str) -> None:
        """Hold the territory's row until the transaction ends (SQLite: the write lock is held)."""
        self.ensure(code)
        self._session.exec(select(TerritoryLock).where(TerritoryLock.code == code).with_for_update()).one()

    def approved_distributors(self, code: str) -> int:
        """Distributors approved in the territory, counted inside the unit of work."""
        statement = select(func.count()).select_from(PartnerRow).where(*_COUNTED, PartnerRow.territory == code)
        return self._session.exec(statement).one()

    def approved_distributors_by_territory(self) -> dict[str, int]:
        statement = select(PartnerRow.territory, func.count()).where(*_COUNTED).group_by(PartnerRow.territory)
        return {territory: count for territory, count in self._session.exec(statement)}


_COUNTED = (PartnerRow.partner_type == PartnerType.distributor.value,
            ~sa_select(StandingChangeRow.id).where(StandingChangeRow.partner_id == PartnerRow.id,
                                                   StandingChangeRow.standing == Standing.terminated.value).exists())
"""The distributors a territory's cap counts: approved and not terminated (a termination is final,
so its slot is free for a successor from the day the manager records it)."""
