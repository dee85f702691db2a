"""Triage's decision: the one verdict (`coach.domain.verdict`) applied to an email's signals, with
how pressing the email is. A formal legal threat, a live incident, or a threat to walk that comes
with either is critical; a deadline raises a medium signal one level. The whole newest message says
how serious a threat is, not only the quote."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from coach.domain.verdict import Assessment, assess_email
from coach.triage.models import Signal

_LEGAL = re.compile(
    r"\b(lawyer|attorney|legal|lawsuit|litigation|sue|suing|court|breach of|in breach|"
    r"anwalt|klage|gericht|avocat|justice|tribunal|abogad|demanda)",
    re.IGNORECASE,
)
_INCIDENT = re.compile(
    r"\b(breach|data loss|lost (all )?(our|the) data|leak|exposed|hacked|compromised|security|"
    r"production|all (of )?(our )?users|every (user|customer)|datenverlust|sicherheit|"
    r"perte de données|sécurité|pérdida de datos|seguridad)",
    re.IGNORECASE,
)
_DEADLINE = re.compile(
    r"\b(today|tonight|tomorrow|asap|immediately|right now|urgent(ly)?|within \d+ (hours?|days?)|"
    r"by (monday|tuesday|wednesday|thursday|friday|end of (the )?(day|week))|eod|eow|"
    r"heute|morgen|sofort|dringend|aujourd'hui|demain|immédiatement|urgent|hoy|mañana|"
    r"inmediatamente|urgente)\b",
    re.IGNORECASE,
)


def is_critical(types: set[str], newest_text: str, evidence: Iterable[str]) -> bool:
    text = " ".join([newest_text, *evidence])
    legal = "legal_or_public_threat" in types and _LEGAL.search(text)
    incident = "technical_beyond_control" in types and _INCIDENT.search(text)
    walking = "cancellation_threat" in types and bool(
        types & {"technical_beyond_control", "legal_or_public_threat"}
    )
    return bool(legal or incident or walking)


def is_pressing(newest_text: str) -> bool:
    return bool(_DEADLINE.search(newest_text))


def decide(
    signals: Sequence[Signal], newest_text: str = "", review: str | None = None
) -> Assessment:
    """Escalate when the verdict on these signals calls for it; otherwise review (when the reader
    gives a reason) or handle, naming the rule that says so."""
    types: set[str] = {s.type for s in signals}
    return assess_email(
        types,
        critical=is_critical(types, newest_text, [s.evidence for s in signals]),
        pressing=is_pressing(newest_text),
        review=review,
    )
