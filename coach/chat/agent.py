"""The coach agent: LangChain's `create_agent` over the project's tools, persisted per conversation.

The state holds the messages and the case file (plus what was asked and shown), so a conversation
resumes after a restart exactly where it stopped. A middleware puts the current case file into the
system prompt, trims history to the context window, falls back to the offline engine when the model
fails, and retries a malformed tool call once. A remote model sees personal data only as
placeholders (restored in its answer), and its final reply is checked: blame, a promise the case
file does not authorise, or our instructions copied out, and the offline engine answers instead.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, NotRequired

from langchain.agents import AgentState, create_agent
from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from coach.chat.tools import TOOL_FUNCTIONS, CoachContext, build_tools
from coach.domain.casefile import REPLACE_KEY, CaseFile
from coach.settings import Settings

log = logging.getLogger(__name__)
STATE_OPEN = "<coach_state>"
STATE_CLOSE = "</coach_state>"
Handler = Callable[[ModelRequest[CoachContext]], ModelResponse[Any]]


# --- state -------------------------------------------------------------------------------------


def merge_case(old: dict[str, Any] | None, update: dict[str, Any] | None) -> dict[str, Any]:
    """Fold a case update into the case file (`CaseFile.merge`: nothing known is lost)."""
    base = CaseFile.model_validate(old or {})
    if not update:
        return base.model_dump()
    update = dict(update)
    replace = update.pop(REPLACE_KEY, None) or ()
    return base.merge(update, replace=replace).model_dump()


def add_unique(old: list[Any] | None, new: list[Any] | None) -> list[Any]:
    out = list(old or [])
    out += [x for x in new or [] if x not in out]
    return out


def per_turn(old: list[Any] | None, new: list[Any] | None) -> list[Any]:
    """A list that the turn's input resets (None) and tools add to."""
    if new is None:
        return []
    return add_unique(old, new)


def latest(old: Any, new: Any) -> Any:
    return new


class CoachState(AgentState):
    case: NotRequired[Annotated[dict[str, Any], merge_case]]
    asked: NotRequired[Annotated[list[str], add_unique]]
    pending: NotRequired[Annotated[list[str], latest]]
    turn_asked: NotRequired[Annotated[list[str], per_turn]]
    turn_citations: NotRequired[Annotated[list[dict[str, str]], per_turn]]
    recommendation: NotRequired[Annotated[str | None, latest]]
    shown_warnings: NotRequired[Annotated[list[str], add_unique]]
    drafted: NotRequired[Annotated[list[str], add_unique]]


def state_block(state: dict[str, Any]) -> str:
    """The conversation's state as the model sees it, between markers."""
    case = CaseFile.model_validate(state.get("case") or {})
    from coach.chat.questions import unknown_items

    data = {
        "case": case.model_dump(),
        "unknown_items": unknown_items(case),
        "checklist_open": case.open_checklist_items(),
        "asked": list(state.get("asked") or []),
        "pending": list(state.get("pending") or []),
        "recommendation": state.get("recommendation"),
        "drafted": list(state.get("drafted") or []),
    }
    return f"{STATE_OPEN}\n{json.dumps(data, ensure_ascii=False)}\n{STATE_CLOSE}"


# --- middleware --------------------------------------------------------------------------------


# No reply of the coach's is this long (a drafted brief is about 4,000 characters), and the model's
# output limit is far below it: a longer answer comes from a server that ignores the limit.
MAX_REPLY_CHARS = 20_000


def _incomplete(message: AIMessage) -> str | None:
    """Why a plain answer from a model server cannot stand as the coach's reply: empty, refused,
    filtered, cut at the output limit, or a stream that ended without saying it was finished."""
    meta = message.response_metadata or {}
    finish = meta.get("finish_reason")
    from coach.llm.models import refused

    if len(message.text) > MAX_REPLY_CHARS:  # a server that ignored the output limit
        return f"the answer was {len(message.text):,} characters long, past any reply's length"
    if message.additional_kwargs.get("refusal") or refused(message.text):
        return "it refused"
    if finish == "length":
        return "the answer was cut off at the output limit"
    if finish == "content_filter":
        return "the answer was withheld by a content filter"
    if not message.text.strip():
        return "the answer was empty"
    if finish is None and meta.get("model_provider"):  # a server's answer that never finished
        return "the answer stopped mid-stream"
    return None


def _malformed(message: AIMessage, known: set[str]) -> str | None:
    if message.invalid_tool_calls:
        bad = message.invalid_tool_calls[0]
        return f"the arguments of {bad.get('name') or 'a tool call'} are not valid JSON"
    from coach.llm.models import oversized_number

    for call in message.tool_calls:
        if call["name"] not in known:
            return f"there is no tool named {call['name']!r}"
        # a streamed call's arguments are parsed after the answer is read: a number past 64
        # bits would reach the checkpoint, which cannot store it
        if oversized_number(call.get("args")):
            return f"the arguments of {call['name']} hold a number too large to read"
    return None


@lru_cache(maxsize=8192)
def _text_tokens(text: str) -> int:
    from coach.llm.tokens import get_encoding

    return len(get_encoding().encode(text, disallowed_special=()))


def message_tokens(messages: list[BaseMessage]) -> int:
    """`coach.llm.budget.count_message_tokens`, with each text counted once per process."""
    from coach.llm.budget import PER_MESSAGE, PER_TOOL_CALL, REPLY_PRIMING

    total = REPLY_PRIMING
    for message in messages:
        total += PER_MESSAGE + _text_tokens(message.text)
        for call in getattr(message, "tool_calls", None) or []:
            total += PER_TOOL_CALL + _text_tokens(call["name"] + json.dumps(call["args"]))
    return total


def _trim(messages: list[BaseMessage], settings: Settings) -> list[BaseMessage]:
    from coach.llm.budget import trim_messages_to_budget

    budget = settings.context_window - settings.max_output_tokens
    if message_tokens(messages) <= budget:
        return messages
    # Cheap first cut (about 4 characters a token), so counting never walks a huge history.
    kept: list[BaseMessage] = []
    chars = 0
    for message in reversed(messages):
        kept.append(message)
        chars += len(message.text) + 20
        if chars > budget * 6:
            break
    kept.reverse()
    return trim_messages_to_budget(kept, settings.context_window, settings.max_output_tokens)


def _offline(request: ModelRequest[CoachContext], ctx: CoachContext) -> ModelRequest[CoachContext]:
    """The request, answered by the offline coach reading this conversation's state."""
    from coach.chat.offline import OfflineChatModel

    model = request.model if isinstance(request.model, OfflineChatModel) else ctx.offline_model
    if not isinstance(model, OfflineChatModel):
        return request
    return request.override(model=model.with_state(dict(request.state)))


def _is_local(model: BaseChatModel, ctx: CoachContext) -> bool:
    """The offline engine runs on this machine: it sees the real values and is not checked."""
    return model is ctx.offline_model or model._llm_type == "coach-offline"


def _private(handler: Handler, settings: Settings) -> Handler:
    """`handler` with personal data replaced by placeholders in everything a remote model is
    sent (system prompt with the case file, history, tool results) and put back in its answer,
    so tool calls, the case file and the reply hold the real values."""
    if not settings.redact_pii:
        return handler

    def call(request: ModelRequest[CoachContext]) -> ModelResponse[Any]:
        from coach.llm.privacy import Redactor

        redactor = Redactor()
        context = getattr(request.runtime, "context", None)
        if context is not None and hasattr(context, "redactor"):
            context.redactor = redactor  # streamed tokens are restored with the same mapping
        # History first: it only grows, so a value keeps its placeholder from call to call. The
        # system prompt in the same call: an id the rep labelled ("Cust. ID 00123459") is hidden
        # in the case file too, where the offline reader filed it bare ("ID 00123459").
        system = request.system_message
        sent = redactor.redact_messages([*request.messages, *([system] if system else [])])
        if system is not None:
            system = sent.pop()  # type: ignore[assignment]
        response = handler(request.override(system_message=system, messages=sent))  # type: ignore[arg-type]
        return ModelResponse(
            result=[redactor.restore_message(m) for m in response.result],
            structured_response=response.structured_response,
        )

    return call


_QUOTED = re.compile(
    r"\"(?P<a>[^\"\n]+)\"|“(?P<b>[^”\n]+)”|(?<![\w'])'(?P<c>[^'\n]+)'(?!\w)|^>[ \t]?(?P<d>.+)$",
    re.MULTILINE,
)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().lower()


def own_words(text: str, sources: list[str]) -> str:
    """The reply without what it quotes from the conversation (the customer's email, the rep's
    words, a tool's result): quoting a demand is not making it. A quote found nowhere in the
    conversation is the coach's own wording ("send them this: '...'"), so its quote marks go
    and the guardrails read it as such."""
    said = _norm("\n".join(sources))

    def drop(m: re.Match[str]) -> str:
        quoted = next(g for g in m.groups() if g is not None)
        return " " if _norm(quoted) in said else quoted

    return _QUOTED.sub(drop, text)


def reply_problem(text: str, request: ModelRequest[CoachContext], settings: Settings) -> str | None:
    """Why a model's reply cannot reach the rep: blame or a promise the case file does not
    authorise in its own words (`coach.guardrails.rules`), or our instructions copied out."""
    from coach import guardrails
    from coach.llm.privacy import prompt_leaks

    sources = [str(m.text) for m in request.messages if not isinstance(m, AIMessage)]
    authorised = CaseFile.model_validate(request.state.get("case") or {}).authorised_commitments
    findings = [
        f
        for f in guardrails.check(own_words(text, sources), "any", authorised)
        if f.code in ("blame", "over_promise")
    ]
    if findings:
        what = (
            "blames someone" if findings[0].code == "blame" else "promises what is not authorised"
        )
        return f"it {what}"
    if prompt_leaks(text, settings, allowed=sources):
        return "it repeated the coach's instructions"
    return None


# A turn's model calls that ask for tools before it must answer (the graph's own limit, 40
# steps, is about 19 rounds; a rep's turn needs three or four).
MAX_TOOL_ROUNDS = 10


def _tool_rounds(messages: Sequence[Any]) -> int:
    """The model's tool-calling answers since the rep's last message."""
    rounds = 0
    for m in reversed(messages):
        if isinstance(m, HumanMessage):
            break
        rounds += isinstance(m, AIMessage) and bool(m.tool_calls)
    return rounds


class CoachMiddleware(AgentMiddleware[CoachState, CoachContext]):
    state_schema = CoachState

    def wrap_model_call(
        self,
        request: ModelRequest[CoachContext],
        handler: Any,
    ) -> ModelResponse[Any] | AIMessage:
        from coach.llm.prompts import render

        ctx = request.runtime.context if request.runtime else None
        if not isinstance(ctx, CoachContext):
            raise TypeError("the coach agent runs with a CoachContext")
        settings = ctx.settings
        system = render("agent/system.md.j2", settings, state=state_block(dict(request.state)))
        if (ctx.fell_back and ctx.offline_model is not None) or _is_local(request.model, ctx):
            # The offline coach has no context window: it reads the whole turn (trimming a long
            # paste away made it ask for the same tool again and again).
            local = request.override(system_message=SystemMessage(system))
            return handler(_offline(local, ctx))
        if _tool_rounds(request.messages) >= MAX_TOOL_ROUNDS and ctx.offline_model is not None:
            # A model that calls tools without end never answers: the offline coach does.
            log.warning("%d tool rounds in one turn; the offline coach answers", MAX_TOOL_ROUNDS)
            ctx.fell_back = True
            ctx.notices.append(
                "The model did not answer (it kept calling tools without answering); the "
                "offline engine answered instead."
            )
            # It reads the rep's message afresh, not the searches the model went round in.
            last = max(i for i, m in enumerate(request.messages) if isinstance(m, HumanMessage))
            local = request.override(
                system_message=SystemMessage(system), messages=request.messages[: last + 1]
            )
            return handler(_offline(local, ctx))
        full = _trim([SystemMessage(system), *request.messages], settings)
        request = request.override(system_message=full[0], messages=full[1:])  # type: ignore[arg-type]
        from coach.llm.models import MODEL_FAILURES, fallback_notice  # a model's path only

        call = _private(handler, settings)
        try:
            response = call(request)
        except MODEL_FAILURES as exc:
            if ctx.offline_model is None:
                raise
            ctx.fell_back = True
            ctx.notices.append(fallback_notice(exc))
            return handler(_offline(request, ctx))
        known = {t.name for t in request.tools if hasattr(t, "name")} or set(TOOL_FUNCTIONS)
        message = response.result[-1] if response.result else None
        problem = _malformed(message, known) if isinstance(message, AIMessage) else None
        if problem is not None:
            log.warning("malformed tool call (%s); asking the model once more", problem)
            retry = request.override(
                messages=[
                    *request.messages,
                    HumanMessage(
                        f"Your last answer had a malformed tool call ({problem}). Call one of the "
                        "listed tools again with valid JSON arguments, or answer in plain text."
                    ),
                ]
            )
            response = call(retry)
            message = response.result[-1] if response.result else None
            problem = _malformed(message, known) if isinstance(message, AIMessage) else None
            if problem is not None and ctx.offline_model is not None:
                # The rep's message is still read: the offline coach answers the turn.
                log.warning("malformed tool call twice (%s); the offline coach answers", problem)
                ctx.fell_back = True
                ctx.notices.append(
                    f"The model did not answer (it sent a malformed tool call twice: {problem}); "
                    "the offline engine answered instead."
                )
                return handler(_offline(request, ctx))
            if problem is not None:
                text = (
                    f"I could not complete that step: the model sent a malformed tool call twice "
                    f"({problem}). Your message is saved; try again or rephrase it."
                )
                ctx.notices.append(text)
                return AIMessage(content=text)
        if isinstance(message, AIMessage) and not message.tool_calls:
            why = _incomplete(message)
            if why is not None and ctx.offline_model is not None:
                log.warning("unusable model answer (%s); the offline coach answers", why)
                ctx.fell_back = True
                ctx.notices.append(
                    f"The model did not answer ({why}); the offline engine answered instead."
                )
                return handler(_offline(request, ctx))
            return self._checked(response, message, request, ctx, handler)
        return response

    def _checked(
        self,
        response: ModelResponse[Any],
        message: AIMessage,
        request: ModelRequest[CoachContext],
        ctx: CoachContext,
        handler: Handler,
    ) -> ModelResponse[Any] | AIMessage:
        """The model's final reply, or, when it fails the guardrails, the offline coach's answer
        to the same turn (the offline engine finishes the turn) with a notice."""
        problem = reply_problem(message.text, request, ctx.settings)
        if problem is None:
            return response
        log.warning("the model's reply was withheld: %s", problem)
        ctx.notices.append(
            f"The model's reply was withheld ({problem}); this is the offline coach's answer."
        )
        if ctx.offline_model is None:
            return AIMessage(
                content="I can't give that answer. Tell me more about the customer's situation."
            )
        ctx.fell_back = True
        return handler(_offline(request, ctx))


# --- the agent -----------------------------------------------------------------------------------

_lock = threading.Lock()
_graphs: dict[tuple[int, str, Path], tuple[BaseChatModel, Any]] = {}


def db_path(settings: Settings) -> Path:
    """The SQLite file of the embedded store (unused when COACH_DATABASE_URL is set)."""
    from coach.storage import sqlite_path

    return sqlite_path(settings)


def checkpointer(settings: Settings) -> Any:
    """The checkpointer of the settings' store, shared by every agent of the process."""
    from coach.storage import database

    return database(settings).checkpointer()


def close_checkpointers() -> None:
    """Close every database connection (tests simulate a restart with this)."""
    from coach.storage import close_databases

    close_databases()
    with _lock:
        _graphs.clear()


def build_agent(settings: Settings, model: BaseChatModel) -> Any:
    """The compiled agent graph for this model and data directory (cached)."""
    from coach.llm.prompts import render

    key = (id(model), settings.database_url or str(db_path(settings)), settings.prompts_dir)
    saver = checkpointer(settings)
    with _lock:
        cached = _graphs.get(key)
        if cached is not None and cached[0] is model:
            return cached[1]
        graph = create_agent(
            model,
            tools=build_tools(settings),
            system_prompt=render("agent/system.md.j2", settings, state=""),
            middleware=[CoachMiddleware()],
            state_schema=CoachState,
            context_schema=CoachContext,
            checkpointer=saver,
            name="coach",
        )
        _graphs[key] = (model, graph)
        return graph
