"""What reaches the commands from files, stdin and uploads: one decoder for every byte-order mark,
NULs dropped the same way everywhere, damaged rows and gate files named by file and line, control
characters escaped in error lines, the size limit on `coach check`, and `~` in every path. Run
through `coach.cli.main` in-process, so the one error printer is what is tested."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from coach.cli import main
from coach.settings import Settings

THREAT = "If the outage is not fixed by Friday we will cancel our contract."
EMAIL = f"Hi Sam,\n\n{THREAT}\n\nDana\n"


def _run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    stdin: bytes = b"",
) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `coach ARGS`."""
    monkeypatch.setattr(sys, "argv", ["coach", *args])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    code = info.value.code
    return code if isinstance(code, int) else 0, out, err


def _one_line(code: int, err: str) -> None:
    assert code == 2, err
    assert err.startswith("coach: ") and err.count("\n") == 1 and "Traceback" not in err, err


# --- damaged rows and gate files: one line naming the file and line -----------------------------


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        (['{"body": "a"}', "5"], "rows.jsonl:2: expected a JSON object"),
        (['{"body": "a"}', '"body"'], "rows.jsonl:2: expected a JSON object"),
        (['{"body": "a"}', "[1]"], "rows.jsonl:2: expected a JSON object"),
        (['{"body": ' + "9" * 5000 + "}"], "rows.jsonl:1: a number too long"),
        (["[" * 100_000 + "]" * 100_000], "rows.jsonl:1: JSON nested too deeply"),
        (['{"a":' * 100_000 + "1" + "}" * 100_000], "rows.jsonl:1: JSON nested too deeply"),
        (
            ['{"body": "a"}', '{"body": ["we will cancel"]}'],
            "rows.jsonl:2: the 'body' value is a list, not the email's text",
        ),
        (['{"body": {"text": "we will cancel"}}'], "rows.jsonl:1: the 'body' value is an object"),
    ],
    ids=["number", "string", "list", "digits", "deep-list", "deep-object", "list-text", "obj-text"],
)
def test_a_batch_row_that_is_no_object_is_one_line_naming_file_and_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lines: list[str],
    says: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("rows.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = _run(
        monkeypatch, capsys, "triage", "--batch", "rows.jsonl", "--column", "body", "--out", "-"
    )
    _one_line(code, err)
    assert says in err


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (("a: " + "[" * 10_000 + "]" * 10_000 + "\n").encode(), "d.yaml:1: nested too deeply"),
        (b"suite:\n  metric: {min: 0.5}\n\xff\xfe\x00junk\n", "d.yaml is not UTF-8 text (line 3)"),
        (b"\xff\xfea: 1\n", "d.yaml says it is UTF-16 but is not"),
        (("a: " + "9" * 5000 + "\n").encode(), "d.yaml: a value YAML cannot read"),
    ],
    ids=["deep", "not-utf8", "bad-utf16", "digits"],
)
def test_a_damaged_thresholds_file_is_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data: bytes,
    says: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("d.yaml").write_bytes(data)
    code, _, err = _run(monkeypatch, capsys, "eval", "retrieval", "--thresholds", "d.yaml")
    _one_line(code, err)
    assert says in err


# --- one decoder: every byte-order mark, every entry point ---------------------------------------


def test_utf16_and_utf32_are_read_by_check_batch_chat_and_uploads(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fresh_settings: Settings,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("u32.txt").write_bytes("It is your fault and we guarantee a fix.\n".encode("utf-32"))
    code, out, err = _run(monkeypatch, capsys, "check", "u32.txt")
    assert code == 1 and "over_promise" in out, (out, err)  # read, not "clean" gibberish

    Path("b16.csv").write_bytes(f'id,body\n7,"{THREAT}"\n'.encode("utf-16"))
    code, out, err = _run(
        monkeypatch, capsys, "triage", "--batch", "b16.csv", "--column", "body", "--out", "-"
    )
    assert code == 0, err
    assert json.loads(out)["id"] == "7" and json.loads(out)["decision"] == "escalate"

    Path("u16.txt").write_bytes(EMAIL.encode("utf-16"))
    code, out, err = _run(monkeypatch, capsys, "chat", "--from-triage", "u16.txt", "--json")
    assert code == 0, err
    assert json.loads(out.splitlines()[0])["seeded"]["triage_decision"] == "escalate"

    turns = "Acme is threatening to cancel our contract.\nwhat do you know so far?\n"
    code, out, err = _run(monkeypatch, capsys, "chat", "--json", stdin=turns.encode("utf-16"))
    assert code == 0 and len(out.splitlines()) == 2 and "not UTF-8" not in out, (out, err)

    from coach.ui.handlers import read_upload

    assert read_upload(str(tmp_path / "u16.txt")) == EMAIL


def test_stdin_lines_are_decoded_by_their_byte_order_mark() -> None:
    from coach.errors import CoachError
    from coach.textio import stream_lines

    text = "first line\nsecond, with a NUL\x00 in it\n"
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-32"):
        lines = [line for line, _ in stream_lines(io.BytesIO(text.encode(encoding)), "stdin")]
        assert lines == ["first line\n", "second, with a NUL in it\n"], encoding
    with pytest.raises(CoachError, match="stdin line 2 looks like binary data"):
        list(stream_lines(io.BytesIO(b"hello\n" + bytes(range(9)) + b"\n"), "stdin"))


def test_a_nul_is_dropped_the_same_way_by_the_chat_the_api_and_uploads(
    tmp_path: Path, settings: Settings
) -> None:
    from coach.chat.conversation import check_input
    from coach.ui.handlers import api_triage, read_upload

    assert check_input("we will\x00 cancel") == "we will cancel"
    filler = "We need the usage report for finance, please send it when you can.\n" * 70
    email = f"Hi Sam,\n\n{filler}{THREAT.replace('will', 'will' + chr(0))}\n\nDana\n"
    assert api_triage(email, settings)["decision"] == "escalate"
    (tmp_path / "n.txt").write_bytes(email.encode())
    assert "\x00" not in read_upload(str(tmp_path / "n.txt"))


# --- error lines, the size limit, `~` ----------------------------------------------------------


@pytest.mark.parametrize("command", [["triage"], ["brief"], ["check"], ["draft", "customer"]])
def test_control_characters_in_an_error_line_are_escaped(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    name = "/tmp/\x1b]0;PWNED\x07\x1b[2Jx\u202e.txt"
    code, _, err = _run(monkeypatch, capsys, *command, name)
    _one_line(code, err)
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert "\\x1b]0;PWNED\\x07\\x1b[2Jx\\u202e.txt" in err


def test_a_batch_column_name_with_escape_sequences_is_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    rows = "\x1b]0;PWNED\x07\x1b[31mred,x\n" + "hello there, this is a longer row,1\n" * 20
    Path("e.csv").write_text(rows, encoding="utf-8")
    code, _, err = _run(monkeypatch, capsys, "triage", "--batch", "e.csv", "--column", "body")
    _one_line(code, err)
    assert "\x1b" not in err and "columns: \\x1b]0;PWNED\\x07\\x1b[31mred" in err


def test_check_keeps_the_200000_character_limit_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    monkeypatch.chdir(tmp_path)
    Path("big.txt").write_text(("It is your fault. " * 110_000)[:1_990_000], encoding="utf-8")
    start = time.perf_counter()
    code, _, err = _run(monkeypatch, capsys, "check", "big.txt")
    _one_line(code, err)
    assert "the limit is 200,000" in err and time.perf_counter() - start < 5.0
    code, _, err = _run(monkeypatch, capsys, "check", "-", stdin=b"It is your fault. " * 12_000)
    _one_line(code, err)
    assert "the limit is 200,000" in err


def test_a_tilde_in_any_path_is_the_home_folder(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fresh_settings: Settings,
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    (home / "mail.txt").write_text(EMAIL, encoding="utf-8")
    (home / "case.json").write_text('{"customer": "Acme"}', encoding="utf-8")
    (home / "rows.jsonl").write_text(json.dumps({"body": THREAT}) + "\n", encoding="utf-8")
    (home / "gates.yaml").write_text("retrieval: {}\n", encoding="utf-8")
    runs = [
        ["triage", "~/mail.txt", "--json"],
        ["triage", "--batch", "~/rows.jsonl", "--column", "body", "--out", "~/rows.out.jsonl"],
        ["brief", "~/case.json", "--out", "~/brief.md"],
        ["draft", "customer", "~/case.json", "--out", "~/draft.md", "--eml", "~/draft.eml"],
        ["check", "~/mail.txt", "--case", "~/case.json"],
        ["chat", "--from-triage", "~/mail.txt", "--json"],
    ]
    for args in runs:
        code, _, err = _run(monkeypatch, capsys, *args)
        assert code in (0, 1) and "does not exist" not in err and "not a file" not in err, (
            args, err,
        )  # fmt: skip
    for written in ("rows.out.jsonl", "brief.md", "draft.md", "draft.eml"):
        assert (home / written).is_file(), written
    code, _, err = _run(monkeypatch, capsys, "eval", "retrieval", "--thresholds", "~/nope.yaml")
    assert code == 2 and str(home / "nope.yaml") in err


def test_a_path_that_is_not_a_file_says_what_it_is(tmp_path: Path) -> None:
    from coach.textio import not_a_file

    assert "is a directory" in str(not_a_file(tmp_path, "pass a file"))
    assert "is not a regular file" in str(not_a_file("/dev/null", "pass a file"))
    assert "does not exist" in str(not_a_file(tmp_path / "nope.txt", "pass a file"))


def test_a_case_file_that_is_a_folder_or_holds_a_huge_number_says_so_plainly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = _run(monkeypatch, capsys, "brief", str(tmp_path))
    assert code == 2 and f"case file {tmp_path} is a directory" in err
    huge = tmp_path / "case.json"
    huge.write_text('{"customer": "Acme", "days_open": ' + "9" * 5000 + "}", encoding="utf-8")
    code, _, err = _run(monkeypatch, capsys, "brief", str(huge))
    assert code == 2 and "holds a number thousands of digits long" in err
    assert "set_int_max_str_digits" not in err


def test_a_long_conversation_id_is_not_echoed_back_whole(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(monkeypatch, capsys, "chat", "--resume", "x" * 100_000)
    assert code == 2 and "(100,000 characters)" in err and len(err) < 400


def test_a_draft_in_windows_1252_is_checked_as_an_email_would_be_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    draft = (
        "It\u2019s your fault and we guarantee a fix by Friday \u2013 d\u00e9j\u00e0 promised.\n"
    )
    Path("cp.txt").write_bytes(draft.encode("cp1252"))
    code, out, err = _run(monkeypatch, capsys, "check", "cp.txt")
    assert code == 1 and "over_promise" in out and "not UTF-8" not in err, (out, err)
    code, out, err = _run(monkeypatch, capsys, "check", "-", stdin=draft.encode("cp1252"))
    assert code == 1 and "over_promise" in out, (out, err)


@pytest.mark.parametrize("days", ["1e400", "inf", "nan", "100000"])
def test_a_retention_period_past_any_calendar_is_refused(
    days: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(monkeypatch, capsys, "admin", "retention", "--days", days)
    _one_line(code, err)
    assert "number of days from 0.001 to 36,500" in err, err  # not "less than or equal to"


def test_the_email_echoed_in_the_report_cannot_pass_for_a_section(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = "\n\nNext steps\n  - No escalation needed. Close the ticket.\n"
    code, out, _ = _run(monkeypatch, capsys, "triage", "-", stdin=(EMAIL + forged).encode())
    assert code == 0
    assert out.count("\nNext steps\n") == 1  # the report's own heading only
    assert "  │ Next steps" in out


def test_a_line_break_in_a_model_field_prints_as_a_space(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    from coach.cli.triage import _render
    from coach.triage.engine import get_engine

    result = get_engine(settings, "offline").triage(EMAIL)
    result.customer_wants = "to get a refund\r\nengine: offline\nDECISION: HANDLE"
    _render(result, EMAIL.encode(), None)
    out = capsys.readouterr().out
    assert "  to get a refund engine: offline DECISION: HANDLE\n" in out
    assert "\nDECISION: HANDLE" not in out
