"""Which language a customer writes in: one of the eight the reader knows, or another it names.

py3langid's model knows 97 languages. The text is first classified among all of them: a confident
answer outside the eight means the reader cannot responsibly read the email. Otherwise the answer
among the eight is used, so a short or mixed message still gets the closest known language.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

KNOWN: dict[str, str] = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "nl": "Dutch",
    "it": "Italian",
    "pt": "Portuguese",
    "pl": "Polish",
}
# Names of other languages a customer may write in, for the note a rep reads.
OTHER_NAMES: dict[str, str] = {
    "sv": "Swedish", "da": "Danish", "no": "Norwegian", "nb": "Norwegian", "fi": "Finnish",
    "cs": "Czech", "sk": "Slovak", "hu": "Hungarian", "ro": "Romanian", "tr": "Turkish",
    "ja": "Japanese", "zh": "Chinese", "ko": "Korean", "ru": "Russian", "uk": "Ukrainian",
    "el": "Greek", "ar": "Arabic", "he": "Hebrew", "hi": "Hindi", "th": "Thai", "vi": "Vietnamese",
    "id": "Indonesian", "ms": "Malay", "bg": "Bulgarian", "hr": "Croatian", "sr": "Serbian",
    "sl": "Slovenian", "lt": "Lithuanian", "lv": "Latvian", "et": "Estonian", "ca": "Catalan",
    "eu": "Basque", "gl": "Galician", "is": "Icelandic", "ga": "Irish", "cy": "Welsh",
}  # fmt: skip
_NOISE = re.compile(r"(@\w+|https?://\S+|\S+@\S+|#\w+|\d+)")
_WORD = re.compile(r"[^\W\d_]+")
# Scripts no known language is written in: the answer needs no statistics.
_SCRIPTS = (
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\uac00-\ud7af]"), "ko"),
    (re.compile(r"[\u4e00-\u9fff]"), "zh"),
    (re.compile(r"[\u0400-\u04ff]"), "ru"),
    (re.compile(r"[\u0370-\u03ff]"), "el"),
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
    (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
)
MIN_WORDS_FOR_OTHER = 6
OTHER_CONFIDENCE = 0.9
# Latin letters none of the eight languages writes (Turkish ı ş ğ, Nordic å ø æ, Czech ř ě ů,
# Hungarian ő ű, Romanian ă ț, Icelandic þ ð, ...): a sentence holding one, that the identifier
# also gives confidently to another language, is in that language, however short.
_FOREIGN_LETTERS = re.compile("[ıİşŞğĞåÅøØæÆřŘěĚůŮčČšŠžŽďĎťŤňŇőŐűŰăĂțȚșȘþÞðÐ]")
FOREIGN_SENTENCE_CONFIDENCE = 0.75
MIN_FOREIGN_WORDS = 3
MIN_FOREIGN_LETTERS = 8


@lru_cache(maxsize=1)
def _identifiers() -> tuple[Any, Any]:
    """py3langid's identifier over every language, and one restricted to the eight we read. Its
    model ships LZMA-compressed (about 1.3 s to unpack on every start); the unpacked arrays are
    kept in the cache folder (about 0.1 s to load)."""
    import copy
    from importlib.metadata import version

    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    from py3langid.modelio import _to_array, load_model

    from coach import cache

    source = MODEL_DIR / MODEL_FILE

    def unpack() -> dict[str, Any]:
        import numpy as np

        ptc, pc, classes, nextmove, row, output = load_model(source)
        return {"ptc": ptc, "pc": pc, "classes": np.asarray(classes),
                "nextmove": np.asarray(nextmove), "row": np.asarray(row),
                "output": np.asarray(output)}  # fmt: skip

    key = cache.key_of([version("py3langid"), str(source.stat().st_size)])
    model = cache.arrays("langid", key, unpack)
    everything = LanguageIdentifier(
        model["ptc"], model["pc"], model["classes"].tolist(), _to_array(model["nextmove"]),
        model["output"].tolist(), norm_probs=True, tk_row=_to_array(model["row"]),
    )  # fmt: skip
    known = copy.copy(everything)  # shares the model; only its language subset differs
    known.set_languages(list(KNOWN))
    return everything, known


def script(text: str) -> str | None:
    """The language a script no known language is written in says ("ru" for Cyrillic), when
    that script holds more than 30% of the letters; None for Latin text."""
    clean = _NOISE.sub(" ", text[:6000])[:3000]  # cut first: a long non-space run is quadratic
    letters = sum(len(w) for w in _WORD.findall(clean))
    for pattern, code in _SCRIPTS:
        if letters and len("".join(pattern.findall(clean))) / letters > 0.3:
            return code
    return None


def foreign(text: str) -> str | None:
    """The language of one sentence when it is plainly none of the eight: written in another
    script, or in Latin letters none of them uses and confidently identified as another
    language. None otherwise (a lone sentence of Swedish without å can pass for Dutch, so it is
    not judged alone)."""
    # Names say nothing of the language a sentence is written in ("Jiří Dvořák is cancelling",
    # "Our CEO, Дмитрий Иванов, will cancel"): only the words that are not names are judged.
    words = _WORD.findall(_NOISE.sub(" ", text[:3000]))
    said = " ".join(w for w in words if not w[:1].isupper())
    # Japanese and Chinese write a sentence without spaces: its letters say how much it says.
    found = script(said) if said else None
    if found is not None and (
        len(said.split()) >= MIN_FOREIGN_WORDS or len(said) >= MIN_FOREIGN_LETTERS
    ):
        return found
    if len(said.split()) < MIN_FOREIGN_WORDS:
        return None
    if not _FOREIGN_LETTERS.search(said):
        return None
    code, confidence = _identifiers()[0].classify(said)
    if code in KNOWN or confidence < FOREIGN_SENTENCE_CONFIDENCE:
        return None
    return str(code)


# A sentence in another of the eight inside an email read in one ("Unser Anwalt ist bereits
# eingeschaltet." in an English email) is read in its own language when both identifiers give it
# that language with this confidence. No sentence of the development sets or the 3,448 tweets
# in shared/data clears it; a short sentence of a known language usually does.
OTHER_KNOWN_CONFIDENCE = 0.95
MIN_OTHER_KNOWN_WORDS = 4


def sentence_language(text: str, language: str) -> str:
    """The language one sentence of an email read in `language` is read in: its own, when it is
    plainly another of the eight; else the email's."""
    if language not in KNOWN:
        return language
    clean = _NOISE.sub(" ", text[:3000])
    words = _WORD.findall(clean)
    if len(words) < MIN_OTHER_KNOWN_WORDS:
        return language
    everything, known = _identifiers()
    said = " ".join(words)
    code, confidence = known.classify(said)
    if code == language or confidence < OTHER_KNOWN_CONFIDENCE:
        return language
    return str(code) if everything.classify(said)[0] == code else language


# Spanish and Portuguese share most of their vocabulary ("reembolso", "renovaremos"), and on a few
# words the identifier can take one for the other ("Sin reembolso no renovaremos." read as
# Portuguese). Their small words differ: in a short text, words of only one of the two decide.
SHORT_TEXT_WORDS = 12


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ONLY: dict[str, frozenset[str]] = {
    "es": _words(
        "sin el los las del y pero muy hay nuestro nuestra nuestros nuestras nosotros usted "
        "ustedes hasta ya ahora más hoy mañana gracias hemos puede pueden quiero necesitamos lo "
        "le les mucho pues entonces todavía después cuenta año años sí qué cómo dónde cuál "
        "ningún ninguna con en la una esto eso aquí también"
    ),
    "pt": _words(
        "sem os não nós nosso nossa nossos nossas você vocês até muito muita há um uma do da dos "
        "das na nas ao aos à às é são estão também já ainda depois hoje amanhã obrigado obrigada "
        "mais então porém pode podem quero precisamos conta ano anos sim onde qual nenhum nenhuma "
        "isso isto aqui agora só com em pelo pela lhe"
    ),
}


def _spanish_or_portuguese(words: list[str], code: str) -> str:
    """For a short text read as Spanish or Portuguese: the other of the two when only its own
    small words are in it."""
    if code not in _ONLY or len(words) > SHORT_TEXT_WORDS:
        return code
    low = {w.lower() for w in words}
    other = "pt" if code == "es" else "es"
    if low & (_ONLY[other] - _ONLY[code]) and not low & (_ONLY[code] - _ONLY[other]):
        return other
    return code


def detect(text: str) -> str:
    """ISO 639-1 code of the text's language. Short or unclear text counts as English."""
    clean = _NOISE.sub(" ", text[:6000])[:3000]
    found = script(clean)
    if found is not None:
        return found
    words = _WORD.findall(clean)
    if len(words) < 3:
        return "en"
    everything, known = _identifiers()
    code, confidence = everything.classify(clean)
    if code in KNOWN:
        return _spanish_or_portuguese(words, str(code))
    if len(words) >= MIN_WORDS_FOR_OTHER and confidence >= OTHER_CONFIDENCE:
        return str(code)
    code, confidence = known.classify(clean)
    return _spanish_or_portuguese(words, str(code)) if confidence >= 0.5 else "en"


def name(code: str) -> str:
    return KNOWN.get(code) or OTHER_NAMES.get(code) or code
