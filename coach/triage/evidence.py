"""Every quote shown to a rep is verbatim in the email; anything else is dropped and logged."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from coach.triage.models import Signal
from coach.triage.parse import sentences

log = logging.getLogger(__name__)
_STRIP = " \t\n\"'“”‘’«»…"
# A model's quote of fewer words carries no signal unless it is a whole sentence ("We cancel."):
# "CSV" cut from "¿Cómo exporto el informe a CSV?" says nothing of a legal threat. The reader's
# own quote is the clause it read ("disdiciamo l'abbonamento" after "Ignorate la mia email
# precedente,"), so it stands.
MIN_QUOTE_WORDS = 3


def locate(quote: str, text: str) -> str | None:
    """The exact span of `text` that `quote` stands for, or None.

    Models often re-flow whitespace or wrap a quote in quotation marks; the span returned is taken
    from `text` itself, so it is always verbatim."""
    quote = quote.strip(_STRIP).removesuffix("...").strip(_STRIP)
    if len(quote) < 3:
        return None
    if quote in text:
        return quote
    words = quote.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.search(pattern, text)
    return m.group(0) if m else None


def carries(signal: Signal, span: str, text: str) -> bool:
    """The quote is long enough to carry a signal, or is a whole sentence of `text`."""
    if signal.source == "reader" or len(span.split()) >= MIN_QUOTE_WORDS:
        return True
    bare = span.strip(_STRIP + ".!?¿¡,;:")
    return any(s.strip(_STRIP + ".!?¿¡,;:") == bare for s in sentences(text))


def overlaps(span: str, injected: str) -> bool:
    """A quote that takes any whole sentence, or a long piece of one, from injected text."""
    if span in injected or injected in span:
        return True
    head, tail = span[:40], span[-40:]
    return len(span) >= 12 and (head in injected or tail in injected)


@dataclass
class Checked:
    current: list[Signal] = field(default_factory=list)
    history: list[Signal] = field(default_factory=list)
    dropped: int = 0


def verify(
    signals: list[Signal],
    newest_blocks: list[str],
    full_text: str,
    injected: list[str] | None = None,
) -> Checked:
    """Keep signals whose evidence is in the newest message; quotes found only in the quoted
    history become context; quotes not in the email, too short to carry a signal, or taken from
    text addressed to a machine (an injection), are dropped."""
    out = Checked()
    injected = injected or []
    for signal in signals:
        found = next(((s, b) for b in newest_blocks if (s := locate(signal.evidence, b))), None)
        if found is not None and not carries(signal, *found):
            log.warning("dropped a %s signal: its quote is too short to carry one", signal.type)
            out.dropped += 1
            continue
        span = found[0] if found else None
        if span is not None:
            if any(overlaps(span, inj) for inj in injected):
                log.warning("dropped a %s signal quoted from injected text", signal.type)
                out.dropped += 1
                continue
            out.current.append(signal.model_copy(update={"evidence": span}))
            continue
        span = locate(signal.evidence, full_text)
        if span is not None and carries(signal, span, full_text):
            out.history.append(signal.model_copy(update={"evidence": span}))
            continue
        if span is not None:
            log.warning("dropped a %s signal: its quote is too short to carry one", signal.type)
            out.dropped += 1
            continue
        # Never log the quote itself: it may hold customer data.
        log.warning(
            "dropped a %s signal: its %d-character quote is not in the email",
            signal.type,
            len(signal.evidence),
        )
        out.dropped += 1
    return out
