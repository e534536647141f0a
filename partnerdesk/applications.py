"""Service layer for applications: qualify, submit, update after a request for information.

Every write happens in one transaction: the application, its decision and its audit entry
are stored together or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, Row, func
from sqlmodel import Session, select

from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace
from qualification.application import Application, describe_validation_error
from qualification.decide import decide
from qualification.decision import Decision
from qualification.facts import Circumstances
from qualification.rulebook import Rulebook
from storage import records
from storage.db import transaction
from storage.tables import ApplicationRow, DecisionRow

APPLICANT = "applicant"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def read_json_file(path: Path) -> Any:
    """A JSON document with exact decimals, or an input error naming the file and line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (IsADirectoryError, UnicodeDecodeError, PermissionError) as error:
        raise InputError(f"{path}: cannot be read ({error.__class__.__name__})") from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: not valid JSON: {error.msg} at line {error.lineno}") from None


def parse_application(data: Any, rulebook: Rulebook) -> Application:
    """A validated application; currencies must be in the rules' rate table."""
    if not isinstance(data, dict):
        raise InputError("application: must be a JSON object")
    try:
        application = Application.model_validate(data)
    except ValidationError as error:
        raise InputError(describe_validation_error(error)) from None
    for field in ("capital_currency", "commitment_currency"):
        code = getattr(application, field)
        if code not in rulebook.currencies.rates:
            raise InputError(f"{field}: unknown currency {code!r} (not in the rules' currency table)")
    return application


def situation(session: Session, application: Application, as_of: dt.date) -> Circumstances:
    return Circumstances(as_of=as_of,
                         approved_distributors=records.approved_distributors(session, application.territory))


class _RecentCounts:
    """Approved distributors per territory as a preview reads them: all territories at once,
    at most once a second per database. A preview stores nothing, and in bulk it runs thousands
    of times a second; submission and approval count inside their own transaction."""

    FRESH_FOR = 1.0

    def __init__(self) -> None:
        self._counts: dict[Engine, tuple[float, dict[str, int]]] = {}
        self._lock = threading.Lock()

    def approved_distributors(self, engine: Engine, territory: str) -> int:
        now_ = time.monotonic()
        with self._lock:
            read_at, counts = self._counts.get(engine, (None, {}))
            if read_at is None or now_ - read_at >= self.FRESH_FOR:
                with Session(engine) as session:
                    counts = records.approved_distributors_by_territory(session)
                self._counts[engine] = (now_, counts)
        return counts.get(territory, 0)

    def forget(self, engine: Engine) -> None:
        """Called after an approval in this process, so its own previews see it at once."""
        with self._lock:
            self._counts.pop(engine, None)


recent_counts = _RecentCounts()


def qualify(ws: Workspace, data: Any, as_of: dt.date) -> Decision:
    """The decision on an application, stored nowhere: the applicant's preview."""
    rulebook = ws.rulebook
    application = parse_application(data, rulebook)
    approved = recent_counts.approved_distributors(ws.engine, application.territory)
    return decide(application, Circumstances(as_of=as_of, approved_distributors=approved), rulebook)


def record_decision(session: Session, row: ApplicationRow, decision: Decision, circumstances: Circumstances,
                    rulebook: Rulebook, at: dt.datetime) -> None:
    """Store a decision with what it was made from, so it can be replayed: the rule files are
    kept by version and the situation (approved distributors) goes into the audit entry."""
    records.keep_rules(session, rulebook.version, rulebook.sources, at)
    session.add(DecisionRow(application_id=row.id, as_of=decision.as_of,
                            rules_version=decision.rules_version, eligible=decision.eligible,
                            document=decision.model_dump_json(), created_at=at))
    records.audit(session, row.id, "evaluated", "partnerdesk", at, rules_version=decision.rules_version,
                  as_of=decision.as_of.isoformat(), eligible=decision.eligible, failed=decision.failed,
                  to_review=decision.to_review, approved_distributors=circumstances.approved_distributors)


def _refuse_duplicate(session: Session, application: Application, own_id: int | None = None) -> None:
    key = application.registration_key
    if key is None:
        return
    other = records.open_application_with(session, application.partner_type.value, key)
    if other is not None and other.id != own_id:
        raise InputError(
            f"registration_number: application {other.id} for {application.partner_type.value} "
            f"with registration number {application.registration_number} is still open ({other.state})"
        )


def submit(ws: Workspace, data: Any, as_of: dt.date, submitted_by: str | None = None,
           at: dt.datetime | None = None) -> tuple[int, Decision]:
    """Store a new application and its decision; returns its id and the decision."""
    rulebook = ws.rulebook
    application = parse_application(data, rulebook)
    at = at or now()
    with transaction(ws.engine) as session:
        records.ensure_territory(session, application.territory)
        _refuse_duplicate(session, application)
        circumstances = situation(session, application, as_of)
        decision = decide(application, circumstances, rulebook)
        row = ApplicationRow(
            partner_type=application.partner_type.value, company_name=application.company_name,
            territory=application.territory, registration_key=application.registration_key,
            state="submitted", eligible=decision.eligible, submitted_by=submitted_by,
            document=json.dumps(application.as_json()), created_at=at, updated_at=at,
        )
        session.add(row)
        session.flush()
        records.audit(session, row.id, "submitted", submitted_by or APPLICANT, at)
        record_decision(session, row, decision, circumstances, rulebook, at)
        return row.id, decision


def load_row(session: Session, application_id: int, lock: bool = False) -> ApplicationRow:
    statement = select(ApplicationRow).where(ApplicationRow.id == application_id)
    row = session.exec(statement.with_for_update() if lock else statement).first()
    if row is None:
        raise InputError(f"application {application_id}: no such application")
    return row


def update(ws: Workspace, application_id: int, data: Any, as_of: dt.date,
           actor: str | None = None, at: dt.datetime | None = None) -> Decision:
    """The applicant's answer to a request for information: new data, decided again."""
    rulebook = ws.rulebook
    application = parse_application(data, rulebook)
    at = at or now()
    with transaction(ws.engine) as session:
        row = load_row(session, application_id, lock=True)
        if row.state != "info_requested":
            raise InputError(f"application {application_id}: is {row.state}; only an application "
                             f"with information requested can be updated")
        if application.partner_type.value != row.partner_type:
            raise InputError(f"partner_type: application {application_id} is for {row.partner_type}; "
                             f"apply anew for another partner type")
        records.ensure_territory(session, application.territory)
        _refuse_duplicate(session, application, own_id=row.id)
        circumstances = situation(session, application, as_of)
        decision = decide(application, circumstances, rulebook)
        row.company_name, row.territory = application.company_name, application.territory
        row.registration_key, row.state = application.registration_key, "submitted"
        row.eligible, row.document, row.updated_at = decision.eligible, json.dumps(application.as_json()), at
        session.add(row)
        records.audit(session, row.id, "updated", actor or row.submitted_by or APPLICANT, at)
        record_decision(session, row, decision, circumstances, rulebook, at)
        return decision


def stored_application(row: ApplicationRow | Row) -> Application:
    """An application as stored (its JSON document, validated again straight from the text)."""
    return Application.model_validate_json(row.document)


def stored_decision(session: Session, application_id: int) -> Decision:
    return Decision.model_validate_json(records.latest_decision(session, application_id).document)


def _where(statement, state: str | None, partner_type: str | None, territory: str | None,
           submitted_by: str | None):
    for column, value in ((ApplicationRow.state, state), (ApplicationRow.partner_type, partner_type),
                          (ApplicationRow.territory, territory), (ApplicationRow.submitted_by, submitted_by)):
        if value:
            statement = statement.where(column == value)
    return statement


def list_applications(ws: Workspace, state: str | None = None, partner_type: str | None = None,
                      territory: str | None = None, submitted_by: str | None = None,
                      limit: int | None = None) -> list[ApplicationRow]:
    """Applications oldest first, filtered as the review queue and 'my applications' need."""
    statement = _where(select(ApplicationRow).order_by(ApplicationRow.created_at, ApplicationRow.id),
                       state, partner_type, territory, submitted_by).limit(limit)
    with Session(ws.engine) as session:
        return list(session.exec(statement))


def count_applications(ws: Workspace, state: str | None = None, partner_type: str | None = None,
                       territory: str | None = None, submitted_by: str | None = None) -> int:
    """How many applications a filter of `list_applications` matches, counted by the database."""
    statement = _where(select(func.count()).select_from(ApplicationRow), state, partner_type, territory,
                       submitted_by)
    with Session(ws.engine) as session:
        return session.exec(statement).one()


def applications_by_state(ws: Workspace) -> dict[str, int]:
    with Session(ws.engine) as session:
        return dict(session.exec(select(ApplicationRow.state, func.count()).group_by(ApplicationRow.state)).all())


def application_territories(ws: Workspace) -> list[str]:
    """The territories applications were made for, for the queue's filter."""
    with Session(ws.engine) as session:
        return sorted(session.exec(select(ApplicationRow.territory).distinct()).all())


def history(ws: Workspace, application_id: int) -> list[dict]:
    """The audit trail, oldest first, as people read it."""
    with Session(ws.engine) as session:
        load_row(session, application_id)
        return [
            {"at": entry.at.isoformat(), "action": entry.action, "by": entry.actor,
             "reason": entry.reason, "rules_version": entry.rules_version, **json.loads(entry.details)}
            for entry in records.audit_trail(session, application_id)
        ]
