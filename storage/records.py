"""Queries and writes that the service layer shares (the repository of applications and partners)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from storage.tables import ApplicationRow, AuditEntry, DecisionRow, PartnerRow, RulesSnapshot, TerritoryLock

OPEN_STATES = ("submitted", "info_requested")
PARTNER_PREFIX = "P-"


def partner_key(partner_id: int) -> str:
    """The partner id people and files use: 'P-3'."""
    return f"{PARTNER_PREFIX}{partner_id}"


def parse_partner_key(text: str) -> int | None:
    """'P-3' (or '3') back to the row id; None when it is neither."""
    digits = text.strip().upper().removeprefix(PARTNER_PREFIX)
    return int(digits) if digits.isdigit() else None


def _insert_ignoring_duplicates(session: Session, table, **values) -> None:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing())


def keep_rules(session: Session, version: str, sources: dict[str, str], at: dt.datetime) -> None:
    """Keep the rule files of a version once, so its decisions can be replayed after the files change."""
    _insert_ignoring_duplicates(session, RulesSnapshot, version=version,
                                sources=json.dumps(sources, sort_keys=True), created_at=at)


def kept_rules(session: Session, version: str) -> dict[str, str] | None:
    snapshot = session.get(RulesSnapshot, version)
    return json.loads(snapshot.sources) if snapshot else None


def ensure_territory(session: Session, code: str) -> None:
    """Create the territory's lock row if it is not there (never fails on a race)."""
    _insert_ignoring_duplicates(session, TerritoryLock, code=code)


def lock_territory(session: Session, code: str) -> None:
    """Hold the territory's row until the transaction ends (SQLite: the write lock is held)."""
    ensure_territory(session, code)
    session.exec(select(TerritoryLock).where(TerritoryLock.code == code).with_for_update()).one()


def approved_distributors(session: Session, territory: str) -> int:
    """Distributors approved in a territory, counted inside the caller's transaction."""
    statement = select(func.count()).select_from(PartnerRow).where(
        PartnerRow.partner_type == "distributor", PartnerRow.territory == territory)
    return session.exec(statement).one()


def approved_distributors_by_territory(session: Session) -> dict[str, int]:
    statement = (
        select(PartnerRow.territory, func.count())
        .where(PartnerRow.partner_type == "distributor")
        .group_by(PartnerRow.territory)
    )
    return {territory: count for territory, count in session.exec(statement)}


def count_open_applications(session: Session) -> int:
    statement = select(func.count()).select_from(ApplicationRow).where(ApplicationRow.state.in_(OPEN_STATES))
    return session.exec(statement).one()


def open_application_with(session: Session, partner_type: str, registration_key: str) -> ApplicationRow | None:
    statement = select(ApplicationRow).where(
        ApplicationRow.partner_type == partner_type,
        ApplicationRow.registration_key == registration_key,
        ApplicationRow.state.in_(OPEN_STATES),
    )
    return session.exec(statement).first()


def latest_decision(session: Session, application_id: int) -> DecisionRow:
    statement = (
        select(DecisionRow)
        .where(DecisionRow.application_id == application_id)
        .order_by(DecisionRow.id.desc())
    )
    return session.exec(statement).first()


def audit(session: Session, application_id: int, action: str, actor: str, at: dt.datetime,
          reason: str | None = None, rules_version: str | None = None, **details) -> None:
    session.add(AuditEntry(application_id=application_id, action=action, actor=actor, at=at,
                           reason=reason, rules_version=rules_version,
                           details=json.dumps(details, sort_keys=True)))


def audit_trail(session: Session, application_id: int) -> list[AuditEntry]:
    statement = select(AuditEntry).where(AuditEntry.application_id == application_id).order_by(AuditEntry.id)
    return list(session.exec(statement))
