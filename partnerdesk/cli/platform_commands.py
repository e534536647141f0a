"""Commands of the channel platform: customers' association requests, partners' standing, statements."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kernel.channel import RequestState, StandingAction
from partnerdesk import customers, standing, statement_documents, statements
from partnerdesk.workspace import Workspace


def _as_of(args) -> dt.date:
    return args.as_of or dt.date.today()


def _register(args):
    return customers.register(Workspace.open(), args.partner, args.customer_id, args.name, args.country,
                              _as_of(args), by=args.by)


def _invite(args):
    return customers.invite(Workspace.open(), args.request_id, _as_of(args), by=args.by)


def _accept(args):
    return customers.accept(Workspace.open(), args.code, _as_of(args))


def _requests(args):
    partners = [args.partner] if args.partner else None
    return [r.model_dump(mode="json") for r in
            customers.requests(Workspace.open(), _as_of(args), args.state, partners)]


def _decide(args):
    return customers.decide(Workspace.open(), args.request_id, args.approve, args.reason, args.by, _as_of(args))


def _standing(action: StandingAction):
    def change(args):
        return standing.change_standing(Workspace.open(), args.partner_id, action, args.reason, args.by,
                                        _as_of(args))
    return change


def _statement(args):
    found = statements.statement(Workspace.open(), args.partner_id, args.period, _as_of(args))
    if args.out is None:
        return found if args.format == "json" else statement_documents.render(found, args.format)
    statement_documents.write(statement_documents.render(found, args.format), args.out)
    return {"partner_id": found.partner_id, "period": found.period, "format": args.format, "out": str(args.out)}


def add_customer_commands(sub) -> None:
    """`customers register/invite/accept/requests/decide`, beside `customers import`."""
    from partnerdesk.cli import iso_date

    register = sub.add_parser("register", help="register a customer as a lead of a partner")
    register.add_argument("--partner", required=True, metavar="PARTNER_ID")
    register.add_argument("--customer-id", required=True, metavar="ID")
    register.add_argument("--name", required=True)
    register.add_argument("--country", required=True, metavar="CC")
    register.add_argument("--by", help="who registers it (default: the partner)")
    register.add_argument("--as-of", type=iso_date)
    register.set_defaults(handler=_register)

    invite = sub.add_parser("invite", help="a single-use code for the customer to accept with")
    invite.add_argument("request_id", type=int, metavar="REQUEST_ID")
    invite.add_argument("--by", help="who invites (default: the partner)")
    invite.add_argument("--as-of", type=iso_date)
    invite.set_defaults(handler=_invite)

    accept = sub.add_parser("accept", help="the customer's acceptance of an invitation")
    accept.add_argument("code", metavar="CODE")
    accept.add_argument("--as-of", type=iso_date)
    accept.set_defaults(handler=_accept)

    listing = sub.add_parser("requests", help="customer association requests, oldest first")
    listing.add_argument("--state", choices=[s.value for s in RequestState])
    listing.add_argument("--partner", metavar="PARTNER_ID")
    listing.add_argument("--as-of", type=iso_date, help="the day whose states are shown (default: today)")
    listing.set_defaults(handler=_requests)

    decide = sub.add_parser("decide", help="a manager's decision on a request in pending_review")
    decide.add_argument("request_id", type=int, metavar="REQUEST_ID")
    verdict = decide.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approve", action="store_true")
    verdict.add_argument("--reject", action="store_true")
    decide.add_argument("--reason")
    decide.add_argument("--by")
    decide.add_argument("--as-of", type=iso_date)
    decide.set_defaults(handler=_decide)


def register(commands) -> None:
    from partnerdesk.cli import iso_date

    partners = commands.add_parser("partners", help="a partner's standing: suspend, reinstate, terminate")
    partners_sub = partners.add_subparsers(dest="partners_command", required=True, metavar="COMMAND")
    for action in StandingAction:
        change = partners_sub.add_parser(action.value, help=f"{action.value} a partner (audited)")
        change.add_argument("partner_id", metavar="PARTNER_ID")
        change.add_argument("--reason")
        change.add_argument("--by")
        change.add_argument("--as-of", type=iso_date)
        change.set_defaults(handler=_standing(action))

    statement = commands.add_parser("statement", help="a partner's statement for a month or a quarter")
    statement.add_argument("partner_id", metavar="PARTNER_ID")
    statement.add_argument("--period", required=True, metavar="YYYY-MM|YYYY-Qn")
    statement.add_argument("--format", choices=["json", "csv", "pdf"], default="json")
    statement.add_argument("--out", type=Path, metavar="FILE")
    statement.add_argument("--as-of", type=iso_date, help="the day payments and balances are counted to")
    statement.set_defaults(handler=_statement)
