"""The Chroma store: one collection per embedding model, ingested incrementally by content hash.

Embedded (`PersistentClient` under the data directory) by default; `COACH_CHROMA_URL` switches to a
Chroma server (`chromadb.HttpClient`) for teams that outgrow one machine.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from coach.cache import DAMAGED_ARRAYS
from coach.errors import CoachError
from coach.playbook.knowledge import Link, Passage, chunk_document, load_documents
from coach.settings import require_writable

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from langchain_core.embeddings import Embeddings

    from coach.settings import Settings

log = logging.getLogger(__name__)

Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    passages_embedded: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged; {self.passages_embedded} passages embedded"
        )


def make_client(settings: Settings) -> ClientAPI:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise CoachError(
                f"COACH_CHROMA_URL={settings.chroma_url!r} is not a URL like http://host:8000"
            )
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises plain exceptions for an unreachable server
            raise CoachError(
                f"cannot reach the Chroma server at {settings.chroma_url} ({exc}); "
                "start it or unset COACH_CHROMA_URL to use the embedded store"
            ) from None
    path = require_writable(settings.index_dir, "the index folder") / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def collection_name(model_id: str, knowledge_key: str) -> str:
    """Vectors of different models never share a collection; neither do knowledge folders."""
    name = re.sub(r"[^a-zA-Z0-9_-]+", "-", f"playbook-{model_id}-{knowledge_key}").strip("-_")
    return name[:200]


def knowledge_key(settings: Settings) -> str:
    """The knowledge folder's share of a collection's name. A path that is not UTF-8
    ("/tmp/k\\xff") is the folder's problem, not the index's: a CoachError, which `open_store`
    never takes for a damaged index (it set a healthy one aside on every run)."""
    import hashlib
    import os

    resolved = str(settings.knowledge_dir.resolve())
    try:
        return hashlib.sha1(resolved.encode()).hexdigest()[:10]
    except UnicodeEncodeError:
        shown = os.fsencode(resolved).decode("utf-8", "backslashreplace")
        raise CoachError(
            f"the knowledge folder's path {shown} is not valid UTF-8; rename the folder or set "
            "COACH_KNOWLEDGE_DIR to another"
        ) from None


class KnowledgeStore:
    """Passages and their vectors, kept in step with the files of the knowledge directory."""

    def __init__(
        self, settings: Settings, model_id: str, embeddings: Embeddings, client: ClientAPI
    ) -> None:
        self.settings = settings
        self.model_id = model_id
        self.embeddings = embeddings
        self.client = client
        self.collection: Collection = client.get_or_create_collection(
            collection_name(model_id, knowledge_key(settings)),
            embedding_function=None,
            metadata={"hnsw:space": "cosine", "embedding_model": model_id},
        )

    # -- ingestion --------------------------------------------------------------------------

    def file_hashes(self) -> dict[str, str]:
        got = self.collection.get(include=["metadatas"])
        return {str(m["source"]): str(m["file_hash"]) for m in (got["metadatas"] or []) if m}

    def ingest(self, rebuild: bool = False, progress: Progress | None = None) -> IngestReport:
        """Embed new and changed files, drop deleted ones, skip unchanged ones."""
        docs = load_documents(self.settings.knowledge_dir)
        report = IngestReport()
        if rebuild:
            self._delete_all()
        stored = {} if rebuild else self.file_hashes()
        present = {d.source for d in docs}
        for source in sorted(set(stored) - present):
            self.collection.delete(where={"source": source})
            report.removed.append(source)
        todo = []
        for doc in docs:
            if stored.get(doc.source) == doc.sha256:
                report.unchanged.append(doc.source)
                continue
            (report.updated if doc.source in stored else report.added).append(doc.source)
            todo.append(doc)
        items: Iterable[Any] = todo
        if progress is not None and todo:
            items = progress(todo, len(todo), "Embedding playbook pages")
        for doc in items:
            passages = chunk_document(doc, present)
            if doc.source in stored:
                self.collection.delete(where={"source": doc.source})
            self._add(passages, doc.sha256)
            report.passages_embedded += len(passages)
        write_snapshot(
            self.settings, {d.source: d.sha256 for d in docs}, self.passages(), self.records()
        )
        return report

    def records(self) -> Records:
        """Every record's passage id, whether it is the whole passage, and its vector."""
        import numpy as np

        got = self.collection.get(include=["embeddings", "metadatas"])
        metas = got["metadatas"] or []
        vectors = got["embeddings"]
        if vectors is None or not len(metas):
            return Records([], np.zeros(0, dtype=bool), np.zeros((0, 0), dtype=np.float32))
        return Records(
            [str(m["passage_id"]) for m in metas],
            np.asarray([m.get("view") == "passage" for m in metas], dtype=bool),
            np.asarray(vectors, dtype=np.float32),
        )

    def _delete_all(self) -> None:
        ids = self.collection.get(include=[])["ids"]
        if ids:
            self.collection.delete(ids=ids)

    def _add(self, passages: list[Passage], file_hash: str) -> None:
        """Each passage is stored whole and, for matching only, as one record per line."""
        if not passages:
            return
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        for p in passages:
            base = {"source": p.source, "file_hash": file_hash, "passage_id": p.id}
            ids.append(p.id)
            texts.append(p.embedding_text())
            metas.append(
                {
                    **base,
                    "view": "passage",
                    "section": p.section,
                    "kind": p.kind,
                    "tokens": p.tokens,
                    "text": p.text,
                    "links": json.dumps([link.model_dump() for link in p.links]),
                }
            )
            for i, line in enumerate(p.line_views()):
                ids.append(f"{p.id}:{i}")
                texts.append(line)
                metas.append({**base, "view": "line"})
        vectors = self.embeddings.embed_documents(texts)
        for start in range(0, len(ids), 500):
            end = start + 500
            self.collection.upsert(
                ids=ids[start:end],
                embeddings=vectors[start:end],  # type: ignore[arg-type]
                documents=texts[start:end],
                metadatas=metas[start:end],  # type: ignore[arg-type]
            )

    # -- reading ----------------------------------------------------------------------------

    def passages(self) -> list[Passage]:
        got = self.collection.get(where={"view": "passage"}, include=["metadatas"])
        out = [
            _passage(pid, meta)
            for pid, meta in zip(got["ids"], got["metadatas"] or [], strict=True)
        ]
        return sorted(out, key=lambda p: (p.source, p.id))

    def query(self, vector: list[float], k: int) -> list[tuple[str, float]]:
        """Passage ids, best first, scored from the passage's own vector and its best line.

        A question often matches one line of a list better than the whole list; averaging the
        two keeps a passage that matches as a whole from losing to a single stray line.
        """
        count = self.collection.count()
        if count == 0:
            return []
        res = self.collection.query(
            query_embeddings=[vector],  # type: ignore[arg-type]
            n_results=_candidates(k, count),
            include=["distances", "metadatas"],
        )
        found = [
            (str(meta["passage_id"]), meta.get("view") == "passage", 1.0 - float(dist))
            for meta, dist in zip(
                (res["metadatas"] or [[]])[0], (res["distances"] or [[]])[0], strict=True
            )
        ]
        return _scored(found, k)


def _candidates(k: int, count: int) -> int:
    """How many nearest records a query looks at for k passages."""
    return min(max(k * 8, 100), count)


def _scored(found: Iterable[tuple[str, bool, float]], k: int) -> list[tuple[str, float]]:
    """Passage scores from the nearest records: half the passage's own similarity, half the
    better of it and its best line's."""
    whole: dict[str, float] = {}
    best_line: dict[str, float] = {}
    for pid, is_whole, sim in found:
        if is_whole:
            whole[pid] = sim
        else:
            best_line[pid] = max(sim, best_line.get(pid, -1.0))
    scores = {}
    for pid in whole.keys() | best_line.keys():
        own = whole.get(pid, best_line.get(pid, 0.0))
        scores[pid] = 0.5 * own + 0.5 * max(own, best_line.get(pid, own))
    return sorted(scores.items(), key=lambda kv: -kv[1])[:k]


@dataclass
class Records:
    """The collection's records as arrays: what a query reads, without Chroma."""

    passage_ids: list[str]
    whole: Any  # np.ndarray of bool
    vectors: Any  # np.ndarray, float32, one row per record

    def query(self, vector: list[float], k: int) -> list[tuple[str, float]]:
        """The same nearest records and scores as the collection's cosine query, exactly."""
        import numpy as np

        if not self.passage_ids:
            return []
        q = np.asarray(vector, dtype=np.float32)
        norms = np.linalg.norm(self.vectors, axis=1) * (np.linalg.norm(q) or 1.0)
        sims = (self.vectors @ q) / np.where(norms == 0, 1.0, norms)
        n = _candidates(k, len(self.passage_ids))
        nearest = np.argsort(-sims, kind="stable")[:n]
        return _scored(
            ((self.passage_ids[i], bool(self.whole[i]), float(sims[i])) for i in nearest), k
        )


def _passage(pid: str, meta: Any) -> Passage:
    return Passage(
        id=pid,
        source=str(meta["source"]),
        section=str(meta["section"]),
        kind=meta["kind"],
        text=str(meta.get("text") or ""),
        tokens=int(meta["tokens"]),
        links=[Link(**x) for x in json.loads(str(meta.get("links") or "[]"))],
    )


# -- the passages without Chroma ---------------------------------------------------------------
#
# Reading the playbook needs only the passages and the records' vectors. After every ingest they
# are written beside the index with the file hashes they came from, so a fresh process whose
# playbook has not changed searches them without importing chromadb or opening the collection
# (about 0.5 s of a cold `coach search`): the same nearest records, found exactly with numpy
# over a few thousand rows. A shared Chroma server is always asked.

SNAPSHOT = "passages.json"
VECTORS = "vectors.npz"


def _snapshot_key(settings: Settings) -> str:
    model = settings.openai_embedding_model if settings.embeddings == "openai" else "local"
    return f"{settings.embeddings}:{model}:{settings.knowledge_dir.resolve()}"


def write_snapshot(
    settings: Settings, files: dict[str, str], passages: list[Passage], records: Records
) -> None:
    if settings.chroma_url:
        return  # a shared server can change under us: always ask it
    import numpy as np

    path = settings.index_dir / SNAPSHOT
    key = _snapshot_key(settings)
    data = {
        "key": key,
        "files": files,
        "passages": [p.model_dump(mode="json") for p in passages],
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # The vectors first: a snapshot whose passages are new never reads older vectors, as
        # both carry the same stamp.
        stamp = f"{key}:{json.dumps(files, sort_keys=True)}:{len(records.passage_ids)}"
        data["stamp"] = stamp
        with open(path.with_name(VECTORS + ".tmp"), "wb") as handle:
            np.savez(
                handle,
                stamp=np.asarray(stamp),
                passage_ids=np.asarray(records.passage_ids, dtype=str),
                whole=records.whole,
                vectors=records.vectors,
            )
        path.with_name(VECTORS + ".tmp").replace(path.with_name(VECTORS))
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        log.debug("passage snapshot not written: %s", exc)


def read_snapshot(settings: Settings) -> tuple[list[Passage], Records | None] | None:
    """The passages (and the records' vectors, when they are there and of the same ingest), when
    the snapshot matches the playbook's files as they are now."""
    if settings.chroma_url:
        return None
    path = settings.index_dir / SNAPSHOT
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != _snapshot_key(settings):
            return None
        files = {d.source: d.sha256 for d in load_documents(settings.knowledge_dir)}
        if files != data.get("files"):
            return None
        passages = [Passage.model_validate(p) for p in data["passages"]]
    except (FileNotFoundError, NotADirectoryError):
        return None  # nothing there (a data directory that is a file is reported by its check)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        # damaged or of another shape: read from the index instead, and say so
        log.warning("the playbook index's passage list %s could not be read (%s); the index "
                    "answers instead and the next ingest rewrites it", path, type(exc).__name__)  # fmt: skip
        return None
    return passages, _read_records(path.with_name(VECTORS), data.get("stamp"))


def _read_records(path: Any, stamp: str | None) -> Records | None:
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as got:
            if stamp is None or str(got["stamp"]) != stamp:
                return None
            records = Records([str(x) for x in got["passage_ids"]], got["whole"], got["vectors"])
    except FileNotFoundError:
        return None
    except DAMAGED_ARRAYS as exc:
        # damaged or cut: the real index answers, and the next ingest rewrites it
        log.warning("the playbook index's vectors %s could not be read (%s); the index answers "
                    "instead and the next ingest rewrites them", path, type(exc).__name__)  # fmt: skip
        return None
    if records.vectors.ndim != 2 or len(records.passage_ids) != len(records.vectors):
        return None
    return records


class SnapshotStore:
    """A store read from the snapshot; the real store opens only when the vectors are not there."""

    def __init__(
        self,
        settings: Settings,
        passages: list[Passage],
        records: Records | None = None,
        real: KnowledgeStore | None = None,
    ) -> None:
        self.settings = settings
        self._passages = passages
        self._records = records
        self._real = real
        self._embeddings: Embeddings | None = None

    def passages(self) -> list[Passage]:
        return list(self._passages)

    def real(self) -> KnowledgeStore:
        if self._real is None:
            # unchanged files cost a hash comparison; a lost or damaged index is rebuilt
            self._real = ingest(open_store(self.settings))[0]
        return self._real

    @property
    def embeddings(self) -> Embeddings:
        if self._records is None or self._real is not None:
            return self.real().embeddings
        if self._embeddings is None:
            from coach.playbook.embeddings import build_embeddings

            self._embeddings = build_embeddings(self.settings)[1]
        return self._embeddings

    def query(self, vector: list[float], k: int) -> list[tuple[str, float]]:
        if self._records is not None:
            return self._records.query(vector, k)
        return self.real().query(vector, k)


def open_store(settings: Settings) -> KnowledgeStore:
    from coach.playbook.embeddings import build_embeddings

    model_id, embeddings = build_embeddings(settings)
    try:
        return KnowledgeStore(settings, model_id, embeddings, make_client(settings))
    except CoachError:
        raise
    except UnicodeEncodeError as exc:
        # A name we pass in that is not UTF-8 ("/data/d\xff/index") is no damage in the index:
        # setting it aside would only set a healthy one aside on every run.
        raise CoachError(f"{exc.object!r} is not valid UTF-8; rename it") from None
    except Exception as exc:  # chromadb's errors for a damaged local index
        if settings.chroma_url:
            raise CoachError(f"the Chroma server at {settings.chroma_url} failed: {exc}") from None
        problem = type(exc).__name__
    return _set_aside(settings, model_id, embeddings, problem)


def _set_aside(
    settings: Settings, model_id: str, embeddings: Embeddings, problem: str
) -> KnowledgeStore:
    """The index is derived from the playbook: set the damaged one aside and open a new one."""
    import time

    from chromadb.api.client import SharedSystemClient

    damaged = settings.index_dir / "chroma"
    aside = damaged.with_name(f"chroma.damaged-{int(time.time())}")
    log.warning("the playbook index at %s is damaged (%s); rebuilding it (the old one is "
                "kept as %s)", damaged, problem, aside.name)  # fmt: skip
    SharedSystemClient.clear_system_cache()
    damaged.rename(aside)
    (settings.index_dir / SNAPSHOT).unlink(missing_ok=True)
    return KnowledgeStore(settings, model_id, embeddings, make_client(settings))


def ingest(
    store: KnowledgeStore, rebuild: bool = False, progress: Progress | None = None
) -> tuple[KnowledgeStore, IngestReport]:
    """`store.ingest`, and when the local index turns out damaged only once it is read (a page
    of the SQLite file overwritten: Chroma opens it and fails on its first query), the damaged
    one set aside and the playbook ingested into a new one."""
    import sqlite3

    from chromadb.errors import ChromaError

    try:
        return store, store.ingest(rebuild=rebuild, progress=progress)
    except (ChromaError, sqlite3.DatabaseError) as exc:
        settings = store.settings
        if settings.chroma_url:
            raise CoachError(f"the Chroma server at {settings.chroma_url} failed: {exc}") from None
        fresh = _set_aside(settings, store.model_id, store.embeddings, type(exc).__name__)
        return fresh, fresh.ingest(progress=progress)
