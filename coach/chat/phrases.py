"""How reps say things: the phrase rules the offline coach reads a message with.

Patterns are written with placeholders (`<US>`, `<NOT>`, `<AUX>`...) that `_rx` expands, so each rule
reads close to the sentences it matches. `coach.chat.extract` applies them clause by clause.
"""

from __future__ import annotations

import re

IGNORE_CASE = re.IGNORECASE
LEAD = (
    r"^(?:(?:so|and|but|also|actually|well|oh|ok|okay|plus|then|yes|yeah|yep|no|honestly|frankly|"
    r"basically|anyway|look|listen|tbh|fwiw|to\s+be\s+(?:honest|fair|clear)|in\s+fact|sadly|"
    r"unfortunately|luckily|fortunately)\b[,\s]*)*"
)
ME = r"(?:i|i've|i'd|i'll|i'm|we|we've|we'd|we'll|we're|my\s+team|our\s+team)"

YES = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|correct|right|sure|definitely|absolutely|i\s+have|i\s+did|we\s+have|"
    r"we\s+did|done|already\s+done|of\s+course)\b",
    IGNORE_CASE,
)
NO = re.compile(
    r"^\W*(?:no|nope|nah|not\s+yet|not\s+really|i\s+haven't|i\s+have\s+not|i\s+didn't|haven't|"
    r"we\s+haven't|we\s+didn't|never|no\s+idea)\b",
    IGNORE_CASE,
)

# --- intents -----------------------------------------------------------------------------------

SUMMARY = re.compile(
    r"\bwhat\s+(?:do|did)\s+you\s+(?:know|have|understand)\b|\bwhat\s+have\s+you\s+got\b|"
    r"\bshow\s+(?:me\s+)?(?:the\s+)?case\b|\b(?:case\s+file|summary|summari[sz]e|recap)\b|"
    r"\bwhere\s+are\s+we\b|\bwhat\s+(?:have\s+)?you\s+(?:understood|noted)\b",
    IGNORE_CASE,
)
DRAFT = re.compile(
    r"\b(?:write|draft|prepare|prep|give\s+me|generate|create|make|produce|compose|do)\b"
    r"(?:\s+\w+){0,4}?\s+(?:brief|email|e-mail|message|note|call[-\s]?prep|prep\s+notes|"
    r"talking\s+points|agenda|follow[-\s]?up|follow[-\s]?through|plan|reply|response|"
    r"slack|dm|summary\s+for)\b"
    # "What should I send Rachel?", "what do I tell my manager?": a request for the message
    r"|\bwhat\s+(?:should|do|can|would|shall)\s+(?:I|we)\s+(?:send|write|say|tell|email|"
    r"reply|answer)\b|\bhow\s+(?:should|do|can)\s+I\s+(?:word|phrase|write|reply|respond)\b"
    # "Prep me for Friday's call", "what should we cover?", "plan the follow-through"
    r"|\bprep(?:are)?\s+(?:me|us)\b|\bhelp\s+(?:me|us)\s+prep|\bwhat\s+should\s+(?:we|I)\s+"
    r"cover\b|\b(?:plan|map\s+out)\s+(?:the\s+|my\s+|our\s+)?follow[-\s]?(?:up|through)\b|"
    r"\bfollow[-\s]?(?:up|through)\s+(?:plan|look\s+like)\b|\b(?:redo|rewrite|update|fix)\s+"
    r"(?:the\s+|my\s+|that\s+)?(?:customer\s+)?(?:email|e-mail|message|note|brief|draft)\b",
    IGNORE_CASE,
)
CHECK = re.compile(
    r"^\W*(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?(?:check|review|proofread|look\s+over)\b"
    r"|^\W*(?:is\s+this|does\s+this|how\s+does\s+this)\s+(?:ok|okay|fine|good|sound|look|read)"
    r"|^\W*can\s+i\s+send\s+this\b",
    IGNORE_CASE,
)
EMAIL_MARKERS = re.compile(
    r"^(?:from|subject|sent|to|date|cc):\s|^(?:hi|hello|dear|hey|good\s+(?:morning|afternoon))\b.{0,40}"
    r"[,!]?\s*$|^(?:regards|best(?:\s+regards)?|thanks|thank\s+you|cheers|sincerely|kind\s+regards)"
    r"\b.{0,20}$|^>|\b(?:here(?:'s|\s+is)\s+(?:their|the|his|her)\s+(?:email|message|reply)|they\s+"
    r"(?:just\s+)?(?:wrote|sent(?:\s+this)?)\s*:)",
    IGNORE_CASE | re.MULTILINE,
)


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
    # label words a rep types before the fact ("Deal: Lumora Pay", "Contact is ..."), the rep's
    # own role ("SE, helixion POC") and short month and day names
    "deal", "contact", "account", "ask", "impact", "internal", "stage", "scratch", "wait",
    "se", "ae", "am", "pm", "poc", "sdr", "bdr", "eng", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri",
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
    IGNORE_CASE,
)
ROOT_CAUSE_KNOWN = re.compile(
    r"\b(?:the\s+)?(?:root\s+cause|cause|real\s+(?:issue|problem|reason)|underlying\s+(?:issue|"
    r"problem|cause)|reason|culprit)(?:\s+(?:is|was|seems\s+to\s+be|turned\s+out)|\s*:(?!\s*(?:unknown|"
    r"unclear|tbd|n/?a|not\s+\w+|no\s+idea|\?)))|\bit(?:'s|\s+is|"
    r"\s+was)\s+(?:caused|because)\b|\bcaused\s+by\b|\bturn(?:s|ed)?\s+out\b|\bwe\s+(?:know|found|"
    r"traced)\s+(?:why|what|the\s+cause|it)\b|\bi\s+(?:understand|know)\s+(?:why|the\s+root\s+cause|"
    r"what's\s+behind)\b|\btraced\s+(?:it|this|the\s+\w+)\s+(?:back\s+)?to\b|\b(?:came|comes|boils?)"
    r"\s+down\s+to\b|\bstem(?:s|med)\s+from\b|\bdue\s+to\b|\bbecause\s+(?:of\s+)?(?!i\b|i'|we\s+"
    r"(?:wanted|want|thought|need|needed|didn't|haven't|were|had|can't)\b)"
    # "root cause known: ...", "root issue: ...", "that's the real reason", "billing confirmed it
    # was our error"
    r"|\broot\s+cause\s+(?:is\s+|was\s+)?(?:now\s+)?(?:known|identified|found|confirmed|clear)\b"
    r"|\broot\s+(?:issue|problem|reason)\s*(?:is\b|was\b|:)"
    r"|\b(?:that's|that\s+is|which\s+is|this\s+is)\s+the\s+(?:real|actual|root)\s+(?:reason|cause|"
    r"issue|problem)\b"
    r"|\b(?:it|this|that)\s+was\s+(?:our|a|their)\s+(?:own\s+)?(?:error|mistake|fault|bug|"
    r"misconfiguration)\b"
    # "posted the RCA", "known issue, 3.1.2 fixes it", "it was a bad release from our mobile team"
    r"|\b(?:posted|published|shared|sent|wrote)\s+(?:(?:the|an|our|a)\s+)?(?:rca|root\s+cause\s+"
    r"analysis|post-?mortem)\b|\b(?:rca|post-?mortem)\s+(?:is\s+|was\s+)?(?:out|posted|published|"
    r"done|shared)\b|\bknown\s+(?:issue|bug)\b"
    r"|\b(?:it|this|that)\s+was\s+(?:a|an)\s+(?!(?:big|huge|major|serious|real|massive|critical|"
    r"total|complete)\b)(?:[\w-]+\s+){0,3}(?:issue|bug|release|deploy(?:ment)?|change|"
    r"misconfig\w*|regression|error)\s+(?:on|from|in|by|at)\b"
    # The cause named as found or known: "I know the fix", "support found it, a cert expired",
    # "I looked and it's the export template", "the downtime was their own firewall change",
    # "I get why she's upset" (the reason for their frustration).
    r"|\b(?:i|we)\s+know\s+(?:the\s+fix\b(?!\s+they\b)|how\s+to\s+fix\s+it|what(?:['’]s|\s+is|\s+was)\s+"
    r"(?:wrong|broken|behind\s+it)|what\s+(?:broke|went\s+wrong))\b"
    r"|\b(?:i|we)\s+(?:get|see)\s+why(?:\s+(?:she|he|they|their|the\s+(?:customer|client))\b|\s*[-–—:])"
    r"|\b(?:support|eng(?:ineering)?|devs?|we|i|the\s+team|our\s+team|ops|their\s+it)\s+"
    r"(?:found|identified|pinpointed|diagnosed|isolated)\s+(?:it|the\s+(?:bug|issue|problem|cause|"
    r"culprit|fault))\b(?!\s+(?:hard|impossible|difficult|tough|tricky|easy|as)\b)"
    r"|\b(?:looked|checked|dug\s+in)\s+(?:into\s+it\s+)?and\s+(?:it(?:['’]?s|\s+is|\s+was)|the\s+"
    r"[\w-]+\s+(?:is|was))\s+(?!(?:still|not|n['’]t|back|down|up|fine|ok|okay|unclear|clear)\b)"
    r"|\bwas\s+(?:their|our)\s+own\s+(?:[\w-]+\s+){0,2}?(?:change|mistake|error|doing|fault|"
    r"config\w*|misconfig\w*|setup|deploy\w*|update|upgrade|script|firewall|network|proxy|code|bug|"
    r"migration|release)\b",
    IGNORE_CASE,
)
ROOT_CAUSE_UNKNOWN = re.compile(
    r"\b(?:don't|do\s+not|doesn't)\s+(?:really\s+)?(?:know|understand)\s+(?:why|what(?:'s|\s+is)\s+"
    r"(?:causing|behind|going\s+on)|the\s+(?:root\s+)?cause)|\bnot\s+sure\s+(?:why|what(?:'s|\s+is)\s+"
    r"(?:causing|behind|going\s+on|driving))|\bno\s+idea\s+(?:why|what)|\broot\s+cause\s*(?:is\s+|:\s*)?"
    r"(?:unknown|unclear|tbd|not\s+(?:known|clear|found|yet))|\b(?:haven't|have\s+not|still\s+haven't)\s+found\s+"
    r"the\s+(?:root\s+)?cause|\bstill\s+investigating\b|\bnobody\s+knows\s+why\b"
    # "no root cause yet", "no RCA so far", "no clue why"
    r"|\bno\s+(?:root\s+cause|rca|clear\s+cause|cause)\s+(?:yet|so\s+far|identified|found)\b"
    r"|\bno\s+(?:clue|idea)\s+(?:yet\s+)?(?:why|what(?:'s|\s+is)\s+causing)\b"
    # "not sure yet whether it was us or their Yardi sync": us or them is the cause unknown.
    r"|\b(?:not\s+sure|unclear|(?:don't|do\s+not)\s+know)\s+(?:yet\s+)?(?:whether|if)\s+it(?:'s|\s+is"
    r"|\s+was)?\s+(?:us|ours|our\s+\w+|on\s+our\s+side)\s+or\b"
    # Not looked into yet: "I haven't dug into why yet", "haven't profiled it", "nobody's looked"
    r"|\b(?:haven't|have\s+not|hasn't|has\s+not|didn't|did\s+not)\s+(?:yet\s+|really\s+)?(?:(?:dug|"
    r"looked)\s+into\s+(?:why|the\s+(?:root\s+)?cause)|(?:investigated|profiled|debugged|diagnosed|"
    r"root-?caused)\s+(?:why|the\s+(?:root\s+)?cause|it|this|that))\b"
    r"|\b(?:nobody|no\s+one)(?:['’]s|\s+has)\s+(?:looked|checked|investigated|dug)(?:\s+(?:into|at)\s+"
    r"(?:it|this|that|why|the\s+logs|the\s+cause))?(?=\s*(?:yet\b|[,.;!?]|$))",
    IGNORE_CASE,
)
# Two guesses ("could be their cluster sizing, could be us", "maybe price maybe the forecasting
# module", "not sure whether it's the proxy or the cache") are no cause known when the sentence is
# about a cause: "could be a good reference, could be a big upsell" is not.
ROOT_CAUSE_GUESSES = re.compile(
    r"\b(?:could|might|may)\s+be\b[^.;!?]{1,80}?(?:,|\bor\b)\s*(?:it\s+)?(?:could|might|may)\s+"
    r"(?:also\s+)?be\b|\bmaybe\s+[^.;!?]{1,60}?(?:,\s*|\s+)(?:or\s+)?maybe\b"
    r"|\b(?:not\s+sure|unclear|(?:don't|do\s+not)\s+know)\s+(?:yet\s+)?(?:whether|if)\s+(?:it(?:'s|\s+is"
    r"|\s+was)?|the|this|that)\b[^.;!?]{0,80}?\bor\b",
    IGNORE_CASE,
)
CAUSE_CONTEXT = re.compile(
    r"\b(?:why|cause[sd]?|causing|root|profil\w*|debug\w*|looked|dug|investigat\w*|diagnos\w*|"
    r"clue|idea|broke|broken|failing|fails|failed|slow|bug|error|crash\w*|outage|down)\b",
    IGNORE_CASE,
)


def cause_unknown(text: str) -> bool:
    """The rep says the cause is not known, or guesses at it."""
    return bool(
        ROOT_CAUSE_UNKNOWN.search(text)
        or (ROOT_CAUSE_GUESSES.search(text) and CAUSE_CONTEXT.search(text))
    )


# "don't know the root cause, maybe their data volume grew?": a statement, then a guess put as a
# question. The statement still answers the checklist; the guess answers nothing.
_GUESS_TAIL = re.compile(
    r"^(?!\W*(?:is|are|am|was|were|do|does|did|should|shall|have|has|can|could|would|will|what|why|how|"
    r"when|who|where|which)\b)(?P<said>.{8,}?)\s{0,3}(?:[,;:]|\s[-–—])\s{0,3}(?:or\s+)?(?:maybe|perhaps|"
    r"possibly|probably|could\s+it\s+"
    r"be|might\s+be)\b[^?]*\?\s*$",
    IGNORE_CASE | re.DOTALL,
)


def said_before_guess(text: str) -> str:
    """What a sentence that ends in a guess put as a question ("..., maybe X?") states before the
    guess; "" when it is a question throughout."""
    m = _GUESS_TAIL.match(text.strip())
    return m.group("said") if m else ""


# --- who did what: phrase rules read clause by clause --------------------------------------------
# A rep's sentence often holds several clauses ("we rolled back, but I haven't told them"), so the
# checklist rules read each clause on its own and a negation only covers its own clause. A clause
# must start with its subject: "the date we gave them" is not something the rep tried.

CLAUSE_SPLIT = re.compile(
    r"\s*(?:[;:()]|,|\s[-–—]\s|\b(?:and|but|then|though|although|while|plus|whereas)\b)\s*",
    IGNORE_CASE,
)
# The rep's side: the rep, their team, or another team of their company acting for the customer.
US = (
    r"(?:i|we|my\s+team|our\s+team|the\s+team|support|engineering|ops|operations|finance|billing|"
    r"legal|product|sre|devops|professional\s+services|our\s+(?:[\w-]+\s+)?(?:team|engineers?|devs?|"
    r"developers|sres?|support|engineering|ops|people|csms?|ses?|tams?|folks))"
)
_AUX = (
    r"(?:\s*(?:'ve|'d|'m|'s|have|has|had|did|do|does|am|is|are|still|really|actually|already|also|"
    r"just|then|first|even|both|personally|honestly|finally|immediately|quickly|since|now))*"
)
# Casual writing drops the apostrophe: "havent", "didnt".
_NOT = (
    r"(?:n't|n’t|(?:(?<=have)|(?<=has)|(?<=had)|(?<=did)|(?<=does)|(?<=do)|(?<=is)|(?<=are)"
    r"|(?<=was))nt\b|\bnot\b(?!\s+(?:sure|only|just))|\bnever\b|\bno\s+longer\b)"
)
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
    "LEAD": LEAD,
    "US": US,
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
    from coach.cache import pattern as compiled

    return compiled(pattern, IGNORE_CASE)  # the program is kept on disk: 0.15 s a cold turn


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
    r"spent\s+(?:any\s+)?time|put\s+(?:anything|something|much)\s+in\s+place)"
)
_PARTS.update(TRIED_VERBS=TRIED_VERBS, TRY_BASE=_TRY_BASE)
# Clause level: subject first. A bare verb ("Already tried ...") only opens a sentence.
TRIED_DONE = _rx(r"<LEAD><US><AUX>\s*<TRIED_VERBS>\b")
TRIED_BARE = _rx(
    r"<LEAD>(?:(?:already|also|just|then|first|personally|finally)\s+)*<TRIED_VERBS>\b"
)
TRIED_NOT = _rx(r"<LEAD>(?:<US>)?<AUX>\s*<NOT>\s*(?:[\w-]+\s+){0,3}?<TRY_BASE>\b")
# "I phoned their director yesterday": reaching the customer is communicating, not a fix.
CONTACT_ONLY = _rx(
    r"<LEAD>(?:<US>)?<AUX>\s*(?:called|phoned|rang|emailed|e-mailed|messaged|texted|spoke\s+(?:to|"
    r"with)|talked\s+(?:to|with)|apologi[sz]ed\s+to|met\s+with|reached\s+out\s+to|replied\s+to|"
    r"got\s+back\s+to)\s+<CUST>(?:\s+[\w-]+){0,3}?(?:\s+(?:yesterday|today|this\s+morning|"
    r"last\s+\w+|again|twice|directly|personally|right\s+away|immediately|to\s+apologi[sz]e))*"
    r"\W*$"
)
TRIED_NONE = re.compile(
    r"\bnothing\s+(?:yet|so\s+far|at\s+all)\b|\bnot\s+(?:much|anything)\s+(?:yet|so\s+far)\b|"
    r"\b(?:i|we)\s+(?:just|only)\s+(?:just\s+)?(?:found\s+out|heard|learned|got\s+the\s+"
    r"(?:email|call|message|ticket))\b|\b(?:nobody|no\s+one|no-one)(?:\s+(?:on|in|at|from)\s+"
    r"(?:our|my)\s+(?:side|team|end))?\s+(?:has\s+|had\s+|'s\s+)?(?:\w+\s+)?(?:looked|touched|"
    r"tried|investigated|worked|picked|done)\b",
    IGNORE_CASE,
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
    IGNORE_CASE,
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
# "not sure what I'd even ask leadership for", "don't really have a specific ask", "no clear ask yet"
ASK_UNKNOWN = re.compile(
    r"\b(?:not\s+(?:really\s+|entirely\s+|totally\s+)?sure|unsure|(?:don't|do\s+not)\s+"
    r"(?:really\s+|even\s+|actually\s+)?know|no\s+idea)\s+what\s+(?:i|we)"
    r"(?:'d|d\b|\s+would|\s+should|\s+could)?(?:\s+(?:even|really|actually))?\s+(?:need|want|ask)"
    r"|\b(?:not\s+sure|unsure|don't\s+know|no\s+idea)\s+what\s+to\s+ask\b"
    r"|\b(?:not\s+sure|unsure|don't\s+know)\s+what\s+(?:the|my|our)\s+ask\s+(?:is|would\s+be)\b"
    r"|\b(?:don't|do\s+not)\s+(?:really\s+|yet\s+|even\s+|actually\s+)?have\s+(?:a|an|any)\s+"
    r"(?:(?:clear|specific|real|concrete|actual)\s+)?ask\b"
    r"|\bno\s+(?:clear|specific|real|concrete)\s+ask\b|\bno\s+ask\s+(?:yet|for\s+leadership)\b",
    IGNORE_CASE,
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
# Across a sentence's clauses: "I mentioned it to my manager in passing but haven't briefed her
# properly", "only mentioned it to my manager".
MANAGER_NOT_FULLY = _rx(
    r"\b<MGR>\b[^.!?]{0,80}?\b(?:haven't|have\s+not|didn't|did\s+not|not)\s+(?:yet\s+)?"
    r"(?:properly\s+|fully\s+|really\s+)?(?:briefed|told|updated|looped\s+in)\s+(?:her|him|them)"
    r"\b|\bonly\s+mentioned\s+(?:it|this)\s+to\s+<MGR>"
)
_COMMS_VERBS = (
    r"(?:told|explained(?:\s+[\w-]+){0,4}?\s+to|updated|informed|kept|walked|briefed|warned|called|"
    r"rang|phoned|emailed|e-mailed|messaged|texted|met\s+with|owned\s+(?:up\s+to\s+)?(?:it|that|this|"
    r"the\s+[\w-]+)\s+(?:with|to)|admitted\s+(?:it|that|this|the\s+[\w-]+)\s+to|reached\s+out\s+to|responded\s+to|"
    r"replied\s+to|got\s+back\s+to|gotten\s+back\s+to|spoke\s+(?:to|with)|spoken\s+(?:to|with)|"
    r"talked\s+(?:to|with)|communicated\s+(?:with|to)|shared\s+(?:[\w/-]+\s+){0,4}?with|let|gave|"
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
    r"|up-front|straight|clear|candid|direct|forthcoming)\b"
    # "I've explained the increase in writing and on 2 calls": told, with no one named
    r"|<LEAD>(?:<US>)?<AUX>\s*explained\s+(?!nothing\b)(?:[\w/-]+\s+){1,4}?(?:in\s+writing|on\s+(?:a\s+|the\s+"
    r"|\d+\s+|two\s+|three\s+|several\s+)?calls?\b|by\s+(?:email|phone))"
    # "I've been sending her status every day": a status or an update, not invoices
    r"|<LEAD>(?:<US>)?<AUX>\s*(?:been\s+)?sending\s+<CUST>\s+(?:(?:a|an|the|daily|weekly|regular|"
    r"written|short)\s+)*(?:status|updates?|progress|reports?|summar\w*)\b"
    r"|<LEAD>(?:they|the\s+customer"
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
    r"get\s+back|gone\s+back|go\s+back|went\s+back|"
    r"(?:answered|answer|written\s+back\s+to|wrote\s+back\s+to)\s+(?:them|him|her|the\s+customer|the\s+client)\b|"
    r"contacted|contact|called|call|emailed|email|said\s+anything|say\s+anything|"
    r"mentioned|mention|informed|inform|warned|warn|let\s+them\s+know|gave\s+them)"
)
_PARTS["COMMS_BASE"] = _COMMS_BASE
# "dont mention the discount", "(note to self: never tell them the internal date)": what not to
# say, an instruction to oneself, not whether the customer has been told where things stand.
DONT_SAY = re.compile(
    r"^\W*(?:(?:note\s+to\s+self|internal(?:\s+note)?|reminder)\s*[:,-]\s*)?(?:pls\s+|please\s+)?"
    r"(?:don'?t|do\s+not|never)\s+(?:mention|tell|say|share|raise|show|bring\s+up|put|promise|offer)\b",
    re.IGNORECASE,
)
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
    # "I've been dodging his calls": the rep avoiding the customer has told them nothing
    r"|<LEAD>(?:i|we)(?:'ve|\s+have)?\s+(?:been\s+)?(?:dodging|avoiding|ducking|ignoring)\s+"
    r"(?:<CUST>|(?:his|her|their)\s+(?:calls?|emails?|messages?))"
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
    IGNORE_CASE,
)
JUST_NOW = re.compile(
    r"\b(?:this\s+morning|earlier\s+today|an\s+hour\s+ago|just\s+(?:now|happened|came\s+in|got)|"
    r"since\s+this\s+morning|a\s+few\s+hours\s+ago)\b",
    IGNORE_CASE,
)
YESTERDAY = re.compile(r"\b(?:yesterday|last\s+night)\b", IGNORE_CASE)
AUTHORISED = re.compile(
    r"\b(?:i'm|i\s+am|i've\s+been|i\s+have\s+been|we're|we\s+are|we've\s+been)\s+(?:\w+\s+)?"
    r"(?:authori[sz]ed|approved|allowed|cleared|able)\s+to\s+(?:offer|give|provide|promise|extend)\s+"
    r"(?P<what>[^.;!?]+)",
    IGNORE_CASE,
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
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a couple": 2,
            "a few": 3, "several": 4}  # fmt: skip
UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}

# A concession the customer asks for and the rep's own limit for it ("they want 25% off, our
# policy caps me at 10%"): above the limit it needs leadership's authority, within it the rep
# decides ("It's something you should handle at your level").
CONCESSION_LIMIT = re.compile(
    r"\b(?:(?:i|we)\s+(?:can|could)\s+(?:only\s+)?(?:approve|offer|give|do|go|sign\s+off\s+on)\s+"
    r"(?:up\s+to\s+|to\s+)?"
    # "I'm allowed to go up to 12% on my own", "I'm allowed up to 15% on add-ons"
    r"|(?:i|we)\s*(?:am|'m|’m|are|'re|’re)\s+(?:only\s+)?(?:allowed|authori[sz]ed|able|empowered)\s+"
    r"(?:to\s+(?:approve|offer|give|do|go|sign\s+off\s+on)\s+)?(?:up\s+to\s+|to\s+)?"
    r"|caps?\s+(?:me|us|reps?|aes?)\s+at\s+|(?:my|our)\s+(?:own\s+)?(?:discount\s+|approval\s+)?"
    r"(?:authority|limit|cap)\s+(?:is\s+)?(?:up\s+to\s+|at\s+)?|anything\s+(?:under|below|up\s+to)\s+"
    r"|(?:i|we)\s+(?:can\s+)?approve\s+up\s+to\s+)(?P<limit>\d{1,2}(?:\.\d)?)\s?%",
    IGNORE_CASE,
)
CONCESSION_ASKED = re.compile(
    r"\b(?:asked|asking|asks|wants?|wanted|want\s+us\s+to\s+give|requested|requesting|pushing|"
    r"pushed|demand\w*|insist\w*|looking)\s+(?:for\s+|us\s+for\s+|to\s+get\s+)?(?:a\s+|an\s+)?"
    r"(?P<asked>\d{1,2}(?:\.\d)?)\s?%\s*(?:off|discount|credit|price\s+(?:cut|reduction)|reduction|"
    r"lower)",
    IGNORE_CASE,
)
