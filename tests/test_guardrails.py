"""The guardrails on many phrasings: blame, over-promising, acknowledgement and ask."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from coach.evals.base import load_cases
from coach.evals.drafts import GuardrailCase
from coach.guardrails import GOTCHAS, check

DEV_SET = Path(__file__).resolve().parents[1] / "evals" / "guardrails_dev.yaml"

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
    # Passive and attributed blame: no one is the grammatical subject of the failure.
    "The ball was dropped on the eng side.",
    "The slowdown is entirely on the vendor side.",
    "The whole mess is down to the data team.",
    "The config change was pushed by our cloud provider without any notice.",
    "The outage was the fault of our backup provider.",
    # Deflection, sarcasm and asides.
    "Not my fault, the SE team configured it before I joined.",
    "It wasn't us - the hosting company took the region down.",
    "Great job, infra, another weekend outage 🙄",
    "Typical procurement, holding up the PO again.",
    "Between us, legal is the bottleneck.",
    # Subject with a relative clause, a parenthetical or a coordinated second verb.
    "The partner you picked configured SSO incorrectly.",
    "The SE who ran your pilot clearly didn't understand the requirements.",
    "Support, as usual, closed the ticket without reading it.",
    "Our contractors built the connector and clearly didn't test it.",
    "I told engineering weeks ago and they did nothing.",
    # Causes traced to a party, agents of a fault noun, counterfactuals and possessives.
    "The whole delay stems from the vendor's clumsy QA.",
    "Frankly it came down to legal sitting on the redlines.",
    "The data mismatch was an oversight by the finance team.",
    "A string of mistakes were made by the implementation crew.",
    "None of this would have happened if the SRE folks had followed the checklist.",
    "The numbers came from the BI team, not from us.",
    "We're still living with engineering's rushed migration.",
    "The infra team patched the servers at midnight, as they always do, and broke the VPN.",
    "Whoever approved that release should be fired.",
    # The customer's own staff, and a named colleague.
    "Your IT team never whitelisted our IP range.",
    "Priya in billing sent the invoice to the wrong address.",
    "Carlos misread the contract.",
    # "wrote that" naming an author, not reporting a clause.
    "Whoever wrote that billing job deserves to be disciplined.",
    # A third party's duty or fault as the predicate.
    "The data loss is squarely the storage vendor's responsibility.",
    "Honestly, the certificate lapse was the hosting partner's problem, not ours.",
]
CLEAN_OF_BLAME_LOOKALIKES = [
    "Keeping your data safe is our responsibility.",
    "That outage is my responsibility, and I'm fixing the process.",
    "Uptime is every team's responsibility here.",
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
    "My team messed up the import, and that's on me.",
    "I asked support to look at it this morning.",
    "Huge thanks to the engineering team for turning the fix around overnight.",
    "The vendor released a patch yesterday and we're testing it.",
    "What did the support team tell you when you called?",
    "No one is at fault here; the edge case was hard to spot.",
    "I'm not going to blame engineering for this; we all own it.",
    "The delay stems from a capacity shortage we didn't plan for.",
    "It came down to the support team working through the weekend to restore it.",
    "The mistakes were ours, and we've added a review step.",
    "Your team lost a full day of work, and I'm sorry.",
    "Our SMS provider had an outage on Tuesday; we chose them, so it's our responsibility.",
]
REPORTED = [
    # What the customer said or wants is theirs, not the rep's blame or promise.
    'Their CTO wrote: "your support team ignored us for two weeks."',
    "Dana said our engineers clearly don't test anything.",
    "Globex says our support team ignored their tickets.",
    "The customer claims support never called them back.",
    "They want a guarantee that it won't happen again.",
    "Their finance team is asking whether a credit is possible.",
    "Their admin wrote that our support desk never answered the phone.",
    "Kofi wrote that the rollout broke their SSO.",
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
    "I'm 100% sure this will be fixed in the next release.",
    "The feature is definitely landing in the June release.",
    "The hotfix goes live Thursday, no question.",
    "Everything will be resolved before your board meeting on the 12th.",
    "Engineering has committed to a fix by the end of the month.",
    "I'm certain the vendor will deliver the connector by next Wednesday.",
    "We can do the renewal at half price.",
    "We're refunding the last two invoices in full.",
    "We'll throw in the premium tier free for a year.",
    "Consider the April overage charges waived.",
    "A month free, no strings attached.",
    "After this upgrade, you won't have any more downtime.",
    "This kind of outage simply won't happen on our new platform.",
    "You'll never have to deal with this again.",
    "There'll be a dedicated engineer on your account starting Monday, free of charge.",
    # An outcome with a pledge tagged on.
    "Your reports won't stall again, I swear.",
    "Every nightly sync will finish cleanly from here on, you have my word.",
    # Finished, delivered, complete: firm outcomes that turn a deadline into a promise.
    "I'm confident the data import will be finished before your quarterly review.",
    "The new connector will be delivered by Tuesday, no doubt.",
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
    "I'll send you a corrected contract by Thursday.",
    "I'll come back to you tomorrow with a realistic plan.",
    "I'll walk you through the changes on Thursday.",
    "I'll chase legal for a response by Wednesday.",
    "I need a decision on whether we can offer a service credit.",
    "A credit is something I'd need to check with my manager first.",
    "Discounts aren't something I can offer on my own.",
    "We're hoping to have the fix in the next release, but I'll confirm once it's tested.",
    "I'll make sure Maria has the full history before your call on Thursday.",
    "Last year we gave them a 20% discount to close the deal.",
    "I'll text you tonight once the rollback finishes.",
    "I'll drop you a line tomorrow when the import completes.",
    "I'll ring you Thursday afternoon, I promise.",
    "I can't promise the import won't stall again.",
    "We're targeting having the upgrade finished by Tuesday.",
    "I'll email you as soon as the rollout is complete.",
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


@pytest.mark.parametrize("text", CLEAN_OF_BLAME_LOOKALIKES)
def test_owned_responsibility_is_not_blame(text: str) -> None:
    assert [f.code for f in check(text)] == []


def test_wrote_that_reports_a_clause_but_not_a_thing_written() -> None:
    reported = "Lena wrote that the importer skipped half the rows."
    assert check(reported) == []
    authored = "Whoever wrote that importer should have tested it."
    assert [f.code for f in check(authored)] == ["blame"]


@pytest.mark.parametrize("text", REPORTED)
def test_reported_words_are_not_the_reps_blame_or_promise(text: str) -> None:
    assert check(text) == []


def test_quotes_stay_verbatim_around_reported_words() -> None:
    text = 'Dana wrote "support ignored us". Honestly, engineering dropped the ball again.'
    findings = check(text)
    assert [f.code for f in findings] == ["blame"]
    assert findings[0].quote == text[findings[0].start : findings[0].end]
    assert findings[0].quote.startswith("engineering dropped the ball")


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


def test_authorised_commitments_match_by_kind_and_every_figure() -> None:
    authorised = ["a 10% credit on the March invoice", "one free month of the Pro plan"]
    assert check("We'll add one free month of the Pro plan.", authorised=authorised) == []
    twice = "We'll apply a 10% credit to March and another 10% to April."
    assert [f.code for f in check(twice, authorised=authorised)] == ["over_promise"]
    other_month = "We'll apply a 10% credit to your April invoice."
    assert [f.code for f in check(other_month, authorised=authorised)] == ["over_promise"]
    extra = "We'll add one free month of the Pro plan and a 15% discount on renewal."
    assert [f.code for f in check(extra, authorised=authorised)] == ["over_promise"]


def test_dev_set_precision_and_recall_per_code() -> None:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    cases = load_cases(DEV_SET, GuardrailCase)
    assert len(cases) >= 80
    for case in cases:
        found = check(case.text, case.kind, case.authorised)
        for f in found:
            assert case.text[f.start : f.end] == f.quote, case.id
        predicted, expected = {f.code for f in found}, set(case.findings)
        tp.update(predicted & expected)
        fp.update(predicted - expected)
        fn.update(expected - predicted)
    for code in ("blame", "over_promise"):
        assert tp[code] / (tp[code] + fp[code]) >= 0.9, code
        assert tp[code] / (tp[code] + fn[code]) >= 0.9, code


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


@pytest.mark.parametrize(
    "text",
    [
        "I understand your concern. You're a $250k ARR account, so this matters to us.",
        "I understand your concern; as a churn risk you are a priority for my team.",
        "I understand your concern. Between us, the platform team is behind on this.",
        "I understand your concern about the renewal and the 120k deal value.",
    ],
)
def test_internal_figures_and_notes_never_reach_the_customer(text: str) -> None:
    found = [f for f in check(text, "customer") if f.code == "internal_disclosure"]
    assert found and all(f.quote in text for f in found)
    # The same words to the manager are fine: the code is about the audience.
    assert not [f for f in check(text, "manager") if f.code == "internal_disclosure"]


def test_a_past_broken_promise_is_a_fact_not_an_over_promise() -> None:
    text = "The integration promised for end of Q3 is still not live."
    assert [f.code for f in check(text, "any")] == []
    assert [f.code for f in check("We will have the integration live by end of Q3.", "any")] == [
        "over_promise"
    ]


def test_findings_are_deduplicated_in_linear_time() -> None:
    """`coach check` on a 200,000-character text of one repeated blaming sentence once took 17 s:
    every finding was compared with every one kept before it."""
    import time

    from coach.guardrails.rules import Finding, dedupe

    many = [
        Finding(code="blame", quote="x", message="m", gotcha="g", start=i * 20, end=i * 20 + 15)
        for i in range(20_000)
    ]
    inside = [f.model_copy(update={"start": f.start + 1, "end": f.end - 1}) for f in many[:3]]
    start = time.perf_counter()
    kept = dedupe(many + inside)
    assert len(kept) == 20_000  # the spans inside one of the same code are dropped
    assert time.perf_counter() - start < 5.0


@pytest.mark.parametrize("phrase", ["as I said ", "unfortunately, as I said, "])
def test_reported_speech_is_read_in_linear_time(phrase: str) -> None:
    """ "as I said " repeated over 100,000 characters once took 87 s in `coach check`: who spoke
    was looked for in the whole clause before every "said"."""
    import time

    from coach.guardrails.rules import _reported

    def took(chars: int) -> float:
        text = phrase * (chars // len(phrase))
        start = time.perf_counter()
        _reported(text)
        return time.perf_counter() - start

    small, big = took(10_000), took(40_000)
    assert big < 8 * max(small, 0.05)  # four times the text; quadratic would be sixteen


def test_a_blame_read_again_elsewhere_is_quoted_where_it_stands() -> None:
    """The reading of a sentence is kept between drafts; its quote and span are this text's."""
    sentence = "Support dropped the ball on the export."
    for text in (sentence, f"Thanks for the call today. {sentence} {sentence}"):
        found = [f for f in check(text) if f.code == "blame"]
        assert found and all(text[f.start : f.end] == f.quote for f in found)
        assert [f.start for f in found] == [
            i for i in range(len(text)) if text.startswith(sentence, i)
        ]
