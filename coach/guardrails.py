"""Guardrails: the playbook's gotchas as rules you can read and test.

`check(text, kind, authorised)` finds blame (throwing others under the bus), over-promising
(guarantees, delivery dates, money the case does not authorise), a customer message that never
acknowledges the concern, and a manager message with no ask. Every finding quotes the exact span
of the text it is about, says why, and cites the playbook.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal

from pydantic import BaseModel

Code = Literal["blame", "over_promise", "missing_acknowledgement", "no_ask"]
Kind = Literal["customer", "manager", "any"]
CODES: tuple[str, ...] = ("blame", "over_promise", "missing_acknowledgement", "no_ask")

GOTCHAS: dict[str, str] = {
    "blame": "Gotchas > Throwing others under the bus - take ownership",
    "over_promise": (
        "Common Escalation Scenarios > Technical Issues Beyond Your Control > "
        "Don't promise what you can't deliver"
    ),
    "missing_acknowledgement": (
        "Escalation Framework > Step 4: Escalate to Customer > Acknowledge their concern directly"
    ),
    "no_ask": "Gotchas > Escalating without a plan - know what you need",
}


class Finding(BaseModel):
    code: Code
    quote: str
    message: str
    gotcha: str
    start: int = 0
    end: int = 0


# --- Text spans -------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?]+(?=[\s\"')\]]|$)|\n+")
_CLAUSE_BREAK = re.compile(
    r";|\s[-–—]\s|,?\s+(?:and|but|while|whereas|so|then|although|though)\s+"
    r"(?=(?:I|I'm|I'll|we|we're|we'll|you|you'll|they|it|it's|this|that|the|our|your)\b)",
    re.IGNORECASE,
)


def _spans(text: str, start: int, end: int, breaker: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    pos = start
    for m in breaker.finditer(text, start, end):
        yield from _trimmed(text, pos, m.end() if breaker is _SENTENCE_END else m.start())
        pos = m.end()
    yield from _trimmed(text, pos, end)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start] in " \t\r\n-*#>•\"'":
        start += 1
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    if end > start:
        yield start, end


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line; the text between is whitespace or punctuation."""
    return list(_spans(text, 0, len(text), _SENTENCE_END))


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence cut where a new subject starts ("..., but we will ...")."""
    return list(_spans(text, start, end, _CLAUSE_BREAK))


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.VERBOSE)


# --- Blame ------------------------------------------------------------------------------------

_DET = r"(?:(?:the|our|my|your|their|his|her|that|this|those|these)\s+)"
_GROUP = r"""(?:
    (?:(?!(?:we|I|us|as|a|an|and|of|to|in|on|the|my|our|whole|entire)\b)\w+[\s-]){0,2}team|
    engineering|engineers?|dev(?:elopment|elopers?|s)?|product(?:\s+management|\s+managers?|
    \s+org)?|support|QA|testers?|ops|operations|devops|SREs?|infra(?:structure)?|IT|legal|finance|
    billing|accounting|procurement|marketing|implementation|onboarding|professional\s+services|
    solutions\s+engineering|sales(?:\s+engineering|\s+engineers?|\s+ops)?|customer\s+success|CSMs?|
    account\s+(?:manager|executive)s?|predecessor|previous\s+(?:rep|AE|CSM|owner|account\s+manager)|
    colleagues?|co-?workers?|teammates?|vendors?|suppliers?|partners?|resellers?|integrators?|
    contractors?|subcontractors?|consultants?|offshore\s+(?:team|devs?|engineers?)|third[-\s]part(?:y|ies)|
    (?:hosting|cloud|payment|integration|data|SaaS|software)\s+(?:provider|partner|vendor)s?|
    providers?|admins?|administrators?|developers?|backend|frontend|platform|interns?|new\s+hires?|
    juniors?|PMs?|project\s+managers?|architects?|managers?|boss|analysts?|technicians?|agents?|reps?|
    (?:someone|somebody|people)(?:\s+(?:in|on|from|at)\s+(?:the\s+)?\w+(?:\s+team)?)?|
    (?:\w+\s+)?department|(?:\w+\s+)?folks|(?:\w+\s+)?guys)"""
# A person named in the text ("Dave dropped the ball"); matched case-sensitively.
_NAME = (
    r"(?-i:(?!(?:I|We|You|It|This|That|The|Our|They|He|She|There|Here|What|If|When|So|And|But)\b)"
    r"[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)"
)
_PARTY = rf"(?:{_DET}?{_GROUP})"
_ACTOR = rf"(?:{_PARTY}|they|he|she|you|{_NAME})"
# Deeds only a team, vendor or partner is blamed for here: people and systems both "fail to" or
# "lose" things, so these need a party ("support missed it"), not a name or a pronoun.
_PARTY_DEED = r"""(?:broke|ruined|wrecked|missed|lost|caused|introduced|mis[a-z]+ed|
    (?:completely\s+|totally\s+)?failed\s+to|\w+ed\s+(?:the|a|an)\s+(?:wrong|incorrect)|
    pushed\s+(?:a\s+|the\s+)?(?:bad|broken|buggy)|shipped\s+(?:a\s+|the\s+)?(?:bad|broken|buggy)|
    (?:is|are|was|were)\s+(?:holding\s+(?:everything|this|us|it|things)\s+up|sitting\s+on\s+(?:it|this))|
    (?:is|are|was|were)\s+(?:too\s+)?slow\s+to|
    never\s+(?:prioriti[sz]ed|listened|followed\s+up|shipped|delivered|fixed|got\s+back)|
    (?:is|are|was|were)\s+the\s+(?:problem|reason|cause|culprit)|promised|
    (?:didn't|did\s+not|never|failed\s+to)\s+(?:deliver|ship|respond|show\s+up|communicate|document|
    update|notify|warn)|(?:has|have)\s+been\s+sitting\s+on|(?:is|are)\s+dragging\s+(?:their|its)\s+feet|
    keeps?\s+(?:stalling|delaying|breaking|slipping)|
    \w+ed\s+(?:\w+\s+){0,3}without\s+(?:telling|testing|checking|asking))"""
_BAD_DEED = r"""(?:dropped\s+the\s+ball|
    (?:really\s+|totally\s+|completely\s+|badly\s+)?(?:screwed|messed|fouled|mucked|cocked|fucked)\s+(?:it\s+|this\s+|things\s+|everything\s+)?up|botched|bungled|
    fumbled|blew\s+it|let\s+(?:us|you|me|them|the\s+customer|everyone)\s+down|
    oversold|over-?promised|mis-?sold|sat\s+on\s+(?:your|the|our)\s+\w+|left\s+(?:us|you)\s+
    (?:hanging|in\s+the\s+dark)|(?:didn't|did\s+not)\s+know\s+what\s+(?:they|he|she)\s+(?:was|were)\s+doing|
    (?:is|are|was|were)\s+asleep|broke\s+(?:it|everything|production|prod|the\s+build)|sat\s+on\s+(?:it|this)|
    dragged\s+(?:their|his|her|its)\s+feet|cut\s+corners|slacked\s+off|
    let\s+(?:it|this|that)\s+(?:slip|fall\s+through\s+the\s+cracks)|
    (?:gave|told)\s+(?:you|us|them)\s+(?:the\s+)?wrong|set\s+(?:the\s+)?wrong\s+expectations|
    made\s+(?:promises|a\s+mess|mistakes|a\s+mistake|an\s+error|a\s+hash)|
    (?:forgot|neglected|refused)\s+to|(?:didn't|did\s+not|never)\s+
    bother(?:ed)?|couldn't\s+be\s+bothered|ignored|mishandled|overlooked|
    (?:didn't|did\s+not|never)\s+(?:test|check|tell|told|follow|read|flag|escalate|listen|reply|
    respond|do\s+(?:their|his|her|its)\s+job)|should(?:\s+have|'ve)\s+(?:caught|tested|known|told|
    flagged|checked|fixed|done|seen)|keeps?\s+(?:breaking|dropping|missing|ignoring|screwing)|
    (?:is|are|was|were|has\s+been|have\s+been)\s+(?:totally\s+|completely\s+|so\s+)?(?:useless|
    incompetent|hopeless|lazy|careless|sloppy|clueless|negligent|unreliable|a\s+mess|a\s+disaster|
    to\s+blame|at\s+fault|asleep\s+at\s+the\s+wheel|out\s+of\s+(?:their|his|her)\s+depth|
    responsible\s+for\s+(?:this|the|that|your)\s+(?:mess|mix-?up|screw-?up|failure|fiasco|outage|
    delay|problem|issue|breach|bug)))"""
_FAULT_NOUN = r"(?:fault|mistake|screw-?up|incompetence|negligence|sloppiness|carelessness|mess)"
_BLAME_PATTERNS: tuple[re.Pattern[str], ...] = (
    _rx(rf"\b{_ACTOR}\s+(?:\w+\s+)?{_BAD_DEED}"),
    _rx(rf"\b{_PARTY}\s+(?:\w+\s+)?{_PARTY_DEED}"),
    _rx(rf"\b{_ACTOR}(?:'s|’s|s')\s+(?:own\s+|fault|{_FAULT_NOUN})\w*"),
    _rx(
        rf"\b(?:fault|blame)\s+(?:lies|rests|sits|is|was)\s+(?:entirely\s+|squarely\s+)?with\s+{_ACTOR}"
    ),
    _rx(rf"\bblam(?:e|ed|ing)\s+(?:it\s+on\s+|this\s+on\s+)?{_DET}?{_GROUP}"),
    _rx(rf"\b(?:thanks\s+to|because\s+of)\s+{_ACTOR}(?:'s|’s|s')?\s+{_FAULT_NOUN}"),
    _rx(rf"""\b(?:dropped|botched|bungled|fumbled|mishandled|ignored|messed\s+up|screwed\s+up|caused|
        introduced|broken|mis[a-z]+ed)\s+by\s+{_ACTOR}"""),
    _rx(
        rf"\b(?:it|this|that)\s+(?:was|is|'s)\s+{_ACTOR}\s+(?:who|that)\s+(?!\w+\s+(?:us|you)\s+(?:out|through))"
    ),
    _rx(rf"""\b(?:is|was|'s)\s+(?:really\s+|actually\s+|purely\s+|entirely\s+|just\s+)?an?\s+
        (?!team\b){_GROUP}\s+(?:issue|problem|mistake|error|failure|screw-?up)\b"""),
    _rx(rf"\bif\s+{_ACTOR}\s+had\s+(?:done|tested|listened|checked|followed|bothered)"),
    _rx(
        rf"\b(?:that's|that\s+is|this\s+is|it's|it\s+is)\s+(?:all\s+|entirely\s+)?on\s+{_DET}?{_GROUP}"
    ),
    _rx(r"\b(?:their|his|her)\s+(?:own\s+)?(?:fault|screw-?up|mess)\b"),
    _rx(rf"""\b{_PARTY}(?:'s|’s|s')\s+(?:sloppy|poor|shoddy|bad|terrible|careless|lazy|buggy|broken)\s+\w+
        |\b{_PARTY}(?:'s|’s|s')\s+(?:code|work|config|setup|release|update|change)\s+(?:was|is)\s+
        (?:garbage|trash|a\s+mess|terrible|awful|broken|sloppy|buggy)"""),
    _rx(rf"""\b(?:no\s+one|nobody)\s+(?:in|on|from|at)\s+{_PARTY}\s+(?:bothered|thought|cared|checked|
        tested|noticed)"""),
    _rx(
        r"\b(?:not|wasn't|isn't)\s+(?:my|our)\s+(?:fault|doing|problem)|\bdon't\s+blame\s+(?:me|us)\b|"
        r"\bnothing\s+to\s+do\s+with\s+(?:me|us|my\s+team)\b"
    ),
)
_BLAME_NEGATED = _rx(r"(?:\bnot|\bnever|n't|\bno\s+one|\bnobody|\bwithout)\s+(?:\w+\s+){0,2}$")
_OWN_TEAM = _rx(r"\b(?:our|my|we\s+as\s+a|as\s+a)\s+(?:whole\s+|entire\s+)?$")
_NOT_BLAME_ACTOR = _rx(
    r"^(?:we|I|us|our\s+team|everyone|(?:no\s+one|nobody)(?!\s+(?:in|on|from|at)\b))\b"
)


def _blame(text: str) -> Iterator[Finding]:
    for pattern in _BLAME_PATTERNS:
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 30) : m.start()]
            if _BLAME_NEGATED.search(before) and not m.group(0).lower().startswith(
                ("not", "don't")
            ):
                continue
            if _NOT_BLAME_ACTOR.match(m.group(0)):
                continue
            if m.group(0).lower().startswith("team") and _OWN_TEAM.search(before):
                continue  # "our whole team dropped the ball" takes ownership
            yield Finding(
                code="blame",
                quote=m.group(0),
                message=(
                    "This puts the fault on someone else. Speak for the company and take "
                    "ownership; describe what happened, not who failed."
                ),
                gotcha=GOTCHAS["blame"],
                start=m.start(),
                end=m.end(),
            )


# --- Over-promising ---------------------------------------------------------------------------

_WEEKDAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri)"
)
_MONTH = (
    r"(?:january|february|march|april|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
)
_NUMWORD = r"(?:\d+|a|an|one|two|three|four|five|six|seven|ten|a\s+couple\s+of|a\s+few|24|48|72)"
DATE = _rx(
    rf"""\b(?:(?:by|on|before|until|till|no\s+later\s+than|this|next|coming)\s+{_WEEKDAY}\b
    |{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH}|may)\b
    |may\s+\d{{1,2}}(?:st|nd|rd|th)?\b|(?:by|before|until|in|end\s+of)\s+(?:{_MONTH}|may)\b
    |\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?
    |(?:by|before|until|on)\s+the\s+\d{{1,2}}(?:st|nd|rd|th)\b
    |tomorrow|tonight|today|EOD|EOW|COB|ASAP
    |(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?(?:day|week|month|quarter|year|sprint|business\s+day)
    |(?:next|this|within\s+the\s+next|by\s+next)\s+(?:week|month|quarter|sprint|release|build|version|
    patch|update|few\s+days)|(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)
    |(?:within|in|inside)\s+{_NUMWORD}\s+(?:business\s+|working\s+)?(?:hours?|days?|weeks?|months?)
    |\b[1-4]Q\b|\bQ[1-4]\b|\bETA\b)"""
)
MONEY = _rx(
    r"""\b(?:(?:service\s+)?credits?|discount(?:s|ed)?|refund(?:s|ed)?|reimburs\w*|compensat\w*|
    rebates?|money\s+back|free\s+(?:of\s+charge|months?|upgrades?|seats?|licen[cs]es?|year|support|
    service|extension|add-?on)|(?:\w+\s+)?months?\s+(?:for\s+)?free|at\s+no\s+(?:extra\s+|additional\s+)?
    (?:cost|charge)|waiv(?:e|ed|ing)|on\s+the\s+house|\d+\s?%\s+off|[$€£]\s?\d[\d,.]*k?\s+off|
    price\s+(?:cut|reduction|freeze|match)|match\s+(?:the|their|your)\s+(?:\w+'s\s+)?price|
    write[-\s]off|comp(?:ed|ing)?\s+(?:you|them|the)|for\s+free|free\s+of\s+charge|
    no\s+charge\s+for|(?:won't|will\s+not|not)\s+(?:be\s+)?charg(?:e|ed))\b"""
)
_COMMIT = _rx(
    r"""\b(?:I|we|you|they)\s*(?:'ll|’ll|\s+will|\s+shall|'re\s+going\s+to|\s+are\s+going\s+to|
    'm\s+going\s+to|\s+am\s+going\s+to|\s+can|\s+could|'d\s+be\s+happy|\s+would\s+be\s+happy)\b
    |\b(?:I'm|I\s+am|we're|we\s+are)\s+(?:offering|giving|providing|applying|issuing|extending|adding|
    crediting|refunding|waiving|throwing\s+in|happy\s+to|glad\s+to)\b
    |\b(?:happy|glad)\s+to\s+(?:offer|give|provide|apply|issue|extend|throw)\b
    |\blet\s+me\s+(?:offer|give|apply|get\s+you)\b|\bgonna\b|\bguarantee|\bpromise
    |\b(?:I|we|you|they)\s+(?:won't|will\s+not)\b|\bexpect\b
    |\b(?:I|we|you|they)(?:'d|\s+would)\s+(?:give|offer|get|receive|apply|have|waive|refund|credit|
    provide|extend|throw|see)\b
    |\b(?:I'm|I\s+am|we're|we\s+are)\s+committed\s+to\b|\b(?:I|we)\s+commit\s+to\b
    |\b(?:I've|we've|I\s+have|we\s+have)\s+(?:already\s+)?(?:approved|arranged|authori[sz]ed|secured|
    applied|issued|added|processed)\b
    |\b(?:is|are)\s+(?:going\s+out|shipping|landing|rolling\s+out|being\s+(?:deployed|released|shipped))\b
    |\b(?:is|are|will\s+be)\s+(?:scheduled|planned|expected|due|set)\s+(?:for|to|by|on)\b
    |\bshould\s+be\s+(?:fixed|resolved|ready|live|done|deployed|shipped|restored|available|working|
    in\s+place|back)\b|\bETA\b
    |\b(?:will|'ll)\s+(?:definitely\s+|certainly\s+)?(?:be\s+)?(?:fixed|resolved|ready|live|done|
    deployed|shipped|restored|available|working|in\s+place|applied|issued|credited|refunded|waived|
    released|patched|back)\b"""
)
COMMUNICATION = _rx(
    r"""\b(?:update|updates|updated|follow[-\s]?up|get\s+back|circle\s+back|check\s+in|touch\s+base|
    reach\s+out|call|calls|ring|phone|email|e-mail|message|reply|respond|write\s+(?:to|back)|
    send\s+(?:you\s+|over\s+)?(?:an?\s+|the\s+|my\s+|our\s+)?(?:update|summary|recap|note|notes|
    status|report|agenda|invite|invitation|calendar|written)|share\s+(?:an?\s+|the\s+|our\s+)?
    (?:update|status|progress|summary|recap|agenda|findings|what)|let\s+you\s+know|keep\s+you\s+
    (?:posted|updated|informed|in\s+the\s+loop)|report\s+back|talk|speak|meet|meeting|discuss|
    schedule|set\s+up\s+(?:a|the)\s+(?:call|meeting|time)|join|sync|chat|hear\s+(?:from|back)|
    confirm\s+(?:receipt|the\s+time|a\s+time)|status|
    (?:send|share)\s+(?:you\s+|over\s+)?(?:an?\s+|the\s+|my\s+|our\s+)?(?:rca|root\s+cause\s+analysis|
    report|write-?up|plan|timeline|notes|minutes|findings|action\s+plan))\b"""
)
GUARANTEE = _rx(
    r"""\b(?:I|we)\s+(?:absolutely\s+|can\s+|do\s+|hereby\s+|personally\s+)?(?:guarantee|promise)\b
    |\bguaranteed\b|\bpromised\s+you\b|\bmy\s+promise\b|\b100\s?%\s+(?:sure|certain|guaranteed|fixed|
    resolved|confident|reliable|uptime)|\brest\s+assured\b|\byou\s+have\s+(?:my|our)\s+word\b
    |\b(?:I|we)\s+give\s+you\s+(?:my|our)\s+word\b|\bpermanently\s+(?:fixed|resolved|solved)\b
    |\b(?:fixed|resolved|solved)\s+for\s+good\b|\bno\s+more\s+(?:outages|downtime|incidents|bugs)\b
    |\b(?:will|'ll)\s+(?:definitely|certainly|absolutely|surely)\s+(?:be|have|get|fix|resolve|work)
    |\bconsider\s+it\s+done\b|\blast\s+time\s+(?:this|it)\s+(?:will\s+)?happens?\b
    |\b(?:I|we)(?:'ll|\s+will)\s+(?:personally\s+)?(?:make\s+sure|ensure)\s+(?:that\s+)?(?:it|this|the\s+\w+)
    (?:\s+is|\s+gets|\s+will\s+be|'s)\s+(?:fixed|resolved|sorted|working|done)"""
)
NEVER_AGAIN = _rx(
    r"""\b(?:never|won't|wont|will\s+not|doesn't|does\s+not|not)\s+(?:ever\s+)?(?:happen|occur|recur|
    break|fail|go\s+down|crash|be\s+an\s+issue)s?\s+again\b|\bnever\s+again\b|\bwon't\s+(?:ever\s+)?(?:recur|repeat)\b|\bnever\s+(?:recur|repeat)s?\b"""
)
_OUTCOME = _rx(
    r"\b(?:fix|fixed|resolv\w*|ship\w*|deliver\w*|restor\w*|work(?:s|ing)?|solv\w*|patch\w*|"
    r"releas\w*|deploy\w*|stable|ready|live|done|complet\w*|again)\b"
)
_HEDGE = _rx(
    r"""\b(?:can't|cannot|can\s+not|won't|will\s+not|wouldn't|would\s+not|unable\s+to|not\s+able\s+to|
    not\s+in\s+a\s+position\s+to|don't|do\s+not|never|not\s+going\s+to|refuse\s+to|avoid|
    isn't\s+something|is\s+not\s+something|rather\s+not)\s+(?:\w+\s+){0,3}?(?:promise|promising|
    guarantee|guaranteeing|commit|committing|offer|offering|give|provide|confirm|predict|put\s+a\s+date|
    quote|name|say|approve)\b|\b(?:no|without(?:\s+any)?)\s+(?:promises?|guarantees?|commitments?)\b
    |\bnot\s+(?:yet\s+)?(?:authori[sz]ed|approved)\b|\b(?:once|until|if|unless)\s+(?:it\s+is\s+|it's\s+|
    we\s+have\s+|we've\s+|I\s+have\s+|I've\s+)?(?:approved|authori[sz]ed|confirmed)\b"""
)
_PERMISSION_QUESTION = _rx(r"^(?:so\s+)?(?:can|could|should|may|would|shall|do|will)\s+(?:we|I)\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("’", "'")).strip()


def _money_stem(term: str) -> str:
    low = term.lower()
    for stem in (
        "credit",
        "discount",
        "refund",
        "reimburs",
        "compensat",
        "rebate",
        "money back",
        "free",
        "waiv",
        "no cost",
        "no charge",
        "off",
        "comp",
        "price",
        "write",
    ):
        if stem in low:
            return stem
    return low


def authorised_covers(clause: str, trigger: str, authorised: Sequence[str]) -> bool:
    """True when one authorised commitment covers the clause: same kind, same figures."""
    numbers = set(_NUMBER.findall(clause))
    stem = _money_stem(trigger) if MONEY.fullmatch(trigger) else _norm(trigger)
    for item in authorised:
        text = _norm(item)
        if stem in text and numbers <= set(_NUMBER.findall(text)):
            return True
    return False


def _over_promises(text: str, authorised: Sequence[str]) -> Iterator[Finding]:
    for s_start, s_end in sentences(text):
        sentence = text[s_start:s_end]
        question = sentence.rstrip().endswith("?")
        for c_start, c_end in clauses(text, s_start, s_end):
            clause = text[c_start:c_end]
            if _HEDGE.search(clause):
                continue
            if question and _PERMISSION_QUESTION.match(clause):
                continue  # "Can we offer a 10% credit?" asks leadership; it promises nothing
            why = _promise_reason(clause, authorised)
            if why:
                yield Finding(
                    code="over_promise",
                    quote=clause,
                    message=why,
                    gotcha=GOTCHAS["over_promise"],
                    start=c_start,
                    end=c_end,
                )


def _promise_reason(clause: str, authorised: Sequence[str]) -> str | None:
    talks = COMMUNICATION.search(clause)
    never = NEVER_AGAIN.search(clause)
    if never and not authorised_covers(clause, never.group(0), authorised):
        return (
            "No one can promise it will never happen again. Say what you are changing to "
            "prevent it, and commit to follow-up instead."
        )
    money = MONEY.search(clause)
    if (
        money
        and _COMMIT.search(clause)
        and not authorised_covers(clause, money.group(0), authorised)
    ):
        return (
            f"'{money.group(0)}' is not in the case's authorised commitments. Get it approved "
            "before you offer it, or leave it out."
        )
    guarantee = GUARANTEE.search(clause)
    outcome_free_talk = talks and not _OUTCOME.search(clause)
    if (
        guarantee
        and not outcome_free_talk
        and not authorised_covers(clause, guarantee.group(0), authorised)
    ):
        return (
            "This is a guarantee. Set realistic expectations: promise the next step and the "
            "follow-up, not the outcome."
        )
    date = DATE.search(clause)
    if (
        date
        and not talks
        and _COMMIT.search(clause)
        and not authorised_covers(clause, date.group(0), authorised)
    ):
        return (
            f"This commits to a delivery date ('{date.group(0)}') the case does not authorise. "
            "Commit to when you will next update them, not to when it will be fixed."
        )
    return None


# --- Acknowledgement and ask ------------------------------------------------------------------

_ACKNOWLEDGE = _rx(
    r"""\b(?:I|we)\s+(?:completely\s+|fully\s+|really\s+|totally\s+|truly\s+|do\s+|can\s+)?(?:understand|
    hear\s+you|recogni[sz]e|acknowledge|realise|realize|know\s+(?:how|this|that|it|you)|
    see\s+(?:why|how)|get\s+(?:it|why|how|that)|appreciate\s+(?:how|that|your\s+(?:patience|
    frustration|concern|candou?r|honesty)|you\s+(?:raising|flagging|telling)))\b
    |\b(?:I'm|I\s+am|we're|we\s+are)\s+(?:so\s+|very\s+|really\s+|truly\s+|deeply\s+)?sorry\b
    |\bsorry\s+(?:for|about|that|to\s+hear)\b|\b(?:I|we)\s+(?:sincerely\s+)?apologi[sz]e\b
    |\bapolog(?:y|ies)\b|\byou(?:'re|\s+are)\s+(?:absolutely\s+|completely\s+)?right\b
    |\b(?:your|this|the)\s+(?:frustration|concerns?|disappointment)\b|\bunderstandabl[ey]\b
    |\bthat's\s+on\s+(?:us|me)\b|\bwe\s+(?:let\s+you\s+down|dropped\s+the\s+ball|fell\s+short|
    got\s+this\s+wrong|missed\s+the\s+mark)\b|\b(?:is|was|has\s+been|isn't|wasn't|hasn't\s+been)\s+
    (?:not\s+)?(?:acceptable|good\s+enough)\b|\bthanks?(?:\s+you)?\s+for\s+(?:raising|flagging|
    your\s+patience|bearing\s+with|letting\s+(?:me|us)\s+know|being\s+(?:so\s+)?(?:candid|direct|
    patient|frank|open|clear))|\b(?:I|we)\s+take\s+(?:full\s+)?(?:ownership|responsibility)\b
    |\b(?:I|we)\s+(?:deeply\s+|sincerely\s+)?regret\b|\bnot\s+the\s+experience\b|\bmy\s+apologies\b"""
)
_ASK = _rx(
    r"""\b(?:I|we)\s+(?:really\s+|urgently\s+|now\s+|will\s+)?need\b|\bneed\s+(?:you|your|help|approval|
    a\s+decision|sign[-\s]?off|leadership|an?\s+exec\w*|someone|to\s+(?:get|bring|involve|escalate))\b
    |\b(?:can|could|would|will)\s+(?:you|we)\b[^.?!\n]*\?|\bplease\b
    |\b(?:I'd|I\s+would|we'd|we\s+would)\s+(?:like|love|appreciate)\s+(?:you|your|to\s+(?:get|ask|
    bring|have|request|escalate|loop|involve|set\s+up|schedule))\b|\b(?:my|the|our)\s+ask\b
    |\b(?:I'm|I\s+am|we're|we\s+are)\s+asking\b|\b(?:I|we)\s+(?:request|ask)\b|\brequesting\b
    |\b(?:approve|approval|sign[-\s]?off|authori[sz]e|authori[sz]ation)\b|\bhelp\s+(?:me|us)\b
    |\bwould\s+you\s+be\s+(?:able|willing|open)\b|\blet\s+me\s+know\s+(?:if|whether|how|what)\b
    |\bask:|\b(?:would\s+)?appreciate\s+(?:your|you|if|it\s+if)\b|\blooking\s+for\s+(?:your|help|guidance|
    approval|support|a\s+decision|an?\s+exec)|\blet's\s+(?:discuss|talk|get|set\s+up|meet|schedule|
    escalate|bring|loop)\b"""
)


def _first_sentence(text: str) -> tuple[int, int]:
    found = sentences(text)
    return found[0] if found else (0, 0)


# --- The check --------------------------------------------------------------------------------


def check(text: str, kind: Kind = "any", authorised: Iterable[str] = ()) -> list[Finding]:
    """Every finding on `text`, in order of position; one per code and span."""
    allowed = [a for a in authorised if a and a.strip()]
    findings: list[Finding] = [*_blame(text), *_over_promises(text, allowed)]
    if kind == "customer" and not _ACKNOWLEDGE.search(text):
        start, end = _first_sentence(text)
        findings.append(
            Finding(
                code="missing_acknowledgement",
                quote=text[start:end],
                message=(
                    "The message never acknowledges the customer's concern. Open with it: "
                    '"I understand your frustration, and I want to make sure we address this '
                    'properly."'
                ),
                gotcha=GOTCHAS["missing_acknowledgement"],
                start=start,
                end=end,
            )
        )
    if kind == "manager" and not _ASK.search(text):
        start, end = _first_sentence(text)
        findings.append(
            Finding(
                code="no_ask",
                quote=text[start:end],
                message=(
                    "The message never says what you need from leadership. Add a clear ask: a "
                    "decision, an approval, or someone to join the call."
                ),
                gotcha=GOTCHAS["no_ask"],
                start=start,
                end=end,
            )
        )
    return _dedupe(findings)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -(f.end - f.start))):
        if any(k.code == f.code and k.start <= f.start and f.end <= k.end for k in kept):
            continue
        kept.append(f)
    return kept


def codes(findings: Iterable[Finding]) -> set[str]:
    return {f.code for f in findings}
