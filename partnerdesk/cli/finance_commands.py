"""Commands of credit control and tier review: credit, credit set, tiers review, tiers set."""

from __future__ import annotations

import datetime as dt

from partnerdesk import credit, tiers
from partnerdesk.workspace import Workspace


def _as_of(args) -> dt.date:
    return args.as_of or dt.date.today()


def _credit(args):
    if args.credit_command == "set":
        return credit.set_credit_limit(Workspace.open(), args.partner_id, args.limit, args.reason, args.by,
                                       _as_of(args))
    return credit.credit_report(Workspace.open(), _as_of(args))


def _tiers(args):
    if args.tiers_command == "review":
        return tiers.tier_review(Workspace.open(), args.quarter)
    return tiers.set_tier(Workspace.open(), args.partner_id, args.tier, args.reason, args.by)


def register(commands) -> None:
    from partnerdesk.cli import iso_date

    credit_command = commands.add_parser("credit", help="each direct reseller's and distributor's exposure "
                                                        "against its credit limit")
    credit_command.add_argument("--as-of", type=iso_date, help="payments and invoices up to this date (default: today)")
    credit_command.set_defaults(handler=_credit, credit_command=None)
    credit_sub = credit_command.add_subparsers(dest="credit_command", metavar="COMMAND")
    override = credit_sub.add_parser("set", help="a manager's override of a partner's credit limit (audited)")
    override.add_argument("partner_id", metavar="PARTNER_ID")
    override.add_argument("--limit", required=True, metavar="AMOUNT", help="USD, e.g. 75000 or 75000.50")
    override.add_argument("--reason", help="why (required)")
    override.add_argument("--by", help="the manager's name (required)")
    override.add_argument("--as-of", type=iso_date, help="the date of the credit line printed (default: today)")

    tiers_command = commands.add_parser("tiers", help="tier review and a manager's tier changes")
    tiers_sub = tiers_command.add_subparsers(dest="tiers_command", required=True, metavar="COMMAND")
    review = tiers_sub.add_parser("review", help="the tier each direct reseller and distributor earns by its "
                                                 "trailing four quarters' commissionable performance")
    review.add_argument("--quarter", required=True, metavar="YYYY-Qn", help="the last of the four quarters")
    review.set_defaults(handler=_tiers)
    change = tiers_sub.add_parser("set", help="a manager's tier change, in force from the first month not yet "
                                              "settled (audited)")
    change.add_argument("partner_id", metavar="PARTNER_ID")
    change.add_argument("--tier", required=True, help="a tier of the plan for the partner's type")
    change.add_argument("--reason", help="why (required)")
    change.add_argument("--by", help="the manager's name (required)")
    change.set_defaults(handler=_tiers)
