"""Bytes a user hands us, as text: UTF-8 with or without a byte-order mark, or UTF-16 with one
(what Windows tools save); anything else gets one sentence saying what to do."""

from __future__ import annotations

import re

from coach.errors import CoachError

# The one limit on text a rep pastes or sends, in the Coach, Triage and Brief (browser, server,
# API and CLI alike): a long real thread fits. An email's source with attachments may be larger as
# a file (2 MB, MAX_FILE_BYTES); triage reads its text.
MAX_TEXT_CHARS = 200_000
MAX_FILE_BYTES = 2_000_000
# What the browser sends instead of a paste over the limit, so nothing large is uploaded.
TOO_LONG_MARK = "\x00coach-too-long:"


def too_long(length: int) -> str:
    return (
        f"that is {length:,} characters; the limit is {MAX_TEXT_CHARS:,} "
        "(cut quoted history, signatures or attachments and send the rest)"
    )


def check_length(text: str) -> None:
    """One clear sentence when text is over the limit (or is the browser's too-long mark)."""
    if text.startswith(TOO_LONG_MARK):
        length = text.removeprefix(TOO_LONG_MARK)
        raise CoachError(too_long(int(length) if length.isdigit() else MAX_TEXT_CHARS + 1))
    if len(text) > MAX_TEXT_CHARS:
        raise CoachError(too_long(len(text)))


def looks_like_mail_source(text: str) -> bool:
    """An .eml's source (headers, MIME parts): allowed up to the file limit, not the text one."""
    head = text[:20_000]
    return bool(re.match(r"(?:[\w-]+:[^\n]*\n)+", head)) and "content-type:" in head.lower()


def decode_text(data: bytes, what: str) -> str:
    """`data` as text; `what` names it in the error ("case file x.json", "stdin")."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise CoachError(f"{what} says it is UTF-16 but is not; save it as UTF-8") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CoachError(f"{what} is not UTF-8 text; save it as UTF-8") from None


def argument_text(value: str, what: str) -> str:
    """A command-line argument as text: bytes that were not UTF-8 reach Python as lone surrogates,
    which no tokenizer or encoder accepts; they get one sentence instead."""
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        raise CoachError(f"{what} is not UTF-8 text; type it again") from None


def read_limited(stream: object, limit: int, what: str) -> bytes:
    """At most `limit` bytes from a binary stream; more is refused before any work is done."""
    read = getattr(stream, "read")  # noqa: B009 - a file-like object
    data: bytes = read(limit + 1)
    if len(data) > limit:
        raise CoachError(f"{what} is larger than {limit // 1_000_000} MB; send one item at a time")
    return data


# Control characters, and the bidirectional overrides that reorder what a terminal shows.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Characters no reader sees: zero-width marks, the soft hyphen, Unicode tag characters.
# Also the bidirectional embeddings and isolates, the combining grapheme joiner, the Mongolian
# vowel separator and the variation selectors, which split a word without showing anything.
INVISIBLE = re.compile(
    "[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\U000e0000-\U000e007f\u202a-\u202e\u2066-\u2069"
    "\u034f\u180e\ufe00-\ufe0f]"
)


def printable(value: object) -> object:
    """`value` (a string, or lists and dicts of them) without control characters, so text from
    an email can never move the cursor, retitle the terminal or recolour what follows."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, list):
        return [printable(v) for v in value]
    if isinstance(value, dict):
        return {k: printable(v) for k, v in value.items()}
    return value
