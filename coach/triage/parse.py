"""Turn what a rep pastes (plain text, HTML, an .eml file) into the customer's newest message.

The newest message is what the triage reads; quoted history (`>` lines, "On ... wrote:" blocks,
forwarded headers), signatures, "Sent from my iPhone" lines and legal disclaimers are split off.
Every piece keeps the exact characters of the decoded text, so an evidence quote taken from the
newest message is verbatim in `ParsedEmail.text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import TYPE_CHECKING, Literal

from coach.errors import CoachError
from coach.reading.mail import Part, is_marker, split_parts
from coach.triage.visibility import drop_hidden

if TYPE_CHECKING:
    from html2text import HTML2Text

Format = Literal["auto", "text", "html", "eml"]
MAX_CHARS = 30_000  # longer input is cut (with a note): a real email is far shorter
MAX_SENTENCE_CHARS = 320


@dataclass
class ParsedEmail:
    format: str
    text: str  # the decoded plain text every quote is checked against
    # Verbatim runs of lines the customer's side wrote: the newest message, then any message
    # forwarded in it (a colleague's or an executive's note counts as the customer's side).
    newest_blocks: list[str]
    history: str = ""
    signature: str = ""
    disclaimer: str = ""
    subject: str = ""
    notes: list[str] = field(default_factory=list)
    forwarded: int = 0  # how many of `newest_blocks` (at the end) come from forwarded messages
    # The plain-text version of an HTML email, when it says what the HTML (what was triaged)
    # does not show: read only to see whether it holds an escalation the HTML hides.
    unshown: str = ""
    # A `>` block inside the sender's own message: under their words, above their sign-off, with
    # no sign-off above it. Whose words it quotes the mail does not say reliably (a reply line
    # over it is typed as easily as the quote): read only to ask the rep to look.
    enclosed: str = ""
    # The sender's own earlier message, quoted under the newest one (its reply line or header
    # names the person who signs the newest message): what they said before in this thread.
    own_history: str = ""

    @property
    def newest(self) -> str:
        return "\n\n".join(self.newest_blocks)


# --- decoding --------------------------------------------------------------------------------


def decode(data: bytes | str) -> str:
    """Bytes to text the one way every input is read (`coach.textio.decode_text`, with the
    Windows-1252 fallback older mail clients need); binary data is refused with one sentence."""
    from coach.textio import decode_text, plain_text

    text = (
        plain_text(data, "the input")
        if isinstance(data, str)
        else decode_text(data, "the input", legacy=True)
    )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _mail_bytes(data: bytes | str, text: str) -> bytes:
    """What the mail parser reads: the file's own bytes, so 8-bit bodies are decoded with their
    declared charset, unless a byte-order mark says UTF-16 or UTF-32 (which no mail parser reads:
    the decoded text is handed over instead) or UTF-8 (the mark is dropped)."""
    from coach.textio import bom

    if isinstance(data, str):
        return text.encode("utf-8")
    marked = bom(data)
    if marked is None:
        return data
    return data[marked[1] :] if marked[0] == "utf-8" else text.encode("utf-8")


_HEADER = re.compile(r"^[A-Za-z][A-Za-z0-9-]{1,40}:[ \t]")
_EML_KEYS = {"date", "mime-version", "content-type", "message-id", "received", "return-path"}


def _header_block(text: str) -> list[str]:
    return text.lstrip()[:5000].split("\n\n", 1)[0].split("\n")


def _header_keys(text: str) -> set[str]:
    return {ln.split(":", 1)[0].lower() for ln in _header_block(text) if _HEADER.match(ln)}


def detect_format(text: str, filename: str | None = None) -> Literal["text", "html", "eml"]:
    name = (filename or "").lower()
    if name.endswith((".eml", ".msg.txt")):
        return "eml"
    if name.endswith((".html", ".htm")):
        return "html"
    head = text.lstrip()[:5000]
    header_block = _header_block(text)
    keys = _header_keys(text)
    # A message starts with its headers (or an mbox "From " line); a forward pasted as text
    # starts with "---------- Forwarded message ---------" above its From/Date/Subject lines.
    starts = bool(_HEADER.match(header_block[0]) or header_block[0].startswith("From "))
    if len(header_block) >= 3 and starts and "from" in keys and keys & _EML_KEYS:
        return "eml"
    # A tag, not an address in angle brackets such as <p.ricci@example.com>.
    if re.search(r"<(html|body|div|p|br|table|span|blockquote)(\s[^<>]*)?/?>", head, re.IGNORECASE):
        return "html"
    return "text"


# --- HTML and .eml ---------------------------------------------------------------------------

_MD_ESCAPE = re.compile(r"\\([-.+*#_`\[\]()!>|])")
_ANGLE = re.compile(r"[<>]")
_LONGEST_TAG = 4000


def _defuse_open_tags(html: str) -> str:
    """`html` with every `<` that no `>` closes within 4,000 characters written as `&lt;`: Python's
    HTML parser rescans to the end for each unclosed tag or attribute (2 MB of `<a style="xxx`
    took 26 s); a real tag is far shorter, and one pass over the angle brackets keeps this linear."""
    opens: list[int] = []
    broken: list[int] = []
    for m in _ANGLE.finditer(html):
        if m.group() == "<":
            opens.append(m.start())
        else:
            broken.extend(p for p in opens if m.start() - p > _LONGEST_TAG)
            opens.clear()
    broken.extend(opens)
    if not broken:
        return html
    out: list[str] = []
    pos = 0
    for p in broken:
        out.append(html[pos:p])
        out.append(_OPEN_MARK)
        pos = p + 1
    out.append(html[pos:])
    return "".join(out)


# A tag a browser would open: a known element, or a name with an attribute (`<span style=`);
# "p95<Nms" and "if x<y" in pasted text are not tags.
_TAG_START = re.compile(
    r"<(?:[A-Za-z][\w-]*\s+[\w:-]+\s*=|(?:span|div|p|a|font|table|tr|td|th|style|script|img|"
    r"br|b|i|u|strong|em|body|html|head|center|section|blockquote|ul|ol|li|h[1-6]|!--)(?![\w-]))",
    re.I,
)


def _unclosed_tag(html: str) -> int | None:
    """Where a tag opens that no `>` ever closes (`<span style="display:none` to the end): a
    browser reads the rest of the message as that tag and shows none of it."""
    last = html.rfind(">")
    m = _TAG_START.search(html, last + 1)
    return m.start() if m else None


# Written for a defused `<` and put back after conversion: as `&lt;`, each one was a separate
# piece of text to the converter (a 2 MB run of "<a " took 11 s; one piece now).
_OPEN_MARK = "\ue000"


# Elements a browser lays out as blocks that html2text runs together with what is next to them
# ("<section>a</section><section>b</section>" became "ab"); each is a paragraph of its own.
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "caption", "center", "details", "fieldset", "figcaption",
    "figure", "footer", "form", "header", "legend", "main", "nav", "section", "summary",
})  # fmt: skip


def _keep_apart(converter: HTML2Text, tag: str, attrs: object, start: bool) -> bool:
    """Keep the text of neighbouring table cells and blocks apart. With tables ignored html2text
    glued cells together: "<td>Account number</td><td>88231907</td>" became
    "Account number88231907", which no redaction of account numbers matches. Returns False so
    html2text still handles the tag its own way."""
    if tag in ("td", "th") and start:
        converter.space = True  # as the white space between two cells would
    elif tag == "table" or (tag == "tr" and start):
        converter.soft_br()  # a row whose "</tr>" was left out ends here too
    elif tag in _BLOCK_TAGS:
        converter.p()
    return False


def html_to_text(html: str, notes: list[str] | None = None) -> str:
    """HTML email to plain text with html2text; blockquotes become `>` lines, hidden text is cut."""
    import html2text

    cut = _unclosed_tag(html)
    if cut is not None:
        html = html[:cut]
        if notes is not None:
            notes.append(
                "The HTML ends inside a tag that is never closed; a mail client shows nothing "
                "after it, and nothing after it was read."
            )
    cleaned, hidden = drop_hidden(html)
    if hidden and notes is not None:
        notes.append(f"Ignored {hidden} hidden HTML element(s) a reader would not see.")
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    converter.ignore_links = True
    converter.ignore_emphasis = True
    converter.ignore_tables = True
    converter.unicode_snob = True
    # html2text's documented hook, typed there as always None.
    converter.tag_callback = _keep_apart  # type: ignore[assignment]
    text = converter.handle(_defuse_open_tags(cleaned.replace(_OPEN_MARK, "")))
    text = _MD_ESCAPE.sub(r"\1", text).replace(_OPEN_MARK, "<")
    lines = [ln.rstrip() for ln in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def eml_to_text(
    raw: str | bytes, notes: list[str], unshown: list[str] | None = None
) -> tuple[str, str]:
    """An RFC 822 message to (subject, body text); attachments are listed in a note, not read.
    The text of a plain-text version that says more than the HTML one goes to `unshown`."""
    from email import policy
    from email.parser import BytesParser

    try:
        # Bytes, so that 8-bit bodies are decoded with their declared charset.
        data = raw.encode("utf-8") if isinstance(raw, str) else raw
        data = _within_parts(_within_headers(data, notes), notes)
        message = BytesParser(policy=policy.default).parsebytes(data)
    except RecursionError:
        raise CoachError(
            "could not read the .eml file: its parts are nested inside each other too deeply "
            "(hundreds of messages attached within messages); save the newest one as its own "
            ".eml or paste its text"
        ) from None
    except Exception as exc:  # the parser is lenient; this is a last resort
        raise CoachError(f"could not read the .eml file ({type(exc).__name__})") from None
    assert isinstance(message, EmailMessage)
    # One line, as a mail client shows it; a subject folded over thousands of lines is cut.
    subject = " ".join(str(message.get("subject", "") or "").split())[:MAX_SUBJECT_CHARS]
    parts = _attachments(message)
    # Apple Mail writes a message with a picture in the middle as text, image, text: the text
    # after the picture is the message too, not an attachment.
    more_text = [p for p in parts if _inline_text(p)]
    parts = [p for p in parts if not _inline_text(p)]
    whole = [message] if message.get_content_type() == "message/rfc822" else []
    forwards = [p for p in whole + parts if _attached_mail(p)]
    budget = [MAX_ATTACHED_MAILS]  # shared with the emails attached inside attached ones
    read: dict[int, str] = {}
    for part in forwards:
        if budget[0] <= 0:
            break
        budget[0] -= 1
        read[id(part)] = _as_forward(part, notes, budget)
    attachments = [p.get_filename() or p.get_content_type() for p in parts if not read.get(id(p))]
    if attachments:
        notes.append(
            f"Ignored {len(attachments)} attachment(s): {', '.join(attachments[:5])}; "
            "only the message text is triaged."
        )
    # What a mail client shows: the HTML of a multipart/alternative message, not the plain text
    # beside it (which may say something else).
    body = message.get_body(preferencelist=("html", "plain")) or _enriched_body(message)
    attached = "".join(read.values())
    if not isinstance(body, EmailMessage):
        if attached:  # "Forward as attachment" with nothing typed above it
            return subject, attached.lstrip("\n")
        raise CoachError(
            "the .eml file has no text or HTML body to triage; paste the message text instead"
        )
    content = _body_text(body, message, notes, unshown)
    for part in more_text:
        try:
            content += "\n\n" + _body_text(part, message, notes)
        except CoachError:
            notes.append("A further text part of the message could not be read; open it yourself.")
    return subject, content.replace("\r\n", "\n") + attached


# Mail sent on "as an attachment" ("Forward as attachment", a .eml dropped into a message) is read
# as a forwarded message: its headers and text, after the banner mail clients write for a forward.
MAX_ATTACHED_MAILS = 5  # in all, counting emails attached inside attached emails
_MAIL_HEADERS = ("from", "to", "subject", "date")


def _attached_mail(part: EmailMessage) -> bool:
    """An attached email: `message/rfc822` or another `message/*` type (`message/global`), or a
    file named `.eml` whatever type it is sent as (Outlook and webmail send a dropped-in
    "Sync.eml" as `application/octet-stream`). Whether a `.eml` really holds one is decided when
    it is read (`_as_forward`)."""
    if part.get_content_maintype() == "message" and part.get_content_type() not in (
        "message/delivery-status",
        "message/disposition-notification",
    ):
        return True
    return (part.get_filename() or "").strip().lower().endswith(".eml")


def _as_forward(part: EmailMessage, notes: list[str], budget: list[int] | None = None) -> str:
    """An attached email as a forward banner, its headers and its text, then the emails attached
    to it in turn, while `budget` (how many more attached emails may be read) lasts; "" when it
    has no text."""
    from email import policy
    from email.parser import BytesParser

    if budget is None:
        budget = [0]
    inner = part.get_payload(0) if part.is_multipart() else None
    if part.get_content_maintype() != "message":
        # A .eml sent as a file ("application/octet-stream; name=Sync.eml"): an email when its
        # decoded bytes start with mail headers, not a file that happens to be named so.
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            return ""
        inner = BytesParser(policy=policy.default).parsebytes(_within_headers(data, notes))
        if not isinstance(inner, EmailMessage) or not any(h in inner for h in _MAIL_HEADERS):
            return ""
    if not isinstance(inner, EmailMessage):
        return ""
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    if part.get_content_maintype() == "message" and encoding in ("base64", "quoted-printable"):
        # Sent encoded (the standard forbids it; some clients do it): the parser took the
        # encoded text for a message without headers.
        import base64
        import binascii
        import quopri

        encoded = str(inner.get_payload()).encode("ascii", "replace")
        try:
            raw = (
                base64.b64decode(encoded) if encoding == "base64" else quopri.decodestring(encoded)
            )
        except (binascii.Error, ValueError):
            return ""
        inner = BytesParser(policy=policy.default).parsebytes(_within_headers(raw, notes))
        if not isinstance(inner, EmailMessage):
            return ""
    # "FW: see attached" whose attachment is itself "FW: see attached" with the customer's email
    # attached: each is read, the deepest last, as a thread of forwards reads.
    nested = [p for p in _attachments(inner) if _attached_mail(p)]
    attached = ""
    for k, child in enumerate(nested):
        if budget[0] <= 0:
            notes.append(
                f"{len(nested) - k} email(s) attached inside an attached email were not read "
                f"(only {MAX_ATTACHED_MAILS} attached emails are); open them yourself."
            )
            break
        budget[0] -= 1
        attached += _as_forward(child, notes, budget)
    body = inner.get_body(preferencelist=("html", "plain"))
    text = ""
    if isinstance(body, EmailMessage):
        try:
            text = _body_text(body, inner, notes)
        except CoachError:
            notes.append("An attached message's text could not be read; open it yourself.")
    if not text.strip() and not attached:
        return ""
    # Raw values, cut before they are unfolded: parsing a header takes more than linear time.
    raw_headers = {k.lower(): str(v)[:MAX_SUBJECT_CHARS] for k, v in inner.raw_items()}
    header = "\n".join(
        f"{name}: {' '.join(raw_headers[name.lower()].split())}"
        for name in ("From", "Date", "Subject", "To")
        if raw_headers.get(name.lower(), "").strip()
    )
    note = "Read an email attached to this one as a forwarded message."
    if note not in notes:  # once, however many are attached
        notes.append(note)
    return f"\n\n---------- Forwarded message ---------\n{header}\n\n{text.strip()}\n" + attached


# Base64 never holds a space inside a line; prose does, between its words.
_WORDS = re.compile(r"\S[ \t]+\S")
_WIDE_CHARSET = re.compile(r"(?i)^(?:utf|ucs)-?(?:16|32|2|4)")


def _misdeclared(body: EmailMessage, notes: list[str]) -> str | None:
    """The text of a part whose headers lie about it, read as it is written: marked base64 but
    plain text (most of its lines hold words with spaces between them), or marked UTF-16 or UTF-32 but
    holding no NUL byte, which text in those encodings always does."""
    raw = body.get_payload(decode=False)
    if not isinstance(raw, str):
        return None
    encoding = str(body.get("content-transfer-encoding", "")).strip().lower()
    if encoding == "base64":
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        if not lines or sum(bool(_WORDS.search(line)) for line in lines) * 2 < len(lines):
            return None
        squeezed = "".join(raw.split())
        if _reads_as_base64(squeezed, body.get_content_charset()):
            # RFC 2045 has a decoder skip what is outside the alphabet, spaces too: base64 in
            # groups ("PHA+SGkgU2FtLDwvcD48 cD5XZSB3aWxsIGNhbmNl") is still base64.
            body.set_payload(squeezed)
            return None
        notes.append(
            "The message body is marked base64 but is written as plain text; it was read as "
            "written."
        )
        data = raw.encode("utf-8", "surrogateescape")
    elif _WIDE_CHARSET.match(body.get_content_charset() or "") and encoding in ("", "7bit", "8bit"):
        data = raw.encode("utf-8", "surrogateescape")
        if b"\x00" in data:
            return None
        notes.append(
            f"The message body is marked {body.get_content_charset()} but is not written in it; "
            "it was read as UTF-8."
        )
    else:
        return None
    return decode(data)


PRINTABLE_SHARE = 0.95  # of a decoded body's characters, for it to be taken as text


def _reads_as_base64(squeezed: str, charset: str | None) -> bool:
    """`squeezed` (a body without its whitespace) is valid base64 of mostly printable text in
    `charset`: prose mislabelled as base64 has punctuation outside the alphabet, or decodes to
    noise."""
    import base64
    import binascii

    try:
        decoded = base64.b64decode(squeezed, validate=True)
        text = decoded.decode(charset or "utf-8", errors="replace")
    except (binascii.Error, LookupError, ValueError):
        return False
    shown = sum(c.isprintable() or c in "\t\n\r" for c in text) - text.count("\ufffd")
    return bool(text) and shown >= PRINTABLE_SHARE * len(text)


def _body_text(
    body: EmailMessage, message: EmailMessage, notes: list[str], unshown: list[str] | None = None
) -> str:
    as_written = _misdeclared(body, notes)
    content = as_written if as_written is not None else _part_text(body)
    damaged = {type(d).__name__ for d in body.defects} if as_written is None else set()
    if "InvalidBase64LengthDefect" in damaged:  # the library hands back the undecoded text
        raise CoachError(
            "the .eml body is marked base64 but is damaged (cut short?) and cannot be read; "
            "paste the message text instead"
        )
    if "InvalidBase64PaddingDefect" in damaged:  # decoded, but the end may be missing
        notes.append(
            "The message body's base64 ends without its padding, so it may be cut short: "
            "read the end of the email yourself."
        )
    if "InvalidBase64CharactersDefect" in damaged:
        notes.append("The message body had stray characters in its base64; they were skipped.")
    if body.get_content_type() in _ENRICHED:
        content = enriched_to_text(content, body.get_content_type())
    if body.get_content_type() == "text/html":
        content = html_to_text(content, notes)
        if not _shows_text(content):
            # "<p>&nbsp;</p>", or only white-on-white text, beside a plain text that says "We
            # are cancelling the contract": a client that shows the HTML shows nothing, one that
            # shows plain text shows the threat. Read the plain text.
            instead = _plain_alternative(body, message, notes)
            if instead is not None:
                return instead
        plain = message.get_body(preferencelist=("plain",))
        if isinstance(plain, EmailMessage) and _says_more(_part_text(plain), content):
            if unshown is not None:  # the engine reads it for an escalation the HTML hides
                unshown.append(_part_text(plain).replace("\r\n", "\n"))
            notes.append(
                "The email's plain-text version says things its HTML version (what a mail client "
                "shows, and what was triaged) does not: read the plain text yourself."
            )
    return content.replace("\r\n", "\n")


# Older mail clients (Eudora, NeXTMail, some Mac mailers) write formatted text as text/enriched
# (RFC 1896) or its forerunner text/richtext (RFC 1341) with no plain-text version beside it.
_ENRICHED = ("text/enriched", "text/richtext")
_ENRICHED_TAG = re.compile(r"<(/?)([A-Za-z0-9-]{1,60})>")


def _enriched_body(message: EmailMessage) -> EmailMessage | None:
    for part in message.walk():
        if (
            isinstance(part, EmailMessage)
            and part.get_content_type() in _ENRICHED
            and not part.is_attachment()
        ):
            return part
    return None


def enriched_to_text(text: str, kind: str = "text/enriched") -> str:
    """The words of a text/enriched or text/richtext body: formatting commands ("<bold>") are
    dropped with what a `<param>` holds. In text/enriched "<<" is a "<", a lone line break is a
    space and n of them are n - 1 (except inside `<nofill>`); in text/richtext every line break is
    a space, `<nl>` is one and `<lt>` is a "<"."""
    text = text.replace("\r\n", "\n")
    out: list[str] = []
    param = nofill = 0
    pos = 0
    enriched = kind == "text/enriched"
    pattern = (
        re.compile(r"<<|\n+|" + _ENRICHED_TAG.pattern)
        if enriched
        else re.compile(r"\n|" + _ENRICHED_TAG.pattern)
    )
    for m in pattern.finditer(text):
        if not param:
            out.append(text[pos : m.start()])
        pos = m.end()
        token = m.group(0)
        if token == "<<":
            out.append("" if param else "<")
        elif token.startswith("\n"):
            if param:
                continue
            if not enriched:
                out.append(" ")
            elif nofill:
                out.append(token)
            else:
                out.append(" " if len(token) == 1 else "\n" * (len(token) - 1))
        else:
            closing, name = m.group(1) == "/", m.group(2).lower()
            step = -1 if closing else 1
            if name == "param":
                param = max(0, param + step)
            elif name == "nofill":
                nofill = max(0, nofill + step)
            elif not enriched and not closing and name in ("nl", "lt"):
                out.append("\n" if name == "nl" else "<")
    if not param:
        out.append(text[pos:])
    return "".join(out)


def _shows_text(text: str) -> bool:
    from coach.textio import INVISIBLE

    return bool(INVISIBLE.sub("", text).strip())


def _plain_alternative(body: EmailMessage, message: EmailMessage, notes: list[str]) -> str | None:
    """The text of the plain-text alternative to the HTML part `body` (its sibling in a
    multipart/alternative), with a note; None when there is none or it shows no text either."""
    for part in message.walk():
        if part.get_content_type() != "multipart/alternative":
            continue
        siblings = [p for p in part.iter_parts() if isinstance(p, EmailMessage)]
        if not any(p is body for sibling in siblings for p in sibling.walk()):
            continue
        for sibling in siblings:
            if sibling.get_content_type() != "text/plain" or sibling.is_attachment():
                continue
            said: list[str] = []
            try:
                text = _body_text(sibling, message, said)
            except CoachError:
                return None
            if not _shows_text(text):
                return None
            notes.extend(said)
            notes.append(
                "The email's HTML version (what a mail client shows) shows no text; its "
                "plain-text version was triaged instead."
            )
            return text
        return None
    return None


_WORD = re.compile(r"\w{3,}")
UNSHOWN_SHARE = 0.2  # of the plain text's words, missing from the HTML


def _says_more(plain: str, shown: str) -> bool:
    """The plain-text alternative has words the HTML one does not show (beyond line breaks and
    markup): a fifth of its distinct words or more."""
    said = {w.lower() for w in _WORD.findall(plain)}
    seen = {w.lower() for w in _WORD.findall(shown)}
    missing = said - seen
    return len(missing) >= 3 and len(missing) >= UNSHOWN_SHARE * len(said)


# Every MIME part costs the parser about a quarter of a millisecond: 40,000 tiny parts in a
# 2 MB file took 10 s. Real mail has a few dozen; what is past this many is not read.
MAX_MIME_PARTS = 1000
_DELIMITER = re.compile(rb"^--", re.MULTILINE)


# A header block is a few kilobytes (a long chain of Received lines, some tens); the mail parser
# unfolds a header in time that grows faster than its length. Past MAX_HEADER_BYTES only the
# headers that say how to read the message are kept, and no header is kept longer than
# MAX_ONE_HEADER_BYTES.
MAX_HEADER_BYTES = 64_000
MAX_ONE_HEADER_BYTES = 4_000
MAX_SUBJECT_CHARS = 500
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_ESSENTIAL = re.compile(
    rb"(?i)(content-type|content-transfer-encoding|content-disposition|mime-version|from|to|"
    rb"subject|date)\s*:"
)


def _within_headers(data: bytes, notes: list[str]) -> bytes:
    """The message with a header block longer than MAX_HEADER_BYTES cut down: each header to
    MAX_ONE_HEADER_BYTES, and past the budget only the ones that say how to read the body."""
    end = _HEADER_END.search(data)
    head_end = end.start() if end else len(data)
    if head_end <= MAX_HEADER_BYTES:
        return data
    kept: list[bytes] = []
    size = 0
    line_start = 0
    header: list[bytes] = []  # the current header's lines, up to MAX_ONE_HEADER_BYTES

    def close() -> None:
        nonlocal size
        if header and (size < MAX_HEADER_BYTES or _ESSENTIAL.match(header[0])):
            kept.extend(header)
            size += sum(len(h) + 1 for h in header)

    length = 0
    while line_start < head_end:
        nl = data.find(b"\n", line_start, head_end)
        line_end = head_end if nl < 0 else nl
        line = data[line_start:line_end]
        if line[:1] in (b" ", b"\t") and header:  # folded: still the same header
            if length + len(line) <= MAX_ONE_HEADER_BYTES:
                header.append(line)
                length += len(line)
        else:
            close()
            header, length = [line[:MAX_ONE_HEADER_BYTES]], min(len(line), MAX_ONE_HEADER_BYTES)
        line_start = line_end + 1
    close()
    notes.append(
        f"The .eml file's headers run past {MAX_HEADER_BYTES // 1000} KB; only the first "
        f"{MAX_HEADER_BYTES // 1000} KB of them, and those that say how to read it, were read."
    )
    return b"\n".join(kept) + data[head_end:]


def _within_parts(data: bytes, notes: list[str]) -> bytes:
    """The message up to its MAX_MIME_PARTS-th part delimiter (a line opening with "--")."""
    for k, m in enumerate(_DELIMITER.finditer(data), start=1):
        if k > MAX_MIME_PARTS:
            notes.append(
                f"The .eml file has more than {MAX_MIME_PARTS:,} MIME parts; only the first "
                f"{MAX_MIME_PARTS:,} were read."
            )
            return data[: m.start()]
    return data


def _inline_text(part: EmailMessage) -> bool:
    """A text part shown in the message, not attached: plain text or HTML, not marked as an
    attachment, and with no file name unless it is marked inline (mail clients send a second
    note as `Content-Disposition: inline; filename="message.txt"` and show it in the body)."""
    disposition = part.get_content_disposition()
    return (
        part.get_content_type() in ("text/plain", "text/html")
        and disposition != "attachment"
        and (disposition == "inline" or not part.get_filename())
    )


def _attachments(message: EmailMessage) -> list[EmailMessage]:
    try:
        return [p for p in message.iter_attachments() if isinstance(p, EmailMessage)]
    except Exception:
        return []


def _part_text(part: EmailMessage) -> str:
    _plain_encoding(part)
    try:
        text = _html_meta_text(part)
        if text is None:
            text = _undeclared_text(part)
        if text is None:
            text = str(part.get_content())
    except (LookupError, UnicodeError, KeyError):
        payload = part.get_payload(decode=True)
        text = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if (
        part.get_content_type() == "text/plain"
        and str(part.get_param("format", "")).lower() == "flowed"
    ):
        return unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return text


def _undeclared_text(part: EmailMessage) -> str | None:
    """A part that names no charset and holds 8-bit bytes, read as every other input is: UTF-8,
    else Windows-1252 as older mail clients write ("We won\x92t renew" keeps its apostrophe;
    the mail library made every such byte a replacement character). None when the part names a
    charset or is plain ASCII."""
    if part.get_param("charset") is not None:
        return None
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or payload.isascii():
        return None
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("cp1252", errors="replace")


def _plain_encoding(part: EmailMessage) -> None:
    """The part's Content-Transfer-Encoding as the mail library compares it: trimmed and lower
    case. `Content-Transfer-Encoding: base64 ` (a trailing space), or the value folded onto the
    next line, left the base64 undecoded and read as text."""
    value = part.get("content-transfer-encoding")
    if value is not None and str(value) != str(value).strip().lower():
        part.replace_header("Content-Transfer-Encoding", str(value).strip().lower())


# A browser reads the charset an HTML part names for itself when its headers name none; it
# looks for it near the top of the page (the HTML standard scans the first 1,024 bytes).
META_BYTES = 2048
_META_CHARSET = re.compile(rb"(?i)<meta\b[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]{1,40})")


def _html_meta_text(part: EmailMessage) -> str | None:
    """An HTML part with no charset in its headers, read in the one its `<meta charset>` names:
    `<meta charset="windows-1252">` makes byte 0x92 the apostrophe of "won't", not a control
    character. None when the headers name a charset or the page names none the codecs know."""
    import codecs

    if part.get_content_type() != "text/html" or part.get_param("charset") is not None:
        return None
    payload = part.get_payload(decode=True)
    found = _META_CHARSET.search(payload[:META_BYTES]) if isinstance(payload, bytes) else None
    if not isinstance(payload, bytes) or found is None:
        return None
    try:
        name = codecs.lookup(found.group(1).decode("ascii")).name
    except LookupError:
        return None
    # As a browser does: bytes cannot be UTF-16 when the page names it in ASCII, and a page
    # that says Latin-1 or ASCII is read as Windows-1252, which they are a part of.
    if name.startswith(("utf-16", "utf-32")):
        name = "utf-8"
    elif name in ("iso8859-1", "ascii"):
        name = "cp1252"
    return payload.decode(name, errors="replace")


_QUOTE_DEPTH = re.compile(r"^>*")


def unflow(text: str, delsp: bool = False) -> str:
    """Plain text sent `format=flowed` (RFC 3676) as it was typed: a line that ends in a space
    goes on in the next line of the same quote depth (without that space when `delsp=yes`, which
    some mailers use to break inside a word), and a space stuffed before a line is dropped. The
    signature separator "-- " is no soft break."""
    out: list[str] = []
    joining = False
    for line in text.split("\n"):
        line = line.removesuffix("\r")
        depth = _QUOTE_DEPTH.match(line).group(0)  # type: ignore[union-attr]
        body = line[len(depth) :]
        body = body[1:] if body.startswith(" ") else body  # space-stuffed
        if joining and out and _QUOTE_DEPTH.match(out[-1]).group(0) == depth:  # type: ignore[union-attr]
            out[-1] += body
        else:
            out.append(depth + (" " if depth and body else "") + body)
        joining = body.endswith(" ") and body != "-- "
        if joining and delsp:
            out[-1] = out[-1][:-1]
    return "\n".join(out)


# --- threads, signatures, disclaimers --------------------------------------------------------

_MOBILE = re.compile(
    r"^\s*(Sent from my \w+|Sent from (Mail|Outlook|Yahoo Mail)|Get Outlook for \w+|"
    r"Sent via \w+|Von meinem \w+ gesendet|Gesendet von meinem \w+|Envoyé de mon \w+|"
    r"Enviado desde mi \w+)\b.*$",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"^\s*\**(CONFIDENTIAL|CONFIDENTIALITY|DISCLAIMER|PRIVILEGED|This (e-?mail|message|"
    r"communication)( and any (files|attachments))? (is|are|may contain|contains)|If you are not "
    r"the intended recipient|The information (contained )?in this (e-?mail|message)|"
    r"Diese (E-Mail|Nachricht) (enthält|ist)|Ce (message|courriel|e-mail) (et|est|contient)|"
    r"Este (mensaje|correo)( electrónico)? (y|es|contiene|puede)|"
    # ... and in the other languages read: a company's footer is often in its own language
    r"Sollten Sie diese (E-Mail|Nachricht) (irrtümlich|fälschlicherweise)|"
    r"Si vous avez reçu ce (message|courriel|e-mail) par erreur|"
    r"Si (usted )?ha recibido este (mensaje|correo)( electrónico)? por error|"
    r"(Dit|Deze) (e-?mail|e-?mailbericht|bericht) (is|kan|bevat|en eventuele)|"
    r"Indien u (dit|deze) (e-?mail|bericht) (ten onrechte|onterecht|per vergissing|abusievelijk)|"
    r"(Questo|Il presente) (messaggio|e-?mail)( e i suoi allegati| e gli eventuali allegati)? "
    r"(è|e|contiene|può|sono)|Questa e-?mail (è|contiene|può)|"
    r"Le informazioni contenute (in questo|nella presente)|"
    r"Se (lo |la )?(avete|hai) ricevut[oa] (questo messaggio |questa e-?mail )?per errore|"
    r"(Esta mensagem|Este e-?mail)( e os seus anexos)? (é|contém|pode|e)|"
    r"Se (você )?recebeu (esta mensagem|este e-?mail) por (engano|erro)|"
    r"(Ta|Niniejsza) wiadomość( e-mail)? (jest|zawiera|może|i)|"
    r"Jeżeli (otrzymał(eś|aś)|otrzymali Państwo|Pan\(i\) otrzymał\(a\)) tę wiadomość)",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^\s*(best|best regards|kind regards|warm regards|regards|best wishes|warmly|warm wishes|"
    r"take care|kr|br|(many )?thanks( so much| again| a lot| in advance)?|thank you( so much| again|"
    r" in advance)?|cheers|sincerely|yours sincerely|yours truly|respectfully|all the best|"
    r"talk soon|cordially|mit freundlichen grüßen|freundliche grüße|viele grüße|beste grüße|"
    r"liebe grüße|grüße|gruß|(vielen )?dank(e)?( im voraus| schön| und (viele|beste|liebe) grüße)?|cordialement|bien cordialement|"
    r"bien à vous|salutations|merci( d'avance| beaucoup| par avance| d’avance)?|atentamente|"
    r"saludos|un saludo|un cordial saludo|saludos cordiales|cordiales saludos|"
    r"(muchas )?gracias( de antemano| por adelantado)?|un abrazo|abrazos|schöne grüße|"
    r"herzliche grüße|bonne journée|bien à toi|amitiés|"
    r"cordiali saluti|distinti saluti|cordialmente|saluti|un saluto|un caro saluto|grazie( mille)?|"
    r"met vriendelijke groet(en)?|vriendelijke groet(en)?|hartelijke groet(en)?|groet(en|jes)?|"
    r"(alvast )?bedankt|dank (je|u)( wel)?|mvg|"
    r"atenciosamente|cumprimentos|melhores cumprimentos|abraços?|um abraço|obrigad[oa]|att\.?|"
    r"pozdrawiam|serdecznie pozdrawiam|z poważaniem|z wyrazami szacunku|pozdrowienia|dziękuję|"
    r"dzięki)\s*[,.!]?"
    r"(\s*(?-i:[A-ZÀ-ÖØ-Þ][\w'’.-]*)(\s+(?-i:[A-ZÀ-ÖØ-Þ][\w'’.-]*)){0,2})?\s*$",
    re.IGNORECASE,
)
# A postscript after the signature is the customer's text again ("P.S. ..."); so is a long line.
_POSTSCRIPT = re.compile(r"^\s*(p\.?\s?p\.?\s?s|p\.?\s?s|n\.?\s?b)\b\.?\s*[:.,\-–]?", re.IGNORECASE)
# A name on its own as the message's last paragraph ("Hanna", "Ingrid Sørensen\nFinance").
_BARE_NAME = re.compile(
    r"^\s*[-–—~]*\s*(?-i:(Dr|Mr|Mrs|Ms|Prof)\.?\s+)?(?-i:[A-ZÀ-ÖØ-Þ][\w'’-]*\.?)"
    r"(\s+(?-i:(?:de|van|der|den|von|zu|da|di|do|dos|das|del|della|la|le|ten|ter|y|e|al|bin)\s+){0,2}"
    r"(?-i:[A-ZÀ-ÖØ-Þ][\w'’-]*\.?)){0,2}\s*$"
)
_NOT_NAMES = {
    "thanks", "thank", "regards", "best", "cheers", "hi", "hello", "hey", "dear", "team", "support",
    "urgent", "update", "help", "please", "sorry", "ok", "okay", "yes", "no", "asap", "fyi",
    "merci", "danke", "gracias", "hallo", "bonjour", "hola", "saludos", "grüße", "ps",
}  # fmt: skip


def is_bare_name(line: str) -> bool:
    """A line that is only a person's name (with an optional title or a leading dash)."""
    m = _BARE_NAME.match(line)
    if not m or len(line.strip()) > 40:
        return False
    words = re.findall(r"[\w'’-]+", line)
    return bool(words) and not any(w.lower() in _NOT_NAMES for w in words)


def _prose_line(line: str) -> bool:
    """A sentence, not a signature line: four or more words, at least half of them in lower case,
    ending as a sentence ends ("We are cancelling the contract."). Numbers are neither: German
    capitalises its nouns ("Wir kündigen den Vertrag zum 30. Juni.")."""
    words = [w for w in line.split() if w[:1].isalpha()]
    if len(words) < 4 or not line.rstrip().endswith((".", "!", "?")) or "@" in line:
        return False
    if _LEGAL_FORM.search(line):
        return False  # "Dyrektor finansowy, Acme Sp. z o.o.": a title and a company
    return sum(w[:1].islower() for w in words) * 2 >= len(words)


# A company's legal form ending a line ("Acme Sp. z o.o.", "Northwind Ltd.", "Lumen S.A.").
_LEGAL_FORM = re.compile(
    r"(?i),\s*[^,]{1,60}\b(?:sp\.\s*z\s*o\.\s*o\.|s\.\s*a\.|ltd\.|inc\.|co\.|b\.\s*v\.|"
    r"n\.\s*v\.|s\.\s*l\.|lda\.|s\.\s*p\.\s*a\.|s\.\s*r\.\s*l\.|s\.\s*a\.\s*s\.)\s*$"
)


def _strip_tail(lines: list[str], idx: list[int]) -> tuple[list[int], list[int], list[int]]:
    """Split the newest message's line indices into (body, signature, disclaimer)."""
    body = [i for i in idx if not _MOBILE.match(lines[i])]
    disclaimer_at = next(
        (k for k, i in enumerate(body) if k > 0 and _DISCLAIMER.match(lines[i])), None
    )
    disclaimer: list[int] = []
    if disclaimer_at is not None:
        body, disclaimer = body[:disclaimer_at], body[disclaimer_at:]
    signature_at: int | None = None
    postscript_at: int | None = None
    nonblank = [k for k, i in enumerate(body) if lines[i].strip()]
    for k, i in enumerate(body):
        if lines[i].strip() in {"--", "-- ", "—"} and k > 0:
            signature_at = k
            # "-- \nDana\nVP Operations\n\nP.S. If this is not fixed by Friday we will
            # cancel": what the customer writes after the signature is theirs again.
            postscript_at = next(
                (j for j in nonblank if j > k and (
                    _POSTSCRIPT.match(lines[body[j]]) or _prose_line(lines[body[j]]))),
                None,
            )  # fmt: skip
            break
    if signature_at is None:
        for pos, k in enumerate(nonblank):
            if pos == 0 or not _SIGN_OFF.match(lines[body[k]]):
                continue
            rest = nonblank[pos + 1 :]
            # Read what follows a sign-off as after a "-- " line: a sentence there is the
            # customer's again. "Thanks.\n\nWe will cancel our contract.\n\nBest,\nMarta" does
            # not end at "Thanks."; "Thanks,\nJan\n\nForgot to say: we will cancel." adds to it.
            ps = next(
                (m for m, j in enumerate(rest)
                 if _POSTSCRIPT.match(lines[body[j]]) or len(lines[body[j]].strip()) > 60
                 or _prose_line(lines[body[j]])),
                None,
            )  # fmt: skip
            tail = rest if ps is None else rest[:ps]
            line = lines[body[k]].strip()
            bare = re.sub(r"[\s,.!]+$", "", line)
            if (
                ps is not None
                and not tail
                and _SIGN_OFF.match(bare)
                and "," not in bare
                and not _POSTSCRIPT.match(lines[body[rest[ps]]])
            ):
                continue  # "Thanks" followed by more prose is not a sign-off
            if len(tail) <= 6:
                signature_at = k
                postscript_at = None if ps is None else rest[ps]
                break
    if signature_at is None and len(nonblank) >= 2:
        # A last paragraph of one to three short lines that starts with a name.
        paragraph = [nonblank[-1]]
        for k in reversed(nonblank[:-1]):
            if k != paragraph[0] - 1 or len(paragraph) == 3:
                break
            paragraph.insert(0, k)
        # "Jan Kowalski\nIf this is not fixed, we will cancel." is a name over a sentence, as
        # after a sign-off: the message, not a signature.
        if (
            paragraph[0] != nonblank[0]
            and paragraph[0] - 1 not in nonblank
            and is_bare_name(lines[body[paragraph[0]]])
            and all(
                len(lines[body[k]].strip()) <= 60 and not _prose_line(lines[body[k]])
                for k in paragraph
            )
        ):
            signature_at = paragraph[0]
    signature: list[int] = []
    if signature_at is not None:
        end = len(body) if postscript_at is None else postscript_at
        signature = body[signature_at:end]
        body = body[:signature_at] + body[end:]
    return body, signature, disclaimer


def _blocks(lines: list[str], idx: list[int]) -> list[str]:
    """Contiguous runs of lines, joined verbatim, split at blank lines and at removed lines."""
    blocks: list[str] = []
    run: list[int] = []

    def flush() -> None:
        text = "\n".join(lines[j] for j in run).strip()
        if text:
            blocks.append(text)
        run.clear()

    prev: int | None = None
    for i in idx:
        if not lines[i].strip() or (prev is not None and i != prev + 1):
            flush()
        if lines[i].strip():
            run.append(i)
        prev = i
    flush()
    return blocks


def parse(data: bytes | str, fmt: Format = "auto", filename: str | None = None) -> ParsedEmail:
    """Decode, convert and split an email; raises CoachError on input with no text to triage."""
    text = decode(data)
    notes: list[str] = []
    kind = detect_format(text, filename) if fmt == "auto" else fmt
    subject = ""
    unshown: list[str] = []
    if kind == "eml":
        try:
            subject, text = eml_to_text(_mail_bytes(data, text), notes, unshown)
        except CoachError:
            if fmt == "eml" or (filename or "").lower().endswith((".eml", ".msg.txt")):
                raise
            if _header_keys(text) & (_EML_KEYS - {"date"}):
                raise  # MIME structure, not headers typed or pasted above a message
            # Text that only looked like a message (headers pasted above what the customer
            # wrote) and holds no body as one: read as the text it is.
            notes.clear()
    elif kind == "html":
        text = html_to_text(text, notes)
    # A body or subject decoded from base64 or quoted-printable may hold a NUL, as raw text may.
    subject, text = subject.replace("\x00", ""), text.replace("\x00", "")
    shown, cut = _reading_cut(text)
    if cut < len(text):
        notes.append(
            f"The input has {shown:,} characters; only the first {MAX_CHARS:,} were triaged."
            if shown > MAX_CHARS
            else f"The input is padded with {len(text) - shown:,} invisible characters; only "
            f"its first {cut:,} characters were triaged."
        )
        text = text[:cut]
    if subject:
        text = f"Subject: {subject}\n\n{text}"
    if not text.strip():
        raise CoachError("the email is empty; paste the customer's message or pass a file")
    lines = text.split("\n")
    parts = split_parts(text)
    newest_idx = [i for part in parts if part.speaker == "newest" for i in part.lines]
    for i in newest_idx:  # the sender's own words set off with ">" (`split_parts` says which)
        if lines[i].lstrip().startswith(">"):
            lines[i] = lines[i].lstrip().lstrip(">").lstrip()
    history_idx = [i for part in parts if part.speaker == "quoted" for i in part.lines]
    body, signature, disclaimer = _strip_tail(lines, newest_idx)
    blocks = _blocks(lines, body)
    if subject and blocks and blocks[0] == f"Subject: {subject}" and _is_reply_subject(subject):
        blocks = blocks[1:]  # "Re: ..." repeats the old thread's topic, not the customer's words
    forwarded: list[str] = []
    for part in parts:
        if part.speaker == "forwarded":
            fw_body, fw_signature, _ = _strip_tail(lines, part.lines)
            forwarded += _blocks(lines, fw_body)
            if not signature:
                signature = fw_signature
    if forwarded:
        notes.append(
            "A forwarded message from the customer's side was read as part of their message."
        )
    if not forwarded and history_idx and (not blocks or _greeting_only(blocks, text)):
        # Nothing new above a reply marker (or only "Hi Sam,"): the marker does not look like a
        # real reply, and what follows it is what the customer is saying.
        notes.append("The message has no new text above the quoted history; the history was read.")
        said = [i for i in history_idx if not is_marker(lines[i])]
        h_body, h_signature, _ = _strip_tail(lines, said)
        blocks = blocks + _blocks(lines, h_body)
        if not signature:  # the signer is under what they said
            signature = h_signature
    if not blocks and not forwarded:
        raise CoachError("the email has no message text to triage (only a signature or quotes)")
    other = "\n\n".join(unshown).replace("\x00", "")
    enclosed = _enclosed_quote(lines, parts)
    own_history = _own_earlier_message(lines, parts, [lines[i] for i in signature])
    return ParsedEmail(
        format=kind,
        text=text,
        newest_blocks=blocks + forwarded,
        history="\n".join(lines[i] for i in history_idx).strip(),
        signature="\n".join(lines[i] for i in signature).strip(),
        disclaimer="\n".join(lines[i] for i in disclaimer).strip(),
        subject=subject,
        notes=notes,
        forwarded=len(forwarded),
        unshown=other[: _reading_cut(other)[1]],
        enclosed=enclosed,
        own_history=own_history,
    )


_NAME_WORD = re.compile(r"(?<![\w@.])[A-ZÀ-ÞĀ-Ž][^\W\d_]{2,}")


def _own_earlier_message(lines: list[str], parts: list[Part], signature: list[str]) -> str:
    """The first quoted message under the newest one, when its reply line or From line names
    the person who signs the newest message (every word of the name they sign with) and not the
    person it greets ("Any update? / Sarah / On Mon ..., Sarah Lee <sarah@...> wrote: / > Unless
    it is fixed by Friday we will not renew."): its own lines, down to the next reply line or
    header in it. The To line is not the author, and a shared surname is not the same person."""
    from coach.reading.mail import _is_quote

    k = next((n for n, p in enumerate(parts) if p.speaker != "newest"), None)
    if k is None or k == 0 or parts[k].speaker != "quoted":
        return ""
    name = next((line for line in signature if is_bare_name(line)), "")
    signer = {w.lower() for w in _NAME_WORD.findall(name)}
    newest = [lines[j] for p in parts[:k] for j in p.lines if lines[j].strip()]
    greeted = {w.lower() for w in _NAME_WORD.findall(newest[0])[1:]} if newest else set()
    own = parts[k].lines
    if all(is_marker(lines[j]) or not lines[j].strip() for j in own) and k + 1 < len(parts):
        own = own + parts[k + 1].lines  # "-----Original Message-----", then its header block
    author: set[str] = set()
    said: list[str] = []
    for j in own:
        line = lines[j]
        bare = line.lstrip().lstrip(">").strip() if _is_quote(line) else line.strip()
        if is_marker(line) or (said and is_marker(bare)):
            if said:
                break  # an older message quoted inside this one
            if not author and not _ORIGINAL_BANNER.match(bare):
                author = {w.lower() for w in _NAME_WORD.findall(bare.split("<")[0])}
            continue
        if line.lstrip().startswith(">>"):
            break
        if bare:
            said.append(bare)
    if not said or not signer or not signer <= author or author & greeted:
        return ""
    return "\n".join(said)


_ORIGINAL_BANNER = re.compile(r"^\W*-{2,}|^\W*_{4,}")


def _enclosed_quote(lines: list[str], parts: list[Part]) -> str:
    """The `>` lines of the one quoted block between the sender's words and their sign-off
    ("Thanks for the call. / On ... Tom wrote: / > We will not renew ... / Kind regards, Sarah"),
    when nothing but the sign-off follows it and the sender did not sign above it."""
    from coach.reading.mail import _is_quote, _only_closes

    k = next((n for n, p in enumerate(parts) if p.speaker != "newest"), None)
    if k is None or k == 0 or k + 2 != len(parts) or parts[k].speaker != "quoted":
        return ""
    above = [lines[j] for p in parts[:k] for j in p.lines if lines[j].strip()]
    below = [lines[j] for j in parts[k + 1].lines if lines[j].strip()]
    if parts[k + 1].speaker != "newest" or len(above) < 2 or not _only_closes(below):
        return ""
    if any(_SIGN_OFF.match(line) for line in above[1:]):
        return ""  # the customer signed above it: history under a finished message
    quoted = [lines[j] for j in parts[k].lines if _is_quote(lines[j])]
    if any(line.lstrip().startswith(">>") for line in quoted):
        return ""  # nested quotes: a thread, not one block
    return "\n".join(line.lstrip().lstrip(">").strip() for line in quoted).strip()


def _reading_cut(text: str) -> tuple[int, int]:
    """How many characters of `text` a reader sees, and where the MAX_CHARS-th of them ends.
    Invisible characters are kept (quotes stay verbatim) but not counted: "Hello," then 40,000
    zero-width spaces pushed the customer's threat past the cut though nobody sees them. The cut
    is never past MAX_TEXT_CHARS, the most a pasted text may hold: an .eml of 2 MB of zero-width
    spaces decodes to 660,000 characters, which took 13 s to triage."""
    from coach.textio import INVISIBLE, MAX_TEXT_CHARS

    runs = [m.span() for m in re.finditer(f"(?:{INVISIBLE.pattern})+", text)]
    shown = len(text) - sum(end - start for start, end in runs)
    cut = MAX_CHARS
    for start, end in runs:  # each run before the cut moves it on by the run's length
        if start >= cut:
            break
        cut += end - start
    return shown, min(cut, len(text), MAX_TEXT_CHARS)


def _greeting_only(blocks: list[str], text: str) -> bool:
    """Whether the new text is only a greeting or a sign-off with a name ("Hi Sam,")."""
    from coach.reading.context import _only_greeting as only_greeting
    from coach.reading.context import cues
    from coach.reading.language import detect

    lang = detect(text[:2000])

    def salutation(block: str) -> bool:  # "Gentile Dott. Adeyemi," "Buenas tardes, Sra. Ruiz:"
        return "\n" not in block and len(block.split()) <= 6 and block.endswith((",", ":", "!"))

    return all(
        only_greeting(cues(lang), b.strip()) or salutation(b.strip()) for b in blocks if b.strip()
    )


def _is_reply_subject(subject: str) -> bool:
    return bool(re.match(r"^\s*(re|aw|fw|fwd|wg|tr|rv)\s*:", subject, re.IGNORECASE))


# --- sentences -------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*([-*•·]|\d+[.)])\s+")
# Starts only where a run of marks starts and never backtracks into it, so a run of 30,000 dots is
# read once (linear), not once per dot.
_END = re.compile(r"(?<![.!?…])[.!?…]++[\"')\]]*+(?=\s++\S)")
_NEXT = re.compile(r"\s*+(\S)")
# "Dr. Fitch", "Mr. Kim": a title's full stop ends no sentence.
_ABBREVIATION = re.compile(r"(?<![\w.])(?:Dr|Mr|Mrs|Ms|Mx|Prof|St|Jr|Sr|Hr|Fr|Sig|Sra?|Mme|vs)\.$")
# A full stop after a whole word ends a sentence before a lower-case word too: reps and customers
# type "customer is vantage dental. intermittent sync failures since monday". Not after a short
# word or a word shortened with a full stop ("approx. ten", "incl. tax", "e.g. the export").
_ENDS_A_WORD = re.compile(
    r"(?<![\w.@/-])(?!(?:etc|inc|ltd|llc|plc|corp|approx|incl|excl|inkl|resp|bzw|ggf|evtl|usw|"
    r"vgl|sog|dept|esp|min|max|avg|est|ref|tel|fax|mob|ext|jan|feb|mar|apr|jun|jul|aug|sep|"
    r"sept|oct|nov|dec|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|govt|mgmt|mgr|dir|prof|gen|"
    r"sen|rep|div|misc|abt|nos|tbd|aka|ca|cf|pp|vs|nr|wg|zzgl|sr|jr|mrs|rev|vol|fig|att|attn|"
    r"pag|pág|núm|art|str|tab|ul|al|pkt|godz|tys|mln|mld|zł|ok|sz)\.)[^\W\d_]{3,}\.$",
    re.IGNORECASE,
)
# "bis zum 20. März", "am 3. Juni": a day's full stop before a month (German capitalises it).
_DAY = re.compile(r"(?<![\w.])\d{1,2}\.$")
_MONTH = re.compile(
    r"(?:Jan(?:uar)?|Feb(?:ruar)?|März|Maerz|Mär|Apr(?:il)?|Mai|Juni?|Juli?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Okt(?:ober)?|Nov(?:ember)?|Dez(?:ember)?)\b"
)


_HYPHENATED = re.compile(r"[^\W\d_]-$")


def sentences(block: str) -> list[str]:
    """Verbatim sentences of a block. A line break ends a sentence unless the line was hard-wrapped
    (long, and not ending in punctuation)."""
    from coach.textio import INVISIBLE

    cuts: set[int] = set()
    pos = 0
    lines = block.split("\n")
    for k, line in enumerate(lines[:-1]):
        pos += len(line) + 1
        # Measured as shown: "We will cancel at renewal" padded with invisible characters is
        # a short line, not one wrapped into the next ("Decision: HANDLE").
        stripped = INVISIBLE.sub("", line).rstrip()
        wrapped = len(stripped) >= 45 and not re.search(r"[.!?:;,…)]$", stripped)
        # A word hyphenated over the line ("instruc-" / "tions") goes on.
        wrapped = wrapped or bool(_HYPHENATED.search(stripped) and lines[k + 1][:1].islower())
        if not wrapped or _BULLET.match(lines[k + 1]):
            cuts.add(pos)
    for m in _END.finditer(block):
        after = _NEXT.match(block, m.end())
        nxt = after.group(1) if after else ""
        before = max(0, m.end() - 16)  # a title or a day is short: look only that far back
        if _ABBREVIATION.search(block, before, m.end()):
            continue
        if _DAY.search(block, before, m.end()) and after and _MONTH.match(block, after.start(1)):
            continue
        # A question or an exclamation ends a sentence even before a lower-case word ("can you
        # loop in your boss? need an answer today"); a full stop needs a capital (abbreviations).
        if nxt and (
            not nxt.islower()
            or m.group(0).rstrip("\"')]")[-1:] in "?!"
            or _ENDS_A_WORD.search(block, before, m.end())
        ):
            cuts.add(m.end())
    out: list[str] = []
    start = 0
    for cut in [*sorted(cuts), len(block)]:
        piece = block[start:cut].strip()
        start = cut
        out.extend(_cap(piece))
    return [s for s in out if s]


def _cap(piece: str) -> list[str]:
    """Very long "sentences" (no punctuation) are cut at commas or spaces."""
    if len(piece) <= MAX_SENTENCE_CHARS:
        return [piece] if piece else []
    parts: list[str] = []
    while len(piece) > MAX_SENTENCE_CHARS:
        window = piece[:MAX_SENTENCE_CHARS]
        cut = max(window.rfind(", "), window.rfind("; "))
        if cut < MAX_SENTENCE_CHARS // 3:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = MAX_SENTENCE_CHARS
        parts.append(piece[: cut + 1].strip())
        piece = piece[cut + 1 :].strip()
    if piece:
        parts.append(piece)
    return parts
