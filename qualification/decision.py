"""The decision on an application (contract section 3)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer

from kernel.partner_types import PartnerType


class Status(StrEnum):
    passed = "pass"
    failed = "fail"
    review = "review"


class CriterionResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    status: Annotated[Status, PlainSerializer(str, return_type=str, when_used="json")]
    """Written in JSON by `str` (a StrEnum's text is its value): pydantic's enum serializer reads
    `.value` through a Python property, for every criterion of every decision."""
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
