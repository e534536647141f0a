"""Where the benchmark keeps its data and databases, and the targets of issue 6."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RULES = ROOT / "rules"
DATA_ROOT = BENCH / "data"  # gitignored
RESULTS_MD = BENCH / "RESULTS.md"

SEED = 20261124
AS_OF = dt.date(2026, 11, 24)  # the decision date of every application (tests/factories.py)
QUARTER = "2026-Q3"
MONTHS = ("2026-07", "2026-08", "2026-09")
MONTH = MONTHS[0]

# Full-scale sizes (issue 6); --scale multiplies all of them but the territories.
FULL = {
    "partners": 2_000,
    "tier2": 200,
    "customers": 100_000,
    "lines_per_month": 1_000_000,
    "applications": 100_000,
}
TERRITORY_COUNT = 40

POSTGRES_ADMIN_URL = os.environ.get("PARTNERDESK_BENCH_POSTGRES_URL",
                                    "postgresql://postgres@127.0.0.1:5432/test")
POSTGRES_DATABASE = os.environ.get("PARTNERDESK_BENCH_POSTGRES_DB", "partnerdesk_bench")
BACKENDS = ("sqlite", "postgresql")

# Accounts the page benchmarks sign in with (created in the bench database only).
USERS = {"manager": ("bench-manager", "quiet harbour lantern 61"), "analyst": ("bench-analyst", "amber meadow compass 84"),
         "applicant": ("bench-applicant", "copper river window 27"), "admin": ("bench-admin", "silver orchard beacon 45"),
         "partner": ("bench-partner", "velvet canyon ember 93")}
"""The partner account is the owner account of the distributor with the most tier-2 resellers."""


def sizes(scale: float) -> dict[str, int]:
    return {name: max(1, round(count * scale)) for name, count in FULL.items()}


def data_dir(scale: float) -> Path:
    return DATA_ROOT / f"scale-{scale:g}"


def database_url(backend: str, scale: float) -> str:
    """The benchmark's own database of a backend (never the developer's or the tests')."""
    if backend == "sqlite":
        return f"sqlite:///{data_dir(scale) / 'bench.sqlite'}"
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{POSTGRES_DATABASE}"


@dataclass(frozen=True)
class Target:
    """A figure's target: a bound on its value and optionally on its ratio to the baseline."""

    text: str
    bound: float | None = None
    higher_is_better: bool = False
    max_ratio: float | None = None
    max_peak_mb: float | None = None

    def met(self, value: float | None, ratio: float | None, peak_mb: float | None) -> bool | None:
        if self.bound is None and self.max_ratio is None and self.max_peak_mb is None:
            return None
        if value is None:
            return False
        ok = True
        if self.bound is not None:
            ok &= value >= self.bound if self.higher_is_better else value <= self.bound
        if self.max_ratio is not None and ratio is not None:
            ok &= ratio <= self.max_ratio
        if self.max_peak_mb is not None and peak_mb is not None:
            ok &= peak_mb <= self.max_peak_mb
        return ok


TARGETS = {  # issue 14's, on both databases
    "qualify": Target(">= 5,000/s, <= 1.0x", 5_000, higher_is_better=True, max_ratio=1.0),
    "impact": Target("<= 30 s", 30),
    "import_usage": Target("<= 3x, <= 300 MB", max_ratio=3, max_peak_mb=300),
    "import_usage_x10": Target("<= 10.5x, <= 300 MB", max_ratio=10.5, max_peak_mb=300),
    "settle_month": Target("<= 2x", max_ratio=2),
    "settle_month_x10": Target("<= 10.5x", max_ratio=10.5),
    "import_sums_duckdb": Target("(none)"),
    "import_sums_spark": Target("(none)"),
    "settle_quarter": Target("< 1x", max_ratio=1),
    "whatif": Target("< 1x", max_ratio=1),
    "page_first": Target("<= 2 s", 2),
    "page_renders": Target("<= 0.3 s each", 0.3),
    "page_interactions": Target("<= 0.3 s each", 0.3),
    "import_customers": Target("(none)"),
}
X10_MONTH = "2026-10"
"""The month of ten times the lines (import_usage_x10, settle_month_x10): after the bench quarter,
so that its figures leave the quarter's alone."""
