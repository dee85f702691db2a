"""The guardrails on many phrasings: blame, over-promising, acknowledgement and ask."""

from __future__ import annotations

import pytest

from coach.guardrails import GOTCHAS, check

BLAME = [
    "Honestly, engineering dropped the ball on this one.",
    "That's the product team's fault, not mine.",
    "Our vendor botched the migration.",
    "The support team ignored your ticket for two weeks.",
    "Dave forgot to renew the certificate.",
    "The ball was dropped by the implementation team.",
    "This is on engineering, not on me.",
    "The offshore team is completely incompetent.",
    "Our partner should have caught this in testing.",
    "Thanks to the vendor's incompetence we lost a week.",
    "It's not our fault, the hosting provider went down.",
    "Our QA people missed the bug.",
    "It was the vendor who caused it.",
    "Frankly, our implementation partner is the problem here.",
    "Product never prioritised this.",
    "If engineering had done their job, we wouldn't be here.",
    "Legal is holding everything up.",
    "This is really a partner issue, not ours.",
    "Sales oversold it.",
    "Our reseller misconfigured your account.",
    "My colleague Tom gave you wrong information.",
    "The outage was caused by our hosting provider.",
    "Support sat on your ticket for a week.",
    "Nobody in engineering bothered to check.",
    "Totally their fault, not ours.",
    "Ops pushed the change without telling anyone.",
]
CLEAN_OF_BLAME = [
    "We dropped the ball and that's on us.",
    "Our whole team dropped the ball.",
    "We as a team failed to test it.",
    "The outage was caused by a failed database migration.",
    "I'm not blaming anyone here.",
    "Acme lost a week of productivity.",
    "Login failed to load for 3 days.",
    "I missed your call yesterday.",
    "It's not your fault.",
]
OVER_PROMISE = [
    "I will have this fixed by Friday.",
    "We guarantee this will never happen again.",
    "This won't happen again.",
    "We'll give you a 20% discount on the renewal.",
    "You'll get a full refund.",
    "The fix will be live next week.",
    "Rest assured, it's resolved.",
    "The patch should be deployed by end of day tomorrow.",
    "We'll waive the overage fees this quarter.",
    "I can confirm the fix ships Monday.",
    "We're committed to having this fixed by Friday.",
    "It'll be fixed tomorrow.",
    "I've approved a 25% discount for you.",
    "You won't be charged for March.",
    "We'll extend your subscription for free.",
    "Consider it done.",
    "I'll make sure it's fixed.",
]
CLEAN_OF_PROMISES = [
    "I'll update you by Thursday.",
    "I can't promise a date, but I'll update you by Thursday.",
    "I can't promise it won't happen again.",
    "Can we offer them a 10% credit?",
    "The customer wants a refund.",
    "Can we schedule a call this week?",
    "I promise to keep you updated every day.",
    "Don't promise a fix date or a credit.",
    "I'll call you tomorrow to walk through the plan.",
    "I'll send you a status update every Friday.",
    "A credit isn't something I can approve.",
    "I don't want to give you a date I can't keep.",
    "I won't commit to a timeline until engineering confirms.",
]


@pytest.mark.parametrize("text", BLAME)
def test_blame_is_found_and_quoted_verbatim(text: str) -> None:
    findings = [f for f in check(text) if f.code == "blame"]
    assert findings, text
    for f in findings:
        assert f.quote and f.quote in text
        assert text[f.start : f.end] == f.quote
        assert f.gotcha == GOTCHAS["blame"] and "Throwing others under the bus" in f.gotcha
        assert f.message


@pytest.mark.parametrize("text", CLEAN_OF_BLAME)
def test_ownership_and_plain_facts_are_not_blame(text: str) -> None:
    assert [f.code for f in check(text)] == []


@pytest.mark.parametrize("text", OVER_PROMISE)
def test_over_promises_are_found(text: str) -> None:
    findings = check(text)
    assert [f.code for f in findings] == ["over_promise"], text
    assert findings[0].quote in text
    assert "Don't promise what you can't deliver" in findings[0].gotcha


@pytest.mark.parametrize("text", CLEAN_OF_PROMISES)
def test_communication_commitments_and_hedges_are_clean(text: str) -> None:
    assert check(text) == []


def test_authorised_commitments_are_allowed_but_not_bigger_ones() -> None:
    authorised = ["a 10% credit on the March invoice"]
    assert check("We'll apply a 10% credit to your March invoice.", authorised=authorised) == []
    bigger = check("We'll apply a 15% credit to your March invoice.", authorised=authorised)
    assert [f.code for f in bigger] == ["over_promise"]
    other = check("We'll also refund the February invoice.", authorised=authorised)
    assert [f.code for f in other] == ["over_promise"]


def test_acknowledgement_only_checked_for_customer_messages() -> None:
    text = "Hi Dana, I'd like to bring in Maria to ensure we get this right. Can we meet?"
    missing = check(text, "customer")
    assert [f.code for f in missing] == ["missing_acknowledgement"]
    assert missing[0].quote in text and "Step 4" in missing[0].gotcha
    assert check(text, "any") == []
    assert check(text, "manager") == []
    for ack in (
        "Hi Dana, I understand your frustration with the outages.",
        "I'm sorry for the disruption this caused.",
        "Thank you for your patience while we worked on this.",
        "You're right to push on this.",
    ):
        assert check(ack, "customer") == [], ack


def test_ask_only_checked_for_manager_messages() -> None:
    text = "FYI the Acme renewal is at risk after the outage."
    assert [f.code for f in check(text, "manager")] == ["no_ask"]
    assert check(text, "customer") != [] and check(text, "any") == []
    for ask in (
        "Acme is at risk. I need you to join a call with their CTO.",
        "Acme is at risk. Can we discuss how to proceed?",
        "Requesting approval for a 10% credit.",
        "Would you be able to join the call?",
    ):
        assert check(ask, "manager") == [], ask


def test_several_findings_in_one_text_each_with_its_own_span() -> None:
    text = "Engineering dropped the ball. We will have it fixed by Friday."
    quotes = {f.code: f.quote for f in check(text, "customer")}
    assert quotes == {
        "blame": "Engineering dropped the ball",
        "over_promise": "We will have it fixed by Friday.",
        "missing_acknowledgement": "Engineering dropped the ball.",
    }
