"""The case file: JSON in and out, validation with one clear message, merge, open checklist items.
Bad input through the CLI exits 2 with one line naming the field and no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach.domain.casefile import CaseFile
from coach.errors import CoachError
from coach.settings import REPO_ROOT

FULL = {
    "customer": "Northwind Logistics",
    "contact": "Dana Whitfield <dana.whitfield@northwind.example>",
    "problem": "Nightly inventory sync has failed on 9 of the last 14 nights.",
    "customer_wants": "A working sync before peak season.",
    "tried": ["Rolled two warehouses back to the v4.1 connector"],
    "business_impact": "$480k ARR renewal due in 60 days.",
    "ask": "I need an engineering lead assigned to the connector fix.",
    "proposed_next_steps": ["Priya Shah to join a call with their VP Operations"],
    "checklist": {
        "tried_yourself": True,
        "root_cause_understood": True,
        "communicated_transparently": True,
        "clear_ask": True,
        "right_time": True,
        "manager_briefed": None,
    },
    "leader_name": "Priya Shah",
    "leader_title": "VP Customer Success",
    "authorised_commitments": ["a 10% credit on the March invoice"],
    "notes": "CFO is now cc'd.",
    "days_open": 16,
    "signals": ["cancellation_threat"],
}


def test_round_trip_keeps_the_contract_field_names(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(FULL), encoding="utf-8")
    case = CaseFile.load(path)
    assert case.checklist.manager_briefed is None  # unknown stays unknown, not false
    out = tmp_path / "out.json"
    case.save(out)
    saved = json.loads(out.read_text())
    # Every contract field keeps its name and value; the fields the case reader added (the
    # contact's parts, the rep's manager, the date that matters) extend it, empty when unknown.
    assert {k: saved[k] for k in FULL} == FULL
    added = {"contact_name", "contact_title", "contact_email", "manager_name", "deadline"}
    assert set(saved) - set(FULL) == added | {"withdrawn"}  # and what the customer took back
    assert all(saved[k] == "" for k in added) and saved["withdrawn"] == []


def test_missing_fields_and_nulls_are_allowed() -> None:
    case = CaseFile.loads('{"customer": null, "checklist": {"clear_ask": null}}')
    assert case.customer == "" and case.tried == [] and case.checklist.clear_ask is None


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('{"customer": "Acme",', "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"tried": "called them"}', "'tried'"),
        ('{"customer": 42}', "'customer'"),
        ('{"checklist": {"tried_yourself": "yes"}}', "'checklist.tried_yourself'"),
        ('{"days_open": "three"}', "'days_open'"),
        ('{"custmer": "Acme"}', "'custmer'"),
        ('{"checklist": {"briefed": true}}', "'checklist.briefed'"),
        ('{"proposed_next_steps": ["ok", 3]}', "'proposed_next_steps'"),
        # JSON keeps the last of two values silently: the threat listed first was lost
        ('{"signals": ["cancellation_threat"], "problem": "x", "signals": []}', "'signals' twice"),
        ('{"checklist": {"clear_ask": true, "clear_ask": false}}', "'clear_ask' twice"),
    ],
)
def test_bad_case_files_give_one_line_naming_the_field(text: str, named: str) -> None:
    with pytest.raises(CoachError) as err:
        CaseFile.loads(text)
    message = str(err.value)
    assert named in message and "\n" not in message


def test_unknown_field_suggests_the_close_name() -> None:
    with pytest.raises(CoachError, match="did you mean 'customer'"):
        CaseFile.loads('{"custmer": "Acme"}')


def test_a_field_over_the_size_limit_is_rejected_by_name() -> None:
    with pytest.raises(CoachError, match="field 'problem' is 1,000,000 characters"):
        CaseFile.loads(json.dumps({"problem": "x" * 1_000_000}))


@pytest.mark.parametrize("field", ["signals", "withdrawn"])
@pytest.mark.parametrize(
    "written", ["CANCELLATION_THREAT", "cancellation threat", "Cancellation-Threat"]
)
def test_a_signal_name_is_read_whatever_its_case_spaces_or_hyphens(
    field: str, written: str
) -> None:
    case = CaseFile.loads(json.dumps({field: [written, "cancellation_threat"]}))
    assert getattr(case, field) == ["cancellation_threat"]


@pytest.mark.parametrize("field", ["signals", "withdrawn"])
def test_an_unknown_signal_name_is_refused_with_the_known_names(field: str) -> None:
    """Read as no signal at all, a misspelled threat turned the brief into "don't escalate"."""
    with pytest.raises(CoachError) as err:
        CaseFile.loads(json.dumps({field: ["venting", "cancelation_threat"]}))
    message = str(err.value)
    assert f"field '{field}' (item 2)" in message and "'cancelation_threat'" in message
    assert "did you mean 'cancellation_threat'" in message and "routine_issue" in message
    assert "\n" not in message


def test_a_chat_update_leaves_an_unknown_signal_out_instead_of_refusing() -> None:
    case = CaseFile().merge({"signals": ["cancelation_threat", "Deal at risk"]})
    assert case.signals == ["deal_at_risk"]


def test_a_case_file_over_the_pasted_text_limit_is_refused_whole() -> None:
    """Every field under its own limit, 4 MB in all: the brief read it for minutes."""
    from coach.domain.casefile import MAX_FIELD_CHARS, MAX_LIST_ITEMS
    from coach.textio import MAX_TEXT_CHARS

    steps = ["x" * MAX_FIELD_CHARS] * MAX_LIST_ITEMS
    with pytest.raises(CoachError, match="4,000,010 characters of text; the limit is 200,000"):
        CaseFile.loads(json.dumps({"problem": "SSO outage", "proposed_next_steps": steps}))
    # counted over every text field and list item: 9 items, a note and one more character
    split = {"tried": ["t" * MAX_FIELD_CHARS] * 9, "notes": "n" * MAX_FIELD_CHARS, "problem": "p"}
    with pytest.raises(CoachError, match=f"{MAX_TEXT_CHARS + 1:,} characters of text"):
        CaseFile.from_data(split)
    CaseFile.from_data({**split, "problem": ""})  # at the limit is fine


def test_open_checklist_items_count_facts_as_answers() -> None:
    assert CaseFile().open_checklist_items() == [
        "tried_yourself",
        "root_cause_understood",
        "communicated_transparently",
        "clear_ask",
        "right_time",
        "manager_briefed",
    ]
    case = CaseFile.from_data(FULL)
    assert case.open_checklist_items() == ["manager_briefed"]
    said_no = case.merge({"checklist": {"tried_yourself": False}})
    assert said_no.open_checklist_items() == ["tried_yourself", "manager_briefed"]


def test_merge_never_overwrites_a_known_fact_with_nothing() -> None:
    case = CaseFile.from_data(FULL)
    merged = case.merge(
        {
            "customer": "",
            "problem": "",
            "tried": ["Opened ticket SUP-8812", "Rolled two warehouses back to the v4.1 connector"],
            "checklist": {"tried_yourself": None, "manager_briefed": True},
            "days_open": None,
            "ask": "Approve a 10% credit.",
        }
    )
    assert merged.customer == "Northwind Logistics"
    assert merged.problem == FULL["problem"]
    assert merged.tried == [*FULL["tried"], "Opened ticket SUP-8812"]
    assert merged.checklist.tried_yourself is True and merged.checklist.manager_briefed is True
    assert merged.days_open == 16
    assert merged.ask == "Approve a 10% credit."
    assert case.ask == FULL["ask"]  # the original is untouched


def test_merge_rejects_a_bad_update() -> None:
    with pytest.raises(CoachError, match="'tried'"):
        CaseFile().merge({"tried": "not a list"})


def _coach(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from coach.cli import main; main()", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=REPO_ROOT,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ('{"customer": "Acme", ', "not valid JSON"),
        ('{"tried": 5}', "'tried'"),
        (json.dumps({"notes": "y" * 1_000_000}), "'notes'"),
        ('{"customer": "Acme", "budget": 5}', "'budget'"),
        ('{"signals": ["cancelation_threat"], "problem": "SSO outage"}', "'cancelation_threat'"),
        (json.dumps({"proposed_next_steps": ["x" * 20_000] * 11}), "220,000 characters"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(tmp_path: Path, content: str, named: str) -> None:
    path = tmp_path / "case.json"
    path.write_text(content, encoding="utf-8")
    for args in (["brief", str(path)], ["draft", "customer", str(path)]):
        result = _coach(*args)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("coach: ") and named in lines[0]
        assert "Traceback" not in result.stderr and result.stdout == ""


def test_check_and_the_uploaded_case_refuse_a_case_over_the_limit(tmp_path: Path) -> None:
    from coach.ui.handlers import load_case_file

    path = tmp_path / "case.json"
    path.write_text(json.dumps({"proposed_next_steps": ["x" * 20_000] * 11}), encoding="utf-8")
    result = _coach("check", "--case", str(path), "-", stdin="Hi Dana, we will fix it.")
    assert result.returncode == 2 and "220,000 characters of text" in result.stderr
    values, note = load_case_file(str(path))
    assert values is None and "220,000 characters of text" in note


def test_cli_missing_case_file_exits_2(tmp_path: Path) -> None:
    result = _coach("brief", str(tmp_path / "nope.json"))
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_a_very_long_message_is_clipped_into_the_case_not_refused() -> None:
    from coach.domain.casefile import MAX_FIELD_CHARS, MAX_LIST_ITEMS

    case = CaseFile(problem="Exports fail").merge({"tried": ["x" * 100_000], "notes": "y" * 90_000})
    assert len(case.tried[0]) == MAX_FIELD_CHARS and len(case.notes) == MAX_FIELD_CHARS
    for i in range(MAX_LIST_ITEMS + 5):
        case = case.merge({"tried": [f"step {i}"]})
    assert len(case.tried) == MAX_LIST_ITEMS and case.tried[-1] == f"step {MAX_LIST_ITEMS + 4}"


def test_a_case_given_as_text_with_a_byte_order_mark_is_read() -> None:
    """The API's /brief takes the case as text; a file's BOM pasted along is not an error."""
    case = CaseFile.loads('\ufeff{"customer": "Acme", "problem": "export fails"}', source="case")
    assert case.customer == "Acme"


@pytest.mark.parametrize(
    ("name", "contact", "greeted"),
    [
        ("Łukasz Nowak", "", "Łukasz"),  # a capital beyond Western Europe's letters
        ("Šárka Nováková", "", "Šárka"),
        ("Dubois, Claire", "", "Claire"),  # family name first, as a directory lists it
        ("van der Berg, Jan", "", "Jan"),
        ("Dana Whitfield, VP", "", "Dana"),  # a title after the comma is no first name
        ("", "Łukasz Nowak, CTO", "Łukasz"),
        ("CTO", "", ""),
        ("李 小龙", "", ""),
    ],
)
def test_the_customer_is_greeted_by_their_first_name(name: str, contact: str, greeted: str) -> None:
    """ "Łukasz" and "Dubois, Claire" were greeted "Hello," with no name."""
    assert CaseFile(contact_name=name, contact=contact).contact_first_name == greeted
