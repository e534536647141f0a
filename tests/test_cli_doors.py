"""The command line as a door: every command and option says what it is for in `--help`, and a
command that writes nothing creates no database file either."""

from __future__ import annotations

import argparse

import pytest

from conftest import Cli, write_json
from factories import application

from partnerdesk.cli import build_parser


def arguments_without_help(parser: argparse.ArgumentParser, path: str = "partnerdesk") -> list[str]:
    missing = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helped = {choice.dest for choice in action._choices_actions}
            missing += [f"{path} {name}" for name in action.choices if name not in helped]
            for name, command in action.choices.items():
                missing += arguments_without_help(command, f"{path} {name}")
        elif not action.help:
            missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
    return missing


def test_every_command_and_option_has_help():
    assert arguments_without_help(build_parser()) == []


def test_the_help_of_a_command_words_its_options(sqlite_cli):
    result = sqlite_cli("settle", "month", "--help")
    assert result.code == 0
    assert "a plan file (YAML, contract section 5) instead of the plan in force" in " ".join(result.stdout.split())


@pytest.mark.parametrize("command", [["qualify", "{file}"], ["whatif", "--plan", "{plan}", "--quarter", "2026-Q3"]])
def test_a_command_that_writes_nothing_creates_no_database(tmp_path, command):
    from partnerdesk.settings import PROJECT_ROOT

    database = tmp_path / "partnerdesk.db"
    cli = Cli(f"sqlite:///{database}", tmp_path)
    file = write_json(tmp_path / "app.json", application("agency"))
    result = cli(*[part.format(file=file, plan=PROJECT_ROOT / "rules" / "plan.yaml") for part in command])
    assert result.code == 0, result.stderr
    assert not database.exists()
