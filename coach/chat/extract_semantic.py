"""A semantic second opinion on what a rep's sentence reveals, for phrasings the rules miss.

A sentence no phrase rule claimed ("What I'm after is someone from leadership to own the fix") is
embedded with the local model and compared with example sentences of each item
(`extract_exemplars.yaml`) and with look-alikes that reveal nothing. It counts for an item only
when it is close to that item's examples and clearly closer to them than to any other item's.
The embeddings hear "we did X" and "we didn't do X" as neighbours, so whether something was done
(or told) is read from the sentence's opening words instead.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.cache import DAMAGED_ARRAYS
from coach.textio import load_yaml

if TYPE_CHECKING:
    import numpy as np

HERE = Path(__file__).parent
EXEMPLARS = HERE / "extract_exemplars.yaml"
ITEMS: tuple[str, ...] = (
    "tried",
    "ask",
    "business_impact",
    "customer_wants",
    "problem",
    "communicated_transparently",
    "manager_briefed",
)
# Items whose answer is a yes or a no: a negated sentence answers "no".
POLAR = {"tried", "communicated_transparently", "manager_briefed"}
NONE = "none"
MIN_WORDS = 3
MAX_CHARS = 300
TOP_K = 2

# A negation among the first words governs the sentence: "Haven't put anything in place",
# "Line manager knows nothing about it yet". A late one ("..., and that didn't help") does not.
_FILLER = (
    r"(?:(?:so|and|but|also|honestly|frankly|tbh|actually|well|to\s+be\s+(?:honest|fair))[,\s]+)*"
)
_NEGATED = re.compile(
    r"^\W*" + _FILLER + r"(?:\S+\s+){0,3}?(?:not|no|never|nothing|nobody|none|"
    r"no\s+one|\w+n't|\w+n’t|yet\s+to)\b",
    re.IGNORECASE,
)


def negated(sentence: str) -> bool:
    return bool(_NEGATED.match(sentence))


@dataclass(frozen=True)
class Reading:
    """What one sentence reveals: the item, its yes/no (True for plain facts), and the score."""

    item: str
    value: bool
    score: float


class SemanticReader:
    """Scores sentences against the examples of each item; built once per process."""

    def __init__(
        self,
        embeddings: Any,
        labels: Sequence[str],
        vectors: np.ndarray,
        min_score: float,
        margin: float,
        asked_margin: float,
        low_score: float = 1.0,
        low_margin: float = 1.0,
    ) -> None:
        import numpy as np

        self.embeddings = embeddings
        self.classes = [*ITEMS, NONE]
        labels_arr = np.asarray(labels)
        self._groups = {c: vectors[labels_arr == c] for c in self.classes}
        self.min_score = min_score
        self.margin = margin
        self.asked_margin = asked_margin
        self.low_score = low_score
        self.low_margin = low_margin

    @staticmethod
    def load_data() -> dict[str, Any]:
        data: dict[str, Any] = load_yaml(EXEMPLARS.read_text(encoding="utf-8"))
        return data

    @classmethod
    def build(cls, embeddings: Any, vectors: np.ndarray | None = None) -> SemanticReader:
        """The reader on the examples; `vectors` are their embeddings when already computed."""
        data = cls.load_data()
        labels = [c for c in (*ITEMS, NONE) for _ in data["items"][c]]
        if vectors is None:
            texts = [t for c in (*ITEMS, NONE) for t in data["items"][c]]
            vectors = embeddings.encode(texts)
        return cls(
            embeddings,
            labels,
            vectors,
            float(data["min_score"]),
            float(data["margin"]),
            float(data["asked_margin"]),
            float(data["low_score"]),
            float(data["low_margin"]),
        )

    def scores(self, sents: Sequence[str]) -> list[dict[str, float]]:
        """Each sentence's score for every item and for `none`: the mean similarity of its
        nearest examples, so one lucky neighbour does not decide."""
        import numpy as np

        if not sents:
            return []
        vectors = self.embeddings.encode([s[:MAX_CHARS] for s in sents])
        out: list[dict[str, float]] = [{} for _ in sents]
        for c, group in self._groups.items():
            sims = vectors @ group.T
            k = min(TOP_K, sims.shape[1])
            top = -np.sort(-sims, axis=1)[:, :k]
            for i, value in enumerate(top.mean(axis=1)):
                out[i][c] = float(value)
        return out

    def decide(
        self, sentence: str, score: dict[str, float], asked: Sequence[str] = ()
    ) -> Reading | None:
        ranked = sorted(score, key=lambda c: -score[c])
        best = ranked[0]
        # The question just asked is the likeliest reading of the answer: it needs a smaller lead.
        for item in asked:
            if item in ITEMS and score[item] >= self.min_score:
                rivals = [score[c] for c in self.classes if c != item]
                if score[item] >= max(rivals) - self.asked_margin and score[item] > score[NONE]:
                    best = item
                    break
        else:
            if best == NONE:
                return None
            lead = score[best] - max(score[c] for c in self.classes if c != best)
            # A close match needs a clear lead; a looser one needs a wider lead.
            if not (
                (score[best] >= self.min_score and lead >= self.margin)
                or (score[best] >= self.low_score and lead >= self.low_margin)
            ):
                return None
        value = not negated(sentence) if best in POLAR else True
        return Reading(best, value, score[best])

    def read(self, sents: Sequence[str], asked: Sequence[str] = ()) -> list[Reading | None]:
        """One reading (or None) per sentence; short sentences and questions are not read."""
        keep = [
            i
            for i, s in enumerate(sents)
            if len(s.split()) >= MIN_WORDS and not s.rstrip().endswith("?")
        ]
        out: list[Reading | None] = [None] * len(sents)
        for i, score in zip(keep, self.scores([sents[i] for i in keep]), strict=True):
            out[i] = self.decide(sents[i], score, asked)
        return out


@lru_cache(maxsize=1)
def get_semantic_reader() -> SemanticReader | None:
    """The reader on the local embeddings, or None when the model files are not installed.

    The examples' embeddings are cached on disk, keyed by the examples and the embedding model,
    so a process start costs a file read rather than a second of encoding."""
    import hashlib

    import numpy as np
    from platformdirs import user_cache_dir

    from coach.playbook.embeddings import LOCAL_MODEL_ID, get_local_embeddings

    try:
        embeddings = get_local_embeddings()
    except RuntimeError:
        return None
    key = hashlib.sha256(EXEMPLARS.read_bytes() + LOCAL_MODEL_ID.encode()).hexdigest()[:16]
    path = Path(user_cache_dir("escalation-coach", appauthor=False)) / f"extract-{key}.npy"
    if path.is_file():
        try:
            return SemanticReader.build(embeddings, np.load(path))
        except DAMAGED_ARRAYS:
            path.unlink(missing_ok=True)  # a damaged cache is rebuilt
    reader = SemanticReader.build(embeddings)
    vectors = np.concatenate([reader._groups[c] for c in reader.classes])
    # A read-only cache directory only costs the encoding again next time.
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)
    return reader
