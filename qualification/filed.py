"""Applications as filed: the application with its id, state and times, and its audit trail.

What the review queue, the review page and the services read back from storage; the document
is the application exactly as submitted, validated again when it is read.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from kernel.partner_types import PartnerType
from kernel.states import ApplicationState
from qualification.application import Application


class FiledApplication(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    partner_type: PartnerType
    company_name: str
    territory: str
    state: ApplicationState
    eligible: bool
    submitted_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    document: str

    def application(self) -> Application:
        """The application as submitted (its JSON document, validated again from the text)."""
        return Application.model_validate_json(self.document)


class AuditRecord(BaseModel):
    """One evaluation or review action: who, when, why, under which rules, and its details."""

    model_config = ConfigDict(frozen=True)

    application_id: int
    action: str
    actor: str
    at: dt.datetime
    reason: str | None
    rules_version: str | None
    details: dict
