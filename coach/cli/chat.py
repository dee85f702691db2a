"""`coach chat`: talk the situation through with the coach, in a terminal or from a script."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from coach.cli import EngineOption, app, user_path, working
from coach.errors import CoachError
from coach.textio import escaped, json_text, printable, shown

if TYPE_CHECKING:
    from rich.console import Console

    from coach.chat.conversation import TurnResult
    from coach.settings import Settings

QUIT = {"/quit", "/exit", "quit", "exit", ":q"}
HELP_WORDS = {"/help", "/?", "help", "?"}
HELP = (
    "Tell me what is happening with the customer, in your own words, or paste their email. "
    'Ask "should I escalate?", "what do you know so far?", "what does the playbook say about '
    'discounts?"; say "write the brief", "draft the customer email", "prep the call" or "the '
    'follow-up plan"; correct me ("no, the contact is Lena"). /quit leaves; the conversation is '
    "saved (coach chat --resume ID)."
)
MAX_LINE_CHARS = 200_000  # coach.textio.MAX_TEXT_CHARS
MAX_STDIN_BYTES = 2_000_000  # coach.textio.MAX_FILE_BYTES: one conversation piped in


@app.command("chat")
def chat_command(
    resume: Annotated[
        str | None,
        typer.Option(
            "--resume", help="Continue the conversation with this id.", show_default=False
        ),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List saved conversations.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per turn (no banner).")
    ] = False,
    from_triage: Annotated[
        Path | None,
        typer.Option(
            "--from-triage",
            metavar="EMAIL",
            help="Start from a customer email (.eml, .txt, .html): triage reads the sender, "
            "company, problem, wants, date and signals into the case first.",
            parser=user_path,
        ),
    ] = None,
    delete: Annotated[
        str | None,
        typer.Option(
            "--delete", metavar="ID", help="Delete this conversation for good.", show_default=False
        ),
    ] = None,
    engine: EngineOption = None,
) -> None:
    """Talk a frustrated customer's situation through with the coach. Reads lines from a pipe
    (`printf 'line1\\nline2\\n' | coach chat`) and prints each reply; type /quit to leave."""
    if engine not in (None, "offline", "openai"):
        raise CoachError(f"--engine must be offline or openai, not {engine!r}")
    from coach.settings import get_settings, require_writable

    settings = get_settings(engine=engine)
    if list_ and not settings.database_url and not _writable(settings):
        _list_read_only(settings, as_json)  # a list only reads: a read-only data dir is fine
        return
    if not settings.database_url:  # conversations are saved there: say so before the first line
        require_writable(settings.data_dir)
        from coach.storage import database

        database(settings)  # a damaged store is one line and exit 2 before anything is typed
    if settings.retention_days:
        from coach.chat.conversation import apply_retention

        apply_retention(settings, settings.retention_days)
    if delete is not None:
        from coach.chat.conversation import LOCAL_USER, delete_conversation

        if not delete_conversation(delete, settings, LOCAL_USER):
            raise CoachError(
                f"no conversation with id {shown(delete)}; `coach chat --list` shows the saved ones"
            )
        print(escaped(f"deleted conversation {delete}"), file=sys.stderr)
        return
    if list_:
        _list(settings, as_json)
        return
    from coach.chat.conversation import LOCAL_USER, conversation_exists, new_conversation_id

    seeded = None
    if from_triage is not None:
        if resume is not None:
            raise CoachError("use --from-triage or --resume, not both")
        seeded = _seed_from_triage(from_triage, settings)
        resume = seeded[0]
    if resume is not None:
        if not conversation_exists(resume, settings, LOCAL_USER):
            raise CoachError(
                f"no conversation with id {shown(resume)}; `coach chat --list` shows the saved ones"
            )
        conversation_id = resume
    else:
        conversation_id = new_conversation_id()
    interactive = sys.stdin.isatty() and not as_json
    console = _console()
    if seeded is not None:
        _print_seed(seeded[1], console, as_json)
    elif not as_json:
        _banner(console, settings, conversation_id, resumed=resume is not None)
    with _interrupted(conversation_id, settings):
        if resume is not None:
            _answer_unanswered(conversation_id, settings, console, as_json)
        for line in _lines(interactive, console):
            if line.strip().lower() in QUIT:
                break
            _turn(conversation_id, line, settings, console, as_json, interactive)
    if not as_json:
        console.print(f"[dim]Saved. Resume with: coach chat --resume {conversation_id}[/dim]")


class _Terminated(KeyboardInterrupt):
    """SIGTERM, stopping the chat the way Ctrl-C does (but exiting 143)."""


@contextlib.contextmanager
def _interrupted(conversation_id: str, settings: Settings) -> Iterator[None]:
    """Ctrl-C or SIGTERM while a slow model thinks: the turn registered the conversation and
    saved the rep's message before calling the model, so say so and how to come back (one
    line on stderr; stdout stays the replies), then exit 130 (143 for SIGTERM).

    A library may wrap the interruption in its own error (ormsgpack reports one raised while it
    decodes a checkpoint as "ValueError: ext_hook failed"): the signal is remembered, so that
    error still ends the chat this way, not with a traceback."""
    import signal
    import threading

    received: list[int] = []

    def terminate(signum: int, frame: object) -> None:
        received.append(signum)
        raise _Terminated

    def interrupt(signum: int, frame: object) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    main = threading.current_thread() is threading.main_thread()
    previous = (
        (signal.signal(signal.SIGTERM, terminate), signal.signal(signal.SIGINT, interrupt))
        if main
        else None
    )
    try:
        yield
    except Exception as exc:
        if not received:
            raise
        _say_saved(conversation_id, settings)
        raise SystemExit(128 + received[0]) from exc
    except KeyboardInterrupt as exc:
        _say_saved(conversation_id, settings)
        if isinstance(exc, _Terminated):
            raise SystemExit(128 + signal.SIGTERM) from None
        raise
    finally:
        if previous is not None:
            for signum, handler in zip((signal.SIGTERM, signal.SIGINT), previous, strict=True):
                signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def _say_saved(conversation_id: str, settings: Settings) -> None:
    from coach.chat.conversation import LOCAL_USER, conversation_exists

    if conversation_exists(conversation_id, settings, LOCAL_USER):
        print(
            f"\ncoach: interrupted; the conversation is saved. Resume with: "
            f"coach chat --resume {conversation_id}",
            file=sys.stderr,
        )


def _seed_from_triage(path: Path, settings: Settings) -> tuple[str, dict[str, object]]:
    from coach.chat.conversation import start_from_case
    from coach.reading.case import case_from_triage, judge
    from coach.triage.engine import get_engine

    if not path.is_file():
        from coach.textio import not_a_file

        raise not_a_file(path, "give the customer's email as a file")
    if path.stat().st_size > 2_000_000:
        raise CoachError(f"{path} is over 2 MB; save the one email you want to start from")
    from coach.textio import decode_text

    data = path.read_bytes()
    text = decode_text(data, str(path), legacy=True)
    result = get_engine(settings, "offline").triage(data, filename=path.name)
    case = case_from_triage(text, result)
    title = f"From triage: {case.customer or case.contact_name or path.name}"
    conversation_id = start_from_case(case.model_dump(), title, settings)
    verdict = judge(case)
    return conversation_id, {
        "conversation_id": conversation_id,
        "case": case.model_dump(),
        "checklist_open": case.open_checklist_items(),
        "recommendation": verdict.code,
        "triage_decision": result.decision,
    }


def _print_seed(seed: dict[str, object], console: Console, as_json: bool) -> None:
    if as_json:
        print(json_text({"seeded": seed}))
        return
    case = seed["case"]
    assert isinstance(case, dict)
    known = {k: v for k, v in case.items() if v and k not in ("checklist", "notes")}
    console.print(
        f"[bold]Escalation Coach[/bold]: conversation {seed['conversation_id']}, started from "
        f"the triaged email (triage: {seed['triage_decision']})."
    )
    for key, value in known.items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        console.print(f"  {key.replace('_', ' ')}: {printable(shown)}", markup=False)
    console.print("[dim]Tell me what is still open; /quit leaves.[/dim]")


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _banner(console: Console, settings: Settings, conversation_id: str, resumed: bool) -> None:
    from coach.llm.models import describe_model

    what = "Resumed" if resumed else "New"
    console.print(f"[bold]Escalation Coach[/bold]: {escape(describe_model(settings))}")
    console.print(
        f"[dim]{what} conversation {conversation_id}. Tell me what is happening; paste the "
        'customer\'s email; ask "what do you know so far?" or "write the brief". /help shows '
        "more; /quit leaves.[/dim]"
    )
    if resumed:
        from coach.chat.conversation import history

        past = history(conversation_id, settings)
        if past and past[-1][0] == "rep":  # a turn interrupted (Ctrl-C) before its reply
            console.print(
                f"[dim]{len(past)} earlier messages. Your last one was not answered (the turn "
                "was interrupted); reading it now.[/dim]"
            )
        elif past:
            console.print(f"[dim]{len(past)} earlier messages. Last coach reply:[/dim]")
            last = next((t for r, t in reversed(past) if r == "coach"), "")
            console.print(str(printable(last[:600])), markup=False)


def _answer_unanswered(
    conversation_id: str, settings: Settings, console: Console, as_json: bool
) -> None:
    """A resumed conversation whose last message a turn never answered reads it first."""
    from coach.chat.conversation import answer_unanswered

    try:
        with working("Reading your last message..."):
            result = answer_unanswered(conversation_id, settings)
    except CoachError as exc:
        _notice(console, as_json, str(exc), conversation_id)
        return
    if result is not None:
        _show(console, result, as_json)


def _lines(interactive: bool, console: Console) -> Iterator[str]:
    if interactive:
        while True:
            try:
                yield console.input("[bold cyan]you>[/bold cyan] ")
            except EOFError:
                return
    else:
        from coach.textio import stream_lines

        total = 0
        for lineno, (line, size) in enumerate(stream_lines(sys.stdin.buffer, "stdin"), 1):
            total += size
            if total > MAX_STDIN_BYTES:  # the turns before it are saved; the rest is refused
                raise CoachError(
                    f"stdin is larger than {MAX_STDIN_BYTES // 1_000_000} MB; "
                    f"stopped at line {lineno}, the turns before it are saved"
                )
            yield line.rstrip("\r\n")


def _turn(
    conversation_id: str,
    line: str,
    settings: Settings,
    console: Console,
    as_json: bool,
    interactive: bool,
) -> None:
    from coach.chat.conversation import run_turn

    if len(line) > MAX_LINE_CHARS:
        _notice(console, as_json, f"line too long ({len(line):,} characters); "
                f"send at most {MAX_LINE_CHARS:,} at a time", conversation_id)  # fmt: skip
        return
    if not line.strip():
        if not interactive:
            _notice(console, as_json, "empty line skipped", conversation_id)
        return
    if line.strip().lower() in HELP_WORDS:
        # What the coach does, not a turn: "/help" read as a request once wrote a brief.
        if as_json:
            typer.echo(json.dumps({"help": HELP, "conversation_id": conversation_id}))
        else:
            console.print(HELP, markup=False, highlight=False)
        return
    from coach.settings import active_engine

    stream = interactive and active_engine(settings) == "openai"
    try:
        if stream:
            result = _streamed(conversation_id, line, settings, console)
        else:
            with working("Thinking it through..."):
                result = run_turn(conversation_id, line, settings)
    except CoachError as exc:
        _notice(console, as_json, str(exc), conversation_id)
        return
    _show(console, result, as_json)


def _show(console: Console, result: TurnResult, as_json: bool) -> None:
    """A turn's result: one JSON object, or the reply with its footer."""
    if as_json:
        typer.echo(json_text(result.as_json()))
        return
    _render(console, result)
    _footer(console, result)


def _streamed(conversation_id: str, line: str, settings: Settings, console: Console) -> TurnResult:
    from rich.live import Live
    from rich.markdown import Markdown

    from coach.chat.conversation import run_turn

    # The tokens are a preview, cleared when the turn ends: a stream cut mid-answer, and the
    # offline answer that replaces it, would otherwise stay glued together on screen. The reply
    # the turn settled on is then printed once, with its notice.
    text: list[str] = []
    with Live(Markdown(""), console=console, refresh_per_second=12, transient=True) as live:

        def on_token(token: str) -> None:
            text.append(token)
            live.update(Markdown("".join(text)))

        return run_turn(conversation_id, line, settings, on_token=on_token)


def _render(console: Console, result: TurnResult) -> None:
    from rich.markdown import Markdown

    if result.notice:
        console.print(f"[yellow]Notice: {escape(result.notice)}[/yellow]")
    console.print(Markdown(str(printable(result.reply))))


def _footer(console: Console, result: TurnResult) -> None:
    rec = (result.recommendation or "undecided").replace("_", " ")
    cost = f", ~${result.tokens.est_cost_usd:.4f}" if result.tokens.est_cost_usd else ""
    # Token counts mean something only when a model is paid for; offline they are noise.
    usage = (
        ""
        if result.engine == "offline"
        else f" | tokens {result.tokens.tokens_in} in / {result.tokens.tokens_out} out{cost}"
    )
    console.print(
        f"[dim]recommendation: {rec} | open checklist: {len(result.checklist_open)} | "
        f"{result.engine}{usage}[/dim]"
    )


def _notice(console: Console, as_json: bool, message: str, conversation_id: str) -> None:
    if as_json:
        typer.echo(json.dumps({"notice": message, "conversation_id": conversation_id}))
    else:
        console.print(f"[yellow]coach: {escape(escaped(message))}[/yellow]")


def _writable(settings: Settings) -> bool:
    from coach.settings import require_writable

    try:
        require_writable(settings.data_dir)
    except CoachError:
        return False
    return True


def _list_read_only(settings: Settings, as_json: bool) -> None:
    """The saved conversations of a data directory that cannot be written (a read-only mount or
    another user's folder), read without creating or changing any file."""
    import sqlite3

    from coach.chat.conversation import LOCAL_USER, ConversationInfo
    from coach.storage import DB_NAME

    path = settings.data_dir / DB_NAME
    rows: list[Any] = []
    if path.is_file():
        try:
            # immutable: no -wal or -shm file is made, which a read-only folder would refuse
            with contextlib.closing(
                sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
            ) as conn:
                rows = conn.execute(
                    "SELECT id, title, turns, created, updated FROM coach_conversations "
                    "WHERE COALESCE(owner, 'local') = ? ORDER BY updated DESC",
                    (LOCAL_USER,),
                ).fetchall()
        except sqlite3.Error as exc:
            raise CoachError(
                f"the conversation store {path} could not be read ({exc}); the data directory "
                "is not writable, so it cannot be repaired here"
            ) from None
    items = [
        ConversationInfo(id=r[0], title=r[1], turns=r[2], created=r[3], updated=r[4]) for r in rows
    ]
    _print_list(items, as_json)


def _list(settings: Settings, as_json: bool) -> None:
    from coach.chat.conversation import LOCAL_USER, list_conversations

    _print_list(list_conversations(settings, LOCAL_USER), as_json)


def _print_list(items: list[Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([i.model_dump() for i in items]))
        return
    if not items:
        typer.echo("No saved conversations yet. Start one with `coach chat`.")
        return
    from datetime import datetime

    for info in items:
        when = datetime.fromtimestamp(info.updated).strftime("%Y-%m-%d %H:%M")
        typer.echo(f"{info.id}  {when}  {info.turns:>3} turns  {printable(info.title)}")
