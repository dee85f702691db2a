"""The model seam: the scripted double in a real agent graph, the factory, retries, fallback."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from pathlib import Path
from typing import Any

import openai
import pytest
from langchain.agents import create_agent
from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.tools import tool
from pydantic import BaseModel, SecretStr

from coach.llm.budget import (
    count_message_tokens,
    fit_passages,
    price_for,
    trim_messages_to_budget,
    usage_report,
)
from coach.llm.models import (
    CoachAzureChatOpenAI,
    CoachChatOpenAI,
    FallbackNotice,
    NoModelConfiguredError,
    build_chat_model,
    call_with_fallback,
    describe_model,
    invoke_structured,
    override_chat_model,
    stream_with_fallback,
)
from coach.llm.testing import (
    FakeOpenAIServer,
    FakeReply,
    ScriptedChatModel,
    ScriptExhaustedError,
    tool_call,
    unavailable,
)
from coach.llm.tokens import count_tokens
from coach.settings import Settings


class Verdict(BaseModel):
    recommendation: str
    reasons: list[str]


@tool
def search_playbook(query: str) -> str:
    """Search the escalation playbook."""
    return f"passage about {query}"


def _agent(model: BaseChatModel) -> Any:
    return create_agent(model, tools=[search_playbook], system_prompt="You coach reps.")


def _settings(**values: Any) -> Settings:
    return Settings(**values)


# The scripted double ------------------------------------------------------------------------


def test_scripted_model_runs_the_agent_loop_and_records_requests() -> None:
    model = ScriptedChatModel([tool_call("search_playbook", query="too early"), "Wait a day."])
    result = _agent(model).invoke({"messages": [HumanMessage("Customer is angry")]})

    tool_messages = [m for m in result["messages"] if isinstance(m, ToolMessage)]
    assert [m.content for m in tool_messages] == ["passage about too early"]
    assert result["messages"][-1].content == "Wait a day."
    assert len(model.requests) == 2
    assert isinstance(model.requests[0][0], SystemMessage)
    assert isinstance(model.requests[1][-1], ToolMessage)
    assert [t.name for t in model.tools[0]] == ["search_playbook"]
    assert "Customer is angry" in model.sent_text()


def test_scripted_model_streams_tool_calls_in_messages_mode() -> None:
    model = ScriptedChatModel([tool_call("search_playbook", query="blame"), "Own it, no blame."])
    chunks = [
        chunk
        for chunk, _meta in _agent(model).stream(
            {"messages": [HumanMessage("hi")]}, stream_mode="messages"
        )
    ]
    calls = [c for c in chunks if isinstance(c, AIMessageChunk) and c.tool_call_chunks]
    assert calls and calls[0].tool_call_chunks[0]["name"] == "search_playbook"
    text = "".join(c.text for c in chunks if isinstance(c, AIMessageChunk))
    assert text == "Own it, no blame."
    assert sum(1 for c in chunks if isinstance(c, AIMessageChunk) and c.text) >= 3


def test_script_running_out_fails_loudly_instead_of_looping() -> None:
    model = ScriptedChatModel([tool_call("search_playbook", query="a")])
    with pytest.raises(ScriptExhaustedError, match="ran out after 1 responses"):
        _agent(model).invoke({"messages": [HumanMessage("hi")]})
    assert len(model.requests) == 2


def test_structured_output_from_tool_call_or_json() -> None:
    model = ScriptedChatModel(
        [
            tool_call("Verdict", recommendation="escalate_now", reasons=["cancellation threat"]),
            '{"recommendation": "not_yet", "reasons": []}',
            "not json at all",
        ]
    )
    structured = model.with_structured_output(Verdict)
    assert structured.invoke("x") == Verdict(
        recommendation="escalate_now", reasons=["cancellation threat"]
    )
    assert structured.invoke("y").recommendation == "not_yet"
    with pytest.raises(ValueError, match="no 'Verdict' tool call"):
        structured.invoke("z")
    assert model.tool_choices[-1] == "Verdict"


def test_structured_output_include_raw_reports_parsing_errors() -> None:
    model = ScriptedChatModel([tool_call("Verdict", recommendation="x")])
    out = model.with_structured_output(Verdict, include_raw=True).invoke("q")
    assert out["parsed"] is None and out["parsing_error"] is not None
    assert out["raw"].tool_calls[0]["name"] == "Verdict"


def test_scripted_exception_is_raised() -> None:
    model = ScriptedChatModel([unavailable()])
    with pytest.raises(openai.APIConnectionError):
        model.invoke("hello")


# The factory ----------------------------------------------------------------------------------


def test_override_is_the_seam_and_nests() -> None:
    outer, inner = ScriptedChatModel(["a"]), ScriptedChatModel(["b"])
    settings = _settings(OPENAI_API_KEY="sk-test")
    with override_chat_model(outer):
        assert build_chat_model(settings) is outer
        with override_chat_model(inner):
            assert build_chat_model(settings) is inner
        assert build_chat_model(settings) is outer
    assert isinstance(build_chat_model(settings), CoachChatOpenAI)


def test_offline_settings_need_the_offline_factory() -> None:
    settings = _settings()
    with pytest.raises(NoModelConfiguredError, match="OPENAI_API_KEY or OPENAI_BASE_URL"):
        build_chat_model(settings)
    offline = ScriptedChatModel(["offline answer"])
    assert build_chat_model(settings, offline=lambda s: offline) is offline
    with pytest.raises(NoModelConfiguredError, match="COACH_ENGINE=openai"):
        build_chat_model(_settings(COACH_ENGINE="openai"))


def test_local_server_gets_a_placeholder_key_and_bounded_output() -> None:
    settings = _settings(
        OPENAI_BASE_URL="http://127.0.0.1:8080/v1", COACH_MODEL="smollm2", COACH_MAX_RETRIES=3
    )
    model = build_chat_model(settings, max_output_tokens=16)
    assert isinstance(model, CoachChatOpenAI)
    assert isinstance(model.openai_api_key, SecretStr)
    assert model.openai_api_key.get_secret_value() == "not-needed"
    payload = model._get_request_payload([HumanMessage("hi")])
    assert payload["max_completion_tokens"] == 16
    assert payload["extra_body"] == {"max_tokens": 16}
    assert (model.max_retries, model.retry_attempts) == (0, 3)
    assert model.tiktoken_model_name == "gpt-4o"
    assert model.get_num_tokens_from_messages([HumanMessage("hello there")]) > 2


def test_openai_gets_only_max_completion_tokens() -> None:
    model = build_chat_model(_settings(OPENAI_API_KEY="sk-test", COACH_MODEL="gpt-4o-mini"))
    payload = model._get_request_payload([HumanMessage("hi")])  # type: ignore[attr-defined]
    assert payload["max_completion_tokens"] == 800
    assert "extra_body" not in payload
    assert model.tiktoken_model_name is None  # type: ignore[attr-defined]


def test_describe_model_names_the_mode_without_secrets() -> None:
    offline = describe_model(_settings())
    assert offline.startswith("offline") and "nothing you paste leaves it" in offline
    assert "OPENAI" not in offline  # the set-up steps are for whoever runs the coach
    line = describe_model(
        _settings(
            OPENAI_API_KEY="sk-very-secret",
            OPENAI_BASE_URL="https://bob:hunter2@llm.example.com/v1?token=abc",
            COACH_MODEL="qwen2.5",
        )
    )
    assert "qwen2.5" in line and "https://llm.example.com/v1" in line
    for secret in ("sk-very-secret", "hunter2", "bob", "token=abc"):
        assert secret not in line
    # It says what is masked as the README does: names reach the model.
    assert "masked" in line and "names are not" in line


def test_azure_endpoint_builds_an_azure_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://acme.openai.azure.com")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-secret")
    settings = _settings(COACH_MODEL="prod-gpt-4o")
    model = build_chat_model(settings)
    assert isinstance(model, CoachAzureChatOpenAI)
    assert model.deployment_name == "prod-gpt-4o" and model.max_retries == 0
    line = describe_model(settings)
    assert "Azure OpenAI https://acme.openai.azure.com" in line and "azure-secret" not in line
    offline = _settings(COACH_ENGINE="offline")
    assert describe_model(offline).startswith("offline")
    with pytest.raises(NoModelConfiguredError):
        build_chat_model(offline)


# Retries, timeouts and fallback against a loopback HTTP server --------------------------------


def _model_for(server: FakeOpenAIServer, **values: Any) -> BaseChatModel:
    settings = _settings(OPENAI_BASE_URL=server.base_url, COACH_MODEL="m", **values)
    return build_chat_model(settings, streaming=False)


def test_retries_server_errors_with_backoff_then_succeeds() -> None:
    replies: list[FakeReply | int] = [
        503,
        FakeReply(429, headers={"Retry-After": "0"}),
        FakeReply(content="done"),
    ]
    with FakeOpenAIServer(replies) as server:
        start = time.perf_counter()
        answer = _model_for(server).invoke("hi")
        elapsed = time.perf_counter() - start
    assert answer.content == "done"
    assert len(server.requests) == 3
    assert elapsed >= 0.5  # two backoff pauses, starting at 0.5 s (with jitter)


def test_streaming_retries_before_the_first_token() -> None:
    with FakeOpenAIServer([502, FakeReply(content="one two three")]) as server:
        settings = _settings(OPENAI_BASE_URL=server.base_url, COACH_MODEL="m")
        chunks = list(build_chat_model(settings).stream("hi"))
    assert "".join(c.text for c in chunks) == "one two three"
    assert len(server.requests) == 2 and server.requests[1]["stream"] is True


def test_async_calls_retry_too() -> None:
    async def both(model: BaseChatModel) -> tuple[str, str]:
        answer = await model.ainvoke("hi")
        chunks = [c.text async for c in model.astream("hi")]
        return answer.text, "".join(chunks)

    replies: list[FakeReply | int] = [503, FakeReply(content="first"), 500]
    replies.append(FakeReply(content="second answer"))
    with FakeOpenAIServer(replies) as server:
        settings = _settings(OPENAI_BASE_URL=server.base_url, COACH_MODEL="m")
        # A fresh thread: another test's sync Playwright may leave a loop running in this one.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            answers = pool.submit(asyncio.run, both(build_chat_model(settings))).result()
    assert answers == ("first", "second answer")
    assert len(server.requests) == 4


def test_gives_up_after_max_retries_and_falls_back_with_a_notice() -> None:
    with FakeOpenAIServer([500, 500, 500, 500]) as server:
        model = _model_for(server, COACH_MAX_RETRIES=1)
        outcome = call_with_fallback(lambda: model.invoke("my words").text, lambda: "offline")
    assert len(server.requests) == 2
    assert outcome.value == "offline" and outcome.fell_back
    assert outcome.notice is not None and "server error 500" in outcome.notice


def test_timeout_falls_back_quickly() -> None:
    with FakeOpenAIServer([FakeReply(delay=3.0)]) as server:
        model = _model_for(server, COACH_REQUEST_TIMEOUT=0.3, COACH_MAX_RETRIES=0)
        start = time.perf_counter()
        outcome = call_with_fallback(lambda: model.invoke("x").text, lambda: "offline")
        elapsed = time.perf_counter() - start
    assert outcome.notice is not None and "timed out" in outcome.notice
    assert elapsed < 2.0


@pytest.mark.parametrize("stream", [False, True])
def test_a_server_that_timed_out_rests_so_the_next_calls_do_not_wait_it_out(stream: bool) -> None:
    """A batch of emails, or the turns of a conversation, each waited the whole deadline on the
    same dead server."""
    with FakeOpenAIServer([FakeReply(delay=3.0), FakeReply(content="back")]) as server:
        settings = _settings(
            OPENAI_BASE_URL=server.base_url, COACH_MODEL="m", COACH_REQUEST_TIMEOUT=0.3,
            COACH_MAX_RETRIES=0, COACH_MODEL_RETRY_AFTER=0.8,
        )  # fmt: skip
        model = build_chat_model(settings, streaming=stream)
        first = call_with_fallback(lambda: model.invoke("one").text, lambda: "offline")
        start = time.perf_counter()
        rest = [
            call_with_fallback(lambda: model.invoke("n").text, lambda: "offline") for _ in range(5)
        ]
        elapsed = time.perf_counter() - start
        assert len(server.requests) == 1  # not asked again while it rests
        time.sleep(0.9)
        again = call_with_fallback(lambda: model.invoke("two").text, lambda: "offline")
    assert first.notice is not None and "timed out" in first.notice
    assert all(o.value == "offline" and o.notice and "a moment ago" in o.notice for o in rest)
    assert elapsed < 0.5
    assert again.value == "back" and again.notice is None and len(server.requests) == 2


def test_a_server_is_asked_every_time_when_resting_is_turned_off() -> None:
    with FakeOpenAIServer([FakeReply(delay=3.0), FakeReply(content="back")]) as server:
        settings = _settings(
            OPENAI_BASE_URL=server.base_url, COACH_MODEL="m", COACH_REQUEST_TIMEOUT=0.3,
            COACH_MAX_RETRIES=0, COACH_MODEL_RETRY_AFTER=0,
        )  # fmt: skip
        model = build_chat_model(settings, streaming=False)
        call_with_fallback(lambda: model.invoke("one").text, lambda: "offline")
        again = call_with_fallback(lambda: model.invoke("two").text, lambda: "offline")
    assert again.value == "back" and len(server.requests) == 2


@pytest.mark.parametrize("stream", [False, True])
def test_a_server_that_drips_its_answer_is_cut_off_at_the_overall_deadline(stream: bool) -> None:
    # Headers at once, then a byte every 0.05 s: no single read ever waits the 0.3 s read
    # timeout, so only an overall deadline ends it. A whole answer gets the timeout, a stream
    # five times it; the drip would take about 12 s (whole) or 50 s (stream) to finish.
    content = "escalate " * 25 if stream else "escalate"
    with FakeOpenAIServer([FakeReply(content=content, drip=0.05)]) as server:
        settings = _settings(
            OPENAI_BASE_URL=server.base_url, COACH_REQUEST_TIMEOUT=0.3, COACH_MAX_RETRIES=0
        )
        model = build_chat_model(settings, streaming=stream)

        def ask() -> str:
            if stream:
                return "".join(chunk.text for chunk in model.stream("x"))
            return model.invoke("x").text

        start = time.perf_counter()
        outcome = call_with_fallback(ask, lambda: "offline")
        elapsed = time.perf_counter() - start
    assert outcome.value == "offline"
    assert outcome.notice is not None and "timed out" in outcome.notice
    assert server.requests[0].get("stream", False) is stream
    assert elapsed < (0.3 * 5 if stream else 0.3) + 1.5


def _stream_through(reply: FakeReply, timeout: float) -> tuple[str, float]:
    """What a streamed call through a fake server comes to, and how long it took."""
    with FakeOpenAIServer([reply]) as server:
        settings = _settings(
            OPENAI_BASE_URL=server.base_url, COACH_REQUEST_TIMEOUT=timeout, COACH_MAX_RETRIES=0
        )
        model = build_chat_model(settings, streaming=True)
        start = time.perf_counter()
        outcome = call_with_fallback(
            lambda: "".join(chunk.text for chunk in model.stream("x")), lambda: "offline"
        )
        return outcome.value, time.perf_counter() - start


def test_a_stream_that_trickles_is_cut_off_when_no_event_arrives_within_the_timeout() -> None:
    # A byte every 0.02 s: each event (about 150 bytes) would take 3 s to arrive whole, so
    # nothing reaches the rep; the stream ends at the 0.5 s timeout, not at five times it.
    value, elapsed = _stream_through(FakeReply(content="escalate " * 25, drip=0.02), 0.5)
    assert value == "offline"
    assert elapsed < 0.5 * 2 + 0.5


def test_a_stream_whose_events_keep_coming_may_run_past_the_timeout() -> None:
    # Twelve events 0.15 s apart: 1.8 s in all, past the 0.6 s timeout but within five times it.
    value, elapsed = _stream_through(FakeReply(content="escalate " * 5, pace=0.15), 0.6)
    assert value == ("escalate " * 5).strip() or value == "escalate " * 5
    assert elapsed > 0.6


def test_an_answer_nested_thousands_deep_is_a_failure_not_a_crash() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    body = '{"id": "x", "object": "chat.completion", "extra": ' + deep + ', "choices": []}'
    with FakeOpenAIServer([FakeReply(body=body)]) as server:
        model = _model_for(server, COACH_MAX_RETRIES=0)
        outcome = call_with_fallback(lambda: model.invoke("x").text, lambda: "offline")
    assert outcome.value == "offline"
    assert outcome.notice is not None and "could not be read (RecursionError)" in outcome.notice


def test_half_a_surrogate_pair_in_an_answer_is_replaced_so_the_text_can_be_encoded() -> None:
    with FakeOpenAIServer([FakeReply(content="Hello \ud800 world")]) as server:
        text = _model_for(server, COACH_MAX_RETRIES=0).invoke("x").text
    assert text == "Hello \ufffd world"
    assert count_tokens(text) > 0 and text.encode("utf-8")


def test_half_a_surrogate_pair_in_tool_arguments_is_replaced_too() -> None:
    from langchain_core.outputs import ChatGeneration

    from coach.llm.models import _clean

    call = {"name": "TriageProposal", "args": {"summary": "bad \ud800 text"}, "id": "1"}
    made = _clean(ChatGeneration(message=AIMessage(content="", tool_calls=[call])))
    assert made.message.tool_calls[0]["args"]["summary"] == "bad \ufffd text"  # type: ignore[attr-defined]
    listed = _clean(
        ChatGeneration(message=AIMessage(content=[{"type": "text", "text": "a \ud800"}]))
    )
    assert listed.message.content == [{"type": "text", "text": "a \ufffd"}]


def test_a_number_too_large_to_store_in_tool_arguments_is_kept_as_its_digits() -> None:
    from langchain_core.outputs import ChatGeneration
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    from coach.llm.models import _clean

    huge = 12345678901234567890123
    call = {"name": "update_case_file", "args": {"deadline": huge, "k": [1, -huge]}, "id": "1"}
    message = AIMessage(content="", tool_calls=[call])
    with pytest.raises(TypeError):
        JsonPlusSerializer().dumps_typed(message)  # what the checkpointer would do with it
    made = _clean(ChatGeneration(message=message)).message
    assert made.tool_calls[0]["args"] == {"deadline": str(huge), "k": [1, str(-huge)]}  # type: ignore[attr-defined]
    JsonPlusSerializer().dumps_typed(made)


def test_an_answer_that_arrives_in_time_is_not_cut_off_by_the_deadline() -> None:
    with FakeOpenAIServer([FakeReply(content="escalate", drip=0.002)]) as server:
        model = _model_for(server, COACH_REQUEST_TIMEOUT=2, COACH_MAX_RETRIES=0)
        assert model.invoke("x").text == "escalate"


def test_fallback_does_not_hide_programming_errors() -> None:
    def broken() -> str:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        call_with_fallback(broken, lambda: "offline")
    assert call_with_fallback(lambda: "model", lambda: "offline").notice is None


def test_stream_falls_back_mid_stream_with_a_notice() -> None:
    def primary() -> Any:
        yield "Hello"
        raise unavailable()

    items = list(stream_with_fallback(primary, lambda: iter(["offline", "answer"])))
    assert items[0] == "Hello" and items[-2:] == ["offline", "answer"]
    notice = items[1]
    assert isinstance(notice, FallbackNotice) and "server unreachable" in notice.text


def test_agent_turn_falls_back_when_the_scripted_model_fails() -> None:
    model = ScriptedChatModel([unavailable(), unavailable()])
    offline = ScriptedChatModel(["Offline: brief your manager first."])
    question = {"messages": [HumanMessage("Acme threatens to cancel")]}
    outcome = call_with_fallback(
        lambda: _agent(model).invoke(question), lambda: _agent(offline).invoke(question)
    )
    assert outcome.fell_back and outcome.value["messages"][-1].text.startswith("Offline")
    assert offline.requests[0][-1].text == "Acme threatens to cancel"


# Token budget ---------------------------------------------------------------------------------


def _long_conversation(turns: int) -> list[BaseMessage]:
    messages: list[BaseMessage] = [SystemMessage("You are a calm escalation lead.")]
    for i in range(turns):
        messages.append(HumanMessage(f"Turn {i}: the customer at Acme is still waiting. " * 3))
        if i % 5 == 0:
            call = tool_call("search_playbook", query=f"turn {i}")
            messages.append(call)
            messages.append(ToolMessage("passage " * 40, tool_call_id=call.tool_calls[0]["id"]))
        messages.append(AIMessage(f"Answer {i}: brief your manager with the facts. " * 3))
    return messages


def test_trims_a_200_turn_conversation_to_the_budget() -> None:
    messages = _long_conversation(200)
    assert count_message_tokens(messages) > 15_000
    kept = trim_messages_to_budget(messages, context_window=4000, reserve_for_answer=800)

    assert count_message_tokens(kept) <= 3200
    assert kept[0] == messages[0]
    assert isinstance(kept[1], HumanMessage)
    assert kept[-1] == messages[-1]
    assert kept == [messages[0], *messages[len(messages) - len(kept) + 1 :]]
    call_ids = {c["id"] for m in kept for c in getattr(m, "tool_calls", [])}
    result_ids = {m.tool_call_id for m in kept if isinstance(m, ToolMessage)}
    assert result_ids == call_ids and call_ids  # every kept call keeps its results, and back


def test_trimming_cuts_an_oversized_last_turn_instead_of_dropping_it() -> None:
    messages = [SystemMessage("system"), HumanMessage("word " * 5000)]
    kept = trim_messages_to_budget(messages, context_window=1000, reserve_for_answer=200)
    assert [type(m) for m in kept] == [SystemMessage, HumanMessage]
    assert 700 <= count_message_tokens(kept) <= 800
    with pytest.raises(ValueError, match="no room"):
        trim_messages_to_budget(messages, context_window=100, reserve_for_answer=100)


def test_fit_passages_keeps_rank_order_within_budget() -> None:
    short, long = "Brief the manager. " * 5, "Long context. " * 400
    kept = fit_passages([short, long, short + "again"], budget=100)
    assert kept == [short, short + "again"]
    assert sum(count_tokens(t) for t in kept) <= 100
    only = fit_passages([long], budget=50)
    assert len(only) == 1 and count_tokens(only[0]) == 50 and long.startswith(only[0])


def test_usage_report_estimates_cost_for_known_models_only() -> None:
    messages = [SystemMessage("s"), HumanMessage("How do I escalate?")]
    known = usage_report(messages, "Brief your manager first.", "gpt-4o-mini-2024-07-18")
    assert known["tokens_in"] == count_message_tokens(messages)
    assert known["tokens_out"] == count_tokens("Brief your manager first.")
    expected = (known["tokens_in"] * 0.15 + known["tokens_out"] * 0.60) / 1_000_000
    assert known["est_cost_usd"] == pytest.approx(expected)
    assert price_for("gpt-4o") == (2.50, 10.00) and price_for("gpt-4o-mini") == (0.15, 0.60)
    assert usage_report("hi", "there", "smollm2")["est_cost_usd"] is None
    reported = usage_report("hi", "x", "gpt-4.1", reported={"input_tokens": 7, "output_tokens": 9})
    assert (reported["tokens_in"], reported["tokens_out"]) == (7, 9)


# Structured output with one repair ------------------------------------------------------------


def test_invoke_structured_repairs_a_bad_answer_once() -> None:
    model = ScriptedChatModel(
        [
            tool_call("Verdict", recommendation="escalate_now"),  # reasons missing
            tool_call("Verdict", recommendation="escalate_now", reasons=["cancellation threat"]),
        ]
    )
    with override_chat_model(model):
        verdict = invoke_structured([HumanMessage("Acme will cancel")], Verdict, _settings())
    assert verdict.reasons == ["cancellation threat"]
    repair = model.requests[1][-1]
    assert isinstance(repair, HumanMessage)
    assert "could not be read" in repair.text and "reasons: Field required" in repair.text
    assert model.tool_choices == ["Verdict"]


def test_invoke_structured_reports_plainly_after_the_repair_fails() -> None:
    model = ScriptedChatModel(["I think you should escalate.", "Still prose."])
    with override_chat_model(model), pytest.raises(OutputParserException, match="Verdict"):
        invoke_structured([HumanMessage("Acme will cancel")], Verdict, _settings())
    assert len(model.requests) == 2
    with override_chat_model(ScriptedChatModel(["prose", "more prose"])):
        outcome = call_with_fallback(
            lambda: invoke_structured([HumanMessage("x")], Verdict, _settings()),
            lambda: Verdict(recommendation="not_yet", reasons=["offline"]),
        )
    assert outcome.value.reasons == ["offline"]
    assert outcome.notice is not None and "could not be read" in outcome.notice


@pytest.mark.parametrize(
    "shape", ["nonjson", "empty", "shape", "cut", "refusal", "refusal_text", "blank", "huge"]
)
def test_a_broken_model_server_falls_back_offline_with_a_notice(shape: str, tmp_path: Path) -> None:
    """A server that answers non-JSON, an empty `choices`, the wrong shape, an answer cut at the
    output limit, a refusal or an empty text: triage, the brief and a chat turn answer offline
    with a notice, never a traceback, and the turn is kept."""
    import json
    import os
    import subprocess
    import sys
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    bodies = {
        "nonjson": b"<html>oops</html>",
        "empty": json.dumps(
            {"id": "x", "object": "chat.completion", "created": 1, "model": "m", "choices": []}
        ).encode(),
        "shape": b'{"foo": 1}',
    }

    def answer(message: dict[str, object], finish: str) -> bytes:
        choice = {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}
        return json.dumps(
            {"id": "x", "object": "chat.completion", "created": 1, "model": "m",
             "choices": [choice]}
        ).encode()  # fmt: skip

    def chunks(delta: dict[str, object], finish: str) -> bytes:
        def event(d: dict[str, object], end: str | None) -> str:
            choice = {"index": 0, "delta": d, "finish_reason": end}
            body = {"id": "x", "object": "chat.completion.chunk", "created": 1, "model": "m",
                    "choices": [choice]}  # fmt: skip
            return f"data: {json.dumps(body)}\n\n"

        out = event({"role": "assistant", "content": ""}, None) + event(delta, None)
        return (out + event({}, finish) + "data: [DONE]\n\n").encode()

    answers = {
        "cut": ({"content": "Given the threat, I would esc"}, "length"),
        "refusal": ({"content": None, "refusal": "I can't help with that."}, "stop"),
        "blank": ({"content": "   "}, "stop"),
        # a refusal in words, not in the refusal field
        "refusal_text": ({"content": "I'm sorry, but I can't assist with that request."}, "stop"),
        # a server that ignores the output limit
        "huge": ({"content": "Escalate now and call them today. " * 12_000}, "stop"),
    }
    streams = {k: chunks(*v) for k, v in answers.items()}
    bodies.update({k: answer(*v) for k, v in answers.items()})

    class Broken(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            asked = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            stream = asked.get("stream") and shape in streams
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream" if stream else "application/json")
            self.end_headers()
            self.wfile.write(streams[shape] if stream else bodies[shape])

    server = HTTPServer(("127.0.0.1", 0), Broken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_"))}
    env.update(OPENAI_BASE_URL=f"http://127.0.0.1:{server.server_port}/v1",
               COACH_MAX_RETRIES="0", COACH_DATA_DIR=str(tmp_path))  # fmt: skip
    mail = tmp_path / "mail.txt"
    mail.write_text("Hi,\n\nIf the export is not fixed by Friday we will cancel.\n\nBest,\nTom\n")

    def coach(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", "from coach.cli import main; main()", *args],
                              input=stdin, capture_output=True, text=True, env=env, timeout=180)  # fmt: skip

    try:
        triage = coach("triage", str(mail), "--json")
        assert triage.returncode == 0 and "Traceback" not in triage.stderr, triage.stderr[-500:]
        assert json.loads(triage.stdout)["engine"] == "offline"
        turn = coach("chat", "--json", stdin="Acme is threatening to cancel.\n")
        assert turn.returncode == 0 and "Traceback" not in turn.stderr, turn.stderr[-500:]
        reply = json.loads(turn.stdout.splitlines()[-1])
        assert reply["engine"] == "offline" and reply["notice"] and reply["case"]["customer"]
        listed = coach("chat", "--list", "--json")
        assert reply["conversation_id"] in listed.stdout  # the turn was kept: it can be resumed
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    "env",
    [
        {"COACH_MAX_RETRIES": "99999999999999999999"},  # retried until killed
        {"COACH_MAX_RETRIES": "-1"},
        {"COACH_REQUEST_TIMEOUT": "-5"},
        {"COACH_EMBEDDINGS": "openai"},  # no key and no server: a traceback on first search
        {"OPENAI_BASE_URL": "http://[::1"},  # urllib raised on the first call
        {"OPENAI_BASE_URL": "http://127.0.0.1:99999/v1"},
        {"OPENAI_BASE_URL": "ftp://models.example/v1"},
        {"OPENAI_BASE_URL": "127.0.0.1:8080"},
    ],
)
def test_settings_a_model_call_cannot_work_with_are_refused(env: dict[str, str]) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        _settings(**env)


def test_a_timed_out_answer_is_not_asked_for_again() -> None:
    """Three tries of the whole deadline made a rep wait three times it for one turn."""
    with FakeOpenAIServer([FakeReply(delay=3.0)] * 3) as server:
        model = _model_for(server, COACH_REQUEST_TIMEOUT=0.3, COACH_MAX_RETRIES=2)
        outcome = call_with_fallback(lambda: model.invoke("x").text, lambda: "offline")
        assert len(server.requests) == 1
    assert outcome.value == "offline" and outcome.notice is not None
