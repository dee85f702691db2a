"""The one model factory: an OpenAI-compatible model, the offline engine, or a test double.

Tests swap models with `override_chat_model` and nowhere else. Calls retry with backoff on rate
limits, server errors and dropped connections (not on a timeout); when the model still fails,
`call_with_fallback` answers with the offline engine and a visible notice. A server that timed out
or could not be reached is not asked again for `COACH_MODEL_RETRY_AFTER` seconds, so a batch or a
conversation does not wait out the same dead server on every email or turn.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx
import httpx2
import openai
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.exceptions import (
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelError,
    ModelRateLimitError,
    ModelTimeoutError,
    OutputParserException,
)
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_openai import AzureChatOpenAI, ChatOpenAI
from pydantic import BaseModel, SecretStr, ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from coach.errors import CoachError
from coach.llm import deadline
from coach.settings import Settings, active_engine, get_settings

logger = logging.getLogger(__name__)
T = TypeVar("T")
G = TypeVar("G", ChatGeneration, ChatGenerationChunk)

# Worth another try: the same request may well succeed in a moment.
RETRYABLE: tuple[type[BaseException], ...] = (
    openai.RateLimitError,
    openai.InternalServerError,
    openai.APIConnectionError,  # includes APITimeoutError
    ModelRateLimitError,
    ModelAPIError,
    ModelConnectionError,
    ModelTimeoutError,
)
# Anything that means "the model did not give a usable answer": the offline engine takes over.
MODEL_FAILURES: tuple[type[BaseException], ...] = (
    *RETRYABLE,
    ModelError,
    openai.APIError,
    httpx.HTTPError,
    httpx2.HTTPError,
    ConnectionError,
    TimeoutError,
    OutputParserException,
    ValidationError,
)
PLACEHOLDER_KEY = "not-needed"  # local servers (llama.cpp, Ollama, vLLM) ignore the key


_overrides: list[BaseChatModel] = []
_overrides_lock = threading.Lock()


class NoModelConfiguredError(CoachError):
    """The openai engine was asked for but nothing says where the model is."""


@contextmanager
def override_chat_model(model: BaseChatModel) -> Iterator[BaseChatModel]:
    """While active, `build_chat_model` returns `model` whatever the settings say."""
    with _overrides_lock:
        _overrides.append(model)
    try:
        yield model
    finally:
        with _overrides_lock:
            _overrides.remove(model)


def _retry_wait(initial: float, maximum: float) -> Callable[[RetryCallState], float]:
    backoff = wait_exponential_jitter(multiplier=initial, max=maximum, jitter=initial)

    def wait(state: RetryCallState) -> float:
        # Honour the server's Retry-After (rate limits), within our ceiling.
        exc = state.outcome.exception() if state.outcome else None
        response = getattr(exc, "response", None)
        header = response.headers.get("retry-after") if response is not None else None
        try:
            asked = float(header) if header else 0.0
        except ValueError:
            asked = 0.0
        return min(maximum, max(asked, backoff(state)))

    return wait


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    reason = failure_reason(exc) if exc else "unknown"
    logger.warning("model call failed (%s); retrying in %.1f s", reason, wait)


# What the client library raises when a server answers outside the API's shape (non-JSON, an
# empty or missing `choices`, a broken stream): a model failure like any other, so the caller
# falls back offline with a notice. Raised only around the client call, so a bug of ours is
# never taken for one.
_MALFORMED = (
    json.JSONDecodeError,
    ValueError,
    IndexError,
    KeyError,
    TypeError,
    AttributeError,
    RecursionError,  # JSON nested thousands deep
)


@contextmanager
def _readable_answer() -> Iterator[None]:
    try:
        yield
    except ModelError:
        raise
    except _MALFORMED as exc:
        raise ModelError(
            f"the model server's answer could not be read ({type(exc).__name__})"
        ) from exc


# A JSON string may escape half of a surrogate pair ("\\ud800"): such text cannot be encoded,
# counted or printed. It is replaced like any undecodable character.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


# A number past 64 bits ("k": 99999999999999999999999) cannot be checkpointed: it is kept as text.
_INT64 = 1 << 63


def _oversized(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and not -_INT64 <= value < _INT64


def oversized_number(value: Any) -> bool:
    """Whether a number past 64 bits sits anywhere in the value (a tool call's arguments)."""
    if isinstance(value, list):
        return any(oversized_number(v) for v in value)
    if isinstance(value, dict):
        return any(oversized_number(v) for v in value.values())
    return _oversized(value)


def _encodable(value: Any) -> Any:
    if _oversized(value):
        return str(value)
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_encodable(v) for v in value]
    if isinstance(value, dict):
        return {k: _encodable(v) for k, v in value.items()}
    return value


def _has_surrogate(value: Any) -> bool:
    """Whether the value holds text or a number it cannot be stored or printed with."""
    if _oversized(value):
        return True
    if isinstance(value, str):
        return bool(_LONE_SURROGATE.search(value))
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_has_surrogate(v) for v in value.values())
    return False


_CARRIERS = (
    "tool_calls", "tool_call_chunks", "invalid_tool_calls", "additional_kwargs",
    "response_metadata", "usage_metadata",
)  # fmt: skip


def _clean(generation: G) -> G:
    """The answer with any half surrogate pair replaced, in its text and its tool calls, and any
    number too large to store kept as its digits."""
    message = generation.message
    if _has_surrogate(message.content):
        message.content = _encodable(message.content)
    for name in _CARRIERS:
        value = getattr(message, name, None)
        if value and _has_surrogate(value):
            setattr(message, name, _encodable(value))
    if _has_surrogate(generation.text):
        generation.text = _encodable(generation.text)
    return generation


def _with_an_answer(result: ChatResult) -> ChatResult:
    if not result.generations:  # `"choices": []`
        raise ModelError("the model server answered with no choices")
    result.generations = [_clean(g) for g in result.generations]
    return result


def _worth_retrying(exc: BaseException) -> bool:
    """A rate limit, a server error or a dropped connection; not a timeout: the deadline is for
    the whole answer, and a server that let it pass once would make the rep wait it again."""
    timed_out = (openai.APITimeoutError, ModelTimeoutError, TimeoutError, httpx.TimeoutException,
                 httpx2.TimeoutException)  # fmt: skip
    return isinstance(exc, RETRYABLE) and not isinstance(exc, timed_out)


class ModelServerDown(ModelError):
    """The server timed out or could not be reached a moment ago: it is not asked again yet."""


# Servers that failed to answer, by address: until when they rest, and why.
_down: dict[str, tuple[float, str]] = {}
_down_lock = threading.Lock()
_UNAVAILABLE = ("timed out", "server unreachable")


def forget_down_servers() -> None:
    """Ask every server again at the next call (tests, and a rep who fixed the server)."""
    with _down_lock:
        _down.clear()


@contextmanager
def _watching(server: str, rest: float) -> Iterator[None]:
    """Refuse at once while `server` rests; start its rest when it times out or cannot be
    reached; end it when it answers."""
    if rest > 0:
        with _down_lock:
            until, reason = _down.get(server, (0.0, ""))
        left = until - time.monotonic()
        if left > 0:
            raise ModelServerDown(
                f"{reason} a moment ago; it is asked again in {math.ceil(left)} s"
            )
    try:
        yield
    except Exception as exc:
        reason = failure_reason(exc)
        if rest > 0 and reason in _UNAVAILABLE:
            with _down_lock:
                _down[server] = (time.monotonic() + rest, reason)
        raise
    with _down_lock:
        _down.pop(server, None)


class _RetryMixin:
    """Retries each request (before any token arrives) with exponential backoff and jitter."""

    retry_attempts: int
    retry_initial_wait: float
    retry_max_wait: float
    server_rest: float

    def _server(self) -> str:
        return str(
            getattr(self, "azure_endpoint", None) or getattr(self, "openai_api_base", None) or ""
        )

    def _retry_options(self) -> dict[str, Any]:
        return {
            "retry": retry_if_exception(_worth_retrying),
            "stop": stop_after_attempt(self.retry_attempts + 1),
            "wait": _retry_wait(self.retry_initial_wait, self.retry_max_wait),
            "before_sleep": _log_retry,
            "reraise": True,
        }

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        with _watching(self._server(), self.server_rest), _readable_answer():
            result = Retrying(**self._retry_options())(super()._generate, *args, **kwargs)  # type: ignore[misc]
        return _with_an_answer(result)

    async def _agenerate(self, *args: Any, **kwargs: Any) -> ChatResult:
        parent = super()._agenerate  # type: ignore[misc]
        with _watching(self._server(), self.server_rest), _readable_answer():
            result: ChatResult = await AsyncRetrying(**self._retry_options())(
                parent, *args, **kwargs
            )
        return _with_an_answer(result)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        parent = super()._stream  # type: ignore[misc]

        def open_stream() -> tuple[ChatGenerationChunk | None, Iterator[ChatGenerationChunk]]:
            chunks = iter(parent(messages, stop=stop, run_manager=run_manager, **kwargs))
            return next(chunks, None), chunks

        # Only the connection and the first chunk are retried: tokens already shown stay shown.
        with _watching(self._server(), self.server_rest), _readable_answer():
            first, rest = Retrying(**self._retry_options())(open_stream)
            if first is None:
                raise ModelError("the model server's stream held no answer")
            yield _clean(first)
            for chunk in rest:
                yield _clean(chunk)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        parent = super()._astream  # type: ignore[misc]

        async def open_stream() -> tuple[
            ChatGenerationChunk | None, AsyncIterator[ChatGenerationChunk]
        ]:
            chunks = parent(messages, stop=stop, run_manager=run_manager, **kwargs).__aiter__()
            try:
                return await chunks.__anext__(), chunks
            except StopAsyncIteration:
                return None, chunks

        opened: tuple[ChatGenerationChunk | None, AsyncIterator[ChatGenerationChunk]]
        with _watching(self._server(), self.server_rest), _readable_answer():
            opened = await AsyncRetrying(**self._retry_options())(open_stream)
            first, rest = opened
            if first is None:
                raise ModelError("the model server's stream held no answer")
            yield _clean(first)
            async for chunk in rest:
                yield _clean(chunk)


class CoachChatOpenAI(_RetryMixin, ChatOpenAI):
    retry_attempts: int = 2
    retry_initial_wait: float = 0.5
    retry_max_wait: float = 8.0
    server_rest: float = 30.0

    def _get_request_payload(
        self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        payload: dict[str, Any] = super()._get_request_payload(input_, stop=stop, **kwargs)
        # An assistant turn that only calls tools goes out with `"content": null`; llama.cpp's
        # server rejects that (it wants a string), so the turn after any tool call failed there.
        # An empty string means the same to OpenAI and every compatible server.
        for message in payload.get("messages", []):
            if message.get("role") == "assistant" and message.get("content") is None:
                message["content"] = ""
        return payload


class CoachAzureChatOpenAI(_RetryMixin, AzureChatOpenAI):
    retry_attempts: int = 2
    retry_initial_wait: float = 0.5
    retry_max_wait: float = 8.0
    server_rest: float = 30.0


def _tiktoken_name(model: str) -> str | None:
    """None when tiktoken knows the model; else gpt-4o's encoding, a close estimate."""
    import tiktoken

    try:
        tiktoken.encoding_name_for_model(model)
    except KeyError:
        return "gpt-4o"
    return None


Engine = Literal["offline", "openai"]


def _is_openai_host(base_url: str | None) -> bool:
    return not base_url or (urlsplit(base_url).hostname or "").endswith("api.openai.com")


def build_chat_model(
    settings: Settings | None = None,
    *,
    streaming: bool = True,
    max_output_tokens: int | None = None,
    timeout: float | None = None,
    offline: Callable[[Settings], BaseChatModel] | None = None,
) -> BaseChatModel:
    """The chat model the settings ask for.

    `offline` builds the offline engine when no model is configured; without it that case raises
    `NoModelConfiguredError`. An active `override_chat_model` wins over everything.
    """
    if _overrides:
        return _overrides[-1]
    settings = settings or get_settings()
    if active_engine(settings) == "offline":
        if offline is None:
            raise NoModelConfiguredError(
                "No model is configured: set OPENAI_API_KEY or OPENAI_BASE_URL "
                "(and COACH_MODEL), or use the offline engine."
            )
        return offline(settings)

    from coach.llm.tokens import install_encodings

    install_encodings()
    limit = max_output_tokens or settings.max_output_tokens
    wait = timeout or settings.request_timeout
    common: dict[str, Any] = {
        "timeout": wait,
        # An overall deadline per answer: the read timeout alone restarts with every byte.
        "http_client": deadline.sync_client(wait),
        "http_async_client": deadline.async_client(wait),
        "max_retries": 0,  # our retry, not the SDK's, so every attempt is logged and bounded
        "retry_attempts": settings.max_retries,
        "server_rest": settings.model_retry_after,
        "streaming": streaming,
        "max_tokens": limit,
        "tiktoken_model_name": _tiktoken_name(settings.model),
    }
    if settings.uses_azure:
        return CoachAzureChatOpenAI(
            azure_endpoint=settings.azure_openai_endpoint,
            azure_deployment=settings.model,
            api_version=settings.openai_api_version,
            api_key=settings.azure_openai_api_key,
            **common,
        )
    if not (settings.openai_api_key or settings.openai_base_url):
        raise NoModelConfiguredError(
            "COACH_ENGINE=openai needs OPENAI_API_KEY or OPENAI_BASE_URL to be set."
        )
    if not _is_openai_host(settings.openai_base_url):
        # Servers such as llama.cpp ignore max_completion_tokens and would generate to the end
        # of the context; they honour the older max_tokens field.
        common["extra_body"] = {"max_tokens": limit}
    return CoachChatOpenAI(
        model=settings.model,
        api_key=settings.openai_api_key or SecretStr(PLACEHOLDER_KEY),
        base_url=settings.openai_base_url,
        **common,
    )


def _safe_url(url: str) -> str:
    """The URL without credentials or query string, fit for a banner or a log line."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def describe_model(settings: Settings | None = None) -> str:
    """One line for the UI and CLI banner, in a rep's words: who answers and what leaves the
    machine. No secrets; how to switch is for whoever runs the coach (README, the UI's details)."""
    settings = settings or get_settings()
    if _overrides:
        return f"test model ({type(_overrides[-1]).__name__})"
    if active_engine(settings) == "offline":
        return (
            "offline: answers come from your team's playbook, on this machine; "
            "nothing you paste leaves it"
        )
    if settings.uses_azure and settings.azure_openai_endpoint:
        where = f"Azure OpenAI {_safe_url(settings.azure_openai_endpoint)}"
    elif settings.openai_base_url:
        where = _safe_url(settings.openai_base_url)
    else:
        where = "api.openai.com"
    privacy = (
        "emails, phone numbers, card and account numbers and ids are masked before anything is "
        "sent (names are not)"
        if settings.redact_pii
        else "what you paste is sent as it is"
    )
    return f"model {settings.model} at {where} writes the answers; {privacy}"


# A model that declines in words instead of the refusal field ("I'm sorry, but I can't assist
# with that request."): a short answer that is only that is no answer.
_REFUSAL = re.compile(
    r"^\W*(?:(?:I['’]m|I\s+am)\s+(?:very\s+|so\s+)?sorry|I\s+apologi[sz]e|sorry|unfortunately)?"
    r"[\s,.!]*(?:but\s+)?(?:as\s+an\s+AI[^.]{0,80}[,.]\s*)?I\s+(?:can['’]?t|cannot|can\s+not|"
    r"am\s+(?:not\s+able|unable)\s+to|won['’]t|will\s+not|must\s+decline\s+to)\s+"
    r"(?:help|assist|comply|do\s+(?:that|this)|provide|fulfil+|complete|write|generate|continue)"
    r"(?:\s+(?:you\s+)?with\s+(?:that|this|your)\b)?",
    re.I,
)
REFUSAL_MAX_CHARS = 400


def refused(text: str) -> bool:
    """The whole answer is a refusal in words (a draft that apologises to the customer is not)."""
    text = text.strip()
    return len(text) <= REFUSAL_MAX_CHARS and bool(_REFUSAL.match(text))


def failure_reason(exc: BaseException) -> str:
    """A short, secret-free reason for a failed model call."""
    if isinstance(
        exc, openai.APITimeoutError | ModelTimeoutError | TimeoutError | httpx2.TimeoutException
    ):
        return "timed out"
    if isinstance(exc, openai.APIConnectionError | ModelConnectionError | ConnectionError):
        return "server unreachable"
    if isinstance(exc, openai.AuthenticationError | ModelAuthenticationError):
        return "authentication failed: check the API key"
    if isinstance(exc, openai.RateLimitError | ModelRateLimitError):
        return "rate limited"
    if isinstance(exc, openai.APIStatusError):
        return f"server error {exc.status_code}"
    if isinstance(exc, OutputParserException | ValidationError):
        return "the answer could not be read"
    if isinstance(exc, httpx.HTTPError | httpx2.HTTPError):
        return "network error"
    if isinstance(exc, ModelServerDown):
        return str(exc)
    if type(exc) is ModelError:  # ours, worded for a rep ("...answered with no choices")
        return " ".join(str(exc).split())[:160] or "the answer could not be read"
    if type(exc).__name__ == "GraphRecursionError":
        return "it kept calling tools without answering"
    return type(exc).__name__


def fallback_notice(exc: BaseException) -> str:
    return f"The model did not answer ({failure_reason(exc)}); the offline engine answered instead."


@dataclass
class Outcome(Generic[T]):
    """A result, and the notice to show when the offline engine produced it."""

    value: T
    notice: str | None = None
    error: BaseException | None = None

    @property
    def fell_back(self) -> bool:
        return self.error is not None


def call_with_fallback(
    primary: Callable[[], T],
    fallback: Callable[[], T],
    *,
    failures: tuple[type[BaseException], ...] = MODEL_FAILURES,
) -> Outcome[T]:
    """Run the model path; when it fails after its retries, run the offline path on the same input.

    Both callables close over the user's input, so nothing the user typed is lost.
    """
    try:
        return Outcome(primary())
    except failures as exc:
        logger.warning("model path failed (%s); using the offline engine", failure_reason(exc))
        return Outcome(fallback(), notice=fallback_notice(exc), error=exc)


@dataclass(frozen=True)
class FallbackNotice:
    """Yielded by `stream_with_fallback` before the offline engine's output."""

    text: str
    error: BaseException


def stream_with_fallback(
    primary: Callable[[], Iterable[T]],
    fallback: Callable[[], Iterable[T]],
    *,
    failures: tuple[type[BaseException], ...] = MODEL_FAILURES,
) -> Iterator[T | FallbackNotice]:
    """Stream the model path; on failure (even mid-stream) yield a notice, then offline output."""
    try:
        yield from primary()
    except failures as exc:
        logger.warning("model stream failed (%s); using the offline engine", failure_reason(exc))
        yield FallbackNotice(fallback_notice(exc), exc)
        yield from fallback()


S = TypeVar("S", bound=BaseModel)


def _structured_problem(out: dict[str, Any], name: str) -> tuple[str, str]:
    """Why a structured answer could not be read, and what the model sent."""
    raw = out["raw"]
    invalid = getattr(raw, "invalid_tool_calls", None) or []
    calls = getattr(raw, "tool_calls", None) or []
    error = out["parsing_error"]
    if isinstance(error, ValidationError):
        problem = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or name}: {e['msg']}" for e in error.errors()
        )
    elif error is not None:
        problem = " ".join(str(error).split())
    elif invalid:
        problem = f"the {name} arguments were not valid JSON"
    else:
        problem = f"the answer did not call {name}"
    if getattr(raw, "response_metadata", {}).get("finish_reason") == "length":
        problem += "; it was cut off at the output limit, so keep the values short"
    if calls:
        sent = json.dumps(calls[0]["args"])
    else:
        sent = str(invalid[0].get("args") if invalid else raw.text)
    return problem, sent


def invoke_structured(
    messages: Sequence[BaseMessage],
    schema: type[S],
    settings: Settings | None = None,
    *,
    repair_attempts: int = 1,
) -> S:
    """Ask the model for a `schema` object through a forced tool call, repairing a bad answer once.

    A forced tool call is the structured method that OpenAI, Azure, vLLM, LM Studio and llama.cpp
    all honour. It runs without streaming: llama.cpp's server repeats the tool name in every
    streamed chunk, which corrupts the call. Raises `OutputParserException` when the answer still
    cannot be read (a `MODEL_FAILURES` member, so `call_with_fallback` goes offline).
    """
    model = build_chat_model(settings, streaming=False)
    runnable = model.with_structured_output(schema, method="function_calling", include_raw=True)
    history = list(messages)
    problem = "no answer"
    for _ in range(repair_attempts + 1):
        out: dict[str, Any] = runnable.invoke(history)  # type: ignore[assignment]
        if isinstance(out["parsed"], schema):
            return out["parsed"]
        problem, sent = _structured_problem(out, schema.__name__)
        history.append(
            HumanMessage(
                f"Your last answer could not be read ({problem[:300]}). It was: {sent[:500]}\n"
                f"Answer again by calling {schema.__name__} with arguments that match its schema."
            )
        )
    raise OutputParserException(f"the model's answer did not fit {schema.__name__}: {problem}")
