"""Guardrails: blame, over-promising, and a missing acknowledgement or ask, in a draft or a paste.

`rules` holds the grammar-based rules; `semantic` is a second opinion for wordings the rules do
not know. `check` runs both and is the one entry point.
"""

from __future__ import annotations

from collections.abc import Iterable

from coach.guardrails.rules import GOTCHAS, Finding, Kind, authorised_covers, sentences

# How much of one chat message is read for the rep's own blame wording (a message may be 200,000
# characters, mostly a pasted thread; blame is in the rep's few sentences).
BLAME_READ_CHARS = 6_000  # coach.chat.offline.READ_CHARS

__all__ = ["GOTCHAS", "Finding", "Kind", "authorised_covers", "check", "codes", "sentences"]


def check(text: str, kind: Kind = "any", authorised: Iterable[str] = ()) -> list[Finding]:
    """Every finding on `text`, in order of position; one per code and span."""
    from coach.guardrails import rules
    from coach.guardrails.semantic import get_semantic_guard

    allowed = [a for a in authorised if a and a.strip()]
    own = rules.own_words(text)
    findings = rules.rule_findings(text, own, allowed)
    # Wordings the rules do not know, judged by similarity to examples; it only adds.
    guard = get_semantic_guard()
    if guard is not None:
        findings += [
            f
            for f in guard.findings(text, own, allowed, findings)
            if not (f.code == "over_promise" and rules.reports_broken_promise(text, f.start, f.end))
        ]
    findings += rules.structure_findings(text, kind)
    if kind == "customer":
        findings += rules.internal_findings(text, allowed)
    return rules.dedupe(findings)


def blame(text: str) -> list[Finding]:
    """Only the blame findings of `check` (the chat reads every rep message for them; the other
    rules are compiled when a draft is checked)."""
    from coach.guardrails import rules
    from coach.guardrails.semantic import get_semantic_guard

    text = text[
        :BLAME_READ_CHARS
    ]  # bounded work per message: a pasted thread is not the rep's voice
    own = rules.own_words(text)
    findings = [f.model_copy(update={"quote": text[f.start : f.end]}) for f in rules.blame_in(own)]
    guard = get_semantic_guard()
    if guard is not None:
        findings += [f for f in guard.findings(text, own, [], findings) if f.code == "blame"]
    return rules.dedupe(findings)


def codes(findings: Iterable[Finding]) -> set[str]:
    return {f.code for f in findings}
