"""The OpenAI-compatible path against a real server (llama.cpp's, SmolLM2-135M on loopback).

The model is far too small to judge answers; these tests prove the wiring a user with Ollama,
vLLM or LM Studio relies on: invoke, streaming, bounded output, structured output, timeouts,
retries, and falling back to the offline engine when the server goes away.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessageChunk, HumanMessage, SystemMessage
from langchain_core.tools import tool
from pydantic import BaseModel, Field

from coach.llm.budget import usage_report
from coach.llm.models import (
    CoachChatOpenAI,
    FallbackNotice,
    build_chat_model,
    call_with_fallback,
    describe_model,
    invoke_structured,
    stream_with_fallback,
)
from coach.settings import Settings

pytestmark = pytest.mark.live

LONG_PROMPT = "Write a very long, detailed story about a customer escalation, in many chapters."


class EmailTriage(BaseModel):
    """Triage of one customer email."""

    urgency: Literal["low", "medium", "high"] = Field(description="How urgent the email is")
    summary: str = Field(description="One sentence summary of the email")


def test_invoke_reaches_the_server(live_settings: Settings) -> None:
    model = build_chat_model(live_settings, streaming=False)
    assert isinstance(model, CoachChatOpenAI)
    answer = model.invoke([HumanMessage("Say hello to the customer.")])
    assert answer.text.strip()
    assert answer.response_metadata["model_name"] == "smollm2"
    assert answer.usage_metadata and answer.usage_metadata["output_tokens"] > 0
    assert "smollm2" in describe_model(live_settings)


def test_streaming_delivers_several_chunks(live_settings: Settings) -> None:
    model = build_chat_model(live_settings, max_output_tokens=32)
    start = time.perf_counter()
    chunks = [c for c in model.stream([HumanMessage(LONG_PROMPT)]) if c.text]
    elapsed = time.perf_counter() - start
    assert len(chunks) >= 5
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    assert len("".join(c.text for c in chunks)) > 20
    assert elapsed < 10


@pytest.mark.parametrize("streaming", [False, True])
def test_output_is_bounded_on_a_server_that_ignores_max_completion_tokens(
    live_settings: Settings, streaming: bool
) -> None:
    model = build_chat_model(live_settings, streaming=streaming, max_output_tokens=16)
    start = time.perf_counter()
    if streaming:
        chunks = list(model.stream([HumanMessage(LONG_PROMPT)]))
        text = "".join(c.text for c in chunks)
        finish = next(
            c.response_metadata["finish_reason"]
            for c in chunks
            if c.response_metadata.get("finish_reason")
        )
        assert sum(1 for c in chunks if c.text) <= 16
    else:
        answer = model.invoke([HumanMessage(LONG_PROMPT)])
        text, finish = answer.text, answer.response_metadata["finish_reason"]
        assert answer.usage_metadata and answer.usage_metadata["output_tokens"] == 16
    elapsed = time.perf_counter() - start
    assert finish == "length"  # cut by our limit, not the end of the story
    assert text.strip()
    assert elapsed < 5.0, f"bounded answer took {elapsed:.1f} s"


def test_structured_output_through_a_forced_tool_call(
    live_settings_for: Callable[..., Settings], live_server: str
) -> None:
    # Room for a rambling summary: a string cut off at the limit is invalid JSON (about 1 call
    # in 30 at 96 tokens; the one repair then usually fixes it).
    settings = live_settings_for(live_server, COACH_MAX_OUTPUT_TOKENS=160)
    messages = [
        SystemMessage("You triage customer emails for an account team."),
        HumanMessage("Email: 'We will cancel our contract tomorrow if this outage is not fixed!'"),
    ]
    start = time.perf_counter()
    result = invoke_structured(messages, EmailTriage, settings)
    assert isinstance(result, EmailTriage)
    assert result.urgency in ("low", "medium", "high")
    assert time.perf_counter() - start < 20


def test_a_tiny_timeout_falls_back_cleanly(
    live_settings_for: Callable[..., Settings], live_server: str
) -> None:
    settings = live_settings_for(
        live_server, COACH_REQUEST_TIMEOUT=0.05, COACH_MAX_RETRIES=0, COACH_MAX_OUTPUT_TOKENS=48
    )
    model = build_chat_model(settings, streaming=False)
    start = time.perf_counter()
    outcome = call_with_fallback(
        lambda: model.invoke([HumanMessage(LONG_PROMPT)]).text, lambda: "offline answer"
    )
    elapsed = time.perf_counter() - start
    assert outcome.value == "offline answer"
    assert outcome.notice is not None and "timed out" in outcome.notice
    assert elapsed < 2.0


def test_retries_a_busy_server_then_gets_the_real_answer(
    flaky_proxy: Callable[..., Any], live_settings_for: Callable[..., Settings]
) -> None:
    with flaky_proxy(failures=2, status=503) as proxy:
        model = build_chat_model(live_settings_for(proxy.base_url), streaming=False)
        answer = model.invoke([HumanMessage("Say hello.")])
    assert proxy.statuses == [503, 503, 200]
    assert answer.text.strip() and answer.response_metadata["model_name"] == "smollm2"


def test_falls_back_to_offline_when_the_server_stops_mid_conversation(
    start_live_server: Callable[[], Any], live_settings_for: Callable[..., Settings]
) -> None:
    server = start_live_server()
    settings = live_settings_for(server.base_url, COACH_MAX_OUTPUT_TOKENS=24)
    history: list[Any] = [SystemMessage("You coach account executives.")]
    offline_inputs: list[str] = []

    def turn(text: str) -> list[str | FallbackNotice]:
        history.append(HumanMessage(text))
        model = build_chat_model(settings)

        def offline() -> list[str]:
            offline_inputs.append(history[-1].text)
            return ["Offline coach: brief your manager first."]

        return list(stream_with_fallback(lambda: (c.text for c in model.stream(history)), offline))

    first = turn("Acme is angry about the outage.")
    assert first and not any(isinstance(p, FallbackNotice) for p in first)

    server.process.kill()
    server.process.wait(timeout=10)
    start = time.perf_counter()
    second = turn("They threaten to cancel. What now?")
    elapsed = time.perf_counter() - start

    notices = [p for p in second if isinstance(p, FallbackNotice)]
    assert len(notices) == 1 and "server unreachable" in notices[0].text
    assert second[-1] == "Offline coach: brief your manager first."
    assert offline_inputs == ["They threaten to cancel. What now?"]
    assert elapsed < 10  # two retries with backoff, then the offline answer


@tool
def search_playbook(query: str) -> str:
    """Search the escalation playbook for guidance."""
    return "Brief your manager before you escalate."


def test_agent_graph_streams_through_the_real_server(live_settings: Settings) -> None:
    agent = create_agent(
        build_chat_model(live_settings, max_output_tokens=32),
        tools=[search_playbook],
        system_prompt="You coach account executives through customer escalations.",
    )
    chunks = [
        chunk
        for chunk, _meta in agent.stream(
            {"messages": [HumanMessage("The customer is furious. What should I do?")]},
            stream_mode="messages",
        )
        if isinstance(chunk, AIMessageChunk)
    ]
    assert len(chunks) >= 3
    text = "".join(c.text for c in chunks)
    usage = usage_report([HumanMessage("The customer is furious.")], text, "smollm2")
    assert usage["tokens_out"] > 0 and usage["est_cost_usd"] is None
