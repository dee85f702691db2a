"""`coach brief`, `coach draft` and `coach check`: the escalation's writing, from a case file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coach.cli import EngineOption, app, not_the_input, user_file, user_path, working
from coach.errors import CoachError
from coach.textio import escaped, json_text, printable

if TYPE_CHECKING:
    from coach.drafts.writer import Draft, DraftWriter

DRAFT_CHOICES = ("customer", "call-prep", "follow-up")


def _writer(engine: str | None) -> DraftWriter:
    from coach.drafts.writer import get_writer
    from coach.settings import get_settings

    if engine not in (None, "offline", "openai"):
        raise CoachError(f"unknown engine {engine!r}; use offline or openai")
    return get_writer(get_settings(), engine)


def _emit(text: str, out: Path | None) -> None:
    if out is None:  # text from a case file or an email: no escape sequence reaches the terminal
        text = str(printable(text))
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from coach.drafts.export import write_markdown

    write_markdown(text, out)
    print(escaped(f"wrote {out}"), file=sys.stderr)


def _notice(draft: Draft) -> None:
    if draft.notice:
        print(escaped(f"note: {draft.notice}"), file=sys.stderr)
    for held in draft.held_back:  # shown, never dropped silently: the rep decides
        print(
            printable(f'held back ({held.code}): "{held.line}" -> {held.rewrite}'),
            file=sys.stderr,
        )


@app.command()
def brief(
    case_path: Annotated[
        Path,
        typer.Argument(metavar="CASE.json", help="The case file (JSON).", parser=user_path),
    ],
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help='Print {"markdown", "recommendation", "headline", "first_steps", "reasons", '
            '"warnings", "held_back", "engine", "notice"}.',
        ),
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file.", parser=user_path)
    ] = None,
    engine: EngineOption = None,
) -> None:
    """The brief to your manager (Step 3), with the verdict and the checklist warnings."""
    from coach.domain.casefile import CaseFile
    from coach.drafts.writer import brief_payload

    not_the_input(out, case_path)
    with working("Writing the brief..."):
        draft, payload = brief_payload(CaseFile.load(case_path), _writer(engine))
    _notice(draft)
    if as_json:
        _emit(json_text(payload, indent=2), out)
    else:
        _emit(draft.markdown, out)


@app.command()
def draft(
    kind: Annotated[str, typer.Argument(metavar="customer|call-prep|follow-up")],
    case_path: Annotated[
        Path,
        typer.Argument(metavar="CASE.json", help="The case file (JSON).", parser=user_path),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the markdown here.", parser=user_path)
    ] = None,
    eml: Annotated[
        Path | None,
        typer.Option(
            "--eml", help="Customer message only: write an unsent .eml.", parser=user_path
        ),
    ] = None,
    engine: EngineOption = None,
) -> None:
    """The customer message (Step 4), the call prep (Step 5) or the follow-through plan (Step 6)."""
    if kind not in DRAFT_CHOICES:
        raise CoachError(f"unknown draft {kind!r}; choose customer, call-prep or follow-up")
    if eml is not None and kind != "customer":
        raise CoachError("--eml is for the customer message; use --out for the other drafts")
    from coach.domain.casefile import CaseFile
    from coach.reading.case import with_signals

    not_the_input(out, case_path)
    not_the_input(eml, case_path)
    case = with_signals(CaseFile.load(case_path))
    with working("Writing the draft..."):
        result = _writer(engine).write(kind, case)  # type: ignore[arg-type]
    _notice(result)
    if eml is not None:
        from coach.drafts.export import write_eml

        write_eml(result, eml, case.contact, case.contact_email, case.contact_name)
        print(escaped(f"wrote {eml}"), file=sys.stderr)
    # The draft is always shown: with --eml alone it still goes to stdout, so the rep sees what
    # the message says.
    _emit(result.markdown, out)


@app.command()
def check(
    source: Annotated[
        str, typer.Argument(metavar="FILE|-", help="A text file, or - for stdin.", parser=user_file)
    ],
    kind: Annotated[
        str, typer.Option("--kind", help="customer, manager or any (which rules apply).")
    ] = "any",
    authorised: Annotated[
        list[str] | None,
        typer.Option("--authorised", help="A commitment you may make (repeatable)."),
    ] = None,
    case_path: Annotated[
        Path | None,
        typer.Option(
            "--case", help="Take the authorised commitments from this case file.", parser=user_path
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Check text for blame, over-promising, a missing acknowledgement or a missing ask.

    Exit code 0 when clean, 1 when there are findings, 2 on bad input."""
    from coach import guardrails

    if kind not in ("customer", "manager", "any"):
        raise CoachError(f"unknown kind {kind!r}; use customer, manager or any")
    text = _read_text(source)
    if not text.strip():
        raise CoachError("there is nothing to check: the text is empty")
    allowed = list(authorised or [])
    if case_path is not None:
        from coach.domain.casefile import CaseFile

        allowed += CaseFile.load(case_path).authorised_commitments
    findings = guardrails.check(text, kind, allowed)  # type: ignore[arg-type]
    if as_json:
        print(json_text([f.model_dump() for f in findings], indent=2))
    elif not findings:
        print("clean: no blame, over-promising, missing acknowledgement or missing ask found")
    else:
        for f in findings:
            print(printable(f'{f.code}: "{f.quote}"\n  why: {f.message}\n  playbook: {f.gotcha}'))
    if findings:
        raise typer.Exit(1)


def _read_text(source: str) -> str:
    """The text to check, refused over the size limits (2 MB as a file, 200,000 characters as
    text, as for triage) before any work is done."""
    from coach.textio import MAX_FILE_BYTES, check_length, decode_text, read_limited

    if source == "-":
        # A draft from an older editor is read as an email from an older client is.
        text = decode_text(
            read_limited(sys.stdin.buffer, MAX_FILE_BYTES, "stdin"), "stdin", legacy=True
        )
    else:
        path = Path(source)
        if not path.is_file():
            from coach.textio import not_a_file

            raise not_a_file(source, "pass a text file, or - to read stdin")
        with path.open("rb") as handle:
            text = decode_text(read_limited(handle, MAX_FILE_BYTES, source), source, legacy=True)
    check_length(text)
    return text
