"""Storage grows with a conversation, not with its square: only the latest checkpoint (what
resume reads) is kept, and the whole conversation still resumes."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from coach.settings import REPO_ROOT, Settings

pytestmark = pytest.mark.slow

LINES = [
    "Acme says they'll cancel: the nightly export failed again.",
    "I restarted the job and opened a P1 with engineering.",
    "They want a fix date and a credit for the downtime.",
    "what do you know so far?",
]


def test_old_checkpoints_are_pruned_and_resume_still_works(tmp_path: Path) -> None:
    from coach.chat.agent import close_checkpointers, db_path
    from coach.chat.conversation import history, run_turn

    settings = Settings(data_dir=tmp_path, knowledge_dir=REPO_ROOT / "knowledge")  # type: ignore[call-arg]
    sizes = {}
    try:
        for turn in range(1, 41):
            run_turn("long", f"{LINES[turn % len(LINES)]} (update {turn})", settings)
            if turn in (20, 40):
                close_checkpointers()  # flush to the file
                sizes[turn] = db_path(settings).stat().st_size
        with closing(sqlite3.connect(db_path(settings))) as conn:
            rows = conn.execute(
                "SELECT COUNT(*) FROM checkpoints WHERE thread_id = 'long'"
            ).fetchone()[0]
        assert rows == 1
        said = [text for role, text in history("long", settings) if role == "rep"]
        assert len(said) == 40 and said[-1].endswith("(update 40)")
    finally:
        close_checkpointers()
    per_turn = sizes[40] / 40
    print(f"\nconversation store: {sizes[20]:,} B after 20 turns, {sizes[40]:,} B after 40 "
          f"({per_turn:,.0f} B a turn)")  # fmt: skip
    assert sizes[40] < 3 * sizes[20]  # linear growth; every checkpoint kept made it about 4x


def test_earlier_tool_results_are_kept_as_a_line_saying_what_they_were(tmp_path: Path) -> None:
    """Each turn's tool results held the case file as it stood; keeping them all made a
    conversation with long notes grow with the square of its turns (575 KB after 40 turns)."""
    from langchain_core.messages import HumanMessage, ToolMessage
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    from coach.chat.agent import close_checkpointers, db_path
    from coach.chat.conversation import KEEP_RESULT_CHARS, history, run_turn

    settings = Settings(data_dir=tmp_path, knowledge_dir=REPO_ROOT / "knowledge")  # type: ignore[call-arg]
    note = "details " * 60
    try:
        for turn in range(6):
            run_turn("notes", f"{LINES[turn % len(LINES)]} (note {turn}: {note})", settings)
        close_checkpointers()
        with closing(sqlite3.connect(db_path(settings))) as conn:
            kind, blob = conn.execute(
                "SELECT type, checkpoint FROM checkpoints WHERE thread_id = 'notes'"
            ).fetchone()
        messages = JsonPlusSerializer().loads_typed((kind, blob))["channel_values"]["messages"]
        last_rep = max(i for i, m in enumerate(messages) if isinstance(m, HumanMessage))
        earlier = [m for m in messages[:last_rep] if isinstance(m, ToolMessage)]
        assert earlier and all(
            len(m.text) <= KEEP_RESULT_CHARS or m.text.startswith("[earlier result of")
            for m in earlier
        )
        assert any(m.text.startswith("[earlier result of") for m in earlier)
        said = [text for role, text in history("notes", settings) if role == "rep"]
        assert len(said) == 6 and "(note 5:" in said[-1]  # what the rep said is all there
    finally:
        close_checkpointers()
