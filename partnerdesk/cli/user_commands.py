"""`partnerdesk users ...`: accounts for the app, and an administrator's changes to them.

add, list, disable / enable, reset-password, set-role and history (the account's trail).

The password is read from a prompt (typed twice) or, with --password-stdin, from the first
line of standard input, so it never shows in the process list or the shell history.
`--password` exists for scripts that accept that risk explicitly. `add` with none of these and
no terminal to prompt on (a script) creates the account without a password: it cannot sign in
until `reset-password` sets one, and the output says so (`"password_set": false`).
"""

from __future__ import annotations

import getpass
import sys

from partnerdesk import accounts, lookups
from partnerdesk.accounts import Role, add_user
from partnerdesk.partner_accounts import add_partner_account
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace


def _password(args, optional: bool = False) -> str | None:
    if args.password is not None:
        return args.password
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        if optional:
            return None
        raise InputError("password: no terminal to prompt on; pass --password-stdin and pipe the password")
    password = getpass.getpass(f"New password for {args.username}: ")
    if getpass.getpass("Repeat the password: ") != password:
        raise InputError("password: the two passwords differ")
    return password


def _shown(account) -> dict:
    return {"username": account.username, "role": account.role, "display_name": account.display_name,
            "disabled": account.disabled}


def _add(args):
    if (args.role == Role.partner) != bool(args.partner):
        raise InputError("--partner: an account of role partner names its partner (--partner P-n), "
                         "and only such an account does")
    password = _password(args, optional=True)
    if args.partner:
        account = add_partner_account(Workspace.open(), args.username, password, args.partner,
                                      args.display_name or "", by=args.by or "admin")
        added = {"username": account.username, "role": Role.partner.value, "display_name": account.display_name,
                 "partner_id": account.partner_id, "owner": account.owner}
    else:
        row = add_user(Workspace.open(), args.username, password, args.role, args.display_name or "", by=args.by)
        added = {"username": row.username, "role": row.role, "display_name": row.display_name}
    if password is None:
        print(f"{added['username']}: no password set (no terminal to prompt on); the account signs in once "
              f"`partnerdesk users reset-password {added['username']} --by NAME --password-stdin` sets one",
              file=sys.stderr)
    return {**added, "password_set": password is not None}


def _list(args):
    return {"accounts": [{**_shown(a), "created_at": a.created_at} for a in lookups.accounts(Workspace.open())]}


def _disable(args):
    return _shown(accounts.set_disabled(Workspace.open(), args.username, True, by=args.by, reason=args.reason or ""))


def _enable(args):
    return _shown(accounts.set_disabled(Workspace.open(), args.username, False, by=args.by, reason=args.reason or ""))


def _reset_password(args):
    return _shown(accounts.reset_password(Workspace.open(), args.username, _password(args), by=args.by))


def _set_role(args):
    return _shown(accounts.change_role(Workspace.open(), args.username, args.role, by=args.by))


def _history(args):
    trail = accounts.account_trail(Workspace.open(), args.username)
    return {"username": args.username, "events": [e.model_dump(mode="json", exclude={"username"}) for e in trail]}


def _password_options(parser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    source.add_argument("--password", help="the password itself (visible to other users of this machine)")


def _by(parser, required: bool = True) -> None:
    parser.add_argument("--by", required=required, metavar="NAME", help="who makes the change (kept in the trail)")


def register(commands) -> None:
    users = commands.add_parser("users", help="accounts that sign in to the app")
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="COMMAND")
    add = users_sub.add_parser("add", help="create an account with a role; the password is prompted for")
    add.add_argument("username", help="the name to sign in with (2-120 letters, digits or . _ @ -)")
    add.add_argument("--role", required=True, choices=[r.value for r in Role], help="what the account may do")
    add.add_argument("--partner", metavar="PARTNER_ID", help="the partner of an account of role partner")
    add.add_argument("--display-name", help="the name shown in the app (default: the username)")
    _by(add, required=False)
    _password_options(add)
    add.set_defaults(handler=_add)

    listing = users_sub.add_parser("list", help="every account with its role and whether it is disabled")
    listing.set_defaults(handler=_list)

    for name, handler, words in (("disable", _disable, "disable an account: it cannot sign in and its sessions end"),
                                 ("enable", _enable, "enable a disabled account again")):
        change = users_sub.add_parser(name, help=words)
        change.add_argument("username", help="the account")
        _by(change)
        change.add_argument("--reason", help="why (kept in the account's trail)")
        change.set_defaults(handler=handler)

    reset = users_sub.add_parser("reset-password", help="set a new password for an account; its sessions end")
    reset.add_argument("username", help="the account")
    _by(reset)
    _password_options(reset)
    reset.set_defaults(handler=_reset_password)

    role = users_sub.add_parser("set-role", help="give an account another role; its sessions end")
    role.add_argument("username", help="the account")
    role.add_argument("--role", required=True, choices=[r.value for r in Role], help="the new role")
    _by(role)
    role.set_defaults(handler=_set_role)

    history = users_sub.add_parser("history", help="an account's trail: sign-ins, failed ones, locks and changes")
    history.add_argument("username", help="the account")
    history.set_defaults(handler=_history)
