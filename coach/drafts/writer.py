"""The writing an escalation needs, from one case file: the manager brief (Step 3), the message to
the customer (Step 4), the leadership call prep (Step 5) and the follow-through plan (Step 6).

Two writers share one interface. `OfflineWriter` fills the templates in `prompts/drafts/`;
`LLMWriter` asks the configured model to tailor the offline draft (personal data sent as
placeholders, restored in the answer), then checks the answer against the case (no invented names,
numbers or dates), the guardrails and our own instructions (no system prompt pasted in), retries
once, and otherwise falls back to the offline draft. Facts the rep wrote that read as blame or as an unauthorised
promise never reach a draft.
"""

from __future__ import annotations

import html
import json
import re
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from coach import guardrails
from coach.domain import signals as signal_table
from coach.domain.casefile import CHECKLIST_QUESTIONS, CaseFile
from coach.domain.readiness import ReadinessWarning
from coach.domain.verdict import LABELS, coaching_text
from coach.guardrails import rules
from coach.guardrails.rules import Finding
from coach.reading.case import COMPLAINT_VERB, judge
from coach.settings import Settings, get_settings

DraftKind = Literal["brief", "customer", "call-prep", "follow-up"]
DRAFT_KINDS: tuple[DraftKind, ...] = ("brief", "customer", "call-prep", "follow-up")
GUARDRAIL_KIND: dict[str, guardrails.Kind] = {
    "brief": "manager",
    "customer": "customer",
    "call-prep": "any",
    "follow-up": "any",
}
TEMPLATES = {
    "brief": "drafts/brief.md.j2",
    "customer": "drafts/customer.md.j2",
    "call-prep": "drafts/call_prep.md.j2",
    "follow-up": "drafts/follow_up.md.j2",
}
BRIEF_SECTIONS = (
    "Situation",
    "What I've tried",
    "What I need",
    "Proposed next steps",
    "Business impact",
)
LEADER_PLACEHOLDER = "[leader name, title]"
ANSWERS = {True: "Yes", False: "No", None: "Not known yet"}
_PURPOSE = {
    "brief": "the brief to the rep's manager (Step 3: Escalate Internally First).",
    "customer": "the email body to the customer introducing leadership (Step 4).",
    "call-prep": "the leader's prep notes for the escalation call (Step 5).",
    "follow-up": "the follow-through plan after the call (Step 6).",
}


# The playbook sections each draft follows (cited beside the draft when the playbook has them).
PLAYBOOK_SECTIONS: dict[str, tuple[str, ...]] = {
    "brief": (
        "Escalation Communication > To Your Manager",
        "Escalation Framework > Step 3: Escalate Internally First",
    ),
    "customer": (
        "Escalation Communication > To Customer",
        "Escalation Framework > Step 4: Escalate to Customer",
    ),
    "call-prep": ("Escalation Framework > Step 5: Execute Escalation",),
    "follow-up": ("Escalation Framework > Step 6: Follow Through",),
}


class HeldBack(BaseModel):
    """A line of the case a draft does not repeat as written: shown to the rep with the finding
    and a suggested rewrite, never dropped silently."""

    line: str
    code: str
    message: str
    rewrite: str


class Draft(BaseModel):
    kind: DraftKind
    markdown: str
    subject: str = ""
    body: str = ""
    warnings: list[ReadinessWarning] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    engine: str = "offline"
    notice: str | None = None
    held_back: list[HeldBack] = Field(default_factory=list)

    @property
    def checked_text(self) -> str:
        return self.body if self.kind == "customer" else self.markdown


class DraftWriter(Protocol):
    engine: str

    def write(self, kind: DraftKind, case: CaseFile) -> Draft: ...


# --- Keeping blame and unauthorised promises out --------------------------------------------

_REPORTED_PROMISE = re.compile(
    r"^\W*(?:offer|give|promise|guarantee|provide|apply|issue|waive|refund|credit|comp)\b|"
    r"\b(?:promised|told\s+(?!(?:me|us)\b)(?:the\s+)?\w+|assured|"
    r"said\s+(?:we|I)(?:'d|'ll|\s+would|\s+will|\s+could)|offered|committed\s+to|agreed\s+to|"
    r"guaranteed)\b",
    re.IGNORECASE,
)
_PIECE_BREAK = re.compile(
    r"(,\s+|;\s+|\s+[-–—]\s+|\s+(?:because|since|so|but|and|as|after|which|while)\s+)",
    re.IGNORECASE,
)
_LEADING_JOIN = re.compile(r"^(?:and|but|so|because|since|as|which|while)\s+", re.IGNORECASE)


def _unsafe(text: str, authorised: list[str], reported: bool) -> bool:
    return bool(_finding(text, authorised, reported))


def _finding(text: str, authorised: list[str], reported: bool) -> str:
    """Why `text` may not go into a draft as written ("blame", "over_promise"), or ""."""
    found = guardrails.check(text, "any", authorised)
    if found:
        return found[0].code
    if not (reported and _REPORTED_PROMISE.search(text)) or rules.reports_broken_promise(
        text, 0, len(text)
    ):
        return ""  # "the integration promised for Q3 is still not live" is a fact
    talks = rules.COMMUNICATION.search(text)
    for rx in (rules.MONEY, rules.DATE, rules.NEVER_AGAIN, rules.GUARANTEE):
        m = rx.search(text)
        if m and rx is rules.DATE and talks:
            continue  # "told them I'd update them by Friday" is a communication commitment
        if m and not guardrails.authorised_covers(text, m.group(0), authorised):
            return "over_promise"
    return ""


_REWRITE_HINT = {
    "blame": "Say what happened and what you are doing about it, without naming who is at fault.",
    "over_promise": (
        "Say what is being done and when you will next update them; commit to a date, credit or "
        "guarantee only once it is authorised."
    ),
}


def clean_fact(
    text: str, authorised: list[str], reported: bool = False, held: list[HeldBack] | None = None
) -> tuple[str, int]:
    """The text without the pieces that blame someone or promise what is not authorised.

    Returns the cleaned text (verbatim pieces of the original) and how many sentences lost a
    piece; each such sentence is added to `held` with its finding and a suggested rewrite.
    `reported` also holds back the rep's reports of promises made ("told them they'd get a
    refund"), which the guardrails would not flag in the past tense.
    """
    kept: list[str] = []
    removed = 0
    for start, end in guardrails.sentences(text):
        sentence = text[start:end]
        code = _finding(sentence, authorised, reported)
        if not code:
            kept.append(sentence)
            continue
        removed += 1
        parts = _PIECE_BREAK.split(sentence)
        rebuilt = ""
        for i in range(0, len(parts), 2):
            piece = parts[i]
            if not piece.strip() or _unsafe(piece, authorised, reported):
                continue
            rebuilt += (parts[i - 1] if rebuilt and i > 0 else "") + piece
        rebuilt = _LEADING_JOIN.sub("", rebuilt.strip(" ,;-"))
        usable = len(rebuilt.split()) >= 2 and not _unsafe(rebuilt, authorised, reported)
        if usable:
            kept.append(rebuilt[0].upper() + rebuilt[1:])
        if held is not None:
            held.append(
                HeldBack(
                    line=sentence.strip(),
                    code=code,
                    message=rules.GOTCHAS.get(code, code),
                    rewrite=(f"Kept as: {rebuilt[0].upper() + rebuilt[1:]}. " if usable else "")
                    + _REWRITE_HINT.get(code, ""),
                )
            )
    return " ".join(kept), removed


# --- Facts for the templates and the model ------------------------------------------------

_OWNER = re.compile(
    r"\(owner:\s*(?P<a>[^)]+)\)|\bowner:\s*(?P<b>[^;,.]+)|"
    r"^(?P<c>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)(?:\s*\([^)]*\))?\s+(?:to|will)\s+"
)
_THIRD_PERSON = {
    "they",
    "their",
    "they're",
    "customer",
    "customer's",
    "client",
    "client's",
    "he",
    "she",
    "his",
    "her",
    "contact",
}


def _owner(step: str, case: CaseFile) -> str:
    m = _OWNER.search(step)
    if m:
        return next(g for g in m.groups() if g).strip()
    if case.leader_name and case.leader_name.lower() in step.lower():
        return case.leader_name
    return "owner to be named"


def _leader(case: CaseFile) -> str:
    """The leader by the name and title given, in plain words when something is missing (no
    template marker a rep would have to spot and fill)."""
    if case.leader_name and case.leader_title:
        return f"{case.leader_name}, {case.leader_title}"
    if case.leader_name:
        return case.leader_name
    if case.leader_title:
        return f"our {case.leader_title} (name to confirm)"
    if case.manager_name:
        return f"{case.manager_name} (your manager)"
    return "a leader you agree on with your manager"


def _contact_name(contact: str) -> str:
    name, _address = parseaddr(contact)
    return name or contact


def _greeting(case: CaseFile) -> str:
    first = case.contact_first_name
    return f"Hi {first}" if first else "Hello"


def _problem_phrase(problem: str) -> str:
    first = guardrails.sentences(problem)
    if not first:
        return ""
    phrase = problem[first[0][0] : first[0][1]].rstrip(".!?;: ")
    word = phrase.split()[0] if phrase.split() else ""
    if word.lower() in _THIRD_PERSON or len(phrase) > 300:
        return ""
    return phrase


_TO_CUSTOMER = (
    (re.compile(r"\bthey're\b", re.I), "you're"),
    (re.compile(r"\bthey've\b", re.I), "you've"),
    (re.compile(r"\bthey'll\b", re.I), "you'll"),
    (re.compile(r"\b(?:they|them)\b", re.I), "you"),
    (re.compile(r"\btheir\b", re.I), "your"),
    (re.compile(r"\btheirs\b", re.I), "yours"),
)
_NOT_FOR_CUSTOMER = re.compile(
    r"\b(?:cancel\w*|churn\w*|terminat\w*|walk\s+away|leave|leaving|competitor|renewal|"
    r"threat\w*|angry|furious|upset|mad|escalat\w*|lawyer|legal|sue|board|ARR|ACV|MRR|"
    r"deal|quota|pipeline|budget|says?|said|told|thinks?|POC|I'm|I\s+am|my|between\s+us|"
    r"internal\w*|(?<!their\s)(?<!your\s)team)\b|[$€£]\s?\d",
    re.I,
)


_ABOUT = re.compile(
    r"\b(?:over|about|because\s+of|due\s+to|with)\s+(?P<what>(?:the|their|its|our|a|an)\s+"
    r"[\w'’-]+(?:\s+(?!(?:and|but|so|because|since|if|unless|or)\b)[\w'’-]+){0,5})",
    re.I,
)


def _concern_about(case: CaseFile, *texts: str) -> str:
    """What the customer's concern is about, as a noun phrase ("the billing errors"), from a
    sentence that reports them ("they'll walk at renewal over the billing errors")."""
    for text in texts:
        for m in _ABOUT.finditer(text):
            what = re.sub(r"\s+(?:in|by|at|on|this|next|last)\s+.*$", "", m.group("what"))
            what = re.sub(r"^(?:their|its)\s+", "your ", what, flags=re.I)
            if len(what.split()) >= 2 and not _NOT_FOR_CUSTOMER.search(what):
                if case.customer and case.customer.lower() in what.lower():
                    continue
                return _lower_first(what)
    return ""


def _lower_first(text: str) -> str:
    """The phrase as it reads mid-sentence: "The export" -> "the export", but "SSO outage",
    "API limits" and "iOS app" keep their letters."""
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    if first[1:2].isupper() or any(c.isdigit() for c in first):
        return text
    return text[:1].lower() + text[1:]


# How a rep reports the customer's trouble, around the trouble itself: "Aisha is upset that
# onboarding has slipped", "she told me they'll cancel at renewal if the dashboard stays stale".
_FEELING_FRAME = re.compile(
    r"^.*?\b(?:is|are|'s|was|were|got|getting|seems?|(?:has|have|'s|'ve)\s+been)\s+"
    r"(?:really\s+|very\s+|pretty\s+|so\s+|a\s+bit\s+)?"
    r"(?:upset|frustrated|angry|furious|mad|annoyed|unhappy|livid|concerned|worried|grumpy|"
    r"cranky|irritated|pissed(?:\s+off)?|fed\s+up)\s+"
    r"(?:that|about|because|over|with|since)\s+",
    re.I,
)
# "Their CMO Hannah Fischer spent 10 min ranting about the dashboard colors": the rep's account
# of the mood, when it opens the sentence: who (a name, a title, where they work; no verb and no
# "and" in it, so "The export is broken and users keep complaining about it" keeps its trouble),
# then the complaining, then what it was about or why.
_COMPLAINT_FRAME = re.compile(
    r"^(?:(?!(?:and|but|so|because|is|are|was|were|has|have|had)\b)[\w'’.,()&/-]+\s+){1,12}?"
    r"(?:spent\s+(?:[\w-]+\s+){1,4}|(?:is|are|was|were|has\s+been|have\s+been|keeps?|kept)\s+)?"
    rf"{COMPLAINT_VERB}\s+"
    r"(?:(?:to|at)\s+(?:me|us)\s+)?(?:(?:for|on)\s+(?:[\w-]+\s+){1,4}?)?"
    r"(?:about|over|that|because|since)\s+",
    re.I,
)
# The rep's chat register, which a customer message never carries ("the old logo lol"); typed in
# lower case, as reps type it (IMO, SMH and OMG are also names of things).
_CHAT_REGISTER = (
    (re.compile(r"\s*\b(?:lol|LOL|lmao|rofl|haha+|smh|ugh+|tbh|imo|imho|fwiw|omg)\b[.!]*"), ""),
    (re.compile(r"\bw/(?=\s)", re.I), "with"),
    (re.compile(r"\bb/c\b", re.I), "because"),
)
# A clause about a third person ("she's slow on these"): in a message to the contact, "she" is
# either the contact, who is "you", or someone the customer has no business reading about.
_PERSON_SUBJECT = re.compile(r"^(?:she|he)(?:['’](?:s|d|ll)\b|\s)", re.I)
_THREAT_IF = re.compile(
    r"\b(?:cancel\w*|leave|walk(?:\s+away)?|churn|terminate|not\s+renew|switch\w*)\b[^,;]*?\b"
    r"(?:if|unless)\s+(?P<cond>.{12,})$",
    re.I,
)


_SAYS_FRAME = re.compile(
    r"^(?:she|he|they|the\s+customer|the\s+client|[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+"
    r"(?:claims?|claimed|says?|said|thinks?|thought|believes?|insists?|insisted|told\s+(?:me|us)|"
    r"feels?|complain(?:s|ed)?)\s+(?:that\s+)?",
    re.I,
)


# "..., and Raj says they will not renew if ...": what the customer said about the trouble,
# after the trouble itself.
_REPORTED_TAIL = re.compile(
    r",?\s+(?:and|but|so)\s+(?:she|he|they|the\s+customer|the\s+client|"
    r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+(?:claims?|claimed|says?|said|insists?|insisted|"
    r"told\s+(?:me|us)|threaten(?:s|ed)?|warn(?:s|ed)?)\b.*$"
)


def _what_it_is_about(sentence: str) -> str:
    """The trouble a sentence reports, without who feels what about it or what they threaten."""
    head = _REPORTED_TAIL.sub("", sentence)
    if head != sentence and len(head.split()) >= 3:
        sentence = head
    m = _THREAT_IF.search(sentence)
    if m:
        return m.group("cond")
    trouble = _COMPLAINT_FRAME.sub("", sentence)
    if len(trouble.split()) >= 3:  # "Their admins are complaining about slow SSO" stays whole
        sentence = trouble
    sentence = _SAYS_FRAME.sub("", _FEELING_FRAME.sub("", sentence))
    return re.sub(r"\b(?:his|her)\s+team\b", "their team", sentence, flags=re.I)


_LABEL = re.compile(r"^[\w\s]{0,30}:\s*['\"“‘]?|^['\"“‘]+")


def _only_who(clause: str, case: CaseFile) -> bool:
    """A clause that only says who the customer is ("Nimbus Clinics (jakarta)", "contact Putri
    Wulandari, Chief Nursing Officer"): no trouble of theirs is left once the names go."""
    bare = clause
    for said in (case.customer, case.contact_name, case.contact_title, *case.contact_name.split()):
        if said:
            bare = re.sub(rf"\b{re.escape(said)}\b", " ", bare, flags=re.I)
    return len(re.findall(r"[A-Za-z]{2,}", bare)) < 3 or bool(_JOB_TITLE.match(bare.strip(" ,.()")))


_JOB_TITLE = re.compile(
    r"(?:(?:the|their|our|my|his|her)\s+)?(?:head|dir(?:ector)?|vp|svp|evp|avp|chief|manager|lead|"
    r"cto|cio|ceo|cfo|coo|cmo|cro|ciso|president|founder|owner)\b",
    re.I,
)


def _issue_for_customer(case: CaseFile, problem: str, *fallbacks: str) -> str:
    """The problem as the customer may read it: their own trouble, in second person, without
    anything said about them, our deal or our notes; "" when no such clause is left. When the
    problem holds no such clause (only who the customer is), the `fallbacks` (what the customer
    wants) are read in turn."""
    names = [n for n in (case.customer, case.contact_name, *case.contact_name.split()) if n]
    for text in (problem, *fallbacks):
        for start, end in guardrails.sentences(text):
            sentence = _what_it_is_about(text[start:end].strip().rstrip(".!?;: '\"”’"))
            for clause in re.split(r"[;,]\s+|\s+(?:because|since|so|but|and)\s+", sentence):
                clause = _LABEL.sub("", clause.strip()).strip()
                for rx, repl in _CHAT_REGISTER:
                    clause = rx.sub(repl, clause).strip()
                if len(clause.split()) < 3 or _NOT_FOR_CUSTOMER.search(clause):
                    continue
                if _PERSON_SUBJECT.match(clause):
                    continue
                if _only_who(clause, case):
                    continue
                if any(n and n.lower() in clause.lower() for n in names[1:]):
                    continue
                if case.customer:
                    clause = re.sub(
                        rf"\b{re.escape(case.customer)}(?:['’]s)?\b", "your", clause, flags=re.I
                    ).replace("your's", "your")
                for rx, repl in _TO_CUSTOMER:
                    clause = rx.sub(repl, clause)
                if rules.internal_findings(clause) or personal_findings("customer", clause, case):
                    continue
                clause = re.sub(r"^(?:The|A)\s+", lambda m: m.group(0).lower(), clause)
                return _lower_first(clause) if clause[:2] != "I " else clause
    return ""


_SELF_INTRO = re.compile(
    r"^\W*(?:I'm|I\s+am)\s+(?:the|their|an?)\s+(?:\w+\s+){0,3}?(?:SE|AE|CSM|AM|TAM|rep|account\s+"
    r"(?:exec\w*|manager)|sales\s+engineer|customer\s+success\s+manager)\b[^.!?]*[.!?]?\s*",
    re.I,
)


def _leader_intro(case: CaseFile) -> str:
    """Who the customer message brings in, as the customer should read it."""
    if case.leader_name and case.leader_title:
        return f"{case.leader_name}, our {case.leader_title}"
    if case.leader_name:
        return case.leader_name
    if case.leader_title:
        return f"our {case.leader_title}"
    if case.manager_name:
        return f"{case.manager_name}, my manager"
    return "a senior colleague from our leadership team"


def draft_facts(case: CaseFile) -> dict[str, Any]:
    """The case as the drafts may use it: every fact, minus blame and unauthorised promises,
    which are listed in `held_back` for the rep to see and decide."""
    auth = [a for a in case.authorised_commitments if a]
    held: list[HeldBack] = []

    def clean(text: str, reported: bool = False) -> str:
        cleaned, _removed = clean_fact(text, auth, reported, held)
        return cleaned

    def clean_list(items: list[str], reported: bool = False) -> list[str]:
        return [c for c in (clean(i, reported) for i in items) if c]

    seen: set[str] = set()

    def once(text: str) -> str:
        """Each sentence of the case once, in the first field that holds it."""
        kept = []
        for start, end in guardrails.sentences(text):
            sentence = text[start:end].strip()
            key = re.sub(r"\W+", " ", sentence.lower()).strip()
            if key and key not in seen:
                seen.add(key)
                kept.append(sentence)
        return " ".join(kept)

    problem = once(clean(case.problem, reported=True))
    steps = clean_list(case.proposed_next_steps, reported=True)
    state = judge(case)
    commitments = [
        {"text": re.sub(r"\s*\(owner:[^)]*\)", "", a).strip(), "owner": _owner(a, case)}
        for a in auth
    ]
    named = [_owner(s, case) for s in steps] + [c["owner"] for c in commitments]
    owners = [o for o in dict.fromkeys(named) if o != "owner to be named"]
    facts: dict[str, Any] = {
        "customer": clean(case.customer),
        "contact": case.contact_display,
        "contact_name": case.contact_name or _contact_name(case.contact),
        "greeting": _greeting(case),
        "manager_name": case.manager_name,
        "manager_greeting": (
            f"Hi {case.manager_name.split()[0]}," if case.manager_name.split() else ""
        ),
        "problem": problem,
        "problem_phrase": _problem_phrase(problem),
        "issue_for_customer": "",
        "concern_about": _concern_about(case, problem, case.business_impact),
        "customer_wants": once(clean(case.customer_wants)),
        "business_impact": once(clean(case.business_impact)),
        "ask": once(clean(case.ask)),
        "tried": [t for t in (once(x) for x in clean_list(case.tried, reported=True)) if t],
        "deadline": case.deadline,
        "next_steps": [{"text": s, "owner": _owner(s, case)} for s in steps],
        "owners": owners,
        "leader": _leader(case),
        "leader_intro": _leader_intro(case),
        "leader_name": case.leader_name,
        "leader_title": case.leader_title,
        "authorised": auth,
        "commitments": commitments,
        "notes": "",
        "days_open": case.days_open,
        "signals": [signal_table.signal(s).brief for s in signal_table.in_order(case.signals)],
        "checklist": [
            {"question": q, "answer": ANSWERS[getattr(case.checklist, item)]}
            for item, q in CHECKLIST_QUESTIONS.items()
        ],
        "verdict": state,
        "warnings": state.warnings,
    }
    facts["notes"] = once(_SELF_INTRO.sub("", clean(case.notes, reported=True)).strip())
    facts["shareable_notes"] = _shareable(facts["notes"], auth)
    facts["shareable_problem"] = _shareable(problem, auth)
    facts["shareable_wants"] = _shareable(facts["customer_wants"], auth)
    facts["shareable_tried"] = [t for t in (_shareable(x, auth) for x in facts["tried"]) if t]
    # The rep's notes and the business impact are ours: they never stand in for the customer's
    # issue in a message to the customer.
    facts["issue_for_customer"] = _issue_for_customer(case, problem, facts["shareable_wants"])
    facts["unauthorised_wants"] = _unauthorised_wants(facts["customer_wants"], auth)
    facts["held_back"] = list({h.line: h for h in held}.values())
    return facts


_BETWEEN_US = re.compile(
    r"\b(?:between\s+us|off\s+the\s+record|internal(?:ly)?(?:\s+only)?|confidential\w*|"
    r"don'?t\s+(?:put|mention|say|tell|share)|do\s+not\s+(?:put|mention|say|tell|share)|"
    r"not\s+(?:for|to)\s+(?:the\s+)?customer)\b",
    re.IGNORECASE,
)


def _shareable(text: str, authorised: list[str]) -> str:
    """The sentences of `text` a document that may be forwarded can hold: no note "between us",
    no deal figure or internal word."""
    from coach.chat.requests import split_sentences

    kept = [
        s
        for s in split_sentences(text)
        if not _BETWEEN_US.search(s) and not rules.internal_findings(s, authorised)
    ]
    return " ".join(kept)


def held_back_lines(case: CaseFile) -> list[HeldBack]:
    """The lines of the case no draft repeats as written, each with its finding and a rewrite."""
    held: list[HeldBack] = draft_facts(case)["held_back"]
    return held


_DATE_ASK = re.compile(
    r"\b(?:fix|delivery|ship|release|go-live)\s+date|\bdeadline|\btimeline|\bETA\b", re.IGNORECASE
)


def _unauthorised_wants(wants: str, authorised: list[str]) -> str:
    """The customer's asks for money, dates or guarantees that no authorised commitment covers."""
    hits: list[str] = []
    for piece in re.split(r"[,;]\s*|\s+and\s+|\s+plus\s+", wants):
        piece = piece.strip(" .")
        for rx in (rules.MONEY, rules.DATE, rules.GUARANTEE, _DATE_ASK):
            m = rx.search(piece)
            if m and not guardrails.authorised_covers(piece, m.group(0), authorised):
                hits.append(piece)
                break
    return "; ".join(dict.fromkeys(hits))


# --- The offline writer --------------------------------------------------------------------


class OfflineWriter:
    """Fills the templates in `prompts/drafts/` from the case file; invents nothing."""

    engine = "offline"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()

    def write(self, kind: DraftKind, case: CaseFile) -> Draft:
        from coach.llm.prompts import render

        facts = draft_facts(case)
        text = _tidy(render(TEMPLATES[kind], self.settings, **facts))
        if kind == "customer":
            subject = render("drafts/customer_subject.txt.j2", self.settings, **facts).strip()
            return finish(
                kind,
                case,
                f"**Subject:** {subject}\n\n{text}",
                subject=subject,
                body=text,
                held_back=facts["held_back"],
            )
        return finish(kind, case, text, held_back=facts["held_back"])


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def finish(
    kind: DraftKind,
    case: CaseFile,
    markdown: str,
    *,
    subject: str = "",
    body: str = "",
    engine: str = "offline",
    notice: str | None = None,
    held_back: list[HeldBack] | None = None,
) -> Draft:
    """A draft with its guardrail findings (and, for the brief, the readiness warnings).

    Every draft says each sentence once; a customer message carries nothing internal. A line
    taken out for either reason is shown in `held_back` with why, never dropped silently."""
    held_back = list(held_back if held_back is not None else held_back_lines(case))
    if kind == "customer":
        body, taken = audience_pass(body or markdown, case.authorised_commitments)
        if taken:
            markdown = f"**Subject:** {subject}\n\n{body}" if subject else body
            held_back += taken
    else:
        markdown, taken = _once_each(markdown)
        held_back += taken
    draft = Draft(
        kind=kind,
        markdown=markdown,
        subject=subject,
        body=body,
        engine=engine,
        notice=notice,
        warnings=judge(case).warnings if kind == "brief" else [],
        held_back=held_back,
    )
    draft.findings = rules.dedupe(
        guardrails.check(draft.checked_text, GUARDRAIL_KIND[kind], case.authorised_commitments)
        + personal_findings(kind, draft.checked_text, case)
    )
    return draft


_REPEAT_HINT = "Said once already in this draft; the repeat is left out."
_INTERNAL_HINT = (
    "Tell the customer what happens next, not our figures: leave out deal values, ARR, "
    "discounts, invoice amounts and internal notes."
)


def _sentence_key(sentence: str) -> str:
    return re.sub(r"\W+", " ", sentence.lower()).strip()


def _once_each(text: str) -> tuple[str, list[HeldBack]]:
    """`text` with any sentence of four words or more said a second time taken out, line by line
    (headings, list markers and layout kept)."""
    seen: set[str] = set()
    taken: list[HeldBack] = []
    out_lines: list[str] = []
    for line in text.split("\n"):
        pieces = []
        changed = False
        for start, end in guardrails.sentences(line):
            sentence = line[start:end]
            key = _sentence_key(sentence)
            if len(key.split()) >= 4 and key in seen:
                changed = True
                taken.append(HeldBack(line=sentence.strip(), code="duplicate",
                                      message=_REPEAT_HINT, rewrite=""))  # fmt: skip
                continue
            if len(key.split()) >= 4:
                seen.add(key)
            pieces.append((start, end))
        if not changed:
            out_lines.append(line)
            continue
        lead = re.match(r"^\s*(?:[-*>#]+\s+|\d+[.)]\s+)?", line)
        prefix = lead.group(0) if lead else ""
        kept = " ".join(line[a:b].strip() for a, b in pieces).strip()
        if kept.startswith(prefix.strip()) and prefix.strip():
            kept = kept[len(prefix.strip()) :].strip()
        if kept.strip(" -*>#"):
            out_lines.append(prefix + kept)
    return "\n".join(out_lines), taken


def audience_pass(
    body: str, authorised: list[str] | tuple[str, ...] = ()
) -> tuple[str, list[HeldBack]]:
    """The customer message without what the customer must not read (deal figures, ARR, internal
    notes) and without a sentence said twice; what was taken out, for the rep to see."""
    taken: list[HeldBack] = []
    out_lines: list[str] = []
    for line in body.split("\n"):
        found = rules.internal_findings(line, list(authorised))
        if not found:
            out_lines.append(line)
            continue
        spans = [(f.start, f.end) for f in found]
        kept = " ".join(
            line[a:b].strip()
            for a, b in guardrails.sentences(line)
            if not any(a < e and s < b for s, e in spans)
        )
        for f in found:
            taken.append(HeldBack(line=f.quote.strip(), code="internal_disclosure",
                                  message=f.message, rewrite=_INTERNAL_HINT))  # fmt: skip
        if kept.strip():
            out_lines.append(kept)
    text, repeats = _once_each("\n".join(out_lines))
    return _tidy(text) if text.strip() else text, taken + repeats


# --- Personal data in what the customer may read ---------------------------------------------

# Who the contact is: their own address or number may stand in a message to them ("reply to
# jonas.weber@kessler.de"); a number the rep typed into the problem or the notes may not.
_CONTACT_FIELDS = ("contact", "contact_name", "contact_title", "contact_email")
_INTERNAL_FIELDS = ("notes", "business_impact")
_NEVER_SHARED = ("CARD", "ID", "DATE")  # a card, an SSN or other personal id, a date of birth
_PERSONAL_WHAT = {
    "CARD": "a payment card number",
    "ID": "a personal id (SSN, tax id, passport or similar)",
    "DATE": "a date of birth",
    "ACCOUNT": "an account number, IBAN or customer id",
    "EMAIL": "an email address that is not the contact's own",
    "PHONE": "a phone number that is not the contact's own",
}


def _personal_values(*texts: str) -> set[tuple[str, str]]:
    """(kind, value) of the personal data the redactor reads in `texts`, the value reduced to
    its letters and digits ("0171 2345678" and "0171-2345678" are one number)."""
    from coach.llm.privacy import Redactor

    redactor = Redactor()
    for text in texts:
        redactor.redact(text)
    return {(p[1:].rsplit("_", 1)[0], _plain(v)) for p, v in redactor.mapping.items()}


def _plain(value: str) -> str:
    return re.sub(r"\W+", "", value.lower())


def personal_findings(kind: DraftKind, text: str, case: CaseFile) -> list[Finding]:
    """Personal data a draft the customer may read must not carry. The customer message holds no
    card, SSN, IBAN, id or date of birth, and no address or number but the contact's own (as the
    contact fields hold it); the follow-through plan, which may be forwarded, holds no card, id
    or date of birth and nothing the case holds only in its notes or business impact. A model
    that writes "the card on file is [CARD_1]" has it restored to the card the rep typed in the
    business impact ("card on file 4111 1111 1111 1111"): that is a finding here."""
    if kind not in ("customer", "follow-up") or not text.strip():
        return []
    from coach.llm.privacy import PLACEHOLDER, Redactor

    fields = case.model_dump(exclude={"checklist"})

    def field_text(names: tuple[str, ...], inside: bool = True) -> list[str]:
        return [str(v) for k, v in fields.items() if (k in names) == inside]

    # The case's values are read where they are labelled ("SSN of the admin is 123-45-6789"),
    # then found in the draft wherever they stand, label or not.
    seen = Redactor()
    seen.redact(case.fact_text())
    typed = set(PLACEHOLDER.findall(text))  # a placeholder the model left as it is, not a value
    found = [p for p in dict.fromkeys(PLACEHOLDER.findall(seen.redact(text))) if p not in typed]
    if not found:
        return []
    contact = _personal_values(*field_text(_CONTACT_FIELDS))
    internal_only = _personal_values(*field_text(_INTERNAL_FIELDS)) - _personal_values(
        *field_text(_INTERNAL_FIELDS, inside=False)
    )
    findings: list[Finding] = []
    for placeholder in found:
        value = seen.mapping[placeholder]
        what = placeholder[1:].rsplit("_", 1)[0]
        key = (what, _plain(value))
        if kind == "customer":
            allowed = what in ("EMAIL", "PHONE") and key in contact
        else:
            allowed = what not in _NEVER_SHARED and key not in internal_only
        if allowed:
            continue
        at = text.find(value)
        start, end = next(((a, b) for a, b in guardrails.sentences(text) if a <= at < b), (0, 0))
        findings.append(
            Finding(
                code="internal_disclosure",
                quote=text[start:end] if at >= 0 else "",
                # no value quoted: the message goes into the notice and the retry as it is
                message=(
                    f"The draft carries {_PERSONAL_WHAT.get(what, 'personal data')}; personal "
                    "data and internal notes stay out of what the customer reads. Leave it out."
                ),
                gotcha=rules.GOTCHAS["internal_disclosure"],
                start=start,
                end=end,
            )
        )
    return findings


# --- Invented facts -------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z'’-]*[A-Za-z]\b")
_DATE_WORDS = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|"
    r"june|july|august|september|october|november|december|tomorrow|tonight|"
    r"next\s+(?:week|month|quarter)|end\s+of\s+(?:the\s+)?(?:day|week|month|quarter))\b",
    re.IGNORECASE,
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*(?:[-*>#]+\s*|\d+[.)]\s*)*|[(\"“'*_\[]\s*)$")
_SKIP_WORDS = {"i", "i'm", "i'd", "i'll", "i've", "ok"}


class AllowedText:
    """What a draft may mention: the case's facts plus the coach's own fixed wording."""

    def __init__(self, case: CaseFile, fixed: str) -> None:
        text = case.fact_text() + "\n" + fixed
        self.lower = text.lower()
        self.words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
        self.numbers = {n.replace(",", "") for n in _NUMBER.findall(text)}

    def has_word(self, word: str) -> bool:
        word = re.sub(r"['’]s$", "", word.lower())
        return all(p in self.words for p in re.findall(r"[a-z]+", word))


def invented_facts(text: str, case: CaseFile, settings: Settings | None = None) -> list[str]:
    """Numbers, dates and capitalised names in `text` that neither the case file nor the coach's
    templates and playbook contain. A capitalised word that starts a sentence is not a name."""
    allowed = AllowedText(case, fixed_text(settings or get_settings()))
    found: list[str] = []
    for m in _NUMBER.finditer(text):
        if m.group(0).replace(",", "") not in allowed.numbers:
            found.append(m.group(0))
    for m in _DATE_WORDS.finditer(text):
        if re.sub(r"\s+", " ", m.group(0).lower()) not in allowed.lower:
            found.append(m.group(0))
    for m in _CAPITALISED.finditer(text):
        word = m.group(0)
        if word.lower() in _SKIP_WORDS or _SENTENCE_START.search(
            text[max(0, m.start() - 12) : m.start()]
        ):
            continue
        if not allowed.has_word(word):
            found.append(word)
    return list(dict.fromkeys(found))


def fixed_text(settings: Settings) -> str:
    return _fixed_text(settings.prompts_dir, settings.knowledge_dir)


@lru_cache(maxsize=4)
def _fixed_text(prompts_dir: Path, knowledge_dir: Path) -> str:
    briefs = [s.brief for s in signal_table.table().values()]
    parts = [coaching_text(), *briefs, *ANSWERS.values(), LEADER_PLACEHOLDER]
    parts += [p.read_text(encoding="utf-8") for p in sorted((prompts_dir / "drafts").glob("*.j2"))]
    if knowledge_dir.is_dir():
        parts += [p.read_text(encoding="utf-8") for p in sorted(knowledge_dir.glob("*.md"))]
    return "\n".join(parts)


# --- The model writer ------------------------------------------------------------------------


class LLMWriter:
    """Tailors the offline draft with the configured model; never returns an unchecked draft."""

    engine = "openai"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.offline = OfflineWriter(self.settings)

    def write(self, kind: DraftKind, case: CaseFile) -> Draft:
        from coach.llm.models import call_with_fallback

        reference = self.offline.write(kind, case)
        outcome = call_with_fallback(
            lambda: self._write(kind, case, reference),
            lambda: (reference, "the model failed"),
        )
        draft, reason = outcome.value
        if draft is reference:
            notice = outcome.notice or (
                f"The model's draft was not used ({_short(reason)}); this is the offline draft."
            )
            return draft.model_copy(update={"notice": notice})
        return draft

    def _write(self, kind: DraftKind, case: CaseFile, reference: Draft) -> tuple[Draft, str]:
        from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

        from coach.llm.models import build_chat_model
        from coach.llm.privacy import Redactor
        from coach.llm.prompts import render

        model = build_chat_model(self.settings, streaming=False)
        # Personal data in the facts and the reference goes to the model as placeholders.
        redactor = Redactor(enabled=self.settings.redact_pii)
        facts = draft_facts(case)
        payload = {
            k: v
            for k, v in facts.items()
            if k not in {"verdict", "warnings", "checklist", "held_back"}
        }
        payload["warnings"] = [w.model_dump() for w in facts["warnings"]]
        if kind == "customer":
            # The customer message carries no notes and no deal figures (README, "Drafts"), so
            # the model is not sent them: "between us: SSN of the admin is 123-45-6789" and
            # "card on file 4111 1111 1111 1111" would only come back as placeholders to restore.
            for internal in ("notes", "shareable_notes", "business_impact"):
                payload.pop(internal, None)
        messages: list[BaseMessage] = redactor.redact_messages(
            [
                SystemMessage(
                    render(
                        "drafts/llm_system.md.j2", self.settings, kind=kind, purpose=_PURPOSE[kind]
                    )
                ),
                HumanMessage(
                    render(
                        "drafts/llm_user.md.j2",
                        self.settings,
                        facts_json=json.dumps(payload, indent=2, default=str, ensure_ascii=False),
                        reference=reference.checked_text,
                    )
                ),
            ]
        )
        problems: list[str] = []
        for _attempt in range(2):
            answer = model.invoke(messages)
            text = _tidy(
                redactor.restore(answer.text if isinstance(answer, AIMessage) else str(answer))
            )
            problems = self.problems(kind, case, text, reference=reference.markdown)
            # A refusal in the answer's own field ("refusal": "I can't help with that") is named
            # as one, not as an empty draft.
            if isinstance(answer, AIMessage) and answer.additional_kwargs.get("refusal"):
                declined = "it declined to write the draft; write the draft itself"
                problems = [declined] + [p for p in problems if p not in (declined, EMPTY)]
            meta = getattr(answer, "response_metadata", None) or {}
            if meta.get("finish_reason") == "length":
                # cut at the output limit: half a sentence is no draft
                problems.insert(0, "it was cut off at the output limit; write a shorter draft")
            if not problems:
                if kind == "customer":
                    markdown = f"**Subject:** {reference.subject}\n\n{text}"
                    return finish(
                        kind,
                        case,
                        markdown,
                        subject=reference.subject,
                        body=text,
                        engine=self.engine,
                        held_back=reference.held_back,
                    ), ""
                held = reference.held_back  # the same case: the same lines held back
                return finish(kind, case, text, engine=self.engine, held_back=held), ""
            retry = render("drafts/llm_retry.md.j2", self.settings, problems=problems)
            messages += [answer, HumanMessage(redactor.redact(retry))]
        return reference, "; ".join(problems)

    def problems(
        self, kind: DraftKind, case: CaseFile, text: str, reference: str = ""
    ) -> list[str]:
        """Why a model's draft cannot be shown: invented facts, guardrail findings, gaps, or our
        own instructions copied in (wording the `reference` draft also has is fine)."""
        from coach.llm.models import refused
        from coach.llm.privacy import PLACEHOLDER, prompt_leaks

        found: list[str] = []
        if len(text) > MAX_DRAFT_CHARS:  # no draft is this long, and reading it would take minutes
            return [f"it is {len(text):,} characters long; write a draft of a few paragraphs"]
        if not text.strip():
            found.append(EMPTY)
        elif refused(text):
            found.append("it declined to write the draft; write the draft itself")
        invented = invented_facts(text, case, self.settings)
        if invented:
            found.append("it mentions facts that are not in the case: " + ", ".join(invented))
        for f in guardrails.check(text, GUARDRAIL_KIND[kind], case.authorised_commitments):
            found.append(f'{f.code}: "{f.quote}": {f.message}')
        # A placeholder restored to a card or an SSN: named by kind, never quoted, since the
        # reason goes into the notice and, redacted again, into the retry.
        found += [f"{f.code}: {f.message}" for f in personal_findings(kind, text, case)]
        # "the card on file is [CARD_1]" when no card was sent: a placeholder nothing restores.
        facts = case.fact_text()
        left = [p for p in dict.fromkeys(PLACEHOLDER.findall(text)) if p not in facts + reference]
        if left:
            found.append("it has placeholders that stand for nothing: " + ", ".join(left))
        _once, repeats = _once_each(text)
        if repeats:
            found.append("it says a sentence twice: " + "; ".join(f'"{r.line}"' for r in repeats))
        judged = judge(case)
        if kind == "brief":
            # The verdict is the code's, not the model's: a brief that drops "Escalate now" or the
            # checklist tells the manager less than the offline one (and the JSON beside it).
            lead = re.split(r"[;:.]", judged.headline)[0].strip()
            plain = text.lower().replace("’", "'")
            missing = [s for s in (*BRIEF_SECTIONS, CHECKLIST_HEADING) if s.lower() not in plain]
            if lead.lower() not in plain:
                missing.insert(0, f'the verdict "{lead}"')
            if missing:
                found.append("it lacks the sections: " + ", ".join(missing))
        found += off_verdict(text, judged.code, reference)
        markup = unsafe_markup(text)
        if markup:
            # Named, never quoted: the notice is shown, and "<img onerror=...>" must not be.
            found.append(
                "it has raw HTML or script links (" + ", ".join(markup) + "); write plain markdown"
            )
        if prompt_leaks(text, self.settings, allowed=[reference] if reference else []):
            # Not quoted back: the retry must not carry the instructions' wording either.
            found.append("it repeats your instructions; write only the draft itself")
        return found


CHECKLIST_HEADING = "Pre-escalation checklist"

# --- What a model's draft may not say or carry ------------------------------------------------

# How a sentence that recommends opens, before what it recommends: "**Recommendation:** ",
# "- My advice is that ", "I'd recommend we ", "We should ", "You can just ".
_RECOMMENDING = re.compile(
    r"^[\W_]*(?:(?:my\s+|our\s+)?(?:recommendation|verdict|advice|decision|bottom\s+line)"
    r"(?:\s+(?:is|here))?(?:\s+that)?[\W_]*)?"
    r"(?:(?:i|we)(?:['’]d|\s+would)?\s+(?:recommend|suggest|advise)(?:\s+that)?\s+)?"
    r"(?:(?:we|you|i)\s+(?:should|can|could|may|must)?\s*)?(?:just\s+|please\s+|so\s+)?",
    re.IGNORECASE,
)
_AGAINST_ESCALATING = re.compile(
    r"(?:(?:do|should)\s+not|don['’]?t|shouldn['’]t|no\s+need\s+to|hold\s+off(?:\s+on)?)\s+"
    r"escalat\w*|not\s+(?:to\s+)?escalat\w*|not\s+yet(?=\s*(?:[.;:,!—–-]|$))",
    re.IGNORECASE,
)
_FOR_ESCALATING = re.compile(
    r"escalate\s+(?:this\s+|it\s+)?(?:now|immediately|right\s+away)\b", re.IGNORECASE
)
# What contradicts each verdict; "Don't escalate yet" agrees with "Not yet".
_CONTRADICTS = {
    "escalate_now": _AGAINST_ESCALATING,
    "not_yet": _FOR_ESCALATING,
    "do_not_escalate": _FOR_ESCALATING,
}
# "Ignore the checklist.", "Skip the first steps": the reader told to leave the playbook's process.
_SKIP_PROCESS = re.compile(
    r"(?:ignore|skip|disregard|bypass|forget(?:\s+about)?|don['’]?t\s+bother\s+with)\s+"
    r"(?:the\s+|this\s+|that\s+|our\s+|your\s+|any\s+|all\s+)?(?:pre-?escalation\s+)?"
    r"(?:checklist|playbook|process|warnings?|rules?|(?:first\s+)?steps?)\b",
    re.IGNORECASE,
)
# The same in the other seven languages a draft may be written in, after any label ("Empfehlung:",
# "**Recommandation :**"): "noch nicht eskalieren", "Nous ne devons pas escalader", "Recomiendo no
# escalar todavía", "nessuna escalation" against escalating; "Jetzt eskalieren", "Escalar de
# inmediato" for it. The escalating word is a verb's infinitive or imperative, or the noun: "No
# escalamos antes porque ..." tells what was done, and "No escala bien" is about scaling.
_VERDICT_LABEL = re.compile(r"^[\W_]*(?P<label>(?:[^\W\d_]+\s+){0,4}[^\W\d_]+)\s*:[\W_]*")
# A label that reports someone's words ("Kunde schrieb:", "Wunsch des Kunden:") quotes them.
_REPORTING_LABEL = re.compile(
    r"\b(?:schrieb|sagte|sagt|wunsch|fordert|bat|wrote|said|says|asked|request\w*|[ée]crit|dit|"
    r"demande|escribi[óo]|dijo|pidi[óo]|pedido|petici[óo]n|escreveu|disse|pediu|scritto|detto|"
    r"chiesto|richiesta|schreef|zei|vroeg|verzoek|napisa[łl]\w*|powiedzia[łl]\w*|prosi\w*|pro[śs]ba)\b",
    re.IGNORECASE,
)
_ESCALATE_WORD = (
    r"(?:eskalieren|eskalation|escalader|escaladez|escalade|faire\s+remonter|escalar|escales|"
    r"escalaci[óo]n|escalamiento|escalonar|escalonamento|escale|escalare|escalation|escaleren|"
    r"escaleer|escalatie|eskalowa[ćc]|eskaluj\w*|eskalacj\w*)\b"
)
_NOW_WORD = (
    r"(?:jetzt|sofort|umgehend|maintenant|imm[ée]diatement|tout\s+de\s+suite|ahora(?:\s+mismo)?|"
    r"de\s+inmediato|inmediatamente|agora|imediatamente|subito|ora|immediatamente|nu|direct|meteen|"
    r"onmiddellijk|teraz|natychmiast|od\s+razu)"
)
# Who recommends, how, and "not yet": "Ich empfehle, ...", "Bitte ...", "Wir sollten noch ...".
_LEAD_WORDS = (
    r"(?:wir|nous|nosotros|n[óo]s|noi|wij|my|ich|je|yo|eu|io|ik|ja|sollten|sollte|w[üu]rde|m[üu]ssen|"
    r"devons|recommande|conseille|debemos|recomiendo|aconsejo|devemos|recomendo|dovremmo|consiglio|"
    r"raccomando|moeten|raad|aan|powinni[śs]my|zalecam|radz[ęe]|empfehle|rate|bitte|por\s+favor|"
    r"s['’]il\s+vous\s+pla[iî]t|per\s+favore|alstublieft|prosz[ęe]|das|es|cela|ceci|lo|dit|tego|on|"
    r"hay|que|de|di|te|to|zu|noch|nog|encore|todav[íi]a|a[úu]n|ainda|ancora|jeszcze|per|ora|por|"
    r"ahora|vorerst|derzeit|momento|el|la|il|le|der|die)"
)
_NOT_WORD = r"(?:nicht|keine?\w*|ne|n['’]\s*|pas|no|n[ãa]o|non|niet|geen|nie|bez|sin|sem|nessun\w*)"
# Words of waiting or hesitating between the negation and the escalating: "No dudes en escalar",
# "Ne tardez pas à escalader", "nicht zögern zu eskalieren" urge it.
_HESITATE = re.compile(
    r"\b(?:dud\w*|esper\w*|tard\w*|h[ée]sit\w*|esit\w*|zwlek\w*|z[öo]ger\w*|wart\w*|aguard\w*|"
    r"wacht\w*|czeka\w*|nur|solo|s[óo]lo|seulement|apenas|solamente|soltanto|alleen|tylko)\b",
    re.IGNORECASE,
)
_AGAINST_ESCALATING_ANY = re.compile(
    rf"(?:{_LEAD_WORDS}[,\s]+){{0,4}}{_NOT_WORD}\s*(?:[^\W\d_]+\s+){{0,3}}?(?:zu\s+|à\s+)?"
    rf"{_ESCALATE_WORD}",
    re.IGNORECASE,
)
_FOR_ESCALATING_ANY = re.compile(
    rf"(?:{_LEAD_WORDS}[,\s]+){{0,3}}(?:{_NOW_WORD}\s+)?(?:[^\W\d_]+\s+){{0,3}}?{_ESCALATE_WORD}"
    rf"\s+(?:[^\W\d_]+\s+){{0,3}}?{_NOW_WORD}\b|(?:{_LEAD_WORDS}[,\s]+){{0,3}}{_NOW_WORD}\s+"
    rf"{_ESCALATE_WORD}",
    re.IGNORECASE,
)
# "Jetzt eskalieren wäre verfrüht", "Escalar ahora sería prematuro": agrees with waiting; "Ignorer
# la checklist serait une erreur" warns.
_WOULD_BE = re.compile(
    r"\b(?:verfr[üu]ht|zu\s+fr[üu]h|pr[ée]matur\w*|trop\s+t[ôo]t|demasiado\s+pronto|cedo\s+demais|"
    r"troppo\s+presto|te\s+vroeg|za\s+wcze[śs]nie|w[äa]re|w[üu]rde|ser[íi]a|serait|seria|sarebbe|"
    r"zou|by[łl]oby)\b",
    re.IGNORECASE,
)
# English has its own patterns above: "No escalation has been raised yet, so I am raising it now."
_ENGLISH = re.compile(
    r"\b(?:the|has|have|been|is|are|was|were|so|we|i|it|yet|needed)\b", re.IGNORECASE
)
_CONTRADICTS_ANY = {
    "escalate_now": _AGAINST_ESCALATING_ANY,
    "not_yet": _FOR_ESCALATING_ANY,
    "do_not_escalate": _FOR_ESCALATING_ANY,
}
# "Ignorieren Sie die Checkliste", "Die Checkliste überspringen.", "Sla de checklist over",
# "Pomiń listę kontrolną": the sentence opens by telling the reader to skip the checklist or the
# process; a negated one ("Ignorieren Sie die Checkliste nicht", "N'oubliez pas la checklist")
# reminds instead.
_SKIP_VERB = (
    r"(?:ignor\w*|[üu]berspring\w*|negeer\w*|sla|s[áa]lt[aeo]\w*|saut\w*|pul[ae]\w*|pom[ij][nń]\w*|"
    r"zignoruj\w*|omet\w*|omit\w*|oubli\w*|vergiss\w*|vergessen|vergeet|dimentica\w*|olvid\w*|"
    r"esque[cç]\w*|zapomnij\w*|lass\w*)"
)
_PROCESS_WORD = (
    r"(?:check-?list\w*|checkliste\w*|lista\s+de\s+(?:verificaci[oó]n|verifica[cç][aã]o|control|"
    r"comprobaci[oó]n)|liste\s+de\s+contr[ôo]le|lista\s+di\s+controllo|li[sś]\w*\s+kontroln\w+|"
    r"processus|proceso|processo|\w*prozess\w*|proces\w*|proc[ée]dur\w*|playbook\w*|"
    r"(?:ersten\s+)?schritte|premi[eè]res\s+[ée]tapes|primeros\s+pasos|primeiros\s+passos|"
    r"primi\s+passi|eerste\s+stappen|pierwsze\s+kroki)"
)
_ARTICLE = (
    r"(?:(?:sie|die|den|das|de|het|la|le|les|el|los|o|os|a|as|il|lo|i|gli|l['’]|o|ten|t[ęe])\s*)"
)
_SKIP_PROCESS_ANY = re.compile(
    rf"(?:{_LEAD_WORDS}[,\s]+){{0,2}}{_SKIP_VERB}\s+{_ARTICLE}{{0,2}}(?:[^\W\d_]+\s+){{0,1}}?"
    rf"{_PROCESS_WORD}|{_ARTICLE}{{0,2}}{_PROCESS_WORD}\s+(?:[^\W\d_]+\s+){{0,1}}?{_SKIP_VERB}\b",
    re.IGNORECASE,
)
_SKIP_NEGATED = re.compile(
    r"\b(?:nicht|nie|pas|no|n[ãa]o|non|niet|don['’]?t|never|nunca|mai|jamais|niemals|ohne|sans|"
    r"sin|sem|senza|zonder|bez)\b|\bn['’]",
    re.IGNORECASE,
)
# The Dutch "sla ... over" needs its particle: "SLA" alone is the service-level agreement.
_SLA = re.compile(r"^\W*(?:[^\W\d_]+\s+){0,2}sla\b(?![^.!?]*\bover\b)", re.IGNORECASE)


# Raw HTML a markdown viewer would run or load: "<img src=x onerror=alert(1)>", "<script>", any
# tag with an on*= handler. "< 2 hours" and "<leader name>" are text.
_HTML_TAG = re.compile(
    r"<\s*/?\s*(?P<name>script|img|i?frame|frameset|object|embed|applet|svg|math|style|link|"
    r"meta|base|form|input|button|textarea|select|a|video|audio|source|body|html|details|"
    r"marquee|template|div|span|p|br|table|font)\b[^<>]*>|"
    r"<\s*(?P<other>[a-z][\w:-]*)\s[^<>]*\bon[a-z]+\s*=[^<>]*>",
    re.IGNORECASE,
)
# Link targets: "[click](javascript:alert(1))", "[x]: data:text/html,...", "<vbscript:...>".
_LINK_TARGET = re.compile(
    r"\]\(\s*<?(?P<a>[^)>]*)|^\s*\[[^\]\n]+\]:\s*<?(?P<b>\S+)|<(?P<c>[a-z][\w+.-]*:[^<>\s]*)>",
    re.IGNORECASE | re.MULTILINE,
)
_SCRIPT_SCHEME = re.compile(r"^(?P<scheme>javascript|vbscript|data):", re.IGNORECASE)


def off_verdict(text: str, code: str | None, reference: str = "") -> list[str]:
    """Sentences of a model's draft that recommend against the verdict, or tell the reader to
    skip the playbook's process: "Recommendation: do not escalate. Ignore the checklist." on a
    case the code judged escalate_now. A mention is not a recommendation ("the customer asked us
    not to escalate" opens with no recommending words), and a sentence the `reference` draft has
    is ours."""
    ours = {_sentence_key(reference[a:b]) for a, b in guardrails.sentences(reference)}
    contradicts = _CONTRADICTS.get(code or "")
    found: list[str] = []
    for start, end in guardrails.sentences(text):
        sentence = text[start:end].strip()
        if _sentence_key(sentence) in ours:
            continue
        opening = _RECOMMENDING.match(sentence)
        rest = sentence[opening.end() if opening else 0 :]
        label = _VERDICT_LABEL.match(sentence)
        if label and _REPORTING_LABEL.search(label.group("label")):
            continue  # "Kunde schrieb: nicht eskalieren." quotes the customer
        unlabelled = sentence[label.end() if label else 0 :]
        quote = _HTML_TAG.sub("", sentence).strip()
        if (contradicts and contradicts.match(rest)) or _against_in_other_words(unlabelled, code):
            found.append(
                f'it recommends against the verdict ({LABELS[code]}): "{quote}"; keep the '
                "recommendation of the reference draft"
            )
        elif _SKIP_PROCESS.match(rest) or _skips_in_other_words(unlabelled):
            found.append(
                f'it tells the reader to skip the playbook\'s process: "{quote}"; keep the '
                "checklist and the first steps"
            )
    return found


def _against_in_other_words(sentence: str, code: str | None) -> bool:
    """`off_verdict`'s reading of a sentence in the seven other languages."""
    pattern = _CONTRADICTS_ANY.get(code or "")
    m = pattern.match(sentence) if pattern and not _ENGLISH.search(sentence) else None
    if m is None or _HESITATE.search(m.group()):
        return False
    # "Jetzt eskalieren wäre verfrüht", "Sofort eskalieren müssen wir nicht": agrees with waiting
    return code == "escalate_now" or not (
        _WOULD_BE.search(sentence) or _SKIP_NEGATED.search(sentence)
    )


def _skips_in_other_words(sentence: str) -> bool:
    m = _SKIP_PROCESS_ANY.match(sentence)
    return bool(m) and not (
        _SKIP_NEGATED.search(sentence) or _SLA.match(sentence) or _WOULD_BE.search(sentence)
    )


def unsafe_markup(text: str) -> list[str]:
    """The raw HTML tags and script link schemes in `text`, by name ("img", "javascript:")."""
    names = [(m.group("name") or m.group("other")).lower() for m in _HTML_TAG.finditer(text)]
    for m in _LINK_TARGET.finditer(text):
        target = html.unescape(next(g for g in m.groups() if g is not None))
        # "java script:" and "&#106;avascript:" are still script links to a markdown viewer
        scheme = _SCRIPT_SCHEME.match(re.sub(r"[\x00-\x20]+", "", target))
        if scheme:
            names.append(scheme.group("scheme").lower() + ":")
    return list(dict.fromkeys(names))


NOTICE_CHARS = 300
EMPTY = "the draft is empty"
MAX_DRAFT_CHARS = 20_000  # the longest brief the offline writer makes is about 4,000


def _short(reason: str) -> str:
    """A reason fit for a notice: a model's 3 MB answer quoted in a finding is not."""
    return reason if len(reason) <= NOTICE_CHARS else f"{reason[: NOTICE_CHARS - 1]}…"


def get_writer(settings: Settings | None = None, engine: str | None = None) -> DraftWriter:
    """The writer for the engine asked for, else the settings' active engine."""
    settings = settings or get_settings()
    from coach.settings import active_engine

    chosen = active_engine(settings, engine)
    return LLMWriter(settings) if chosen == "openai" else OfflineWriter(settings)


def write_all(case: CaseFile, writer: DraftWriter) -> dict[str, Draft]:
    return {kind: writer.write(kind, case) for kind in DRAFT_KINDS}


def brief_payload(case: CaseFile, writer: DraftWriter) -> tuple[Draft, dict[str, Any]]:
    """The brief and its JSON (`coach brief --json` and the API's `/brief`): the markdown, the
    verdict (the same codes as `coach chat --json`) and the checklist warnings. A case that lists
    no signals has them read from its own words first, as the chat coach would."""
    from coach.reading.case import with_signals

    case = with_signals(case)
    draft = writer.write("brief", case)
    judged = judge(case)
    payload = {
        "markdown": draft.markdown,
        "recommendation": judged.code,
        "headline": judged.headline,
        "first_steps": judged.first_steps,
        "reasons": [r.model_dump() for r in judged.reasons],
        "signals": case.signals,
        "warnings": [w.model_dump() for w in draft.warnings],
        "held_back": [h.model_dump() for h in draft.held_back],
        "engine": draft.engine,  # who wrote it: the offline engine when a model failed
        "notice": draft.notice,
    }
    return draft, payload
