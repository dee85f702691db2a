"""Load test of the web app for `make bench`: `python app.py` in a subprocess, then 20 simulated
users, 10 offline coach turns each, all starting at once.

Reports app start to first HTTP 200, p50/p95 turn latency, errors, and cross-session leaks (a
user's turn that mentions another user's customer). Three runs: users of the HTTP API who pause
THINK_SECONDS between turns (a rep reads the reply and types: still far busier than real use),
the same users sending the next turn at once (saturation: latency is then bound by CPU time per
turn x users), and users who pause through `gradio_client`. The clients run on the server's
machine; `gradio_client` spends about as much CPU per call as the server does on the turn, so its
run is reported beside the target rather than held to it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.settings import REPO_ROOT

if TYPE_CHECKING:
    from coach.bench.common import Row

USERS = 20
TURNS = 10
THINK_SECONDS = 1.0
CUSTOMERS = (
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell",
    "Cyberdyne", "Soylent", "Vandelay", "Oscorp", "Aperture", "Monarch", "Nakatomi", "Virtucon",
    "Gringotts", "Massive", "Zorg",
)  # fmt: skip
SCRIPT = (
    "{name} is threatening to cancel: the reporting outage broke their month-end close.",
    "I tried a workaround with support last week.",
    "I told them openly what went wrong and when we expect a fix.",
    "They want a service credit and a fix date.",
    "The renewal is worth $80k in March.",
    "I need my VP to join a call with their CTO.",
    "Next steps: a call this week and a weekly status report.",
    "I have not briefed my manager yet.",
    "What do you know so far?",
    "Write the brief.",
)


@dataclass
class UserRun:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    leaks: int = 0
    customer_kept: bool = True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(
    data_dir: Path, port: int, timeout: float = 60.0
) -> tuple[subprocess.Popen[bytes], float]:
    """Start `python app.py`; return the process and the seconds until GET / answered 200."""
    env = {**os.environ, "COACH_DATA_DIR": str(data_dir), "GRADIO_ANALYTICS_ENABLED": "False",
           "COACH_ENGINE": "offline"}  # fmt: skip
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COACH_AUTH", "COACH_AUTH_FILE"):
        env.pop(var, None)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(REPO_ROOT / "app.py"), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return proc, time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    proc.terminate()
    raise RuntimeError(f"app.py did not answer within {timeout:.0f} s")


class _HttpClient:
    """A user of the app's HTTP API: POST /gradio_api/call/<name>, then read the answer from its
    event stream, in one session as a browser tab or `gradio_client` keeps (Gradio builds a
    session's state once). `gradio_client` does the same but costs about 50 ms of CPU a call on
    the client side, which on one machine is taken from the server it measures."""

    def __init__(self, url: str, auth: tuple[str, str] | None = None) -> None:
        import uuid

        import httpx

        self.session = uuid.uuid4().hex
        self.http = httpx.Client(base_url=url, timeout=120)
        if auth:
            reply = self.http.post("login", data={"username": auth[0], "password": auth[1]})
            if not reply.is_success:
                raise RuntimeError(f"login refused for {auth[0]}: HTTP {reply.status_code}")

    def predict(self, *, api_name: str, **data: object) -> dict[str, Any]:
        name = api_name.strip("/")
        reply = self.http.post(
            f"gradio_api/call/{name}",
            json={"data": list(data.values()), "session_hash": self.session},
        )
        reply.raise_for_status()
        event = reply.json()["event_id"]
        kind = ""
        with self.http.stream("GET", f"gradio_api/call/{name}/{event}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    kind = line.removeprefix("event:").strip()
                elif line.startswith("data:") and kind in ("complete", "error"):
                    payload = json.loads(line.removeprefix("data:"))
                    if kind == "error":
                        raise RuntimeError(f"the app answered an error: {payload}")
                    return dict(payload[0])
        raise RuntimeError("the event stream ended with no answer")


def simulate_user(
    url: str | list[str],
    name: str,
    everyone: tuple[str, ...],
    think: float = 0.0,
    auth: tuple[str, str] | None = None,
    via: str = "http",
) -> UserRun:
    """One rep's ten turns, through the HTTP API (`via="http"`) or `gradio_client`. Given several
    app processes, the turns alternate between them (the conversation lives in the shared
    database)."""
    run = UserRun(name)
    others = [n for n in everyone if n != name]
    urls = [url] if isinstance(url, str) else url
    try:
        if via == "gradio_client":
            from gradio_client import Client

            clients: list[Any] = [Client(u, verbose=False, auth=auth) for u in urls]
        else:
            clients = [_HttpClient(u, auth) for u in urls]
    except Exception as exc:
        run.errors.append(f"connect: {type(exc).__name__}: {exc}")
        return run
    conversation = ""
    for i, line in enumerate(SCRIPT):
        if think and i:
            time.sleep(think)
        client = clients[(i + len(name)) % len(clients)]
        start = time.perf_counter()
        try:
            turn = client.predict(message=line.format(name=name), conversation_id=conversation,
                                  api_name="/chat")  # fmt: skip
        except Exception as exc:
            run.errors.append(f"{type(exc).__name__}: {exc}")
            continue
        run.latencies.append(time.perf_counter() - start)
        conversation = turn["conversation_id"]
        text = json.dumps(turn)
        run.leaks += sum(other in text for other in others)
        if turn["case"].get("customer") not in ("", name):
            run.customer_kept = False
    return run


def load_test(url: str, users: int = USERS, think: float = 0.0, via: str = "http") -> list[UserRun]:
    names = CUSTOMERS[:users]
    with ThreadPoolExecutor(users) as pool:
        return list(pool.map(lambda n: simulate_user(url, n, names, think, via=via), names))


def _report(
    rows: list[Row], runs: list[UserRun], wall: float, label: str, target: bool = True
) -> None:
    from coach.bench.common import Row, _pct

    latencies = [t for r in runs for t in r.latencies]
    errors = sum(len(r.errors) for r in runs)
    leaks = sum(r.leaks for r in runs) + sum(not r.customer_kept for r in runs)
    rows.append(Row(f"ui: {label}: errors", errors, "", "0", errors == 0))
    rows.append(Row(f"ui: {label}: cross-session leaks", leaks, "", "0", leaks == 0))
    if latencies:
        p50, p95 = _pct(latencies, 0.5), _pct(latencies, 0.95)
        rows.append(Row(f"ui: {label}: turn latency p50", p50, "s"))
        if target:
            rows.append(Row(f"ui: {label}: turn latency p95", p95, "s", "<= 1 s", p95 <= 1))
        else:  # the clients' own CPU shares the server's two cores: reported beside the target
            rows.append(Row(f"ui: {label}: turn latency p95", p95, "s"))
        rows.append(Row(f"ui: {label}: throughput ({len(latencies)} turns in {wall:.1f} s)",
                        len(latencies) / wall, "turns/s"))  # fmt: skip
    if errors:
        first = next(e for r in runs for e in r.errors)
        print(f"first error: {first}", file=sys.stderr)


def bench_ui(rows: list[Row], work: Path) -> None:
    from coach.bench.common import Row

    port = _free_port()
    proc, to_first_200 = start_app(work / "ui-data", port)
    try:
        rows.append(Row("ui: `python app.py` start to first HTTP 200 (fresh data dir)",
                        to_first_200, "s", "<= 5 s", to_first_200 <= 5))  # fmt: skip
        url = f"http://127.0.0.1:{port}/"
        simulate_user(url, "Warmup", ())  # first turn builds the index and loads the models
        runs_of = (
            ("http", THINK_SECONDS, f"{USERS} users x {TURNS} turns, {THINK_SECONDS:g} s think"),
            ("http", 0.0, f"{USERS} users x {TURNS} turns, no think (saturation)"),
            ("gradio_client", THINK_SECONDS,
             f"{USERS} users x {TURNS} turns through gradio_client, {THINK_SECONDS:g} s think"),
        )  # fmt: skip
        for via, think, label in runs_of:
            started = time.perf_counter()
            runs = load_test(url, think=think, via=via)
            _report(rows, runs, time.perf_counter() - started, label, target=via == "http")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def bench_team(rows: list[Row], work: Path) -> None:
    """The same load across two app processes sharing PostgreSQL and a Chroma server (started by
    `coach.deploy`), each user signed in as themselves."""
    from coach.deploy import postgres_bin, team
    from coach.errors import CoachError

    try:
        postgres_bin()
    except CoachError as exc:
        print(f"team bench skipped: {exc}", file=sys.stderr)
        return
    names = CUSTOMERS[:USERS]
    logins = {n: f"pass-{n.lower()}-1" for n in names}
    auth_file = work / "team-users.txt"
    auth_file.write_text("".join(f"{n}:{p}\n" for n, p in logins.items()), encoding="utf-8")
    os.environ["COACH_AUTH_FILE"] = str(auth_file)
    os.environ["COACH_ENGINE"] = "offline"
    try:
        with team(work / "team", apps=2) as (servers, _, _):
            urls = [s.url + "/" for s in servers]
            simulate_user(urls, names[0], (), auth=(names[0], logins[names[0]]))  # warm-up
            started = time.perf_counter()
            with ThreadPoolExecutor(USERS) as pool:
                runs = list(pool.map(
                    lambda n: simulate_user(urls, n, names, 0.0, (n, logins[n])), names
                ))  # fmt: skip
            label = f"{USERS} users x {TURNS} turns, 2 processes on PostgreSQL, no think"
            _report(rows, runs, time.perf_counter() - started, label)
    finally:
        os.environ.pop("COACH_AUTH_FILE", None)


def register(benches: dict[str, Callable[[list[Row], Path], None]]) -> None:
    benches["ui"] = bench_ui
    benches["team"] = bench_team
