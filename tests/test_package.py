"""The package installs: a wheel built from the repo, installed (not editable) into a fresh
virtualenv, runs every command from an unrelated folder with no path settings."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from coach.settings import REPO_ROOT

pytestmark = pytest.mark.slow

EMAIL = """Hi Sam,

Our CFO has asked me to tell you that we will not renew in March unless the export bug is fixed.
I need to speak with your manager this week.

Regards,
Dana Whitfield
VP Operations, Northwind Logistics
"""


def _run(args: list[str], cwd: Path, env: dict[str, str], stdin: str = "") -> str:
    proc = subprocess.run(
        args, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, f"{args}: {proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    """(venv bin dir, environment, an unrelated working folder)."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(dist), str(REPO_ROOT)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    wheel = next(dist.glob("escalation_coach-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in (
        "coach/bundled/knowledge/escalation.md",
        "coach/bundled/knowledge/glossary.yaml",
        "coach/bundled/prompts/agent/system.md.j2",
        "coach/bundled/evals/triage.jsonl",
        "coach/domain/signals.yaml",
        "coach/guardrails/exemplars.yaml",
        "coach/chat/extract_exemplars.yaml",
        "coach/ui/style.css",
    ):
        assert shipped in names, shipped
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    # Dependencies come from the registry (or pip's cache); the project itself only from the wheel.
    subprocess.run([*pip, "install", str(wheel)], check=True, capture_output=True, timeout=1800)
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_", "AZURE_"))}
    env.update(
        COACH_DATA_DIR=str(root / "data"),
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_OFFLINE="1",
        PYTHONPATH="",
    )
    return venv / "bin", env, elsewhere


def test_the_wheel_is_what_runs(installed: tuple[Path, dict[str, str], Path]) -> None:
    bin_dir, env, cwd = installed
    where = _run([str(bin_dir / "python"), "-c", "import coach; print(coach.__file__)"], cwd, env)
    assert str(REPO_ROOT) not in where and "site-packages" in where


def test_every_command_works_from_an_unrelated_folder(
    installed: tuple[Path, dict[str, str], Path],
) -> None:
    bin_dir, env, cwd = installed
    coach = str(bin_dir / "coach")
    _run([coach, "ingest"], cwd, env)
    hits = json.loads(_run([coach, "search", "the client says they'll walk", "--json"], cwd, env))
    assert hits and hits[0]["section"]
    (cwd / "email.txt").write_text(EMAIL, encoding="utf-8")
    card = json.loads(_run([coach, "triage", "email.txt", "--json"], cwd, env))
    assert card["decision"] == "escalate"
    assert {"cancellation_threat", "manager_request"} <= {s["type"] for s in card["signals"]}
    (cwd / "case.json").write_text(
        json.dumps({"customer": "Northwind", "problem": "They will not renew in March",
                    "signals": ["cancellation_threat"]}),
        encoding="utf-8",
    )  # fmt: skip
    brief = json.loads(_run([coach, "brief", "case.json", "--json"], cwd, env))
    assert brief["recommendation"] == "escalate_now" and "Northwind" in brief["markdown"]
    turns = _run(
        [coach, "chat", "--json"], cwd, env, "Northwind says they will cancel at renewal.\n"
    )
    assert json.loads(turns.splitlines()[-1])["recommendation"] == "escalate_now"


def test_the_web_app_starts_from_the_installed_package(
    installed: tuple[Path, dict[str, str], Path],
) -> None:
    bin_dir, env, cwd = installed
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [str(bin_dir / "python"), "-m", "coach.ui", "--port", str(port)],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "the app did not answer in 120 s"
                time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
