"""The repository of partners' standing: every suspension, reinstatement and termination."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from kernel.channel import Standing, StandingAction, StandingChange
from storage.platform_tables import StandingChangeRow


def _change(row: StandingChangeRow) -> StandingChange:
    return StandingChange(partner_id=row.partner_id, action=StandingAction(row.action),
                          standing=Standing(row.standing), effective_on=row.effective_on, reason=row.reason,
                          by=row.by, at=row.at)


class StandingChanges:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, partner_id: int, action: StandingAction, standing: Standing, effective_on: dt.date,
            reason: str, by: str, at: dt.datetime) -> StandingChange:
        row = StandingChangeRow(partner_id=partner_id, action=action.value, standing=standing.value,
                                effective_on=effective_on, reason=reason, by=by, at=at)
        self._session.add(row)
        self._session.flush()
        return _change(row)

    def of(self, partner_ids: list[int]) -> list[StandingChange]:
        """The partners' changes in the order they were made."""
        statement = (select(StandingChangeRow).where(StandingChangeRow.partner_id.in_(partner_ids))
                     .order_by(StandingChangeRow.id))
        return [_change(row) for row in self._session.exec(statement)]
