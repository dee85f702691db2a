"""Offline understanding of what the rep wrote: case facts, checklist answers, signals, intent.

Everything kept is the rep's own words (whole sentences or clauses), so the case file and the drafts
built from it never say more than the rep did. The question the coach just asked gives context: a
bare "yes" answers it, and a sentence no rule claims is taken as the answer to it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
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
_LEAD = (
    r"^(?:(?:so|and|but|also|actually|well|oh|ok|okay|plus|then|yes|yeah|yep|no|honestly|frankly|"
    r"basically|anyway|look|listen|tbh|fwiw|to\s+be\s+(?:honest|fair|clear)|in\s+fact|sadly|"
    r"unfortunately|luckily|fortunately)\b[,\s]*)*"
)
_ME = r"(?:i|i've|i'd|i'll|i'm|we|we've|we'd|we'll|we're|my\s+team|our\s+team)"

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
    # a lower-case company written as its domain: "customer is tessellate.io"
    r"|\b(?i:customer|client|account)\s+(?:is|was|=|:)\s+(?P<name3>[\w-]+\.(?i:io|com|ai|co|net|org|"
    r"app|dev|tech|cloud)\b)"
)
_NAME = r"[A-Z][\w&.'-]*(?:\s+(?:&\s+)?[A-Z][\w&.'-]*){0,2}"
CUSTOMER_SUBJECT = re.compile(
    r"^(?P<name>" + _NAME + r")(?:'s|’s)?\s+(?:is|are|has|have|had|was|were|"
    r"keeps|just|threaten\w*|want\w*|need\w*|ask\w*|said|says|told|complain\w*|escalat\w*|"
    r"emailed|called|sent|can't|cannot|won't|isn't|aren't|doesn't|don't|didn't|lost|gave|got|"
    r"missed|moved|switched|went|still|may|might|will|could|(?:CTO|CEO|CFO|COO|CIO|VP|head|team|"
    r"director|IT|procurement|legal|champion|admin|buyer|exec\w*|leadership|board|manager)\b)"
    # two or three capitalised words opening a clause are a company whatever verb follows
    r"|^(?P<multi>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){1,2})(?:'s|’s)?\s+[a-z]"
)
# "the Halcyon Health renewal", "The Zephyr Cloud pilot"
CUSTOMER_THING = re.compile(
    r"(?:^|\b)(?:[Tt]he\s+)?(?P<name>" + _NAME + r")(?:'s|’s)?\s+(?i:renewal|expansion|pilot|poc|"
    r"account|contract|deal|rollout|roll-out|migration|integration|project|implementation|"
    r"onboarding|upgrade|deployment|relationship|opportunity|rfp|go-live|launch)\b"
)
# "a situation at Globex", "trouble with Initech", "Umbrella (our biggest account) ..."
CUSTOMER_CONTEXT = re.compile(
    r"\b(?i:situation|problem|issue|issues|trouble|escalation|mess|fire|headache|incident|outage|"
    r"complaint|dealing|struggling|customer|client|account|deal|renewal)\s+(?:with|at|over\s+at|"
    r"for|from)\s+(?P<name>" + _NAME + r")\b"
    r"|^(?P<lead>" + _NAME + r")\s*(?:[,:(]|\s[-–—]\s)"
)
# "the owner of Maple Street Bakery", "a teacher at Juniper Schools"
CUSTOMER_ROLE_OF = re.compile(
    r"\b(?i:owner|founder|ceo|cto|cfo|coo|cio|ciso|vp|head(?:\s+of\s+\w+)?|director|admin|"
    r"administrator|manager|lead|team|champion|buyer|users?|staff|teacher|nurses?|engineers?|"
    r"people|folks|someone|somebody|everyone|contact|sponsor|procurement|editor[\w-]*|president|"
    r"partner|counsel|ops|it)\s+(?:at|of|from|over\s+at)\s+(?P<name>" + _NAME + r")"
)
CUSTOMER_PREP = re.compile(
    r"\b(?:customer|client|account)\s*,?\s+(?P<name>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2})\b"
    r"|\b(?:with|at|from|for)\s+(?P<name2>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2})(?:'s|’s)\s+"
    r"(?:CTO|CEO|CFO|COO|CIO|VP|head|team|director|IT|procurement|legal|account|renewal|contract)"
)
CUSTOMER_POSSESSIVE = re.compile(
    r"(?:^|[\s(])(?P<name>[A-Z][\w&.-]*(?:\s+(?:&\s+)?[A-Z][\w&.-]*){1,2})(?:'s|’s)\s+\w"
)
CUSTOMER_AFTER = re.compile(
    r"\b(?:with|on|for|at|from|promised|told|call|customer|client|account)\s+"
    r"(?P<name>[A-Z][\w&.-]*(?:\s+(?:&\s+)?[A-Z][\w&.-]*){1,2})\b"
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
    "ops", "operations", "billing", "sre", "devops", "qa", "csm", "tam", "quick", "already",
    "looking", "kept", "turned", "renewal", "haven", "hasn", "didn", "someone", "anyway",
    "sorry", "correction", "update", "fyi", "re", "fwd", "looping", "pinged", "told", "called",
    "need", "needs", "hoping", "waiting", "until", "honestly", "good", "great", "sure", "thank",
    "please", "any", "some", "every", "each", "none", "context", "background", "question",
    "problem", "situation", "summary", "note", "however", "meanwhile", "status", "issue", "help",
    "urgent", "heads", "long", "short", "story", "bottom", "first", "second", "finally",
    "today's", "ugh", "sigh", "hmm", "right", "agreed", "correct", "cheers",
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
    r"\b(?:the\s+)?(?:root\s+cause|cause|real\s+(?:issue|problem|reason)|underlying\s+(?:issue|"
    r"problem|cause)|reason|culprit)\s+(?:is|was|seems\s+to\s+be|turned\s+out|:)|\bit(?:'s|\s+is|"
    r"\s+was)\s+(?:caused|because)\b|\bcaused\s+by\b|\bturn(?:s|ed)?\s+out\b|\bwe\s+(?:know|found|"
    r"traced)\s+(?:why|what|the\s+cause|it)\b|\bi\s+(?:understand|know)\s+(?:why|the\s+root\s+cause|"
    r"what's\s+behind)\b|\btraced\s+(?:it|this|the\s+\w+)\s+(?:back\s+)?to\b|\b(?:came|comes|boils?)"
    r"\s+down\s+to\b|\bstem(?:s|med)\s+from\b|\bdue\s+to\b|\bbecause\s+(?:of\s+)?(?!i\b|i'|we\s+"
    r"(?:wanted|want|thought|need|needed|didn't|haven't|were|had|can't)\b)",
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
# --- who did what: phrase rules read clause by clause --------------------------------------------
# A rep's sentence often holds several clauses ("we rolled back, but I haven't told them"), so the
# checklist rules read each clause on its own and a negation only covers its own clause. A clause
# must start with its subject: "the date we gave them" is not something the rep tried.

_CLAUSE_SPLIT = re.compile(
    r"\s*(?:[;:()]|,|\s[-–—]\s|\b(?:and|but|then|though|although|while|plus|whereas)\b)\s*", _F
)
# The rep's side: the rep, their team, or another team of their company acting for the customer.
_US = (
    r"(?:i|we|my\s+team|our\s+team|the\s+team|support|engineering|ops|operations|finance|billing|"
    r"legal|product|sre|devops|professional\s+services|our\s+(?:[\w-]+\s+)?(?:team|engineers?|devs?|"
    r"developers|sres?|support|engineering|ops|people|csms?|ses?|tams?|folks))"
)
_AUX = (
    r"(?:\s*(?:'ve|'d|'m|'s|have|has|had|did|do|does|am|is|are|still|really|actually|already|also|"
    r"just|then|first|even|both|personally|honestly|finally|immediately|quickly|since|now))*"
)
_NOT = r"(?:n't|\bnot\b(?!\s+(?:sure|only|just))|\bnever\b|\bno\s+longer\b)"
_THEY = (
    r"(?:they|he|she|the\s+customer|the\s+client|customer|client|their\s+(?:[\w-]+\s+){0,2}?"
    r"(?:team|cto|ceo|cfo|coo|cio|ciso|vp|director|head|lead|champion|admin|buyer|manager|owner|"
    r"contact|users?|people|it|ops|procurement|legal|board|leadership|exec\w*|sponsor|side)"
    r"|(?-i:(?!(?:I|We|My|Our|Us|You|Your)\b)[A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+){0,2}))"
)
_CUST = (
    r"(?:them|him|her|the\s+customer|the\s+client|their\s+(?!own\b)[\w-]+|"
    r"(?-i:(?!(?:I|We|My|Our|Us|You|Your)\b)[A-Z][\w&.-]+)(?!\s+(?:manager|boss)))"
)
_MGR = (
    r"(?:my|our)\s+(?:[\w-]+\s+)?(?:manager|boss|lead|director|vp|rvp|avp|svp|head\s+of\s+\w+|"
    r"supervisor|skip(?:[-\s]level)?)\b"
)
_PARTS = {
    "LEAD": _LEAD,
    "US": _US,
    "AUX": _AUX,
    "NOT": _NOT,
    "THEY": _THEY,
    "CUST": _CUST,
    "MGR": _MGR,
}


def _rx(pattern: str) -> re.Pattern[str]:
    """Compile a phrase rule; `<NAME>` stands for the shared fragment `_PARTS[NAME]`."""
    for name, part in _PARTS.items():
        pattern = pattern.replace(f"<{name}>", part)
    missing = re.search(r"<[A-Z_]+>", pattern)
    if missing:
        raise ValueError(f"unknown fragment {missing.group()} in a phrase rule")
    return re.compile(pattern, _F)


WANTS = _rx(
    r"\b<THEY>(?:'re|'s|\s+are|\s+is|\s+really|\s+just|\s+also|\s+now|\s+mainly|\s+basically"
    r"|\s+still|\s+only|\s+specifically|\s+simply|\s+all)*\s*(?:want|wants|wanted|asking\s+for"
    r"|asked\s+for|ask\s+for|asks\s+for|expect|expects|expecting|need|needs|demand|demands"
    r"|demanded|demanding|require|requires|looking\s+for|pushing\s+for|push\s+for|insist\w*"
    r"|hoping\s+for|hope\s+for|requesting|requested)\b|\b<THEY>(?:'d|\s+would)\s+(?:really\s+"
    r"|also\s+)?(?:like|love|prefer)\b|\b<THEY>(?:'re|\s+are|'s|\s+is)\s+(?:really\s+|just\s+"
    r"|mainly\s+)?after\b|\bwhat\s+they(?:'re|\s+are)?\s+(?:really\s+)?(?:want|need"
    r"|asking\s+for|after|looking\s+for)\b|\btheir\s+(?:main\s+|real\s+|big\s+|only\s+)?(?:ask"
    r"|request|demand|expectation)\s+(?:is|was|:)"
)
TRIED_VERBS = (
    r"(?:tried|attempted|restarted|rebooted|reset|re-?ran|rolled\s+back|reverted|escalated|opened|"
    r"filed|raised|logged|called|phoned|rang|emailed|e-mailed|messaged|met|spoke|talked|offered|"
    r"sent|walked|showed|shared|reproduced|checked|worked|applied|fixed|patched|hot-?fixed|looked|"
    r"investigated|explained|proposed|set\s+up|spun\s+up|scheduled|pushed|gave|reached\s+out|"
    r"followed\s+up|debugged|tested|rebuilt|migrated|re-?configured|configured|tuned|optimi[sz]ed|"
    r"enabled|disabled|turned\s+(?:on|off)|held|ran|arranged|asked|involved|looped\s+in|brought\s+in|"
    r"engaged|provided|delivered|replaced|upgraded|downgraded|refunded|credited|waived|comped|"
    r"issued|apologi[sz]ed|acknowledged|hosted|organi[sz]ed|booked|did|done|implemented|"
    r"re-?deployed|deployed|rolled\s+out|shipped|cleared|cleaned\s+up|purged|re-?synced|resent|"
    r"re-?sent|updated|answered|replied|visited|flew|joined|jumped\s+on|hopped\s+on|created|built|"
    r"wrote|documented|requested|submitted|chased|added|increased|reduced|extended|expedited|"
    r"prioriti[sz]ed|restored|recovered|repaired|re-?indexed|rotated|reinstalled|swapped|trained|"
    r"audited|reviewed|redlined|negotiated|diagnosed|traced|found(?!\s+out)|confirmed|identified|"
    r"isolated|dug\s+into|spent|got\s+(?:on|them|engineering|support|a\s+(?:fix|patch|workaround)|"
    r"the\s+(?:fix|patch))|had\s+(?:\w+\s+)?(?:calls?|meetings?|sessions?|conversations?|workshops?)|"
    r"been\s+(?:on\s+(?:it|this|that|the\s+\w+)|working|looking|digging|chasing|pushing|tuning|"
    r"investigating|debugging|trying|troubleshooting|testing|helping|handling|fixing)|"
    r"(?:looking|digging)\s+into|working\s+on|on\s+(?:it|this|the\s+case)|(?:got|have|has|had)\s+"
    r"(?:a\s+|the\s+)?(?:fix|patch|hotfix|workaround)|(?:a|the)\s+(?:fix|patch|hotfix|workaround)\s+"
    r"(?:is\s+)?(?:scheduled|planned|ready|in\s+progress|coming|queued))"
)
_TRY_BASE = (
    r"(?:try|tried|attempt\w*|look\w*|check\w*|investigat\w*|dig|dug|touch\w*|start\w*|"
    r"do|done|work\w*\s+on|reproduc\w*|replac\w*|offer\w*|escalat\w*|open\w*|file|filed|"
    r"restart\w*|reset|roll\w*\s+back|patch\w*|debug\w*|test\w*|propos\w*|re-?plan\w*|"
    r"negotiat\w*|got\s+to|gotten\s+to|get\s+to|had\s+(?:a\s+|the\s+|any\s+)?(?:chance|time)|"
    r"spent\s+(?:any\s+)?time)"
)
_PARTS.update(TRIED_VERBS=TRIED_VERBS, TRY_BASE=_TRY_BASE)
# Clause level: subject first. A bare verb ("Already tried ...") only opens a sentence.
TRIED_DONE = _rx(r"<LEAD><US><AUX>\s*<TRIED_VERBS>\b")
TRIED_BARE = _rx(
    r"<LEAD>(?:(?:already|also|just|then|first|personally|finally)\s+)*<TRIED_VERBS>\b"
)
TRIED_NOT = _rx(r"<LEAD>(?:<US>)?<AUX>\s*<NOT>\s*(?:[\w-]+\s+){0,3}?<TRY_BASE>\b")
TRIED_NONE = re.compile(
    r"\bnothing\s+(?:yet|so\s+far|at\s+all)\b|\bnot\s+(?:much|anything)\s+(?:yet|so\s+far)\b|"
    r"\b(?:i|we)\s+(?:just|only)\s+(?:just\s+)?(?:found\s+out|heard|learned|got\s+the\s+"
    r"(?:email|call|message|ticket))\b|\b(?:nobody|no\s+one|no-one)(?:\s+(?:on|in|at|from)\s+"
    r"(?:our|my)\s+(?:side|team|end))?\s+(?:has\s+|had\s+|'s\s+)?(?:\w+\s+)?(?:looked|touched|"
    r"tried|investigated|worked|picked|done)\b",
    _F,
)
MONEY = re.compile(
    r"[$€£]\s?\d|\b\d[\d,.]*\s?(?:k|m|mm|million|thousand|bn)\b|\b(?:ARR|ACV|MRR|TCV)\b|\brenewal\b|"
    r"\bdeal\s+(?:size|worth|value|is)\b|\bseats\b|\blicen[cs]es\b|\bcontract\s+(?:is\s+)?worth\b|"
    r"\brevenue\b|\bpipeline\b|\bexpansion\b|\bupsell\b|\breference\s+(?:customer|account)\b|"
    r"\b(?:largest|biggest|top|key|strategic|flagship)\s+(?:\w+\s+)?(?:customer|account|client|logo)s?\b|"
    r"\blogo\b|\b\d[\d,.]*\s*(?:users|seats|licen[cs]es|devices|locations|sites|stores|employees|"
    r"agents|endpoints)\b|\bquota\b|\bbook\s+of\s+business\b|\bmulti[-\s]?year\b|\bwallet\b|"
    r"\b(?:big|large|huge|major|important|significant|sizeable|marquee|lighthouse)\s+(?:customer|"
    r"account|client|deal|logo)s?\b|\b(?:five|six|seven|eight)[-\s]figure\b|\bhalf\s+a\s+million\b|"
    r"\b(?:contract|annual|deal|account)\s+value\b|\bcase\s+study\b|\breferenceable\b|"
    r"\b(?:per|a|each)\s+(?:year|month|annum)\b|\bannually\b|\bheadcount\b",
    _F,
)
_ASK_TARGET = (
    r"\b(?:manager|leadership|vp|exec\w*|director|approv\w*|decision|sign[-\s]?off|authori[sz]\w*|"
    r"someone\s+senior|senior|head\s+of|cfo|cto|ceo|coo|cro|ciso|cio|to\s+join|on\s+(?:a|the)\s+call|"
    r"help\s+(?:from|with)|support\s+from|budget|credit|discount|exception|resources|engineer\w*|"
    r"waiv\w*|concession|sponsor\w*|commit\w*)\b"
)
_PARTS["ASK_TARGET"] = _ASK_TARGET
ASK = _rx(
    r"<LEAD>(?:i|we)(?:'d|'ll|'m|\s+would|\s+will|\s+really|\s+just|\s+urgently|\s+probably"
    r"|\s+definitely|\s+also|\s+am|\s+are)*\s+(?:need|want|like|asking|ask|request\w*"
    r"|think\s+we\s+need|have\s+to\s+get|looking\s+for|hoping|hope|seeking|should|must"
    r"|have\s+to|'ve\s+got\s+to|going\s+to\s+ask)\b.*<ASK_TARGET>"
    r"|<LEAD>(?:(?:really|just|mainly|basically|mostly|ideally)\s+)?(?:looking\s+for|hoping\s+(?:for"
    r"|to\s+get)|need|seeking|asking\s+for|requesting|would\s+like|'d\s+like|want)\b.*<ASK_TARGET>"
    r"|^(?:can|could|would|will)\s+(?:we|i|you|our|my)\b.*<ASK_TARGET>"
    r"|^ask\s*:|\b(?:the|my|our)\s+(?:ask|request)\s+(?:is|would\s+be|:)"
    r"|\bwhat\s+i(?:'m|\s+am|'d|\s+would)?\s+(?:need|want|like|after|asking\s+for|looking\s+for)\b"
    r"|\bif\s+(?:my|our)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:could|can|would)\b.*<ASK_TARGET>"
    r"|\b(?:a\s+)?(?:call|email|note|word|visit)\s+from\s+(?:our|my)\s+\w+.*\b(?:would|could|might)"
    r"\s+help\b|\bmy\s+ask\s+(?:is"
    r"|would\s+be|for\s+\w+\s+is)\b|\bwhat\s+i\s+need\s+(?:is|from)\b|\bi(?:'d"
    r"|\s+would)\s+ask\s+(?:leadership|my\s+\w+|the\s+\w+|\w+)\s+(?:to|for)\b|\bneed\s+"
    r"(?:my\s+|our\s+|a\s+|an\s+)?(?:manager|vp|leadership|exec\w*|director|cro|cfo|ceo|cto)\s+to\b"
)
ASK_UNKNOWN = re.compile(
    r"\b(?:not\s+sure|don't\s+know|no\s+idea)\s+what\s+(?:i|we)\s+(?:need|want|should\s+ask|would\s+ask)"
    r"|\b(?:not\s+sure|don't\s+know)\s+what\s+to\s+ask\b",
    _F,
)
NEXT_STEPS = _rx(
    r"<LEAD>(?:i\s+plan\s+to|i'm\s+planning\s+to|we\s+plan\s+to|my\s+plan\s+is|the\s+plan\s+is"
    r"|our\s+plan\s+is|(?:the\s+|my\s+|our\s+)?next\s+steps?\s+(?:is|are|would\s+be|:)"
    r"|i\s+propose|i'd\s+propose|i\s+would\s+propose|we\s+propose|i\s+suggest|i'd\s+suggest"
    r"|i\s+want\s+to\s+propose|i'll|i\s+will|we'll|we\s+will|i'm\s+going\s+to"
    r"|we're\s+going\s+to|i\s+intend\s+to|i'd\s+like\s+to\s+(?:propose|offer|set\s+up|schedule"
    r"|run|hold)|proposal\s*:|plan\s*:|plan\s+is\s+to|(?:then|first|after\s+that),?\s+(?:i|we)\s+(?:would"
    r"|will|'d|'ll))"
)
MANAGER_YES = _rx(
    r"\b(?:told|briefed|informed|updated|looped\s+in|spoke\s+(?:to|with)|spoken\s+(?:to|with)"
    r"|talked\s+(?:to|with)|let|warned|alerted|cc'?e?d|copied|messaged|pinged|emailed|called"
    r"|texted|slacked|flagged\s+(?:it|this)\s+(?:to|with)|escalated\s+(?:it\s+|this\s+)?(?:to"
    r"|with)|raised\s+(?:it|this)\s+with|mentioned\s+(?:it|this)\s+to|gave|kept|looped|brought"
    r"|filled\s+in|synced\s+with|checked\s+(?:in\s+)?with|caught\s+up\s+with|walked|sent"
    r"|forwarded\s+(?:[\w-]+\s+){0,3}?to)\s+<MGR>|\b<MGR>(?:'s|\s+is|\s+has|\s+was)?\s*"
    r"(?:already\s+|fully\s+|now\s+)?(?:knows|aware|in\s+the\s+loop|looped\s+in|across\s+(?:it"
    r"|this)|on\s+board|up\s+to\s+speed|in\s+the\s+picture|cc'?e?d|copied|been\s+(?:briefed"
    r"|told|informed|updated|looped\s+in|cc'?e?d|copied|kept\s+\w+)|briefed|told|informed"
    r"|agreed|asked\s+me|told\s+me|wants\s+me|suggested|said)\b|\bbriefed\s+(?:him|her)\b"
)
MANAGER_NO = _rx(
    r"<NOT>\s*(?:yet\s+)?(?:[\w-]+\s+){0,2}?(?:told|tell|briefed|brief|informed|inform|updated"
    r"|update|looped\s+in|loop\s+in|talked\s+to|talk\s+to|spoken\s+to|spoke\s+to|speak\s+to"
    r"|mentioned\s+(?:it|this|anything)\s+to|raised\s+it\s+with|said\s+anything\s+to"
    r"|flagged\s+(?:it|this)\s+to|escalated\s+(?:it\s+|this\s+)?to|pinged|emailed|messaged"
    r"|called|looped|loop|brought|gave|cc'?e?d)\s+(?:\w+\s+)?<MGR>|\b<MGR>\s+(?:still\s+)?"
    r"(?:doesn't|does\s+not|don't|didn't|did\s+not)\s+know\b|\b<MGR>(?:'s|\s+is|\s+has"
    r"|\s+was)\s*(?:n't|not)\s+(?:yet\s+)?(?:aware|in\s+the\s+loop|looped\s+in|been\s+\w+"
    r"|in\s+the\s+picture|up\s+to\s+speed)|\b<MGR>\s+has\s+no\s+idea\b|\b(?:will|'ll"
    r"|going\s+to|gonna|plan\s+to|planning\s+to|need\s+to|should|have\s+to|about\s+to"
    r"|yet\s+to)\s+(?:\w+\s+)?(?:tell|brief|inform|update|loop\s+in|loop|talk\s+to|speak\s+to"
    r"|ping|email|call|bring|give)\s+(?:\w+\s+)?<MGR>|\b(?:haven't|have\s+not|didn't|not)\s+"
    r"(?:yet\s+)?(?:briefed|told|looped\s+in|informed)\s+(?:anyone|anybody)\b(?!\s+(?:at|from"
    r"|on\s+their)\b)|\bnobody\s+internally\s+knows\b|\b(?:haven't|have\s+not|not)\s+"
    r"(?:yet\s+)?escalated\s+(?:it\s+)?internally\b"
)
_COMMS_VERBS = (
    r"(?:told|explained(?:\s+[\w-]+){0,4}?\s+to|updated|informed|kept|walked|briefed|warned|called|"
    r"rang|phoned|emailed|e-mailed|messaged|texted|met\s+with|reached\s+out\s+to|responded\s+to|"
    r"replied\s+to|got\s+back\s+to|gotten\s+back\s+to|spoke\s+(?:to|with)|spoken\s+(?:to|with)|"
    r"talked\s+(?:to|with)|communicated\s+(?:with|to)|shared\s+(?:[\w-]+\s+){0,3}?with|let|gave|"
    r"sent|showed|apologi[sz]ed\s+to|flagged\s+(?:it|this)\s+to|(?:jumped|hopped|got)\s+on\s+"
    r"(?:a\s+)?(?:\w+\s+)?call\s+with|had\s+(?:a\s+)?(?:\w+\s+)?(?:call|meeting|chat|conversation)"
    r"\s+with|set\s+up\s+(?:a\s+)?(?:\w+\s+)?(?:check-?ins?|calls?|syncs?|meetings?)\s+with|"
    r"been\s+in\s+(?:touch|contact)\s+with|(?:been\s+)?(?:keeping|updating))"
)
_PARTS["COMMS_VERBS"] = _COMMS_VERBS
# Clause level, anchored on the subject (or none at a sentence's start).
COMMS_YES = _rx(
    r"<LEAD>(?:<US>)?<AUX>\s*(?:<COMMS_VERBS>)\s+<CUST>|<LEAD>(?:<US>)?<AUX>\s*been\s+"
    r"(?:very\s+|fully\s+|completely\s+|totally\s+)?(?:transparent|honest|open|upfront"
    r"|up-front|straight|clear|candid|direct|forthcoming)\b|<LEAD>(?:they|the\s+customer"
    r"|the\s+client|customer|client)(?:'re|\s+are|\s+is|'ve|\s+have|\s+has)?\s*(?:already\s+"
    r"|fully\s+)?(?:know|knows|aware|in\s+the\s+loop|informed|up\s+to\s+speed|been\s+(?:told"
    r"|updated|informed|kept\s+\w+))\b"
)
_COMMS_BASE = (
    r"(?:told|tell|talked\s+(?:to|with)|talk\s+(?:to|with)|spoken\s+(?:to|with)|spoke\s+(?:to|with)|"
    r"speak\s+(?:to|with)|communicated|followed\s+up|follow\s+up|been\s+in\s+(?:touch|contact)|"
    r"had\s+(?:a\s+|the\s+)?(?:call|conversation|chat|meeting)\s+with|shared|share|looped\s+them|"
    r"acknowledged|acknowledge|set\s+expectations|"
    r"communicate|explained|explain|updated|update|been\s+(?:transparent|honest|open|upfront|"
    r"straight)|reached\s+out|reach\s+out|responded|respond|replied|reply|gotten\s+back|got\s+back|"
    r"get\s+back|contacted|contact|called|call|emailed|email|said\s+anything|say\s+anything|"
    r"mentioned|mention|informed|inform|warned|warn|let\s+them\s+know|gave\s+them)"
)
_PARTS["COMMS_BASE"] = _COMMS_BASE
COMMS_NO = _rx(
    r"<LEAD>(?:<US>)?<AUX>\s*<NOT>\s*(?:yet\s+)?(?:[\w-]+\s+){0,4}?<COMMS_BASE>\b(?!\s+"
    r"(?:\w+\s+)?<MGR>)(?!\s+(?:anyone|anybody)\s+internally)|\b(?:nobody|no\s+one|no-one)\s+"
    r"(?:has\s+|had\s+|'s\s+)?(?:\w+\s+)?(?:told|updated|informed|warned|contacted|called"
    r"|emailed|reached\s+out\s+to|spoken\s+to|talked\s+to|explained|said\s+anything\s+to"
    r"|let)\s+<CUST>|\b(?:they|the\s+customer|the\s+client|customer|client)\s+(?:still\s+)?"
    r"(?:don't|do\s+not|doesn't|does\s+not|didn't|did\s+not)\s+know(?:\s+(?:yet|about|that"
    r"|anything|what's\s+going\s+on|what\s+happened)|\s*$)|\b(?:they|the\s+customer"
    r"|the\s+client)(?:'re|\s+are|\s+is)\s+(?:still\s+)?(?:not\s+aware|unaware"
    r"|in\s+the\s+dark)|\b(?:they|the\s+customer|the\s+client)\s+(?:aren't|isn't)\s+aware\b|\b"
    r"(?:they|the\s+customer|the\s+client)\s+(?:have|has)\s+no\s+idea\b|\b(?:they"
    r"|the\s+customer|the\s+client)\s+(?:only\s+)?(?:found\s+out|heard|learned|discovered"
    r"|read\s+about\s+it)\s+(?:about\s+[\w-]+(?:\s+[\w-]+)?\s+)?(?:from|through|via|on|in)\s+"
    r"(?!us\b|me\b|our\s+(?:team|call|email|update)|my\s+)|\b(?:kept"
    r"|left)\s+them\s+in\s+the\s+dark\b|\b(?:gone|went)\s+(?:quiet|silent|dark)\s+on\s+them\b"
    # passive and the customer's side: "they haven't been told", "they haven't heard from us"
    r"|\b(?:they|the\s+customer|the\s+client)\s+(?:still\s+)?(?:haven't|hasn't|have\s+not|has\s+not)"
    r"\s+(?:yet\s+)?(?:been\s+(?:told|updated|informed|contacted|briefed|warned)|heard\s+(?:anything\s+"
    r"|back\s+)?from\s+(?:us|me|anyone))|\b(?:they're|they\s+are|the\s+customer\s+is)\s+(?:still\s+)?"
    r"waiting\s+(?:to\s+hear|for\s+(?:an?\s+)?(?:update|answer|response|reply)|on\s+us)"
    r"|\b(?:left|leaving)\s+them\s+hanging\b|\bghosted\s+them\b|\bradio\s+silence\b"
    r"|\b(?:been\s+)?(?:avoiding|dodging|ignoring)\s+(?:them|their\s+\w+)"
    r"|\b(?:before|until)\s+(?:i|we)\s+(?:tell|update|talk\s+to|contact|call|email)\s+them\b"
    r"|\bdidn't\s+want\s+to\s+(?:worry|alarm|upset|tell)\s+them\b|\bkept\s+it\s+from\s+them\b"
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


def _base(word: str) -> str:
    """ "They're" -> "they": the word a contraction or possessive starts with."""
    return re.split(r"['’]", word.lower())[0].strip(".,:;!?()")


def _name(candidate: str | None) -> str:
    if not candidate:
        return ""
    words = candidate.split()
    while words and _base(words[-1]) in NOT_NAMES | {"of", "&"}:
        words.pop()
    if not words or _base(words[0]) in NOT_NAMES:
        return ""
    return " ".join(words).rstrip(".,'’").removesuffix("'s").removesuffix("’s")


def _clause_heads(sentence: str) -> list[str]:
    body = re.sub(_LEAD, "", sentence, flags=_F)
    return [c for c in re.split(r"\s*[:;,]\s*|\s+[-–—]\s+", body) if c]


def find_customer(text: str, sents: list[str]) -> tuple[str, bool]:
    """The customer's name, and whether the rep named it explicitly ("the customer is X")."""
    for s in sents:
        m = CUSTOMER_NAMED.search(s)
        if m:
            name = _name(m.group("name") or m.group("name2") or m.group("name3"))
            if name:
                return name, True
    for s in sents:
        for clause in _clause_heads(s):
            if _is_first_person(clause):
                continue
            for rx in (CUSTOMER_THING, CUSTOMER_SUBJECT):
                m = rx.match(clause)
                if m:
                    name = _name(m.groupdict().get("name") or m.groupdict().get("multi"))
                    if name and not (" " in name and _ROLE_WORDS.search(name)):
                        return name, False
        for rx in (CUSTOMER_THING, CUSTOMER_ROLE_OF, CUSTOMER_PREP, CUSTOMER_CONTEXT):
            m = rx.search(re.sub(_LEAD, "", s, flags=_F))
            if m:
                groups = m.groupdict()
                name = _name(groups.get("name") or groups.get("name2") or groups.get("lead"))
                if name:
                    return name, False
    # Company names are usually two or more capitalised words: "Quarry Point Logistics".
    for rx in (CUSTOMER_POSSESSIVE, CUSTOMER_AFTER):
        for s in sents:
            for m in rx.finditer(s):
                name = _name(m.group("name"))
                if len(name.split()) >= 2 and not _ROLE_WORDS.search(name):
                    return name, False
    return "", False


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


def _clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE_SPLIT.split(sentence) if c and c.strip()]


def _opens(clause: str, index: int, first_person: bool) -> bool:
    """A clause without a subject continues the sentence's: it counts when the rep is speaking."""
    return index == 0 or first_person or bool(re.match(_LEAD + _US + r"\b", clause, _F))


def _manager_answer(clauses: list[str]) -> bool | None:
    if any(MANAGER_NO.search(c) for c in clauses):
        return False
    if any(MANAGER_YES.search(c) for c in clauses):
        return True
    return None


def _comms_answer(clauses: list[str], first_person: bool) -> bool | None:
    yes = False
    for i, c in enumerate(clauses):
        if MANAGER_YES.search(c) or MANAGER_NO.search(c):
            continue
        if COMMS_NO.search(c):
            return False
        if COMMS_YES.search(c) and _opens(c, i, first_person):
            yes = True
    return True if yes else None


def _tried_answer(sentence: str, clauses: list[str], first_person: bool) -> bool | None:
    """True when the rep's side did something about it, False when the rep says nothing was."""
    done = not_done = False
    for i, c in enumerate(clauses):
        if (
            MANAGER_YES.search(c)
            or MANAGER_NO.search(c)
            or COMMS_NO.search(c)
            or ROOT_CAUSE_UNKNOWN.search(c)
        ):
            continue
        if TRIED_NOT.search(c):
            not_done = True
        elif TRIED_DONE.search(c) or (_opens(c, i, first_person) and TRIED_BARE.search(c)):
            done = True
    if done:
        return True
    return False if not_done or TRIED_NONE.search(sentence) else None


def _checklist_answers(s: str, checklist: dict[str, bool]) -> dict[str, bool]:
    """The checklist answers one sentence gives (also written into `checklist`)."""
    clauses = _clauses(s)
    first_person = _is_first_person(s)
    found: dict[str, bool] = {}
    for item, value in (
        ("manager_briefed", _manager_answer(clauses)),
        ("communicated_transparently", _comms_answer(clauses, first_person)),
        ("tried_yourself", _tried_answer(s, clauses, first_person)),
    ):
        if value is not None:
            found[item] = value
    if ROOT_CAUSE_UNKNOWN.search(s):
        found["root_cause_understood"] = False
    elif ROOT_CAUSE_KNOWN.search(s):
        found["root_cause_understood"] = True
    if ASK_UNKNOWN.search(s):
        found["clear_ask"] = False
    if re.search(r"\b(?:too\s+early|too\s+soon|premature|too\s+late|waited\s+too\s+long)\b", s, _F):
        found["right_time"] = False
    checklist.update(found)
    return found


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
    # "I didn't tell them ..." after "have you briefed your manager?" says which item it answers:
    # a yes/no that opens with a verb only answers the question when no rule claims it elsewhere.
    interjection = re.match(r"^\W*(?:yes|yeah|yep|yup|sure|correct|right|no|nope|nah)\b", first, _F)
    elsewhere = set(_checklist_answers(first, {})) - set(yes_no_asked)
    if yes_no_asked and (YES.match(first) or NO.match(first)) and (interjection or not elsewhere):
        value = not NO.match(first)
        for item in dict.fromkeys(yes_no_asked):
            checklist[item] = value
        if bare:
            claimed.add(0)

    customer, named = find_customer(text, sents)
    # A name found in passing never replaces the customer; "the customer is X" or a correction does.
    if customer and customer != case.customer and (named or correction or not case.customer):
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
    rep_side: list[str] = []
    for i, s in enumerate(sents):
        answers = _checklist_answers(s, checklist)
        if "manager_briefed" in answers:
            rep_side.append(s)
        if (s.endswith("?") and not asked and not ASK.search(s)) or CUSTOMER_NAMED.search(s):
            claimed.add(i)
            continue
        if ASK.search(s) and not ask and not WANTS.match(s):
            ask = s
            rep_side.append(s)
            claimed.add(i)
            continue
        if NEXT_STEPS.search(s) and answers.get("tried_yourself") is not False:
            steps.append(s)
            claimed.add(i)
            continue
        if answers.get("tried_yourself"):
            tried.append(s)
            claimed.add(i)
        money = bool(MONEY.search(s))
        if money:
            impact.append(s)
            claimed.add(i)
        if WANTS.search(s):
            wants.append(s)
            claimed.add(i)
        # "The Acme renewal is at risk because ..." is the problem too, when none is known yet.
        first_problem = not (case.problem or problem) and PROBLEM_WORDS.search(MONEY.sub(" ", s))
        if i in claimed and not (
            money and first_problem and "tried_yourself" not in answers and not wants
        ):
            continue
        if ROOT_CAUSE_KNOWN.search(s) or ROOT_CAUSE_UNKNOWN.search(s):
            if ROOT_CAUSE_KNOWN.search(s):
                problem.append(s)
            claimed.add(i)
        elif answers:
            claimed.add(i)
            if len(s.split()) >= 7:  # "I told them upfront the fix ships Friday": keep the detail
                problem_extra.append(s)
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
        out.signals = detect_signals([s for s in sents if not s.endswith("?")], rep_side)
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
        r"\b(?:evaluating|talking\s+to|looking\s+at)\s+(?:a\s+)?competitors?\b|"
        r"\b(?:they|they're|they\s+are|customer|client)\s+(?:\w+\s+){0,2}(?:moving|switching|going|"
        r"migrating)\s+to\s+(?:a\s+|another\s+)?(?:competitor|rival|other\s+vendor)|"
        r"\b(?:they'll|they\s+will|they'd|they\s+would|will|would)\s+(?:\w+\s+)?(?:cancel|churn|"
        r"leave\s+us|walk(?:\s+away)?|terminate|pull\s+the\s+plug)\b|"
        r"\b(?:before|or\s+(?:else\s+)?|otherwise)\s*they(?:'ll|\s+will)?\s+(?:cancel|churn|leave|walk|"
        r"terminate)\b",
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


def _by_the_rep(sentence: str, start: int) -> bool:
    """The rep, not the customer, is the one asking ("I'm asking for a VP on the call")."""
    before = sentence[:start]
    return bool(re.search(r"\b(?:i|we)\b|\b(?:i|we)'", before, _F)) and not re.search(
        r"\b(?:they|he|she|their|customer|client)\b", before, _F
    )


def detect_signals(sents: list[str], rep_side: Collection[str] = ()) -> list[str]:
    """Signals in what the rep says about the customer (not in what the rep did). `rep_side`
    sentences (the rep's ask, their manager's status) only count through the explicit phrases."""
    from coach.triage.models import Signal
    from coach.triage.signals import Sentence, detect, get_semantic_matcher, resolve

    found: dict[str, Signal] = {}
    about_customer = [
        s for s in sents if (not _is_first_person(s) or "they" in s.lower()) and s not in rep_side
    ]
    for s in sents:
        for name, rx in REP_SIGNALS.items():
            m = rx.search(s)
            if m and not (name == "manager_request" and _by_the_rep(s, m.start())):
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
