"""The case reader reads structure, not phrases: who is meant, sentences typed in haste, names in
lower case, dates said twice, corrections of a date or a figure."""

from __future__ import annotations

import pytest

from coach.chat.offline import playbook_note
from coach.reading.people import DATE, read_named, read_people
from coach.reading.rep import (
    _checklist_rules,
    _says_instead,
    checklist_view,
    clauses,
    plain_contractions,
    rep_sentences,
)


def test_a_full_stop_before_a_lower_case_word_ends_the_sentence() -> None:
    text = "its been 3 wks since v5. dispatchers cant build routes. Dr. Fitch said no"
    assert rep_sentences(text) == [
        "its been 3 wks since v5.",
        "dispatchers cant build routes.",
        "Dr. Fitch said no",
    ]


def test_a_labelled_short_head_keeps_the_trouble_told_after_its_dash() -> None:
    said = "Problem: billing error - they were charged twice for March. We refunded one charge."
    assert clauses(said)[0] == "Problem: billing error, they were charged twice for March."
    # Without a label, a dash still cuts two things said.
    assert clauses("the sync is down again - she wants a call today")[0] == "the sync is down again"


def test_contractions_typed_without_apostrophes_are_read() -> None:
    assert plain_contractions("ive pinged them, havent heard back") == (
        "i've pinged them, haven't heard back"
    )
    assert plain_contractions("the ID is 42") == "the ID is 42"


@pytest.mark.parametrize(
    ("text", "item", "value"),
    [
        ("my manager Keisha Morgan is fully briefed.", "manager_briefed", True),
        ("Owen Gallagher (my mgr) is fully in the loop", "manager_briefed", True),
        ("havent looped in my manager yet, thats Ben Adler", "manager_briefed", False),
        ("i told oksana that honestly.", "communicated_transparently", True),
        ("i think now is the right time, any later and he's checked out", "right_time", True),
    ],
)
def test_the_checklist_rules_read_who_is_meant(text: str, item: str, value: bool) -> None:
    assert _checklist_rules(text, "Ben Adler", "Oksana Kovalenko").get(item) is value


@pytest.mark.parametrize(
    "text",
    [
        "not sure what I'd even ask leadership for tbh",
        "not sure what id even ask leadership for",
        "dont really have a specific ask, just feels like this is above me?",
        "my manager knows but we have no clear ask yet",
    ],
)
def test_no_ask_for_leadership_is_a_missing_ask_not_an_unbriefed_manager(text: str) -> None:
    from coach.reading.rep import read_case

    answers = read_case(text).checklist
    assert answers.get("clear_ask") is False
    assert answers.get("manager_briefed") is not False


def test_the_view_names_roles_not_people() -> None:
    assert checklist_view("Rafael Ortiz knows", manager="Rafael Ortiz") == "my manager knows"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I haven't told my manager yet, she's OOO. her name is Ngozi Eze", "Ngozi Eze"),
        ("havent looped in my manager yet, thats Ben Adler", "Ben Adler"),
        ("i haven't told my manager yet (Bridget O'Connell)", "Bridget O'Connell"),
        ("Owen Gallagher (my mgr) is fully in the loop", "Owen Gallagher"),
    ],
)
def test_the_manager_named_beside_a_sentence_about_the_manager(text: str, name: str) -> None:
    managers = [p.name for p in read_people(text) if p.role == "manager"]
    assert managers == [name]


def test_a_name_said_about_someone_else_is_not_the_manager() -> None:
    assert not [p for p in read_people("my manager said Marcus should call") if p.role == "manager"]


@pytest.mark.parametrize(
    ("text", "name", "title", "side"),
    [
        ("orbis freight, kenji watanabe, director of IT", "Kenji Watanabe", "director of IT",
         "customer"),
        ("blue harbor credit union. nomvula dlamini is the COO", "Nomvula Dlamini", "COO",
         "customer"),
        ("i want to bring in my svp, emile dubois", "Emile Dubois", "svp", "ours"),
        ("my vp is farah haddad", "Farah Haddad", "vp", "ours"),
        ("what I need: our VP Eng, Anders Lindqvist, on a call", "Anders Lindqvist", "VP Eng",
         "ours"),
    ],
)  # fmt: skip
def test_people_typed_in_lower_case_or_after_a_title(
    text: str, name: str, title: str, side: str
) -> None:
    people = [(p.name, p.title, p.side) for p in read_people(text)]
    assert (name, title, side) in people


@pytest.mark.parametrize(
    "text",
    [
        "marigold foods CTO is cc'd on an angry email so idk if this is an escalation",
        "their VP is cc’d on every thread now",
    ],
)
def test_a_verb_after_a_title_is_no_name(text: str) -> None:
    assert read_people(text) == []


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("sso broken for pinecrest credit union", "Pinecrest Credit Union"),
        ("university of ashford, im their csm", "University of Ashford"),
        ("hey so Bramble & Oak (home goods ecom, $45k/yr). Tamsin is upset", "Bramble & Oak"),
    ],
)
def test_companies_typed_in_lower_case_or_named_first(text: str, company: str) -> None:
    assert read_named(text).companies[:1] == [company]


def test_an_interjection_is_never_a_company() -> None:
    assert read_named("no wait sorry, the contact is Ingrid Solberg").companies == []


def test_a_day_beats_the_month_said_with_it() -> None:
    assert [m.group(0) for m in DATE.finditer("board signs off by june 30th")] == ["june 30th"]


def test_a_date_or_figure_said_in_place_of_another_is_a_correction() -> None:
    assert _says_instead("also sorry, POC ends may 9 not may 19")
    assert _says_instead("its $180k not $120k")
    assert not _says_instead("it's urgent, not critical")


def test_the_coach_says_when_the_playbook_does_not_cover_a_question() -> None:
    passages = [{"text": "Listen to customer concerns. Take ownership.", "section": "Step 5"}]
    note = playbook_note("what does the playbook say about offering a discount?", passages)
    assert "doesn't cover" in note and "discount" in note
    covered = playbook_note("what does the playbook say about ownership?", passages)
    assert "doesn't cover" not in covered


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("ask: Amara approves the cap and joins a call with Klaus.", "ask", "Amara approves"),
        ("Problem: their exports fail every night since v5.", "problem", "Their exports fail"),
        ("What I tried: two hotfixes and a rollback.", "tried", "Two hotfixes"),
        ("Impact: 40 dispatchers idle every morning.", "business_impact", "40 dispatchers"),
    ],
)
def test_a_label_the_rep_typed_says_the_field(text: str, field: str, value: str) -> None:
    from coach.reading.rep import read_case

    filed = read_case(text).update.get(field)
    filed = " ".join(filed) if isinstance(filed, list) else filed
    assert filed and filed.startswith(value)


@pytest.mark.parametrize(
    "text",
    [
        "the 10% cap is NOT approved, don't mention it to him",
        "dont mention the 15% discount Tyrone floated",
        "keep this internal: platform shipped without load testing",
    ],
)
def test_an_unapproved_concession_or_an_aside_is_an_internal_note(text: str) -> None:
    from coach.reading.rep import is_internal_note

    assert is_internal_note(text)


def test_our_own_person_named_in_a_correction_is_not_the_contact() -> None:
    from coach.domain.casefile import CaseFile
    from coach.reading.rep import read_case

    case = CaseFile(
        customer="Nordlicht", contact_name="Klaus-Dieter Hoffmann", manager_name="Yasmin Haddad",
        leader_name="Jean-Pierre Moreau", leader_title="CEO",
    )  # fmt: skip
    update = read_case(
        "actually not the CEO, Yasmin says the right person is our CRO, Amara Chukwu", case
    ).update
    assert "contact_name" not in update and "contact_title" not in update
    assert update["leader_name"] == "Amara Chukwu"


def test_a_figure_corrected_takes_the_figure_said_in_its_place() -> None:
    from coach.chat.extract import understand
    from coach.domain.casefile import CaseFile

    case = CaseFile(customer="Marlowe", problem="Tenant portal was down 16 hours yesterday")
    update = understand("correction: portal was down 6 hours not 16", case).update
    assert update["problem"] == "Tenant portal was down 6 hours yesterday"
