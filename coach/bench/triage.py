"""Triage timings for `make bench`: one email warm (p50/p95) and batch throughput on real tweets."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coach.bench.common import REPO_ROOT, Row, _pct, _tweets


def _emails() -> list[str]:
    """Distinct emails (the eval sets), so no measurement is a repeat of an earlier one."""
    texts: list[str] = []
    for name in ("triage.jsonl", "triage_heldout.jsonl"):
        path = REPO_ROOT / "evals" / name
        if path.is_file():
            texts.extend(
                json.loads(line)["text"]
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()
            )
    return texts


def bench_triage(rows: list[Row], work: Path) -> None:
    from coach.settings import Settings
    from coach.triage.batch import BATCH_CHUNK  # the chunking `coach triage --batch` uses
    from coach.triage.engine import get_engine

    settings = Settings(data_dir=work / "triage", knowledge_dir=REPO_ROOT / "knowledge")  # type: ignore[call-arg]
    engine = get_engine(settings, "offline")
    engine.triage("Warm-up: we are unhappy with the last release and want a call.")
    samples = []
    for text in _emails():
        start = time.perf_counter()
        engine.triage(text)
        samples.append(time.perf_counter() - start)
    if samples:
        p50, p95 = _pct(samples, 0.5) * 1000, _pct(samples, 0.95) * 1000
        rows.append(
            Row(
                f"triage: one email, warm, p50 ({len(samples)} distinct emails)",
                p50,
                "ms",
                "<= 20 ms",
                p50 <= 20,
            )
        )
        rows.append(Row("triage: one email, warm, p95", p95, "ms"))

    tweets = _tweets()
    if tweets:
        start = time.perf_counter()
        for i in range(0, len(tweets), BATCH_CHUNK):
            engine.triage_many(tweets[i : i + BATCH_CHUNK])
        rate = len(tweets) / (time.perf_counter() - start)
        rows.append(
            Row(
                f"triage: batch throughput ({len(tweets)} real tweets)",
                rate,
                "texts/s",
                ">= 100/s",
                rate >= 100,
            )
        )


def register(benches: dict[str, Callable[[list[Any], Path], None]]) -> None:
    benches["triage"] = bench_triage
