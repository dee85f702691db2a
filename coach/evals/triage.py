"""Triage eval: labelled customer emails (`evals/triage.jsonl`) through either engine.

Metrics: decision accuracy, per-signal recall and precision (macro-averaged), forbidden signals on
injection cases, and the share of evidence quotes that are verbatim in the input. Precision is
strict: a found signal that the case does not list under `must_signals` counts against it.
"""

from __future__ import annotations

import time
from typing import Literal

from pydantic import BaseModel, Field

from coach.errors import CoachError
from coach.evals.base import CaseResult, SuiteResult, Table, load_cases
from coach.settings import Settings
from coach.triage.models import SIGNAL_TYPES, SignalType


class TriageCase(BaseModel):
    id: str
    format: Literal["text", "html", "eml"] = "text"
    text: str = Field(min_length=1)
    decision: Literal["escalate", "handle"]
    urgency: Literal["low", "medium", "high", "critical"] | None = None
    must_signals: list[SignalType] = Field(default_factory=list)
    must_not_signals: list[SignalType] = Field(default_factory=list)
    language: str = "en"
    tags: list[str] = Field(default_factory=list)
    note: str = ""


def run(
    settings: Settings, engine: str = "offline", cases_file: str = "triage.jsonl"
) -> SuiteResult:
    from coach.triage.engine import get_engine
    from coach.triage.parse import parse

    cases = load_cases(settings.evals_dir / cases_file, TriageCase)
    triager = get_engine(settings, engine)
    started = time.perf_counter()
    tp = dict.fromkeys(SIGNAL_TYPES, 0)
    fn = dict.fromkeys(SIGNAL_TYPES, 0)
    fp = dict.fromkeys(SIGNAL_TYPES, 0)
    decisions_right = urgency_right = urgency_total = 0
    forbidden_injection = forbidden_total = 0
    quotes = verbatim = 0
    results: list[CaseResult] = []
    for case in cases:
        try:
            result = triager.triage(case.text, fmt=case.format)
        except CoachError as exc:
            results.append(CaseResult(id=case.id, passed=False, details=f"error: {exc}"))
            for missed in case.must_signals:
                fn[missed] += 1
            continue
        found = {s.type for s in result.signals}
        must, must_not = set(case.must_signals), set(case.must_not_signals)
        for kind in SIGNAL_TYPES:
            if kind in must:
                if kind in found:
                    tp[kind] += 1
                else:
                    fn[kind] += 1
            elif kind in found:
                fp[kind] += 1
        forbidden = found & must_not
        forbidden_total += len(forbidden)
        if "injection" in case.tags:
            forbidden_injection += len(forbidden)
        plain = parse(case.text, case.format).text if case.format != "text" else case.text
        for signal in result.signals:
            quotes += 1
            verbatim += signal.evidence in case.text or signal.evidence in plain
        decision_ok = result.decision == case.decision
        decisions_right += decision_ok
        if case.urgency:
            urgency_total += 1
            urgency_right += result.urgency == case.urgency
        missing = must - found
        passed = decision_ok and not missing and not forbidden
        problems = []
        if not decision_ok:
            problems.append(f"decision {result.decision}, expected {case.decision}")
        if missing:
            problems.append(f"missed {sorted(missing)}")
        if forbidden:
            problems.append(f"forbidden {sorted(forbidden)}")
        results.append(
            CaseResult(
                id=case.id,
                passed=passed,
                details="; ".join(problems) or "ok",
                data={
                    "decision": result.decision,
                    "urgency": result.urgency,
                    "found": sorted(found),
                    "must": sorted(must),
                    "must_not": sorted(must_not),
                    "tags": case.tags,
                },
            )
        )
    rows = []
    recalls, precisions = [], []
    for name in SIGNAL_TYPES:
        support = tp[name] + fn[name]
        recall = tp[name] / support if support else None
        precision = tp[name] / (tp[name] + fp[name]) if tp[name] + fp[name] else None
        if recall is not None:
            recalls.append(recall)
        if precision is not None:
            precisions.append(precision)
        elif support:
            precisions.append(0.0)
        rows.append([name, support, tp[name], fp[name], fn[name], _r(precision), _r(recall)])
    n = len(cases)
    metrics = {
        "decision_accuracy": decisions_right / n if n else 0.0,
        "signal_macro_recall": sum(recalls) / len(recalls) if recalls else 0.0,
        "signal_macro_precision": sum(precisions) / len(precisions) if precisions else 0.0,
        "injection_forbidden_signals": float(forbidden_injection),
        "verbatim_evidence_rate": verbatim / quotes if quotes else 1.0,
        "urgency_accuracy": urgency_right / urgency_total if urgency_total else 0.0,
        "forbidden_signals_all_cases": float(forbidden_total),
        "cases": float(n),
    }
    table = Table(
        title="Per-signal precision and recall",
        columns=["signal", "support", "tp", "fp", "fn", "precision", "recall"],
        rows=rows,
    )
    return SuiteResult(
        suite="triage",
        engine=triager.name,
        metrics=metrics,
        cases=results,
        tables=[table],
        seconds=time.perf_counter() - started,
    )


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
