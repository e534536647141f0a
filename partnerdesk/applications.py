"""Service layer for applications: qualify, submit, update after a request for information.

Every write happens in one unit of work: the application, its decision and its audit entry
are stored together or not at all. What comes back are read models, never table rows.
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

from kernel.states import Action, ApplicationState, allowed
from kernel.validation import describe
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace
from qualification.application import Application
from qualification.decide import decide
from qualification.decision import Decision
from qualification.facts import Circumstances
from qualification.filed import FiledApplication
from qualification.precheck import unknown_currency
from qualification.rulebook import Rulebook
from storage.uow import UnitOfWork

APPLICANT = "applicant"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def read_json_file(path: Path) -> Any:
    """A JSON document with exact decimals, or an input error naming the file and line."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # a byte-order mark, as Windows tools write, is skipped
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (IsADirectoryError, UnicodeDecodeError, PermissionError) as error:
        raise InputError(f"{path}: cannot be read ({error.__class__.__name__})") from None
    try:
        return json.loads(text, parse_float=Decimal, parse_int=_json_integer)
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: not valid JSON: {error.msg} at line {error.lineno}") from None
    except RecursionError:
        raise InputError(f"{path}: not an application: its JSON is nested too deeply") from None


def _json_integer(text: str) -> int | Decimal:
    """A JSON integer; one too long for a count is kept as an exact decimal (the field then says
    what it allows), as Python refuses to convert integers of more than 4,300 digits."""
    return int(text) if len(text) <= 18 else Decimal(text)


def parse_application(data: Any, rulebook: Rulebook) -> Application:
    """A validated application; currencies must be in the rules' rate table."""
    if not isinstance(data, dict):
        raise InputError("application: must be a JSON object")
    try:
        application = Application.model_validate(data)
    except ValidationError as error:
        raise InputError(describe(error, "application")) from None
    for field in ("capital_currency", "commitment_currency"):
        code = getattr(application, field)
        if code not in rulebook.currencies.rates:
            raise InputError(f"{field}: {unknown_currency(code)}")
    return application


def situation(uow: UnitOfWork, application: Application, as_of: dt.date) -> Circumstances:
    """The decision's circumstances, with the distributors approved inside this unit of work."""
    return Circumstances(as_of=as_of, approved_distributors=uow.territories.approved_distributors(
        application.territory))


class _RecentCounts:
    """Approved distributors per territory as a preview reads them: all territories at once,
    at most once a second per workspace's database. A preview stores nothing, and in bulk it runs
    thousands of times a second; submission and approval count inside their own transaction."""

    FRESH_FOR = 1.0

    def __init__(self) -> None:
        self._counts: dict[object, tuple[float, dict[str, int]]] = {}
        self._lock = threading.Lock()

    def approved_distributors(self, ws: Workspace, territory: str) -> int:
        now_ = time.monotonic()
        with self._lock:
            read_at, counts = self._counts.get(ws.engine, (None, {}))
            if read_at is None or now_ - read_at >= self.FRESH_FOR:
                with ws.reading() as uow:
                    counts = uow.territories.approved_distributors_by_territory()
                self._counts[ws.engine] = (now_, counts)
        return counts.get(territory, 0)

    def forget(self, ws: Workspace) -> None:
        """Called after an approval or a distributor's termination in this process, so its own
        previews see the new count at once."""
        with self._lock:
            self._counts.pop(ws.engine, None)


recent_counts = _RecentCounts()


def qualify(ws: Workspace, data: Any, as_of: dt.date) -> Decision:
    """The decision on an application, stored nowhere: the applicant's preview."""
    rulebook = ws.rulebook
    application = parse_application(data, rulebook)
    approved = recent_counts.approved_distributors(ws, application.territory)
    return decide(application, Circumstances(as_of=as_of, approved_distributors=approved), rulebook)


def record_decision(uow: UnitOfWork, application_id: int, decision: Decision, circumstances: Circumstances,
                    rulebook: Rulebook, at: dt.datetime) -> None:
    """Store a decision with what it was made from, so it can be replayed: the rule files are
    kept by version and the situation (approved distributors) goes into the audit entry."""
    uow.applications.keep_rules(rulebook.version, rulebook.sources, at)
    uow.applications.add_decision(application_id, decision, at)
    uow.applications.audit(application_id, "evaluated", "partnerdesk", at, rules_version=decision.rules_version,
                           as_of=decision.as_of.isoformat(), eligible=decision.eligible, failed=decision.failed,
                           to_review=decision.to_review,
                           approved_distributors=circumstances.approved_distributors)


def _refuse_duplicate(uow: UnitOfWork, application: Application, own_id: int | None = None) -> None:
    key = application.registration_key
    if key is None:
        return
    other = uow.applications.open_with(application.partner_type, key)
    if other is not None and other.id != own_id:
        raise InputError(
            f"registration_number: application {other.id} for {application.partner_type.value} "
            f"with registration number {application.registration_number} is still open ({other.state.value})"
        )


def submit(ws: Workspace, data: Any, as_of: dt.date, submitted_by: str | None = None,
           at: dt.datetime | None = None) -> tuple[int, Decision]:
    """Store a new application and its decision; returns its id and the decision."""
    rulebook = ws.rulebook
    application = parse_application(data, rulebook)
    at = at or now()
    with ws.unit_of_work() as uow:
        uow.territories.ensure(application.territory)
        _refuse_duplicate(uow, application)
        circumstances = situation(uow, application, as_of)
        decision = decide(application, circumstances, rulebook)
        application_id = uow.applications.add(application, ApplicationState.submitted, decision.eligible,
                                               submitted_by, at)
        uow.applications.audit(application_id, "submitted", submitted_by or APPLICANT, at,
                               rules_version=decision.rules_version)
        record_decision(uow, application_id, decision, circumstances, rulebook, at)
        return application_id, decision


def load(uow: UnitOfWork, application_id: int, lock: bool = False) -> FiledApplication:
    """The application, or an input error when there is none with this id."""
    filed = uow.applications.get(application_id, lock)
    if filed is None:
        raise InputError(f"application {application_id}: no such application")
    return filed


def update(ws: Workspace, application_id: int, data: Any, as_of: dt.date,
           actor: str | None = None, at: dt.datetime | None = None) -> Decision:
    """The applicant's answer to a request for information: new data, decided again."""
    rulebook = ws.rulebook
    application = parse_application(data, rulebook)
    at = at or now()
    with ws.unit_of_work() as uow:
        filed = load(uow, application_id, lock=True)
        if not allowed(Action.update, filed.state):
            raise InputError(f"application {application_id}: is {filed.state.value}; only an application "
                             f"with information requested can be updated")
        if application.partner_type is not filed.partner_type:
            raise InputError(f"partner_type: application {application_id} is for {filed.partner_type.value}; "
                             f"apply anew for another partner type")
        uow.territories.ensure(application.territory)
        _refuse_duplicate(uow, application, own_id=filed.id)
        circumstances = situation(uow, application, as_of)
        decision = decide(application, circumstances, rulebook)
        uow.applications.replace(filed.id, application, ApplicationState.submitted, decision.eligible, at)
        uow.applications.audit(filed.id, "updated", actor or filed.submitted_by or APPLICANT, at,
                               rules_version=decision.rules_version)
        record_decision(uow, filed.id, decision, circumstances, rulebook, at)
        return decision


def list_applications(ws: Workspace, state: str | None = None, partner_type: str | None = None,
                      territory: str | None = None, submitted_by: str | None = None,
                      limit: int | None = None) -> list[FiledApplication]:
    """Applications oldest first, filtered as the review queue and 'my applications' need."""
    with ws.reading() as uow:
        return uow.applications.list(state, partner_type, territory, submitted_by, limit)


def count_applications(ws: Workspace, state: str | None = None, partner_type: str | None = None,
                       territory: str | None = None, submitted_by: str | None = None) -> int:
    """How many applications a filter of `list_applications` matches, counted by the database."""
    with ws.reading() as uow:
        return uow.applications.count(state, partner_type, territory, submitted_by)


def applications_by_state(ws: Workspace, partner_type: str | None = None,
                          territory: str | None = None) -> dict[str, int]:
    with ws.reading() as uow:
        return uow.applications.count_by_state(partner_type, territory)


def application_territories(ws: Workspace) -> list[str]:
    """The territories applications were made for, for the queue's filter."""
    with ws.reading() as uow:
        return uow.applications.territories()


def history(ws: Workspace, application_id: int) -> list[dict]:
    """The audit trail, oldest first, as people read it."""
    with ws.reading() as uow:
        load(uow, application_id)
        return [
            {"at": entry.at.isoformat(), "action": entry.action, "by": entry.actor,
             "reason": entry.reason, "rules_version": entry.rules_version, **entry.details}
            for entry in uow.applications.audit_trail(application_id)
        ]
