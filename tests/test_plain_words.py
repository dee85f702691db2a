"""What a rep reads in offline mode, from the CLI and the UI, holds no raw signal or checklist
ids, no token counts and no leftover template markers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coach.domain import signals as table
from coach.domain.casefile import CHECKLIST_QUESTIONS, CaseFile
from coach.settings import REPO_ROOT, Settings

pytestmark = pytest.mark.slow

EMAIL = (
    "Hi Sam,\n\nThis is the third outage this month and our checkout was down for four hours. "
    "If this is not fixed by Friday we will cancel our contract. I want to speak to your "
    "manager.\n\nDana Smith\nHead of Operations, Acme Corp\n"
)
CHAT = [
    "Acme's Head of Ops Dana Smith says they'll cancel: the checkout outage hit them three times.",
    "I opened a P1 and shared a workaround; engineering has no fix date yet.",
    "My manager is Priya Raman. I haven't briefed her yet.",
    "They want a fix date and a service credit.",
    "what do you know so far?",
    "write the brief",
    "draft the customer email",
]
# Ids a rep could mistake for words ("venting") are words; the ones with an underscore are not.
FIELDS = set(CaseFile.model_fields)
IDS = sorted(
    (i for i in {*table.table(), *CHECKLIST_QUESTIONS, *FIELDS} if "_" in i), key=len, reverse=True
)
JARGON = re.compile(
    r"\b(?:" + "|".join(map(re.escape, IDS)) + r")\b|\btokens?\b|[{}]|\[leader\b|\bNone\b"
)


def _coach(args: list[str], data: Path, stdin: str | None = None) -> str:
    env = {**os.environ, "COACH_DATA_DIR": str(data), "COACH_ENGINE": "offline"}
    proc = subprocess.run([sys.executable, "-m", "coach", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout + proc.stderr


def _clean(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text)  # markup is not what a rep reads


def test_the_cli_speaks_plainly(tmp_path: Path) -> None:
    email = tmp_path / "email.txt"
    email.write_text(EMAIL)
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"customer": "Acme", "problem": "Checkout outages",
                                "tried": ["Opened a P1"], "ask": "Approve a credit"}))  # fmt: skip
    shown = {
        "triage": _coach(["triage", str(email)], tmp_path),
        "chat": _coach(["chat"], tmp_path, "\n".join(CHAT) + "\n"),
        "brief": _coach(["brief", str(case)], tmp_path),
        "draft": _coach(["draft", "customer", str(case)], tmp_path),
        "search": _coach(["search", "customer threatening to cancel"], tmp_path),
    }
    found = {name: sorted(set(JARGON.findall(text))) for name, text in shown.items()}
    assert not any(found.values()), found


def test_the_ui_speaks_plainly(tmp_path: Path) -> None:
    from coach.ui import handlers

    settings = Settings(data_dir=tmp_path, knowledge_dir=REPO_ROOT / "knowledge")  # type: ignore[call-arg]
    card, reply, session, _ = handlers.triage_email(EMAIL, handlers.new_session(), settings)
    shown = [card, reply]
    for line in CHAT:
        view = list(handlers.chat_turn(line, session, settings))[-1]
        session = view[2]
        shown += [m["content"] for m in view[1][-1:]] + [str(v) for v in view[3:]]
    found = sorted({m for text in shown for m in JARGON.findall(_clean(text))})
    assert not found, found
