"""What a reader notices in a rep's sentence besides its meaning: features the role model is fitted
with (`coach.reading.rep`). Changing this file changes the model's key, so the model is refitted."""

from __future__ import annotations

import re

from coach.reading.people import DATE, MONEY

FIRST_PERSON = re.compile(r"^\W*(?:i|i'm|i've|i'd|i'll|we|we've|we're|we'd|my|our)\b", re.I)
COACH_REQUEST = re.compile(
    r"\b(?:should\s+i|do\s+i|can\s+you|could\s+you|help\s+me|what\s+(?:do|should|would)\s+i|"
    r"draft|write\s+(?:me|the|a|up)|prep\s+(?:me|the)|is\s+it\s+too|am\s+i|what\s+does\s+the\s+"
    r"playbook|give\s+me)\b",
    re.I,
)
_MANAGER = re.compile(r"\bmy\s+(?:manager|boss|lead|director|vp|supervisor)\b", re.I)
_CUSTOMER = re.compile(r"\b(?:they|they're|their|them|she|he|her|his|customer|client)\b", re.I)
_WANT = re.compile(r"\b(?:wants?|asking\s+for|asks?\s+for|expects?|demands?|would\s+like)\b", re.I)
_NEED = re.compile(r"\b(?:need|needs|approval|approve|decision|sign[- ]off|from\s+leadership|"
                   r"my\s+ask)\b", re.I)  # fmt: skip
_PAST = re.compile(r"\b(?:i|we)\s+(?:'ve|have|had|already)?\s*\w+ed\b|\b(?:i|we)'ve\b", re.I)
_PLAN = re.compile(r"\b(?:will|'ll|going\s+to|plan|next\s+step|tomorrow)\b", re.I)
_CAUSE = re.compile(r"\b(?:because|root\s+cause|caused\s+by|due\s+to|why|the\s+reason)\b", re.I)
_TOLD = re.compile(r"\b(?:told|let\s+them\s+know|explained|informed|updated|upfront|transparent|"
                   r"kept\s+them|talked\s+to|spoke\s+(?:to|with))\b", re.I)  # fmt: skip
_NEGATION = re.compile(r"\b(?:not|no|never|haven't|hasn't|didn't|don't|doesn't|isn't|wasn't|"
                       r"nothing|yet)\b", re.I)  # fmt: skip


def rep_features(text: str, language: str = "en") -> list[float]:
    """What a reader notices in a rep's sentence besides its meaning."""
    checks = (
        FIRST_PERSON.search(text),
        text.rstrip().endswith("?"),
        COACH_REQUEST.search(text),
        MONEY.search(text),
        DATE.search(text),
        _NEGATION.search(text),
        _MANAGER.search(text),
        _CUSTOMER.search(text),
        _WANT.search(text),
        _NEED.search(text),
        _PAST.search(text),
        _PLAN.search(text),
        _CAUSE.search(text),
        _TOLD.search(text),
    )
    return [1.0 if c else 0.0 for c in checks]
