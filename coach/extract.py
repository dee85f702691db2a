"""Offline understanding of what the rep wrote: case facts, checklist answers, signals, intent.

Everything kept is the rep's own words (whole sentences or clauses), so the case file and the drafts
built from it never say more than the rep did. The question the coach just asked gives context: a
bare "yes" answers it, and a sentence no rule claims is taken as the answer to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from coach.casefile import CaseFile
from coach.guardrails import Finding, sentences

Intent = Literal["facts", "summary", "draft", "check", "email"]

# Which items can be answered by "yes"/"no", and the checklist answer each sets.
YES_NO_ITEMS: dict[str, str] = {
    "tried": "tried_yourself",
    "tried_yourself": "tried_yourself",
    "communicated_transparently": "communicated_transparently",
    "manager_briefed": "manager_briefed",
    "right_time": "right_time",
    "problem": "root_cause_understood",
    "root_cause_understood": "root_cause_understood",
    "ask": "clear_ask",
    "clear_ask": "clear_ask",
}

_F = re.IGNORECASE
_LEAD = r"^(?:(?:so|and|but|also|actually|well|oh|ok|okay|plus|then|yes|yeah|no|honestly)\b[,\s]*)*"
_ME = r"(?:i|i've|i'd|i'll|i'm|we|we've|we'd|we'll|we're|my\s+team|our\s+team)"
_NEG = r"(?:haven't|have\s+not|hasn't|didn't|did\s+not|not\s+yet|never|not|don't|do\s+not|can't)"
_MANAGER = r"(?:manager|boss|lead|director|vp|head\s+of\s+\w+|supervisor)"
_CUSTOMER_OBJ = r"(?:them|the\s+customer|the\s+client|him|her|their\s+\w+|[A-Z][\w&.-]+)"

YES = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|correct|right|sure|definitely|absolutely|i\s+have|i\s+did|we\s+have|"
    r"we\s+did|done|already\s+done|of\s+course)\b",
    _F,
)
NO = re.compile(
    r"^\W*(?:no|nope|nah|not\s+yet|not\s+really|i\s+haven't|i\s+have\s+not|i\s+didn't|haven't|"
    r"we\s+haven't|we\s+didn't|never|no\s+idea)\b",
    _F,
)

# --- intents -----------------------------------------------------------------------------------

SUMMARY = re.compile(
    r"\bwhat\s+(?:do|did)\s+you\s+(?:know|have|understand)\b|\bwhat\s+have\s+you\s+got\b|"
    r"\bshow\s+(?:me\s+)?(?:the\s+)?case\b|\b(?:case\s+file|summary|summari[sz]e|recap)\b|"
    r"\bwhere\s+are\s+we\b|\bwhat\s+(?:have\s+)?you\s+(?:understood|noted)\b",
    _F,
)
DRAFT = re.compile(
    r"\b(?:write|draft|prepare|prep|give\s+me|generate|create|make|produce|compose|do)\b"
    r"(?:\s+\w+){0,4}?\s+(?:brief|email|e-mail|message|note|call[-\s]?prep|prep\s+notes|"
    r"talking\s+points|agenda|follow[-\s]?up|follow[-\s]?through|plan|reply|response)\b",
    _F,
)
CHECK = re.compile(
    r"^\W*(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?(?:check|review|proofread|look\s+over)\b"
    r"|^\W*(?:is\s+this|does\s+this|how\s+does\s+this)\s+(?:ok|okay|fine|good|sound|look|read)"
    r"|^\W*can\s+i\s+send\s+this\b",
    _F,
)
EMAIL_MARKERS = re.compile(
    r"^(?:from|subject|sent|to|date|cc):\s|^(?:hi|hello|dear|hey|good\s+(?:morning|afternoon))\b.{0,40}"
    r"[,!]?\s*$|^(?:regards|best(?:\s+regards)?|thanks|thank\s+you|cheers|sincerely|kind\s+regards)"
    r"\b.{0,20}$|^>|\b(?:here(?:'s|\s+is)\s+(?:their|the|his|her)\s+(?:email|message|reply)|they\s+"
    r"(?:just\s+)?(?:wrote|sent(?:\s+this)?)\s*:)",
    _F | re.MULTILINE,
)


def draft_kind(text: str) -> str:
    low = text.lower()
    if re.search(
        r"call[-\s]?prep|prep\s+notes|talking\s+points|agenda|prepare\s+for\s+the\s+call", low
    ):
        return "call-prep"
    if re.search(r"follow[-\s]?(?:up|through)|after\s+the\s+call", low):
        return "follow-up"
    to_customer = re.search(
        r"\b(?:customer|client|them|reply|response)\b|email\s+to\s+(?!my\s+manager)", low
    )
    if to_customer and not re.search(r"\b(?:manager|boss|leadership|internal)\b", low):
        return "customer"
    return "brief"


def intent_of(text: str) -> Intent:
    stripped = text.strip()
    if len(stripped) > 80 and len(EMAIL_MARKERS.findall(stripped)) >= 2:
        return "email"
    if CHECK.search(stripped) and (":" in stripped or "\n" in stripped) and len(stripped) > 40:
        return "check"
    if DRAFT.search(stripped) and len(stripped) < 300:
        return "draft"
    if SUMMARY.search(stripped) and len(stripped) < 200:
        return "summary"
    return "facts"


def pasted_text(text: str) -> str:
    """The pasted part of "check this: <text>" or "they wrote: <email>"."""
    m = re.search(r":\s*\n?", text)
    if m and m.start() < 120:
        rest = text[m.end() :].strip()
        if len(rest) > 20:
            return rest
    return text.strip()


# --- facts -------------------------------------------------------------------------------------

CUSTOMER_NAMED = re.compile(
    r"\b(?:the\s+)?(?:customer|client|account|company)(?:'s\s+name)?\s+(?:is|was|=|:)\s+(?:called\s+)?"
    r"(?P<name>[A-Z][\w&.'-]*(?:\s+(?:[A-Z][\w&.'-]*|&|of))*)"
    r"|\b(?:customer|client|account)\s+(?:called|named)\s+(?P<name2>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*)*)"
)
CUSTOMER_SUBJECT = re.compile(
    r"^(?P<name>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2})(?:'s|’s)?\s+(?:is|are|has|have|was|were|"
    r"keeps|just|threaten\w*|want\w*|need\w*|ask\w*|said|says|told|complain\w*|escalat\w*|"
    r"emailed|called|sent|(?:CTO|CEO|CFO|COO|CIO|VP|head|team|director|IT|procurement|legal|"
    r"champion|admin|buyer|exec\w*|leadership|board|manager)\b)"
)
CUSTOMER_PREP = re.compile(
    r"\b(?:customer|client|account)\s*,?\s+(?P<name>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2})\b"
    r"|\b(?:with|at|from|for)\s+(?P<name2>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2})(?:'s|’s)\s+"
    r"(?:CTO|CEO|CFO|COO|CIO|VP|head|team|director|IT|procurement|legal|account|renewal|contract)"
)
CUSTOMER_POSSESSIVE = re.compile(
    r"(?:^|[\s(])(?P<name>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){1,2})(?:'s|’s)\s+\w"
)
CUSTOMER_AFTER = re.compile(
    r"\b(?:with|on|for|at|from|promised|told|call|customer|client|account)\s+"
    r"(?P<name>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){1,2})\b"
)
NOT_NAMES = {
    "i", "we", "they", "the", "their", "my", "our", "he", "she", "it", "this", "that", "these",
    "yesterday", "today", "tomorrow", "last", "next", "so", "and", "but", "also", "actually",
    "yes", "no", "ok", "okay", "hi", "hello", "hey", "thanks", "well", "then", "now", "what",
    "when", "how", "why", "who", "after", "before", "since", "if", "there", "here", "nothing",
    "everyone", "nobody", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "q1", "q2", "q3", "q4", "engineering",
    "support", "sales", "legal", "product", "leadership", "finance", "customer", "client",
    "production", "prod", "your", "his", "her", "its", "not", "just", "still", "both",
    "cto", "ceo", "cfo", "vp", "one", "two", "all", "a", "an", "in", "on", "at", "for",
}  # fmt: skip

PROBLEM_WORDS = re.compile(
    r"\b(?:outage|down|broken|breaks|bug|bugs|defect|error|errors|fail\w*|crash\w*|slow\w*|latency|"
    r"delay\w*|late|missed|miss|lost|loss|wrong|incorrect|overcharg\w*|double[-\s]charg\w*|billing|"
    r"invoice\w*|not\s+working|doesn't\s+work|isn't\s+working|stopped|issue|issues|problem|problems|"
    r"complain\w*|frustrat\w*|upset|angry|furious|unhappy|annoyed|livid|threaten\w*|cancel\w*|"
    r"churn\w*|escalat\w*|migration|integration|sync\w*|breach|unresponsive|performance|downtime|"
    r"sla|incident|disappoint\w*|leave|leaving|walk\s+away|competitor|renew\w*|refund|credit|"
    r"discount|pricing|price|contract|deadline|timeline|scope|roadmap|promised|venting|vent|"
    r"rollout|onboarding|implementation|poc|pilot|security|data|unusable|blocked|blocker|"
    r"lawyer|legal|sue|review|trust|relationship|manager|outages)\b",
    _F,
)
ROOT_CAUSE_KNOWN = re.compile(
    r"\b(?:the\s+)?(?:root\s+cause|real\s+(?:issue|problem|reason)|underlying\s+(?:issue|problem|"
    r"cause))\s+(?:is|was|seems\s+to\s+be|:)|\bit(?:'s|\s+is|\s+was)\s+(?:caused|because)\b|"
    r"\bcaused\s+by\b|\bturns?\s+out\b|\bwe\s+(?:know|found|traced)\s+(?:why|what|the\s+cause|it)\b|"
    r"\bi\s+(?:understand|know)\s+(?:why|the\s+root\s+cause|what's\s+behind)\b",
    _F,
)
ROOT_CAUSE_UNKNOWN = re.compile(
    r"\b(?:don't|do\s+not|doesn't)\s+(?:really\s+)?(?:know|understand)\s+(?:why|what(?:'s|\s+is)\s+"
    r"(?:causing|behind|going\s+on)|the\s+(?:root\s+)?cause)|\bnot\s+sure\s+(?:why|what(?:'s|\s+is)\s+"
    r"(?:causing|behind|going\s+on))|\bno\s+idea\s+(?:why|what)|\broot\s+cause\s+(?:is\s+)?"
    r"(?:unknown|unclear|not\s+(?:known|clear))|\b(?:haven't|have\s+not|still\s+haven't)\s+found\s+"
    r"the\s+(?:root\s+)?cause|\bstill\s+investigating\b|\bnobody\s+knows\s+why\b",
    _F,
)
WANTS = re.compile(
    r"\b(?:they|he|she|the\s+customer|the\s+client|customer|client|[A-Z][\w&.-]+)\s+(?:really\s+|just\s+"
    r"|also\s+|now\s+|mainly\s+|basically\s+)?(?:want|wants|wanted|are\s+asking\s+for|is\s+asking\s+"
    r"for|asked\s+for|ask\s+for|expect|expects|need|needs|would\s+like|'d\s+like|demand|demands|"
    r"demanded|are\s+demanding|is\s+demanding|require|requires|are\s+looking\s+for|is\s+looking\s+for|"
    r"are\s+pushing\s+for|is\s+pushing\s+for|insist\w*)\b"
    r"|\bwhat\s+they\s+(?:want|need|are\s+asking\s+for)\s+is\b|\btheir\s+ask\s+is\b",
    _F,
)
TRIED_VERBS = (
    r"(?:tried|attempted|restarted|reset|re-?ran|rolled\s+back|escalated|opened|filed|raised|called|"
    r"phoned|emailed|e-mailed|met|spoke|talked|offered|sent|walked|shared|reproduced|checked|worked|"
    r"applied|fixed|patched|looked|investigated|explained|proposed|set\s+up|scheduled|pushed|got|"
    r"gave|reached\s+out|followed\s+up|logged|debugged|tested|rebuilt|migrated|configured|held|ran|"
    r"arranged|asked|involved|looped\s+in|brought\s+in|engaged|provided|delivered|replaced|upgraded|"
    r"downgraded|refunded|credited|apologi[sz]ed|acknowledged|hosted|organi[sz]ed|booked|"
    r"did|done|implemented|deployed|cleared|re-?synced|resent|re-?sent|updated|answered|replied|"
    r"visited|flew|joined|created|built|wrote|documented|requested|submitted|had\s+(?:\w+\s+)?"
    r"(?:calls?|meetings?|sessions?|conversations?)|been\s+(?:working|chasing|pushing|tuning)|"
    r"chased|added|recovered|found|traced|confirmed|walked)"
)
TRIED = re.compile(
    r"\b(?:i|we|i've|we've|i'd|we'd)\s*(?:'ve|have|had|already|also|then|just|first|even|both|personally|"
    r"actually|already\s+have|have\s+already|did|spent\s+\w+(?:\s+\w+)?\s+)*\s*"
    + TRIED_VERBS
    + r"\b",
    _F,
)
TRIED_NONE = re.compile(
    r"\b(?:haven't|have\s+not|didn't|did\s+not|not\s+yet)\s+(?:\w+\s+){0,2}?(?:tried|done\s+anything|"
    r"had\s+(?:a\s+)?(?:chance|time)|attempted|looked\s+into|started|touched|worked\s+on)\b|"
    r"\bnothing\s+(?:yet|so\s+far)\b|\bhaven't\s+(?:done|tried)\s+anything\b|"
    r"\b(?:i|we)\s+(?:just|only)\s+(?:found\s+out|heard|got\s+the\s+email)\b",
    _F,
)
MONEY = re.compile(
    r"[$€£]\s?\d|\b\d[\d,.]*\s?(?:k|m|mm|million|thousand|bn)\b|\b(?:ARR|ACV|MRR|TCV)\b|\brenewal\b|"
    r"\bdeal\s+(?:size|worth|value|is)\b|\bseats\b|\blicen[cs]es\b|\bcontract\s+(?:is\s+)?worth\b|"
    r"\brevenue\b|\bpipeline\b|\bexpansion\b|\bupsell\b|\breference\s+(?:customer|account)\b|"
    r"\b(?:largest|biggest|top|key|strategic|flagship)\s+(?:customer|account|client)s?\b|\blogo\b",
    _F,
)
ASK = re.compile(
    _LEAD
    + r"(?:i|we)\s+(?:really\s+|just\s+|urgently\s+|probably\s+|will\s+|would\s+)?(?:need|want|"
    r"'d\s+like|would\s+like|am\s+asking|'m\s+asking|'d\s+ask|would\s+ask|request|think\s+we\s+need|"
    r"have\s+to\s+get)\b.*\b(?:manager|leadership|vp|exec\w*|director|approv\w*|decision|sign[-\s]?off|"
    r"authori[sz]\w*|someone\s+senior|head\s+of|cfo|cto|ceo|coo|cro|to\s+join|on\s+(?:a|the)\s+call|"
    r"help\s+from|support\s+from|budget|credit|discount|exception|resources|engineer\w*)\b"
    r"|\bmy\s+ask\s+(?:is|would\s+be|for\s+\w+\s+is)\b|\bwhat\s+i\s+need\s+(?:is|from)\b"
    r"|\bi(?:'d|\s+would)\s+ask\s+(?:leadership|my\s+\w+|the\s+\w+|\w+)\s+(?:to|for)\b"
    r"|\bneed\s+(?:my\s+|our\s+|a\s+|an\s+)?(?:manager|vp|leadership|exec\w*|director|cro|cfo|ceo|"
    r"cto)\s+to\b",
    _F,
)
ASK_UNKNOWN = re.compile(
    r"\b(?:not\s+sure|don't\s+know|no\s+idea)\s+what\s+(?:i|we)\s+(?:need|want|should\s+ask|would\s+ask)"
    r"|\b(?:not\s+sure|don't\s+know)\s+what\s+to\s+ask\b",
    _F,
)
NEXT_STEPS = re.compile(
    _LEAD + r"(?:i\s+plan\s+to|i'm\s+planning\s+to|we\s+plan\s+to|my\s+plan\s+is|the\s+plan\s+is|"
    r"our\s+plan\s+is|(?:the\s+|my\s+|our\s+)?next\s+steps?\s+(?:is|are|would\s+be|:)|i\s+propose|"
    r"i'd\s+propose|i\s+would\s+propose|we\s+propose|i\s+suggest|i'd\s+suggest|i\s+want\s+to\s+"
    r"propose|i'll|i\s+will|we'll|we\s+will|i'm\s+going\s+to|we're\s+going\s+to|i\s+intend\s+to|"
    r"i'd\s+like\s+to\s+(?:propose|offer|set\s+up|schedule|run|hold)|proposal\s*:|plan\s*:|"
    r"(?:then|first|after\s+that),?\s+(?:i|we)\s+(?:would|will|'d|'ll))",
    _F,
)
MANAGER_YES = re.compile(
    r"\b(?:told|briefed|informed|updated|looped\s+in|spoke\s+(?:to|with)|talked\s+(?:to|with)|"
    r"let|warned|alerted|cc'?d|messaged|pinged|emailed|called)\s+(?:my|our)\s+" + _MANAGER + r"\b"
    r"|\bmy\s+"
    + _MANAGER
    + r"\s+(?:already\s+)?(?:knows|is\s+aware|is\s+in\s+the\s+loop|has\s+been\s+"
    r"(?:briefed|told|informed|updated)|was\s+(?:briefed|told|informed)|is\s+looped\s+in|"
    r"is\s+across\s+it|agreed|is\s+on\s+board)\b|\bbriefed\s+(?:him|her|them)\b",
    _F,
)
MANAGER_NO = re.compile(
    _NEG
    + r"\s+(?:\w+\s+){0,2}?(?:told|tell|briefed|brief|informed|inform|updated|update|looped\s+in|"
    r"loop\s+in|talked\s+to|talk\s+to|spoken\s+to|spoke\s+to|mentioned\s+it\s+to|raised\s+it\s+with)"
    r"\s+(?:\w+\s+)?(?:my|our)\s+" + _MANAGER + r"\b"
    r"|\bmy\s+"
    + _MANAGER
    + r"\s+(?:doesn't|does\s+not|don't)\s+know\b|\b"
    + _MANAGER
    + r"\s+(?:isn't|is\s+not)\s+(?:aware|in\s+the\s+loop)\b"
    r"|\b(?:haven't|have\s+not|didn't)\s+briefed\s+(?:anyone|him|her|them)\b",
    _F,
)
COMMS_YES = re.compile(
    _ME + r"\s+(?:'ve|have|had|already|also|just|did|been|have\s+been|'ve\s+been|kept|was|were)?\s*"
    r"(?:already\s+|also\s+)?(?:been\s+)?(?:transparent|honest|open|upfront|straight)\b"
    r"|"
    + _ME
    + r"\s+(?:'ve|have|had|already|also|just)?\s*(?:already\s+)?(?:told|explained\s+(?:to\s+)?|"
    r"updated|informed|kept|walked|talked\s+(?:to|with)|spoke\s+(?:to|with)|spoken\s+(?:to|with)|"
    r"called|emailed|met\s+with|reached\s+out\s+to|responded\s+to|replied\s+to|"
    r"communicated\s+(?:with|to)|shared\s+(?:the\s+)?(?:status|timeline|plan|update)s?\s+with)\s+"
    + _CUSTOMER_OBJ
    + r"(?!\s+(?:manager|boss))",
    _F,
)
COMMS_NO = re.compile(
    _NEG + r"\s+(?:\w+\s+){0,2}?(?:told|tell|talked\s+to|talk\s+to|spoken\s+to|spoke\s+to|"
    r"communicated|explained|updated|been\s+(?:transparent|honest|open|upfront)|reached\s+out|"
    r"responded|replied|gotten\s+back|got\s+back|contacted|called|emailed|said\s+anything|"
    r"mentioned\s+(?:it|anything))\b"
    r"(?!\s+(?:\w+\s+)?(?:my|our)\s+" + _MANAGER + r")"
    r"|\b(?:they|[A-Z][\w&.-]+)\s+(?:don't|do\s+not|doesn't|does\s+not)\s+know\s+(?:yet|about\s+"
    r"(?:it|this|the\s+\w+)|what's\s+going\s+on)\b",
    _F,
)
DURATION = re.compile(
    r"\b(?:for|over|past|last|since|about|almost|nearly|than)\s+(?:the\s+)?(?:past\s+|last\s+)?"
    r"(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple\s+(?:of\s+)?|"
    r"a\s+few|several)\s*(?P<unit>day|week|month|year)s?\b"
    r"|\b(?P<n2>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple\s+(?:of\s+)?|"
    r"a\s+few|several)\s+(?P<unit2>day|week|month|year)s?\s+(?:ago|now|old|in|running|straight)\b",
    _F,
)
JUST_NOW = re.compile(
    r"\b(?:this\s+morning|earlier\s+today|an\s+hour\s+ago|just\s+(?:now|happened|came\s+in|got)|"
    r"since\s+this\s+morning|a\s+few\s+hours\s+ago)\b",
    _F,
)
YESTERDAY = re.compile(r"\b(?:yesterday|last\s+night)\b", _F)
AUTHORISED = re.compile(
    r"\b(?:i'm|i\s+am|i've\s+been|i\s+have\s+been|we're|we\s+are|we've\s+been)\s+(?:\w+\s+)?"
    r"(?:authori[sz]ed|approved|allowed|cleared|able)\s+to\s+(?:offer|give|provide|promise|extend)\s+"
    r"(?P<what>[^.;!?]+)",
    _F,
)
LEADER = re.compile(
    r"\b(?:bring\s+in|loop\s+in|involve|introduce|get)\s+(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
    r"(?:\s*,\s*|\s+)(?:our|the|my)\s+(?P<title>[A-Za-z][\w &-]{1,40}?)(?=[.,;!?)]|\s+(?:to|for|on|"
    r"who|into)\b|$)",
)
CONTACT = re.compile(
    r"\b(?:their|the\s+customer's|the\s+client's|[A-Z][\w&.-]+(?:'s|’s))\s+(?P<title>CTO|CEO|CFO|COO|"
    r"CIO|CISO|VP(?:\s+of)?(?:\s+[A-Z]\w+){0,2}|head\s+of\s+\w+|director(?:\s+of\s+\w+)?|IT\s+lead|"
    r"champion|procurement\s+lead|admin)\s*,?\s+(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\b"
)
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a couple": 2,
            "a few": 3, "several": 4}  # fmt: skip
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


@dataclass
class Understanding:
    """What one message of the rep says, ready to fold into the case file."""

    intent: Intent
    update: dict[str, Any] = field(default_factory=dict)
    signals: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    blame: list[Finding] = field(default_factory=list)
    draft_kind: str | None = None
    pasted: str = ""

    @property
    def has_update(self) -> bool:
        return bool(self.update or self.signals)


def _clean(sentence: str) -> str:
    return re.sub(r"\s+", " ", sentence).strip().strip("-•* ").strip()


def _is_first_person(sentence: str) -> bool:
    return bool(re.match(_LEAD + _ME + r"\b", sentence, _F))


def _name(candidate: str | None) -> str:
    if not candidate:
        return ""
    words = candidate.split()
    while words and words[-1].lower() in NOT_NAMES | {"of", "&"}:
        words.pop()
    if not words or words[0].lower() in NOT_NAMES:
        return ""
    return " ".join(words).rstrip(".,'’").removesuffix("'s").removesuffix("’s")


def find_customer(text: str, sents: list[str]) -> str:
    for s in sents:
        m = CUSTOMER_NAMED.search(s)
        if m:
            name = _name(m.group("name") or m.group("name2"))
            if name:
                return name
    for s in sents:
        body = re.sub(_LEAD, "", s, flags=_F)
        m = CUSTOMER_SUBJECT.match(body)
        if m and not _is_first_person(body):
            name = _name(m.group("name"))
            if name:
                return name
        m = CUSTOMER_PREP.search(s)
        if m:
            name = _name(m.group("name") or m.group("name2"))
            if name:
                return name
    # Company names are usually two or more capitalised words: "Quarry Point Logistics".
    for rx in (CUSTOMER_POSSESSIVE, CUSTOMER_AFTER):
        for s in sents:
            for m in rx.finditer(s):
                name = _name(m.group("name"))
                if len(name.split()) >= 2 and not _ROLE_WORDS.search(name):
                    return name
    return ""


_ROLE_WORDS = re.compile(
    r"\b(?:VP|CTO|CEO|CFO|COO|CIO|Chief|Head|Director|Manager|Engineering|Support|Sales|"
    r"Services|Product|Finance|Legal|Services|Team|Success|Architect)\b"
)


def _days(text: str) -> int | None:
    if JUST_NOW.search(text):
        return 0
    if YESTERDAY.search(text):
        return 1
    m = DURATION.search(text)
    if not m:
        return None
    raw = (m.group("n") or m.group("n2") or "").lower().strip()
    raw = re.sub(r"\s+", " ", raw)
    unit = (m.group("unit") or m.group("unit2") or "day").lower()
    n = int(raw) if raw.isdigit() else _NUMBERS.get(raw, _NUMBERS.get(raw.removesuffix(" of"), 1))
    return n * _UNIT_DAYS[unit]


def _checklist_answers(s: str, checklist: dict[str, bool]) -> None:
    if MANAGER_NO.search(s):
        checklist["manager_briefed"] = False
    elif MANAGER_YES.search(s) and not re.search(
        r"\b(?:will|going\s+to|should|need\s+to)\s+\w+\s+my\s+" + _MANAGER, s, _F
    ):
        checklist["manager_briefed"] = True
    if COMMS_NO.search(s) and not MANAGER_NO.search(s):
        checklist["communicated_transparently"] = False
    elif COMMS_YES.search(s):
        checklist["communicated_transparently"] = True
    if ROOT_CAUSE_UNKNOWN.search(s):
        checklist["root_cause_understood"] = False
    elif ROOT_CAUSE_KNOWN.search(s):
        checklist["root_cause_understood"] = True
    if TRIED_NONE.search(s):
        checklist["tried_yourself"] = False
    if ASK_UNKNOWN.search(s):
        checklist["clear_ask"] = False
    if re.search(r"\b(?:too\s+early|too\s+soon|premature)\b", s, _F):
        checklist["right_time"] = False
    if re.search(r"\b(?:too\s+late|waited\s+too\s+long)\b", s, _F):
        checklist["right_time"] = False


def understand(text: str, case: CaseFile, asked: list[str] | None = None) -> Understanding:
    """Read one message of the rep. `asked` are the items the coach's last question targeted."""
    asked = list(asked or [])
    intent = intent_of(text)
    if intent == "email":
        return Understanding(intent="email", pasted=pasted_text(text))
    if intent == "check":
        return Understanding(intent="check", pasted=pasted_text(text))
    out = Understanding(intent=intent)
    if intent == "draft":
        out.draft_kind = draft_kind(text)
    spans = sentences(text)
    sents = [_clean(text[a:b]) for a, b in spans]
    sents = [s for s in sents if s]
    if not sents:
        return out

    update: dict[str, Any] = {}
    checklist: dict[str, bool] = {}
    claimed: set[int] = set()
    correction = bool(re.match(r"^\W*(?:actually|correction|sorry|no,|to\s+correct)", text, _F))

    # A bare yes/no answers the yes/no question just asked.
    first = sents[0]
    yes_no_asked = [YES_NO_ITEMS[a] for a in asked if a in YES_NO_ITEMS]
    bare = re.sub(r"^\W*(yes|yeah|yep|yup|no|nope|nah|not\s+yet)\W*$", "", first, flags=_F) == ""
    if yes_no_asked and (YES.match(first) or NO.match(first)):
        value = not NO.match(first)
        for item in dict.fromkeys(yes_no_asked):
            checklist[item] = value
        if bare:
            claimed.add(0)

    customer = find_customer(text, sents)
    if customer and customer != case.customer:
        update["customer"] = customer
    elif not case.customer and "customer" in asked and len(text.split()) <= 6:
        name = _name(" ".join(re.findall(r"\b[A-Z][\w&.'-]*\b", text)))
        if name:
            update["customer"] = name
            claimed.update(range(len(sents)))
    m = CONTACT.search(text)
    if m and not case.contact:
        update["contact"] = f"{m.group('name')} ({m.group('title')})"

    tried: list[str] = []
    steps: list[str] = []
    impact: list[str] = []
    wants: list[str] = []
    problem: list[str] = []
    ask = ""
    problem_extra: list[str] = []
    for i, s in enumerate(sents):
        _checklist_answers(s, checklist)
        low = s.lower()
        if (s.endswith("?") and not asked) or CUSTOMER_NAMED.search(s):
            claimed.add(i)
            continue
        if ASK.search(s) and not ask:
            ask = s
            claimed.add(i)
            continue
        if NEXT_STEPS.search(s) and not TRIED_NONE.search(s):
            steps.append(s)
            claimed.add(i)
            continue
        if TRIED.search(s) and not TRIED_NONE.search(s) and not re.search(_NEG, low.split(",")[0]):
            tried.append(s)
            claimed.add(i)
        if MONEY.search(s):
            impact.append(s)
            claimed.add(i)
        if WANTS.search(s) and not _is_first_person(s):
            wants.append(s)
            claimed.add(i)
        if i in claimed:
            continue
        if ROOT_CAUSE_KNOWN.search(s) or ROOT_CAUSE_UNKNOWN.search(s):
            if ROOT_CAUSE_KNOWN.search(s):
                problem.append(s)
            claimed.add(i)
        elif (
            MANAGER_YES.search(s)
            or MANAGER_NO.search(s)
            or COMMS_YES.search(s)
            or COMMS_NO.search(s)
            or TRIED_NONE.search(s)
            or ASK_UNKNOWN.search(s)
        ):
            claimed.add(i)
        elif PROBLEM_WORDS.search(s) and (
            not (case.problem or problem) or "problem" in asked or correction
        ):
            problem.append(s)
            claimed.add(i)
        elif SUMMARY.search(s) or DRAFT.search(s) or DURATION.search(s) or JUST_NOW.search(s):
            claimed.add(i)
            if len(s.split()) >= 6 and not (SUMMARY.search(s) or DRAFT.search(s)):
                problem_extra.append(s)

    # What no rule claimed answers the open question just asked.
    leftover = [s for i, s in enumerate(sents) if i not in claimed and len(s.split()) >= 2]
    used_leftover = False
    if leftover and intent == "facts":
        for item in asked:
            if item == "problem" and not problem:
                problem = leftover
            elif item == "customer_wants" and not wants:
                wants = leftover
            elif (
                item in ("tried", "tried_yourself")
                and not tried
                and "tried_yourself" not in checklist
            ):
                tried = leftover
            elif item == "business_impact" and not impact:
                impact = leftover
            elif item in ("ask", "clear_ask") and not ask:
                ask = " ".join(leftover)
            elif item == "proposed_next_steps" and not steps:
                steps = leftover
            else:
                continue
            used_leftover = True
            break
        else:
            if not case.problem and not problem and not asked:
                problem = leftover[:2]
                used_leftover = True
    # Nothing the rep describes is lost: the rest is context for the brief.
    context = (
        []
        if used_leftover or intent != "facts"
        else [
            s
            for i, s in enumerate(sents)
            if i not in claimed and len(s.split()) >= 4 and not s.endswith("?")
        ]
    )
    context += [s for s in problem_extra if s not in context]
    if context:
        joined = " ".join(context)
        if joined not in case.notes:
            update["notes"] = f"{case.notes} {joined}".strip()

    if problem:
        joined = " ".join(problem)
        if case.problem and not correction and joined not in case.problem:
            joined = f"{case.problem} {joined}"
        update["problem"] = joined
    if wants:
        update["customer_wants"] = " ".join(wants)
    if impact:
        joined = " ".join(impact)
        if case.business_impact and not correction and joined not in case.business_impact:
            joined = f"{case.business_impact} {joined}"
        update["business_impact"] = joined
    if ask:
        update["ask"] = ask
        checklist.setdefault("clear_ask", True)
    if tried:
        update["tried"] = tried
        checklist.setdefault("tried_yourself", True)
    if steps:
        update["proposed_next_steps"] = steps
    days = _days(text)
    if days is not None:
        update["days_open"] = days
    auth = [m.group("what").strip() for m in AUTHORISED.finditer(text)]
    if auth:
        update["authorised_commitments"] = auth
    lm = LEADER.search(text)
    if lm:
        update["leader_name"] = lm.group("name")
        update["leader_title"] = lm.group("title").strip()
    if checklist:
        update["checklist"] = checklist

    out.update = update
    if intent == "facts":
        out.signals = detect_signals([s for s in sents if not s.endswith("?")])
    out.answered = answered_items(update)
    from coach.guardrails import check

    out.blame = [f for f in check(text, "any") if f.code == "blame"]
    return out


def answered_items(update: dict[str, Any]) -> list[str]:
    """The contract's item names an update answers (equivalent pairs answer each other)."""
    items = [
        k
        for k in update
        if k
        in {
            "customer",
            "problem",
            "customer_wants",
            "tried",
            "business_impact",
            "ask",
            "proposed_next_steps",
        }
    ]
    items += list((update.get("checklist") or {}).keys())
    return list(dict.fromkeys(items))


# --- signals in the rep's narration -------------------------------------------------------------

REP_SIGNALS: dict[str, re.Pattern[str]] = {
    "manager_request": re.compile(
        r"\b(?:asked|asking|wants?|demand\w*|insist\w*|requested)\s+(?:to\s+(?:speak|talk|meet)\s+"
        r"(?:to|with)\s+|for\s+)(?:my|our|a|the|your)\s+(?:manager|boss|vp|director|supervisor|"
        r"someone\s+(?:more\s+)?senior|exec\w*|leadership|ceo)",
        _F,
    ),
    "cancellation_threat": re.compile(
        r"\b(?:they|they'll|they\s+will|they're|customer)\s+(?:\w+\s+){0,2}(?:sign|go|move|switch)\s+"
        r"(?:with|to)\s+(?:a\s+)?(?:competitor|[A-Z]\w+)|"
        r"\b(?:threaten\w*|going|plan\w*|about|considering|thinking\s+about|ready)\s+(?:to\s+)?"
        r"(?:cancel|churn|leave|walk|terminate|not\s+renew|switch|move\s+to)|\bwon't\s+renew\b|"
        r"\b(?:evaluating|talking\s+to|looking\s+at)\s+(?:a\s+)?competitors?\b",
        _F,
    ),
    "leadership_decision": re.compile(
        r"\b(?:isn't|is\s+not|not)\s+my\s+(?:call|decision)\b|\b(?:need|needs|hoping|hope|want)\s+"
        r"(?:\w+\s+){0,3}(?:leadership|exec\w*|management)\s+(?:to|can|could|will)\b|"
        r"\bneeds\s+(?:our|my|a)\s+(?:vp|director|head|chief|cro|cfo|ceo)\b|"
        r"\b(?:beyond|above|outside)\s+my\s+(?:authority|approval|level|pay\s+grade)\b|"
        r"\bcan't\s+approve\b|\bneeds?\s+(?:a\s+)?(?:leadership|exec\w*|vp)\s+(?:decision|approval|"
        r"sign[-\s]?off)",
        _F,
    ),
    "deal_at_risk": re.compile(
        r"\b(?:deal|renewal|expansion|contract|poc|pilot)\s+(?:is\s+)?(?:at\s+risk|in\s+jeopardy|"
        r"slipping|stalled|going\s+sideways|failing)\b|\b(?:we|we'd|we'll)\s+(?:\w+\s+)?lose\s+"
        r"(?:the|a|this|our|their)\s+(?:[\w$-]+\s+){0,3}(?:deal|renewal|account|customer|contract)\b",
        _F,
    ),
    "relationship_breakdown": re.compile(
        r"\brelationship\b.{0,40}\b(?:broken|damaged|soured|falling\s+apart)\b|"
        r"\b(?:doesn't|don't|does\s+not|do\s+not)\s+trust\b|\b(?:lost\s+(?:all\s+)?(?:trust|confidence)|(?:trust|relationship)\s+is\s+(?:broken|gone|"
        r"damaged)|relationship\s+(?:has\s+)?(?:broken\s+down|soured))\b",
        _F,
    ),
    "venting": re.compile(
        r"\b(?:just|mostly|only)\s+(?:venting|blowing\s+off\s+steam|letting\s+off\s+steam|"
        r"frustrated|annoyed|grumpy)\b|\bnot\s+(?:actually\s+)?(?:threatening|escalating)\b",
        _F,
    ),
    "routine_issue": re.compile(
        r"\b(?:routine|small|minor|simple|quick)\s+(?:bug|issue|fix|question|problem|thing)\b|"
        r"\bi\s+can\s+(?:fix|handle|solve|sort)\s+(?:it|this|that)\b|\bhow[-\s]to\s+question\b",
        _F,
    ),
}
SEMANTIC_MIN = 0.72  # narration is not an email: only close matches count


def detect_signals(sents: list[str]) -> list[str]:
    """Signals in what the rep says about the customer (not in what the rep did)."""
    from coach.triage.models import Signal
    from coach.triage.signals import Sentence, detect, get_semantic_matcher, resolve

    found: dict[str, Signal] = {}
    about_customer = [s for s in sents if not _is_first_person(s) or "they" in s.lower()]
    for s in sents:
        for name, rx in REP_SIGNALS.items():
            if rx.search(s):
                found.setdefault(name, Signal(type=name, evidence=s))  # type: ignore[arg-type]
    if about_customer:
        try:
            matcher = get_semantic_matcher()
        except Exception:  # the embeddings failed to load: the phrase lists still work
            matcher = None
        detected = detect([[Sentence(s, 0) for s in about_customer]], ["en"], matcher)[0]
        for sig in detected:
            if sig.source == "fallback" or (sig.source == "semantic" and sig.score < SEMANTIC_MIN):
                continue
            found.setdefault(sig.type, sig)
    return [s.type for s in resolve(list(found.values()))]
