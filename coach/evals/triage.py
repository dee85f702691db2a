"""Triage eval: labelled customer emails (`evals/triage.jsonl`) through either engine.

Metrics: decision accuracy, escalations caught (`escalate` or `review` on an email that should
escalate: caught, but only `escalate` is correct), the share of `review` answers, per-signal recall
and precision (macro-averaged), forbidden signals (on injection cases and per email), and the share
of evidence quotes that are verbatim in the input. Precision is strict: a found signal that the case
does not list under `must_signals` counts against it.

The main set is gated; every further `triage_*.jsonl` (held-out, development and blind sets) is
reported beside it, with decision accuracy per language and per failure class.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from coach.errors import CoachError
from coach.evals.base import CaseResult, SuiteResult, Table, load_cases
from coach.settings import Settings
from coach.triage.models import SIGNAL_TYPES, SignalType

Expected = Literal["escalate", "handle", "review"]


class TriageCase(BaseModel):
    id: str
    format: Literal["text", "html", "eml"] = "text"
    text: str = Field(min_length=1)
    decision: Expected
    urgency: Literal["low", "medium", "high", "critical"] | None = None
    must_signals: list[SignalType] = Field(default_factory=list)
    must_not_signals: list[SignalType] = Field(default_factory=list)
    language: str = "en"
    tags: list[str] = Field(default_factory=list)
    classes: list[str] = Field(default_factory=list)
    note: str = ""
    unsure: str = ""

    @model_validator(mode="after")
    def _classes_are_tags(self) -> TriageCase:
        self.tags = list(dict.fromkeys([*self.tags, *self.classes]))
        return self


class Outcome(BaseModel):
    """One case through the engine, reduced to what the metrics need."""

    case: TriageCase
    decision: str | None = None  # None: the engine refused the input
    urgency: str | None = None
    found: set[str] = Field(default_factory=set)
    quotes: int = 0
    verbatim: int = 0

    @property
    def correct(self) -> bool:
        return self.decision == self.case.decision

    @property
    def forbidden(self) -> set[str]:
        return self.found & set(self.case.must_not_signals)

    @property
    def missing(self) -> set[str]:
        return {str(s) for s in self.case.must_signals} - self.found


def run(
    settings: Settings, engine: str = "offline", cases_file: str = "triage.jsonl"
) -> SuiteResult:
    from coach.triage.engine import get_engine

    triager = get_engine(settings, engine)
    started = time.perf_counter()
    main_path = settings.evals_dir / cases_file
    outcomes = _run_set(triager, load_cases(main_path, TriageCase))
    metrics = _metrics(outcomes)
    tables = [_signal_table(outcomes)]
    for extra in sorted(settings.evals_dir.glob("triage_*.jsonl")):
        if extra == main_path:
            continue
        extra_outcomes = _run_set(triager, load_cases(extra, TriageCase))
        # A set that labels decisions only (no must-signals) has no signal recall to report.
        labelled = any(o.case.must_signals for o in extra_outcomes)
        for name, value in _metrics(extra_outcomes).items():
            if name in _EXTRA_METRICS and (labelled or name != "signal_macro_recall"):
                metrics[f"{extra.stem}_{name}"] = value
        for title, key in (("language", _languages), ("class", _classes)):
            rows, per = _breakdown(extra_outcomes, key)
            tables.append(
                Table(
                    title=f"{extra.stem}: by {title}",
                    columns=[title, "emails", "decision accuracy", "escalations caught", "review"],
                    rows=rows,
                )
            )
            for group, value in per.items():
                metrics[f"{extra.stem}_{title}_{group}_decision_accuracy"] = value
    return SuiteResult(
        suite="triage",
        engine=triager.name,
        metrics=metrics,
        cases=[_case_result(o) for o in outcomes],
        tables=tables,
        seconds=time.perf_counter() - started,
    )


_EXTRA_METRICS = (
    "decision_accuracy",
    "escalations_caught",
    "review_rate",
    "forbidden_email_rate",
    "verbatim_evidence_rate",
    "signal_macro_recall",
    "cases",
)


def _run_set(triager: Any, cases: Sequence[TriageCase]) -> list[Outcome]:
    from coach.triage.parse import parse

    outcomes: list[Outcome] = []
    for case in cases:
        try:
            result = triager.triage(case.text, fmt=case.format)
        except CoachError:
            outcomes.append(Outcome(case=case))
            continue
        plain = parse(case.text, case.format).text if case.format != "text" else case.text
        outcomes.append(
            Outcome(
                case=case,
                decision=result.decision,
                urgency=result.urgency,
                found={s.type for s in result.signals},
                quotes=len(result.signals),
                verbatim=sum(
                    s.evidence in case.text or s.evidence in plain for s in result.signals
                ),
            )
        )
    return outcomes


def _metrics(outcomes: Sequence[Outcome]) -> dict[str, float]:
    n = len(outcomes)
    recalls, precisions = _signal_scores(outcomes)
    escalate = [o for o in outcomes if o.case.decision == "escalate"]
    urgency = [o for o in outcomes if o.case.urgency]
    quotes = sum(o.quotes for o in outcomes)
    return {
        "decision_accuracy": sum(o.correct for o in outcomes) / n if n else 0.0,
        "escalations_caught": (
            sum(o.decision in ("escalate", "review") for o in escalate) / len(escalate)
            if escalate
            else 1.0
        ),
        "review_rate": sum(o.decision == "review" for o in outcomes) / n if n else 0.0,
        "signal_macro_recall": sum(recalls) / len(recalls) if recalls else 0.0,
        "signal_macro_precision": sum(precisions) / len(precisions) if precisions else 0.0,
        "injection_forbidden_signals": float(
            sum(len(o.forbidden) for o in outcomes if "injection" in o.case.tags)
        ),
        "verbatim_evidence_rate": (sum(o.verbatim for o in outcomes) / quotes if quotes else 1.0),
        "urgency_accuracy": (
            sum(o.urgency == o.case.urgency for o in urgency) / len(urgency) if urgency else 0.0
        ),
        "forbidden_signals_all_cases": float(sum(len(o.forbidden) for o in outcomes)),
        "forbidden_email_rate": sum(bool(o.forbidden) for o in outcomes) / n if n else 0.0,
        "cases": float(n),
    }


def _signal_counts(outcomes: Sequence[Outcome]) -> dict[str, tuple[int, int, int]]:
    counts: dict[str, list[int]] = {name: [0, 0, 0] for name in SIGNAL_TYPES}  # tp, fp, fn
    for o in outcomes:
        must = set(o.case.must_signals)
        for kind in SIGNAL_TYPES:
            if kind in must:
                counts[kind][0 if kind in o.found else 2] += 1
            elif kind in o.found:
                counts[kind][1] += 1
    return {k: (v[0], v[1], v[2]) for k, v in counts.items()}


def _signal_scores(outcomes: Sequence[Outcome]) -> tuple[list[float], list[float]]:
    recalls, precisions = [], []
    for tp, fp, fn in _signal_counts(outcomes).values():
        if tp + fn:
            recalls.append(tp / (tp + fn))
            precisions.append(tp / (tp + fp) if tp + fp else 0.0)
        elif tp + fp:
            precisions.append(tp / (tp + fp))
    return recalls, precisions


def _signal_table(outcomes: Sequence[Outcome]) -> Table:
    rows = []
    for name, (tp, fp, fn) in _signal_counts(outcomes).items():
        support = tp + fn
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / support if support else None
        rows.append([name, support, tp, fp, fn, _r(precision), _r(recall)])
    return Table(
        title="Per-signal precision and recall",
        columns=["signal", "support", "tp", "fp", "fn", "precision", "recall"],
        rows=rows,
    )


def _languages(o: Outcome) -> list[str]:
    return [o.case.language]


def _classes(o: Outcome) -> list[str]:
    return o.case.tags or ["(none)"]


def _breakdown(outcomes: Sequence[Outcome], key: Any) -> tuple[list[list[Any]], dict[str, float]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        for group in key(o):
            groups[group].append(o)
    rows, per = [], {}
    for group in sorted(groups):
        members = groups[group]
        m = _metrics(members)
        escalate = sum(o.case.decision == "escalate" for o in members)
        caught = f"{round(m['escalations_caught'] * escalate)}/{escalate}" if escalate else "-"
        reviews = sum(o.decision == "review" for o in members)
        rows.append([group, len(members), _r(m["decision_accuracy"]), caught, reviews])
        per[group] = m["decision_accuracy"]
    return rows, per


def _case_result(o: Outcome) -> CaseResult:
    problems = []
    if o.decision is None:
        problems.append("error: the engine refused the input")
    elif not o.correct:
        problems.append(f"decision {o.decision}, expected {o.case.decision}")
    if o.missing:
        problems.append(f"missed {sorted(o.missing)}")
    if o.forbidden:
        problems.append(f"forbidden {sorted(o.forbidden)}")
    return CaseResult(
        id=o.case.id,
        passed=not problems,
        details="; ".join(problems) or "ok",
        data={
            "decision": o.decision,
            "urgency": o.urgency,
            "found": sorted(o.found),
            "must": sorted(o.case.must_signals),
            "must_not": sorted(o.case.must_not_signals),
            "tags": o.case.tags,
        },
    )


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
