"""The reply draft: a template in `prompts/triage/reply.md.j2`, filled from the assessment only.

No text from the email is copied in (it may carry instructions), except a greeting name that looks
like a name."""

from __future__ import annotations

import re

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


def draft_reply(
    settings: Settings,
    decision: str,
    signals: list[str],
    scenario: str | None,
    name: str = "",
) -> str:
    text = render(
        "triage/reply.md.j2",
        settings,
        customer_name=name,
        decision=decision,
        signals=signals,
        scenario=scenario,
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip()
