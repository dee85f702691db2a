"""Retrieval eval: do reps' questions find the passage that answers them?

Reports recall@1/3/5 and MRR for each ranker alone (vector, BM25, multilingual) and hybrid.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from coach.evals.base import CaseResult, SuiteResult, Table, load_cases
from coach.playbook.retrieval import Mode
from coach.settings import Settings

MODES: tuple[Mode, ...] = ("vector", "bm25", "multilingual", "hybrid")
SINGLE: tuple[Mode, ...] = ("vector", "bm25", "multilingual")
METRICS = ("recall@1", "recall@3", "recall@5", "mrr")


class RetrievalCase(BaseModel):
    id: str
    question: str = Field(min_length=1)
    expected: list[str] = Field(min_length=1)
    source: str | None = None  # restrict the match to one file when given


def _rank(sections: list[tuple[str, str]], case: RetrievalCase) -> int | None:
    for rank, (source, section) in enumerate(sections, 1):
        base = section.split(" (", 1)[0]  # "Trail (2/3)" parts of a long section count
        if base in case.expected and (case.source is None or case.source == source):
            return rank
    return None


def run(settings: Settings, engine: str = "offline") -> SuiteResult:
    from coach.playbook.retrieval import get_retriever

    cases = load_cases(settings.evals_dir / "retrieval.yaml", RetrievalCase)
    retriever = get_retriever(settings)
    ranks: dict[str, list[int | None]] = {m: [] for m in MODES}
    results = []
    for case in cases:
        per_mode = {}
        for mode in MODES:
            hits = retriever.search(case.question, k=10, mode=mode)
            rank = _rank([(h.source, h.section) for h in hits], case)
            ranks[mode].append(rank)
            per_mode[mode] = rank
        hybrid = per_mode["hybrid"]
        results.append(
            CaseResult(
                id=case.id,
                passed=hybrid is not None and hybrid <= 3,
                details=f"hybrid rank {hybrid}, vector {per_mode['vector']}, bm25 {per_mode['bm25']}, "
                f"multilingual {per_mode['multilingual']}"
                + ("" if hybrid and hybrid <= 3 else f"; expected {case.expected}"),
                data={"question": case.question, "ranks": per_mode},
            )
        )
    scores = {mode: _scores(ranks[mode]) for mode in MODES}
    metrics = {f"{mode}_{name}": value for mode in MODES for name, value in scores[mode].items()}
    metrics["hybrid_vs_best_single_worst_gap"] = min(
        scores["hybrid"][m] - max(scores[single][m] for single in SINGLE) for m in METRICS
    )
    metrics["questions"] = float(len(cases))
    for extra in sorted(settings.evals_dir.glob("retrieval_*.yaml")):
        # Further question sets (for example a held-out set) are reported, not gated.
        extra_cases = load_cases(extra, RetrievalCase)
        extra_ranks = [
            _rank([(h.source, h.section) for h in retriever.search(c.question, k=10)], c)
            for c in extra_cases
        ]
        for name, value in _scores(extra_ranks).items():
            metrics[f"{extra.stem}_hybrid_{name}"] = value
    table = Table(
        title="Retrieval: each ranker alone vs hybrid",
        columns=["metric", *MODES],
        rows=[[m, *(round(scores[mode][m], 3) for mode in MODES)] for m in METRICS],
    )
    return SuiteResult(
        suite="retrieval", engine=engine, metrics=metrics, cases=results, tables=[table]
    )


def _scores(ranks: list[int | None]) -> dict[str, float]:
    n = max(1, len(ranks))
    return {
        "recall@1": sum(1 for r in ranks if r and r <= 1) / n,
        "recall@3": sum(1 for r in ranks if r and r <= 3) / n,
        "recall@5": sum(1 for r in ranks if r and r <= 5) / n,
        "mrr": sum(1.0 / r for r in ranks if r) / n,
    }
