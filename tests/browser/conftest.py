"""Browser tests drive Debian's Chromium (never a downloaded browser) against a launched app.

Without /usr/bin/chromium they skip locally and FAIL in CI (`CI=true`): `make browser-deps`
installs it with apt. Screenshots of every step go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coach.settings import REPO_ROOT, Settings

CHROMIUM = os.environ.get("COACH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _require_chromium() -> None:
    if Path(CHROMIUM).is_file() or shutil.which(CHROMIUM):
        return
    reason = f"Chromium not found at {CHROMIUM}; run `make browser-deps` (apt-get install chromium)"
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(reason + " -- browser tests never skip in CI", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    _require_chromium()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS,
            "headless": True}  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1320, "height": 1000},
            "accept_downloads": True}  # fmt: skip


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_chromium()
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from coach.ui.app import build_app, launch

    data = tmp_path_factory.mktemp("browser-data")
    settings = Settings(data_dir=data, knowledge_dir=REPO_ROOT / "knowledge")  # type: ignore[call-arg]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    demo = build_app(settings)
    launch(demo, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


class Shots:
    """Numbered screenshots of one test's steps."""

    def __init__(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.step = 0

    def __call__(self, page: Any, label: str) -> Path:
        self.step += 1
        path = SCREENSHOTS / f"{self.name}-{self.step:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(request.node.originalname.removeprefix("test_"))


@pytest.fixture
def outbound(page: Any) -> list[str]:
    """Every request the page makes to anything but the app itself."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)  # fmt: skip
    return seen
