"""Exports: markdown to a file, and the customer message as an unsent `.eml` a mail client opens."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr
from pathlib import Path

from coach.drafts.writer import Draft
from coach.errors import CoachError
from coach.textio import printable

_ADDRESS = re.compile(r"[^@\s<>\"(),:;]+@[^@\s<>\"(),:;]+\.[A-Za-z]{2,}")
# "Dana Whitfield <dana@acme.com>" or the address alone; a contact with anything else around the
# address ("Dana\r\nBcc: spy@evil.example", a group "team: a@x.com, b@y.com") names no recipient.
_CONTACT = re.compile(r'(?:"?(?P<name>[^"<>@:;,\r\n]*?)"?\s*<(?P<inner>[^<>]+)>|(?P<bare>[^<>]+))')


def recipient(contact: str, address: str = "", name: str = "") -> str | None:
    """The To header: the case's contact address (with the contact's name), else the contact
    when it is an address or "Name <address>"; None when neither is one address."""
    if address and _ADDRESS.fullmatch(address.strip()):
        return formataddr((_line(name), address.strip())) if name.strip() else address.strip()
    m = _CONTACT.fullmatch(contact.strip())
    if not m:
        return None
    found = (m.group("inner") or m.group("bare") or "").strip()
    if not _ADDRESS.fullmatch(found):
        return None
    said = (m.group("name") or "").strip()
    return formataddr((said, found)) if said else found


def _line(text: str) -> str:
    """A header value on one line: a line break in it would start a header of its own."""
    return " ".join(text.split())


def to_eml(draft: Draft, contact: str = "", address: str = "", name: str = "") -> EmailMessage:
    if draft.kind != "customer":
        raise CoachError("only the customer message can be exported as .eml; use --out for others")
    message = EmailMessage()
    to = recipient(contact, address, name)
    if to:
        message["To"] = to
    message["Subject"] = _line(str(printable(draft.subject)))
    message["X-Unsent"] = "1"  # mail clients open it as a draft to edit and send
    message.set_content(str(printable(draft.body)))  # a NUL typed into the case is not sent
    return message


def write_eml(
    draft: Draft, path: str | Path, contact: str = "", address: str = "", name: str = ""
) -> Path:
    path = Path(path)
    _writable(path)
    path.write_bytes(to_eml(draft, contact, address, name).as_bytes(policy=SMTP))
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
