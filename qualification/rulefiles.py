"""Reading rule and plan files: YAML with exact decimals, problems reported by file and line.

Numbers written with a decimal point become `Decimal` from their text, never a float, so a
rate of 0.1 in a file is exactly one tenth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from kernel.money import decimal_from_text
from kernel.validation import field_name


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader that reads floats as exact decimals."""


def _exact_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | str:
    """A YAML float in the contract's decimal grammar as an exact decimal; any other spelling
    (1.0e+5, 1_000.5, .inf) stays text, which a decimal field of a plan refuses with its line."""
    text = loader.construct_scalar(node)
    try:
        return decimal_from_text(text)
    except ValueError:
        return text


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _exact_decimal)


@dataclass(frozen=True)
class RulesError:
    """A problem in a rule file, where a person can find it."""

    file: str
    line: int | None
    problem: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.problem}"


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The line of the YAML node that a pydantic error location points to."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def line_at(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of the node at `loc` (keys and list indexes) in a rule file's text that parsed,
    for a problem found after validation (another file's or a later check's)."""
    return _line_of(yaml.compose(text, Loader=yaml.SafeLoader), loc)


def _field(loc: tuple[Any, ...]) -> str:
    """The YAML path of an error, without pydantic's names of union branches and key markers."""
    parts = [p for p in loc if p not in ("[key]", "decimal", "FactRef") and not str(p).startswith("function-")]
    return field_name(tuple(parts))


def _criterion_id(data: Any, loc: tuple[Any, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] == "criteria" and isinstance(loc[1], int):
        try:
            return data["criteria"][loc[1]]["id"]
        except (KeyError, IndexError, TypeError):
            return None
    return None


def load_file(path: Path, model: type[BaseModel]) -> tuple[BaseModel | None, list[RulesError]]:
    """Parse and validate one YAML file; every problem comes back with its line."""
    if not path.is_file():
        return None, [RulesError(path.name, None, "file is missing")]
    return parse_text(path.name, path.read_bytes().decode("utf-8", errors="replace"), model)


def _shaped_like(data: Any, model: type[BaseModel]) -> bool:
    """Whether a document is a mapping sharing a key with the model: anything else is another
    kind of file, and its content is not quoted back (a CSV file given as a plan is a customer list)."""
    if data is None:
        return True
    names = {f.alias or n for n, f in model.model_fields.items()}
    return isinstance(data, dict) and bool(names & {str(key) for key in data})


def _duplicate_keys(name: str, root: yaml.Node | None) -> list[RulesError]:
    """Keys written twice in one mapping: YAML loaders keep the last silently, so a threshold or
    a rate edited in one place could be overridden by a forgotten copy further down."""
    problems, pending = [], [root] if root is not None else []
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                line = key.start_mark.line + 1
                if isinstance(key, yaml.ScalarNode) and key.value in seen:
                    problems.append(RulesError(name, line, f"key {key.value!r} appears twice "
                                                           f"(lines {seen[key.value]} and {line})"))
                elif isinstance(key, yaml.ScalarNode):
                    seen[key.value] = line
                pending.append(value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
    return sorted(problems, key=lambda p: p.line)


def parse_text(name: str, text: str, model: type[BaseModel]) -> tuple[BaseModel | None, list[RulesError]]:
    """Parse and validate the text of a rule file called `name`."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=_DecimalLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        return None, [RulesError(name, mark.line + 1 if mark else None, f"not valid YAML: {problem}")]
    except RecursionError:
        return None, [RulesError(name, None, "its YAML is nested too deeply")]
    duplicates = _duplicate_keys(name, node)
    if duplicates:
        return None, duplicates
    if not _shaped_like(data, model):
        kind = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()
        fields = ", ".join(n for n, f in model.model_fields.items() if f.is_required())
        return None, [RulesError(name, None, f"not a {kind} file (a YAML mapping with {fields} was expected)")]
    try:
        return model.model_validate(data if data is not None else {}), []
    except ValidationError as error:
        problems: list[RulesError] = []
        for item in error.errors():
            loc = tuple(item["loc"])
            rule = _criterion_id(data, loc)
            prefix = f"rule {rule}: " if rule else ""
            message = item["msg"].removeprefix("Value error, ")
            problem = RulesError(name, _line_of(node, loc), f"{prefix}{_field(loc)}: {message}")
            if not any(p.line == problem.line and p.problem.startswith(prefix + _field(loc)) for p in problems):
                problems.append(problem)
        return None, problems
