"""Run eval suites, gate them on the thresholds file, compare with a baseline, keep a history.

Suites are known by name and imported only when run, so a suite whose module has not been
written yet is reported as not available instead of breaking the others.
"""

from __future__ import annotations

import importlib
import json
import logging
import math
import subprocess
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coach.errors import CoachError
from coach.evals.base import SuiteFn, SuiteResult, SuiteSkipped, parse_yaml
from coach.settings import REPO_ROOT, Settings

log = logging.getLogger(__name__)

REPORT_VERSION = 1
HISTORY_FILE = "eval-history.jsonl"

# name -> "module:function"; each function is `run(settings, engine) -> SuiteResult`.
SUITES: dict[str, str] = {
    name: f"coach.evals.{name}:run"
    for name in ("retrieval", "triage", "drafts", "chat", "case", "requests", "safety", "rubric")
}
ENGINES = ("offline", "openai")

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


# -- thresholds -------------------------------------------------------------------------------


class Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min: float | None = None
    max: float | None = None

    def describe(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(f">= {self.min:g}")
        if self.max is not None:
            parts.append(f"<= {self.max:g}")
        return " and ".join(parts)

    @property
    def lower_is_better(self) -> bool:
        return self.max is not None and self.min is None


Thresholds = dict[str, dict[str, Threshold]]


def load_thresholds(path: Path, known: Mapping[str, str] = SUITES) -> Thresholds:
    """Parse the gates file; a typo in a suite name or a bound is an error, not a silent no-gate."""
    if not path.is_file():
        raise CoachError(
            f"thresholds file {path} does not exist; create it or pass --thresholds FILE"
        )
    from coach.textio import decode_text

    text = decode_text(path.read_bytes(), f"thresholds file {path}")
    node, data = parse_yaml(path, text)
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise CoachError(f"{path}: expected a mapping of suite -> metric -> {{min, max}}")
    lines = {k.value: (k.start_mark.line + 1, v) for k, v in node.value}
    result: Thresholds = {}
    for suite, metrics in data.items():
        line, suite_node = lines[suite]
        if suite not in known:
            raise CoachError(
                f"{path}:{line}: unknown suite {suite!r}; known suites: {', '.join(known)}"
            )
        if not isinstance(metrics, dict):
            raise CoachError(f"{path}:{line}: suite {suite!r} needs a mapping of metric -> bounds")
        metric_lines = {k.value: k.start_mark.line + 1 for k, _ in suite_node.value}
        result[suite] = {}
        for metric, bounds in metrics.items():
            where = f"{path}:{metric_lines.get(metric, line)}"
            try:
                gate = Threshold.model_validate(bounds)
            except ValidationError as exc:
                err = exc.errors()[0]
                loc = ".".join(str(p) for p in err["loc"]) or "bounds"
                raise CoachError(f"{where}: {suite}.{metric}: '{loc}' {err['msg']}") from None
            if gate.min is None and gate.max is None:
                raise CoachError(f"{where}: {suite}.{metric} needs a min or a max")
            # "min: .nan" gates nothing (every comparison with NaN is false), and "min: 0.9,
            # max: 0.5" fails every value: both are typos, not gates.
            for name, bound in (("min", gate.min), ("max", gate.max)):
                if bound is not None and not math.isfinite(bound):
                    raise CoachError(
                        f"{where}: {suite}.{metric}: {name} is {bound}, not a finite number"
                    )
            if gate.min is not None and gate.max is not None and gate.min > gate.max:
                raise CoachError(
                    f"{where}: {suite}.{metric}: min {gate.min:g} is above max {gate.max:g}; "
                    "no value could pass"
                )
            result[suite][str(metric)] = gate
    return result


# -- results ----------------------------------------------------------------------------------


class Gate(BaseModel):
    """One threshold check: a metric against its bounds."""

    metric: str
    min: float | None = None
    max: float | None = None
    value: float | None = None
    passed: bool
    message: str

    @property
    def threshold(self) -> str:
        return Threshold(min=self.min, max=self.max).describe()


class SuiteRun(BaseModel):
    name: str
    status: Literal["ran", "skipped", "error"]
    reason: str = ""
    seconds: float = 0.0
    result: SuiteResult | None = None
    gates: list[Gate] = Field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status != "error" and all(g.passed for g in self.gates)


class Delta(BaseModel):
    suite: str
    metric: str
    baseline: float | None
    now: float | None
    delta: float | None
    change: Literal["improved", "regressed", "same", "new", "gone"]


class EvalReport(BaseModel):
    version: int = REPORT_VERSION
    engine: str
    timestamp: datetime
    commit: str | None = None
    thresholds_file: str
    seconds: float
    suites: list[SuiteRun]
    comparison: list[Delta] | None = None
    baseline_file: str | None = None

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.suites)

    @property
    def failed_gates(self) -> list[tuple[str, Gate]]:
        return [(s.name, g) for s in self.suites for g in s.gates if not g.passed]


def check_gates(result: SuiteResult, gates: Mapping[str, Threshold]) -> list[Gate]:
    checks = []
    for metric, bound in gates.items():
        value = result.metrics.get(metric)
        if value is None:
            checks.append(
                Gate(
                    metric=metric,
                    min=bound.min,
                    max=bound.max,
                    passed=False,
                    message=f"metric {metric!r} is missing from the {result.suite} suite's results",
                )
            )
            continue
        problems = []
        if math.isnan(value):
            problems.append("is not a number")
        if bound.min is not None and not value >= bound.min:
            problems.append(f"is below its min {bound.min:g}")
        if bound.max is not None and not value <= bound.max:
            problems.append(f"is above its max {bound.max:g}")
        checks.append(
            Gate(
                metric=metric,
                min=bound.min,
                max=bound.max,
                value=value,
                passed=not problems,
                message=f"{metric} = {value:.4g} " + (" and ".join(problems) or "passes"),
            )
        )
    return checks


# -- running ----------------------------------------------------------------------------------


class SuiteUnavailable(Exception):
    """The suite's module does not exist (yet)."""


def resolve_suite(name: str, registry: Mapping[str, str] = SUITES) -> SuiteFn:
    if name not in registry:
        raise CoachError(f"unknown eval suite {name!r}; choose one of {', '.join(registry)} or all")
    module_name, _, attr = registry[name].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only the suite's own module missing means "not available"; a missing dependency
        # inside an existing suite is a real error and must surface.
        if exc.name is not None and (module_name + ".").startswith(exc.name + "."):
            raise SuiteUnavailable(f"not available: module {module_name} does not exist") from None
        raise
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise SuiteUnavailable(f"not available: {module_name} has no {attr}() function")
    return fn


def suite_names(selection: str, registry: Mapping[str, str] = SUITES) -> list[str]:
    if selection == "all":
        return list(registry)
    if selection not in registry:
        raise CoachError(
            f"unknown eval suite {selection!r}; choose one of {', '.join(registry)} or all"
        )
    return [selection]


def run_evals(
    settings: Settings,
    selection: str = "all",
    engine: str = "offline",
    thresholds: Thresholds | None = None,
    thresholds_file: Path | None = None,
    *,
    registry: Mapping[str, str] = SUITES,
    clock: Clock = _utcnow,
) -> EvalReport:
    """Run the selected suites. Naming an unavailable suite is an error; `all` skips it."""
    if engine not in ENGINES:
        raise CoachError(f"unknown engine {engine!r}; use offline or openai")
    names = suite_names(selection, registry)
    thresholds = thresholds or {}
    resolved: dict[str, SuiteFn | SuiteRun] = {}
    for name in names:
        try:
            resolved[name] = resolve_suite(name, registry)
        except SuiteUnavailable as exc:
            if selection != "all":
                raise CoachError(f"eval suite {name!r} is {exc}") from None
            resolved[name] = SuiteRun(name=name, status="skipped", reason=str(exc))
        except Exception as exc:  # the suite exists but cannot be imported: a failure
            log.exception("eval suite %s cannot be imported", name)
            reason = f"cannot import: {type(exc).__name__}: {exc}"
            resolved[name] = SuiteRun(name=name, status="error", reason=reason)

    started = clock()
    t0 = time.perf_counter()
    runs: list[SuiteRun] = []
    for name, fn in resolved.items():
        if isinstance(fn, SuiteRun):
            runs.append(fn)
            continue
        runs.append(_run_one(name, fn, settings, engine, thresholds.get(name, {})))
    return EvalReport(
        engine=engine,
        timestamp=started,
        commit=git_commit(),
        thresholds_file=str(thresholds_file or ""),
        seconds=time.perf_counter() - t0,
        suites=runs,
    )


def _run_one(
    name: str, fn: SuiteFn, settings: Settings, engine: str, gates: Mapping[str, Threshold]
) -> SuiteRun:
    t0 = time.perf_counter()
    try:
        result = fn(settings, engine)
    except SuiteSkipped as exc:  # cannot run here (the rubric without a model): not a pass
        return SuiteRun(name=name, status="skipped", reason=str(exc))
    except CoachError:
        raise  # bad input (a malformed case file): the user fixes it, exit 2
    except Exception as exc:
        log.exception("eval suite %s crashed", name)
        return SuiteRun(
            name=name,
            status="error",
            reason=f"{type(exc).__name__}: {exc}",
            seconds=time.perf_counter() - t0,
        )
    seconds = time.perf_counter() - t0
    result = result.model_copy(update={"seconds": seconds})
    return SuiteRun(
        name=name, status="ran", seconds=seconds, result=result, gates=check_gates(result, gates)
    )


def git_commit(cwd: Path = REPO_ROOT) -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() or None


# -- baseline ---------------------------------------------------------------------------------


def load_report(path: Path) -> EvalReport:
    if not path.is_file():
        raise CoachError(
            f"baseline report {path} does not exist; pass a report.json of an earlier run"
        )
    try:
        return EvalReport.model_validate_json(path.read_bytes())
    except (OSError, UnicodeDecodeError) as exc:
        raise CoachError(f"{path} could not be read as a report.json ({exc})") from None
    except ValidationError as exc:
        raise CoachError(
            f"{path} is not a coach eval report.json ({exc.error_count()} problems, first: "
            f"{exc.errors()[0]['msg']})"
        ) from None


def not_finite(report: EvalReport) -> list[str]:
    """The metrics of a report that are not finite numbers ("retrieval.hybrid_mrr = nan"): a
    report.json edited by hand, or written by a run that divided by zero."""
    return [
        f"{suite}.{metric} = {value}"
        for suite, metrics in _metrics(report).items()
        for metric, value in metrics.items()
        if not math.isfinite(value)
    ]


def compare(now: EvalReport, baseline: EvalReport, thresholds: Thresholds) -> list[Delta]:
    """Per metric of every suite in either run. Metrics gated by a `max` only are lower-is-better;
    every other metric is higher-is-better. A baseline value that is not a finite number (NaN,
    1e999) is no point of comparison: the metric is left out (`not_finite` names it)."""
    before = _metrics(baseline)
    after = _metrics(now)
    deltas = []
    for suite in dict.fromkeys([*after, *before]):
        old, new = before.get(suite, {}), after.get(suite, {})
        for metric in dict.fromkeys([*new, *old]):
            a, b = old.get(metric), new.get(metric)
            if a is not None and not math.isfinite(a):
                continue
            gate = thresholds.get(suite, {}).get(metric)
            lower_better = gate is not None and gate.lower_is_better
            deltas.append(_delta(suite, metric, a, b, lower_better))
    return deltas


def _delta(suite: str, metric: str, a: float | None, b: float | None, lower: bool) -> Delta:
    if a is None or b is None:
        return Delta(
            suite=suite, metric=metric, baseline=a, now=b, delta=None,
            change="new" if a is None else "gone",
        )  # fmt: skip
    if not math.isfinite(b):  # a metric that is NaN or infinite now has no delta to show
        return Delta(suite=suite, metric=metric, baseline=a, now=b, delta=None, change="regressed")
    diff = b - a
    if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
        change: Literal["improved", "regressed", "same"] = "same"
    else:
        change = "improved" if (diff < 0) == lower else "regressed"
    return Delta(suite=suite, metric=metric, baseline=a, now=b, delta=diff, change=change)


def _metrics(report: EvalReport) -> dict[str, dict[str, float]]:
    return {s.name: dict(s.result.metrics) for s in report.suites if s.result is not None}


# -- history ----------------------------------------------------------------------------------


class HistoryEntry(BaseModel):
    """One line of `<data_dir>/eval-history.jsonl`, for charting metrics over time."""

    timestamp: datetime
    engine: str
    commit: str | None = None
    passed: bool
    seconds: float
    suites: dict[str, dict[str, float]]


def append_history(settings: Settings, report: EvalReport) -> Path:
    entry = HistoryEntry(
        timestamp=report.timestamp,
        engine=report.engine,
        commit=report.commit,
        passed=report.passed,
        seconds=report.seconds,
        suites=_metrics(report),
    )
    if settings.database_url:  # a team's history lives with its conversations
        from coach.storage import database, redacted_url

        with database(settings).connect() as conn:
            conn.execute(
                "INSERT INTO coach_eval_history (entry) VALUES (?)", (entry.model_dump_json(),)
            )
        return Path(redacted_url(settings.database_url))
    path = settings.data_dir / HISTORY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(entry.model_dump_json() + "\n")
    return path


def load_history(settings: Settings) -> list[HistoryEntry]:
    """Every recorded run, oldest first; a damaged line is skipped (and logged), not fatal."""
    path = settings.data_dir / HISTORY_FILE
    if settings.database_url:
        from coach.storage import database

        with database(settings).connect() as conn:
            rows = conn.execute("SELECT entry FROM coach_eval_history ORDER BY id").fetchall()
        lines = [r[0] for r in rows]
    elif path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
    else:
        return []
    entries = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entries.append(HistoryEntry.model_validate_json(line))
        except ValidationError:
            log.warning("%s:%d: not an eval history entry, skipped", path, lineno)
    return entries


def report_dict(report: EvalReport) -> dict[str, Any]:
    """report.json content: the model plus the verdicts a reader wants without recomputing."""
    data = report.model_dump(mode="json")
    data["passed"] = report.passed
    for suite, run in zip(data["suites"], report.suites, strict=True):
        suite["passed"] = run.passed
    return data


def dump_json(report: EvalReport) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
