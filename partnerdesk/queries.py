"""What the qualification pages show, answered in one call each: the pages format it, nothing more.

The pre-check of all three partner types comes from one engine run and stores nothing; a
territory's status is its distributors against its cap.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from kernel.directory import PartnerRecord
from kernel.partner_types import PartnerType
from kernel.states import ApplicationState
from partnerdesk.applications import recent_counts
from partnerdesk.workspace import Workspace
from qualification import precheck as checking
from qualification.facts import Circumstances
from qualification.filed import FiledApplication
from qualification.precheck import Precheck
from qualification.rulebook import Rulebook
from qualification.territory import Territory, territory


def field_problems(data: dict, rulebook: Rulebook) -> dict[str, str]:
    """Each field's problem as the form marks it under the field; required fields still empty
    are left to submission."""
    return checking.readable_part(data, rulebook)[1]


def precheck(ws: Workspace, data: dict, as_of: dt.date) -> Precheck:
    """The form's live pre-check: what can be decided as each type, and each field's problem."""
    rulebook = ws.rulebook
    application, problems = checking.readable_part(data, rulebook)
    if application is None:
        return checking.no_precheck(problems)
    situation = Circumstances(as_of=as_of,
                              approved_distributors=recent_counts.approved_distributors(ws, application.territory))
    return checking.precheck(application, problems, situation, rulebook)


class TerritoryStatus(BaseModel):
    """A territory's distributors (oldest first) against its cap."""

    model_config = ConfigDict(frozen=True)

    territory: Territory
    distributors: list[PartnerRecord]


def territory_status(ws: Workspace, code: str) -> TerritoryStatus:
    with ws.reading() as uow:
        distributors = uow.partners.list(PartnerType.distributor.value, code)
    return TerritoryStatus(territory=territory(ws.rulebook, code, len(distributors)), distributors=distributors)


class ReviewQueue(BaseModel):
    """The queue as a manager filters it: the counts per state of the chosen type and territory,
    the oldest applications matching every filter (at most `limit`) and how many match."""

    model_config = ConfigDict(frozen=True)

    per_state: dict[ApplicationState, int]
    applications: list[FiledApplication]
    matching: int


def review_choices(ws: Workspace, chosen: int | None, limit: int) -> list[FiledApplication]:
    """What the review page offers: the oldest open applications and the one chosen (opened from
    the queue, or decided a moment ago), without reading the others."""
    with ws.reading() as uow:
        offered = uow.applications.oldest_open(limit)
        if chosen is not None and all(row.id != chosen for row in offered):
            offered += [row for row in [uow.applications.get(chosen)] if row is not None]
        return offered


def review_queue(ws: Workspace, state: ApplicationState | None, partner_type: PartnerType | None,
                 territory: str | None, limit: int) -> ReviewQueue:
    """One read of the queue page; `None` is "any" for each filter."""
    kind, state_ = (partner_type.value if partner_type else None), (state.value if state else None)
    with ws.reading() as uow:
        counted = uow.applications.count_by_state(kind, territory)
        return ReviewQueue(
            per_state={s: counted.get(s.value, 0) for s in ApplicationState},
            applications=uow.applications.list(state_, kind, territory, limit=limit),
            matching=uow.applications.count(state_, kind, territory))
