"""Things computed from shipped data (exemplar vectors, fitted classifiers), kept on disk.

Each entry is keyed by a hash of everything it is computed from, so an edited exemplar file or a
new model is computed again, and a damaged or unwritable cache only costs the computation.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def cache_dir() -> Path:
    """COACH_CACHE_DIR, else the user's cache directory."""
    configured = os.environ.get("COACH_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("escalation-coach", appauthor=False))


def key_of(parts: Iterable[bytes | str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def arrays(
    name: str, key: str, build: Callable[[], dict[str, np.ndarray]]
) -> dict[str, np.ndarray]:
    """The arrays cached under `name` and `key`, built (and saved) when missing or damaged."""
    import numpy as np

    path = cache_dir() / f"{name}-{key}.npz"
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as data:
                return {k: data[k] for k in data.files}
        except (OSError, ValueError, KeyError, EOFError):
            path.unlink(missing_ok=True)
    built = build()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, **built)  # type: ignore[arg-type]
        tmp.replace(path)
    return built
