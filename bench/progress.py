"""Progress of long steps on stderr: a line every 10 % (or on the same line on a terminal)."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int | None = None) -> None:
        self.label, self.total = label, total
        self.started = time.perf_counter()
        self._tty = sys.stderr.isatty()
        self._last_tenth = -1
        self._last_print = 0.0

    def update(self, done: int) -> None:
        now = time.perf_counter()
        if self.total:
            tenth = int(10 * done / self.total)
            if not self._tty and tenth == self._last_tenth:
                return
            if self._tty and now - self._last_print < 0.5:
                return
            self._last_tenth = tenth
            text = f"{self.label}: {done:,}/{self.total:,} ({100 * done / self.total:.0f} %, {now - self.started:.1f} s)"
        else:
            if now - self._last_print < (0.5 if self._tty else 10):
                return
            text = f"{self.label}: {done:,} ({now - self.started:.1f} s)"
        self._last_print = now
        print(("\r" + text) if self._tty else text, end="" if self._tty else "\n", file=sys.stderr, flush=True)

    def done(self, note: str = "") -> None:
        elapsed = time.perf_counter() - self.started
        text = f"{self.label}: done in {elapsed:.1f} s{(' ' + note) if note else ''}"
        print(("\r" + text) if self._tty else text, file=sys.stderr, flush=True)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
