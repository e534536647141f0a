"""Closing periods: what a settled period records, and which months it closes.

A settled month closes itself; a settled quarter closes its three months. Lines of a closed
month can no longer change the partner they belong to.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from kernel.periods import Month, Period, Quarter


class SettledPeriod(BaseModel):
    """A closed period ('2026-07' or '2026-Q3') and the plan it was settled with."""

    model_config = ConfigDict(frozen=True)

    period: str
    kind: str
    plan_version: str
    plan_fingerprint: str
    settled_at: dt.datetime

    @property
    def months(self) -> set[str]:
        """The months this settlement closed."""
        return {m.key for m in Quarter.parse(self.period).months} if self.kind == "quarter" else {self.period}


class NotEnded(ValueError):
    """A period that has not ended on the day it would be settled."""


def check_ended(period: Period, as_of: dt.date) -> None:
    """Only ended periods settle: a month from the first day of the next month on, a quarter
    from the first day of the next quarter on."""
    if as_of < period.end:
        raise NotEnded(f"{period.key} has not ended on {as_of}; only ended periods settle, this one "
                       f"from {period.end} on")


def months_closed_by(period: Period) -> list[Month]:
    """The months a settlement of the period closes to changes of their lines' partners."""
    return period.months if isinstance(period, Quarter) else [period]
