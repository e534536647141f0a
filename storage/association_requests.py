"""The repository of customer association requests and their steps (the request's history)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from kernel.channel import RequestRecord, RequestState, ReviewReason, StepRecord
from storage.platform_tables import AssociationRequestRow, AssociationStepRow


def _request(row: AssociationRequestRow) -> RequestRecord:
    return RequestRecord(id=row.id, partner_id=row.partner_id, customer_id=row.customer_id,
                         customer_name=row.customer_name, country=row.country, state=RequestState(row.state),
                         registered_on=row.registered_on, expires_on=row.expires_on, invited_on=row.invited_on,
                         associated_on=row.associated_on,
                         review_reasons=[ReviewReason(r) for r in row.review_reasons.split(",") if r],
                         from_partner_id=row.from_partner_id)


class AssociationRequests:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, partner_id: int, customer_id: str, customer_name: str, country: str, registered_on: dt.date,
            expires_on: dt.date, at: dt.datetime) -> RequestRecord:
        row = AssociationRequestRow(partner_id=partner_id, customer_id=customer_id, customer_name=customer_name,
                                    country=country, state=RequestState.lead.value, registered_on=registered_on,
                                    expires_on=expires_on, created_at=at)
        self._session.add(row)
        self._session.flush()
        return _request(row)

    def _row(self, request_id: int, lock: bool) -> AssociationRequestRow | None:
        statement = select(AssociationRequestRow).where(AssociationRequestRow.id == request_id)
        return self._session.exec(statement.with_for_update() if lock else statement).first()

    def get(self, request_id: int, lock: bool = False) -> RequestRecord | None:
        """The request; `lock` holds its row until the transaction ends."""
        row = self._row(request_id, lock)
        return _request(row) if row is not None else None

    def with_code(self, code_hash: str) -> RequestRecord | None:
        statement = select(AssociationRequestRow).where(AssociationRequestRow.code_hash == code_hash)
        row = self._session.exec(statement.with_for_update()).first()
        return _request(row) if row is not None else None

    def open_for(self, partner_id: int, customer_id: str) -> list[RequestRecord]:
        """The partner's requests for this customer that are not decided yet (expired ones included)."""
        statement = select(AssociationRequestRow).where(
            AssociationRequestRow.partner_id == partner_id, AssociationRequestRow.customer_id == customer_id,
            AssociationRequestRow.state.in_([RequestState.lead.value, RequestState.invited.value,
                                             RequestState.pending_review.value]))
        return [_request(row) for row in self._session.exec(statement)]

    def invite(self, request_id: int, code_hash: str, on: dt.date) -> None:
        row = self._row(request_id, lock=False)
        row.state, row.code_hash, row.invited_on = RequestState.invited.value, code_hash, on
        self._session.add(row)

    def move(self, request_id: int, state: RequestState, associated_on: dt.date | None = None,
             review_reasons: list[ReviewReason] | None = None, from_partner_id: int | None = None) -> None:
        row = self._row(request_id, lock=False)
        row.state = state.value
        if associated_on is not None:
            row.associated_on = associated_on
        if review_reasons is not None:
            row.review_reasons = ",".join(r.value for r in review_reasons)
            row.from_partner_id = from_partner_id
        self._session.add(row)

    def list(self, partner_ids: list[int] | None = None, states: list[RequestState] | None = None) -> list[RequestRecord]:
        """Oldest first, of these partners and stored states when given."""
        statement = select(AssociationRequestRow).order_by(AssociationRequestRow.id)
        if partner_ids is not None:
            statement = statement.where(AssociationRequestRow.partner_id.in_(partner_ids))
        if states is not None:
            statement = statement.where(AssociationRequestRow.state.in_([s.value for s in states]))
        return [_request(row) for row in self._session.exec(statement)]

    def add_step(self, request_id: int, step: str, state: RequestState, on: dt.date, by: str, at: dt.datetime,
                 reason: str | None = None) -> None:
        self._session.add(AssociationStepRow(request_id=request_id, step=step, state=state.value, on=on, by=by,
                                             at=at, reason=reason))

    def steps(self, request_ids: list[int]) -> dict[int, list[StepRecord]]:
        """Each request's steps, oldest first."""
        statement = (select(AssociationStepRow).where(AssociationStepRow.request_id.in_(request_ids))
                     .order_by(AssociationStepRow.id))
        found: dict[int, list[StepRecord]] = {i: [] for i in request_ids}
        for row in self._session.exec(statement):
            found[row.request_id].append(StepRecord(step=row.step, state=RequestState(row.state), on=row.on,
                                                    by=row.by, at=row.at, reason=row.reason))
        return found
