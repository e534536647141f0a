"""Periods: a month ("2026-07") is invoiced, a quarter ("2026-Q3") earns commission."""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, ConfigDict

from kernel.validation import EARLIEST_DAY, LATEST_DAY

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def _year(text: str, year: int) -> int:
    """A period lies in the years dates may lie in, so its end is always a date."""
    if not EARLIEST_DAY.year <= year <= LATEST_DAY.year:
        raise ValueError(f"{text!r} lies outside the years {EARLIEST_DAY.year}-{LATEST_DAY.year}")
    return year


class Month(BaseModel):
    model_config = ConfigDict(frozen=True)

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        """'2026-07'; ValueError names the expected form."""
        found = _MONTH.match(text.strip())
        if not found or not 1 <= int(found[2]) <= 12:
            raise ValueError(f"{text!r} is not a month written YYYY-MM")
        return cls(year=_year(text, int(found[1])), month=int(found[2]))

    @classmethod
    def of(cls, day: dt.date) -> "Month":
        return cls(year=day.year, month=day.month)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def next(self) -> "Month":
        return Month(year=self.year + self.month // 12, month=self.month % 12 + 1)

    @property
    def end(self) -> dt.date:
        """The day after the month: usage of the month is dated before it."""
        return self.next.first_day

    @property
    def quarter(self) -> "Quarter":
        return Quarter(year=self.year, quarter=(self.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return self.key


class Quarter(BaseModel):
    model_config = ConfigDict(frozen=True)

    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """'2026-Q3'; ValueError names the expected form."""
        found = _QUARTER.match(text.strip().upper())
        if not found:
            raise ValueError(f"{text!r} is not a quarter written YYYY-Qn (n = 1..4)")
        return cls(year=_year(text, int(found[1])), quarter=int(found[2]))

    @property
    def key(self) -> str:
        return f"{self.year:04d}-Q{self.quarter}"

    @property
    def months(self) -> list[Month]:
        first = 3 * (self.quarter - 1) + 1
        return [Month(year=self.year, month=m) for m in range(first, first + 3)]

    @property
    def first_day(self) -> dt.date:
        return self.months[0].first_day

    @property
    def end(self) -> dt.date:
        return self.months[-1].end

    def __str__(self) -> str:
        return self.key


Period = Month | Quarter
"""A settlement period: a month is invoiced, a quarter earns commission."""


def parse_period(text: str) -> Period:
    """'2026-07' or '2026-Q3'; ValueError names both forms."""
    for kind in (Month, Quarter):
        try:
            return kind.parse(text)
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a period written YYYY-MM or YYYY-Qn (n = 1..4)")
