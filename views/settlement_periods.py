"""The months and quarters the settlement pages offer, counted back from today."""

from __future__ import annotations

import datetime as dt

from kernel.periods import Month
from views.common import today


def _month_before(month: Month) -> Month:
    return Month.of(month.first_day - dt.timedelta(days=1))


def recent_months(count: int) -> list[str]:
    """The last `count` complete months, the latest first."""
    months = [_month_before(Month.of(today()))]
    while len(months) < count:
        months.append(_month_before(months[-1]))
    return [m.key for m in months]


def recent_quarters(count: int) -> list[str]:
    """The last `count` complete quarters, the latest first."""
    quarters = [_month_before(Month.of(today()).quarter.months[0]).quarter]
    while len(quarters) < count:
        quarters.append(_month_before(quarters[-1].months[0]).quarter)
    return [q.key for q in quarters]


def last_complete_quarter() -> str:
    return recent_quarters(1)[0]


def month_choices(settled: set[str]) -> list[str]:
    """The last twelve complete months and every settled month, the latest first."""
    return sorted({*recent_months(12), *(p for p in settled if "Q" not in p)}, reverse=True)


def quarter_choices(settled: set[str]) -> list[str]:
    """The last four complete quarters and every settled quarter, the latest first."""
    return sorted({*recent_quarters(4), *(p for p in settled if "Q" in p)}, reverse=True)
