"""The chat eval: scripted conversations run through the real coach, graded on its questions, its
final recommendation and the facts its brief carries.

Each case in `evals/chat.yaml` lists the rep's lines and the items each line reveals. A question
is graded against those reveals (the ground truth), not against what the coach understood.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from coach.evals.base import CaseResult, SuiteResult, Table, load_cases
from coach.settings import Settings

ITEMS = (
    "customer", "problem", "customer_wants", "tried", "business_impact", "ask",
    "proposed_next_steps", "tried_yourself", "root_cause_understood",
    "communicated_transparently", "clear_ask", "right_time", "manager_briefed",
)  # fmt: skip
EQUIVALENT = {
    "tried": "tried_yourself",
    "tried_yourself": "tried",
    "problem": "root_cause_understood",
    "root_cause_understood": "problem",
    "ask": "clear_ask",
    "clear_ask": "ask",
}
Item = Literal[
    "customer", "problem", "customer_wants", "tried", "business_impact", "ask",
    "proposed_next_steps", "tried_yourself", "root_cause_understood",
    "communicated_transparently", "clear_ask", "right_time", "manager_briefed",
]  # fmt: skip


class ChatTurn(BaseModel):
    say: str
    reveals: list[Item] = Field(default_factory=list)


class ChatExpect(BaseModel):
    recommendation: Literal["escalate_now", "not_yet", "do_not_escalate"]
    facts: list[str] = Field(default_factory=list)


class ChatCase(BaseModel):
    id: str
    description: str = ""
    turns: list[ChatTurn] = Field(min_length=1)
    expect: ChatExpect


def _canon(item: str) -> set[str]:
    return {item, EQUIVALENT[item]} if item in EQUIVALENT else {item}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


class Graded(BaseModel):
    asked: int = 0
    asked_open: int = 0
    already_answered: int = 0
    repeated: int = 0
    recommendation: str | None = None
    correct: bool = False
    facts: int = 0
    facts_found: int = 0
    missing: list[str] = Field(default_factory=list)
    turn_ms: list[float] = Field(default_factory=list)


def run_case(case: ChatCase, settings: Settings, retriever: object | None = None) -> Graded:
    """Play one conversation in a data directory of its own and grade it."""
    from coach.chat.agent import close_checkpointers
    from coach.chat.conversation import run_turn
    from coach.domain.casefile import CaseFile
    from coach.drafts.writer import OfflineWriter

    graded = Graded()
    with tempfile.TemporaryDirectory(prefix="coach-chat-eval-") as tmp:
        local = settings.model_copy(update={"data_dir": Path(tmp)})
        revealed: set[str] = set()
        counts: Counter[str] = Counter()
        result = None
        for turn in case.turns:
            for item in turn.reveals:
                revealed |= _canon(item)
            start = time.perf_counter()
            result = run_turn(case.id, turn.say, local, retriever=retriever)  # type: ignore[arg-type]
            graded.turn_ms.append((time.perf_counter() - start) * 1000)
            for name in result.asked:
                graded.asked += 1
                counts[name] += 1
                if _canon(name) & revealed:
                    graded.already_answered += 1
                else:
                    graded.asked_open += 1
        close_checkpointers()
    assert result is not None
    graded.repeated = sum(1 for n in counts.values() if n > 1)
    graded.recommendation = result.recommendation
    graded.correct = result.recommendation == case.expect.recommendation
    brief = OfflineWriter(settings).write("brief", CaseFile.model_validate(result.case)).markdown
    graded.facts = len(case.expect.facts)
    for fact in case.expect.facts:
        if _norm(fact) in _norm(brief):
            graded.facts_found += 1
        else:
            graded.missing.append(fact)
    return graded


def run(settings: Settings, engine: str = "offline") -> SuiteResult:
    from coach.playbook.retrieval import get_retriever

    started = time.perf_counter()
    cases = load_cases(settings.evals_dir / "chat.yaml", ChatCase)
    settings = settings.model_copy(update={"engine": engine})
    retriever = get_retriever(settings)
    results: list[CaseResult] = []
    totals = Graded()
    correct = 0
    rows = []
    for case in cases:
        g = run_case(case, settings, retriever)
        correct += g.correct
        for name in ("asked", "asked_open", "already_answered", "repeated", "facts", "facts_found"):
            setattr(totals, name, getattr(totals, name) + getattr(g, name))
        totals.turn_ms += g.turn_ms
        passed = g.correct and g.repeated == 0 and not g.missing and g.already_answered == 0
        details = (
            f"recommendation {g.recommendation} (expected {case.expect.recommendation}); "
            f"asked {g.asked}, repeated {g.repeated}, already answered {g.already_answered}"
            + (f"; missing facts: {g.missing}" if g.missing else "")
        )
        results.append(CaseResult(id=case.id, passed=passed, details=details, data=g.model_dump()))
        rows.append([case.id, g.recommendation, case.expect.recommendation, g.asked, g.repeated,
                     g.already_answered, f"{g.facts_found}/{g.facts}"])  # fmt: skip
    times = sorted(totals.turn_ms)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))] if times else 0.0
    metrics = {
        "repeated_questions": float(totals.repeated),
        "questions_on_open_items": totals.asked_open / totals.asked if totals.asked else 1.0,
        "questions_already_answered": float(totals.already_answered),
        "recommendation_accuracy": correct / len(cases) if cases else 0.0,
        "facts_carried": totals.facts_found / totals.facts if totals.facts else 1.0,
        "turn_p95_ms": round(p95, 1),
    }
    table = Table(
        title="Conversations",
        columns=[
            "case",
            "recommendation",
            "expected",
            "asked",
            "repeated",
            "already answered",
            "facts",
        ],
        rows=rows,
    )
    return SuiteResult(
        suite="chat",
        engine=engine,
        metrics=metrics,
        cases=results,
        tables=[table],
        seconds=time.perf_counter() - started,
    )
