"""Bytes a user hands us, as text: UTF-8 with or without a byte-order mark, or UTF-16 with one
(what Windows tools save); anything else gets one sentence saying what to do."""

from __future__ import annotations

import re

from coach.errors import CoachError


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


def read_limited(stream: object, limit: int, what: str) -> bytes:
    """At most `limit` bytes from a binary stream; more is refused before any work is done."""
    read = getattr(stream, "read")  # noqa: B009 - a file-like object
    data: bytes = read(limit + 1)
    if len(data) > limit:
        raise CoachError(f"{what} is larger than {limit // 1_000_000} MB; send one item at a time")
    return data


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters no reader sees: zero-width marks, the soft hyphen, Unicode tag characters.
INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\U000e0000-\U000e007f]")


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
