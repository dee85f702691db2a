"""Incremental, idempotent ingestion into Chroma, and the Chroma server mode."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from langchain_core.embeddings import Embeddings

from coach.playbook.embeddings import get_local_embeddings
from coach.playbook.retrieval import HybridRetriever
from coach.playbook.store import KnowledgeStore, make_client
from coach.settings import REPO_ROOT, Settings


class CountingEmbeddings(Embeddings):
    """The real local model, counting what it is asked to embed."""

    def __init__(self) -> None:
        self.inner = get_local_embeddings()
        self.documents: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def _knowledge(tmp_path: Path) -> Path:
    kdir = tmp_path / "knowledge"
    kdir.mkdir()
    shutil.copy(REPO_ROOT / "knowledge" / "escalation.md", kdir / "escalation.md")
    (kdir / "poc-recovery.md").write_text(
        "# POC Recovery\n\n## Warning signs\n\n- The champion stops replying\n- Success criteria drift\n"
    )
    return kdir


def _store(tmp_path: Path, kdir: Path, emb: Embeddings, **kw: object) -> KnowledgeStore:
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=kdir, **kw)  # type: ignore[arg-type]
    return KnowledgeStore(settings, "test-minilm", emb, make_client(settings))


def test_ingest_is_incremental_and_idempotent(tmp_path: Path) -> None:
    kdir = _knowledge(tmp_path)
    emb = CountingEmbeddings()
    first = _store(tmp_path, kdir, emb).ingest()
    assert sorted(first.added) == ["escalation.md", "poc-recovery.md"]
    assert first.passages_embedded == 19

    emb.documents.clear()
    again = _store(tmp_path, kdir, emb).ingest()  # a new process would open the store like this
    assert again.unchanged == ["escalation.md", "poc-recovery.md"] and not again.changed
    assert emb.documents == []

    (kdir / "poc-recovery.md").write_text(
        "# POC Recovery\n\n## Warning signs\n\n- The champion stops replying\n\n## Fixes\n\n- Reset criteria\n"
    )
    changed = _store(tmp_path, kdir, emb).ingest()
    assert changed.updated == ["poc-recovery.md"] and changed.unchanged == ["escalation.md"]
    assert emb.documents and all("POC Recovery" in t for t in emb.documents)
    store = _store(tmp_path, kdir, emb)
    sections = {p.section for p in store.passages() if p.source == "poc-recovery.md"}
    assert sections == {"POC Recovery > Warning signs", "POC Recovery > Fixes"}


def test_an_unchanged_playbook_is_read_without_opening_chroma(tmp_path: Path) -> None:
    """After an ingest the passages are kept beside the index; a fresh process whose playbook
    has not changed searches them lexically without Chroma, and any edit sends it back."""
    from coach.playbook import retrieval
    from coach.playbook.store import SnapshotStore, read_snapshot

    kdir = _knowledge(tmp_path)
    store = _store(tmp_path, kdir, CountingEmbeddings())
    store.ingest()
    settings = store.settings
    snap = read_snapshot(settings)
    assert snap is not None and [p.id for p in snap[0]] == [p.id for p in store.passages()]
    assert snap[1] is not None and len(snap[1].passage_ids) == store.collection.count()

    retrieval._cache.clear()
    fresh = retrieval.get_retriever(settings)
    assert isinstance(fresh.store, SnapshotStore) and fresh.store._real is None
    real = HybridRetriever(store)
    query = "customer threatening to cancel"
    lexical = [h.passage.id for h in fresh.search(query, k=3, mode="bm25")]
    assert lexical == [h.passage.id for h in real.search(query, k=3, mode="bm25")]
    assert fresh.store._real is None  # lexical search never opened Chroma
    # Vector search reads the records' vectors from the snapshot: the same passages and scores
    # as the collection's own query, and still no Chroma.
    fresh.store._embeddings = store.embeddings
    vector = store.embeddings.embed_query(query)
    for k in (1, 3, 20):
        exact, chroma = fresh.store.query(vector, k), store.query(vector, k)
        assert [p for p, _ in exact] == [p for p, _ in chroma]
        assert all(abs(a - b) < 1e-4 for (_, a), (_, b) in zip(exact, chroma, strict=True))
    hybrid = [h.passage.id for h in fresh.search(query, k=3)]
    assert hybrid == [h.passage.id for h in real.search(query, k=3)]
    assert fresh.store._real is None

    (kdir / "poc-recovery.md").write_text("# POC Recovery\n\n## Fixes\n\n- Reset criteria\n")
    assert read_snapshot(settings) is None
    retrieval._cache.clear()
    rebuilt = retrieval.get_retriever(settings)
    assert read_snapshot(settings) is not None  # the ingest that followed wrote it again
    # The process that ingested the edit searches the new snapshot too, not the collection's
    # slower query: the same passages and scores, the edit included.
    assert isinstance(rebuilt.store, SnapshotStore) and rebuilt.store._real is not None
    assert {p.section for p in rebuilt.passages if p.source == "poc-recovery.md"} == {
        "POC Recovery > Fixes"
    }
    chroma_store = rebuilt.store.real()
    vector = chroma_store.embeddings.embed_query("reset the criteria")
    exact, chroma = rebuilt.store.query(vector, 3), chroma_store.query(vector, 3)
    assert [p for p, _ in exact] == [p for p, _ in chroma]
    retrieval._cache.clear()


@pytest.mark.parametrize("written", ["[1, 2, 3]", '"x"', "null", '{"key": 5, "files": []}'])
def test_a_snapshot_of_another_shape_is_not_used(tmp_path: Path, written: str) -> None:
    from coach.playbook.store import SNAPSHOT, read_snapshot

    store = _store(tmp_path, _knowledge(tmp_path), CountingEmbeddings())
    store.ingest()
    (store.settings.index_dir / SNAPSHOT).write_text(written, encoding="utf-8")
    assert read_snapshot(store.settings) is None


@pytest.mark.parametrize("damaged", ["passages", "vectors"])
def test_a_damaged_snapshot_is_said_and_not_used(
    tmp_path: Path, damaged: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The index's derived files were repaired without a word: a rep could not tell why the
    first search was slow, or that the disk corrupts files."""
    from coach.playbook.store import SNAPSHOT, VECTORS, read_snapshot

    store = _store(tmp_path, _knowledge(tmp_path), CountingEmbeddings())
    store.ingest()
    name = SNAPSHOT if damaged == "passages" else VECTORS
    (store.settings.index_dir / name).write_bytes(b"{not what was written")
    with caplog.at_level("WARNING"):
        snap = read_snapshot(store.settings)
    assert snap is None or snap[1] is None
    said = " ".join(r.getMessage() for r in caplog.records)
    assert name in said and "could not be read" in said and "rewrites" in said


def test_deleted_files_are_removed(tmp_path: Path) -> None:
    kdir = _knowledge(tmp_path)
    emb = CountingEmbeddings()
    _store(tmp_path, kdir, emb).ingest()
    (kdir / "poc-recovery.md").unlink()
    report = _store(tmp_path, kdir, emb).ingest()
    assert report.removed == ["poc-recovery.md"]
    store = _store(tmp_path, kdir, emb)
    assert {p.source for p in store.passages()} == {"escalation.md"}
    hits = HybridRetriever(store).search("champion stops replying", k=5)
    assert all(h.source == "escalation.md" for h in hits)


def test_rebuild_embeds_everything_again(tmp_path: Path) -> None:
    kdir = _knowledge(tmp_path)
    emb = CountingEmbeddings()
    _store(tmp_path, kdir, emb).ingest()
    emb.documents.clear()
    report = _store(tmp_path, kdir, emb).ingest(rebuild=True)
    assert sorted(report.added) == ["escalation.md", "poc-recovery.md"]
    assert len(emb.documents) > 19  # passages and their line views


def test_models_never_share_a_collection(tmp_path: Path) -> None:
    kdir = _knowledge(tmp_path)
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=kdir)  # type: ignore[call-arg]
    client = make_client(settings)
    a = KnowledgeStore(settings, "model-a", get_local_embeddings(), client)
    b = KnowledgeStore(settings, "model-b", get_local_embeddings(), client)
    assert a.collection.name != b.collection.name
    a.ingest()
    assert b.collection.count() == 0
    assert a.collection.metadata["embedding_model"] == "model-a"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server started with the chromadb package's own CLI, on loopback."""
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    chroma = Path(sys.executable).with_name("chroma")
    log = (path / "server.log").open("w")
    proc = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(path / "db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"the Chroma server did not start: {(path / 'server.log').read_text()[-500:]}"
                )
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def test_chroma_server_mode_runs_the_same_retrieval(tmp_path: Path, chroma_server: str) -> None:
    kdir = _knowledge(tmp_path)
    emb = CountingEmbeddings()
    store = _store(tmp_path, kdir, emb, chroma_url=chroma_server)
    first = store.ingest()
    assert first.passages_embedded == 19
    assert not (tmp_path / "data" / "index" / "chroma").exists()  # nothing stored locally
    assert not _store(tmp_path, kdir, emb, chroma_url=chroma_server).ingest().changed
    retriever = HybridRetriever(_store(tmp_path, kdir, emb, chroma_url=chroma_server))
    top = retriever.search("the customer wants to speak to my manager", k=3)
    assert "When to Escalate > Escalate If" in [h.section for h in top]
    top = retriever.search("champion stops replying in the POC", k=3)
    assert top[0].source == "poc-recovery.md"


def test_an_unreachable_chroma_server_is_a_clear_error(tmp_path: Path) -> None:
    from coach.errors import CoachError

    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path, chroma_url=f"http://127.0.0.1:{_free_port()}"
    )
    with pytest.raises(CoachError, match="cannot reach the Chroma server"):
        make_client(settings)
    with pytest.raises(CoachError, match="is not a URL"):
        make_client(Settings(data_dir=tmp_path, chroma_url="localhost:8000"))  # type: ignore[call-arg]


class _EmbeddingServer:
    """An OpenAI-compatible /v1/embeddings endpoint on loopback (as Ollama or vLLM serve it),
    answering with the local model's vectors so that search results stay meaningful."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.models: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.models.append(body["model"])
                texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
                vectors = get_local_embeddings().encode([str(t) for t in texts])
                data = json.dumps(
                    {
                        "object": "list",
                        "model": body["model"],
                        "data": [
                            {"object": "embedding", "index": i, "embedding": v.tolist()}
                            for i, v in enumerate(vectors)
                        ],
                        "usage": {"prompt_tokens": 1, "total_tokens": 1},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"


def test_openai_compatible_embeddings_get_their_own_collection(tmp_path: Path) -> None:
    from coach.playbook.embeddings import build_embeddings
    from coach.playbook.store import open_store

    server = _EmbeddingServer()
    try:
        kdir = _knowledge(tmp_path)
        remote = Settings(  # type: ignore[call-arg]
            data_dir=tmp_path / "data",
            knowledge_dir=kdir,
            embeddings="openai",
            openai_base_url=server.url,
            openai_embedding_model="nomic-embed-text",
        )
        model_id, _ = build_embeddings(remote)
        assert model_id == "openai-nomic-embed-text"
        store = open_store(remote)
        assert store.ingest().passages_embedded == 19
        assert set(server.models) == {"nomic-embed-text"}
        top = HybridRetriever(store).search("the customer wants to speak to my manager", k=3)
        assert "When to Escalate > Escalate If" in [h.section for h in top]

        local = open_store(Settings(data_dir=tmp_path / "data", knowledge_dir=kdir))  # type: ignore[call-arg]
        assert local.collection.name != store.collection.name
        assert local.collection.count() == 0  # the remote vectors are not in the local collection
    finally:
        server.server.shutdown()


def test_an_index_damaged_inside_its_file_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    """Chroma opens a SQLite file with a page overwritten and fails only on its first read: the
    ingest sets the damaged index aside and builds a new one from the playbook."""
    from chromadb.api.client import SharedSystemClient

    from coach.playbook.store import ingest

    kdir = _knowledge(tmp_path)
    _store(tmp_path, kdir, CountingEmbeddings()).ingest()
    SharedSystemClient.clear_system_cache()
    db = tmp_path / "data" / "index" / "chroma" / "chroma.sqlite3"
    with db.open("r+b") as handle:
        handle.seek(db.stat().st_size // 2)
        handle.write(b"\xde\xad" * 4096)
    store, report = ingest(_store(tmp_path, kdir, CountingEmbeddings()))
    assert sorted(report.added) == ["escalation.md", "poc-recovery.md"]
    assert len(store.passages()) == report.passages_embedded
    assert list((tmp_path / "data" / "index").glob("chroma.damaged-*"))
    SharedSystemClient.clear_system_cache()
