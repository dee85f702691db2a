"""Personal data never leaves the machine: redact before a remote model sees text, restore after.
And our own instructions never reach the rep: `prompt_leaks` finds them in what a model wrote.

Email addresses, phone numbers, payment card numbers (Luhn-checked), IBANs and labelled account
numbers become placeholders such as `[EMAIL_1]`; the same value always gets the same placeholder,
so a model can still refer to it, and `restore` puts the originals back in what the model wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

    from coach.settings import Settings

M = TypeVar("M", bound="BaseMessage")

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)*\.[A-Za-z]{2,}\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_ACCOUNT = re.compile(
    r"(?i)\b(?:account|acct|a/c|customer|member|policy|contract|routing|sort code|konto|"
    r"kontonummer|compte|cuenta)(?:\s*(?:no\.?|number|num|nr\.?|#|id|número|numéro))?\s*[:#]?\s*"
    r"(?P<value>[A-Z]{0,3}[-\d][\d -]{4,20}\d)"
)
_PHONE = re.compile(
    r"(?<![\w/.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{1,5}(?:[\s.-]\d{2,8}){1,4}(?![\w/-])"
)
_DATE_LIKE = re.compile(r"^\d{1,4}([./-])\d{1,2}\1\d{1,4}$")
# A US social security number as written ("123-45-6789"), which reads like a date to _DATE_LIKE.
_SSN = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")
# A phone number typed without separators: ten digits (eleven with a leading 1) in North American
# form, or any 7-15 digit run right after a word that announces a phone number.
_BARE_PHONE = re.compile(
    r"(?<![\w+/.-])1?[2-9]\d{2}[2-9]\d{6}(?![\w/-])"
    r"|(?i:\b(?:call|phone|tel|telephone|mobile|cell|whatsapp|text\s+me|reach\s+me)\b)"
    r"[^\d\n]{0,20}?(?P<cued>\+?\d{7,15})(?!\d)"
)


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
    text = _EMAIL.sub(lambda m: name("EMAIL", m.group(0)), text)
    text = _IBAN.sub(lambda m: name("ACCOUNT", m.group(0)), text)

    def account(m: re.Match[str]) -> str:
        value = m.group("value").strip()
        start = m.start("value") - m.start()
        return m.group(0)[:start] + name("ACCOUNT", value) + m.group(0)[start + len(value) :]

    text = _ACCOUNT.sub(account, text)

    def card(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        if 13 <= len(digits) <= 19 and _luhn(digits):
            return name("CARD", m.group(0))
        return m.group(0)

    text = _CARD.sub(card, text)

    def phone(m: re.Match[str]) -> str:
        value = m.group(0)
        digits = re.sub(r"\D", "", value)
        if len(digits) < 7 or len(digits) > 15 or _DATE_LIKE.match(value.strip()):
            return value
        # A bare 7-8 digit run without separators or "+" is more often an order id than a phone.
        if not value.startswith(("+", "(")) and not re.search(r"[\s.-]", value.strip()):
            return value
        return name("PHONE", value)

    text = _SSN.sub(lambda m: name("ID", m.group(0)), text)
    text = _PHONE.sub(phone, text)

    def bare_phone(m: re.Match[str]) -> str:
        if m.group("cued"):
            start = m.start("cued") - m.start()
            value = m.group("cued")
            return m.group(0)[:start] + name("PHONE", value) + m.group(0)[start + len(value) :]
        return name("PHONE", m.group(0))

    return _BARE_PHONE.sub(bare_phone, text)


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
