"""Accounts of the people who sign in: argon2 password hashes, one role each, and their trail.

Signing in is throttled per account and per browser session (partnerdesk.throttle); every
sign-in, failed sign-in, refusal and lock, and every administrator's change of an account
(disable, enable, password reset, role change) is kept in the account's append-only trail.
A change that matters for security ends the account's earlier sessions (its `session_epoch`).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel
from zxcvbn import zxcvbn

from kernel.directory import AccountEventRecord, AccountRecord
from partnerdesk import throttle
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace
from storage.account_records import SIGN_IN_FAILED, SIGNED_IN, UsernameTaken
from storage.uow import UnitOfWork

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
"""OWASP's argon2id setting (19 MiB, 2 passes, 1 lane) rather than the library's default (64 MiB,
3 passes, 4 lanes), which made every sign-in wait on two cores. A hash of an earlier setting
still verifies and is made again with this one when its owner next signs in."""
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,119}$")
MIN_PASSWORD = 10
MIN_STRENGTH = 3  # zxcvbn's score from 0 to 4; 3 is "safely unguessable" (about 10^8 guesses or more)
_SAME_WORK = _hasher.hash("not an account's password")
NO_PASSWORD = "!"
"""What is stored for an account created without a password (`users add` where nobody could type
one): no password matches it until an administrator sets one (`users reset-password`)."""


class Role(StrEnum):
    applicant = "applicant"
    manager = "manager"
    analyst = "analyst"
    admin = "admin"
    partner = "partner"


class SignIn(BaseModel):
    """The outcome of a sign-in: the account, or why not and until when the next try must wait."""

    account: AccountRecord | None = None
    refusal: str | None = None
    wait_until: dt.datetime | None = None
    locked: bool = False


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


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


def _checked_password(password: str | None, username: str, display_name: str = "") -> str:
    if password is None:
        return NO_PASSWORD
    problem = password_problem(password, username, display_name)
    if problem:
        raise InputError(f"password: {problem}")
    return _hasher.hash(password)


def _username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise InputError(f"username: {name[:120]!r} must be 2-120 letters, digits or . _ @ -")
    return name


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InputError(f"role: {str(role)[:40]!r} is not one of {', '.join(r.value for r in Role)}") from None


class NewAccount(NamedTuple):
    """A checked account not stored yet (the password hashed)."""

    username: str
    password_hash: str
    role: str
    display_name: str


def new_account(username: str, password: str | None, role: Role | str, display_name: str = "",
                strength: bool = True) -> NewAccount:
    """A checked account not stored yet, for a service that stores it in its own unit of work
    (a partner's account is stored with its binding to the partner). No password: one to be set."""
    name, role = _username(username), _role(role)
    weak = not strength and password is not None
    password_hash = _hasher.hash(password) if weak else _checked_password(password, name, display_name)
    return NewAccount(name, password_hash, role.value, display_name.strip() or name)


def _add(uow: UnitOfWork, username: str, password_hash: str, role: Role, display_name: str, by: str) -> AccountRecord:
    try:
        account = uow.accounts.add(username, password_hash, role.value, display_name.strip() or username, now())
    except UsernameTaken:
        raise InputError(f"username: {username!r} is taken") from None
    uow.accounts.record(username, "created", by, now(), details=f"role {role.value}")
    return account


def add_user(ws: Workspace, username: str, password: str | None, role: Role | str, display_name: str = "",
             by: str | None = None) -> AccountRecord:
    """Create an account; the username is unique and the password passes the policy (or is none
    yet: `NO_PASSWORD`). `by` is the administrator (none: the person registered themselves)."""
    name, role = _username(username), _role(role)
    if role is Role.partner:
        raise InputError("--partner: an account of role partner names its partner")
    password_hash = _checked_password(password, name, display_name)
    with ws.unit_of_work() as uow:
        return _add(uow, name, password_hash, role, display_name, by or name)


def add_demo_account(ws: Workspace, username: str, password: str, role: Role | str, display_name: str) -> AccountRecord:
    """An account of the demo, whose password the README publishes: the strength policy would be no help."""
    with ws.unit_of_work() as uow:
        return _add(uow, _username(username), _hasher.hash(password), _role(role), display_name, "demo")


def add_first_admin(ws: Workspace, username: str, password: str, display_name: str = "") -> AccountRecord:
    """The administrator of a fresh database; refused once any account exists."""
    name = _username(username)
    password_hash = _checked_password(password, name, display_name)
    with ws.unit_of_work() as uow:
        uow.accounts.lock()
        if uow.accounts.count():
            raise InputError("username: this database has accounts already; an administrator adds new ones")
        return _add(uow, name, password_hash, Role.admin, display_name, "first set-up")


def has_accounts(ws: Workspace) -> bool:
    """Whether anyone can sign in yet (a fresh database has no account until the set-up)."""
    with ws.reading() as uow:
        return uow.accounts.count() > 0


def account_trail(ws: Workspace, username: str) -> list[AccountEventRecord]:
    """What happened to an account, oldest first."""
    with ws.reading() as uow:
        return uow.accounts.trail(username.strip().lower())


def _password_matches(account: AccountRecord | None, password: str) -> bool:
    """The check costs the same whether or not the account exists, so timing reveals no account."""
    try:
        return _hasher.verify(account.password_hash if account else _SAME_WORK, password) and account is not None
    except (VerificationError, InvalidHashError):
        return False


def authenticate(ws: Workspace, username: str, password: str) -> AccountRecord | None:
    """The enabled account when the password matches, else None. No throttle and no trail: the
    doors sign people in with `sign_in`."""
    with ws.reading() as uow:
        account = uow.accounts.named(username.strip().lower())
    return account if _password_matches(account, password) and not account.disabled else None


def _hold(uow: UnitOfWork, username: str, session: str | None, at: dt.datetime) -> throttle.Hold | None:
    """The stricter of the holds that the account's and the browser session's failures put on an attempt."""
    since = at - throttle.LOOK_BACK
    holds = [throttle.hold(uow.accounts.failures(since, username=username), at)]
    if session:
        holds.append(throttle.hold(uow.accounts.failures(since, session=session), at))
    holds = [h for h in holds if h is not None]
    return max(holds, key=lambda h: (h.locked, h.until)) if holds else None


def _refused(hold: throttle.Hold, at: dt.datetime) -> SignIn:
    seconds = max(1, int((hold.until - at).total_seconds() + 0.999))
    if hold.locked:
        minutes = (seconds + 59) // 60
        words = (f"Too many failed sign-ins: signing in is locked for {minutes} minute{'s' if minutes > 1 else ''} "
                 f"(until {hold.until:%H:%M} UTC).")
    else:
        words = f"Too many failed sign-ins: wait {seconds} second{'s' if seconds > 1 else ''} before trying again."
    return SignIn(refusal=words, wait_until=hold.until, locked=hold.locked)


def sign_in(ws: Workspace, username: str, password: str, session: str | None = None,
            at: dt.datetime | None = None) -> SignIn:
    """Check a password under the throttle and keep the attempt in the account's trail.

    A held attempt is refused without checking the password. A failure says nothing about
    which part was wrong; an unknown username is throttled and recorded like a known one.
    """
    at, name = at or now(), username.strip().lower().replace("\x00", "")[:120]
    with ws.reading() as uow:
        hold = _hold(uow, name, session, at)
        account = uow.accounts.named(name)
    with ws.unit_of_work() as uow:
        if hold is not None:
            uow.accounts.record(name, "sign_in_held", name, at, session, "locked" if hold.locked else "delayed")
            return _refused(hold, at)
        if not _password_matches(account, password):
            uow.accounts.record(name, SIGN_IN_FAILED, name, at, session)
            hold = _hold(uow, name, session, at)
            if hold is not None and hold.locked:
                uow.accounts.record(name, "locked", name, at, session, f"locked until {hold.until:%Y-%m-%d %H:%M} UTC")
                return _refused(hold, at)
            return SignIn(refusal="Unknown username or wrong password.", wait_until=hold.until if hold else None)
        if account.disabled:
            uow.accounts.record(name, "sign_in_disabled", name, at, session)
            return SignIn(refusal="This account is disabled; an administrator can enable it again.")
        uow.accounts.record(name, SIGNED_IN, name, at, session)
        if _hasher.check_needs_rehash(account.password_hash):
            uow.accounts.change(name, password_hash=_hasher.hash(password), end_sessions=False)
    return SignIn(account=account)


def session_account(ws: Workspace, username: str, epoch: int) -> AccountRecord | None:
    """The account a signed session token names, while it is enabled and nothing has ended its
    sessions since the token was signed."""
    with ws.reading() as uow:
        account = uow.accounts.named(username)
    return account if account is not None and not account.disabled and account.session_epoch == epoch else None


def _existing(uow: UnitOfWork, username: str) -> AccountRecord:
    account = uow.accounts.named(username.strip().lower())
    if account is None:
        raise InputError(f"username: there is no account {username.strip()[:120]!r}")
    return account


def _keep_an_administrator(uow: UnitOfWork, account: AccountRecord) -> None:
    """Refuse a change that would leave no enabled administrator (nobody could manage accounts)."""
    if account.role == Role.admin and not account.disabled and uow.accounts.count(Role.admin, enabled_only=True) <= 1:
        raise InputError(f"username: {account.username!r} is the last enabled administrator; "
                         "make another administrator first")


def set_disabled(ws: Workspace, username: str, disabled: bool, by: str, reason: str = "") -> AccountRecord:
    """An administrator disables an account (its sessions end, it cannot sign in) or enables it again."""
    with ws.unit_of_work() as uow:
        uow.accounts.lock()
        account = _existing(uow, username)
        if account.disabled == disabled:
            raise InputError(f"username: {account.username!r} is {'disabled' if disabled else 'enabled'} already")
        if disabled:
            _keep_an_administrator(uow, account)
        changed = uow.accounts.change(account.username, disabled=disabled, end_sessions=disabled)
        uow.accounts.record(account.username, "disabled" if disabled else "enabled", by, now(), details=reason)
        return changed


def reset_password(ws: Workspace, username: str, password: str, by: str) -> AccountRecord:
    """An administrator sets a new password (passing the policy); the account's sessions end."""
    with ws.unit_of_work() as uow:
        account = _existing(uow, username)
        password_hash = _checked_password(password, account.username, account.display_name)
        changed = uow.accounts.change(account.username, password_hash=password_hash)
        uow.accounts.record(account.username, "password_reset", by, now())
        return changed


def change_role(ws: Workspace, username: str, role: Role | str, by: str) -> AccountRecord:
    """An administrator gives an account another role; its sessions end (the pages it sees change)."""
    role = _role(role)
    with ws.unit_of_work() as uow:
        uow.accounts.lock()
        account = _existing(uow, username)
        if account.role == role:
            raise InputError(f"role: {account.username!r} has the role {role.value} already")
        if role is not Role.admin:
            _keep_an_administrator(uow, account)
        changed = uow.accounts.change(account.username, role=role.value)
        uow.accounts.record(account.username, "role_changed", by, now(), details=f"{account.role} to {role.value}")
        return changed


def change_own_password(ws: Workspace, username: str, current: str, new: str) -> AccountRecord:
    """A person changes their own password: the current one first, the new one passes the policy.
    Sessions signed before end (another browser that was left signed in)."""
    if authenticate(ws, username, current) is None:
        raise InputError("current password: wrong password")
    with ws.unit_of_work() as uow:
        account = _existing(uow, username)
        password_hash = _checked_password(new, account.username, account.display_name)
        changed = uow.accounts.change(account.username, password_hash=password_hash)
        uow.accounts.record(account.username, "password_changed", account.username, now())
        return changed
