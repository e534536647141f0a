"""Commands of settlement: tier2, customers, usage, settle, whatif, payments, invoices, demo."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from partnerdesk import deliveries, demo, imports, payments, receivables, settling, tier2, whatif
from partnerdesk.cli import platform_commands
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace


def _progress(path: Path):
    def report(rows_read: int) -> None:
        print(f"{path}: {rows_read:,} rows read", file=sys.stderr, flush=True)
    return report


def _plan(ws: Workspace, args: argparse.Namespace):
    return ws.plan(args.plan) if args.plan else None


def _tier2_add(args):
    return {"partner_id": tier2.add_tier2(Workspace.open(), args.distributor, args.name, args.discount,
                                               contact_email=args.email)}


def _customers_import(args):
    return imports.import_customers(Workspace.open(), args.file, _progress(args.file))


def _usage_import(args):
    def report(stage: str) -> None:
        print(stage, file=sys.stderr, flush=True)
    return deliveries.import_usage(Workspace.open(), args.file, args.engine, args.spark_master,
                                   _progress(args.file), report)


def _settle_month(args):
    ws = Workspace.open()
    return settling.settle_month(ws, args.month, _plan(ws, args), as_of=args.as_of or dt.date.today())


def _settle_quarter(args):
    ws = Workspace.open()
    return settling.settle_quarter(ws, args.quarter, _plan(ws, args), as_of=args.as_of or dt.date.today())


def _whatif(args):
    return whatif.what_if_file(Workspace.open_without_creating(), args.quarter, args.plan)


def _payments_import(args):
    return payments.import_payments(Workspace.open(), args.file)


def _invoices(args):
    as_of = args.as_of or dt.date.today()
    if args.aging:
        if args.status:
            raise InputError("--aging: lists the overdue balances by age; it takes no --status")
        return receivables.receivables_by_age(Workspace.open(), as_of)
    return payments.invoice_balances(Workspace.open(), as_of, args.status)


def _demo(args):
    return demo.load_demo(Workspace.open(), as_of=args.as_of or dt.date.today())


def _import_command(parent, name: str, handler, what: str):
    command = parent.add_parser(name, help=f"import {what}")
    sub = command.add_subparsers(dest=f"{name}_command", required=True, metavar="COMMAND")
    run = sub.add_parser("import", help=f"import {what} from a CSV file (all or nothing)")
    run.add_argument("file", type=Path)
    run.set_defaults(handler=handler)
    return sub


def register(commands) -> None:
    from partnerdesk.cli import iso_date

    t2 = commands.add_parser("tier2", help="tier-2 resellers under a distributor")
    t2_sub = t2.add_subparsers(dest="tier2_command", required=True, metavar="COMMAND")
    add = t2_sub.add_parser("add", help="register a tier-2 reseller under a distributor")
    add.add_argument("--distributor", required=True, metavar="PARTNER_ID")
    add.add_argument("--name", required=True)
    add.add_argument("--discount", metavar="RATE", help="its own discount rate (default: the plan's)")
    add.add_argument("--email", metavar="ADDRESS", help="its contact e-mail (optional here; the page requires it)")
    add.set_defaults(handler=_tier2_add)

    customers = _import_command(commands, "customers", _customers_import,
                                "customers' partners (customer_id,partner_id,associated_on)")
    platform_commands.add_customer_commands(customers)
    usage = _import_command(commands, "usage", _usage_import, "billing lines (line_id,customer_id,product,usage_date,amount)")
    usage_import = usage.choices["import"]
    usage_import.add_argument("--engine", choices=deliveries.ENGINES, default="lines")
    usage_import.add_argument("--spark-master", metavar="URL")
    _import_command(commands, "payments", _payments_import, "payments of invoices (invoice_id,paid_on,amount)")

    settle = commands.add_parser("settle", help="settle a month or a quarter")
    settle_sub = settle.add_subparsers(dest="settle_command", required=True, metavar="PERIOD")
    month = settle_sub.add_parser("month", help="monthly invoices and agency commissions")
    month.add_argument("month", metavar="YYYY-MM")
    month.add_argument("--plan", type=Path, metavar="FILE")
    month.add_argument("--as-of", type=iso_date, help="the settlement's date; the month must have ended (default: today)")
    month.set_defaults(handler=_settle_month)
    quarter = settle_sub.add_parser("quarter", help="quarterly commissions of resellers and distributors")
    quarter.add_argument("quarter", metavar="YYYY-Qn")
    quarter.add_argument("--plan", type=Path, metavar="FILE")
    quarter.add_argument("--as-of", type=iso_date,
                         help="the settlement's date; the quarter must have ended (default: today)")
    quarter.set_defaults(handler=_settle_quarter)

    what = commands.add_parser("whatif", help="a quarter's commissions under another plan; writes nothing")
    what.add_argument("--plan", type=Path, required=True, metavar="FILE")
    what.add_argument("--quarter", required=True, metavar="YYYY-Qn")
    what.set_defaults(handler=_whatif)

    invoices = commands.add_parser("invoices", help="invoices with their payment status")
    invoices.add_argument("--status", choices=["open", "paid", "overdue"])
    invoices.add_argument("--as-of", type=iso_date)
    invoices.add_argument("--aging", action="store_true",
                          help="the vendor's overdue balances per partner by days past due "
                               "(1-30, 31-60, 61-90, over 90)")
    invoices.set_defaults(handler=_invoices)

    load = commands.add_parser("demo", help="load a realistic demo data set into an empty database")
    load.add_argument("--as-of", type=iso_date, help="the demo's 'today' (default: today)")
    load.set_defaults(handler=_demo)
