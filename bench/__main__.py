"""`python3 tasks.py bench` (= `.venv/bin/python -m bench`): every figure beside its baseline.

    python -m bench                              # full scale, SQLite and PostgreSQL, all figures
    python -m bench --scale 0.1                  # a tenth of the data, for a quick look
    python -m bench --figures qualify,impact --backends sqlite
    python -m bench --reuse-db --figures settle_month   # keep the loaded database, rerun one figure

Each step runs in a fresh child process (`bench.child`), which reports its own peak RSS (VmHWM).
Figures that miss their target are run once more under pyinstrument and the profile goes
into the results. Results: stdout, bench/data/scale-N/results.json and (at full scale, or
with --results) bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench import report
from bench.config import BACKENDS, RESULTS_MD, ROOT, TARGETS, data_dir, database_url
from bench.progress import say


@dataclass(frozen=True)
class Step:
    name: str
    kind: str  # setup, figure or baseline
    per_backend: bool
    figure: str | None = None
    needs: tuple[str, ...] = ()


MONTHS_STORED = ("import_usage", "import_usage_rest")
PIPELINE = [
    Step("yardstick_qualify", "baseline", False, "qualify"),
    Step("duck_import", "baseline", False, "import_usage"),
    Step("duck_whatif", "baseline", False, "whatif"),
    Step("duck_month", "baseline", False, "settle_month"),
    Step("duck_quarter", "baseline", False, "settle_quarter"),
    Step("prepare", "setup", True),
    Step("qualify", "figure", True, "qualify", ("prepare",)),
    Step("store_applications", "setup", True, None, ("prepare",)),
    Step("impact", "figure", True, "impact", ("store_applications",)),
    Step("yardstick_impact", "baseline", True, "impact", ("store_applications",)),
    Step("import_customers", "figure", True, "import_customers", ("prepare",)),
    Step("import_usage", "figure", True, "import_usage", ("import_customers",)),
    Step("import_usage_rest", "setup", True, None, ("import_customers",)),
    Step("whatif", "figure", True, "whatif", MONTHS_STORED),
    Step("settle_month", "figure", True, "settle_month", MONTHS_STORED),
    Step("settle_quarter", "figure", True, "settle_quarter", MONTHS_STORED),
    Step("import_usage_x10", "figure", True, "import_usage_x10", ("import_customers",)),
    Step("settle_month_x10", "figure", True, "settle_month_x10", ("import_usage_x10",)),
    Step("import_sums_duckdb", "figure", True, "import_sums_duckdb", ("import_customers",)),
    Step("import_sums_spark", "figure", True, "import_sums_spark", ("import_customers",)),
    Step("page_first", "figure", True, "page_first", ("prepare",)),
    Step("page_renders", "figure", True, "page_renders", ("store_applications", *MONTHS_STORED)),
    Step("page_interactions", "figure", True, "page_interactions", ("store_applications", *MONTHS_STORED)),
]
X10_FIGURES = {"import_usage_x10", "settle_month_x10", "import_sums_duckdb", "import_sums_spark"}
BY_NAME = {s.name: s for s in PIPELINE}
RATE_FIGURES = {"qualify", "impact"}
PROFILE_DEADLINE = 180  # a profiled step still running then stops, and its profile so far is kept


def selected_steps(figures: set[str], reuse: set[str]) -> list[Step]:
    """The figures asked for, their baselines, and (transitively) the steps they need."""
    wanted = {s.name for s in PIPELINE if s.figure in figures and s.kind != "setup"}
    stack = list(wanted)
    while stack:
        for need in BY_NAME[stack.pop()].needs:
            if need not in wanted and need not in reuse:
                wanted.add(need)
                stack.append(need)
    return [s for s in PIPELINE if s.name in wanted]


def run_child(step: str, backend: str | None, scale: float, budget: float, profile: Path | None = None,
              timeout: float = 900, analyze: bool = False, deadline: float | None = None) -> dict:
    """One step in a fresh process; its result with the process's peak RSS. A step still running
    after `timeout` seconds is killed and reported as such."""
    directory = data_dir(scale)
    out = directory / "steps" / f"{step}-{backend or 'shared'}{'-profile' if profile else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.child", step, "--data", str(directory), "--scale", str(scale),
               "--budget", str(budget), "--out", str(out)]
    if backend:
        command += ["--backend", backend, "--url", database_url(backend, scale)]
    if profile:
        command += ["--profile", str(profile)]
    if analyze:
        command += ["--analyze"]
    command += ["--deadline", str(deadline or timeout)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL)
    timer = threading.Timer((deadline or timeout) + 60, process.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if out.exists():
        result = json.loads(out.read_text())
    elif wall >= (deadline or timeout) + 60:
        result = {"error": f"still running after {wall:.0f} s (--timeout); killed", "timeout": timeout}
    else:
        result = {"error": f"exit status {process.returncode}"}
    if backend == "postgresql":
        from bench.load import end_postgres_sessions

        ended = end_postgres_sessions()  # a stopped step's query would otherwise run on in the server
        if ended:
            say(f"ended {ended} PostgreSQL session(s) left by {step}")
    # The child reports its own VmHWM; wait4's ru_maxrss (kilobytes on Linux) includes the
    # parent's high-water mark inherited through fork/exec, so it is only the fallback.
    result.setdefault("peak_mb", usage.ru_maxrss / 1024)
    if result["peak_mb"] is None:
        result["peak_mb"] = usage.ru_maxrss / 1024
    result["wall_seconds"] = round(wall, 2)
    result["at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    return result


def agreement(scale: float, backend: str) -> dict | None:
    """Compare the product's decisions with the yardstick's, line by line."""
    from bench.yardstick import signature

    directory = data_dir(scale)
    product, stick = directory / f"decisions-product-{backend}.jsonl", directory / "decisions-yardstick.jsonl"
    if not product.exists() or not stick.exists():
        return None
    compared = agree = 0
    first = None
    with open(product) as mine, open(stick) as theirs:
        for number, (a, b) in enumerate(zip(mine, theirs), 1):
            a, b = json.loads(a), json.loads(b)
            compared += 1
            if a and b and signature(a) == signature(b):
                agree += 1
            elif first is None:
                first = number
    return {"compared": compared, "agree": agree, "first_difference": first}


def postgres_version() -> str | None:
    from sqlalchemy import create_engine, text

    from bench.config import POSTGRES_ADMIN_URL
    from partnerdesk.settings import Settings

    engine = create_engine(Settings(database_url=POSTGRES_ADMIN_URL).database_url)
    try:
        with engine.connect() as connection:
            return "PostgreSQL " + connection.execute(text("SHOW server_version")).scalar_one().split()[0]
    finally:
        engine.dispose()


def _contributing(runs: list[dict]) -> list[dict]:
    """The runs that measured a result still shown (a later run may have measured it again)."""
    latest = {key: index for index, run in enumerate(runs) for key in run.get("measured", [])}
    return [run for index, run in enumerate(runs) if index in set(latest.values())]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="data size relative to issue 6 (default 1)")
    parser.add_argument("--figures", default=",".join(report.FIGURES),
                        help=f"comma-separated, of: {', '.join(report.FIGURES)}")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated: sqlite, postgresql")
    parser.add_argument("--budget", type=float, default=180,
                        help="seconds per rate figure (qualification, impact) before it stops and extrapolates")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a step is stopped (default 900)")
    parser.add_argument("--pg-analyze", action="store_true",
                        help="ANALYZE the PostgreSQL tables after the set-up imports (the product does not; "
                             "autovacuum may, later): shows the figures with planner statistics")
    parser.add_argument("--reuse-db", action="store_true",
                        help="keep the databases loaded by an earlier run at this scale (skip done set-up)")
    parser.add_argument("--no-profile", action="store_true", help="do not profile figures that miss their target")
    parser.add_argument("--regenerate", action="store_true", help="write the data files again")
    parser.add_argument("--results", type=Path, help="markdown file to write (default: bench/RESULTS.md at "
                                                         "full scale, bench/data/scale-N/RESULTS.md otherwise)")
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL bench database at the end")
    parser.add_argument("--report-only", action="store_true",
                        help="run nothing: write the table and the results file again from results.json")
    args = parser.parse_args(argv)

    figures = [f.strip() for f in args.figures.split(",") if f.strip()]
    unknown = [f for f in figures if f not in TARGETS]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if unknown or any(b not in BACKENDS for b in backends):
        parser.error(f"unknown figure or backend: {unknown or backends}")
    from bench import drafts, load
    from bench.generate import generate, x10_file

    directory = data_dir(args.scale)
    manifest = generate(directory, args.scale, force=args.regenerate)
    drafts.write_draft_rules(directory / "draft-rules")
    drafts.write_whatif_plan(directory / "plan-whatif.yaml")
    if X10_FIGURES & set(figures) and not args.report_only:
        x10_file(directory, args.scale)

    skipped = []
    machine = report.machine()
    if "postgresql" in backends:
        problem = load.postgres_available()
        if problem:
            say(f"PostgreSQL skipped: {problem}")
            skipped.append(f"PostgreSQL ({problem})")
            backends.remove("postgresql")
        else:
            machine["postgresql"] = postgres_version()

    results_path = directory / "results.json"
    stored = json.loads(results_path.read_text()) if results_path.exists() else {}
    if stored.get("manifest") != manifest:
        stored = {}  # results of another data set
    results: dict = stored.get("results", {})
    fresh: set[str] = set()
    command = "python3 tasks.py bench" + (" " + " ".join(argv) if argv else "")
    if args.report_only:
        command = stored.get("command", "python3 tasks.py bench --timeout 300")
        figures, backends = report.FIGURES, []

    runs: list[dict] = stored.get("runs", [])
    this_run = {"command": command, "started": time.strftime("%Y-%m-%d %H:%M")}
    if not args.report_only:
        runs.append(this_run)

    def save() -> None:
        this_run["measured"] = sorted(fresh)
        results_path.write_text(json.dumps({"results": results, "manifest": manifest, "command": command,
                                            "runs": runs}, indent=2, default=str))

    started = time.perf_counter()
    shared = [s for s in selected_steps(set(figures), set()) if not s.per_backend and backends]
    for step in shared:
        say(f"== {step.name} ({step.kind})")
        results[f"{step.name}|-"] = run_child(step.name, None, args.scale, args.budget, timeout=args.timeout)
        fresh.add(f"{step.name}|-")
        save()
    for backend in backends:
        state_path = directory / f"state-{backend}.json"
        done: set[str] = set(json.loads(state_path.read_text())) if args.reuse_db and state_path.exists() else set()
        steps = [s for s in selected_steps(set(figures), done) if s.per_backend]
        for step in steps:
            if step.kind == "setup" and step.name in done:
                continue
            say(f"== [{backend}] {step.name} ({step.kind})")
            if step.name == "prepare":
                done = set()
            result = run_child(step.name, backend, args.scale, args.budget, timeout=args.timeout,
                               analyze=args.pg_analyze)
            shown = f"{backend}-analyzed" if args.pg_analyze and backend == "postgresql" else backend
            key = f"{step.figure or step.name}|{shown}" if step.kind == "figure" else f"{step.name}|{shown}"
            results[key] = result
            fresh.add(key)
            if result.get("error"):
                say(f"!! [{backend}] {step.name} failed: {result['error']}")
            else:
                done.add(step.name)
            state_path.write_text(json.dumps(sorted(done)))
            save()

    shown_backends = [b for b in report.BACKEND_LABELS if any(k.endswith(f"|{b}") for k in results)]
    table = report.rows(results, shown_backends, args.scale)
    table = [row for row in table if row["figure"] in figures or row["result"]]
    profile_dir = directory / "profiles"
    agreements = {b: a for b in (BACKENDS if args.report_only else backends)
                  if "qualify" in figures and (a := agreement(args.scale, b))}
    if not args.no_profile and not args.report_only:
        for row in table:
            result = row["result"] or {}
            if row["met"] is not False or not result or (result.get("error") and not result.get("timeout")):
                continue
            if f"{row['figure']}|{row['backend']}" not in fresh:
                continue  # measured by an earlier run
            say(f"== [{row['backend']}] profiling {row['figure']} (missed its target)")
            budget = min(args.budget, 30) if row["figure"] in RATE_FIGURES else args.budget
            actual = row["backend"].removesuffix("-analyzed")
            profiled = run_child(row["figure"], actual, args.scale, budget,
                                 profile_dir / f"{row['figure']}-{row['backend']}.txt",
                                 timeout=args.timeout, analyze=args.pg_analyze,
                                 deadline=min(args.timeout, PROFILE_DEADLINE))
            if profiled.get("error"):
                say(f"!! profiling {row['figure']} failed: {profiled['error']}")
    print(report.text_table(table))
    for line in report.checks(results, shown_backends, agreements):
        print(line)
    if args.report_only:
        save()
    text = report.generated(table, results, shown_backends, args.scale, manifest, machine, agreements, profile_dir,
                            _contributing(runs) or [this_run], skipped)
    target = args.results or (RESULTS_MD if args.scale == 1 else directory / "RESULTS.md")
    report.write_results(target, text)
    say(f"results written to {target} ({time.perf_counter() - started:.0f} s)")
    if args.drop and "postgresql" in backends:
        load.drop_postgres_database()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
