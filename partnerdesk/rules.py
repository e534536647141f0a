"""Rule files as a product: check a directory, see what a draft would change, replay a decision.

`impact` re-decides every open application under the draft beside the rules in force, with
the same decision date and the same approved distributors, and reports only those whose
eligibility or criterion statuses differ. `replay` re-decides an application's latest
decision from the rule files kept for its version. Neither writes anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from partnerdesk.applications import load
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace, rulebook_from
from qualification.decide import decide, facts_for, measure_alike, statuses
from qualification.decision import Status
from qualification.facts import Circumstances
from qualification.rulebook import load_rulebook, rulebook_from_sources
from qualification.territory import missing_cap_criterion
from settlement.plan import PLAN_FILE, load_plan


def check(rules_dir: Path) -> dict:
    """Validate every rule, plan and territory file of a directory; all problems at once."""
    if not rules_dir.is_dir():
        raise InputError(f"{rules_dir}: not a directory")
    rulebook, errors = load_rulebook(rules_dir)
    plan, plan_errors = load_plan(rules_dir / PLAN_FILE)
    problems = [str(e) for e in [*errors, *plan_errors]]
    if rulebook is not None and (missing := missing_cap_criterion(rulebook)):
        problems.append(missing)
    if problems:
        raise InputError("\n".join(f"{rules_dir / p}" for p in problems))
    return {"rules_dir": str(rules_dir), "rules_version": rulebook.version, "plan_version": plan.version,
            "criteria": {t.value: [c.id for c in rulebook.criteria(t)] for t in rulebook.partner_types},
            "ok": True}


def _eligible(results: dict[str, Status]) -> bool:
    return Status.failed not in results.values()


def _status_text(status: Status | None) -> str | None:
    return status.value if status else None


def _changes(before: dict[str, Status], after: dict[str, Status]) -> list[dict]:
    ids = [*before, *(i for i in after if i not in before)]
    return [{"id": i, "current": _status_text(before.get(i)), "draft": _status_text(after.get(i))}
            for i in ids if before.get(i) != after.get(i)]


def impact(ws: Workspace, draft_dir: Path, as_of: dt.date,
           progress: Callable[[int, int], None] | None = None) -> dict:
    """Every open application whose decision would change under the draft rules."""
    current = ws.rulebook
    draft = rulebook_from(draft_dir)
    alike = measure_alike(current, draft)
    changed = []
    with ws.reading() as uow:
        caps = uow.territories.approved_distributors_by_territory()
        total = uow.applications.count_open()  # for progress; the report counts what it read
        done = 0
        for done, row in enumerate(uow.applications.stream_open(), 1):
            application = row.application()
            if application.capital_currency not in draft.currencies.rates or \
                    application.commitment_currency not in draft.currencies.rates:
                raise InputError(f"{draft_dir}: currency table lacks a currency of application {row.id}")
            situation = Circumstances(as_of=as_of, approved_distributors=caps.get(row.territory, 0))
            facts = facts_for(application, situation, current)
            before = statuses(current, application.partner_type, facts)
            after = statuses(draft, application.partner_type, facts if alike else facts_for(application, situation, draft))
            criteria = _changes(before, after)
            if criteria or _eligible(before) != _eligible(after):
                changed.append({"application_id": row.id, "company_name": row.company_name,
                                "partner_type": row.partner_type.value, "state": row.state.value,
                                "eligible": {"current": _eligible(before), "draft": _eligible(after)},
                                "criteria": criteria})
            if progress:
                progress(done, total)
    return {"as_of": as_of.isoformat(), "current_rules_version": current.version,
            "draft_rules_version": draft.version, "open_applications": done, "changed": changed}


def replay(ws: Workspace, application_id: int) -> dict:
    """The application's latest decision made again from its kept rule files and situation."""
    with ws.reading() as uow:
        filed = load(uow, application_id)
        stored = uow.applications.latest_decision(application_id)
        sources = uow.applications.kept_rules(stored.rules_version)
        evaluations = [e for e in uow.applications.audit_trail(application_id) if e.action == "evaluated"]
    if sources is None:
        raise InputError(f"application {application_id}: the rule files of {stored.rules_version} were not kept")
    rulebook, errors = rulebook_from_sources(sources)
    if errors:
        raise InputError(f"application {application_id}: kept rules do not load: {errors[0]}")
    approved = evaluations[-1].details.get("approved_distributors", 0)
    situation = Circumstances(as_of=stored.as_of, approved_distributors=approved)
    replayed = decide(filed.application(), situation, rulebook)
    return {"application_id": application_id, "rules_version": rulebook.version,
            "as_of": stored.as_of.isoformat(), "approved_distributors": approved,
            "reproduced": replayed == stored, "decision": replayed.model_dump(mode="json")}
