"""`coach eval`: run the eval suites, write the reports, gate on the thresholds file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coach.cli import app, user_path
from coach.errors import CoachError


@app.command("eval")
def eval_command(
    suite_arg: Annotated[
        str | None,
        typer.Argument(
            metavar="SUITE",
            help="retrieval, triage, drafts, chat, case, requests, safety, rubric or all (default).",
        ),
    ] = None,
    suite: Annotated[
        str | None, typer.Option("--suite", help="Same as SUITE: one suite, or all.")
    ] = None,
    engine: Annotated[
        str, typer.Option(help="offline (deterministic) or openai (the configured model).")
    ] = "offline",
    report: Annotated[
        Path,
        typer.Option(
            "--report", help="Directory for report.json, report.md, junit.xml.", parser=user_path
        ),
    ] = Path("eval-report"),
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline", help="A report.json of an earlier run to compare with.", parser=user_path
        ),
    ] = None,
    thresholds: Annotated[
        Path | None,
        typer.Option(
            help="Gates file (default: thresholds.yaml in the evals directory).", parser=user_path
        ),
    ] = None,
) -> None:
    """Measure the coach on the eval sets in evals/; exit 1 when a metric misses its threshold."""
    if suite_arg and suite and suite_arg != suite:
        raise CoachError(
            f"two different suites given ({suite_arg!r} and --suite {suite!r}); pick one"
        )
    selection = suite or suite_arg or "all"

    from rich.console import Console

    from coach.evals.report import print_report, write_reports
    from coach.evals.runner import (
        ENGINES,
        append_history,
        compare,
        load_report,
        load_thresholds,
        not_finite,
        run_evals,
        suite_names,
    )
    from coach.settings import get_settings

    if engine not in ENGINES:
        raise CoachError(f"unknown engine {engine!r}; use offline or openai")
    suite_names(selection)  # an unknown name fails before anything runs
    settings = get_settings(engine=engine)
    if engine == "openai" and not (settings.openai_api_key or settings.openai_base_url):
        raise CoachError(
            "--engine openai needs a model: set OPENAI_API_KEY or OPENAI_BASE_URL "
            "(and COACH_MODEL), or use --engine offline"
        )
    gates_file = thresholds or settings.evals_dir / "thresholds.yaml"
    gates = load_thresholds(gates_file)
    earlier = load_report(baseline) if baseline else None
    unusable = not_finite(earlier) if earlier is not None else []
    if unusable:  # a baseline is a comparison aid: the rest of it still compares
        typer.echo(
            f"coach: warning: baseline {baseline} has values that are not finite numbers "
            f"({', '.join(unusable)}); those metrics are not compared",
            err=True,
        )
    if report.exists() and not report.is_dir():  # say so before minutes of work, not after
        raise CoachError(f"--report {report} is a file; give a folder for the report files")

    result = run_evals(settings, selection, engine, gates, gates_file)
    if earlier is not None:
        result.comparison = compare(result, earlier, gates)
        result.baseline_file = str(baseline)
    console = Console(highlight=False)
    print_report(result, console)
    paths = write_reports(result, report)
    append_history(settings, result)
    console.print(f"Reports: {', '.join(str(p) for p in paths)}")
    if not result.passed:
        raise typer.Exit(1)
