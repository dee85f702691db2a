"""Text as a reader sees it, for finding what was written to steer a machine.

A disguise changes how text is encoded, not what a person reads: full-width or mathematical
letters ("ＳＹＳＴＥＭ", "𝐒𝐘𝐒𝐓𝐄𝐌"), look-alikes from other scripts ("ᏚᎽᏚᎢᎬᎷ", "SYSTЄM"), accents
("ŠYŠTĖM"), regional-indicator letters, zero-width and tag characters, a right-to-left override
that shows "METSYS" as "SYSTEM", letters spaced or dotted apart ("S.Y.S.T.E.M"), digits for
letters ("1gn0re"). `fold` undoes them for detection only; the text itself, and every quote taken
from it, stays as written.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from coach.textio import INVISIBLE

# A right-to-left override shows what follows it reversed, up to the pop (or the line's end).
_OVERRIDE = re.compile("\u202e([^\u202a-\u202e\u2066-\u2069\n]*)(?:\u202c|(?=\n)|$)")
# Letters the Unicode confusables data (UTS #39, via confusable_homoglyphs) maps to no ASCII
# letter although they read as one: Ukrainian Є, and Greek small letters written for Latin ones.
_SUPPLEMENT = {"Є": "E", "є": "e", "β": "b", "ε": "e", "κ": "k", "τ": "t", "χ": "x", "ω": "w"}
_SMALL_CAPITAL = re.compile(r"LATIN LETTER SMALL CAPITAL ([A-Z])$")
_REGIONAL_A = 0x1F1E6  # REGIONAL INDICATOR SYMBOL LETTER A; the 26 letters follow in order


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _ascii_of(char: str, data: dict[str, list[dict[str, str]]]) -> str | None:
    """The ASCII letter or digit `char` reads as, following the confusables data a few steps."""
    seen: set[str] = set()
    todo = [char]
    for _ in range(4):
        following: list[str] = []
        for c in todo:
            bare = _strip_marks(c)
            if len(bare) == 1 and bare.isascii() and bare.isalnum():
                # The data maps capital I to small l (they look alike); keep the case.
                return "I" if bare == "l" and char.isupper() else bare
            for glyph in data.get(c, []):
                if glyph["c"] not in seen:
                    seen.add(glyph["c"])
                    following.append(glyph["c"])
        todo = following
    return None


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    """Every letter, digit or symbol outside ASCII that reads as an ASCII letter or digit.

    Built from the confusables data (about 0.2 s) once, then read from the cache folder."""
    from importlib.metadata import version

    import numpy as np

    from coach import cache

    def build() -> dict[str, np.ndarray]:
        table = _build_table()
        return {
            "codes": np.fromiter(table, dtype=np.int32, count=len(table)),
            "letters": np.frombuffer("".join(table.values()).encode("ascii"), dtype=np.uint8),
        }

    key = cache.key_of(
        [version("confusable-homoglyphs"), unicodedata.unidata_version, Path(__file__).read_bytes()]
    )
    arrays = cache.arrays("confusables", key, build)
    return dict(
        zip(arrays["codes"].tolist(), arrays["letters"].tobytes().decode("ascii"), strict=True)
    )


def _build_table() -> dict[int, str]:
    from confusable_homoglyphs.confusables import confusables_data

    table: dict[int, str] = {}
    for char in confusables_data:
        if len(char) == 1 and not char.isascii() and unicodedata.category(char)[0] in "LNS":
            found = _ascii_of(char, confusables_data)
            if found:
                table[ord(char)] = found
    # Small capitals ("ꜱʏꜱᴛᴇᴍ"), which the data leaves out, by their names.
    for code in [*range(0x0250, 0x02B0), *range(0x1D00, 0x1DC0), *range(0xA730, 0xA800)]:
        m = _SMALL_CAPITAL.search(unicodedata.name(chr(code), ""))
        if m:
            table[code] = m.group(1).lower()
    for k in range(26):
        table[_REGIONAL_A + k] = chr(ord("A") + k)
    table.update({ord(k): v for k, v in _SUPPLEMENT.items()})
    return table


def reveal(text: str) -> str:
    """`text` in the order and form it is shown: overridden runs turned back, character references
    read ("&#83;"), compatibility forms folded (NFKC), characters no reader sees removed."""
    if "&" in text:
        text = html.unescape(text)
    if "\u202e" in text:
        text = _OVERRIDE.sub(lambda m: m.group(1)[::-1], text)
    return unicodedata.normalize("NFKC", INVISIBLE.sub("", text))


def fold(text: str) -> str:
    """`text` as a reader recognises its letters: shown form (`reveal`), accents dropped, and
    look-alike letters from other scripts mapped to the Latin ones they imitate."""
    shown = reveal(text)
    if not shown.isascii():
        shown = _strip_marks(shown).translate(_table())
    return shown


# Letters spaced, dotted or starred apart ("S Y S T E M", "S.Y.S.T.E.M", "s-y-s-t-e-m"): three
# or more single letters with one separator between each.
_SPACED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_][ .\-_*·•|/]){2,}[^\W\d_](?![^\W\d_])")
_SEPARATORS = re.compile(r"[ .\-_*·•|/]")
# Digits for letters inside a word of letters ("1gn0re", "prev10us").
_LEET_WORD = re.compile(r"\b(?=[\w]*[^\W\d_][\w]*[^\W\d_])(?=[\w]*\d)\w+\b")
_LEET = str.maketrans("013457", "oieast")
# A word broken over a line with a hyphen ("instruc-\ntions").
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-[ \t]*\n[ \t]*(?=[^\W\d_])")


def spelled(folded: str) -> str:
    """A folded text with words put back together: spaced-out letters joined, digits written
    for letters read as letters, words hyphenated across a line joined."""
    text = _HYPHEN_BREAK.sub("", folded)
    text = _SPACED.sub(lambda m: _SEPARATORS.sub("", m.group(0)), text)
    return _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), text)


_MIXED_WORD = re.compile(r"\w*[A-Za-z]\w*")


def shown(text: str) -> tuple[str, list[int]]:
    """`text` as a reader reads its meaning: compatibility forms folded (NFKC), characters no
    reader sees removed (a zero-width space inside "cancel"), and look-alike letters inside a
    Latin word mapped (a Cyrillic "а" in "cancel"); a word wholly in another script is left
    alone. With it, where each character came from in `text`, so that a quote read from it is
    cut from the original."""
    if text.isascii():
        return text, list(range(len(text)))
    chars: list[str] = []
    source: list[int] = []
    for i, ch in enumerate(text):
        if INVISIBLE.match(ch):
            continue
        for c in _letter_form(ch):
            chars.append(c)
            source.append(i)
    reading = "".join(chars)
    if any(ord(c) in _foreign() for c in reading):  # one character for one: offsets still hold
        reading = _MIXED_WORD.sub(lambda m: m.group(0).translate(_foreign()), reading)
    return reading, source


def _letter_form(ch: str) -> str:
    """A full-width or mathematical letter or digit as the plain one ("Ｆ", "𝐅"); anything else
    (an ellipsis, a no-break space, a superscript) as written, as the reader was fitted on it."""
    if ch.isascii() or unicodedata.category(ch) not in ("Lu", "Ll", "Lo", "Nd"):
        return ch
    plain = unicodedata.normalize("NFKC", ch)
    return plain if len(plain) == 1 and plain.isascii() and plain.isalnum() else ch


@lru_cache(maxsize=1)
def _foreign() -> dict[int, str]:
    """Look-alikes from other scripts (Cyrillic "а", Greek "ο"), not Latin letters with accents."""
    return {
        k: v for k, v in _table().items() if not unicodedata.name(chr(k), "").startswith("LATIN")
    }


def original(text: str, reading: str, source: list[int], quote: str) -> str:
    """The span of `text` that `quote`, taken from its reading (`shown`), stands for."""
    start = reading.find(quote) if quote else -1
    if start < 0 or reading == text:
        return quote
    return text[source[start] : source[start + len(quote) - 1] + 1]
