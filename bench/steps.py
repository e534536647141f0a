"""What one child process does: a set-up step, a figure through the product's own code, or a
baseline. Each step runs in a fresh process (`python -m bench.child STEP ...`) so its peak
memory is its own; it times only the measured work (not interpreter start-up or imports) and
returns a JSON-ready dict.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from bench import load
from bench.config import AS_OF, MONTH, MONTHS, QUARTER, RULES, X10_MONTH
from bench.progress import Progress, say


@dataclass
class Context:
    step: str
    backend: str | None
    url: str | None
    data: Path
    scale: float
    budget: float
    profile: Path | None = None
    analyze: bool = False

    @property
    def label(self) -> str:
        return f"[{self.backend}] {self.step}" if self.backend else self.step

    def workspace(self):
        from partnerdesk.settings import Settings
        from partnerdesk.workspace import Workspace

        return Workspace.open(Settings(database_url=self.url, rules_dir=RULES))

    @contextmanager
    def measured(self):
        """The measured region; profiled with pyinstrument when asked."""
        if self.profile is None:
            yield
            return
        from pyinstrument import Profiler

        SCRIPT_SESSIONS.clear()
        profiler = Profiler(interval=0.001)
        profiler.start()
        try:
            yield
        finally:
            profiler.stop()
            # Pages: the script threads' profiles (the main thread only waits for them).
            write_profile(list(SCRIPT_SESSIONS) or [profiler.last_session], self.profile)


SCRIPT_SESSIONS: list = []
"""Profiles of the Streamlit script threads (AppTest runs each script run in its own thread,
which a profiler started in the main thread does not see)."""


def profile_script_threads() -> None:
    """Profile every AppTest script run inside its own thread."""
    from pyinstrument import Profiler
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    original = LocalScriptRunner._run_script_thread

    def profiled(self) -> None:
        profiler = Profiler(interval=0.001)
        profiler.start()
        try:
            original(self)
        finally:
            profiler.stop()
            SCRIPT_SESSIONS.append(profiler.last_session)

    LocalScriptRunner._run_script_thread = profiled


class OverBudget(Exception):
    pass


def write_profile(sessions: list, path: Path) -> None:
    """The full pyinstrument text report and a summary: top functions by own time, and the
    project's functions by time including callees."""
    from pyinstrument.renderers import ConsoleRenderer
    from pyinstrument.session import Session

    session = sessions[0]
    for more in sessions[1:]:
        session = Session.combine(session, more)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ConsoleRenderer(unicode=False, color=False, show_all=False).render(session))
    root = session.root_frame()
    own: dict[str, float] = {}
    inclusive: dict[str, float] = {}

    def key(frame) -> str:
        return f"{frame.function} ({frame.file_path_short}:{frame.line_no})"

    def walk(frame, stack: frozenset) -> None:
        k = key(frame)
        own[k] = own.get(k, 0.0) + frame.total_self_time
        path_text = (frame.file_path or "").replace("\\", "/")
        if k not in stack and any(f"/{d}/" in path_text for d in
                                  ("partnerdesk", "qualification", "settlement", "storage", "views")):
            inclusive[k] = inclusive.get(k, 0.0) + frame.time
        for child in frame.children:
            walk(child, stack | {k})

    if root is not None:
        walk(root, frozenset())
    total = root.time if root is not None else 0.0
    summary = {"total_seconds": round(total, 3),
               "top_own_time": [[k, round(v, 3)] for k, v in sorted(own.items(), key=lambda i: -i[1])[:12]],
               "top_project_inclusive": [[k, round(v, 3)] for k, v in
                                         sorted(inclusive.items(), key=lambda i: -i[1])[:15]]}
    path.with_suffix(".json").write_text(json.dumps(summary, indent=2))


def _timed(ctx: Context, work: Callable[[], dict]) -> dict:
    with ctx.measured():
        started = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - started
    result.setdefault("seconds", elapsed)
    result.setdefault("value", elapsed)
    result.setdefault("unit", "s")
    return result


# --- set-up -----------------------------------------------------------------------------------

def prepare(ctx: Context) -> dict:
    load.reset_database(ctx.backend, ctx.url)
    ws = ctx.workspace()  # migrates the new database
    partners = load.load_partners(ws, ctx.data)
    load.add_users(ws, ctx.data)
    return {"partners": partners, "note": "fresh database, partners and tier-2 resellers bulk-loaded"}


def store_applications(ctx: Context) -> dict:
    """The applications stored open, each with the product's decision (the review page shows it)."""
    from partnerdesk.applications import qualify as product_qualify

    ws = ctx.workspace()
    return {"applications": load.store_applications(ws, ctx.data, lambda a: product_qualify(ws, a, AS_OF))}


def import_usage_rest(ctx: Context) -> dict:
    """Months 2 and 3 through the product's import (timed, but set-up for the settlement figures)."""
    from partnerdesk import imports

    ws = ctx.workspace()
    _reopen_all(ws)
    timings = {}
    for month in MONTHS[1:]:
        load.remove_month_lines(ws, month)
        progress = Progress(f"{ctx.label}: usage-{month}.csv")
        started = time.perf_counter()
        summary = imports.import_usage(ws, ctx.data / f"usage-{month}.csv", progress.update)
        timings[month] = round(time.perf_counter() - started, 2)
        progress.done(f"({summary.imported:,} imported)")
    load.say_counts(ws)
    if ctx.analyze and ctx.backend == "postgresql":
        load.analyze(ws)
    return {"note": "import seconds per month: " + ", ".join(f"{m} {s} s" for m, s in timings.items())}


def _reopen_all(ws) -> None:
    for period in load.settled_periods(ws):
        load.reopen_period(ws, period)


# --- 1. qualification -------------------------------------------------------------------------

def _approved_by_territory(data: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in load.read_partners(data):
        if row["partner_type"] == "distributor":
            counts[row["territory"]] = counts.get(row["territory"], 0) + 1
    return counts


def _applications(ctx: Context) -> tuple[int, Iterator[str]]:
    """How many applications there are, and their JSON texts read line by line (the bench does
    not hold 100 MB of input in the measured process)."""
    path = ctx.data / "applications.jsonl"
    with open(path) as handle:
        count = sum(1 for _ in handle)

    def lines() -> Iterator[str]:
        with open(path) as handle:
            for line in handle:
                yield line.rstrip("\n")

    return count, lines()


def _rate_loop(ctx: Context, decide_one: Callable[[str], str], out: Path,
               refused: tuple[type[Exception], ...]) -> dict:
    """Decide every application (or as many as fit in the time budget); JSON text read from the
    file, the decision's JSON written to a file."""
    total, texts = _applications(ctx)
    progress = Progress(f"{ctx.label}: decisions", total)
    done = 0
    errors = 0
    with open(out, "w") as handle, ctx.measured():
        started = time.perf_counter()
        for text in texts:
            try:
                handle.write(decide_one(text) + "\n")
            except refused:
                errors += 1
                handle.write("{}\n")
            done += 1
            if done % 100 == 0:
                progress.update(done)
                if time.perf_counter() - started > ctx.budget:
                    break
        elapsed = time.perf_counter() - started
    progress.done()
    partial = done < total
    return {"value": done / elapsed, "unit": "/s", "seconds": elapsed, "n": done, "of": total,
            "extrapolated": partial, "input_errors": errors,
            "note": (f"time budget {ctx.budget:.0f} s: measured over {done:,} of {total:,}" if partial else "")}


def qualify(ctx: Context) -> dict:
    """Figure 1: JSON text in -> Application -> decision (all three types) -> JSON text out."""
    from partnerdesk.applications import qualify as product_qualify
    from partnerdesk.errors import InputError

    ws = ctx.workspace()
    _, texts = _applications(ctx)
    product_qualify(ws, json.loads(next(texts), parse_float=Decimal), AS_OF)  # builds the engine once

    def decide_one(text: str) -> str:
        return product_qualify(ws, json.loads(text, parse_float=Decimal), AS_OF).model_dump_json()

    out = ctx.data / f"decisions-product-{ctx.backend}{'-profiled' if ctx.profile else ''}.jsonl"
    return _rate_loop(ctx, decide_one, out, (InputError,))


def yardstick_qualify(ctx: Context) -> dict:
    from bench import yardstick

    rules = yardstick.Rules(RULES)
    approved = _approved_by_territory(ctx.data)
    result = _rate_loop(ctx, lambda text: yardstick.decide(text, AS_OF, rules, approved),
                        ctx.data / "decisions-yardstick.jsonl", (yardstick.YardstickError,))
    result["spread"] = _spread(ctx.data / "decisions-yardstick.jsonl")
    return result


def _spread(path: Path) -> dict:
    """How many applications are eligible, and how often each criterion fails, per partner type."""
    spread: dict[str, dict] = {}
    with open(path) as handle:
        for line in handle:
            decision = json.loads(line)
            if not decision:
                continue
            kind = spread.setdefault(decision["partner_type"], {"applications": 0, "eligible": 0, "fails": {}})
            kind["applications"] += 1
            kind["eligible"] += decision["eligible"]
            for criterion in decision["criteria"]:
                if criterion["status"] == "fail":
                    kind["fails"][criterion["id"]] = kind["fails"].get(criterion["id"], 0) + 1
    return spread


def impact(ctx: Context) -> dict:
    """Figure 1: `rules impact DIR` over the stored open applications, JSON out."""
    from partnerdesk.rules import impact as product_impact

    ws = ctx.workspace()
    draft = ctx.data / "draft-rules"
    progress = Progress(f"{ctx.label}: applications re-decided")
    state = {"done": 0, "total": 0, "started": 0.0}

    def report(done: int, total: int) -> None:
        state["done"], state["total"] = done, total
        progress.total = total
        if done % 100 == 0:
            progress.update(done)
            if time.perf_counter() - state["started"] > ctx.budget:
                raise OverBudget

    with ctx.measured():
        state["started"] = started = time.perf_counter()
        try:
            result = product_impact(ws, draft, AS_OF, report)
            text = json.dumps(result)
            elapsed = time.perf_counter() - started
        except OverBudget:
            elapsed = time.perf_counter() - started
            done, total = state["done"], state["total"]
            progress.done("(stopped: time budget)")
            return {"value": elapsed * total / done, "unit": "s", "seconds": elapsed, "n": done, "of": total,
                    "extrapolated": True,
                    "note": f"time budget {ctx.budget:.0f} s: {done:,} of {total:,} re-decided, time extrapolated"}
    progress.done()
    return {"value": elapsed, "unit": "s", "seconds": elapsed, "n": result["open_applications"],
            "check": {"changed": len(result["changed"])}, "bytes": len(text)}


def yardstick_impact(ctx: Context) -> dict:
    """Baseline: the stored open applications read back and re-decided by the yardstick."""
    from sqlalchemy import func, select

    from bench import yardstick
    from storage.tables import ApplicationRow, PartnerRow

    ws = ctx.workspace()

    def work() -> dict:
        with ws.engine.connect() as connection:
            approved = dict(connection.execute(
                select(PartnerRow.territory, func.count()).where(PartnerRow.partner_type == "distributor")
                .group_by(PartnerRow.territory)).all())
            documents = connection.execute(
                select(ApplicationRow.id, ApplicationRow.territory, ApplicationRow.document)
                .where(ApplicationRow.state.in_(("submitted", "info_requested"))).order_by(ApplicationRow.id)).all()
        changed = yardstick.impact(documents, AS_OF, yardstick.Rules(RULES), yardstick.Rules(ctx.data / "draft-rules"),
                                   approved)
        json.dumps(changed)
        return {"n": len(documents), "check": {"changed": len(changed)}}

    return _timed(ctx, work)


# --- 2. importing billing lines -----------------------------------------------------------------

def import_customers(ctx: Context) -> dict:
    from partnerdesk import imports

    ws = ctx.workspace()
    progress = Progress(f"{ctx.label}: rows")

    def work() -> dict:
        summary = imports.import_customers(ws, ctx.data / "customers.csv", progress.update)
        return {"n": summary.rows_read, "check": {"imported": summary.imported,
                                                   "already_present": summary.already_present}}

    result = _timed(ctx, work)
    progress.done()
    return result


def _remove_month(ctx: Context, month: str) -> int:
    return load.remove_month_lines(ctx.workspace(), month)


def _removed_elsewhere(ctx: Context, month: str) -> int:
    """The month's lines of an earlier run removed in a process of its own: deleting ten million
    lines took SQLite's process to more memory than importing them, and the figure's peak memory
    (this process's high-water mark) is the import's."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_remove_month, ctx, month).result()


def _import_month(ctx: Context, month: str, path: Path) -> dict:
    """`usage import` of one month's file into a database without that month's lines."""
    from partnerdesk import imports

    ws = ctx.workspace()
    _reopen_all(ws)
    removed = _removed_elsewhere(ctx, month)
    if removed:
        say(f"{ctx.label}: removed {removed:,} lines of {month} stored by an earlier run")
    progress = Progress(f"{ctx.label}: rows read")

    def work() -> dict:
        summary = imports.import_usage(ws, path, progress.update)
        return {"n": summary.rows_read, "check": {"imported": summary.imported}}

    result = _timed(ctx, work)
    progress.done()
    return result


def import_usage(ctx: Context) -> dict:
    """Figure 2: `usage import` of one month's file."""
    return _import_month(ctx, MONTH, ctx.data / f"usage-{MONTH}.csv")


def import_usage_x10(ctx: Context) -> dict:
    """The month of ten times the lines (written by the parent: `bench.generate.x10_file`): time
    should grow no faster than the lines, memory stay flat."""
    return _import_month(ctx, X10_MONTH, ctx.data / f"usage-{X10_MONTH}-x10.csv")


def _summed_by(ctx: Context, engine: str) -> dict:
    """`usage import --engine ENGINE` of the month of ten times the lines: only its day sums stored."""
    from partnerdesk import deliveries

    ws = ctx.workspace()
    load.remove_deliveries(ws, X10_MONTH)
    progress = Progress(f"{ctx.label}: rows read")

    def work() -> dict:
        summary = deliveries.import_usage(ws, ctx.data / f"usage-{X10_MONTH}-x10.csv", engine, None, progress.update,
                                          lambda stage: say(f"{ctx.label}: {stage}"))
        return {"n": summary.rows_read, "check": {"imported": summary.imported}, "day_sums": summary.day_sums}

    result = _timed(ctx, work)
    load.remove_deliveries(ws, X10_MONTH)
    return result


def import_sums_duckdb(ctx: Context) -> dict:
    return _summed_by(ctx, "duckdb")


def import_sums_spark(ctx: Context) -> dict:
    return _summed_by(ctx, "spark")


def duck_import(ctx: Context) -> dict:
    from bench import duck

    def work() -> dict:
        rows = duck.run(duck.import_query(ctx.data / f"usage-{MONTH}.csv"))
        return {"n": len(rows), "check": {"customer_product_sums": len(rows)}}

    return _timed(ctx, work)


# --- 3. settling ------------------------------------------------------------------------------

def _money_sum(values) -> str:
    return str(sum((Decimal(str(v)) for v in values), Decimal(0)))


def _settle(ctx: Context, month: str) -> dict:
    from partnerdesk import settling

    ws = ctx.workspace()
    load.reopen_period(ws, month)

    def work() -> dict:
        result = settling.settle_month(ws, month)
        document = result.model_dump_json()
        return {"n": len(result.invoices), "bytes": len(document), "check": {
            "invoices": len(result.invoices), "invoice_lines": sum(len(i.lines) for i in result.invoices),
            "total": _money_sum(i.total for i in result.invoices),
            "agency_commissions": len(result.agency_commissions),
            "agency_commission": _money_sum(c.commission for c in result.agency_commissions)}}

    return _timed(ctx, work)


def settle_month(ctx: Context) -> dict:
    return _settle(ctx, MONTH)


def settle_month_x10(ctx: Context) -> dict:
    return _settle(ctx, X10_MONTH)


def settle_quarter(ctx: Context) -> dict:
    from partnerdesk import settling

    ws = ctx.workspace()
    load.reopen_period(ws, QUARTER)

    def work() -> dict:
        result = settling.settle_quarter(ws, QUARTER)
        result.model_dump_json()
        return {"n": len(result.commissions), "check": {
            "commissions": len(result.commissions), "commission": _money_sum(c.commission for c in result.commissions)}}

    return _timed(ctx, work)


def whatif(ctx: Context) -> dict:
    from partnerdesk import whatif as product_whatif

    ws = ctx.workspace()

    def work() -> dict:
        result = product_whatif.what_if_file(ws, QUARTER, ctx.data / "plan-whatif.yaml")
        result.model_dump_json()
        return {"n": len(result.partners), "check": {
            "partners": len(result.partners), "current": str(result.totals.current),
            "whatif": str(result.totals.whatif)}}

    return _timed(ctx, work)


def _duck(ctx: Context, query: Callable[[], str], summary: Callable[[list], dict]) -> dict:
    from bench import duck

    def work() -> dict:
        rows = duck.run(query())
        return {"n": len(rows), "check": summary(rows)}

    return _timed(ctx, work)


def duck_month(ctx: Context) -> dict:
    from bench import duck

    return _duck(ctx, lambda: duck.month_query(ctx.data, MONTH, duck.load_plan(RULES / "plan.yaml")),
                 duck.summary_month)


def duck_quarter(ctx: Context) -> dict:
    from bench import duck

    return _duck(ctx, lambda: duck.quarter_query(ctx.data, duck.load_plan(RULES / "plan.yaml")), duck.summary_quarter)


def duck_whatif(ctx: Context) -> dict:
    from bench import duck

    return _duck(ctx, lambda: duck.whatif_query(ctx.data, duck.load_plan(RULES / "plan.yaml"),
                                                duck.load_plan(ctx.data / "plan-whatif.yaml")), duck.summary_whatif)


# --- 4. pages ---------------------------------------------------------------------------------

def _pages(ctx: Context, measure: Callable[[], dict]) -> dict:
    from bench import pages

    if ctx.profile is not None:
        profile_script_threads()
    with ctx.measured():
        times = measure()
    return pages.slowest(times)


def page_first(ctx: Context) -> dict:
    from bench import pages

    return _pages(ctx, lambda: pages.first_page(ctx.url))


def page_renders(ctx: Context) -> dict:
    from bench import pages

    return _pages(ctx, lambda: pages.every_page(ctx.url))


def page_interactions(ctx: Context) -> dict:
    from bench import pages

    ws = ctx.workspace()
    return _pages(ctx, lambda: pages.interactions(ws, ctx.url, ctx.data))


STEPS: dict[str, Callable[[Context], dict]] = {
    "prepare": prepare, "store_applications": store_applications, "import_usage_rest": import_usage_rest,
    "qualify": qualify, "yardstick_qualify": yardstick_qualify, "impact": impact,
    "yardstick_impact": yardstick_impact, "import_customers": import_customers, "import_usage": import_usage, "import_usage_x10": import_usage_x10,
    "import_sums_duckdb": import_sums_duckdb, "import_sums_spark": import_sums_spark,
    "duck_import": duck_import, "settle_month": settle_month, "settle_month_x10": settle_month_x10, "settle_quarter": settle_quarter, "whatif": whatif,
    "duck_month": duck_month, "duck_quarter": duck_quarter, "duck_whatif": duck_whatif,
    "page_first": page_first, "page_renders": page_renders, "page_interactions": page_interactions,
}
