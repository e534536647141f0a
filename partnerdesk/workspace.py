"""What every service call works on: the database and the rules in force.

The CLI opens one per command; the Streamlit app caches one per database URL. Rulebooks and
plans are read once per directory and file content, so a changed file is picked up.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from partnerdesk.errors import InputError
from partnerdesk.settings import Settings, get_settings
from qualification.rulebook import QUALIFICATION_FILES, Rulebook, read_sources, rulebook_from_sources
from settlement.plan import PLAN_FILE, Plan, load_plan
from storage.db import Engine, get_engine, sqlite_file_missing
from storage.uow import UnitOfWork, reading, unit_of_work


RECHECK_AFTER = 1.0  # seconds a directory's rule files are trusted unchanged


@dataclass
class _Cached:
    stamp: tuple
    rulebook: Rulebook
    checked_at: float


_rulebooks: dict[Path, _Cached] = {}


def _stamp(rules_dir: Path) -> tuple:
    """What changes when a rule file is edited, replaced or removed."""
    stamps = []
    for name in QUALIFICATION_FILES:
        try:
            stat = (rules_dir / name).stat()
        except FileNotFoundError:
            stamps.append((name, None))
        else:
            stamps.append((name, stat.st_mtime_ns, stat.st_size, stat.st_ino))
    return tuple(stamps)


def rulebook_from(rules_dir: Path) -> Rulebook:
    """The rulebook of a directory, or an input error listing every problem in its files.

    The files are parsed again only when one of them changed (its time, size or inode), and
    looked at no more than once a second: an edit applies within a second, while bulk checks
    (thousands of decisions a second) do not spend most of their time in `stat`.
    """
    cached = _rulebooks.get(rules_dir)
    now = time.monotonic()
    if cached is not None and now - cached.checked_at < RECHECK_AFTER:
        return cached.rulebook
    stamp = _stamp(rules_dir)
    if cached is not None and cached.stamp == stamp:
        cached.checked_at = now
        return cached.rulebook
    rulebook, errors = rulebook_from_sources(read_sources(rules_dir))
    if errors:
        raise InputError("; ".join(str(e) for e in errors))
    if len(_rulebooks) >= 16:  # drafts come and go; keep the cache small
        _rulebooks.clear()
    _rulebooks[rules_dir] = _Cached(stamp, rulebook, now)
    return rulebook


_plans: dict[Path, tuple[bytes, Plan]] = {}


def plan_from(path: Path) -> Plan:
    """A plan file, or an input error naming the file, line and key of every problem.

    A valid plan (frozen) is parsed again only when its file's content changed: pages ask for
    the plan in force on every rerun, and parsing its YAML each time cost more than the rest
    of some pages' work, while reading the small file to compare costs next to nothing."""
    try:
        content = path.read_bytes()
    except OSError:
        content = None
    cached = _plans.get(path)
    if content is not None and cached is not None and cached[0] == content:
        return cached[1]
    plan, errors = load_plan(path)
    if errors:
        raise InputError("; ".join(str(e) for e in errors))
    if content is not None:
        if len(_plans) >= 16:  # what-if plans come and go; keep the cache small
            _plans.clear()
        _plans[path] = (content, plan)
    return plan


@dataclass(frozen=True)
class Workspace:
    engine: Engine
    rules_dir: Path

    @classmethod
    def open(cls, settings: Settings | None = None) -> "Workspace":
        settings = settings or get_settings()
        return cls(engine=get_engine(settings.database_url), rules_dir=settings.rules_dir)

    @classmethod
    def open_without_creating(cls, settings: Settings | None = None) -> "Workspace":
        """The workspace of a command that writes nothing: an SQLite file that does not exist is
        not created; an empty in-memory database (no partners yet) stands in for it."""
        settings = settings or get_settings()
        if sqlite_file_missing(settings.database_url):
            settings = settings.model_copy(update={"database_url": "sqlite://"})
        return cls.open(settings)

    @property
    def rulebook(self) -> Rulebook:
        return rulebook_from(self.rules_dir)

    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]:
        """A write transaction over the repositories: all of it commits, or none."""
        return unit_of_work(self.engine)

    def reading(self) -> AbstractContextManager[UnitOfWork]:
        """A read-only unit of work."""
        return reading(self.engine)

    def plan(self, path: Path | None = None) -> Plan:
        """The plan in force, or the one at `path` (`--plan FILE`)."""
        return plan_from(path or self.rules_dir / PLAN_FILE)
