"""The brief, the three drafts, the readiness warnings, the LLM writer and the exports."""

from __future__ import annotations

import email
import json
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest

from coach import guardrails
from coach.domain.casefile import CaseFile
from coach.domain.readiness import warning_codes
from coach.drafts.export import to_eml, write_eml
from coach.drafts.writer import (
    BRIEF_SECTIONS,
    DRAFT_KINDS,
    DraftKind,
    LLMWriter,
    OfflineWriter,
    invented_facts,
)
from coach.evals.base import load_cases
from coach.evals.drafts import DraftCase
from coach.llm.models import override_chat_model
from coach.llm.testing import ScriptedChatModel
from coach.reading.case import judge
from coach.settings import REPO_ROOT, Settings

COMPLETE = CaseFile.from_data(
    {
        "customer": "Northwind Logistics",
        "contact": "Dana Whitfield <dana.whitfield@northwind.example>",
        "problem": "Nightly inventory sync has failed on 9 of the last 14 nights since the v4.2 "
        "connector upgrade.",
        "customer_wants": "A working sync before their peak season.",
        "tried": ["Rolled two warehouses back to the v4.1 connector", "Opened ticket SUP-8812"],
        "business_impact": "$480k ARR renewal due in 60 days.",
        "ask": "I need an engineering lead assigned to the connector fix.",
        "proposed_next_steps": [
            "Priya Shah to join a call with their VP Operations",
            "Root-cause write-up (owner: Tom Becker)",
        ],
        "checklist": {
            "tried_yourself": True,
            "root_cause_understood": True,
            "communicated_transparently": True,
            "clear_ask": True,
            "right_time": True,
            "manager_briefed": True,
        },
        "leader_name": "Priya Shah",
        "leader_title": "VP Customer Success",
        "authorised_commitments": ["a 10% credit on the March invoice"],
        "days_open": 16,
    }
)
TAINTED = COMPLETE.merge(
    {
        "notes": "Honestly the connector team dropped the ball on testing. I told Dana they'd get "
        "a 20% discount if it fails again. Their CFO is now copied on every email.",
        "proposed_next_steps": ["Offer a full refund of the February invoice"],
        "problem": "The sync keeps failing because the vendor botched the schema change.",
    }
)


@pytest.fixture
def writer(settings: Settings) -> OfflineWriter:
    return OfflineWriter(settings)


def test_brief_has_the_sections_and_only_case_facts(
    writer: OfflineWriter, settings: Settings
) -> None:
    draft = writer.write("brief", COMPLETE)
    for section in BRIEF_SECTIONS:
        assert f"## {section}" in draft.markdown
    for fact in ("Northwind Logistics", "$480k ARR", "SUP-8812", "Priya Shah", "Tom Becker"):
        assert fact in draft.markdown
    assert invented_facts(draft.markdown, COMPLETE, settings) == []
    assert draft.findings == [] and draft.warnings == []
    assert "**Escalate now" in draft.markdown and "Not yet" not in draft.markdown


def test_invented_facts_are_caught(settings: Settings) -> None:
    text = "Northwind's renewal is worth $900k and Priya Shah meets Karen Lopez on Friday."
    assert set(invented_facts(text, COMPLETE, settings)) == {"900", "Friday", "Karen", "Lopez"}


def test_empty_case_is_not_ready_and_says_what_to_do_first(writer: OfflineWriter) -> None:
    empty = CaseFile()
    assert set(warning_codes(empty)) == {
        "not_tried_yourself",
        "root_cause_unknown",
        "no_clear_ask",
        "no_plan",
    }
    draft = writer.write("brief", empty)
    assert "Not enough is known yet to say whether to escalate" in draft.markdown
    assert "1. Try to resolve it yourself first" in draft.markdown
    assert draft.markdown.count("Not captured yet") >= 5
    assert {w.section for w in draft.warnings} <= {"Pre-Escalation Checklist", "Gotchas"}
    assert draft.findings == []  # the brief still asks to discuss how to proceed


def test_complete_case_gets_no_warnings() -> None:
    assert warning_codes(COMPLETE) == [] and judge(COMPLETE).code == "escalate_now"
    # The case lists no signals: they are read from its words ("need an engineering lead").
    assert judge(COMPLETE).headline == "Escalate now; first: agree the approach with your manager."


def test_manager_not_briefed_alone_means_escalate_now_with_this_brief() -> None:
    case = COMPLETE.merge({"checklist": {"manager_briefed": False}})
    state = judge(case)
    assert [w.code for w in state.warnings] == ["manager_not_briefed"]
    assert state.code == "escalate_now"
    assert state.headline == "Escalate now; first: brief your manager."


def test_contradictory_checklist_the_explicit_answer_wins() -> None:
    case = COMPLETE.merge({"checklist": {"tried_yourself": False, "right_time": False}})
    assert set(warning_codes(case)) == {"not_tried_yourself", "too_early", "too_late"}
    quiet = case.model_copy(update={"signals": ["leadership_decision"]})
    assert judge(quiet).code == "not_yet"  # not tried, and nothing urgent
    assert judge(quiet).first_steps[0].startswith("Try to resolve it yourself first")


@pytest.mark.parametrize(
    ("update", "codes"),
    [
        ({"days_open": 1}, set()),  # something is tried: not too early
        ({"days_open": 45}, {"too_late"}),
        ({"notes": "They already signed with a competitor last week."}, {"too_late"}),
        ({"notes": "If they stop responding we lose the renewal."}, set()),
        ({"checklist": {"communicated_transparently": False}}, {"not_communicated"}),
        ({"checklist": {"clear_ask": False}}, {"no_clear_ask"}),
    ],
)
def test_timing_and_checklist_rules(update: dict[str, object], codes: set[str]) -> None:
    assert set(warning_codes(COMPLETE.merge(update))) == codes


def test_too_early_unless_urgent() -> None:
    fresh = CaseFile(problem="Export is slow", ask="x", proposed_next_steps=["x"], days_open=0)
    assert "too_early" in warning_codes(fresh)
    urgent = fresh.merge({"signals": ["cancellation_threat"]})
    assert "too_early" not in warning_codes(urgent)


def test_customer_message(writer: OfflineWriter) -> None:
    draft = writer.write("customer", COMPLETE)
    assert draft.body.startswith("Hi Dana,")
    assert "I understand your concern" in draft.body
    assert "Priya Shah, our VP Customer Success," in draft.body
    assert "Can we schedule a call" in draft.body
    assert draft.subject and draft.findings == []


def test_customer_message_without_a_leader_reads_as_sent(writer: OfflineWriter) -> None:
    """No leader or manager named: plain words the rep can send, no template marker to fill."""
    draft = writer.write("customer", CaseFile(problem="Sync fails nightly"))
    assert "a senior colleague from our leadership team" in draft.body
    assert "[leader" not in draft.body
    assert draft.body.startswith("Hello,")
    assert guardrails.check(draft.body, "customer") == []


def test_call_prep_lists_what_not_to_promise(writer: OfflineWriter) -> None:
    case = COMPLETE.merge({"customer_wants": "A 25% discount and a fix date."})
    draft = writer.write("call-prep", case)
    for heading in (
        "What the customer said",
        "What they want",
        "What to acknowledge",
        "What NOT to promise",
        "Proposed path",
    ):
        assert f"## {heading}" in draft.markdown
    assert "- a 10% credit on the March invoice" in draft.markdown
    assert "25% discount" in draft.markdown.split("## What NOT to promise")[1]
    assert draft.findings == []


def test_follow_up_plan_owners_and_cadence(writer: OfflineWriter) -> None:
    draft = writer.write("follow-up", COMPLETE)
    assert "Priya Shah to join a call with their VP Operations, owner: Priya Shah" in draft.markdown
    assert "Root-cause write-up (owner: Tom Becker)\n" in draft.markdown
    assert "a 10% credit on the March invoice (authorised), owner: owner to be named" in (
        draft.markdown
    )
    assert "## Communicate progress" in draft.markdown and "## Lessons learned" in draft.markdown
    assert draft.findings == []


def test_blame_and_promises_in_the_reps_notes_never_reach_a_draft(writer: OfflineWriter) -> None:
    for kind in DRAFT_KINDS:
        text = writer.write(kind, TAINTED).markdown
        for bad in ("dropped the ball", "20% discount", "full refund", "botched"):
            assert bad not in text, (kind, bad)
        assert writer.write(kind, TAINTED).findings == []
    brief = writer.write("brief", TAINTED).markdown
    assert "Their CFO is now copied on every email." in brief
    assert "The sync keeps failing" in brief
    # Nothing is dropped silently: every line held back is shown beside the draft, with its
    # finding and a suggested rewrite, for the rep to decide.
    held = writer.write("brief", TAINTED).held_back
    lines = " ".join(h.line for h in held)
    for bad in ("dropped the ball", "20% discount", "full refund", "botched"):
        assert bad in lines, bad
    assert {h.code for h in held} <= {"blame", "over_promise"} and all(h.rewrite for h in held)


def test_a_broken_promise_is_a_fact_not_an_over_promise(writer: OfflineWriter) -> None:
    case = CaseFile(
        customer="Northwind",
        contact_name="Raj Patel",
        contact_title="CTO",
        problem="The integration promised for end of Q3 is still not live.",
        business_impact="Raj says they'll cancel at renewal ($250k ARR).",
        leader_name="Priya Raman",
        leader_title="VP Customer Success",
    )
    brief = writer.write("brief", case)
    assert "promised for end of Q3 is still not live" in brief.markdown and not brief.held_back
    customer = writer.write("customer", case)
    assert customer.body.startswith("Hi Raj,")
    assert "still not live" in customer.body
    assert "Priya Raman, our VP Customer Success," in customer.body
    for internal in ("$250k", "ARR", "cancel", "renewal", "CTO"):
        assert internal not in customer.body, internal
    assert customer.findings == []


def _eval_cases(settings: Settings) -> list[DraftCase]:
    path = settings.evals_dir / "drafts.yaml"
    assert path.is_file(), f"{path} is missing"
    return load_cases(path, DraftCase)


def test_own_drafts_pass_the_guardrails_on_every_eval_case(
    writer: OfflineWriter, settings: Settings
) -> None:
    cases = _eval_cases(settings)
    assert len(cases) >= 20
    for item in cases:
        for kind in DRAFT_KINDS:
            draft = writer.write(kind, item.case)
            assert draft.findings == [], (item.id, kind, draft.findings)
            assert invented_facts(draft.markdown, item.case, settings) == [], (item.id, kind)


# --- The LLM writer --------------------------------------------------------------------------

GOOD_CUSTOMER = (
    "Hi Dana,\n\nI understand your frustration with the nightly sync, and I want to make sure we "
    "address this properly. I'd like to bring in Priya Shah, VP Customer Success, to ensure we "
    "get this right.\n\nCan we schedule a call this week?\n\nBest regards,\n[your name]\n"
)


def test_llm_writer_uses_a_valid_model_draft(settings: Settings) -> None:
    model = ScriptedChatModel([GOOD_CUSTOMER])
    with override_chat_model(model):
        draft = LLMWriter(settings).write("customer", COMPLETE)
    assert draft.engine == "openai" and draft.notice is None
    assert draft.body.strip() == GOOD_CUSTOMER.strip()
    sent = model.sent_text()
    assert '"customer": "Northwind Logistics"' in sent  # facts go as structured JSON
    assert "authorised_commitments" in sent


def test_llm_writer_rejects_an_invented_number_retries_then_falls_back(
    settings: Settings,
) -> None:
    invented = GOOD_CUSTOMER.replace("this week?", "this week? We'll credit you $5,000.")
    model = ScriptedChatModel([invented, invented])
    with override_chat_model(model):
        draft = LLMWriter(settings).write("customer", COMPLETE)
    assert len(model.requests) == 2
    assert "5,000" in model.requests[1][-1].text  # the retry names the invented fact
    assert draft.engine == "offline" and draft.notice and "offline draft" in draft.notice
    assert "$5,000" not in draft.body and draft.findings == []


def test_llm_writer_accepts_a_fixed_retry(settings: Settings) -> None:
    blaming = "Hi Dana,\n\nEngineering dropped the ball. Can we schedule a call this week?\n"
    model = ScriptedChatModel([blaming, GOOD_CUSTOMER])
    with override_chat_model(model):
        draft = LLMWriter(settings).write("customer", COMPLETE)
    assert "blame" in model.requests[1][-1].text
    assert draft.engine == "openai" and draft.findings == []


def test_llm_writer_brief_must_keep_the_sections(settings: Settings) -> None:
    model = ScriptedChatModel(["Northwind is unhappy. Can we discuss how to proceed?"] * 2)
    with override_chat_model(model):
        draft = LLMWriter(settings).write("brief", COMPLETE)
    assert "lacks the sections" in model.requests[1][-1].text
    assert draft.engine == "offline" and "## What I need" in draft.markdown


def _adversarial_brief(settings: Settings) -> str:
    """The tester's brief: the reference without its verdict headline and checklist, with raw
    HTML, a script link, a recommendation against the verdict and an order to skip the process."""
    reference = OfflineWriter(settings).write("brief", COMPLETE).markdown
    body = reference[reference.index("## Situation") : reference.index("## Pre-escalation")]
    return body.replace(
        "1. Priya Shah to join a call with their VP Operations",
        "1. Priya Shah to join a call with Dana this week. <img src=x onerror=alert(1)> "
        "[click](javascript:alert(1))",
    ).replace(
        "Can we discuss how to proceed?", "Recommendation: do not escalate. Ignore the checklist."
    )


def test_a_model_brief_against_the_verdict_with_script_html_is_set_aside(
    settings: Settings,
) -> None:
    from coach.drafts.writer import brief_payload

    bad = _adversarial_brief(settings)
    model = ScriptedChatModel([bad, bad])
    with override_chat_model(model):
        _, payload = brief_payload(COMPLETE, LLMWriter(settings))
    retry = model.requests[1][-1].text
    assert "against the verdict (Escalate now)" in retry and "skip the playbook" in retry
    assert "raw HTML or script links (img, javascript:)" in retry
    assert 'the verdict "Escalate now"' in retry and "Pre-escalation checklist" in retry
    assert payload["recommendation"] == "escalate_now" and payload["engine"] == "offline"
    assert payload["notice"] and "against the verdict" in payload["notice"]
    assert "<img" not in payload["notice"]
    markdown = payload["markdown"]
    assert "**Escalate now" in markdown and "## Pre-escalation checklist" in markdown
    assert "do not escalate" not in markdown and "Ignore the checklist" not in markdown
    assert "<img" not in markdown and "javascript:" not in markdown


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        ("escalate_now", "Recommendation: do not escalate."),
        ("escalate_now", "**My recommendation is** no need to escalate."),
        ("escalate_now", "I'd recommend we hold off on escalating until Friday."),
        ("escalate_now", "- Don't escalate."),
        ("escalate_now", "**Verdict:** not yet."),
        ("escalate_now", "We should not escalate this."),
        ("do_not_escalate", "Escalate now."),
        ("not_yet", "I recommend that we escalate immediately."),
    ],
)
def test_a_recommendation_against_the_verdict_is_a_problem(code: str, sentence: str) -> None:
    from coach.drafts.writer import off_verdict

    found = off_verdict(f"Hi Sam,\n\n{sentence} Thanks.\n", code)
    assert len(found) == 1 and "against the verdict" in found[0]


def test_a_mention_of_escalating_is_no_recommendation() -> None:
    from coach.drafts.writer import off_verdict

    text = (
        "The customer asked us not to escalate to their CEO. I need to escalate the Northwind "
        "situation. Not captured yet: the root cause. Do not escalate yet (said in the reference)."
    )
    reference = "Do not escalate yet (said in the reference)."
    assert off_verdict(text, "escalate_now", reference) == []
    assert off_verdict("Ignore the checklist.", "escalate_now")[0].startswith("it tells")
    assert off_verdict("You can skip the first steps.", None)[0].startswith("it tells")


@pytest.mark.parametrize(
    ("code", "sentence", "finding"),
    [
        ("escalate_now", "Empfehlung: nicht eskalieren.", "against the verdict"),
        ("escalate_now", "**Recommandation :** ne pas escalader pour l'instant.",
         "against the verdict"),
        ("escalate_now", "Nous ne devons pas escalader.", "against the verdict"),
        ("escalate_now", "Recomendación: no escalar todavía.", "against the verdict"),
        ("escalate_now", "Recomendação: não escalar.", "against the verdict"),
        ("escalate_now", "Raccomandazione: nessuna escalation.", "against the verdict"),
        ("escalate_now", "Advies: niet escaleren.", "against the verdict"),
        ("escalate_now", "Powinniśmy tego nie eskalować.", "against the verdict"),
        ("not_yet", "Empfehlung: jetzt eskalieren.", "against the verdict"),
        ("do_not_escalate", "Escalar de inmediato.", "against the verdict"),
        ("escalate_now", "Ignorieren Sie die Checkliste.", "skip the playbook"),
        ("escalate_now", "Sla de checklist over.", "skip the playbook"),
        ("escalate_now", "Pomiń listę kontrolną.", "skip the playbook"),
        ("escalate_now", "Ignorez les premières étapes.", "skip the playbook"),
        ("escalate_now", "Noch nicht eskalieren.", "against the verdict"),
        ("escalate_now", "Ich empfehle, nicht zu eskalieren.", "against the verdict"),
        ("escalate_now", "Recomiendo no escalar todavía.", "against the verdict"),
        ("escalate_now", "Jeszcze nie eskalować.", "against the verdict"),
        ("not_yet", "Wir sollten jetzt eskalieren.", "against the verdict"),
        ("escalate_now", "Sautez la checklist.", "skip the playbook"),
        ("escalate_now", "Ignorez la procédure.", "skip the playbook"),
    ],
)  # fmt: skip
def test_a_model_draft_in_another_language_against_the_verdict_is_a_problem(
    code: str, sentence: str, finding: str
) -> None:
    from coach.drafts.writer import off_verdict

    found = off_verdict(f"Hallo Sam,\n\n{sentence} Danke.\n", code)
    assert len(found) == 1 and finding in found[0]


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        ("escalate_now", "Der Kunde bat uns, nicht zu eskalieren."),
        ("escalate_now", "Il cliente ci ha chiesto di non escalare."),
        ("escalate_now", "The customer has no plans to escalate publicly."),
        ("escalate_now", "Manager informiert: noch nicht."),
        ("escalate_now", "Escalar ahora."),
        ("do_not_escalate", "No escalar."),
        ("escalate_now", "Wir gehen die Checkliste gemeinsam durch."),
        ("escalate_now", "No dudes en escalar esto hoy."),
        ("escalate_now", "Ne tardez pas à escalader."),
        ("escalate_now", "No escalamos antes porque esperábamos el parche."),
        ("escalate_now", "No escala bien con el volumen actual."),
        ("escalate_now", "No escalation has been raised yet, so I am raising it now."),
        ("escalate_now", "Kunde schrieb: nicht eskalieren."),
        ("not_yet", "Jetzt eskalieren wäre verfrüht."),
        ("not_yet", "Ya escalamos el ticket a soporte técnico la semana pasada."),
        ("escalate_now", "Follow the SLA process for this account."),
        ("escalate_now", "Don't ignore the checklist."),
        ("escalate_now", "N'oubliez pas la checklist."),
        ("escalate_now", "Vergeet de checklist niet."),
        ("escalate_now", "Der Kunde hat unseren Prozess ignoriert."),
    ],
)  # fmt: skip
def test_a_mention_or_agreement_in_another_language_is_no_problem(code: str, sentence: str) -> None:
    from coach.drafts.writer import off_verdict

    assert off_verdict(f"Hallo Sam,\n\n{sentence} Danke.\n", code) == []


def test_raw_html_and_script_links_are_named_but_a_less_than_sign_is_text() -> None:
    from coach.drafts.writer import unsafe_markup

    assert unsafe_markup("Fix in < 2 hours; sign as <leader name>; 3 <4.") == []
    assert unsafe_markup("[docs](https://example.com) <https://example.com>") == []
    text = (
        "<script>x</script> <b onmouseover=alert(1)>hi</b> [a](javascript:alert(1)) "
        "[b]( java\tscript:x) [c](&#106;avascript:x) <vbscript:x>\n[d]: data:text/html,x"
    )
    assert unsafe_markup(text) == ["script", "b", "javascript:", "vbscript:", "data:"]


def test_a_model_brief_keeps_the_verdict_and_the_checklist(settings: Settings) -> None:
    reference = OfflineWriter(settings).write("brief", COMPLETE)
    without = reference.markdown.split("## Pre-escalation")[0].replace("Escalate now", "Act")
    found = LLMWriter(settings).problems("brief", COMPLETE, without, reference.markdown)
    assert found == ['it lacks the sections: the verdict "Escalate now", Pre-escalation checklist']
    tailored = reference.markdown.replace("Open for:", "Answer within < 2 hours; open for:")
    with override_chat_model(ScriptedChatModel([tailored])):
        draft = LLMWriter(settings).write("brief", COMPLETE)
    assert draft.engine == "openai" and draft.notice is None
    assert "< 2 hours" in draft.markdown


def test_llm_writer_falls_back_when_the_model_is_down(settings: Settings) -> None:
    from coach.llm.testing import unavailable

    with override_chat_model(ScriptedChatModel([unavailable()])):
        draft = LLMWriter(settings).write("follow-up", COMPLETE)
    assert draft.engine == "offline" and draft.notice and "did not answer" in draft.notice


@pytest.mark.parametrize("kind", ["customer", "call-prep", "follow-up", "brief"])
def test_a_refusal_in_words_is_no_draft(kind: DraftKind, settings: Settings) -> None:
    refusal = "I'm sorry, but I can't assist with that request."
    with override_chat_model(ScriptedChatModel([refusal, refusal])):
        draft = LLMWriter(settings).write(kind, COMPLETE)
    assert draft.engine == "offline" and draft.notice and "declined" in draft.notice
    assert refusal not in draft.markdown


def test_a_refusal_in_its_own_field_is_named_as_one(settings: Settings) -> None:
    from langchain_core.messages import AIMessage

    refusal = AIMessage(content="", additional_kwargs={"refusal": "I can't help with that."})
    with override_chat_model(ScriptedChatModel([refusal, refusal])):
        draft = LLMWriter(settings).write("brief", COMPLETE)
    assert draft.engine == "offline" and draft.notice and "declined" in draft.notice
    assert "empty" not in draft.notice


def test_a_draft_cut_at_the_output_limit_is_no_draft(settings: Settings) -> None:
    from langchain_core.messages import AIMessage

    cut = AIMessage(
        "Dear Dana, I am sorry for the outage and I will",
        response_metadata={"finish_reason": "length"},
    )
    with override_chat_model(ScriptedChatModel([cut, cut])):
        draft = LLMWriter(settings).write("customer", COMPLETE)
    assert draft.engine == "offline" and draft.notice and "output limit" in draft.notice
    assert "and I will" not in draft.markdown


def test_a_huge_answer_is_not_quoted_whole_in_the_notice(settings: Settings) -> None:
    huge = "We blame your engineering team for everything. " * 60_000
    with override_chat_model(ScriptedChatModel([huge, huge])):
        draft = LLMWriter(settings).write("customer", COMPLETE)
    assert draft.engine == "offline" and draft.notice and len(draft.notice) < 500


def test_the_brief_json_says_who_wrote_it_and_why_when_the_model_failed(
    settings: Settings,
) -> None:
    from coach.drafts.writer import brief_payload
    from coach.llm.testing import unavailable

    with override_chat_model(ScriptedChatModel([unavailable()])):
        _, payload = brief_payload(COMPLETE, LLMWriter(settings))
    assert payload["engine"] == "offline"
    assert payload["notice"] and "did not answer" in payload["notice"]


# --- Exports and the CLI ---------------------------------------------------------------------


def test_eml_parses_back_as_an_unsent_message(writer: OfflineWriter, tmp_path: Path) -> None:
    draft = writer.write("customer", COMPLETE)
    path = write_eml(draft, tmp_path / "msg.eml", COMPLETE.contact)
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["To"] == "Dana Whitfield <dana.whitfield@northwind.example>"
    assert parsed["Subject"] == draft.subject and parsed["X-Unsent"] == "1"
    body = parsed.get_content().replace("\r\n", "\n")  # type: ignore[attr-defined]
    assert body.strip() == draft.body.strip()


def test_eml_omits_to_when_the_contact_is_not_an_address(writer: OfflineWriter) -> None:
    case = COMPLETE.merge({"contact": "Dana Whitfield (VP Ops)"})
    message = to_eml(writer.write("customer", case), case.contact)
    assert message["To"] is None and message["X-Unsent"] == "1"


def _coach(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from coach.cli import main; main()", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=REPO_ROOT,
        timeout=60,
    )


def test_cli_brief_json_and_drafts(tmp_path: Path) -> None:
    case_path = tmp_path / "case.json"
    case_path.write_text(CaseFile().to_json(), encoding="utf-8")
    result = _coach("brief", str(case_path), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert "Not enough is known yet" in payload["markdown"]
    assert payload["recommendation"] is None  # the same code `coach chat --json` gives
    assert {w["code"] for w in payload["warnings"]} == {
        "not_tried_yourself",
        "root_cause_unknown",
        "no_clear_ask",
        "no_plan",
    }
    assert all(set(w) == {"code", "message", "section"} for w in payload["warnings"])
    out, eml = tmp_path / "msg.md", tmp_path / "msg.eml"
    result = _coach("draft", "customer", str(case_path), "--out", str(out), "--eml", str(eml))
    assert result.returncode == 0, result.stderr
    assert "a senior colleague" in out.read_text() and eml.read_bytes().count(b"X-Unsent: 1") == 1
    only_eml = _coach("draft", "customer", str(case_path), "--eml", str(eml))
    assert only_eml.returncode == 0 and "I understand your concern" in only_eml.stdout
    assert _coach("draft", "call-prep", str(case_path), "--eml", str(eml)).returncode == 2
    assert _coach("draft", "memo", str(case_path)).returncode == 2


def test_cli_check_exit_codes(tmp_path: Path) -> None:
    clean = _coach("check", "-", stdin="I'll update you by Thursday.")
    assert clean.returncode == 0, clean.stderr
    found = _coach("check", "-", "--json", stdin="Engineering dropped the ball.")
    assert found.returncode == 1
    assert json.loads(found.stdout)[0]["quote"] == "Engineering dropped the ball"
    path = tmp_path / "msg.txt"
    path.write_text("We'll apply a 10% credit on the March invoice.", encoding="utf-8")
    assert _coach("check", str(path)).returncode == 1
    assert (
        _coach("check", str(path), "--authorised", "a 10% credit on the March invoice").returncode
        == 0
    )
    missing = _coach("check", str(tmp_path / "none.txt"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert _coach("check", str(path), "--kind", "boss").returncode == 2


def test_every_draft_template_renders(settings: Settings) -> None:
    from coach.llm.prompts import prompt_names

    names = [n for n in prompt_names(settings) if n.startswith("drafts/")]
    assert len(names) >= 8
    writer = OfflineWriter(settings)
    for kind in DRAFT_KINDS:
        for case in (CaseFile(), COMPLETE, TAINTED):
            assert writer.write(kind, case).markdown.strip()


def test_an_urgent_signal_means_escalate_now_with_the_gaps_as_first_steps() -> None:
    from coach.domain.casefile import CaseFile
    from coach.domain.verdict import verdict

    case = CaseFile(
        customer="Initech",
        problem="Says they will cancel at renewal over the reporting outage",
        signals=["cancellation_threat"],
    )
    result = verdict(case)
    assert result.code == "escalate_now"
    assert result.headline == "Escalate now; first: brief your manager."
    codes = {w.code for w in result.warnings}
    assert {"no_plan", "no_clear_ask"} <= codes  # the gaps are still warned about
    assert any("next step" in s.lower() or "plan" in s.lower() for s in result.first_steps)
    calm = verdict(case.model_copy(update={"signals": []}))
    assert calm.code == "do_not_escalate" and calm.headline.startswith("Don't escalate")


def test_cli_check_refuses_empty_text(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("coach")), "check", str(empty)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "coach: there is nothing to check: the text is empty"


def test_customer_email_says_the_trouble_not_who_the_customer_is(writer: OfflineWriter) -> None:
    """A problem that opens with who the customer is ("Acme Freight (Lyon), contact ...") still
    gives the customer their trouble, and a rep's "she told me ..." is her words, not our promise."""
    case = CaseFile.from_data(
        {
            "customer": "Acme Freight",
            "contact_name": "Odile Marchand",
            "contact_title": "Head of Fleet",
            "problem": "Acme Freight (lyon), contact Odile Marchand, Head of Fleet. She told me "
            "they'll cancel in march if the route planner keeps losing overnight jobs",
        }
    )
    body = writer.write("customer", case).body
    assert "the route planner keeps losing overnight jobs" in body
    assert "(lyon)" not in body


def test_customer_email_reads_the_notes_when_the_problem_only_names_the_customer(
    writer: OfflineWriter,
) -> None:
    case = CaseFile.from_data(
        {
            "customer": "Birchwood Dental",
            "contact_name": "Tomasz Zielinski",
            "problem": "Birchwood dental, tomasz zielinski",
            "customer_wants": "Appointment confirmations have not been sent for 5 days",
        }
    )
    body = writer.write("customer", case).body
    assert "appointment confirmations have not been sent" in body


@pytest.mark.parametrize(
    ("problem", "shown"),
    [
        ("SSO outage locked 400 warehouse staff out for two days", "SSO outage locked"),
        ("The export failed four times this week", "the export failed four times"),
        ("iOS app crashes when drivers sign in", "iOS app crashes"),
    ],
)
def test_the_issue_keeps_the_letters_of_a_name_or_acronym_it_opens_with(
    writer: OfflineWriter, problem: str, shown: str
) -> None:
    case = CaseFile.from_data(
        {"customer": "Harbor Logistics", "contact_name": "Lena Ortiz", "problem": problem}
    )
    body = writer.write("customer", case).body
    assert shown in body


def test_call_prep_carries_what_was_tried_and_who_joins(writer: OfflineWriter) -> None:
    case = COMPLETE.merge({"ask": "Call on Tuesday with their COO Henrik Berg and my VP Ama Owusu"})
    markdown = writer.write("call-prep", case).markdown
    assert "Opened ticket SUP-8812" in markdown
    assert "Henrik Berg" in markdown


def test_customer_email_never_takes_the_issue_from_notes_or_impact(writer: OfflineWriter) -> None:
    case = CaseFile.from_data(
        {
            "customer": "Larchmont Academy",
            "contact_name": "Ines Duarte",
            "problem": "Larchmont academy",
            "notes": "ines is my contact, head of student services",
            "business_impact": "issue: students got exam timetables for the wrong term, 200 "
            "complaints. Renewal is $90k.",
        }
    )
    body = writer.write("customer", case).body
    assert "head of student services" not in body
    assert "200 complaints" not in body and "90k" not in body
    wants = case.merge({"customer_wants": "exam timetables for the right term by Friday"})
    assert "exam timetables for the right term" in writer.write("customer", wants).body


def test_follow_up_plan_says_what_was_done(writer: OfflineWriter) -> None:
    markdown = writer.write("follow-up", COMPLETE).markdown
    assert "Rolled two warehouses back to the v4.1 connector" in markdown


def test_the_customer_message_names_the_trouble_before_what_the_contact_threatened() -> None:
    """ "The export failed 4 times and Raj says they will not renew if it is not fixed by Friday":
    the trouble reaches the customer message; the reported threat is no promise of ours and
    holds nothing back."""
    from coach.drafts.writer import draft_facts

    case = CaseFile(
        customer="Northwind Logistics",
        contact_name="Raj Patel",
        contact_title="Head of Operations",
        problem="Their nightly export has failed 4 times this month and Raj says they will not "
        "renew in June if it is not fixed by Friday.",
        customer_wants="They want a root cause and a fix date.",
    )
    facts = draft_facts(case)
    assert facts["issue_for_customer"] == "your nightly export has failed 4 times this month"
    assert facts["held_back"] == []


# --- Personal data in what the customer reads ------------------------------------------------

PERSONAL = COMPLETE.merge(
    {
        "contact": "Dana Whitfield <dana.whitfield@northwind.example>, mobile 0171 2345678",
        "problem": "Nightly inventory sync has failed on 9 of the last 14 nights; the retries "
        "charged card 4111 1111 1111 1111 twice and locked the admin (SSN 123-45-6789).",
        "business_impact": "$480k ARR renewal due in 60 days; billing IBAN DE89 3704 0044 0532 "
        "0130 00.",
        "notes": "between us: the admin's passport number is X1234567 and her private line is "
        "030 98765432.",
    }
)


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("For our records, the card on file is [CARD_1].", "4111 1111 1111 1111"),
        ("The admin id on file is [ID_1].", "123-45-6789"),
    ],
)
def test_a_model_customer_draft_restoring_a_card_or_an_ssn_falls_back(
    settings: Settings, line: str, value: str
) -> None:
    """The model writes "the card on file is [CARD_1]" and the writer would restore the card the
    rep typed: an internal_disclosure, the retry, then the offline draft, none carrying it."""
    leaky = GOOD_CUSTOMER.replace("Can we schedule", f"{line} Can we schedule")
    model = ScriptedChatModel([leaky, leaky])
    with override_chat_model(model):
        draft = LLMWriter(settings).write("customer", PERSONAL)
    assert line.split("[")[1].split("]")[0] in model.sent_text()  # the placeholder was sent
    assert value not in model.sent_text()
    assert "internal_disclosure" in model.requests[1][-1].text and value not in draft.notice
    assert draft.engine == "offline" and value not in draft.markdown


def test_a_model_follow_up_restoring_a_value_from_the_notes_falls_back(settings: Settings) -> None:
    """The follow-through plan may be forwarded: the passport number in the notes is not for it."""
    reference = OfflineWriter(settings).write("follow-up", PERSONAL).markdown
    leaky = reference.replace("## Commitments", "Passport on file: [ID_2].\n\n## Commitments")
    model = ScriptedChatModel([leaky, leaky])
    with override_chat_model(model):
        draft = LLMWriter(settings).write("follow-up", PERSONAL)
    assert "[ID_2]" in model.sent_text()
    assert draft.engine == "offline" and "X1234567" not in draft.markdown


def test_an_offline_customer_message_never_names_the_card_in_the_problem(
    writer: OfflineWriter,
) -> None:
    draft = writer.write("customer", PERSONAL)
    assert "4111" not in draft.body and "123-45-6789" not in draft.body
    assert draft.findings == []
    leaked = draft.model_copy(update={"body": draft.body + "\nCard: 4111 1111 1111 1111.\n"})
    from coach.drafts.writer import personal_findings

    assert [f.code for f in personal_findings("customer", leaked.body, PERSONAL)] == [
        "internal_disclosure"
    ]


def test_the_model_is_not_sent_the_notes_or_the_impact_for_a_customer_message(
    settings: Settings,
) -> None:
    """README: the customer message carries no deal figures or notes, so the model never reads
    them for it; the brief to the manager still has them."""
    model = ScriptedChatModel([GOOD_CUSTOMER])
    with override_chat_model(model):
        LLMWriter(settings).write("customer", PERSONAL)
    sent = model.sent_text()
    assert "between us" not in sent and "passport" not in sent
    assert "480k" not in sent and "IBAN" not in sent and '"notes"' not in sent
    brief = ScriptedChatModel(["Hi\n"] * 2)
    with override_chat_model(brief):
        LLMWriter(settings).write("brief", PERSONAL)
    assert "between us" in brief.sent_text() and "480k" in brief.sent_text()


def test_the_contacts_own_address_and_number_may_stand_in_the_customer_message(
    settings: Settings,
) -> None:
    """Held in the contact fields, "[EMAIL_1]" and "[PHONE_1]" are the contact's own: fine."""
    own = GOOD_CUSTOMER.replace(
        "Can we schedule", "I will write to [EMAIL_1] or call [PHONE_1]. Can we schedule"
    )
    model = ScriptedChatModel([own])
    with override_chat_model(model):
        draft = LLMWriter(settings).write("customer", PERSONAL)
    assert draft.engine == "openai" and draft.findings == [], draft.notice
    assert "dana.whitfield@northwind.example" in draft.body and "0171 2345678" in draft.body


def test_the_customer_message_drops_the_reps_mood_words_and_chat_register(
    writer: OfflineWriter,
) -> None:
    """The rep's account of a mood ("spent 10 min ranting about", "has been grumpy about") and
    chat register ("lol") are the rep's notes: the customer reads the trouble only."""
    ranting = CaseFile.from_data(
        {
            "customer": "lumen & co",
            "contact_name": "Hannah Fischer",
            "problem": "Their CMO Hannah Fischer spent 10 min ranting about the dashboard colors "
            "and the old logo lol.",
        }
    )
    body = writer.write("customer", ranting).body
    assert "the dashboard colors" in body
    assert "ranting" not in body and "lol" not in body
    grumpy = CaseFile.from_data(
        {
            "customer": "Kestrel Learning",
            "contact_name": "Ola Berg",
            "problem": "Ola has been grumpy about the LMS reports timing out every Monday, tbh.",
        }
    )
    body = writer.write("customer", grumpy).body
    assert "the LMS reports timing out every Monday" in body
    assert "grumpy" not in body and "tbh" not in body


def test_the_customer_message_never_states_a_clause_about_a_third_person(
    writer: OfflineWriter,
) -> None:
    """ "She's slow on these" is about someone else (here the rep's manager): a message to the
    contact never says it as the issue."""
    case = CaseFile.from_data(
        {
            "customer": "Solenne",
            "contact_name": "Camille Moreau",
            "problem": "She's slow on these",
        }
    )
    body = writer.write("customer", case).body
    assert "slow" not in body


@pytest.mark.parametrize(
    "line",
    [
        "I know the dashboard colors have been a sore point lol.",
        "Thanks for your patience while you were ranting about the logo.",
        "I get that you've been grumpy about the Monday reports.",
    ],
)
def test_the_reps_register_in_a_customer_draft_is_an_internal_finding(line: str) -> None:
    """A model's customer draft that carries the rep's shorthand or view of the customer's mood
    gets the audience finding, so it is shown to the rep and held back, as deal figures are."""
    from coach import guardrails

    found = [f for f in guardrails.check(line, "customer") if f.code == "internal_disclosure"]
    assert found and found[0].quote.strip() == line


@pytest.mark.parametrize(
    "line",
    [
        "We have restocked the salty snacks line for your stores.",
        "The compressor has been whining since the firmware update, and we are sending a fix.",
        "We aligned the export with the OMG SysML v2 schema.",
        "The SMH pilot starts on Monday.",
    ],
)
def test_everyday_words_and_acronyms_are_no_rep_note(line: str) -> None:
    from coach import guardrails

    assert not [f for f in guardrails.check(line, "customer") if f.code == "internal_disclosure"]


@pytest.mark.parametrize(
    ("problem", "issue"),
    [
        # the trouble told before the complaint stays
        ("The export is broken and users keep complaining about it.", "the export is broken"),
        ("Payroll has been failing since June and they are yelling about it.", "payroll has"),
        # a complaint whose object is too short to stand alone is said whole
        ("Their admins are complaining about slow SSO.", "complaining about slow SSO"),
        # an acronym is no chat register
        ("The vessel tracker rejects IMO numbers since the update.", "IMO numbers"),
        # who complained, with title and company, then where and for how long
        (
            "Their VP of Operations at Harbourline Freight, Mateus Costa, spent the whole call "
            "ranting about the route optimizer dropping stops.",
            "it: the route optimizer dropping",
        ),
        (
            "Peter yelled at me for 10 minutes about the duplicate payouts.",
            "it: the duplicate payouts",
        ),
        ("Dana was venting on Slack about the invoice errors.", "it: the invoice errors"),
    ],
)
def test_the_customer_issue_keeps_the_trouble_around_a_complaint(
    writer: OfflineWriter, problem: str, issue: str
) -> None:
    case = CaseFile.from_data(
        {"customer": "Acme", "contact_name": "Dana Smith", "problem": problem}
    )
    assert issue in writer.write("customer", case).body
