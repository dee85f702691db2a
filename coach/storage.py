"""Where conversations live: one SQLite file in the data folder (the embedded default) or, with
`COACH_DATABASE_URL=postgresql://...`, a PostgreSQL server that several app processes share.

Both hold the same things: LangGraph's checkpoints (every message and the case file), the list of
conversations and their owners, users' metadata (first and last seen, failed logins) and, in
PostgreSQL, the eval history. The schema is set up on first use (or by `coach admin migrate`).
SQL here is written once with `?` placeholders; PostgreSQL gets `%s`.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from coach.errors import CoachError
from coach.settings import Settings, require_writable

DB_NAME = "conversations.sqlite"
POOL_SIZE = 8

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS coach_conversations (id TEXT PRIMARY KEY, title TEXT, "
    "turns INTEGER, created DOUBLE PRECISION, updated DOUBLE PRECISION, owner TEXT)",
    "CREATE TABLE IF NOT EXISTS coach_users (login TEXT PRIMARY KEY, "
    "first_seen DOUBLE PRECISION, last_seen DOUBLE PRECISION)",
    "CREATE TABLE IF NOT EXISTS coach_login_failures (login TEXT, at DOUBLE PRECISION, "
    "client TEXT)",
    "CREATE INDEX IF NOT EXISTS coach_conversations_owner ON coach_conversations (owner, updated)",
)
PG_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS coach_eval_history (id BIGSERIAL PRIMARY KEY, entry TEXT NOT NULL)",
    # A store from before failed sign-ins were counted per client address.
    "ALTER TABLE coach_login_failures ADD COLUMN IF NOT EXISTS client TEXT",
)


class Database:
    """The conversation store of one settings: SQLite or PostgreSQL."""

    kind = "sqlite"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._saver: Any = None
        self._lock = threading.Lock()

    # -- metadata ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def connect(self) -> Iterator[Any]:
        """A connection for metadata queries, committed when the block ends."""
        path = sqlite_path(self.settings)
        require_writable(path.parent)
        try:
            conn = sqlite3.connect(str(path), timeout=10)
        except sqlite3.Error as exc:
            raise damaged_store(path, exc) from None
        try:
            with conn:
                yield conn
        except sqlite3.DatabaseError as exc:
            raise damaged_store(path, exc) from None
        finally:
            conn.close()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.connect() as conn:
            return list(conn.execute(sql, tuple(params)).fetchall())

    def setup(self) -> None:
        path = sqlite_path(self.settings)
        # An empty file is what truncation leaves: SQLite would take it for a new store and the
        # conversations it held would vanish without a word.
        if path.is_file() and path.stat().st_size == 0 and not _wal(path).is_file():
            raise damaged_store(path, sqlite3.DatabaseError("the file is empty"))
        with self.connect() as conn:
            conn.execute(SCHEMA[0])
            columns = {row[1] for row in conn.execute("PRAGMA table_info(coach_conversations)")}
            if "owner" not in columns:  # a store from before conversations had owners
                conn.execute("ALTER TABLE coach_conversations ADD COLUMN owner TEXT")
            for statement in SCHEMA[1:]:
                conn.execute(statement)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(coach_login_failures)")}
            if "client" not in columns:  # a store from before failures were kept per address
                conn.execute("ALTER TABLE coach_login_failures ADD COLUMN client TEXT")
        self.checkpointer()

    # -- checkpoints ---------------------------------------------------------------------------

    def checkpointer(self) -> Any:
        from langgraph.checkpoint.sqlite import SqliteSaver

        with self._lock:
            if self._saver is None:
                path = sqlite_path(self.settings)
                require_writable(path.parent)
                try:
                    saver = SqliteSaver(sqlite3.connect(str(path), check_same_thread=False))
                    saver.setup()
                    _check_tables(saver.conn)
                except sqlite3.DatabaseError as exc:
                    raise damaged_store(path, exc) from None
                self._saver = saver
            return self._saver

    def delete_checkpoints(self, conversation_id: str) -> None:
        saver = self.checkpointer()
        saver.conn.execute("PRAGMA secure_delete = ON")  # deleted pages are zeroed, not left
        saver.delete_thread(conversation_id)
        with self.connect() as conn:
            conn.execute("PRAGMA secure_delete = ON")

    def prune(self, conversation_id: str) -> None:
        """Keep only the latest checkpoint of a conversation (what resume reads): each one holds
        the whole conversation, so keeping them all grew storage with the square of its turns."""
        saver = self.checkpointer()
        with saver.lock, saver.conn:
            for table in ("writes", "checkpoints"):
                saver.conn.execute(
                    f"DELETE FROM {table} WHERE thread_id = ? AND checkpoint_id NOT IN "
                    "(SELECT checkpoint_id FROM checkpoints WHERE thread_id = ? "
                    "AND checkpoint_ns = '' ORDER BY checkpoint_id DESC LIMIT 1)",
                    (conversation_id, conversation_id),
                )

    # -- one turn at a time --------------------------------------------------------------------

    @contextlib.contextmanager
    def turn_lock(self, conversation_id: str, wait: float) -> Iterator[None]:
        """One turn at a time per conversation across threads and processes of this machine."""
        import fcntl

        folder = self.settings.data_dir / "locks"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise CoachError(
                f"{folder} should be the folder of conversation locks but is a file; move it "
                "aside and try again"
            ) from None
        safe = re.sub(r"[^\w-]", "_", conversation_id)[:64]
        with open(folder / f"{safe}.lock", "a+b") as handle:
            _wait_for(lambda: _flock(handle), wait)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def close(self) -> None:
        with self._lock:
            if self._saver is not None:
                # Everything into the store file itself, so a copy of that one file is a backup.
                with contextlib.suppress(sqlite3.Error):
                    self._saver.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self._saver.conn.close()
                self._saver = None


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


class PostgresDatabase(Database):
    """PostgreSQL: pooled connections, LangGraph's Postgres checkpointer, advisory locks."""

    kind = "postgres"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.url = settings.database_url or ""
        self._pool: Any = None

    def _meta_pool(self) -> Any:
        with self._lock:
            if self._pool is None:
                self._pool = _open_pool(self.url, dict_rows=False)
            return self._pool

    @contextlib.contextmanager
    def connect(self) -> Iterator[Any]:
        with self._meta_pool().connection() as conn:
            yield _Translating(conn)

    def setup(self) -> None:
        with self.connect() as conn:
            for statement in SCHEMA + PG_SCHEMA:
                conn.execute(statement)
        self.checkpointer()

    def checkpointer(self) -> Any:
        from langgraph.checkpoint.postgres import PostgresSaver

        with self._lock:
            if self._saver is None:
                saver = PostgresSaver(_open_pool(self.url, dict_rows=True))
                saver.setup()
                self._saver = saver
            return self._saver

    def delete_checkpoints(self, conversation_id: str) -> None:
        self.checkpointer().delete_thread(conversation_id)

    def prune(self, conversation_id: str) -> None:
        self.checkpointer().prune([conversation_id], strategy="keep_latest")

    @contextlib.contextmanager
    def turn_lock(self, conversation_id: str, wait: float) -> Iterator[None]:
        """One turn at a time per conversation across every app process on the database: a
        session advisory lock keyed by the conversation, held on one pooled connection."""
        with self._meta_pool().connection() as conn:
            key = "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))"
            _wait_for(lambda: bool(conn.execute(key, (conversation_id,)).fetchone()[0]), wait)
            try:
                yield
            finally:
                conn.execute(
                    "SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (conversation_id,)
                )

    def close(self) -> None:
        with self._lock:
            if self._saver is not None:
                self._saver.conn.close()
                self._saver = None
            if self._pool is not None:
                self._pool.close()
                self._pool = None


class _Translating:
    """A psycopg connection that takes the SQLite `?` placeholders."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), tuple(params))


def _open_pool(url: str, *, dict_rows: bool) -> Any:
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool

    kwargs: dict[str, Any] = {"autocommit": True, "prepare_threshold": 0}
    if dict_rows:
        kwargs["row_factory"] = dict_row
    pool = ConnectionPool(url, min_size=1, max_size=POOL_SIZE, kwargs=kwargs, open=False)
    try:
        pool.open(wait=True, timeout=15)
    except Exception as exc:  # psycopg_pool raises PoolTimeout with the server's error logged
        pool.close()
        raise CoachError(
            f"cannot reach the database at {redacted_url(url)} ({exc}); "
            "check COACH_DATABASE_URL and that the server is running"
        ) from None
    return pool


def _flock(handle: Any) -> bool:
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _wait_for(take: Any, wait: float) -> None:
    deadline = time.monotonic() + wait
    while not take():
        if time.monotonic() > deadline:
            raise CoachError(
                "this conversation is still answering another message; send yours again in a moment"
            )
        time.sleep(0.05)


def redacted_url(url: str) -> str:
    """A database URL fit for a message: the password is not shown."""
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)


# The columns the checkpointer reads: a SQLite file whose tables of these names lack them is
# another program's database ("CREATE TABLE IF NOT EXISTS" leaves it as it is).
_CHECKPOINT_COLUMNS = {
    "checkpoints": {"thread_id", "checkpoint_ns", "checkpoint_id", "checkpoint", "metadata"},
    "writes": {"thread_id", "checkpoint_ns", "checkpoint_id", "task_id", "idx", "value"},
}


def _check_tables(conn: sqlite3.Connection) -> None:
    for table, needed in _CHECKPOINT_COLUMNS.items():
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if have and not needed <= have:
            missing = ", ".join(sorted(needed - have))
            raise sqlite3.DatabaseError(f"its table {table} has no column {missing}")


def damaged_store(path: Path, exc: Exception) -> CoachError:
    """One sentence for a conversation store SQLite cannot read. Conversations are the rep's work,
    so the file is never replaced behind their back: they move it aside and run again."""
    what = "is not a file" if path.is_dir() else "is damaged or not a conversation store"
    return CoachError(
        f"{path} {what} ({exc}); move it aside (for example to {path.name}.damaged) and run "
        "again to start a new store, or restore it from a backup"
    )


def sqlite_path(settings: Settings) -> Path:
    return settings.data_dir / DB_NAME


_databases: dict[tuple[str, Path], Database] = {}
_registry_lock = threading.Lock()


def database(settings: Settings) -> Database:
    """The store for these settings, set up on first use and shared by the whole process."""
    key = (settings.database_url or "", settings.data_dir)
    with _registry_lock:
        db = _databases.get(key)
        if db is None:
            db = PostgresDatabase(settings) if settings.database_url else Database(settings)
            db.setup()
            _close_at_exit()
            _databases[key] = db
        return db


@functools.cache
def _close_at_exit() -> None:
    """Once per process: a CLI run ends with its store whole (the write-ahead log folded in)."""
    atexit.register(close_databases)


def close_databases() -> None:
    """Close every connection (tests simulate a restart with this)."""
    with _registry_lock:
        for db in _databases.values():
            db.close()
        _databases.clear()


def record_user(login: str, settings: Settings) -> None:
    """Remember when a user was first and last seen (users' metadata)."""
    now = time.time()
    with database(settings).connect() as conn:
        conn.execute(
            "INSERT INTO coach_users (login, first_seen, last_seen) VALUES (?, ?, ?) "
            "ON CONFLICT(login) DO UPDATE SET last_seen = ?",
            (login, now, now, now),
        )


def forget_user_metadata(login: str, settings: Settings) -> None:
    with database(settings).connect() as conn:
        conn.execute("DELETE FROM coach_users WHERE login = ?", (login,))
        conn.execute("DELETE FROM coach_login_failures WHERE login = ?", (login,))
