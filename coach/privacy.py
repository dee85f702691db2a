"""Personal data never leaves the machine: redact before a remote model sees text, restore after.

Email addresses, phone numbers, payment card numbers (Luhn-checked), IBANs and labelled account
numbers become placeholders such as `[EMAIL_1]`; the same value always gets the same placeholder,
so a model can still refer to it, and `restore` puts the originals back in what the model wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


def redact(text: str) -> Redaction:
    """Replace personal data in `text` with placeholders."""
    name = _Namer()
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

    text = _PHONE.sub(phone, text)
    return Redaction(text=text, mapping=name.mapping)
