"""The decision on an application (contract section 3)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from kernel.partner_types import PartnerType


class Status(StrEnum):
    passed = "pass"
    failed = "fail"
    review = "review"


class CriterionResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    status: Status
    actual: int | str | None
    required: str
    message: str


class Decision(BaseModel):
    model_config = ConfigDict(frozen=True)

    partner_type: PartnerType
    eligible: bool
    as_of: dt.date
    rules_version: str
    criteria: list[CriterionResult]
    failed: list[str]
    to_review: list[str]
    qualifies_as: list[PartnerType]

    def criterion(self, criterion_id: str) -> CriterionResult | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)
