"""Who and what a rep's message names: people with their titles and side, the customer company,
email addresses, figures and dates.

A person is placed by the words around them: "their CTO Raj Patel", "Raj Patel (CTO) at
Northwind" and "the contact is Lena" are the customer's; "my manager is Dana Brooks" is the rep's
manager; "my VP, Priya Raman" and "bring in our CRO, Victor Hale" are leaders on our side. Names are
capitalised words that are not titles, pronouns or sentence openers; titles are the words in
`cues/en.yaml` (`titles`), so a team can add its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from coach.cache import pattern as compiled
from coach.reading.context import CUES
from coach.textio import load_yaml

Side = Literal["customer", "ours"]
Role = Literal["contact", "manager", "leader", "other"]

EMAIL = compiled(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
MONEY = compiled(
    r"(?:[$€£]\s?\d[\d,.]*\s?(?:k|m|mm|bn|million|thousand)?\b(?:\s+(?:ARR|ACV|MRR|TCV|a\s+year|"
    r"per\s+year|annually))?|\b\d[\d,.]*\s?(?:k|m|mm|bn|million|thousand)\s?(?:ARR|ACV|MRR|TCV|"
    r"a\s+year|per\s+year|annually|deal|contract|renewal)?\b|\b\d[\d,.]*\s+(?:seats|licen[cs]es|"
    r"users|stores|sites|locations|employees)\b)",
    re.IGNORECASE,
)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_EN_DATE = (
    # "by Friday Mar 21", "on Tuesday, 3rd of June": the weekday and the date as one
    rf"\b(?:(?:(?:by|before|on|until)\s+)?{_WEEKDAYS},?\s+(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?|"
    rf"(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS})|(?:end|start|beginning|middle)\s+of\s+(?:the\s+)?(?:(?:this|next)\s+)?(?:month|quarter|year|week|"
    rf"{_MONTHS}(?!\s+\d)|"
    rf"q[1-4])|(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}(?:\s+\d{{4}})?|"
    rf"{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|(?:in|by|before|until|from)\s+"
    rf"{_MONTHS}(?!\s+\d)(?:\s+\d{{4}})?|{_MONTHS}\s+\d{{4}}|q[1-4](?:\s+\d{{4}})?|(?:by|before|on|until|this|"
    rf"next)\s+{_WEEKDAYS}|{_WEEKDAYS}|(?:this|next)\s+(?:week|month|quarter|year)|tomorrow|today|"
    rf"tonight|within\s+\d+\s*(?:hours|hrs?|h|days|business\s+days|weeks)|"
    rf"in\s+\d+\s+(?:days|weeks|months)|"
    # "renewal is in five months": a span in words, after a word that dates something
    rf"(?:(?<=\bis\s)|(?<=\bdue\s)|(?<=\bends\s)|(?<=\bexpires\s)|(?<=\brenews\s)|"
    rf"(?<=\bcloses\s)|(?<=\bstarts\s)|(?<=\bthat['’]s\s)|(?<=\bit['’]s\s))in\s+(?:two|three|four|five|"
    rf"six|seven|eight|nine|ten|a\s+few|a\s+couple\s+of)\s+(?:days|weeks|months)|"
    # "before they invoice at month-end", "by EOQ", "before thurs"
    rf"(?:(?<=\bby\s)|(?<=\bat\s)|(?<=\bbefore\s)|(?<=\buntil\s)|(?<=\bfor\s)|(?<=\bby\sthe\s)|"
    rf"(?<=\bat\sthe\s)|(?<=\bbefore\sthe\s))(?:month|quarter|year)[-\s]end(?![-\w])|eo[mqy]|"
    rf"(?:by|before|on|until|this|next)\s+"
    rf"(?:mon|tues?|weds?|thu(?:rs?)?|fri)\.?(?:,?\s+{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?)?|"
    rf"\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|\d{{4}}-\d{{2}}-\d{{2}}|the\s+\d{{1,2}}(?:st|nd|rd|th)\b|"
    rf"{_MONTHS})\b"
)
# The same dates in the other seven languages: month and weekday names, a day with its month
# ("30. Juni", "30 de junio de 2026", "30 czerwca"), a month after "by" or "end of" ("bis Ende
# Juni", "entro fine giugno", "do końca czerwca") and numeric dates with dots or dashes
# ("30.06.2026", "30.06.", "30-06-2026"). A month alone is not a date ("mai" is Italian for
# "never", "mars" a planet), so it needs a day, a year or such a word before it.
_MONTHS_OTHER = (
    r"(?:januar|jänner|februar|märz|mai|juni|juli|oktober|dezember|"  # de
    r"januari|februari|maart|mei|augustus|"  # nl
    r"janvier|f[ée]vrier|mars|avril|juin|juillet|ao[uû]t|septembre|octobre|novembre|"
    r"d[ée]cembre|"  # fr
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|sep?tiembre|octubre|noviembre|"
    r"diciembre|"  # es
    r"janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|"  # pt
    r"gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"  # it
    r"stycznia|styczeń|lutego|luty|marca|marzec|kwietnia|kwiecień|maja|maj|czerwca|czerwiec|"
    r"lipca|lipiec|sierpnia|sierpień|września|wrzesień|października|październik|listopada|"
    r"listopad|grudnia|grudzień|"  # pl
    r"april|august|september|november)"  # de, nl (as in English)
)
_WEEKDAYS_OTHER = (
    r"(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|"  # de
    r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|"  # nl
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"  # fr
    r"lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo|"  # es, pt
    r"segunda-feira|ter[çc]a-feira|quarta-feira|quinta-feira|sexta-feira|"  # pt
    r"luned[ìi]|marted[ìi]|mercoled[ìi]|gioved[ìi]|venerd[ìi]|sabato|domenica|"  # it
    r"poniedzia[łl]ek|poniedzia[łl]ku|wtorek|wtorku|[śs]rod[aęy]|czwartek|czwartku|"
    r"pi[ąa]tek|pi[ąa]tku|sobot[aęy]|niedziel[aęi])"  # pl
)
_BY_OTHER = (  # "by", "until", "before" and "end of" before a month
    r"(?:(?:bis|vor|zum|tot|voor|uiterlijk|entro|prima\s+d[ie]|avant|d['’]ici|jusqu['’](?:à|au)|"
    r"antes\s+de|hasta|até|przed|do)\s+(?:(?:ende|eind|fine|la\s+fin\s+de|fin|finales\s+de|"
    r"final\s+de|fim\s+de|końca)\s+)?|(?:ende|eind|fine|fin|finales\s+de|final\s+de|fim\s+de|"
    r"końca|koniec)\s+)(?:de\s+|di\s+|d['’])?"
)
_DAY_NUMBER = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH_NUMBER = r"(?:0?[1-9]|1[0-2])"
_OTHER_DATE = (
    # the weekday and the date as one: "vrijdag 14 juni", "Freitag, 14. Juni", "le vendredi 14 juin"
    rf"\b{_WEEKDAYS_OTHER},?\s+(?:(?:der|den|le|el|il|o|dia)\s+)?{_DAY_NUMBER}(?:\.|º|er)?\s+"
    rf"(?:de\s+)?{_MONTHS_OTHER}(?:\s+(?:de\s+)?\d{{4}})?\b|"
    rf"\b{_DAY_NUMBER}(?:\.|º|er)?\s+(?:de\s+)?{_MONTHS_OTHER}(?:\s+(?:de\s+)?\d{{4}})?\b|"
    rf"\b{_MONTHS_OTHER}\s+(?:de\s+)?\d{{4}}\b|"
    rf"\b{_BY_OTHER}{_MONTHS_OTHER}\b|"
    rf"\b{_WEEKDAYS_OTHER}\b|"
    # the end of the month and a calendar week: "entro fine mese", "até ao final do mês", "KW 27"
    r"\b(?:(?:entro\s+)?(?:la\s+)?fine\s+(?:del\s+)?mese|(?:at[ée]\s+(?:ao\s+)?)?(?:o\s+)?"
    r"(?:final|fim)\s+do\s+m[êe]s|(?:antes\s+de\s+)?(?:a\s+)?fin(?:al)?(?:es)?\s+de\s+mes|"
    r"(?:d['’]ici\s+(?:la\s+)?|avant\s+la\s+)?fin\s+du\s+mois|(?:bis\s+)?(?:ende\s+des\s+monats|"
    r"monatsende)|(?:voor\s+)?(?:het\s+)?eind\s+van\s+de\s+maand|(?:do\s+)?(?:końca|koniec)\s+"
    r"miesiąca|(?:kw|kalenderwoche|semaine|semana|settimana|tydzień|tydzien)\s*\d{1,2})\b|"
    r"\b(?:demain|domani|amanhã|jutro|n[äa]chste\s+woche|volgende\s+week|la\s+semaine\s+"
    r"prochaine|la\s+pr[óo]xima\s+semana|la\s+prossima\s+settimana|pr[óo]xima\s+semana|"
    r"w\s+przysz[łl]ym\s+tygodniu)\b|"
    # a day and month with dots: with a four-digit year, a padded two-digit one ("30.06.26") or
    # none ("30.6."); "4.2.10" and "3.5." are versions and scores
    rf"(?<![\w.]){_DAY_NUMBER}\.{_MONTH_NUMBER}\.(?:19|20)\d\d(?![\d]|\.\d)|"
    r"(?<![\w.])(?:0[1-9]|[12]\d|3[01])\.(?:0[1-9]|1[0-2])\.\d\d(?![\d]|\.\d)|"
    r"(?<![\w.])(?:(?:[12]\d|3[01]|0[1-9])\.(?:0?[1-9]|1[0-2])|(?:0?[1-9])\.(?:1[0-2]|0[1-9]))"
    r"\.(?![\w.])|"
    rf"(?<![\w.-]){_DAY_NUMBER}-{_MONTH_NUMBER}-(?:19|20)\d\d\b|"
    # a day and month with no year after a word that sets a deadline: "vóór 14-06", "do 14.06"
    r"\b(?:bis|vor|vóór|voor|uiterlijk|do|avant\s+le|d['’]ici\s+le|antes\s+del?|hasta\s+el|"
    r"entro\s+il|entro|até\s+(?:ao\s+)?(?:dia\s+)?|até|przed)\s+(?:spätestens\s+)?"
    rf"{_DAY_NUMBER}[./-]{_MONTH_NUMBER}(?![\w/-]|\.\d)"
)
DATE = compiled(rf"{_EN_DATE}|{_OTHER_DATE}", re.IGNORECASE)
_NAME_WORD = (
    r"(?-i:O['’][A-Z][a-z]+|Ma?c[A-Z][a-z]+|(?:De|La|Le|Di|Van)[A-Z][a-z]+|"
    # Latin letters beyond Western Europe's too ("Yılmaz", "Łukasz", "Şahin", "Dvořák")
    r"[A-ZÀ-ÞĀ-žȘ-ț][a-zà-öø-ÿĀ-žȘ-ț'’]+(?:-[A-ZÀ-ÞĀ-žȘ-ț]?[a-zà-öø-ÿĀ-žȘ-ț'’]+)*|"
    r"[A-Z]\.)"
)
# "VP Finance", "Head of NOC": the departments a title may name without "of".
DEPARTMENT = (
    r"(?-i:Finance|Engineering|Eng|Engg|Sales|Marketing|Operations|Ops|Product|Customer\s+Success|Success|"
    r"Support|Services|IT|HR|Legal|Security|Technology|Revenue|Growth|Partnerships|Risk|"
    r"Compliance|Data|Procurement|Infrastructure|Platform|Analytics|Digital|Strategy|People|"
    r"Customer\s+Experience|Guest\s+Experience|Delivery|Implementation|Professional\s+Services|"
    r"R&D|Research)"
)
# The nouns a department's name ends with ("Head of Supply Chain", "GM of Guest Experience"): a
# title goes on through them, never through a person's name after it.
_TITLE_TAIL = (
    r"(?-i:Experience|Chain|Systems|Relations|Management|Planning|Affairs|Excellence|Enablement|"
    r"Solutions|Applications|Architecture|Transformation|Programs|Projects|Quality|Assurance|"
    r"Logistics|Supply|Care|Nursing|Labs?|Ops|Operations|Success|Services|Analytics|Tech|"
    r"Technology|Engineering|Development|Design|Content|Communications|Channels|Accounts|Claims|"
    r"Payments|Billing|Treasury|Controls|Governance|Insights|Intelligence|Research|Innovation)"
)
# "Maarten de Vries", "Ana da Silva", "Jean de la Fontaine": a family name's lower-case particles
_PARTICLE = r"(?-i:van|von|de|der|den|da|di|du|del|della|dos|das|le|la|ter|ten|bin|ibn|al)"
NAME = (
    rf"(?:(?-i:Dr|Mr|Mrs|Ms|Prof)\.?\s+)?{_NAME_WORD}"
    rf"(?:\s+(?:{_PARTICLE}\s+){{0,2}}{_NAME_WORD}){{0,2}}"
)
_INTERJECTIONS = {
    "sorry", "actually", "correction", "oh", "oops", "well", "right", "wait", "note", "btw",
    "fyi", "also", "anyway", "apologies", "nope", "yeah", "yep",
}  # fmt: skip
_OPENERS = {
    "i", "we", "they", "he", "she", "it", "the", "a", "an", "our", "their", "my", "your", "this",
    "that", "these", "those", "what", "when", "where", "why", "how", "should", "can", "could",
    "would", "will", "is", "are", "do", "does", "did", "hi", "hey", "hello", "thanks", "ok", "okay",
    "also", "and", "but", "so", "if", "no", "yes", "not", "just", "need", "quick", "update", "ugh",
    "customer", "client", "account", "contact", "manager", "boss", "vp", "ceo", "cto", "cfo",
    "coo", "cio", "head", "director", "ask", "problem", "issue", "escalation", "renewal", "deal",
    "team", "support", "engineering", "sales", "legal", "finance", "product", "security",
    "implementation", "onboarding", "poc", "pilot", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december", "slack", "zoom", "teams",
    "email", "qbr", "sla", "sow", "api", "sso", "rca", "eta", "p1", "csm", "ae", "se",
}  # fmt: skip


@dataclass
class Person:
    name: str
    title: str = ""
    email: str = ""
    side: Side = "customer"
    role: Role = "other"


@dataclass
class Named:
    """What one message names."""

    people: list[Person] = field(default_factory=list)
    their_title: str = ""  # "she's their CMIO" with no one named beside it
    companies: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    money: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    our_title: str = ""  # "should I get our CRO in?": our leader, by title alone

    def first(self, role: Role) -> Person | None:
        return next((p for p in self.people if p.role == role), None)


@lru_cache(maxsize=1)
def _titles() -> re.Pattern[str]:
    from coach.reading.structure import lexicon_file

    data = load_yaml((CUES / "en.yaml").read_text(encoding="utf-8"))
    # the cue list's titles (features of the role model too), and the job titles only this
    # reader needs (`job_titles` in the lexicon: "producer", "editor", "pharmacist")
    listed = [*(data.get("titles") or []), *(lexicon_file("en").get("job_titles") or [])]
    words = sorted({str(t).lower() for t in listed}, key=len, reverse=True)
    # "network planning mgr", "dir. manufacturing systems": the shorthand reps type
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + (
        r"|(?<=\w\s)(?<!my\s)(?<!our\s)mgr|dir\."  # "mgr Sam Whitaker briefed" is my manager
    )
    stop = "|".join(sorted(_OPENERS | _LOOSE_STOP | _COMMON | _INTERJECTIONS))
    # "head of supply chain, said ...", "siobhan gallagher vp ecom": lower-case words that end
    # the title where a comma, a bracket or the end of the message does (never a verb or a
    # common word: "their cto is angry." stays "cto")
    tail = (
        rf"(?:\s+(?!(?:{stop})\b)(?-i:[a-z][a-z&-]+)(?<!ed)(?<!ly)){{1,2}}"
        rf"(?=\s*(?:[,;:()]|\.(?:\s|$)|$))"
    )
    # "VP of Customer Success", "Head of IT", "Director of Claims Ops": a title may take "of X".
    return re.compile(
        rf"(?<![\w'’])(?:(?:senior|sr\.?|junior|deputy|acting|interim|regional|global|group|"
        rf"chief)\s+)?"
        rf"(?:[A-Z][\w&-]*\s+){{0,2}}(?:{body})(?:\b|(?<=\.))"
        rf"(?:\s+(?:of|for)\s+(?:[A-Z][\w&-]*|IT|HR|ops)"
        rf"(?:\s+(?:{DEPARTMENT}|{_TITLE_TAIL}|ops|operations|success)){{0,2}}"
        # "Head of Computational Biology,": an adjective's noun after it, before a comma
        rf"(?:(?<=al|ic)\s+(?-i:[A-Z][a-z]+)(?=\s*(?:[,;:()]|\.(?:\s|$)|$))|{tail})?|"
        rf"(?:(?<=vp)|(?<=dir\.)|(?<=director)|(?<=head)){tail}|"
        # "VP Supply Chain", "VP Claims Operations", "VP Clinical Data": a department may be
        # qualified by one word before it
        rf"(?:\s+(?-i:[A-Z][a-z]+))?(?:\s+(?:{DEPARTMENT}|{_TITLE_TAIL})){{1,2}}\b)?",
        re.IGNORECASE,
    )


_COMPANY_WORDS = {
    "district", "group", "inc", "ltd", "llc", "gmbh", "bank", "health", "media", "school",
    "schools", "university", "college", "hospital", "council", "corp", "corporation",
    "partners", "labs", "systems", "solutions", "logistics", "foods", "insurance", "capital",
    "credit", "union", "authority", "pharmacy", "clinic", "clinics", "care", "hotels", "airlines",
    "motors", "energy", "telecom", "financial", "holdings", "industries", "technologies",
    "software", "analytics", "payments", "retail", "freight", "transit", "dental", "office",
    "agency", "institute", "foundation", "association", "company", "co", "studios", "games",
    "castings", "steelworks", "manufacturing", "consulting", "services", "ventures", "bio",
    "biolabs", "pharma", "networks", "cloud", "data", "digital", "global", "international",
    "llp", "therapeutics", "biotech", "robotics", "pharmaceuticals", "medical", "resorts",
    "cooperative", "airways", "shipping", "freightways", "utilities", "bancorp", "construction",
}  # fmt: skip


def _is_name(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 4:
        return False
    if words[-1].lower().strip(".,'’") in _COMPANY_WORDS:
        return False  # "Sunbeam School District, the superintendent": a company, not a person
    if words[0].lower().rstrip(".") in _OPENERS or any(w.lower() in _OPENERS for w in words[1:]):
        return False
    return not _titles().fullmatch(text)


def _clean_title(title: str) -> str:
    title = re.sub(
        r"^(?:(?:to|with|from|at|for|by|about|and|their|our|my|the|his|her|new|former|current|"
        r"acting|(?:she|he|they)(?:\s+(?:was|is|were|are))?|(?:she|he|they)['’]s|was|is)\s+)+",
        "",
        title.strip(),
        flags=re.IGNORECASE,
    )
    return title.strip(" ,.()")


_MY_MANAGER = compiled(
    rf"\b(?i:my)\s+(?:(?:direct\s+)?(?i:manager|mgr)|boss|(?:team\s+)?lead|line\s+manager|supervisor)"
    rf"(?:\s+is(?:\s+(?i:actually|now|really|in\s+fact))?|\s*,|\s*:|\s+\()?\s*(?P<name>{NAME})"
    # "Jess, my manager is Kofi Mensah" names Kofi, not Jess
    rf"|(?P<name2>{NAME})(?:\s+(?i:yet|too|already|either))?\s*(?:,|\(|\s+is)\s*(?i:my)\s+"
    rf"(?:(?:direct\s+|line\s+)?manager|boss|lead|supervisor)(?!\s+(?i:is|=)\s+(?-i:[A-Z]))"
    # "Patrick Nwachukwu (manager) is briefed": the word alone in brackets after a name
    rf"|(?P<name6>{NAME})\s*\(\s*(?i:direct\s+|line\s+)?(?i:manager|mgr|boss|supervisor)\s*\)"
    rf"(?=\s*(?i:is\s+|was\s+|has\s+been\s+|already\s+|fully\s+)*(?i:briefed|aware|in\s+the\s+loop|knows|"
    rf"agrees|agreed|approved|signed\s+off|on\s+board|looped\s+in|informed))"
    rf"|(?:^|(?<=[.!?;,]\s)|(?<=[.!?;,]))\s*(?i:manager|mgr|boss)\s*(?:is\b|:|=|-)\s*(?P<name3>{NAME})"
    rf"|\b(?i:i\s+report\s+to|i'm\s+reporting\s+to|reporting\s+to)\s+(?P<name4>{NAME})"
    # "mgr Olu Adebayo is briefed", "manager Elise Moreau knows everything": a clause that opens
    # with the word and the name
    rf"|(?:^|(?<=[.!?;,]\s)|(?<=[.!?;,]))\s*(?i:manager|mgr|boss)\s+(?P<name5>{NAME})"
    rf"(?=\s+(?i:is|was|knows|has|had|agrees|agreed|already|approved|said|says|signed|briefed|"
    rf"aware|looped)\b|\s*[,(])",
    re.MULTILINE,
)
# "my manager aditya rao", "manager = niamh byrne", "..., mgr is sven": the rep's own manager.
_MY_MANAGER_LOOSE = compiled(
    r"(?:\bmy\s+(?:direct\s+|line\s+)?|(?:^|(?<=[.!?;,\n]))\s*)(?:manager|mgr|boss|supervisor)"
    r"\s*(?:is\s+(?:now\s+)?|[,:(=]\s*)?",
    re.IGNORECASE | re.MULTILINE,
)
# What may follow a name said right after "my manager": "briefed my manager marta yesterday".
_AFTER_NAME = compiled(
    r"\s+(?:is|was|has|had|will|wants|knows|said|says|thinks|agreed|and|yesterday|today|"
    r"already|earlier|too|about|this\s+\w+|last\s+\w+)\b|\s*[,(.;!]|\s*$"
)
_LOOSE_STOP = {
    "is", "was", "the", "a", "an", "and", "or", "but", "will", "would", "has", "had", "have",
    "said", "says", "knows", "know", "not", "also", "already", "just", "on", "in", "at", "to",
    "for", "with", "from", "out", "off", "who", "that", "this", "yet", "now", "here", "there",
    "today", "tomorrow", "yesterday", "doesnt", "didnt", "isnt", "hasnt", "wont", "cant", "can",
    "could", "should", "may", "might", "must", "wants", "thinks", "agreed", "join", "joins",
    "aware", "ok", "okay", "fine", "back", "away", "since", "about", "of", "as", "by", "via",
    "me", "my", "our", "their", "his", "her", "him", "she", "he", "they", "we", "i", "it", "its",
    "still", "too", "very", "really", "needs", "need", "asked", "asks", "told", "did",
    "does", "do", "been", "being", "be", "are", "were", "so", "if", "then", "when", "while",
    "ceo", "cto", "cfo", "coo", "cio", "vp", "svp", "head", "director", "manager", "lead",
    "engineer", "ops", "person", "guy", "lady", "team", "again", "only", "both", "all",
    # what a contact can be rather than who: "our champion is gone", "contact is new"
    "gone", "leaving", "left", "new", "unhappy", "upset", "angry", "furious", "quiet",
    "silent", "unresponsive", "ghosting", "missing", "sick", "travelling", "traveling", "busy",
    "great", "good", "happy", "nice", "right", "wrong", "someone", "somebody", "nobody",
    "no", "none", "unclear", "unknown", "tbd", "different",
}  # fmt: skip


def _loose_name(text: str) -> str:
    """A name typed in lower case right after a cue that says a name follows ("contact is
    chiamaka okafor", "my manager aditya rao"): one to three words that are no common word."""
    words: list[str] = []
    for word in re.findall(r"[^\s,.;:()!?]+", text[:60])[:3]:
        bare = word.lower().strip("'’\"")
        if (
            bare in _LOOSE_STOP
            or bare in _OPENERS
            or not re.fullmatch(r"[a-zà-öø-ÿ][a-zà-öø-ÿ'’-]*", bare)
            or (len(bare) > 4 and "-" not in bare and bare.endswith(("ed", "ly", "ing")))
            or bare.endswith(("'d", "’d"))  # "CTO is cc'd on the email": a verb, not a name
            or len(bare) < 2
        ):
            break
        words.append(word)
        nxt = text[text.find(word) + len(word) :][:2]
        if not nxt.startswith(" ") or nxt[1:2] in ",.;:(":
            break
    if not words:
        return ""
    return " ".join("-".join(p[:1].upper() + p[1:] for p in w.split("-")) for w in words)


_CONTACT_CUE = compiled(
    r"\b(?:(?:main|primary|key|my|our|the|their)\s+)?(?:(?i:contacts?|champion|sponsor|"
    r"point\s+of\s+contact)\s*(?:(?:is|was)(?![\w'’])|=|:|-)?|(?i:poc)\s*(?:(?:is|was)(?![\w'’])|=|:))"
    r"\s*(?=\S)"
    r"|\b(?P<ttl>(?-i:CTO|CEO|CFO|COO|CIO|CISO|CMO|CRO|GM|VP(?:\s+\w+)?)|(?i:head\s+of\s+\w+))"
    r"\s+(?:is|was)\s+(?=\S)",
    re.IGNORECASE,
)
_IS_MY_CONTACT = compiled(
    rf"(?P<name>{NAME}|(?-i:[a-zà-ÿ][a-zà-ÿ'’-]+\s+[a-zà-ÿ][a-zà-ÿ'’-]+))\s+(?i:is)\s+(?i:my|our|the)\s+"
    r"(?i:main\s+|primary\s+|key\s+)?(?i:contact|champion|point\s+of\s+contact)\b"
)
# "VP Sales Europe", "GM EMEA": the region a leader's title may end with
_REGION = (
    r"(?-i:EMEA|APAC|APJ|LATAM|AMER|AMERICAS|Americas|Europe|Asia|Asia\s+Pacific|EU|UK|US|DACH|"
    r"Nordics|Benelux|North\s+America|International|Global|West|East|Central)\b"
)
_LEADER_CORE = (
    rf"(?:(?i:chief)\s+(?-i:[A-Z]\w+\s+){{1,2}}(?i:officer)|(?:(?i:VP|RVP|AVP|CRO|CEO|CTO|COO|CFO|CMO|"
    rf"CISO|CPO|CCO|CSO|CDO|CXO|CIO|SVP|EVP|GM)|(?i:president|head|director|chief|general\s+manager|vice\s+president))"
    rf"(?:\s+{DEPARTMENT}){{0,2}}(?:\s+{_REGION})?)"
)
_OF = r"(?:\s+(?:of|for)\s+(?-i:[A-Z][\w&-]*)(?:\s+(?:&\s+)?(?-i:[A-Z][\w&-]*))*)?"
_OUR_LEADER = compiled(
    # "our VP Eng, Anders Lindqvist": capitalised words before the comma finish the title
    rf"\b(?i:my|our)\s+(?P<title3>{_LEADER_CORE}(?:\s+(?-i:[A-Z][\w&-]*)){{1,2}}{_OF})\s*,\s*"
    rf"(?P<name3>{NAME})\b"
    rf"|\b(?i:my|our)\s+(?P<title>(?:[\w&-]+\s+){{0,3}}?{_LEADER_CORE}{_OF})"
    rf"\s*(?:,|\(|\s(?i:is))?\s*(?P<name>{NAME})\b"
    rf"|(?P<name2>{NAME})\s*,?\s*(?i:my|our)\s+(?P<title2>(?:[\w&-]+\s+){{0,3}}?{_LEADER_CORE}"
    rf"{_OF})(?=[,.;)]|\s+(?:to|for|on|who|and)\b|$)",
)
# "should I get our CRO in?", "escalate to our VP of CS": one of our leaders, by title alone.
_OUR_TITLE = compiled(rf"\b(?i:my|our)\s+(?P<title>{_LEADER_CORE}{_OF})(?![\w'’-])")
_BARE_TITLE = compiled(r"(?i:head|chief|director|president)")
_BRING_IN = compiled(
    rf"\b(?:bring\s+in|loop\s+in|involve|get|escalate\s+to|pull\s+in|ask)\s+(?P<name>{NAME})\s*"
    rf"(?:,|\()\s*(?:our|my|the)\s+(?P<title>[\w &-]{{2,40}}?)(?=[,.;)]|\s+(?:to|for|on|who|into)\b|$)"
)


# "my manager", "my SE manager", "our regional sales manager": the rep's own manager.
MANAGER_QUALIFIER = (
    r"(?:(?:direct|line|se|sales|cs|csm|ae|regional|area|district|team|engineering|solutions|"
    r"presales|pre-sales)\s+){0,2}"
)
_MANAGER_SAID = compiled(
    rf"\b(?:my|our)\s+{MANAGER_QUALIFIER}(?:manager|mgr|boss|supervisor)\b", re.I
)
_NAME_IS = compiled(
    r"\b(?:(?:her|his|their)\s+name(?:['’]s|\s+is)|that['’]?s|thats|it['’]s|called|named)\s+",
    re.I,
)


_THEIRS = compiled(r"\b(?:their|them|they|customer|client|HQ|office)\b", re.I)
# "..., that's Daniel Ortiz.": the name of the one just meant, said last in its clause
_LEADER_NAMED = compiled(
    rf"[^.!?\n]*?\b(?i:that['’]?s|thats|(?:her|his)\s+name\s+is|(?:her|his)\s+name['’]s|named)\s+"
    rf"(?P<name>{NAME})(?=\s*(?:[.,;!?)]|$|\s+(?i:btw|fyi)\b))",
    re.MULTILINE,
)


def _manager_in_sentence(sentence: str, people: list[Person], before: str = "") -> str:
    """The person a sentence about the rep's manager names as the manager: "I haven't told my
    manager yet, her name is Ngozi Eze", "havent looped in my manager yet, thats Ben Adler",
    "Owen Gallagher (my mgr) is fully in the loop". The name is said as a name (after "her name
    is", "that's"), in brackets, or right beside the manager; "her name is X" may follow the
    sentence about the manager. Someone already placed, or two such names, leave it open."""
    about = _MANAGER_SAID.search(sentence)
    if not about and not (_MANAGER_SAID.search(before) and _NAME_IS.search(sentence)):
        return ""
    placed = {p.name for p in people}
    names: list[str] = []
    for m in re.finditer(NAME, sentence):
        name = m.group(0)
        if not _is_name(name) or name in placed or _titles().search(name):
            continue
        lead = sentence[: m.start()]
        tail = sentence[m.end() :]
        beside = about is not None and (
            0 <= m.start() - about.end() <= 3 or 0 <= about.start() - m.end() <= 3
        )
        if (
            re.search(r"\(\s*$", lead)
            or re.search(_NAME_IS.pattern + r"$", lead, re.I)
            or beside
            or (about is not None and re.match(r"\s*\(\s*(?:my|our)\s", tail, re.I))
        ):
            names.append(name)
    said = _NAME_IS.search(sentence)
    if not names and said:
        loose = _loose_name(sentence[said.end() :])
        if loose:
            names.append(loose)
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else ""


_TITLE_PREFIX = compiled(
    r"^(?:(?:in|is|was|the|their|our|my|a|an|to|bring|bringing|with|and|at|for|from|get|getting|"
    r"loop|looping|involve|ask|need|want)\s+)+",
    re.I,
)
_LOWER_NAME = r"(?-i:[a-zà-ÿ][a-zà-ÿ'’-]+\s+[a-zà-ÿ][a-zà-ÿ'’-]+)"


def _plain_name(text: str) -> bool:
    """Two lower-case words that may be a person's name: no common word, title or company word."""
    for word in text.split():
        bare = word.lower()
        if (
            bare in _LOOSE_STOP | _OPENERS | _COMPANY_WORDS | _INTERJECTIONS
            or len(bare) < 2
            or (len(bare) > 4 and bare.endswith(("ed", "ly", "ing", "ion", "ness", "ment")))
            or _titles().fullmatch(bare)
            or bare in _COMMON
        ):
            return False
    return True


_COMMON = {
    "went", "got", "had", "sent", "told", "said", "called", "our", "new", "old", "big", "all",
    "one", "two", "three", "any", "some", "most", "more", "less", "very", "well", "good", "bad",
    "call", "calls", "meeting", "email", "what", "who", "where", "ask", "wants", "need", "needs",
    "help", "sync", "weekly", "daily", "last", "next", "week", "month", "year", "day", "days",
    "hours", "time", "issue", "problem", "outage", "deal", "renewal", "contract", "account",
    "customer", "client", "contact", "users", "user", "staff", "people", "folks", "guys", "someone",
    "anyone", "everyone", "nobody", "like", "about", "into", "over", "under", "after", "before",
    "joining", "leading", "lead", "listen", "will", "can", "is", "are", "was", "were", "be", "the",
    "then", "than", "also", "even", "fix", "bug", "app", "api", "sso", "data", "system", "tool",
    "plan", "roadmap", "product", "team", "support", "engineering", "sales", "legal", "finance",
    "asap", "today", "tomorrow", "now", "later", "soon",
}  # fmt: skip


def read_people(text: str) -> list[Person]:
    """People a message names, with what the words around them say about each."""
    people: list[Person] = []
    taken: list[tuple[int, int]] = []
    # "Sorry, my manager is ...": an interjection opening a sentence is blanked (offsets kept).
    words = "|".join(sorted(_INTERJECTIONS))
    text = re.sub(rf"(?:^|(?<=[.!?]\s))(?i:{words})\b[,!:]?", lambda m: " " * len(m.group(0)), text)

    def add(person: Person, span: tuple[int, int]) -> None:
        if any(a < span[1] and span[0] < b for a, b in taken) or not _is_name(person.name):
            return
        taken.append(span)
        if not any(p.name == person.name for p in people):
            people.append(person)

    for m in _MY_MANAGER.finditer(text):
        name = (
            m.group("name")
            or m.group("name2")
            or m.group("name3")
            or m.group("name4")
            or m.group("name5")
            or m.group("name6")
        )
        if name.split()[0].lower() in _OPENERS | _INTERJECTIONS:
            continue  # "Sorry, my manager is ...": a word of the sentence, not a name
        add(Person(name, "manager", side="ours", role="manager"), m.span())
    for rx in (_OUR_LEADER, _BRING_IN):
        for m in rx.finditer(text):
            groups = m.groupdict()
            name = groups.get("name") or groups.get("name2") or groups.get("name3") or ""
            title = _clean_title(
                groups.get("title") or groups.get("title2") or groups.get("title3") or ""
            )
            if re.fullmatch(r"(?:direct\s+)?(?:manager|boss|lead|supervisor)", title, re.I):
                continue
            if re.fullmatch(rf"{DEPARTMENT}(?:\s+{DEPARTMENT})?|{_REGION}", name):
                continue  # "our VP Eng right away": the department ends the title; no one is named
            glued = groups.get("name2") and not re.search(r",\s*(?i:my|our)\s", m.group(0))
            if glued and len(name.split()) < 2:
                continue  # "Update on Northwind our CRO ...": one word before "our" is no name
            add(Person(name, title, side="ours", role="leader"), m.span())
    if not any(p.role == "leader" for p in people):
        # "Only our COO can approve it, that's Daniel Ortiz": the leader named in the same sentence
        for m in _OUR_TITLE.finditer(text):
            named_as = _LEADER_NAMED.match(text, m.end())
            between = text[m.end() : named_as.start("name")] if named_as else ""
            if named_as and (_THEIRS.search(between) or len(named_as.group("name").split()) < 2):
                continue  # "..., to meet their architect, that's Lars Berg": the customer's
            if (
                named_as
                and _is_name(named_as.group("name"))
                and not _BARE_TITLE.fullmatch(m.group("title"))
            ):
                span = named_as.span("name")
                add(
                    Person(
                        named_as.group("name"), _clean_title(m.group("title")), "", "ours", "leader"
                    ),
                    span,
                )
                break
    titles = _titles()
    if not any(p.role == "manager" for p in people):
        # "gideon adler (my manager) knows": a name typed in lower case, the manager in brackets
        for m in re.finditer(
            rf"(?P<name>{_LOWER_NAME})\s*\(\s*my\s+(?:direct\s+|line\s+)?"
            r"(?:manager|mgr|boss|supervisor)\s*\)",
            text,
            re.I,
        ):
            if _plain_name(m.group("name")):
                name = " ".join(w[:1].upper() + w[1:] for w in m.group("name").split())
                add(Person(name, "manager", side="ours", role="manager"), m.span())
                break
    if not any(p.role == "manager" for p in people):
        for m in _MY_MANAGER_LOOSE.finditer(text):  # "my manager aditya rao is fully briefed"
            name = _loose_name(text[m.end() :])
            following = text[m.end() + len(name) :]
            said = bool(re.search(r"(?:\bis|[,:(=])\s*$", m.group(0))) or (
                m.group(0).lower().startswith("my") and _AFTER_NAME.match(following)
            )
            if name and said:  # a name is said as one: "my manager is X", "my manager x is ..."
                add(Person(name, "manager", side="ours", role="manager"), m.span())
                break
    if not any(p.role == "manager" for p in people):
        before = ""
        for sentence in re.finditer(r"[^.!?\n]+", text):
            found = _manager_in_sentence(sentence.group(0), people, before)
            before = sentence.group(0)
            if found:
                at = sentence.start() + sentence.group(0).find(found)
                add(Person(found, "manager", side="ours", role="manager"), (at, at + len(found)))
                break
    # The contact, said outright: "contact is chiamaka okafor, their VP ops", "Siobhan O'Neill is
    # my contact", "contact Maria Santos (VP Member Experience)", "CTO is Aminata Diallo".
    for m in _CONTACT_CUE.finditer(text):
        rest = text[m.end() :]
        # "contact: Deputy CIO Thandiwe Nkosi": the title first, then the name
        first_title = titles.match(rest)
        titled = first_title and re.match(rf"\s*,?\s*(?P<name>{NAME})", rest[first_title.end() :])
        if first_title and titled and _is_name(titled.group("name")):
            name = titled.group("name")
            end = m.end() + first_title.end() + titled.end()
            add(Person(name, _clean_title(first_title.group(0))), (m.start(), end))
            continue
        strict = re.match(rf"(?P<name>{NAME})", rest)
        name = strict.group("name") if strict and _is_name(strict.group("name")) else ""
        name = name or _loose_name(rest)
        if not name:
            continue
        end = m.end() + len(rest) - len(rest.lstrip()) + len(name)
        title = m.group("ttl") or ""
        kind = re.search(r"\b(?:project|executive|exec|business)\s+$", text[: m.start()], re.I)
        if kind and re.match(r"(?i)sponsor", m.group(0)):
            title = f"{kind.group(0).strip()} sponsor"  # "their project sponsor, Nadia Kowalczyk"
        after = re.match(
            r"\s*(?:,\s*(?:(?:she|he)(?:['’]?s|\s+is)\s+)?(?:(?:their|the|a)\s+)?|\(\s*)",
            text[end:],
        )
        if not title and after:
            t = titles.match(text, end + after.end())
            if t:
                title = t.group(0)
                end = t.end()
        add(Person(name, _clean_title(title)), (m.start(), end))
    for m in re.finditer(
        rf"\b(?i:his|her|their)\s+(?i:full\s+)?name\s+(?i:is|was)\s+(?P<name>{NAME})", text
    ):
        add(Person(m.group("name"), ""), m.span())  # "his name is Owen Clarke": the one just meant
    for m in _IS_MY_CONTACT.finditer(text):
        name = m.group("name")
        name = name if name[:1].isupper() else _loose_name(name)
        if name:
            add(Person(name, ""), m.span())
    # The customer's people: "their CTO Raj Patel", "Raj Patel, their CTO", "Raj (CTO)".
    for m in titles.finditer(text):
        title = _clean_title(m.group(0))
        before = text[max(0, m.start() - 12) : m.start()].lower()
        if re.search(r"\b(?:my|our)\s+$", before) or re.search(r"\b(?:my|our)\s", m.group(0), re.I):
            continue
        # "their GM at the Cancún property, Yasmin Haddad, ...": where they work may come between
        after = re.match(
            rf"(?:\s+(?:at|in|for)\s+[^,.;()\n]{{1,40}}?\s*,\s*|\s*,?\s*)(?P<name>{NAME})",
            text[m.end() :],
        )
        lead = re.search(
            rf"(?<![\w'’])(?P<name>{NAME})\s*(?:,\s*(?:their|the)?\s*|\(\s*)$", text[: m.start()]
        )  # not "R. Maya Thompson" from "$95k ARR. Maya Thompson, Director of ..."
        # "eval lead is Carlos Ibáñez, principal architect", "Finance lead is Youssef El Amrani":
        # the title says who comes after it, with the title they add if any
        named_after = re.match(rf"\s+is\s+(?P<name>{NAME})", text[m.end() :])
        if (
            named_after
            and _is_name(named_after.group("name"))
            and len(named_after.group("name").split()) >= 2
            and not re.fullmatch(DEPARTMENT, named_after.group("name").split()[0])
        ):
            end = m.end() + named_after.end()
            own = re.match(r"\s*,\s*(?:(?:their|the|a)\s+)?", text[end:])
            second = titles.match(text, end + own.end()) if own else None
            if second and re.match(r"\s*(?:[,.;:!?)]|$)", text[second.end() :]):
                title, end = _clean_title(second.group(0)), second.end()
            add(Person(named_after.group("name"), title), (m.start(), end))
            continue
        if (
            after
            and lead
            and " " not in after.group("name")
            and after.start("name") == 1
            and _is_name(lead.group("name"))
            and " " in lead.group("name")
        ):
            # "Rohan Kapur, Sr Director Lab Informatics": the full name before the title is the
            # person, and the one word after it ends the title
            add(
                Person(lead.group("name"), f"{title} {after.group('name')}"),
                (lead.start(), m.end() + after.end()),
            )
            continue
        if (
            after
            and lead
            and text[: m.start()].rstrip().endswith("(")
            and " " in lead.group("name")
            and _is_name(lead.group("name"))
            and re.match(r"\s*,", text[m.end() :])
        ):
            # "Sipho Dlamini (Office Manager, Khumalo Architects)": the name before the bracket is
            # the person; what follows the title inside it is where they work
            add(Person(lead.group("name"), title), (lead.start(), m.end()))
            continue
        if after and _is_name(after.group("name")):
            span = (m.start(), m.end() + after.end())
            add(Person(after.group("name"), title), span)
            continue
        if lead and re.search(r"\b(?:of|de|for|da|do|des|del|für)\s+$", text[: lead.start()], re.I):
            continue  # "Diretor de Operações (ops director)": part of a title, not a name
        if lead and _is_name(lead.group("name")):
            add(Person(lead.group("name"), title), (lead.start(), m.end()))
    # The same, typed in lower case: "kenji watanabe, director of IT", "our CRO mateus costa",
    # "nomvula dlamini is the COO", "my svp, emile dubois". Two words that are no common word.
    for m in titles.finditer(text):
        prefix = _TITLE_PREFIX.match(m.group(0))
        start = m.start() + (prefix.end() if prefix else 0)
        title = _clean_title(text[start : m.end()])
        if not title or re.fullmatch(r"(?:manager|lead|team\s+lead|boss|mgr)", title, re.I):
            continue
        typed = title.split()
        if (
            len(typed) >= 3
            and typed[0].islower()
            and _plain_name(" ".join(typed[:2]))
            and titles.fullmatch(" ".join(typed[2:]))
        ):
            # "siobhan gallagher vp ecom": a name typed in lower case, then the title
            name = " ".join(w[:1].upper() + w[1:] for w in typed[:2])
            add(Person(name, " ".join(typed[2:])), (start, m.end()))
            continue
        ours = bool(
            re.search(r"\b(?:my|our)\s+$", text[max(0, start - 12) : start], re.I)
            or re.search(r"\b(?:my|our)\s", prefix.group(0) if prefix else "", re.I)
        )
        after = re.match(
            rf"(?:\s*,\s*|\s+(?i:is)\s+|\s*)(?P<name>{_LOWER_NAME})\b", text[m.end() :]
        )
        lead = re.search(
            rf"(?P<name>{_LOWER_NAME})\s*(?:,\s*(?:their|the|our|my)?\s*|\(\s*(?:their\s+|the\s+)?|"
            rf"\s+is\s+(?:the\s+|their\s+|our\s+|my\s+)?)$",
            text[:start],
        )
        # "jonas petrauskas (head of operations over there)": the name is the one that reads
        # as a name, before or after the title.
        beside = next((b for b in (after, lead) if b and _plain_name(b.group("name"))), None)
        if beside is None:
            continue
        name = " ".join(w[:1].upper() + w[1:] for w in beside.group("name").split())
        span = (m.start(), m.end() + beside.end()) if after else (beside.start(), m.end())
        role: Role = "leader" if ours else "other"
        add(Person(name, title, side="ours" if ours else "customer", role=role), span)
    for m in re.finditer(
        rf"(?P<name>{NAME}),?\s+(?i:(?:she|he|they)['’]s|(?:she|he)\s+is|who\s+is|who['’]s|is)\s+"
        rf"(?i:the|their)\s+(?P<title>(?:[\w-]+\s+){{0,3}}?(?i:lead|manager|director|head|officer|"
        rf"engineer|admin\w*|owner|architect|coordinator|specialist|analyst|president|founder|"
        rf"counsel|buyer|controller|supervisor)|(?:VP|SVP|CTO|CEO|CFO|COO|CIO|CISO|CMO|GM)"
        rf"(?:\s+{DEPARTMENT}){{0,2}})\b",
        text,
    ):
        add(Person(m.group("name"), _clean_title(m.group("title"))), m.span())
    for m in re.finditer(
        rf"\b(?i:contact|champion|sponsor|point\s+of\s+contact)\s+(?i:is|was|there\s+is)?\s*"
        rf"(?P<name>{NAME})",
        text,
    ):
        add(Person(m.group("name"), ""), m.span())
    for m in re.finditer(rf"(?P<name>{NAME})\s+(?:at|from)\s+(?-i:[A-Z])", text):
        if len(m.group("name").split()) >= 2:  # "Expansion at Copperline" names no one
            add(Person(m.group("name"), ""), (m.start(), m.end("name")))
    emails = EMAIL.findall(text)
    for person in people:
        # "Birgit Nørgaard (b.norgaard@haldenbank.no)": the address written right after the name
        beside = re.search(
            rf"{re.escape(person.name)}\s*[(<\[]\s*(?P<email>{EMAIL.pattern})",
            text,
            re.I,
        )
        if beside:
            person.email = beside.group("email")
            continue
        # letters only: "f.alzahra@..." is Fatima Al-Zahra's
        first, last = (re.sub(r"[\W_]", "", w.lower()) for w in (person.name.split()[0],
                                                                  person.name.split()[-1]))  # fmt: skip
        for address in emails:
            local = re.sub(r"[\W_]", "", address.split("@")[0].lower())
            if (first and first in local) or (len(person.name.split()) > 1 and last in local):
                person.email = address
    for person in people:
        if person.side == "customer":
            person.role = "contact"
    title = pronoun_title(text)
    if title:
        said_at = _PRONOUN_TITLE.search(text)
        before = text[: said_at.start()] if said_at else text
        theirs = [p for p in people if p.side == "customer" and p.name in before]
        nearest = max(theirs, key=lambda p: before.rfind(p.name)) if theirs else None
        if nearest and not nearest.title:  # "Ines Duarte at Lumen, she's their ecom manager"
            nearest.title = title
    return people


# "she's their ecommerce manager", "shes Head of Automation": the title of someone just named.
_PRONOUN_TITLE = compiled(
    r"(?:^|(?<=[,.;:!?(])|\band\b)\s*(?i:she|he)(?:['’]?s|\s+is)\s+(?:(?i:their|the)\s+)?(?=\S)",
    re.MULTILINE,
)


def pronoun_title(text: str) -> str:
    """The title a "she's their X" clause gives, or ""."""
    for m in _PRONOUN_TITLE.finditer(text):
        t = _titles().match(text, m.end())
        # "he's head of digital btw, not head of IT": a word of talk may close the title
        after = r"\s*(?:(?i:btw|fyi|now|actually|too|as\s+well)\b\s*)?(?:[,.;:!?)]|and\b|$)"
        if t and re.match(after, text[t.end() :]):
            return _clean_title(t.group(0))
    return ""


_COMPANY = (
    r"(?P<company>(?-i:[A-Z][\w&.'’-]*)(?:\s+(?:&\s+|(?-i:of)\s+|(?-i:de|del|da|do|dos|das|di|du|des|"
    r"van|von|der)\s+(?=(?-i:[A-Z][a-zà-ÿ])))?(?-i:[A-Z][\w&.'’-]*)){0,4})"
)
# the small words of a company's name: "Universidad del Pacífico", "Banco de Chile"
_SMALL_WORDS = {
    "of",
    "&",
    "de",
    "del",
    "da",
    "do",
    "dos",
    "das",
    "di",
    "du",
    "des",
    "van",
    "von",
    "der",
}
_POSSESSIVE = r"(?:['’]s|(?<=s)['’])"
_COMPANY_CUES = (  # (rank, pattern): a lower rank says more surely that this is the customer
    (0, compiled(rf"\b(?i:customer|client|account|prospect)\s*(?:is|:|-)\s*{_COMPANY}")),
    # the rep's own role on the account: "I'm the SE on Halvorsen Industrial"
    (0, compiled(rf"\b(?i:I['’]?m|I\s+am)\s+(?i:the\s+|their\s+)?(?i:SE|AE|CSM|TAM|AM|rep|"
                   rf"account\s+(?:exec\w*|manager|lead)|sales\s+engineer|solutions?\s+engineer|"
                   rf"customer\s+success\s+manager|csm\s+lead)\s+(?i:on|for)\s+{_COMPANY}")),
    # a correction of the account: "this one is Corvid Freight", "it's actually Corvid"
    (0, compiled(rf"\b(?i:this\s+one|this\s+account|this\s+customer|the\s+right\s+one|it)"
                   rf"(?:\s+is|['’]s)\s+(?i:actually\s+|really\s+)?{_COMPANY}")),
    (1, compiled(rf"{_COMPANY}{_POSSESSIVE}\s+(?:[\w-]+\s+){{0,3}}?(?:CTO|CEO|CFO|COO|CIO|VP|"
                   rf"SVP|head|team|IT|ops|renewal|contract|account|deal|POC|pilot|project|"
                   rf"rollout|integration|procurement|finance|legal|board|director|manager|"
                   rf"admin|sysadmin|lead|engineer|architect|officer|counsel|owner|GM|"
                   rf"president|founder|champion|users?|staff|DPO|data|security)\b",
                   re.IGNORECASE)),
    (1, compiled(rf"\b(?i:the|our|their)\s+{_COMPANY}\s+(?i:POC|pilot|account|renewal|deal|"
                   rf"rollout|project|implementation|contract|expansion|upsell|migration)\b")),
    (2, compiled(rf"(?:\b(?:at|for|on|over\s+at|escalate|escalating)|@)\s+{_COMPANY}"
                   rf"(?={_POSSESSIVE}|[\s,.;:!?)]|$)")),
    (3, compiled(rf"\b(?:with|from)\s+{_COMPANY}(?={_POSSESSIVE}|[\s,.;:!?)]|$)")),
    # "Sipho Dlamini (Office Manager, Khumalo Architects)": a person's title, then where they work
    (1, compiled(rf"\b[A-Z][\w'’-]+\s+[A-Z][\w'’-]+\s*\([^(),]{{2,40}},\s*{_COMPANY}\s*\)")),
)  # fmt: skip
_NOT_COMPANY = compiled(
    r"^(?:I|We|They|He|She|It|The|A|An|Our|Their|My|Your|This|That|Friday|Monday|Tuesday|"
    r"Wednesday|Thursday|Saturday|Sunday|January|February|March|April|May|June|July|August|"
    r"September|October|November|December|Q[1-4]|Slack|Zoom|Teams|Jira|Salesforce|Gmail|"
    r"Outlook|LinkedIn|Should|Can|Could|Would|What|How|Why|Escalation|Security|Implementation|"
    r"Account|Customer|Client|Update|Quick|Help|Need|Urgent|Coach|Expansion|Renewal|Ask|"
    r"ARR|ACV|MRR|TCV|POC|SLA|SOW|API|CRM|QBR|RCA|SSO|SCIM|DPA|NOC|ETA|SE|AE|CSM|FYI|ASAP|OK|"
    # a word typed in capitals for emphasis ("it's NOT the cache") and a rep's label
    r"NOT|NO|NEVER|ALL|ONLY|STILL|REALLY|DEFINITELY|Deal|Contact|Context|Problem|Internal)\b"
)


_OPENS_WITH_COMPANY = compiled(
    r"(?:^|\n)\W*(?:(?:ok(?:ay)?|so|hey|right|quick\s+bkgd|background|context)[\s,:.-]+)*"
    r"(?:(?:account|customer|client)\s*(?:is|:|-)\s*)?"
    r"(?P<co>[\w&'’.-]+(?:\s+[\w&'’.-]+){0,4}?)\s*(?:\([^)]{1,40}\)\s*)?(?:,|\s[-–—]\s|\()\s*"
    r"(?:(?:main|primary|key|their|the|my|our)\s+)?(?:contacts?\b|champion\b|poc\b|"
    r"(?-i:CTO|CEO|CFO|COO|CIO|CISO|GM|VP)\b|(?-i:Dr|Mr|Mrs|Ms)\.?\s|(?:head|director|vp)\s+of\b|"
    r"(?-i:[A-Z][a-z]+\s+[A-Z][a-z]+)\s+(?:is|\()|[\w'’-]+\s+[\w'’-]+\s+is\s+(?:my|our|the)\s+"
    r"(?:main\s+|primary\s+)?contact\b|"
    # "pinecrest outdoor, siobhan gallagher vp ecom": a name, then a title
    r"[\w'’-]+\s+[\w'’-]+\s+(?:vp|svp|evp|cto|ceo|cfo|coo|cio|ciso|cmo|head|director|dir\.|gm)\b)",
    re.IGNORECASE,
)
_LEGAL_FORM = compiled(
    r"\b(?<![\w@.])(?!(?:the|a|an|with|for|at|from|to|on|of|our|their|big|bigger|large|"
    r"small|same|other|parent|holding|that|this)\s)[a-z][\w&-]+\s+(?:corp|inc|ltd|llc|gmbh|"
    r"plc|bv|ag)\b(?!\.\w)"
)


_NAMED_COMPANY = compiled(
    r"(?P<company>(?-i:(?:City|County|Town|Port|State|Province|Municipality|University|"
    r"Borough|District)\s+of\s+[A-Z][\w'’-]+)|(?-i:[A-Z][\w&.'’-]*)(?:\s+(?:&\s+)?"
    r"(?-i:[A-Z][\w&.'’-]*)){0,3}\s+(?:&\s+)?(?=[A-Z])(?i:"
    + "|".join(sorted(w for w in _COMPANY_WORDS if len(w) > 3))
    + r"))(?![\w&-])"
)


# A company typed in lower case, known by the word its name ends with: "for pinecrest credit
# union", "its cedar valley health", "university of ashford".
_LOWER_WORD = (
    r"(?!(?:for|at|on|with|from|the|a|an|to|of|and|is|its|our|their|my|new)\b)(?-i:[a-z][\w&'-]*)"
)
_LOWER_COMPANY = compiled(
    rf"(?:\b(?:for|at|on|with|w/?|from|its|it's|is|re)\s+|^\W*(?:(?i:hey|hi|ok|okay|so|context|background|se|ae|csm|am|tam|pm|sdr|"
    rf"bdr|problem|issue|update|fyi|acct|account|customer|client)\b[\s,:-]+)*(?:(?:on|for|at)\s+(?:the\s+)?)?)(?P<co>{_LOWER_WORD}(?:\s+{_LOWER_WORD})"
    r"{0,2}\s+(?:"
    + "|".join(sorted(_COMPANY_WORDS - {"co", "office", "data", "cloud", "global", "digital"}))
    + r")|university\s+of\s+[a-z]+)\b(?!\s+(?:team|issue|problem|side|of)\b)",
    re.MULTILINE,
)
# An account typed in lower case after the word that labels it ("acct: greywater energy",
# "customer tandem freight was mad", "account = fernhill insurance") or after "escalate"
# ("should I escalate brightpath logistics"): the words up to the first common word.
_LABELLED_LOWER = compiled(
    r"(?:\b(?P<label>(?i:customer|client|account|acct|prospect|company))\s*(?:[:=-]|(?P<verb>\bis\b|\bwas\b))?"
    r"|\b(?i:escalate|escalating)(?:\s+(?i:on|with|for))?)\s+"
    r"(?P<co>(?-i:[a-z][\w&'’.-]*)(?:\s+(?:&\s+)?(?-i:[a-z][\w&'’.-]*)){0,3})"
)
# The account named first with what it is in brackets: "hey so Bramble & Oak (home goods, $45k)".
_OPENS_WITH_ABOUT = compiled(
    rf"(?:^|\n)\W*(?:(?i:hey|hi|ok|okay|so|right|quick\s+one|context|background)[\s,:.-]+)*"
    rf"{_COMPANY}\s*\((?=[^)]{{3,80}}\))"
)


def read_companies(text: str, people: list[Person]) -> list[str]:
    """Companies the message names, the likeliest customer first."""
    names = {p.name for p in people}
    found: list[tuple[int, int, str]] = []
    for rank, rx in _COMPANY_CUES:
        for m in rx.finditer(text):
            # a sentence ends the name, a saint's dot does not ("St. Aidan's Health")
            company = re.split(r"(?<!\bSt)\.\s", m.group("company"))[0]
            company = company.rstrip(".,'’").removesuffix("'s").removesuffix("’s")
            words = company.split()
            while words and _NOT_COMPANY.match(words[0]):
                words = words[1:]
            company = " ".join(words)
            if (
                company
                and company not in names
                and not any(company in n or n in company for n in names)
                and not _titles().fullmatch(company)
                and not re.fullmatch(DEPARTMENT, company)
            ):
                found.append((rank, m.start(), company))
    for m in _OPENS_WITH_COMPANY.finditer(text):
        # "kestrel logistics, contact is ...", "Sahel Telecom, CTO is ...": the account first
        words = m.group("co").split()
        ends = [k for k, w in enumerate(words) if w[-1] in ".!?"]
        if ends:  # "urgent. halden bank - ...": the sentence before is not the name
            words = words[ends[-1] + 1 :]
        while words and words[0].lower() in _OPENERS | {"ok", "okay", "so", "account", "customer"}:
            words = words[1:]
        if words and not any(w.lower() in _LOOSE_STOP | _INTERJECTIONS | _OPENERS for w in words):
            company = " ".join(
                w if w[:1].isupper() or w in _SMALL_WORDS else w.capitalize() for w in words
            )
            if company not in names and not _titles().fullmatch(company):
                found.append((0, m.start(), company))
    for m in _LOWER_COMPANY.finditer(text):  # "sso broken for pinecrest credit union"
        words = m.group("co").split()
        # "brightwater legal llp": a department word inside a name is part of it
        if words[0].lower() not in _OPENERS and not any(
            w.lower() in _LOOSE_STOP - {"of"} for w in words[:-1]
        ):
            found.append((2, m.start(), " ".join(w if w in _SMALL_WORDS else w.capitalize()
                                                 for w in words)))  # fmt: skip
    for m in _LABELLED_LOWER.finditer(text):  # "acct: greywater energy", "escalate velora retail"
        kept: list[str] = []
        for word in m.group("co").split()[:4]:
            bare = word.lower().strip(".,;:!?()'’\"")
            if not bare or bare in _LOOSE_STOP | _OPENERS | _COMMON | _INTERJECTIONS:
                break
            kept.append(word.strip(".,;:!?()\"'’") if word[-1] in ".,;:!?()\"'’" else word)
            if word[-1] in ".,;:!?()":
                break
        if (m.group("verb") or not m.group("label")) and (
            len(kept) < 2
            or re.search(
                r"(?i)\b(?:the|this|that|my|our|their|his|her)\s+\S+\s*$",
                text[: m.start("label") or m.start()] + (m.group("label") or ""),
            )
            or kept[0].lower().endswith(("ing", "ed", "ly"))
        ):
            # "customer is asking", "the account is shaky": a description, not a name
            continue
        company = " ".join(w if w in _SMALL_WORDS else w[:1].upper() + w[1:] for w in kept)
        if company and company not in names and not _titles().fullmatch(company):
            found.append((0 if m.group("label") else 2, m.start(), company))
    for m in _OPENS_WITH_ABOUT.finditer(text):  # "Bramble & Oak (home goods ecom, $45k/yr)"
        company = m.group("company")
        if company not in names and not _NOT_COMPANY.match(company):
            found.append((0, m.start(), company))
    for m in _NAMED_COMPANY.finditer(text):
        # "Marisol Hotels & Resorts", "City of Brookhaven": a name that says it is an organisation
        words = m.group("company").rstrip(".,'’").split()
        while words and _NOT_COMPANY.match(words[0]):
            words = words[1:]
        company = " ".join(words)
        if len(words) >= 2 and company not in names and not any(n in company for n in names):
            found.append((1, m.start(), company))
    for m in _LEGAL_FORM.finditer(text):  # "acme corp threatening to cancel", typed in haste
        words = m.group(0).split()
        found.append((1, m.start(), " ".join(w if w.isupper() else w.capitalize() for w in words)))
    # "Helios is my other account": named to say it is not this one
    other = {
        m.group("company")
        for m in re.finditer(
            rf"{_COMPANY}\s+(?i:is|was)\s+(?i:my|our|a|an)\s+(?i:other|different|another)\s+"
            rf"(?i:account|customer|client)",
            text,
        )
    }
    found = [f for f in found if f[2] not in other]
    # A company named in a note kept from the customer ("INTERNAL: eng pulled 2 devs onto the
    # Walmart deal, do NOT share") is not the account the rep is asking about.
    from coach.reading.rep import is_internal_note

    notes = [
        m.span() for m in re.finditer(r"[^.!?\n]+[.!?]*", text) if is_internal_note(m.group(0))
    ]
    found = [
        (rank + 8 if any(a <= start < b for a, b in notes) else rank, start, company)
        for rank, start, company in found
    ]
    ordered: list[str] = []
    for _, _, company in sorted(found):
        if company not in ordered:
            ordered.append(company)
    return ordered


def our_leader_title(text: str, people: list[Person]) -> str:
    """The title of a leader of ours the message names by title alone ("our CRO"), or ""."""
    if any(p.role == "leader" for p in people):
        return ""
    for m in _OUR_TITLE.finditer(text):
        title = _clean_title(m.group("title"))
        before = re.split(r"[.!?;\n]", text[: m.start()])[-1]
        subjects = re.findall(r"\b(?:i|we|he|she|they)\b", before, re.I)
        if subjects and subjects[-1].lower() in ("he", "she", "they"):
            continue  # "if we can't show a plan he's going to our CEO": the customer's threat
        if title and not _BARE_TITLE.fullmatch(title):  # "our head office" names no one
            return title
    return ""


def read_named(text: str) -> Named:
    people = read_people(text)
    return Named(
        people=people,
        their_title=pronoun_title(text),
        our_title=our_leader_title(text, people),
        # "Head of Automation" is someone's title, not a company
        companies=[
            c
            for c in read_companies(text, people)
            if not any(c in p.title for p in people)
            and not re.search(rf"\b(?:of|for)\s+{re.escape(c)}\b", pronoun_title(text))
        ],
        emails=EMAIL.findall(text),
        money=[m.group(0).strip() for m in MONEY.finditer(text)],
        dates=[m.group(0).strip() for m in DATE.finditer(text)],
    )
