"""The repository of partners' commercial terms as managers change them (`partner_term_change`):
tier changes, declined tier proposals, credit-limit overrides. Appends only; reads the latest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlmodel import Session, func, select

from kernel.money import from_cent_count
from kernel.partner_types import partner_key
from settlement.terms import TermChange, TermKind
from storage.settlement_tables import UsageSumRow
from storage.terms_tables import TermChangeRow


def _change(row: TermChangeRow) -> TermChange:
    """A stored change; a credit limit kept in cents reads as the amount it is."""
    kind = TermKind(row.kind)
    value = f"{from_cent_count(int(row.value)):.2f}" if kind is TermKind.credit_limit else row.value
    return TermChange(partner_id=partner_key(row.partner_id), kind=kind, value=value,
                      in_force_from=row.in_force_from, reason=row.reason, actor=row.actor, at=row.at)


class PartnerTerms:
    """Managers' changes of partners' tiers and credit limits, kept as an append-only trail."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, partner_id: int, kind: TermKind, value: str | None, reason: str, actor: str,
            at: dt.datetime, in_force_from: str | None = None) -> None:
        self._session.add(TermChangeRow(partner_id=partner_id, kind=kind.value, value=value,
                                        in_force_from=in_force_from, reason=reason, actor=actor, at=at))
        self._session.flush()

    def tier_changes(self) -> dict[int, tuple[tuple[str, str], ...]]:
        """Per partner row id: its tier changes, oldest first, as (first month in force, tier)."""
        statement = (select(TermChangeRow.partner_id, TermChangeRow.in_force_from, TermChangeRow.value)
                     .where(TermChangeRow.kind == TermKind.tier.value).order_by(TermChangeRow.id))
        changes: dict[int, list[tuple[str, str]]] = {}
        for partner_id, first_month, tier in self._session.exec(statement):
            changes.setdefault(partner_id, []).append((first_month, tier))
        return {partner_id: tuple(found) for partner_id, found in changes.items()}

    def credit_limits(self) -> dict[str, Decimal]:
        """Per partner ('P-n') with an override: its latest credit limit."""
        statement = (select(TermChangeRow.partner_id, TermChangeRow.value)
                     .where(TermChangeRow.kind == TermKind.credit_limit.value).order_by(TermChangeRow.id))
        return {partner_key(partner_id): from_cent_count(int(cents))
                for partner_id, cents in self._session.exec(statement)}

    def declined(self, quarter: str) -> dict[str, str]:
        """Per partner ('P-n'): the tier whose proposal for the quarter a manager declined."""
        statement = (select(TermChangeRow.partner_id, TermChangeRow.value)
                     .where(TermChangeRow.kind == TermKind.tier_declined.value,
                            TermChangeRow.in_force_from == quarter).order_by(TermChangeRow.id))
        return {partner_key(partner_id): tier for partner_id, tier in self._session.exec(statement)}

    def first_usage_month(self) -> str | None:
        """The earliest month with stored usage ('YYYY-MM'): where a tier change starts when no
        month is settled yet."""
        return self._session.exec(select(func.min(UsageSumRow.month))).one()

    def history(self, partner_id: int) -> list[TermChange]:
        """Every change of the partner's terms, oldest first."""
        statement = select(TermChangeRow).where(TermChangeRow.partner_id == partner_id).order_by(TermChangeRow.id)
        return [_change(row) for row in self._session.exec(statement)]
