"""The repository of partners' accounts: which account belongs to which partner, and who owns it."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from kernel.channel import PartnerAccount
from storage.platform_tables import PartnerAccountRow
from storage.tables import UserRow

PARTNER_ROLE = "partner"


def _account(user: UserRow, row: PartnerAccountRow) -> PartnerAccount:
    return PartnerAccount(username=user.username, display_name=user.display_name, partner_id=row.partner_id,
                          owner=row.owner, added_by=row.added_by, added_at=row.added_at)


class PartnerAccounts:
    def __init__(self, session: Session) -> None:
        self._session = session

    def bind(self, username: str, partner_id: int, owner: bool, by: str, at: dt.datetime) -> PartnerAccount:
        """Make an existing account one of the partner's (its role becomes `partner`)."""
        user = self._session.exec(select(UserRow).where(UserRow.username == username)).one()
        user.role = PARTNER_ROLE
        row = PartnerAccountRow(user_id=user.id, partner_id=partner_id, owner=owner, added_by=by, added_at=at)
        self._session.add_all([user, row])
        self._session.flush()
        return _account(user, row)

    def of_user(self, username: str) -> PartnerAccount | None:
        statement = (select(UserRow, PartnerAccountRow).join(PartnerAccountRow, PartnerAccountRow.user_id == UserRow.id)
                     .where(UserRow.username == username))
        found = self._session.exec(statement).first()
        return _account(*found) if found else None

    def of_partner(self, partner_id: int) -> list[PartnerAccount]:
        """The partner's accounts, its owner first."""
        statement = (select(UserRow, PartnerAccountRow).join(PartnerAccountRow, PartnerAccountRow.user_id == UserRow.id)
                     .where(PartnerAccountRow.partner_id == partner_id)
                     .order_by(PartnerAccountRow.owner.desc(), UserRow.username))
        return [_account(user, row) for user, row in self._session.exec(statement)]
