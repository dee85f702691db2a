"""Bad files and bad places get one line and exit 2 from the CLI, never a traceback; a damaged
index is rebuilt."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CASE = '{"customer": "Acme", "problem": "Checkout outages"}'


def _coach(args: list[str], data: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COACH_DATA_DIR": str(data)}
    return subprocess.run([sys.executable, "-m", "coach", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


@pytest.mark.parametrize(
    ("files", "args", "says"),
    [
        ({"case.json": "[" * 100_000 + "]" * 100_000}, ["brief", "case.json"], "nests too deeply"),
        ({"case.json": '{"customer": "Acme", "days_open": ' + "9" * 5000 + "}"},
         ["brief", "case.json"], "a number thousands of digits long"),
        ({"case.json": CASE}, ["brief", "case.json", "--out", "/dev/full"], "No space left"),
        ({"case.json": CASE}, ["draft", "customer", "case.json", "--out", "/dev/full"],
         "No space left"),
        ({"base.json": "\udcff"}, ["eval", "--suite", "retrieval", "--baseline", "base.json"],
         "report.json"),
        ({"afile": "x"}, ["eval", "--suite", "retrieval", "--report", "afile"], "is a file"),
    ],
)  # fmt: skip
def test_one_line_and_exit_2(
    tmp_path: Path, files: dict[str, str], args: list[str], says: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    proc = _coach(args, tmp_path / "data", tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and says in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_damaged_index_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _coach(["ingest"], data, tmp_path).returncode == 0
    db = data / "index" / "chroma" / "chroma.sqlite3"
    db.write_bytes(db.read_bytes()[:9000])  # truncated mid-file
    (data / "index" / "passages.json").unlink()
    proc = _coach(["search", "what goes in the message to my manager", "-k", "3"], data, tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "damaged" in proc.stderr and "To Your Manager" in proc.stdout
    assert list((data / "index").glob("chroma.damaged-*"))


@pytest.mark.parametrize("cut", [3000, 0], ids=["truncated", "empty"])
def test_a_damaged_vector_snapshot_is_read_past_and_rewritten(tmp_path: Path, cut: int) -> None:
    data = tmp_path / "data"
    assert _coach(["ingest"], data, tmp_path).returncode == 0
    vectors = data / "index" / "vectors.npz"
    whole = vectors.stat().st_size
    vectors.write_bytes(vectors.read_bytes()[:cut])
    proc = _coach(["search", "what goes in the message to my manager", "-k", "3"], data, tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "To Your Manager" in proc.stdout
    assert vectors.stat().st_size == whole  # rewritten by the run that read past it


def _read_only(
    folder: Path, args: list[str], cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run the CLI with `folder` as its data directory, mounted read-only in a mount namespace of
    its own (root ignores permission bits, not a read-only mount)."""
    env = {**os.environ, "COACH_DATA_DIR": str(folder)}
    script = (
        f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} && "
        f'exec "$0" -m coach "$@"'
    )
    return subprocess.run(["unshare", "-m", "sh", "-c", script, sys.executable, *args], env=env,
                          cwd=cwd, input=stdin, capture_output=True, text=True, timeout=300)  # fmt: skip


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("unshare"), reason="needs root and unshare"
)
@pytest.mark.parametrize(
    ("args", "stdin"),
    [(["triage", "mail.txt"], ""), (["search", "escalate"], ""), (["ingest"], ""),
     (["chat", "--json"], "hello\n")],
)  # fmt: skip
def test_a_read_only_data_directory_is_one_line_and_exit_2(
    tmp_path: Path, args: list[str], stdin: str
) -> None:
    (tmp_path / "mail.txt").write_text("Hi, how do I export last month's invoices?\n\nAnn\n")
    data = tmp_path / "data"
    data.mkdir()
    proc = _read_only(data, args, tmp_path, stdin)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "damaged" not in proc.stderr
    assert "is not writable (Read-only file system)" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not list(data.iterdir())  # nothing was half-written, nothing set aside


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("unshare"), reason="needs root and unshare"
)
def test_saved_conversations_are_listed_from_a_read_only_data_directory(tmp_path: Path) -> None:
    """Listing only reads: it was refused like a write."""
    data = tmp_path / "data"
    said = _coach_stdin(
        ["chat", "--json"], data, tmp_path, b"Acme is unhappy about a slow dashboard\n"
    )
    assert said.returncode == 0, said.stderr
    before = sorted(p.name for p in data.iterdir())
    proc = _read_only(data, ["chat", "--list", "--json"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert len(listed) == 1 and "slow dashboard" in listed[0]["title"]
    assert sorted(p.name for p in data.iterdir()) == before
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = _read_only(empty, ["chat", "--list"], tmp_path)
    assert proc.returncode == 0 and "No saved conversations yet" in proc.stdout, proc.stderr


@pytest.mark.parametrize("args", [["triage", "mail.txt"], ["search", "escalate"]])
def test_a_data_directory_that_is_a_file_is_one_line(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "mail.txt").write_text("Hi, how do I export last month's invoices?\n\nAnn\n")
    (tmp_path / "data").write_text("not a folder")
    proc = _coach(args, tmp_path / "data", tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "is not writable (Not a directory)" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_line_break_in_the_data_directorys_name_cannot_forge_a_second_line(
    tmp_path: Path,
) -> None:
    (tmp_path / "afile").write_text("x")
    proc = _coach(["search", "escalate"], tmp_path / "afile" / "data\ncoach: all good", tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "data\\ncoach: all good" in proc.stderr


def test_a_file_where_the_lock_folder_belongs_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "locks").write_text("x")
    proc = _coach_stdin(["chat", "--json"], data, tmp_path, b"Acme is unhappy\n")
    assert "Traceback" not in proc.stderr.decode()
    said = proc.stdout.decode() + proc.stderr.decode()
    assert "locks should be the folder of conversation locks but is a file" in said, said


def test_an_interrupted_ingest_stops_cleanly_and_the_next_run_recovers(tmp_path: Path) -> None:
    kdir = tmp_path / "knowledge"
    kdir.mkdir()
    for i in range(16):  # long enough to interrupt mid-way
        sections = "\n\n".join(f"## Topic {i}-{j}\n\n" + f"Guidance line {j} for page {i}. " * 12
                               for j in range(3))  # fmt: skip
        (kdir / f"page-{i:02}.md").write_text(f"# Page {i}\n\n{sections}\n")
    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data"), "COACH_KNOWLEDGE_DIR": str(kdir)}
    proc = subprocess.Popen([sys.executable, "-m", "coach", "ingest"], env=env, cwd=tmp_path,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)  # fmt: skip
    assert proc.stderr is not None
    seen = [proc.stderr.readline() for _ in range(2)]  # progress lines: it is under way
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130, [*seen, rest]
    assert "Traceback" not in rest
    again = subprocess.run([sys.executable, "-m", "coach", "search", "Guidance line 2 for page 15"],
                           env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
    assert "Page 15" in again.stdout


def _coach_stdin(
    args: list[str], data: Path, cwd: Path, stdin: bytes
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "COACH_DATA_DIR": str(data)}
    return subprocess.run([sys.executable, "-m", "coach", *args], env=env, cwd=cwd, input=stdin,
                          capture_output=True, timeout=300)  # fmt: skip


def test_more_than_the_input_limit_on_stdin_is_refused_before_any_work(tmp_path: Path) -> None:
    """Triage and chat read at most 2 MB from stdin; more is one line and exit 2, and the chat
    turns before the limit are kept."""
    huge = b"We will cancel. " * 140_000  # 2.2 MB
    triage = _coach_stdin(["triage", "-"], tmp_path / "data", tmp_path, huge)
    assert triage.returncode == 2 and b"Traceback" not in triage.stderr
    assert b"2 MB" in triage.stderr and len(triage.stderr.strip().splitlines()) == 1
    chat_in = b"Acme is unhappy about the export outage.\n" + huge + b"\n"
    chat = _coach_stdin(["chat", "--json"], tmp_path / "data", tmp_path, chat_in)
    assert chat.returncode == 2 and b"Traceback" not in chat.stderr, chat.stderr[-300:]
    assert b"turns before it are saved" in chat.stderr
    listed = _coach(["chat", "--list", "--json"], tmp_path / "data", tmp_path)
    assert "Acme" in listed.stdout


def test_a_damaged_conversation_store_is_one_line_and_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    store = data / "conversations.sqlite"
    store.write_bytes(b"this is not a database" * 200)
    proc = _coach_stdin(["chat", "--json"], data, tmp_path, b"Acme will cancel.\n")
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr, proc.stderr[-300:]
    assert b"move it aside" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert store.read_bytes().startswith(b"this is not a database")  # never replaced


def test_an_emptied_store_is_reported_and_a_finished_run_leaves_no_write_ahead_log(
    tmp_path: Path,
) -> None:
    """A store truncated to 0 bytes was taken for a new one, and its conversations vanished
    without a word; and a run that ended normally left every turn in the `-wal` file only, so a
    copy of the store file alone held nothing."""
    import sqlite3

    data = tmp_path / "data"
    first = _coach_stdin(["chat", "--json"], data, tmp_path, b"Acme is unhappy about the export.\n")
    assert first.returncode == 0, first.stderr[-300:]
    store = data / "conversations.sqlite"
    assert (
        not (data / "conversations.sqlite-wal").exists()
        or not (data / "conversations.sqlite-wal").stat().st_size
    )
    with contextlib.closing(sqlite3.connect(store)) as conn:
        assert conn.execute("SELECT count(*) FROM coach_conversations").fetchone()[0] == 1
    store.write_bytes(b"")
    proc = _coach_stdin(["chat", "--json"], data, tmp_path, b"Acme will cancel.\n")
    assert proc.returncode == 2 and b"the file is empty" in proc.stderr, proc.stderr[-300:]
    assert len(proc.stderr.strip().splitlines()) == 1 and not store.stat().st_size


def test_another_programs_sqlite_file_as_the_store_is_one_line_and_kept(tmp_path: Path) -> None:
    import sqlite3

    data = tmp_path / "data"
    data.mkdir()
    store = data / "conversations.sqlite"
    with contextlib.closing(sqlite3.connect(store)) as conn, conn:
        conn.execute("CREATE TABLE checkpoints (x)")
    proc = _coach_stdin(["chat", "--json"], data, tmp_path, b"Acme will cancel.\n")
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr, proc.stderr[-300:]
    assert b"not a conversation store" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    with contextlib.closing(sqlite3.connect(store)) as conn:
        assert conn.execute("PRAGMA table_info(checkpoints)").fetchall()[0][1] == "x"


def test_an_argument_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-m", "coach", "search", b"caf\xe9 outage"], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-300:]
    assert "not UTF-8" in proc.stderr


@pytest.mark.parametrize("variable", ["COACH_DATA_DIR", "COACH_CACHE_DIR"])
def test_a_home_of_no_such_user_is_one_line(tmp_path: Path, variable: str) -> None:
    """`~nosuchuser/x` has no home to expand to: Python raised a RuntimeError traceback."""
    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data"), variable: "~nosuchuser/x"}
    result = subprocess.run([sys.executable, "-m", "coach", "search", "export"], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "no home directory" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("files", "args"),
    [
        ({"ok.csv": 'body\n"We will cancel"\n'}, ["triage", "--batch", "ok.csv", "--column", "body", "--out", "./ok.csv"]),
        ({"case.json": CASE}, ["brief", "case.json", "--out", "case.json"]),
        ({"case.json": CASE}, ["draft", "customer", "case.json", "--out", "./case.json"]),
    ],
)  # fmt: skip
def test_out_naming_the_input_file_is_refused_and_the_input_kept(
    tmp_path: Path, files: dict[str, str], args: list[str]
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    proc = _coach(args, tmp_path / "data", tmp_path)
    assert proc.returncode == 2 and "is the input file" in proc.stderr, proc.stderr
    for name, text in files.items():
        assert (tmp_path / name).read_text() == text


def test_an_ambiguous_batch_column_and_an_empty_user_are_refused(tmp_path: Path) -> None:
    (tmp_path / "dup.csv").write_text('body,body\n"a","We will cancel"\n')
    proc = _coach(["triage", "--batch", "dup.csv", "--column", "body", "--out", "-"],
                  tmp_path / "data", tmp_path)  # fmt: skip
    assert proc.returncode == 2 and "2 columns named 'body'" in proc.stderr, proc.stderr
    proc = _coach(["admin", "forget-user", " "], tmp_path / "data", tmp_path)
    assert proc.returncode == 2 and "empty name" in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    "argv",
    [["chat", "--resume", "\udcff\udcfe"], ["chat", "--delete", "\udcff\udcfe"],
     ["admin", "forget-user", "\udcff"], ["search", "caf\udce9 outage"]],
)  # fmt: skip
def test_a_value_that_is_not_utf8_is_one_line_before_any_command_runs(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bytes that are not UTF-8 (`--resume $'\\xff\\xfe'`) reach Python as lone surrogates: the
    conversation store and the hash failed on them with a traceback."""
    from coach.cli import main

    monkeypatch.setattr(sys, "argv", ["coach", *argv])
    with pytest.raises(SystemExit) as stopped:
        main()
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "is not UTF-8 text" in err, err
    assert len(err.strip().splitlines()) == 1


def test_a_password_on_stdin_that_is_not_utf8_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    piped = io.BytesIO(b"\xff\xfe\xff\xfe\xff\xfe\xff\xfe\xff\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(piped, errors="surrogateescape"))
    monkeypatch.setattr(sys, "argv", ["coach", "admin", "hash-password"])
    from coach.cli import main

    with pytest.raises(SystemExit) as stopped:
        main()
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "password on stdin is not UTF-8" in err, err


@pytest.mark.parametrize("variable", ["COACH_KNOWLEDGE_DIR", "COACH_DATA_DIR"])
def test_a_folder_path_that_is_not_utf8_is_one_line_and_no_index_is_set_aside(
    tmp_path: Path, variable: str
) -> None:
    """`COACH_KNOWLEDGE_DIR=/tmp/k$'\\xff'` was taken for a damaged index: every run set a
    healthy one aside as another chroma.damaged-* copy, then failed with a traceback."""
    data = tmp_path / os.fsdecode(b"d\xff") if variable == "COACH_DATA_DIR" else tmp_path / "d"
    (data / "index" / "chroma").mkdir(parents=True)
    env = {**os.environ, "COACH_DATA_DIR": str(data), "COACH_KNOWLEDGE_DIR": str(tmp_path)}
    env[variable] = str(data) if variable == "COACH_DATA_DIR" else os.fsdecode(b"/tmp/k\xff")
    proc = subprocess.run([sys.executable, "-m", "coach", "search", "renew"], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-300:]
    assert f"{variable} is not valid" in proc.stderr and "is not valid UTF-8" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert os.listdir(data / "index") == ["chroma"]


def test_a_knowledge_path_that_is_not_utf8_is_never_taken_for_a_damaged_index(
    tmp_path: Path,
) -> None:
    """Only the index's own failures set it aside, however the settings were made."""
    from coach.errors import CoachError
    from coach.playbook.store import open_store
    from coach.settings import Settings

    settings = Settings(data_dir=tmp_path / "data").model_copy(  # type: ignore[call-arg]
        update={"knowledge_dir": Path(os.fsdecode(b"/tmp/k\xff"))}
    )
    with pytest.raises(CoachError, match="not valid UTF-8"):
        open_store(settings)
    assert os.listdir(tmp_path / "data" / "index") == ["chroma"]
