"""Bulk work in one process: a usage file of a million lines, a month's 200,000 invoice lines."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector paused for the duration. Bulk work makes hundreds of thousands of
    objects that live until it ends, and their number alone set off a collection of the whole
    heap again and again: a third of a usage import, half of building a month's invoices. Those
    objects hold no reference cycles; whatever cycles others make meanwhile are collected on
    resuming."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
