"""Accounts of the people who sign in, with argon2 password hashes and one role each."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace
from storage.db import transaction
from storage.tables import UserRow

_hasher = PasswordHasher()
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,119}$")
MIN_PASSWORD = 8


class Role(StrEnum):
    applicant = "applicant"
    manager = "manager"
    analyst = "analyst"
    admin = "admin"


def add_user(ws: Workspace, username: str, password: str, role: Role | str,
             display_name: str = "") -> UserRow:
    """Create an account; the username is unique and the password at least 8 characters."""
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise InputError(f"username: {username!r} must be 2-120 letters, digits or . _ @ -")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"password: must be at least {MIN_PASSWORD} characters")
    try:
        role = Role(role)
    except ValueError:
        raise InputError(f"role: {role!r} is not one of {', '.join(r.value for r in Role)}") from None
    row = UserRow(username=username, password_hash=_hasher.hash(password), role=role.value,
                  display_name=display_name.strip() or username,
                  created_at=dt.datetime.now(dt.timezone.utc))
    try:
        with transaction(ws.engine) as session:
            session.add(row)
    except IntegrityError:
        raise InputError(f"username: {username!r} is taken") from None
    return row


def authenticate(ws: Workspace, username: str, password: str) -> UserRow | None:
    """The account when the password matches, else None (no hint which part was wrong)."""
    with Session(ws.engine) as session:
        row = session.exec(select(UserRow).where(UserRow.username == username.strip().lower())).first()
    if row is None:
        _hasher.hash(password)  # same work as a real check, so timing does not reveal accounts
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return row
