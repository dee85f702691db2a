"""A semantic second opinion on blame and over-promising, for phrasings the rules do not know.

Each clause and sentence the rep wrote (reported speech and quotations already blanked by the
rules) is embedded with the local model and compared with example clauses
(`exemplars.yaml`): gotchas, and look-alikes that are fine (ownership, hedged or
communication commitments, authorised offers, asking a manager). A tiny logistic model over those
similarities, fitted once at start-up, gives each clause a probability; a clause is flagged only
above a calibrated threshold, and only when the rule layer's own exclusions allow it (a blamed
party must be named; hedges, permission questions and authorised commitments are never promises).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.cache import DAMAGED_ARRAYS
from coach.guardrails import rules
from coach.textio import load_yaml

if TYPE_CHECKING:
    import numpy as np

HERE = Path(__file__).parent
EXEMPLARS = HERE / "exemplars.yaml"
SEMANTIC_CODES: tuple[str, ...] = ("blame", "over_promise")
MIN_WORDS = 4
MAX_CHARS = 300
_SCALE = 3.0  # unit vectors have small coordinates; scaling speeds up the fit
_STEPS = 3000

MESSAGES: dict[str, str] = {
    "blame": (
        "This reads as pinning the problem on someone else. Speak for the company and take "
        "ownership; describe what happened, not who failed."
    ),
    "over_promise": (
        "This reads as a commitment the case does not authorise (an outcome, a date, or money). "
        "Promise the next step and the follow-up, not the result, unless it is approved."
    ),
}

# Someone other than "we" or "I" must be in a clause for it to blame anyone; "my team" and "our
# whole team" are the rep's own.
_THIRD_PARTY = rules.lazy_pattern(  # compiled on first use: it took 0.14 s of every cold start
    rf"\b(?:{rules.PARTY}|{rules.NAME}|they|them|their|he|him|his|she|her|whoever)\b"
)
_OWN_TEAM = re.compile(r"^(?:(?:my|our)\s+(?:whole\s+|entire\s+|own\s+)?team)$", re.IGNORECASE)
# A party that is only an object or a setting ("during onboarding", "asked support") blames no one.
_NOT_SUBJECT = re.compile(
    r"\b(?:during|with|for|about|asked|told|pinged|called|emailed|thanked|praised|joined|"
    r"introduce|introducing|meet|invited|looped\s+in|cc'd)\s+(?:the\s+|our\s+|my\s+)?$",
    re.IGNORECASE,
)
_NO_BLAME = re.compile(
    r"\b(?:no\s*one|nobody|not|isn't|wasn't|no)\b[^.;!?]{0,30}\b(?:blame|fault|to\s+blame)\b",
    re.IGNORECASE,
)
# A sentence that owns the failure ("..., and that's on us") is not throwing anyone under the bus.
_OWNS_IT = re.compile(
    r"\b(?:(?:that's|that\s+is|it's|it\s+is|this\s+is)\s+(?:all\s+)?on\s+(?:us|me)|"
    r"(?:our|my)\s+(?:fault|responsibility|mistake|error|bad)|(?:we|I)\s+(?:should|could)(?:\s+have|'ve)|"
    r"(?:we|I)\s+(?:own|owned)\b|take\s+(?:full\s+)?(?:ownership|responsibility)|"
    r"(?:we're|we\s+are|I'm|I\s+am)\s+(?:now\s+)?(?:adding|fixing|changing|putting|working))",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"\?\s*$")
# "I'll text you tonight once ...": a commitment to communicate, whatever the clause waits on.
_TALK_FIRST = rules.lazy_pattern(
    rf"^\W*(?:I|we)(?:'ll|’ll|\s+will|\s+shall)\s+(?:\w+ly\s+|also\s+|then\s+)?(?:{rules.COMMUNICATION_SOURCE})"
)


@dataclass(frozen=True)
class _Model:
    positive: np.ndarray
    negative: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    min_similarity: float


def _fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by full-batch gradient descent: deterministic, numpy
    only, about a second on a thousand examples."""
    import numpy as np

    x = x * _SCALE
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(_STEPS):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        grad = p - y
        w -= x.T @ grad / len(y) + l2 * w
        b -= float(grad.mean())
    return (w * _SCALE).astype(np.float32), b


class SemanticGuard:
    """Scores clauses against the examples of each code; built once per process."""

    def __init__(self, embeddings: Any, models: dict[str, _Model]) -> None:
        self.embeddings = embeddings
        self._cache: dict[str, np.ndarray] = {}
        self.models = models

    @classmethod
    def fit(cls, embeddings: Any, data: dict[str, Any] | None = None) -> SemanticGuard:
        """Embed the examples and fit one model per code (seconds: cached on disk by
        `get_semantic_guard`)."""
        import numpy as np

        if data is None:
            data = load_yaml(EXEMPLARS.read_text(encoding="utf-8"))
        groups = [data[code][part] for code in SEMANTIC_CODES for part in ("positive", "negative")]
        matrix = embeddings.encode([t for g in groups for t in g])  # every example in one batch
        vectors: dict[tuple[str, str], np.ndarray] = {}
        at = 0
        for code in SEMANTIC_CODES:
            for part in ("positive", "negative"):
                n = len(data[code][part])
                vectors[code, part] = matrix[at : at + n]
                at += n
        models: dict[str, _Model] = {}
        for code in SEMANTIC_CODES:
            # The other code's gotchas are look-alikes too: a promise is not blame.
            others = [vectors[c, "positive"] for c in SEMANTIC_CODES if c != code]
            positive = vectors[code, "positive"]
            x = np.concatenate([positive, vectors[code, "negative"], *others])
            y = np.r_[np.ones(len(positive)), np.zeros(len(x) - len(positive))]
            w, b = _fit_logistic(x, y)
            spec = data[code]
            models[code] = _Model(
                positive,
                vectors[code, "negative"],
                w,
                b,
                float(spec.get("threshold", 0.5)),
                float(spec.get("min_similarity", 0.0)),
            )
        return cls(embeddings, models)

    def save(self, path: Path) -> None:
        import numpy as np

        arrays: dict[str, Any] = {}
        for code, m in self.models.items():
            arrays[f"{code}.positive"] = m.positive
            arrays[f"{code}.negative"] = m.negative
            arrays[f"{code}.weights"] = m.weights
            arrays[f"{code}.scalars"] = np.array([m.bias, m.threshold, m.min_similarity])
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, **arrays)
        tmp.replace(path)

    @classmethod
    def load(cls, embeddings: Any, path: Path) -> SemanticGuard:
        import numpy as np

        with np.load(path) as f:
            models = {
                code: _Model(
                    f[f"{code}.positive"],
                    f[f"{code}.negative"],
                    f[f"{code}.weights"],
                    float(f[f"{code}.scalars"][0]),
                    float(f[f"{code}.scalars"][1]),
                    float(f[f"{code}.scalars"][2]),
                )
                for code in SEMANTIC_CODES
            }
        return cls(embeddings, models)

    def probabilities(self, code: str, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(probability, similarity margin) of each vector for one code. The margin is the
        nearest positive example's similarity, or 0 when a look-alike is nearer: the linear
        model alone extrapolates on text unlike any example (form fields, headings)."""
        import numpy as np

        model = self.models[code]
        probs = 1.0 / (1.0 + np.exp(-(vectors @ model.weights + model.bias)))
        nearest = (vectors @ model.positive.T).max(axis=1)
        beaten = nearest <= (vectors @ model.negative.T).max(axis=1)
        return probs, np.where(beaten, 0.0, nearest)

    def _vectors(self, texts: list[str]) -> np.ndarray:
        """Embed the texts in one batch, once each: drafts and pasted threads repeat lines."""
        import numpy as np

        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            if len(self._cache) > 20_000:
                self._cache.clear()
            self._cache.update(zip(missing, self.embeddings.encode(missing), strict=True))
        return np.stack([self._cache[t] for t in texts])

    def scores(
        self, own: str, authorised: Sequence[str]
    ) -> list[tuple[str, float, float, int, int]]:
        """(code, probability, nearest positive similarity, start, end) of every clause of `own`
        (the text with reported speech blanked) that the exclusions allow, before thresholds."""
        spans = candidates(own)
        if not spans:
            return []
        owned = [s for s in rules.sentences(own) if _OWNS_IT.search(own[s[0] : s[1]])]
        texts = [own[a:b] for a, b in spans]
        extra = [a for a in authorised if a.strip()]
        vectors = self._vectors(texts + extra)
        clause_vectors, allowed_vectors = vectors[: len(texts)], vectors[len(texts) :]
        out: list[tuple[str, float, float, int, int]] = []
        for code in SEMANTIC_CODES:
            probs, nearest = self.probabilities(code, clause_vectors)
            gate = _GATES[code]
            for i, (start, end) in enumerate(spans):
                if not gate(texts[i], extra, allowed_vectors, clause_vectors[i]):
                    continue
                if code == "blame" and any(a <= start < b for a, b in owned):
                    continue
                out.append((code, float(probs[i]), float(nearest[i]), start, end))
        return out

    def findings(
        self,
        text: str,
        own: str,
        authorised: Sequence[str],
        found: Sequence[rules.Finding] = (),
    ) -> list[rules.Finding]:
        """Blame and over-promise findings on `own` that the rules (`found`) missed; the most
        confident clause first, and quotes are verbatim spans of `text`."""
        out: list[rules.Finding] = []
        for code, prob, nearest, start, end in sorted(self.scores(own, authorised), key=_by_prob):
            model = self.models[code]
            if prob < model.threshold or nearest < model.min_similarity:
                continue
            if _taken((start, end), [*found, *out], code):
                continue
            out.append(
                rules.Finding(
                    code=code,  # type: ignore[arg-type]
                    quote=text[start:end],
                    message=MESSAGES[code],
                    gotcha=rules.GOTCHAS[code],
                    start=start,
                    end=end,
                )
            )
        return sorted(out, key=lambda f: f.start)


def _by_prob(score: tuple[str, float, float, int, int]) -> tuple[float, int]:
    return -score[1], score[4] - score[3]


def candidates(own: str) -> list[tuple[int, int]]:
    """Sentences and their clauses, cut around blanked (reported) words, long enough to judge."""
    seen: set[tuple[int, int]] = set()
    out: list[tuple[int, int]] = []
    for s_start, s_end in rules.sentences(own):
        for span in [(s_start, s_end), *rules.clauses(own, s_start, s_end)]:
            for run in _unmasked_runs(own, *span):
                if run not in seen and len(own[run[0] : run[1]].split()) >= MIN_WORDS:
                    seen.add(run)
                    out.append(run)
    return out


# "... and Raj says" before what Raj said (blanked): the frame of reported words, not a claim.
_FRAME_AT_END = re.compile(
    r"(?:,?\s+(?:and|but|so))?\s+(?:\S+\s+){0,2}?(?:says|said|say|told\s+(?:me|us)|claims?|"
    r"claimed|insists?|insisted|warns?|warned|threaten(?:s|ed)?)(?:\s+that)?$",
    re.IGNORECASE,
)


def _unmasked_runs(own: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Pieces of a span with no long blank inside (a blanked quotation splits the span), each
    without the frame that introduces the blanked words after it."""
    for m in re.finditer(r"\S+(?:\s{1,3}\S+)*", own[start:end]):
        a, b = start + m.start(), start + m.end()
        frame = _FRAME_AT_END.search(own, a, b) if own[b : b + 4].isspace() else None
        if frame is not None:
            b = frame.start()
        b = min(b, a + MAX_CHARS)
        if b > a:
            yield a, b


def _taken(span: tuple[int, int], found: Sequence[rules.Finding], code: str | None = None) -> bool:
    """True when a finding (of `code`, or of any semantic code) already overlaps the span."""
    codes = (code,) if code else SEMANTIC_CODES
    return any(f.code in codes and f.start < span[1] and span[0] < f.end for f in found)


def _blame_gate(clause: str, *_: Any) -> bool:
    if _QUESTION.search(clause) or _NO_BLAME.search(clause):
        return False
    return any(
        not _OWN_TEAM.match(m.group(0)) and not _NOT_SUBJECT.search(clause[: m.start()])
        for m in _THIRD_PARTY.finditer(clause)
    )


def _promise_gate(
    clause: str, authorised: Sequence[str], allowed: np.ndarray, vector: np.ndarray
) -> bool:
    if rules.HEDGE.search(clause) or rules.SOFT_HEDGE.search(clause):
        return False
    if _QUESTION.search(clause):
        return False  # a question asks; it commits to nothing
    if _TALK_FIRST.search(clause) and not (
        rules.MONEY.search(clause) or rules.GUARANTEE.search(clause)
    ):
        return False
    money = rules.MONEY.search(clause)
    if money and rules.authorised_covers(clause, money.group(0), authorised):
        return False
    if len(authorised):
        # An authorised commitment in other words ("a month's fees as a credit"): close in
        # meaning, and no amount or date in the clause that the authorisation lacks.
        sims = allowed @ vector
        best = int(sims.argmax())
        figures = rules.figures(clause) - rules.figures(authorised[best])
        if float(sims[best]) >= 0.6 and not figures:
            return False
    return True


_GATES: dict[str, Callable[..., bool]] = {"blame": _blame_gate, "over_promise": _promise_gate}


@lru_cache(maxsize=1)
def get_semantic_guard() -> SemanticGuard | None:
    """The guard on the local embeddings, or None when the model files are not installed.

    Fitting takes seconds, so the fitted models are cached on disk, keyed by the examples, the
    embedding model and this module: a changed example file is fitted again."""
    import hashlib

    from platformdirs import user_cache_dir

    from coach.playbook.embeddings import LOCAL_MODEL_ID, get_local_embeddings

    try:
        embeddings = get_local_embeddings()
    except RuntimeError:
        return None
    key = hashlib.sha256(
        EXEMPLARS.read_bytes() + LOCAL_MODEL_ID.encode() + Path(__file__).read_bytes()
    ).hexdigest()[:16]
    path = Path(user_cache_dir("escalation-coach", appauthor=False)) / f"guardrails-{key}.npz"
    if path.is_file():
        try:
            return SemanticGuard.load(embeddings, path)
        except DAMAGED_ARRAYS:
            path.unlink(missing_ok=True)  # a damaged cache is rebuilt
    guard = SemanticGuard.fit(embeddings)
    # A read-only cache directory only costs the fit again next time.
    with contextlib.suppress(OSError):
        guard.save(path)
    return guard
