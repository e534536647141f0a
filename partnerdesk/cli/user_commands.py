"""`partnerdesk users add USERNAME --role ROLE`: accounts for the app.

The password is read from a prompt (typed twice) or, with --password-stdin, from the first
line of standard input, so it never shows in the process list or the shell history.
`--password` exists for scripts that accept that risk explicitly.
"""

from __future__ import annotations

import getpass
import sys

from partnerdesk.accounts import Role, add_user
from partnerdesk.partner_accounts import add_partner_account
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace


def _password(args) -> str:
    if args.password is not None:
        return args.password
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InputError("password: no terminal to prompt on; pass --password-stdin and pipe the password")
    password = getpass.getpass(f"Password for {args.username}: ")
    if getpass.getpass("Repeat the password: ") != password:
        raise InputError("password: the two passwords differ")
    return password


def _add(args):
    if (args.role == Role.partner) != bool(args.partner):
        raise InputError("--partner: an account of role partner names its partner (--partner P-n), "
                         "and only such an account does")
    if args.partner:
        account = add_partner_account(Workspace.open(), args.username, _password(args), args.partner,
                                      args.display_name or "")
        return {"username": account.username, "role": Role.partner.value, "display_name": account.display_name,
                "partner_id": account.partner_id, "owner": account.owner}
    row = add_user(Workspace.open(), args.username, _password(args), args.role, args.display_name or "")
    return {"username": row.username, "role": row.role, "display_name": row.display_name}


def register(commands) -> None:
    users = commands.add_parser("users", help="accounts that sign in to the app")
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="COMMAND")
    add = users_sub.add_parser("add", help="create an account with a role; the password is prompted for")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--partner", metavar="PARTNER_ID", help="the partner of an account of role partner")
    add.add_argument("--display-name", help="the name shown in the app (default: the username)")
    source = add.add_mutually_exclusive_group()
    source.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    source.add_argument("--password", help="the password itself (visible to other users of this machine)")
    add.set_defaults(handler=_add)
