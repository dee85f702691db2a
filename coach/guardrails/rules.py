"""Guardrails: the playbook's gotchas as rules you can read and test.

`check(text, kind, authorised)` finds blame (throwing others under the bus), over-promising
(guarantees, delivery dates, money the case does not authorise), a customer message that never
acknowledges the concern, and a manager message with no ask. Every finding quotes the exact span
of the text it is about, says why, and cites the playbook.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal, cast

from pydantic import BaseModel

Code = Literal["blame", "over_promise", "missing_acknowledgement", "no_ask", "internal_disclosure"]
Kind = Literal["customer", "manager", "any"]
CODES: tuple[str, ...] = (
    "blame",
    "over_promise",
    "missing_acknowledgement",
    "no_ask",
    "internal_disclosure",
)

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
    "internal_disclosure": (
        "Escalation Communication > To Customer: acknowledge the concern and introduce leadership; "
        "deal figures and internal notes stay internal"
    ),
}


class Finding(BaseModel):
    code: Code
    quote: str
    message: str
    gotcha: str
    start: int = 0
    end: int = 0


# --- Text spans -------------------------------------------------------------------------------

# "Dr. Kwame Asante", "St. Aidan's Health": a title's or a saint's dot ends no sentence
_ABBREVIATED = r"(?:(?<=\bDr)|(?<=\bSt)|(?<=\bMr)|(?<=\bMs)|(?<=\bMrs)|(?<=\bProf))\.(?=\s+[A-Z])"
_SENTENCE_END = re.compile(rf"(?!{_ABBREVIATED})[.!?]+(?=[\s\"')\]]|$)|\n+")
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


class _Lazy:
    """A pattern compiled on first use, from the program kept in the cache folder when there is
    one: compiling all of them took about a second of every cold start."""

    __slots__ = ("_compiled", "_source")

    def __init__(self, source: str) -> None:
        self._source = source
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            from coach.cache import pattern

            self._compiled = pattern(self._source, re.IGNORECASE | re.VERBOSE)
        return getattr(self._compiled, name)


def _rx(pattern: str) -> re.Pattern[str]:
    return cast("re.Pattern[str]", _Lazy(pattern))


def lazy_pattern(pattern: str) -> re.Pattern[str]:
    """A pattern (IGNORECASE | VERBOSE) compiled on first use, from the cached program."""
    return _rx(pattern)


# --- Blame ------------------------------------------------------------------------------------
# Blame is a failure pinned on a party other than "we" or "I": a team or function, a role, a
# vendor or partner, a named colleague, or the customer's own staff. The rules look for who is
# the subject of a failure ("support ignored your ticket"), who a failure is attributed to ("caused
# by our hosting provider", "on the vendor side", "marketing's doing"), deflection ("not my
# fault"), and sarcasm aimed at a team ("great job, infra").

_DET = r"(?:(?:the|our|my|your|their|his|her|that|this|those|these|its)\s+)"
# Words that cannot modify a party's head noun ("the implementation partner", "our cloud provider").
_NOT_MODIFIER = r"""(?:we|I|us|you|they|he|she|it|as|a|an|and|or|of|to|in|on|at|for|with|by|from|
    the|my|our|your|their|his|her|this|that|these|those|is|are|was|were|be|been|has|have|had|do|
    did|not|no|so|but|if|whole|entire|own|who|which|what|when|then|than)"""
_MODIFIERS = rf"(?:(?!{_NOT_MODIFIER}\b)[\w&]+[\s-]){{0,2}}"
_HEAD = r"""(?:teams?|department|dept|org|organi[sz]ation|group|squad|crew|staff|folks|guys|
    vendors?|suppliers?|partners?|providers?|resellers?|integrators?|contractors?|subcontractors?|
    consultants?|agency|company|firm|hosts?|carriers?|colleagues?|co-?workers?|teammates?|
    predecessors?|reps?|AEs?|CSMs?|SEs?|TAMs?|PMs?|admins?|administrators?|managers?|boss|
    engineers?|developers?|devs|testers?|analysts?|architects?|technicians?|agents?|interns?|
    hires?|juniors?|people|leadership|management|processors?|couriers?|specialists?|desk|
    (?:service|data)\s+cent(?:er|re)|outfit|shop)"""
_FUNCTION = r"""(?:engineering|eng|R&D|dev(?:elopment)?|product(?:\s+management)?|support|QA|ops|
    operations|devops|SREs?|infra(?:structure)?|(?-i:IT)|legal|finance|billing|accounting
    |procurement|
    marketing|implementation|onboarding|professional\s+services|solutions\s+engineering|
    sales(?:\s+engineering|\s+ops)?|customer\s+success|security|compliance|HR|backend|frontend|
    third[-\s]part(?:y|ies))"""
_GROUP = rf"""(?:{_MODIFIERS}{_HEAD}\b|{_FUNCTION}\b(?!-)|
    (?:someone|somebody|people|nobody|no\s+one)\s+(?:in|on|from|at)\s+{_DET}?(?:{_MODIFIERS}{_HEAD}|
    {_FUNCTION})\b)"""
# A person named in the text ("Dave forgot to renew"); matched case-sensitively.
NAME = r"""(?-i:(?!(?:I|We|You|It|This|That|The|Our|They|He|She|There|Here|What|If|When|So|And|But|
    Honestly|Frankly|Unfortunately|Apparently|Sadly|Clearly|Obviously|Basically|Again|Also|Then|
    Now|Today|Yesterday|Please|Thanks|Thank|Hi|Hey|Dear|Sorry|Yes|No|Just|Once|After|Before|Since|
    Because|While|Although|Everyone|Everything|Nobody|Someone|Who|Why|How|Where|Which|Whoever|Both|
    Each|All|Some|Any|Let|Per|Its|Their|Your|My|His|Her|Not|Never|Only|Even|Still|Maybe|Perhaps|
    Given|Last|Next|Login|Nothing|Something|Anything)\b)[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\b)"""
PARTY = rf"(?:{_DET}?{_GROUP}|{NAME}\s+(?:from|in|on|at)\s+{_DET}?{_GROUP})"
# "the partner you chose configured it wrong": the party is still the one who failed.
_CHOSEN = r"""(?:\s+(?:you|they|we)\s+(?:chose|picked|hired|selected|use|used|brought\s+in|
    work\s+with)|\s+(?:before|after)\s+(?:me|us|my\s+time)|\s+(?:who
    |that)\s+(?:[\w'’-]+\s+){0,3}?[\w'’-]+|\s*,\s*[^,.;!?\n]{1,25},)?"""
_ACTOR = rf"""(?:{PARTY}{_CHOSEN}|whoever(?:\s+[\w'’-]+){{1,4}}?|they|he|she|you|{NAME})"""
# Words between a subject and its failure ("our contractors wrote the integration and clearly
# didn't test it"); a new subject or a subordinate clause ends the run.
_GAP = r"""(?:(?!(?:that|which|who|whom|whose|because|since|we|I|you|they|he|she|but|so|when|
    after|before|if|while|until|once|although|though|whether)\b)[\w'’-]+,?\s+){0,5}?
    (?:[^,.;!?\n]{1,30},\s+(?:(?:as|like)\s+[^,.;!?\n]{1,40},\s+)?(?:and\s+)?)?"""
# Failures anyone can be blamed for, a named person or a pronoun included.
_FAILURE = r"""(?:dropped\s+the\s+ball|
    (?:\w+ly\s+)?(?:screwed|messed|fouled|mucked|cocked|fucked|stuffed)\s+(?:it\s+|this\s+|that\s+|
    things\s+|everything\s+|\w+\s+)?up|botched|bungled|fumbled|blew\s+it|nuked|trashed|torched|
    let\s+(?:us|you|me|them|the\s+customer|everyone|the\s+team)\s+down|oversold|over-?promised|
    mis-?sold|sat\s+on|took\s+(?:[\w'-]+\s+){0,3}?down|made\s+(?:it|things|this|everything)\s+worse|
    broke\s+(?:it|everything|production|prod|the\s+build|things|stuff)|
    (?:did|has\s+done|have\s+done|had\s+done)\s+(?:absolutely\s+)?nothing|had\s+no\s+(?:idea|clue)|
    (?:didn't|did\s+not)\s+know\s+what\s+(?:they|he|she)\s+(?:was|were)\s+doing|
    (?:should|ought\s+to|needs?\s+to|deserves?\s+to)\s+(?:be\s+(?:fired|sacked|let\s+go|ashamed|
    held\s+accountable|disciplined)|lose\s+(?:their|his|her)\s+jobs?)|(?:is|are|was|were)\s+asleep|dragged\s+(?:their|his|her|its)\s+feet|cut\s+corners|slacked\s+off|
    let\s+(?:it|this|that)\s+(?:slip|fall\s+through\s+the\s+cracks)|
    left\s+(?:[\w'-]+\s+){0,3}?(?:hanging|in\s+the\s+dark|in\s+the\s+lurch|high\s+and\s+dry|
    in\s+(?:a|such\s+a)\s+(?:\w+\s+)?(?:state|mess|shape))|
    (?:gave|told|sent)\s+(?:(?:you|us|them|him|her)\s+)?(?:the\s+|a\s+|an\s+)?(?:wrong|bad
    |incorrect|
    outdated|misleading)|set\s+(?:the\s+)?wrong\s+expectations|
    made\s+(?:promises|a\s+mess|mistakes|a\s+mistake|an\s+error|a\s+hash)|
    (?:forgot|neglected|refused)\s+to|couldn't\s+be\s+bothered|(?:didn't|did\s+not|never)\s+
    bother(?:ed)?|ignored|mishandled|overlooked|
    (?:didn't|did\s+not|never)\s+(?:test|check|tell|told|follow|read|flag|escalate|listen|reply|
    respond|do\s+(?:their|his|her|its)\s+job)|
    should(?:\s+have|'ve)\s+(?:caught|tested|known|told|flagged|checked|fixed|done|seen|noticed|
    warned|escalated|asked|read|followed|listened|scoped|planned|reviewed)|
    (?:should\s+never|shouldn't|should\s+not)\s+have\s+\w+|
    keeps?\s+(?:breaking|dropping|missing|ignoring|screwing|messing|failing)|
    (?:(?:didn't|did\s+not|never|won't|wouldn't)\s+lift(?:ed)?\s+a\s+finger)|
    (?:get|gets|got)\s+(?:their|its|his|her)\s+act\s+together|let\s+(?:[\w'-]+\s+){0,2}?through|
    (?:(?:is|are|was|were|has\s+been|have\s+been|had\s+been|been|got|gets|getting|became|seems?|
    seemed)\s+|['’](?:s|re|ve)\s+(?:been\s+)?)(?:\w+ly\s+|so\s+|pretty\s+|just\s+)?(?:useless|
    incompetent|hopeless|lazy|careless|sloppy|clueless|negligent|unreliable|unresponsive|flaky|
    disorgani[sz]ed|incapable|a\s+nightmare|a\s+joke|impossible\s+to\s+work\s+with|MIA|AWOL|
    missing\s+in\s+action|a\s+mess|a\s+disaster|to\s+blame|at\s+fault|asleep\s+at\s+the\s+wheel|
    out\s+of\s+(?:their|his|her)\s+depth|responsible\s+for\s+(?:this|the|that|your)\s+(?:mess|
    mix-?up|screw-?up|failure|fiasco|outage|delay|problem|issue|breach|bug)))"""
# Careless conduct, which a named colleague can be blamed for as much as a team.
_CONDUCT = r"""(?:mis(?!s)[a-z]+ed|mis(?:read|understood|heard|took|spoke|led)|rubber-?stamped
    |(?:\w+ed|gave|put|sent|took|made|ran|chose|picked|
    wrote|built|set|did)\s+(?:[\w'-]+\s+){0,4}?(?:the|a|an)\s+(?:wrong|bad|incorrect|broken
    |buggy|faulty|
    outdated)|(?:rushed|skipped|half-?assed|glossed\s+over|winged)|
    \w+ed\s+(?:[\w'-]+\s+){0,5}?without\s+(?:telling|testing|checking|asking|reading|looking|
    reviewing|notifying|informing|confirming|verifying|running|validating|consulting))"""
# Failures only a team, vendor or partner is blamed for here: people and systems both "fail to",
# "miss" or "lose" things, so these need a party ("support missed it"), not a name or a pronoun.
_PARTY_FAILURE = r"""(?:broke|ruined|wrecked|missed|caused|introduced|mis[a-z]+ed|
    lost\s+(?!(?:\w+\s+){0,2}(?:time|hours?|days?|weeks?|months?|revenue|money|productivity|sleep|
    business|customers|sales|trust|confidence|work)\b)(?:the|a|an|our|your|their|track|it|this|that|
    \w+['’]s)\b|waved\s+(?:[\w'-]+\s+){0,3}?through|
    (?:don't|doesn't|didn't|do\s+not|does\s+not|did\s+not)\s+(?:really\s+|even\s+)?(?:know|
    understand)\s+(?:the|our|what|how|their|its|anything)\b(?![^.;!?\n]*\byet\b)|
    double[-\s]?charged|overcharged|over-?billed|(?:completely\s+|totally\s+)?failed\s+to|
    (?:\w+ed|set(?:\s+up)?|put|built|wrote|ran|did|made)\s+(?:[\w'-]+\s+){0,3}?(?:incorrectly
    |wrongly|
    badly|improperly|poorly|sloppily|wrong)\b|dropped\s+(?:this|the|our|your|their)\s+(?:account|
    customer|ticket|request|case|ball)|(?:has|have|had)\s+no\s+(?:idea|clue)|(?:ghosted|stonewalled|
    abandoned|bailed\s+on|went\s+(?:dark|silent|quiet|AWOL))|(?:was|were)\s+supposed\s+to\s+
    [^.;!?\n]*?\b(?:and|but)\s+(?:didn't|did\s+not|never|forgot|failed)|
    should\s+be\s+(?:fired|sacked|let\s+go|ashamed|held\s+accountable)|
    (?:\w+ed|gave|put|sent|took|made|ran|chose|picked|wrote|built|set|did)\s+(?:[\w'-]+\s+){0,4}?
    (?:the|a|an)\s+(?:wrong|bad|incorrect|broken|buggy|faulty|outdated)|
    (?:rushed|skipped|half-?assed|cut\s+short|glossed\s+over|winged|guessed)\b|
    (?:can't|cannot|couldn't|could\s+not)\s+(?:seem\s+to|even|handle|manage|be\s+trusted|
    get\s+(?:their|its|his|her)\s+act)|
    (?:pushed|shipped|released|rushed|deployed|delivered)\s+(?:(?:it|this|that|a|an|the)\s+)?
    (?:\w+\s+)?(?:out\s+)?(?:half-baked|broken|untested|unfinished|buggy|too\s+early
    |without\s+testing)|
    (?:(?:is|are|was|were|keeps?|kept)\s+)?holding\s+(?:[\w'-]+\s+){0,2}?up|
    (?:has|have|had)\s+been\s+sitting\s+on|(?:is|are|was|were)\s+sitting\s+on|
    (?:(?:is|are|was|were|has\s+been|have\s+been|had\s+been)\s+|['’](?:s|re|ve)\s+(?:been\s+)?)
    (?:\w+ly\s+|so\s+|too\s+)?slow\b|(?:is|are)\s+dragging\s+(?:their|its)\s+feet|
    (?:takes?|took|taking)\s+(?:forever|ages|weeks|months|(?:\w+\s+)?(?:weeks|months))\b|
    rubber-?stamped|delayed|postponed|deprioriti[sz]ed|
    keeps?\s+(?!(?:working|improving|helping|getting\s+better|us\s+|you\s+|me\s+|them\s+))\w+ing|
    (?:is|are|was|were)\s+(?:the|a)\s+(?:real\s+|main\s+|biggest\s+|whole\s+|only\s+)?(?:problem|
    reason|cause|culprit|bottleneck|blocker|hold-?up|weak\s+link)|promised|
    (?:didn't|did\s+not|never|failed\s+to|refused\s+to|refuses\s+to|won't|wouldn't|hasn't|
    haven't)\s+(?:bother\w*\s+to\s+)?(?!(?:have|has|had|need|know|find|found|see|saw|hear|
    receive|get|mean|say|think|expect|realise|realize|want|like|yet|been|seen|heard|happen|
    change|stop|stopped|go|went)\b)\w+\b(?![\w\s]{0,30}\byet\b)|
    keeps?\s+(?:stalling|delaying|breaking|slipping|failing|crashing|dropping)|
    \w+ed\s+(?:[\w'-]+\s+){0,5}?without\s+(?:telling|testing|checking|asking|warning|notice|
    any\s+\w+|a\s+\w+|consulting|reading|looking|reviewing|notifying|informing|confirming|
    responding|replying|understanding|verifying|running|validating|following|doing|updating)
    |closed\s+(?:[\w'-]+\s+){0,2}?(?:ticket|case|P\d|issue)s?\s+
    (?:as\s+\W?resolved|without)|
    (?:thought|thinks|decided|figured|assumed|seems?\s+to\s+think)\s+(?:[\w'-]+\s+){0,4}?
    (?:(?:was|were|is|are|be)\s+(?:optional|unnecessary|someone\s+else's\s+(?:job|problem)|
    a\s+suggestion|not\s+(?:their|his|her)\s+(?:job|problem))|(?:wasn't|isn't|weren't|aren't|
    was\s+not|is\s+not)\s+(?:a\s+|their\s+|his\s+|her\s+)?(?:priority|important|urgent|worth)))"""
_FAULT_NOUN = r"""(?:fault|doing|mistake|screw-?up|blunder|error|oversight|incompetence|
    negligence|sloppiness|carelessness|mess|bad)"""
_ATTRIBUTED = r"""(?:dropped|botched|bungled|fumbled|mishandled|ignored|messed\s+up|screwed\s+up|
    caused|introduced|broken|pushed|overlooked|missed|lost|delayed|held\s+up|mis[a-z]+ed)"""
_SIDE = rf"(?:on|from)\s+(?:the\s+)?(?:{_MODIFIERS}{_HEAD}|{_FUNCTION})(?:'s|’s)?\s+(?:side|end)\b"
_NEGATIVE = r"""(?:another|again|outage|broke|broken|down|without|fail\w*|missed|bug|
    as\s+usual|classic|🙄|🙃|😒|😑|🤦\S*|/s)"""
_SARCASM = r"""(?:🙄|🙃|😒|😑|🤦\S*|(?<!\w)/s\b|\bas\s+usual\b|\byet\s+again\b|\bsurprise,?\s+surprise\b|
    \bshocker\b|\banother\s+(?:stellar|great|fantastic|brilliant|amazing|wonderful|stunning)\b)"""
# A party in these is the subject of the failure; one in object position ("asked support") is not.
_SUBJECT_PATTERNS: tuple[re.Pattern[str], ...] = (
    _rx(rf"\b{_ACTOR}(?:\s+{_GAP}|(?=['’]))(?:{_FAILURE})\b"),
    _rx(rf"\b{PARTY}{_CHOSEN}\s+{_GAP}{_PARTY_FAILURE}\b"),
    _rx(rf"\b{NAME}\s+(?:\w+ly\s+)?{_CONDUCT}\b"),
    _rx(rf"""\b(?:because|since|cause)\s+{PARTY}\s+(?:\w+ly\s+)?(?!(?:needed|wanted|asked
        |requested|
        noticed|agreed|confirmed|helped|fixed|resolved|tested|checked|reviewed|worked|escalated|
        offered|approved|found)\b)(?:\w+ed|took|forgot|left|made|gave|sent|broke|lost|did|didn't|
        never|couldn't|wouldn't|won't|can't)\b"""),
    _rx(rf"""\b{_ACTOR}\s+{_GAP}(?:\w+ed|put|sent|took|set|ran|did|made|gave|broke|left|forgot)\b
        [^.;!?\n]*?,?\s+(?:which|that|and\s+that|so\s+that)(?:'s|’s|\s+is|\s+was)\s+(?:why|how|
        what\s+(?:broke|caused))\b|\b(?:which|that)\s+(?:caused|broke|led\s+to|triggered)\b"""),
)
_BLAME_PATTERNS: tuple[re.Pattern[str], ...] = (
    _rx(rf"\b{_ACTOR}(?:'s|’s|s')\s+(?:own\s+)?{_FAULT_NOUN}\b"),
    _rx(rf"""\b(?:fault|blame)\s+(?:lies|rests|sits|is|was)\s+(?:\w+ly\s+)?with\s+{_ACTOR}"""),
    _rx(rf"\bblam(?:e|ed|ing)\s+(?:it\s+on\s+|this\s+on\s+|that\s+on\s+)?{PARTY}"),
    _rx(rf"\b(?:thanks\s+to|because\s+of|due\s+to)\s+{_ACTOR}(?:'s|’s|s')\s+{_FAULT_NOUN}"),
    _rx(rf"""\b(?:down\s+to|because\s+of|due\s+to|courtesy\s+of|(?:all|squarely|entirely)\s+on)\s+
        {PARTY}(?=\s*(?:[.,;:!?)]|$)|\s+(?:again|not|who|and|alone)\b)"""),
    _rx(rf"\b{_ATTRIBUTED}\s+by\s+{_ACTOR}"),
    _rx(rf"""\b(?:(?:is|are|was|were|'s|’s|lies|sits)\s+(?:\w+ly\s+|all\s+)?|(?:dropped|missed|lost|
        broke|botched|slipped|stalled|stuck|went\s+wrong|fell\s+apart|messed\s+up|screwed\s+up|
        failed)\s+(?:\w+\s+){{0,2}}?){_SIDE}"""),
    _rx(
        rf"\b(?:it|this|that)(?:\s+was|\s+is|'s|’s)\s+{_ACTOR}\s+(?:who|that)\s+(?!\w+\s+(?:us|you)\s+(?:out|through))"
    ),
    _rx(rf"""\b(?:is|was|'s)\s+(?:really\s+|actually\s+|purely\s+|entirely\s+|just\s+)?an?\s+
        (?!team\b){_GROUP}\s+(?:issue|problem|mistake|error|failure|screw-?up)\b"""),
    _rx(rf"""\bif\s+{_ACTOR}\s+(?:had|'d)(?:n't|\s+not)?\s+(?:just\s+|only\s+|actually\s+)?
        (?:done|tested|listened|checked|followed|bothered|\w+(?:\s+[\w'-]+){{0,3}}?\s+(?:properly|
        correctly|right|carefully|on\s+time|in\s+time|first))\b"""),
    _rx(rf"\b(?:that's|that\s+is|this\s+is|it's|it\s+is)\s+(?:all\s+|entirely\s+)?on\s+{PARTY}"),
    _rx(r"\b(?:their|his|her)\s+(?:own\s+)?(?:fault|screw-?up|mess)\b"),
    # A third party's duty or fault as the predicate: "is squarely the vendor's responsibility".
    _rx(rf"""\b(?:is|was|are|were|'s|’s|remains?|lies|rests)\s+(?:\w+ly\s+|all\s+|just\s+)?
        (?!(?:our|my|every|each|all|both|any|everyone|everybody|the\s+whole|the\s+entire)\b)
        {PARTY}(?:'s|’s|s')\s+(?:own\s+)?(?:responsibility|fault|doing|problem|mess|screw-?up
        |mistake|issue)\b(?=\s*(?:[.,;:!?)]|\s[-–—]\s|$)|\s+(?:not|and|here|alone|now|this\s+time)\b)"""),
    _rx(rf"""\b{PARTY}(?:'s|’s|s')\s+(?:own\s+)?(?:sloppy|poor|shoddy|bad|terrible|careless|lazy|buggy
        |broken|rushed|botched|bungled|half-baked|untested|faulty|failed|reckless|negligent|
        incompetent|messy|awful|lousy|hasty|haphazard|slipshod|amateurish|mishandled)\s+\w+
        |\b{PARTY}(?:'s|’s|s')\s+(?:code|work|config|setup|release|update|change)\s+(?:was|is)\s+
        (?:garbage|trash|a\s+mess|terrible|awful|broken|sloppy|buggy)"""),
    _rx(rf"""\b(?:no\s+one|nobody)\s+(?:in|on|from|at)\s+{PARTY}\s+(?:bothered|thought|cared
        |checked|
        tested|noticed)"""),
    _rx(rf"\b(?:typical|classic|trust|leave\s+it\s+to)\s+{PARTY}\b"),
    _rx(rf"\bwhat\s+happens\s+when\s+{PARTY}"),
    _rx(rf"""\b(?:delay|problem|issue|fault|blame|responsibility|hold-?up|bottleneck
        |ball)\s+(?:sits|lies|
        rests|is|was)\s+(?:\w+ly\s+)?with\s+{PARTY}"""),
    _rx(rf"""\bif\s+{_ACTOR}\s+(?:had\s+|'d\s+)?(?:\w+ly\s+|just\s+|only\s+|ever\s+|even\s+)?
        \w+\b[^.;!?\n]*?\b(?:we|this|it|you|they|I)\s+(?:wouldn't|would\s+not|would\s+never)"""),
    _rx(rf"\b(?:fault|doing|mistake|error|failure|negligence)\s+of\s+{PARTY}"),
    _rx(rf"""\b{PARTY}\b[^.;!?\n]*?,?\s+(?:so|which\s+is\s+why|that's\s+why|and\s+that's\s+why)\s+
        [^.;!?\n]*?\b(?:got|were|was|have\s+been|has\s+been|went)\s+(?:\w+ly\s+)?(?:mishandled|lost|
        ignored|dropped|missed|botched|stuck|broken|misrouted|overlooked|wrong|mis[a-z]+ed)\b"""),
    _rx(rf"\b{_ACTOR},?\s+who\s+{_GAP}(?:{_FAILURE}|{_PARTY_FAILURE})\b"),
    _rx(rf"""\b{PARTY}(?:'s|’s)\s+(?:call|decision|idea|choice)\b(?=[^.!?\n]*\b(?:without|not\s+to|
        skip|rush|ignore|cut)\w*)"""),
    _rx(r"\b(?:no\s+one|nobody)\s+(?:there|over\s+there|on\s+their\s+(?:end|side))\s+\w+"),
    _rx(rf"\b{PARTY}\b(?=[^.!?\n]*{_SARCASM})|{_SARCASM}[^.!?\n]*?\b{PARTY}\b"),
    _rx(rf"""\b(?:(?:great|nice|good|fantastic|stellar|brilliant|amazing|awesome|excellent|super)\s+
        (?:job|work|going|stuff)|well\s+done|thanks(?:\s+a\s+lot|\s+so\s+much|\s+again)?|kudos)
        ,?\s+(?:to\s+)?{PARTY}\b(?=[^.!?\n]*{_NEGATIVE})"""),
    _rx(
        r"\b(?:not|wasn't|isn't)\s+(?:my|our)\s+(?:fault|doing|problem|mistake)|\bdon't\s+blame\s+"
        r"(?:me|us)\b|\bnothing\s+to\s+do\s+with\s+(?:me|us|my\s+team)\b|"
        r"\b(?:it|this|that)\s+(?:wasn't|was\s+not)\s+(?:us|me|on\s+us|on\s+me)\b|"
        r"(?:^|[.!?]\s+|\b(?:it's|this\s+is|that's)\s+)not\s+on\s+(?:us|me)\b"
    ),
)
# Further attributions: a fault noun with its agent ("an oversight by billing", "mistakes were made
# by the onboarding team"), a cause traced to a party ("stems from the vendor's QA", "came down to
# finance sitting on it"), a counterfactual ("none of this would have happened if ops had ..."),
# and deflection onto a party ("came from the analytics team, not from us").
_CAUSE = r"""(?:stem(?:s|med|ming)?\s+from|trac(?:es|ed|ing)\s+back\s+to|(?:can|could)\s+be\s+
    traced\s+(?:back\s+)?to|(?:comes?|came|coming)\s+down\s+to|boil(?:s|ed)?\s+down\s+to|
    originat\w+\s+(?:from|with|in)|(?:is|was|are|were)\s+(?:a|the)\s+(?:\w+\s+)?result\s+of|
    (?:root\s+)?cause\s+(?:is|was)|(?:is|was)\s+(?:all\s+)?down\s+to)"""
_MORE_BLAME: tuple[re.Pattern[str], ...] = (
    _rx(rf"""\b(?:oversights?|mistakes?|errors?|blunders?|screw-?ups?|slip-?ups?|mix-?ups?|
        negligence|failures?|lapses?)\s+(?:(?:was|were|has\s+been|have\s+been)\s+)?
        (?:made\s+|committed\s+)?(?:\w+ly\s+)?(?:by|on\s+the\s+part\s+of)\s+{PARTY}"""),
    _rx(rf"""\b{_CAUSE}\s+(?:all\s+|entirely\s+|simply\s+)?{PARTY}(?:(?:'s|’s|s')\s+(?!(?:quick|
        fast|hard|great|help|support|work|efforts?|team)\b)|\s+(?!(?:working|helping|fixing|
        resolving)\b)\w+ing\b)"""),
    _rx(rf"""\bwould(?:n't|\s+not|\s+never)?\s+have\s+(?:happened|occurred|broken|failed|been
        \s+(?:an\s+)?(?:issue|problem))\s+if\s+{_ACTOR}\s+(?:had|'d)\s+(?!not\b)"""),
    _rx(rf"""\b(?:came|comes|come)\s+(?:from|out\s+of)\s+{PARTY},?\s+not\s+(?:from\s+)?(?:us
        |me|our\s+(?:side|end|team))\b|\b(?:that|this|it)\s+(?:was|is)\s+{PARTY},?\s+not\s+
        (?:us|me)\b"""),
)
_BLAME_NEGATED = _rx(
    r"(?:\bnot|\bnever|n't|\bno(?!,)|\bno\s+one|\bnobody|\bwithout)\s+"
    r"(?:(?!(?:until|because|since|if|when|but|and|so|while|after|before)\b)\w+,?\s+){0,4}$"
)
# "asked support", "told engineering", "with the vendor": the party is an object, not the subject.
_OBJECT_POSITION = _rx(
    r"""\b(?:to|for|with|from|about|by|at|of|than|asked|told|tell|pinged|called|emailed|cc'd|
    thanked|praised|thank|ask|like)\s+$"""
)
_OWN_TEAM = _rx(
    r"(?:\b(?:our|my)\s+(?:whole\s+|entire\s+|own\s+)?|\bthe\s+(?:whole|entire)\s+|\bas\s+a\s+)$"
)
_OWNER = _rx(
    r"""^(?:we|I|us|everyone|(?:(?:our|my|the)\s+(?:whole\s+|entire\s+|own\s+)?
        |we\s+as\s+a\s+)team\b
    (?!\s*-)|(?:no\s+one|nobody)(?!\s+(?:in|on|from|at|there|over)\b))\b"""
)


def _segments(text: str, longest: int = 400) -> Iterator[tuple[int, int]]:
    """Sentences, with run-on ones cut at a space, so a search never scans far past one."""
    for start, end in sentences(text):
        while end - start > longest:
            cut = text.rfind(" ", start + longest // 2, start + longest)
            cut = cut if cut > start else start + longest
            yield start, cut
            start = cut
        yield start, end


def _blame(text: str) -> Iterator[Finding]:
    for seg_start, seg_end in _segments(text):
        yield from _blame_in(text, seg_start, seg_end)


_BLAME_LOOKBACK = 45  # characters before a match that can negate it ("not because support ...")


def _blame_in(text: str, seg_start: int, seg_end: int) -> Iterator[Finding]:
    # What a segment blames depends only on it and the few characters before it: drafts check
    # the same fact sentences again on every turn that writes one, so the reading is kept.
    back = min(seg_start, _BLAME_LOOKBACK)
    origin = seg_start - back
    for start, quote in _blamed(text[origin:seg_end], back):
        yield Finding(
            code="blame",
            quote=quote,
            message=(
                "This puts the fault on someone else. Speak for the company and take "
                "ownership; describe what happened, not who failed."
            ),
            gotcha=GOTCHAS["blame"],
            start=origin + start,
            end=origin + start + len(quote),
        )


@functools.lru_cache(maxsize=8192)
def _blamed(text: str, seg_start: int) -> tuple[tuple[int, str], ...]:
    """(start, quote) of each blame in `text[seg_start:]`; `text` begins at most
    `_BLAME_LOOKBACK` characters before the segment, all that a match looks back on."""
    found: list[tuple[int, str]] = []
    seg_end = len(text)
    for pattern in (*_SUBJECT_PATTERNS, *_BLAME_PATTERNS, *_MORE_BLAME):
        pos = seg_start
        while m := pattern.search(text, pos, seg_end):
            pos = m.start() + 1
            before = text[max(0, m.start() - _BLAME_LOOKBACK) : m.start()]
            quote = m.group(0)
            if _BLAME_NEGATED.search(before) and not quote.lower().startswith(("not", "don't")):
                continue
            owner = _OWNER.match(quote)
            if owner:
                pos = m.start() + max(1, owner.end())
                continue  # "we", "I", "my team", "no one": ownership, not blame
            if quote.lower().startswith("team") and _OWN_TEAM.search(before):
                continue  # "our whole team", "we as a team"
            if pattern in _SUBJECT_PATTERNS and _OBJECT_POSITION.search(before):
                continue
            pos = m.end()
            found.append((m.start(), quote.rstrip(" ,")))
    return tuple(found)


# --- Reported speech --------------------------------------------------------------------------
# What the customer said, wants or complained about is not the rep's blame or promise: "Dana said
# support ignored them", "They want a guarantee", a quotation, a quoted email line.

# "wrote that the export failed" reports a clause; "wrote that script" names what was written.
_CLAUSE_START = r"""(?:(?:the|a|an|our|your|their|his|her|its|my|some|no|nobody|everyone|someone|
    I|we|you|they|he|she|it|there)\b|(?-i:[A-Z][a-z]+\b)|(?:[\w'-]+\s+){1,2}?
    (?:\w+ed|is|are|was|were|has|have|had|will|would|should|could|can|did|didn't|doesn't|don't|
    isn't|wasn't|won't|never|keeps?|kept|broke|took|lost|left|made|gave|sent|went|forgot)\b)"""
_REPORTING = _rx(
    rf"""\b(?:also\s+|just\s+|even\s+|literally\s+|basically\s+|keeps?\s+|kept\s+|then\s+)?
    (?:said|says|say|(?:wrote|writes|write|mentioned|put\s+it)(?=\s*[:,"“]|\s+that\s+{_CLAUSE_START}
    |\s+in\s+(?:the|their|an?)\s+
    (?:email|ticket|message|note|reply|chat))|told\s+(?:me|us|him|her|them)|tells\s+(?:me|us)
    |claims?|
    claimed|complained|complains|feels?|felt|thinks?|believes?|believed|insists?|
    insisted|alleges?|alleged|argues?|argued|accused\s+(?:\w+\s+){{1,2}}?of|asked\s+(?:for|whether|
    if|why|about)|asks\s+(?:for|whether|if|why|about)|wants?|wanted|demands?|demanded|expects?|
    expected|(?:is|are|was|were)\s+(?:asking|saying|demanding|expecting|complaining|claiming|
    convinced|insisting|pushing)(?:\s+for)?|(?:is|are|was|were)\s+asking\s+for|
    would\s+like|'d\s+like)\b(?:\s+(?:that|to))?(?:\s*:)?"""
)
_SPEAKER_IS_REP = _rx(
    r"""\b(?:I|we|I've|we've|I'd|we'd|I'm|we're|I'll|we'll)\s+(?:\w+ly\s+|do\s+|don't\s+|did\s+|
    also\s+|just\s+|still\s+|kind\s+of\s+|sort\s+of\s+)?$|^\s*$"""
)
_WRITING = _rx(r"(?:\w+\s+)?(?:wrote|writes|write|mentioned)\b")
_WRITER_NOT_SPEAKER = _rx(r"\b(?:whoever|whomever|who|which)\s+(?:\w+ly\s+)?$")
_ACCORDING = _rx(r"\b(?:according\s+to|per)\s+(?!(?:me|us|my|our)\b)[^,.;:!?\n]{1,40},")
_QUOTATION = re.compile(r"\"[^\"\n]{3,}\"|“[^”\n]{3,}”|^[ \t]*>.*$", re.MULTILINE)


# Who speaks is told by the words just before the verb ("I really said", "whoever wrote"): only
# that much of the clause is looked at, so a long clause of "as I said as I said ..." costs time
# in line with its length.
_SPEAKER_WINDOW = 80


def _tail(text: str, start: int, end: int) -> str:
    """The clause's text before a verb, from the last word boundary within `_SPEAKER_WINDOW`
    characters (all of it when shorter); a cut clause never reads as empty."""
    if end - start <= _SPEAKER_WINDOW:
        return text[start:end]
    tail = text[end - _SPEAKER_WINDOW : end]
    cut = tail.find(" ")
    tail = tail[cut + 1 :] if cut >= 0 else tail
    return tail if tail.strip() else "…" + tail


def _reported(text: str) -> list[tuple[int, int]]:
    """Spans of the text that report someone else's words (not the rep's own)."""
    spans = [
        (m.start(), m.end())
        for m in _QUOTATION.finditer(text)
        if m.end() - m.start() < 0.9 * len(text.strip())
    ]
    for s_start, s_end in sentences(text):
        for c_start, c_end in clauses(text, s_start, s_end):
            for m in _REPORTING.finditer(text, c_start, c_end):
                before = _tail(text, c_start, m.start())
                if _WRITER_NOT_SPEAKER.search(before) and _WRITING.match(m.group(0)):
                    continue  # "Whoever wrote that ..." names an author, not a speaker
                if not _SPEAKER_IS_REP.search(before):
                    spans.append((m.end(), c_end))
                    break
            for m in _ACCORDING.finditer(text, c_start, c_end):
                spans.append((m.end(), c_end))
    return spans


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text with the spans blanked, so offsets (and verbatim quotes) stay the same."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if not chars[i].isspace():
                chars[i] = " " if chars[i] not in ".!?" else chars[i]
    return "".join(chars)


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
    |{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH}
    |may)\b
    |may\s+\d{{1,2}}(?:st|nd|rd|th)?\b|(?:by|before|until|in|end\s+of)\s+(?:{_MONTH}|may)\b
    |\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?
    |(?:by|before|until|on)\s+the\s+\d{{1,2}}(?:st|nd|rd|th)\b
    |tomorrow|tonight|today|EOD|EOW|COB|ASAP
    |(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?(?:day|week|month|quarter|year|sprint
    |business\s+day)
    |(?:next|this|within\s+the\s+next|by\s+next)\s+(?:week|month|quarter|sprint|release|build
    |version|
    patch|update|few\s+days)|(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)
    |(?:within|in|inside)\s+{_NUMWORD}\s+(?:business\s+|working\s+)?(?:hours?|days?|weeks?|months?)
    |(?:in|for|by)\s+the\s+(?:{_MONTH}|may)\s+(?:release|build|update|version|patch|drop|sprint)
    |within\s+(?:the|a|one)\s+(?:hour|day|week|month)|by\s+the\s+weekend|on\s+(?:schedule|time)
    |(?:by|in|this|next|over)\s+(?:the\s+)?(?:spring|summer|autumn|fall|winter|holidays
    |new\s+year)\b
    |before\s+(?:your|the|their|our)\s+(?:[\w-]+\s+){{0,2}}?(?:launch|go-?live|deadline|meeting|
    renewal|event|cutover|audit|demo|review|kickoff|trip|conference|close|peak|season|cycle|window|
    migration|rollout|busy\s+period)
    |\b[1-4]Q\b|\bQ[1-4]\b|\bETA\b)"""
)
MONEY = _rx(
    r"""\b(?:(?:service\s+)?credit(?:s|ed|ing)?|discount\w*|refund\w*|reimburs\w*|compensat\w*|
    rebates?|money\s+back|free\s+(?:of\s+charge|months?|upgrades?|seats?|licen[cs]es?|year|support|
    service|extension|add-?on)|(?:\w+\s+)?months?\s+(?:for\s+)?free|at\s+no\s+(?:extra\s+
    |additional\s+)?
    (?:cost|charge)|waiv(?:e|ed|ing)|on\s+the\s+house|\d+\s?%\s+off|[$€£]\s?\d[\d,.]*k?\s+off|
    price\s+(?:cut|reduction|freeze|match)|match\s+(?:the|their|your)\s+(?:\w+'s\s+)?price|
    write[-\s]off|comp(?:ed|ing)?\s+(?:you|them|the)|for\s+free|free\s+of\s+charge|
    no\s+charge\s+for|(?:won't|will\s+not|not)\s+(?:be\s+)?charg(?:e|ed)|half\s+(?:price|off)|
    throw(?:ing)?\s+in|thrown\s+in|at\s+(?:the|your|our|last\s+year's|\w+['’]s)\s+(?:\w+\s+)?
    (?:price|rate|pricing)\b|pay\s+for|absorb\s+(?:the|any)\s+(?:\w+\s+)?costs?|
    foot\s+the\s+bill|on\s+our\s+dime|at\s+our\s+(?:own\s+)?expense|free\s+for\s+(?:a|an|one|two
    |three|six|twelve|\d+|the)\s+\w+|
    \d+\s?%\s+(?:discount|reduction|cheaper|less)|cover\s+(?:the|your|their)\s+(?:cost|costs|bill|
    fees?)|pick\s+up\s+the\s+(?:tab|cost|bill)|eat\s+the\s+cost|price\s+lock|lock\s+in\s+(?:your
    |the|a)\s+
    (?:\w+\s+)?(?:price|rate)|(?:price|rate|pricing)\s+(?:will\s+)?(?:stay
    |remain)s?\s+(?:the\s+same|
    flat|locked|fixed|unchanged))\b"""
)
_COMMIT = _rx(
    r"""\b(?:I|we|you|they)\s*(?:'ll|’ll|\s+will|\s+shall|'re\s+going\s+to|\s+are\s+going\s+to|
    'm\s+going\s+to|\s+am\s+going\s+to|\s+can|\s+could|'d\s+be\s+happy|\s+would\s+be\s+happy)\b
    |\b(?:I'm|I\s+am|we're|we\s+are)\s+(?:offering|giving|providing|applying|issuing|extending
    |adding|
    crediting|refunding|waiving|throwing\s+in|happy\s+to|glad\s+to)\b
    |\b(?:happy|glad)\s+to\s+(?:offer|give|provide|apply|issue|extend|throw)\b
    |\blet\s+me\s+(?:offer|give|apply|get\s+you)\b|\bgonna\b|\bguarantee|\bpromise
    |\b(?:I|we|you|they)\s+(?:won't|will\s+not)\b|\bexpect\b
    |\b(?:I|we|you|they)(?:'d|\s+would)\s+(?:give|offer|get|receive|apply|have|waive|refund|credit|
    provide|extend|throw|see)\b
    |\b(?:I'm|I\s+am|we're|we\s+are|has|have|is|are)\s+committed\s+to\b|\b(?:I|we)\s+commit\s+to\b
    |\b(?:we|I)\s+can\s+do\b|\byour\s+money\s+back\b|\bmoney-back\b|\bcount\s+on\b|\bthere(?:'ll
    |’ll|\s+will)\s+be\b|\bno\s+questions\s+asked\b|\bno\s+strings\s+attached\b
    |\b(?:is|are|'s)\s+on\s+(?:us|me|the\s+house)\b|\bdone\s+deal\b
    |\bconsider\s+(?:it|this|that|(?:the|your)\s+(?:[\w-]+\s+){0,4}?)\s*(?:done|waived|credited|
    refunded|sorted|handled|covered|removed|cancell?ed)\b|\b(?:goes|go)\s+live\b|\b(?:ships
    |lands|launches)\b
    |\b(?:is|are|'s)\s+(?:\w+ly\s+)?(?:landing|shipping|going\s+live|launching)\b
    |\b(?:I've|we've|I\s+have|we\s+have)\s+(?:already\s+)?(?:approved|arranged|authori[sz]ed
    |secured|
    applied|issued|added|processed)\b
    |\b(?:is|are)\s+(?:going\s+out|shipping|landing|rolling\s+out|being\s+(?:deployed|released
    |shipped))\b
    |\b(?:is|are|will\s+be)\s+(?:scheduled|planned|expected|due|set)\s+(?:for|to|by|on)\b
    |\bshould\s+be\s+(?:all\s+)?(?:fixed|resolved|ready|live|done|deployed|shipped|restored|
    available|working|in\s+place|back|finished|completed?|delivered)\b|\bETA\b
    |\b(?:will|'ll)\s+(?:\w+ly\s+)?(?:be\s+)?(?:\w+ly\s+)?(?:fixed|resolved|ready|live|done|
    deployed|shipped|finished|completed?|delivered|restored|available|working|in\s+place|applied|issued|credited|refunded|waived|
    released|patched|back)\b"""
)
COMMUNICATION_SOURCE = r"""\b(?:update|updates|updated|follow[-\s]?up|get\s+back|circle\s+back|check\s+in|touch\s+base|
    reach\s+out|call|calls|ring|phone|email|e-mail|message|reply|
    text\s+(?:you|them|me|him|her|back)|DM|slack|whatsapp|drop\s+(?:you\s+|them\s+)?a\s+
    (?:line|note)|give\s+(?:you\s+|them\s+)?a\s+(?:ring|shout|buzz|call)|respond|write\s+(?:to|back)|
    send\s+(?:you\s+|over\s+)?(?:an?\s+|the\s+|my\s+|our\s+)?(?:update|summary|recap|note|notes|
    status|report|agenda|invite|invitation|calendar|written)|share\s+(?:an?\s+|the\s+|our\s+)?
    (?:update|status|progress|summary|recap|agenda|findings|what)|let\s+you\s+know|keep\s+you\s+
    (?:posted|updated|informed|in\s+the\s+loop)|report\s+back|talk|speak|meet|meeting|discuss|
    (?<!on\s)schedule|set\s+up\s+(?:a|the)\s+(?:call|meeting|time)|join|sync|chat|hear\s+(?:from
    |back)|
    confirm\s+(?:receipt|the\s+time|a\s+time)|status|
    (?:send|share)\s+(?:you\s+|over\s+)?(?:an?\s+|the\s+|my\s+|our\s+)?(?:rca
    |root\s+cause\s+analysis|
    report|write-?up|plan|timeline|notes|minutes|findings|action\s+plan)
    |(?:send|share|forward|email)\s+(?:you|over|them|it|this|that|a|an|the|my|our|their|some|what)\b
    (?!\s+(?:\w+\s+){0,2}?(?:patch|fix|hotfix|build|feature|version|release|refund|credit)\b)
    |come\s+back\s+to|get\s+back\s+to|walk\s+(?:you\s+|them\s+)?through|go\s+(?:over|through)\s+
    (?:it|this|that|the|them)|brief\s+(?:you|them)|be\s+in\s+touch|loop\s+(?:you|them)\s+in|revert|
    review\s+(?:it|this|that|the\s+\w+)\s+with\s+you|show\s+you|chase|nudge|ping|escalate|
    push\s+(?:them|for|engineering|\w+\s+for)|ask\s+(?:them|him|her|\w+)\s+(?:for|to))\b"""
COMMUNICATION = _rx(COMMUNICATION_SOURCE)
GUARANTEE = _rx(
    r"""\b(?:I|we)\s+(?:absolutely\s+|can\s+|do\s+|hereby\s+|personally\s+)?(?:guarantee|promise)\b
    |\bguaranteed\b|\bpromised\s+you\b|\bmy\s+promise\b|\b100\s?%\s+(?:sure|certain|guaranteed
    |fixed|
    resolved|confident|reliable|uptime)|\brest\s+assured\b|\byou\s+have\s+(?:my|our)\s+word\b
    |\b(?:I|we)\s+give\s+you\s+(?:my|our)\s+word\b|\bpermanently\s+(?:fixed|resolved|solved)\b
    |\b(?:fixed|resolved|solved)\s+for\s+good\b|\bno\s+more\s+(?:outages|downtime|incidents|bugs)\b
    |\b(?:will|'ll)\s+(?:definitely|certainly|absolutely|surely)\s+(?:be|have|get|fix|resolve|work)
    |\bconsider\s+it\s+done\b|\ba\s+thing\s+of\s+the\s+past\b|\b(?:I|we)\s+(?:can\s+)?assure\s+you\b
    |\b(?:won't|will\s+not|never)\s+(?:have|see|get|experience|face|hit|suffer)\s+(?:any\s+)?
    (?:more|further)\s+(?:outages|downtime|incidents|issues|problems|disruptions?|bugs|errors)\b
    |\bthere(?:'ll|\s+will)\s+be\s+no\s+(?:more|further)\s+\w+|\b(?:I|we)(?:'ll
    |\s+will)\s+make\s+sure\s+of\s+it\b
    |\b(?:will|'ll)\s+(?:see|have|get|experience)\s+(?:zero|no)\s+(?:more\s+)?(?:downtime|outages?|
    incidents?|bugs|errors|issues|problems|disruptions?)\b|\b(?:zero|no)\s+(?:more\s+)?(?:downtime|
    outages?|incidents?|bugs|errors|issues|problems)\s+(?:from\s+now\s+on|going\s+forward
    |ever\s+again)|\blast\s+time\s+(?:this|it|you(?:'ll
    |\s+will)?)\s+(?:will\s+)?(?:ever\s+)?(?:happens?|see|
    experience|hit|have|get)\b
    |\b(?:will|'ll|’ll)\s+(?:personally\s+)?(?:make\s+sure|ensure|see\s+to\s+it)\s+(?:that\s+)?
    [^.;!?\n]{0,60}?\b(?:fixed|resolved|sorted|finish(?:es|ed)?|completes?|completed
    |on\s+(?:time|schedule)|
    delivered|ships?|goes\s+live)\b
    |\b(?:I|we)(?:'ll|\s+will)\s+(?:personally\s+)?(?:make\s+sure|ensure)\s+(?:that\s+)?(?:it
    |this|the\s+\w+)
    (?:\s+is|\s+gets|\s+will\s+be|'s)\s+(?:fixed|resolved|sorted|working|done)"""
)
NEVER_AGAIN = _rx(
    r"""\b(?:never|won't|wont|will\s+not|doesn't|does\s+not|not)\s+(?:ever\s+)?(?:happen|occur
        |recur|
    break|fail|go\s+down|crash|be\s+(?:an?\s+)?(?:issue|problem|concern))s?\s+again\b
    |\bnever\s+again\b|\b(?:will|'ll|’ll)\s+never\s+(?:[\w'-]+\s+){0,5}?again\b|\b(?:never|won't
    |will\s+not)\s+(?:\w+ly\s+|just\s+)?(?:happen|occur|recur|
    break|fail|go\s+down|crash)\s+(?:again|anymore|any\s+more|in\s+(?:the\s+)?future|on\s+(?:the
    |our|your)\s+
    new|after\s+(?:this|the))\b|\b(?:never|won't|will\s+not)\s+(?:ever\s+)?(?:see|have
    |experience|hit|get|face)\s+
    (?:this|that|it|the\s+\w+|these\s+\w+|this\s+\w+)\s+again\b|\bwon't\s+(?:ever\s+)?(?:recur
    |repeat)\b|\bnever\s+(?:recur|repeat)s?\b"""
)
_OUTCOME = _rx(
    r"\b(?:fix|fixed|resolv\w*|ship\w*|deliver\w*|restor\w*|work(?:s|ing)?|solv\w*|patch\w*|"
    r"releas\w*|deploy\w*|stable|ready|live|done|complet\w*|finish\w*|again)\b"
)
HEDGE = _rx(
    r"""\b(?:can't|cannot|can\s+not|won't|will\s+not|wouldn't|would\s+not|unable\s+to
        |not\s+able\s+to|
    not\s+in\s+a\s+position\s+to|don't|do\s+not|never|not\s+going\s+to|refuse\s+to|avoid|
    (?:isn't|is\s+not|aren't|are\s+not|wasn't|not)\s+something
    |rather\s+not)\s+(?:\w+\s+){0,3}?(?:promise|promising|
    guarantee|guaranteeing|commit|committing|offer|offering|give|provide|confirm|predict
    |put\s+a\s+date|
    quote|name|say|approve)\b|\b(?:no|without(?:\s+any)?)\s+(?:promises?|guarantees?|commitments?)\b
    |\bnot\s+(?:yet\s+)?(?:authori[sz]ed|approved)\b|\b(?:once|until|if|unless)\s+(?:it\s+is\s+
    |it's\s+|
    we\s+have\s+|we've\s+|I\s+have\s+|I've\s+)?(?:approved|authori[sz]ed|confirmed)\b
    |\b(?:whether|if)\s+(?:we|I)\s+(?:can|could|should|may|might|would)\b
    |\b(?:need|needs|have|has|had)\s+to\s+(?:check|ask|confirm|clear|run\s+(?:[\w'-]+\s+){1,3}?
    (?:past|by)|get\s+(?:it|this|that)\s+(?:approved|cleared|signed\s+off))\b
    |\b(?:has|have|would\s+have)\s+to\s+be\s+(?:cleared|approved|signed\s+off|authori[sz]ed)\b
    |\bbefore\s+(?:I|we)\s+can\s+(?:offer|promise|commit|confirm|give)\b
    |\b(?:need|needs|get|getting|seek|seeking|request|requesting|asking\s+for|ask\s+for|want)\s+
    (?:\w+\s+){0,2}?(?:approval|sign[-\s]?off|a\s+decision|authori[sz]ation|permission
    |the\s+go-?ahead)\b
    """
)
# Softer hedges take a delivery date out of the promise ("we're aiming for Friday").
SOFT_HEDGE = _rx(
    r"""\b(?:hope|hoping|hopefully|aim|aiming|target\w*|tentative\w*|estimat\w*|best\s+guess|
    might|may\s+(?:be|slip|change|move|take|need|not)|could\s+(?:slip|change|move)|can\s+move|
    subject\s+to|assuming|if\s+all\s+goes|not\s+(?:final|confirmed|firm)|provisional\w*|
    likely|probably|ideally|try(?:ing)?\s+to|working\s+towards?)\b"""
)
# An outcome the rep does not control, stated as settled ("it will be fixed", "ships Monday").
_FIRM_OUTCOME = _rx(
    r"""\b(?:will|'ll|’ll|shall|is\s+going\s+to|are\s+going\s+to|gonna)\s+(?:\w+ly\s+)?(?:be\s+|
    get\s+(?:it|this|that)\s+)?(?:\w+ly\s+|all\s+)?(?:fixed|resolved|ready|live|done|deployed|
    shipped|finished|delivered|restored|available|working|back|in\s+place|released|patched|sorted|
    solved|completed?|land|ship|
    go\s+live|launch|deliver|provide|finish|roll\s+out|rolled\s+out|gone|stable)\b|\b(?:will|'ll
    |’ll)\s+have\s+(?:it|the\s+(?:fix|feature|patch|update|release|
    build|integration|export|tool|upgrade))\b|\b(?:goes|go)\s+live\b|\b(?:ships|lands|launches)\b
    |\b(?:is|are|'s)\s+(?:\w+ly\s+)?(?:landing|shipping|going\s+live|launching)\b
    |\bcommitted\s+to\s+(?:a|the)\s+(?:fix|date|release|delivery|patch)\b
    |\b(?:will|'ll|’ll)\s+have\s+(?:[\w'-]+\s+){0,4}?(?:done|fixed|ready|live|working|deployed
    |shipped|
    resolved|built|finished|completed|delivered|in\s+place)\b
    |\b(?:will|'ll|’ll)\s+(?:\w+ly\s+)?(?:support|include|handle|integrate\s+with|work\s+with|
    be\s+compatible\s+with)\b"""
)
_CERTAIN = _rx(
    r"""\b(?:definitely|certainly|absolutely|surely|for\s+sure|no\s+question|no\s+doubt|
    without\s+(?:a\s+)?doubt|100\s?%|trust\s+me|count\s+on\s+(?:it|me|us|that)|
    (?:I'm|I\s+am|we're|we\s+are)\s+(?:\w+ly\s+)?(?:certain|sure|confident|positive)|
    I\s+know\s+for\s+(?:a\s+fact|sure))"""
)
# "..., I promise." / "..., you have my word, ...": a pledge tagged onto a statement.
_TAG_PLEDGE = _rx(
    r"""\s*[,(]\s*(?:I\s+(?:promise|swear)(?:\s+(?:you|to\s+you))?|(?:you\s+have|I\s+give\s+you)
    \s+(?:my|our)\s+word)\s*(?=[.!,;:)]|\s[-–—]|$)[,)]?"""
)
# The statement an outcome: a future or settled state of the product or the situation.
_STATED_OUTCOME = _rx(
    r"""\b(?:never|no\s+more|not\s+(?:\w+\s+)?again|won't|will\s+not|wont)\b
    |\b(?!(?:I|we)\b)[\w-]+(?:'ll|’ll|\s+will|\s+shall|\s+(?:is|are)\s+going\s+to)\b"""
)
# Someone's next message or call ("I'll ring you Friday"): communication, not an outcome.
_WILL_TALK = _rx(
    r"""\b[\w-]+(?:'ll|’ll|\s+will|\s+shall|'m\s+going\s+to|\s+am\s+going\s+to|'re\s+going\s+to|
    \s+(?:is|are)\s+going\s+to)\s+(?:\w+ly\s+|also\s+|still\s+)*"""
)
_SUBORDINATE = _rx(r"\b(?:whether|if|once|when|until|as\s+soon\s+as|after)\b[^,;]*$")
_PERMISSION_QUESTION = _rx(r"^(?:so\s+)?(?:can|could|should|may|would|shall|do|will)\s+(?:we|I)\b")
_FIGURE = re.compile(rf"\d+(?:[.,]\d+)*|\b(?:{_MONTH}|may)\b|\b{_WEEKDAY}\b", re.IGNORECASE)


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


def figures(text: str) -> Counter[str]:
    """The amounts and calendar words of a commitment, counted: "10% ... another 10%" is two."""
    return Counter(
        m.group(0).lower()[:3] if m.group(0)[0].isalpha() else m.group(0)
        for m in _FIGURE.finditer(text)
    )


def authorised_covers(clause: str, trigger: str, authorised: Sequence[str]) -> bool:
    """True when one authorised commitment covers the clause: same kind, same figures, as often."""
    in_clause = figures(clause)
    stem = _money_stem(trigger) if MONEY.fullmatch(trigger) else _norm(trigger)
    for item in authorised:
        text = _norm(item)
        if stem in text and not in_clause - figures(text):
            return True
    return False


# "Integration promised for end of Q3 is still not live": a report of a promise already broken is
# a fact about the past, not a new promise.
_BROKEN_PROMISE = _rx(
    r"\b(?:promised|committed|agreed|guaranteed)\b(?:(?!\bI\s+promise\b).){0,120}?\b(?:still\s+"
    r"(?:not|isn't|hasn't|no)|not\s+yet|never|hasn't|haven't|isn't|wasn't|didn't|missed|slipped|"
    r"late|overdue|delayed|months?\s+ago|weeks?\s+ago|last\s+(?:year|quarter|month))\b"
    r"|\b(?:was|were|had\s+been|been)\s+promised\b"
)


def reports_broken_promise(text: str, start: int, end: int) -> bool:
    """The sentence around `start:end` reports a promise already broken."""
    for s_start, s_end in sentences(text):
        if s_start <= start < s_end:
            return bool(_BROKEN_PROMISE.search(text[s_start:s_end]))
    return False


def _over_promises(text: str, authorised: Sequence[str]) -> Iterator[Finding]:
    for s_start, s_end in sentences(text):
        sentence = text[s_start:s_end]
        if _BROKEN_PROMISE.search(sentence):
            continue
        question = sentence.rstrip().endswith("?")
        for c_start, c_end in clauses(text, s_start, s_end):
            clause = text[c_start:c_end]
            if HEDGE.search(clause):
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
    firm = next(
        (m for m in _FIRM_OUTCOME.finditer(clause) if not _SUBORDINATE.search(clause[: m.start()])),
        None,
    )
    if _pledged_outcome(clause):
        return (
            'Tagging "I promise" onto an outcome makes it a guarantee. Promise the next step '
            "and the follow-up, not the outcome."
        )
    guarantee = GUARANTEE.search(clause) or (_CERTAIN.search(clause) if firm else None)
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
        and (firm or (not talks and _COMMIT.search(clause)))
        and not SOFT_HEDGE.search(clause)
        and not authorised_covers(clause, date.group(0), authorised)
    ):
        return (
            f"This commits to a delivery date ('{date.group(0)}') the case does not authorise. "
            "Commit to when you will next update them, not to when it will be fixed."
        )
    return None


def _pledged_outcome(clause: str) -> bool:
    """A statement of outcome with a pledge tagged on: "It won't drop again, I swear."."""
    tag = _TAG_PLEDGE.search(clause)
    if not tag or tag.start() == 0:
        return False
    statement = clause[: tag.start()] + " " + clause[tag.end() :]
    talks = any(COMMUNICATION.match(statement, m.end()) for m in _WILL_TALK.finditer(statement))
    outcome = (
        _STATED_OUTCOME.search(statement)
        or _FIRM_OUTCOME.search(statement)
        or NEVER_AGAIN.search(statement)
        or _OUTCOME.search(statement)
    )
    return bool(outcome) and not talks


# --- Acknowledgement and ask ------------------------------------------------------------------

_ACKNOWLEDGE = _rx(
    r"""\b(?:I|we)\s+(?:completely\s+|fully\s+|really\s+|totally\s+|truly\s+|do\s+
        |can\s+)?(?:understand|
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
    |\b(?:I|we)\s+(?:deeply\s+|sincerely\s+)?regret\b|\bnot\s+the\s+experience\b
    |\bmy\s+apologies\b"""
)
_ASK = _rx(
    r"""\b(?:I|we)\s+(?:really\s+|urgently\s+|now\s+|will\s+)?need\b|\bneed\s+(?:you|your|help
        |approval|
    a\s+decision|sign[-\s]?off|leadership|an?\s+exec\w*|someone|to\s+(?:get|bring|involve
    |escalate))\b
    |\b(?:can|could|would|will)\s+(?:you|we)\b[^.?!\n]*\?|\bplease\b
    |\b(?:I'd|I\s+would|we'd|we\s+would)\s+(?:like|love|appreciate)\s+(?:you|your|to\s+(?:get|ask|
    bring|have|request|escalate|loop|involve|set\s+up|schedule))\b|\b(?:my|the|our)\s+ask\b
    |\b(?:I'm|I\s+am|we're|we\s+are)\s+asking\b|\b(?:I|we)\s+(?:request|ask)\b|\brequesting\b
    |\b(?:approve|approval|sign[-\s]?off|authori[sz]e|authori[sz]ation)\b|\bhelp\s+(?:me|us)\b
    |\bwould\s+you\s+be\s+(?:able|willing|open)\b|\blet\s+me\s+know\s+(?:if|whether|how|what)\b
    |\bask:|\b(?:would\s+)?appreciate\s+(?:your|you|if|it\s+if)\b|\blooking\s+for\s+(?:your|help
    |guidance|
    approval|support|a\s+decision|an?\s+exec)|\blet's\s+(?:discuss|talk|get|set\s+up|meet|schedule|
    escalate|bring|loop)\b"""
)


def _first_sentence(text: str) -> tuple[int, int]:
    found = sentences(text)
    return found[0] if found else (0, 0)


# --- The check --------------------------------------------------------------------------------


def own_words(text: str) -> str:
    """`text` with reported speech and quotations blanked: what the writer says in their own voice."""
    return _mask(text, _reported(text))


def blame_in(own: str) -> list[Finding]:
    """Blame in the writer's own words (spans into the text `own` was made from)."""
    return list(_blame(own))


def rule_findings(text: str, own: str, allowed: Sequence[str]) -> list[Finding]:
    """Blame and over-promises the rules find in the writer's own words, quoted from `text`."""
    return [
        f.model_copy(update={"quote": text[f.start : f.end]})
        for f in (*_blame(own), *_over_promises(own, allowed))
    ]


# What a customer must never read: our deal figures, pipeline language and notes meant for us.
_INTERNAL = _rx(
    r"\b(?:ARR|ACV|MRR|TCV|pipeline|quota|forecast|commission|margin|deal\s+(?:size|value)|"
    r"contract\s+value|account\s+value|book\s+of\s+business|churn\s+risk|at-risk\s+account|"
    r"upsell|expansion\s+(?:deal|opportunity)|(?:internal|note\s+to\s+self|between\s+us|"
    r"don't\s+tell\s+(?:them|the\s+customer))\b)\b|[$€£]\s?\d[\d,.]*\s?(?:k|m|mm|bn)?\b|"
    r"\b\d[\d,.]*\s?(?:k|m|mm|bn)\b(?=\s*(?:ARR|ACV|TCV|MRR|deal|renewal|a\s+year|per\s+year|"
    r"annually|contract|account|invoice|PO\b|purchase\s+order|payment|total|value|spend|budget|"
    r"licen[cs]es?|subscription|over\s+\d|USD|EUR|GBP|dollars|euros|pounds))|"
    # an amount in thousands or millions standing alone: "(85k)", "renewal in 5 wks, 1.2M"
    r"\b\d[\d,.]*\s?(?:k|m|mm|bn)\b(?!\s*[\w$€£%-])|"
    r"\b\d[\d,.]*\s?(?:USD|EUR|GBP|dollars|euros)\b|\b(?:USD|EUR|GBP)\s?\d|"
    # what the deal is worth (an offered discount is an over-promise, not a disclosure)
    r"\b(?:renewal|contract|deal|account|annual|total)\s+(?:contract\s+)?value\b|\blist\s+price\b|"
    r"\b(?:deal|account|contract|renewal)\s+(?:is\s+)?worth\b"
)


# The rep's own register and view of the customer's mood, as typed to the coach ("ranting about
# the logo lol", "she's been grumpy"): a note about the customer, never words to send them.
# Shorthand in lower case only, as reps type it (SMH and OMG are also names of things); a word
# with an everyday sense only where it says a person's mood ("she's been salty about it", not
# "the salty snacks line"; "whining about", not "the compressor has been whining").
_REP_NOTE = _rx(
    r"(?-i:\b(?:lol|LOL|lmao|rofl|smh|omg|tbh|imho|fwiw)\b)|"
    r"\b(?:ranting|ranted|grumpy|cranky|pissed\s+off|drama\s+queen)\b|"
    r"\b(?:is|are|was|were|been|being|got|getting|gets|seems?|sounds?)\s+(?:\w+\s+)?"
    r"(?:salty|whiny|pissy|spicy)\b|\bwhin(?:ing|ed|es|e)\s+(?:about|that|again)\b|"
    r"\b(?:got|have|had)\s+a\s+spicy\s+one\b"
)


def internal_findings(text: str, authorised: Sequence[str] = ()) -> list[Finding]:
    """Deal figures, pipeline words and internal notes in a message meant for the customer."""
    findings: list[Finding] = []
    for start, end in sentences(text):
        sentence = text[start:end]
        m = _INTERNAL.search(sentence)
        if m is not None and authorised_covers(sentence, m.group(0), authorised):
            m = None
        found = m or _REP_NOTE.search(sentence)
        if found is None:
            continue
        said = found.group(0)
        findings.append(
            Finding(
                code="internal_disclosure",
                quote=sentence,
                message=(
                    f"'{said}' is internal: the customer should not read our deal figures, "
                    "pipeline words or notes. Leave it out of the message."
                    if m is not None
                    else f"'{said}' is how we talk about the customer among ourselves, not "
                    "something to send them. Leave it out of the message."
                ),
                gotcha=GOTCHAS["internal_disclosure"],
                start=start,
                end=end,
            )
        )
    return findings


def structure_findings(text: str, kind: Kind) -> list[Finding]:
    """What a message of this kind must hold: a customer message acknowledges the concern, a
    message to the manager says what is needed."""
    findings: list[Finding] = []
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
    return findings


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per code and span, in order of position."""
    kept: list[Finding] = []
    # Kept in order of start, so a finding lies inside a kept one of its code exactly when the
    # furthest end kept for that code reaches its end: linear in the findings.
    furthest: dict[str, int] = {}
    for f in sorted(findings, key=lambda f: (f.start, -(f.end - f.start))):
        if furthest.get(f.code, -1) >= f.end:
            continue
        kept.append(f)
        furthest[f.code] = max(furthest.get(f.code, -1), f.end)
    return kept
