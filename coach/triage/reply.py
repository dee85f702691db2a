"""The reply draft: a template in `prompts/triage/reply.md.j2`, filled from the assessment only.

No text from the email is copied in (it may carry instructions), except a greeting name that looks
like a name."""

from __future__ import annotations

import re

from coach.prompts import render
from coach.settings import Settings

_NAME = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ'-]+(?: [A-ZÀ-Ý][a-zà-ÿ'-]+){0,2}$")


def greeting_name(signature: str) -> str:
    """The first name from a signature block ("Best regards,\\nTom Becker" -> "Tom"), if any."""
    lines = [ln.strip() for ln in signature.split("\n") if ln.strip()]
    for line in lines[1:3] if len(lines) > 1 else []:
        if _NAME.match(line):
            return line.split()[0]
    return ""


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
