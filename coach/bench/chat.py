"""`make bench`: how fast an offline chat turn is, warm (retriever, embeddings and graph cached)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCRIPT = (
    "Acme is threatening to cancel because the data sync keeps failing.",
    "They want a fix date and a credit for the downtime.",
    "No, not yet.",
    "It's a $250k ARR renewal next month.",
    "I restarted the sync job twice and opened a P1 with engineering.",
    "I need my VP to join a call with their CTO this week.",
    "I plan to offer a weekly status call.",
    "what do you know so far?",
    "write the brief",
    "draft the customer email",
)


def bench_chat(rows: list[Any], work: Path) -> None:
    from coach.bench.common import Row
    from coach.chat.conversation import run_turn
    from coach.settings import get_settings

    settings = get_settings(COACH_DATA_DIR=str(work / "chat"), engine="offline")
    run_turn("bench-warm", "Globex is upset about late invoices.", settings)
    samples: list[float] = []
    for round_ in range(5):
        for line in SCRIPT:
            start = time.perf_counter()
            run_turn(f"bench-{round_}", line, settings)
            samples.append(time.perf_counter() - start)
    samples.sort()
    p50 = samples[len(samples) // 2] * 1000
    p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))] * 1000
    rows.append(Row("chat: offline turn p50", p50, "ms"))
    rows.append(Row("chat: offline turn p95", p95, "ms", "<= 300 ms", p95 <= 300))


def register(benches: dict[str, Callable[[list[Any], Path], None]]) -> None:
    benches["chat"] = bench_chat
