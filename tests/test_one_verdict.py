"""One judgement in one place: the chat, the brief, the UI and triage never disagree, and every
view reads the one table of signals."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.domain import signals as table
from coach.domain.casefile import CaseFile
from coach.domain.verdict import LABELS, verdict
from coach.settings import REPO_ROOT, Settings

CONVERSATION_SETS = ("chat.yaml", "chat_fields_dev.yaml", "chat_fresh.yaml")


def _conversations() -> list[tuple[str, list[str]]]:
    out = []
    for name in CONVERSATION_SETS:
        for case in yaml.safe_load((REPO_ROOT / "evals" / name).read_text(encoding="utf-8")):
            out.append((case["id"], [t["say"] for t in case["turns"]]))
    return out


def _views(turn: dict[str, Any], settings: Settings, tmp: Path) -> dict[str, str | None]:
    """The recommendation as each view shows it, for the case of a chat's last turn."""
    from coach.drafts.writer import brief_payload, get_writer
    from coach.ui import handlers

    case = CaseFile.model_validate(turn["case"])
    _, brief = brief_payload(case, get_writer(settings))
    status_html = handlers.panels(turn, settings)[0]
    form = handlers.case_to_form(case.model_dump())
    badge_html = handlers.write_drafts(form, settings, tmp)[0]
    shown = {code: handlers.render.esc(LABELS[code]) for code in LABELS}
    return {
        "chat": turn["recommendation"],
        "brief": brief["recommendation"],
        "ui_status": next((c for c, label in shown.items() if f">{label}<" in status_html), "?"),
        "ui_badge": next((c for c, label in shown.items() if f">{label}<" in badge_html), "?"),
    }


def test_chat_brief_and_ui_agree_on_every_labelled_conversation(
    settings: Settings, tmp_path: Path
) -> None:
    from coach.chat.conversation import run_turn

    seen: set[str | None] = set()
    disagreements = []
    for case_id, says in _conversations():
        conversation = f"agree-{case_id}-{uuid.uuid4().hex[:6]}"
        result = None
        for say in says:
            result = run_turn(conversation, say, settings)
        assert result is not None
        turn = result.model_dump()
        views = _views(turn, settings, tmp_path / case_id)
        seen.add(views["chat"])
        if len(set(views.values())) != 1:
            disagreements.append((case_id, views))
    assert disagreements == []
    assert {"escalate_now", "not_yet", "do_not_escalate"} <= seen


def _coach(args: list[str], stdin: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_"))}
    env["COACH_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-c", "from coach.cli import main; main()", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT / "tests",
        timeout=300,
    )


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        (
            [
                "Northwind's COO says they're cancelling at renewal if the SSO outages don't stop.",
                "I've had two calls with their IT lead and opened a P1 with engineering.",
            ],
            "escalate_now",
        ),
        (
            [
                "Brightwater wants a 30% credit for the delayed rollout, which I can't approve.",
                "I haven't tried anything yet and haven't told them where things stand.",
            ],
            "not_yet",
        ),
        (
            [
                "Lena at Quillpay asked how to rotate their API keys; she was a bit annoyed.",
                "I can handle it, it's a how-to question.",
            ],
            "do_not_escalate",
        ),
    ],
)
def test_the_cli_chat_and_the_cli_brief_give_the_same_code(
    lines: list[str], code: str, settings: Settings, tmp_path: Path
) -> None:
    chat = _coach(["chat", "--json"], "\n".join(lines) + "\n", settings.data_dir)
    assert chat.returncode == 0, chat.stderr
    last = json.loads(chat.stdout.splitlines()[-1])
    assert last["recommendation"] == code
    case_path = tmp_path / "case.json"
    case_path.write_text(json.dumps(last["case"]), encoding="utf-8")
    brief = _coach(["brief", str(case_path), "--json"], "", settings.data_dir)
    assert brief.returncode == 0, brief.stderr
    assert json.loads(brief.stdout)["recommendation"] == code


def test_triage_decision_is_the_verdict_on_the_emails_signals(settings: Settings) -> None:
    """An email and a chat case with the same signals get the same judgement."""
    from coach.triage.decide import decide
    from coach.triage.models import Signal

    for name in table.SIGNAL_TYPES:
        triaged = decide([Signal(type=name, evidence="quote")])  # type: ignore[arg-type]
        chat = verdict(CaseFile(problem="x", signals=[name]))
        assert (triaged.decision == "escalate") == chat.calls_for_escalation, name
        assert triaged.recommendation == chat.code, name


def test_scope_dispute_escalates_in_triage_and_in_the_chat_alike() -> None:
    from coach.triage.decide import decide
    from coach.triage.models import Signal

    email = decide([Signal(type="scope_timeline_dispute", evidence="that was in scope")])
    tried = CaseFile(
        problem="They say the integration was in scope",
        signals=["scope_timeline_dispute"],
        tried=["Walked them through the SOW"],
        checklist={"communicated_transparently": True},  # type: ignore[arg-type]
    )
    assert email.decision == "escalate"
    assert verdict(tried).code == "escalate_now"


def test_escalate_now_with_gaps_is_one_message_not_a_badge_beside_a_warning() -> None:
    case = CaseFile(
        customer="Initech", problem="They will cancel at renewal", signals=["cancellation_threat"]
    )
    result = verdict(case)
    assert result.code == "escalate_now"
    assert result.headline == "Escalate now; first: brief your manager."
    assert {"no_plan", "no_clear_ask"} <= {w.code for w in result.warnings}
    assert any("Step 2" in step for step in result.first_steps)  # each step names its rule


def test_an_ask_for_leadership_with_nothing_wrong_is_not_an_escalation() -> None:
    """ "No complaints, usage is up. I just want our VP to say hi to Gabriel. Is that an
    escalation?" gets an answer, not "listening"."""
    case = CaseFile(customer="Tidewell Foods", ask="Our VP to say hi to Gabriel")
    result = verdict(case)
    assert result.code == "do_not_escalate"
    assert verdict(CaseFile(customer="Tidewell Foods")).code is None


def test_a_venting_case_never_says_escalate() -> None:
    case = CaseFile(
        customer="Hartwell",
        problem="Customer is just venting about the slow export",
        signals=["venting"],
        days_open=45,
    )
    result = verdict(case)
    assert result.code == "do_not_escalate"
    text = " ".join([result.headline, *result.first_steps, *(w.message for w in result.warnings)])
    assert "scalate now" not in text and "too_late" not in {w.code for w in result.warnings}


# --- one table --------------------------------------------------------------------------------


def _literal_signal_lists(path: Path) -> list[int]:
    """Lines where a module spells out three or more signal names in one literal."""
    names = set(table.SIGNAL_TYPES)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            items: list[ast.expr | None] = list(node.keys)
        elif isinstance(node, ast.List | ast.Tuple | ast.Set):
            items = list(node.elts)
        else:
            continue
        spelled = {i.value for i in items if isinstance(i, ast.Constant) and i.value in names}
        if len(spelled) >= 3:
            found.append(node.lineno)
    return found


def test_no_module_spells_out_the_signal_vocabulary_again() -> None:
    allowed = {REPO_ROOT / "coach" / "domain" / "signals.py"}
    offenders = {
        str(path.relative_to(REPO_ROOT)): lines
        for path in sorted((REPO_ROOT / "coach").rglob("*.py"))
        if path not in allowed and (lines := _literal_signal_lists(path))
    }
    assert offenders == {}


def test_the_table_matches_the_contract_and_the_playbook() -> None:
    playbook = (REPO_ROOT / "knowledge" / "escalation.md").read_text(encoding="utf-8")
    rows = table.table()
    assert tuple(rows) == table.SIGNAL_TYPES
    for row in rows.values():
        assert row.rule.text in playbook, row.name
        if row.scenario:
            assert f"**{row.scenario}**" in playbook
    assert table.immediate() == {
        "cancellation_threat",
        "legal_or_public_threat",
        "technical_beyond_control",
        "manager_request",
    }


def test_every_view_shows_the_tables_label(settings: Settings) -> None:
    from coach.ui import render

    result = {
        "decision": "escalate",
        "urgency": "high",
        "signals": [{"type": "deal_at_risk", "evidence": "the signature is on hold"}],
        "reasons": [{"rule": "r", "section": "s", "signal": "deal_at_risk"}],
    }
    card = render.triage_card(result, "the signature is on hold")
    assert table.label("deal_at_risk") in card and "deal_at_risk<" not in card
    assert table.signal("deal_at_risk").label in render.case_panel({"signals": ["deal_at_risk"]})


def _deal_case(**checklist: bool) -> CaseFile:
    return CaseFile.model_validate(
        {
            "customer": "Driftwood",
            "problem": "The champion is leaving and the renewal is at risk",
            "tried": ["Weekly calls with the champion"],
            "signals": ["deal_at_risk"],
            "checklist": {"tried_yourself": True, "communicated_transparently": True, **checklist},
        }
    )


@pytest.mark.parametrize(
    ("said_no", "rule"),
    [
        ("manager_briefed", "Have you briefed your manager on the situation?"),
        ("clear_ask", "Do you have a clear ask for leadership?"),
        ("root_cause_understood", "Do you understand the root cause of their frustration?"),
    ],
)
def test_a_checklist_question_answered_no_holds_back_an_escalation_that_is_not_urgent(
    said_no: str, rule: str
) -> None:
    assert verdict(_deal_case()).code == "escalate_now"  # unknown is not "no"
    held = verdict(_deal_case(**{said_no: False}))
    assert held.code == "not_yet"
    assert rule in [r.rule for r in held.reasons]
    if said_no == "manager_briefed":
        assert any("Brief your manager" in step for step in held.first_steps)


def test_a_threat_to_cancel_escalates_now_unless_the_rep_has_not_tried_yet() -> None:
    case = _deal_case(manager_briefed=False, clear_ask=False).merge(
        {"signals": ["cancellation_threat"]}
    )
    assert verdict(case).code == "escalate_now"
    assert verdict(case).first_steps[0].startswith("Brief your manager")
    untried = CaseFile(
        customer="Solvane",
        problem="They say they're out if forecasting is not fixed by the board meeting",
        signals=["cancellation_threat"],
        checklist={"tried_yourself": False, "manager_briefed": True},  # type: ignore[arg-type]
    )
    held = verdict(untried)
    assert held.code == "not_yet"
    assert "You haven't tried to resolve it yourself" in [r.rule for r in held.reasons]
    assert "Escalate immediately" not in [r.rule for r in held.reasons]
    assert held.first_steps[0].startswith("Try to resolve it yourself")


def test_a_threat_to_cancel_waits_until_the_customer_has_been_told_where_things_stand() -> None:
    """ "Don't Escalate If: You haven't communicated with customer about it": a rep who says they
    have not yet told the customer that the fix slipped tells them first."""
    case = CaseFile(
        customer="Birchfield",
        problem="Head of IT will pull the contract if the app crash is not fixed",
        signals=["cancellation_threat"],
        checklist={"tried_yourself": True, "communicated_transparently": False},  # type: ignore[arg-type]
    )
    held = verdict(case)
    assert held.code == "not_yet"
    assert "You haven't communicated with customer about it" in [r.rule for r in held.reasons]
    assert held.first_steps[0].startswith("Tell the customer, transparently")
    told = case.merge({"checklist": {"communicated_transparently": True}})
    assert verdict(told).code == "escalate_now"


@pytest.mark.parametrize(
    "urgent", ["manager_request", "technical_beyond_control", "legal_or_public_threat"]
)
def test_another_urgent_signal_waits_for_a_stated_no_only(urgent: str) -> None:
    silent = CaseFile(customer="Tavola", problem="Portal pages take 12 seconds", signals=[urgent])
    assert verdict(silent).code == "escalate_now"  # nothing said about trying is not "no"
    unbriefed = verdict(silent.merge({"checklist": {"manager_briefed": False}}))
    assert unbriefed.code == "escalate_now"  # briefing the manager is the first step
    assert unbriefed.first_steps[0].startswith("Brief your manager")
    untried = silent.merge({"checklist": {"tried_yourself": False}})
    silent_to_them = silent.merge({"checklist": {"communicated_transparently": False}})
    # neither waits on its own: it does not wait for the rep's attempts
    assert verdict(untried).code == verdict(silent_to_them).code == "escalate_now"
    nothing_done = untried.merge({"checklist": {"communicated_transparently": False}})
    if urgent == "legal_or_public_threat":
        assert verdict(nothing_done).code == "escalate_now"
    else:  # "Don't Escalate If: You haven't tried ... / haven't communicated with customer"
        held = verdict(nothing_done)
        assert held.code == "not_yet"
        assert "You haven't tried to resolve it yourself" in [r.rule for r in held.reasons]
    assert verdict(silent.merge({"checklist": {"clear_ask": False}})).code == "not_yet"
    unknown = silent.merge({"checklist": {"root_cause_understood": False}})
    held = verdict(unknown)
    assert held.code == "not_yet"
    assert "Do you understand the root cause of their frustration?" in [
        r.rule for r in held.reasons
    ]
    assert held.first_steps[0].startswith("Find the root cause")
    # a threat to cancel beside it is not held back by an unknown cause
    both = unknown.merge({"signals": [urgent, "cancellation_threat"]})
    assert verdict(both).code == "escalate_now"


def test_held_by_names_checklist_questions() -> None:
    from coach.domain.casefile import Checklist

    for row in table.table().values():
        assert row.held_by and set(row.held_by) <= set(Checklist.model_fields)
    assert table.signal("cancellation_threat").held_by == (
        "tried_yourself",
        "communicated_transparently",
    )


def test_a_case_with_only_what_the_customer_wants_gets_a_verdict() -> None:
    """A rep who told what the customer wants (a corrected invoice) and asks whether to escalate
    gets an answer, not "listening"."""
    from coach.domain.verdict import verdict

    case = CaseFile(customer="Dabba Express", customer_wants="the invoice corrected by the 15th")
    assert verdict(case).code == "do_not_escalate"
