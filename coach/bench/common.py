"""`make bench`: plain timing of what the issues set targets for, printed as a table.

Run with `python -m coach.bench [--only NAME ...]`. Uses a temporary data directory, so the user's
index is never touched. Numbers are wall-clock on this machine; run on an idle machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coach.settings import REPO_ROOT, Settings

SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@dataclass
class Row:
    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _tweets() -> list[str]:
    path = Path(os.environ.get("COACH_SHARED_DATA", SHARED_DATA)) / "x-ci-complaints.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", errors="replace") as fh:
        return [row["tweet"] for row in csv.DictReader(fh) if row.get("tweet")]


def synthetic_knowledge(target: Path, pages: int = 200, seed: int = 7) -> None:
    """Playbook-shaped pages: headings, bold pseudo-headings and bullets, with real text in them."""
    rng = random.Random(seed)
    lines = [
        ln.strip("- ").strip()
        for ln in (REPO_ROOT / "knowledge" / "escalation.md")
        .read_text(encoding="utf-8")
        .splitlines()
        if ln.startswith("- ")
    ]
    filler = _tweets() or lines
    target.mkdir(parents=True, exist_ok=True)
    for i in range(pages):
        parts = [f"# Playbook page {i}: account {rng.randint(100, 999)}\n"]
        for s in range(rng.randint(3, 6)):
            parts.append(f"## Section {s}: {rng.choice(lines)[:40]}\n")
            for b in range(rng.randint(1, 3)):
                parts.append(f"**Case {b}: {rng.choice(lines)[:30]}**\n")
                parts.extend(f"- {rng.choice(filler)}" for _ in range(rng.randint(2, 6)))
                parts.append("")
        (target / f"page-{i:03d}.md").write_text("\n".join(parts), encoding="utf-8")


def bench_retrieval(rows: list[Row], work: Path) -> None:
    from coach.playbook import retrieval
    from coach.playbook.store import open_store

    settings = Settings(data_dir=work / "real", knowledge_dir=REPO_ROOT / "knowledge")  # type: ignore[call-arg]
    store = open_store(settings)  # loads the model: not part of ingest time
    seconds = _timed(store.ingest)
    rows.append(Row("ingest: shipped knowledge base", seconds, "s", "<= 5 s", seconds <= 5))

    synth = work / "synthetic-kb"
    synthetic_knowledge(synth)
    big = Settings(data_dir=work / "synthetic", knowledge_dir=synth)  # type: ignore[call-arg]
    big_store = open_store(big)
    seconds = _timed(big_store.ingest)
    rows.append(
        Row(
            f"ingest: synthetic 200-page knowledge base ({big_store.collection.count()} records)",
            seconds,
            "s",
        )
    )

    # The retriever `coach search`, the chat and the app use: after an ingest it reads the
    # snapshot's vectors exactly in numpy (a shared Chroma server would be asked instead).
    retrieval._cache.clear()
    retriever = retrieval.get_retriever(settings)
    questions = [
        "the client says they'll walk, do I loop in my boss?",
        "what do I write to the customer when I bring in my VP",
        "is it too early to escalate, I only heard about it today",
        "engineering broke the integration again and they're furious",
        "they claim the SOW included SSO",
    ]
    for q in questions:  # warm up
        retriever.search(q)
    samples = []
    for i in range(200):
        start = time.perf_counter()
        retriever.search(f"{questions[i % len(questions)]} {i}", k=5)
        samples.append(time.perf_counter() - start)
    p50, p95 = _pct(samples, 0.5) * 1000, _pct(samples, 0.95) * 1000
    rows.append(Row("search: warm query p50", p50, "ms", "<= 15 ms", p50 <= 15))
    rows.append(Row("search: warm query p95", p95, "ms"))

    env = {**os.environ, "COACH_DATA_DIR": str(work / "real")}
    coach = str(Path(sys.executable).with_name("coach"))
    cold = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(
            [coach, "search", "customer wants my manager", "--json"],
            env=env,
            check=True,
            capture_output=True,
        )
        cold.append(time.perf_counter() - start)
    value = statistics.median(cold)
    rows.append(
        Row(
            "search: cold `coach search --json` process (median of 3)",
            value,
            "s",
            "<= 1.5 s",
            value <= 1.5,
        )
    )


BENCHES: dict[str, Callable[[list[Row], Path], None]] = {"retrieval": bench_retrieval}


def _register_optional() -> None:
    """Benchmarks of other capabilities live beside them; each registers if present."""
    for module in ("coach.bench.triage", "coach.bench.chat", "coach.bench.cold", "coach.bench.ui"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ModuleNotFoundError:
            continue
        mod.register(BENCHES)


def print_rows(rows: list[Row]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Escalation Coach benchmark")
    for col in ("measure", "value", "target", "verdict"):
        table.add_column(col)
    for r in rows:
        verdict = "" if r.ok is None else ("meets target" if r.ok else "MISSES target")
        table.add_row(r.name, f"{r.value:.2f} {r.unit}", r.target, verdict)
    Console().print(table)


def main(argv: list[str] | None = None) -> int:
    _register_optional()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHES), help="run only these")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        os.environ["COACH_DATA_DIR"] = str(Path(tmp) / "default")
        for name in args.only or list(BENCHES):
            BENCHES[name](rows, Path(tmp))
    print_rows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
