"""`coach triage` commands (registered on the app when imported)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from coach.cli import EngineOption, app, not_the_input, user_file, user_path, working
from coach.errors import CoachError
from coach.textio import json_text

if TYPE_CHECKING:
    from coach.triage.models import TriageResult


@app.command("triage")
def triage_command(
    file: Annotated[
        str | None,
        typer.Argument(
            help="A customer email: plain text, HTML or .eml. Use - (or pipe) to read stdin.",
            show_default=False,
            parser=user_file,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch",
            help="Triage every row of a .csv or .jsonl file (needs --column) and write JSONL.",
            show_default=False,
            parser=user_path,
        ),
    ] = None,
    column: Annotated[
        str | None, typer.Option("--column", help="The column holding the email text.")
    ] = None,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            help="Where --batch writes its JSONL: a path, or - for stdout. "
            "Default: INPUT.triage.jsonl next to the input file.",
            show_default=False,
            parser=user_file,
        ),
    ] = None,
    engine: EngineOption = None,
) -> None:
    """Triage a customer email: escalate or handle, how urgent, the evidence, what to do next and
    a reply to send. Every quote shown is verbatim from the email."""
    if engine not in (None, "offline", "openai"):
        raise CoachError(f"--engine must be offline or openai, not {engine!r}")
    if batch is not None:
        if file is not None:
            raise CoachError("give either an email FILE or --batch, not both")
        _run_batch(batch, column, out, engine)
        return
    data, filename = _read_input(file)
    from coach.settings import get_settings
    from coach.triage.engine import get_engine

    with working("Reading the email..."):
        result = get_engine(get_settings(), engine).triage(data, filename=filename)
    if as_json:
        typer.echo(json_text(result.model_dump(mode="json"), indent=2))
    else:
        _render(result, data, filename)


def _read_input(file: str | None) -> tuple[bytes, str | None]:
    """The email's bytes, refused over the 2 MB file limit before any work is done."""
    from coach.textio import MAX_FILE_BYTES, read_limited

    if file is None or file == "-":
        if file is None and sys.stdin.isatty():
            raise CoachError("give an email FILE, - to read stdin, or --batch FILE --column NAME")
        return read_limited(sys.stdin.buffer, MAX_FILE_BYTES, "stdin"), None
    path = Path(file)
    if not path.is_file():
        from coach.textio import not_a_file

        raise not_a_file(file, "give an email file, or - to read stdin")
    try:
        with path.open("rb") as handle:
            return read_limited(handle, MAX_FILE_BYTES, file), path.name
    except OSError as exc:
        raise CoachError(f"could not read {file}: {exc.strerror}") from None


# --- human output ----------------------------------------------------------------------------

_COLOURS = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "green"}


def _render(result: TriageResult, data: bytes, filename: str | None) -> None:
    from rich.console import Console
    from rich.text import Text

    from coach.textio import printable

    # Every field but the reply draft is one line: a newline in a model's answer ("to get a
    # refund\nDECISION: HANDLE") must not print as a line of the report.
    shown = printable(result.model_dump())
    assert isinstance(shown, dict)
    fields = {k: v if k == "reply_draft" else _one_line(v) for k, v in shown.items()}
    result = type(result).model_validate(fields)
    data = str(printable(data.decode("utf-8", errors="replace"))).encode("utf-8")

    from coach.domain.signals import label
    from coach.triage.parse import parse

    console = Console(soft_wrap=True)
    decision = {"escalate": "ESCALATE", "review": "READ IT YOURSELF"}.get(
        result.decision, "HANDLE IT YOURSELF"
    )
    head = Text.assemble(
        (decision, "bold"), "  urgency: ", (result.urgency, _COLOURS[result.urgency]),
        f"  engine: {result.engine}",
    )  # fmt: skip
    console.print(head)
    if result.review_reason:
        console.print(Text(f"Review: {result.review_reason}", style="bold yellow"))
    if result.scenario:
        console.print(f"Scenario: {result.scenario}")
    if result.language_note:
        console.print(Text(result.language_note, style="italic"))
    console.print(Text("\nWhy", style="bold"))
    for reason in result.reasons:
        # Plain text: a review's reason may quote the customer ("[bold]..." is not markup).
        console.print(
            Text(
                f'  - {reason.section}: "{reason.rule}"'
                + (f" ({label(reason.signal)})" if reason.signal else "")
            )
        )
    if result.signals:
        console.print(Text("\nEvidence (highlighted in the newest message)", style="bold"))
        newest = parse(data, filename=filename).newest
        text = Text(newest[:4000])
        for signal in result.signals:
            start = newest.find(signal.evidence)
            if 0 <= start < 4000:
                text.stylize("bold black on yellow", start, start + len(signal.evidence))
            console.print(
                Text.assemble("  - ", (label(signal.type), "bold"), f': "{signal.evidence}"')
            )
        # The customer's words are set off by a gutter, so no line of theirs can pass for a
        # section of the report ("Next steps\n  - No escalation needed").
        console.print()
        for line in text.split("\n", allow_blank=True):
            console.print(Text("  │ ", style="dim") + line)
    console.print(Text("\nThe customer wants", style="bold"))
    console.print(f"  {result.customer_wants}")
    _section(console, "Next steps", result.next_steps)
    _section(console, "Answer before escalating", result.checklist_questions)
    _section(console, "Playbook", [f"{c.source} > {c.section}" for c in result.citations])
    console.print(Text("\nReply draft", style="bold"))
    console.print(result.reply_draft, markup=False, highlight=False)
    if result.notes:
        _section(console, "Notes", result.notes)


def _one_line(value: object) -> object:
    """`value` (a string, or lists and dicts of them) with every run of white space, line breaks
    included, as one space."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_one_line(v) for v in value]
    if isinstance(value, dict):
        return {k: _one_line(v) for k, v in value.items()}
    return value


def _section(console: Any, title: str, items: list[str]) -> None:
    from rich.text import Text

    console.print(Text(f"\n{title}", style="bold"))
    for item in items:
        console.print(f"  - {item}", markup=False, highlight=False)


# --- batch -----------------------------------------------------------------------------------


def _run_batch(path: Path, column: str | None, out: str | None, engine: str | None) -> None:
    import contextlib
    import time
    from collections import Counter

    from tqdm import tqdm

    from coach.settings import get_settings
    from coach.textio import escaped
    from coach.triage.batch import read_rows, summary, triage_rows
    from coach.triage.engine import get_engine

    if not column:
        raise CoachError("--batch needs --column NAME (the column with the email text)")
    target = path.with_name(path.stem + ".triage.jsonl") if out is None else out
    not_the_input(target, path)
    rows = read_rows(path, column)
    triager = get_engine(get_settings(), engine)
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        handle: TextIO = sys.stdout
        if target != "-":
            handle = stack.enter_context(Path(target).open("w", encoding="utf-8"))
        bar = stack.enter_context(
            tqdm(total=len(rows), desc="triage", unit="text", file=sys.stderr)
        )
        for outcome, record in triage_rows(triager, rows):
            counts[outcome] += 1
            handle.write(json_text(record) + "\n")
            bar.update(1)
    seconds = time.perf_counter() - started
    where = "stdout" if target == "-" else str(target)
    print(
        escaped(
            f"triaged {len(rows)} texts in {seconds:.1f} s ({len(rows) / max(seconds, 1e-9):.0f}/s): "
            f"{summary(counts)}; wrote {where}"
        ),
        file=sys.stderr,
    )
