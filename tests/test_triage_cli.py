"""`coach triage`: the JSON contract, human output, batch mode and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coach.cli import app
from coach.domain.signals import label
from coach.settings import REPO_ROOT

runner = CliRunner()
EMAIL = (
    "Hi Dana,\n\nThis is the third outage this month. If it happens again we will cancel our "
    "contract, and I want to speak to your manager.\n\nBest regards,\nTom Becker\n"
)


def _coach(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the real entry point, so errors go through `coach.cli.main`."""
    code = "from coach.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        input=stdin,
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=120,
    )


def test_json_contract(tmp_path: Path) -> None:
    path = tmp_path / "mail.txt"
    path.write_text(EMAIL, encoding="utf-8")
    result = runner.invoke(app, ["triage", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["decision"] == "escalate"
    assert data["urgency"] in {"high", "critical"}
    assert data["scenario"] == "Customer Threatening to Cancel"
    assert data["engine"] == "offline"
    types = {s["type"] for s in data["signals"]}
    assert {"cancellation_threat", "manager_request"} <= types
    assert all(s["evidence"] in EMAIL for s in data["signals"])
    for key in ("customer_wants", "next_steps", "checklist_questions", "citations",
                "reply_draft", "reasons", "language"):  # fmt: skip
        assert data[key]
    assert all(r["rule"] and r["section"] for r in data["reasons"])


def test_stdin_and_human_output_highlight_the_quotes() -> None:
    result = runner.invoke(app, ["triage", "-"], input=EMAIL)
    assert result.exit_code == 0, result.output
    assert "ESCALATE" in result.output
    assert "Customer is threatening to cancel or walk away" in result.output
    # A rep reads the signal's label, never its id.
    assert label("cancellation_threat") in result.output
    assert "cancellation_threat" not in result.output
    assert "Reply draft" in result.output


def test_batch_csv_writes_jsonl_next_to_the_input(tmp_path: Path) -> None:
    path = tmp_path / "mails.csv"
    path.write_text(
        'id,body\n1,"We will cancel our subscription."\n2,"How do I add a user?"\n3,"   "\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["triage", "--batch", str(path), "--column", "body"])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "mails.triage.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == ["1", "2", "3"]
    assert records[0]["decision"] == "escalate" and records[1]["decision"] == "handle"
    assert "error" in records[2]


def test_each_batch_record_names_its_row_when_ids_repeat(tmp_path: Path) -> None:
    """Exports often repeat an id (a ticket's replies): the records said "id": "7" twice."""
    path = tmp_path / "mails.jsonl"
    rows = [{"id": "7", "text": "Thanks, all good."}, {"id": "7", "text": "We will cancel."}]
    path.write_text("".join(json.dumps(r) + "\n\n" for r in rows), encoding="utf-8")
    result = runner.invoke(app, ["triage", "--batch", str(path), "--column", "text", "--out", "-"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [(r["id"], r["row"], r["decision"]) for r in records] == [
        ("7", 1, "handle"),
        ("7", 2, "escalate"),
    ]


def test_a_batch_csv_with_a_quote_never_closed_is_refused(tmp_path: Path) -> None:
    """Read leniently, the rest of the file became one email and the run said nothing."""
    path = tmp_path / "mails.csv"
    path.write_text('id,body\n1,"We will cancel\n2,How do I add a user?\n', encoding="utf-8")
    result = _coach("triage", "--batch", str(path), "--column", "body", "--out", "-")
    assert result.returncode == 2
    assert b"not a CSV file this can read" in result.stderr and b"Traceback" not in result.stderr
    assert not result.stdout


def test_batch_jsonl_to_stdout(tmp_path: Path) -> None:
    path = tmp_path / "mails.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Our lawyers will be in touch."}) + "\n")
    result = runner.invoke(app, ["triage", "--batch", str(path), "--column", "text", "--out", "-"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip().splitlines()[0])
    assert record["id"] == "a" and record["decision"] == "escalate"


def test_a_lone_surrogate_in_a_batch_row_is_read_as_a_replacement_mark(tmp_path: Path) -> None:
    path = tmp_path / "mails.jsonl"
    path.write_text('{"id": "s", "text": "Our lawyers will be in touch \\ud800 about this."}\n')
    result = runner.invoke(app, ["triage", "--batch", str(path), "--column", "text", "--out", "-"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip().splitlines()[0])
    assert record["id"] == "s" and record["decision"] == "escalate"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["triage", "-"], b"", "empty"),
        (["triage", "-"], b"   \n\t ", "empty"),
        (["triage", "-"], bytes(range(256)) * 20, "binary"),
        (["triage", "no/such/file.txt"], None, "does not exist"),
        (["triage", "--batch", "no/such.csv", "--column", "x"], None, "not a file"),
        (["triage", "--engine", "gpt"], None, "--engine"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    args: list[str], stdin: bytes | None, message: str
) -> None:
    proc = _coach(*args, stdin=stdin)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err.startswith("coach: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_batch_with_a_missing_column_names_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,tweet\n1,hello there\n", encoding="utf-8")
    proc = _coach("triage", "--batch", str(path), "--column", "body")
    assert proc.returncode == 2
    assert "columns: id, tweet" in proc.stderr.decode()


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_batch_csv_saved_with_semicolons_or_tabs_is_read(tmp_path: Path, delimiter: str) -> None:
    from coach.triage.batch import read_rows

    path = tmp_path / "t.csv"
    path.write_text(
        f'id{delimiter}body\n1{delimiter}"We will cancel; this is the last straw."\n'
        f"2{delimiter}How do I export a report?\n",
        encoding="utf-8",
    )
    assert read_rows(path, "body") == [
        ("1", "We will cancel; this is the last straw."),
        ("2", "How do I export a report?"),
    ]


def test_a_megabyte_and_an_eml_with_attachment_give_sane_results(tmp_path: Path) -> None:
    from email.message import EmailMessage

    big = tmp_path / "big.txt"
    big.write_text("Please help us with the invoice layout. " * 27_000, encoding="utf-8")
    proc = _coach("triage", str(big), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    assert any("only the first" in n for n in json.loads(proc.stdout)["notes"])

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@acme.example", "b@vendor.example", "Outage"
    msg["Date"] = "Mon, 05 Jan 2026 10:00:00 +0100"
    msg.set_content("Our production site has been down since 6am. Please escalate this.")
    msg.add_attachment(b"\x89PNG\r\n" + bytes(200), maintype="image", subtype="png",
                       filename="screenshot.png")  # fmt: skip
    eml = tmp_path / "mail.eml"
    eml.write_bytes(msg.as_bytes())
    result = runner.invoke(app, ["triage", str(eml), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["decision"] == "escalate"
    assert any("screenshot.png" in n for n in data["notes"])


def test_terminal_escapes_in_an_email_are_never_printed(tmp_path: Path) -> None:
    mail = tmp_path / "esc.txt"
    mail.write_text(
        "Hi,\n\nWe will cancel \x1b]0;pwned\x07 \x1b[31mRED\x1b[0m today.\n\nBest,\nTom\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", "from coach.cli import main; main()", "triage", str(mail)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "pwned" in proc.stdout and "\x1b]0" not in proc.stdout and "\x1b[31m" not in proc.stdout


def test_a_review_reason_quoting_the_customer_prints_their_brackets_as_typed(
    tmp_path: Path,
) -> None:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "Dana <dana@northwind.example>"
    msg["Subject"] = "export"
    msg.set_content(
        "Hi Sam,\n\nThe export keeps failing. We will cancel our contract at renewal "
        "[bold]unless[/bold] it is fixed by Friday.\n\nDana\n"
    )
    msg.add_alternative("<p>Hi Sam,</p><p>Please see the message below.</p>", subtype="html")
    path = tmp_path / "m.eml"
    path.write_bytes(bytes(msg))
    result = runner.invoke(app, ["triage", str(path)])
    assert result.exit_code == 0, result.output
    assert "READ IT YOURSELF" in result.output
    why = result.output.split("\nWhy\n", 1)[1].split("\n\n", 1)[0]
    assert "[bold]unless[/bold]" in why
