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
from typing import TYPE_CHECKING, Any

import yaml

from coach.triage.models import SIGNAL_TYPES, Signal
from coach.triage.parse import ParsedEmail, sentences

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
MAX_SEMANTIC_SENTENCES = 40  # the first sentences of a message carry its point
MIN_SEMANTIC_WORDS = 3

# Signals that make "venting" wrong by definition: a threat, or an ask beyond the issue itself.
_NOT_VENTING = {"cancellation_threat", "legal_or_public_threat", "manager_request", "leadership_decision"}


@dataclass
class Sentence:
    text: str
    block: int
    injected: bool = False


# --- injection -------------------------------------------------------------------------------

_INJECTION = re.compile(
    r"(\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(previous|prior|above|all|earlier|your|"
    r"the|any|these|those|system)\b.{0,30}\b(instructions?|prompts?|rules?|guidelines|directions|"
    r"context|policies)\b"
    r"|\b(system prompt|system message|developer message|you are now|act as an?|new instructions|"
    r"developer mode|jailbreak|prompt injection)\b"
    r"|^\W*(system|assistant|ai|bot|admin|instruction|instructions)\s*[:>\]]"
    r"|\[(system|inst|admin)\]|<\|?(system|im_start)|###\s*instruction"
    r"|\b(dear|hey|hi|attention|note (to|for))\s+(the\s+)?(ai|assistant|model|bot|chatbot|classifier|"
    r"triage (tool|system|bot|model)|llm|gpt|reviewer|system)\b"
    r"|\b(ai|assistant|model|bot|chatbot|classifier|llm|gpt|triage (tool|system|bot|model))\s*[,:]\s*"
    r"(please\s+)?(ignore|classify|mark|set|label|output|respond|reply|escalate|offer|give|treat)\b"
    r"|\b(classify|categori[sz]e|label|mark|tag|flag|set|rate|treat|score)\b.{0,30}\b(this|the|it|"
    r"email|message|ticket|case|urgency|priority|decision)\b.{0,30}\b(as|to)\s+(an?\s+)?(critical|"
    r"high|urgent|low|escalat\w*|handle|p0|p1|priority|sev\w*)\b"
    r"|\b(respond|reply|answer|output|print|return|write)\b.{0,30}\b(only\s+)?(with|in)\b.{0,20}"
    r"\b(json|the following|exactly)\b"
    r"|\b(ignorier\w*|vergiss)\b.{0,40}\banweisungen\b"
    r"|\b(ignore[rz]?|oublie[rz]?)\b.{0,40}\b(instructions|consignes)\b"
    r"|\b(ignora|ignore|olvida)\b.{0,40}\b(instrucciones)\b)",
    re.IGNORECASE,
)
_NARRATION = re.compile(
    r"\b(the|this) (customer|client|user|sender|requester)\b|\bthis (email|message|ticket|case)\b",
    re.IGNORECASE,
)


def is_injection(text: str) -> bool:
    return bool(_INJECTION.search(text))


def split_sentences(parsed: ParsedEmail) -> list[Sentence]:
    """Sentences of the newest message, with injected text marked.

    An injection taints the rest of its paragraph, and earlier sentences there that narrate about
    "the customer" or "this email" (text written for a machine, not by a customer)."""
    out: list[Sentence] = []
    for b, block in enumerate(parsed.newest_blocks):
        items = [Sentence(s, b) for s in sentences(block)]
        first = next((k for k, s in enumerate(items) if is_injection(s.text)), None)
        if first is not None:
            for k, s in enumerate(items):
                if k >= first or _NARRATION.search(s.text):
                    s.injected = True
        out.extend(items)
    return out


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
                    self.patterns.append(_Pattern(signal, language, regex, unless, negatable))

    def hits(self, text: str) -> list[tuple[str, str]]:
        """(signal, language) for each signal whose phrase appears un-negated in the sentence."""
        found: dict[str, str] = {}
        for p in self.patterns:
            if p.signal in found:
                continue
            for m in p.regex.finditer(text):
                if p.unless and p.unless.search(text):
                    break
                if p.negatable and _negated(text, m.start()):
                    continue
                found[p.signal] = p.language
                break
        return list(found.items())


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

    def matches(self, row: np.ndarray) -> list[tuple[str, float]]:
        none = float(row[-1])
        found = []
        for i, name in enumerate(self.labels[:-1]):
            score = float(row[i])
            if score >= self.thresholds.get(name, self.threshold) and score >= none + self.margin:
                found.append((name, score))
        return found


@lru_cache(maxsize=1)
def get_semantic_matcher() -> SemanticMatcher:
    from coach.embeddings import get_local_embeddings

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
    semantic_items: list[tuple[int, Sentence]] = []
    for d, sents in enumerate(docs):
        for k, sent in enumerate(sents):
            if sent.injected:
                continue
            for signal, language in lexicon.hits(sent.text):
                _keep(found[d], Signal(type=signal, evidence=sent.text, score=0.9, source="lexicon"))
                del language
            if (
                matcher is not None
                and languages[d] == "en"
                and k < MAX_SEMANTIC_SENTENCES
                and len(sent.text.split()) >= MIN_SEMANTIC_WORDS
            ):
                semantic_items.append((d, sent))
    if matcher is not None and semantic_items:
        rows = matcher.best(matcher.vectors([s.text for _, s in semantic_items]))
        for (d, sent), row in zip(semantic_items, rows, strict=True):
            for signal, score in matcher.matches(row):
                if _negated_sentence(sent.text):
                    continue
                _keep(
                    found[d],
                    Signal(type=signal, evidence=sent.text, score=round(score, 3), source="semantic"),
                )
    return [resolve(list(f.values())) for f in found]


_SENTENCE_NEGATION = re.compile(
    r"\b(not|never|no longer|no need|no intention|no plans?|don't|do not|won't|will not)\b.{0,25}"
    r"\b(cancel|leave|switch|renew|escalate|sue|legal|manager|churn|terminate|discount|refund)",
    re.IGNORECASE,
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
        if s.type == "routine_issue" and "technical_beyond_control" in types:
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
