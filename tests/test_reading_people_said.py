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
    ("earlier", "then", "decides"),
    [
        (["Hiroshi Tanaka, their GM, asked for 30% off the renewal."],
         "I'm allowed to go up to 12% on my own. Haven't countered yet.", True),
        (["They want 22% off the platform deal."], "I can give up to 10% myself.", True),
        (["Tessellate wants 10% off on 15 extra seats."],
         "I'm allowed up to 15% on add-ons without approval", False),
        # the latest ask counts
        (["They asked for 30% off.", "Now they're asking for 10% off instead."],
         "I can give up to 12% myself.", False),
    ],
)  # fmt: skip
def test_a_concession_and_the_reps_limit_said_in_different_messages(
    earlier: list[str], then: str, decides: bool
) -> None:
    case = CaseFile(customer="Acme", problem="renewal pricing")
    out = understand(then, case, [], earlier)
    assert ("leadership_decision" in out.signals) is decides
    alone = understand(then, case, [])
    assert "leadership_decision" not in alone.signals


@pytest.mark.parametrize(
    ("earlier", "then"),
    [
        (["They asked for 5% off.", "I'm allowed to go up to 10% myself."],
         "They also want a custom liability cap, and I can't approve that."),
        (["They asked for 8% off.", "I can give up to 10%."],
         "Legal has to approve the indemnity change they want."),
    ],
)  # fmt: skip
def test_a_discount_within_the_limit_leaves_other_decisions_standing(
    earlier: list[str], then: str
) -> None:
    out = understand(then, CaseFile(customer="Acme", problem="contract terms"), [], earlier)
    assert "leadership_decision" in out.signals


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


@pytest.mark.parametrize(
    "said",
    [
        "They're cancelling, and I mean the contract itself - not the renewal, the whole thing.",
        "They want to cancel at the end of this month, not the renewal date in June.",
    ],
)
def test_a_threat_said_with_not_the_renewal_stands(said: str) -> None:
    case = CaseFile(customer="Acme", signals=["cancellation_threat"])
    out = understand(said, case, [])
    assert "cancellation_threat" not in out.denied


@pytest.mark.parametrize(
    "said",
    [
        "Since they're threatening to cancel, I need our VP Sales to call their CEO this week.",
        "bc they keep escalating, I need my VP to call their COO tomorrow.",
    ],
)
def test_a_reason_before_the_ask_keeps_the_ask(said: str) -> None:
    out = understand(said, CaseFile(customer="Acme"), [])
    assert "VP" in str(out.update.get("ask") or "")
    assert "manager_request" not in out.signals


@pytest.mark.parametrize(
    "said",
    [
        "Jane Doe (manager) at Acme called me twice today, she says they'll cancel.",
        "Their ops lead, Ravi Patel (manager), wants a call about the outage.",
        "spoke with tom reed (manager) at acme, he wants to cancel.",
        "Called their support desk, manager Tom Reed updated me that they're cancelling.",
    ],
)
def test_a_customer_side_manager_is_not_the_reps(said: str) -> None:
    assert not understand(said, CaseFile(customer="Acme"), []).update.get("manager_name")


@pytest.mark.parametrize(
    "said",
    [
        "Our VP Sales should join the call with their CTO, his name is Raj Kumar.",
        "Our CFO wants to talk to their buyer, that's Daniel Ortiz.",
        "Our CEO will fly to their HQ, that's Frankfurt.",
        "Update on Northwind our CRO and their CFO are meeting Friday.",
    ],
)
def test_a_name_after_our_title_that_is_theirs_is_no_leader(said: str) -> None:
    assert not understand(said, CaseFile(customer="Acme"), []).update.get("leader_name")


def test_another_person_of_the_same_first_name_takes_no_title() -> None:
    case = CaseFile(
        customer="Acme", contact_name="Sarah Chen", contact_title="VP Operations",
        contact_email="sarah.chen@acme.com",
    )  # fmt: skip
    out = understand(
        "Actually my main contact is Sarah Lopez from procurement, not Sarah Chen.", case
    )
    merged = case.merge(out.update, out.replace)
    assert merged.contact_name == "Sarah Lopez"
    assert not merged.contact_title and not merged.contact_email


@pytest.mark.parametrize(
    "said",
    [
        "Their VP Ops Elena Rossi left a 1-star review on G2 and their CTO, Brad Keller, wants a call.",
        "Elena Rossi (VP Ops) left the call early, so I walked their CTO, Brad Keller, through it.",
    ],
)
def test_leaving_a_call_or_a_review_is_not_leaving_the_company(said: str) -> None:
    assert (
        understand(said, CaseFile(customer="Acme"), []).update.get("contact_name") == "Elena Rossi"
    )


@pytest.mark.parametrize(
    "said",
    [
        "He says we've been dodging his calls, which isn't true, I called him twice yesterday.",
        "I walked them through the outage timeline yesterday; engineering still hasn't answered "
        "my question about the fix date.",
    ],
)
def test_told_stays_told(said: str) -> None:
    case = CaseFile(customer="Acme", contact_name="Tom Reed")
    checklist = understand(said, case, []).update.get("checklist", {})
    assert checklist.get("communicated_transparently") is not False


@pytest.mark.parametrize(
    "text",
    [
        "We gave them a 6-month end-of-life notice for the v2 API",
        "the ERP sync bug breaks their month-end close",
        "They've had three outages in two weeks and their renewal is coming up",
        "Support replied in two days",
    ],
)
def test_a_span_of_time_in_passing_is_no_date(text: str) -> None:
    from coach.reading.people import DATE

    assert not DATE.search(text)


@pytest.mark.parametrize(
    "text",
    [
        "I got a cancellation notice from Zoom for tomorrow's QBR",
        "Their admin received a cancellation notice by mistake from our billing system",
    ],
)
def test_a_notice_of_something_else_is_no_threat(text: str) -> None:
    assert "cancellation_threat" not in understand(text, CaseFile(customer="Acme"), []).signals


def test_a_title_then_was_or_a_department_names_no_contact() -> None:
    for said in (
        "The budget owner is Procurement, not IT.",
        "Their procurement lead was Jane Smith until March; now it's Raj Kumar.",
        "The project lead is Europe-based.",
    ):
        update = understand(said, CaseFile(customer="Acme"), []).update
        assert update.get("contact_name") not in ("Procurement", "Jane Smith", "Europe-based")


def test_an_address_after_a_comma_is_not_the_name_before_it() -> None:
    people = read_people("Their CFO Priya Shah, tom.reed@acme.com and ana.lima@acme.com are on it.")
    assert all(p.email != "tom.reed@acme.com" for p in people if p.name == "Priya Shah")


def test_the_customers_telling_is_one_clause() -> None:
    out = understand(
        "Their CTO joined the call and told us he wants to speak to my manager.",
        CaseFile(customer="Acme"),
        [],
    )
    assert out.update.get("problem") != "Their CTO joined the call"
    assert "manager_request" in out.signals


def test_who_wrote_is_no_problem_and_the_customers_trouble_is_no_next_step() -> None:
    update = understand(
        "Got a nasty email an hour ago from Brenda Walsh, Director of Operations at Oakridge "
        "Property Management. Their tenant portal has been throwing payment errors since the "
        "weekend and she wrote that if this is how it's going to be, they'll cancel.",
        CaseFile(),
        [],
    ).update
    assert str(update.get("problem", "")).startswith("Their tenant portal has been throwing")
    assert not update.get("proposed_next_steps")


@pytest.mark.parametrize(
    ("said", "wants"),
    [
        ("she got really heated on our call after the outage wiped their pricing, says she "
         "needs assurance it won't happen again.", "She needs assurance it won't happen again."),
        ("their partner wrote that the exports have the wrong codes, and she needs corrected "
         "exports for March before they invoice clients.", "corrected exports for March"),
    ],
)  # fmt: skip
def test_what_they_need_said_after_the_story(said: str, wants: str) -> None:
    update = understand(said, CaseFile(customer="Acme"), []).update
    assert wants in str(update.get("customer_wants", ""))


def test_a_feeling_said_after_the_story_stays_with_it() -> None:
    update = understand(
        "on the QBR today she was pretty heated about the new nav, said she hates it",
        CaseFile(customer="Cobaltline HR"),
        [],
    ).update
    assert "nav" in str(update.get("problem", ""))
