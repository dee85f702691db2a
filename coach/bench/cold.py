"""Cold starts for `make bench`: a fresh `coach` process for one job, as a rep runs it.

The index is built first (`coach ingest`) and one run fills the cache folder (unpacked models,
exemplar vectors); then each command runs three times as a new process and the median counts.
A run with an empty cache folder (the very first command after installing) is reported too.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

EMAIL = (
    "Hi Sam,\n\nThe nightly export failed again, the third time this month. If it is not fixed by "
    "Friday we will cancel the contract.\n\nDana Smith\nHead of Operations, Acme Corp\n"
)


def _run(cmd: list[str], env: dict[str, str], stdin: str | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, input=stdin, text=True, capture_output=True, check=True)
    return time.perf_counter() - start


def bench_cold(rows: list[Any], work: Path) -> None:
    from coach.bench.common import Row

    coach = str(Path(sys.executable).with_name("coach"))
    email = work / "cold-email.txt"
    email.write_text(EMAIL, encoding="utf-8")
    env = {**os.environ, "COACH_DATA_DIR": str(work / "cold-data"),
           "COACH_CACHE_DIR": str(work / "cold-cache"), "COACH_ENGINE": "offline"}  # fmt: skip
    subprocess.run([coach, "ingest"], env=env, check=True, capture_output=True)
    first = _run([coach, "triage", str(email)], env)  # the cache folder is empty here
    rows.append(Row("cold: first `coach triage FILE` after install (empty cache)", first, "s"))
    jobs: list[tuple[str, list[str], str | None, float]] = [
        ("cold: `coach triage FILE` process (median of 3)", [coach, "triage", str(email)], None, 1.5),
        ("cold: one `coach chat` turn through a pipe (median of 3)", [coach, "chat", "--json"],
         "Acme says they will cancel over the failed exports.\n", 2.5),
        ("cold: `coach search` process (median of 3)",
         [coach, "search", "customer wants my manager"], None, 1.5),
    ]  # fmt: skip
    for label, cmd, stdin, target in jobs:
        value = statistics.median(_run(cmd, env, stdin) for _ in range(3))
        rows.append(Row(label, value, "s", f"<= {target:g} s", value <= target))


def register(benches: dict[str, Callable[[list[Any], Path], None]]) -> None:
    benches["cold"] = bench_cold
