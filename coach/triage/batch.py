"""Batch triage: many texts from a CSV or JSONL file, in chunks that embed together."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.triage.engine import TriageEngine

BATCH_CHUNK = 64  # texts embedded together in one call


def _json_row(line: str, where: str) -> dict[str, Any]:
    """One JSONL line, which must be an object; anything else names the file and line."""
    import json

    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        raise CoachError(f"{where}: not valid JSON") from None
    except ValueError:  # a number past Python's digit limit
        raise CoachError(f"{where}: a number too long to read") from None
    except RecursionError:
        raise CoachError(f"{where}: JSON nested too deeply to read") from None
    if not isinstance(row, dict):
        raise CoachError(f"{where}: expected a JSON object holding the email column")
    return row


def read_rows(path: Path, column: str) -> list[tuple[str, str]]:
    """(row id, text) pairs from a CSV or JSONL file; a missing column names the ones there are."""
    import csv
    import io

    from coach.textio import MAX_FILE_BYTES, decode_text

    if not path.is_file():
        raise CoachError(f"{path} is not a file; give a .csv or .jsonl file to --batch")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise CoachError(f"--batch reads .csv or .jsonl files, not {path.suffix or 'this file'}")
    text = decode_text(path.read_bytes(), str(path), legacy=True)
    rows: list[dict[str, Any]] = []
    if suffix == ".jsonl":
        for lineno, line in enumerate(text.split("\n"), 1):  # JSON strings may hold U+2028
            if line.strip():
                row = _json_row(line, f"{path}:{lineno}")
                value = row.get(column)
                if value is not None and not isinstance(value, str):
                    kind = {list: "a list", dict: "an object", bool: "true or false"}.get(
                        type(value), "a number"
                    )
                    raise CoachError(
                        f"{path}:{lineno}: the {column!r} value is {kind}, not the email's text"
                    )
                rows.append(row)
    else:
        csv.field_size_limit(MAX_FILE_BYTES)  # one email a field, up to the size limit
        try:
            # strict: a quote never closed is an error, not the rest of the file in one field
            # European spreadsheets save with ";" (and some exports with tabs): the delimiter is
            # the one that makes the header name the column
            first = text.lstrip("\ufeff").split("\n", 1)[0]
            delimiter = next(
                (d for d in ",;\t|" if column in next(csv.reader([first], delimiter=d), [])), ","
            )
            reader = csv.DictReader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
            header = reader.fieldnames or []
            if header.count(column) > 1:
                raise CoachError(
                    f"{path} has {header.count(column)} columns named {column!r}; rename all but "
                    "one, so it is clear which holds the email text"
                )
            rows = list(reader)
        except csv.Error as exc:
            raise CoachError(f"{path} is not a CSV file this can read: {exc}") from None
    if not rows:
        raise CoachError(f"{path} has no rows")
    if column not in rows[0]:
        raise CoachError(
            f"{path} has no column {column!r}; columns: {', '.join(map(str, rows[0]))}"
        )
    return [(str(r.get("id", i)), str(r.get(column) or "")) for i, r in enumerate(rows, 1)]


def triage_rows(
    engine: TriageEngine,
    rows: list[tuple[str, str]],
    before_chunk: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(outcome, JSONL record) for each row, in order: outcome is escalate, handle or skipped
    (a row with nothing to triage keeps its error in the record). Each record names its row
    (the first data row is 1) beside its id, which the file may repeat."""
    for start in range(0, len(rows), BATCH_CHUNK):
        chunk = rows[start : start + BATCH_CHUNK]
        if before_chunk is not None:
            before_chunk(start, len(rows))
        results = engine.triage_many([text for _, text in chunk])
        for row, ((row_id, _), result) in enumerate(zip(chunk, results, strict=True), start + 1):
            if isinstance(result, CoachError):
                yield "skipped", {"id": row_id, "row": row, "error": str(result)}
            else:
                yield result.decision, {"id": row_id, "row": row, **result.model_dump(mode="json")}


def summary(counts: Counter[str]) -> str:
    """How a batch came out, in words: "3 escalate, 10 handle, 1 to read yourself, 0 skipped"."""
    return (
        f"{counts['escalate']} escalate, {counts['handle']} handle, "
        f"{counts['review']} to read yourself, {counts['skipped']} skipped (no text)"
    )
