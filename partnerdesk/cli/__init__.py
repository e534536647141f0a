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
from partnerdesk.errors import InputError
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="partnerdesk", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for area in AREAS:
        area.register(commands)
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
