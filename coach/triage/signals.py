"""The customer's newest message as sentences, with text addressed to a machine marked, and the
exclusions the signal definitions imply (venting is frustration *without* a threat or an ask; a
routine issue is not one only engineering can fix). Reading the sentences is `coach.reading`."""

from __future__ import annotations

from dataclasses import dataclass

from coach.domain.signals import SIGNAL_TYPES, escalating, table
from coach.triage.injection import is_injection, mark, pieces
from coach.triage.models import Signal
from coach.triage.parse import ParsedEmail, sentences

__all__ = ["is_injection", "split_sentences"]

# Signals that make "venting" wrong by definition (coach/domain/signals.yaml).
_NOT_VENTING = frozenset(name for name, s in table().items() if s.not_venting)
ESCALATING = frozenset(escalating())


@dataclass
class Sentence:
    text: str
    block: int
    injected: bool = False
    forwarded: bool = False  # from a message forwarded from the customer's side


def split_sentences(parsed: ParsedEmail) -> list[Sentence]:
    """Sentences of the customer's side, with text addressed to a machine marked as injected."""
    out: list[Sentence] = []
    first_forwarded = len(parsed.newest_blocks) - parsed.forwarded
    for b, block in enumerate(parsed.newest_blocks):
        texts = sentences(block)
        flags = mark(block, texts)
        for t, f in zip(texts, flags, strict=True):
            # The customer's own clause beside an instruction is still theirs.
            for piece, injected in pieces(t) if f else [(t, False)]:
                out.append(Sentence(piece, b, injected, forwarded=b >= first_forwarded))
    return out


def resolve(signals: list[Signal]) -> list[Signal]:
    """Apply the definitions' exclusions: venting is frustration *without* a threat or an ask;
    a routine issue is not one that only engineering can fix."""
    types = {s.type for s in signals}
    out = []
    for s in signals:
        if s.type == "venting" and types & _NOT_VENTING:
            continue
        if s.type == "routine_issue" and types & ESCALATING:
            continue
        out.append(s)
    order = {name: i for i, name in enumerate(SIGNAL_TYPES)}
    return sorted(out, key=lambda s: order[s.type])
