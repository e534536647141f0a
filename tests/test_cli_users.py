"""`partnerdesk users add`: accounts for the app, with the password kept off the command line."""

from __future__ import annotations

from partnerdesk.accounts import authenticate
from partnerdesk.settings import Settings
from partnerdesk.workspace import Workspace


def accounts_of(cli) -> Workspace:
    return Workspace.open(Settings(database_url=cli.database_url))


def test_a_password_read_from_stdin_signs_in(sqlite_cli):
    result = sqlite_cli("users", "add", "Maria", "--role", "manager", "--display-name", "Maria Santos",
                        "--password-stdin", stdin="maria-secret-1\n")
    assert result.code == 0, result.stderr
    assert result.json == {"username": "maria", "role": "manager", "display_name": "Maria Santos",
                           "password_set": True}
    assert "maria-secret-1" not in result.stdout
    assert authenticate(accounts_of(sqlite_cli), "maria", "maria-secret-1").role == "manager"


def test_an_explicit_password_option_is_accepted(sqlite_cli):
    result = sqlite_cli("users", "add", "alex", "--role", "analyst", "--password", "alex-secret-1")
    assert result.code == 0, result.stderr
    assert authenticate(accounts_of(sqlite_cli), "alex", "alex-secret-1").display_name == "alex"


def test_without_a_terminal_or_stdin_option_the_account_has_no_password_yet(sqlite_cli):
    """Text piped without --password-stdin is not taken for a password: the account is created
    without one, and a reset without a password source is refused."""
    result = sqlite_cli("users", "add", "alex", "--role", "analyst", stdin="alex-secret-1\n")
    assert result.code == 0, result.stderr
    assert result.json == {"username": "alex", "role": "analyst", "display_name": "alex", "password_set": False}
    assert authenticate(accounts_of(sqlite_cli), "alex", "alex-secret-1") is None
    reset = sqlite_cli("users", "reset-password", "alex", "--by", "admin", stdin="alex-secret-1\n")
    assert reset.code == 2
    assert reset.stderr.strip() == ("partnerdesk: password: no terminal to prompt on; "
                                    "pass --password-stdin and pipe the password")


def test_a_taken_username_and_a_short_password_are_refused(sqlite_cli):
    assert sqlite_cli("users", "add", "maria", "--role", "manager", "--password-stdin",
                      stdin="maria-secret-1\n").code == 0
    taken = sqlite_cli("users", "add", "MARIA", "--role", "admin", "--password-stdin", stdin="other-secret-1\n")
    assert (taken.code, taken.stderr.strip()) == (2, "partnerdesk: username: 'maria' is taken")
    short = sqlite_cli("users", "add", "sam", "--role", "manager", "--password-stdin", stdin="short\n")
    assert (short.code, short.stderr.strip()) == (2, "partnerdesk: password: must be at least 10 characters")


def test_an_unknown_role_is_a_usage_error(sqlite_cli):
    result = sqlite_cli("users", "add", "sam", "--role", "owner", "--password-stdin", stdin="sam-secret-1\n")
    assert result.code == 2
    assert "invalid choice: 'owner'" in result.stderr


def test_the_prompt_asks_twice_and_refuses_two_different_passwords(sqlite_url, monkeypatch, capsys):
    from partnerdesk.cli import main, user_commands
    from partnerdesk.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    monkeypatch.setattr(user_commands.sys.stdin, "isatty", lambda: True, raising=False)
    answers = iter(["first-secret-1", "second-secret-1", "same-secret-1", "same-secret-1"])
    monkeypatch.setattr(user_commands.getpass, "getpass", lambda prompt: next(answers))
    try:
        assert main(["users", "add", "sam", "--role", "manager"]) == 2
        assert capsys.readouterr().err.strip() == "partnerdesk: password: the two passwords differ"
        assert main(["users", "add", "sam", "--role", "manager"]) == 0
    finally:
        get_settings.cache_clear()
    assert authenticate(Workspace.open(Settings(database_url=sqlite_url)), "sam", "same-secret-1")
