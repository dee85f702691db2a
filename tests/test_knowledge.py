"""Loading, repairing and chunking playbook pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.playbook.knowledge import (
    Document,
    chunk_document,
    clean_title,
    decode_bytes,
    load_documents,
    load_passages,
    repair_text,
)
from coach.settings import REPO_ROOT

KNOWLEDGE = REPO_ROOT / "knowledge"
SEED = REPO_ROOT.parent / "shared" / "seeds" / "escalation.md"

EXPECTED = {
    "Context": "context",
    "Pre-Escalation Checklist": "checklist",
    "When to Escalate > Escalate If": "criteria",
    "When to Escalate > Don't Escalate If": "criteria",
    "Escalation Framework > Step 1: Understand the Situation": "step",
    "Escalation Framework > Step 2: Prepare for Escalation": "step",
    "Escalation Framework > Step 3: Escalate Internally First": "step",
    "Escalation Framework > Step 4: Escalate to Customer": "step",
    "Escalation Framework > Step 5: Execute Escalation": "step",
    "Escalation Framework > Step 6: Follow Through": "step",
    "Escalation Communication > To Your Manager": "template",
    "Escalation Communication > To Customer": "template",
    "Common Escalation Scenarios > Customer Threatening to Cancel": "scenario",
    "Common Escalation Scenarios > Technical Issues Beyond Your Control": "scenario",
    "Common Escalation Scenarios > Scope or Timeline Disputes": "scenario",
    "Common Escalation Scenarios > Relationship Breakdown": "scenario",
    "Gotchas": "gotcha",
    "Links": "links",
}


def test_every_section_and_pseudo_heading_is_its_own_passage_with_trail_and_kind() -> None:
    passages = load_passages(KNOWLEDGE)
    got = {p.section: p.kind for p in passages}
    assert got == EXPECTED
    for p in passages:
        assert p.source == "escalation.md"
        assert p.tokens > 0 and p.text.strip()
        assert "**" not in p.section and "📝" not in p.section


def test_passage_text_is_the_section_body() -> None:
    by_section = {p.section: p for p in load_passages(KNOWLEDGE)}
    step4 = by_section["Escalation Framework > Step 4: Escalate to Customer"].text
    assert "Don't throw anyone under the bus" in step4
    assert "Step 5" not in step4
    assert (
        "Customer is asking to speak to your manager"
        in by_section["When to Escalate > Escalate If"].text
    )


def test_the_shipped_playbook_is_the_seed_with_its_emoji_repaired() -> None:
    shipped = (KNOWLEDGE / "escalation.md").read_text(encoding="utf-8")
    assert "## 📝 Context" in shipped and "## ⚠️ Gotchas" in shipped and "## 🔗 Links" in shipped
    assert "üìù" not in shipped and "\uf8ff" not in shipped
    if SEED.is_file():  # the seed sits beside the repo in the team's checkout and in CI
        assert repair_text(decode_bytes(SEED.read_bytes())) == shipped


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("## \uf8ffüìù Context", "## 📝 Context"),  # UTF-8 read as Mac Roman
        ("## ‚ö†Ô∏è Gotchas", "## ⚠️ Gotchas"),
        (
            "caf\u00c3\u00a9 and \u00e2\u20ac\u0153quotes\u00e2\u20ac\u009d",
            "café and “quotes”",
        ),  # as cp1252
        ("Déjà vu, naïve, Müller", "Déjà vu, naïve, Müller"),  # correct text is left alone
    ],
)
def test_mojibake_repair(broken: str, fixed: str) -> None:
    assert repair_text(broken) == fixed


def test_non_utf8_files_never_fail(tmp_path: Path) -> None:
    (tmp_path / "latin1.md").write_bytes(
        "## Eskalation\n\nDer Kunde möchte kündigen.\n".encode("latin-1")
    )
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "bom.md").write_bytes(b"\xef\xbb\xbf## Title\n\nBody text here.\n")
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "utf16.md").write_bytes(
        "## Eskalacja\n\nKlient chce wypowiedzieć umowę.\n".encode("utf-16")
    )
    docs = {d.source: d for d in load_documents(tmp_path)}
    assert set(docs) == {
        "latin1.md",
        "bom.md",
        "utf16.md",
    }  # binary data is skipped, with a warning
    assert "wypowiedzieć umowę" in docs["utf16.md"].text
    assert "möchte kündigen" in docs["latin1.md"].text
    assert docs["bom.md"].text.startswith("## Title")
    assert load_passages(tmp_path)  # chunking survives all of them


def test_links_to_missing_pages_stay_visible_as_references() -> None:
    links = next(p for p in load_passages(KNOWLEDGE) if p.kind == "links")
    assert "[Requesting help](../internal/requesting-help.md)" in links.text
    assert "not in the knowledge base" in links.text
    assert [link.target for link in links.links] == [
        "../internal/requesting-help.md",
        "stuck.md",
        "poc-recovery.md",
        "../internal/status-updates.md",
    ]
    assert not any(link.in_knowledge_base for link in links.links)


def test_links_to_pages_in_the_knowledge_base_are_marked(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("## Links\n\n- [B](b.md)\n- [Web](https://example.com)\n")
    (tmp_path / "b.md").write_text("## B\n\nText of b.\n")
    links = {
        link.target: link.in_knowledge_base for p in load_passages(tmp_path) for link in p.links
    }
    assert links == {"b.md": True, "https://example.com": False}


def test_user_pages_get_sensible_trails_and_kinds() -> None:
    text = (
        "# POC Recovery\n\nIntro text.\n\n## Warning Signs\n\n**Champion went quiet:**\n\n- no replies\n\n"
        "## Common Mistakes\n\n- over-promising\n\n```\n## not a heading inside code\n```\n"
    )
    passages = chunk_document(Document("poc.md", text, "x"))
    trails = [(p.section, p.kind) for p in passages]
    assert ("POC Recovery", "context") in trails
    assert ("POC Recovery > Warning Signs > Champion went quiet", "context") in trails
    assert ("POC Recovery > Common Mistakes", "gotcha") in trails
    assert any("not a heading inside code" in p.text for p in passages)


def test_a_long_section_is_split_below_the_token_limit() -> None:
    body = " ".join(f"Sentence number {i} about escalation practice." for i in range(600))
    passages = chunk_document(Document("long.md", f"## Long\n\n{body}\n", "x"))
    assert len(passages) > 1
    assert all(p.tokens <= 360 for p in passages)
    assert passages[0].section.startswith("Long (1/")


def test_clean_title_drops_emoji_and_colons() -> None:
    assert clean_title("🎯 When to Escalate") == "When to Escalate"
    assert clean_title("Escalate If:") == "Escalate If"
    assert clean_title("⚠️ Gotchas") == "Gotchas"


def test_knowledge_stays_inside_its_folder_and_reads_only_text(tmp_path: Path) -> None:
    from coach.playbook.knowledge import load_documents

    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "playbook.md").write_text("# Playbook\n\nEscalate when they threaten to cancel.\n")
    secret = tmp_path / "secret.md"
    secret.write_text("# Not yours\n\nroot:x:0:0\n")
    (folder / "linked.md").symlink_to(secret)
    (folder / "blob.md").write_bytes(b"\x00\x01\x02" * 100)
    names = [d.source for d in load_documents(folder)]
    assert names == ["playbook.md"]


def test_a_hard_link_to_a_file_outside_the_folder_is_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A hard link cannot be resolved: the same file also has a name elsewhere."""
    import os

    from coach.playbook.knowledge import load_documents

    folder = tmp_path / "knowledge"
    (folder / "sub").mkdir(parents=True)
    (folder / "playbook.md").write_text("# Playbook\n\nEscalate when they threaten to cancel.\n")
    os.link(folder / "playbook.md", folder / "sub" / "same-page.md")  # both names inside: kept
    secret = tmp_path / "secret.md"
    secret.write_text("# Not yours\n\nroot:x:0:0\n")
    os.link(secret, folder / "linked.md")
    with caplog.at_level("WARNING"):
        names = [d.source for d in load_documents(folder)]
    assert names == ["playbook.md", "sub/same-page.md"]
    said = {r.getMessage() for r in caplog.records}
    assert (
        "skipped linked.md: a hard link to a file that also lives outside the knowledge folder"
        in said
    )


def test_a_skipped_page_is_reported_once_however_often_the_folder_is_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "page.md").write_text("## Title\n\nBody text here.\n", encoding="utf-8")
    (tmp_path / "blob.md").write_bytes(bytes(range(256)) * 4)
    with caplog.at_level("WARNING"):
        for _ in range(3):  # the index, the lexicon and the search each read the folder
            assert [d.source for d in load_documents(tmp_path)] == ["page.md"]
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert skipped == ["skipped blob.md: binary data, not a text page"]


def test_a_linked_folder_a_pipe_and_a_broken_link_are_skipped_with_a_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import os

    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "page.md").write_text("## Title\n\nBody text here.\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "other.md").write_text("## Other\n\nMore text.\n", encoding="utf-8")
    (folder / "shared").symlink_to(elsewhere, target_is_directory=True)
    os.mkfifo(folder / "pipe.md")  # reading it would block for ever
    (folder / "gone.md").symlink_to(tmp_path / "missing.md")
    with caplog.at_level("WARNING"):
        assert [d.source for d in load_documents(folder)] == ["page.md"]
    said = {r.getMessage() for r in caplog.records}
    assert "skipped shared: a link to a folder: copy its pages into the knowledge folder" in said
    assert "skipped pipe.md: not a regular file (a pipe, a device or a broken link)" in said
    assert "skipped gone.md: not a regular file (a pipe, a device or a broken link)" in said


def test_a_page_of_more_lines_than_can_be_embedded_quickly_is_skipped_with_a_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A 448 KB page of 10,000 headings once took minutes to ingest and broke search after."""
    (tmp_path / "page.md").write_text("## Title\n\nBody text here.\n", encoding="utf-8")
    (tmp_path / "headings.md").write_text(
        "".join(f"# Heading {i}\nSome text about renewal {i}.\n" for i in range(1_500)),
        encoding="utf-8",
    )
    with caplog.at_level("WARNING"):
        assert [d.source for d in load_documents(tmp_path)] == ["page.md"]
    assert any("3,000 lines, more than 2,000" in r.getMessage() for r in caplog.records)


def test_a_page_of_one_line_of_many_words_is_skipped_with_a_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A 400 KB single line of "> > >" (200,000 words, under both the size and the line limits)
    took two minutes to embed as hundreds of passages."""
    from coach.playbook.knowledge import MAX_PAGE_WORDS

    (tmp_path / "page.md").write_text("## Title\n\nBody text here.\n", encoding="utf-8")
    (tmp_path / "quotes.md").write_text("# Q\n\n" + "> " * (MAX_PAGE_WORDS + 1), encoding="utf-8")
    with caplog.at_level("WARNING"):
        assert [d.source for d in load_documents(tmp_path)] == ["page.md"]
    assert any(f"more than {MAX_PAGE_WORDS:,}" in r.getMessage() for r in caplog.records)


def test_a_page_too_big_to_embed_quickly_is_skipped_with_a_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """1,990 lines of 2,400 characters (4.8 MB) took more than four minutes to ingest."""
    (tmp_path / "page.md").write_text("## Title\n\nBody text here.\n", encoding="utf-8")
    (tmp_path / "long.md").write_text(("renewal terms " * 40 + "\n") * 1_000, encoding="utf-8")
    with caplog.at_level("WARNING"):
        assert [d.source for d in load_documents(tmp_path)] == ["page.md"]
    assert any("larger than 500 KB" in r.getMessage() for r in caplog.records)


def test_a_page_whose_name_is_not_utf8_is_skipped_and_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`ren\\xe9ewals.md` (a Latin-1 name) stopped every ingest and search with a traceback: no
    passage id or index takes the lone surrogate Python reads the byte as."""
    import os

    (tmp_path / "page.md").write_text("## Title\n\nBody text here.\n", encoding="utf-8")
    (tmp_path / os.fsdecode(b"ren\xe9ewals.md")).write_text("# Renewals\n\nBrief your manager.\n")
    (tmp_path / os.fsdecode(b"d\xff")).mkdir()
    (tmp_path / os.fsdecode(b"d\xff") / "inside.md").write_text("# Inside\n\nMore text.\n")
    with caplog.at_level("WARNING"):
        assert [p.source for p in load_passages(tmp_path)] == ["page.md"]
    said = {r.getMessage() for r in caplog.records}
    assert "skipped ren\\xe9ewals.md: its name is not UTF-8 text: rename it" in said
    assert "skipped inside.md: its path d\\xff/inside.md is not UTF-8 text: rename it" in said
