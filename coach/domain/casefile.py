"""The case file: one escalation, as the rep knows it. Shared by the brief, the drafts, the chat
coach and the UI, and read and written as JSON with exactly these field names.

Unknown is not false: every checklist answer may be `null`, and the rules in `coach.domain.readiness`
treat a missing answer differently from a "no".
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from coach.errors import CoachError
from coach.textio import MAX_TEXT_CHARS

REPLACE_KEY = "_replace"  # in a case update in the chat's state: the fields a correction sets anew
MAX_FIELD_CHARS = 20_000
MAX_LIST_ITEMS = 200
MAX_FILE_BYTES = 5_000_000

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_FIELD_CHARS)]
_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")


def _one_line(text: str) -> str:
    """A name, a title, an address or a date on one line: "Priya\\nBcc: x@evil.example" in a
    leader's name became a second mail header in the exported message (and broke it)."""
    return _LINE_BREAKS.sub(" ", text)


Line = Annotated[Text, AfterValidator(_one_line)]
TextList = Annotated[list[Text], Field(max_length=MAX_LIST_ITEMS)]

ChecklistItem = Literal[
    "tried_yourself",
    "root_cause_understood",
    "communicated_transparently",
    "clear_ask",
    "right_time",
    "manager_briefed",
]

# The playbook's Pre-Escalation Checklist, word for word.
CHECKLIST_QUESTIONS: dict[str, str] = {
    "tried_yourself": "Have you tried to resolve this yourself?",
    "root_cause_understood": "Do you understand the root cause of their frustration?",
    "communicated_transparently": "Have you communicated transparently about the situation?",
    "clear_ask": "Do you have a clear ask for leadership?",
    "right_time": "Is this the right time to escalate? (Not too early, not too late)",
    "manager_briefed": "Have you briefed your manager on the situation?",
}


class Checklist(BaseModel):
    """The six pre-escalation questions: True (yes), False (no) or None (not known yet)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    tried_yourself: StrictBool | None = None
    root_cause_understood: StrictBool | None = None
    communicated_transparently: StrictBool | None = None
    clear_ask: StrictBool | None = None
    right_time: StrictBool | None = None
    manager_briefed: StrictBool | None = None

    @staticmethod
    def question(item: str) -> str:
        return CHECKLIST_QUESTIONS[item]


class CaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    customer: Line = ""
    contact: Line = ""  # free text ("Dana Whitfield, VP Operations"); the parts follow
    contact_name: Line = ""
    contact_title: Line = ""
    contact_email: Line = ""
    manager_name: Line = ""  # the rep's own manager
    problem: Text = ""
    customer_wants: Text = ""
    tried: TextList = Field(default_factory=list)
    business_impact: Text = ""
    deadline: Line = ""  # the date that matters ("June renewal", "by Friday")
    ask: Text = ""
    proposed_next_steps: TextList = Field(default_factory=list)
    checklist: Checklist = Field(default_factory=Checklist)
    # Who is brought in, what the rep may promise, and context for the rules.
    leader_name: Line = ""
    leader_title: Line = ""
    authorised_commitments: TextList = Field(default_factory=list)
    notes: Text = ""
    days_open: Annotated[StrictInt, Field(ge=0, le=100_000)] | None = None
    signals: TextList = Field(default_factory=list)
    # Signals the customer took back ("he said forget the escalation"): not read again from the
    # case's own words when it lists no signals (`coach.reading.case.with_signals`).
    withdrawn: TextList = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _drop_nulls(cls, data: Any) -> Any:
        """`null` in the JSON means "not known": the field keeps its empty default."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data

    @field_validator("signals", "withdrawn")
    @classmethod
    def _known_signals(cls, names: list[str]) -> list[str]:
        """Each name as the signal table spells it: "CANCELLATION_THREAT" and "cancellation threat"
        are `cancellation_threat`; a name that is none ("cancelation_threat") is refused, since
        read as no signal at all it would turn a threat into "don't escalate"."""
        from coach.domain.signals import SIGNAL_TYPES  # it imports this module's ChecklistItem

        known = {_signal_key(name): name for name in SIGNAL_TYPES}
        for item, name in enumerate(names):
            if _signal_key(name) not in known:
                raise PydanticCustomError(
                    "unknown_signal", "unknown signal {name}", {"name": name, "item": item}
                )
        return list(dict.fromkeys(known[_signal_key(name)] for name in names))

    # --- JSON in and out -------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path) -> CaseFile:
        """Read a case file; any problem is a CoachError naming the file and the field."""
        path = Path(path)
        if not path.is_file():
            from coach.textio import not_a_file

            raise not_a_file(path, "pass the path to a JSON case file", "case file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CoachError(
                f"case file {path} is larger than {MAX_FILE_BYTES // 1_000_000} MB; "
                "a case file holds a few paragraphs of facts"
            )
        from coach.textio import decode_text

        text = decode_text(path.read_bytes(), f"case file {path}")
        return cls.loads(text, source=str(path))

    @classmethod
    def loads(cls, text: str, source: str = "case file") -> CaseFile:
        try:  # a byte-order mark pasted along is dropped
            data = json.loads(text.removeprefix("\ufeff"), object_pairs_hook=_one_value_a_key)
        except _KeyTwice as exc:
            raise CoachError(
                f"{source} gives {exc.args[0]!r} twice; keep one (which one counts is not clear)"
            ) from None
        except json.JSONDecodeError as exc:
            raise CoachError(
                f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        except RecursionError:
            raise CoachError(f"{source} nests too deeply to be a case file") from None
        except ValueError as exc:
            if "digits" in str(exc):  # Python refuses integers of thousands of digits
                raise CoachError(f"{source} holds a number thousands of digits long") from None
            raise CoachError(f"{source} is not a case file ({exc})") from None
        return cls.from_data(data, source=source)

    @classmethod
    def from_data(cls, data: Any, source: str = "case file") -> CaseFile:
        case = cls._validated(data, source)
        # Each field is held to its own limit, the whole case to the one for pasted text: 200
        # steps of 20,000 characters each (4 MB) took the brief minutes to read.
        size = sum(len(part) for part in case._texts())
        if size > MAX_TEXT_CHARS:
            raise CoachError(
                f"{source} holds {size:,} characters of text; the limit is {MAX_TEXT_CHARS:,} "
                "for a whole case file (keep the facts and leave pasted threads out)"
            )
        return case

    @classmethod
    def _validated(cls, data: Any, source: str) -> CaseFile:
        if not isinstance(data, dict):
            raise CoachError(
                f"{source} must be a JSON object with fields such as customer, problem"
            )
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise CoachError(f"{source}: {describe_error(exc)}") from None

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")

    # --- What the chat coach needs -------------------------------------------------------

    def open_checklist_items(self) -> list[str]:
        """Checklist items not yet settled: answered "no", or unknown with no fact that answers it.

        A list of things tried answers "have you tried it yourself", a stated problem answers
        "do you understand the root cause" and a stated ask answers "do you have a clear ask", so a
        coach never asks again what the case already says.
        """
        answered_by_facts = {
            "tried_yourself": bool(self.tried),
            "root_cause_understood": bool(self.problem),
            "clear_ask": bool(self.ask),
        }
        open_items: list[str] = []
        for item in CHECKLIST_QUESTIONS:
            value = getattr(self.checklist, item)
            if value is False or (value is None and not answered_by_facts.get(item, False)):
                open_items.append(item)
        return open_items

    def merge(self, update: CaseFile | dict[str, Any], replace: Collection[str] = ()) -> CaseFile:
        """A new case file with `update` folded in. A known fact is never overwritten by nothing:
        empty text and null answers are ignored, lists gain new items without losing old ones.
        Fields in `replace` were corrected ("no, the contact is Lena"): a list is replaced, and a
        new contact name drops the old contact's title and address unless the update gives them."""
        if isinstance(update, CaseFile):
            incoming = update.model_dump(exclude_unset=True)
        else:  # read from what the rep typed: clipped to the limits, never refused
            incoming = CaseFile._validated(_clipped(update), source="case update").model_dump(
                exclude_unset=True
            )
        merged = self.model_dump()
        if "contact_name" in replace:
            for name in ("contact", "contact_title", "contact_email"):
                if name not in incoming:
                    merged[name] = ""
        for name, value in incoming.items():
            if name == "checklist":
                for item, answer in value.items():
                    if answer is not None:
                        merged["checklist"][item] = answer
            elif isinstance(value, list):
                kept = [] if name in replace else merged[name]
                merged[name] = kept + [v for v in value if v and v not in kept]
            elif value is not None and value != "":
                merged[name] = value
        for name, value in merged.items():  # a long conversation keeps its latest items
            if isinstance(value, list) and len(value) > MAX_LIST_ITEMS:
                merged[name] = value[-MAX_LIST_ITEMS:]
        return CaseFile.model_validate(merged)

    @property
    def contact_display(self) -> str:
        """The contact as one line: the free text, else name, title and address."""
        if self.contact:
            return self.contact
        name = ", ".join(x for x in (self.contact_name, self.contact_title) if x)
        return (
            f"{name} <{self.contact_email}>"
            if self.contact_email and name
            else (name or self.contact_email)
        )

    @property
    def contact_first_name(self) -> str:
        """The name to greet the contact by: their first name, never a title."""
        import re

        name = self.contact_name or re.split(r"[,(<]", self.contact)[0].strip()
        # "Dubois, Claire": a name part written family name first, as directories list people
        titles = {"head", "vp", "director", "manager", "chief", "lead", "president", "owner"}
        turned = re.fullmatch(r"((?:[^\s,]+\s){0,3}[^\s,]+),\s*([^\s,]+)", self.contact_name)
        if turned and not turned.group(2).isupper() and turned.group(2).lower() not in titles:
            name = turned.group(2)
        words = [w for w in name.split() if not re.fullmatch(r"(?:Dr|Mr|Mrs|Ms|Prof)\.?", w)]
        first = words[0] if words else ""
        if first.isupper() or first.lower() in titles:
            return ""  # "Hi CTO" greets a title, not a person
        # A capital in any Latin script: "Łukasz", "Šárka", "Ólafur"
        return first if first[:1].isupper() and re.fullmatch(r"[^\W\d_][\w'’-]+", first) else ""

    def fact_text(self) -> str:
        """Every fact of the case as one string (for checking that drafts invent nothing)."""
        return "\n".join(self._texts())

    def _texts(self) -> list[str]:
        """Every text field and list item that is not empty, and the days open, in field order."""
        parts: list[str] = []
        for value in self.model_dump(exclude={"checklist"}).values():
            if isinstance(value, list):
                parts.extend(str(v) for v in value)
            elif value not in (None, ""):
                parts.append(str(value))
        return parts


_TYPE_WORDS = {
    "string_type": "must be text",
    "list_type": "must be a list of text items",
    "bool_type": "must be true, false or null",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "model_type": "must be an object",
    "dict_type": "must be an object",
}


def describe_error(exc: ValidationError) -> str:
    """The first validation error as one sentence naming the field."""
    err = exc.errors()[0]
    loc = err["loc"]
    field = ".".join(str(p) for p in loc if not isinstance(p, int))
    item = next((p for p in loc if isinstance(p, int)), None)
    at = f" (item {item + 1})" if item is not None else ""
    kind = err["type"]
    if kind == "extra_forbidden":
        name = str(loc[-1])
        known = list(Checklist.model_fields if len(loc) > 1 else CaseFile.model_fields)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "known fields: " + ", ".join(known)
        return f"unknown field '{field}'; {hint}"
    if kind == "string_too_long":
        value = err.get("input")
        size = f"{len(value):,} characters" if isinstance(value, str) else "too long"
        return f"field '{field}'{at} is {size}; the limit is {MAX_FIELD_CHARS:,} characters a field"
    if kind == "too_long":
        return f"field '{field}' has too many items; the limit is {MAX_LIST_ITEMS}"
    if kind == "unknown_signal":
        from coach.domain.signals import SIGNAL_TYPES

        ctx = err.get("ctx") or {}
        name, at = str(ctx.get("name")), f" (item {int(ctx.get('item', 0)) + 1})"
        keys = {_signal_key(known): known for known in SIGNAL_TYPES}
        close = difflib.get_close_matches(_signal_key(name), keys, n=1)
        hint = f"did you mean '{keys[close[0]]}'? " if close else ""
        return f"field '{field}'{at} names no known signal: '{name}'; {hint}known signals: " + (
            ", ".join(SIGNAL_TYPES)
        )
    if kind in _TYPE_WORDS:
        got = type(err.get("input")).__name__
        got = {"str": "text", "dict": "an object", "list": "a list"}.get(got, got)
        return f"field '{field}'{at} {_TYPE_WORDS[kind]} (got {got})"
    return f"field '{field}'{at}: {err['msg']}"


class _KeyTwice(ValueError):
    """A JSON object that names one key twice."""


def _one_value_a_key(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice: JSON keeps the last silently, so a case file
    with "signals" twice lost the first list without a word."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _KeyTwice(key)
        out[key] = value
    return out


def _signal_key(name: str) -> str:
    """A signal's name with case, spaces, hyphens and underscores ignored."""
    return re.sub(r"[\s_-]+", "", name).casefold()


def _clipped(update: dict[str, Any]) -> dict[str, Any]:
    """A case update with each text cut to the field limit and each list to the item limit, so
    that a very long message is kept (its first 20,000 characters a field), not refused. A name
    no signal has ("cancelation_threat") is left out of it, as a chat's tools leave it out."""
    from coach.domain.signals import SIGNAL_TYPES

    known = {_signal_key(name) for name in SIGNAL_TYPES}
    out: dict[str, Any] = {}
    for name, value in update.items():
        if name in ("signals", "withdrawn") and isinstance(value, list):
            value = [v for v in value if not isinstance(v, str) or _signal_key(v) in known]
        if isinstance(value, str):
            out[name] = value[:MAX_FIELD_CHARS]
        elif isinstance(value, list):
            out[name] = [v[:MAX_FIELD_CHARS] if isinstance(v, str) else v for v in value][
                -MAX_LIST_ITEMS:
            ]
        else:
            out[name] = value
    return out
