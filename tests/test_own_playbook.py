"""A team's own playbook and eval cases: `coach eval` runs on them through environment variables."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from coach.settings import REPO_ROOT

EXAMPLE = REPO_ROOT / "evals" / "examples" / "own-playbook"
OWN_PAGES = {"renewals.md", "support-handoffs.md"}


def coach(
    args: list[str], tmp_path: Path, example: Path = EXAMPLE
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "COACH_DATA_DIR": str(tmp_path / "data"),
        "COACH_KNOWLEDGE_DIR": str(example / "knowledge"),
        "COACH_EVALS_DIR": str(example / "evals"),
    }
    return subprocess.run(
        [sys.executable, "-c", "from coach.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )


@pytest.mark.parametrize(("suite", "cases"), [("retrieval", 8), ("triage", 4)])
def test_own_pages_and_cases_pass_their_own_thresholds(
    suite: str, cases: int, tmp_path: Path
) -> None:
    proc = coach(["eval", "--suite", suite, "--report", "out"], tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["passed"] is True
    assert report["thresholds_file"] == str(EXAMPLE / "evals" / "thresholds.yaml")
    (run,) = report["suites"]
    assert run["status"] == "ran" and run["gates"], "the team's gates were not applied"
    assert all(g["passed"] for g in run["gates"])
    assert [c["id"] for c in run["result"]["cases"]][:1] == [f"own-{suite[0]}1"]
    junit = ET.parse(tmp_path / "out" / "junit.xml").getroot()
    assert len(junit.findall(".//testcase")) >= cases
    assert "| metric |" in (tmp_path / "out" / "report.md").read_text()


def test_triage_cites_the_teams_own_pages(tmp_path: Path) -> None:
    email = tmp_path / "email.txt"
    email.write_text(
        "Hi Sam,\n\nOur renewal is in May and we are evaluating other vendors. Unless the "
        "outages stop we will not renew.\n\nNora"
    )
    proc = coach(["triage", str(email), "--json"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert result["decision"] == "escalate"
    sources = {c["source"] for c in result["citations"]}
    assert sources and sources <= OWN_PAGES


def test_a_missed_own_threshold_fails_the_run(tmp_path: Path) -> None:
    example = tmp_path / "own-playbook"
    shutil.copytree(EXAMPLE, example)
    gates = example / "evals" / "thresholds.yaml"
    gates.write_text(gates.read_text().replace("{min: 0.85}", "{min: 1.01}"))
    proc = coach(["eval", "--suite", "retrieval", "--report", "out"], tmp_path, example)
    assert proc.returncode == 1
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["passed"] is False
