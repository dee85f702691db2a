"""The web app's handlers, called as plain functions (no server, no browser)."""

from __future__ import annotations

import json
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from coach.cli import app as cli_app
from coach.domain.casefile import CaseFile
from coach.errors import CoachError
from coach.llm.models import override_chat_model
from coach.llm.testing import ScriptedChatModel, unavailable
from coach.settings import Settings
from coach.ui import handlers, render
from coach.ui.auth import credentials, is_loopback, resolve_auth

EMAIL = handlers.EXAMPLE_EMAIL
CASE = {
    "customer": "Acme Corp",
    "contact": "Dana Smith <dana@acme.example>",
    "problem": "Three API outages this month broke their checkout",
    "customer_wants": "A fix and a credit",
    "tried": ["Opened a P1 with engineering", "Daily status updates"],
    "business_impact": "$120k renewal in 30 days",
    "ask": "Approve a service credit and join a call with their CTO",
    "proposed_next_steps": ["Call with their CTO this week", "Weekly reliability report"],
    "checklist": {"communicated_transparently": True, "manager_briefed": False},
    "signals": ["cancellation_threat"],
}


def _last(gen: Any) -> Any:
    items = list(gen)
    assert items, "the handler yielded nothing"
    return items[-1]


# --- the API functions match the CLI's JSON --------------------------------------------------


def test_api_triage_returns_what_the_cli_prints(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "email.txt"
    path.write_text(EMAIL, encoding="utf-8")
    cli = CliRunner().invoke(cli_app, ["triage", str(path), "--json"])
    assert cli.exit_code == 0, cli.output
    assert handlers.api_triage(EMAIL, settings) == json.loads(cli.output)


def test_api_brief_returns_what_the_cli_prints(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE), encoding="utf-8")
    cli = CliRunner().invoke(cli_app, ["brief", str(path), "--json"])
    assert cli.exit_code == 0, cli.output
    assert handlers.api_brief(json.dumps(CASE), settings) == json.loads(cli.output)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: handlers.api_triage("   ", s), "empty"),
        (lambda s: handlers.api_triage("x" * 200_001, s), "the limit is 200,000"),
        (lambda s: handlers.api_triage("\x00coach-too-long:312000", s), "312,000 characters"),
        (lambda s: handlers.api_brief('{"notes": "' + "x" * 200_001 + '"}', s), "the limit is"),
        (
            lambda s: handlers.api_triage(
                "From: a@b.c\nContent-Type: text/plain\n\n" + "x" * 2_000_001, s
            ),
            "2 MB",
        ),
        (lambda s: handlers.api_brief("", s), "empty"),
        (lambda s: handlers.api_brief("{not json", s), "not valid JSON"),
        (lambda s: handlers.api_brief('{"custmer": "Acme"}', s), "did you mean 'customer'"),
        (lambda s: handlers.api_chat("", "", s), "empty message"),
        (lambda s: handlers.api_chat("hello", "nope123", s), "no conversation"),
    ],
)
def test_api_bad_input_is_a_readable_coach_error(
    settings: Settings, call: Any, message: str
) -> None:
    with pytest.raises(CoachError, match=message):
        call(settings)


def test_api_chat_starts_and_continues_a_conversation(fresh_settings: Settings) -> None:
    first = handlers.api_chat(
        "Initech says they will cancel because the nightly export keeps failing.",
        "",
        fresh_settings,
    )
    assert first["recommendation"] == "escalate_now"
    assert first["case"]["customer"] == "Initech"
    assert set(first) >= {"reply", "case", "checklist_open", "recommendation", "asked",
                          "citations", "warnings", "engine", "tokens", "conversation_id"}  # fmt: skip
    second = handlers.api_chat("I already briefed my manager.", first["conversation_id"],
                               fresh_settings)  # fmt: skip
    assert second["conversation_id"] == first["conversation_id"]
    assert second["case"]["customer"] == "Initech"
    assert second["case"]["checklist"]["manager_briefed"] is True


# --- the coach tab -----------------------------------------------------------------------------


def test_chat_turn_streams_then_fills_the_panels(fresh_settings: Settings) -> None:
    session = handlers.new_session()
    views = list(handlers.chat_turn(
        "Globex threatens to cancel: the SSO outage locked out 400 users.", session, fresh_settings
    ))  # fmt: skip
    assert len(views) >= 2  # the rep's message shows at once, the reply follows
    first_history = views[0][1]
    assert first_history[0] == {"role": "user", "content": views[0][1][0]["content"]}
    box, history, new_session, notice, rec, checklist, case, passages = views[-1]
    assert box == ""  # sent: the box is cleared
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert history[1]["content"] == new_session["turn"]["reply"]
    assert new_session["turn"]["recommendation"] == "escalate_now"
    assert "Escalate now" in rec
    assert "Pre-escalation checklist" in checklist and "of 6 settled" in checklist
    assert "Globex" in case
    assert "<details" in passages and "(passage text not in the index)" not in passages
    assert new_session["known"] == [new_session["conversation_id"]]
    assert session["turn"] is None  # the caller's state is not mutated
    assert notice == ""


def test_chat_bad_input_keeps_the_text_and_says_why(settings: Settings) -> None:
    session = handlers.new_session()
    box, history, same, notice, *_ = _last(handlers.chat_turn("   ", session, settings))
    assert box == "   " and history == [] and same["conversation_id"] is None
    assert "Empty message" in notice
    too_long = "a" * 200_001
    box, _, _, notice, *_ = _last(handlers.chat_turn(too_long, session, settings))
    assert box == too_long and "the limit is 200,000" in notice


def test_failing_model_shows_a_notice_and_the_offline_answer(fresh_settings: Settings) -> None:
    session = handlers.new_session()
    with override_chat_model(ScriptedChatModel([unavailable(), unavailable(), unavailable()])):
        _, history, new_session, notice, *_ = _last(handlers.chat_turn(
            "Hooli's CTO asked to speak to my manager about the outage.", session, fresh_settings
        ))  # fmt: skip
    assert "offline engine" in notice and "Traceback" not in notice
    assert history[-1]["role"] == "assistant" and history[-1]["content"]
    assert new_session["turn"]["engine"] == "offline"


def test_unexpected_error_is_a_sentence_and_keeps_the_input(
    fresh_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    session = handlers.new_session()
    with override_chat_model(ScriptedChatModel([ValueError("boom")])):
        box, history, _, notice, *_ = _last(
            handlers.chat_turn("Acme is upset", session, fresh_settings)
        )
    assert box == "Acme is upset"
    assert history == []
    assert "Something went wrong while coaching (ValueError)" in notice
    assert "boom" not in notice  # details go to the log only
    assert "coaching failed" in caplog.text


def test_new_resume_and_listing_are_per_session(fresh_settings: Settings) -> None:
    mine = _last(handlers.chat_turn("Acme wants a 20% discount or they walk.",
                                    handlers.new_session(), fresh_settings))[2]  # fmt: skip
    theirs = _last(handlers.chat_turn("Umbrella's VP is furious about the invoice.",
                                      handlers.new_session(), fresh_settings))[2]  # fmt: skip
    ids = [cid for _, cid in handlers.conversation_choices(mine, fresh_settings, show_all=False)]
    assert ids == [mine["conversation_id"]]
    assert theirs["conversation_id"] in [
        cid for _, cid in handlers.conversation_choices(mine, fresh_settings, show_all=True)
    ]
    # Another tab's conversation cannot be resumed on a shared app.
    _, history, same, notice, *_ = handlers.resume_conversation(
        theirs["conversation_id"], mine, fresh_settings, show_all=False
    )
    assert "not available" in notice and same["conversation_id"] == mine["conversation_id"]
    fresh = handlers.new_conversation(mine, fresh_settings)
    assert fresh[1] == [] and fresh[2]["conversation_id"] is None
    assert fresh[2]["known"] == mine["known"]
    _, history, resumed, notice, _, _, case, _ = handlers.resume_conversation(
        mine["conversation_id"], fresh[2], fresh_settings, show_all=False
    )
    assert notice == ""
    assert history[0]["content"].startswith("Acme wants")
    assert resumed["turn"]["case"]["customer"] == "Acme"
    assert "Acme" in case


def test_continue_in_coach_seeds_the_email(settings: Settings) -> None:
    text, notice = handlers.seed_from_triage(handlers.new_session())
    assert text == "" and "Triage an email first" in notice
    _, _, session, _ = handlers.triage_email(EMAIL, handlers.new_session(), settings)
    text, notice = handlers.seed_from_triage(session)
    assert notice == "" and text == "Here is the customer's email:\n\n" + EMAIL


# --- triage ------------------------------------------------------------------------------------


def test_triage_card_highlights_each_signal_in_the_email(settings: Settings) -> None:
    card, reply, session, notice = handlers.triage_email(EMAIL, handlers.new_session(), settings)
    result = session["triage"]
    assert notice == ""
    assert reply == result["reply_draft"]
    assert "Escalate" in card and "Urgency: critical" in card and "tone-critical" in card
    for signal in result["signals"]:
        assert f'<mark class="sig sig-{signal["type"]}"' in card
        assert render.esc(signal["evidence"]) in card
    assert "I want to speak to your manager." in card


def test_triage_bad_input_keeps_the_card_away_and_says_why(settings: Settings) -> None:
    session = handlers.new_session()
    card, reply, same, notice = handlers.triage_email("  ", session, settings)
    assert card == "" and reply == "" and same is session
    assert "empty" in notice


def test_highlight_escapes_html_and_skips_quotes_not_in_the_text() -> None:
    text = "Hi <b>team</b>, we will cancel <script>alert(1)</script> today."
    out = render.highlight(text, [("we will cancel", "cancellation_threat"),
                                  ("not in the email", "venting")])  # fmt: skip
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.count("<mark") == 1
    assert '<mark class="sig sig-cancellation_threat"' in out


def test_upload_limits_size_and_type(tmp_path: Path) -> None:
    big = tmp_path / "big.eml"
    big.write_bytes(b"a" * (handlers.MAX_UPLOAD_BYTES + 1))
    text, notice = handlers.load_email_file(str(big), "what I typed")
    assert text == "what I typed" and "the limit is 2 MB" in notice
    pdf = tmp_path / "email.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    text, notice = handlers.load_email_file(str(pdf), "what I typed")
    assert text == "what I typed" and ".pdf" in notice and ".eml" in notice
    binary = tmp_path / "email.txt"
    binary.write_bytes(b"\x00\x01\x02")
    assert "not text" in handlers.load_email_file(str(binary), "")[1]
    as_json = tmp_path / "email.json"
    as_json.write_text(json.dumps({"body": "We will cancel."}), encoding="utf-8")
    assert handlers.load_email_file(str(as_json), "") == ("We will cancel.", "")
    as_json.write_text(json.dumps({"subject": "hi"}), encoding="utf-8")
    assert "&quot;email&quot;, &quot;text&quot;" in handlers.load_email_file(str(as_json), "")[1]
    eml = tmp_path / "email.eml"
    eml.write_text("Subject: Outage\nFrom: a@b.example\n\nWe will cancel.\n", encoding="utf-8")
    assert "We will cancel." in handlers.load_email_file(str(eml), "")[0]


def test_batch_triage_writes_jsonl_and_reports_progress(settings: Settings, tmp_path: Path) -> None:
    csv = tmp_path / "emails.csv"
    csv.write_text('id,text\n1,"We will cancel our contract."\n2,"Thanks, invoice received."\n3,\n',
                   encoding="utf-8")  # fmt: skip
    seen: list[float] = []
    out, notice = handlers.triage_batch(str(csv), "text", settings, tmp_path,
                                        lambda f, d: seen.append(f))  # fmt: skip
    assert out is not None
    rows = [json.loads(line) for line in Path(out).read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["decision"] == "escalate" and "error" in rows[2]
    assert "Triaged 3 emails" in notice and "1 skipped" in notice
    assert seen[0] == 0 and seen[-1] == 1.0
    out, notice = handlers.triage_batch(str(csv), "body", settings, tmp_path, lambda f, d: None)
    assert out is None and "mails.csv has no column &#x27;body&#x27;" in notice
    assert str(tmp_path) not in notice


# --- brief and drafts --------------------------------------------------------------------------


def test_form_round_trip_and_bad_values() -> None:
    values = handlers.case_to_form(CASE)
    assert len(values) == len(handlers.FORM_FIELDS)
    case = handlers.form_to_case(values)
    assert case == CaseFile.model_validate(CASE)
    form = dict(zip(handlers.FORM_FIELDS, values, strict=True))
    form["days_open"] = -3
    with pytest.raises(CoachError, match="days open"):
        handlers.form_to_case(list(form.values()))
    form["days_open"] = None
    form["customer"] = "x" * 20_001
    with pytest.raises(CoachError, match="customer"):
        handlers.form_to_case(list(form.values()))


def test_current_case_prefers_the_conversation_then_the_triage(settings: Settings) -> None:
    assert handlers.current_case(handlers.new_session()) is None
    _, _, session, _ = handlers.triage_email(EMAIL, handlers.new_session(), settings)
    from_triage = handlers.current_case(session)
    assert from_triage is not None and "cancellation_threat" in from_triage["signals"]
    session["turn"] = {"case": {"customer": "Acme"}}
    assert handlers.current_case(session) == {"customer": "Acme"}


def test_write_drafts_shows_warnings_findings_and_writes_downloads(
    settings: Settings, tmp_path: Path
) -> None:
    out = handlers.write_drafts(handlers.case_to_form(CASE), settings, tmp_path)
    view = dict(zip(handlers.DRAFT_OUTPUTS, out, strict=True))
    assert "manager not briefed" in view["readiness"]  # manager_briefed is False
    assert "Situation" in view["brief"] and "Acme Corp" in view["brief"]
    assert (
        "Guardrails" in view["customer_findings"] or "coach-findings" in view["customer_findings"]
    )
    md = Path(view["download_md"]).read_text(encoding="utf-8")
    assert md == view["brief"]
    eml = message_from_bytes(Path(view["download_eml"]).read_bytes())
    assert eml["To"] == "Dana Smith <dana@acme.example>" and eml["X-Unsent"] == "1"
    assert "Brief" in Path(view["download_all"]).read_text(encoding="utf-8")
    assert view["notice"] == ""


def test_write_drafts_reports_guardrail_findings(settings: Settings, tmp_path: Path) -> None:
    case = {**CASE, "notes": "We guarantee a full refund by Friday."}
    view = dict(zip(handlers.DRAFT_OUTPUTS,
                    handlers.write_drafts(handlers.case_to_form(case), settings, tmp_path),
                    strict=True))  # fmt: skip
    assert view["brief"]  # the unsafe note never reaches a draft, the drafts still come
    empty = handlers.write_drafts(handlers.case_to_form({}), settings, tmp_path)
    assert empty[0] == "" and empty[9] is None
    assert "fill in at least the customer" in empty[-1].lower()


def test_findings_render_quote_message_and_gotcha() -> None:
    html = render.findings([{"code": "over_promise", "quote": "we guarantee <it>",
                             "message": "not authorised", "gotcha": "Gotchas > Don't promise"}])  # fmt: skip
    assert "over promise" in html and "we guarantee &lt;it&gt;" in html and "Gotchas" in html


# --- evals -------------------------------------------------------------------------------------


def test_eval_view_without_a_report_says_how_to_get_one(
    fresh_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(handlers, "REPO_ROOT", tmp_path)
    status, summary, metrics, chart, download = handlers.eval_view(fresh_settings)
    assert "No eval report yet" in status and summary == [] and metrics == []
    assert download is None
    assert "No eval history yet" in chart


def test_run_offline_evals_writes_the_report_and_the_chart(
    fresh_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from coach.evals import runner

    monkeypatch.setattr(runner, "SUITES", {"retrieval": "coach.evals.retrieval:run",
                                            "missing": "coach.evals.missing:run"})  # fmt: skip
    steps: list[tuple[float, str]] = []
    report = handlers.run_offline_evals(fresh_settings, lambda f, d: steps.append((f, d)))
    assert [s.name for s in report.suites] == ["retrieval", "missing"]
    assert report.suites[1].status == "skipped"
    assert steps[0][0] == 0 and "retrieval" in steps[0][1] and steps[-1][0] == 1.0
    assert "left" in steps[0][1]  # a time estimate on the one bar
    assert (handlers.report_dir(fresh_settings) / "report.json").is_file()
    status, summary, metrics, chart, download = handlers.eval_view(fresh_settings)
    assert "Last run" in status and "gates held" in status
    assert download is not None and Path(download).read_text().startswith("#")
    assert summary[0][:2] == ["retrieval", "PASS" if report.suites[0].passed else "FAIL"]
    assert any(row[1] == "hybrid_recall@3" and row[3] == ">= 0.95" for row in metrics)
    assert "Retrieval recall@3" in chart and "<circle" in chart


def test_metric_chart_draws_a_line_per_metric() -> None:
    chart = render.metric_chart(
        ["a", "b", "c"], {"Accuracy": [0.5, None, 0.9], "Recall": [1, 1, 1]}
    )
    assert chart.count("<polyline") == 2 and chart.count("<circle") == 5
    assert "Accuracy <b>0.900</b>" in chart


# --- auth --------------------------------------------------------------------------------------


def test_loopback_needs_no_login_other_hosts_do(tmp_path: Path) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    assert resolve_auth("127.0.0.1", no_auth=False) is None
    with pytest.raises(CoachError, match="COACH_AUTH=user:password"):
        resolve_auth("0.0.0.0", no_auth=False)
    assert resolve_auth("0.0.0.0", no_auth=True) is None
    assert resolve_auth("0.0.0.0", False, auth="rep:s3cret") == [("rep", "s3cret")]
    users = tmp_path / "users"
    users.write_text("# team\nana:pw:with:colons\n\nben:pw2\n", encoding="utf-8")
    assert credentials(auth="", auth_file=str(users)) == [("ana", "pw:with:colons"), ("ben", "pw2")]
    users.write_text("nocolon\n", encoding="utf-8")
    with pytest.raises(CoachError, match="user:password"):
        credentials(auth="", auth_file=str(users))
    with pytest.raises(CoachError, match="does not exist"):
        credentials(auth="", auth_file=str(tmp_path / "missing"))


def test_main_refuses_an_open_host_without_login(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from coach.ui.app import main

    monkeypatch.delenv("COACH_AUTH_FILE", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["--host", "0.0.0.0", "--port", "7999"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("coach: serving on 0.0.0.0") and "Traceback" not in err


def test_mode_banner_says_how_to_switch_and_shows_no_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from coach.llm.models import describe_model
    from coach.settings import get_settings

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-123")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://user:pw@127.0.0.1:9/v1?key=abc")
    settings = get_settings()
    html = render.mode_banner(describe_model(settings), "model")
    assert "sk-test-secret-123" not in html and "pw@" not in html and "key=abc" not in html
    assert "COACH_ENGINE=offline" in html and "OPENAI_API_KEY" in html


def test_who_is_asking_and_who_may_see_the_evals(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from coach.ui.handlers import is_admin, owner_of, who_html

    plain = Settings(data_dir=tmp_path)  # type: ignore[call-arg]
    proxied = Settings(data_dir=tmp_path, COACH_TRUSTED_USER_HEADER="X-Forwarded-User",  # type: ignore[call-arg]
                       COACH_ADMINS="lead, ops")  # fmt: skip
    signed = SimpleNamespace(username="ana", headers={"x-forwarded-user": "mallory"})
    anonymous = SimpleNamespace(username=None, headers={"x-forwarded-user": "ben"})
    # The header is honoured only when the operator names it: otherwise anyone could send it.
    assert owner_of(signed, plain) == "ana" and owner_of(anonymous, plain) == "local"
    assert owner_of(anonymous, proxied) == "ben" and owner_of(None, proxied) == "local"
    assert is_admin("local", plain) and not is_admin("ana", plain)
    assert is_admin("ops", proxied) and not is_admin("ben", proxied)
    assert "Sign out" in who_html("ana", signed_in=True) and who_html("local", False) == ""
    assert "&lt;b&gt;" in who_html("<b>", signed_in=False)


def test_no_login_or_proxied_user_takes_the_command_lines_own_name(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from coach.ui.handlers import is_admin, owner_of

    users = tmp_path / "users"
    users.write_text("alice:pw1\nlocal:pw3\n", encoding="utf-8")
    with pytest.raises(CoachError, match="reserved"):
        credentials(auth="", auth_file=str(users))
    with pytest.raises(CoachError, match="reserved"):
        credentials(auth="Local:pw", auth_file="")
    # A login or a proxy's user called "local" is somebody: never the CLI's own conversations,
    # never the maintainer.
    proxied = Settings(data_dir=tmp_path, COACH_TRUSTED_USER_HEADER="X-Forwarded-User")  # type: ignore[call-arg]
    for request, settings in (
        (SimpleNamespace(username="local", headers={}), Settings(data_dir=tmp_path)),  # type: ignore[call-arg]
        (SimpleNamespace(username=None, headers={"x-forwarded-user": "local"}), proxied),
    ):
        owner = owner_of(request, settings)
        assert owner != "local" and not is_admin(owner, settings)


def test_logins_are_rate_limited() -> None:
    from coach.ui.auth import LOCK_SECONDS, MAX_FAILURES, gradio_auth

    t = [0.0]
    check = gradio_auth([("ana", "right-password")], clock=lambda: t[0])
    assert check("ana", "right-password")  # type: ignore[operator]
    for _ in range(MAX_FAILURES):
        assert not check("ana", "guess")  # type: ignore[operator]
    assert not check("ana", "right-password")  # type: ignore[operator]  # locked
    t[0] += LOCK_SECONDS + 1
    assert check("ana", "right-password")  # type: ignore[operator]


@pytest.mark.parametrize("stored", ["memory", "database"])
def test_wrong_passwords_lock_a_login_only_for_the_address_they_came_from(
    tmp_path: Path, stored: str
) -> None:
    """Five wrong passwords from one address lock the login for that address; the real user
    elsewhere still signs in. Fifty from many addresses within the hour lock it everywhere."""
    from coach.ui.auth import (
        LOGIN_LOCK_SECONDS,
        MAX_FAILURES,
        MAX_LOGIN_FAILURES,
        gradio_auth,
        signing_in_from,
    )

    t = [0.0]
    settings = Settings(data_dir=tmp_path) if stored == "database" else None  # type: ignore[call-arg]
    check: Any = gradio_auth([("ana", "right-password")], clock=lambda: t[0], settings=settings)
    with signing_in_from("203.0.113.9"):
        for _ in range(MAX_FAILURES):
            assert not check("ana", "guess")
        assert not check("ana", "right-password")  # locked for the attacker's address
    with signing_in_from("198.51.100.7"):
        assert check("ana", "right-password")  # not for the real user's
    for i in range((MAX_LOGIN_FAILURES - MAX_FAILURES) // MAX_FAILURES):
        with signing_in_from(f"203.0.113.{100 + i}"):
            for _ in range(MAX_FAILURES):
                assert not check("ana", "guess")
    with signing_in_from("198.51.100.7"):
        assert not check("ana", "right-password")  # fifty in the hour: locked everywhere
        t[0] += LOGIN_LOCK_SECONDS + 1
        assert check("ana", "right-password")


def test_failed_sign_ins_of_an_older_store_gain_their_address_column(tmp_path: Path) -> None:
    import sqlite3

    from coach.storage import database, sqlite_path

    settings = Settings(data_dir=tmp_path)  # type: ignore[call-arg]
    sqlite_path(settings).parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(sqlite_path(settings)) as conn:
        conn.execute("CREATE TABLE coach_login_failures (login TEXT, at DOUBLE PRECISION)")
        conn.execute("INSERT INTO coach_login_failures VALUES ('ana', 1.0)")
    with database(settings).connect() as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(coach_login_failures)")}
    assert "client" in columns


def test_trusted_proxies_are_addresses_or_networks() -> None:
    from coach.errors import CoachError
    from coach.settings import get_settings

    assert get_settings().trusted_proxies == ""
    proxies = get_settings(trusted_proxies=" 127.0.0.1, 10.0.0.0/8 ,::1").trusted_proxies
    assert proxies == "127.0.0.1,10.0.0.0/8,::1"
    with pytest.raises(CoachError, match="COACH_TRUSTED_PROXIES"):
        get_settings(trusted_proxies="*")


def test_a_user_header_without_a_trusted_proxy_refuses_to_serve(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Checked before anything else: `--port 0` would be the next complaint."""
    from coach.ui.app import main

    monkeypatch.setenv("COACH_TRUSTED_USER_HEADER", "X-Forwarded-User")
    with pytest.raises(SystemExit) as refused:
        main(["--port", "0"])
    err = capsys.readouterr().err.strip()
    assert refused.value.code == 2 and len(err.splitlines()) == 1
    assert "set COACH_TRUSTED_PROXIES to the address of the proxy" in err
    monkeypatch.setenv("COACH_TRUSTED_PROXIES", "127.0.0.1")
    with pytest.raises(SystemExit):
        main(["--port", "0"])
    assert "--port 0 is not a port number" in capsys.readouterr().err


def _through(proxies: str, peer: str, headers: dict[str, str]) -> dict[str, Any]:
    """The scope TrustedProxies hands on for one request from `peer`."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from coach.ui.auth import TrustedProxies

    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.update(scope, headers={k.decode(): v.decode() for k, v in scope["headers"]})

    scope = {"type": "http", "scheme": "http", "client": (peer, 5000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}  # fmt: skip
    middleware = TrustedProxies(app, proxies=proxies, user_header="X-Forwarded-User")
    # On a thread of its own: a test before this one may leave an event loop running on this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, middleware(scope, None, None)).result()
    return seen


def test_only_a_trusted_proxy_names_the_user_and_the_client() -> None:
    sent = {"X-Forwarded-User": "mallory", "X-Forwarded-For": "203.0.113.9, 198.51.100.7",
            "X-Forwarded-Proto": "https", "Accept": "text/html"}  # fmt: skip
    direct = _through("", "127.0.0.1", sent)
    assert direct["client"] == ("127.0.0.1", 5000) and direct["scheme"] == "http"
    assert direct["headers"] == {"x-forwarded-proto": "https", "accept": "text/html"}
    other = _through("10.0.0.0/8", "192.0.2.1", sent)
    assert "x-forwarded-user" not in other["headers"] and other["client"][0] == "192.0.2.1"
    proxied = _through("10.0.0.0/8, ::1", "10.1.2.3", sent)
    assert proxied["client"][0] == "198.51.100.7" and proxied["scheme"] == "https"
    assert proxied["headers"]["x-forwarded-user"] == "mallory"

    # A second proxy hop, ports and IPv6 forms, an IPv4 peer on a dual-stack socket.
    def client(proxies: str, peer: str, forwarded: str) -> str:
        return str(_through(proxies, peer, {"X-Forwarded-For": forwarded})["client"][0])

    hops = "[2001:db8::5]:443, 198.51.100.7:8080, 10.9.9.9"
    assert client("10.0.0.0/8", "10.1.2.3", hops) == "198.51.100.7"
    assert client("::1", "::1", "[2001:db8::5]:443") == "2001:db8::5"
    assert client("10.0.0.0/8", "::ffff:10.1.2.3", "203.0.113.9") == "203.0.113.9"
    # Every address trusted: the client is itself a proxy, and the left-most counts.
    assert client("10.0.0.0/8", "10.1.2.3", "10.0.0.8, 10.9.9.9") == "10.0.0.8"
