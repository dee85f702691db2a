"""Hybrid retrieval over the playbook: three rankers fused by reciprocal rank.

- vector: the playbook's MiniLM vectors in Chroma (each passage and its best line);
- bm25: words, stemmed, with negation kept as a word;
- multilingual: the reader's multilingual sentence encoder (coach/reading/encoder.py) over each
  passage and its lines, so a question in German or Polish finds the English passage, and a
  paraphrase MiniLM misses can still rank. On the blind-written dev questions
  (evals/retrieval_dev2.yaml) adding it lifted recall@3 from 0.80 to 0.86, and the main set from
  0.95 to 0.97; its passage vectors are computed once per playbook and kept in the cache folder.

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
    from collections.abc import Iterable

    from coach.playbook.store import KnowledgeStore, Progress

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "vector", "bm25", "multilingual"]
RRF_K = 60  # the constant from Cormack et al.; damps the weight of the very top ranks
# Texts per call when the multilingual index is built: how often `coach ingest` reports progress.
MULTILINGUAL_BATCH = 256
MAX_QUERY_CHARS = 2000  # BM25 side; the embedding side cuts at the model's 256 tokens
CANDIDATES = 20
NEAR_DUPLICATE = 0.85  # word-shingle Jaccard above which a lower-ranked passage is dropped


class Hit(BaseModel):
    passage: Passage
    score: float
    vector_rank: int | None = None
    bm25_rank: int | None = None
    multilingual_rank: int | None = None

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


# Negation carries meaning in a playbook ("Don't escalate if", "never blame") and in reps'
# questions ("when am I NOT supposed to..."), but BM25's stopword list drops "not" and splits
# "don't" into "don". Every form becomes one token on both sides, so "not" matches "don't".
_NEGATION = re.compile(
    r"\b(?:not|never|no|don'?t|doesn'?t|didn'?t|isn'?t|aren'?t|wasn'?t|shouldn'?t|won'?t|"
    r"can'?t|cannot|haven'?t|hasn'?t|mustn'?t|avoid)\b",
    re.IGNORECASE,
)
NEGATION_TOKEN = "negation"


def mark_negation(text: str) -> str:
    return _NEGATION.sub(f" {NEGATION_TOKEN} ", text.replace("\u2019", "'"))


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
        self._multi: tuple[Any, Any, list[int]] | None = None
        self._multi_lock = threading.Lock()
        if self.passages:  # load the encoder while the caller loads MiniLM: two cores, one wait
            threading.Thread(target=self._preload, name="multilingual-index", daemon=True).start()
        self._bm25 = bm25s.BM25()
        if self.passages:
            corpus = bm25s.tokenize(
                [mark_negation(p.embedding_text()) for p in self.passages],
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
        english = mode != "hybrid" or _is_english(query[:MAX_QUERY_CHARS])
        query = self.glossary.expand(query[:MAX_QUERY_CHARS])
        vector = self._vector(query, want) if mode in ("hybrid", "vector") else []
        lexical = self._lexical(query, want) if mode in ("hybrid", "bm25") else []
        multi = self._multilingual(query, want) if mode in ("hybrid", "multilingual") else []
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
        elif mode == "multilingual":
            hits = [Hit(passage=self._by_id[i], score=s) for i, s in multi]
        else:
            hits = self._fuse(vector, lexical, multi, english=english)
        return _drop_near_duplicates(hits)[:k]

    def _vector(self, query: str, k: int) -> list[tuple[str, float]]:
        vec = self.store.embeddings.embed_query(query)
        return [(pid, s) for pid, s in self.store.query(vec, k) if pid in self._by_id]

    def _lexical(self, query: str, k: int) -> list[tuple[str, float]]:
        import bm25s

        tokens = bm25s.tokenize(
            mark_negation(query), stopwords="en", stemmer=self._stemmer, show_progress=False
        )
        if not tokens.vocab:
            return []
        docs, scores = self._bm25.retrieve(
            tokens, k=min(k, len(self.passages)), show_progress=False, n_threads=0
        )
        return [
            (self.passages[int(i)].id, float(s))
            for i, s in zip(docs[0], scores[0], strict=True)
            if s > 0
        ]

    def _preload(self) -> None:
        try:
            self._multilingual_index()
        except Exception:  # the first search reports it in the caller's thread
            log.debug("multilingual index not preloaded", exc_info=True)

    def _multilingual_index(self) -> tuple[Any, Any, list[int]]:
        """Unit vectors of every passage and of every line of it (with the passage it belongs
        to), from the multilingual encoder; cached on disk by the passages' text."""
        with self._multi_lock:
            if self._multi is None:
                self._multi = multilingual_index(self.passages)
            return self._multi

    def _multilingual(self, query: str, k: int) -> list[tuple[str, float]]:
        """Passages by the multilingual encoder: the better of the passage's own similarity and
        its mean with the passage's best line (a question often matches one line of a list)."""
        import numpy as np

        from coach.reading.encoder import get_encoder

        passages, lines, owner = self._multilingual_index()
        q = get_encoder().encode([query[:MAX_QUERY_CHARS]])[0]
        own = passages @ q
        best = np.full(len(self.passages), -1.0)
        if len(owner):
            np.maximum.at(best, np.asarray(owner), lines @ q)
        score = np.maximum(own, (own + best) / 2)
        order = np.argsort(-score, kind="stable")[:k]
        return [(self.passages[int(i)].id, float(score[i])) for i in order]

    def _fuse(
        self,
        vector: list[tuple[str, float]],
        lexical: list[tuple[str, float]],
        multi: list[tuple[str, float]] | None = None,
        english: bool = True,
    ) -> list[Hit]:
        """Reciprocal-rank fusion. MiniLM and the English stemmer only read English: for a
        question in another language their ranks are mostly noise, so they count a quarter."""
        weight = 1.0 if english else OTHER_LANGUAGE_WEIGHT
        fused: dict[str, Hit] = {}
        for rank, (pid, _) in enumerate(vector, 1):
            hit = fused.setdefault(pid, Hit(passage=self._by_id[pid], score=0.0))
            hit.score += weight / (RRF_K + rank)
            hit.vector_rank = rank
        for rank, (pid, _) in enumerate(lexical, 1):
            hit = fused.setdefault(pid, Hit(passage=self._by_id[pid], score=0.0))
            hit.score += weight / (RRF_K + rank)
            hit.bm25_rank = rank
        for rank, (pid, _) in enumerate(multi or [], 1):
            hit = fused.setdefault(pid, Hit(passage=self._by_id[pid], score=0.0))
            hit.score += 1.0 / (RRF_K + rank)
            hit.multilingual_rank = rank
        return sorted(fused.values(), key=lambda h: (-h.score, h.vector_rank or 10**6))


_WORD = re.compile(r"\w+")
OTHER_LANGUAGE_WEIGHT = 0.25


def _is_english(query: str) -> bool:
    """Short questions are often too short to tell: only a clear other language counts."""
    from coach.reading.language import detect

    return len(_WORD.findall(query)) < 4 or detect(query) in ("en", "")


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


def multilingual_index(
    passages: list[Passage], progress: Progress | None = None
) -> tuple[Any, Any, list[int]]:
    """The multilingual encoder's unit vectors of every passage and of every line of it, with the
    passage each line belongs to; cached on disk by the passages' text. `coach ingest` builds it
    with `progress`, so the first search after a large page is not the one that waits."""
    import numpy as np

    from coach import cache
    from coach.reading.encoder import MODEL_ID, get_encoder

    texts = [p.embedding_text() for p in passages]
    lines = [(i, ln) for i, p in enumerate(passages) for ln in _views(p)]

    def build() -> dict[str, Any]:
        enc = get_encoder()
        every = texts + [ln for _, ln in lines]
        batches = [
            every[i : i + MULTILINGUAL_BATCH] for i in range(0, len(every), MULTILINGUAL_BATCH)
        ]
        items: Iterable[list[str]] = batches
        if progress is not None and len(batches) > 1:
            items = progress(batches, len(batches), "Indexing for other languages")
        vectors = np.concatenate([enc.encode(b) for b in items])
        return {
            "passages": vectors[: len(texts)],
            "lines": vectors[len(texts) :] if lines else np.zeros((0, 1), dtype=np.float32),
        }

    key = cache.key_of([MODEL_ID, *texts, *(ln for _, ln in lines)])
    arrays = cache.arrays("playbook-multilingual", key, build)
    return arrays["passages"], arrays["lines"], [i for i, _ in lines]


def build_index(
    settings: Settings, rebuild: bool = False, progress: Progress | None = None
) -> tuple[KnowledgeStore, Any]:
    """Ingest the playbook; with `progress` (the CLI's `coach ingest`), also the multilingual
    index the first search would otherwise build."""
    from coach.playbook.store import ingest, open_store

    store, report = ingest(open_store(settings), rebuild=rebuild, progress=progress)
    if progress is not None:
        passages = store.passages()
        if passages:
            multilingual_index(passages, progress)
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

            snapshot = read_snapshot(settings)  # unchanged playbook: no Chroma
            if snapshot is not None:
                _cache[key] = HybridRetriever(SnapshotStore(settings, *snapshot))  # type: ignore[arg-type]
        if refresh or key not in _cache:
            from coach.playbook.store import SnapshotStore, read_snapshot

            store, report = build_index(settings)
            if report.changed:
                log.info("knowledge index updated: %s", report.summary())
            # The ingest wrote the snapshot: search it as a fresh process would (exact, in
            # numpy), not through the collection's query, which is twice as slow per search.
            snapshot = read_snapshot(settings)
            if snapshot is not None and snapshot[1] is not None:
                _cache[key] = HybridRetriever(SnapshotStore(settings, *snapshot, real=store))  # type: ignore[arg-type]
            else:
                _cache[key] = HybridRetriever(store)
        return _cache[key]


def _views(passage: Passage) -> list[str]:
    """What the multilingual ranker compares a question with, besides the whole passage: the
    section's own title (a short question in another language matches a title best) and each line."""
    title = passage.section.split(" (", 1)[0].split(" > ")[-1]
    return [title, *passage.line_views()]
