"""What a rep asks the coach, corrections carried through the case, and what a customer message
may hold."""

from __future__ import annotations

from typing import Any

import pytest

from coach.chat.extract import intent_of, understand
from coach.chat.requests import is_question, read_request
from coach.chat.tools import carry_correction
from coach.domain.casefile import CaseFile
from coach.drafts.writer import _once_each, audience_pass
from coach.guardrails.rules import internal_findings


@pytest.mark.parametrize(
    "text",
    [
        "do i need my manager for this or am i overreacting",
        "should i just email my vp and cc yuki?",
        "do i need to loop in my manager on this?",
        "is it time to get my director involved",
        "am i jumping the gun here?",
        "should i tell my boss?",
    ],
)
def test_questions_about_taking_it_upwards_ask_for_the_verdict(text: str) -> None:
    assert read_request(text).kind == "verdict"
    assert intent_of(text) == "facts"


@pytest.mark.parametrize(
    "text",
    [
        "whats my vp actually supposed to do on the escalation call, like per the playbook",
        "what am i supposed to put in the msg to my manager when i escalate",
        "when am i NOT supposed to escalate? dont want to be that rep",
        "what goes in the brief to my manager?",
    ],
)
def test_questions_about_the_playbook_are_answered_not_drafted(text: str) -> None:
    assert read_request(text).kind == "playbook"
    assert intent_of(text) == "facts"


@pytest.mark.parametrize(
    ("text", "draft"),
    [
        ("what do i send my manager", "brief"),
        ("draft the customer email", "customer"),
        ("so what am i on the hook for now after the call", "follow-up"),
        ("write the lessons learned note for niamh", "follow-up"),
        ("prep notes for me and hannah before the call w/ zhang wei tomorrow", "call-prep"),
        ("whats my job on the call vs what kofi does?", "call-prep"),
        ("what do i tell them on the call", "call-prep"),
        ("what do i send my manager before the call", "brief"),
        ("draft the slack to niamh pls", "brief"),
        ("can u draft my escalation note to olga, keep it short", "brief"),
        ("draft the email to olga", "customer"),
    ],
)
def test_requests_for_a_draft(text: str, draft: str) -> None:
    request = read_request(text)
    assert (request.kind, request.draft) == ("draft", draft)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("whats my vp supposed to do", True),
        ("should i wait", True),
        ("What they want is a refund.", False),
        ("customer is down since monday", False),
    ],
)
def test_a_question_without_its_question_mark(text: str, asks: bool) -> None:
    assert is_question(text) is asks


def test_a_corrected_value_replaces_the_old_one_everywhere_the_case_repeats_it() -> None:
    old = CaseFile(
        customer="Orbis Freight",
        manager_name="Rachel Ostrowski",
        notes="my manager is rachel ostrowski",
        customer_wants="Deal is 120k",
        business_impact="deal is 120k",
    )
    values: dict[str, Any] = {"manager_name": "Priyanka Shah", "business_impact": "180k ARR"}
    corrected = ["manager_name", "business_impact"]
    rewritten = carry_correction(old, values, corrected)
    assert rewritten == {"notes", "customer_wants"}
    assert values["notes"] == "my manager is Priyanka Shah"
    assert values["customer_wants"] == "Deal is 180k"
    assert set(corrected) >= rewritten


def test_a_correction_says_why_without_adding_a_fact() -> None:
    case = CaseFile(customer="Orbis Freight", manager_name="Rachel Ostrowski")
    u = understand(
        "sorry my manager is priyanka shah, rachel moved teams last week", case, ["tried"]
    )
    assert u.update.get("manager_name") == "Priyanka Shah"
    assert "Rachel" not in str(u.update)


def test_the_customer_renamed() -> None:
    case = CaseFile(customer="Solace Clinics", problem="Solace clinics: intake forms time out")
    u = understand("oops its solace health, solace clinics is their old name", case, [])
    assert u.update.get("customer") == "Solace Health"
    assert "customer" in u.replace


@pytest.mark.parametrize(
    "text",
    [
        "They will hold the Q2 invoice (85k) until we build it.",
        "Renewal in 5 wks, 1.2M.",
        "The deal is worth 300k.",
        "It is 40,000 EUR a year.",
    ],
)
def test_internal_figures_whatever_the_wording(text: str) -> None:
    assert internal_findings(text)


@pytest.mark.parametrize(
    "text", ["The export cuts off at 10k rows.", "About 2,000 staff were locked out on Monday."]
)
def test_the_customers_own_numbers_are_not_internal(text: str) -> None:
    assert not internal_findings(text)


def test_the_customer_message_drops_and_shows_internal_lines_and_repeats() -> None:
    body = (
        "Hi Raj,\n\nI understand your concern. Northwind may cancel at renewal ($250k ARR). "
        "We are on it.\n\nWe are on it.\n\nBest regards,\n[your name]\n"
    )
    text, taken = audience_pass(body)
    assert "$250k" not in text and text.count("We are on it.") == 1
    assert {h.code for h in taken} == {"internal_disclosure", "duplicate"}
    assert all(h.line for h in taken)


def test_a_draft_says_each_sentence_once_and_keeps_its_layout() -> None:
    text, taken = _once_each(
        "# T\n\n- The sync is down since Monday.\n- The sync is down since Monday."
    )
    assert text == "# T\n\n- The sync is down since Monday."
    assert [h.code for h in taken] == ["duplicate"]


def test_a_bare_playbook_question_searches_for_the_situation_told_with_it() -> None:
    from coach.chat.offline import playbook_query

    told = "billing bug we cannot fix this month, customer keeps asking for a date."
    assert playbook_query("playbook guidance?", told).startswith(told)
    query = playbook_query("What does the playbook say I should give my manager?", "")
    assert query == "I should give my manager?"


def test_the_passage_holding_the_questions_words_comes_first() -> None:
    from coach.chat.offline import closest_first

    passages = [
        {"section": "Gotchas", "text": "Escalating too early - try to resolve yourself first"},
        {"section": "Step 3", "text": "Brief your manager with: what you've tried, next steps"},
    ]
    first = closest_first("what should I give my manager when I brief them?", passages)[0]
    assert first["section"] == "Step 3"


def test_a_brief_addressed_to_a_new_name_greets_that_name_as_the_manager(
    fresh_settings: Any,
) -> None:
    from coach.chat.agent import close_checkpointers
    from coach.chat.conversation import run_turn
    from coach.chat.requests import addressed_name

    case = CaseFile(customer="Halden Foods", contact_name="Mirela Popescu")
    request = read_request("can u draft my escalation note to greta, keep it short", case)
    assert request.draft == "brief"
    assert addressed_name(request.text, case) == "Greta"
    assert addressed_name(read_request("draft the msg to mirela", case).text, case) == ""
    assert addressed_name(read_request("send the brief to legal", case).text, case) == ""

    run_turn(
        "t-new-name",
        "Halden Foods, contact Mirela Popescu. Their order sync fails.",
        fresh_settings,
    )
    result = run_turn("t-new-name", "can u draft my escalation note to greta", fresh_settings)
    close_checkpointers()
    assert "Hi Greta," in result.reply
    assert result.case.get("manager_name") == "Greta"


def test_one_shared_word_does_not_overrule_the_retriever() -> None:
    from coach.chat.offline import closest_first

    passages = [
        {"section": "Step 5", "text": "Leadership should: listen, take ownership"},
        {"section": "Step 4", "text": "Set up the call/meeting"},
    ]
    assert closest_first("what's he supposed to do on the call?", passages) == passages
