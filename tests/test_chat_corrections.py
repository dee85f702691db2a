"""A rep's correction in chat: it sets the field the rep corrects, never rewrites the customer's
own words, and "X is actually their CFO" sets X's title."""

from __future__ import annotations

from typing import Any

import pytest

from coach.chat.extract import understand
from coach.chat.tools import record_case
from coach.domain.casefile import CaseFile

NL_PROBLEM = (
    "Sinds de update van 4 maart werkt de koppeling met Exact niet meer en kunnen we geen "
    "facturen versturen."
)
DE_PROBLEM = (
    "seit dem Update auf Version 5.1 am 12.05.2026 bricht der nächtliche Export nach SAP ab, "
    "und unsere Buchhaltung kann die Monatsabschlüsse nicht machen."
)


def _said(text: str, case: CaseFile, rep_words: str = "") -> CaseFile:
    """The case once the offline reader's update for `text` is recorded, as a chat turn does."""
    u = understand(text, case, [])
    args: dict[str, Any] = {k: v for k, v in u.update.items() if k != "checklist"}
    args.update(u.update.get("checklist", {}))
    if u.replace:
        args["replace"] = sorted(u.replace)
    values, _ = record_case(case, args, rep_words or text)
    return case.merge({k: v for k, v in values.items() if not k.startswith("_")})


@pytest.mark.parametrize(
    ("problem", "deadline", "text", "new"),
    [
        (NL_PROBLEM, "4 maart", "The real deadline is 20 April, not 4 March.", "20 April"),
        (DE_PROBLEM, "12.05.2026", "The real deadline is 15 April, not 3 March.", "15 April"),
        (
            "Als dit niet voor 20 april is opgelost, zeggen we het contract op.",
            "20 april",
            "The deadline is 27 april, not 20 april.",
            "27 april",
        ),
    ],
)
def test_a_deadline_correction_leaves_the_customers_words_alone(
    problem: str, deadline: str, text: str, new: str
) -> None:
    case = CaseFile(
        customer="Jansen Transport B.V.",
        contact_name="Pieter Jansen",
        problem=problem,
        customer_wants=problem,
        deadline=deadline,
    )
    after = _said(text, case)
    assert after.deadline == new
    assert after.problem == problem
    assert after.customer_wants == problem
    assert after.business_impact == ""  # the correction itself is no fact of what is at stake


def test_a_deadline_correction_still_carries_into_what_the_rep_wrote() -> None:
    case = CaseFile(customer="Orbis Freight", notes="renewal call on May 19", deadline="May 19")
    earlier = "renewal call on May 19"
    values, _ = record_case(
        case,
        {"deadline": "May 9", "replace": ["deadline"]},
        f"{earlier}\nthe deadline is May 9, not May 19",
    )
    assert values["deadline"] == "May 9"
    assert values["notes"] == "renewal call on May 9"


@pytest.mark.parametrize(
    ("contact", "text"),
    [
        ("Pieter Jansen", "Pieter is actually their CFO."),
        ("Pieter Jansen", "Actually, Pieter is the CFO."),
        ("Pieter Jansen", "Correction: Pieter Jansen is the CFO."),
        ("Pieter Jansen", "Pieter is their CFO, not the finance director."),
        ("Pieter Jansen", "he's really their CFO"),
        ("Dr. Katrin Vogel", "She is actually their CFO."),
        ("Dr. Katrin Vogel", "Katrin's title is actually CFO."),
        ("Dr. Katrin Vogel", "Katrin is the CFO now."),
    ],
)
def test_a_title_said_again_corrects_the_contacts_title(contact: str, text: str) -> None:
    case = CaseFile(
        customer="Jansen Transport B.V.",
        contact_name=contact,
        contact_title="Financieel directeur",
        problem=NL_PROBLEM,
    )
    u = understand(text, case, ["tried"])
    assert u.update.get("contact_title") == "CFO"
    assert not u.update.get("tried") and not u.update.get("notes")
    after = _said(text, case)
    assert (after.contact_name, after.contact_title) == (contact, "CFO")
    assert after.tried == [] and after.customer == "Jansen Transport B.V."


def test_words_that_are_no_title_leave_the_title() -> None:
    case = CaseFile(contact_name="Pieter Jansen", contact_title="Financieel directeur")
    u = understand("Pieter is the one who signs off.", case, [])
    assert "contact_title" not in u.update


def test_a_first_title_is_no_answer_to_the_question_asked() -> None:
    case = CaseFile(customer="Jansen Transport B.V.", contact_name="Pieter Jansen")
    u = understand("Pieter is actually their CFO.", case, ["tried"])
    assert u.update == {"contact_title": "CFO"}
