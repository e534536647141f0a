"""Commands of qualification and review: qualify, apply, review, history, rules."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from kernel.states import Action
from partnerdesk import applications, review, rules
from partnerdesk.workspace import Workspace


def _as_of(args: argparse.Namespace) -> dt.date:
    return args.as_of or dt.date.today()


def _application_id(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not an application id: {text!r}")
    return int(text)


def _qualify(args):
    data = applications.read_json_file(args.file)
    return applications.qualify(Workspace.open_without_creating(), data, _as_of(args))


def _apply(args):
    data = applications.read_json_file(args.file)
    ws = Workspace.open()
    if args.update is not None:
        decision = applications.update(ws, args.update, data, _as_of(args))
        return {"application_id": args.update, "decision": decision.model_dump(mode="json")}
    application_id, decision = applications.submit(ws, data, _as_of(args))
    return {"application_id": application_id, "decision": decision.model_dump(mode="json")}


def _review(args):
    action = (Action.approve if args.approve else
              Action.reject if args.reject else Action.request_info)
    confirm = args.confirm.split(",") if args.confirm else []
    return review.review(Workspace.open(), args.id, action, by=args.by, reason=args.reason,
                         confirm=confirm, override=args.override, tier=args.tier)


def _history(args):
    return applications.history(Workspace.open(), args.id)


def _replay(args):
    return rules.replay(Workspace.open(), args.id)


def _rules_check(args):
    from partnerdesk.settings import get_settings
    return rules.check(args.dir or get_settings().rules_dir)


def _progress(done: int, total: int) -> None:
    if total >= 1000 and (done % 1000 == 0 or done == total):
        print(f"re-decided {done}/{total} open applications", file=sys.stderr)


def _rules_impact(args):
    return rules.impact(Workspace.open_without_creating(), args.dir, _as_of(args), progress=_progress)


def register(commands) -> None:
    from partnerdesk.cli import iso_date

    qualify = commands.add_parser("qualify", help="print the decision for an application file; writes nothing")
    qualify.add_argument("file", type=Path)
    qualify.add_argument("--as-of", type=iso_date)
    qualify.set_defaults(handler=_qualify)

    apply = commands.add_parser("apply", help="store an application and its decision")
    apply.add_argument("file", type=Path)
    apply.add_argument("--as-of", type=iso_date)
    apply.add_argument("--update", type=_application_id, metavar="ID",
                       help="the applicant's update of an application whose information was requested")
    apply.set_defaults(handler=_apply)

    rev = commands.add_parser("review", help="a channel manager's decision on an application")
    rev.add_argument("id", type=_application_id)
    action = rev.add_mutually_exclusive_group(required=True)
    action.add_argument("--approve", action="store_true")
    action.add_argument("--reject", action="store_true")
    action.add_argument("--request-info", action="store_true")
    rev.add_argument("--reason")
    rev.add_argument("--by", required=True)
    rev.add_argument("--confirm", help="comma-separated review criteria the manager has checked")
    rev.add_argument("--override", action="store_true", help="approve although the application is not eligible")
    rev.add_argument("--tier", help="the partner's tier (default: the plan's default tier)")
    rev.set_defaults(handler=_review)

    hist = commands.add_parser("history", help="an application's audit trail, oldest first")
    hist.add_argument("id", type=_application_id)
    hist.set_defaults(handler=_history)

    replay = commands.add_parser("replay", help="make an application's latest decision again from its kept rules")
    replay.add_argument("id", type=_application_id)
    replay.set_defaults(handler=_replay)

    rules_cmd = commands.add_parser("rules", help="check rule files or see a draft's impact")
    rules_sub = rules_cmd.add_subparsers(dest="rules_command", required=True, metavar="COMMAND")
    check = rules_sub.add_parser("check", help="validate rule, plan and territory files")
    check.add_argument("dir", nargs="?", type=Path)
    check.set_defaults(handler=_rules_check)
    impact = rules_sub.add_parser("impact", help="open applications whose decision a draft would change")
    impact.add_argument("dir", type=Path)
    impact.add_argument("--as-of", type=iso_date)
    impact.set_defaults(handler=_rules_impact)
