"""Personal data never leaves the machine: redact before a remote model sees text, restore after.
And our own instructions never reach the rep: `prompt_leaks` finds them in what a model wrote.

Email addresses, phone numbers, payment card numbers (Luhn-checked), IBANs, US social security
numbers, UUIDs and labelled account, customer and subscription ids become placeholders such as
`[EMAIL_1]` (the README's "What is redacted" lists the forms); the same value always gets the same placeholder,
so a model can still refer to it, and `restore` puts the originals back in what the model wrote.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

    from coach.settings import Settings

M = TypeVar("M", bound="BaseMessage")

# Bounded parts and a start that cannot sit inside another run: linear on any input (an unbounded
# local part rescans to the end of a long dotted run for every start).
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.[A-Za-z]{2,24}\b"
)
# An IBAN in upper or lower case, grouped by spaces or dashes or not at all. Written in capitals
# with spaces it is taken as typed; otherwise its check digits must hold (ISO 13616, mod 97).
_IBAN = re.compile(r"(?i)\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b")
_IBAN_TYPED = re.compile(r"[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?")
# Runs of digit groups joined by one kind of separator: card numbers are looked for inside them.
_DIGIT_RUN = re.compile(r"(?<![\w.])\d+(?:[ ./-]\d+)*")
_GROUP = re.compile(r"\d+")
_ID_WORDS = r"(?:\s*(?:no\.?|number|num|nr\.?|#|id|ident\w*|número|numéro|nummer))?"
# A value labelled as an account, customer, member, contract or subscription id, in the eight
# languages: "account number 12345678", "customer ID CUST-88231", "Acct: ACME12345",
# "numéro client 99887766", "Kundennummer 4711-0815", "subscription ID sub_1NqR8x2eZvKYlo2C".
_ACCOUNT = re.compile(
    r"(?i)\b(?:account|acct|a/c|customer|client|member|policy|contract|subscription|tenant|"
    r"routing|sort\s+code|konto|kontonummer|kunden?nummer|kunden-?id|compte|cuenta|"
    r"num[ée]ro\s+(?:de\s+)?client|n[°º]\s*client|n[úu]mero\s+de\s+cliente|numero\s+cliente|"
    r"codice\s+cliente|klantnummer|klant-?id|numer\s+klienta|nr\s+klienta)"
    + _ID_WORDS
    + r"\s*[:#]?\s*(?P<value>[A-Z]{0,3}[-\d][\d -]{4,20}\d|"
    r"(?=[A-Za-z_-]*\d)(?![12]\d{3}\b)[A-Za-z0-9][\w-]{4,39}\b)"
)
_UUID = re.compile(r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_PHONE = re.compile(
    r"(?<![\w/.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{1,5}(?:[\s.-]\d{2,8}){1,4}(?![\w/-])"
)
_DATE_LIKE = re.compile(r"^\d{1,4}([./-])\d{1,2}\1\d{1,4}$")
# A US social security number as written ("123-45-6789"), which reads like a date to _DATE_LIKE,
# and one after the word that names it, with or without separators ("SSN 078051120").
_SSN = re.compile(
    r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])"
    r"|(?i:\b(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?)\b)\s*[:#]?\s*"
    r"(?P<cued>\d{3}[ -]?\d{2}[ -]?\d{4})(?!\d)"
)
# A phone number typed without separators: ten digits (eleven with a leading 1) in North American
# form; an international number after "+" or "00"; a national number that starts with 0 (ten or
# eleven digits, as in the UK, France, Germany, Italy, the Netherlands); "(415)5550199" and
# "415/555-0199"; or any 7-15 digit run right after a word that announces a phone number.
_BARE_PHONE = re.compile(
    r"(?<![\w+/.-])1?[2-9]\d{2}[2-9]\d{6}(?![\w/-])"
    r"|(?<![\w+/.-])(?:\+|00)[1-9]\d{7,14}(?![\w/-])"
    r"|(?<![\w+/.-])0[1-9]\d{8,9}(?![\w/-])"
    r"|(?<![\w/.-])\(\d{2,5}\)\s?\d{3}[\s.-]?\d{3,5}(?![\w/-])"
    r"|(?<![\w/.-])\d{3}/\d{3}[\s.-]?\d{4}(?![\w/-])"
    r"|(?i:\b(?:call|phone|tel|telephone|mobile|cell|whatsapp|text\s+me|reach\s+me)\b)"
    r"[^\d\n]{0,20}?(?P<cued>\+?\d{7,15})(?!\d)"
)
# Characters folded before the patterns run, one for one so that positions still match the text:
# full-width digits and letters, and the hyphens, dashes and spaces typed inside numbers.
_FOLD = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"},
        **{c: " " for c in "\u00a0\u2007\u202f\u3000"},
        "\uff0b": "+",
        "\uff20": "@",
        "\uff0e": ".",
    }
)


def _iban_valid(value: str) -> bool:
    compact = re.sub(r"[ -]", "", value).upper()
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


@dataclass
class Redaction:
    text: str
    mapping: dict[str, str] = field(default_factory=dict)  # placeholder -> original

    def restore(self, text: str) -> str:
        for placeholder, original in self.mapping.items():
            text = text.replace(placeholder, original)
        return text


class _Namer:
    def __init__(self) -> None:
        self.mapping: dict[str, str] = {}
        self._by_value: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}

    def __call__(self, kind: str, value: str) -> str:
        key = (kind, value)
        if key not in self._by_value:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            placeholder = f"[{kind}_{self._counts[kind]}]"
            self._by_value[key] = placeholder
            self.mapping[placeholder] = value
        return self._by_value[key]


class Redactor:
    """One placeholder mapping shared by every text of a model call (a draft's messages, a chat
    turn's system prompt, history and tool results), so the same value is the same placeholder
    everywhere and anything the model writes back can be restored. `enabled=False` (the
    `redact_pii` setting turned off) passes text through unchanged."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._name = _Namer()

    @property
    def mapping(self) -> dict[str, str]:
        """placeholder -> original"""
        return self._name.mapping

    def redact(self, text: str) -> str:
        if not self.enabled or not text:
            return text
        return _redact(text, self._name)

    def restore(self, text: str) -> str:
        for placeholder, original in self.mapping.items():
            text = text.replace(placeholder, original)
        return text

    def redact_messages(self, messages: Sequence[BaseMessage]) -> list[BaseMessage]:
        """Copies of LangChain messages as a remote model may see them: text, tool-call
        arguments and extra fields redacted."""
        return [self._map_message(m, self.redact) for m in messages]

    def restore_message(self, message: M) -> M:
        """The model's answer with the original values back in its text and tool calls."""
        return self._map_message(message, self.restore)

    def _map_message(self, message: M, fn: Callable[[str], str]) -> M:
        from langchain_core.messages import AIMessage

        if not self.enabled:
            return message
        update: dict[str, Any] = {
            "content": _map_strings(message.content, fn),
            "additional_kwargs": _map_strings(message.additional_kwargs, fn),
        }
        if isinstance(message, AIMessage):
            update["tool_calls"] = [
                {**call, "args": _map_strings(call["args"], fn)} for call in message.tool_calls
            ]
            update["invalid_tool_calls"] = [
                {**call, "args": _map_strings(call.get("args"), fn)}
                for call in message.invalid_tool_calls
            ]
        return message.model_copy(update=update)


def _map_strings(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {k: _map_strings(v, fn) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_map_strings(v, fn) for v in value)
    return value


def redact(text: str) -> Redaction:
    """Replace personal data in `text` with placeholders."""
    redactor = Redactor()
    return Redaction(text=redactor.redact(text), mapping=redactor.mapping)


def _redact(text: str, name: _Namer) -> str:
    from coach.textio import INVISIBLE

    text = INVISIBLE.sub("", text)  # what no reader sees never goes to a model
    probe = text.translate(_FOLD)  # same length as text: a span in one is a span in the other
    spans: list[tuple[int, int, str]] = []  # kept sorted; they never overlap
    starts: list[int] = []

    def claim(start: int, end: int, kind: str) -> None:
        at = bisect.bisect_left(starts, end)
        if start < end and (at == 0 or spans[at - 1][1] <= start):
            starts.insert(at, start)
            spans.insert(at, (start, end, kind))

    for m in _EMAIL.finditer(probe):
        claim(*m.span(), "EMAIL")
    for m in _IBAN.finditer(probe):
        if _IBAN_TYPED.fullmatch(m.group(0)) or _iban_valid(m.group(0)):
            claim(*m.span(), "ACCOUNT")
    for m in _UUID.finditer(probe):
        claim(*m.span(), "ID")
    for m in _ACCOUNT.finditer(probe):
        value = m.group("value").rstrip(" -")
        claim(m.start("value"), m.start("value") + len(value), "ACCOUNT")
    for m in _DIGIT_RUN.finditer(probe):
        _claim_cards(probe, m, claim)
    for m in _SSN.finditer(probe):
        claim(*(m.span("cued") if m.group("cued") else m.span()), "ID")
    for m in _PHONE.finditer(probe):
        value = m.group(0)
        digits = re.sub(r"\D", "", value)
        if len(digits) < 7 or len(digits) > 15 or _DATE_LIKE.match(value.strip()):
            continue
        # A bare 7-8 digit run without separators or "+" is more often an order id than a phone.
        if not value.startswith(("+", "(")) and not re.search(r"[\s.-]", value.strip()):
            continue
        claim(*m.span(), "PHONE")
    for m in _BARE_PHONE.finditer(probe):
        claim(*(m.span("cued") if m.group("cued") else m.span()), "PHONE")

    out: list[str] = []
    at = 0
    for start, end, kind in spans:
        out += [text[at:start], name(kind, text[start:end])]
        at = end
    out.append(text[at:])
    return "".join(out)


def _claim_cards(probe: str, run: re.Match[str], claim: Callable[[int, int, str], None]) -> None:
    """Card numbers inside a run of digit groups ("4111.1111.1111.1111", "... 12 3782 822463
    10005"): the longest stretch of groups, joined by one kind of separator, that holds 13 to 19
    digits and passes the Luhn check. A card is written in at most five groups of three or more
    digits, so each start looks at most five groups ahead: linear."""
    groups = [(run.start() + g.start(), run.start() + g.end()) for g in _GROUP.finditer(run[0])]
    i = 0
    while i < len(groups):
        best = -1
        digits = ""
        sep = None
        for j in range(i, min(i + 5, len(groups))):
            if groups[j][1] - groups[j][0] < 3:
                break
            if j > i:
                between = probe[groups[j - 1][1] : groups[j][0]]
                if sep is None:
                    sep = between
                elif between != sep:
                    break
            digits += probe[groups[j][0] : groups[j][1]]
            if len(digits) > 19:
                break
            if len(digits) >= 13 and _luhn(digits):
                best = j
        if best >= 0:
            claim(groups[i][0], groups[best][1], "CARD")
            i = best + 1
        else:
            i += 1


# --- Our own instructions ----------------------------------------------------------------------

# A run of this many words copied from a system prompt is a leak, not a coincidence.
LEAK_WORDS = 8
_WORD = re.compile(r"[a-z0-9$%]+(?:'[a-z]+)?")
_PROMPT_SENTENCE = re.compile(r"(?<=[.!?:;])\s+|\n\s*\n|\n\s*(?:[-*]|\d+\.)\s+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def _grams(words: list[str], n: int = LEAK_WORDS) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def system_prompts(settings: Settings) -> list[str]:
    """The coach's system prompts as the models receive them (chat, drafts, triage)."""
    from coach.domain.signals import meanings
    from coach.llm.prompts import render

    texts = [render("agent/system.md.j2", settings, state="")]
    for kind in ("brief", "customer", "call-prep", "follow-up"):
        texts.append(render("drafts/llm_system.md.j2", settings, kind=kind, purpose="."))
    texts.append(render("triage/system.md.j2", settings, signals=meanings()))
    return texts


_prompt_cache: dict[tuple[Path, Path], dict[tuple[str, ...], str]] = {}


def _prompt_grams(settings: Settings) -> dict[tuple[str, ...], str]:
    """Every LEAK_WORDS-word run of the system prompts' sentences, mapped to its sentence;
    runs the playbook also contains are not ours to hide."""
    key = (settings.prompts_dir, settings.knowledge_dir)
    if key not in _prompt_cache:
        _prompt_cache[key] = _collect_grams(settings)
    return _prompt_cache[key]


def _collect_grams(settings: Settings) -> dict[tuple[str, ...], str]:
    knowledge_dir = settings.knowledge_dir
    public: set[tuple[str, ...]] = set()
    if knowledge_dir.is_dir():
        for page in sorted(knowledge_dir.glob("*.md")):
            public |= _grams(_words(page.read_text(encoding="utf-8")))
    grams: dict[tuple[str, ...], str] = {}
    for prompt in system_prompts(settings):
        for sentence in _PROMPT_SENTENCE.split(prompt):
            if "{" in sentence:  # rendered data, not our wording
                continue
            for gram in _grams(_words(sentence)) - public:
                grams.setdefault(gram, " ".join(sentence.split()))
    return grams


def prompt_leaks(text: str, settings: Settings, allowed: Sequence[str] = ()) -> list[str]:
    """The system-prompt sentences whose wording (a run of LEAK_WORDS words or more) appears in
    `text`. Wording also found in `allowed` (the reference draft, the turn's tool results) is
    the coach's material, not a leak."""
    grams = _prompt_grams(settings)
    found = _grams(_words(text)) & grams.keys()
    if found and allowed:
        found -= _grams(_words("\n".join(allowed)))
    return list(dict.fromkeys(grams[g] for g in sorted(found)))
