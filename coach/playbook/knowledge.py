"""Load the playbook pages and cut them into passages along the playbook's own structure.

A playbook's structure is its meaning: markdown headings and the bold pseudo-headings it uses
(`**Escalate If:**`, `**Step 4: Escalate to Customer**`) each start a passage, and every passage
knows its section trail and what kind of guidance it is.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import ftfy
from pydantic import BaseModel, Field

from coach.llm.tokens import count_tokens
from coach.textio import escaped

log = logging.getLogger(__name__)

Kind = Literal[
    "checklist", "criteria", "step", "template", "scenario", "gotcha", "context", "links"
]
KINDS: tuple[Kind, ...] = (
    "checklist", "criteria", "step", "template", "scenario", "gotcha", "context", "links"
)  # fmt: skip
KIND_DESCRIPTIONS: dict[str, str] = {
    "checklist": "Checklist: questions to answer and things to check before you act.",
    "criteria": "Criteria: when to do it and when not to; deciding whether to escalate.",
    "step": "A step of the process: what to do and in which order.",
    "template": "Template: example wording, what to say or write.",
    "scenario": "Scenario: a common situation and how to handle it.",
    "gotcha": "Gotchas: common mistakes and pitfalls to avoid.",
    "context": "Context: what this is about, its purpose and why.",
    "links": "Links: related pages, documents and further reading.",
}
SUFFIXES = {".md", ".markdown", ".txt"}
# Bump when chunking changes so that the next ingest re-embeds every file.
CHUNKER_VERSION = "4"
# Passages longer than this are split further (by paragraphs, then sentences).
MAX_PASSAGE_TOKENS = 350


class Link(BaseModel):
    title: str
    target: str
    in_knowledge_base: bool


class Passage(BaseModel):
    id: str
    source: str
    section: str
    kind: Kind
    text: str
    tokens: int
    links: list[Link] = Field(default_factory=list)

    @property
    def title(self) -> str:
        return self.section.rsplit(" > ", 1)[-1]

    def embedding_text(self) -> str:
        """What gets embedded and indexed: the trail and kind give a short passage its context."""
        return f"{self.section}. {KIND_DESCRIPTIONS[self.kind]}\n{self.text}"

    def line_views(self) -> list[str]:
        """Each bullet or sentence on its own, so a short question can match one line of a list."""
        lines = (
            ln.strip().lstrip("-*0123456789.[]xX ").strip().strip('"')
            for ln in self.text.split("\n")
        )
        return [f"{self.section}: {ln}" for ln in lines if len(ln) > 8]


@dataclass(frozen=True)
class Document:
    source: str  # path relative to the knowledge directory, with forward slashes
    text: str
    sha256: str


# --- reading and repairing -------------------------------------------------------------------

_MAC_ROMAN_RUN = re.compile(r"[^\x00-\x7f]{2,}")


def _undo_mac_roman(match: re.Match[str]) -> str:
    """UTF-8 bytes read as Mac Roman (`üìù` for 📝); ftfy knows Latin-1 and cp1252 but not this."""
    run = match.group(0)
    try:
        fixed = run.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run
    return fixed if len(fixed) < len(run) else run


def repair_text(text: str) -> str:
    """Repair mis-decoded text (mojibake) and normalise line endings."""
    text = ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False)
    text = _MAC_ROMAN_RUN.sub(_undo_mac_roman, text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes) -> str:
    """Decode a file that may not be UTF-8; never fails."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("cp1252", errors="replace")


# A playbook page is text (this one is 10 KB); a bigger one would take minutes to embed.
MAX_PAGE_BYTES = 500_000
# Every line of a page is embedded on its own (about 35 ms each here, and the reader's encoder
# reads them again), so a page is bounded in lines too: 2,000 take about a minute to ingest.
MAX_PAGE_LINES = 2_000
# ... and in words: a line can be any length, and a 400 KB line of "> > >" (200,000 words) took
# two minutes to embed as hundreds of passages.
MAX_PAGE_WORDS = 60_000
_WARNED: set[tuple[str, str]] = set()  # pages are loaded by the index, the lexicon and the search


def _skip(path: Path, reason: str) -> None:
    """Say once per process that a page is skipped, however often the folder is read."""
    if (str(path), reason) not in _WARNED:
        _WARNED.add((str(path), reason))
        log.warning("skipped %s: %s", escaped(_shown(path.name), breaks=True), reason)


def _shown(name: str) -> str:
    """A file name for a message, bytes that are not UTF-8 written as escapes (`ren\\xe9.md`
    from an old Windows share) rather than as the lone surrogates Python reads them as."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _names_inside(paths: list[Path]) -> Counter[tuple[int, int]]:
    """How many names each regular file has inside the folder, by device and inode."""
    names: Counter[tuple[int, int]] = Counter()
    for path in paths:
        try:
            info = path.lstat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            names[(info.st_dev, info.st_ino)] += 1
    return names


def load_documents(knowledge_dir: Path) -> list[Document]:
    """Every `.md`/`.txt` page under the knowledge directory, repaired."""
    if not knowledge_dir.is_dir():
        from coach.errors import CoachError

        raise CoachError(
            f"knowledge directory {knowledge_dir} does not exist; set COACH_KNOWLEDGE_DIR "
            "to the folder holding your playbook pages"
        )
    docs = []
    root = knowledge_dir.resolve()
    paths = sorted(knowledge_dir.rglob("*"))
    names = _names_inside(paths)
    shipped = root.is_relative_to(Path(str(resources.files("coach"))).resolve())
    for path in paths:
        if path.name.startswith("."):
            continue
        if path.is_dir():
            if path.is_symlink():  # not walked: a link may lead anywhere, even into a loop
                _skip(path, "a link to a folder: copy its pages into the knowledge folder")
            continue
        if path.suffix.lower() not in SUFFIXES:
            continue
        if not path.is_file():
            _skip(path, "not a regular file (a pipe, a device or a broken link)")
            continue
        source = path.relative_to(knowledge_dir).as_posix()
        try:
            source.encode("utf-8")
        except UnicodeEncodeError:
            # "ren\xe9ewals.md" (Latin-1): no passage id, index or page of results can hold
            # the name, and one such page stopped every ingest and search.
            where = "its name" if _shown(path.name) != path.name else f"its path {_shown(source)}"
            _skip(path, f"{where} is not UTF-8 text: rename it")
            continue
        if not path.resolve().is_relative_to(root):
            _skip(path, "a link to a file outside the knowledge folder")
            continue
        info = path.stat()
        if info.st_nlink > names[(info.st_dev, info.st_ino)] and not shipped:
            # A hard link cannot be resolved like a symbolic one: the same file has a name
            # outside the folder (it may be any file the server can read).
            _skip(path, "a hard link to a file that also lives outside the knowledge folder")
            continue
        if info.st_size > MAX_PAGE_BYTES:
            _skip(path, f"larger than {MAX_PAGE_BYTES // 1_000} KB: split it into pages")
            continue
        data = path.read_bytes()
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark
            try:
                data = data.decode("utf-16").encode("utf-8")
            except UnicodeDecodeError:
                _skip(path, "says it is UTF-16 but is not")
                continue
        if b"\x00" in data[:8192]:
            _skip(path, "binary data, not a text page")
            continue
        text = repair_text(decode_bytes(data))
        lines = sum(1 for line in text.splitlines() if line.strip())
        if lines > MAX_PAGE_LINES:
            _skip(path, f"{lines:,} lines, more than {MAX_PAGE_LINES:,}: split it into pages")
            continue
        words = len(text.split())
        if words > MAX_PAGE_WORDS:
            _skip(path, f"{words:,} words, more than {MAX_PAGE_WORDS:,}: split it into pages")
            continue
        digest = hashlib.sha256(data + CHUNKER_VERSION.encode()).hexdigest()
        docs.append(Document(source, text, digest))
    return docs


# --- structure ---------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
# A line that is only bold text: `**Escalate If:**`, `**Step 4: Escalate to Customer**`, `__X__`.
_PSEUDO = re.compile(r"^\s*(?:\*\*|__)(?P<title>[^*_].*?)(?:\*\*|__)\s*:?\s*$")
_LINK = re.compile(r"(?<!!)\[(?P<title>[^\]]+)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_FENCE = re.compile(r"^\s*(```|~~~)")


def clean_title(title: str) -> str:
    """Heading text without emoji, markup or a trailing colon."""
    title = re.sub(r"[*_`]", "", title)
    kept = [
        ch
        for ch in title
        if unicodedata.category(ch)[0] in "LNPZ" or ch in "&+/'-"
        if unicodedata.category(ch) != "Co"
    ]
    return re.sub(r"\s+", " ", "".join(kept)).strip().rstrip(":").strip()


@dataclass
class _Section:
    trail: tuple[str, ...]
    lines: list[str]


def _split_sections(text: str) -> list[_Section]:
    """Walk the page once; headings set the trail, bold pseudo-headings nest one level below."""
    sections: list[_Section] = []
    heading_stack: list[tuple[int, str]] = []
    pseudo: str | None = None
    current = _Section((), [])
    in_fence = False

    def start(trail: tuple[str, ...]) -> None:
        nonlocal current
        sections.append(current)
        current = _Section(trail, [])

    for line in text.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and (m := _HEADING.match(line)):
            level, title = len(m.group(1)), clean_title(m.group(2))
            while heading_stack and heading_stack[-1][0] >= level:
                heading_stack.pop()
            heading_stack.append((level, title))
            pseudo = None
            start(tuple(t for _, t in heading_stack))
            continue
        if not in_fence and (m := _PSEUDO.match(line)) and len(m.group("title")) <= 80:
            pseudo = clean_title(m.group("title"))
            start((*(t for _, t in heading_stack), pseudo))
            continue
        current.lines.append(line)
    sections.append(current)
    return [s for s in sections if "\n".join(s.lines).strip()]


_KIND_RULES: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("links", re.compile(r"\b(links?|see also|related|resources|references|further reading)\b", re.I)),
    ("gotcha", re.compile(r"\b(gotchas?|pitfalls?|mistakes?|anti-?patterns?|watch out|avoid)\b", re.I)),
    ("checklist", re.compile(r"\bchecklist\b", re.I)),
    ("step", re.compile(r"^\s*(step|phase|stage)\s*\d+", re.I)),
    ("criteria", re.compile(r"\b(when to|escalate if|don'?t escalate|criteria|triggers?)\b", re.I)),
    ("template", re.compile(r"\b(templates?|communications?|scripts?|wording|emails?|messages?|^to\b)", re.I)),
    ("scenario", re.compile(r"\b(scenarios?|situations?|cases?|playbooks? for)\b", re.I)),
)  # fmt: skip


def classify(trail: tuple[str, ...], body: str) -> Kind:
    """The kind of guidance, from the heading trail (innermost first), then the body's shape."""
    for title in reversed(trail):
        for kind, pattern in _KIND_RULES:
            if pattern.search(title):
                return kind
    if re.search(r"^\s*[-*]\s*\[[ xX]\]", body, re.M):
        return "checklist"
    return "context"


def _links(body: str, source: str, known: set[str]) -> list[Link]:
    base = Path(source).parent
    found = []
    for m in _LINK.finditer(body):
        target = m.group("target")
        if re.match(r"^[a-z]+:", target):
            in_kb = False
        else:
            resolved = _normalise(base / target.split("#", 1)[0])
            in_kb = resolved in known
        found.append(Link(title=m.group("title"), target=target, in_knowledge_base=in_kb))
    return found


def _normalise(path: Path) -> str:
    parts: list[str] = []
    for part in path.as_posix().split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            else:
                parts.append("..")
        else:
            parts.append(part)
    return "/".join(parts)


def _split_long(body: str) -> list[str]:
    if count_tokens(body) <= MAX_PASSAGE_TOKENS:
        return [body]
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter.from_tiktoken_encoder(
        encoding_name="o200k_base", chunk_size=MAX_PASSAGE_TOKENS, chunk_overlap=30
    )
    return splitter.split_text(body)


def chunk_document(doc: Document, known_sources: set[str] | None = None) -> list[Passage]:
    known = known_sources if known_sources is not None else {doc.source}
    stem = Path(doc.source).stem.replace("-", " ").replace("_", " ").title()
    passages: list[Passage] = []
    seen: set[str] = set()
    for section in _split_sections(doc.text):
        trail = section.trail or (stem,)
        body = "\n".join(section.lines).strip()
        kind = classify(trail, body)
        links = _links(body, doc.source, known)
        if links:
            body = _mark_missing_links(body, links)
        parts = _split_long(body)
        for i, part in enumerate(parts):
            name = " > ".join(trail) + (f" ({i + 1}/{len(parts)})" if len(parts) > 1 else "")
            pid = hashlib.sha1(f"{doc.source}\n{name}\n{part}".encode()).hexdigest()[:16]
            if pid in seen:
                continue  # a section pasted twice, heading and text: one passage (ids are unique)
            seen.add(pid)
            passages.append(
                Passage(
                    id=pid,
                    source=doc.source,
                    section=name,
                    kind=kind,
                    text=part,
                    tokens=count_tokens(part),
                    links=links,
                )
            )
    return passages


def _mark_missing_links(body: str, links: list[Link]) -> str:
    """Links to pages outside the knowledge base stay visible as references."""
    for link in links:
        if not link.in_knowledge_base and not re.match(r"^[a-z]+:", link.target):
            md = f"[{link.title}]({link.target})"
            body = body.replace(md, f"{md} (reference; page not in the knowledge base)", 1)
    return body


def load_passages(knowledge_dir: Path) -> list[Passage]:
    docs = load_documents(knowledge_dir)
    known = {d.source for d in docs}
    return [p for d in docs for p in chunk_document(d, known)]
