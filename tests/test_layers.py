"""The layers of the README's Layout, checked on every module's imports.

Imports are read from the source (the AST), so an import inside a function counts as much as
one at the top. `storage/` is the only package that speaks SQL: above it, modules reach it
through the unit of work and its repositories, never through SQL libraries, table rows or
functions on a session; the doors (`app.py`, `views/`) reach data only through
services; the domain (`kernel/`, `qualification/`, `settlement/`) imports nothing from the
layers above it, nor Streamlit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from partnerdesk.settings import PROJECT_ROOT

SQL = {"sqlalchemy", "sqlmodel", "alembic", "psycopg", "psycopg2", "sqlite3"}
SESSION_LEVEL = ("tables", "settlement_records")  # storage modules of rows and of functions on sessions
DOMAIN = ("kernel", "qualification", "settlement")
ABOVE_THE_DOMAIN = {"partnerdesk", "storage", "views", "streamlit", "app"}
PRODUCT = ("kernel", "qualification", "settlement", "partnerdesk", "views")



def modules(*packages: str) -> list[Path]:
    found = [path for package in packages for path in sorted((PROJECT_ROOT / package).rglob("*.py"))]
    return found + ([PROJECT_ROOT / "app.py"] if "app" in packages else [])


def imported_modules(path: Path) -> set[str]:
    """The dotted names of every absolute import in a module (`from a.b import c` names a.b and a.b.c)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)  # may be a module
    return names


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports."""
    return {name.split(".")[0] for name in imported_modules(path)}


def speaks_sql(path: Path) -> list[str]:
    """What a module outside storage/ imports that only storage/ may: SQL libraries, table rows,
    the record functions that take a session."""
    return sorted(name for name in imported_modules(path) if name.split(".")[0] in SQL
                  or (name.startswith("storage.") and name.endswith(SESSION_LEVEL)))


def where(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix()


def offenders(paths: list[Path], forbidden: set[str]) -> dict[str, list[str]]:
    return {where(p): sorted(imported(p) & forbidden) for p in paths if imported(p) & forbidden}


def test_the_checker_sees_imports_at_the_top_and_inside_functions(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text("import sqlalchemy.orm\nfrom . import sibling\nfrom storage.uow import UnitOfWork\n"
                      "def f():\n    from storage.tables import PartnerRow\n")
    assert imported(module) == {"sqlalchemy", "storage"}
    assert speaks_sql(module) == ["sqlalchemy.orm", "storage.tables"]


def test_only_storage_speaks_sql():
    found = {where(p): speaks_sql(p) for p in modules(*PRODUCT, "app") if speaks_sql(p)}
    assert found == {}


def test_the_doors_reach_data_only_through_services():
    assert offenders(modules("views", "app"), {"storage", *SQL}) == {}


@pytest.mark.parametrize("package", DOMAIN)
def test_the_domain_imports_nothing_above_it(package):
    assert offenders(modules(package), ABOVE_THE_DOMAIN | SQL) == {}
