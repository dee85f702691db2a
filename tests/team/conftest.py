"""A team deployment for real: PostgreSQL (Debian's server, on a temporary port and data folder),
`chroma run`, two app processes sharing them and nginx in front, started by the worked example
(`python -m coach.deploy`'s `team()`). Two users sign in from a password file.

Locally the tests skip when PostgreSQL or nginx is not installed (`make team-deps`); with `CI=true` they
fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coach.settings import REPO_ROOT, Settings

USERS = {"ana": "pass-ana-1", "ben": "pass-ben-1"}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(reason + " -- team tests never skip in CI", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from coach.deploy import nginx_binary, postgres_bin
    from coach.deploy import team as start_team
    from coach.errors import CoachError

    try:
        postgres_bin()
    except CoachError as exc:
        _unavailable(str(exc))
    if nginx_binary() is None:
        _unavailable("nginx is not installed (make team-deps)")
    folder = tmp_path_factory.mktemp("team")
    os.chmod(folder, 0o755)  # PostgreSQL runs as its own account when the tests run as root
    auth_file = folder / "users.txt"
    auth_file.write_text("".join(f"{u}:{p}\n" for u, p in USERS.items()))
    saved = {k: os.environ.get(k) for k in ("COACH_AUTH_FILE", "COACH_CACHE_DIR")}
    os.environ["COACH_AUTH_FILE"] = str(auth_file)
    try:
        with start_team(folder, apps=2, proxy_port=0) as (servers, database_url, chroma_url):
            proxy, *apps = servers
            yield {
                "apps": [s.url + "/" for s in apps],
                "proxy": proxy.url + "/",
                "database_url": database_url,
                "chroma_url": chroma_url,
                "folder": folder,
                "users": USERS,
            }
    except CoachError as exc:
        _unavailable(f"the team deployment could not start: {exc}")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def team_settings(team: dict[str, Any], tmp_path: Path) -> Settings:
    """Settings of a process of the team (what the CLI of an admin on the server uses)."""
    return Settings(  # type: ignore[call-arg]
        data_dir=tmp_path,
        knowledge_dir=REPO_ROOT / "knowledge",
        database_url=team["database_url"],
        chroma_url=team["chroma_url"],
    )


@pytest.fixture(scope="session")
def sign_in() -> Any:
    """A `gradio_client` signed in as one of the two users on one app process."""
    from gradio_client import Client

    def client(url: str, user: str) -> Any:
        return Client(url, verbose=False, auth=(user, USERS[user]))

    return client
