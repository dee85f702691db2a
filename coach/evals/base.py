"""What every eval suite returns, and the typed loading of case files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, Field, ValidationError

from coach.errors import CoachError

T = TypeVar("T", bound=BaseModel)


class CaseResult(BaseModel):
    """One eval case, as it appears in the JUnit XML and the markdown report."""

    id: str
    passed: bool
    details: str = ""
    data: dict[str, Any] = Field(default_factory=dict)


class Table(BaseModel):
    """An extra table a suite wants in the report (for example vector vs BM25 vs hybrid)."""

    title: str
    columns: list[str]
    rows: list[list[Any]]


class SuiteResult(BaseModel):
    suite: str
    engine: str = "offline"
    metrics: dict[str, float]
    cases: list[CaseResult] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    seconds: float = 0.0


def load_cases(path: Path, model: type[T]) -> list[T]:
    """Load a YAML list or a JSONL file of cases; a malformed case names its file and line."""
    if not path.is_file():
        # A team's own evals folder may hold only some suites' cases: that suite is not run.
        raise SuiteSkipped(f"no case file {path.name} in {path.parent}")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return _load_jsonl(path, text, model)
    return _load_yaml(path, text, model)


def _load_jsonl(path: Path, text: str, model: type[T]) -> list[T]:
    cases: list[T] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            cases.append(model.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise CoachError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
        except ValidationError as exc:
            raise CoachError(f"{path}:{lineno}: {_first_error(exc)}") from None
    return cases


def parse_yaml(path: Path, text: str) -> tuple[Any, Any]:
    """The YAML's node tree (for line numbers in messages) and its values; a syntax error is
    one line naming the file and line."""
    try:
        return yaml.compose(text), yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise CoachError(f"{where}: not valid YAML") from None


def _load_yaml(path: Path, text: str, model: type[T]) -> list[T]:
    node, data = parse_yaml(path, text)
    if isinstance(data, dict) and "cases" in data:
        data = data["cases"]
        node = next(v for k, v in node.value if k.value == "cases")
    if not isinstance(data, list):
        raise CoachError(f"{path}: expected a list of cases")
    cases: list[T] = []
    for item, item_node in zip(data, node.value, strict=True):
        try:
            cases.append(model.model_validate(item))
        except ValidationError as exc:
            line = item_node.start_mark.line + 1
            raise CoachError(f"{path}:{line}: {_first_error(exc)}") from None
    return cases


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "case"
    return f"field '{loc}': {err['msg']}"


SuiteFn = Callable[..., SuiteResult]


class SuiteSkipped(Exception):
    """Raised by a suite that cannot run here (the rubric without a model): reported as not run."""
