"""The reply draft: a template in `prompts/triage/reply.md.j2`, filled from the assessment only.

No text from the email is copied in (it may carry instructions), except a greeting name that looks
like a name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.llm.prompts import render
from coach.settings import Settings

_TITLE = re.compile(r"^(Dr|Mr|Mrs|Ms|Mx|Prof)\.?$")


def greeting_name(signature: str) -> str:
    """The sender's first name from the sign-off: "Best regards,\\nTom Becker" -> "Tom",
    "Thanks, Ines" -> "Ines", a bare "Hanna" -> "Hanna"; "" when no line looks like a name."""
    from coach.triage.parse import _SIGN_OFF, is_bare_name

    lines = [ln.strip() for ln in signature.split("\n") if ln.strip() and ln.strip() != "--"]
    if not lines:
        return ""
    candidates: list[str] = []
    first = lines[0]
    if _SIGN_OFF.match(first):
        inline = re.sub(r"^.*?[,.!]\s*", "", first) if re.search(r"[,.!]\s*\S", first) else ""
        candidates = [inline, *lines[1:3]]
    else:
        candidates = lines[:1]
    for line in candidates:
        if line and is_bare_name(line):
            return _first_name(line)
    return ""


def _first_name(line: str) -> str:
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*\.?", line) if not _TITLE.match(w)]
    if not words or words[0].endswith(".") or len(words[0]) < 2:
        return ""  # an initial ("R. Kaur") is no name to greet
    return words[0]


_ISSUE = re.compile(
    r"\b(?i:the|our|your|my)\s+(?P<what>(?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*)\s+(?:(?:has|have|had)\s+"
    r"(?:been\s+)?(?:failing|failed|down|broken|crashing|stuck)|keeps?|kept|still|doesn't|does\s+not|"
    r"won't|can't|cannot|isn't|aren't|stopped|failed|fails|crashed|crashes|broke|is\s+(?:down|"
    r"broken|failing|stuck|wrong|missing|slow))\b"
)
_NOT_ISSUE = {"team", "people", "staff", "users", "company", "side", "end", "contract", "renewal",
              "account", "email", "message", "question", "ticket", "call", "meeting"}  # fmt: skip


@dataclass(frozen=True)
class Reading:
    """What the reply may say back about the message: what kind of message it is, the thing the
    customer's trouble is with (a short noun phrase of theirs), and the date they gave."""

    kind: str = ""  # "thanks" (it is resolved, or a thank-you), "howto", or ""
    issue: str = ""
    deadline: str = ""


def read_message(sents: list[str], language: str) -> Reading:
    """`sents`: the customer's own sentences (text addressed to a machine already left out)."""
    from coach.reading.context import read_context
    from coach.reading.people import DATE

    sents = [t.strip() for t in sents if t.strip()]
    contexts = [read_context(t, language) for t in sents]
    body = [(t, c) for t, c in zip(sents, contexts, strict=True) if not c.greeting]
    kind = ""
    if (
        body
        and any(c.resolved for _, c in body)
        and not any(c.request and not c.thanks and not c.resolved for _, c in body)
    ):
        kind = "thanks"
    elif any(c.howto for _, c in body):
        kind = "howto"
    issue = ""
    for text, _ in body:
        m = _ISSUE.search(text)
        if m and m.group("what").split()[-1] not in _NOT_ISSUE and len(m.group("what")) <= 40:
            issue = "the " + m.group("what")
            break
    deadline = ""
    for text, _ in body:
        for d in DATE.finditer(text):
            before = text[: d.start()].lower()
            if re.search(r"\b(?:since|last|ago|from)\s*$", before) or re.match(
                r"(?i)\s*(?:since|from|today|tonight|this|next)\b", d.group(0)
            ):
                continue
            if re.search(r"\b(?:by|before|until|deadline|due|close|renewal|go-?live|launch|on)\b",
                         text.lower()):  # fmt: skip
                deadline = re.sub(
                    r"^(?:in|by|before|until|on)\s+", "", d.group(0).strip(), flags=re.I
                )
                break
        if deadline:
            break
    return Reading(kind, issue, deadline)


def draft_reply(
    settings: Settings,
    decision: str,
    signals: list[str],
    scenario: str | None,
    name: str = "",
    reading: Reading | None = None,
) -> str:
    reading = reading or Reading()
    text = render(
        "triage/reply.md.j2",
        settings,
        customer_name=name,
        decision=decision,
        signals=signals,
        scenario=scenario,
        kind=reading.kind,
        issue=reading.issue,
        deadline=reading.deadline,
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip()
