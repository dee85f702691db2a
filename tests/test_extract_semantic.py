"""The semantic second opinion on what the rep's sentences reveal."""

from __future__ import annotations

import pytest

from coach.chat.extract import company_name, understand
from coach.chat.extract_semantic import SemanticReader, get_semantic_reader, negated
from coach.domain.casefile import CaseFile


@pytest.fixture(scope="module")
def reader() -> SemanticReader:
    found = get_semantic_reader()
    assert found is not None, "the local embedding model ships with the install"
    return found


@pytest.mark.parametrize(
    ("sentence", "item"),
    [
        ("I gave the admin a call and reset everything.", "tried"),
        ("If this goes on, we could lose a 200-seat account.", "business_impact"),
        ("They'd settle for a partial refund.", "customer_wants"),
        ("Would be great if a VP could call their CEO.", "ask"),
    ],
)
def test_reads_new_phrasings(reader: SemanticReader, sentence: str, item: str) -> None:
    (reading,) = reader.read([sentence])
    assert reading is not None and reading.item == item


@pytest.mark.parametrize(
    "sentence",
    ["Thanks, that's really helpful.", "Their CEO is absolutely livid about it."],
)
def test_look_alikes_reveal_nothing(reader: SemanticReader, sentence: str) -> None:
    assert reader.read([sentence]) == [None]


def test_short_sentences_and_questions_are_not_read(reader: SemanticReader) -> None:
    assert reader.read(["Tried that.", "Should I loop in my VP?"]) == [None, None]


def test_polarity_comes_from_the_opening_words() -> None:
    assert negated("Haven't put anything in place to fix it.")
    assert negated("Line manager knows nothing about it yet.")
    assert not negated("We reinstalled the agent on three machines and that didn't help.")


def test_unclaimed_sentence_fills_an_open_item(reader: SemanticReader) -> None:
    case = CaseFile(customer="Acme", problem="Their nightly sync keeps failing.")
    u = understand("Our ops folks swapped out the failing node last night.", case, [])
    assert u.update.get("tried") == ["Our ops folks swapped out the failing node last night."]
    assert u.update["checklist"]["tried_yourself"] is True
    assert "tried" in u.answered


def test_negated_effort_answers_no(reader: SemanticReader) -> None:
    case = CaseFile(customer="Acme", problem="Their nightly sync keeps failing.")
    u = understand("Honestly nobody on our side has dug into the logs.", case, [])
    assert u.update["checklist"].get("tried_yourself") is False
    assert not u.update.get("tried")


def test_known_items_are_not_overwritten(reader: SemanticReader) -> None:
    line = "Half their warehouse staff sit idle whenever it goes down."
    case = CaseFile(customer="Acme", problem="Their nightly sync keeps failing.")
    fresh = understand(line, case, [])
    assert fresh.update.get("business_impact") == line
    known = case.model_copy(update={"business_impact": "A $90k account."})
    grown = understand(line, known, []).update.get("business_impact", "")
    assert grown.startswith("A $90k account.")  # kept; more of the toll is added after it


def test_company_name_fallback() -> None:
    assert company_name(["new one: Dunmore Credit Union"]) == "Dunmore Credit Union"
    assert company_name(["I'm helping Larch Valley Farms with an outage."]) == "Larch Valley Farms"
    assert company_name(["My VP of Sales is on it."]) == ""
    assert company_name(["Next Monday the fix ships."]) == ""


def test_company_name_only_early(reader: SemanticReader) -> None:
    first = understand("new one: Dunmore Credit Union", CaseFile(), [])
    assert first.update.get("customer") == "Dunmore Credit Union"
    later = understand(
        "We moved them onto Azure Blob Storage last week.",
        CaseFile(problem="Uploads fail."),
        ["tried"],
    )
    assert "customer" not in later.update


def test_leaving_told_with_its_reason_is_a_threat_to_cancel() -> None:
    """The reason given for leaving ("because our export corrupted three pay runs") does not
    turn the leaving into a second, weaker reading."""
    from coach.chat.extract import detect_signals

    told = [
        "Their Head of IT, Marta Kowalski, told me on a call today they will not renew in "
        "September ($180k ARR) because our payroll export corrupted three pay runs in a row."
    ]
    assert "cancellation_threat" in detect_signals(told)
