"""The model-graded rubric: not run offline, graded through the model factory with --engine openai."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.evals import rubric
from coach.evals.runner import check_gates, load_thresholds, run_evals
from coach.llm.models import override_chat_model
from coach.llm.testing import ScriptedChatModel, tool_call
from coach.settings import REPO_ROOT, Settings

CASE = {
    "id": "r1",
    "case": {
        "customer": "Northwind Logistics",
        "contact": "Dana Whitfield, VP Operations",
        "problem": "SSO outage locked 400 warehouse staff out of the dispatch console",
        "customer_wants": "A root-cause report",
        "tried": ["Rolled back the IdP certificate with support"],
        "ask": "Priya to join a call with Dana this week",
        "proposed_next_steps": ["Call with Dana and Priya this week"],
        "leader_name": "Priya Raman",
        "leader_title": "VP Customer Success",
    },
}


@pytest.fixture
def openai_settings(settings: Settings, tmp_path: Path) -> Settings:
    (tmp_path / "drafts.yaml").write_text(yaml.safe_dump([CASE]), encoding="utf-8")
    return settings.model_copy(update={"evals_dir": tmp_path, "engine": "openai"})


def echo_reference(messages: list[Any]) -> str:
    return messages[-1].text.split("Reference draft, written from the same facts:", 1)[-1]


def grade(tone: int, ownership: int, no_blame: int) -> Any:
    return tool_call(
        "DraftGrade",
        tone={"score": tone, "reason": "Acknowledges the outage directly."},
        ownership={"score": ownership, "reason": "Names a call with Priya as the next step."},
        no_blame={"score": no_blame, "reason": "Nobody is blamed."},
    )


def test_offline_the_rubric_is_reported_as_not_run(settings: Settings) -> None:
    report = run_evals(settings, "rubric", "offline")
    run = report.suites[0]
    assert run.status == "skipped" and run.result is None and not run.gates
    assert "--engine openai" in run.reason


def test_the_model_grades_each_draft_with_scores_and_reasons(openai_settings: Settings) -> None:
    model = ScriptedChatModel([echo_reference, grade(4, 5, 5)])
    with override_chat_model(model):
        result = rubric.run(openai_settings, "openai", kinds=("customer",))
    assert result.metrics["rubric_graded"] == 1
    assert result.metrics["rubric_tone_mean"] == 4
    assert result.metrics["rubric_ownership_mean"] == result.metrics["rubric_no_blame_mean"] == 5
    assert result.metrics["rubric_low_scores"] == result.metrics["rubric_errors"] == 0
    assert result.metrics["model_drafts_share"] == 1.0  # the model's draft, not the fallback
    (case,) = result.cases
    assert case.passed and case.data["grade"]["tone"]["reason"].startswith("Acknowledges")
    # The grading request: the rubric as system prompt, the draft and the facts as data.
    system, user = model.requests[1]
    assert "ownership" in system.text and "no_blame" in system.text
    assert "Priya Raman" in user.text and '<draft kind="customer">' in user.text
    assert model.tool_choices[-1] == "DraftGrade"


def test_a_low_score_fails_the_draft_and_the_shipped_gates(openai_settings: Settings) -> None:
    model = ScriptedChatModel([echo_reference, grade(2, 4, 5)])
    with override_chat_model(model):
        result = rubric.run(openai_settings, "openai", kinds=("customer",))
    assert result.metrics["rubric_low_scores"] == 1
    (case,) = result.cases
    assert not case.passed and "tone 2/5: Acknowledges" in case.details
    gates = load_thresholds(REPO_ROOT / "evals" / "thresholds.yaml")["rubric"]
    failed = [g.metric for g in check_gates(result, gates) if not g.passed]
    assert failed == ["rubric_tone_mean"]


def test_an_unreadable_grade_is_an_error_not_a_pass(openai_settings: Settings) -> None:
    model = ScriptedChatModel([echo_reference, "Looks great to me!", "Really, it is great."])
    with override_chat_model(model):
        result = rubric.run(openai_settings, "openai", kinds=("customer",))
    assert result.metrics["rubric_errors"] == 1 and result.metrics["rubric_graded"] == 0
    (case,) = result.cases
    assert not case.passed and case.details.startswith("not graded")
    assert "could not be read" in model.requests[2][-1].text  # it was asked to repair once
