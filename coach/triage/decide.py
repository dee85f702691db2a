"""Triage's decision: the one verdict (`coach.domain.verdict`) applied to an email's signals, with
how pressing the email is. A formal legal threat, a live incident, or a threat to walk that comes
with either is critical; a deadline raises a medium signal one level. The whole newest message says
how serious a threat is, not only the quote; the words for each are the email's language's cues
(`coach/reading/cues/<language>.yaml`: formal_legal, incident, deadline)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from coach.domain.verdict import Assessment, assess_email
from coach.reading.context import cues
from coach.triage.models import Signal


def is_critical(
    types: set[str], newest_text: str, evidence: Iterable[str], language: str = "en"
) -> bool:
    text = " ".join([newest_text, *evidence]).lower()
    words = cues(language)
    legal = "legal_or_public_threat" in types and words.has("formal_legal", text)
    incident = "technical_beyond_control" in types and words.has("incident", text)
    walking = "cancellation_threat" in types and bool(
        types & {"technical_beyond_control", "legal_or_public_threat"}
    )
    return bool(legal or incident or walking)


def is_pressing(newest_text: str, language: str = "en") -> bool:
    return cues(language).has("deadline", newest_text.lower())


def decide(
    signals: Sequence[Signal],
    newest_text: str = "",
    review: str | None = None,
    language: str = "en",
) -> Assessment:
    """Escalate when the verdict on these signals calls for it; otherwise review (when the reader
    gives a reason) or handle, naming the rule that says so."""
    types: set[str] = {s.type for s in signals}
    return assess_email(
        types,
        critical=is_critical(types, newest_text, [s.evidence for s in signals], language),
        pressing=is_pressing(newest_text, language),
        review=review,
    )
