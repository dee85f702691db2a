"""Token budget, counted offline with tiktoken: what fits in the model's context, and what it cost.

Counts follow OpenAI's chat format (a few tokens of framing per message); for other models they are
a close estimate, which is all a budget needs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import TypedDict

import tiktoken
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage, trim_messages

from coach.llm.tokens import encoding_for_model, get_encoding

PER_MESSAGE = 4  # role and separators around each message
PER_TOOL_CALL = 4
REPLY_PRIMING = 3  # the assistant header every reply starts with

# Estimated USD per 1M tokens (input, output): OpenAI's published standard-tier list prices
# in 2025. An estimate for the rep's information, not a bill; unknown models report None.
PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o4-mini": (1.10, 4.40),
}


class Usage(TypedDict):
    tokens_in: int
    tokens_out: int
    est_cost_usd: float | None


def _count(text: str, encoding: tiktoken.Encoding) -> int:
    return _count_cached(text, encoding)


@lru_cache(maxsize=16384)
def _count_cached(text: str, encoding: tiktoken.Encoding) -> int:
    # trim_messages re-counts overlapping slices of the history: each text is encoded once.
    return len(encoding.encode(text, disallowed_special=()))


def count_message_tokens(
    messages: Sequence[BaseMessage], encoding: tiktoken.Encoding | None = None
) -> int:
    """Tokens a request with these messages takes, tool calls included."""
    enc = encoding or get_encoding()
    total = REPLY_PRIMING
    for message in messages:
        total += PER_MESSAGE + _count(message.text, enc)
        for call in getattr(message, "tool_calls", None) or []:
            total += PER_TOOL_CALL + _count(call["name"] + json.dumps(call["args"]), enc)
    return total


def trim_messages_to_budget(
    messages: Sequence[BaseMessage], context_window: int, reserve_for_answer: int
) -> list[BaseMessage]:
    """Keep the system message and the newest turns that fit, leaving room for the answer.

    The kept history starts on a human turn, so a tool call is never separated from its results.
    When even the newest human turn is too long, it is cut to fit rather than dropped.
    """
    budget = context_window - reserve_for_answer
    if budget <= 0:
        raise ValueError(
            f"the context window ({context_window}) leaves no room for the answer "
            f"({reserve_for_answer} tokens reserved)"
        )
    kept = trim_messages(
        list(messages),
        max_tokens=budget,
        token_counter=count_message_tokens,
        strategy="last",
        include_system=True,
        start_on="human",
        allow_partial=False,
    )
    if any(isinstance(m, HumanMessage) for m in kept):
        return kept
    humans = [m for m in messages if isinstance(m, HumanMessage)]
    if not humans:
        return kept
    last = humans[-1]
    head = [m for m in kept if isinstance(m, SystemMessage)][:1]
    # This turn's tool calls and results stay with the cut message: without them the model
    # would ask for the same tools again, turn after turn.
    after = list(messages)[len(messages) - list(reversed(messages)).index(last) :]
    tail = after if count_message_tokens(after) < budget // 2 else []
    room = budget - count_message_tokens([*head, last.model_copy(update={"content": ""}), *tail])
    enc = get_encoding()
    cut = enc.decode(enc.encode(last.text, disallowed_special=())[: max(room, 0)])
    return [*head, last.model_copy(update={"content": cut}), *tail]


def fit_passages(texts: Sequence[str], budget: int) -> list[str]:
    """The passages, in rank order, that fit in `budget` tokens; ones too long are skipped.

    If not even the first passage fits, its beginning is returned so the answer has a source.
    """
    enc = get_encoding()
    kept: list[str] = []
    used = 0
    for text in texts:
        size = _count(text, enc)
        if used + size <= budget:
            kept.append(text)
            used += size
    if not kept and texts and budget > 0:
        kept.append(enc.decode(enc.encode(texts[0], disallowed_special=())[:budget]))
    return kept


def price_for(model: str) -> tuple[float, float] | None:
    """Per-1M-token prices for a known OpenAI model, dated snapshots included."""
    for name in sorted(PRICES_PER_MILLION, key=len, reverse=True):
        if model == name or model.startswith(f"{name}-20"):
            return PRICES_PER_MILLION[name]
    return None


def usage_report(
    messages_in: Sequence[BaseMessage] | str,
    text_out: str,
    model: str,
    *,
    reported: dict[str, int] | None = None,
) -> Usage:
    """Tokens in and out of one turn and its estimated cost.

    `reported` is the provider's own `usage_metadata` (input_tokens, output_tokens) and wins
    over our count when present.
    """
    enc = encoding_for_model(model)
    if isinstance(messages_in, str):
        tokens_in = count_message_tokens([HumanMessage(messages_in)], enc)
    else:
        tokens_in = count_message_tokens(messages_in, enc)
    tokens_out = _count(text_out, enc)
    if reported and reported.get("input_tokens"):
        tokens_in = reported["input_tokens"]
        tokens_out = reported.get("output_tokens", tokens_out)
    prices = price_for(model)
    cost = None
    if prices:
        cost = round((tokens_in * prices[0] + tokens_out * prices[1]) / 1_000_000, 8)
    return Usage(tokens_in=tokens_in, tokens_out=tokens_out, est_cost_usd=cost)
