"""What a sentence is about: small models over multilingual sentence vectors and cue features.

Two models are built the same way. The signal model is fitted on the labelled customer sentences in
`exemplars/<language>.yaml` (every language together, so a threat written in Polish lands near its
English and Dutch cousins) and gives each sentence a probability per signal and for `none`. The
role model is fitted on sentences reps type to the coach (`rep_exemplars/*.yaml`) and says which
part of the case file a sentence tells (the problem, what was tried, the ask, ...).

Each is three small neural networks (one hidden layer, different seeds) averaged with a linear
model: the networks separate topics better, the linear model keeps the average calibrated on
sentences unlike any exemplar. They read meaning, not words: negation, tense and who speaks are for
`coach.reading.context`, whose cues also reach the models as features (a negated word of leaving,
someone senior named), so they can learn what a vector cannot show.

Fitting takes about a minute, so the fitted weights ship with the package (`model.npz`,
`rep_model.npz`, each with the key of what it was fitted on) and are refitted, and cached, only
when their exemplars, cues or feature code change: `python -m coach.reading.classifier` refits and
writes both.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from coach.domain.signals import SIGNAL_TYPES
from coach.textio import load_yaml

HERE = Path(__file__).parent
CUES = HERE / "cues"
LABELS: tuple[str, ...] = (*SIGNAL_TYPES, "none")
EXEMPLARS = HERE / "exemplars"
SHIPPED = HERE / "model.npz"
VERSION = "ensemble-v4-near"
SEEDS = (0, 1, 2)
HIDDEN = 256
LINEAR_WEIGHT = 0.5
FEATURE_SCALE = 0.5  # cue features next to unit-length sentence vectors
_TEMPERATURE = 10.0
_NEAR_SCALE = 0.25  # exemplar vector components stay below this; int8 keeps them to 0.2%
_NEAR_BLOCKS = 8


@dataclass(frozen=True)
class Exemplars:
    texts: list[str]
    labels: list[int]
    languages: list[str]


@dataclass(frozen=True)
class Spec:
    """One model: its labels, where its exemplars are, how its features are read."""

    name: str
    labels: tuple[str, ...]
    exemplars: Path
    shipped: Path
    version: str
    load: Callable[[Path, tuple[str, ...]], Exemplars]
    features: Callable[[str, str], list[float]]
    code: tuple[Path, ...]  # the modules whose code the features depend on


def load_signal_exemplars(folder: Path, labels: tuple[str, ...] = LABELS) -> Exemplars:
    """`signals: {name: [sentences]}` and `none: [sentences]` per language file."""
    texts: list[str] = []
    found: list[int] = []
    languages: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        data = load_yaml(path.read_text(encoding="utf-8"))
        groups = [*(data.get("signals") or {}).items(), ("none", data.get("none") or [])]
        for label, sentences in groups:
            if label not in labels:
                raise ValueError(f"{path}: unknown label {label!r}")
            for sentence in sentences:
                texts.append(str(sentence))
                found.append(labels.index(label))
                languages.append(str(data.get("language", path.stem)))
    return Exemplars(texts, found, languages)


def load_exemplars(folder: Path = EXEMPLARS) -> Exemplars:
    return load_signal_exemplars(folder, LABELS)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def _balanced(y: np.ndarray, k: int) -> np.ndarray:
    """Per-example weights that give every class the same total weight."""
    counts = np.bincount(y, minlength=k).astype(np.float32)
    weight = (1.0 / np.maximum(counts, 1.0))[y]
    return (weight / weight.sum()).astype(np.float32)


def fit_linear(x: np.ndarray, y: np.ndarray, k: int, steps: int = 400) -> dict[str, np.ndarray]:
    """Multinomial logistic regression by full-batch gradient descent."""
    weight = _balanced(y, k)
    target = np.eye(k, dtype=np.float32)[y]
    w = np.zeros((x.shape[1], k), dtype=np.float32)
    b = np.zeros(k, dtype=np.float32)
    for _ in range(steps):
        grad = (_softmax((x @ w + b) * _TEMPERATURE) - target) * weight[:, None]
        w -= 2.0 * (x.T @ grad + 1e-3 * w)
        b -= 2.0 * grad.sum(axis=0)
    return {"w": w, "b": b}


def fit_network(
    x: np.ndarray, y: np.ndarray, k: int, seed: int, steps: int = 300, rate: float = 0.01
) -> dict[str, np.ndarray]:
    """One hidden layer (ReLU), softmax out, trained with Adam on the whole set: deterministic
    for a seed, no dependency beyond numpy."""
    rng = np.random.default_rng(seed)
    d = x.shape[1]
    params = {
        "w1": (rng.standard_normal((d, HIDDEN)) * np.sqrt(2 / d)).astype(np.float32),
        "b1": np.zeros(HIDDEN, dtype=np.float32),
        "w2": (rng.standard_normal((HIDDEN, k)) * np.sqrt(1 / HIDDEN)).astype(np.float32),
        "b2": np.zeros(k, dtype=np.float32),
    }
    weight = _balanced(y, k)
    target = np.eye(k, dtype=np.float32)[y]
    moment = {n: np.zeros_like(p) for n, p in params.items()}
    square = {n: np.zeros_like(p) for n, p in params.items()}
    for t in range(1, steps + 1):
        hidden = np.maximum(x @ params["w1"] + params["b1"], 0)
        error = (_softmax(hidden @ params["w2"] + params["b2"]) - target) * weight[:, None]
        back = (error @ params["w2"].T) * (hidden > 0)
        grads = {
            "w2": hidden.T @ error + 1e-4 * params["w2"],
            "b2": error.sum(axis=0),
            "w1": x.T @ back + 1e-4 * params["w1"],
            "b1": back.sum(axis=0),
        }
        for name, grad in grads.items():
            moment[name] = 0.9 * moment[name] + 0.1 * grad
            square[name] = 0.999 * square[name] + 0.001 * grad * grad
            step = (moment[name] / (1 - 0.9**t)) / (np.sqrt(square[name] / (1 - 0.999**t)) + 1e-8)
            params[name] -= rate * step
    return params


class SentenceClassifier:
    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.arrays = {k: v.astype("float32") for k, v in arrays.items() if k != "near"}
        # The exemplars' own vectors (int8), to tell how far a sentence is from all it learned.
        near = arrays["near"].astype("float32")
        near = near / (np.linalg.norm(near, axis=1, keepdims=True) + 1e-9)
        # Interleaved (every label and language in each block) and transposed, so `far` can
        # stop at the first block that holds a near exemplar.
        order = np.argsort(np.arange(len(near)) % _NEAR_BLOCKS, kind="stable")
        self.near_t = np.ascontiguousarray(near[order].T)

    def nearest(self, vectors: np.ndarray) -> np.ndarray:
        """The cosine similarity of each sentence to the closest exemplar of any label: low for
        text unlike anything the models learned (tweets, chit-chat), where they overreach."""
        return (vectors @ self.near_t).max(axis=1)

    def far(self, vectors: np.ndarray, limit: float) -> np.ndarray:
        """Whether each sentence is farther than `limit` from every exemplar: the same answer
        as `nearest(vectors) < limit`, read a block of exemplars at a time and stopping for a
        sentence once one block holds a near exemplar (most do in the first: a 28 MB product
        per sentence was a fifth of a warm triage)."""
        out = np.ones(len(vectors), dtype=bool)
        block = -(-self.near_t.shape[1] // _NEAR_BLOCKS)
        for start in range(0, self.near_t.shape[1], block):
            rows = np.flatnonzero(out)
            if not len(rows):
                break
            best = (vectors[rows] @ self.near_t[:, start : start + block]).max(axis=1)
            out[rows[best >= limit]] = False
        return out

    def probabilities(self, vectors: np.ndarray, features: np.ndarray) -> np.ndarray:
        """(n, labels) probabilities; a row per sentence (its vector and cue features)."""
        a = self.arrays
        x = inputs(vectors, features)
        nets = [
            _softmax(np.maximum(x @ a[f"n{s}_w1"] + a[f"n{s}_b1"], 0) @ a[f"n{s}_w2"]
                     + a[f"n{s}_b2"])
            for s in SEEDS
        ]  # fmt: skip
        linear = _softmax((x @ a["lin_w"] + a["lin_b"]) * _TEMPERATURE)
        return (1 - LINEAR_WEIGHT) * sum(nets) / len(nets) + LINEAR_WEIGHT * linear


def inputs(vectors: np.ndarray, features: np.ndarray) -> np.ndarray:
    return np.concatenate([vectors, FEATURE_SCALE * features], axis=1).astype(np.float32)


def fit_all(x: np.ndarray, labels: np.ndarray, k: int) -> dict[str, np.ndarray]:
    arrays = {f"lin_{name}": v for name, v in fit_linear(x, labels, k).items()}
    for seed in SEEDS:
        arrays.update({f"n{seed}_{n}": v for n, v in fit_network(x, labels, k, seed).items()})
    return arrays


def key(spec: Spec) -> str:
    from coach.cache import key_of
    from coach.reading.encoder import MODEL_ID

    files = [
        *sorted(spec.exemplars.glob("*.yaml")),
        *sorted(CUES.glob("*.yaml")),
        Path(__file__),
        *spec.code,
    ]
    return key_of([MODEL_ID, spec.version, *(p.read_bytes() for p in files)])


def fitted(spec: Spec) -> dict[str, np.ndarray]:
    from coach.reading.encoder import get_encoder

    found = spec.load(spec.exemplars, spec.labels)
    vectors = get_encoder().encode(found.texts)
    cue_features = np.asarray(
        [spec.features(t, lang) for t, lang in zip(found.texts, found.languages, strict=True)],
        dtype=np.float32,
    )
    arrays = fit_all(inputs(vectors, cue_features), np.asarray(found.labels), len(spec.labels))
    arrays["near"] = np.clip(np.round(vectors * 127 / _NEAR_SCALE), -127, 127).astype(np.int8)
    return arrays


_models: dict[str, SentenceClassifier] = {}


def model(spec: Spec) -> SentenceClassifier:
    """The shipped model when it was fitted on these exemplars, else a fit cached on disk."""
    from coach import cache

    if spec.name in _models:
        return _models[spec.name]
    expected = key(spec)
    loaded = None
    if spec.shipped.is_file():
        with np.load(spec.shipped, allow_pickle=False) as data:
            if str(data["key"]) == expected:
                loaded = SentenceClassifier({k: data[k] for k in data.files if k != "key"})
    if loaded is None:
        loaded = SentenceClassifier(cache.arrays(spec.name, expected, lambda: fitted(spec)))
    _models[spec.name] = loaded
    return loaded


def write_shipped(spec: Spec) -> Path:
    """Fit on the exemplars and write the weights the package ships (float16 halves the size)."""
    arrays = {k: v if v.dtype == np.int8 else v.astype(np.float16) for k, v in fitted(spec).items()}
    np.savez_compressed(spec.shipped, key=np.asarray(key(spec)), **arrays)  # type: ignore[arg-type]
    return spec.shipped


def _signal_features(text: str, language: str) -> list[float]:
    from coach.reading.context import features

    return features(text, language)


SIGNALS = Spec(
    name="reader",
    labels=LABELS,
    exemplars=EXEMPLARS,
    shipped=SHIPPED,
    version=VERSION,
    load=load_signal_exemplars,
    features=_signal_features,
    code=(HERE / "context.py",),
)


def exemplar_key() -> str:
    return key(SIGNALS)


@lru_cache(maxsize=1)
def get_classifier() -> SentenceClassifier:
    return model(SIGNALS)


def specs() -> list[Spec]:
    from coach.reading.rep import ROLES_SPEC

    return [SIGNALS, ROLES_SPEC]


if __name__ == "__main__":
    for spec in specs():
        print(f"wrote {write_shipped(spec)}", file=sys.stderr)
