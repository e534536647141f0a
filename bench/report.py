"""The results table (stdout) and bench/RESULTS.md."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
from pathlib import Path

from bench.config import FULL, ROOT, TARGETS, sizes

BEGIN = "<!-- BEGIN GENERATED: written by `python3 tasks.py bench`; edit below the END marker -->"
END = "<!-- END GENERATED -->"
BACKEND_LABELS = ("sqlite", "postgresql", "postgresql-analyzed")
FIGURES = ["qualify", "impact", "import_customers", "import_usage", "import_usage_x10", "import_sums_duckdb",
           "import_sums_spark", "settle_month",
           "settle_month_x10", "settle_quarter", "whatif", "page_first", "page_renders", "page_interactions"]
BASELINE_OF = {"qualify": "yardstick_qualify", "impact": "yardstick_impact", "import_usage": "duck_import",
               "settle_month": "duck_month", "settle_quarter": "duck_quarter", "whatif": "duck_whatif",
               "import_usage_x10": "import_usage", "settle_month_x10": "settle_month",
               "import_sums_duckdb": "import_usage_x10", "import_sums_spark": "import_usage_x10"}
SHARED_BASELINES = {"yardstick_qualify", "duck_import", "duck_month", "duck_quarter", "duck_whatif"}
BASELINE_NAMES = {"yardstick_qualify": "plain Python over the YAML", "yardstick_impact": "plain Python over the YAML",
                  "duck_import": "DuckDB, CSV summed per customer and product",
                  "duck_month": "DuckDB, one query from the CSV files",
                  "duck_quarter": "DuckDB, one query from the CSV files",
                  "duck_whatif": "DuckDB, one query from the CSV files",
                  "import_usage": "the product's own import of the 1x month, same run",
                  "import_usage_x10": "the product's line import of the same file, same run",
                  "settle_month": "the product's own settle month of the 1x month, same run"}


def label(figure: str, scale: float) -> str:
    n = sizes(scale)
    lines = n["lines_per_month"]
    return {
        "qualify": f"qualification, {n['applications']:,} applications end to end",
        "impact": f"rules impact, {n['applications']:,} open applications",
        "import_customers": f"customers import, {n['customers']:,} customers",
        "import_usage": f"usage import, {lines:,} lines (1 month)",
        "settle_month": f"settle month ({3 * lines:,} lines stored)",
        "settle_quarter": f"settle quarter ({3 * lines:,} lines)",
        "whatif": f"whatif, quarter ({3 * lines:,} lines)",
        "import_usage_x10": f"usage import, {10 * lines:,} lines (1 month)",
        "settle_month_x10": f"settle month of {10 * lines:,} lines",
        "import_sums_duckdb": f"usage import --engine duckdb, {10 * lines:,} lines (day sums only)",
        "import_sums_spark": f"usage import --engine spark (local[2]), {10 * lines:,} lines (day sums only)",
        "page_first": "first page after start (AppTest)",
        "page_renders": "every page opened and rerun, slowest (AppTest)",
        "page_interactions": "sign in, pre-check, approve, settle, compare: slowest (AppTest)",
    }[figure]


def _value(result: dict | None) -> str:
    if not result:
        return "not run"
    if result.get("timeout"):
        return f"> {float(result['timeout']):.0f} s (stopped)"
    if result.get("error"):
        return "error"
    if result.get("missing"):
        return "missing"
    value = result.get("value")
    if value is None:
        return "n/a"
    prefix = "~" if result.get("extrapolated") and result.get("unit") == "s" else ""
    return f"{value:,.0f}/s" if result.get("unit") == "/s" else f"{prefix}{value:.2f} s"


def ratio(figure_result: dict | None, baseline: dict | None) -> float | None:
    if not figure_result or not baseline or figure_result.get("value") is None or baseline.get("value") in (None, 0):
        return None
    if figure_result.get("unit") == "/s":
        return baseline["value"] / figure_result["value"] if figure_result["value"] else None
    return figure_result["value"] / baseline["value"]


def verdict(figure: str, result: dict | None, r: float | None) -> tuple[bool | None, str]:
    target = TARGETS[figure]
    if result and result.get("timeout") and target.bound is not None:
        return False, "NO (time)"
    if not result or result.get("value") is None:
        return (None, "—") if target.bound is None else (False, "NO (not measured)")
    met = target.met(result["value"], r, result.get("peak_mb"))
    if met is None:
        return None, "—"
    if met:
        return True, "yes"
    reasons = []
    if target.bound is not None:
        value = result["value"]
        if (value < target.bound) if target.higher_is_better else (value > target.bound):
            reasons.append("rate" if target.higher_is_better else "time")
    if target.max_ratio is not None and r is not None and r > target.max_ratio:
        reasons.append("ratio")
    if target.max_peak_mb is not None and (result.get("peak_mb") or 0) > target.max_peak_mb:
        reasons.append("memory")
    return False, f"NO ({', '.join(reasons)})"


def rows(results: dict, backends: list[str], scale: float) -> list[dict]:
    out = []
    for figure in FIGURES:
        for backend in backends:
            result = results.get(f"{figure}|{backend}")
            baseline_step = BASELINE_OF.get(figure)
            baseline = None
            if baseline_step:
                key = f"{baseline_step}|-" if baseline_step in SHARED_BASELINES else f"{baseline_step}|{backend}"
                baseline = results.get(key)
            r = ratio(result, baseline)
            met, met_text = verdict(figure, result, r)
            out.append({"figure": figure, "label": label(figure, scale), "backend": backend, "result": result,
                        "baseline": baseline, "value": _value(result),
                        "baseline_text": _value(baseline) if baseline_step else "—",
                        "ratio": f"{r:.1f}x" if r is not None else "—", "target": TARGETS[figure].text,
                        "met": met, "met_text": met_text,
                        "peak": f"{result['peak_mb']:.0f} MB" if result and result.get("peak_mb") else "—"})
    return out


HEADER = ["figure", "backend", "value", "baseline", "ratio", "target", "met?", "peak memory"]


def _cells(row: dict) -> list[str]:
    return [row["label"], row["backend"], row["value"], row["baseline_text"], row["ratio"], row["target"],
            row["met_text"], row["peak"]]


def markdown_table(table: list[dict]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    lines += ["| " + " | ".join(_cells(row)) + " |" for row in table]
    return "\n".join(lines)


def text_table(table: list[dict]) -> str:
    cells = [HEADER] + [_cells(row) for row in table]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine() -> dict:
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) // 1024
    except OSError:
        pass
    cpu = platform.processor()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name")) or cpu
    except (OSError, StopIteration):
        pass
    from importlib.metadata import version  # not `import duckdb`: the parent stays small

    return {"cores": os.cpu_count(), "memory_mb": memory, "cpu": cpu, "python": platform.python_version(),
            "os": f"{platform.system()} {platform.release()}", "sqlite": sqlite3.sqlite_version,
            "duckdb": version("duckdb")}


def notes(table: list[dict], results: dict) -> list[str]:
    out = []
    for row in table:
        result = row["result"] or {}
        bits = []
        if result.get("note"):
            bits.append(result["note"])
        if result.get("error"):
            bits.append(f"failed: {result['error']}")
        baseline = row["baseline"] or {}
        if baseline.get("peak_mb"):
            bits.append(f"baseline peak {baseline['peak_mb']:.0f} MB")
        if baseline.get("note"):
            bits.append(f"baseline: {baseline['note']}")
        if bits:
            out.append(f"- {row['label']} [{row['backend']}]: " + "; ".join(bits))
    return out


def checks(results: dict, backends: list[str], agreement: dict) -> list[str]:
    """Does the product agree with its baseline on what it computed?"""
    out = []
    for backend in backends:
        if backend in agreement:
            a = agreement[backend]
            out.append(f"- qualification [{backend}]: product and yardstick agree on eligibility, every criterion's "
                       f"status and qualifies_as for {a['agree']:,} of {a['compared']:,} applications"
                       + (f" (first difference: line {a['first_difference']})" if a.get("first_difference") else ""))
        for figure, baseline_step in BASELINE_OF.items():
            if figure == "qualify" or baseline_step in FIGURES:  # a figure's baseline of another size
                continue
            result = results.get(f"{figure}|{backend}") or {}
            key = f"{baseline_step}|-" if baseline_step in SHARED_BASELINES else f"{baseline_step}|{backend}"
            baseline = results.get(key) or {}
            mine, theirs = result.get("check"), baseline.get("check")
            common = sorted(set(mine or {}) & set(theirs or {}))
            if not common or result.get("extrapolated"):
                continue
            differ = [f"{k}: {mine[k]} vs {theirs[k]}" for k in common if str(mine[k]) != str(theirs[k])]
            shown = ", ".join(f"{k} {mine[k]}" for k in common)
            out.append(f"- {figure} [{backend}]: " + (f"agrees with its baseline ({shown})" if not differ
                                                      else "DIFFERS from its baseline: " + "; ".join(differ)))
    return out


def profiles(table: list[dict], profile_dir: Path) -> list[str]:
    out = []
    for row in table:
        if row["met"] is not False:
            continue
        summary_path = profile_dir / f"{row['figure']}-{row['backend']}.json"
        if not summary_path.exists():
            continue
        summary = json.loads(summary_path.read_text())
        out.append(f"\n#### {row['label']} [{row['backend']}]: {row['value']} (target {row['target']})\n")
        try:
            where = summary_path.with_suffix(".txt").relative_to(ROOT)
        except ValueError:
            where = summary_path.with_suffix(".txt")
        out.append(f"pyinstrument, {summary['total_seconds']} s profiled in a second run of the figure "
                   f"(full report: `{where}`).\n")
        out.append("Project functions, time including what they call:\n")
        out.append("| function | seconds |\n|---|---|")
        out += [f"| `{name}` | {seconds} |" for name, seconds in summary["top_project_inclusive"][:10]]
        out.append("\nFunctions by own time:\n")
        out.append("| function | seconds |\n|---|---|")
        out += [f"| `{name}` | {seconds} |" for name, seconds in summary["top_own_time"][:8]]
    return out


PAGE_FIGURES = ("page_first", "page_renders", "page_interactions")


def page_times(results: dict, backends: list[str]) -> list[str]:
    """Every page render and interaction the page figures measured, beside the target they share."""
    rows = {}
    for figure in PAGE_FIGURES:
        for backend in backends:
            for name, seconds in ((results.get(f"{figure}|{backend}") or {}).get("renders") or {}).items():
                rows.setdefault((figure, name), {})[backend] = seconds
    if not rows:
        return []
    out = ["| render | target | " + " | ".join(backends) + " |", "|---|---|" + "---|" * len(backends)]
    for (figure, name), by_backend in rows.items():
        bound = TARGETS[figure].bound
        cells = [f"{by_backend[b]:.3f} s" + ("" if by_backend[b] <= bound else " (over)") if b in by_backend else "—"
                 for b in backends]
        out.append(f"| {name} | <= {bound:g} s | " + " | ".join(cells) + " |")
    return out


def spread_text(results: dict) -> list[str]:
    spread = (results.get("yardstick_qualify|-") or {}).get("spread")
    if not spread:
        return []
    out = []
    for kind, s in sorted(spread.items()):
        fails = ", ".join(f"{k} {v:,}" for k, v in sorted(s["fails"].items(), key=lambda i: -i[1]))
        out.append(f"- {kind}: {s['applications']:,} applications, {s['eligible']:,} eligible "
                   f"({100 * s['eligible'] / max(s['applications'], 1):.0f} %); failed criteria: {fails}")
    return out


def code_versions(table: list[dict]) -> list[str]:
    """Which version of the product (HEAD/digest of its files) each figure was measured on."""
    versions: dict[str, list[str]] = {}
    for row in table:
        code = (row["result"] or {}).get("code")
        if code:
            versions.setdefault(code, []).append(f"{row['figure']} [{row['backend']}]")
    if len(versions) <= 1:
        return [f"Product code: {next(iter(versions))} (commit/digest of the product files) for every figure."] \
            if versions else []
    return ["Product code (commit/digest of the product files; the working tree changed during the run):",
            "", *(f"- {code}: {', '.join(rows)}" for code, rows in versions.items())]


def generated(table: list[dict], results: dict, backends: list[str], scale: float, manifest: dict,
              machine_info: dict, agreement: dict, profile_dir: Path, runs: list[dict], skipped: list[str]) -> str:
    m = machine_info
    n = manifest.get("sizes", sizes(scale))
    parts = [
        BEGIN, "", "# Benchmark results", "",
        f"Scale {scale:g}" + (", the full scale of issue 6." if scale == 1 else f" (full scale is 1, sizes {FULL}).")
        + " Each figure's latest measurement, from these runs:", "",
        *(f"- {run['started']}: `{run['command']}`" for run in runs[-4:]), "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_mb']:,} MB memory, {m['os']}; Python {m['python']}, "
        f"SQLite {m['sqlite']}, {m.get('postgresql', 'PostgreSQL not used')}, DuckDB {m['duckdb']}.", "",
        f"Data (seed {manifest.get('seed')}): {n['partners']:,} partners in 40 territories, {n['tier2']:,} tier-2 "
        f"resellers, {n['customers']:,} customers ({manifest.get('customers_associated', 0):,} with a partner, "
        f"{manifest.get('associations', 0):,} associations), {n['lines_per_month']:,} billing lines a month for "
        f"2026-Q3, {n['applications']:,} applications (a third of each partner type).", "",
        markdown_table(table), "", *code_versions(table), "",
        "Value: a rate (decisions/s) or a time in seconds of the product's own service call, JSON output "
        "included, measured in a fresh process per figure (interpreter start-up and imports excluded); "
        "`~` marks a time extrapolated from the part done within the time budget. Ratio: how many times "
        "slower than the baseline measured in the same run. Peak memory: the figure's process peak RSS "
        "(VmHWM of the child's own address space), imports included.", "",
    ]
    if skipped:
        parts += ["Skipped: " + "; ".join(skipped), ""]
    parts += ["## Notes", "", *notes(table, results), ""]
    pages = page_times(results, backends)
    if pages:
        parts += ["## Every page, server-side (AppTest script runs)", "", *pages, ""]
    spread = spread_text(results)
    if spread:
        parts += ["## Spread of the generated applications (as the yardstick decided them)", "", *spread, ""]
    parts += ["## Cross-checks", "", *(checks(results, backends, agreement) or ["- none run"]), ""]
    missed = profiles(table, profile_dir)
    if missed:
        parts += ["## Profiles of the missed targets", "", *missed, ""]
    parts.append(END)
    return "\n".join(parts)


def write_results(path: Path, text: str) -> None:
    kept = ""
    if path.exists():
        old = path.read_text()
        if END in old:
            kept = old.split(END, 1)[1]
    path.write_text(text + (kept if kept.strip() else "\n"))
