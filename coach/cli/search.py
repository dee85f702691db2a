"""`coach search` and `coach ingest`: the playbook knowledge base from the terminal."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import Annotated, Any

import typer

from coach.cli import app, working
from coach.errors import CoachError
from coach.textio import escaped, json_text


def rich_progress(items: Iterable[Any], total: int, label: str) -> Iterable[Any]:
    """A progress bar on a terminal; one line a step on a pipe or in a log (a CI job or a
    server's ingest shows how far it got, and where it was when interrupted)."""
    if not sys.stderr.isatty():
        return _lines(items, total, label)
    from rich.progress import track

    return track(items, total=total, description=label, console=_console(stderr=True))


def _lines(items: Iterable[Any], total: int, label: str) -> Iterable[Any]:
    for i, item in enumerate(items, 1):
        # a file name can hold escape sequences and line breaks
        name = escaped(getattr(item, "source", ""), breaks=True)
        print(f"{label}: {i}/{total}" + (f" ({name})" if name else ""), file=sys.stderr, flush=True)
        yield item


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What you want to know, in your own words.")],
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=50, help="How many passages.")] = 5,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON array, best first.")
    ] = False,
    mode: Annotated[str, typer.Option(help="hybrid, vector or bm25.")] = "hybrid",
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also show each passage's kind and score.")
    ] = False,
) -> None:
    """Search the escalation playbook."""
    if not query.strip():
        raise CoachError(
            "the query is empty; say what you want to know, e.g. coach search 'customer wants my manager'"
        )
    if mode not in ("hybrid", "vector", "bm25"):
        raise CoachError(f"unknown mode {mode!r}; use hybrid, vector or bm25")
    from coach.playbook.retrieval import get_retriever

    with working("Searching the playbook..."):
        hits = get_retriever().search(query, k=k, mode=mode)  # type: ignore[arg-type]
    if as_json:
        sys.stdout.write(json_text([h.as_json() for h in hits], indent=2))
        sys.stdout.write("\n")
        return
    console = _console()
    if not hits:
        console.print("No playbook passage matches that query.")
        return
    from rich.markup import escape

    for i, hit in enumerate(hits, 1):
        source = escaped(hit.source, breaks=True)
        where = f"{source} · {hit.kind} · score {hit.score:.3f}" if verbose else source
        section = escape(hit.section.replace(" > ", " › "))
        console.print(f"[bold]{i}. {section}[/bold]  [dim]({escape(where)})[/dim]")
        text = hit.text
        if hit.kind == "template":  # one message, however the page broke its lines
            text = re.sub(r"(?<!\n)\n(?!\n)", " ", text)
        snippet = text if len(text) <= 400 else text[:400].rsplit(" ", 1)[0] + " …"
        console.print(snippet, markup=False, soft_wrap=True)  # the terminal wraps, between words
        console.print()


@app.command()
def ingest(
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Drop the index and embed every page again.")
    ] = False,
) -> None:
    """Build or update the knowledge index from the knowledge directory."""
    from coach.playbook.retrieval import build_index
    from coach.settings import get_settings

    settings = get_settings()
    _, report = build_index(settings, rebuild=rebuild, progress=rich_progress)
    _console().print(f"Knowledge index ({settings.knowledge_dir}): {report.summary()}")
