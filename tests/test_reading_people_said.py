"""People as reps name them in passing: brackets, particles, "that's ...", a title then "is",
an address beside a name, a spelling fixed, someone who left; and a concession weighed against
the rep's limit across messages."""

from __future__ import annotations

import pytest

from coach.chat.extract import never_said, understand
from coach.domain.casefile import CaseFile
from coach.reading.people import read_people
from coach.reading.rep import checklist_view


def read(text: str, case: CaseFile | None = None) -> dict[str, object]:
    return understand(text, case or CaseFile(customer="Acme"), []).update


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("haven't told Meera yet (my manager)", "Meera"),
        ("gideon adler (my manager) knows", "Gideon Adler"),
        ("Patrick Nwachukwu (manager) is briefed", "Patrick Nwachukwu"),
        ("mgr Sam Whitaker briefed, he's with me on this", "Sam Whitaker"),
        ("AE is Jess, my manager is Kofi Mensah, neither knows how bad it is", "Kofi Mensah"),
    ],
)
def test_the_reps_manager_named_beside_the_word(text: str, name: str) -> None:
    update = read(text)
    assert update.get("manager_name") == name
    assert update.get("contact_name") != name


def test_a_manager_in_brackets_is_briefed() -> None:
    view = checklist_view("gideon adler (my manager) knows", "Gideon Adler")
    assert view.lower() == "my manager knows"
    said = "gideon adler (my manager) knows"
    case = CaseFile(customer="Solvane", manager_name="Gideon Adler", problem="forecasts are off")
    assert understand(said, case, []).update.get("checklist", {}).get("manager_briefed") is True


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        ("i want Elena Petrova our VP Sales Europe to reach out exec to exec",
         "Elena Petrova", "VP Sales Europe"),
        ("Only our COO can approve a non-standard hosting clause, that's Daniel Ortiz.",
         "Daniel Ortiz", "COO"),
    ],
)  # fmt: skip
def test_our_leader_named_after_the_title(text: str, name: str, title: str) -> None:
    update = read(text)
    assert update.get("leader_name") == name
    assert update.get("leader_title") == title


def test_a_region_alone_is_no_leader() -> None:
    update = read("should I get our VP Sales Europe to call them?")
    assert not update.get("leader_name")
    assert update.get("leader_title") == "VP Sales Europe"


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        ("utility in Texas, eval lead is Carlos Ibáñez, principal architect",
         "Carlos Ibáñez", "principal architect"),
        ("Customer: Sahara Solar, Casablanca. Finance lead is Youssef El Amrani.",
         "Youssef El Amrani", "Finance lead"),
        ("contact Maarten de Vries, Supply Chain Director. The connector is late.",
         "Maarten de Vries", "Supply Chain Director"),
        ("their project sponsor, Nadia Kowalczyk, says if we don't build it she'll go to our CEO",
         "Nadia Kowalczyk", "project sponsor"),
    ],
)  # fmt: skip
def test_the_contact_and_title_in_more_of_the_ways_reps_write_them(
    text: str, name: str, title: str
) -> None:
    update = read(text)
    assert update.get("contact_name") == name
    assert update.get("contact_title") == title


def test_an_address_in_brackets_is_the_persons_beside_it() -> None:
    people = read_people(
        "their CISO Birgit Nørgaard (b.norgaard@haldenbank.no) found an exposed bucket"
    )
    assert [(p.name, p.email) for p in people] == [("Birgit Nørgaard", "b.norgaard@haldenbank.no")]


def test_someone_who_left_is_not_the_contact() -> None:
    update = read(
        "Our champion, Elena Rossi, left the company last week. The new SVP Marketing, Brad "
        "Keller, hasn't answered either of my two emails."
    )
    assert update.get("contact_name") == "Brad Keller"
    assert update.get("contact_title") == "SVP Marketing"


def test_a_respelt_contact_keeps_their_title() -> None:
    case = CaseFile(
        customer="Ostara Media", contact_name="Thandeka Mokoena", contact_title="Head of Data"
    )
    out = understand("wait no, contact is Thandiwe Mokoena, not Thandeka. autocorrect", case, [])
    assert out.update.get("contact_name") == "Thandiwe Mokoena"
    assert case.merge(out.update, out.replace).contact_title == "Head of Data"


def test_a_title_said_in_lower_case_after_a_correction_of_someone_else() -> None:
    case = CaseFile(customer="Lakeshore", contact_name="Rosa Delgado", contact_title="COO")
    out = understand("no wait, rosa is the CFO. my contact is Nadia Haddad, she's the COO", case)
    assert out.update.get("contact_name") == "Nadia Haddad"
    case = CaseFile(customer="Elmstead", contact_name="Karim Haddad", contact_title="CRO")
    out = understand("also karim's title is Chief Risk Officer, not CRO like revenue lol", case)
    assert out.update.get("contact_title") == "Chief Risk Officer"


def test_a_title_closed_by_a_word_of_talk() -> None:
    case = CaseFile(customer="Elmstead Bank", contact_name="Gareth Llewellyn")
    out = understand("he's head of digital btw, not head of IT like I wrote in CRM", case)
    assert out.update.get("contact_title") == "head of digital"


def test_a_company_name_keeps_its_small_words() -> None:
    assert read("Customer is Banco de Chile, contact Ana Rojas").get("customer") == "Banco de Chile"


def test_a_saints_dot_ends_no_sentence() -> None:
    update = read(
        "Customer is St. Aidan's Health Network in Dublin. Their CIO is upset.", CaseFile()
    )
    assert str(update.get("customer", "")).startswith("St. Aidan")


def test_something_else_cancelled_is_no_threat_to_leave() -> None:
    said = ["She's cancelling the Thursday training session, not the contract."]
    assert never_said(said) == ["cancellation_threat"]


def test_a_notice_of_non_renewal_is_a_threat_to_leave() -> None:
    case = CaseFile(customer="Universidad", problem="LMS slowness during exams")
    said = "just checked my inbox, their procurement sent a formal notice of non-renewal yesterday"
    assert "cancellation_threat" in understand(said, case, []).signals
    assert (
        "cancellation_threat"
        not in understand("they haven't sent a notice of termination", case, []).signals
    )


@pytest.mark.parametrize(
    ("first", "then", "decides"),
    [
        ("Hiroshi Tanaka, their GM, asked for 30% off the renewal.",
         "I'm allowed to go up to 12% on my own. Haven't countered yet.", True),
        ("They want 22% off the platform deal.", "I can give up to 10% myself.", True),
        ("Tessellate wants 10% off on 15 extra seats.",
         "I'm allowed up to 15% on add-ons without approval", False),
    ],
)  # fmt: skip
def test_a_concession_and_the_reps_limit_said_in_different_messages(
    first: str, then: str, decides: bool
) -> None:
    case = CaseFile(customer="Acme", problem="renewal pricing", signals=["leadership_decision"])
    out = understand(then, case, [], [first])
    if decides:
        assert "leadership_decision" in out.signals
    else:
        assert "leadership_decision" not in out.signals
        assert "leadership_decision" in out.denied
    alone = understand(then, CaseFile(customer="Acme", problem="renewal pricing"), [])
    assert "leadership_decision" not in alone.signals


@pytest.mark.parametrize(
    "said",
    [
        "No idea yet why it broke, I haven't even opened a ticket, and I haven't answered her.",
        "Honestly I've been dodging his calls because I don't want to hand him another date.",
    ],
)
def test_a_customer_left_unanswered_has_not_been_told(said: str) -> None:
    case = CaseFile(customer="Oakridge", contact_name="Brenda Walsh", problem="payment errors")
    update = understand(said, case, []).update
    assert update.get("checklist", {}).get("communicated_transparently") is False
    assert "another date" not in str(update.get("ask") or "")


def test_a_doctors_title_keeps_what_they_said_in_one_sentence() -> None:
    said = (
        "their registrar, Dr. Kwame Boateng, emailed this morning saying they're sending 30 day "
        "notice to terminate"
    )
    assert "cancellation_threat" in understand(said, CaseFile(customer="Ashford"), []).signals


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Renewal is ¥18M, due end of next month.", "end of next month"),
        ("she wants a written RCA within 48h or they terminate", "within 48h"),
        ("Renewal is in five months, $210k.", "in five months"),
        ("ask: rafael on a 30 min call w her before thurs", "before thurs"),
        ("she needs corrected exports before they invoice clients at month-end", "month-end"),
    ],
)
def test_a_deadline_in_the_words_reps_use(text: str, date: str) -> None:
    from coach.reading.people import DATE

    assert date in [m.group(0) for m in DATE.finditer(text)]


@pytest.mark.parametrize("text", ["I sat on it for a day", "the fri thing went fine", "geometry"])
def test_a_short_weekday_needs_a_word_that_sets_a_date(text: str) -> None:
    from coach.reading.people import DATE

    assert not DATE.search(text)
