"""A team deployment on one machine, as a worked example: PostgreSQL, a Chroma server and several
app processes sharing them. The tests and `make bench` run it; a team copies what it does.

    python -m coach.deploy --apps 2 --port 7861 --folder ./team

starts (each only when not given):
- PostgreSQL in `<folder>/postgres` on a free loopback port (`--database-url` to use yours);
- `chroma run` in `<folder>/chroma` (`--chroma-url` to use yours), then ingests the playbook once;
- `--apps` app processes on ports `--port`, `--port`+1, ...: each with its own data folder for
  caches and the same `COACH_DATABASE_URL` and `COACH_CHROMA_URL`. Logins come from the
  environment (`COACH_AUTH_FILE`, `COACH_TRUSTED_USER_HEADER`) as for one process. The processes
  trust 127.0.0.1 as their proxy (`COACH_TRUSTED_PROXIES`): X-Forwarded-For and the user header
  are honoured only from nginx or anything else running on this machine;
- with `--proxy-port`, nginx in front of them (NGINX_CONF below): it keeps one signed-in session
  on one process and spreads sessions over the processes; any process serves any conversation,
  because they share the database. It does no SSO, so it clears the user header a client sent:
  a team that signs in through nginx sets the header there from its SSO module instead.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from coach.errors import CoachError

PG_USER = "postgres"  # the account PostgreSQL runs under when this is run as root


@dataclass
class Process:
    name: str
    url: str
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    stop_command: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.stop_command:
            subprocess.run(self.stop_command, capture_output=True, timeout=60, check=False)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def tail(self, lines: int = 20) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bin() -> Path:
    """The folder of PostgreSQL's server programs (Debian keeps them off PATH)."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not versions:
        raise CoachError(
            "PostgreSQL is not installed: apt-get install postgresql (or pass --database-url)"
        )
    return versions[-1].parent


def _as_server_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the postgres account."""
    if os.geteuid() == 0:
        return ["runuser", "-u", PG_USER, "--", *cmd]
    return cmd


def _others_can_reach(folder: Path) -> bool:
    import stat

    return all(p.stat().st_mode & stat.S_IXOTH for p in [folder, *folder.resolve().parents])


def start_postgres(folder: Path, port: int | None = None) -> Process:
    """A PostgreSQL server of its own in `folder`, on a loopback port, with a `coach` database."""
    bindir = postgres_bin()
    port = port or free_port()
    folder.mkdir(parents=True, exist_ok=True)
    user = PG_USER if os.geteuid() == 0 else os.environ.get("USER") or "postgres"
    if os.geteuid() == 0:
        if not _others_can_reach(folder):  # the postgres account could not enter it
            import tempfile

            folder = Path(tempfile.mkdtemp(prefix="coach-postgres-"))
            folder.chmod(0o755)
        shutil.chown(folder, PG_USER, PG_USER)
    data = folder / "data"
    if not (data / "PG_VERSION").exists():
        subprocess.run(
            _as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", user,
                             "--auth=trust", "-E", "UTF8", "--no-sync"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    log = folder / "server.log"
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log),
                         "-o", options, "-w", "-t", "60", "start"]),
        check=True, capture_output=True, timeout=90,
    )  # fmt: skip
    admin_url = f"postgresql://{user}@127.0.0.1:{port}/postgres"
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'coach'").fetchone():
            conn.execute("CREATE DATABASE coach")
    return Process(
        name="postgres",
        url=f"postgresql://{user}@127.0.0.1:{port}/coach",
        log=log,
        stop_command=_as_server_user(
            [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
        ),
    )


def _wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise CoachError(f"{what} exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise CoachError(f"{what} did not answer at {url} within {timeout:.0f} s")


def _spawn(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )


def start_chroma(folder: Path, port: int | None = None) -> Process:
    """`chroma run` on a loopback port, its data in `folder`."""
    port = port or free_port()
    chroma = Path(sys.executable).parent / "chroma"
    cmd = [str(chroma) if chroma.exists() else "chroma", "run", "--path", str(folder / "data"),
           "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    log = folder / "chroma.log"
    proc = _spawn(cmd, log, {**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    server = Process("chroma", f"http://127.0.0.1:{port}", proc, log)
    try:
        _wait_http(f"{server.url}/api/v2/heartbeat", proc, 60, "chroma run")
    except CoachError:
        server.stop()
        raise
    return server


def app_env(database_url: str, chroma_url: str, data_dir: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        COACH_DATABASE_URL=database_url,
        COACH_CHROMA_URL=chroma_url,
        COACH_DATA_DIR=str(data_dir),
        COACH_PORT=str(port),
        COACH_TRUSTED_PROXIES="127.0.0.1",  # nginx, on this machine, names the client
        GRADIO_ANALYTICS_ENABLED="False",
    )
    return env


def ingest(database_url: str, chroma_url: str, data_dir: Path) -> None:
    """Index the playbook once into the Chroma server, before any app process starts."""
    env = app_env(database_url, chroma_url, data_dir, 0)
    done = subprocess.run(
        [sys.executable, "-m", "coach", "ingest"], env=env, capture_output=True, timeout=600
    )
    if done.returncode != 0:
        raise CoachError(f"coach ingest failed: {done.stderr.decode(errors='replace')[-400:]}")


def start_app(database_url: str, chroma_url: str, data_dir: Path, port: int) -> Process:
    """One `python app.py` process on a loopback port, sharing the database and the index."""
    env = app_env(database_url, chroma_url, data_dir, port)
    log = data_dir / "app.log"
    proc = _spawn([sys.executable, "-m", "coach.ui"], log, env)
    server = Process(f"app:{port}", f"http://127.0.0.1:{port}", proc, log)
    try:
        _wait_http(f"{server.url}/", proc, 180, f"the app on port {port}")
    except CoachError as exc:
        server.stop()
        raise CoachError(f"{exc}\n{server.tail()}") from None
    return server


NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
{user}
events {{ worker_connections 512; }}
http {{
    log_format upstream '$remote_addr "$request" $status $upstream_addr';
    access_log {folder}/access.log upstream;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    client_max_body_size 3m;
    # A sticky-session cookie: a client's first request picks a process at random and the
    # cookie keeps the client there (its login and event streams live in that process); any
    # process serves any conversation, because they share the database.
    map $cookie_coach_route $coach_route {{
        "" $request_id;
        default $cookie_coach_route;
    }}
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    upstream coach {{
        hash $coach_route consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://coach;
            proxy_http_version 1.1;
            proxy_set_header Host $host:{port};
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header {user_header} "";
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_buffering off;
            proxy_read_timeout 300s;
            add_header Set-Cookie "coach_route=$coach_route; Path=/; HttpOnly; SameSite=Lax" always;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


def start_proxy(folder: Path, upstreams: list[str], port: int | None = None) -> Process:
    """nginx in front of the app processes, on a loopback port (the configuration a team copies)."""
    nginx = nginx_binary()
    if nginx is None:
        raise CoachError("nginx is not installed: apt-get install nginx (or skip the proxy)")
    port = port or free_port()
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    servers = "\n".join(f"        server {u.removeprefix('http://')};" for u in upstreams)
    user = "user root;" if os.geteuid() == 0 else ""
    # The header the app processes honour from nginx: what a client wrote there is not passed on.
    user_header = os.environ.get("COACH_TRUSTED_USER_HEADER") or "X-Forwarded-User"
    conf.write_text(
        NGINX_CONF.format(
            folder=folder, servers=servers, port=port, user=user, user_header=user_header
        )
    )
    log = folder / "nginx.log"
    proc = _spawn([nginx, "-c", str(conf), "-p", str(folder), "-e", str(folder / "error.log")], log)
    server = Process("nginx", f"http://127.0.0.1:{port}", proc, log)
    try:
        _wait_http(f"{server.url}/", proc, 30, "nginx")
    except CoachError as exc:
        server.stop()
        raise CoachError(f"{exc}\n{server.tail()}") from None
    return server


@contextlib.contextmanager
def team(
    folder: Path,
    apps: int = 2,
    port: int | None = None,
    database_url: str | None = None,
    chroma_url: str | None = None,
    proxy_port: int | None = None,
) -> Iterator[tuple[list[Process], str, str]]:
    """Everything up, then down again: (app processes, database URL, Chroma URL). With a proxy
    port, nginx listens there in front of the processes and comes first in the list."""
    started: list[Process] = []
    try:
        if not database_url:
            started.append(start_postgres(folder / "postgres"))
            database_url = started[-1].url
        if not chroma_url:
            started.append(start_chroma(folder / "chroma"))
            chroma_url = started[-1].url
        ingest(database_url, chroma_url, folder / "ingest")
        ports = [port + i for i in range(apps)] if port else [free_port() for _ in range(apps)]
        servers = [start_app(database_url, chroma_url, folder / f"app-{p}", p) for p in ports]
        started.extend(servers)
        if proxy_port is not None:
            proxy = start_proxy(folder / "nginx", [s.url for s in servers], proxy_port or None)
            started.append(proxy)
            servers = [proxy, *servers]
        yield servers, database_url, chroma_url
    finally:
        for process in reversed(started):
            process.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m coach.deploy", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--apps", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=7861, help="port of the first app process")
    parser.add_argument("--folder", type=Path, default=Path("team"), help="where data goes")
    parser.add_argument("--database-url", help="a PostgreSQL server to use instead of starting one")
    parser.add_argument("--chroma-url", help="a Chroma server to use instead of starting one")
    parser.add_argument("--proxy-port", type=int, default=None,
                        help="put nginx in front on this port (0: any free port)")  # fmt: skip
    args = parser.parse_args(argv)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # so a `kill` or `timeout` stops every process it started too

    signal.signal(signal.SIGTERM, stop)
    try:
        with team(
            args.folder.resolve(),
            args.apps,
            args.port,
            args.database_url,
            args.chroma_url,
            args.proxy_port,
        ) as (servers, db_url, chroma_url):
            from coach.storage import redacted_url

            print(f"database  {redacted_url(db_url)}\nchroma    {chroma_url}")
            for server in servers:
                print(f"{'proxy' if server.name == 'nginx' else 'app':<9} {server.url}")
            print("Ctrl-C stops them all.", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while all(s.proc is not None and s.proc.poll() is None for s in servers):
                    time.sleep(1)
    except (CoachError, subprocess.SubprocessError, OSError) as exc:
        print(f"coach.deploy: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
