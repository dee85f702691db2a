"""A case file's signals, read from its own words when nobody listed them.

A case written by hand (`coach brief case.json`, the Brief form) often states the situation in its
problem and notes without naming signals; the verdict needs them. They are read with the same reader
the chat coach uses for what a rep says, so a case gets the same verdict wherever it comes from.
"""

from __future__ import annotations

import re
from typing import Any

from coach.domain.casefile import CaseFile
from coach.domain.verdict import Verdict, verdict

# The verbs a rep tells a customer's complaint with ("Tane spent twenty minutes ranting about the
# dashboard", "Peter yelled at me about the duplicate payouts"): the case reader takes what they
# were about as the problem, and the customer message keeps only that.
COMPLAINT_VERB = (
    r"(?:rant(?:ing|ed|s)?|vent(?:ing|ed|s)?|complain(?:ing|ed|s)?|moan(?:ing|ed|s)?|"
    r"grip(?:ing|ed|es)|grumbl(?:ing|ed|es)|yell(?:ing|ed|s)?|fum(?:ing|ed))"
)


def with_signals(case: CaseFile) -> CaseFile:
    """`case` unchanged when it lists signals; otherwise with the signals its text states."""
    if case.signals:
        return case
    from coach.chat.extract import detect_signals
    from coach.triage.parse import sentences

    texts = [case.problem, case.customer_wants, case.notes, case.business_impact, case.ask]
    sents = [s for text in texts if text for s in sentences(text)]
    found = detect_signals(sents, rep_side=[s for s in sentences(case.ask)] if case.ask else [])
    found = [s for s in found if s not in case.withdrawn]  # what the customer took back
    return case.model_copy(update={"signals": found}) if found else case


def judge(case: CaseFile) -> Verdict:
    """The verdict on a case, with its signals read from its words when it lists none: what the
    chat, the brief, the CLI and the UI all show."""
    return verdict(with_signals(case))


# --- From a triaged email to a case ---------------------------------------------------------

_FROM = re.compile(r"^(?:From|Von|De|Van|Da|Od|Från|Kimden)\s*:\s*(?P<who>.+)$", re.M | re.I)
_FREE_MAIL = {
    "gmail", "googlemail", "outlook", "hotmail", "live", "yahoo", "icloud", "me", "aol", "gmx",
    "web", "proton", "protonmail", "mail", "yandex", "orange", "free", "wp", "o2", "libero",
}  # fmt: skip
_GREETING = re.compile(r"^\W*(?:hi|hello|hey|dear|good\s+(?:morning|afternoon)|hallo|bonjour|"
                       r"hola|ciao|olá|ola|cześć|dzień\s+dobry|beste|geachte)\b", re.I)  # fmt: skip


# "I hope you're well", "ich hoffe, es geht dir gut", "espero que estés bien": a courtesy that
# opens the mail says nothing of the case, in the eight languages.
_PLEASANTRY = re.compile(
    r"^\W*(?:i\s+)?hope\s+(?:you(?:['’]re|\s+are)\s+(?:doing\s+)?well|this\s+(?:e-?mail|message)\s+"
    r"finds\s+you|you\s+had\s+a\s+\w+\s+(?:weekend|week|holiday|break))|ich\s+hoffe,?\s+(?:es\s+geht\s+"
    r"(?:dir|ihnen|euch)\s+gut|sie\s+hatten|du\s+hattest|ihr\s+hattet)|ik\s+hoop\s+dat\s+(?:het\s+goed\s+met\s+"
    r"(?:je|u|jullie)\s+gaat|alles\s+goed\s+is|je\s+een\s+fijn)|j['’]esp[èe]re\s+que\s+(?:vous\s+allez\s+bien|"
    r"tu\s+vas\s+bien|vous\s+avez\s+pass[ée]|tout\s+va\s+bien)|espero\s+que\s+(?:est[ée]s?|est[ée]is|est[ée]n|"
    r"esteja[ms]?|voc[êe]s?\s+estej|tudo\s+est|todo\s+vaya|hayas?\s+tenido|tenhas?\s+tido)|spero\s+(?:che\s+)?"
    r"(?:tu\s+)?(?:stia|stiate|sia\s+andat|tutto\s+(?:bene|vada))|mam\s+nadziej[ęe],?\s+(?:[żz]e\s+)?"
    r"(?:wszystko|u\s+(?:ciebie|was|pana|pani)|masz\s+si[ęe]|mia[łl]e[śs])",
    re.I,
)


def _sender(text: str, signature: str) -> tuple[str, str, str]:
    """(name, title, address) of whoever sent the newest message: the From line first, then
    the signature (a name line, the line under it as the title)."""
    from email.utils import parseaddr

    from coach.reading.people import EMAIL
    from coach.triage.parse import _SIGN_OFF, is_bare_name

    name = address = title = ""
    head = _FROM.search(text[:3000])
    if head:
        name, address = parseaddr(head.group("who").strip())
        name = name.strip().strip('"')
    lines = [ln.strip() for ln in signature.splitlines() if ln.strip() and ln.strip() != "--"]
    if lines and _SIGN_OFF.match(lines[0]):
        inline = re.sub(r"^.*?[,.!]\s*", "", lines[0]) if re.search(r"[,.!]\s*\S", lines[0]) else ""
        lines = ([inline] if inline else []) + lines[1:]
    for k, line in enumerate(lines[:4]):
        if is_bare_name(line):
            name = name or line
            after = lines[k + 1] if k + 1 < len(lines) else ""
            if after and not EMAIL.search(after) and not re.search(r"\d{3}", after):
                title = re.split(r"\s*[,|·–-]\s+", after)[0]
            break
    if not address:
        found = EMAIL.findall(signature)
        address = found[0] if found else ""
    return name, title, address


def _sign_off_tail(newest: str) -> str:
    """The lines from the last sign-off ("Best regards,") on, when the parser kept them."""
    from coach.triage.parse import _SIGN_OFF

    lines = newest.splitlines()
    for k in range(len(lines) - 1, max(len(lines) - 9, -1), -1):
        if _SIGN_OFF.match(lines[k].strip()):
            return "\n".join(lines[k:])
    return ""


def _company(signature: str, name: str, title: str, address: str) -> str:
    """The sender's company: a signature line after the name and title, else the mail domain."""
    from coach.reading.people import EMAIL

    skip = {name, title}
    for line in [ln.strip() for ln in signature.splitlines() if ln.strip()][1:6]:
        if line in skip or EMAIL.search(line) or re.search(r"\d{3}|https?://|www\.", line):
            continue
        if title and line.startswith(title):
            parts = re.split(r"\s*[,|·–]\s+|\s+-\s+", line)
            if len(parts) > 1:
                return parts[-1]
            continue
        if re.match(r"^(?-i:[A-Z])[\w&.'’-]*(?:\s+[\w&.'’-]+){0,4}$", line) and line != name:
            return line
    domain = address.rsplit("@", 1)[-1].lower() if "@" in address else ""
    label = domain.split(".")[-2] if domain.count(".") >= 1 else ""
    if label and label not in _FREE_MAIL and not label.isdigit():
        return label.replace("-", " ").title()
    return ""


# "since", "last" and "from" before a date, in the eight languages: when it began, not by when
_SINCE_BEFORE = re.compile(
    r"(?i)\b(?:since|last|ago|from|seit|letzten?|sinds|vanaf|afgelopen|depuis|dernier|desde|"
    r"pasado|dal|dall['’]|dalla|scorso|od|ostatni[ąa]?)(?:\s+(?:dem|der|den|de|het|le|la|el|"
    r"il|lo|o|a|the))?\s*$"
)
# ... or opening the clause the date is in ("Depuis la mise à jour du 3 mars", "seit dem Update
# auf Version 5.1 am 12.05.2026", "od aktualizacji 3 marca"): the trouble's start.
_SINCE_IN_CLAUSE = re.compile(
    r"(?i)(?:^|[,;:(]\s*|\s)(?:since|seit|sinds|depuis|desde|dall['’]|dal|dalla|od)\s"
    r"(?:(?!(?:and|und|et|y|e|en|ed|i|oraz|but|aber|mais|pero|mas|ma|maar|ale)\b)"
    r"[^,;:.!?\s]+\s){0,6}$"
)
# Words that make a date the one that matters in the other seven languages (the English ones
# are `rep._ANCHOR`): a deadline, a renewal, leaving, "by" and "before".
_ANCHOR_OTHER = re.compile(
    r"(?i)\b(?:bis|vor|zum|spätestens|frist|kündig\w*|verlänger\w*|avant|d['’]ici|jusqu['’]|"
    r"renouvel\w*|résili\w*|échéance|antes|hasta|plazo|renova\w*|cancel\w*|rescind\w*|até|"
    r"prazo|entro|prima\s+del|scadenza|rinnov\w*|disd\w*|voor|uiterlijk|verleng\w*|opzeg\w*|"
    r"termijn|przed|termin\w*|przedłuż\w*|wypowie\w*|rozwiąż\w*)\b"
)


def _problem_sentence(body: list[str], result: Any) -> str:
    """The sentence that says what is wrong: one quoted for an incident or a dispute first, then
    one with a word of trouble, or something that does not work, that carries no threat
    ("Desde la actualización del 3 de marzo la sincronización falla cada noche", not "Si no se soluciona antes del 15 de abril, no
    renovaremos el contrato"), then any quoted for a signal, then the first."""
    from coach.domain.signals import signal
    from coach.reading.context import cues
    from coach.reading.language import KNOWN
    from coach.reading.structure import lexicon as structure_lexicon
    from coach.reading.structure import not_working

    quoted = [
        (x.evidence, signal(x.type).a_state) for x in result.signals if x.type != "routine_issue"
    ]
    threats = [e for e, state in quoted if not state]
    language = result.language if result.language in KNOWN else "en"
    said, lexicon = cues(language), structure_lexicon(language)
    ranked = (
        # A state quoted from a threat's own sentence ("Als dit vrijdag 14 juni niet is
        # opgelost, zeggen we het contract op") is the threat; what is wrong is said elsewhere.
        [
            s
            for s in body
            if any(e in s for e, state in quoted if state) and not any(e in s for e in threats)
        ],
        [
            s
            for s in body
            if (
                said.has("problem_words", s.lower())
                or lexicon.has("trouble", s.lower())
                or not_working(s, language)
            )
            and not any(e in s for e in threats)
        ],
        [s for s in body if any(e in s for e, _ in quoted)],
        body,
    )
    return next((group[0] for group in ranked if group), "")


def case_from_triage(text: str, result: Any) -> CaseFile:
    """The case a triaged email starts: the sender as the contact, their company, the problem
    in their words, what they want, the date that matters and the signals triage found. Only
    what triage read; the coach asks for the rest."""
    from coach.reading.rep import _ANCHOR, _clean_date
    from coach.triage.parse import parse, sentences

    try:
        parsed = parse(text)
    except Exception:
        return CaseFile(signals=list(result.signal_types()))
    signature = parsed.signature or _sign_off_tail(parsed.newest)
    name, title, address = _sender(text, signature)
    company = _company(signature, name, title, address)
    body = [s.strip() for s in sentences(parsed.newest) if s.strip()]
    body = [
        s
        for s in body
        if len(s.split()) >= 4 and not _GREETING.match(s) and not _PLEASANTRY.match(s)
    ]
    problem = _problem_sentence(body, result)
    from coach.reading.people import DATE

    # The date that matters: one beside a renewal, deadline or go-live, else the first date said.
    dated = [
        (not (_ANCHOR.search(s) or _ANCHOR_OTHER.search(s)), k, m)
        for k, s in enumerate(body)
        for m in DATE.finditer(s)
        if not _SINCE_BEFORE.search(s[: m.start()])
        and not _SINCE_IN_CLAUSE.search(s[: m.start()])
        and not re.match(r"(?i)\s*(?:since|from)\b", m.group(0))
    ]
    dated = [d for d in dated if not re.fullmatch(r"(?i)today|tonight", d[2].group(0).strip())]
    deadline = _clean_date(min(dated, key=lambda d: d[:2])[2].group(0)) if dated else ""
    wants = result.customer_wants if result.customer_wants not in ("", "unclear") else ""
    return CaseFile(
        customer=company,
        contact_name=name,
        contact_title=title,
        contact_email=address,
        problem=problem[:600],
        customer_wants=wants,
        deadline=deadline,
        signals=list(result.signal_types()),
        notes=f"From a triaged email: {result.decision}.",
    )
