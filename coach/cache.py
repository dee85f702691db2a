"""Things computed from shipped data (exemplar vectors, fitted classifiers), kept on disk.

Each entry is keyed by a hash of everything it is computed from, so an edited exemplar file or a
new model is computed again, and a damaged or unwritable cache only costs the computation.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    import numpy as np


def cache_dir() -> Path:
    """COACH_CACHE_DIR, else the user's cache directory."""
    configured = os.environ.get("COACH_CACHE_DIR")
    if configured:
        try:
            return Path(configured).expanduser()
        except RuntimeError:  # "~nosuchuser/x"
            from coach.errors import CoachError

            raise CoachError(
                f"COACH_CACHE_DIR={configured}: no home directory for {Path(configured).parts[0]!r}"
            ) from None
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("escalation-coach", appauthor=False))


def key_of(parts: Iterable[bytes | str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()[:16]


# What reading a damaged or cut .npz/.npy file raises: numpy's errors, and the zip and zlib ones
# beneath them (a truncated archive is a BadZipFile, an empty one an EOFError).
DAMAGED_ARRAYS: tuple[type[Exception], ...] = (
    OSError,
    ValueError,
    KeyError,
    IndexError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
)


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
        except DAMAGED_ARRAYS:
            path.unlink(missing_ok=True)
    built = build()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, **built)  # type: ignore[arg-type]
        tmp.replace(path)
    return built


# --- Compiled patterns ------------------------------------------------------------------------
# The guardrails' blame patterns are large alternations: `re` took about 0.8 s of every cold chat
# turn to compile them. `re` compiles in two steps, parsing the source into a program (slow, in
# Python) and building a matcher from that program (fast, in C); the programs are kept on disk,
# keyed by the Python version and the regex engine's magic number, as JSON (nothing in the file is
# ever executed), and any mismatch or damage falls back to `re.compile`.

_PROGRAMS: dict[tuple[str, int], tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]]
_PROGRAMS = {}
_programs_state = {"loaded": False, "dirty": False}


def _programs_path() -> Path:
    import _sre
    import sys

    version = "".join(map(str, sys.version_info[:2]))
    return cache_dir() / f"regex-py{version}-{_sre.MAGIC}-{_sre.CODESIZE}.json"


def _load_programs() -> None:
    import base64
    import json

    _programs_state["loaded"] = True
    path = _programs_path()
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        if path.is_file():
            for source, flags, final, code, groups, index, names in json.loads(path.read_text()):
                _PROGRAMS[(str(source), int(flags))] = (
                    int(final),
                    base64.b64decode(code),
                    int(groups),
                    {str(k): int(v) for k, v in index.items()},
                    tuple(names),
                )


def _save_programs() -> None:
    import base64
    import json

    if not _programs_state["dirty"]:
        return
    path = _programs_path()
    rows = [
        [source, flags, final, base64.b64encode(code).decode("ascii"), groups, index, list(names)]
        for (source, flags), (final, code, groups, index, names) in _PROGRAMS.items()
    ]
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(rows))
        tmp.replace(path)
    _programs_state["dirty"] = False


def pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(source, flags)`, from the program kept on disk when there is one."""
    import _sre
    import array

    if not _programs_state["loaded"]:
        _load_programs()
    key = (source, int(flags))
    entry = _PROGRAMS.get(key)
    if entry is not None:
        try:
            final, code, groups, index, indexgroup = entry
            program = array.array("I", code).tolist()
            return cast(
                "re.Pattern[str]", _sre.compile(source, final, program, groups, index, indexgroup)
            )
        except (TypeError, ValueError, RuntimeError):
            _PROGRAMS.pop(key, None)
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(source, flags)
        code = _compiler._code(parsed, flags)
        index = dict(parsed.state.groupdict)
        names: list[str | None] = [None] * parsed.state.groups
        for name, i in index.items():
            names[i] = name
        compiled = _sre.compile(
            source, flags | parsed.state.flags, code, parsed.state.groups - 1, index, tuple(names)
        )
        packed = array.array("I", code).tobytes()
    except (AttributeError, ImportError, TypeError, ValueError, OverflowError):
        return re.compile(source, flags)  # another Python's `re` internals: no cache
    _PROGRAMS[key] = (
        flags | parsed.state.flags,
        packed,
        parsed.state.groups - 1,
        index,
        tuple(names),
    )
    if not _programs_state["dirty"]:
        _programs_state["dirty"] = True
        atexit.register(_save_programs)
    return cast("re.Pattern[str]", compiled)
