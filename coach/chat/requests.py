"""What a rep asks the coach to do, read from the structure of the sentence that asks it.

A message may tell the case and ask in the same breath ("Hanami says the POS sync dropped orders
again... can you write what I send Kwame"). The sentences that ask are told apart from the ones that
tell: a request opens with an imperative ("draft", "prep me", "give me"), an ask of the coach ("can
you ...", "I need a ..."), a question about what to send or say ("what do I send Dana?"), or is a
bare noun phrase naming a document and whom it is for ("ok now the email to Putri"). What it asks
for is read from its parts:

- a message (email, note, msg, Slack, DM, letter, brief...) goes to whoever it is addressed to: the
  rep's own manager or leaders get the brief, the customer or their contact the customer message;
- the call ("prep me for Thursday's call", "how should we run the reset call", "who says what")
  gets the call prep; what comes after it ("the follow-up plan", "what now that it's fixed") the
  follow-through plan;
- a question about the playbook ("what does the playbook say about ...", "is there a checklist")
  gets the passages; a question about escalating ("too early to escalate?", "escalate or keep
  pushing?") gets the verdict with its reasons.

The sentences that ask are never read as facts of the case: only the people they name are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from coach.domain.casefile import CaseFile

RequestKind = Literal["draft", "playbook", "verdict"]
DraftKind = Literal["brief", "customer", "call-prep", "follow-up"]

_I = re.IGNORECASE
# Words a rep opens a sentence with before getting to it ("ok so", "yeah", "pls").
_FILLER = (
    r"(?:(?:ok(?:ay)?|k|so|and|now|then|yeah|yes|yep|right|alright|cool|great|thanks|thx|ty|hey|hi|"
    r"well|also|pls|plz|please|quick(?:\s+one)?|one\s+more\s+thing|last\s+thing|next|ugh|hmm|"
    r"anyway|got\s+it|perfect|sure|good|fine|sounds\s+good)\b[\s,.!:;-]*)*"
)
# Documents a rep asks for, in the words reps use for them.
_MESSAGE = (
    r"(?:e-?mails?|mails?|msgs?|messages?|notes?|slack(?:\s+(?:msg|message|note|dm))?|dms?|"
    r"texts?|letters?|memos?|replies|reply|response|write-?ups?|brief(?:ing)?|intros?|"
    r"introductions?|pings?|heads[-\s]up|updates?)"
)
_PLAN = (
    r"(?:plan|prep|prep\s+notes|call\s+prep|call\s+plan|agenda|talking\s+points|script|outline|"
    r"run\s*-?sheet|game\s*plan|checklist|summary|recap|follow[-\s]?ups?|followups?|"
    r"follow[-\s]?through)"
)
_DOC = rf"(?:{_MESSAGE}|{_PLAN})"
_VERB = (
    r"(?:write|draft|redraft|re-?write|redo|prep(?:are)?|give|make|create|compose|generate|"
    r"put\s+together|pull\s+together|send|help(?:\s+me|\s+us)?|plan|map\s+out|sketch|outline|"
    r"build|update|fix|tweak|show|walk\s+(?:me|us)\s+through|run\s+(?:me|us)\s+through|get)"
)
_ASK_OPEN = re.compile(
    rf"^\W*{_FILLER}(?:"
    # imperative: "draft the msg to tobias", "prep me for thursday's call"
    rf"{_VERB}\b"
    # asking the coach: "can u write ...", "could you help me plan ..."
    rf"|(?:can|could|would|will)\s+(?:you|u|ya)\b"
    # "I need a follow-up plan", "need the email to Jens", "I'd like a call plan"
    rf"|(?:i\s+)?(?:need|want|would\s+like|'d\s+like|d\s+like)\s+(?:(?:a|an|the|my|some|your)\s+)?"
    rf"(?:[\w-]+\s+){{0,3}}?{_DOC}\b"
    rf"|(?:i\s+)?need\s+(?:you\s+)?to\s+{_VERB}\b"
    rf"|(?:let's|lets|let\s+me)\s+(?:get|do|write|draft|prep|plan)\b"
    # "what do i send dana", "what should we say first", "what do we need ready"
    rf"|what\s+(?:should|do|does|can|would|shall|must)\s+(?:i|we|he|she|they|\w+(?:\s+and\s+i)?)\s+"
    rf"(?:each\s+)?(?:send|write|say|tell|email|text|slack|put|reply|answer|cover|need|bring|"
    rf"prepare|prep|lead\s+with|open\s+with)\b"
    # "what's my follow up plan", "what should my follow-up look like"
    rf"|(?:what's|whats|what\s+is|what\s+are|what\s+should|what\s+does|how\s+should|how\s+does|"
    rf"how\s+do|how\s+would)\s+(?:(?:my|our|the|a|this|that)\s+)?(?:[\w-]+\s+){{0,3}}?{_DOC}\b"
    # "how should we run the reset call", "how do i word the email"
    rf"|how\s+(?:should|do|can|would)\s+(?:i|we)\s+(?:run|handle|open|word|phrase|write|reply|"
    rf"respond|play|approach|structure|prepare|prep|frame|start|pitch)\b"
    # a bare noun phrase: "the email to putri", "message to nikolai pls", "call prep for friday"
    # ("note to self: ..." is the rep's aside, not a note asked for)
    rf"|(?:(?:the|a|an|my|our|your)\s+)?(?:[\w-]+\s+){{0,2}}?{_DOC}\s+(?:to|for|pls|please)\b"
    rf"(?!\s+(?:self|myself)\b)"
    rf"|(?:the\s+)?(?:call\s+prep|talking\s+points|agenda|follow[-\s]?up\s+plan)\b"
    rf"|who\s+(?:says|does|covers|leads)\s+what\b"
    # "whats my job on the call vs what kofi does", "what do i say on the call"
    rf"|(?:what's|whats|what\s+is|what\s+are)\s+(?:my|our|his|her|their|[\w-]+'s)\s+(?:job|role|part|"
    rf"roles|jobs|lines?)\b"
    rf"|what\s+(?:do|should|does)\s+(?:i|we|he|she|[\w-]+)\s+(?:do|say)\s+(?:on|in|during)\s+the\s+"
    rf"(?:call|meeting)\b"
    # "what am i on the hook for now", "what do we owe them after the call"
    rf"|what\s+(?:am\s+i|are\s+we|is\s+my\s+team)\s+(?:now\s+)?on\s+the\s+hook\s+for\b"
    rf"|what\s+do\s+(?:i|we)\s+owe\s+(?:them|the\s+customer)\b"
    rf")",
    _I,
)
# A request may also close a sentence that told something first ("..., can you write it up").
_ASK_INSIDE = re.compile(
    rf"(?:^|[,;:]\s+|\s[-–—]\s+|\b(?:so|and|but)\s+)(?:(?:pls|please)\s+)?"
    rf"(?:can|could|would)\s+(?:you|u)\s+(?:(?:pls|please)\s+)?{_VERB}\b",
    _I,
)
_FOLLOW_UP = re.compile(
    r"\bfollow[-\s]?(?:ups?|through)\b|\bfollowups?\b|\bafter\s+(?:the|today'?s?|our|this|that)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:call|meeting)\b|\b(?:from|after)\s+here\b|\bnow\s+that\s+(?:it'?s|it\s+is|"
    r"the\s+\w+\s+is)\s+(?:fixed|resolved|live|shipped|done)\b|\brecap\w*\b|\bnext\s+(?:two|2|few|"
    r"couple(?:\s+of)?)\s+(?:weeks|wks|days)\b|\bon\s+the\s+hook\b|\blessons?\s+learn(?:ed|t)\b|\bowe\s+(?:them|the\s+customer)\b|\bkeep\s+(?:the\s+)?momentum\b|\bgone\s+(?:quiet|"
    r"silent|dark)\b",
    _I,
)
_CALL = re.compile(
    r"\b(?:calls?|meetings?|syncs?|1:1|one[-\s]on[-\s]one|session|qbr|sit[-\s]?down|zoom|"
    r"conversation)\b|\bprep\s+(?:me|us)\b|\bcall\s+prep\b|\btalking\s+points\b|\bagenda\b|"
    r"\bwho\s+(?:says|does|covers|leads)\s+what\b|\b(?:say|cover|lead\s+with|open\s+with)\b",
    _I,
)
_PREP = re.compile(
    r"\b(?:call\s+prep|prep\s+(?:notes|me|us|sheet|doc)|talking\s+points|agenda|run\s*-?sheet|"
    r"(?:job|role|part)s?\s+on\s+the\s+(?:call|meeting))\b|\b(?:prep|notes|plan)\b[^.?!]*\b(?:before|for)\s+"
    r"(?:the|our|this|tomorrow'?s?|today'?s?|\w+day'?s?)\s+(?:\w+\s+)?(?:call|meeting|sync|qbr)\b",
    _I,
)
_MESSAGE_WORD = re.compile(rf"\b{_MESSAGE}\b", _I)
_PLAYBOOK = re.compile(
    r"\b(?:playbook|play\s*book|guidance|guideline\w*|best\s+practices?|the\s+process|our\s+"
    r"process|the\s+rules?|policy|framework|checklist|according\s+to|what\s+does\s+it\s+say|"
    r"(?:biggest|common|typical|usual)\s+(?:mistakes|pitfalls|gotchas|traps)|gotchas?|pitfalls?|"
    r"(?:supposed|meant|expected)\s+to\s+(?:do|say|handle|put|include|write|send|cover|ask|"
    r"tell|bring|have|prepare|escalate)|by\s+the\s+book|right\s+way\s+to|best\s+way\s+to)\b"
    # "what goes in the msg to my manager", "what should be in the brief": what a document holds
    r"|\bwhat\s+(?:goes|should\s+go|belongs|should\s+be|needs\s+to\s+be|do\s+i\s+(?:put|include))"
    r"\s+(?:in|into)\b"
    # a general question, not about this case: "when should I escalate?", "what do I do if ..."
    r"|^\W*(?:in\s+general\W+)?when\s+(?:should|shouldn't|should\s+not|do|don't|is\s+it)\s+"
    r"(?:i|we|you|reps?|one)\b|\b(?:what|how)\s+(?:do|should|does)\s+(?:i|we|you|a\s+rep)\s+"
    r"(?:do|handle|respond|deal)\b[^?]*\b(?:if|when|whenever)\s+(?:a|the)\s+(?:customer|client)\b",
    _I,
)
_ESCALATE = re.compile(
    r"\bescalat(?:e|es|ing|ed)\b|\b(?:loop|bring|pull)\s+in\s+(?:my|our|the)\s+(?:manager|mgr|boss|vp|director|"
    r"leadership|exec\w*)\b|\binvolve\s+(?:my|our)?\s*(?:manager|mgr|boss|vp|leadership)\b|"
    r"\bover-?react\w*\b|\btoo\s+(?:early|soon|late)\b|\bpull\s+the\s+trigger\b|\bworth\s+"
    r"(?:raising|flagging|bothering)\b|\bsound\s+the\s+alarm\b|\bgo\s+(?:over\s+\w+\s+head|up\s+the\s+"
    r"chain)\b"
    # asking whether to take it to someone on our side: "do i need my manager for this",
    # "should i just email my vp", "time to get my director involved?"
    r"|\b(?:loop|bring|pull|rope|get|involve|need|email|e-?mail|ping|cc|tell|call|slack|ask|"
    r"go\s+to|take\s+(?:it|this)\s+to|flag\s+(?:it|this)\s+(?:to|with|for)|raise\s+(?:it|this)\s+"
    r"(?:to|with))\s+(?:in\s+)?(?:my|our|the)\s+(?:direct\s+|own\s+)?(?:manager|mgr|boss|vp|svp|"
    r"director|leadership|exec\w*|cro|cto|ceo|coo|cfo|skip(?:[-\s]level)?|leaders?|management)\b"
    r"|\b(?:take|kick|send|push)\s+(?:it|this)\s+upstairs\b|\bjump(?:ing)?\s+the\s+gun\b|"
    r"\bprematur\w*\b|\bhold\s+off\b|\bwait\s+(?:it\s+out|longer|and\s+see|a\s+bit)\b|"
    r"\bhandle\s+(?:it|this)\s+(?:myself|on\s+my\s+own|alone)\b|\bkeep\s+(?:pushing|trying)\b",
    _I,
)
_QUESTION = re.compile(
    r"\?\s*$|^\W*(?:should|shall|do|does|is|are|am|can|could|would|will|when|what|how|why|"
    r"which|who|too|worth|escalate\s+or|time\s+to|whats|what's|hows|how's|whens|when's|who's|"
    r"whos|isnt|isn't|shouldnt|shouldn't|dont|don't|do\s+u|should\s+u|any\s+reason)\b|\bor\s+(?:not|should|keep|try|wait|am|"
    r"just|do)\b",
    _I,
)
_FOLLOW_ON = re.compile(
    r"^\W*(?:also\s+|and\s+)?(?:can|could|should|may|do|shall)\s+(?:i|we)\b[^.!]*\??\s*$", _I
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_ABBREV = re.compile(r"\b(?:dr|mr|mrs|ms|prof|st|vs|etc|e\.g|i\.e|approx|no|inc|ltd|co)\.$", _I)


@dataclass
class Request:
    """What one message asks for; `text` is the asking part, `facts` the rest."""

    kind: RequestKind | None = None
    draft: DraftKind | None = None
    text: str = ""
    facts: str = ""


def split_sentences(text: str) -> list[str]:
    """Sentences as a rep types them: a full stop ends one even before a lower-case word."""
    out: list[str] = []
    for piece in _SENTENCE.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if out and _ABBREV.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _head(sentence: str) -> tuple[str, str]:
    """A request sentence that goes on to tell the case ("can u draft an email to li wei (...) —
    their webhooks are delayed ...") is the request up to the dash or colon, then facts."""
    m = re.search(r"\s[-–—]\s|:\s", sentence)
    if m and len(sentence[m.end() :].split()) >= 5:
        return sentence[: m.start()].strip(), sentence[m.end() :].strip()
    return sentence, ""


def _asks(sentence: str) -> tuple[str, str] | None:
    """(asking part, telling part) when the sentence asks the coach for something."""
    if _ASK_OPEN.search(sentence):
        return _head(sentence)
    m = _ASK_INSIDE.search(sentence)
    if m and m.start() > 0:
        return sentence[m.start() :].strip(" ,;:-–—"), sentence[: m.start()].strip(" ,;:-–—")
    return None


_OUR_SIDE = re.compile(
    r"\b(?:my|our)\s+(?:(?:direct|line|new|own)\s+)?(?:manager|mgr|boss|director|vp|svp|evp|rvp|"
    r"avp|head|lead|leadership|exec\w*|skip(?:[-\s]level)?|supervisor|cro|ceo|cto|coo|cfo|cmo|"
    r"chief|gm|team\s+lead|leaders?)\b|\b(?:manager|mgr|boss|leadership|internal(?:ly)?|"
    r"escalation\s+(?:msg|message|note|email|brief))\b|\bbrief(?:ing)?\b",
    _I,
)
_THEIR_SIDE = re.compile(
    r"\b(?:customer|client|them|their|him|her|the\s+account|the\s+contact|prospect)\b", _I
)
_TO = re.compile(
    r"\b(?:to|for|send|tell|email|e-mail|msg|message|ping|slack|text|dm|reply\s+to|answer|write)\s+"
    r"(?P<who>(?!(?:to|for|with|about|on|it|that|this)\b)(?:(?:my|our|the|their|a)\s+)?[\w'’.-]+)",
    _I,
)


def _person_kind(word: str, case: CaseFile) -> DraftKind | None:
    """Whose first name `word` is in the case: the contact's (customer) or ours (brief)."""
    word = word.lower().strip(".,'’!?")
    if not word:
        return None
    people = [
        (case.contact_name, "customer"),
        (case.manager_name, "brief"),
        (case.leader_name, "brief"),
    ]
    for name, kind in people:
        parts = [p.lower().strip(".,") for p in (name or "").replace("-", " ").split()]
        full = (name or "").lower()
        if parts and (word == parts[0] or word == full.split()[0] or word in parts[:1]):
            return kind  # type: ignore[return-value]
    return None


def _last_named(text: str, case: CaseFile) -> DraftKind | None:
    """Whom a pronoun points back to: the last person of the case (or "my manager") named
    before it in the same message ("my manager is actually Rachel, not Dana. What do I send
    her?")."""
    last: tuple[int, DraftKind] | None = None
    for m in re.finditer(r"[\w'’-]+", text):
        kind = _person_kind(m.group(0), case)
        if kind:
            last = (m.start(), kind)
    for m in _OUR_SIDE.finditer(text):
        if last is None or m.start() > last[0]:
            last = (m.start(), "brief")
    return last[1] if last else None


def _addressee(text: str, case: CaseFile, before: str = "") -> DraftKind | None:
    """Whom the message is for, from the words after "to", "for", "send"..., else any name or role
    the request mentions."""
    for m in _TO.finditer(text):
        who = m.group("who").strip()
        if _OUR_SIDE.match(who) or re.match(r"(?:my|our)\s", who, _I):
            return "brief" if _OUR_SIDE.match(who) else None
        if re.fullmatch(r"him|her|them", who, _I):
            return _last_named(f"{before} {text[: m.start()]}", case) or "customer"
        if _THEIR_SIDE.match(who):
            return "customer"
        words = re.sub(r"^(?:the|their|a)\s+", "", who, flags=_I).split()
        kind = _person_kind(words[0], case) if words else None
        if kind:
            return kind
        verb = m.group(0).split()[0].lower()
        if (
            words
            and verb in ("to", "send", "tell", "email", "e-mail", "ping", "text", "dm")
            and not re.fullmatch(_DOC, words[0], _I)
            and not re.match(
                r"(?:the|a|an|it|this|that|me|us|you|my|our|your|friday|monday|tuesday|wednesday|"
                r"thursday|tomorrow|today|tonight|next|later|now|help|approval|review|sign|"
                r"escalat\w*|send|ask|get|make|set|join|prep\w*|plan\w*|call\w*|meeting)\b",
                words[0],
                _I,
            )
        ):
            return "customer"  # a person not on our side, addressed by name
    for word in re.findall(r"[\w'’-]+", text):
        kind = _person_kind(word, case)
        if kind:
            return kind
    if _OUR_SIDE.search(text):
        return "brief"
    if _THEIR_SIDE.search(text):
        return "customer"
    return None


_NOT_A_NAME = re.compile(
    r"(?:the|a|an|it|this|that|me|us|you|him|her|them|my|our|your|their|everyone|all|"
    r"legal|finance|support|eng|engineering|product|sales|ops|security|billing|procurement|"
    r"leadership|management|team|channel|slack|email|friday|monday|tuesday|wednesday|thursday|"
    r"saturday|sunday|tomorrow|today|tonight|next|later|now|help|approval|review|sign|send|ask|"
    r"get|make|set|join|escalat\w*|prep\w*|plan\w*|call\w*|meeting|keep|include|say|explain)$",
    _I,
)


def addressed_name(text: str, case: CaseFile) -> str:
    """The first name a request addresses that the case does not know yet ("draft my escalation
    note to olga"), capitalised; "" when it addresses no one new."""
    for m in _TO.finditer(text):
        word = m.group("who").strip(".,'’!?")
        if (
            not re.fullmatch(r"[A-Za-z][a-z]{2,}|[A-Z][a-z]+", word)
            or _NOT_A_NAME.match(word)
            or re.fullmatch(_DOC, word, _I)
            or _OUR_SIDE.match(word)
            or _THEIR_SIDE.match(word)
            or _person_kind(word, case)
        ):
            continue
        return word[:1].upper() + word[1:].lower()
    return ""


_INTERNAL_MESSAGE = re.compile(
    r"\bescalation\s+(?:msg|message|note|email|e-mail|brief|write-?up|slack|dm)\b|\bslack\b|\bdms?\b|"
    r"\bteams\s+(?:msg|message|chat)\b",
    _I,
)


def _names_contact(text: str, case: CaseFile) -> bool:
    return any(_person_kind(w, case) == "customer" for w in re.findall(r"[\w'’-]+", text))


def draft_of(text: str, case: CaseFile | None = None, before: str = "") -> DraftKind:
    """Which draft the asking words want; `before` is what the message said first."""
    case = case or CaseFile()
    if _FOLLOW_UP.search(text):
        return "follow-up"
    if _PREP.search(text):
        return "call-prep"  # "prep notes for me and hannah before the call"
    message = _MESSAGE_WORD.search(text)
    to = _addressee(text, case, before)
    if message and not re.match(r"(?:updates?|summary|recap)$", message.group(0), _I):
        # An escalation note or a Slack/DM goes to our side, unless it names the contact.
        internal = _INTERNAL_MESSAGE.search(text) and not _names_contact(text, case)
        if not internal and (to == "customer" or (to is None and re.search(r"\bintro", text, _I))):
            return "customer"
        return "brief"
    said_on_call = re.search(r"\b(?:on|in|during)\s+the\s+(?:call|meeting)\b", text, _I)
    if (
        to
        and not said_on_call
        and re.search(r"\b(?:send|e-?mail|write|text|slack|ping|dm)\b", text, _I)
    ):
        return to  # "what do i send my manager before the call" is a message, not call prep
    if _CALL.search(text):
        return "call-prep"
    if to:
        return to
    if re.search(r"\b(?:plan|next\s+steps)\b", text, _I):
        return "follow-up"
    return "brief"


def read_request(text: str, case: CaseFile | None = None) -> Request:
    """The request a message makes, if any, with the facts it also tells."""
    case = case or CaseFile()
    asking: list[str] = []
    telling: list[str] = []
    kind: RequestKind | None = None
    for sentence in split_sentences(text):
        found = _asks(sentence)
        if found and kind in (None, "draft"):
            head, rest = found
            if not _PLAYBOOK.search(head) or _MESSAGE_WORD.search(head):
                asking.append(head)
                if rest:
                    telling.append(rest)
                kind = "draft"
                continue
        if kind and _FOLLOW_ON.search(sentence):
            asking.append(sentence)  # "... can I offer one to save the renewal?" asks on
            continue
        if _PLAYBOOK.search(sentence) and _QUESTION.search(sentence):
            asking.append(sentence)
            kind = kind or "playbook"
            continue
        if _ESCALATE.search(sentence) and _QUESTION.search(sentence):
            asking.append(sentence)
            kind = kind or "verdict"
            continue
        telling.append(sentence)
    request = Request(kind=kind, text=" ".join(asking), facts=" ".join(telling))
    if kind == "draft":
        request.draft = draft_of(request.text, case, before=request.facts)
    return request


def is_playbook_question(text: str) -> bool:
    """ "What does the playbook say about discounts", "is there a checklist?": asks the playbook."""
    return bool(_PLAYBOOK.search(text))


def asks_about_escalating(text: str) -> bool:
    """ "Too early to escalate?", "escalate or keep pushing?", "am I overreacting?"."""
    return any(
        _ESCALATE.search(s) and _QUESTION.search(s) and not _PLAYBOOK.search(s)
        for s in split_sentences(text)
    )


# A question typed without its question mark: it opens with a question word and a subject
# ("whats my vp supposed to do", "should i wait", "how do i word it").
_BARE_QUESTION = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|hey|also|quick\s+q(?:uestion)?)\W+)*(?:whats|what's|hows|how's|"
    r"whens|when's|whos|who's|(?:what|how|when|why|which|who)\s+(?:am|are|do|does|did|should|would|"
    r"can|could|is|shall|must)\b|(?:should|shall|do|does|am|can|could|would|is|are)\s+(?:i|we|u|you|it|"
    r"this|that|there|my|our)\b|any\s+reason|is\s+it)\b",
    _I,
)


def is_question(text: str) -> bool:
    """A sentence of `text` asks something, with or without its question mark ("whats my vp
    supposed to do on the call")."""
    return any(s.rstrip().endswith("?") or _BARE_QUESTION.search(s) for s in split_sentences(text))
