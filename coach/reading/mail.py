"""Who speaks where in an email: the sender's newest words, messages forwarded from their side,
and quoted history.

A thread is cut into parts by the marks mail clients write, in the eight languages the reader
knows: reply attributions ("On ... wrote:", "Op ... schreef:", "W dniu ... napisał:"), forward
banners ("---------- Forwarded message ---------", "Doorgestuurd bericht", "Wiadomość
przekazana"), header blocks (From:/Sent:/Subject:, in their translations) and `>` lines. A
forwarded message counts as the customer's side speaking (a colleague or their executive); quoted
history is context. Every part keeps verbatim text, so a quote from it is found in the email.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Speaker = Literal["newest", "forwarded", "quoted"]

_INTRO = r"(?:On|Am|Le|El|Il|Op|Em|W\s+dniu|Dnia|In\s+data|Den|Am\s+\w+)"
_WROTE = (
    r"(?:wrote|writes|schrieb|hat\s+geschrieben|a\s+écrit|escribió|ha\s+scritto|scrisse|"
    r"schreef|heeft\s+geschreven|escreveu|napisał\(a\)|napisał|napisała|napisal|pisze)"
)
# "On <date>, <name> wrote:", and word orders that put the name after the verb ("Am ... schrieb
# <name>:", "Op ... schreef <name>:").
_ATTRIBUTION = re.compile(
    rf"^\s*(?:{_INTRO}\b.{{0,240}}?\b{_WROTE}(?:\s.{{0,120}})?|.{{1,120}}\b{_WROTE})\s*:\s*$", re.I
)
_ATTRIBUTION_START = re.compile(rf"^\s*{_INTRO}\b", re.I)
_FORWARD = re.compile(
    r"^\s*(?:-{2,}\s*|_{2,}\s*)?(?:Forwarded\s+message|Begin\s+forwarded\s+message|"
    r"Weitergeleitete\s+Nachricht|Doorgestuurd\s+bericht|Begin\s+doorgestuurd\s+bericht|"
    r"Message\s+transf[ée]r[ée]|D[ée]but\s+du\s+message\s+r[ée]exp[ée]di[ée]|Mensaje\s+reenviado|"
    r"Inicio\s+del\s+mensaje\s+reenviado|Messaggio\s+inoltrato|Inizio\s+messaggio\s+inoltrato|"
    r"Mensagem\s+encaminhada|In[ií]cio\s+da\s+mensagem\s+encaminhada|Wiadomo[śs][ćc]\s+przekazana|"
    r"Przekazana\s+wiadomo[śs][ćc]|Pocz[ąa]tek\s+przekazanej\s+wiadomo[śs]ci)\s*:?\s*(?:-{2,}|_{2,})?\s*$",
    re.I,
)
_ORIGINAL = re.compile(
    r"^\s*(?:-{2,}\s*)?(?:Original\s+Message|Ursprüngliche\s+Nachricht|Oorspronkelijk\s+bericht|"
    r"Message\s+d'origine|Mensaje\s+original|Messaggio\s+originale|Mensagem\s+original|"
    r"Oryginalna\s+wiadomo[śs][ćc])\s*(?:-{2,})?\s*$|^\s*_{10,}\s*$|^\s*-{10,}\s*$",
    re.I,
)
_FROM = re.compile(r"^\s*\**(?:From|Von|Van|De|Da|Od|Från)\s*:\**\s*\S", re.I)
_HEADER_FIELD = re.compile(
    r"^\s*\**(?:From|Von|Van|De|Da|Od|Sent|Date|Gesendet|Datum|Verzonden|Envoy[ée](?:\s+le)?|"
    r"Enviad[oa](?:\s+(?:el|em))?|Fecha|Inviato(?:\s+il)?|Data|Wys[łl]ano|Subject|Betreff|Onderwerp|Objet|Asunto|Oggetto|Assunto|Temat|"
    r"To|An|Aan|[ÀA]|Para|Do|Cc|CC|Bcc|Kopie|Reply-To)\s*:",
    re.I,
)
_SUBJECT = re.compile(
    r"^\s*\**(?:Subject|Betreff|Onderwerp|Objet|Asunto|Oggetto|Assunto|Temat)\s*:\**\s*(.*)$", re.I
)
_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|wg|tr|rv|doorst|i|enc|pd|fw)\s*:", re.I)


@dataclass
class Part:
    """A run of one speaker's lines (indices into the email's lines)."""

    speaker: Speaker
    lines: list[int] = field(default_factory=list)
    subject: str = ""


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def _attribution_span(lines: list[str], i: int) -> int:
    """Lines taken by a reply attribution starting at i (0 if none); clients wrap it."""
    if _ATTRIBUTION.match(lines[i]) and (_ATTRIBUTION_START.match(lines[i]) or len(lines[i]) < 160):
        return 1
    wrapped = i + 1 < len(lines) and _ATTRIBUTION_START.match(lines[i])
    return 2 if wrapped and _ATTRIBUTION.match(lines[i] + " " + lines[i + 1]) else 0


def _next_line(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _history_follows(lines: list[str], i: int) -> bool:
    """A banner ("-----Original Message-----", a rule of dashes) opens history only when mail
    structure follows it: a real header block or attribution, or quoted lines. A line of dashes
    above the customer's own words is a separator, not a way to turn them into history."""
    j = _next_line(lines, i)
    if j >= len(lines):
        return False
    header, attribution = _header_block(lines, j), _attribution_span(lines, j)
    return bool(
        (header and _real_header(lines[j : j + header]))
        or (attribution and _real_attribution(lines, j, attribution))
        or _is_quote(lines[j])
    )


# What a mail client writes and a person rarely does: an address, or a date with its year or
# time ("Mon, 3 Mar 2025 10:14", "3/3/25", "2025-03-03", "10:14 AM"). "today", "now", "Monday"
# and "3 March" are what a person types.
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CLIENT_DATE = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}:\d\d\b|\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")


def _real_attribution(lines: list[str], i: int, span: int) -> bool:
    """An attribution a mail client wrote introduces quoted lines, or names both a sender's
    address and a full date ("On Mon, 3 Mar 2025 at 10:00, Sam <sam@x.com> wrote:"). "On
    Monday I wrote:" or "On 3 March our CEO wrote:" over unquoted text is the customer talking."""
    said = " ".join(lines[i : i + span])
    j = _next_line(lines, i + span)
    if j < len(lines) and _is_quote(lines[j]):
        return True
    return bool(_ADDRESS.search(said) and _CLIENT_DATE.search(said))


def _real_header(header: list[str]) -> bool:
    """A header block a mail client wrote carries an address or a full date, or several fields
    (From, Sent, To, Subject); "From: Dana / Date: today" or "From: me / Sent: now" typed above
    a threat is the customer talking, not quoted history."""
    return len(header) >= 3 or any(
        _ADDRESS.search(line) or _CLIENT_DATE.search(line) for line in header
    )


def _header_block(lines: list[str], i: int) -> int:
    """Length of a From:/Sent:/Subject: block starting at i (0 if none, or past the end)."""
    if i >= len(lines) or not _FROM.match(lines[i]):
        return 0
    value = lines[i].split(":", 1)[1].strip(" *")
    if "@" not in value and (len(value.split()) > 6 or value.endswith((".", "!", "?"))):
        return 0  # "From: our CFO's perspective this is serious." is a sentence, not a header
    end = i + 1
    while end < len(lines) and end - i < 8 and _HEADER_FIELD.match(lines[end]):
        end += 1
    return end - i if end - i >= 2 else 0


_ADDRESS_DOMAIN = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
_TO = re.compile(r"^\s*\**(?:To|An|Aan|[ÀA]|Para|Do)\s*:", re.I)


def _internal(header: list[str]) -> bool:
    """A header block whose sender and every recipient share one mail domain."""
    sender = [d.lower() for d in _ADDRESS_DOMAIN.findall(header[0])] if header else []
    to = [
        d.lower() for line in header[1:] if _TO.match(line) for d in _ADDRESS_DOMAIN.findall(line)
    ]
    return len(set(sender)) == 1 and bool(to) and set(to) == set(sender)


def _subject_of(lines: list[str], start: int, end: int) -> str:
    for line in lines[start:end]:
        m = _SUBJECT.match(line)
        if m:
            return m.group(1).strip()
    return ""


def is_marker(line: str) -> bool:
    """A line that frames quoted or forwarded mail rather than saying anything: a banner
    ("-----Original Message-----"), a header field ("Sent: ..."), or an attribution ("On ... wrote:")."""
    return bool(
        _ORIGINAL.match(line)
        or _FORWARD.match(line)
        or _HEADER_FIELD.match(line)
        or _ATTRIBUTION.match(line)
    )


_WORD = re.compile(r"[^\W\d_]{2,}")


def _signed_by_the_sender(lines: list[str], i: int, span: int, parts: list[Part]) -> bool:
    """Unquoted text under an attribution that ends signed by neither the person the attribution
    names nor the person the email greets, under a newest message that is not signed itself: the
    sender's own words with a reply line typed above them ("On Tue ..., Sam <sam@x.com> wrote:"
    ... "Best, Leo Marsh"), not a quoted message. A real quote of Sam's mail is signed by Sam or
    his team, and the customer signs above it."""
    from coach.triage.parse import _SIGN_OFF, is_bare_name

    end = next((k for k in range(i + span, len(lines)) if is_marker(lines[k])), len(lines))
    said = [k for k in range(i + span, end) if lines[k].strip()]
    closing = next((k for k in said if _SIGN_OFF.match(lines[k])), None)
    name = next((lines[k] for k in said if closing is not None and k > closing), "")
    if closing is None or not is_bare_name(name):
        return False
    newest = [k for p in parts if p.speaker == "newest" for k in p.lines if lines[k].strip()]
    if not newest or any(_SIGN_OFF.match(lines[k]) for k in newest[1:]):
        return False  # the customer signed above the quote, as a real reply does
    vendor = " ".join([*lines[i : i + span], lines[newest[0]]]).lower()
    known = set(_WORD.findall(vendor)) | set(_WORD.findall(vendor.replace(".", " ")))
    return not set(_WORD.findall(name.lower())) & known


# The new message says its answers are inside the quote below ("See my replies below in red",
# "answers inline", "Antworten unten", "réponses ci-dessous", "respuestas en rojo"): the unquoted
# lines between `>` lines there are the sender's, as Outlook users answer.
_INLINE_SAID = re.compile(
    r"\b(?:(?:my\s+)?(?:replies|answers|responses|comments|notes)\s+(?:are\s+)?(?:below|inline|"
    r"in-line|in\s+(?:red|blue|green|bold))|(?:reply|replied|answer(?:ed)?|respond(?:ed)?|"
    r"comment(?:ed)?)\s+(?:inline|in-line|below|in\s+(?:red|blue|green|bold))|"
    r"antworten\s+(?:unten|im\s+text|inline|in\s+rot)|kommentare\s+(?:unten|im\s+text)|"
    r"r[ée]ponses?\s+(?:ci-dessous|dans\s+le\s+texte|en\s+rouge)|commentaires\s+ci-dessous|"
    r"respuestas?\s+(?:abajo|debajo|en\s+el\s+texto|en\s+rojo)|comentarios\s+abajo|"
    r"rispost[ae]\s+(?:sotto|qui\s+sotto|nel\s+testo|in\s+rosso)|commenti\s+sotto|"
    r"antwoorden\s+(?:hieronder|in\s+de\s+tekst|in\s+het\s+rood)|"
    r"respostas?\s+(?:abaixo|no\s+texto|em\s+vermelho)|coment[áa]rios\s+abaixo|"
    r"odpowied[zź]\w*\s+(?:poni[żz]ej|w\s+tre[śs]ci|na\s+czerwono))\b",
    re.I,
)
# A line the sender tags with their name or initials among the quoted lines ("[Dana] No. We
# will not renew", ">>> Dana: we are out", "[DS] agreed").
_TAGGED = re.compile(
    r"^\s*>*\s*(?:\[\s*([^\]\n]{1,40}?)\s*\]|([^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){0,2})\s*:)\s*\S"
)


def _signers(lines: list[str]) -> set[str]:
    """The names the email is signed with, in lower case, and their initials ("dana", "ds"):
    lines of a name alone, outside the quoted lines."""
    from coach.triage.parse import is_bare_name

    names: set[str] = set()
    for line in lines:
        if not _is_quote(line) and not _HEADER_FIELD.match(line) and is_bare_name(line):
            words = _WORD.findall(line.lower())
            names |= {*words, "".join(w[0] for w in words)}
    return names


def _tagged_by_the_sender(line: str, signers: set[str], vendor: set[str]) -> bool:
    """A line opened by the tag of a name the email is signed with ("[Dana]", ">>> Dana:",
    "[DS]"), not a name of the quoted side (its sender, the person greeted): the customer
    answering inside the quote. "> Note: ..." or "> Q: ..." tag nobody."""
    m = _TAGGED.match(line)
    if m is None or _HEADER_FIELD.match(line.lstrip(" >")):
        return False
    words = _WORD.findall((m.group(1) or m.group(2)).lower())
    return bool(words) and set(words) <= signers and not set(words) & vendor


def _answered_inline(lines: list[str], i: int, parts: list[Part]) -> bool:
    """Line i of quoted history is the sender answering inside the quote: it comes after a `>`
    line and the new message said its answers are inline, or it carries the sender's tag."""
    if not lines[i].strip():
        return False
    before = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
    if not _is_quote(before):
        return False
    newest = [lines[k] for p in parts if p.speaker == "newest" for k in p.lines]
    # Who the quoted side is: its header or attribution, and the person the sender greets.
    said = [
        lines[k] for p in parts if p.speaker == "quoted" for k in p.lines if is_marker(lines[k])
    ]
    greeting = next((line for line in newest if line.strip()), "")
    vendor = set(_WORD.findall(" ".join([*said, greeting]).lower()))
    if _tagged_by_the_sender(lines[i], _signers(lines), vendor):
        return True
    announced = any(_INLINE_SAID.search(line) for line in newest)
    return announced and not _is_quote(lines[i]) and not is_marker(lines[i])


def split_parts(text: str) -> list[Part]:
    """The email's lines, cut into the newest message, forwarded messages and quoted history."""
    lines = text.split("\n")
    parts = [Part("newest")]
    i = 0
    in_quote_history = False
    while i < len(lines):
        line = lines[i]
        if _FORWARD.match(line):
            i += 1
            while i < len(lines) and not lines[i].strip():
                i += 1
            span = _header_block(lines, i)
            parts.append(Part("forwarded", subject=_subject_of(lines, i, i + span)))
            i += span
            in_quote_history = False
            continue
        span = _header_block(lines, i)
        if span and not _real_header(lines[i : i + span]):
            span = 0  # typed to look like a header: what follows is still the customer's
        if span:
            # An Outlook block with no banner: a forward when its subject says so, or when it is
            # mail inside one organisation (it reached us only because someone there passed it
            # on: "see our CFO's note below"); else a reply.
            subject = _subject_of(lines, i, i + span)
            forwarded = (
                bool(_FORWARD_SUBJECT.match(subject)) and not in_quote_history
            ) or _internal(lines[i : i + span])
            header = [] if forwarded else list(range(i, i + span))
            parts.append(Part("forwarded" if forwarded else "quoted", header, subject=subject))
            in_quote_history = not forwarded
            if not forwarded and _signed_by_the_sender(lines, i, span, parts):
                # "Van: Tom Baker / Verzonden: ..." over words signed by the customer, who did
                # not sign above it: their own words under a header, as under an attribution.
                parts.append(Part("newest"))
                in_quote_history = False
            i += span
            continue
        if _ORIGINAL.match(line) and _history_follows(lines, i + 1):
            # Outlook puts "-----Original Message-----" over a forward too: the header under it
            # says which ("Betreff: WG: Ausfall Tourenplanung").
            k = i + 1
            while k < len(lines) and not lines[k].strip():
                k += 1
            span = _header_block(lines, k)
            subject = _subject_of(lines, k, k + span) if span else ""
            if (
                span
                and not in_quote_history
                and _real_header(lines[k : k + span])
                and _FORWARD_SUBJECT.match(subject)
            ):
                parts.append(Part("forwarded", subject=subject))
                i = k + span
                continue
            parts.append(Part("quoted", [i]))
            in_quote_history = True
            i += 1
            continue
        span = _attribution_span(lines, i)
        if span and not _real_attribution(lines, i, span):
            span = 0  # "On Monday I wrote:" with the customer's own words after it, unquoted
        if span:
            parts.append(Part("quoted", list(range(i, i + span))))
            # Bottom-posting: the attribution introduces a `>` block and new text may follow it.
            after = next((ln for ln in lines[i + span :] if ln.strip()), "")
            in_quote_history = not _is_quote(after) and not _signed_by_the_sender(
                lines, i, span, parts
            )
            if not in_quote_history and not _is_quote(after):
                parts.append(Part("newest"))
            i += span
            continue
        if in_quote_history and _answered_inline(lines, i, parts):
            # Outlook inline answers: "-----Original Message----- / From: Sam ... / > Can you
            # confirm you plan to renew? / [Dana] No. We will not renew": new text, as under a
            # Gmail attribution (below); ">>> Dana: ..." speaks despite its marks.
            parts.append(Part("newest", [i]))
            in_quote_history = False
            i += 1
            continue
        if _is_quote(line):
            if parts[-1].speaker != "quoted":
                parts.append(Part("quoted"))
            parts[-1].lines.append(i)
            i += 1
            continue
        if parts[-1].speaker == "quoted" and not in_quote_history and line.strip():
            parts.append(Part("newest"))  # bottom-posting: new text after a `>` block
        parts[-1].lines.append(i)
        i += 1
    kept = [p for p in parts if any(lines[k].strip() for k in p.lines)]
    return _passed_on_quote(lines, _own_quoted_lines(lines, _addressee_quoted(lines, kept)))


_QUOTE_MARK = re.compile(r"^\s*(?:>\s?)+")
# The newest message says it passes a mail on: "see the note below", "anbei die Mail", "ter
# info", "ci-dessous", "te paso", "segue abaixo", "qui sotto", "przekazuję", in the eight languages.
_PASSING_ON = re.compile(
    r"(?<!\w)(?:below|attached|forwarding|forwarded|fyi|for\s+your\s+information|passing\s+(?:this\s+)?on|"
    r"here\s+is|here['’]s|see\s+the\s+(?:mail|e-?mail|note|message)|anbei|unten|weitergeleitet|"
    r"zur\s+(?:info|kenntnis)|leite\s+\w+(?:\s+\w+)?\s+weiter|hieronder|bijgaand|ter\s+info(?:rmatie)?|"
    r"doorgestuurd|ci-dessous|ci-joint|pour\s+info(?:rmation)?|transf[èe]r\w*|fais\s+suivre|abajo|"
    r"adjunto|para\s+su\s+informaci[óo]n|reenv[íi]\w*|te\s+paso|le\s+paso|abaixo|em\s+anexo|segue|"
    r"para\s+(?:sua\s+informa[çc][ãa]o|conhecimento)|encaminh\w*|qui\s+sotto|di\s+seguito|"
    r"in\s+allegato|per\s+(?:conoscenza|info)|inoltr\w*|(?:vi|ti)\s+giro|poni[żz]ej|w\s+za[łl][ąa]czniku|"
    r"do\s+wiadomo[śs]ci|przesy[łl]am|przekazuj[ęe])(?!\w)",
    re.I,
)
_CAPITALISED = re.compile(r"(?-i:[A-ZÀ-ÞĀ-Ž][^\W\d_]+)")


def _passed_on_quote(lines: list[str], parts: list[Part]) -> list[Part]:
    """A `>` block right under the newest message that is a mail to its sender from someone other
    than the person it greets ("Hallo Herr Weber, anbei die Mail unserer Geschäftsführerin ...
    Thomas Braun" / "> Von: Claudia Neumann / > An: Thomas Braun / > ... bitte bereite die
    Kündigung vor."): a colleague's mail passed on, read as forwarded, not our history. A reply
    quotes the mail of the person greeted, which stays history; with no name greeted or no
    header in the block, nothing can be told and it stays history."""
    k = next((n for n, p in enumerate(parts) if p.speaker != "newest"), None)
    if k is None or k == 0 or parts[k].speaker != "quoted":
        return parts
    quoted = parts[k]
    if not all(_is_quote(lines[j]) or not lines[j].strip() for j in quoted.lines):
        return parts
    body = [_QUOTE_MARK.sub("", lines[j]) for j in quoted.lines]
    first = next((n for n, line in enumerate(body) if line.strip()), len(body))
    span = _header_block(body, first)
    if not span:
        return parts
    header = body[first : first + span]
    sender = set(_WORD.findall(header[0].split(":", 1)[1].split("<")[0].lower()))
    to = {w for line in header[1:] if _TO.match(line) for w in _WORD.findall(line.lower())}
    newest = [lines[j] for p in parts[:k] for j in p.lines if lines[j].strip()]
    if not sender or not to or len(newest) < 2:
        return parts
    greeted = {w.lower() for w in _CAPITALISED.findall(newest[0])[1:]}  # after "Hallo"
    signed = {w.lower() for line in newest[-3:] for w in _WORD.findall(line)}
    if not greeted or sender & greeted or sender & signed or not to & signed:
        return parts
    if not any(_PASSING_ON.search(line) for line in newest):
        return parts  # "Hallo Team, ..." over the rep's own mail: a reply, nothing passed on
    kept = [j for n, j in enumerate(quoted.lines) if not first <= n < first + span]
    subject = next((h.split(":", 1)[1].strip() for h in header if _SUBJECT.match(h)), "")
    return [*parts[:k], Part("forwarded", kept, subject=subject), *parts[k + 1 :]]


_ADDRESSEE_WROTE = re.compile(
    rf"^\s*(?:(?:o|a|der|die|le|la|el|il|lo)\s+)?(?P<who>you|(?-i:[A-ZÀ-ÞĀ-Ž][^\W\d_]+)(?:\s+(?-i:[A-ZÀ-ÞĀ-Ž][^\W\d_]+))?)\s+"
    rf"{_WROTE}(?:\s[^:\n]{{0,40}})?\s*:\s*$",
    re.I,
)


def _addressee_quoted(lines: list[str], parts: list[Part]) -> list[Part]:
    """A line "Sam wrote on Friday:" in the newest message, where Sam is the person it greets (or
    "You wrote:"), with the lines under it up to a blank line: the addressee's own earlier words
    quoted back without `>` marks ("Sam wrote on Friday: / If the invoice stays unpaid, we will
    have to suspend the account. / / Thanks, all paid now."), history rather than the sender's."""
    if not parts or parts[0].speaker != "newest":
        return parts
    newest = parts[0].lines
    said = [j for j in newest if lines[j].strip()]
    if len(said) < 3:
        return parts
    greeted = {w.lower() for w in _CAPITALISED.findall(lines[said[0]])[1:]}  # after "Hi"
    for n, j in enumerate(newest):
        m = _ADDRESSEE_WROTE.match(lines[j])
        if m is None or n == 0:
            continue
        who = {w.lower() for w in m.group("who").split()}
        if who != {"you"} and not (greeted and who <= greeted):
            continue
        end = n + 1
        while end < len(newest) and lines[newest[end]].strip():
            end += 1
        if end == n + 1 or end >= len(newest):
            return parts  # nothing quoted, or nothing the sender says after it
        return [
            Part("newest", newest[:n]),
            Part("quoted", newest[n:end]),
            Part("newest", newest[end:]),
            *parts[1:],
        ]
    return parts


def _own_quoted_lines(lines: list[str], parts: list[Part]) -> list[Part]:
    """A `>` block with no attribution, header or banner anywhere above it, between the newest
    message's words and its sign-off, is the sender setting their own words off ("The export
    failed again.\n> If it is still broken by Friday we cancel.\nBest, Leo"), not quoted mail: a
    quote of someone else's mail is introduced, or answered below. So is such a block the lines
    around it say the sender repeats ("As I wrote last week, and I repeat it now:" / "> If ...
    we will cancel." / "Nothing has changed."), with more of the message below it."""
    for k, part in enumerate(parts):
        if part.speaker != "quoted":
            continue
        if k == 0 or k + 1 >= len(parts) or any(p.speaker != "newest" for p in parts[:k]):
            return parts  # the first history part decides: anything above it was mail structure
        if not all(_is_quote(lines[j]) or not lines[j].strip() for j in part.lines):
            return parts
        below = parts[k + 1]
        said = [lines[j] for j in below.lines if lines[j].strip()]
        if below.speaker != "newest" or k + 2 < len(parts):
            return parts
        above = [lines[j] for j in parts[k - 1].lines if lines[j].strip()]
        restated = _restated(above[-1:] + said[:1]) and not any(
            is_marker(lines[j].lstrip(" >")) for j in part.lines
        )
        if not _only_closes(said) and not restated:
            return parts
        merged = Part("newest", parts[k - 1].lines + part.lines + below.lines)
        return [*parts[: k - 1], merged]
    return parts


# The sender says the quoted words are theirs and hold now: "As I wrote last week, and I repeat
# it now:" above the `>` block, or "Nothing has changed, so treat that as still standing." below;
# in each of the eight languages the reader covers.
_RESTATED = re.compile(
    r"\b(?:as\s+I\s+(?:wrote|said|told\s+you|mentioned|stated)|I\s+(?:repeat|reiterate)|"
    r"I\s+stand\s+by|still\s+(?:stands|standing|holds|applies)|nothing\s+has\s+changed"
    r"|wie\s+ich\s+(?:schon\s+|bereits\s+)?(?:schrieb|sagte|geschrieben\s+habe)|ich\s+wiederhole"
    r"|gilt\s+(?:weiterhin|nach\s+wie\s+vor)|hat\s+sich\s+nichts\s+geändert"
    r"|comme\s+je\s+(?:vous\s+)?l['’](?:ai\s+)?(?:écrit|dit)|je\s+(?:le\s+)?répète"
    r"|(?:reste|toujours)\s+valable|rien\s+n['’]a\s+changé"
    r"|como\s+(?:ya\s+)?(?:le\s+|les\s+|te\s+)?(?:escribí|dije|escrevi|disse)|repito"
    r"|sigue\s+(?:en\s+pie|vigente)|nada\s+(?:ha\s+cambiado|mudou)|continua\s+(?:valendo|de\s+pé)"
    r"|come\s+(?:ho\s+)?(?:già\s+)?(?:scritto|detto)|ripeto|(?:resta|è\s+ancora)\s+valid[oa]"
    r"|(?:non\s+è\s+cambiato\s+nulla|nulla\s+è\s+cambiato)"
    r"|zoals\s+ik\s+(?:al\s+)?(?:schreef|zei)|ik\s+herhaal|blijft\s+staan|geldt\s+nog\s+steeds"
    r"|er\s+is\s+niets\s+veranderd"
    r"|jak\s+(?:już\s+)?(?:pisał|mówił)(?:em|am)|powtarzam|nadal\s+(?:aktualne|obowiązuje)"
    r"|nic\s+się\s+nie\s+zmieniło)(?!\w)",
    re.I,
)


def _restated(around: list[str]) -> bool:
    """Whether the lines just above and below a `>` block say it is the sender's own words,
    repeated and still standing."""
    return any(_RESTATED.search(line) for line in around)


SIGNATURE_LINES = 6
COURTESY_LINES = 2  # "Thanks for looking at this." before the sign-off
COURTESY_WORDS = 10
_THANKS = re.compile(
    r"^\s*(many thanks|thanks|thank you|danke|vielen dank|merci|gracias|grazie|bedankt|"
    r"dank (je|u)|obrigad[oa]|dziękuj\w*|dzięki)\b",
    re.IGNORECASE,
)


def _only_closes(said: list[str]) -> bool:
    """What follows a `>` block only closes the message: a sign-off or the sender's name, after
    at most a short thank-you or a note addressed to a machine (which answers nothing)."""
    from coach.triage.injection import is_injection
    from coach.triage.parse import _SIGN_OFF, is_bare_name

    k = 0
    while k < min(COURTESY_LINES, len(said)) and not (
        _SIGN_OFF.match(said[k]) or is_bare_name(said[k])
    ):
        line = said[k]
        courteous = _THANKS.match(line) and len(line.split()) <= COURTESY_WORDS
        if not courteous and not is_injection(line):
            return False
        k += 1
    rest = said[k:]
    return (
        bool(rest)
        and bool(_SIGN_OFF.match(rest[0]) or is_bare_name(rest[0]))
        and len(rest) <= SIGNATURE_LINES
    )
