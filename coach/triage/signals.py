"""Offline signal detection: playbook phrases in four languages plus semantic similarity.

Every sentence of the customer's newest message is matched against a lexicon (`lexicon.yaml`) and,
for English, compared with example sentences (`exemplars.yaml`) using the local embeddings. Text
addressed to an AI, a system or a classifier is an injection attempt: it never creates a signal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

from coach.domain.signals import escalating, table
from coach.triage.injection import is_injection, mark
from coach.triage.models import SIGNAL_TYPES, Signal, SignalType
from coach.triage.parse import ParsedEmail, sentences

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)
__all__ = ["is_injection", "split_sentences"]
HERE = Path(__file__).parent
MAX_SEMANTIC_SENTENCES = 40  # the first sentences of a message carry its point
MIN_SEMANTIC_WORDS = 4
MAX_EMBED_CHARS = 300

# Signals that make "venting" wrong by definition, and those that count only in the customer's
# own voice (coach/domain/signals.yaml).
_NOT_VENTING = frozenset(name for name, s in table().items() if s.not_venting)
_THIRD_PARTY_SIGNALS = frozenset(name for name, s in table().items() if s.own_words)
ESCALATING = frozenset(escalating())


@dataclass
class Sentence:
    text: str
    block: int
    injected: bool = False


# --- injection -------------------------------------------------------------------------------


def split_sentences(parsed: ParsedEmail) -> list[Sentence]:
    """Sentences of the newest message, with text addressed to a machine marked as injected."""
    out: list[Sentence] = []
    for b, block in enumerate(parsed.newest_blocks):
        texts = sentences(block)
        flags = mark(block, texts)
        out.extend(Sentence(t, b, f) for t, f in zip(texts, flags, strict=True))
    return out


# --- resolution and routine fallbacks -------------------------------------------------------

_RESOLVED = re.compile(
    r"\b(resolved|fixed|sorted( out)?|solved|working (again|now|fine)|works (again|now|fine)|"
    r"back (up|online|to normal)|restored|all good( now)?|no longer (an issue|a problem|happening)|"
    r"went away|figured it out|never ?mind|disregard my (last|previous|earlier) (email|message|note)|"
    r"came back( up| online)?( on its own| by itself)?|recovered|(looks?|seems?|is|are) (fine|ok|okay|"
    r"good|normal|stable) (now|again)|up and running( again)?|rock solid|no (further )?action needed|"
    r"(we're|we are|we'll be|we will be) (renewing|staying)|(decided|glad|happy) to (renew|stay)|"
    r"behoben|gelöst|geloest|funktioniert wieder|résolu|resolu|réglé|regle|fonctionne à nouveau|"
    r"resuelto|solucionado|arreglado|funciona de nuevo)\b",
    re.IGNORECASE,
)
_STILL = re.compile(
    r"\b(still|again|supposedly|supposed to|claimed|you said|apparently|yet|not (actually|really)|"
    r"until|unless|once|when|if|before|needs? to be|must be|should be|gets?|getting|not|never|"
    r"isn't|wasn't|aren't|never|immer noch|toujours|todavía|todavia|sigue|nicht|noch|sollte|"
    r"falls|wenn|bis|pas|si|sinon|tant que|no|si no|hasta|mientras)\b",
    re.IGNORECASE,
)


_GRATITUDE = re.compile(
    r"^\W*(thanks|thank you|many thanks|thx|merci|danke|vielen dank|gracias|muchas gracias)\b"
    r"(?!.{0,12}\bnothing\b).{0,20}\b(for|pour|für|fuer|por)\b",
    re.IGNORECASE,
)


_CLOSED = re.compile(
    r"\b((consider|considers|considered) (this|the matter|the issue|it|the case) (closed|settled|"
    r"resolved)|matter is (closed|settled)|(not|no) (be )?(taking|take|pursue|pursuing) (any )?"
    r"further action|no further action|(not|no longer|won't be|aren't|isn't|never) (going to )?"
    r"pursu(e|ing) (it|this|that|the matter|legal|any)|heat of the moment|(didn't|did not) (really )?"
    r"mean (it|that)|take (it|that) back|withdr(aw|awn|ew) (my|our|the) (threat|complaint|notice|"
    r"comment))\b",
    re.IGNORECASE,
)


def is_resolution(text: str) -> bool:
    """ "It's fixed now, thanks": a problem word in such a sentence is not a current signal."""
    if _CLOSED.search(text):
        return True
    return bool(_RESOLVED.search(text)) and not _STILL.search(text)


ASK = re.compile(
    r"\?|\b(i|we)\s+(want|need|expect|demand|would like|'d like|require|insist|ask|request)\b"
    r"|\b(please|pls|can you|could you|would you|will you|can someone|could someone|let me know|"
    r"wondering|any idea|is there a way)\b"
    r"|\b(ich|wir)\s+(möchte|möchten|will|wollen|erwarte|erwarten|fordere|fordern|brauche|"
    r"brauchen)\b|\bbitte\b|\b(können|könnten) sie\b"
    r"|\b(je|nous)\s+(veux|voulons|souhaite|souhaitons|demande|demandons|exige|exigeons|attends|"
    r"aurions besoin|aurais besoin)\b|\b(merci de|pourriez-vous|pouvez-vous|s'il vous plaît)\b"
    r"|\b(quiero|queremos|necesito|necesitamos|exijo|exigimos|pedimos|solicito|por favor|"
    r"podrían|podrian|pueden|puede)\b",
    re.IGNORECASE,
)
_PROBLEM = re.compile(
    r"\b(error|errors|bug|issue|issues|problem|problems|broken|not working|doesn't work|does not work|"
    r"won't|can't|cannot|unable|fails?|failing|failed|wrong|incorrect|missing|slow|stuck|glitch|"
    r"invoice|billing|charge|password|login|log in|export|import|setting|settings|update|upgrade|"
    r"question|help|thanks|thank you|fehler|problem|funktioniert nicht|rechnung|frage|erreur|"
    r"problème|probleme|facture|question|merci|error|problema|factura|pregunta|gracias)\b",
    re.IGNORECASE,
)


_FRUSTRATION = re.compile(
    r"(?-i:\b[A-Z]{3,}[.!])|\.{3}|…|!{2,}|\b(why (is|does|do|can't|cannot|won't) |ugh|sigh|argh|"
    r"rough|wears? (me|you|us) down|grumpy|didn't help|a pain|pain in|hate|annoy\w*|frustrat\w*|"
    r"irritat\w*|seriously|honestly|not gonna lie|of course|again)\b",
    re.IGNORECASE,
)
_SELF_FIXED = re.compile(
    r"\b((got|get|getting) it (working|done|sorted|to work|eventually)|all sorted|sorted (now|it)|"
    r"cleaned (it )?up|turned it off|(it )?works now|(it's|it is|it has been) (changed|done|fixed|"
    r"sorted)|fixed it|redid|re-did|managed (to|it)|figured it out|in the end|eventually|"
    r"carry on|moving on|all good now)\b",
    re.IGNORECASE,
)


def venting_fallback(sents: list[Sentence]) -> Signal | None:
    """Frustration about something the customer already sorted out, with nothing asked: "just
    venting" in the playbook's sense; the quote is the first frustrated sentence."""
    usable = [s.text for s in sents if not s.injected]
    if any(ASK.search(t) and "?" not in t[-1:] for t in usable) or any(
        t.rstrip().endswith("?") and not _FRUSTRATION.search(t) for t in usable
    ):
        return None
    if not any(_SELF_FIXED.search(t) for t in usable):
        return None
    angry = next((t for t in usable if _FRUSTRATION.search(t)), None)
    if angry is None:
        return None
    return Signal(type="venting", evidence=angry, score=0.5, source="fallback")


def routine_fallback(sents: list[Sentence]) -> Signal | None:
    """A calm message that asks something or reports a problem, with no escalation signal, is a
    routine issue the rep can handle ("Don't Escalate If: something you should handle at your
    level"); the quote is its first such sentence."""
    usable = [s.text for s in sents if not s.injected and len(s.text.split()) >= 3]
    for cue in (ASK, _PROBLEM, None):
        for text in usable:
            if cue is None or cue.search(text):
                return Signal(type="routine_issue", evidence=text, score=0.5, source="fallback")
    return None


# --- lexicon ---------------------------------------------------------------------------------

_NEGATORS = {
    "not", "never", "no", "don't", "dont", "won't", "wont", "isn't", "aren't", "wasn't",
    "didn't", "doesn't", "without", "nothing", "nicht", "kein", "keine", "keinen", "nie", "pas",
    "jamais", "nunca", "sin",
}  # fmt: skip
_NEGATION_PHRASE = re.compile(
    r"\b(no (need|intention|plans?|reason) (to|of)|not (planning|going|looking|considering|"
    r"thinking|about) (to|of|at)?|have no (intention|plans?)|rather than|instead of|"
    r"no longer (need|want) to)\b[^.,;!?]{0,25}$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w']+")


# Someone else's threat, reported by the customer: "one of our clients is threatening to sue us".
_THIRD_PARTY = re.compile(
    r"\b((one|some|several|many|a few|most|two|three) of (our|their|my)|our|their|a|an|his|her|"
    r"my)\s+(own\s+|biggest\s+|largest\s+|key\s+|main\s+)?(clients?|customers?|end[- ]users?|"
    r"members?|patients?|tenants?|franchisees?|resellers?|students?|subscribers?|guests?|"
    r"buyers?|shoppers?|donors?|parents?|residents?|drivers?|riders?)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(we|i|we're|we'll|i'm|i'll|we've|i've|us)\b", re.IGNORECASE)


def _third_party(text: str, start: int) -> bool:
    """The clause's subject is someone else, and the customer does not speak between it and the
    threat: "one of our clients is threatening to sue", not "if our users ..., we'll leave"."""
    before = re.split(r"[.;:!?]", text[max(0, start - 80) : start])[-1]
    found = list(_THIRD_PARTY.finditer(before))
    return bool(found) and not _FIRST_PERSON.search(before[found[-1].end() :])


def _negated(text: str, start: int) -> bool:
    """A negation in the three words before a hit, with no punctuation between."""
    before = text[max(0, start - 60) : start]
    clause = re.split(r"[.,;:!?()]", before)[-1]
    if _NEGATION_PHRASE.search(clause):
        return True
    words = [w.lower().replace("’", "'") for w in _WORD.findall(clause)][-3:]
    return any(w in _NEGATORS or w.endswith("n't") for w in words)


@dataclass(frozen=True)
class _Pattern:
    signal: str
    language: str
    regex: re.Pattern[str]
    unless: re.Pattern[str] | None
    negatable: bool
    veto: bool = False  # when `unless` matches, the sentence is surely not this signal


class Lexicon:
    def __init__(self, path: Path = HERE / "lexicon.yaml") -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.patterns: list[_Pattern] = []
        for signal, languages in data.items():
            if signal not in SIGNAL_TYPES:
                raise ValueError(f"{path}: unknown signal {signal!r}")
            for language, entries in languages.items():
                for entry in entries:
                    spec: dict[str, Any] = entry if isinstance(entry, dict) else {"re": entry}
                    regex = re.compile(spec["re"], re.IGNORECASE)
                    unless = re.compile(spec["unless"], re.IGNORECASE) if "unless" in spec else None
                    # A pattern that spells out a negation itself ("won't renew") is never negated.
                    negatable = not re.search(r"not|never|won|n't|\bno\b", spec["re"][:40])
                    veto = bool(spec.get("veto", False))
                    self.patterns.append(_Pattern(signal, language, regex, unless, negatable, veto))

    def hits(self, text: str) -> list[tuple[str, str]]:
        """(signal, language) for each signal whose phrase appears un-negated in the sentence."""
        return self.read(text)[0]

    def read(self, text: str) -> tuple[list[tuple[str, str]], set[str]]:
        """The hits, and the signals whose phrase is there but negated or reported about someone
        else (the semantic matcher must not add those back)."""
        found: dict[str, str] = {}
        vetoed: set[str] = set()
        for p in self.patterns:
            if p.signal in found:
                continue
            for m in p.regex.finditer(text):
                if p.unless and p.unless.search(text):
                    if p.veto:
                        vetoed.add(p.signal)
                    break
                if p.negatable and _negated(text, m.start()):
                    if p.signal in _THIRD_PARTY_SIGNALS:  # "we won't sue" is no threat at all
                        vetoed.add(p.signal)
                    continue
                if p.signal in _THIRD_PARTY_SIGNALS and _third_party(text, m.start()):
                    vetoed.add(p.signal)
                    continue
                found[p.signal] = p.language
                break
        return list(found.items()), vetoed - set(found)


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    return Lexicon()


# --- semantic similarity ---------------------------------------------------------------------


class SemanticMatcher:
    """Nearest exemplar per signal, with a contrast set of look-alikes that are not signals."""

    def __init__(self, embeddings: Any, path: Path = HERE / "exemplars.yaml") -> None:
        import numpy as np

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.embeddings = embeddings
        self.threshold = float(data["threshold"])
        self.margin = float(data["margin"])
        self.low_threshold = float(data.get("low_threshold", self.threshold))
        self.low_margin = float(data.get("low_margin", self.margin))
        self.negated_margin = float(data.get("negated_margin", 0.15))
        self.negated_probability_bonus = float(data.get("negated_probability_bonus", 0.15))
        self.thresholds = {k: float(v) for k, v in (data.get("thresholds") or {}).items()}
        texts: list[str] = []
        labels: list[int] = []
        self.labels = [*SIGNAL_TYPES, "none"]
        for i, name in enumerate(self.labels):
            examples = data["signals"].get(name, []) if name != "none" else data["none"]
            texts.extend(examples)
            labels.extend([i] * len(examples))
        self._matrix = embeddings.encode(texts)  # embedded once per process
        self._labels = np.asarray(labels)
        self._cache: dict[str, np.ndarray] = {}
        self.min_probability = float(data.get("min_probability", 1.1))
        self.min_similarity = float(data.get("min_similarity", 1.0))
        self._weights, self._bias = _train_softmax(self._matrix, self._labels, len(self.labels))

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(n_sentences, n_labels) class probabilities from a linear model over the exemplars."""
        import numpy as np

        z = (vectors @ self._weights + self._bias) * _TEMPERATURE
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Embed in one call, reusing vectors of sentences seen before (signatures, greetings)."""
        import numpy as np

        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vec in zip(missing, self.embeddings.encode(missing), strict=True):
                if len(self._cache) > 50_000:
                    self._cache.clear()
                self._cache[text] = vec
        if not texts:
            return np.zeros((0, self._matrix.shape[1]), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def best(self, vectors: np.ndarray) -> np.ndarray:
        """(n_sentences, n_labels) best cosine similarity per label."""
        import numpy as np

        sims = vectors @ self._matrix.T
        out = np.full((len(vectors), len(self.labels)), -1.0, dtype=np.float32)
        for i in range(len(self.labels)):
            cols = self._labels == i
            if cols.any():
                out[:, i] = sims[:, cols].max(axis=1)
        return out

    def matches(
        self, row: np.ndarray, probs: np.ndarray | None = None, strict: bool = False
    ) -> list[tuple[str, float]]:
        """The best-matching signal when it clears its threshold and beats every look-alike, or
        when the linear model is confident and the nearest exemplar agrees. `strict` (for a
        sentence with a negation) asks for a wide margin and skips the linear model."""
        i = int(row[:-1].argmax())
        name, score, none = self.labels[i], float(row[i]), float(row[-1])
        margin = self.negated_margin if strict else self.margin
        strong = score >= self.thresholds.get(name, self.threshold) and score >= none + margin
        clear = score >= self.low_threshold and score >= none + max(margin, self.low_margin)
        if strong or clear:
            return [(name, score)]
        if probs is not None:
            j = int(probs.argmax())
            needed = self.min_probability + (self.negated_probability_bonus if strict else 0.0)
            if (
                j < len(self.labels) - 1
                and float(probs[j]) >= needed
                and float(row[j]) >= self.min_similarity
                and float(row[j]) > float(row[-1])
            ):
                return [(self.labels[j], float(row[j]))]
        return []


_TEMPERATURE = 10.0


def _train_softmax(x: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by full-batch gradient descent: deterministic, and fast
    on a few hundred exemplars (no extra dependency)."""
    import numpy as np

    n, d = x.shape
    w = np.zeros((d, k), dtype=np.float32)
    b = np.zeros(k, dtype=np.float32)
    target = np.eye(k, dtype=np.float32)[y]
    for _ in range(300):
        z = (x @ w + b) * _TEMPERATURE
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - target) / n
        w -= 2.0 * (x.T @ grad + 1e-3 * w)
        b -= 2.0 * grad.sum(axis=0)
    return w, b


@lru_cache(maxsize=1)
def get_semantic_matcher() -> SemanticMatcher:
    from coach.playbook.embeddings import get_local_embeddings

    return SemanticMatcher(get_local_embeddings())


# --- the detector ----------------------------------------------------------------------------


def detect(
    docs: Sequence[list[Sentence]],
    languages: Sequence[str],
    matcher: SemanticMatcher | None = None,
) -> list[list[Signal]]:
    """Signals for many messages at once; English sentences are embedded in a single call."""
    lexicon = get_lexicon()
    found: list[dict[str, Signal]] = [{} for _ in docs]
    semantic_items: list[tuple[int, Sentence, str, set[str]]] = []
    for d, sents in enumerate(docs):
        for k, sent in enumerate(sents):
            if sent.injected:
                continue
            # "It's fixed now" and "thanks for the call with your CEO" report the past, not a threat.
            resolved = is_resolution(sent.text) or bool(_GRATITUDE.match(sent.text))
            hits, vetoed = lexicon.read(sent.text)
            for signal, _language in hits:
                if resolved and signal != "routine_issue":
                    continue
                _keep(
                    found[d],
                    Signal(
                        type=cast(SignalType, signal),
                        evidence=sent.text,
                        score=0.9,
                        source="lexicon",
                    ),
                )
            if resolved:
                continue
            # Handles, links and addresses carry no meaning for the model; fewer tokens, faster.
            plain = _NOISE.sub(" ", sent.text).strip()[:MAX_EMBED_CHARS]
            if (
                matcher is not None
                and languages[d] == "en"
                and k < MAX_SEMANTIC_SENTENCES
                and len(plain.split()) >= MIN_SEMANTIC_WORDS
                and not hits  # a sentence the lexicon already read needs no embedding
            ):
                semantic_items.append((d, sent, plain, vetoed))
    if matcher is not None and semantic_items:
        vectors = matcher.vectors([plain for _, _, plain, _ in semantic_items])
        rows, probs = matcher.best(vectors), matcher.probabilities(vectors)
        for (d, sent, _, vetoed), row, prob in zip(semantic_items, rows, probs, strict=True):
            negated = _negated_sentence(sent.text)
            for signal, score in matcher.matches(row, prob, strict=negated):
                if signal in vetoed:
                    continue
                _keep(
                    found[d],
                    Signal(
                        type=cast(SignalType, signal),
                        evidence=sent.text,
                        score=round(score, 3),
                        source="semantic",
                    ),
                )
    out = []
    for d, f in enumerate(found):
        _downgrade_minor_defects(f, docs[d])
        _downgrade_mild_repeats(f, docs[d])
        signals = resolve(list(f.values()))
        if not any(s.type in ESCALATING or s.type == "venting" for s in signals):
            vent = venting_fallback(docs[d])
            if vent is not None:
                signals = resolve([s for s in signals if s.type != "routine_issue"] + [vent])
        if not any(s.type in ESCALATING for s in signals) and not any(
            s.type == "routine_issue" for s in signals
        ):
            fallback = routine_fallback(docs[d])
            if fallback is not None and (
                not any(s.type == "venting" for s in signals) or ASK.search(fallback.evidence)
            ):
                signals = resolve([*signals, fallback])
        out.append(signals)
    return out


# Similarity cannot tell "we will sue" from "we will not sue": negated sentences are left to the
# lexicon, which checks the words right before each phrase.
_SENTENCE_NEGATION = re.compile(
    r"\b(not|never|no longer|no need|no intention|no plans?|nothing|nobody|no one)\b|n't\b|n’t\b",
    re.IGNORECASE,
)


_MINOR = re.compile(
    r"\b(minor|small|tiny|cosmetic|low[- ]priority|not urgent|no rush|edge case|nice to have|"
    r"when you (get|have) a (chance|moment)|whenever you can|"
    r"(?<!\bno )(?<!\bno known )(?<!\bno real )workaround|work around it)\b",
    re.IGNORECASE,
)
_INCIDENT = re.compile(
    r"\b(outage|down|breach|leak\w*|exposed|data loss|lost|deleted|security|hacked|all (of our )?"
    r"users|every (user|customer)|production)\b",
    re.IGNORECASE,
)


def _downgrade_minor_defects(found: dict[str, Signal], sents: list[Sentence]) -> None:
    """ "Minor bug: the app crashes on huge photos" is a routine issue (a bug with a narrow
    trigger or a workaround), not a defect beyond the rep's control."""
    tech = found.get("technical_beyond_control")
    if tech is None or _INCIDENT.search(tech.evidence):
        return
    if any(_MINOR.search(s.text) for s in sents if not s.injected):
        del found["technical_beyond_control"]
        found.setdefault(
            "routine_issue",
            Signal(type="routine_issue", evidence=tech.evidence, score=0.6, source="lexicon"),
        )


_MINIMIZER = re.compile(
    r"\b(not the end of the world|no big deal|not a big deal|(fixed|sorted|solved|redid|did) it "
    r"(myself|ourselves|by hand|manually|again)|fixed (it )?by hand|(i'm|i am) not asking for "
    r"anything|just (venting|grumbling|needed to vent|wanted to vent)|rant over|anyway,? (it's|its) "
    r"(done|fine|working))\b",
    re.IGNORECASE,
)
_TRUST = re.compile(r"\b(trust|confidence|faith|believe|partner\w*|relationship|promis\w+)\b", re.I)


def _downgrade_mild_repeats(found: dict[str, Signal], sents: list[Sentence]) -> None:
    """ "Third time this month the export broke; fixed it by hand again, not the end of the world"
    is frustration about a repeat, not a relationship at risk."""
    rel = found.get("relationship_breakdown")
    if rel is None or rel.source == "model" or _TRUST.search(rel.evidence):
        return
    if any(_MINIMIZER.search(s.text) for s in sents if not s.injected):
        del found["relationship_breakdown"]
        found.setdefault(
            "venting", Signal(type="venting", evidence=rel.evidence, score=0.6, source="lexicon")
        )


def _negated_sentence(text: str) -> bool:
    return bool(_SENTENCE_NEGATION.search(text))


def _keep(found: dict[str, Signal], signal: Signal) -> None:
    """One signal per type: the lexicon's quote first, else the most similar sentence."""
    old = found.get(signal.type)
    rank = (signal.source == "lexicon", signal.score)
    if old is None or rank > (old.source == "lexicon", old.score):
        found[signal.type] = signal


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


# --- language --------------------------------------------------------------------------------

LANGUAGES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
             "nl": "Dutch", "pt": "Portuguese"}  # fmt: skip
_NOISE = re.compile(r"(@\w+|https?://\S+|\S+@\S+|#\w+)")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(LANGUAGES))
    return ident


def detect_language(text: str) -> str:
    """ISO 639-1 code of the message's language; short or unclear text counts as English."""
    clean = _NOISE.sub(" ", text)[:2000]
    if len(_WORD.findall(clean)) < 3:
        return "en"
    code, confidence = _identifier().classify(clean)
    return str(code) if confidence >= 0.8 else "en"
