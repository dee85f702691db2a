"""Exports: markdown to a file, and the customer message as an unsent `.eml` a mail client opens."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, parseaddr
from pathlib import Path

from coach.drafts.writer import Draft
from coach.errors import CoachError

_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}$")


def recipient(contact: str) -> str | None:
    """The To header when the contact looks like an e-mail address, else None."""
    name, address = parseaddr(contact)
    if not _ADDRESS.match(address or ""):
        return None
    return formataddr((name, address)) if name else address


def to_eml(draft: Draft, contact: str = "") -> EmailMessage:
    if draft.kind != "customer":
        raise CoachError("only the customer message can be exported as .eml; use --out for others")
    message = EmailMessage()
    to = recipient(contact)
    if to:
        message["To"] = to
    message["Subject"] = draft.subject
    message["X-Unsent"] = "1"  # mail clients open it as a draft to edit and send
    message.set_content(draft.body)
    return message


def write_eml(draft: Draft, path: str | Path, contact: str = "") -> Path:
    path = Path(path)
    _writable(path)
    path.write_bytes(to_eml(draft, contact).as_bytes(policy=SMTP))
    return path


def write_markdown(text: str, path: str | Path) -> Path:
    path = Path(path)
    _writable(path)
    path.write_text(text, encoding="utf-8")
    return path


def _writable(path: Path) -> None:
    if path.is_dir():
        raise CoachError(f"{path} is a directory; give a file name to write to")
    if not path.parent.exists():
        raise CoachError(f"folder {path.parent} does not exist; create it or choose another path")
