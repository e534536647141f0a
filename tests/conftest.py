"""Shared fixtures: real databases (SQLite always, PostgreSQL when configured) and the CLI.

The `database_url` fixture runs a test on a fresh SQLite file and, when
PARTNERDESK_TEST_POSTGRES_URL is set, again on a fresh PostgreSQL schema. Under CI=true a
missing PostgreSQL URL is a failure, never a silent skip.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from partnerdesk.settings import PROJECT_ROOT, Settings
from partnerdesk.workspace import Workspace

POSTGRES_URL = os.environ.get("PARTNERDESK_TEST_POSTGRES_URL")
RULES_DIR = PROJECT_ROOT / "rules"
BACKENDS = ["sqlite", "postgresql"]


def _postgres_schema_url(base: str, schema: str) -> str:
    url = Settings(database_url=base).database_url
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """A fresh, empty database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'partnerdesk.db'}"
        return
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("PARTNERDESK_TEST_POSTGRES_URL is not set in CI: storage tests must run on PostgreSQL")
        pytest.skip("PARTNERDESK_TEST_POSTGRES_URL not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(Settings(database_url=POSTGRES_URL).database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield _postgres_schema_url(POSTGRES_URL, schema)
    from storage.db import dispose_engine

    dispose_engine(_postgres_schema_url(POSTGRES_URL, schema))
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A fresh SQLite database, for tests that are about behaviour rather than storage."""
    return f"sqlite:///{tmp_path / 'partnerdesk.db'}"


@pytest.fixture
def workspace(database_url) -> Workspace:
    return Workspace.open(Settings(database_url=database_url, rules_dir=RULES_DIR))


@pytest.fixture
def sqlite_workspace(sqlite_url) -> Workspace:
    return Workspace.open(Settings(database_url=sqlite_url, rules_dir=RULES_DIR))


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self):
        return json.loads(self.stdout)


@dataclass
class Cli:
    """Runs the real `partnerdesk` command in a child process against one database."""

    database_url: str
    cwd: Path
    rules_dir: Path = RULES_DIR

    def env(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.database_url,
                "PARTNERDESK_RULES_DIR": str(self.rules_dir)}

    def __call__(self, *args: str, stdin: str | None = None) -> CliResult:
        completed = subprocess.run([sys.executable, "-m", "partnerdesk", *map(str, args)],
                                   capture_output=True, text=True, cwd=self.cwd, env=self.env(),
                                   input=stdin, timeout=300)
        return CliResult(completed.returncode, completed.stdout, completed.stderr)

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "partnerdesk", *map(str, args)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                cwd=self.cwd, env=self.env())


@pytest.fixture
def cli(database_url, tmp_path) -> Cli:
    return Cli(database_url, tmp_path)


@pytest.fixture
def sqlite_cli(sqlite_url, tmp_path) -> Cli:
    return Cli(sqlite_url, tmp_path)


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, indent=2))
    return path
