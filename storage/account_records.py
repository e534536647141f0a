"""The accounts repository: the people who sign in, and the append-only trail of each account.

It works inside a unit of work's session and hands back read models (kernel.directory), never
rows. The trail (`account_event`) also serves the sign-in throttle: the failed sign-ins of an
account or a browser session since its last successful one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kernel.directory import AccountEventRecord, AccountRecord
from storage.tables import AccountEvent, UserRow

_FIRST_ACCOUNT_LOCK_KEY = 74_171_002  # PostgreSQL advisory lock while the first account is made
SIGNED_IN = "signed_in"
SIGN_IN_FAILED = "sign_in_failed"


class UsernameTaken(ValueError):
    """Another account has this username already."""


def _account(row: UserRow) -> AccountRecord:
    return AccountRecord(id=row.id, username=row.username, password_hash=row.password_hash, role=row.role,
                         display_name=row.display_name, created_at=row.created_at, disabled=row.disabled,
                         session_epoch=row.session_epoch)


class Accounts:
    """The accounts of the people who sign in, and what happened to each."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, username: str, password_hash: str, role: str, display_name: str,
            at: dt.datetime) -> AccountRecord:
        """A new account; UsernameTaken when the name is in use."""
        row = UserRow(username=username, password_hash=password_hash, role=role, display_name=display_name,
                      created_at=at)
        self._session.add(row)
        try:
            self._session.flush()
        except IntegrityError:
            raise UsernameTaken(username) from None
        return _account(row)

    def named(self, username: str) -> AccountRecord | None:
        row = self._row(username)
        return _account(row) if row is not None else None

    def list(self) -> list[AccountRecord]:
        return [_account(row) for row in self._session.exec(select(UserRow).order_by(UserRow.role, UserRow.username))]

    def count(self, role: str | None = None, enabled_only: bool = False) -> int:
        statement = select(func.count()).select_from(UserRow)
        if role is not None:
            statement = statement.where(UserRow.role == role)
        if enabled_only:
            statement = statement.where(UserRow.disabled == False)  # noqa: E712 (SQL, not Python)
        return self._session.exec(statement).one()

    def lock(self) -> None:
        """Hold the accounts' lock until the transaction ends, so two changes that each check a
        count (the first account; the last administrator) cannot both pass. SQLite's write
        transactions are serialised already; PostgreSQL takes an advisory lock."""
        if self._session.get_bind().dialect.name == "postgresql":
            self._session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _FIRST_ACCOUNT_LOCK_KEY})

    def change(self, username: str, *, password_hash: str | None = None, role: str | None = None,
               disabled: bool | None = None, end_sessions: bool = True) -> AccountRecord:
        """Change an existing account; its earlier sign-ins end unless `end_sessions` is off."""
        row = self._row(username)
        if password_hash is not None:
            row.password_hash = password_hash
        if role is not None:
            row.role = role
        if disabled is not None:
            row.disabled = disabled
        if end_sessions:
            row.session_epoch += 1
        self._session.add(row)
        self._session.flush()
        return _account(row)

    def record(self, username: str, action: str, actor: str, at: dt.datetime, session: str | None = None,
               details: str = "") -> None:
        self._session.add(AccountEvent(username=username[:120], action=action, actor=actor[:120], at=at,
                                       session=session, details=details))
        self._session.flush()

    def failures(self, since: dt.datetime, username: str | None = None, session: str | None = None) -> list[dt.datetime]:
        """Times of the failed sign-ins, oldest first, since `since` and after the last successful
        sign-in of the same account (or the same browser session)."""
        key = AccountEvent.username == username if username is not None else AccountEvent.session == session
        last_success = self._session.exec(select(func.max(AccountEvent.at)).where(
            key, AccountEvent.action == SIGNED_IN)).one()
        start = max(since, last_success) if last_success is not None else since
        return list(self._session.exec(select(AccountEvent.at).where(
            key, AccountEvent.action == SIGN_IN_FAILED, AccountEvent.at > start).order_by(AccountEvent.at)))

    def trail(self, username: str) -> list[AccountEventRecord]:
        """The account's events in the order they were recorded."""
        rows = self._session.exec(select(AccountEvent).where(AccountEvent.username == username)
                                  .order_by(AccountEvent.id))
        return [AccountEventRecord(username=r.username, action=r.action, actor=r.actor, at=r.at, session=r.session,
                                   details=r.details) for r in rows]

    def _row(self, username: str) -> UserRow | None:
        return self._session.exec(select(UserRow).where(UserRow.username == username)).first()
