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
    from coach.textio import decode_text

    text = decode_text(path.read_bytes(), str(path))
    if path.suffix == ".jsonl":
        return _load_jsonl(path, text, model)
    return _load_yaml(path, text, model)


def _case_id(case: Any) -> str | None:
    """A case's id (a safety case keeps it in its root model)."""
    found = getattr(case, "id", None) or getattr(getattr(case, "root", None), "id", None)
    return found if isinstance(found, str) else None


def _check_unique(path: Path, seen: dict[str, int], case: Any, line: int) -> None:
    """Ids name cases in the report: one used twice is refused, naming both lines."""
    case_id = _case_id(case)
    if case_id is None:
        return
    if case_id in seen:
        raise CoachError(
            f"{path}:{line}: case id {case_id!r} is already used on line {seen[case_id]}; "
            "give each case its own id"
        )
    seen[case_id] = line


def _load_jsonl(path: Path, text: str, model: type[T]) -> list[T]:
    cases: list[T] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            cases.append(model.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise CoachError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
        except ValidationError as exc:
            raise CoachError(f"{path}:{lineno}: {_first_error(exc)}") from None
        except (ValueError, RecursionError):  # a number past the digit limit, deep nesting
            raise CoachError(
                f"{path}:{lineno}: JSON nested too deeply or a number too long"
            ) from None
        _check_unique(path, seen, cases[-1], lineno)
    return cases


def parse_yaml(path: Path, text: str) -> tuple[Any, Any]:
    """The YAML's node tree (for line numbers in messages) and its values; a syntax error, a
    nesting too deep to read or a value that cannot be built is one line naming the file (and
    the line, when known)."""
    try:
        return yaml.compose(text), yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise CoachError(f"{where}: not valid YAML") from None
    except RecursionError:
        line = _deep_line(text)
        where = f"{path}:{line}" if line else str(path)
        raise CoachError(f"{where}: nested too deeply to read") from None
    except ValueError as exc:  # a date such as 2024-13-01, a number past Python's digit limit
        reason = str(exc).split(":")[0][:80]
        raise CoachError(f"{path}: a value YAML cannot read ({reason})") from None


def _deep_line(text: str, limit: int = 100) -> int | None:
    """The line where brackets first nest `limit` deep: where a too-deep structure starts."""
    depth = 0
    for lineno, line in enumerate(text.split("\n"), 1):
        for ch in line:
            depth += ch in "[{"
            depth -= ch in "]}"
            if depth >= limit:
                return lineno
    return None


def _load_yaml(path: Path, text: str, model: type[T]) -> list[T]:
    node, data = parse_yaml(path, text)
    if isinstance(data, dict) and "cases" in data:
        data = data["cases"]
        node = next(v for k, v in node.value if k.value == "cases")
    if not isinstance(data, list):
        raise CoachError(f"{path}: expected a list of cases")
    cases: list[T] = []
    seen: dict[str, int] = {}
    for item, item_node in zip(data, node.value, strict=True):
        line = item_node.start_mark.line + 1
        try:
            cases.append(model.model_validate(item))
        except ValidationError as exc:
            raise CoachError(f"{path}:{line}: {_first_error(exc)}") from None
        _check_unique(path, seen, cases[-1], line)
    return cases


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "case"
    return f"field '{loc}': {err['msg']}"


SuiteFn = Callable[..., SuiteResult]


class SuiteSkipped(Exception):
    """Raised by a suite that cannot run here (the rubric without a model): reported as not run."""
