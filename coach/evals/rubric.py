"""Model-graded checks: the configured model grades the drafts of the drafts eval cases for tone,
ownership and no-blame (`prompts/rubric/`), 1-5 with a short reason, through structured output.

It runs only with `--engine openai`; with the offline engine it is reported as not run (skipped),
never as passing. The deterministic checks (guardrail findings, invented facts) run on the same
drafts beside the grades, and always run in the drafts suite.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from pydantic import BaseModel, Field

from coach.domain.casefile import CaseFile
from coach.evals.base import CaseResult, SuiteResult, SuiteSkipped, Table, load_cases
from coach.settings import Settings

CRITERIA = ("tone", "ownership", "no_blame")
KINDS = ("customer", "brief")
LOW_SCORE = 3  # a score below this fails the draft
PURPOSES = {
    "brief": "the rep's brief to their manager asking for help with an escalation.",
    "customer": "the rep's email to the frustrated customer, introducing a leader and proposing a call.",
    "call-prep": "the leader's notes to prepare the escalation call with the customer.",
    "follow-up": "the follow-through plan after the escalation call.",
}
NOT_RUN = (
    "model-graded rubric not run: it needs a model (--engine openai with OPENAI_API_KEY or "
    "OPENAI_BASE_URL); the deterministic draft checks run in the drafts suite"
)


class Score(BaseModel):
    score: int = Field(ge=1, le=5, description="1 (poor) to 5 (excellent)")
    reason: str = Field(description="one short sentence pointing at the words that decided it")


class DraftGrade(BaseModel):
    """The grade of one draft: a 1-5 score and a one-sentence reason for each criterion."""

    tone: Score
    ownership: Score
    no_blame: Score

    def scores(self) -> dict[str, int]:
        return {c: getattr(self, c).score for c in CRITERIA}


def grade(text: str, kind: str, case: CaseFile, settings: Settings) -> DraftGrade:
    """Ask the configured model (the one `build_chat_model` returns) to grade one draft."""
    from langchain_core.messages import HumanMessage, SystemMessage

    from coach.llm.models import invoke_structured
    from coach.llm.prompts import render

    system = render(
        "rubric/drafts.md.j2", settings, purpose=PURPOSES[kind], schema=DraftGrade.__name__
    )
    user = render(
        "rubric/drafts_user.md.j2",
        settings,
        facts=json.dumps(case.model_dump(exclude_defaults=True), indent=2, ensure_ascii=False),
        kind=kind,
        draft=text,
    )
    return invoke_structured([SystemMessage(system), HumanMessage(user)], DraftGrade, settings)


def run(
    settings: Settings,
    engine: str = "offline",
    kinds: Sequence[str] = KINDS,
    cases_file: str = "drafts.yaml",
) -> SuiteResult:
    if engine != "openai":
        raise SuiteSkipped(NOT_RUN)
    from coach.drafts.writer import get_writer, invented_facts
    from coach.evals.drafts import DraftCase
    from coach.llm.models import MODEL_FAILURES, failure_reason

    started = time.perf_counter()
    path = settings.evals_dir / cases_file
    if not path.is_file():
        raise SuiteSkipped(f"no {cases_file} in {settings.evals_dir}: no drafts to grade")
    cases = load_cases(path, DraftCase)
    writer = get_writer(settings, "openai")
    totals: dict[str, list[int]] = {c: [] for c in CRITERIA}
    per_kind: dict[str, dict[str, list[int]]] = {k: {c: [] for c in CRITERIA} for k in kinds}
    results: list[CaseResult] = []
    errors = low = findings_total = invented_total = from_model = 0
    for item in cases:
        for kind in kinds:
            draft = writer.write(kind, item.case)  # type: ignore[arg-type]
            from_model += draft.engine != "offline"
            findings = [f"{f.code}: {f.quote}" for f in draft.findings]
            invented = invented_facts(draft.markdown, item.case, settings)
            findings_total += len(findings)
            invented_total += len(invented)
            problems = [f"guardrails: {findings}"] if findings else []
            if invented:
                problems.append(f"invented facts: {invented}")
            data: dict[str, object] = {"engine": draft.engine}
            summary = ""
            try:
                graded = grade(draft.checked_text, kind, item.case, settings)
            except MODEL_FAILURES as exc:
                errors += 1
                problems.insert(0, f"not graded: {failure_reason(exc)}")
            else:
                scores = graded.scores()
                for c, s in scores.items():
                    totals[c].append(s)
                    per_kind[kind][c].append(s)
                lows = {c: s for c, s in scores.items() if s < LOW_SCORE}
                low += len(lows)
                if lows:
                    problems.insert(
                        0,
                        "; ".join(
                            f"{c} {s}/5: {getattr(graded, c).reason}" for c, s in lows.items()
                        ),
                    )
                data["grade"] = graded.model_dump()
                summary = ", ".join(f"{c} {s}/5" for c, s in scores.items())
            results.append(
                CaseResult(
                    id=f"rubric/{item.id}/{kind}",
                    passed=not problems,
                    details="; ".join(problems) or summary,
                    data=data,
                )
            )
    graded_n = len(totals["tone"])
    metrics = {f"rubric_{c}_mean": _mean(totals[c]) for c in CRITERIA}
    metrics.update(
        {
            "rubric_min_score": float(min((min(v) for v in totals.values() if v), default=0)),
            "rubric_low_scores": float(low),
            "rubric_graded": float(graded_n),
            "rubric_errors": float(errors),
            "guardrail_findings": float(findings_total),
            "invented_facts": float(invented_total),
            "model_drafts_share": round(from_model / len(results), 4) if results else 0.0,
        }
    )
    table = Table(
        title="Rubric: mean score by draft kind (1-5)",
        columns=["kind", *CRITERIA],
        rows=[[k, *(_mean(per_kind[k][c]) for c in CRITERIA)] for k in kinds],
    )
    return SuiteResult(
        suite="rubric",
        engine=engine,
        metrics=metrics,
        cases=results,
        tables=[table],
        seconds=time.perf_counter() - started,
    )


def _mean(values: list[int]) -> float:
    return round(sum(values) / len(values), 3) if values else 0.0
