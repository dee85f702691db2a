"""An overall deadline on each model request, not only on each read.

httpx's read timeout restarts with every byte, so a server that sends its headers and then one
byte a second never times out. These event hooks give each response a deadline counted from the
moment the request left: a whole answer must arrive within `COACH_REQUEST_TIMEOUT`; a streamed
answer, whose tokens the rep watches arrive, within `STREAM_DEADLINE_FACTOR` times that, and each
of its events within `COACH_REQUEST_TIMEOUT` of the one before (a server that trickles one byte at
a time, or sends only keep-alive comments, shows the rep nothing). Past a deadline the next read
raises the client's own `ReadTimeout`, which the retry and the offline
fallback already treat as a timeout. Hooks, not a custom transport, so the client keeps its
proxy settings from the environment.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Iterator
from functools import lru_cache
from typing import Any

import httpx2
import openai

STREAM_DEADLINE_FACTOR = 5
_STARTED = "coach.started"


def _deadline(response: httpx2.Response, timeout: float) -> float:
    started = response.request.extensions.get(_STARTED, time.monotonic())
    streamed = response.headers.get("content-type", "").startswith("text/event-stream")
    return float(started) + timeout * (STREAM_DEADLINE_FACTOR if streamed else 1)


def _late(response: httpx2.Response, timeout: float) -> httpx2.ReadTimeout:
    return httpx2.ReadTimeout(
        f"the model server did not finish its answer within {timeout:g} s",
        request=response.request,
    )


_EVENT_END = re.compile(rb"\r?\n\r?\n")
_HELD = 1 << 20  # of an event still arriving, this much is kept to find its `data:` field


class _Progress:
    """When a streamed answer last delivered a whole event that carries data: the idle limit is
    on events, not bytes, so a trickle or a stream of keep-alive comments runs out."""

    def __init__(self, response: httpx2.Response, timeout: float) -> None:
        self._streamed = response.headers.get("content-type", "").startswith("text/event-stream")
        self._timeout = timeout
        self._last = float(response.request.extensions.get(_STARTED, time.monotonic()))
        self._pending = b""

    def check(self, chunk: bytes, now: float) -> bool:
        """Take a chunk; False when the stream has gone too long without an event."""
        if not self._streamed:
            return True
        *events, self._pending = _EVENT_END.split(self._pending + chunk)
        if any(re.search(rb"(?m)^data:", event) for event in events):
            self._last = now
        self._pending = self._pending[-_HELD:]
        return now - self._last <= self._timeout


class _SyncDeadlineStream(httpx2.SyncByteStream):
    def __init__(self, inner: Any, response: httpx2.Response, timeout: float) -> None:
        self._inner = inner
        self._response = response
        self._timeout = timeout
        self._deadline = _deadline(response, timeout)

    def __iter__(self) -> Iterator[bytes]:
        progress = _Progress(self._response, self._timeout)
        for chunk in self._inner:
            now = time.monotonic()
            if now > self._deadline or not progress.check(chunk, now):
                raise _late(self._response, self._timeout)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _AsyncDeadlineStream(httpx2.AsyncByteStream):
    def __init__(self, inner: Any, response: httpx2.Response, timeout: float) -> None:
        self._inner = inner
        self._response = response
        self._timeout = timeout
        self._deadline = _deadline(response, timeout)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        progress = _Progress(self._response, self._timeout)
        async for chunk in self._inner:
            now = time.monotonic()
            if now > self._deadline or not progress.check(chunk, now):
                raise _late(self._response, self._timeout)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def _mark_start(request: httpx2.Request) -> None:
    request.extensions[_STARTED] = time.monotonic()


async def _amark_start(request: httpx2.Request) -> None:
    _mark_start(request)


@lru_cache(maxsize=8)
def sync_client(timeout: float) -> httpx2.Client:
    """The client the OpenAI SDK sends with, each response bound by the overall deadline; one
    per timeout, shared like the SDK's own (an async client is bound to its event loop, so it is
    made per model)."""

    def bound(response: httpx2.Response) -> None:
        response.stream = _SyncDeadlineStream(response.stream, response, timeout)

    return openai.DefaultHttpxClient(
        timeout=timeout, event_hooks={"request": [_mark_start], "response": [bound]}
    )


def async_client(timeout: float) -> httpx2.AsyncClient:
    async def bound(response: httpx2.Response) -> None:
        response.stream = _AsyncDeadlineStream(response.stream, response, timeout)

    return openai.DefaultAsyncHttpxClient(
        timeout=timeout, event_hooks={"request": [_amark_start], "response": [bound]}
    )
