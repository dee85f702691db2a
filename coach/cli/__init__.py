"""The `coach` command. Each sub-command lives in its own module and imports heavy code lazily,
so `coach --help` and a cold `coach search` stay fast."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.models import OptionInfo, ParameterInfo

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


def _text_arguments(group: typer.Typer) -> None:
    """Every command of `group` and its sub-groups refuses a text argument or option that is not
    UTF-8 (`coach chat --resume $'\\xff'`) with one line, before it runs: Python reads such bytes
    as lone surrogates, which SQLite, hashing and the tokenizer reject with a traceback."""
    for info in group.registered_commands:
        if info.callback is not None:
            info.callback = _checked(info.callback)
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            _text_arguments(sub.typer_instance)


def _checked(command: Callable[..., Any]) -> Callable[..., Any]:
    """`command`, its text values checked first. Paths (a `parser`: `user_path`, `user_file`)
    are left alone: a file may have any name the file system allows."""

    @functools.wraps(command)
    def checked(*args: Any, **kwargs: Any) -> Any:
        from coach.textio import argument_text

        try:
            hints = typing.get_type_hints(command, include_extras=True)
        except NameError:  # an annotation only a type checker sees: every value is checked
            hints = {}
        for name, value in kwargs.items():
            info = _parameter_info(hints.get(name))
            if info is not None and info.parser is not None:
                continue
            for item in value if isinstance(value, list | tuple) else [value]:
                if isinstance(item, str):
                    argument_text(item, _shown_name(name, info))
        return command(*args, **kwargs)

    return checked


def _parameter_info(hint: object) -> ParameterInfo | None:
    """The `typer.Option(...)` or `typer.Argument(...)` of an `Annotated[...]` hint."""
    found = (m for m in getattr(hint, "__metadata__", ()) if isinstance(m, ParameterInfo))
    return next(found, None)


def _shown_name(name: str, info: ParameterInfo | None) -> str:
    """How the user wrote it: `--resume` for an option, `NAME` for an argument."""
    if isinstance(info, OptionInfo):
        flags = [d for d in info.param_decls or () if d.startswith("--")]
        return flags[0] if flags else "--" + name.replace("_", "-")
    return info.metavar if info is not None and info.metavar else name.upper()


_text_arguments(app)


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
