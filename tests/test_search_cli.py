"""`coach search` and `coach ingest` as a user runs them: a real process, real index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

COACH = str(Path(sys.executable).with_name("coach"))


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [COACH, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_json_contract_best_first() -> None:
    proc = run(
        "search", "the client says they'll walk, do I loop in my boss?", "--json", "--k", "4"
    )
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert isinstance(hits, list) and len(hits) == 4
    for hit in hits:
        assert {"source", "section", "text", "score"} <= hit.keys()
        assert hit["source"] == "escalation.md" and hit["text"]
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    sections = [h["section"] for h in hits[:3]]
    assert "Common Escalation Scenarios > Customer Threatening to Cancel" in sections


def test_human_output_shows_trail_source_and_snippet() -> None:
    proc = run("search", "what should I tell my manager", "--k", "2")
    assert proc.returncode == 0, proc.stderr
    assert "escalation.md" in proc.stdout
    assert "To Your Manager" in proc.stdout or "Escalate Internally First" in proc.stdout


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_query_is_one_line_and_exit_2(query: str) -> None:
    proc = run("search", query)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "empty" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_100k_character_query_is_handled() -> None:
    query = ("customer threatening to cancel because of repeated outages " * 2000)[:100_000]
    proc = run("search", query, "--json", "--k", "3")
    assert proc.returncode == 0, proc.stderr[-500:]
    assert len(json.loads(proc.stdout)) == 3


def test_bad_k_is_rejected_cleanly() -> None:
    proc = run("search", "manager", "--k", "0")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_missing_knowledge_dir_is_a_clear_error(tmp_path: Path) -> None:
    proc = run(
        "search",
        "manager",
        env={"COACH_KNOWLEDGE_DIR": str(tmp_path / "nope"), "COACH_DATA_DIR": str(tmp_path / "d")},
    )
    assert proc.returncode == 2
    assert "knowledge directory" in proc.stderr and "Traceback" not in proc.stderr


def test_ingest_reports_changes_then_nothing(tmp_path: Path) -> None:
    kdir = tmp_path / "kb"
    kdir.mkdir()
    (kdir / "page.md").write_text("## Renewals\n\n**Escalate If:**\n\n- The renewal is at risk\n")
    env = {"COACH_KNOWLEDGE_DIR": str(kdir), "COACH_DATA_DIR": str(tmp_path / "data")}
    first = run("ingest", env=env)
    assert first.returncode == 0, first.stderr
    assert "1 added" in first.stdout
    second = run("ingest", env=env)
    assert "1 unchanged" in second.stdout and "0 added" in second.stdout
    hits = json.loads(run("search", "renewal at risk", "--json", env=env).stdout)
    assert hits[0]["section"] == "Renewals > Escalate If"


def test_a_section_pasted_twice_is_one_passage_and_the_index_builds(tmp_path: Path) -> None:
    """Two identical sections gave two passages with one id: ingest, search and triage all
    ended in a traceback (DuplicateIDError). A right-to-left override in the page is written
    as its escape in --json, so it cannot reorder what the terminal shows."""
    kdir = tmp_path / "kb"
    kdir.mkdir()
    section = "## Question\n\nAsk your manager \u202eabc.\n\n"
    (kdir / "faq.md").write_text("# FAQ\n\n" + section * 2, encoding="utf-8")
    env = {"COACH_KNOWLEDGE_DIR": str(kdir), "COACH_DATA_DIR": str(tmp_path / "data")}
    built = run("ingest", env=env)
    assert built.returncode == 0, built.stderr
    assert "1 passages embedded" in " ".join(built.stdout.split())
    found = run("search", "ask my manager", "--json", env=env)
    assert found.returncode == 0, found.stderr
    assert "\u202e" not in found.stdout and "\\u202e" in found.stdout
    assert json.loads(found.stdout)[0]["text"].endswith("\u202eabc.")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["search", "manager", "--bogus"], "No such option: --bogus"),
        (["brief"], "Missing argument"),
        (["nosuchcmd"], "No such command"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(args: list[str], says: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("coach: ")
    assert says in proc.stderr


def test_the_human_output_reads_as_passages_not_scores(settings: Any) -> None:
    """No fusion scores unless asked (--verbose); a template is one message, not cut lines."""
    env = {**os.environ, "COACH_DATA_DIR": str(settings.data_dir)}
    run = [sys.executable, "-m", "coach", "search", "what do I send my manager", "-k", "3"]
    plain = subprocess.run(run, env=env, capture_output=True, text=True, timeout=300)
    assert plain.returncode == 0, plain.stderr
    assert "score" not in plain.stdout and "To Your Manager" in plain.stdout
    template = next(line for line in plain.stdout.splitlines() if line.startswith('"Hey'))
    assert template.rstrip().endswith('proceed?"')  # the whole template on one line
    verbose = subprocess.run([*run, "--verbose"], env=env, capture_output=True, text=True,
                             timeout=300)  # fmt: skip
    assert "score 0." in verbose.stdout


def test_ingest_reports_progress_on_a_pipe(tmp_path: Path) -> None:
    """Not on a terminal (a CI job, a server's log), ingest prints one line a page."""
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    for name in ("a", "b", "c"):
        (knowledge / f"{name}.md").write_text(f"# Page {name}\n\n## Step\n\n- Do {name} first\n")
    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data"),
           "COACH_KNOWLEDGE_DIR": str(knowledge)}  # fmt: skip
    proc = subprocess.run([sys.executable, "-m", "coach", "ingest"], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("Embedding")]
    assert lines == [f"Embedding playbook pages: {i}/3 ({n}.md)" for i, n in enumerate("abc", 1)]


def test_a_page_name_with_escape_sequences_is_printed_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from types import SimpleNamespace

    from coach.cli.search import _lines

    items = [SimpleNamespace(source="red\x1b[31mpage.md")]
    assert list(_lines(items, 1, "Embedding playbook pages")) == items
    err = capsys.readouterr().err
    assert "\x1b" not in err and "red\\x1b[31mpage.md" in err


def test_a_page_name_with_a_line_break_cannot_forge_a_line(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    from types import SimpleNamespace

    from coach.cli.search import _lines
    from coach.playbook.knowledge import _skip

    forged = "x\nskipped escalation.md: forged line.md"
    list(_lines([SimpleNamespace(source=forged)], 1, "Embedding playbook pages"))
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "x\\nskipped" in err
    _skip(Path(forged), "not markdown")
    assert all("\n" not in r.getMessage() for r in caplog.records)


def test_ingest_builds_the_multilingual_index_so_the_first_search_does_not(
    tmp_path: Path,
) -> None:
    """A large page once made the first search after `coach ingest` wait 39 s, silently, while
    the multilingual index was built: ingest builds it now, and says how far it got."""
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    lines = [f"- When customer {i} mentions a renewal risk, brief the manager." for i in range(400)]
    (knowledge / "notes.md").write_text("# Notes\n\n" + "\n".join(lines) + "\n")
    cache = tmp_path / "cache"
    env = {"COACH_KNOWLEDGE_DIR": str(knowledge), "COACH_DATA_DIR": str(tmp_path / "data"),
           "COACH_CACHE_DIR": str(cache)}  # fmt: skip
    proc = run("ingest", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Indexing for other languages: 2/" in proc.stderr
    built = list(cache.glob("playbook-multilingual-*.npz"))
    assert len(built) == 1
    stamp = built[0].stat().st_mtime_ns
    assert run("search", "renewal risk", env=env).returncode == 0
    assert [p.stat().st_mtime_ns for p in cache.glob("playbook-multilingual-*.npz")] == [stamp]
