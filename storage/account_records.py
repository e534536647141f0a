"""Queries and writes of accounts: the accounts themselves and the first one made on a fresh database."""

from __future__ import annotations

from sqlalchemy import func, text
from sqlmodel import Session, select

from storage.tables import UserRow

_FIRST_ACCOUNT_LOCK_KEY = 74_171_002  # PostgreSQL advisory lock while the first account is made


def find_account(session: Session, username: str) -> UserRow | None:
    return session.exec(select(UserRow).where(UserRow.username == username)).first()


def all_accounts(session: Session) -> list[UserRow]:
    return list(session.exec(select(UserRow).order_by(UserRow.role, UserRow.username)))


def count_accounts(session: Session) -> int:
    return session.exec(select(func.count()).select_from(UserRow)).one()


def lock_accounts(session: Session) -> None:
    """Hold the accounts' transaction lock, so two set-ups of a fresh database cannot both find it empty.

    SQLite's write transactions are serialised already; PostgreSQL takes an advisory lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _FIRST_ACCOUNT_LOCK_KEY})
