"""The request suite: what reps ask the coach to do (`evals/requests*.yaml`): the message to the
manager, the customer email, what the playbook says, whether to escalate now, corrections, the call
prep and the follow-up plan. Each case plays the rep's context lines through the real coach, then the
request, and grades the reply.

Metrics (each set on its own; a set whose name starts with `requests_fresh` was written blind and is
reported as figures only, never case by case, so nobody tunes on it):
- answered: replies that hold every `answer_contains` text and none of `answer_not_contains`
  (case-insensitive);
- cited: of the cases naming playbook sections, replies whose sources include one of them;
- placeholders: template placeholders left in a reply for a fact the conversation gave (a leader or
  manager placeholder once a name was said; "[your name]" is the rep's to sign).
"""

from __future__ import annotations

import re
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, Field

from coach.evals.base import CaseResult, SuiteResult, Table, load_cases
from coach.settings import Settings

PLACEHOLDER = re.compile(r"\[[A-Za-z][\w ,./-]{1,40}\]")


class RequestCase(BaseModel):
    id: str
    kind: str
    context: list[str] = Field(default_factory=list)
    request: str
    answer_contains: list[str] = Field(default_factory=list)
    answer_not_contains: list[str] = Field(default_factory=list)
    cites: list[str] = Field(default_factory=list)


class Graded(BaseModel):
    answered: bool = False
    missing: list[str] = Field(default_factory=list)
    forbidden: list[str] = Field(default_factory=list)
    cited: bool | None = None
    placeholders: int = 0
    turn_ms: float = 0.0


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _section(trail: str) -> str:
    """A section trail without emoji or stray marks, for comparison."""
    return _norm(re.sub(r"[^\w\s>:&/-]", "", trail))


def run_case(case: RequestCase, settings: Settings, playbook: str = "") -> Graded:
    from coach.chat.agent import close_checkpointers
    from coach.chat.conversation import run_turn

    graded = Graded()
    with tempfile.TemporaryDirectory(prefix="coach-request-eval-") as tmp:
        local = settings.model_copy(update={"data_dir": Path(tmp)})
        for line in case.context:
            run_turn(case.id, line, local)
        start = time.perf_counter()
        result = run_turn(case.id, case.request, local)
        graded.turn_ms = (time.perf_counter() - start) * 1000
        close_checkpointers()
    reply = _norm(result.reply)
    graded.missing = [x for x in case.answer_contains if _norm(x) not in reply]
    graded.forbidden = [x for x in case.answer_not_contains if _norm(x) in reply]
    graded.answered = not graded.missing and not graded.forbidden
    if case.cites:
        sources = [_section(f"{c.source} > {c.section}") for c in result.citations]
        sources += [_section(s) for s in re.findall(r"_Sources: (.*?)_", result.reply)]
        wanted = [_section(c) for c in case.cites]
        graded.cited = any(w in s for w in wanted for s in sources)
    named = bool(result.case.get("leader_name") or result.case.get("manager_name"))
    for found in PLACEHOLDER.findall(result.reply):
        low = found.lower()
        if found in playbook:
            continue  # the playbook's own template, quoted as the answer
        if low == "[your name]" or (low.startswith(("[leader", "[name", "[title")) and not named):
            continue
        graded.placeholders += 1
    return graded


def _metrics(graded: list[Graded]) -> dict[str, float]:
    cited = [g.cited for g in graded if g.cited is not None]
    return {
        "answered": sum(g.answered for g in graded) / len(graded) if graded else 0.0,
        "cited": sum(cited) / len(cited) if cited else 0.0,
        "placeholders": float(sum(g.placeholders for g in graded)),
        "requests": float(len(graded)),
    }


def run(settings: Settings, engine: str = "offline") -> SuiteResult:
    started = time.perf_counter()
    settings = settings.model_copy(update={"engine": engine})
    metrics: dict[str, float] = {}
    results: list[CaseResult] = []
    rows: list[list[object]] = []
    for path in sorted(settings.evals_dir.glob("requests*.yaml")):
        cases = load_cases(path, RequestCase)
        playbook = "\n".join(
            p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(settings.knowledge_dir.rglob("*.md"))
        )
        graded = [run_case(c, settings, playbook) for c in cases]
        for name, value in _metrics(graded).items():
            metrics[f"{path.stem}_{name}"] = value
        by_kind: dict[str, list[Graded]] = defaultdict(list)
        for c, g in zip(cases, graded, strict=True):
            by_kind[c.kind].append(g)
        for kind, group in sorted(by_kind.items()):
            m = _metrics(group)
            rows.append([path.stem, kind, len(group), f"{m['answered']:.2f}",
                         f"{m['cited']:.2f}" if any(g.cited is not None for g in group) else "-",
                         int(m["placeholders"])])  # fmt: skip
        if path.stem.startswith("requests_fresh"):
            continue  # blind: figures only
        for c, g in zip(cases, graded, strict=True):
            problems = [f"missing {g.missing}"] if g.missing else []
            problems += [f"holds {g.forbidden}"] if g.forbidden else []
            problems += ["cites none of the sections"] if g.cited is False else []
            problems += [f"{g.placeholders} placeholder(s)"] if g.placeholders else []
            results.append(
                CaseResult(
                    id=f"{path.stem}:{c.id}",
                    passed=not problems,
                    details="; ".join(problems) or "ok",
                    data=g.model_dump(),
                )
            )
    table = Table(
        title="Rep requests by kind",
        columns=["set", "kind", "requests", "answered", "cited", "placeholders"],
        rows=rows,
    )
    return SuiteResult(
        suite="requests",
        engine=engine,
        metrics=metrics,
        cases=results,
        tables=[table],
        seconds=time.perf_counter() - started,
    )
