"""An offline run makes no network call of any kind: triage, a chat turn and the web app (with
a chat and a triage through its API, then idling) run under strace, and the trace holds no
connection or name lookup beyond loopback. Needs strace (`make pytest` installs it as root);
locally it skips without, with CI=true it fails."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from coach.settings import REPO_ROOT

pytestmark = pytest.mark.slow

EMAIL = "Hi Sam,\n\nIf the export fails again we will cancel the contract.\n\nDana, Acme Corp\n"
# connect() to an IPv4/IPv6 address other than loopback, or to the name-service cache daemon.
OUTSIDE = re.compile(
    r'connect\(\d+, \{sa_family=AF_INET6?, [^}]*?(?:inet_addr|inet_pton)\((?:AF_INET6, )?"'
    r'(?!127\.|::1"|::ffff:127\.)[^"]+"|connect\(\d+, \{sa_family=AF_UNIX, sun_path="[^"]*nscd'
)


def _strace() -> str:
    found = shutil.which("strace")
    if found is None:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail("strace is not installed (make browser-deps) -- never skipped in CI")
        pytest.skip("strace is not installed")
    return found


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}  # the product's
    env.update(COACH_DATA_DIR=str(data), COACH_ENGINE="offline", GRADIO_ANALYTICS_ENABLED="")
    return env


def _outside(trace: Path) -> list[str]:
    return [line for line in trace.read_text(errors="replace").splitlines() if OUTSIDE.search(line)]


def _traced(cmd: list[str], trace: Path, env: dict[str, str], stdin: str | None = None) -> None:
    strace = _strace()
    subprocess.run([strace, "-f", "-qq", "-e", "trace=connect", "-o", str(trace), *cmd],
                   input=stdin, env=env, capture_output=True, text=True, timeout=300, check=True)  # fmt: skip


def test_the_pattern_sees_a_lookup() -> None:
    line = '12 connect(40, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.53")}, 16) = 0'
    assert OUTSIDE.search(line)
    local = '12 connect(9, {sa_family=AF_INET, sin_port=htons(7860), sin_addr=inet_addr("127.0.0.1")}, 16) = 0'
    assert not OUTSIDE.search(local)


def test_cli_triage_and_chat_make_no_network_call(tmp_path: Path) -> None:
    env = _env(tmp_path / "data")
    email = tmp_path / "email.txt"
    email.write_text(EMAIL)
    _traced([sys.executable, "-m", "coach", "triage", str(email)], tmp_path / "t1", env)
    _traced([sys.executable, "-m", "coach", "chat", "--json"], tmp_path / "t2", env,
            "Acme says they will cancel over the failed exports.\n")  # fmt: skip
    assert _outside(tmp_path / "t1") == [] and _outside(tmp_path / "t2") == []


def test_the_app_makes_no_network_call(tmp_path: Path) -> None:
    from gradio_client import Client

    strace = _strace()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    trace = tmp_path / "app.trace"
    proc = subprocess.Popen(
        [strace, "-f", "-qq", "-e", "trace=connect", "-o", str(trace), sys.executable,
         str(REPO_ROOT / "app.py"), "--port", str(port)],
        env=_env(tmp_path / "data"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the app did not start"
                time.sleep(0.3)
        client = Client(url, verbose=False)
        client.predict(message="Acme says they'll cancel over the outages.", conversation_id="",
                       api_name="/chat")  # fmt: skip
        client.predict(email=EMAIL, api_name="/triage")
        time.sleep(20)  # background threads (telemetry, update checks) get their chance
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the app and strace with it
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    assert trace.read_text().count("connect(") > 0  # the trace did see the app's own calls
    assert _outside(trace) == []
