"""The case reader: what a rep tells the coach, read into the case file's typed facts.

Each message is cut into clauses; each clause is read for the part of the case it tells (the
problem, what the customer wants, what was tried, what is at stake, the ask, next steps, a checklist
answer, a question put to the coach, or nothing the case needs), by a model fitted on sentences reps
type (`rep_exemplars/*.yaml`) with cue features, and the checklist phrase rules as a first opinion.
People, the customer company, addresses, figures and dates come from `coach.reading.people`. A fact
goes to the field it belongs to or nowhere: a question is never a customer, and a sentence about the
rep's manager is never a next step. A correction ("no, the contact is Lena, not Lars") replaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.cache import pattern as compiled
from coach.reading.case import COMPLAINT_VERB
from coach.reading.classifier import Exemplars, Spec, model
from coach.reading.people import (
    DATE,
    EMAIL,
    MONEY,
    NAME,
    Named,
    _is_name,
    pronoun_title,
    read_named,
)
from coach.reading.rep_features import COACH_REQUEST, FIRST_PERSON, rep_features
from coach.textio import load_yaml

HERE = Path(__file__).parent
ROLES: tuple[str, ...] = (
    "problem", "customer_wants", "tried", "business_impact", "ask", "next_steps",
    "manager_briefed_yes", "manager_briefed_no", "communicated_yes", "communicated_no",
    "tried_no", "root_cause_yes", "root_cause_no", "question_to_coach", "context",
)  # fmt: skip
ROLE_THRESHOLD = 0.45
FACT_ROLES = ("problem", "customer_wants", "tried", "business_impact", "ask", "next_steps")
CHECKLIST_ROLES = {
    "manager_briefed_yes": ("manager_briefed", True),
    "manager_briefed_no": ("manager_briefed", False),
    "communicated_yes": ("communicated_transparently", True),
    "communicated_no": ("communicated_transparently", False),
    "tried_no": ("tried_yourself", False),
    "root_cause_yes": ("root_cause_understood", True),
    "root_cause_no": ("root_cause_understood", False),
}


def load_role_exemplars(folder: Path, labels: tuple[str, ...] = ROLES) -> Exemplars:
    """`roles: {role: [sentences]}` per file, any language."""
    texts: list[str] = []
    found: list[int] = []
    languages: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        data = load_yaml(path.read_text(encoding="utf-8"))
        for role, sentences in (data.get("roles") or {}).items():
            if role not in labels:
                raise ValueError(f"{path}: unknown role {role!r}")
            for sentence in sentences:
                texts.append(str(sentence))
                found.append(labels.index(role))
                languages.append(str(data.get("language", "en")))
    return Exemplars(texts, found, languages)


ROLES_SPEC = Spec(
    name="roles",
    labels=ROLES,
    exemplars=HERE / "rep_exemplars",
    shipped=HERE / "rep_model.npz",
    version="roles-v1",
    load=load_role_exemplars,
    features=rep_features,
    code=(HERE / "rep_features.py",),
)


@dataclass
class Clause:
    text: str
    role: str
    score: float


@dataclass
class CaseReading:
    """What one message of the rep says, as case-file fields."""

    update: dict[str, Any] = field(default_factory=dict)
    checklist: dict[str, bool] = field(default_factory=dict)
    replace: set[str] = field(default_factory=set)  # fields a correction sets anew
    questions: list[str] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    named: Named = field(default_factory=Named)


_CLAUSE_CUT = compiled(
    r"(?:;\s+|\s+[-–—]\s+|,\s+(?=(?:and|but|so)\s)|\s+but\s+(?=(?:i|I|we|they|she|he)\b)|"
    r",?\s+(?=(?:because|bc|b/c)\s)|,\s+(?=(?:their|they|they're|she|he|she's|he's)\s)|"
    # "..., it's been failing nightly since ...": the trouble after what they asked for;
    # "... asked to speak with my manager and said they're evaluating Xtime": two things said
    r",\s+(?=it(?:'s|’s|\s+has|\s+keeps)\s)|\s+and\s+(?=(?:said|threatened)\s)|"
    # "she got heated after the outage, says she needs assurance": what they said after the story
    r",\s+(?=(?:says|said)\s+(?:she|he|they)\s+(?:needs?|wants?|expects?|demands?|requires?)\s)|"
    # "... since the weekend and she wrote that if this is how it's going to be, they'll cancel"
    r"\s+and\s+(?=(?:she|he|they)\s+(?:wrote|said|says|told|threatened|emailed|mentioned)\b)|"
    # "..., wants it corrected": what the customer wants, said without its subject
    r",\s+(?=(?:wants|wanted|asks\s+for|asked\s+for|needs|demands|demanded|expects)\s)|"
    r",\s+(?=(?:want|need|wanna)\s+to\s+(?:get|have|bring|loop|pull)\s+(?:in\s+)?(?:my|our)\s)|\s+and\s+(?=(?:their|they|they're|we|i|i've|I|I've|I'm|I'd|I'll|our|it|its|(?-i:[A-Z])"
    r"[\w&-]+(?:\s+(?-i:[A-Z])[\w&-]+)*['’]s?)\s))"
)
_REP_OPENS = compiled(
    r"^\W*(?:(?:so|and|but|also|then|already|honestly|ok)\W+)*(?:i|we|i've|we've|i'd|we'd|i'm)\b",
    re.I,
)
_REP_TOLD = compiled(
    r"\s+and\s+(?=(?:told|explained|updated|informed|emailed|messaged|walked\s+(?:him|her|them))\s)"
)
_CORRECTION = compiled(
    r"^\W*(?:(?:ugh|oh|oops|hmm|um|ah|ok|okay|wait|also|and|so)\b[\s,.!]*)*(?:no[,.!]|no\s+wait|nope|"
    r"actually|"
    r"correction|sorry\b|my\s+bad|to\s+correct|wait\b|scratch\s+that|i\s+mean\b|i\s+was\s+wrong)"
    r"|\b(?:not|rather\s+than)\s+(?-i:[A-Z])\w+\s*$|\binstead\s*[.!]?\s*$|"
    r"\b(?:is|it's|it\s+is|that's)\s+(?:actually|now|really)\b",
    re.I,
)
_FRAMING = compiled(
    r"^\W*(?:(?:ok|okay|so|hey|hi|heads\s+up|fyi|ugh|quick\s+one|need\s+help|need\s+advice|update|"
    r"context|background|bad\s+news|good\s+news)[\w\s,]*?[:,.!-]\s+"
    r"|(?:the\s+)?(?:problem|issue|ask|customer|contact|context|situation)\s*(?:is|:)\s*)",
    re.I,
)


# A full stop ends a rep's sentence before a lower-case word too ("...moved them to v5. dispatchers
# cant build routes"): reps type in haste. Not after an abbreviation, an initial or inside a
# figure or an address.
_LOWER_STOP = compiled(r"(?<=[a-z0-9)\]'’%])[.!?]+\s+(?=[a-z(])")
_SHORT_FORM = compiled(
    r"(?:\b(?:dr|mr|mrs|ms|prof|st|jr|sr|vs|etc|approx|incl|e\.g|i\.e|fig|dept|mgmt|est)|"
    r"(?<![\w.])\w)$",
    re.I,
)


def rep_sentences(text: str) -> list[str]:
    """The rep's sentences, cut at a full stop before a lower-case word as well."""
    from coach.triage.parse import sentences

    out: list[str] = []
    for sentence in sentences(text):
        start = 0
        for m in _LOWER_STOP.finditer(sentence):
            if _SHORT_FORM.search(sentence[start : m.start()]):
                continue
            piece = sentence[start : m.start() + len(m.group(0).rstrip())].strip()
            if piece:
                out.append(piece)
            start = m.end()
        if sentence[start:].strip():
            out.append(sentence[start:].strip())
    return out


# "Problem: scope dispute - JP thinks the sensors were in the SOW": a label's short head says
# what kind of trouble; what follows the dash is the trouble itself, and stays with it.
_LABEL_HEAD = compiled(
    r"^\W*(?:the\s+)?(?:problem|issue|situation|context|background|summary)\s*:\s*"
    r"\S+(?:\s+\S+){0,2}$",
    re.I,
)


def clauses(text: str) -> list[str]:
    out: list[str] = []
    for sentence in rep_sentences(text):
        pieces = [
            q.strip(" ,;")
            for p in _CLAUSE_CUT.split(sentence)
            if p and p.strip(" ,;")
            # "I rotated their tokens and told Kofi what we'd done": what the rep did, then told
            for q in (_REP_TOLD.split(p) if _REP_OPENS.match(p.strip(" ,;")) else [p])
        ]
        merged: list[str] = []
        for piece in pieces:  # a fragment too short to say anything stays with the one before
            if merged and (len(piece.split()) < 4 or _LABEL_HEAD.match(merged[-1])):
                merged[-1] = f"{merged[-1]}, {piece}"
            else:
                merged.append(piece)
        out.extend(merged)
    return out


# Contractions typed without the apostrophe ("ive", "havent", "dont"): read as written out.
_BARE_CONTRACTIONS = {
    "ive": "i've", "im": "i'm", "id": "i'd", "dont": "don't", "didnt": "didn't", "havent": "haven't",
    "hasnt": "hasn't", "hadnt": "hadn't", "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't",
    "werent": "weren't", "cant": "can't", "couldnt": "couldn't", "wont": "won't",
    "wouldnt": "wouldn't", "shouldnt": "shouldn't", "doesnt": "doesn't", "theyre": "they're",
    "theyve": "they've", "theyll": "they'll", "theyd": "they'd", "itll": "it'll",
    "youre": "you're", "wouldve": "would've", "weve": "we've", "thats": "that's", "whats": "what's", "shes": "she's",
    "hes": "he's", "its been": "it's been", "its not": "it's not", "its still": "it's still",
}  # fmt: skip
_BARE_RX = compiled(
    r"\b(" + "|".join(sorted(map(re.escape, _BARE_CONTRACTIONS), key=len, reverse=True)) + r")\b",
    re.I,
)


def plain_contractions(text: str) -> str:
    """ "ive already opened a P1" -> "i've already opened a P1": the rules read contractions."""

    def put(m: re.Match[str]) -> str:
        word = m.group(1)
        if word == "ID" or (
            word.lower() == "id"
            and not re.match(
                r"\s+(?:like|rather|say|prefer|"
                r"love|need|want|ask)\b",
                m.string[m.end() :],
            )
        ):
            return word
        full = _BARE_CONTRACTIONS[word.lower()]
        return full[:1].upper() + full[1:] if word[:1].isupper() else full

    return _BARE_RX.sub(put, text)


_ROLE_NOUN = r"(?:manager|mgr|boss|line\s+manager|direct\s+manager|supervisor)"
_NAME_AFTER_ROLE = compiled(
    rf"\b(?P<my>my|our)\s+{_ROLE_NOUN}\s*(?:,\s*|\(\s*)?(?-i:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)"
    r"(?:\s*\))?",
    re.I,
)
_NAME_BEFORE_ROLE = compiled(
    rf"(?-i:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s*(?:(?:\(|,)\s*(?:my|our)\s+{_ROLE_NOUN}(?:\s*\))?"
    rf"|\(\s*{_ROLE_NOUN}\s*\))",  # "Patrick Nwachukwu (manager) is briefed"
    re.I,
)


def checklist_view(text: str, manager: str = "", contact: str = "") -> str:
    """The sentence as the checklist rules read it: who is meant, not how they are named. "my
    manager Keisha Morgan is fully briefed" and "Owen Gallagher (my mgr) is in the loop" say
    "my manager ..."; the contact's name is "them"."""
    text = plain_contractions(text)
    text = _NAME_AFTER_ROLE.sub(lambda m: f"{m.group('my')} manager", text)
    text = _NAME_BEFORE_ROLE.sub("my manager", text)
    text = re.sub(r"\bmy\s+mgr\b", "my manager", text, flags=re.I)
    for name, role in ((manager, "my manager"), (contact, "them")):
        name = re.sub(r"^(?:dr|mr|mrs|ms|prof)\.?\s+", "", name, flags=re.I)
        for part in dict.fromkeys([name, *name.split()[:1]]):
            if len(part) >= 3:
                text = re.sub(rf"\b{re.escape(part)}\b", role, text, flags=re.I)
    # "gideon adler (my manager) knows": the name and its bracket are one manager
    text = re.sub(
        r"\bmy\s+manager\s*\(\s*(?:my\s+)?(?:manager|mgr|boss)\s*\)", "my manager", text, flags=re.I
    )
    # "my manager is Carlos Mendes, he doesn't know about this yet": the pronoun is the manager
    if re.search(r"\bmy\s+manager\b", text, re.I) and "them" not in text.lower().split():
        text = _MANAGER_PRONOUN.sub(lambda m: f"{m.group(1)}my manager", text)
    return text


_DEMANDED = compiled(
    r"\b(?:if|unless)\s+(?:we|you|i)\s+(?:(?:don't|do\s+not|can't|cannot|won't|didn't)\s+)?"
    r"(?:give|send|provide|get|deliver|offer|commit\s+to|put)\s+(?:her|him|them|us|me)?\s*"
    r"(?P<what>(?:a|an|the|some|their|our|her|his)\s+[^,;.!?]{3,80}?)"
    r"(?=\s*(?:,|;|\bthen\b|\b(?:she|he|they|we)(?:'s|'re|'ll|\s+will|\s+is|\s+are|\s+would)\b))",
    re.I,
)
# What a condition under a threat asks for, said positively: "unless she hears from someone
# senior" as it stands, "if the POC isn't stable by Friday" with its negation taken out.
_IF_UNLESS = compiled(r"\b(?P<op>if|unless)\s+", re.I)
_NEGATED = compiled(
    r"\b(?P<aux>is|are|was|were|can|could|will|would|does|do|did|has|have|had)(?:n['’]t|\s+not)\b"
    r"|\b(?P<can>can['’]t|cannot)\b|\b(?P<wont>won['’]t)\b"
    r"|(?P<short>['’](?:s|re))\s+not\b|\b(?P<no>no)\s+(?=(?P<next>\w))",
    re.I,
)
_MAIN_CLAUSE = compiled(
    r"(?<=\w)\s+(?=(?:she|he|they|we|i)(?:['’](?:s|re|ll|m|d)\b|\s+(?:will|would|is|are|go|goes|"
    r"walk|walks|pull|pulls|cancel|cancels|leave|leaves|switch|switches|move|moves)\b))",
    re.I,
)
WANT_WORDS = (2, 30)


def condition_wanted(sentence: str) -> str | None:
    """What the customer wants, read from the condition of a threat ("she'll pull the contract
    unless she hears from someone senior" -> "That she hears from someone senior"). Only a
    condition that names what is missing counts: "if it breaks again, we're out" asks for no
    one thing, so it gives nothing."""
    from coach.reading.structure import consequence

    opener = _IF_UNLESS.search(sentence)
    if opener is None:
        return None
    after = sentence[opener.end() :]
    then = consequence(sentence, "en") or ""
    at = after.find(then) if then else -1
    cond = after[:at] if at > 0 else after
    # "if it isn't fixed by their board meeting they're out": no comma before what follows
    main = _MAIN_CLAUSE.search(cond)
    cond = (cond[: main.start()] if main else cond).strip().rstrip(" ,;:.!?–—-")
    cond = re.sub(r"\s+then$", "", cond, flags=re.I)
    if opener["op"].lower() == "if":
        m = _NEGATED.search(cond)
        if m is None:
            return None
        if m["aux"]:
            word = "" if m["aux"].lower() == "do" else m["aux"]
        elif m["can"] or m["wont"]:
            word = "can" if m["can"] else "will"
        elif m["short"]:
            word = m["short"]
        else:
            word = "an " if m["next"].lower() in "aeiou" else "a "
        cond = re.sub(r"\s{2,}", " ", f"{cond[: m.start()]}{word}{cond[m.end() :]}").strip()
        cond = cond.replace(" 's", "'s").replace(" 're", "'re")
    if not WANT_WORDS[0] <= len(cond.split()) <= WANT_WORDS[1]:
        return None
    return f"That {cond}"


_MANAGER_PRONOUN = compiled(r"(\bmy\s+manager\b[^.!?]*?(?:,|;|\band|\bbut)\s+)(?:he|she)\b", re.I)


def _checklist_rules(text: str, manager: str = "", contact: str = "") -> dict[str, bool]:
    """The checklist phrase rules (`coach.chat.phrases`): a first opinion the model may not
    contradict. They read the sentence as `checklist_view` puts it."""
    from coach.chat.phrases import (
        ASK_UNKNOWN,
        COMMS_NO,
        COMMS_YES,
        CONTACT_ONLY,
        DONT_SAY,
        MANAGER_NO,
        MANAGER_NOT_FULLY,
        MANAGER_YES,
        ROOT_CAUSE_KNOWN,
        TRIED_DONE,
        TRIED_NONE,
        TRIED_NOT,
        cause_unknown,
    )

    text = checklist_view(text, manager, contact)
    found: dict[str, bool] = {}
    if MANAGER_NO.search(text) or MANAGER_NOT_FULLY.search(text):
        found["manager_briefed"] = False
    elif MANAGER_YES.search(text):
        found["manager_briefed"] = True
    if "manager_briefed" not in found and not DONT_SAY.search(text):
        if COMMS_NO.search(text):
            found["communicated_transparently"] = False
        elif COMMS_YES.search(text) and FIRST_PERSON.search(text):
            found["communicated_transparently"] = True
    if TRIED_NOT.search(text) or TRIED_NONE.search(text):
        found["tried_yourself"] = False
    elif TRIED_DONE.search(text) and not (
        CONTACT_ONLY.search(text) or (_REACHED_OUT.search(text) and not _FIX_WORDS.search(text))
    ):
        found["tried_yourself"] = True
    if cause_unknown(text):
        found["root_cause_understood"] = False
    elif ROOT_CAUSE_KNOWN.search(text):
        found["root_cause_understood"] = True
    if ASK_UNKNOWN.search(text):
        found["clear_ask"] = False
    if _TIME_WRONG.search(text):
        found["right_time"] = False
    elif _TIME_RIGHT.search(text):
        found["right_time"] = True
    return found


_TIME_RIGHT = compiled(
    r"\b(?:now\s+is|now['’]s|it's|it\s+is|this\s+is|feels\s+like)\s+(?:the\s+)?right\s+"
    r"(?:time|moment)\b|"
    r"\b(?:isn't|is\s+not|not)\s+too\s+(?:early|soon)\b|\bright\s+time\s+to\s+escalate\b",
    re.I,
)
_TIME_WRONG = compiled(
    r"(?<!not\s)(?<!isn't\s)\b(?:too\s+early|too\s+soon|premature|too\s+late|waited\s+too\s+long)\b"
    r"(?![^.?!]*\?)",
    re.I,
)


def role_probabilities(texts: list[str]) -> Any:
    """(clauses, roles) probabilities."""
    import numpy as np

    from coach.reading.encoder import get_encoder

    if not texts:
        return np.zeros((0, len(ROLES)), dtype=np.float32)
    vectors = get_encoder().encode(texts)
    features = np.asarray([rep_features(t) for t in texts], dtype=np.float32)
    return model(ROLES_SPEC).probabilities(vectors, features)


def read_roles(texts: list[str]) -> list[tuple[str, float]]:
    """The most likely role of each clause, with its probability."""
    probs = role_probabilities(texts)
    best = probs.argmax(axis=1)
    return [(ROLES[int(i)], float(probs[k, int(i)])) for k, i in enumerate(best)]


_WHO_PREFIX = compiled(
    r"^(?:(?-i:[A-Z])[\w&.'’-]*(?:['’]s)?|of|the|at|&)(?:\s+(?:(?-i:[A-Z])[\w&.'’-]*(?:['’]s)?|of|"
    r"the|at|&)){0,9}\s*(?:\([^)]{0,80}\))?\s*:\s+"
)


# A label the rep typed before a fact ("Problem: ...", "Ask: ...", "What I tried: ...") says which
# field the fact belongs to, as it would to a person reading the message.
_FIELD_LABELS: tuple[tuple[str, str], ...] = (
    ("problem", r"(?:the\s+)?(?:(?:actual|real|main|core|underlying)\s+)?(?:problem|issue|"
     r"situation|what\s+happened)"),
    ("ask", r"(?:my\s+|the\s+)?ask|what\s+i\s+need(?:\s+from\s+(?:leadership|you|[\w]+))?|"
     r"(?:my\s+)?request(?:\s+to\s+leadership)?"),
    ("business_impact", r"(?:business\s+)?impact|stakes?|what's\s+at\s+stake|deal\s+size"),
    ("tried", r"(?:what\s+(?:i|we)(?:'ve|\s+have)?\s+)?tried(?:\s+so\s+far)?|done\s+so\s+far|"
     r"what\s+(?:i|we)(?:'ve|\s+have)\s+done"),
    ("customer_wants", r"(?:they|customer|client)\s+wants?|what\s+they\s+want|their\s+ask"),
    ("next_steps", r"(?:proposed\s+|my\s+|our\s+)?(?:next\s+steps?|plan)|proposal"),
)  # fmt: skip
_FIELD_LABEL = compiled(
    r"^\W*(?:" + "|".join(f"(?P<{role}>{rx})" for role, rx in _FIELD_LABELS) + r")\s*:\s*(?=\S)",
    re.IGNORECASE,
)


# The rep sets aside what they told before as the problem ("the real issue is ...").
_SUPERSEDES = compiled(
    r"^\W*(?:but\s+|so\s+)?(?:the\s+)?(?:actual|real|underlying)\s+(?:problem|issue)\s*(?::|is\b)",
    re.I,
)


def _figure_phrase(text: str) -> str:
    """The short phrase around an amount of money ("~$420k ARR"), cut at brackets and commas."""
    m = MONEY.search(text)
    if not m:
        return ""
    start = max(text.rfind(ch, 0, m.start()) for ch in "(,;:")
    ends = [i for ch in "),;" if (i := text.find(ch, m.end())) >= 0]
    phrase = text[start + 1 : min(ends) if ends else len(text)].strip(" .")
    return phrase if len(phrase.split()) <= 8 else m.group(0).strip()


def labelled_role(text: str) -> str | None:
    """The field a typed label gives the clause ("Ask: Amara approves ..." -> "ask")."""
    m = _FIELD_LABEL.match(text)
    return next((role for role, _ in _FIELD_LABELS if m.group(role)), None) if m else None


def _strip_framing(text: str) -> str:
    text = _FRAMING.sub("", text).strip(" ,;:-").lstrip(".") or text
    text = _WHO_PREFIX.sub("", text) or text  # "Globex's Head of Ops Maria Santos: their ..."
    text = re.sub(r"^(?:because|bc|b/c|since|and|but|so)\s+", "", text, flags=re.I)
    return text[:1].upper() + text[1:]


_ANCHOR = compiled(
    r"\b(?:renew\w*|deadline|due|go-?live|launch|by|before|until|cut-?over|expires?|"
    r"contract\s+ends?|decision|board|audit|cancel\w*|terminat\w*|qbr|signs?|sign-?off|signature|"
    r"ends?|notice|kick-?off|close|closes|closing|starts?|review)\b",
    re.I,
)
_NOW = compiled(r"^(?:today|tonight|this\s+(?:morning|afternoon|evening))$", re.I)
_DAY = compiled(r"\b\d{1,2}(?:st|nd|rd|th)?\b")  # "dec 15", "the 3rd"; not "Q4" or "2026"
ANCHORED = 40  # a date this close to a renewal, a deadline or a go-live is the one that matters


# A date said as one that was missed, or as the span of how often something happened, is when,
# not a deadline.
_MISSED = compiled(
    r"\b(?:missed|slipped|blew|blown|overran|pushed\s+back|postponed)\b[^.;]{0,60}$", re.I
)
_HOW_OFTEN = compiled(
    r"\b(?:once|twice|thrice|(?:\d+|two|three|four|five|several|many|multiple)\s+times|again|"
    r"already|so\s+far)\s*(?:in\s+)?$",
    re.I,
)
# A date that names an incident or a period, not a deadline: "the Feb alarm outage", "their
# invoice for March"; and a change said to be behind us: "since our March 3 infra migration" (a
# "March 3 release" still to come may be the deadline).
_EVENT_AFTER = compiled(
    r"\s+(?:[a-z0-9-]+\s+){0,2}?(?:outages?|incidents?|invoices?|bills?|statements?|downtime|"
    r"crash(?:es)?|breach(?:es)?|bugs?|failures?|problems?|issues?|escalations?|"
    r"price\s+increases?)\b",
    re.I,
)
_CHANGE_AFTER = compiled(
    r"\s+(?:[a-z0-9-]+\s+){0,2}?(?:migrations?|releases?|upgrades?|updates?|rollouts?|"
    r"deploy(?:ment)?s?|cut-?overs?)\b",
    re.I,
)
# "our champion left in March", "they signed on the 3rd": the date of an event told as past is
# when it happened (not "is leaving in March", "will be signed on the 3rd", "moved up to May 21").
_PAST_EVENT = compiled(
    r"(?<!\bis\s)(?<!\bare\s)(?<!\bbe\s)(?<!\bbeen\s)(?<!\bto\s)(?<!\bwill\s)(?<!'ll\s)"
    r"(?<!\bget\s)(?<!\bgets\s)(?<!\bgetting\s)"
    r"\b(?:left|quit|resigned|joined|started|began|went\s+live|launched|signed|renewed|happened|"
    r"dropped|fell|broke|crashed|failed|churned|migrated|upgraded|switched)\s+"
    r"(?:back\s+)?(?:(?:in|on|at)\s+|last\s+)?(?:(?:early|mid|late)[\s-]+)?$",
    re.I,
)
_BY_WHEN = compiled(r"(?:by|before|until|till|til)\s", re.I)  # "signed by Friday" is due then
_SINCE = compiled(r"\b(?:since|after|from)\s+(?:our|the|their|that|this)?\s*$", re.I)
# "down since Monday"; not "Since Friday is our go-live, ..." (since as because, opening the clause).
_STARTED = compiled(r"\w[\s,]+since\s+(?:last\s+)?$", re.I)
_PERIOD_OF = compiled(
    r"\b(?:invoices?|bills?|billing|statements?|charges?|usage|payroll|fees?|report)\s+"
    r"(?:for|of)\s+(?:the\s+)?$",
    re.I,
)
_AWAY = compiled(
    r"\b(?:ooo|out\s+of\s+(?:the\s+)?office|away|on\s+(?:leave|holiday|vacation|pto)|back|off)"
    r"\s+(?:(?:til|till|until|on|from)\s+)?$",
    re.I,
)
# "the date that matters is their April 18 board review"
_MATTERS = compiled(
    r"\b(?:date|deadline)\s+that\s+(?:really\s+)?matters\b|\b(?:real|hard|actual)\s+deadline\b|"
    r"\bkey\s+date\b",
    re.I,
)
# "commits to the new April 18 go-live": a new date replaces the one noted before.
_NEW_DATE = compiled(
    r"\b(?:new|revised|updated|rescheduled|postponed\s+to|moved\s+(?:up\s+|back\s+|forward\s+)?to|"
    r"(?:pushed|pulled|brought)\s+(?:back|out|forward|up|in)\s+to)\s+(?:\w+\s+)?$",
    re.I,
)


def _deadline_found(readings: list[Clause]) -> tuple[int, str] | None:
    """The date that matters, with how far it stands from its anchor: the one nearest a renewal,
    a deadline or a go-live, a day ("dec 15") over a period ("end of Q4") said with it; a date
    said only as when something happened ("told me today") is not a deadline."""
    best: tuple[int, str] | None = None
    dated: list[str] = []
    for clause in readings:
        if clause.role == "question_to_coach":
            continue
        anchors = [m.start() for m in _ANCHOR.finditer(clause.text)]
        for m in DATE.finditer(clause.text):
            if _NOW.match(m.group(0).strip()):
                continue
            before = clause.text[: m.start()]
            if (_MISSED.search(before) or _HOW_OFTEN.search(before)) and not _NEW_DATE.search(
                before
            ):
                continue  # "we missed go-live three times (Jan 10, ...)", "down twice this month"
            if _EVENT_AFTER.match(clause.text, m.end()) or _PERIOD_OF.search(before):
                continue  # "the Feb alarm outage", "the invoice for March": when, not by when
            if _SINCE.search(before) and _CHANGE_AFTER.match(clause.text, m.end()):
                continue  # "since our March 3 infra migration"
            if _STARTED.search(before) or (
                _PAST_EVENT.search(before) and not _BY_WHEN.match(m.group(0))
            ):
                continue  # "down since Monday", "left in March": when, not by when
            if _AWAY.search(before):
                continue  # "she's OOO til monday": when someone is back
            dated.append(_clean_date(m.group(0)))
            outside = [a for a in anchors if not m.start() <= a < m.end()]
            distance = min((abs(m.start() - a) for a in outside), default=1000)
            if re.match(r"(?:by|before|until)\s", m.group(0), re.I):
                distance = 0  # "by Thursday" says its own deadline
            if (
                (clause.role not in FACT_ROLES or clause.role == "tried")
                and distance >= 1000
                and not _NEW_DATE.search(before)  # "no wait, it moved up to May 21"
            ):
                continue  # "I told her on tuesday": when something was done, not by when
            if _DAY.search(m.group(0)) and distance < 1000:
                distance = max(0, distance - 20)
            if _NEW_DATE.search(before) or _MATTERS.search(before[-60:]):
                distance = -1  # the new date, or the one the rep says matters, counts now
            if best is None or distance < best[0]:
                best = (distance, _clean_date(m.group(0)))
    if best is None:
        return None
    # "renewal is in may ... may 28": the day refines the month said nearer the anchor
    month = best[1].split()[-1].lower()
    if not _DAY.search(best[1]):
        for date in dated:
            if _DAY.search(date) and date.lower().startswith(month[:3]):
                return best[0], date
    return best


def _clean_date(text: str) -> str:
    """The date without the word that says by when ("by Friday", "bis Ende Juni")."""
    return re.sub(
        r"^(?:in|by|before|until|from|on|bis|vor|zum|tot|voor|vóór|uiterlijk|entro(?:\s+il)?|"
        r"avant(?:\s+le)?|d['’]ici(?:\s+le)?|jusqu['’](?:à|au)|antes\s+del?|hasta(?:\s+el)?|"
        r"até(?:\s+ao)?(?:\s+dia)?|przed|do)\s+(?:spätestens\s+)?",
        "",
        text.strip(),
        flags=re.I,
    )


def _contact_named(text: str, contact: str) -> str:
    """The text with the contact's first name as a name ("yesterday rhys asked to speak to my
    manager"): reps type names in lower case."""
    first = contact.split()[0] if contact.split() else ""
    if len(first) < 2 or not first[:1].isupper():
        return text
    return re.sub(rf"\b{re.escape(first)}\b", first, text, flags=re.I)


_REP_SAYS_I = compiled(r"^\W*i(?:['’]\w+)?\b", re.I)
_REP_SAYS_WE = compiled(r"^\W*(?:i|we)(?:['’]\w+)?\b", re.I)
_IT = compiled(r"^it(?:['’]s|\s+is|\s+has|\s+keeps|\s+was)\b", re.I)
_THING_NAMED = compiled(
    r"\b(?:about|with|on|regarding|over)\s+(?P<thing>(?:the|their|our)\s+[\w-]+(?:\s+[\w-]+){0,3})"
    r"\s*[,.;]?\s*$",
    re.I,
)


def _it_named(problem: str, clauses: list[Clause]) -> str:
    """A problem told as "it's been failing nightly" right after the clause that names it ("...
    about the MES integration") says what "it" is."""
    if not _IT.match(problem):
        return problem
    at = next((k for k, c in enumerate(clauses) if problem.lower() in c.text.lower()), 0)
    before = _THING_NAMED.search(clauses[at - 1].text) if at > 0 else None
    if before is None:
        return problem
    thing = before["thing"]
    rest = re.sub(r"^it['’]s\s+been\b", "has been", problem, flags=re.I)
    rest = re.sub(r"^it['’]s\b", "is", rest, flags=re.I)
    rest = re.sub(r"^it\s+", "", rest, flags=re.I)
    return f"{thing[:1].upper()}{thing[1:]} {rest}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _join(parts: list[str]) -> str:
    """Clauses of the rep's as one fact, each still a sentence."""
    return " ".join(_sentence(p) for p in parts) if len(parts) > 1 else parts[0]


_THEY_WANT = compiled(
    r"^\W*(?:(?:and|but|so)\s+)?(?:(?:says|said|told\s+(?:me|us))\s+(?:that\s+)?)?"
    # "yesterday ...", "now he's asked ...", "on today's call they asked me ...": when, then who
    r"(?:(?:yesterday|today|tonight|now|then|also|finally|earlier|this\s+(?:morning|afternoon|week)|"
    r"on\s+(?:the|today's|our|a|that)\s+call)\s*,?\s+)?"
    r"(?:(?:they|she|he|(?:the\s+)?customer|(?:the\s+)?client|their\s+(?:[\w&'’-]+\s+){0,3}?[\w&'’-]+|(?!(?:I|We|My|Our|You|Your)\s)"
    r"(?-i:[A-Z])[\w&'’-]*(?:\s+(?:&\s+)?(?-i:[A-Z])[\w&'’-]*){0,3})(?:\s*\([^)]{1,80}\))?"
    r"(?:['’]s|['’]ve|\s+has|\s+have|\s+had)?\s+"
    r"(?:really\s+|now\s+|just\s+|also\s+|even\s+)?(?:wants?|want\s+us|(?:is|are)\s+asking\s+(?:for|us|to|me)|"
    r"asked\s+(?:for|us|to\s+(?:talk|speak|meet|escalate)|(?:me|us)\s+(?:\w+\s+){0,3}?to\s)|"
    r"expects?|demands?|requests?|requested|would\s+like|insists?\s+on|needs?\s+us\s+to|needs?\s+(?:assurance|"
    r"reassurance|a\s+guarantee|confirmation|to\s+(?:know|see|hear|have))"
    # "she needs corrected exports for March": what they need, said as a thing
    r"|needs?\s+(?!to\b|us\b|it\b|this\b|that\b|more\s+time\b)(?:(?:a|an|the|their|some|new|corrected|"
    r"fixed|working|written|firm|clear)\s+)?[\w-]+(?:\s+[\w-]+)?\s+(?:for|by|before|on|so|in|within)\b)"
    # said without its subject after a clause about them ("..., asked for 25% off at renewal")
    r"|(?:wants|asked\s+for|(?:is\s+)?asking\s+for|demands|demanded|expects))\b",
    re.I,
)
# "On the call Rachel promised Lena a corrected invoice by Friday": a commitment our side made,
# which the follow-through plan must execute (the rep's own unapproved promise is not one).
_MADE_COMMITMENT = compiled(
    r"(?:^|:\s*|,\s*|\bcall\s+|\bthen\s+)(?P<who>(?-i:[A-Z])[\w'’-]+(?:\s+(?-i:[A-Z])[\w'’-]+)?|we|leadership|our\s+"
    r"[\w ]{2,30}?)\s+(?:(?:has|have)\s+)?(?:committed\s+to|promised|agreed\s+(?:to|on)|offered|"
    r"signed\s+off\s+on|approved)\s+(?P<what>[^.;!?]+)",
    re.I,
)
_ON_CALL = compiled(r"\b(?:on|after|during|in)\s+the\s+call\b|\bthe\s+call\s+went\b|"
                      r"\bagreed\s+on\s+the\s+call\b", re.I)  # fmt: skip


_PROMISE_VERB = compiled(
    r"\b(?:committed\s+to|commited\s+to|promised|agreed\s+(?:to|on)|offered|signed\s+off\s+on|"
    r"approved|pledged|guaranteed)\b\s*:?\s*(?:(?:us|them|her|him)\s+)?",
    re.I,
)
_NOT_OURS = compiled(r"\b(?:i|they|he|she|customer|client)\s*$", re.I)


def _owner_before(before: str, ours: list[str]) -> str:
    """Who on our side made the commitment: the last of our people named before the verb in the
    same sentence ("my VP Rahul Khanna called her monday, acknowledged it, promised ...")."""
    low = before.lower()
    found = ""
    at = -1
    for name in ours:
        for key in {name.lower(), name.split()[0].lower()}:
            k = low.rfind(key)
            if k > at and re.match(rf"{re.escape(key)}\b", low[k:]):
                found, at = name, k
    return found


def commitments_made(text: str, ours: list[str], contact_first: str = "") -> list[str]:
    """Commitments our people made, each with its owner: the sentence names one of `ours`
    (our leaders, the manager) before the promise; what follows the verb, cut at its commas,
    "+" and "and", are the items. A note "between us" is no commitment to the customer."""
    from coach.chat.requests import split_sentences

    out: list[str] = []
    for sentence in split_sentences(text):
        if _INTERNAL_NOTE.search(sentence) or re.search(r"\bbetween\s+us\b", sentence, re.I):
            continue
        for m in _PROMISE_VERB.finditer(sentence):
            before = sentence[: m.start()]
            who = _owner_before(before, ours)
            if not who or _NOT_OURS.search(before.strip(" ,")):
                continue
            what = re.split(r"[.;!?]", sentence[m.end() :])[0]
            if contact_first:
                what = re.sub(rf"^(?:{re.escape(contact_first)})\s+", "", what, flags=re.I)
            what = re.sub(r"^(?:to\s+)", "", what.strip())
            for part in re.split(
                r",\s*(?:and\s+)?|\s+\+\s+|\s+and\s+(?=a|an|the|weekly|daily|\w+ly\b)", what
            ):
                part = part.strip(" ,")
                if len(part.split()) >= 2:
                    out.append(f"{part} (owner: {who})")
            break
    return out


def _commitments(text: str, contact_first: str) -> list[str]:
    """Commitments our side made (on the call, or by a named leader), each with its owner."""
    out: list[str] = []
    for m in _MADE_COMMITMENT.finditer(text):
        who = m.group("who").strip()
        named = who[:1].isupper() and who.lower() not in ("we", "i", "they", "the customer")
        if who.lower() in ("i", "they", "he", "she") or not (named or _ON_CALL.search(text)):
            continue
        what = m.group("what").strip()
        if contact_first:
            what = re.sub(rf"^(?:{re.escape(contact_first)}|them|him|her)\s+(?=a|an|the)", "", what)
        what = re.sub(r"^(?:to\s+)?", "", what)
        for part in re.split(r",\s*|\s+and\s+(?=a|an|the|weekly|daily|\w+ly\b)", what):
            part = part.strip(" ,")
            if len(part.split()) >= 2:
                out.append(f"{part} (owner: {who})" if named else part)
    return out


_INTERNAL_NOTE = compiled(
    r"^\W*(?:between\s+us|off\s+the\s+record|internally|fyi\s+internal|note\s+to\s+self|"
    r"confidentially|just\s+so\s+you\s+know|internal(?:\s+(?:note|only|context))?\s*[:,-])|"
    r"\b(?:don'?t|do\s+not|never|pls\s+don'?t|please\s+don'?t)\s+(?:put|share|mention|include|"
    r"say|tell|bring\s+up|raise|show)\b[^.!?]{0,60}\b(?:external|customer|client|them|him|her|"
    r"anything\s+that\s+goes)|\bkeep\s+(?:this|that|it)\s+(?:internal|between\s+us|quiet)\b|"
    r"\b(?:not|never)\s+for\s+(?:the\s+)?(?:customer|client|them)\b|"
    # a concession nobody has approved: "the 10% cap is NOT approved", "dont mention the discount"
    r"\b(?:not|isn'?t|aren'?t|wasn'?t)\s+(?:yet\s+)?approved\b|\bunapproved\b|"
    r"\b(?:don'?t|do\s+not|never)\s+(?:mention|bring\s+up|share|tell|say)\b[^.!?]{0,40}\b(?:discount|"
    r"pric\w+|cap|credit|arr|deal\s+value|budget|margin)",
    re.I,
)
# A quote opens and closes at a word's edge; an apostrophe inside a word ("he'll") is no quote.
_QUOTE = compiled(
    r"(?<!\w)[\"“«]([^\"”»]{40,})[\"”»]|(?<!\w)['‘]((?:[^'’]|(?<=\w)['’](?=\w)){40,}?)['’](?!\w)"
)


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Where the message quotes someone at length ("Just got this from their COO: '...'")."""
    return [m.span() for m in _QUOTE.finditer(text)]


def _inside(text: str, piece: str, spans: list[tuple[int, int]]) -> bool:
    at = text.find(piece.strip(" .'\""))
    return at >= 0 and any(a <= at < b for a, b in spans)


_NAMES_A_FIELD = compiled(
    r"\b(?:contact|customer|client|account|manager|boss|vp|name)\s+(?:is|was|=|:)", re.I
)
_ONLY_NAMING = compiled(
    r"^\W*(?:need\s+(?:help|advice)|help|quick\s+one|question|advice|update|hi|hey|ok|so)\b"
    r"[\w\s,]*?(?:with|on|about|re|for|:)\s+",
    re.I,
)
_PROPOSED_ASK = compiled(
    r"^\W*(?:should|can|could|shall|may)\s+(?:i|we)\s+(?P<ask>(?:get|have|ask|loop\s+in|bring\s+in|"
    r"pull\s+in|involve|escalate\s+to)\b.*?\b(?:my|our)\s+(?:manager|boss|director|vp|svp|evp|cto|"
    r"ceo|cro|coo|cfo|head|exec\w*|leadership|legal|founder)\b.*?)\s*\?\s*$",
    re.I,
)
# The rep's own ask, said as such: "what I need: ...", "ask: ...", "my ask is ...".
_REP_ASKS = compiled(
    r"^\W*(?:(?:and|so|but)\s+)?(?:what\s+i(?:'d)?\s+(?:need|want|would\s+like)|(?:my|the|our)\s+ask"
    r"\b|ask\s*(?:is|would\s+be|:)|(?:i\s+)?(?:need|want|would\s+(?:probably\s+|ideally\s+)?"
    r"(?:like|want)|'d\s+(?:probably\s+|ideally\s+)?(?:like|want))\s+(?:our|my)\s"
    # "want to get my VP to email their CEO": the rep's plan for someone of ours
    r"|(?:i\s+)?(?:need|want|wanna|'d\s+like)\s+to\s+(?:get|have|bring|loop|pull)\s+(?:in\s+)?"
    r"(?:our|my)\s)",
    re.I,
)
# A clause with no subject of its own, carrying on the one before ("..., on a call with marcus").
_CONTINUES = compiled(r"^\W*(?:on|to|for|with|at|by|into|plus)\s", re.I)
PROBLEM_FALLBACK = 0.1
WEAK_FACT = 0.15
STRONG_ASK = 0.8  # a clear ask said later adds to the one noted before
CHECKLIST_MIN = 0.7  # a checklist answer read by the model alone needs to be clear


_STAKE = compiled(
    r"\b(?:renew\w*|cancel\w*|churn\w*|terminat\w*|walk\s+away|leave|leaving|switch\w*|"
    r"competitor|revenue|ARR|ACV|MRR|pipeline|expansion|upsell|contract|penalt\w*|fines?|"
    r"board|lawyers?|legal|lawsuit|sue|reference|exec\w*\s+sponsor)\b",
    re.I,
)


def _names_trouble(text: str) -> bool:
    """The clause names something wrong ("failing", "outages", "bug"), as the cues know them."""
    from coach.reading.context import cues

    return cues("en").has("problem_words", text.lower())


def _vague_problem(problem: str) -> bool:
    """A problem that names no trouble: a mood, a headline or who wrote ("Got a spicy one",
    "their CTO yelled at me for 10 min today")."""
    return MIN_HEADLINE <= len(problem.split()) <= VAGUE_WORDS and not _names_trouble(problem)


VAGUE_WORDS = 12
MIN_HEADLINE = 3  # words: "Got a spicy one"


def _problem_or_stake(
    readings: list[Clause],
    probs: Any,
    problem_known: bool,
    naming: Any = None,
    headline: bool = False,
) -> None:
    """Problem and business impact are told in the same breath and read alike: what is at stake
    (money, the renewal, leaving) is the impact; the trouble itself is the problem. Every case has
    a problem, so when no clause reads as one the likeliest clause about the trouble is it."""
    situation = ("problem", "business_impact")
    told = [k for k, c in enumerate(readings) if c.role in situation]
    if len(told) >= 2 and len({readings[k].role for k in told}) == 1:
        for k in told:
            c = readings[k]
            stake = bool(MONEY.search(c.text) or _STAKE.search(c.text))
            role = "business_impact" if stake else "problem"
            if role != c.role:
                readings[k] = Clause(c.text, role, c.score)
    if problem_known or any(c.role == "problem" for c in readings):
        return
    for k, c in enumerate(readings):
        # Trouble read as its toll though it names no stake ("Initech had three SSO outages this
        # month"): with no problem told, it is the problem.
        if c.role == "business_impact" and not (
            MONEY.search(c.text)
            or _STAKE.search(c.text)
            or _IMPACT.search(c.text)
            or (naming is not None and _who_not_what(c.text, naming))
        ):
            readings[k] = Clause(c.text, "problem", c.score)
            return
    problem = ROLES.index("problem")
    candidates = [
        (float(probs[k, problem]), k)
        for k, c in enumerate(readings)
        if c.role != "question_to_coach"
        and labelled_role(c.text) in (None, "problem")  # "Ask: ..." says its own field
        and not (
            naming is not None and (_names_only(c.text, naming) or _who_not_what(c.text, naming))
        )
        and not _INTERNAL_NOTE.search(c.text)  # "between us, billing messed up": the rep's
        and (c.role not in CHECKLIST_ROLES or c.score < CHECKLIST_MIN)
        and not (
            c.role in ("business_impact", "customer_wants")
            and sum(r.role == c.role for r in readings) == 1
        )
    ]
    # A clause that names the trouble ("it's been failing nightly since the upgrade") qualifies
    # however weakly the model reads it.
    from coach.reading.context import cues

    trouble = cues("en")
    candidates = [
        (
            max(p, PROBLEM_FALLBACK)
            if not headline
            and not _REP_SAYS_I.match(readings[k].text)  # "I can't authorise credits": the rep's
            and trouble.has("problem_words", readings[k].text.lower())
            else p,
            k,
        )
        for p, k in candidates
    ]
    if candidates and max(candidates)[0] >= PROBLEM_FALLBACK:
        score, k = max(candidates)
        readings[k] = Clause(readings[k].text, "problem", score)


# "Tane spent twenty minutes ranting about the new dashboard layout": the rep tells the trouble
# as what the customer complained about. Its object is the problem, rather than a line that sets
# the scene ("Had our QBR with Moana Logistics in Auckland today") and names no trouble.
_COMPLAINED_ABOUT = compiled(
    rf"\b{COMPLAINT_VERB}\s+(?:(?:to|at)\s+(?:me|us)\s+)?(?:about|over)\s+\w+(?:\W+\w+)+", re.I
)


def _complaint_is_the_problem(readings: list[Clause], known_problem: str) -> None:
    """A clause telling what the customer complained about becomes the problem when no clause of
    the message, and no problem told before, names a trouble."""
    from coach.reading.context import cues

    trouble = cues("en")
    told = [k for k, c in enumerate(readings) if c.role == "problem"]
    if any(trouble.has("problem_words", readings[k].text.lower()) for k in told):
        return
    if known_problem and not _vague_problem(known_problem):
        return
    for k, c in enumerate(readings):
        if (
            c.role == "context"
            and labelled_role(c.text) is None
            and _COMPLAINED_ABOUT.search(c.text)
        ):
            for j in told:
                readings[j] = Clause(readings[j].text, "context", readings[j].score)
            readings[k] = Clause(c.text, "problem", max(c.score, PROBLEM_FALLBACK))
            return


_REACHED_OUT = compiled(
    r"\b(?:emailed|e-mailed|called|phoned|rang|pinged|messaged|texted|slacked|told|briefed|"
    r"updated|wrote\s+to|spoke\s+(?:to|with)|talked\s+(?:to|with)|apologi[sz]ed|met\s+with|"
    r"reached\s+out\s+to|looped\s+in|cc'?d)\b",
    re.I,
)
_FIX_WORDS = compiled(
    r"\b(?:fix\w*|patch\w*|restart\w*|reboot\w*|rolled?\s+back|revert\w*|workaround|"
    r"reproduc\w*|debug\w*|logs?|ticket|config\w*|re-?ran|rerun|reset|migrat\w*|deploy\w*|"
    r"escalated\s+to\s+(?:support|engineering|tier)|opened|filed|raised|tested|swapped|moved)\b",
    re.I,
)
_OUR_SENIOR = compiled(
    r"\b(?:my|our)\s+(?:manager|boss|director|vp|svp|evp|head\s+of|cro|ceo|cto|coo|lead|"
    r"team\s+lead|leadership|exec\w*)\b",
    re.I,
)
_IMPACT = compiled(
    r"\b(?:idle|blocked|can't\s+(?:work|ship|sell|bill|book|trade|operate)|lost|losing|loses|"
    r"cost(?:s|ed|ing|ly)?|revenue|overtime|penalt\w*|fines?|missed|miss(?:ing)?\s+(?:deadlines?|orders|"
    r"sales)|staff|patients|customers\s+(?:can't|are)|hours\s+(?:of|a|per|each|every))\b",
    re.I,
)
ANSWER_KEEPS = 0.9  # a fact read this clearly keeps its field whatever was just asked
_ASKED_FACT = {"clear_ask": "ask", "tried_yourself": "tried", "proposed_next_steps": "next_steps"}


_SUBJECT = compiled(
    r"^\W*(?:i|i'm|i've|we|we're|they|they're|he|she|it|it's|its|their|our|my|his|her|the\s+\w+\s+"
    r"(?:is|are|was|were|has|have|keeps?))\b",
    re.I,
)


def _answer_the_question(
    readings: list[Clause], asked: list[str], naming: Any = None, problem_open: bool = False
) -> None:
    """A bare phrase in reply to "what do they want?" ("A working export by Friday.") answers
    it: a person reads a fragment in the light of the question just put. While the case has no
    problem, or only a headline, a fragment that tells a trouble ("claims import jobs failing
    since the 3.2 upgrade") is the problem, whatever was asked."""
    wanted = [_ASKED_FACT.get(a, a) for a in asked]
    wanted = [w for w in wanted if w in FACT_ROLES]
    if not wanted or len(readings) != 1:
        return
    c = readings[0]
    if c.role == wanted[0] or c.text.endswith("?") or c.role not in (*FACT_ROLES, "context"):
        return
    if c.role != "context" and (c.score >= ANSWER_KEEPS or MONEY.search(c.text)):
        return  # "contract is $1.1M over 3 yrs" after "what have you tried?" is the stake
    if _INTERNAL_NOTE.search(c.text) or (naming is not None and _names_only(c.text, naming)):
        return  # "Brightwater Dental, I'm their CSM" says who is who, whatever was asked
    if (
        problem_open
        and c.role == "problem"
        and _names_trouble(c.text)
        # what the rep did about it answers "what have you tried?" ("reran the failed import
        # jobs", "rolled back to 3.1 but the import still fails", "the exports fixed by Friday")
        and not _FIX_WORDS.search(c.text)
        and not _REP_SAYS_WE.match(c.text)
    ):
        return
    if len(c.text.split()) <= 12 and not _SUBJECT.search(c.text):
        readings[0] = Clause(c.text, wanted[0], c.score)


_NOT_BUT = compiled(
    r"(?P<new>[\w$€£%.'’-]+(?:\s+[\w$€£%.'’-]+)?)\s*,?\s+not\s+(?:in\s+|on\s+|the\s+)?"
    r"(?P<old>[\w$€£%.'’-]+(?:\s+[\w$€£%.'’-]+)?)\s*[.!]?\s*$",
    re.I,
)
_TEXT_FIELDS = ("problem", "customer_wants", "business_impact", "ask", "deadline", "notes")
_PERSON_FIELDS = ("contact_name", "manager_name", "leader_name")


_TITLE_FIELD = {"contact_name": "contact_title", "leader_name": "leader_title"}
_NOT_PERSON = compiled(rf"\b(?i:not)\s+(?P<old>{NAME})")


def _swap_person(text: str, named: Named, known: dict[str, Any], out: CaseReading) -> None:
    """ "wait, not Kenji - Kenji left. it's Zeynep Yilmaz, VP Customer Success now": the one
    person a correction names takes the place, and the side, of the person it says "not" to."""
    for m in _NOT_PERSON.finditer(text):
        old = m.group("old").split()[0].lower()
        field = next(
            (f for f in _PERSON_FIELDS if (known.get(f) or "").lower().split()[:1] == [old]), None
        )
        new = [p for p in named.people if p.name.split()[0].lower() != old]
        if field is None or len(new) != 1:
            continue
        person = new[0]
        for name, title in (("contact_name", "contact_title"), ("manager_name", ""),
                            ("leader_name", "leader_title")):  # fmt: skip
            if name != field and out.update.get(name) == person.name:
                out.update.pop(name)
                out.replace.discard(name)
                if title and out.update.get(title) == person.title:
                    out.update.pop(title)
                    out.replace.discard(title)
        out.update[field] = person.name
        out.replace.add(field)
        title_field = _TITLE_FIELD.get(field)
        if title_field and person.title:
            out.update[title_field] = person.title
            out.replace.add(title_field)
        return


# "Pieter is actually their CFO", "Actually, Pieter is the CFO", "she's their CFO now", "his
# title is CFO": a title said for a person the case holds, by name or as "he"/"she".
_TITLE_SAID = compiled(
    r"(?:^|(?<=[,.;:!?(-])|\b(?i:actually|correction|sorry|wait|no|and|also|oh|btw|fyi|ps)\b)\s*"
    r"(?P<who>[\w'’-]+(?:\s+(?-i:[A-Z])[\w'’-]+)?|(?i:he|she|his|her))"
    r"(?i:['’]s\s+title\s+is|\s+title\s+is|['’]s|\s+is)\s+(?i:(?:actually|really|now)\s+)?"
    r"(?P<tail>[^.;!?]+)"
)
_TITLE_NOISE = compiled(r"\s+(?:now|actually|really|too|as\s+well)\b", re.I)


def title_said(text: str, known: dict[str, Any]) -> tuple[str, str, str] | None:
    """The title field a message sets, the title, and the clause that says it: "Pieter is
    actually their CFO" with Pieter Jansen the contact gives ("contact_title", "CFO", ...). A
    name the case does not hold, or words that are no title ("Pieter is the one who signs"),
    give None."""
    for m in _TITLE_SAID.finditer(text):
        who = re.sub(r"['’]s$", "", m.group("who").lower())  # "Katrin's title is CFO"
        typed_low = m.group("who")[:1].islower() and who not in ("he", "she", "his", "her")
        if typed_low and not re.search(r"title\s+is\s", m.group(0), re.I):
            continue  # "rosa is the CFO. my contact is Nadia": only "karim's title is ..." in lower case
        field = ""
        if who in ("he", "she", "his", "her"):
            field = "contact_title" if known.get("contact_name") else ""
        else:
            for name, title_field in _TITLE_FIELD.items():
                held = re.sub(r"^(?:dr|mr|mrs|ms|prof)\.?\s+", "", (known.get(name) or "").lower())
                if held and (held == who or held.split()[0] == who):  # "Dr. Katrin Vogel"
                    field = title_field
                    break
        if not field:
            continue
        title = pronoun_title(f"she is {_TITLE_NOISE.sub('', m.group('tail'))}")
        if title and title.lower() != (known.get(field) or "").lower():
            return field, title, m.group(0).strip()
    return None


def _correct_title(said: tuple[str, str, str], known: dict[str, Any], out: CaseReading) -> None:
    """The title said takes the place of the one the case holds; the person stays ("Actually,
    Pieter is the CFO" keeps Pieter Jansen, not a new contact called Pieter; "Katrin's title
    is CFO" names no customer called Katrin)."""
    field, title, clause = said
    name_field = next(n for n, t in _TITLE_FIELD.items() if t == field)
    held = known.get(name_field) or ""
    by_name = not re.match(r"(?i)(?:he|she|his|her)\b", clause)
    for name in (name_field, "customer"):
        value = out.update.get(name) or ""
        misread = by_name or held.lower().startswith(value.lower())
        if value and value != held and misread and (name == name_field or value in clause):
            out.update.pop(name)
            out.replace.discard(name)
    out.update[field] = title
    if known.get(field):
        out.replace.add(field)


def _correct_figure(text: str, known: dict[str, Any], out: CaseReading) -> None:
    """ "actually its 180k ARR, i was looking at last years number": one figure in a correction
    replaces the one the case holds for what is at stake."""
    said = [m.group(0).strip() for m in MONEY.finditer(text)]
    value = str(out.update.get("business_impact", known.get("business_impact")) or "")
    held = [m.group(0).strip() for m in MONEY.finditer(value)]
    if len(said) != 1 or len(held) != 1 or said[0] == held[0] or "business_impact" in out.replace:
        return
    out.update["business_impact"] = value.replace(held[0], said[0])
    out.replace.add("business_impact")


def _says_instead(text: str) -> bool:
    """ "POC ends may 9 not may 19", "its $180k not $120k": a date or a figure said in place of
    another is a correction, however the sentence opens."""
    for sentence in rep_sentences(text):
        m = _NOT_BUT.search(sentence.strip())
        if not m:
            continue
        new, old = m.group("new").strip(" ."), m.group("old").strip(" .")
        for rx in (DATE, MONEY):
            if rx.search(old) and rx.search(new):
                return True
    return False


def _correction_pieces(text: str) -> list[str]:
    """The parts of a correction, each of which may say one value in place of another."""
    return [
        p
        for sentence in rep_sentences(text)
        for p in re.split(
            # "sorry, the 28th not the 30th, their quarter close moved": the reason after it
            r"\s[-–—]\s|;\s*|,\s+(?=(?:just|i\s|i'|since|because|sorry|my\s+bad|their\s|they\s|"
            r"they're\s|they've\s))",
            sentence,
        )
    ]


def _swaps_a_value(text: str) -> bool:
    """Some part of the message says one value in place of another ("the 28th not the 30th")."""
    return any(_NOT_BUT.search(p.strip()) for p in _correction_pieces(text))


def _correct_text(text: str, known: dict[str, Any], out: CaseReading) -> None:
    """ "The renewal is in April, not June": the old value is replaced wherever the case holds
    it; "the contact is Lena, not Lars" replaces a person named Lars."""
    for sentence in _correction_pieces(text):
        m = _NOT_BUT.search(sentence.strip())
        if not m:
            continue
        old = m.group("old").strip(" .")
        words = m.group("new").split()
        held = " ".join(v for v in (*out.update.values(), *known.values()) if isinstance(v, str))
        while len(words) > max(1, len(old.split())) and re.search(
            rf"\b{re.escape(old)}\s+{re.escape(words[-1])}\b", held, re.I
        ):
            words = words[:-1]  # "the Denver site not Boulder" where the case says "Boulder site"
        new = " ".join(words[-max(1, len(old.split())) :])
        figures = re.findall(r"[$€£]?\d[\d.,]*\s?[kmKM%]?\b", m.group("new"))
        if re.search(r"\d", old) and figures and not re.search(r"\d", new):
            new = figures[-1].strip()  # "down 6 hours not 16": the figure said for the figure
        said_date = DATE.fullmatch(m.group("new").strip())
        if said_date and DATE.fullmatch(old):
            # "renewal is may 14 not june": the new date whole, in place of the old one
            new = _clean_date(said_date.group(0))
            value = str(out.update.get("deadline", known.get("deadline")) or "")
            if value and re.search(rf"\b{re.escape(old)}\b", value, re.I):
                out.update["deadline"] = new
                out.replace.add("deadline")
            old_value = re.compile(rf"\b{re.escape(old)}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?\b", re.I)
            for name in _TEXT_FIELDS:
                fresh = name in out.update and name not in out.replace
                text_value = out.update.get(name, known.get(name)) or ""
                if name == "deadline" or not isinstance(text_value, str):
                    continue
                if fresh and m.group(0).strip(" .") in text_value:
                    # "The real deadline is 20 April, not 4 March." read as what is at stake:
                    # the correction itself, no fact to file (nor to turn into "..., not 20 April")
                    out.update.pop(name)
                elif not fresh and old_value.search(text_value):
                    out.update[name] = old_value.sub(new, text_value)
                    out.replace.add(name)
            continue
        before = sentence.strip()[: m.start("old")]
        person = re.search(r"((?-i:[A-Z])[\w'’-]+(?:\s+(?-i:[A-Z])[\w'’-]+){0,2})\s*,?\s+not\s+\S*$",
                           before)  # fmt: skip
        if not old or not new or old.lower() == new.lower():
            continue
        word = re.compile(rf"\b{re.escape(old)}\b", re.I)
        renamed = False
        for name in _PERSON_FIELDS:
            value = out.update.get(name) or known.get(name) or ""
            if person and value and word.search(value.split()[0]) and name not in out.update:
                out.update[name] = person.group(1)
                out.replace.add(name)
                # "Dwayne Harris, not Dwight": the whole old name goes, wherever it was written
                whole = re.compile(rf"\b{re.escape(value)}\b", re.I)
                for field_name in _TEXT_FIELDS:
                    text_value = out.update.get(field_name, known.get(field_name)) or ""
                    if isinstance(text_value, str) and whole.search(text_value):
                        out.update[field_name] = whole.sub(person.group(1), text_value)
                        out.replace.add(field_name)
                renamed = True
        if renamed:
            continue
        said = m.group(0).strip(" .")
        for name in _TEXT_FIELDS:
            value = out.update.get(name, known.get(name)) or ""
            if not isinstance(value, str):
                continue
            if name in out.update and said in value:
                # the correction itself, read as the field's new value ("they want a credit not
                # a refund, their CFO said"): the value noted before, corrected; no fact to file
                # when that value did not hold the old word
                noted = known.get(name)
                if isinstance(noted, str) and word.search(noted):
                    out.update[name] = word.sub(new, noted)
                    out.replace.add(name)
                else:
                    out.update.pop(name)
                continue
            if word.search(value):
                out.update[name] = word.sub(new, value)
                out.replace.add(name)


_NAMING_WORDS = {
    "contact", "contacts", "main", "primary", "key", "is", "are", "was", "my", "our", "their",
    "the", "a", "an", "customer", "client", "account", "champion", "sponsor", "poc", "manager",
    "mgr", "boss", "director", "head", "of", "vp", "svp", "evp", "rvp", "cro", "ceo", "cto",
    "coo", "cfo", "cio", "gm", "and", "plus", "also", "ok", "okay", "so", "his", "her", "she",
    "he", "engineer", "lead", "team", "colleague", "deputy", "assistant", "owner", "partner",
    "new", "now", "actually", "hey", "quick", "bkgd", "background", "context", "there", "with",
    "at", "from", "who", "s", "they're", "theyre", "based", "in", "ops", "it", "person", "guy",
    "call", "email", "name", "named", "called", "exec", "executive", "officer", "chief",
    "company", "prospect", "org", "organisation", "organization", "i", "i'm", "im",
}  # fmt: skip


_CORRECTING = compiled(
    r"\b(?:not|rather\s+than)\s+[\w$€£%.'’-]+(?:\s+\d{1,2}(?:st|nd|rd|th)?)?\s*[.!]?\s*$|\binstead\b|\b(?:is|it's|it\s+is)\s+"
    r"(?:actually|now|really)\b|\bthis\s+one\s+is\b|\b(?:my|our)\s+(?:other|different)\s+"
    r"(?:account|customer|client)\b|^\W*(?:(?:ugh|oh|oops|hmm|wait|no)\b[\s,.!]*)*(?:sorry|"
    r"actually|correction|wait|my\s+bad|scratch\s+that)\b",
    re.I,
)


# "Sipho (Office Manager, Khumalo) called, a bit irritated": who got in touch and how they
# sounded, with what it is about still to come.
_GOT_IN_TOUCH = compiled(
    r"\b(?:called|phoned|rang|emailed|e-mailed|pinged|messaged|texted|wrote|yelled|shouted|"
    r"vented|reached\s+out|got\s+in\s+touch|"
    # "Got a nasty email an hour ago from Brenda Walsh, Director of Operations at Oakridge"
    r"got\s+(?:an?\s+)?(?:[\w-]+\s+){0,2}?(?:email|e-mail|call|message|note|voicemail|msg|letter))\b"
    r"(?:\s+(?:me|us|in|back|at\s+me))?(?P<rest>.*)$",
    re.I,
)
_ABOUT = compiled(r"\b(?:say\w*|said|that|about|re|regarding|asking|because|over|to)\b|:", re.I)
# "St Brennan Health, the hospital group in Cork": the account and what it is, no verb.
_APPOSITION = compiled(r"^\W*(?:an?|the)\s+[^.!?;]{0,50}$", re.I)
_VERB_LIKE = compiled(r"\b(?:is|are|was|were|has|have|had|can't|cannot|won't|\w+ed|\w+ing)\b", re.I)


def _who_not_what(piece: str, named: Named) -> bool:
    """The clause says who got in touch and in what mood, or which account it is ("Riverbend
    Food Bank emailed kinda heated", "St Brennan Health, the hospital group in Cork"): it tells
    no trouble, so it is no problem."""
    from coach.reading.structure import troubled

    if troubled(piece, "en") or MONEY.search(piece):
        return False
    touch = _GOT_IN_TOUCH.search(piece)
    # who wrote is told by name, title and company: those words tell no trouble
    rest = re.sub(r"\b(?-i:[A-Z])[\w'’&.-]*", " ", touch.group("rest")) if touch else ""
    if touch and len(rest.split()) <= 8 and not _ABOUT.search(touch.group("rest")):
        return True
    for company in named.companies:
        if company and piece.strip().lower().startswith(company.lower()):
            rest = piece.strip()[len(company) :].lstrip(" ,-–(")
            rest = re.sub(r"\([^()]{0,80}\)", " ", rest)
            return bool(_APPOSITION.match(rest)) and not _VERB_LIKE.search(rest)
    return False


def names_only(piece: str, named: Named) -> bool:
    """Public: the clause only says who is who."""
    return _names_only(piece, named)


# The rep saying who they are on the account: "I'm their CSM", "im the AE on X", "SE on the POC".
_REP_ROLE = compiled(
    r"(?:\bi(?:['’]?m|\s+am)\s+(?:the|their|your|an?)\s+|^\W*)(?:csm|ae|se|am|tam|sdr|bdr|rep|"
    r"account\s+(?:manager|exec\w*|lead|owner)|sales\s+(?:engineer|rep)|solutions?\s+engineer|"
    r"customer\s+success\s+manager)\b(?:\s+(?:on|for|at)\b(?:\s+(?:the|this))?)?",
    re.I,
)


def _names_only(piece: str, named: Named) -> bool:
    """The clause only says who is who ("Ostara Biotech, contact Linnea Berg, Director of Lab
    Ops", "my VP is Arjun Mehta", "Brightwater Dental, I'm their CSM"): it names people, the
    account and the rep's own part, and tells nothing else."""
    if MONEY.search(piece):
        return False  # "im the SE on X (~$150k/yr)" tells what is at stake
    rest = re.sub(r"\([^()]{0,80}\)", " ", EMAIL.sub(" ", piece))
    self_named = _REP_ROLE.search(rest)
    rest = _REP_ROLE.sub(" ", rest)
    rest = re.sub(r"\b(?:she|he)(?:['’]?s|\s+is)\b", " ", rest, flags=re.I)
    found = bool(EMAIL.search(piece))  # "email is keiko.tanaka@..." says who, too
    if named.their_title and re.search(re.escape(named.their_title), rest, re.I):
        rest = re.sub(re.escape(named.their_title), " ", rest, flags=re.I)
        found = True  # "she's the plant systems lead"
    for value in [p.name for p in named.people] + [p.title for p in named.people] + named.companies:
        if value and re.search(re.escape(value), rest, re.I):
            rest = re.sub(re.escape(value), " ", rest, flags=re.I)
            found = True
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", rest) if w.lower() not in _NAMING_WORDS]
    return (found or bool(self_named)) and len(words) <= 1


# What the rep did (told the customer, briefed the manager, tried nothing): a clause whose subject
# is the customer's side and that has no word of the rep's ("Their PMO is on board but Fitch won't
# engage") tells what they do, not a checklist answer.
_REP_DOING = {"communicated_yes", "communicated_no", "manager_briefed_yes", "manager_briefed_no",
              "tried_no"}  # fmt: skip
_THIRD_PARTY = compiled(
    r"^\W*(?:(?i:their|they|they're|he|she|he's|she's|the\s+(?:customer|client|account))\b|"
    r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?\s+(?:is|was|has|had|won't|wont|will|doesn't|didn't|"
    r"hasn't|isn't|says|said|wants|keeps|refuses|stopped)\b)"
)
_ESCALATE_INTENT = compiled(
    r"^\W*(?:(?:hi|hey|so|ok|okay|i\s+think)\W+)*(?:i\s+)?(?:think\s+i\s+)?(?:need|want|have|"
    r"'?m\s+going|am\s+going|should|might\s+need)\s+to\s+escalate\b(?![^.]*\bto\s+(?:my|our)\b)",
    re.I,
)
_REP_WORD = compiled(r"\b(?:i|i'm|i've|i'd|i'll|me|my|we|we've|we're|us|our)\b", re.I)


_MANAGER_WORD = compiled(
    r"\b(?:manager|mgr|boss|supervisor|lead|vp|director|head|him|her|leadership|management|"
    r"skip[-\s]level|internally|anyone|anybody|nobody|no\s+one)\b",
    re.I,
)


def _names_manager(piece: str, manager: str) -> bool:
    """The clause is about the rep's manager: it names them, by role or by name."""
    first = manager.split()[0] if manager else ""
    return bool(
        _MANAGER_WORD.search(piece)
        or (first and re.search(rf"\b{re.escape(first)}\b", piece, re.I))
    )


def read_case(
    text: str, case: Any = None, asked: list[str] | None = None, names_from: str = ""
) -> CaseReading:
    """Read one message of the rep into case-file fields and checklist answers. `names_from` is
    the part of the message that asks the coach for something: only the people and companies
    it names count."""
    from coach.chat.phrases import ASK_UNKNOWN, said_before_guess

    out = CaseReading(named=read_named(f"{text}\n{names_from}" if names_from else text))
    correction = bool(_CORRECTION.search(text)) or _says_instead(text)
    named = out.named
    pieces = clauses(text)
    titled = title_said(text, case.model_dump() if case is not None else {})
    probs = role_probabilities([_strip_framing(p) for p in pieces])
    quoted = _quoted_spans(text)
    roles = [(ROLES[int(i)], float(probs[k, int(i)])) for k, i in enumerate(probs.argmax(axis=1))]
    names = [p.name for p in named.people] + named.companies
    known_case = case.model_dump() if case is not None else {}
    manager_seen = named.first("manager")
    contact_seen = named.first("contact")
    who = (
        manager_seen.name if manager_seen else known_case.get("manager_name") or "",
        contact_seen.name if contact_seen else known_case.get("contact_name") or "",
    )
    ours_named = [p.name for p in named.people if p.side == "ours"] + [
        known_case.get(k) or "" for k in ("leader_name", "manager_name") if known_case.get(k)
    ]
    for piece, (role, score) in zip(pieces, roles, strict=True):
        rest = _ONLY_NAMING.sub("", piece).strip(" .!,")
        if piece.rstrip().endswith("?") and COACH_REQUEST.search(piece):
            role, score = "question_to_coach", max(score, 0.9)
        elif (correction and _NAMES_A_FIELD.search(piece)) or (
            rest != piece.strip(" .!,") and any(rest == n for n in names)
        ):
            role = "context"  # "no, the contact is Lena" or "need help with Acme": names only
        not_an_answer = (
            role in _REP_DOING and _THIRD_PARTY.match(piece) and not _REP_WORD.search(piece)
        )
        if role in CHECKLIST_ROLES and ASK_UNKNOWN.search(plain_contractions(piece)):
            role = "context"  # "not sure what I'd even ask leadership for": the ask, no more
        if role.startswith("manager_briefed") and not _names_manager(piece, who[0]):
            not_an_answer = (
                True  # "haven't sent them to our legal team yet" is not about the manager
            )
        if (
            role in CHECKLIST_ROLES
            and (score < CHECKLIST_MIN or not_an_answer)
            and not _checklist_rules(piece, *who)
        ):
            # A weak checklist reading without the checklist's words: the best fact it may tell
            row = probs[len(out.clauses)]
            facts = [(float(row[ROLES.index(r)]), r) for r in (*FACT_ROLES, "context")]
            score, role = max(facts)
            role = role if score >= WEAK_FACT else "context"
        elif score < ROLE_THRESHOLD:
            role = "context"
        elif role in ("ask", "customer_wants", "next_steps", "business_impact") and (
            _checklist_rules(piece, *who)
        ):
            role = "context"  # "I haven't talked to them about it" answers the checklist only
        if (_MADE_COMMITMENT.search(piece) or _PROMISE_VERB.search(piece)) and (
            _ON_CALL.search(text) or role == "customer_wants" or commitments_made(piece, ours_named)
        ):
            role = "context"  # a commitment made is for the follow-through, not what they want
        if _INTERNAL_NOTE.search(piece) or _ESCALATE_INTENT.match(piece):
            # "between us, ..." is for the brief's context, never a field; "need to escalate X"
            # says what the rep means to do, not what to ask leadership for
            role = "context"
        elif _names_only(piece, named) or (correction and _CORRECTING.search(piece)):
            role = "context"  # who is who, or what it is not, is no new fact of the case
        elif _THEY_WANT.search(_contact_named(piece, who[1])) and role != "question_to_coach":
            role, score = "customer_wants", max(score, 0.9)
        rules = _checklist_rules(piece, *who)
        # The rules' words: "ive already opened a P1", "I sent the addendum and a redline response
        # today": what was tried, also where the model read a checklist answer the rules do not.
        contradicted = role in CHECKLIST_ROLES and (
            rules.get(CHECKLIST_ROLES[role][0]) is not CHECKLIST_ROLES[role][1]
        )
        if (
            (role == "context" or contradicted)
            and rules.get("tried_yourself")
            and not _INTERNAL_NOTE.search(piece)
        ):
            role, score = "tried", max(score, 0.7)
        if _REP_ASKS.search(piece) and role in ("customer_wants", "context", "next_steps"):
            role, score = "ask", max(score, 0.85)  # "what I need: our VP Eng on a call"
        if (
            out.clauses
            and _CONTINUES.match(piece)
            and out.clauses[-1].role in FACT_ROLES
            and role not in CHECKLIST_ROLES
        ):
            role = out.clauses[-1].role  # "..., on a call with marcus this week": same fact
        labelled = labelled_role(piece)
        if labelled and not (_INTERNAL_NOTE.search(piece) or _checklist_rules(piece, *who)):
            role, score = labelled, max(score, 0.95)
        if _inside(text, piece, quoted):
            # The customer speaks in a quote: their "we" is not the rep, so nothing in it is
            # what the rep tried, plans or asks leadership for.
            role = {"ask": "customer_wants", "next_steps": "customer_wants"}.get(role, role)
            if role in ("tried", "question_to_coach") or role in CHECKLIST_ROLES:
                role = "context"
        if titled and titled[2] in piece:
            role = "context"  # "Pieter is their CFO, not the finance director": a title only
        if role == "next_steps" and not labelled and _THEIR_SUBJECT.match(piece):
            # "Their tenant portal has been throwing errors ...": the customer's side is no step
            # of the rep's plan; the likeliest fact it tells instead
            row = probs[len(out.clauses)]
            score, role = max((float(row[ROLES.index(r)]), r) for r in _THEIR_FACTS)
        if role == "ask" and not labelled and _NO_ASK.search(piece):
            role = "context"  # "because I don't want to hand him another date": a reason
        if role in FACT_ROLES and _SAYS.match(piece):
            piece = _SAYS.sub("", piece)  # "..., says she needs assurance": what she said
        out.clauses.append(Clause(piece, role, score))
    update = out.update
    known = case.model_dump() if case is not None else {}

    def put(name: str, value: Any) -> None:
        if value in ("", None, []):
            return
        if not known.get(name) or correction:
            update[name] = value
            if correction and known.get(name) and known.get(name) != value:
                out.replace.add(name)

    # A company named in passing never replaces the customer; "the customer is X" or a
    # correction does.
    new_customer = named.companies[0] if named.companies else ""
    if not new_customer and not known.get("customer") and not known.get("problem"):
        from coach.chat.extract import company_name, find_customer
        from coach.triage.parse import sentences

        people = " ".join(p.name for p in named.people)
        sents = sentences(text)
        titles = " ".join([p.title for p in named.people] + [named.their_title])
        # a person's name or title found where the company was expected gives way to the next
        for candidate in (find_customer(text, sents)[0], company_name(sents)):
            if candidate and candidate not in people and candidate not in titles:
                new_customer = candidate
                break
    if correction and new_customer:
        # "correction - it's Rohan Kapoor": a name close to a person the case holds corrects
        # that person, not the customer
        for name_field in ("contact_name", "manager_name", "leader_name"):
            if _same_person(known.get(name_field) or "", new_customer):
                update[name_field] = new_customer
                out.replace.add(name_field)
                if name_field == "contact_name":  # the same person: their title and address stay
                    for kept in ("contact_title", "contact_email"):
                        if known.get(kept) and not update.get(kept):
                            update[kept] = known[kept]
                new_customer = ""
                break
    if (
        correction
        and new_customer
        and _A_PERSON.search(text)
        and len(new_customer.split()) in (2, 3)
        and _is_name(new_customer)
    ):
        # "actually it's Rohan Kapoor who's the decision maker, he's their CTO": a person said
        # to be the one who counts is the contact, not the customer
        update["contact_name"] = new_customer
        out.replace.add("contact_name")
        if named.their_title:
            update["contact_title"] = named.their_title
        new_customer = ""
    if (
        new_customer
        and new_customer != known.get("customer")
        and (not known.get("customer") or correction or _says_customer(text))
    ):
        update["customer"] = new_customer
        if known.get("customer"):
            out.replace.add("customer")
    contact = named.first("contact")
    stayed = [p for p in named.people if p.role == "contact" and not _has_left(text, p.name)]
    if contact is not None and stayed and contact not in stayed:
        contact = stayed[0]  # "our champion Elena Rossi left; the new SVP, Brad Keller, ..."
    ours_first = {
        (known.get(k) or "").split()[0].lower()
        for k in ("manager_name", "leader_name")
        if (known.get(k) or "").split()
    }
    if contact is not None and contact.name.split()[0].lower() in ours_first:
        contact = None  # "Yasmin says the right person is our CRO": Yasmin is the manager
    if contact is not None and _HANDOVER.search(text) and known.get("contact_name") != contact.name:
        # "the new person in her seat is Rohan Kapur": the contact changed; the new one replaces
        # the old one and what was known of them
        for name_field in ("contact_name", "contact_title", "contact_email"):
            if known.get(name_field):
                known[name_field] = ""
                out.replace.add(name_field)
    if contact is not None:
        # "the contact is Lena ... Lena Nilsson": the full name said for the same person
        fuller = [
            p for p in named.people if p.role == "contact" and p.name.startswith(f"{contact.name} ")
        ]
        contact = fuller[0] if fuller else contact
        put("contact_name", contact.name)
        if not re.match(r"(?i)not\b", contact.title):  # "not the CEO, Yasmin says ..."
            put("contact_title", contact.title)
        put("contact_email", contact.email)
    elif len(named.emails) == 1 and (not known.get("contact_email") or correction):
        put("contact_email", named.emails[0])  # "sorry, email is keiko.tanaka@..." replaces
    untitled = not update.get("contact_title") and not known.get("contact_title")
    someone = (contact is not None and contact.name) or known.get("contact_name")
    if named.their_title and untitled and someone:
        update["contact_title"] = named.their_title  # "she's their ecommerce manager"
    manager = named.first("manager")
    if manager is not None:
        put("manager_name", manager.name)
    leader = named.first("leader")
    if leader is not None:
        put("leader_name", leader.name)
        if known.get("leader_title") and not known.get("leader_name") and leader.title:
            update["leader_title"] = leader.title  # "our CRO" first, then "Victor Hale, our CRO"
        put("leader_title", leader.title)
    elif named.our_title and not known.get("leader_name"):
        put("leader_title", named.our_title)  # "should I get our CRO in?": no one named yet
    if correction:
        _swap_person(text, named, known, out)
    if titled:
        _correct_title(titled, known, out)

    account = update.get("customer") or known.get("customer")
    naming = named
    if account and account not in named.companies:
        naming = Named(named.people, named.their_title, [*named.companies, account])
        for k, c in enumerate(out.clauses):
            if c.role in FACT_ROLES and _names_only(c.text, naming):
                out.clauses[k] = Clause(c.text, "context", c.score)  # "Acme, I'm their CSM"
    for k, c in enumerate(out.clauses):
        if c.role == "problem" and labelled_role(c.text) is None and _who_not_what(c.text, naming):
            out.clauses[k] = Clause(c.text, "context", c.score)
    # "Got a spicy one", "Riverbend Food Bank emailed kinda heated": a headline that names no
    # trouble is no problem yet, so a clause that tells it is read as one and added.
    vague = bool(known.get("problem")) and not correction and _vague_problem(known["problem"])
    _problem_or_stake(out.clauses, probs, bool(known.get("problem")) and not vague, naming, vague)
    _complaint_is_the_problem(out.clauses, "" if correction else known.get("problem") or "")
    from coach.chat.phrases import DONT_SAY

    for k, c in enumerate(out.clauses):
        if c.role in ("communicated_no", "communicated_yes") and DONT_SAY.search(c.text):
            # "(note to self: dont mention the 15% discount)": what the rep means to keep from
            # the customer, not whether the customer has been told where things stand.
            out.clauses[k] = Clause(c.text, "context", c.score)
        elif c.role == "tried" and _REACHED_OUT.search(c.text) and not _FIX_WORDS.search(c.text):
            # "I emailed my VP" or "I phoned their director and owned it" is talking, not a fix
            ours = _OUR_SENIOR.search(c.text)
            out.clauses[k] = Clause(
                c.text, "manager_briefed_yes" if ours else "communicated_yes", max(c.score, 0.75)
            )
        elif (
            c.role == "problem"
            and known.get("problem")
            and _IMPACT.search(c.text)
            and labelled_role(c.text) != "problem"  # "the actual issue: ..." says its field
        ):
            out.clauses[k] = Clause(c.text, "business_impact", c.score)  # the trouble's toll
    # A correction ("sorry typo, its $640k not 460") fixes a value; it answers no question.
    _answer_the_question(
        out.clauses,
        [] if correction or titled else asked or [],
        naming,
        problem_open=not known.get("problem") or vague,
    )
    by_role: dict[str, list[Clause]] = {}
    for clause in out.clauses:
        if clause.role == "question_to_coach":
            out.questions.append(clause.text)
            proposed = _PROPOSED_ASK.search(_strip_framing(clause.text))
            if proposed:  # "Should I get my VP to call their CMO?" proposes the ask
                ask = proposed.group("ask")
                by_role.setdefault("ask", []).append(Clause(ask[:1].upper() + ask[1:], "ask", 0.85))
            continue
        by_role.setdefault(clause.role, []).append(clause)
        if clause.role in CHECKLIST_ROLES and clause.score >= CHECKLIST_MIN:
            item, value = CHECKLIST_ROLES[clause.role]
            out.checklist.setdefault(item, value)
    # The phrase rules know the checklist's own words; they win over the model.
    for clause in out.clauses:
        said = clause.text
        if clause.role == "question_to_coach" or clause.text.rstrip().endswith("?"):
            if ASK_UNKNOWN.search(plain_contractions(clause.text)):  # "no real ask, is it mine?"
                out.checklist["clear_ask"] = False
            said = "" if clause.role == "question_to_coach" else said_before_guess(clause.text)
            if not said:
                continue  # a question put to the coach answers nothing else on the checklist
        if clause.role != "context" or not correction:
            out.checklist.update(_checklist_rules(said, *who))

    def texts(role: str, limit: int = 2) -> list[str]:
        found = sorted(by_role.get(role, []), key=lambda c: -c.score)[:limit]
        ordered = [c for c in out.clauses if c in found]  # the rep's order
        ordered += [c for c in found if c not in ordered]
        return [_strip_framing(_FIELD_LABEL.sub("", c.text)) for c in ordered]

    swapped = correction and _swaps_a_value(text)

    def grow(name: str, parts: list[str], instead: bool = False) -> None:
        if not parts:
            return
        value = _join(parts)
        before = known.get(name) or ""
        # "sorry, the 28th not the 30th, their quarter close moved": the reason given beside a
        # value said in place of another corrects nothing of its own field
        corrects = correction and not (swapped and not any(_swaps_a_value(p) for p in parts))
        if instead:
            update[name] = value
        elif before and not corrects:
            if value not in before:
                update[name] = f"{_sentence(before)} {value}"
        else:
            put(name, value)

    # "the actual issue: intake forms drop the insurance fields": what came before was not it
    instead = any(c.role == "problem" and _SUPERSEDES.match(c.text) for c in out.clauses)
    grow("problem", [_it_named(t, out.clauses) for t in texts("problem")], instead)
    # "she'll pull the contract if we can't show her a rollback plan", read as what she wants:
    # what she wants is what the condition names.
    wants = []
    for w in texts("customer_wants"):
        condition = None if _THEY_WANT.search(w) else condition_wanted(w)
        if condition:
            # The threat itself stays in the case, as context for the brief: "she said if it's
            # not fixed by the 30th they're going with the other vendor" is more than its
            # condition.
            out.clauses.append(Clause(w, "context", 0.0))
        wants.append(condition or w)
    if not wants and not known.get("customer_wants"):
        # "if we don't give her a written explanation by Monday she's taking it to the board":
        # what the condition asks for is what they want.
        demanded = _DEMANDED.search(text)
        if demanded:
            what = demanded.group("what").strip()
            wants = [f"{what[:1].upper()}{what[1:]}"]
    grow("customer_wants", wants)
    if by_role.get("tried"):
        update["tried"] = texts("tried", 5)
        out.checklist.setdefault("tried_yourself", True)
    impact = texts("business_impact")
    if not impact:
        impact = [c.text for c in out.clauses if MONEY.search(c.text) and c.role in FACT_ROLES][:1]
    if not any(MONEY.search(i) for i in impact) and not MONEY.search(
        known.get("business_impact") or ""
    ):
        # "i'm the CSM on Halvorsen (logistics, ~$420k ARR, renewal march 31)": the figure at
        # stake said in passing is kept as a figure, beside what else is at stake
        figure = next((f for c in out.clauses if (f := _figure_phrase(c.text))), "")
        if figure and not any(figure in i for i in impact):
            impact = [figure, *impact]
    grow("business_impact", impact)
    if by_role.get("ask"):
        strong = max(c.score for c in by_role["ask"]) >= STRONG_ASK
        if strong and known.get("ask") and not correction:
            grow("ask", texts("ask"))
        else:
            put("ask", _join(texts("ask")))
        out.checklist.setdefault("clear_ask", True)
    if by_role.get("next_steps"):
        update["proposed_next_steps"] = texts("next_steps", 5)
    dated = _deadline_found(out.clauses)
    if dated:
        before = str(known.get("deadline") or "")
        if (
            before
            and not correction
            and (
                dated[0] < 0
                or (dated[0] <= ANCHORED and _DAY.search(dated[1]) and not _DAY.search(before))
            )
        ):
            update["deadline"] = dated[1]  # "june" then "their board signs off june 3"
        else:
            put("deadline", dated[1])
    if correction:
        _correct_text(text, known, out)
        _correct_figure(text, known, out)
    _respelt_contact(known, out)
    first = (contact.name if contact else known.get("contact_name") or "").split()
    our_people: list[str] = [p.name for p in named.people if p.side == "ours"]
    our_people += [known.get(k) or "" for k in ("leader_name", "manager_name") if known.get(k)]
    made = commitments_made(text, list(dict.fromkeys(our_people)), first[0] if first else "")
    made = made or _commitments(text, first[0] if first else "")
    if made:
        update["authorised_commitments"] = made
    return out


_SAYS_CUSTOMER = compiled(r"\b(?:the\s+)?(?:customer|client|account)\s*(?:is|:)\s", re.I)


# The customer's contact changed hands: "new person in her seat is ...", "replaced by ...",
# "her replacement", "took over from", "taking over", "successor", "now reports to ... instead".
_HANDOVER = compiled(
    r"\bnew\s+(?:person|contact|champion|guy|lady|one|hire|director|head|lead|vp|cto|cio|cfo|ceo)"
    r"\b(?:\s+\w+){0,3}?\s+(?:in\s+(?:her|his|their|that)\s+(?:seat|role|place|job|chair)|is|=|:)|"
    r"\b(?:replaced\s+(?:her|him|them)?\s*(?:by|with)?|(?:her|his|their)\s+(?:replacement|successor)|"
    r"took\s+over|taking\s+over|has\s+taken\s+over|stepped\s+into|in\s+(?:her|his)\s+(?:seat|"
    r"role|place)\s+now)\b",
    re.I,
)


# Words that say the name just given is a person's: "who's the decision maker", "he's their CTO".
_A_PERSON = compiled(
    r"\b(?:who['’]?s|who\s+is|(?:he|she)['’]s|(?:he|she)\s+is)\s+(?:the|their|our|my)\b|"
    r"\b(?:decision[-\s]maker|the\s+contact|main\s+contact|their\s+contact)\b",
    re.I,
)


def _same_person(known: str, said: str) -> bool:
    """Whether `said` reads as `known` spelt again: the same first name, or a name within a
    letter or two of it ("Rohan Kapur" -> "Rohan Kapoor")."""
    import difflib

    if not known or not said or known == said or len(said.split()) > 3:
        return False
    first = known.split()[0].lower(), said.split()[0].lower()
    close = difflib.SequenceMatcher(None, known.lower(), said.lower()).ratio() >= 0.8
    return first[0] == first[1] or close


# "Elena Rossi, left the company last week", "Ingrid Solberg (Head of Risk) left in Jan"
_LEFT = (
    r"\s*,?\s*(?:\([^()]{0,60}\)\s*)?,?\s*(?:has\s+|had\s+|just\s+|already\s+|recently\s+)*"
    r"(?:(?:left|quit|is\s+leaving)(?=\s+(?:the\s+(?:company|business|firm|org\w*)|their\s+company|"
    r"us|them|last|this|in|on|at\s+the\s+end|end\s+of|a\s+few|recently|for|to\s+join)\b|\s*[,.;!?)]|\s*$)"
    r"|resigned|retired|moved\s+on|departed|is\s+gone|was\s+let\s+go|got\s+laid\s+off|"
    r"was\s+laid\s+off)\b"
)


def _has_left(text: str, name: str) -> bool:
    """Whether the message says this person has left their company."""
    return bool(re.search(re.escape(name) + _LEFT, text, re.I))


_THEIR_SUBJECT = compiled(
    r"^\W*(?:(?:and|but|so|now|also)\s+)?(?:their\b|they\b|they['’](?:re|ll|ve|d)\b|she\b|he\b|"
    r"she['’](?:s|ll|d)\b|he['’](?:s|ll|d)\b|the\s+(?:customer|client)\b)",
    re.I,
)
_THEIR_FACTS = ("problem", "customer_wants", "business_impact")
_SAYS = compiled(r"^(?:says|said)\s+(?=(?:she|he|they)\s)", re.I)
# A reason, or what the rep does not want, asks leadership for nothing; "Since they're threatening
# to cancel, I need our VP Sales to call their CEO" still asks.
_NO_ASK = compiled(
    r"^(?![^.;!?]*\b(?:i|we)\s+(?:really\s+|just\s+)?(?:need|want|'d\s+like|would\s+like)\b)"
    r"(?:\W*(?:because|since|cause|cuz|bc)\b|.*\b(?:i|we)\s+(?:don'?t|do\s+not|didn'?t|did\s+not)\s+"
    r"(?:really\s+|even\s+)?want\b)",
    re.I,
)


def _respelt_contact(known: dict[str, Any], out: CaseReading) -> None:
    """ "wait no, contact is Thandiwe Mokoena, not Thandeka": the contact's name spelt again keeps
    the title and address the case holds for them, unless the message gives new ones."""
    import difflib

    old, new = known.get("contact_name") or "", out.update.get("contact_name") or ""
    if "contact_name" not in out.replace or not old or not new:
        return
    # the whole name within a letter or two: "Sarah Okafor" is someone else than "Sarah Chen"
    if difflib.SequenceMatcher(None, old.lower(), new.lower()).ratio() < 0.8:
        return
    for kept in ("contact_title", "contact_email"):
        if known.get(kept) and not out.update.get(kept):
            out.update[kept] = known[kept]


def _says_customer(text: str) -> bool:
    return bool(_SAYS_CUSTOMER.search(text))


def is_internal_note(text: str) -> bool:
    """ "Between us, ...": a note for the rep's side only."""
    return bool(_INTERNAL_NOTE.search(text))


__all__ = ["EMAIL", "ROLES", "ROLES_SPEC", "CaseReading", "is_internal_note", "read_case"]
