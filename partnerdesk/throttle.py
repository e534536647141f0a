"""How long a sign-in waits after failed ones: a growing delay, then a temporary lock.

The same rule applies to an account (whoever tries it) and to a browser session (whichever
accounts it tries). Only failures since the last successful sign-in and within the last
LOCK_FOR count; an attempt refused by the throttle is not checked and does not count, so
trying during a wait or a lock does not prolong it.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

FREE_FAILURES = 3  # failures that cost nothing: a typing slip or two
LOCK_AFTER = 10  # failures that lock
LOCK_FOR = dt.timedelta(minutes=15)
LONGEST_DELAY = dt.timedelta(minutes=1)


class Hold(NamedTuple):
    """Until when the next attempt is refused unchecked, and whether that is a lock."""

    until: dt.datetime
    locked: bool


def delay_after(failures: int) -> dt.timedelta:
    """1 s after the 3rd failure, then 2, 4, 8 ... seconds, at most LONGEST_DELAY."""
    if failures < FREE_FAILURES:
        return dt.timedelta(0)
    return min(dt.timedelta(seconds=2 ** (failures - FREE_FAILURES)), LONGEST_DELAY)


LOOK_BACK = 2 * LOCK_FOR
"""How far back failures matter: a lock began at most LOCK_FOR ago, after failures within LOCK_FOR."""


def hold(failures: list[dt.datetime], now: dt.datetime) -> Hold | None:
    """The hold the failures (oldest first, since LOOK_BACK) put on the next attempt at `now`, if any.

    LOCK_AFTER failures within LOCK_FOR lock until LOCK_FOR after the last of them; once a lock
    has passed, counting starts again."""
    streak: list[dt.datetime] = []
    for at in failures:
        streak = [f for f in streak if at - f < LOCK_FOR] + [at]
        if len(streak) >= LOCK_AFTER:
            if now < at + LOCK_FOR:
                return Hold(at + LOCK_FOR, locked=True)
            streak = []
    recent = [at for at in streak if now - at < LOCK_FOR]
    if not recent:
        return None
    until = recent[-1] + delay_after(len(recent))
    return Hold(until, locked=False) if until > now else None
