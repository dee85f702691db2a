"""The `coach` command. Each sub-command lives in its own module and imports heavy code lazily,
so `coach --help` and a cold `coach search` stay fast."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from coach.errors import CoachError
from coach.textio import escaped

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


def user_path(value: str) -> Path:
    """A path typed on the command line, `~` as the home folder wherever the shell left it
    (`--out '~/x.md'`, `--out=~/x.md`): the parser of every path argument and option."""
    return Path(os.path.expanduser(value))


def user_file(value: str) -> str:
    """The same for a path that may be `-` (stdin or stdout)."""
    return value if value == "-" else os.path.expanduser(value)


def not_the_input(out: Path | str | None, *inputs: Path | None) -> None:
    """Refuse an output path that names an input file: writing would destroy what is read."""
    if out is None or str(out) == "-":
        return
    target = Path(out)
    for source in inputs:
        if source is None:
            continue
        with contextlib.suppress(OSError):
            if target.exists() and target.samefile(source):
                raise CoachError(
                    f"--out {escaped(str(out))} is the input file; writing there would destroy "
                    "it, so choose another path"
                )


@contextlib.contextmanager
def working(message: str) -> Iterator[None]:
    """A spinner on the terminal while something that can take a second or more runs (nothing
    when stderr is a pipe or a file, so scripted and JSON output stay clean)."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message, spinner="dots"):
        yield


# Each module registers its commands on `app` when imported.
from coach.cli import admin as _admin  # noqa: E402,F401
from coach.cli import chat as _chat  # noqa: E402,F401
from coach.cli import drafts as _drafts  # noqa: E402,F401
from coach.cli import evals as _evals  # noqa: E402,F401
from coach.cli import search as _search  # noqa: E402,F401
from coach.cli import triage as _triage  # noqa: E402,F401


def main() -> None:
    if len(sys.argv) == 1:
        app()  # no command: Typer prints the help
        return
    try:
        code = app(standalone_mode=False)
    except CoachError as exc:
        print(f"coach: {escaped(str(exc))}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    except typer.TyperException as exc:  # a usage error: unknown flag, missing argument, ...
        format_message = getattr(exc, "format_message", None)
        message = format_message() if format_message else str(exc)
        print(f"coach: {escaped(message)} (see coach --help)", file=sys.stderr)
        sys.exit(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:  # a full disk, a read-only folder, a path that is a directory
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"coach: {escaped(f'{exc.strerror or exc}{where}')}", file=sys.stderr)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
