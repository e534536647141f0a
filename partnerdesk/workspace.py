"""What every service call works on: the database and the rules in force.

The CLI opens one per command; the Streamlit app caches one per database URL. Rulebooks and
plans are read once per directory and file content, so a changed file is picked up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from partnerdesk.errors import InputError
from partnerdesk.settings import Settings, get_settings
from qualification.rulebook import Rulebook, read_sources, rulebook_from_sources
from settlement.plan import PLAN_FILE, Plan, load_plan
from storage.db import get_engine


_rulebooks: dict[tuple[tuple[str, str], ...], Rulebook] = {}


def rulebook_from(rules_dir: Path) -> Rulebook:
    """The rulebook of a directory, or an input error listing every problem in its files.

    Files are read on every call, so an edit takes effect at once; they are parsed again only
    when their text changed.
    """
    sources = read_sources(rules_dir)
    key = tuple(sorted(sources.items()))
    if key not in _rulebooks:
        rulebook, errors = rulebook_from_sources(sources)
        if errors:
            raise InputError("; ".join(str(e) for e in errors))
        if len(_rulebooks) >= 16:  # drafts come and go; keep the cache small
            _rulebooks.clear()
        _rulebooks[key] = rulebook
    return _rulebooks[key]


def plan_from(path: Path) -> Plan:
    """A plan file, or an input error naming the file, line and key of every problem."""
    plan, errors = load_plan(path)
    if errors:
        raise InputError("; ".join(str(e) for e in errors))
    return plan


@dataclass(frozen=True)
class Workspace:
    engine: Engine
    rules_dir: Path

    @classmethod
    def open(cls, settings: Settings | None = None) -> "Workspace":
        settings = settings or get_settings()
        return cls(engine=get_engine(settings.database_url), rules_dir=settings.rules_dir)

    @property
    def rulebook(self) -> Rulebook:
        return rulebook_from(self.rules_dir)

    def plan(self, path: Path | None = None) -> Plan:
        """The plan in force, or the one at `path` (`--plan FILE`)."""
        return plan_from(path or self.rules_dir / PLAN_FILE)
