"""The `coach` command. Each sub-command lives in its own module and imports heavy code lazily,
so `coach --help` and a cold `coach search` stay fast."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from coach.errors import CoachError

app = typer.Typer(
    name="coach",
    help="Escalation Coach: triage, coaching and drafts from your team's escalation playbook.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# The engine flag every model-backed command takes.
EngineOption = Annotated[
    str | None,
    typer.Option(
        "--engine",
        help="offline or openai; default: openai when a model is configured, else offline.",
        show_default=False,
    ),
]

# Each module registers its commands on `app` when imported.
from coach.cli import chat as _chat  # noqa: E402,F401
from coach.cli import drafts as _drafts  # noqa: E402,F401
from coach.cli import evals as _evals  # noqa: E402,F401
from coach.cli import search as _search  # noqa: E402,F401
from coach.cli import triage as _triage  # noqa: E402,F401


def main() -> None:
    try:
        app()
    except CoachError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
