"""`coach eval`: the runner, its reports, threshold gates, baselines and history."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coach.errors import CoachError
from coach.evals.base import SuiteResult, load_cases
from coach.evals.report import to_junit, to_markdown
from coach.evals.retrieval import RetrievalCase
from coach.evals.runner import (
    EvalReport,
    SuiteRun,
    append_history,
    compare,
    dump_json,
    load_history,
    load_thresholds,
    run_evals,
)
from coach.settings import REPO_ROOT, Settings

EVALS = REPO_ROOT / "evals"
LOW_GATES = "retrieval:\n  hybrid_recall@3: {min: 0.1}\n  hybrid_mrr: {min: 0.1}\n"


def coach(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """Run the real `coach` entry point in-process (it maps errors to exit codes)."""
    from coach.cli import main

    monkeypatch.setattr(sys, "argv", ["coach", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def gates_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "thresholds.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# -- the real retrieval suite through the CLI ---------------------------------------------


def test_retrieval_passes_its_gates_and_writes_three_reports(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settings: Settings,
) -> None:
    report_dir = tmp_path / "out"
    runs_before = len(load_history(settings))
    code, out, _ = coach(
        monkeypatch, capsys, "eval", "retrieval",
        "--report", str(report_dir), "--thresholds", str(gates_file(tmp_path, LOW_GATES)),
    )  # fmt: skip
    assert code == 0, out
    assert "offline eval run took" in out
    assert "hybrid_recall@3" in out and "PASS" in out
    assert sorted(p.name for p in report_dir.iterdir()) == ["junit.xml", "report.json", "report.md"]

    report = EvalReport.model_validate_json((report_dir / "report.json").read_text())
    assert report.passed and report.engine == "offline"
    (run,) = report.suites
    assert run.name == "retrieval" and run.status == "ran" and run.seconds > 0
    assert {g.metric for g in run.gates} == {"hybrid_recall@3", "hybrid_mrr"}

    # Every case of the eval set is a JUnit testcase; failed ones carry <failure>.
    cases = load_cases(EVALS / "retrieval.yaml", RetrievalCase)
    root = ET.parse(report_dir / "junit.xml").getroot()
    suite = root.find("testsuite[@name='retrieval']")
    assert suite is not None
    names = [tc.get("name") for tc in suite.iter("testcase")]
    assert {c.id for c in cases} <= set(names)
    assert int(suite.get("tests", "0")) == len(cases) + 2  # plus the two gates
    assert run.result is not None
    failed_ids = {c.id for c in run.result.cases if not c.passed}
    with_failure = {
        tc.get("name") for tc in suite.iter("testcase") if tc.find("failure") is not None
    }
    assert with_failure == failed_ids

    md = (report_dir / "report.md").read_text()
    assert "| metric | value | threshold | verdict |\n| --- | --- | --- | --- |" in md
    assert "| hybrid_recall@3 |" in md and ">= 0.1 | pass |" in md
    assert "### Retrieval: each ranker alone vs hybrid" in md

    history = load_history(settings)
    assert len(history) == runs_before + 1
    assert (
        history[-1].suites["retrieval"]["hybrid_recall@3"] == run.result.metrics["hybrid_recall@3"]
    )


def test_a_threshold_above_the_measured_value_fails_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    report_dir = tmp_path / "out"
    gates = gates_file(tmp_path, "retrieval:\n  hybrid_recall@3: {min: 1.01}\n")
    code, out, _ = coach(
        monkeypatch, capsys, "eval", "--suite", "retrieval",
        "--report", str(report_dir), "--thresholds", str(gates),
    )  # fmt: skip
    assert code == 1
    assert "is below its min 1.01" in out
    root = ET.parse(report_dir / "junit.xml").getroot()
    gate = root.find(".//testcase[@classname='coach.eval.retrieval.thresholds']")
    assert gate is not None and gate.find("failure") is not None
    assert json.loads((report_dir / "report.json").read_text())["passed"] is False


def test_baseline_comparison_shows_deltas_respecting_direction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # An earlier run that retrieved worse and had fewer questions; `questions` is gated by a max
    # here, so more of it counts as a regression.
    earlier = EvalReport(
        engine="offline",
        timestamp=datetime(2025, 1, 1, tzinfo=UTC),
        thresholds_file="",
        seconds=1.0,
        suites=[
            SuiteRun(
                name="retrieval",
                status="ran",
                result=SuiteResult(
                    suite="retrieval",
                    metrics={"hybrid_recall@3": 0.05, "questions": 1.0, "retired_metric": 0.5},
                ),
            )
        ],
    )
    baseline = tmp_path / "baseline.json"
    baseline.write_text(dump_json(earlier))
    gates = gates_file(tmp_path, LOW_GATES + "  questions: {max: 1000}\n")
    report_dir = tmp_path / "out"
    code, out, _ = coach(
        monkeypatch, capsys, "eval", "retrieval", "--report", str(report_dir),
        "--thresholds", str(gates), "--baseline", str(baseline),
    )  # fmt: skip
    assert code == 0, out
    report = EvalReport.model_validate_json((report_dir / "report.json").read_text())
    assert report.comparison is not None
    by_metric = {d.metric: d for d in report.comparison}
    recall = by_metric["hybrid_recall@3"]
    assert recall.change == "improved" and recall.baseline == 0.05
    assert recall.now is not None and recall.delta == pytest.approx(recall.now - 0.05)
    assert by_metric["questions"].change == "regressed"
    assert by_metric["retired_metric"].change == "gone"
    assert by_metric["hybrid_mrr"].change == "new"
    assert "improved" in out and "regressed" in out
    md = (report_dir / "report.md").read_text()
    assert "| suite | metric | baseline | now | delta | change |" in md
    row = f"| hybrid_recall@3 | 0.050 | {recall.now:.3f} | {recall.delta:+.3f} | improved |"
    assert f"| retrieval {row}" in md


# -- bad input: one line, exit 2 ----------------------------------------------------------


def test_a_malformed_case_file_names_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    evals = tmp_path / "evals"
    evals.mkdir()
    shutil.copy(EVALS / "thresholds.yaml", evals / "thresholds.yaml")
    (evals / "retrieval.yaml").write_text(
        "- id: ok\n  question: who do I call\n  expected: [Context]\n"
        "- id: broken\n  expected: [Context]\n"
    )
    monkeypatch.setenv("COACH_EVALS_DIR", str(evals))
    code, out, err = coach(
        monkeypatch, capsys, "eval", "retrieval", "--report", str(tmp_path / "r")
    )
    assert code == 2
    assert f"{evals / 'retrieval.yaml'}:4:" in err and "question" in err
    assert "Traceback" not in err + out
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("name", "text", "line", "first"),
    [
        (
            "retrieval.yaml",
            "- id: a\n  question: who do I call\n  expected: [Context]\n"
            "- id: b\n  question: when\n  expected: [Context]\n"
            "- id: a\n  question: how\n  expected: [Context]\n",
            7,
            1,
        ),
        (
            "triage_x.jsonl",
            '{"id": "t1", "text": "Thanks.", "decision": "handle"}\n'
            "# a comment\n"
            '{"id": "t1", "text": "We will cancel.", "decision": "escalate"}\n',
            3,
            1,
        ),
    ],
)
def test_a_case_id_used_twice_is_refused_naming_both_lines(
    name: str, text: str, line: int, first: int, tmp_path: Path
) -> None:
    """Two cases with one id made the report's per-case rows ambiguous and one hid the other."""
    from coach.evals.triage import TriageCase

    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(CoachError) as err:
        load_cases(path, RetrievalCase if name.endswith(".yaml") else TriageCase)
    assert str(err.value).startswith(f"{path}:{line}:")
    assert f"line {first}" in str(err.value)


def test_unknown_suite_exits_2_from_the_installed_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from coach.cli import main; main()", "eval", "retreival"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("coach: unknown eval suite 'retreival'")
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["eval", "--engine", "openai"], "set OPENAI_API_KEY or OPENAI_BASE_URL"),
        (["eval", "--engine", "gpt"], "unknown engine 'gpt'"),
        (["eval", "retrieval", "--suite", "triage"], "two different suites"),
        (["eval", "retrieval", "--baseline", "missing.json"], "missing.json does not exist"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = coach(monkeypatch, capsys, *args, "--report", str(tmp_path / "r"))
    assert code == 2
    assert message in err and err.count("\n") == 1


def test_shipped_thresholds_load_and_a_typo_is_rejected(tmp_path: Path) -> None:
    shipped = load_thresholds(EVALS / "thresholds.yaml")
    assert shipped["retrieval"]["hybrid_recall@3"].min == 0.95
    assert shipped["drafts"]["invented_facts"].max == 0
    assert shipped["drafts"]["invented_facts"].lower_is_better
    with pytest.raises(Exception, match=r"thresholds.yaml:2: unknown suite 'retreival'"):
        load_thresholds(gates_file(tmp_path, "# gates\nretreival:\n  x: {min: 1}\n"))
    with pytest.raises(Exception, match=r":3: retrieval.y: 'minimum'"):
        load_thresholds(gates_file(tmp_path, "retrieval:\n  x: {min: 1}\n  y: {minimum: 1}\n"))
    with pytest.raises(Exception, match="needs a min or a max"):
        load_thresholds(gates_file(tmp_path, "retrieval:\n  x: {}\n"))


# -- the runner with suites of our own ----------------------------------------------------

FAKE_SUITES = """
from coach.evals.base import CaseResult, SuiteResult, Table


def run(settings, engine="offline"):
    return SuiteResult(
        suite="fake",
        engine=engine,
        metrics={"score": 0.8, "leaks": 2.0},
        cases=[
            CaseResult(id="a", passed=True),
            CaseResult(id="b", passed=False, details="said <promise> & [more]"),
        ],
        tables=[Table(title="by kind", columns=["kind", "n"], rows=[["x|y", 1]])],
    )


def crash(settings, engine="offline"):
    raise RuntimeError("boom")
"""


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    (tmp_path / "fake_eval_suites.py").write_text(FAKE_SUITES)
    (tmp_path / "fake_eval_needs_dep.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return {
        "fake": "fake_eval_suites:run",
        "ghost": "coach.evals.no_such_suite:run",
        "broken": "fake_eval_suites:crash",
        "needs_dep": "fake_eval_needs_dep:run",
    }


def test_all_skips_unavailable_suites_and_fails_on_broken_ones(
    registry: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    gates = load_thresholds(
        gates_file(
            tmp_path, "fake:\n  score: {min: 0.5}\n  leaks: {max: 0}\n  recall: {min: 0.9}\n"
        ),
        known=registry,
    )
    report = run_evals(settings, "all", "offline", gates, registry=registry)
    runs = {r.name: r for r in report.suites}
    assert runs["ghost"].status == "skipped"
    assert "coach.evals.no_such_suite does not exist" in runs["ghost"].reason
    assert runs["broken"].status == "error" and "boom" in runs["broken"].reason
    assert (
        runs["needs_dep"].status == "error" and "no_such_dependency_xyz" in runs["needs_dep"].reason
    )
    verdicts = {g.metric: g for g in runs["fake"].gates}
    assert verdicts["score"].passed
    assert not verdicts["leaks"].passed and "above its max 0" in verdicts["leaks"].message
    assert not verdicts["recall"].passed and "missing" in verdicts["recall"].message
    assert not report.passed

    root = ET.fromstring(to_junit(report))
    assert root.get("skipped") == "1" and root.get("errors") == "2"
    assert root.get("failures") == "3"  # case b, leaks, recall
    ghost = root.find("testsuite[@name='ghost']/testcase/skipped")
    assert ghost is not None and "does not exist" in (ghost.get("message") or "")
    md = to_markdown(report)
    assert "## ghost: SKIPPED" in md and "| x\\|y | 1 |" in md
    assert "metric 'recall' is missing from the fake suite's results" in md


def test_naming_an_unavailable_suite_is_an_error(
    registry: dict[str, str], settings: Settings
) -> None:
    with pytest.raises(Exception, match="'ghost' is not available"):
        run_evals(settings, "ghost", registry=registry)
    with pytest.raises(Exception, match="unknown eval suite 'nope'"):
        run_evals(settings, "nope", registry=registry)


def test_compare_treats_max_gated_metrics_as_lower_is_better(
    registry: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    gates = load_thresholds(
        gates_file(tmp_path, "fake:\n  score: {min: 0.5}\n  leaks: {max: 0}\n"), known=registry
    )
    now = run_evals(settings, "fake", "offline", gates, registry=registry)
    before = now.model_copy(deep=True)
    assert before.suites[0].result is not None
    before.suites[0].result.metrics.update(score=0.9, leaks=5.0)
    deltas = {d.metric: d for d in compare(now, before, gates)}
    assert deltas["score"].change == "regressed" and deltas["score"].delta == pytest.approx(-0.1)
    assert deltas["leaks"].change == "improved" and deltas["leaks"].delta == pytest.approx(-3.0)
    same = {d.metric: d for d in compare(now, now, gates)}
    assert {d.change for d in same.values()} == {"same"}


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_a_baseline_value_that_is_not_a_finite_number_is_skipped_not_a_crash(
    bad: float, registry: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    """A report.json edited to "score": NaN (or 1e999, -Infinity) crashed the comparison's
    rendering (`int(nan)` in `fmt`); that metric is now left out and named, the rest compares."""
    import io

    from rich.console import Console

    from coach.evals.report import print_report
    from coach.evals.runner import load_report, not_finite

    gates = load_thresholds(gates_file(tmp_path, "fake:\n  score: {min: 0.5}\n"), known=registry)
    now = run_evals(settings, "fake", "offline", gates, registry=registry)
    before = now.model_copy(deep=True)
    assert before.suites[0].result is not None
    before.suites[0].result.metrics.update(score=bad, leaks=3.0)
    saved = tmp_path / "baseline.json"
    saved.write_text(dump_json(before))
    earlier = load_report(saved)
    assert not_finite(earlier) == [f"fake.score = {bad}"]
    now.comparison = compare(now, earlier, gates)
    assert [d.metric for d in now.comparison] == ["leaks"]
    # a metric that is not finite in this run is shown as such, not a crash either
    assert now.suites[0].result is not None
    now.suites[0].result.metrics["score"] = bad
    console = Console(file=io.StringIO(), width=200)
    print_report(now, console)
    assert str(bad) in to_markdown(now)


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        ("{min: .nan}", "min is nan, not a finite number"),
        ("{max: .inf}", "max is inf, not a finite number"),
        ("{min: 0.9, max: 0.5}", "min 0.9 is above max 0.5"),
    ],
)
def test_a_gate_that_no_value_could_meet_is_refused_with_one_line(
    bounds: str,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    gates = gates_file(tmp_path, f"retrieval:\n  hybrid_mrr: {bounds}\n")
    code, _, err = coach(
        monkeypatch, capsys, "eval", "retrieval", "--thresholds", str(gates),
        "--report", str(tmp_path / "r"),
    )  # fmt: skip
    assert code == 2
    assert f"thresholds.yaml:2: retrieval.hybrid_mrr: {message}" in err and err.count("\n") == 1
    assert not (tmp_path / "r").exists()


def test_history_appends_and_skips_a_damaged_line(registry: dict[str, str], tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")  # type: ignore[call-arg]
    assert load_history(settings) == []
    report = run_evals(settings, "fake", registry=registry)
    path = append_history(settings, report)
    with path.open("a") as fh:
        fh.write("{not json\n")
    append_history(settings, report)
    history = load_history(settings)
    assert len(history) == 2
    assert history[0].suites == {"fake": {"score": 0.8, "leaks": 2.0}}
    assert history[0].timestamp == report.timestamp


def test_a_further_triage_set_without_signal_labels_reports_no_signal_recall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A set labelled with decisions only (the adversarial emails) has no signal recall: it
    was reported as 0.0, a figure that measured nothing."""
    evals = tmp_path / "evals"
    evals.mkdir()
    (evals / "triage.jsonl").write_text(
        '{"id": "m1", "text": "We will cancel the contract at renewal.", "decision": "escalate",'
        ' "must_signals": ["cancellation_threat"]}\n'
        '{"id": "m2", "text": "Could you add two users to our workspace?", "decision": "handle"}\n',
        encoding="utf-8",
    )
    (evals / "triage_x.jsonl").write_text(
        '{"id": "x1", "text": "Can you resend the March invoice?", "decision": "handle"}\n',
        encoding="utf-8",
    )
    gates = gates_file(tmp_path, "triage:\n  decision_accuracy: {min: 0.1}\n")
    monkeypatch.setenv("COACH_EVALS_DIR", str(evals))
    report = tmp_path / "r"
    code, _out, err = coach(
        monkeypatch, capsys, "eval", "triage", "--report", str(report), "--thresholds", str(gates)
    )
    assert code == 0, err
    metrics = json.loads((report / "report.json").read_text())["suites"][0]["result"]["metrics"]
    assert metrics["triage_x_decision_accuracy"] == 1.0
    assert "triage_x_signal_macro_recall" not in metrics
    assert "signal_macro_recall" in metrics  # the main set is labelled
