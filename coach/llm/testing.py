"""A scripted tool-calling chat model for tests, swapped in by `coach.llm.models.override_chat_model`.

Each test writes its turns inline: a tool call, then an answer. The double runs through the real
agent graph: `bind_tools` returns the model itself, `_stream` yields the tool calls in a chunk (so
LangGraph's `stream_mode="messages"` works), `with_structured_output(Schema)` parses the tool call
named after the schema, and every request is recorded in `.requests` so a test can check what a
real model would have been sent. `FakeOpenAIServer` is a loopback HTTP server with scripted
status codes and delays, for the transport path (retries, timeouts) without a real model.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2
import openai
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolCall
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, PrivateAttr

# A scripted turn: a message, a plain answer, an exception to raise, or a function of the request.
Response = AIMessage | str | BaseException | Callable[[list[BaseMessage]], "AIMessage | str"]

_ids = itertools.count(1)


class ScriptExhaustedError(AssertionError):
    """The code under test asked the model more often than the test scripted."""


def tool_call(name: str, /, **args: Any) -> AIMessage:
    """An assistant turn that calls one tool: `tool_call("search_playbook", query="too early")`."""
    return tool_calls((name, args))


def tool_calls(*calls: tuple[str, dict[str, Any]], content: str = "") -> AIMessage:
    """An assistant turn that calls several tools at once."""
    return AIMessage(
        content=content,
        tool_calls=[
            ToolCall(name=name, args=args, id=f"call_{next(_ids)}", type="tool_call")
            for name, args in calls
        ],
    )


def unavailable(message: str = "Connection refused") -> openai.APIConnectionError:
    """The error the OpenAI client raises when the server is down; script it to test fallback."""
    request = httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
    return openai.APIConnectionError(message=message, request=request)


class ScriptedChatModel(BaseChatModel):
    """Answers with the scripted responses in order and fails loudly when they run out."""

    responses: list[Any]
    _position: int = PrivateAttr(default=0)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _requests: list[list[BaseMessage]] = PrivateAttr(default_factory=list)
    _tools: list[Any] = PrivateAttr(default_factory=list)
    _tool_choices: list[Any] = PrivateAttr(default_factory=list)

    def __init__(self, responses: Sequence[Response], **kwargs: Any) -> None:
        super().__init__(responses=list(responses), **kwargs)  # type: ignore[call-arg]

    @property
    def _llm_type(self) -> str:
        return "scripted"

    @property
    def requests(self) -> list[list[BaseMessage]]:
        """Every message list the model was sent, in order."""
        return self._requests

    @property
    def tools(self) -> list[Any]:
        """The tools passed to `bind_tools`, most recent call last."""
        return self._tools

    @property
    def tool_choices(self) -> list[Any]:
        return self._tool_choices

    @property
    def remaining(self) -> int:
        return len(self.responses) - self._position

    def sent_text(self) -> str:
        """Everything sent to the model as one string, for checks like "no PII left the machine"."""
        parts: list[str] = []
        for request in self._requests:
            for message in request:
                parts.append(message.text)
                parts.extend(json.dumps(c["args"]) for c in getattr(message, "tool_calls", []))
        return "\n".join(parts)

    def _next(self, messages: list[BaseMessage]) -> AIMessage:
        with self._lock:
            self._requests.append(list(messages))
            if self._position >= len(self.responses):
                last = messages[-1].text[:200] if messages else ""
                raise ScriptExhaustedError(
                    f"ScriptedChatModel ran out after {len(self.responses)} responses; "
                    f"request {len(self._requests)} ended with: {last!r}"
                )
            response = self.responses[self._position]
            self._position += 1
        if isinstance(response, BaseException):
            raise response
        if callable(response):
            response = response(list(messages))
        if isinstance(response, str):
            return AIMessage(content=response, id=f"run-scripted-{next(_ids)}")
        if not isinstance(response, AIMessage):
            raise TypeError(f"a scripted response must be an AIMessage or str, not {response!r}")
        return response.model_copy(update={"id": response.id or f"run-scripted-{next(_ids)}"})

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._next(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        message = self._next(messages)
        text = message.content if isinstance(message.content, str) else message.text
        pieces = [p for p in re.split(r"(\s+)", text) if p]
        for piece in pieces:
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece, id=message.id))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
        if message.tool_calls or not pieces:
            # One chunk carries every tool call; stock fakes drop them here.
            chunk_calls = [
                tool_call_chunk(name=c["name"], args=json.dumps(c["args"]), id=c["id"], index=i)
                for i, c in enumerate(message.tool_calls)
            ]
            last = AIMessageChunk(content="", id=message.id, tool_call_chunks=chunk_calls)
            yield ChatGenerationChunk(message=last)

    def bind_tools(
        self,
        tools: Sequence[Any],
        *,
        tool_choice: Any = None,
        **kwargs: Any,
    ) -> ScriptedChatModel:
        self._tools.append(list(tools))
        self._tool_choices.append(tool_choice)
        return self

    def with_structured_output(
        self, schema: Any, *, include_raw: bool = False, **kwargs: Any
    ) -> Runnable[LanguageModelInput, Any]:
        """Parse the first tool call named after `schema` (or a JSON answer) into the schema."""
        self.bind_tools([schema], tool_choice=_schema_name(schema))

        def parse(raw: AIMessage) -> Any:
            return _parse_structured(raw, schema)

        if not include_raw:
            return self | RunnableLambda(parse)

        def parse_with_raw(raw: AIMessage) -> dict[str, Any]:
            try:
                return {"raw": raw, "parsed": parse(raw), "parsing_error": None}
            except ValueError as exc:
                return {"raw": raw, "parsed": None, "parsing_error": exc}

        return self | RunnableLambda(parse_with_raw)


def _schema_name(schema: Any) -> str:
    if isinstance(schema, dict):
        return str(schema.get("title") or schema.get("name") or "output")
    return str(getattr(schema, "__name__", "output"))


def _parse_structured(raw: AIMessage, schema: Any) -> Any:
    name = _schema_name(schema)
    args: Any = next((c["args"] for c in raw.tool_calls if c["name"] == name), None)
    if args is None:
        try:
            args = json.loads(raw.text)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"the scripted answer has no {name!r} tool call and is not JSON: {raw.text[:120]!r}"
            ) from exc
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        return schema.model_validate(args)
    return args


@dataclass
class FakeReply:
    """One scripted HTTP answer of `FakeOpenAIServer`: a status, a text (or a raw `body`), an
    optional delay before the headers, and an optional pause between the body's bytes (`drip`) or
    between a stream's events (`pace`)."""

    status: int = 200
    content: str = "ok"
    delay: float = 0.0
    drip: float = 0.0
    pace: float = 0.0  # a pause after each whole streamed event
    body: str | None = None  # sent as it is instead of a completion built from `content`
    headers: dict[str, str] = field(default_factory=dict)


class FakeOpenAIServer:
    """A loopback HTTP server speaking just enough of the chat completions API to test the
    transport: retries on 429/5xx, timeouts, streaming. Replies are scripted in order."""

    def __init__(self, replies: Sequence[FakeReply | int]) -> None:
        self.replies = [r if isinstance(r, FakeReply) else FakeReply(status=r) for r in replies]
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_reply(self, body: dict[str, Any]) -> FakeReply:
        with self._lock:
            self.requests.append(body)
            if len(self.requests) > len(self.replies):
                return FakeReply(status=400, content="the fake server's script ran out")
            return self.replies[len(self.requests) - 1]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                reply = server._next_reply(body)
                time.sleep(reply.delay)
                if reply.status != 200:
                    error = {"error": {"message": reply.content, "type": "server_error"}}
                    self._send(reply.status, "application/json", json.dumps(error), reply)
                elif reply.body is not None:
                    self._send(200, "application/json", reply.body, reply)
                elif body.get("stream"):
                    self._send(200, "text/event-stream", _sse(reply.content), reply)
                else:
                    self._send(200, "application/json", json.dumps(_completion(reply)), reply)

            def _send(self, status: int, kind: str, text: str, reply: FakeReply) -> None:
                data = text.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    if reply.pace:
                        for event in re.findall(rb".*?\n\n|.+", data, re.DOTALL):
                            self.wfile.write(event)
                            self.wfile.flush()
                            time.sleep(reply.pace)
                    elif not reply.drip:
                        self.wfile.write(data)
                    for i in range(len(data) if reply.drip else 0):
                        self.wfile.write(data[i : i + 1])
                        self.wfile.flush()
                        time.sleep(reply.drip)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        return Handler


def _completion(reply: FakeReply) -> dict[str, Any]:
    message = {"role": "assistant", "content": reply.content}
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _sse(content: str) -> str:
    def event(delta: dict[str, Any], finish: str | None = None) -> str:
        chunk = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "fake",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(chunk)}\n\n"

    words = [w for w in re.split(r"(\s+)", content) if w]
    events = [event({"role": "assistant", "content": ""})]
    events += [event({"content": w}) for w in words]
    events.append(event({}, "stop"))
    return "".join(events) + "data: [DONE]\n\n"
