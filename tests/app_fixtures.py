"""Fixtures of the app tests (a pytest plugin: `pytest_plugins = ("app_fixtures",)`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app_driver import PASSWORDS, USERNAMES
from factories import AS_OF
from partnerdesk.accounts import add_user
from partnerdesk.demo import load_demo
from partnerdesk.settings import PROJECT_ROOT, Settings
from partnerdesk.workspace import Workspace
from storage.db import dispose_engine


@pytest.fixture
def app_url(sqlite_url) -> str:
    """A database with one account of every role (so the demo is not loaded)."""
    ws = Workspace.open(Settings(database_url=sqlite_url))
    for role, username in USERNAMES.items():
        add_user(ws, username, PASSWORDS[role], role, username.capitalize())
    return sqlite_url


@pytest.fixture
def app_workspace(app_url) -> Workspace:
    return Workspace.open(Settings(database_url=app_url))


@pytest.fixture
def repo_on_path(monkeypatch) -> Path:
    """Page files import `views.*`: running one as the main script needs the repository on sys.path."""
    monkeypatch.syspath_prepend(str(PROJECT_ROOT))
    return PROJECT_ROOT


@pytest.fixture(scope="module")
def pristine_demo(tmp_path_factory) -> Path:
    """One database file with the demo loaded (as of AS_OF), for each test to copy."""
    path = tmp_path_factory.mktemp("demo") / "partnerdesk.db"
    url = f"sqlite:///{path}"
    load_demo(Workspace.open(Settings(database_url=url)), as_of=AS_OF)
    dispose_engine(url)  # closes the connections, so SQLite folds its write-ahead log into the file
    return path


@pytest.fixture
def demo_url(pristine_demo, tmp_path) -> str:
    """A fresh copy of the demo database: demo accounts, partners, billing, settled months."""
    copy = tmp_path / "demo.db"
    shutil.copyfile(pristine_demo, copy)
    return f"sqlite:///{copy}"
