"""`partnerdesk`: the command line, a thin door onto the service layer.

JSON on stdout; exit 0 on success, 2 on bad input or a refused action (one message on
stderr, nothing written), 1 on an internal error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import traceback
from decimal import Decimal

from pydantic import BaseModel

from partnerdesk.cli import (finance_commands, platform_commands, qualification_commands, settlement_commands,
                             user_commands)
from partnerdesk.errors import Failure, InputError
from storage.db import DatabaseUnusable

AREAS = (qualification_commands, user_commands, settlement_commands, finance_commands, platform_commands)


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}") from None


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


OPTION_HELP = {
    "as_of": "the day to work on, YYYY-MM-DD (default: today)",
    "qualify.file": "the application, a JSON file (contract section 2)",
    "apply.file": "the application, a JSON file (contract section 2)",
    "review.id": "the application's id",
    "review.approve": "approve (creates the partner)",
    "review.reject": "reject (needs --reason)",
    "review.request_info": "ask the applicant for more information (needs --reason)",
    "review.reason": "why, in words kept in the audit trail",
    "review.by": "the channel manager deciding",
    "history.id": "the application's id",
    "replay.id": "the application's id",
    "rules check.dir": "the rules directory to check (default: the rules in force)",
    "rules impact.dir": "the draft rules directory to compare with the rules in force",
    "tier2 add.distributor": "the distributor's partner id (P-n)",
    "tier2 add.name": "the tier-2 reseller's name",
    "customers import.file": "a CSV file: customer_id,partner_id,associated_on",
    "usage import.file": "a CSV file: line_id,customer_id,product,usage_date,amount[,commissionable]; with an "
                         "engine also a Parquet file or a directory of either",
    "usage import.engine": "lines: store every line (default); duckdb or spark: sum the lines there and store "
                           "only their day sums (README: Usage engines)",
    "usage import.spark_master": "with --engine spark: the Spark master URL (default: local[2])",
    "payments import.file": "a CSV file: invoice_id,paid_on,amount",
    "settle month.month": "the month to settle, YYYY-MM",
    "settle quarter.quarter": "the quarter to settle, YYYY-Qn",
    "plan": "a plan file (YAML, contract section 5) instead of the plan in force",
    "whatif.quarter": "the quarter to compare, YYYY-Qn",
    "invoices.status": "only invoices of this status",
    "partner_id": "the partner's id (P-n)",
    "partner": "the partner's id (P-n)",
    "customer_id": "the customer's id in the billing system",
    "name": "the name",
    "country": "the customer's country, ISO 3166-1 alpha-2",
    "request_id": "the association request's id",
    "code": "the single-use code from the customer's invitation",
    "state": "only requests in this state",
    "approve": "approve",
    "reject": "reject (needs --reason)",
    "reason": "why, in words kept in the history",
    "by": "who decides (kept in the history)",
    "period": "the period, YYYY-MM or YYYY-Qn",
    "format": "the document's format",
    "out": "write the document to this file instead of standard output",
}
"""Help of the options whose command does not word its own, by "command.option", else by option."""


def _with_help(parser: argparse.ArgumentParser, path: str = "") -> None:
    """Every argument gets a help text: its own, or OPTION_HELP's."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                _with_help(command, f"{path} {name}".strip())
        elif action.help is None:
            action.help = OPTION_HELP.get(f"{path}.{action.dest}") or OPTION_HELP.get(action.dest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="partnerdesk", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for area in AREAS:
        area.register(commands)
    _with_help(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result = args.handler(args)
    except InputError as error:
        print(f"partnerdesk: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Failure as error:
        print(f"partnerdesk: {error}", file=sys.stderr)
        return 1
    except DatabaseUnusable as error:
        print(f"partnerdesk: the database cannot be used: {error.orig or error}", file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        print("partnerdesk: internal error (details above)", file=sys.stderr)
        return 1
    try:
        if isinstance(result, bytes):  # a document asked for on stdout (a statement as CSV or PDF)
            sys.stdout.buffer.write(result)
            sys.stdout.flush()
            return 0
        if isinstance(result, BaseModel):  # written by pydantic's serializer: a month's invoices are 20 MB
            sys.stdout.write(result.model_dump_json(indent=2))
        else:
            json.dump(result, sys.stdout, indent=2, default=_json_default)
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stderr.close()  # the reader (e.g. `head`) has gone; nothing more to say
    return 0


def run() -> None:
    sys.exit(main())
