"""The web app. `python app.py` (or `make run`) serves it; `build_app` returns the Gradio Blocks.

Nothing here imports gradio at import time: the handlers in `coach.ui.handlers` are plain functions.
"""

from __future__ import annotations

from typing import Any


def build_app(*args: Any, **kwargs: Any) -> Any:
    from coach.ui.app import build_app as build

    return build(*args, **kwargs)


def main(argv: list[str] | None = None) -> None:
    from coach.ui.app import main as run

    run(argv)
