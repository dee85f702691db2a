"""Bytes a user hands us, as text: UTF-8 with or without a byte-order mark, or UTF-16 or UTF-32
with one (what Windows tools save); anything else gets one sentence saying what to do."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

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


# Byte-order marks and the encoding each announces; UTF-32's come first (UTF-32-LE's starts
# with UTF-16-LE's).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# What binary data is made of: control characters other than the whitespace text uses.
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def bom(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark at the start of `data` announces, and the mark's length."""
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return encoding, len(mark)
    return None


def decode_text(data: bytes, what: str, legacy: bool = False) -> str:
    """`data` as text, the one way every file, upload and stdin is read: a byte-order mark says
    UTF-8, UTF-16 or UTF-32; without one it is UTF-8, else (`legacy`, for emails) Windows-1252 as
    older mail clients write. `what` names it in the error ("case file x.json", "stdin"). The
    result is plain text (see `plain_text`)."""
    marked = bom(data)
    if marked is not None and marked[0] != "utf-8":
        encoding, length = marked
        try:
            text = data[length:].decode(encoding)
        except UnicodeDecodeError:
            raise CoachError(
                f"{what} says it is {encoding[:6].upper()} but is not; save it as UTF-8"
            ) from None
    else:
        body = data[3:] if marked else data
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            if not legacy:
                line = body.count(b"\n", 0, exc.start) + 1
                raise CoachError(
                    f"{what} is not UTF-8 text (line {line}); save it as UTF-8"
                ) from None
            text = body.decode("cp1252", errors="replace")
    return plain_text(text, what)


def plain_text(text: str, what: str) -> str:
    """`text` without NUL characters, which no email or message holds and which would end it
    early for some readers; text that is mostly control characters is binary data and gets one
    sentence. Every entry point (files, stdin, the API, the chat) reads text through this."""
    if text and _BINARY.subn("", text)[1] > 0.1 * len(text):
        raise CoachError(
            f"{what} looks like binary data, not text; paste the text or save it as a UTF-8 file"
        )
    text = text.replace("\x00", "")
    # A lone surrogate ("\ud800" in JSON, undecodable bytes from a pipe) is no character: no
    # tokenizer, encoder or database takes it, so it becomes the replacement character.
    return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def stream_lines(stream: IO[bytes], what: str) -> Iterator[tuple[str, int]]:
    """The lines of a binary stream (stdin) as they arrive, each with its size in bytes, decoded
    as `decode_text` decodes a file: a byte-order mark says UTF-8, UTF-16 or UTF-32, else UTF-8.
    A line that is not text gets one sentence naming it ("stdin line 3 ...")."""
    marked = _peek_bom(stream)
    if marked is None or marked[0] == "utf-8":
        for lineno, raw in enumerate(stream, 1):
            try:
                line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError:
                raise CoachError(
                    f"{what} line {lineno} is not UTF-8 text; send it as UTF-8"
                ) from None
            yield plain_text(line, f"{what} line {lineno}"), len(raw)
        return
    encoding = marked[0][:6]  # "utf-16" or "utf-32": the codec reads and drops the mark
    unit = 2 if encoding == "utf-16" else 4
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    lineno = 0
    try:
        while True:
            lineno += 1
            try:
                line = text.readline()
            except UnicodeDecodeError:
                raise CoachError(
                    f"{what} says it is {encoding.upper()} but line {lineno} is not; send UTF-8"
                ) from None
            if not line:
                return
            yield plain_text(line, f"{what} line {lineno}"), len(line) * unit
    finally:
        text.detach()  # the stream stays open for whoever owns it


def _peek_bom(stream: IO[bytes]) -> tuple[str, int] | None:
    """The byte-order mark at the start of a stream, without consuming anything."""
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return bom(peek(4)[:4])
    if stream.seekable():
        start = stream.tell()
        head = stream.read(4)
        stream.seek(start)
        return bom(head)
    return None


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


_LONE_BREAK = re.compile("[\r\u2028\u2029\x85]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escaped(text: str, breaks: bool = False) -> str:
    """`text` for an error line: each control character written as its escape (`\\x1b`), so a
    file name or a value can neither drive the terminal nor vanish from the message. With
    `breaks`, tabs and line breaks too: a file name must not forge a line of output."""
    pattern = _CONTROL_OR_BREAK if breaks else _CONTROL
    return pattern.sub(lambda m: repr(m.group())[1:-1], text)


_BIDI_OR_SEPARATOR = re.compile("[\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_text(value: Any, indent: int | None = None) -> str:
    """`value` as JSON for a terminal or a file: UTF-8 as typed, except the bidirectional
    controls and the line and paragraph separators, written as their escapes (the JSON reads
    back the same), so a right-to-left override in a playbook page or an email cannot reorder
    what a terminal shows."""
    import json

    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _BIDI_OR_SEPARATOR.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def printable(value: object) -> object:
    """`value` (a string, or lists and dicts of them) without control characters, so text from
    an email can never move the cursor, retitle the terminal or recolour what follows."""
    if isinstance(value, str):
        # A carriage return alone, or a Unicode line or paragraph separator, would let one
        # line overwrite or split another: each stands as a space.
        value = _LONE_BREAK.sub(" ", value.replace("\r\n", "\n"))
        return _CONTROL.sub("", value)
    if isinstance(value, list):
        return [printable(v) for v in value]
    if isinstance(value, dict):
        return {k: printable(v) for k, v in value.items()}
    return value


def load_yaml(text: str) -> Any:
    """A data file's YAML, read by libyaml's safe loader when PyYAML was built with it (about ten
    times faster than the pure-Python one: the rule files are read on every cold start)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


def not_a_file(path: str | Path, hint: str, what_it_is: str = "") -> CoachError:
    """One line for a path that is not a readable file: missing, a directory, or a device."""
    where = Path(path)
    path = f"{what_it_is} {path}" if what_it_is else path
    if where.is_dir():
        what = "is a directory"
    elif where.exists():
        what = "is not a regular file"
    else:
        what = "does not exist"
    return CoachError(f"{path} {what}; {hint}")


def shown(value: str, limit: int = 80) -> str:
    """A value the user gave, quoted for a message, cut when it is long (an id pasted with a
    whole email after it is not echoed back whole)."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[: limit - 20]!r}... ({len(value):,} characters)"
