"""Accounts of the people who sign in, with argon2 password hashes and one role each."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from zxcvbn import zxcvbn

from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace
from storage import account_records
from storage.db import transaction
from storage.tables import UserRow

_hasher = PasswordHasher()
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,119}$")
MIN_PASSWORD = 10
MIN_STRENGTH = 3  # zxcvbn's score from 0 to 4; 3 is "safely unguessable" (about 10^8 guesses or more)


class Role(StrEnum):
    applicant = "applicant"
    manager = "manager"
    analyst = "analyst"
    admin = "admin"
    partner = "partner"


def password_problem(password: str, *personal: str) -> str | None:
    """Why a password is refused, or None: too short, or guessable by zxcvbn's dictionaries and patterns.

    zxcvbn knows the common-password, name and word lists and keyboard patterns; `personal`
    (the username, the name) counts as known to a guesser too.
    """
    if len(password) < MIN_PASSWORD:
        return f"must be at least {MIN_PASSWORD} characters"
    verdict = zxcvbn(password[:100], user_inputs=[p for p in personal if p])
    if verdict["score"] < MIN_STRENGTH:
        warning = verdict["feedback"]["warning"].rstrip(".")
        return (f"too easy to guess{f' ({warning.lower()})' if warning else ''}; "
                "a few unrelated words make a strong password")
    return None


def _new_account(username: str, password: str, role: Role | str, display_name: str,
                 strength: bool = True) -> UserRow:
    """A checked, not yet stored account: username, password policy (unless `strength` is off) and role."""
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise InputError(f"username: {username[:120]!r} must be 2-120 letters, digits or . _ @ -")
    problem = password_problem(password, username, display_name) if strength else None
    if problem:
        raise InputError(f"password: {problem}")
    try:
        role = Role(role)
    except ValueError:
        raise InputError(f"role: {str(role)[:40]!r} is not one of {', '.join(r.value for r in Role)}") from None
    return UserRow(username=username, password_hash=_hasher.hash(password), role=role.value,
                   display_name=display_name.strip() or username, created_at=dt.datetime.now(dt.timezone.utc))


def new_account(username: str, password: str, role: Role | str, display_name: str = "",
                strength: bool = True) -> UserRow:
    """A checked account not stored yet, for a service that stores it in its own unit of work
    (a partner's account is stored with its binding to the partner)."""
    return _new_account(username, password, role, display_name, strength)


def add_user(ws: Workspace, username: str, password: str, role: Role | str,
             display_name: str = "") -> UserRow:
    """Create an account; the username is unique and the password passes the policy. A partner's
    account is made with its partner (partnerdesk.partner_accounts)."""
    if role == Role.partner:
        raise InputError("--partner: an account of role partner names its partner")
    return _insert(ws, _new_account(username, password, role, display_name))


def add_demo_account(ws: Workspace, username: str, password: str, role: Role | str, display_name: str) -> UserRow:
    """An account of the demo, whose password the README publishes: the strength policy would be no help."""
    return _insert(ws, _new_account(username, password, role, display_name, strength=False))


def _insert(ws: Workspace, row: UserRow) -> UserRow:
    try:
        with transaction(ws.engine) as session:
            session.add(row)
    except IntegrityError:
        raise InputError(f"username: {row.username!r} is taken") from None
    return row


def add_first_admin(ws: Workspace, username: str, password: str, display_name: str = "") -> UserRow:
    """The administrator of a fresh database; refused once any account exists."""
    row = _new_account(username, password, Role.admin, display_name)
    with transaction(ws.engine) as session:
        account_records.lock_accounts(session)
        if account_records.count_accounts(session):
            raise InputError("username: this database has accounts already; an administrator adds new ones")
        session.add(row)
    return row


def has_accounts(ws: Workspace) -> bool:
    """Whether anyone can sign in yet (a fresh database has no account until the set-up)."""
    with Session(ws.engine) as session:
        return account_records.count_accounts(session) > 0


def authenticate(ws: Workspace, username: str, password: str) -> UserRow | None:
    """The account when the password matches, else None (no hint which part was wrong)."""
    with Session(ws.engine) as session:
        row = account_records.find_account(session, username.strip().lower())
    if row is None:
        _hasher.hash(password)  # same work as a real check, so timing does not reveal accounts
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return row
