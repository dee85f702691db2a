"""The three rankers and their fusion: negation as a word, the multilingual ranker, the weights."""

from __future__ import annotations

import pytest

from coach.playbook.retrieval import HybridRetriever, _is_english, get_retriever, mark_negation
from coach.settings import Settings


@pytest.fixture
def retriever(settings: Settings) -> HybridRetriever:
    return get_retriever(settings)


def test_every_form_of_negation_becomes_one_word() -> None:
    marked = mark_negation("Don’t escalate if you haven't tried; we are NOT ready, never blame.")
    assert marked.lower().count("negation") == 4
    assert "knot" in mark_negation("a knot")  # words that only contain "not" stay as they are


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("Was schreibe ich meinem Vorgesetzten, bevor ich eskaliere?", "To Your Manager"),
        ("Le client menace de résilier son contrat, que dois-je faire ?", "Threatening to Cancel"),
        ("Quando è troppo presto per coinvolgere il mio responsabile?", "Escalate If"),
    ],
)
def test_a_question_in_another_language_finds_the_english_passage(
    retriever: HybridRetriever, question: str, section: str
) -> None:
    top = [h.section for h in retriever.search(question, k=3)]
    assert any(section in s for s in top), top


def test_each_ranker_runs_alone_and_hybrid_records_all_three(retriever: HybridRetriever) -> None:
    question = "when should I not escalate to my manager"
    for mode in ("vector", "bm25", "multilingual"):
        assert retriever.search(question, k=3, mode=mode), mode  # type: ignore[arg-type]
    hits = retriever.search(question, k=5)
    assert any(h.vector_rank and h.bm25_rank and h.multilingual_rank for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_only_a_clear_other_language_lowers_the_english_rankers() -> None:
    assert _is_english("checklist b4 escalating?")  # too short to tell
    assert _is_english("my customer says they will cancel at renewal, what now")
    assert not _is_english("Der Kunde droht mit Kündigung, was soll ich jetzt tun?")
