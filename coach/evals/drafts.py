"""The drafts suite: briefs, drafts and readiness warnings on labelled case files, and the
guardrails on labelled snippets.

Metrics (names are the contract in evals/thresholds.yaml):
- facts_carried: share of each case's expected facts found in its brief (micro).
- invented_facts: numbers, dates and capitalised names in any draft that neither the case file nor
  the coach's templates and playbook contain (count over every draft of every case).
- own_draft_guardrail_findings: guardrail findings on every draft the coach writes (count).
- warning_precision / warning_recall: readiness warning codes against the labels (micro).
- guardrail_precision / guardrail_recall: finding codes on evals/guardrails.yaml (micro).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Literal

from pydantic import BaseModel, Field

from coach.domain.casefile import CaseFile
from coach.evals.base import CaseResult, SuiteResult, Table, load_cases
from coach.settings import Settings


class DraftExpect(BaseModel):
    warnings: list[str] = Field(default_factory=list)
    facts: list[str] = Field(default_factory=list)
    must_not_contain: list[str] = Field(default_factory=list)


class DraftCase(BaseModel):
    id: str
    description: str = ""
    case: CaseFile
    expect: DraftExpect = Field(default_factory=DraftExpect)


class GuardrailCase(BaseModel):
    id: str
    kind: Literal["customer", "manager", "any"] = "any"
    text: str
    authorised: list[str] = Field(default_factory=list)
    findings: list[str] = Field(default_factory=list)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().lower()


def _ratio(num: float, den: float) -> float:
    return num / den if den else 1.0


class _Counts:
    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.fp: Counter[str] = Counter()
        self.fn: Counter[str] = Counter()

    def add(self, predicted: set[str], expected: set[str]) -> None:
        self.tp.update(predicted & expected)
        self.fp.update(predicted - expected)
        self.fn.update(expected - predicted)

    def precision(self) -> float:
        return _ratio(sum(self.tp.values()), sum(self.tp.values()) + sum(self.fp.values()))

    def recall(self) -> float:
        return _ratio(sum(self.tp.values()), sum(self.tp.values()) + sum(self.fn.values()))

    def table(self, title: str) -> Table:
        rows = []
        for code in sorted(set(self.tp) | set(self.fp) | set(self.fn)):
            tp, fp, fn = self.tp[code], self.fp[code], self.fn[code]
            rows.append(
                [code, tp, fp, fn, round(_ratio(tp, tp + fp), 3), round(_ratio(tp, tp + fn), 3)]
            )
        return Table(
            title=title, columns=["code", "tp", "fp", "fn", "precision", "recall"], rows=rows
        )


def run(settings: Settings, engine: str = "offline") -> SuiteResult:
    from coach import guardrails
    from coach.domain.readiness import warning_codes
    from coach.drafts.writer import DRAFT_KINDS, get_writer, invented_facts

    started = time.perf_counter()
    writer = get_writer(settings, engine)
    draft_cases = load_cases(settings.evals_dir / "drafts.yaml", DraftCase)
    snippets = load_cases(settings.evals_dir / "guardrails.yaml", GuardrailCase)

    results: list[CaseResult] = []
    warnings = _Counts()
    facts_found = facts_total = invented_total = findings_total = forbidden_total = 0
    for item in draft_cases:
        case = item.case
        drafts = {kind: writer.write(kind, case) for kind in DRAFT_KINDS}
        brief = _norm(drafts["brief"].markdown)
        missing = [f for f in item.expect.facts if _norm(f) not in brief]
        facts_found += len(item.expect.facts) - len(missing)
        facts_total += len(item.expect.facts)
        invented = {k: invented_facts(d.markdown, case, settings) for k, d in drafts.items()}
        findings = {k: [f"{f.code}: {f.quote}" for f in d.findings] for k, d in drafts.items()}
        everything = _norm("\n".join(d.markdown for d in drafts.values()))
        forbidden = [s for s in item.expect.must_not_contain if _norm(s) in everything]
        predicted, expected = set(warning_codes(case)), set(item.expect.warnings)
        warnings.add(predicted, expected)
        n_invented = sum(len(v) for v in invented.values())
        n_findings = sum(len(v) for v in findings.values())
        invented_total += n_invented
        findings_total += n_findings
        forbidden_total += len(forbidden)
        ok = not missing and not n_invented and not n_findings and not forbidden
        ok = ok and predicted == expected
        problems = []
        if predicted != expected:
            extra, missed = sorted(predicted - expected), sorted(expected - predicted)
            problems.append(f"warnings: extra {extra}, missed {missed}")
        if missing:
            problems.append(f"facts missing from the brief: {missing}")
        if n_invented:
            problems.append(f"invented: { {k: v for k, v in invented.items() if v} }")
        if n_findings:
            problems.append(f"own findings: { {k: v for k, v in findings.items() if v} }")
        if forbidden:
            problems.append(f"must not contain: {forbidden}")
        results.append(
            CaseResult(
                id=f"drafts/{item.id}",
                passed=ok,
                details="; ".join(problems),
                data={"warnings": sorted(predicted), "expected": sorted(expected)},
            )
        )

    rails = _Counts()
    for snip in snippets:
        found = guardrails.check(snip.text, snip.kind, snip.authorised)
        predicted, expected = {f.code for f in found}, set(snip.findings)
        rails.add(predicted, expected)
        results.append(
            CaseResult(
                id=f"guardrails/{snip.id}",
                passed=predicted == expected,
                details=""
                if predicted == expected
                else f"found {sorted(predicted)}, expected {sorted(expected)}",
                data={"findings": [f.model_dump() for f in found]},
            )
        )

    metrics = {
        "facts_carried": round(_ratio(facts_found, facts_total), 4),
        "invented_facts": float(invented_total),
        "own_draft_guardrail_findings": float(findings_total),
        "warning_precision": round(warnings.precision(), 4),
        "warning_recall": round(warnings.recall(), 4),
        "guardrail_precision": round(rails.precision(), 4),
        "guardrail_recall": round(rails.recall(), 4),
        "must_not_contain_violations": float(forbidden_total),
        "draft_cases": float(len(draft_cases)),
        "guardrail_snippets": float(len(snippets)),
    }
    return SuiteResult(
        suite="drafts",
        engine=writer.engine,
        metrics=metrics,
        cases=results,
        tables=[warnings.table("Readiness warnings"), rails.table("Guardrail findings")],
        seconds=round(time.perf_counter() - started, 3),
    )
