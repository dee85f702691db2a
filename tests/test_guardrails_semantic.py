"""The semantic second opinion: it adds blame and over-promises the rules miss, never the
look-alikes the playbook allows, and it respects the rules' exclusions."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from coach.guardrails import check, semantic

# Wordings the rule lexicon does not know (the rules alone find nothing in them).
BLAME = [
    "Honestly the reason you were down is our hosting people, plain and simple.",
    "The delay really comes down to procurement on our end being hopeless with paperwork.",
]
OVER_PROMISE = [
    "Rest easy, your integration will be finished well ahead of the audit.",
    "Your integration is going to be finished well before your audit.",
]
# Look-alikes that are fine: ownership, naming who fixes it, communication, hedges, questions.
CLEAN = [
    "We dropped the ball on the renewal paperwork, and I'm sorry.",
    "The logistics team is re-routing your order, and I will call you once it is booked.",
    "I'll send you a written update on Thursday afternoon.",
    "We're hoping to have the fix in the next release, but I can't promise that yet.",
    "Could we offer them a credit? I need your approval before I mention it.",
    "They told me support ignored them and they want a full refund.",
]


@pytest.mark.parametrize("text", BLAME)
def test_blame_in_new_wordings_is_found_with_a_verbatim_quote(text: str) -> None:
    found = [f for f in check(text) if f.code == "blame"]
    assert found, text
    assert all(text[f.start : f.end] == f.quote for f in found)


@pytest.mark.parametrize("text", OVER_PROMISE)
def test_over_promises_in_new_wordings_are_found(text: str) -> None:
    assert [f.code for f in check(text)] == ["over_promise"], text


@pytest.mark.parametrize("text", CLEAN)
def test_look_alikes_stay_clean(text: str) -> None:
    assert check(text) == [], text


def test_authorised_commitment_in_other_words_is_not_a_promise() -> None:
    text = "As agreed with my director, your April invoice gets one month's fees back as a credit."
    assert check(text, authorised=["one month's fees as a credit on the April invoice"]) == []
    assert [f.code for f in check(text)] == ["over_promise"]


def test_scores_skip_reported_words_and_owned_sentences() -> None:
    guard = semantic.get_semantic_guard()
    assert guard is not None
    own = "Our cloud provider went down on Monday; we should have had failover, and that's on us."
    assert [s for s in guard.scores(own, []) if s[0] == "blame"] == []
    # Blanked (reported) words leave nothing to judge.
    assert semantic.candidates(" " * 40 + ".") == []


def test_semantic_findings_only_add_to_the_rules() -> None:
    text = "Engineering dropped the ball. " + BLAME[0]
    found = check(text)
    assert [f.code for f in found] == ["blame", "blame"]
    assert found[0].quote == "Engineering dropped the ball"


def test_check_stays_fast_on_a_kilobyte() -> None:
    check("Warm up the model first.")
    text = " ".join(
        f"Update {i}: the team reviewed ticket {i} with me today and I will call you on day {i}."
        for i in range(12)
    )[:1024]
    started = time.perf_counter()
    check(text, "customer")
    assert (time.perf_counter() - started) * 1000 < 1000  # about 0.2 s on 2 shared cores


def test_the_fitted_guard_is_cached_on_disk_and_loads_identically(tmp_path: Path) -> None:
    import numpy as np

    from coach.guardrails.semantic import SemanticGuard
    from coach.playbook.embeddings import get_local_embeddings

    embeddings = get_local_embeddings()
    fitted = SemanticGuard.fit(embeddings)
    fitted.save(tmp_path / "guard.npz")
    loaded = SemanticGuard.load(embeddings, tmp_path / "guard.npz")
    probe = embeddings.encode(["Their QA team shipped it broken again.", "I'll call you at 3pm."])
    for code in fitted.models:
        a, b = fitted.probabilities(code, probe), loaded.probabilities(code, probe)
        assert np.allclose(a[0], b[0]) and np.allclose(a[1], b[1])
        assert fitted.models[code].threshold == loaded.models[code].threshold
