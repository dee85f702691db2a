"""Bad files and bad places get one line and exit 2 from the CLI, never a traceback; a damaged
index is rebuilt."""

from __future__ import annotations

import os
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
         ["brief", "case.json"], "not a case file"),
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
    proc = _coach(["search", "customer wants my manager", "-k", "1"], data, tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "damaged" in proc.stderr and "To Your Manager" in proc.stdout
    assert list((data / "index").glob("chroma.damaged-*"))
