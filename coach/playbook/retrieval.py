"""Hybrid retrieval over the playbook: Chroma vectors and BM25, fused by reciprocal rank.

One `HybridRetriever` serves the CLI, triage, drafts, the agent (as a LangChain retriever or tool)
and the evals.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from coach.playbook.knowledge import Passage
from coach.settings import Settings, get_settings

if TYPE_CHECKING:
    from coach.playbook.store import KnowledgeStore, Progress

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "vector", "bm25"]
RRF_K = 60  # the constant from Cormack et al.; damps the weight of the very top ranks
MAX_QUERY_CHARS = 2000  # BM25 side; the embedding side cuts at the model's 256 tokens
CANDIDATES = 20
NEAR_DUPLICATE = 0.85  # word-shingle Jaccard above which a lower-ranked passage is dropped


class Hit(BaseModel):
    passage: Passage
    score: float
    vector_rank: int | None = None
    bm25_rank: int | None = None

    @property
    def source(self) -> str:
        return self.passage.source

    @property
    def section(self) -> str:
        return self.passage.section

    @property
    def text(self) -> str:
        return self.passage.text

    @property
    def kind(self) -> str:
        return self.passage.kind

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "section": self.section,
            "kind": self.kind,
            "text": self.text,
            "score": round(self.score, 6),
            "tokens": self.passage.tokens,
            "links": [link.model_dump() for link in self.passage.links],
        }


def _tokenizer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


class HybridRetriever:
    def __init__(self, store: KnowledgeStore) -> None:
        import bm25s

        from coach.playbook.glossary import Glossary

        self.store = store
        self.glossary = Glossary.load(store.settings.knowledge_dir)
        self.passages: list[Passage] = store.passages()
        self._by_id = {p.id: p for p in self.passages}
        self._stemmer = _tokenizer()
        self._bm25 = bm25s.BM25()
        if self.passages:
            corpus = bm25s.tokenize(
                [p.embedding_text() for p in self.passages],
                stopwords="en",
                stemmer=self._stemmer,
                show_progress=False,
            )
            self._bm25.index(corpus, show_progress=False)

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid") -> list[Hit]:
        query = query.strip()
        if not query or not self.passages:
            return []
        want = max(k, CANDIDATES)
        query = self.glossary.expand(query[:MAX_QUERY_CHARS])
        vector = self._vector(query, want) if mode != "bm25" else []
        lexical = self._lexical(query, want) if mode != "vector" else []
        if mode == "vector":
            hits = [
                Hit(passage=self._by_id[i], score=s, vector_rank=r)
                for r, (i, s) in enumerate(vector, 1)
            ]
        elif mode == "bm25":
            hits = [
                Hit(passage=self._by_id[i], score=s, bm25_rank=r)
                for r, (i, s) in enumerate(lexical, 1)
            ]
        else:
            hits = self._fuse(vector, lexical)
        return _drop_near_duplicates(hits)[:k]

    def _vector(self, query: str, k: int) -> list[tuple[str, float]]:
        vec = self.store.embeddings.embed_query(query)
        return [(pid, s) for pid, s in self.store.query(vec, k) if pid in self._by_id]

    def _lexical(self, query: str, k: int) -> list[tuple[str, float]]:
        import bm25s

        tokens = bm25s.tokenize(query, stopwords="en", stemmer=self._stemmer, show_progress=False)
        if not tokens.vocab:
            return []
        docs, scores = self._bm25.retrieve(
            tokens, k=min(k, len(self.passages)), show_progress=False, n_threads=1
        )
        return [
            (self.passages[int(i)].id, float(s))
            for i, s in zip(docs[0], scores[0], strict=True)
            if s > 0
        ]

    def _fuse(self, vector: list[tuple[str, float]], lexical: list[tuple[str, float]]) -> list[Hit]:
        fused: dict[str, Hit] = {}
        for rank, (pid, _) in enumerate(vector, 1):
            hit = fused.setdefault(pid, Hit(passage=self._by_id[pid], score=0.0))
            hit.score += 1.0 / (RRF_K + rank)
            hit.vector_rank = rank
        for rank, (pid, _) in enumerate(lexical, 1):
            hit = fused.setdefault(pid, Hit(passage=self._by_id[pid], score=0.0))
            hit.score += 1.0 / (RRF_K + rank)
            hit.bm25_rank = rank
        return sorted(fused.values(), key=lambda h: (-h.score, h.vector_rank or 10**6))


_WORD = re.compile(r"\w+")


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def _drop_near_duplicates(hits: list[Hit]) -> list[Hit]:
    kept: list[tuple[Hit, set[tuple[str, ...]]]] = []
    for hit in hits:
        sh = _shingles(hit.text)
        if any(len(sh & other) / max(1, len(sh | other)) >= NEAR_DUPLICATE for _, other in kept):
            continue
        kept.append((hit, sh))
    return [h for h, _ in kept]


_lock = threading.Lock()
_cache: dict[tuple[str, ...], HybridRetriever] = {}


def build_index(
    settings: Settings, rebuild: bool = False, progress: Progress | None = None
) -> tuple[KnowledgeStore, Any]:
    from coach.playbook.store import open_store

    store = open_store(settings)
    report = store.ingest(rebuild=rebuild, progress=progress)
    return store, report


def get_retriever(settings: Settings | None = None, refresh: bool = False) -> HybridRetriever:
    """The retriever for these settings, building or refreshing the index on first use."""
    settings = settings or get_settings()
    key = (
        str(settings.data_dir),
        str(settings.knowledge_dir),
        settings.chroma_url or "",
        settings.embeddings,
    )
    with _lock:
        if not refresh and key not in _cache:
            from coach.playbook.store import SnapshotStore, read_snapshot

            passages = read_snapshot(settings)  # unchanged playbook: no Chroma until needed
            if passages is not None:
                _cache[key] = HybridRetriever(SnapshotStore(settings, passages))  # type: ignore[arg-type]
        if refresh or key not in _cache:
            store, report = build_index(settings)
            if report.changed:
                log.info("knowledge index updated: %s", report.summary())
            _cache[key] = HybridRetriever(store)
        return _cache[key]
