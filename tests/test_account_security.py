"""Signing in is throttled per account and per browser session; administrators manage accounts.

Times are injected: the throttle's waits are worked out by hand from its rule (free: 3
failures; then 1 s, 2 s, 4 s ... after the 3rd, 4th, 5th failure; locked for 15 minutes at the
10th), never read back from the code under test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from partnerdesk import session_tokens
from partnerdesk.accounts import (Role, account_trail, add_user, authenticate, change_own_password, change_role,
                                  reset_password, session_account, set_disabled, sign_in)
from partnerdesk.errors import InputError
from partnerdesk.settings import Settings

T0 = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.timezone.utc)
PASSWORD = "maria-secret-1"


def seconds(n: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=n)


@pytest.fixture
def ws(workspace):
    add_user(workspace, "root", "root-secret-1", Role.admin, "Root")
    add_user(workspace, "maria", PASSWORD, Role.manager, "Maria", by="root")
    return workspace


def actions(ws, username: str) -> list[str]:
    return [e.action for e in account_trail(ws, username)]


def test_the_wait_grows_after_the_third_failure_and_a_held_attempt_is_not_checked(ws):
    for n in range(3):  # three slips cost nothing
        assert sign_in(ws, "maria", "wrong", "browser-1", at=seconds(n)).refusal == "Unknown username or wrong password."
    assert sign_in(ws, "maria", PASSWORD, "browser-1", at=seconds(2.5)).refusal.startswith("Too many failed sign-ins: wait 1 second")
    # even the right password is refused during the wait (3rd failure at 2 s: wait until 3 s)
    assert sign_in(ws, "maria", "wrong", "browser-1", at=seconds(3)).account is None  # 4th failure: 2 s, until 5 s
    held = sign_in(ws, "maria", PASSWORD, "browser-1", at=seconds(4))
    assert (held.account, held.refusal) == (None, "Too many failed sign-ins: wait 1 second before trying again.")
    assert sign_in(ws, "maria", "wrong", "browser-1", at=seconds(5)).refusal  # 5th failure: 4 s, until 9 s
    assert sign_in(ws, "maria", PASSWORD, "browser-1", at=seconds(6)).refusal == (
        "Too many failed sign-ins: wait 3 seconds before trying again.")
    assert sign_in(ws, "maria", PASSWORD, "browser-1", at=seconds(9)).account.username == "maria"
    assert actions(ws, "maria") == ["created"] + ["sign_in_failed"] * 3 + ["sign_in_held", "sign_in_failed",
                                                                           "sign_in_held", "sign_in_failed",
                                                                           "sign_in_held", "signed_in"]


def test_ten_failures_lock_the_account_for_fifteen_minutes_from_any_browser(ws):
    at = T0
    for _ in range(10):
        outcome = sign_in(ws, "maria", "wrong", f"browser-{at.second}", at=at)
        at = outcome.wait_until or at + dt.timedelta(seconds=1)
    assert outcome.locked and outcome.refusal == ("Too many failed sign-ins: signing in is locked for 15 minutes "
                                                  f"(until {outcome.wait_until:%H:%M} UTC).")
    last_failure = outcome.wait_until - dt.timedelta(minutes=15)
    other_browser = sign_in(ws, "maria", PASSWORD, "another-browser", at=last_failure + dt.timedelta(minutes=14))
    assert other_browser.locked and other_browser.account is None
    assert "locked" in actions(ws, "maria")
    assert sign_in(ws, "maria", PASSWORD, "another-browser",
                   at=last_failure + dt.timedelta(minutes=15)).account.username == "maria"


def test_an_unknown_username_is_throttled_like_a_known_one(ws):
    for n in range(4):
        sign_in(ws, "nobody", "guess", "browser-1", at=seconds(n))
    assert sign_in(ws, "nobody", "guess", "browser-1", at=seconds(3.5)).refusal.startswith("Too many failed sign-ins")


def test_one_browser_session_trying_many_accounts_is_throttled_too(ws):
    for n in range(10):
        sign_in(ws, f"user{n}", "guess", "browser-x", at=seconds(n * 60))
    held = sign_in(ws, "maria", PASSWORD, "browser-x", at=seconds(10 * 60))
    assert held.locked and held.account is None
    assert sign_in(ws, "maria", PASSWORD, "browser-y", at=seconds(10 * 60)).account.username == "maria"


def test_the_account_trail_is_append_only_in_the_database(ws):
    with ws.engine.begin() as connection, pytest.raises(Exception, match="append-only"):
        connection.execute(text("DELETE FROM account_event"))
    with ws.engine.begin() as connection, pytest.raises(Exception, match="append-only"):
        connection.execute(text("UPDATE account_event SET actor = 'someone else'"))


def token_account(ws, account):
    settings = Settings(database_url=str(ws.engine.url))
    claim = session_tokens.read(settings, session_tokens.issue(settings, account.username, account.session_epoch))
    return session_account(ws, *claim)


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end_until_enabled(ws):
    before = authenticate(ws, "maria", PASSWORD)
    assert token_account(ws, before).username == "maria"
    set_disabled(ws, "maria", True, by="root", reason="left the company")
    assert sign_in(ws, "maria", PASSWORD, "b", at=T0).refusal == ("This account is disabled; "
                                                                  "an administrator can enable it again.")
    assert session_account(ws, "maria", before.session_epoch) is None
    with pytest.raises(InputError, match="disabled already"):
        set_disabled(ws, "maria", True, by="root")
    set_disabled(ws, "maria", False, by="root")
    assert sign_in(ws, "maria", PASSWORD, "b", at=T0).account.username == "maria"
    trail = account_trail(ws, "maria")
    assert [(e.action, e.actor, e.details) for e in trail if e.action in ("disabled", "enabled")] == [
        ("disabled", "root", "left the company"), ("enabled", "root", "")]


def test_a_password_reset_ends_sessions_and_only_the_new_password_signs_in(ws):
    before = authenticate(ws, "maria", PASSWORD)
    with pytest.raises(InputError, match="password: must be at least 10 characters"):
        reset_password(ws, "maria", "short", by="root")
    reset_password(ws, "maria", "violet tractor summer 42", by="root")
    assert authenticate(ws, "maria", PASSWORD) is None
    assert authenticate(ws, "maria", "violet tractor summer 42").username == "maria"
    assert session_account(ws, "maria", before.session_epoch) is None
    assert ("password_reset", "root") in [(e.action, e.actor) for e in account_trail(ws, "maria")]


def test_a_role_change_is_audited_and_the_last_administrator_is_kept(ws):
    change_role(ws, "maria", Role.analyst, by="root")
    assert authenticate(ws, "maria", PASSWORD).role == "analyst"
    assert ("role_changed", "root", "manager to analyst") in [(e.action, e.actor, e.details)
                                                              for e in account_trail(ws, "maria")]
    with pytest.raises(InputError, match="'root' is the last enabled administrator"):
        change_role(ws, "root", Role.manager, by="root")
    with pytest.raises(InputError, match="'root' is the last enabled administrator"):
        set_disabled(ws, "root", True, by="root")
    with pytest.raises(InputError, match="there is no account 'ghost'"):
        change_role(ws, "ghost", Role.manager, by="root")


def test_people_change_their_own_password_under_the_policy(ws):
    with pytest.raises(InputError, match="current password: wrong password"):
        change_own_password(ws, "maria", "not-it", "violet tractor summer 42")
    for weak, problem in (("short1", "at least 10 characters"), ("password1234", "too easy to guess"),
                          ("maria-maria-maria", "too easy to guess"), ("qwertyuiop12", "too easy to guess")):
        with pytest.raises(InputError, match=problem):
            change_own_password(ws, "maria", PASSWORD, weak)
    change_own_password(ws, "maria", PASSWORD, "violet tractor summer 42")
    assert authenticate(ws, "maria", "violet tractor summer 42") is not None
    assert actions(ws, "maria")[-1] == "password_changed"


def test_a_forged_or_expired_token_names_nobody(ws):
    settings = Settings(database_url=str(ws.engine.url), session_secret="one secret", session_hours=1)
    token = session_tokens.issue(settings, "maria", 0)
    assert session_tokens.read(settings, token) == ("maria", 0)
    assert session_tokens.read(Settings(database_url="sqlite://", session_secret="another secret"), token) is None
    assert session_tokens.read(settings, token[:-2] + "xx") is None
    assert session_tokens.read(settings.model_copy(update={"session_hours": -1}), token) is None


def test_a_password_hashed_with_an_earlier_setting_signs_in_and_is_hashed_again(workspace):
    from argon2 import PasswordHasher, extract_parameters

    earlier = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4)
    with workspace.unit_of_work() as uow:
        uow.accounts.add("olga", earlier.hash(PASSWORD), Role.manager.value, "Olga", T0)
    assert sign_in(workspace, "olga", PASSWORD, at=seconds(1)).account is not None
    with workspace.reading() as uow:
        stored = uow.accounts.named("olga").password_hash
    # OWASP's argon2id setting: 19 MiB of memory, 2 passes, 1 lane
    assert (extract_parameters(stored).memory_cost, extract_parameters(stored).time_cost,
            extract_parameters(stored).parallelism) == (19456, 2, 1)
    assert sign_in(workspace, "olga", PASSWORD, at=seconds(2)).account is not None
    assert sign_in(workspace, "olga", "not-the-password", at=seconds(3)).account is None
