"""The reader: what the customer's side says, sentence by sentence, in context.

For each sentence the customer (or someone on their side, in a forwarded note) wrote, the
classifier says what it is about and the context says how it is meant: withdrawn, denied, over and
done, a how-to question, thanks for something past. A signal needs both to hold. A routine issue
must be earned (a request, a question, a problem report, thanks); when the reader finds neither that
nor an escalation it can stand behind, or cannot read the language, it says so (`review`) instead
of guessing.

The same reader reads what a rep tells the coach (`reported=True`): "their Head of IT says he'll
pull the contract" is the customer's threat, reported; what the rep did ("I pinged my manager") is
not the customer speaking.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coach.domain import signals as table
from coach.reading import language as languages
from coach.reading.context import Context, clauses, cues, read_context

if TYPE_CHECKING:
    import numpy as np

    from coach.reading.classifier import SentenceClassifier
    from coach.reading.encoder import SentenceEncoder

MIN_WORDS = 2
MAX_SENTENCES = 60
# An escalation needs the escalating labels together to reach this probability and to outweigh
# `none`; any other label needs `LABEL_THRESHOLD` on its own.
ESCALATION_THRESHOLD = 0.7
LABEL_THRESHOLD = 0.5
# Venting is frustration the customer voices: a neutral remark is not venting, and beside a calm
# request it must be plain.
VENTING_THRESHOLD = 0.7
VENTING_BESIDE_A_REQUEST = 0.85
# A sentence that escalates may carry a second reason ("someone senior, about the SLA credits").
SECOND_REASON = 0.15
# Once an email escalates, any sentence may add a further reason it states clearly enough.
FURTHER_REASON = 0.35
# A technical problem must be clearly beyond a routine one: a higher bar, and a clear routine
# question in the same email wins over a technical problem that is not certain.
TECHNICAL_THRESHOLD = 0.6
ROUTINE_WINS_AT = 0.7
CERTAIN = 0.98
NARRATED_TECHNICAL = 0.95  # a technical problem as a rep tells it
# A sentence far from every exemplar (a tweet about a football match) is one the classifier has
# not learned: its labels count for less there than `none`.
NEAR = 0.4
FAR_DAMPING = 0.3
ROUTINE_EVIDENCE = 0.35
VENTING_EVIDENCE = 0.5
_SIGNATURE_END = re.compile(r"[.!?:;…]$")


@dataclass(frozen=True)
class Said:
    """One sentence: its text, the block it is in, and whether it is addressed to a machine
    (then it is never read as the customer's words)."""

    text: str
    block: int = 0
    injected: bool = False


@dataclass
class Found:
    signal: str
    evidence: str
    score: float  # how strongly the sentence reads as escalating (or as this label)
    own: float = 1.0  # the probability of this label on its own


@dataclass
class Reading:
    language: str
    signals: list[Found] = field(default_factory=list)
    review: str | None = None


@dataclass
class _Item:
    doc: int
    said: Said
    context: Context


def looks_like_signature(text: str) -> bool:
    """A short line of names, titles or a company: no sentence, nothing said."""
    words = text.split()
    if len(words) > 7 or _SIGNATURE_END.search(text.strip()):
        return False
    capitals = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return capitals >= max(1, len(words) - 1)


_FIRST_PLURAL = re.compile(r"\b(?:our|ours|we|us)\b", re.IGNORECASE)


def _vendor_side(clause: str, lang: str, context: Context) -> Context:
    """In a rep's narration "our side", "our fault" and "we fixed it" are the vendor's, not the
    customer's own doing: the cues of a customer's "our" do not apply."""
    if lang != "en":
        return context
    masked = read_context(_FIRST_PLURAL.sub("the vendor", clause), lang)
    return dataclasses.replace(context, resolved=masked.resolved, own_fault=masked.own_fault)


class Reader:
    def __init__(self, encoder: SentenceEncoder, classifier: SentenceClassifier) -> None:
        self.encoder = encoder
        self.classifier = classifier

    def read(
        self, docs: Sequence[Sequence[Said]], langs: Sequence[str], reported: bool = False
    ) -> list[Reading]:
        """A reading per document; every sentence of every document is embedded in one call."""
        readings = [Reading(language=lang) for lang in langs]
        items: list[_Item] = []
        thanked: list[str | None] = [None] * len(readings)
        for d, (sents, lang) in enumerate(zip(docs, langs, strict=True)):
            if lang not in languages.KNOWN:
                readings[d].review = (
                    f"language not covered: the email is in {languages.name(lang)}; read it "
                    "yourself or have it translated"
                )
                continue
            usable = [s for s in sents if not s.injected and not looks_like_signature(s.text)]
            for said in usable[:MAX_SENTENCES]:
                for clause in clauses(said.text, lang):
                    part = Said(clause, said.block, said.injected)
                    context = read_context(clause, lang)
                    if reported and (context.resolved or context.own_fault):
                        context = _vendor_side(clause, lang, context)
                    if not context.greeting and len(clause.split()) >= MIN_WORDS:
                        items.append(_Item(d, part, context))
                    elif context.thanks and thanked[d] is None:
                        thanked[d] = clause  # "Thanks!" alone still earns a short, routine reply
        import numpy as np

        if items:
            from coach.reading.context import features

            vectors = self.encoder.encode([i.said.text for i in items])
            cue_features = np.asarray(
                [features(i.said.text, readings[i.doc].language, i.context) for i in items],
                dtype=np.float32,
            )
            raw = self.classifier.probabilities(vectors, cue_features)
            probs = raw.copy()
            # Only sentences that would escalate or vent need the distance (it costs a product
            # with every exemplar).
            from coach.reading.classifier import LABELS

            n_escalating = len(table.escalating())
            saying = np.flatnonzero(
                (raw[:, :n_escalating].sum(axis=1) >= ESCALATION_THRESHOLD)
                | (raw[:, LABELS.index("venting")] >= VENTING_THRESHOLD)
            )
            # A rep's narration is far from customers' mail by nature: no damping for it.
            far = (
                saying[self.classifier.nearest(vectors[saying]) < NEAR]
                if not reported
                else saying[:0]
            )
            probs[far, :-1] *= FAR_DAMPING
            probs[far] /= probs[far].sum(axis=1, keepdims=True)
        else:
            probs = raw = np.zeros((0, 1))
        self._judge(items, probs, raw, readings, reported, thanked)
        return readings

    def _judge(
        self,
        items: list[_Item],
        probs: np.ndarray,
        raw: np.ndarray,
        readings: list[Reading],
        reported: bool,
        thanked: list[str | None],
    ) -> None:
        """`probs` decide; `raw` (not damped for distance) adds further reasons to an email that
        escalates."""
        from coach.reading.classifier import LABELS

        n = len(readings)
        escalating = list(table.escalating())
        routine, venting, none = (LABELS.index(x) for x in ("routine_issue", "venting", "none"))
        found: list[dict[str, Found]] = [{} for _ in range(n)]
        further: list[dict[str, Found]] = [{} for _ in range(n)]
        # What earns a routine reading: a request or question first, else thanks, a problem report
        # or a sentence the classifier reads as routine or venting.
        asks: list[str | None] = [None] * n
        other: list[str | None] = [None] * n
        best_routine = [0.0] * n
        resolved_doc = [False] * n
        minor_doc = [False] * n  # "not urgent", "workaround", "our own firewall": routine
        for item in items:
            resolved_doc[item.doc] |= item.context.resolved
            minor_doc[item.doc] |= item.context.minor or item.context.own_fault
        for item, row, raw_row in zip(items, probs, raw, strict=True):
            ctx, d = item.context, item.doc
            problem = cues(readings[d].language).has("problem_words", item.said.text.lower())
            if (ctx.request or ctx.question) and asks[d] is None:
                asks[d] = item.said.text
            said = cues(readings[d].language)
            low = item.said.text.lower()
            if other[d] is None and (
                ctx.thanks
                or ctx.denied
                or ctx.withdrawn
                or ctx.minor
                or ctx.own_fault
                or said.has("thanks", low)
                or said.has("praise", low)
                or problem
                or row[routine] >= ROUTINE_EVIDENCE
                or row[venting] >= VENTING_EVIDENCE
            ):
                other[d] = item.said.text
            best_routine[d] = max(best_routine[d], float(row[routine]))
            for k, name in enumerate(escalating):
                p = float(raw_row[k])
                if p >= FURTHER_REASON and self._holds(name, p, ctx, resolved_doc[d], minor_doc[d]):
                    old_further = further[d].get(name)
                    if old_further is None or p > old_further.score:
                        further[d][name] = Found(name, item.said.text, round(p, 3), round(p, 3))
            mass = float(row[: len(escalating)].sum())
            top = int(row[: len(escalating)].argmax())
            if mass >= ESCALATION_THRESHOLD and mass > row[none]:
                labels = [(escalating[top], mass, float(row[top]))] + [
                    (name, mass, float(row[k]))
                    for k, name in enumerate(escalating)
                    if k != top and row[k] >= SECOND_REASON
                ]
            else:
                index = int(row[:none].argmax())
                labels = [(LABELS[index], float(row[index]), float(row[index]))]
                needed = VENTING_THRESHOLD if index == venting else LABEL_THRESHOLD
                if labels[0][0] in escalating or labels[0][1] < needed:
                    continue
            for label, score, own in labels:
                if label in escalating and not self._holds(
                    label, score, ctx, resolved_doc[d], minor_doc[d]
                ):
                    continue
                # A rep's narration of a technical problem is not the customer's incident
                # report: only a certain reading counts.
                if reported and label == "technical_beyond_control" and score < NARRATED_TECHNICAL:
                    continue
                old = found[d].get(label)
                if old is None or score > old.score:
                    found[d][label] = Found(label, item.said.text, round(score, 3), round(own, 3))
        for d, reading in enumerate(readings):
            if reading.review:
                continue
            signals = list(found[d].values())
            escalations = [f for f in signals if f.signal in escalating]
            technical_only = all(f.signal == "technical_beyond_control" for f in escalations)
            if (
                escalations
                and technical_only
                and best_routine[d] >= ROUTINE_WINS_AT
                and max(f.score for f in escalations) < CERTAIN
            ):
                signals = [f for f in signals if f.signal not in escalating]
                escalations = []
            vent = next((f for f in signals if f.signal == "venting"), None)
            if vent is not None and asks[d] is not None and vent.score < VENTING_BESIDE_A_REQUEST:
                signals.remove(vent)
            if escalations:
                signals = [f for f in signals if f.signal not in ("routine_issue", "venting")]
                have = {f.signal for f in signals}
                signals += [f for name, f in further[d].items() if name not in have]
            elif not signals and not reported:
                evidence = asks[d] or other[d] or thanked[d]
                if evidence is not None:
                    signals = [Found("routine_issue", evidence, ROUTINE_EVIDENCE)]
                else:
                    reading.review = "no clear request found: read it yourself"
            reading.signals = sorted(signals, key=lambda f: table.SIGNAL_TYPES.index(f.signal))

    @staticmethod
    def _holds(label: str, score: float, ctx: Context, resolved_doc: bool, minor_doc: bool) -> bool:
        """The context lets an escalation signal stand: not withdrawn, denied, a how-to question
        or thanks for something done; not over and done; a technical problem clearly serious."""
        if ctx.withdrawn or ctx.denied or ctx.thanks or ctx.howto or ctx.resolved or ctx.past:
            return False
        if table.signal(label).a_state and resolved_doc:
            return False
        # A request for a manager names someone above the rep; a legal or public threat names
        # the channel (counsel, a court, a regulator, the press, their members or board).
        # "Happy to leave a review", "good news: the board decided to renew" offer or please.
        if table.signal(label).not_praise and ctx.positive:
            return False
        # A reading the classifier is certain of stands without them.
        if label == "manager_request" and not ctx.senior and score < CERTAIN:
            return False
        if label == "legal_or_public_threat" and not ctx.legal_public and score < CERTAIN:
            return False
        # A problem the customer caused, or calls small, is theirs or routine unless certain.
        if table.signal(label).a_state and minor_doc and score < CERTAIN:
            return False
        return label != "technical_beyond_control" or score >= TECHNICAL_THRESHOLD


def get_reader() -> Reader:
    from coach.reading.classifier import get_classifier
    from coach.reading.encoder import get_encoder

    return Reader(get_encoder(), get_classifier())
