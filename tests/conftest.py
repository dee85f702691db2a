"""Tests can never reach a real model by accident, and never touch the user's data directory."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.settings import REPO_ROOT, Settings

_MODEL_VARS = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_ENDPOINT",
    "COACH_MODEL",
    "COACH_ENGINE",
    "COACH_EMBEDDINGS",
    "COACH_CHROMA_URL",
    "COACH_KNOWLEDGE_DIR",
    "COACH_AUTH",
)


@pytest.fixture(scope="session")
def shared_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory (and so one built index) for the tests that only read it."""
    return tmp_path_factory.mktemp("coach-data")


@pytest.fixture(autouse=True)
def _offline_env(monkeypatch: pytest.MonkeyPatch, shared_data_dir: Path) -> Iterator[None]:
    for var in _MODEL_VARS:
        monkeypatch.delenv(var, raising=False)
    for var in list(os.environ):  # a user's exported COACH_EVALS_DIR etc. must not leak in
        if var.startswith(("COACH_", "AZURE_OPENAI_")) or var == "OPENAI_API_VERSION":
            monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COACH_DATA_DIR", str(shared_data_dir))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    # A `.env` in the working tree must not leak a developer's key into tests.
    monkeypatch.chdir(REPO_ROOT / "tests")
    # A server another test timed out on rests; a new test may get the same loopback port.
    models = sys.modules.get("coach.llm.models")
    if models is not None:
        models.forget_down_servers()
    yield


@pytest.fixture
def settings(shared_data_dir: Path) -> Settings:
    return Settings(data_dir=shared_data_dir, knowledge_dir=REPO_ROOT / "knowledge")  # type: ignore[call-arg]


@pytest.fixture
def fresh_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings with a data directory of the test's own, for tests that write the index."""
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    return Settings(data_dir=tmp_path / "data", knowledge_dir=REPO_ROOT / "knowledge")  # type: ignore[call-arg]
