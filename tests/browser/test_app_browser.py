"""A rep's first minutes with the page, in a real Chromium: chat, triage, brief and download."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from coach.domain import signals as table
from coach.settings import REPO_ROOT

DOWNLOADS = REPO_ROOT / "test-artifacts" / "downloads"
Shots = Any

SITUATION = (
    "Acme Corp says they'll cancel their renewal next month: three API outages this month "
    "broke their checkout. What should I do?"
)
EMAIL = (
    "Hi Sam,\n\nThis is the third outage this month and our checkout was down for four hours. "
    "If this is not fixed by Friday we will cancel our contract and move to a competitor. "
    "I want to speak to your manager.\n\nDana Smith\nHead of Operations, Acme Corp"
)
TIMEOUT = 30_000
# The pre-escalation checklist's topics, as a coach's question words them.
CHECKLIST_WORDS = re.compile(
    r"tried|resolve|root cause|communicated|told the customer|ask|need from leadership|"
    r"right time|too early|too late|briefed|manager",
    re.IGNORECASE,
)


def _bot(page: Page) -> Any:
    return page.locator('#coach-chat [data-testid="bot"]')


def _paste(page: Page, selector: str, text: str) -> None:
    """Put a long text in a box as one paste does (typing 300k characters takes minutes)."""
    page.locator(selector).evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", text
    )


def _send(page: Page, text: str) -> None:
    page.locator("#coach-input textarea").fill(text)
    page.locator("#coach-input textarea").press("Enter")


def test_first_time_user_gets_a_reply_with_a_checklist_question(
    page: Page, app_url: str, shots: Shots, outbound: list[str]
) -> None:
    page.goto(app_url)
    expect(page.get_by_text("Tell me what's going on")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Mode: offline")).to_be_visible()
    expect(page.get_by_text("Not sure how to start? Try one")).to_be_visible()
    shots(page, "empty-page")

    _send(page, SITUATION)
    reply = _bot(page).last
    expect(reply).to_contain_text("?", timeout=TIMEOUT)
    expect(page.locator("#coach-input textarea")).to_have_value("")
    text = reply.inner_text()
    questions = re.findall(r"[^.?!:\n]+\?", text)
    assert any(CHECKLIST_WORDS.search(q) for q in questions), f"no checklist question: {text!r}"
    side = page.locator(".coach-side")
    expect(side).to_contain_text("Escalate now")
    expect(side).to_contain_text("Acme")
    expect(side).to_contain_text("of 6 settled")
    side.locator(
        "summary", has_text="When to Escalate > Escalate If"
    ).first.click()  # a passage opens
    expect(side.locator("details[open] .coach-passage").first).to_be_visible()
    shots(page, "reply-with-question")

    _send(page, "I tried a workaround with support and told them honestly what went wrong.")
    expect(_bot(page)).to_have_count(2, timeout=TIMEOUT)
    expect(side.locator(".check-yes").first).to_be_visible(timeout=TIMEOUT)
    shots(page, "second-turn-checklist-progress")
    assert outbound == [], f"the page called out to {outbound}"


def test_bad_chat_input_shows_a_notice_and_keeps_the_text(page: Page, app_url: str,
                                                          shots: Shots) -> None:  # fmt: skip
    page.goto(app_url)
    page.locator("#coach-input textarea").fill("   ")
    page.locator("#coach-input textarea").press("Enter")
    expect(page.locator(".coach-notice")).to_contain_text("Empty", timeout=TIMEOUT)
    long_text = "a" * 200_001
    _paste(page, "#coach-input textarea", long_text)
    page.locator("#coach-input textarea").press("Enter")
    expect(page.locator(".coach-notice")).to_contain_text("the limit is", timeout=TIMEOUT)
    expect(page.locator("#coach-input textarea")).to_have_value(long_text)
    expect(_bot(page)).to_have_count(0)
    shots(page, "notice")


def test_pasted_email_shows_the_triage_card_with_highlighted_evidence(
    page: Page, app_url: str, shots: Shots, outbound: list[str]
) -> None:
    page.goto(app_url)
    page.get_by_role("tab", name="Triage").click()
    page.locator("#triage-email textarea").fill(EMAIL)
    shots(page, "pasted")
    page.locator("#triage-btn").click()
    card = page.locator("#triage-card")
    expect(card).to_contain_text("Escalate", timeout=TIMEOUT)
    expect(card).to_contain_text("Urgency: critical")
    marks = card.locator("mark.sig")
    expect(marks.first).to_be_visible()
    assert marks.count() >= 2
    for i in range(marks.count()):
        quote = marks.nth(i).evaluate("m => m.firstChild.textContent")
        assert quote and quote in EMAIL, f"highlight {quote!r} is not verbatim in the email"
    expect(card.locator("mark.sig-cancellation_threat")).to_contain_text("we will cancel")
    expect(page.locator("#triage-reply textarea")).not_to_have_value("")
    shots(page, "triage-card")

    page.get_by_role("button", name=re.compile("Continue in the coach")).click()
    expect(_bot(page).last).to_be_visible(timeout=TIMEOUT)
    threat = table.label("cancellation_threat")
    expect(page.locator(".coach-side")).to_contain_text(threat, timeout=TIMEOUT)
    shots(page, "continued-in-coach")
    assert outbound == [], f"the page called out to {outbound}"


def test_brief_is_prefilled_from_the_conversation_and_downloads(
    page: Page, app_url: str, shots: Shots
) -> None:
    page.goto(app_url)
    _send(page, SITUATION)
    expect(_bot(page).last).to_contain_text("?", timeout=TIMEOUT)
    page.get_by_role("tab", name="Brief").click()
    expect(page.locator("#case-customer input, #case-customer textarea").first).to_have_value(
        re.compile("Acme"), timeout=TIMEOUT
    )
    shots(page, "prefilled-form")
    page.locator("#case-problem textarea").fill("Three API outages this month broke checkout")
    page.locator("#brief-write").click()
    expect(page.locator("#draft-brief")).to_contain_text("Situation", timeout=TIMEOUT)
    # The brief's badge is the one verdict, in the same words as the coach's status.
    expect(
        page.get_by_text(re.compile("^(Escalate now|Not yet|Don't escalate)$"))
    ).not_to_have_count(0)
    shots(page, "brief-written")

    with page.expect_download(timeout=TIMEOUT) as info:
        page.locator("#dl-brief").click()
    download = info.value
    assert download.suggested_filename == "escalation-brief.md"
    target = DOWNLOADS / download.suggested_filename
    download.save_as(target)
    text = Path(target).read_text(encoding="utf-8")
    assert "Acme" in text and "Situation" in text
    with page.expect_download(timeout=TIMEOUT) as info:
        page.locator("#dl-eml").click()
    assert info.value.suggested_filename == "customer-message.eml"
    shots(page, "downloaded")


def test_two_browsers_never_see_each_others_case(browser: Browser, app_url: str,
                                                shots: Shots) -> None:  # fmt: skip
    first, second = browser.new_context(), browser.new_context()
    try:
        a, b = first.new_page(), second.new_page()
        a.goto(app_url)
        b.goto(app_url)
        _send(a, "Globex is threatening to cancel over the SSO outage.")
        _send(b, "Umbrella's VP wants my manager on a call about billing errors.")
        expect(a.locator(".coach-side")).to_contain_text("Globex", timeout=TIMEOUT)
        expect(b.locator(".coach-side")).to_contain_text("Umbrella", timeout=TIMEOUT)
        for page, other in ((a, "Umbrella"), (b, "Globex")):
            expect(page.locator("body")).not_to_contain_text(other)
            page.get_by_text("Past conversations").click()
        shots(a, "browser-a")
        shots(b, "browser-b")
    finally:
        first.close()
        second.close()


def test_a_refresh_returns_to_the_open_conversation(page: Page, app_url: str) -> None:
    page.goto(app_url)
    _send(page, "Initech is threatening to cancel over three SSO outages this month.")
    expect(page.locator(".coach-side")).to_contain_text("Initech", timeout=TIMEOUT)
    # The page stores which conversation is open after the turn (the list of past conversations
    # is refreshed first, then the id is remembered): wait for both before reloading.
    page.get_by_text("Past conversations").click()
    expect(page.get_by_text("Initech", exact=False).first).to_be_visible(timeout=TIMEOUT)
    page.wait_for_timeout(2000)
    page.reload()
    expect(_bot(page)).to_have_count(1, timeout=TIMEOUT)
    expect(page.locator("#coach-chat")).to_contain_text("SSO outages")
    expect(page.locator(".coach-side")).to_contain_text("Initech", timeout=TIMEOUT)


@pytest.fixture(scope="module")
def login_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with two logins, as a team serves it."""
    from coach.settings import Settings
    from coach.ui.app import build_app, launch

    data = tmp_path_factory.mktemp("browser-login-data")
    settings = Settings(data_dir=data, knowledge_dir=REPO_ROOT / "knowledge")  # type: ignore[call-arg]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    demo = build_app(settings, private=False)
    launch(demo, "127.0.0.1", port, [("ana", "pass-ana-1"), ("ben", "pass-ben-1")],
           prevent_thread_lock=True, quiet=True)  # fmt: skip
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def _sign_in(page: Page, url: str, user: str, password: str) -> None:
    page.goto(url)
    page.get_by_label(re.compile("username", re.IGNORECASE)).fill(user)
    page.get_by_label(re.compile("password", re.IGNORECASE)).fill(password)
    page.get_by_role("button", name=re.compile("login", re.IGNORECASE)).click()
    expect(page.locator("#coach-input textarea")).to_be_visible(timeout=TIMEOUT)


def test_signed_in_reps_keep_their_case_and_never_see_anothers(
    browser: Browser, login_url: str, shots: Shots
) -> None:
    ana_context, ben_context = browser.new_context(), browser.new_context()
    try:
        ana = ana_context.new_page()
        _sign_in(ana, login_url, "ana", "pass-ana-1")
        expect(ana.locator("body")).to_contain_text("ana", timeout=TIMEOUT)  # who is signed in
        _send(ana, "Vandelay Industries is threatening to cancel over the failed data migration.")
        expect(ana.locator(".coach-side")).to_contain_text("Vandelay", timeout=TIMEOUT)
        ana.get_by_text("Past conversations").click()
        expect(ana.get_by_text("Vandelay", exact=False).first).to_be_visible(timeout=TIMEOUT)
        ana.wait_for_timeout(2000)
        ana.reload()
        expect(ana.locator(".coach-side")).to_contain_text("Vandelay", timeout=TIMEOUT)
        expect(ana.locator("#coach-chat")).to_contain_text("data migration")

        ben = ben_context.new_page()
        _sign_in(ben, login_url, "ben", "pass-ben-1")
        ben.get_by_text("Past conversations").click()
        ben.wait_for_timeout(1500)
        expect(ben.locator("body")).not_to_contain_text("Vandelay")
        shots(ana, "signed-in-ana")
        shots(ben, "signed-in-ben")
    finally:
        ana_context.close()
        ben_context.close()


def test_one_size_limit_is_checked_in_the_browser(page: Page, app_url: str) -> None:
    """A 300k paste is refused before upload with a readable notice and stays in the box; a 150k
    thread goes through, in the Coach and in Triage."""
    from coach.textio import MAX_TEXT_CHARS

    thread = "\n\n".join([EMAIL] * (150_000 // len(EMAIL)))
    huge = thread * 2
    assert len(thread) < MAX_TEXT_CHARS < len(huge)
    page.goto(app_url)
    _paste(page, "#coach-input textarea", huge)
    page.locator("#coach-input textarea").press("Enter")
    notice = page.locator("#coach-notice")
    expect(notice).to_contain_text("the limit is 200,000", timeout=TIMEOUT)
    assert len(page.locator("#coach-input textarea").input_value()) == len(huge)
    expect(_bot(page)).to_have_count(0)
    _paste(page, "#coach-input textarea", thread)
    page.locator("#coach-input textarea").press("Enter")
    expect(_bot(page)).to_have_count(1, timeout=60_000)

    page.get_by_role("tab", name="Triage").click()
    _paste(page, "#triage-email textarea", huge)
    page.locator("#triage-btn").click()
    expect(page.locator("#triage-notice")).to_contain_text("the limit is 200,000", timeout=TIMEOUT)
    assert len(page.locator("#triage-email textarea").input_value()) == len(huge)
    _paste(page, "#triage-email textarea", thread)
    page.locator("#triage-btn").click()
    expect(page.locator("#triage-card")).to_contain_text("ESCALATE", ignore_case=True,
                                                        timeout=60_000)  # fmt: skip


WIDTH_JS = "() => document.documentElement.scrollWidth"


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1440, 900)])
def test_layouts_fit_the_phone_and_the_desktop(
    browser: Browser, app_url: str, shots: Shots, width: int, height: int
) -> None:
    """No tab overflows sideways; on the phone the triage decision is on the first screen; on
    the desktop the chat and the case sit side by side."""
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(app_url)
        expect(page.locator("#coach-input textarea")).to_be_visible(timeout=TIMEOUT)
        for tab in ("Coach", "Triage", "Brief", "Evals"):
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(500)
            assert page.evaluate(WIDTH_JS) <= width, f"{tab} overflows at {width} px"
            shots(page, f"{tab.lower()}-{width}")
        page.get_by_role("tab", name="Coach").click()
        chat = page.locator("#coach-chat").bounding_box()
        side = page.locator(".coach-side").bounding_box()
        assert chat and side
        if width >= 1200:
            assert side["x"] >= chat["x"] + chat["width"] - 1  # side by side
        page.get_by_role("tab", name="Triage").click()
        _paste(page, "#triage-email textarea", EMAIL)
        page.locator("#triage-btn").click()
        badge = page.locator("#triage-card .coach-badge").first
        expect(badge).to_be_visible(timeout=TIMEOUT)
        page.wait_for_timeout(800)
        box = badge.bounding_box()
        assert box and box["y"] + box["height"] <= height, f"decision at y={box and box['y']}"
        assert page.evaluate(WIDTH_JS) <= width
        shots(page, f"triage-result-{width}")
    finally:
        context.close()
