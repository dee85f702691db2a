"""The context a sentence is said in, per language: is it negated, withdrawn, over and done,
a question, a request, thanks; who is it about.

Every cue is data in `cues/<language>.yaml` (plain lower-case words and phrases; a trailing `*`
means any ending), so a team can read and extend them. Only the email's own language is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coach.textio import load_yaml

CUES = Path(__file__).with_name("cues")
_LISTS = (
    "negators", "past_markers", "resolved", "withdrawn", "conditional", "reported_speech",
    "request_markers", "question_words", "thanks", "greetings", "signoffs", "leave_words",
    "stay_words", "denial_phrases", "intensifiers", "still", "distant_past", "recent_past",
    "third_party", "own_side", "withdraw_verbs", "earlier_own", "howto", "again", "problem_words", "senior", "legal_public", "own_fault", "minor", "praise", "contrast", "formal_legal", "incident", "deadline", "indirect_question", "not_until", "concessive",
)  # fmt: skip


def _pattern(entries: list[str]) -> re.Pattern[str] | None:
    """One pattern for a list of cues: whole words, any run of spaces between words, either
    apostrophe; `*` at the end of a word is any ending, `*` inside a cue is a short gap within the
    clause ("ziehe*zurück" matches "ziehe meine Anfrage zurück")."""
    alternatives = []
    for entry in sorted(
        {e.strip().lower() for e in entries if e and e.strip()}, key=len, reverse=True
    ):
        pieces = []
        for k, piece in enumerate(entry.split("*")):
            body = re.escape(piece.strip()).replace(r"\ ", r"\s+").replace("'", "['’]")
            if k:
                last = k == len(entry.split("*")) - 1 and not piece
                pieces.append(r"\w*" if last else r"\w*[^.;:!?]{0,40}?")
            pieces.append(body)
        alternatives.append("".join(pieces))
    if not alternatives:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.IGNORECASE)


@dataclass(frozen=True)
class Cues:
    language: str
    patterns: dict[str, re.Pattern[str]]

    def has(self, name: str, text: str) -> bool:
        if name in _MASKED_BY:
            return bool(self.find(name, text))
        pattern = self.patterns.get(name)
        return bool(pattern and pattern.search(_plain(text, self.language, name)))

    def find(self, name: str, text: str) -> list[re.Match[str]]:
        """The cue's matches, except those inside a match of the family that masks it."""
        pattern = self.patterns.get(name)
        if not pattern:
            return []
        plain = _plain(text, self.language, name)
        found = list(pattern.finditer(plain))
        mask = self.patterns.get(_MASKED_BY.get(name, ""))
        if found and mask is not None:
            spans = [(m.start(), m.end()) for m in mask.finditer(plain)]
            found = [m for m in found if not any(a <= m.start() < b for a, b in spans)]
        return found


# A cue inside a longer phrase that means something else is no cue: "never mind" opening a
# concession ("never mind who is to blame, ...", "nieważne, kto zawinił") takes nothing back.
_MASKED_BY = {"withdrawn": "concessive"}


# Dutch writes accents for stress only ("we zijn níet van plan", "géén sprake van"): a negation
# is matched without them. One letter for one, so every position a cue is found at is the same
# in the text as written.
_STRESS = {"nl": str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")}
_STRESSED = frozenset({"negators", "denial_phrases", "intensifiers"})


def _plain(text: str, language: str, name: str) -> str:
    table = _STRESS.get(language) if name in _STRESSED else None
    return text.translate(table) if table else text


@lru_cache(maxsize=16)
def cues(language: str) -> Cues:
    path = CUES / f"{language}.yaml"
    data = load_yaml(path.read_text(encoding="utf-8")) if path.is_file() else {}
    patterns = {}
    for name in _LISTS:
        compiled = _pattern([str(e) for e in data.get(name) or []])
        if compiled is not None:
            patterns[name] = compiled
    return Cues(language, patterns)


_WORDS = re.compile(r"[\w'’-]+")


@dataclass(frozen=True)
class Context:
    """What a reader notices about one sentence besides its topic."""

    withdrawn: bool = False  # "forget my request", "never mind"
    resolved: bool = False  # "fixed", "works again", "long closed", and not "still"
    past: bool = False  # clearly over ("last year", "in March") and not "still"
    denied: bool = False  # an intent or need denied ("no intention of leaving", "won't sue")
    thanks: bool = False  # a thank-you opens the sentence
    question: bool = False
    request: bool = False
    greeting: bool = False  # a greeting or sign-off line with nothing else
    howto: bool = False  # asks how or whether ("how do I cancel an export?", "asked whether ...")
    senior: bool = False  # someone above the rep is named (a manager, a director, "someone senior")
    legal_public: bool = (
        False  # a legal or public channel is named (counsel, a regulator, the press)
    )
    staying: bool = False  # a word of staying, not negated, not conditional ("decided to renew")
    own_fault: bool = False  # the customer's own doing or own system ("our firewall blocked it")
    minor: bool = False  # said to be small ("not urgent", "workaround", "just logging it")
    positive: bool = (
        False  # praise or an offer, with nothing wrong said ("happy to leave a review")
    )
    # a word of leaving only in another sense ("I'm going on leave in April", "cancel the call")
    other_leave: bool = False


def read_context(text: str, language: str) -> Context:
    c = cues(language)
    low = text.lower()
    still = c.has("still", low)
    start = low.lstrip(" -*•>\t")
    greeting = _only_greeting(c, start)
    thanks_at = c.find("thanks", low)
    opener = re.sub(r"^[^:,\-–]{0,25}[:,\-–]\s*", "", start)  # "quick question: how do I ..."
    return Context(
        withdrawn=c.has("withdrawn", low)
        or (c.has("withdraw_verbs", low) and c.has("earlier_own", low)),
        resolved=resolved(low, c) and not still,
        past=c.has("distant_past", low) and not still and not c.has("recent_past", low),
        denied=denied(low, c),
        thanks=bool(thanks_at) and thanks_at[0].start() <= 12,
        question=text.rstrip().endswith("?") or _starts(c, "question_words", opener),
        howto=_starts(c, "howto", start)
        or _starts(c, "howto", opener)
        or c.has("indirect_question", low),
        senior=c.has("senior", low),
        own_fault=_own_not_theirs(c, low),
        minor=_unnegated(c, "minor", low),
        positive=c.has("praise", low)
        and not c.has("negators", low)
        and not c.has("problem_words", low),
        staying=c.has("stay_words", low)
        and not c.has("negators", low)
        and not c.has("conditional", low)
        and not c.has("leave_words", low),
        legal_public=c.has("legal_public", low),
        request=c.has("request_markers", low) or "?" in text,
        greeting=greeting,
    )


def _own_not_theirs(c: Cues, low: str) -> bool:
    """The customer's own doing or system, not a party of theirs ("un de nos techniciens" is
    their own; "un de nos clients voit ..." is a client of theirs, someone else)."""
    theirs = [(m.start(), m.end()) for m in c.find("third_party", low)]
    return any(not any(a <= m.start() < b for a, b in theirs) for m in c.find("own_fault", low))


def _only_greeting(c: Cues, start: str) -> bool:
    """A greeting or sign-off and at most a name: "Hi Dana,", "Best regards", "Thanks, Tom"."""
    for name in ("greetings", "signoffs"):
        found = c.find(name, start[:40])
        if found and found[0].start() == 0:
            rest = _WORDS.findall(start[found[0].end() :])
            return len(rest) <= 1 and "?" not in start
    return False


def _starts(c: Cues, name: str, text: str) -> bool:
    found = c.find(name, text[:40])
    return bool(found) and found[0].start() == 0


def resolved(low: str, c: Cues) -> bool:
    """A problem is said to be over: a word of resolution that is asserted, not negated ("is not
    restored"), wished for ("we need it restored", "how this gets fixed") or conditional ("if it
    is not fixed by Friday")."""
    if c.has("conditional", low) or c.has("request_markers", low) or low.rstrip().endswith("?"):
        return False
    for m in c.find("resolved", low):
        clause = re.split(r"[.;:!?,]", low[: m.start()])[-1]
        if not c.has("negators", clause):
            return True
    # "Orders are flowing again": working again, with nothing wrong said.
    return c.has("again", low) and not c.has("negators", low) and not c.has("problem_words", low)


def denied(low: str, c: Cues) -> bool:
    """An intent or need is denied: a denial phrase, or a negator shortly before a word of
    leaving or escalating ("we will not cancel", "no need to involve your manager"). A negated
    word of staying ("we will not renew") is a threat, not a denial; so is "we will not hesitate"."""
    if c.has("intensifiers", low):
        return False  # "we would not hesitate to involve our lawyers" threatens
    if c.has("denial_phrases", low):
        return True
    if c.has("conditional", low):
        return False  # "if it is not fixed by Friday, our counsel ..." threatens
    negators = [m.end() for m in c.find("negators", low)]
    if not negators:
        return False
    for leave in c.find("leave_words", low):
        for end in negators:
            gap = low[end : leave.start()]
            # The negation governs the word: at most three words between, in the same clause.
            if (
                leave.start() - end >= 0
                and len(gap.split()) <= 3
                and not re.search(r"[.;:!?,]", gap)
                and not c.has("stay_words", gap)
            ):
                return True
    return False


def _unnegated(c: Cues, name: str, low: str) -> bool:
    """A cue that is present and not negated just before ("no workaround" is not a workaround)."""
    for m in c.find(name, low):
        before = low[max(0, m.start() - 15) : m.start()]
        if not c.has("negators", before):
            return True
    return False


# What the classifier sees besides the sentence's meaning: the cues a reader notices, the same in
# every language. A network can learn what a sentence vector cannot show, such as a negated word of
# leaving, or a request for a manager that names no one senior.
FEATURES: tuple[str, ...] = (
    "negators", "leave_words", "stay_words", "senior", "legal_public", "request_markers",
    "thanks", "resolved", "problem_words", "past", "conditional", "denied", "withdrawn",
    "question", "still", "third_party", "own_side", "own_fault", "minor", "praise",
)  # fmt: skip


def features(text: str, language: str, context: Context | None = None) -> list[float]:
    """The cue features of one sentence, in `FEATURES` order (1.0 present, 0.0 absent); pass
    the sentence's context when it is already read."""
    c = cues(language)
    low = text.lower()
    ctx = context or read_context(text, language)
    derived = {
        # "renewal isn't until next year" is about time, not a refusal
        "negators": c.has("negators", low) and not c.has("not_until", low),
        "resolved": ctx.resolved,
        "past": ctx.past,
        "denied": ctx.denied,
        "withdrawn": ctx.withdrawn,
        "question": ctx.question,
    }
    return [float(derived[n] if n in derived else c.has(n, low)) for n in FEATURES]


def clauses(text: str, language: str) -> list[str]:
    """A sentence cut where it turns ("I'm not threatening lawyers, but I do need someone
    senior"): each side is read on its own. Pieces are verbatim substrings of the sentence."""
    pattern = cues(language).patterns.get("contrast")
    if pattern is None:
        return [text]
    pieces: list[str] = []
    start = 0
    for m in pattern.finditer(text):
        before = text[start : m.start()].strip(" ,;:-–—")
        after = text[m.start() :].strip()
        if (
            len(before.split()) >= 3
            and len(after.split()) >= 3
            and re.search(r"[,;:–—-]\s*$", text[: m.start()])
        ):
            pieces.append(before)
            start = m.start()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]
