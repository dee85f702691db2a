"""A real OpenAI-compatible server (llama.cpp + SmolLM2-135M) on loopback for the live tests.

`live_server` yields the base URL of one server shared by the session; `start_live_server` starts
a server of the test's own (for tests that stop it). Nothing is set globally: tests build
`Settings` from `live_settings` or from the URL. A server that cannot start fails the tests.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from coach.settings import REPO_ROOT, Settings

MODEL_ALIAS = "smollm2"


def _live_server_module() -> ModuleType:
    path = REPO_ROOT / "tests" / "live" / "live_server.py"
    spec = importlib.util.spec_from_file_location("coach_live_server", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _start(log: Path) -> Any:
    module = _live_server_module()
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.fail(
            "llama-cpp-python is not installed: run `python tests/live/live_server.py install`"
        )
    try:
        return module.start_server(log, timeout=60.0)
    except (RuntimeError, FileNotFoundError) as exc:
        pytest.fail(f"the live server could not start: {exc}")


@pytest.fixture(scope="session")
def live_server_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    server = _start(tmp_path_factory.mktemp("live") / "server.log")
    print(f"\nlive server ready in {server.started_in:.2f} s at {server.base_url}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_server(live_server_process: Any) -> str:
    """Base URL (ending in /v1) of the shared server."""
    return str(live_server_process.base_url)


@pytest.fixture
def start_live_server(tmp_path: Path) -> Iterator[Callable[[], Any]]:
    """Start a server of the test's own; it has `.base_url`, `.process` and `.stop()`."""
    started: list[Any] = []

    def start() -> Any:
        server = _start(tmp_path / f"server-{len(started)}.log")
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def live_settings_for(tmp_path: Path) -> Callable[..., Settings]:
    """Settings pointing at any server URL; keyword values use the environment names."""

    def make(base_url: str, **values: Any) -> Settings:
        defaults: dict[str, Any] = {
            "COACH_DATA_DIR": tmp_path / "data",
            "COACH_MAX_OUTPUT_TOKENS": 96,
            "COACH_REQUEST_TIMEOUT": 30,
        }
        return Settings(OPENAI_BASE_URL=base_url, COACH_MODEL=MODEL_ALIAS, **{**defaults, **values})

    return make


@pytest.fixture
def live_settings(live_server: str, live_settings_for: Callable[..., Settings]) -> Settings:
    """Settings that point the coach at the shared server, with bounded answers."""
    return live_settings_for(live_server)


class FlakyProxy:
    """Answers the first `failures` requests with `status`, then forwards to the real server."""

    def __init__(self, upstream: str, failures: int, status: int = 503) -> None:
        self.upstream, self.failures, self.status = upstream.rstrip("/"), failures, status
        self.statuses: list[int] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if len(proxy.statuses) < proxy.failures:
                    status, data = proxy.status, json.dumps({"error": {"message": "busy"}}).encode()
                else:
                    status, data = proxy.forward(self.path, body)
                proxy.statuses.append(status)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def forward(self, path: str, body: bytes) -> tuple[int, bytes]:
        url = self.upstream.removesuffix("/v1") + path
        request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FlakyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def flaky_proxy(live_server: str) -> Callable[..., FlakyProxy]:
    return lambda failures=1, status=503: FlakyProxy(live_server, failures, status)
