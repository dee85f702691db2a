"""The cache folder: compiled patterns kept on disk behave exactly as `re.compile` does."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from coach import cache
from coach.guardrails import rules

SAMPLES = [
    "Support ignored your ticket for a week, and the vendor botched the migration.",
    "It was the hosting provider's fault, not ours. Great job, infra.",
    "We take ownership of the delay; our team will fix it by Friday.",
    "Dave forgot to renew the certificate (thanks to our contractor).",
]


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache, "_PROGRAMS", {})
    monkeypatch.setattr(cache, "_programs_state", {"loaded": False, "dirty": False})
    return tmp_path


def _same(a: re.Pattern[str], b: re.Pattern[str]) -> None:
    assert a.flags == b.flags and a.groups == b.groups and a.groupindex == b.groupindex
    for text in SAMPLES:
        assert [(m.span(), m.groups()) for m in a.finditer(text)] == [
            (m.span(), m.groups()) for m in b.finditer(text)
        ]


def test_a_pattern_read_back_from_disk_matches_as_compiled(fresh: Path) -> None:
    sources = [p._source for p in (*rules._SUBJECT_PATTERNS, *rules._BLAME_PATTERNS)][:6]
    sources.append(r"(?P<who>\b[A-Z]\w+)\s+(?:forgot|broke)\b(?P<rest>.*)")
    flags = re.IGNORECASE | re.VERBOSE
    first = [cache.pattern(s, flags) for s in sources]
    cache._save_programs()
    saved = list(fresh.glob("regex-*.json"))
    assert len(saved) == 1
    cache._PROGRAMS.clear()
    cache._programs_state.update(loaded=False, dirty=False)
    again = [cache.pattern(s, flags) for s in sources]
    assert not cache._programs_state["dirty"]  # every program came from the file
    for a, b, s in zip(first, again, sources, strict=True):
        _same(a, re.compile(s, flags))
        _same(b, re.compile(s, flags))


def test_a_damaged_file_only_costs_the_compilation(fresh: Path) -> None:
    cache._programs_path().parent.mkdir(parents=True, exist_ok=True)
    cache._programs_path().write_text('[["not", "a program"]]')
    compiled = cache.pattern(r"\bdeadline\b", re.IGNORECASE)
    assert compiled.search("The DEADLINE moved")
    cache._PROGRAMS[(r"\bx\b", 0)] = (0, b"\x01\x02", 0, {}, ())  # a program from nowhere
    assert cache.pattern(r"\bx\b").search("a x b")


def test_a_second_process_reads_the_programs_the_first_one_wrote(fresh: Path) -> None:
    script = (
        "from coach import cache\n"
        "from coach.guardrails import rules\n"
        "rules.blame_in('Support ignored your ticket.')\n"
        "print(cache._programs_state['dirty'])\n"
    )
    env = {"COACH_CACHE_DIR": str(fresh), "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert first.stdout.strip() == "True", first.stderr
    assert second.stdout.strip() == "False", second.stderr
