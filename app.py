"""The Escalation Coach web app. `python app.py` serves it on 127.0.0.1:7860."""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def main() -> None:
    from coach.ui import main as run_ui

    run_ui()


if __name__ == "__main__":
    main()
