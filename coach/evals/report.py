"""Render an eval run: rich tables in the terminal, report.json, report.md and JUnit XML."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.errors import CoachError
from coach.evals.base import Table
from coach.evals.runner import Delta, EvalReport, Gate, SuiteRun, dump_json

if TYPE_CHECKING:
    from rich.console import Console

FAILED_CASES_IN_TERMINAL = 10
REPORT_FILES = ("report.json", "report.md", "junit.xml")
CHANGE_COLORS = {"improved": "green", "regressed": "red"}


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if not math.isfinite(value):  # "nan", "inf": int() of either raises
        return str(value)
    if value == int(value) and abs(value) < 1e12:
        return str(int(value))
    return f"{value:.3f}"


def fmt_delta(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:+.3f}"


def metric_rows(run: SuiteRun) -> list[tuple[str, float | None, Gate | None]]:
    """Every reported metric in the suite's order, then gated metrics the suite did not report."""
    gates = {g.metric: g for g in run.gates}
    metrics = run.result.metrics if run.result else {}
    rows: list[tuple[str, float | None, Gate | None]] = [
        (name, value, gates.get(name)) for name, value in metrics.items()
    ]
    rows += [(g.metric, None, g) for g in run.gates if g.metric not in metrics]
    return rows


def verdict(run: SuiteRun) -> str:
    if run.status == "skipped":
        return "SKIPPED"
    if run.status == "error":
        return "ERROR"
    return "PASS" if run.passed else "FAIL"


def write_reports(report: EvalReport, directory: Path) -> list[Path]:
    if directory.exists() and not directory.is_dir():
        raise CoachError(f"--report {directory} is a file; give a folder for the report files")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CoachError(f"cannot create the report folder {directory}: {exc.strerror}") from None
    contents = (dump_json(report), to_markdown(report), to_junit(report))
    paths = []
    for name, text in zip(REPORT_FILES, contents, strict=True):
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


# -- markdown ---------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    text = fmt(value) if isinstance(value, float) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def md_table(columns: list[str], rows: list[list[Any]]) -> str:
    lines = [
        "| " + " | ".join(_cell(c) for c in columns) + " |",
        "| " + " | ".join("---" for _ in columns) + " |",
    ]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def to_markdown(report: EvalReport) -> str:
    out = [
        "# Eval report",
        "",
        f"- verdict: **{'PASS' if report.passed else 'FAIL'}**",
        f"- engine: {report.engine}",
        f"- when: {report.timestamp.isoformat(timespec='seconds')}",
        f"- commit: {report.commit or 'unknown'}",
        f"- thresholds: {report.thresholds_file or 'none'}",
        f"- total time: {report.seconds:.1f} s",
        "",
        md_table(
            ["suite", "verdict", "gates passed", "cases passed", "seconds"],
            [_summary_row(run) for run in report.suites],
        ),
    ]
    for run in report.suites:
        out += ["", f"## {run.name}: {verdict(run)}", ""]
        if run.status != "ran" or run.result is None:
            out.append(f"{verdict(run).capitalize()}: {run.reason}")
            continue
        out.append(
            md_table(
                ["metric", "value", "threshold", "verdict"],
                [
                    [name, fmt(value), gate.threshold if gate else "", _gate_word(gate)]
                    for name, value, gate in metric_rows(run)
                ],
            )
        )
        missing = [g for g in run.gates if g.value is None]
        out += [f"\n- **{g.message}**" for g in missing]
        for table in run.result.tables:
            out += ["", f"### {table.title}", "", md_table(table.columns, table.rows)]
        failed = [c for c in run.result.cases if not c.passed]
        out += ["", f"### Failed cases ({len(failed)} of {len(run.result.cases)})", ""]
        out += [f"- `{c.id}`: {c.details or 'failed'}" for c in failed] or ["None."]
    if report.comparison is not None:
        out += ["", f"## Compared with {report.baseline_file or 'baseline'}", ""]
        out.append(
            md_table(
                ["suite", "metric", "baseline", "now", "delta", "change"],
                [_delta_row(d) for d in report.comparison],
            )
        )
    return "\n".join(out) + "\n"


def _summary_row(run: SuiteRun) -> list[str]:
    if run.result is None:
        return [run.name, verdict(run), "—", "—", f"{run.seconds:.1f}"]
    gates = f"{sum(g.passed for g in run.gates)}/{len(run.gates)}"
    cases = f"{sum(c.passed for c in run.result.cases)}/{len(run.result.cases)}"
    return [run.name, verdict(run), gates, cases, f"{run.seconds:.1f}"]


def _gate_word(gate: Gate | None) -> str:
    if gate is None:
        return ""
    return "pass" if gate.passed else "FAIL"


def _delta_row(d: Delta) -> list[str]:
    return [d.suite, d.metric, fmt(d.baseline), fmt(d.now), fmt_delta(d.delta), d.change]


# -- JUnit XML --------------------------------------------------------------------------------


def to_junit(report: EvalReport) -> str:
    """One <testsuite> per suite, a <testcase> per eval case and per threshold gate."""
    root = ET.Element("testsuites", name="coach eval", time=f"{report.seconds:.3f}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for run in report.suites:
        suite = _junit_suite(run, report)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
        root.append(suite)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _junit_suite(run: SuiteRun, report: EvalReport) -> ET.Element:
    suite = ET.Element(
        "testsuite",
        name=run.name,
        time=f"{run.seconds:.3f}",
        timestamp=report.timestamp.isoformat(timespec="seconds"),
    )
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="engine", value=report.engine)
    if report.commit:
        ET.SubElement(props, "property", name="commit", value=report.commit)
    classname = f"coach.eval.{run.name}"
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if run.status != "ran" or run.result is None:
        case = ET.SubElement(suite, "testcase", name=run.name, classname=classname, time="0")
        tag = "skipped" if run.status == "skipped" else "error"
        ET.SubElement(case, tag, message=run.reason)
        counts["tests"] = 1
        counts["skipped" if tag == "skipped" else "errors"] = 1
    else:
        for result in run.result.cases:
            case = ET.SubElement(suite, "testcase", name=result.id, classname=classname, time="0")
            detail = result.details
            if result.data:
                detail += "\n" + json.dumps(result.data, ensure_ascii=False, default=str)
            if not result.passed:
                failure = ET.SubElement(case, "failure", message=result.details or "failed")
                failure.text = detail
                counts["failures"] += 1
            elif detail:
                ET.SubElement(case, "system-out").text = detail
            counts["tests"] += 1
        for gate in run.gates:
            name = f"threshold {gate.metric} {gate.threshold}"
            case = ET.SubElement(
                suite, "testcase", name=name, classname=f"{classname}.thresholds", time="0"
            )
            if not gate.passed:
                ET.SubElement(case, "failure", message=gate.message).text = gate.message
                counts["failures"] += 1
            counts["tests"] += 1
    for key, value in counts.items():
        suite.set(key, str(value))
    return suite


# -- terminal ---------------------------------------------------------------------------------


def print_report(report: EvalReport, console: Console) -> None:
    from rich.markup import escape
    from rich.table import Table as RichTable

    for run in report.suites:
        style = {"PASS": "green", "FAIL": "red", "ERROR": "red", "SKIPPED": "yellow"}[verdict(run)]
        console.rule(f"[bold]{run.name}[/bold]: [{style}]{verdict(run)}[/{style}]")
        if run.status != "ran" or run.result is None:
            console.print(f"[{style}]{verdict(run).capitalize()}:[/{style}] {escape(run.reason)}")
            continue
        table = RichTable(title=f"{run.name} metrics ({run.seconds:.1f} s)", title_justify="left")
        for col in ("metric", "value", "threshold", "verdict"):
            table.add_column(col, justify="right" if col == "value" else "left")
        for name, value, gate in metric_rows(run):
            word = _gate_word(gate)
            color = "green" if word == "pass" else "red"
            table.add_row(
                escape(name),
                fmt(value),
                gate.threshold if gate else "",
                f"[{color}]{word}[/{color}]",
            )
        console.print(table)
        for extra in run.result.tables:
            console.print(_rich_table(extra))
        failed = [c for c in run.result.cases if not c.passed]
        console.print(
            f"{len(run.result.cases) - len(failed)}/{len(run.result.cases)} cases passed"
            + (":" if failed else ".")
        )
        for case in failed[:FAILED_CASES_IN_TERMINAL]:
            console.print(f"  [red]✗[/red] {escape(case.id)}: {escape(case.details or 'failed')}")
        if len(failed) > FAILED_CASES_IN_TERMINAL:
            more = len(failed) - FAILED_CASES_IN_TERMINAL
            console.print(f"  … and {more} more (see report.md)")
    if report.comparison is not None:
        console.rule(f"compared with {report.baseline_file or 'baseline'}")
        changed = [d for d in report.comparison if d.change != "same"]
        if changed:
            console.print(_rich_table(_comparison_table(changed), colors=CHANGE_COLORS))
        same = len(report.comparison) - len(changed)
        console.print(f"{same} metric{'s' if same != 1 else ''} unchanged (all in report.md).")
    console.rule()
    for suite, gate in report.failed_gates:
        console.print(f"[red]✗ {suite}: {escape(gate.message)}[/red]")
    for run in report.suites:
        if run.status == "skipped":
            console.print(f"[yellow]! {run.name} skipped: {escape(run.reason)}[/yellow]")
        elif run.status == "error":
            console.print(f"[red]✗ {run.name} failed to run: {escape(run.reason)}[/red]")
    console.print(f"{report.engine} eval run took {report.seconds:.1f} s")
    word = "[green]PASS[/green]" if report.passed else "[red]FAIL[/red]"
    console.print(f"Eval verdict: {word}")


def _comparison_table(deltas: list[Delta]) -> Table:
    return Table(
        title="Baseline comparison",
        columns=["suite", "metric", "baseline", "now", "delta", "change"],
        rows=[_delta_row(d) for d in deltas],
    )


def _rich_table(table: Table, colors: dict[str, str] | None = None) -> Any:
    from rich.markup import escape
    from rich.table import Table as RichTable

    colors = colors or {}
    out = RichTable(title=escape(table.title), title_justify="left", min_width=len(table.title))
    for col in table.columns:
        out.add_column(escape(str(col)))
    for row in table.rows:
        cells = [escape(fmt(v) if isinstance(v, float) else str(v)) for v in row]
        out.add_row(*(f"[{colors[c]}]{c}[/{colors[c]}]" if c in colors else c for c in cells))
    return out
