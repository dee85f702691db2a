"""Offline understanding of the rep's words: facts kept verbatim, checklist answers, intents."""

from __future__ import annotations

import pytest

from coach.casefile import CaseFile
from coach.extract import draft_kind, intent_of, understand


def test_first_message_gives_customer_problem_and_signals() -> None:
    u = understand("Acme is threatening to cancel because the data sync keeps failing.", CaseFile())
    assert u.update["customer"] == "Acme"
    assert "data sync keeps failing" in u.update["problem"]
    assert "cancellation_threat" in u.signals


def test_facts_are_kept_in_the_reps_words() -> None:
    u = understand(
        "I restarted the sync job twice and opened a ticket. It's a $250k ARR renewal.",
        CaseFile(customer="Acme", problem="sync fails"),
    )
    assert u.update["tried"] == ["I restarted the sync job twice and opened a ticket."]
    assert u.update["business_impact"] == "It's a $250k ARR renewal."
    assert u.update["checklist"]["tried_yourself"] is True


@pytest.mark.parametrize(
    ("text", "item", "value"),
    [
        ("I already told my manager.", "manager_briefed", True),
        ("No, I haven't briefed my manager.", "manager_briefed", False),
        ("haven't talked to them yet", "communicated_transparently", False),
        ("I've been upfront with their CTO about the delay.", "communicated_transparently", True),
        ("Nothing yet, I just found out.", "tried_yourself", False),
    ],
)
def test_checklist_answers(text: str, item: str, value: bool) -> None:
    assert understand(text, CaseFile(problem="x")).update["checklist"][item] is value


def test_bare_yes_answers_the_question_just_asked() -> None:
    case = CaseFile(problem="x")
    assert understand("yes", case, ["manager_briefed"]).update == {
        "checklist": {"manager_briefed": True}
    }
    assert understand("yes", case, []).update == {}


def test_unclaimed_answer_fills_the_item_asked() -> None:
    u = understand("A working export by Friday.", CaseFile(problem="x"), ["customer_wants"])
    assert u.update["customer_wants"] == "A working export by Friday."


def test_correction_replaces_the_customer() -> None:
    u = understand("actually the customer is Globex", CaseFile(customer="Acme", problem="x"))
    assert u.update["customer"] == "Globex"
    assert CaseFile(customer="Acme").merge(u.update).customer == "Globex"


def test_blame_is_found() -> None:
    u = understand("Engineering dropped the ball on this.", CaseFile())
    assert [f.quote for f in u.blame] == ["Engineering dropped the ball"]


@pytest.mark.parametrize(
    ("text", "intent", "kind"),
    [
        ("what do you know so far?", "summary", None),
        ("write the brief", "draft", "brief"),
        ("draft the customer email", "draft", "customer"),
        ("can you prep talking points for the call", "draft", "call-prep"),
        (
            "Hi Sam,\n\nThird outage this month. We will cancel if it is not fixed."
            "\n\nRegards,\nDana",
            "email",
            None,
        ),
        ("check this: It's engineering's fault and we guarantee a fix.", "check", None),
    ],
)
def test_intents(text: str, intent: str, kind: str | None) -> None:
    assert intent_of(text) == intent
    if kind:
        assert draft_kind(text) == kind
