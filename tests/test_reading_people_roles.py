"""Who is on which side, and the titles said beside them, in reps' own shorthand."""

from __future__ import annotations

import pytest

from coach.chat.extract import understand
from coach.domain.casefile import CaseFile


def read(text: str) -> dict[str, object]:
    return understand(text, CaseFile(), []).update


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("manager = niamh byrne", "Niamh Byrne"),
        ("my VP is Olamide Johnson, manager is Sven Eriksson", "Sven Eriksson"),
        ("i briefed my manager marta yesterday, contact is joe blake at acme corp", "Marta"),
    ],
)
def test_the_reps_manager_said_in_shorthand(text: str, name: str) -> None:
    update = read(text)
    assert update.get("manager_name") == name
    assert update.get("contact_name") != name


def test_a_leader_title_abbreviated() -> None:
    update = read("our VP Eng Lise Berg can join a call.")
    assert update.get("leader_name") == "Lise Berg"
    assert update.get("leader_title") == "VP Eng"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("should i get our CRO in?", "CRO"),
        ("Should I escalate to our VP of CS so she can do an exec call?", "VP of CS"),
        ("should I escalate to our VP Eng right away? Yusuf is pretty frustrated", "VP Eng"),
        ("I want to go straight to our CEO to email their CEO. is that too early?", "CEO"),
    ],
)
def test_our_leader_named_by_title_alone(text: str, title: str) -> None:
    update = read(text)
    assert update.get("leader_title") == title
    assert not update.get("leader_name")


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        (
            "marco bianchi, head of supply chain, said they're looking around",
            "Marco Bianchi",
            "head of supply chain",
        ),
        (
            "contact is Dr. Folasade Akin, Head of Computational Biology, f.akin@helix.bio",
            "Dr. Folasade Akin",
            "Head of Computational Biology",
        ),
        ("pinecrest outdoor, siobhan gallagher vp ecom", "Siobhan Gallagher", "vp ecom"),
        (
            "sunil perera (network planning mgr) asked to reschedule",
            "Sunil Perera",
            "network planning mgr",
        ),
        (
            "yusuf demir (dir. manufacturing systems) says the rollout is blocked",
            "Yusuf Demir",
            "dir. manufacturing systems",
        ),
        ("Raj Patel, their CTO, is angry.", "Raj Patel", "CTO"),
    ],
)
def test_a_title_typed_in_shorthand_runs_to_its_comma(text: str, name: str, title: str) -> None:
    update = read(text)
    assert update.get("contact_name") == name
    assert update.get("contact_title") == title


def test_my_manager_in_shorthand_is_no_customer_title() -> None:
    update = read("mgr Sam Whitaker briefed, he's with me on this")
    assert not update.get("contact_title")


@pytest.mark.parametrize(
    "text",
    [
        "ravi says if we can't show a plan he's going to our CEO",
        "she says she'll take it to our CEO if we don't build it for free",
        "our head office moved to Leeds",
    ],
)
def test_a_customer_going_over_our_heads_names_no_leader_of_ours(text: str) -> None:
    assert not read(text).get("leader_title")


def test_a_leader_named_later_brings_their_own_title() -> None:
    case = CaseFile(leader_title="CRO")
    update = understand("ask: bring in Victor Hale, our VP Sales, for the call", case, []).update
    assert update.get("leader_name") == "Victor Hale"
    assert update.get("leader_title") == "VP Sales"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Got an email from Ines Duarte at Lumen Retail, she's their ecommerce manager.",
         "ecommerce manager"),
        ("contact is Dr. Amara Nwosu, she's the CMIO", "CMIO"),
        ("their lead dev, Ifeoma Chukwu (ifeoma@pharmacy.example), is annoyed", "lead dev"),
    ],
)  # fmt: skip
def test_the_contacts_title_said_beside_them(text: str, title: str) -> None:
    assert read(text).get("contact_title") == title


def test_a_title_said_later_goes_to_the_known_contact() -> None:
    case = CaseFile(customer="Lumen Retail", contact_name="Ines Duarte")
    update = understand("she's their ecommerce manager", case, []).update
    assert update.get("contact_title") == "ecommerce manager"


def test_a_negated_verb_is_no_contact() -> None:
    update = read("they'll go with Snowline instead if the POC isn't stable by Friday.")
    assert "contact_name" not in update


def test_a_title_is_no_customer() -> None:
    update = read("contact is Mireille Fontaine, shes Head of Automation.")
    assert update.get("contact_title") == "Head of Automation"
    assert update.get("customer") != "Automation"


@pytest.mark.parametrize(
    "text",
    [
        "Brightwater Dental Group, I'm their CSM",
        "Sunvale Home Care, Nursing Director Bridget O'Neill",
        "company is Arcturus Robotics, contact Bruno Martel, Head of Automation",
    ],
)
def test_saying_who_is_who_is_no_problem(text: str) -> None:
    assert "problem" not in read(text)


def test_a_self_introduction_with_a_figure_still_tells_the_stake() -> None:
    from coach.reading.people import read_named
    from coach.reading.rep import names_only

    staked = "im the SE on the Tallgrass Builders renewal (construction, ~$150k/yr)."
    assert not names_only(staked, read_named(staked))
    plain = "Tallgrass Builders, contact Mateo Fernandez, I'm their SE"
    assert names_only(plain, read_named(plain))


def test_what_the_customer_asked_of_my_boss_is_no_answer_about_briefing_him() -> None:
    """ "... asked to talk to my boss and I haven't had a chance to look into it": the second
    clause, cut at "and I", says what the rep has not tried; the manager question stays open."""
    from coach.reading.rep import read_case

    reading = read_case(
        "A customer just asked to talk to my boss and I haven't even had a chance to look into "
        "it yet."
    )
    assert "manager_briefed" not in reading.checklist
    assert reading.checklist.get("tried_yourself") is False


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        # a title before the name, after the contact label
        ("contact: Deputy CIO Thandiwe Nkosi", "contact_name", "Thandiwe Nkosi"),
        ("contact: Deputy CIO Thandiwe Nkosi", "contact_title", "Deputy CIO"),
        # where they work, between the title and the name
        ("their GM at the Cancún property, Yasmin Haddad, is cc'ing her regional VP on every "
         "email", "contact_name", "Yasmin Haddad"),
        # an address whose local part drops the hyphen of the surname
        ("contact: Fatima Al-Zahra, Director of Network Engineering, f.alzahra@coastlinetel.net.",
         "contact_email", "f.alzahra@coastlinetel.net"),
        # the rep's manager in an org ("my SE manager") in brackets
        ("Dmitri Volkov (my SE manager) is briefed and agrees we escalate.", "manager_name",
         "Dmitri Volkov"),
        # letters beyond Western Europe's in a name
        ("contact is Zeynep Yılmaz, their CFO", "contact_name", "Zeynep Yılmaz"),
        # a name that says it is an organisation
        ("hotel group, Marisol Hotels & Resorts", "customer", "Marisol Hotels & Resorts"),
        ("Customer: City of Brookhaven, IT dept", "customer", "City of Brookhaven"),
    ],
)  # fmt: skip
def test_people_and_accounts_in_more_of_the_ways_reps_write_them(
    text: str, field: str, value: str
) -> None:
    update = read(text)
    assert update.get(field) == value
    assert update.get("customer") != value or field == "customer"


def test_a_correction_puts_the_new_person_where_the_old_one_was() -> None:
    case = CaseFile(
        customer="Pinecrest Outdoor", contact_name="Dmitri Volkov", contact_title="CMO",
        leader_name="Kenji Watanabe", leader_title="VP Customer Success",
        business_impact="$88k ARR",
    )  # fmt: skip
    said = "wait, not Kenji - Kenji left. it's Zeynep Yılmaz, VP Customer Success now"
    update = understand(said, case, []).update
    assert update.get("leader_name") == "Zeynep Yılmaz"
    assert "contact_name" not in update and "customer" not in update
    assert "business_impact" not in update


def test_a_typed_ask_is_never_taken_for_the_problem() -> None:
    update = read(
        "SE on the Coastline Telecom POC. We re-ran the benchmark 3 times. Ask: Nadia Hussain, "
        "our VP Engineering, joins a call with Fatima next week and says honestly whether a "
        "throughput fix in Q2 is realistic."
    )
    assert "Nadia" not in str(update.get("problem") or "")


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        ("Context: Quillon Aerospace. Ravi Subramanian, VP Supply Chain, ravi.s@quillonaero.com.",
         "Ravi Subramanian", "VP Supply Chain"),
        ("Grace Mwangi (VP Claims Operations) said at the last QBR they're evaluating "
         "alternatives.", "Grace Mwangi", "VP Claims Operations"),
        ("Their VP Clinical Data, Dr. Mei-Lin Zhou, says she'll pull the evaluation.",
         "Mei-Lin Zhou", "VP Clinical Data"),
        # a name after a department is still the name
        ("their VP Sales Tom Hardy wants a call", "Tom Hardy", "VP Sales"),
    ],
)  # fmt: skip
def test_a_department_of_two_words_is_part_of_the_title(text: str, name: str, title: str) -> None:
    update = understand(text, CaseFile()).update
    assert name in update.get("contact_name", "")
    assert update.get("contact_title") == title


@pytest.mark.parametrize(
    "text",
    [
        "jonas petrauskas (head of operations over there) called me furious this morning",
        "jonas petrauskas (their head of operations) called me furious this morning",
    ],
)
def test_a_name_typed_in_lower_case_before_its_title_in_brackets(text: str) -> None:
    update = understand(text, CaseFile(customer="Baltic Freightways")).update
    assert update.get("contact_name") == "Jonas Petrauskas"
    assert update.get("contact_title") == "head of operations"


def test_a_spelling_correction_of_the_contact_keeps_them_the_contact() -> None:
    case = CaseFile(
        customer="Aurelia Biotech", contact_name="Rohan Kapur",
        contact_title="Sr Director Lab Informatics",
    )  # fmt: skip
    out = understand("correction - it's Rohan Kapoor, K-A-P-O-O-R", case, [])
    assert out.update.get("contact_name") == "Rohan Kapoor"
    assert out.update.get("contact_title") == "Sr Director Lab Informatics"
    assert "customer" not in out.update


def test_a_new_person_in_the_contacts_seat_replaces_the_contact() -> None:
    case = CaseFile(customer="Aurelia Biotech", contact_name="Sophie Laurent", contact_title="VP")
    out = understand("new person in her seat is Rohan Kapur, Sr Director Lab Informatics", case, [])
    assert out.update.get("contact_name") == "Rohan Kapur"
    assert out.update.get("contact_title") == "Sr Director Lab Informatics"
    assert "contact_name" in out.replace


@pytest.mark.parametrize(
    ("text", "customer"),
    [
        ("I'm the SE on Halvorsen Industrial (400 seats). INTERNAL: eng pulled 2 devs onto the "
         "Walmart deal, do NOT share.", "Halvorsen Industrial"),
        ("Context: the Walmart deal took two of our devs, keep that internal. Acme Corp is "
         "threatening to leave.", "Acme Corp"),
    ],
)  # fmt: skip
def test_a_company_named_in_an_internal_note_is_not_the_customer(text: str, customer: str) -> None:
    assert read(text).get("customer") == customer


def test_a_contact_who_is_gone_is_no_person_named_gone() -> None:
    update = read("I'm the AE for Quarry Point and our champion is gone")
    assert update.get("contact_name") in (None, "")
    assert update.get("customer") == "Quarry Point"


@pytest.mark.parametrize(
    ("text", "customer"),
    [
        ("acct: greywater energy. their IT admin is annoyed", "Greywater Energy"),
        ("acct = fernhill insurance. our champion left last month", "Fernhill Insurance"),
        ("customer tandem freight was mad last week about the export", "Tandem Freight"),
        ("need to escalate velora retail. renewal is March 31", "Velora Retail"),
        ("urgent. halden bank - their CISO found an exposed bucket", "Halden Bank"),
        ("need help w brightwater clinics", "Brightwater Clinics"),
        ("Problem: quillon robotics can't get our edge agent running", "Quillon Robotics"),
    ],
)
def test_an_account_typed_in_lower_case_after_its_label(text: str, customer: str) -> None:
    assert read(text).get("customer") == customer


@pytest.mark.parametrize(
    "text",
    ["customer is asking to talk to my manager", "my manager knows the account is shaky"],
)
def test_a_description_after_the_word_account_is_no_company(text: str) -> None:
    assert not read(text).get("customer")


def test_a_lower_case_name_then_title_after_the_account() -> None:
    update = read("pinecrest outdoor, siobhan gallagher vp ecom")
    assert update.get("customer") == "Pinecrest Outdoor"
    assert update.get("contact_name") == "Siobhan Gallagher"


@pytest.mark.parametrize(
    ("text", "name"),
    [("mgr Olu Adebayo is briefed and agrees we escalate", "Olu Adebayo"),
     ("mgr Elise Moreau knows everything, briefed her monday", "Elise Moreau")],
)  # fmt: skip
def test_the_manager_after_mgr_at_the_start_of_a_clause(text: str, name: str) -> None:
    assert read(text).get("manager_name") == name


def test_his_name_is_names_the_contact() -> None:
    case = CaseFile(customer="Birchfield Logistics", contact_title="head of IT")
    assert understand("his name is Owen Clarke", case, []).update.get("contact_name") == (
        "Owen Clarke"
    )


def test_a_person_named_as_the_one_who_counts_in_a_correction_is_the_contact() -> None:
    case = CaseFile(customer="Maplestone Media", contact_name="Neha Joshi")
    out = understand(
        "actually it's Rohan Kapoor who's the decision maker, he's their CTO. so rohan's the "
        "contact",
        case,
        [],
    )
    assert out.update.get("contact_name") == "Rohan Kapoor"
    assert "customer" not in out.update


@pytest.mark.parametrize(
    ("text", "customer", "contact", "title"),
    [
        # a person, then their title and where they work in brackets
        ("Tomás Ferreira (Plant Manager, Oliveira Ceramics) phoned about the kiln sensors",
         "Oliveira Ceramics", "Tomás Ferreira", "Plant Manager"),
        # an account with its figure, then a full stop, then the person: no initial from "ARR."
        ("Lakeshore Transit, $210k ARR. Dana Whitfield, Director of Fleet Systems, is upset",
         "Lakeshore Transit", "Dana Whitfield", "Director of Fleet Systems"),
        # a department typed in capitals after the title
        ("Norrland Pharma: the new VP R&D, Dr. Elin Berg, says the assay export fails",
         "Norrland Pharma", "Elin Berg", "VP R&D"),
    ],
)  # fmt: skip
def test_who_is_who_around_brackets_stops_and_capitals(
    text: str, customer: str, contact: str, title: str
) -> None:
    update = understand(text, CaseFile()).update
    assert update.get("customer") == customer
    assert contact in update.get("contact_name", "") and not update["contact_name"].startswith("R.")
    assert update.get("contact_title") == title


def test_a_job_title_beyond_the_cue_list_names_the_contact() -> None:
    update = understand(
        "Ostwind Studios: their Lead Editor Hye-jin Cho says the render farm keeps timing out",
        CaseFile(),
    ).update
    assert update.get("contact_name") == "Hye-jin Cho"
    assert update.get("contact_title") == "Lead Editor"


def test_a_surname_that_starts_like_cost_is_no_toll() -> None:
    """ "Mateus Costa emailed again ..." after the problem is known tells more of the trouble; a
    word for money lost ("costs", "costing us") would make it the impact, a surname does not."""
    from coach.reading.rep import read_case

    case = CaseFile.from_data(
        {
            "customer": "Logistica Andina",
            "problem": "The route optimizer drops stops on long routes.",
        }
    )
    said = "Their ops lead Mateus Costa emailed again saying the route optimizer is garbage."
    assert [c.role for c in read_case(said, case).clauses] == ["problem"]
    toll = "The dropped stops are costing them two extra drivers a day."
    assert [c.role for c in read_case(toll, case).clauses] == ["business_impact"]


def test_what_the_customer_ranted_about_is_the_problem_not_the_scene() -> None:
    """ "Had our QBR with ... today" sets the scene; "spent twenty minutes ranting about the new
    dashboard layout" tells the trouble. A trouble told in so many words stays the problem."""
    from coach.reading.rep import read_case

    said = (
        "Had our QBR with Moana Logistics in Auckland today. Their ops manager, Tane Parata, "
        "spent twenty minutes ranting about the new dashboard layout, called it a step backwards."
    )
    problem = [c.text for c in read_case(said).clauses if c.role == "problem"]
    assert len(problem) == 1 and "dashboard layout" in problem[0]
    told = (
        "The nightly export has failed three times this week. Their ops manager spent ten "
        "minutes ranting about the dashboard colors too."
    )
    problem = [c.text for c in read_case(told).clauses if c.role == "problem"]
    assert problem and "export has failed" in problem[0]
