"""How a sentence and an email are built, read beyond the cues the classifier was fitted with.

The classifier reads what a sentence is about; `coach.reading.context` reads how it is meant. This
module reads the rest of the structure a person notices, with word families per language in
`lexicon/<language>.yaml` (same format as `cues/`, kept apart so that the fitted models' key does
not change with them):

- the consequence of a condition or an ultimatum ("if the export breaks again, we're out", "one
  more week like this and I'm pulling the plug", "either the numbers are right or we don't
  renew"), which is read on its own as well as with its condition;
- a thank-you that asks ("merci de me mettre en relation", "thanks in advance") is a request;
- a condition is about what may come, so a time word in it ("the last quarter we pay for this
  unless ...") does not make it past;
- someone senior on the customer's own side ("forwarding a request from our CFO") is not a
  request for the rep's manager;
- an automatic reply, a request only to be called, a public channel named with "will hear about
  this", another party's data shown to this customer.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from coach.domain import signals as table
from coach.reading.context import Context, Cues, cues, denied, read_context, resolved
from coach.reading.context import _pattern as pattern
from coach.reading.people import DATE

# The pattern builder is the cues' own, so both kinds of list read the same way.
from coach.textio import load_yaml

LEXICON = Path(__file__).with_name("lexicon")
FAMILIES = (
    "auto_reply", "away", "polite_request", "ultimatum", "consequence", "leaving", "contact_only",
    "hear_about", "other_party", "data_words", "asks", "stakes", "authority", "preference",
    "own_doing", "reassure", "withdraw", "legal_action", "looking_elsewhere", "condition_opener",
    "trouble", "not_resolved", "your_side", "hedge", "leave_other_sense",
    "not_senior", "pass_on", "planned", "first_person", "news_idiom", "their_doing", "close_it",
    "either", "just_venting", "gravity", "marks_urgent", "farewell", "about_a_reply", "lead_in",
    "determiner", "wants_out", "polite_condition", "not_until", "not_about_you", "contrast",
    "other_supplier", "minor_said", "currently", "no_trouble", "rhetorical",
    "rhetorical_stay", "prevention", "reporting", "reporting_that", "and_then", "tag_question",
    "bare_tag", "switching_to", "leaving_when", "decided", "will_publish",
    "public_channel", "no_count_on_us", "promotion", "legal_routine", "integration_words",
    "not_again", "without_condition", "passing_on", "otherwise",
    "or_subject", "joining_us", "go_ahead", "no_then_no", "plan_switch", "if_offered",
    "back_to_normal", "entity_change", "you_words",
    "assess_words", "undecided", "seat_words", "whole_account",
    "works_words", "their_possessive", "all_seats", "meeting_words", "call_off",
    "rest_unchanged", "last_period", "inverted_condition", "replaces_you", "wished_by_them",
    "escalate_words", "internally", "published", "in_copy", "from_now_on", "lawyer",
    "trust_lost", "same_terms", "as_a_rule", "hard_to_justify", "audience", "rating",
    "unflattering", "verdict_depends", "said_before", "as_said", "as_word", "stands_by", "own_subject",
    "chases",
)  # fmt: skip
MIN_CONSEQUENCE_WORDS = 2
NEGATED_REASSURANCE = 4  # words between a negation and the reassurance it denies
_PAUSE = re.compile(r"[,;:.!?]")
AS_GAP = 3  # words between "as" and "I said" ("como ya os dije", "jak już wcześniej pisałem")
MIN_LEAD_WORDS = 4  # a main clause, not "Honestly," or "Let me be clear,"
UNDECIDED_GAP = 12  # "not decided yet, whether": the "whether" that follows the indecision
MAX_NOTICE_WORDS = 10  # "Opzegging contract per 1 juli.": a notice, not a story
MAX_STAKE_WORDS = 3  # "no renewal", "keine Verlängerung mit Ihnen"
MIN_JOINED_WORDS = 3  # each side of "and" a statement: not "sales and support"
# Words between "de demo" and "annuleren" in "de demo van donderdag helaas annuleren".
MEETING_GAP = 6
BARE_INDECISION = 2  # words beside "not decided yet" when it names nothing ("Nous, ...")
VERB_SECOND = frozenset({"de", "nl"})  # the negation after the verb: "verlängern wir nicht"
LAST_PERIOD_GAP = 5  # words from "el último trimestre" to "pagamos"


@lru_cache(maxsize=16)
def lexicon_file(language: str) -> dict[str, Any]:
    """`lexicon/<language>.yaml` as read, once per process (an empty one for a language without)."""
    path = LEXICON / f"{language}.yaml"
    return (load_yaml(path.read_text(encoding="utf-8")) or {}) if path.is_file() else {}


@lru_cache(maxsize=16)
def _vendor_words(language: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """`forwarded_vendor` in the lexicon: how colleagues name us among themselves ("their VP",
    "leur direction", "a diretoria deles"), and how the customer would say it to us."""
    data = lexicon_file(language)
    mapping = {str(k).lower(): str(v) for k, v in (data.get("forwarded_vendor") or {}).items()}
    if not mapping:
        return None
    words = sorted(mapping, key=len, reverse=True)
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<![\w'’])(?:{alternatives})(?![\w'’])", re.IGNORECASE), mapping


def to_vendor(text: str, language: str) -> str:
    """A forwarded note between the customer's colleagues, as if said to us: "I want to speak
    with their VP" reads as "... with your VP" (who "they" are is who the note reached)."""
    found = _vendor_words(language)
    if found is None:
        return text
    pattern, mapping = found
    return pattern.sub(lambda m: mapping[re.sub(r"\s+", " ", m.group(0).lower())], text)


@lru_cache(maxsize=16)
def lexicon(language: str) -> Cues:
    data = lexicon_file(language)
    patterns = {}
    for name in FAMILIES:
        compiled = pattern([str(e) for e in data.get(name) or []])
        if compiled is not None:
            patterns[name] = compiled
    return Cues(language, patterns)


def _spans(c: Cues, name: str, low: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in c.find(name, low)]


def _denial_of_staying(low: str, c: Cues) -> bool:
    """A phrase that denies a need ("inutile de", "no need to") read in its clause: no need for
    the renewal is leaving ("Inutile de m'envoyer la proposition de renouvellement"), and so is
    a clause of leaving beside it ("..., on arrête les frais à l'échéance")."""
    phrases = list(c.find("denial_phrases", low))
    if not phrases:
        return False
    for phrase in phrases:
        stop = _CLAUSE_END.search(low, phrase.end())
        end = stop.start() if stop else len(low)
        governed = low[phrase.end() : end]
        if c.has("leave_words", governed):
            return False  # "we're not looking to cancel": the leaving is what is denied
        if not (c.has("stay_words", governed) or c.has("leave_words", low[end:])):
            return False
    return True


_CLAUSE_END = re.compile(r"[.;:!?,]|\s[–—-]\s")


def _negation_ends_at_and(low: str, c: Cues, lx: Cues) -> bool:
    """Every negator that comes shortly before a word of leaving is cut off from it by "and"
    (`and_then`), and no denial phrase says it: the cues' rule read one statement's "not" as
    denying the next one's leaving."""
    if c.has("denial_phrases", low) or "and_then" not in lx.patterns:
        return False
    pairs = [
        (end, leave.start())
        for leave in c.find("leave_words", low)
        for end in (m.end() for m in c.find("negators", low))
        if leave.start() - end >= 0
        and len(low[end : leave.start()].split()) <= 3
        and not re.search(r"[.;:!?,]", low[end : leave.start()])
    ]
    return bool(pairs) and all(lx.has("and_then", low[a:b]) for a, b in pairs)


_CLAUSE_CUT = re.compile(r"[,;:.!?()\n]|\s[-–—]\s")


@lru_cache(maxsize=16)
def _negator_after(language: str) -> tuple[re.Pattern[str], re.Pattern[str] | None] | None:
    """`negator_after` and `negator_after_not` of the lexicon: only in the languages that put the
    negation after the verb."""
    data = lexicon_file(language)
    after = pattern([str(e) for e in data.get("negator_after") or []])
    if after is None:
        return None
    return after, pattern([str(e) for e in data.get("negator_after_not") or []])


def negated_after_the_verb(low: str, language: str) -> bool:
    """A word of leaving its clause negates where the language puts the negation after the verb
    (German and Dutch main clauses: "Wir kündigen nicht", "wir steigen nicht aus", "wij zeggen
    het contract niet op"), which the cues' negator-before-the-word rule does not see. The words
    are the lexicon's `negator_after`; a clause with "and", a contrast, "not only" or "not yet"
    (`negator_after_not`), or a negated word of staying ("wir verlängern nicht" is leaving) is
    not read so."""
    words = _negator_after(language)
    if words is None:
        return False
    after, not_so = words
    lx, c = lexicon(language), cues(language)
    for clause in _CLAUSE_CUT.split(low):
        if not after.search(clause) or (not_so is not None and not_so.search(clause)):
            continue
        if lx.has("and_then", clause) or lx.has("contrast", clause):
            continue
        if c.has("stay_words", clause) or not (
            lx.has("leaving", clause) or c.has("leave_words", clause)
        ):
            continue
        # "Eine Gutschrift ist trotz zweimaliger Nachfrage nicht erfolgt": what did not happen
        # is no act of the customer's they deny.
        if "own_subject" in lx.patterns and not lx.has("own_subject", clause):
            continue
        return True
    return False


def refine(ctx: Context, text: str, language: str, reported: bool = False) -> Context:
    """The context as a person reads it: a thank-you that asks is a request, a condition is not
    past, someone senior of the customer's own is not a request for ours. In a rep's account of
    the case (`reported`), "my manager" and "our VP" are ours, not the customer's."""
    c, lx = cues(language), lexicon(language)
    low = text.lower()
    changes: dict[str, bool] = {}
    if (ctx.thanks or ctx.positive) and lx.has("polite_request", low):
        changes.update(thanks=False, positive=False, request=True)
    if ctx.past and (c.has("conditional", low) or lx.has("ultimatum", low)):
        changes["past"] = False
    # "six invoices addressed to another company": a word of resolution in another sense.
    if ctx.resolved and lx.has("not_resolved", low):
        blanked = lx.patterns["not_resolved"].sub(" ", low)
        if not resolved(blanked, c):
            changes["resolved"] = False
    # "Mas pronto, hoje já está tudo normal": back to normal, said by the customer, is over
    # (the cues' words of resolution are the classifier's; these are the lexicon's).
    if not ctx.resolved and _back_to_normal(low, c, lx):
        changes["resolved"] = True
    conditional = c.has("conditional", low) or lx.has("ultimatum", low)
    # "Jak w czerwcu jeszcze raz padnie, to się żegnamy.": a word that asks ("jak") opening a
    # statement with a consequence sets its condition; the sentence asks nothing.
    if ctx.question and not low.rstrip().endswith("?") and _opens_with_condition(low, lx):
        changes["question"] = False
        conditional = True
    # "Caso o problema volte, não contem connosco para a renovação": the negation is the threat.
    if ctx.denied and count_on_us_not(text, language):
        rest = lx.patterns["no_count_on_us"].sub(" ", low)
        if not denied(rest, c):
            changes["denied"] = False
    # "sans réponse d'ici lundi, nous résilions": "without" sets the condition, denies nothing.
    if ctx.denied and lx.has("without_condition", low):
        rest = lx.patterns["without_condition"].sub(" ", low)
        if not denied(rest, c):
            changes["denied"] = False
    # "No refund, no renewal.": the negations set a condition on staying, deny nothing.
    if ctx.denied and no_then_no(text, language, ctx):
        changes["denied"] = False
    # "Je vous transfère ci-dessous l'échange avec votre support": passing a thread on is no
    # leaving (the classifier reads "transfer" near it).
    if lx.has("passing_on", low) and not (lx.has("leaving", low) or lx.has("wants_out", low)):
        changes["other_leave"] = True
    # "publikujemy to na Twitterze": a public channel as the language inflects it is named.
    if not ctx.legal_public and lx.has("public_channel", low):
        changes["legal_public"] = True
    # "We will review it internally and get back to you": reviewing is examining, not a public
    # review, when every word of the channel is one of examining.
    if ctx.legal_public and not lx.has("public_channel", low):
        assess = _spans(lx, "assess_words", low)
        channel = _spans(c, "legal_public", low)
        if assess and all(any(x <= a and b <= y for x, y in assess) for a, b in channel):
            changes["legal_public"] = False
    legal_public = changes.get("legal_public", ctx.legal_public)
    # "L'integrazione con LinkedIn non pubblica più i post": the channel is a product's feature.
    if legal_public and lx.has("integration_words", low) and not lx.has("will_publish", low):
        blanked = lx.patterns["public_channel"].sub(" ", low)
        if not (c.has("legal_public", blanked) or lx.has("public_channel", blanked)):
            changes["legal_public"] = legal_public = False
    # "hacer un caso de éxito con ustedes y publicarlo en LinkedIn", "our lawyer will countersign
    # it tomorrow": an offer of promotion, or legal work in order, with nothing wrong said.
    if (
        not ctx.positive
        and (lx.has("promotion", low) or (legal_public and lx.has("legal_routine", low)))
        and not _something_wrong(low, c, lx)
    ):
        changes["positive"] = True
    # "she approved it this morning, so we're good to go for the extra 25 seats": the customer's
    # own go-ahead for a purchase, with nothing wrong said, is good news and staying.
    if lx.has("go_ahead", low) and not (
        _something_wrong(low, c, lx)
        or any(lx.has(f, low) for f in ("switching_to", "other_supplier", "looking_elsewhere"))
        or switches_to_a_name(text, language)
    ):
        changes.update(positive=True, staying=True)
    # "auf Ihrer Statusseite ist ein geplanter Ausfall angekündigt": announced maintenance is
    # planned work, not trouble.
    if not ctx.minor and lx.has("planned", low) and not c.has("still", low):
        changes["minor"] = True
    # "Contract: will not be renewed in September": a negated verb after a label, with no
    # question mark, states; only "Will you ..." asks.
    if ctx.question and not text.rstrip().endswith("?"):
        opener = _LABEL.sub("", low.lstrip(" -*•>\t")).split()
        if (
            len(opener) > 1
            and c.has("negators", " ".join(opener[:2]))
            and not c.has("negators", opener[0])
        ):
            changes["question"] = False
    # "Este es el último trimestre que pagamos": the last period is no time past, paying for
    # it is no staying and the notice is no praise; the rest of the sentence says whether it is
    # past.
    if (ctx.past or ctx.staying or ctx.positive) and _pays_for_the_last(text, language):
        unlasted = read_context(lx.patterns["last_period"].sub(" ", text.lower()), language)
        changes.update(past=unlasted.past, staying=False, positive=False)
    # "mi ha chiesto di valutare altri fornitori in vista del rinnovo": the renewal named as
    # the moment other vendors are weighed is no word of staying.
    if ctx.staying and lx.has("looking_elsewhere", low) and not c.has("negators", low):
        changes["staying"] = False
    # "our formal notice of non-renewal": a word of staying inside a word of leaving is leaving.
    if ctx.staying and lx.has("leaving", low):
        leaving = _spans(lx, "leaving", low)
        if all(any(x <= a and b <= y for x, y in leaving) for a, b in _spans(c, "stay_words", low)):
            changes["staying"] = False
    # "Tell me why I shouldn't post this on Twitter": the negation and the question are the
    # threat's form, not a denial or a question.
    if (ctx.denied or ctx.question or ctx.staying) and rhetorical_threat(
        text, language, ctx
    ) is not None:
        changes.update(denied=False, question=False, staying=False)
    # "a couple of wording questions on the DPA, nothing major": the customer calls it small.
    if not ctx.minor and lx.has("minor_said", low) and not lx.has("leaving", low):
        changes["minor"] = True
    # "I'm going on leave in April": leaving in another sense, and no other word of leaving;
    # "l'ensemble de nos 40 licences" is every seat, the account itself.
    if lx.has("leave_other_sense", low) and not lx.has("all_seats", low):
        rest = lx.patterns["leave_other_sense"].sub(" ", low)
        if not (lx.has("leaving", rest) or c.has("leave_words", rest)):
            changes["other_leave"] = True
    # "Außerdem möchten wir einen einzelnen Platz kündigen": a seat or two cancelled, not the
    # account, and no other word of leaving; "ik moet de demo van donderdag annuleren": a
    # meeting called off.
    if _seats_only(low, lx) or calls_off_a_meeting(text, language):
        changes["other_leave"] = True
    # "Il vecchio soggetto cesserà di esistere": a company merged, bought or renamed ends or
    # moves a legal entity, not the account, when the sentence sets no condition or ultimatum.
    if _entity_change(low, lx, c) and not (
        c.has("conditional", low)
        or any(lx.has(f, low) for f in ("ultimatum", "wants_out", "looking_elsewhere"))
    ):
        changes["other_leave"] = True
    # "queremos sair do plano mensal e passar para o anual": a move from one of our billing
    # periods to another leaves a plan, not the account, when nothing in the sentence is a
    # condition, an ultimatum or a look elsewhere.
    if _plan_switch(low, lx, c) and not (
        c.has("conditional", low) or switches_to_a_name(text, language)
    ):
        changes["other_leave"] = True
    # "We decided to terminate our contract with Globex and move everything onto your
    # platform": the leaving is another vendor's, the move is to us.
    if lx.has("joining_us", low) and not c.has("negators", low):
        changes["other_leave"] = True
    # "Onze directie heeft besloten het contract met jullie te verlengen": a decision to stay.
    if (
        not ctx.staying
        and lx.has("decided", low)
        and c.has("stay_words", low)
        and not (lx.has("leaving", low) or lx.has("wants_out", low))
        and not (c.has("negators", low) or c.has("conditional", low) or lx.has("hedge", low))
    ):
        changes["staying"] = True
    # "We haven't decided yet whether to renew": staying weighed up calmly, with no word of
    # leaving, no condition and nothing wrong said, is no threat.
    if (
        weighs_up(text, language)
        and not any(lx.has(f, low) for f in ("leaving", "wants_out", "trouble", "ultimatum"))
        and not (lx.has("looking_elsewhere", low) or c.has("problem_words", low))
        and not _condition_beside_undecided(low, c, lx)
    ):
        changes["other_leave"] = True
    # "Renewal's not till next year": a time, not a renewal denied, and no other word of leaving.
    if lx.has("not_until", low):
        rest = lx.patterns["not_until"].sub(" ", low)
        if not (lx.has("leaving", rest) or c.has("leave_words", rest) or c.has("negators", rest)):
            changes["other_leave"] = True
    if ctx.denied and _denial_of_staying(low, c):
        changes["denied"] = False
    # "the export does not work and we cancel at renewal": the negation is the first
    # statement's; "and" begins another, which it does not reach.
    if ctx.denied and _negation_ends_at_and(low, c, lx):
        changes["denied"] = False
    # "After that we move the budget to Initech": the budget moved to a named vendor is leaving.
    if ctx.staying and switches_to_a_name(text, language):
        changes["staying"] = False
    # "I'd give it 50/50 that we stay": staying in doubt is not staying.
    if ctx.staying and lx.has("hedge", low):
        changes["staying"] = False
    if not ctx.own_fault and lx.has("own_doing", low) and not conditional:
        changes["own_fault"] = True
    # "One of our users opened the report and saw another client's payroll": the customer's own
    # people saw another party's data; nobody of theirs caused that.
    if ctx.own_fault and lx.has("other_party", low) and lx.has("data_words", low):
        changes["own_fault"] = False
    # In the rep's account the customer is "they": "after they rotated their API keys".
    if reported and not ctx.own_fault and lx.has("their_doing", low) and not conditional:
        changes["own_fault"] = True
    # "Nothing needed on your side", "we'll get used to it": a reassurance denies a need.
    if not ctx.denied and reassuring(text, language):
        changes["denied"] = True
    # "Wir kündigen nicht", "wir steigen nicht aus": the negation after the verb.
    if not ctx.denied and not conditional and negated_after_the_verb(low, language):
        changes["denied"] = True
    # "beschouw mijn bericht niet als opzegging": the "als" of a withdrawal is no condition.
    if not ctx.withdrawn and lx.has("withdraw", low) and not _conditional_beside(c, lx, low):
        changes["withdrawn"] = True
    # "Da oggi è in copia l'Avv. Paola Ferraris": a lawyer put in copy from now on is a legal
    # channel, named as an abbreviation the cues may not hold.
    if not ctx.legal_public and counsel_copied(text, language, ctx):
        changes["legal_public"] = True
    # "la vostra nomina a responsabile del trattamento": a title in another sense.
    if ctx.senior and not _senior(c, lx, low):
        changes["senior"] = False
    # "Driftwood Media", "Harbor Press Group": a word of the press inside a company's name.
    # "Bad news on the account": news as an idiom, not the press.
    idioms = _spans(lx, "news_idiom", low)
    if ctx.legal_public and all(
        _in_a_name(text, a, lx) or any(x <= a < y for x, y in idioms)
        for a, _ in _spans(c, "legal_public", low)
    ):
        changes["legal_public"] = False
    if ctx.senior:
        # "a diretoria de vocês", "la direction de votre société": named as ours, not theirs.
        own = [
            (a, b)
            for a, b in _spans(c, "own_side", low)
            if not any(0 <= s - b <= 2 for s, _ in _spans(lx, "your_side", low))
            # "einen Anruf von deren Geschäftsführung": someone else's, named so before it
            and not any(
                m.end() == len(low[:a].rstrip()) for m in lx.find("their_possessive", low[:a])
            )
        ]
        if reported:
            mine = {s for s, _ in _spans(lx, "first_person", low)}
            own = [(a, b) for a, b in own if a not in mine]
        senior = _spans(c, "senior", low)
        if own and all(any(a <= s and e <= b for a, b in own) for s, e in senior):
            changes["senior"] = False
    return dataclasses.replace(ctx, **changes) if changes else ctx


_NAME_BEFORE = re.compile(r"(?:^|[^.!?:;\s]\s*)\b[A-Z][\w&'’-]*\s+$")


_LABEL = re.compile(r"^[^:,\-–]{0,25}[:,\-–]\s*")  # "Contract: ...", as context.py reads an opener


def _condition_beside_undecided(low: str, c: Cues, lx: Cues) -> bool:
    """A condition other than the "whether" of "we haven't decided (yet) whether to renew"."""
    ends = [b for _, b in _spans(lx, "undecided", low)]
    return any(
        not any(0 <= a - b <= UNDECIDED_GAP for b in ends) for a, _ in _spans(c, "conditional", low)
    )


def _in_a_name(text: str, at: int, lx: Cues) -> bool:
    """The word at `at` is capitalised and follows a capitalised word inside the sentence: part
    of a name ("Driftwood Media"), not the thing itself ("the media"), unless that word only
    opens the noun ("Unser Anwalt", "Die Presse": German capitalises every noun)."""
    if not text[at : at + 1].isupper():
        return False
    before = _NAME_BEFORE.search(text[:at])
    return before is not None and not lx.has("determiner", before.group(0).split()[-1].lower())


def _senior(c: Cues, lx: Cues, low: str) -> bool:
    """Someone senior is named, not only a title in another sense ("data controller")."""
    if lx.has("not_senior", low):
        low = lx.patterns["not_senior"].sub(" ", low)
    return c.has("senior", low)


def _conditional_beside(c: Cues, lx: Cues, low: str) -> bool:
    """A condition or an ultimatum outside the words of a withdrawal."""
    rest = lx.patterns["withdraw"].sub(" ", low) if "withdraw" in lx.patterns else low
    return c.has("conditional", rest) or lx.has("ultimatum", rest)


_POLITE_END = re.compile(r"\s*(?:[).,;:!?\n]|$)")


def _after_otherwise(text: str, low: str, lx: Cues) -> str | None:
    """What follows a demand's "or" or "otherwise" ("Fix it by Friday or we walk", "Appelez-nous
    avant vendredi, sinon notre PDG raconte tout sur LinkedIn"): the demand before it is a main
    clause of its own, and what follows is read as a condition's consequence (it counts only
    when it is leaving or going public)."""
    if text.rstrip().endswith("?"):
        return None  # "Can you send it as PDF or we can call?" asks
    found = [(m, m.end()) for m in lx.find("otherwise", low)]
    # after "or we walk" the subject stays: "we walk"
    found += [(m, m.start() + len(m.group(0).split()[0])) for m in lx.find("or_subject", low)]
    for m, cut in sorted(found, key=lambda f: f[0].start()):
        clause = max(low.rfind(":", 0, m.start()), low.rfind(";", 0, m.start())) + 1
        demand = text[clause : m.start()].strip(" ,–—-")
        after = text[cut:].strip(" ,–—-")
        # "..., senão saímos": one word of leaving is enough
        enough = len(after.split()) >= MIN_CONSEQUENCE_WORDS or lx.has("leaving", after.lower())
        if len(demand.split()) >= MIN_LEAD_WORDS - 1 and enough:
            return after
    return None


def _inverted_condition(low: str, lx: Cues) -> list[tuple[int, int, bool]]:
    """A condition with its verb first (`inverted_condition`), opening the sentence or a clause
    after a colon, with a comma after it."""
    for m in lx.find("inverted_condition", low):
        clause = max(low.rfind(":", 0, m.start()), low.rfind(";", 0, m.start())) + 1
        if not low[clause : m.start()].strip(" -*•>\t\"'") and "," in low[m.end() :]:
            return [(m.start(), m.end(), False)]
    return []


def _opens_with_condition(low: str, lx: Cues) -> bool:
    """The sentence opens with a word that is a condition there ("Jak ..., to ...")."""
    first = next(iter(lx.find("condition_opener", low)), None)
    return first is not None and _opens_clause(low, first.start(), "") and "," in low[first.end() :]


def _opens_clause(low: str, start: int, marks: str) -> bool:
    """Whether the word at `start` opens the sentence (after a bullet, quote mark or `>` at
    most) or a clause after one of `marks`."""
    before = low[:start]
    last = before.rstrip()[-1:]
    return not before.strip(" -*•>\t\"'") or bool(last and last in marks)


def consequence(text: str, language: str) -> str | None:
    """What a condition or an ultimatum says will follow, verbatim from `text`: the main clause
    after "if ..., " / "one more ... and" / "either ... or", or before a trailing "if ..."."""
    low = text.lower()
    if len(low) != len(text):
        return None
    c, lx = cues(language), lexicon(language)
    taken_back = _spans(lx, "withdraw", low)  # "... niet als opzegging": no condition
    # "Please cancel Jo's seat (move her files if you can)": politeness ending its clause.
    taken_back += [
        (a, b) for a, b in _spans(lx, "polite_condition", low) if _POLITE_END.match(low, b)
    ]
    openers = sorted(
        (start, end, ultimatum)
        for start, end, ultimatum in (
            [(m.start(), m.end(), False) for m in c.find("conditional", low)]
            + [(m.start(), m.end(), True) for m in lx.find("ultimatum", low)]
            # "Sans réponse d'ici lundi, nous résilions": without an answer, as "if no answer",
            # where it opens a clause ("ci ha lasciati senza risposta" tells what happened)
            + [
                (m.start(), m.end(), False)
                for m in lx.find("without_condition", low)
                if _opens_clause(low, m.start(), ":;,–—")
            ]
        )
        if not any(a <= start and end <= b for a, b in taken_back)
        # "we haven't decided yet whether to renew": the "whether" of indecision sets no condition
        and not any(0 <= start - b <= UNDECIDED_GAP for _, b in _spans(lx, "undecided", low))
    )
    # A word that is a condition only when it opens the sentence or a clause after a colon
    # (Portuguese "Se cair de novo, a gente sai", "Vou ser direto: se ..., ...", where a bare
    # "se" is also a pronoun).
    first = next(
        (m for m in lx.find("condition_opener", low) if _opens_clause(low, m.start(), ":;–—")),
        None,
    )
    if first is not None:
        openers.insert(0, (first.start(), first.end(), False))
    # "Geht es beim nächsten Abschluss wieder schief, suchen wir uns einen anderen Anbieter",
    # "Maar ik zeg het vast: gaat het weer mis, dan ...": the verb first sets the condition.
    elif not openers and not text.rstrip().endswith("?"):
        openers += _inverted_condition(low, lx)
    # "Te lo digo claro: o esto queda resuelto antes del verano, o nos buscamos otro proveedor":
    # an "either" word ("o", "ou", "albo") opening the sentence or a clause after a colon, with
    # its "or" still to come, is an ultimatum (anywhere else it is a plain "or").
    eithers = lx.find("either", low)
    for either in eithers:
        clause = max(low.rfind(":", 0, either.start()), low.rfind(";", 0, either.start())) + 1
        opens = not low[clause : either.start()].strip(" -*•>\t\"'")
        then = next((m for m in eithers if m.start() >= either.end() + 3), None)
        after = text[then.end() :].strip(" ,–—-") if opens and then is not None else ""
        if len(after.split()) >= MIN_CONSEQUENCE_WORDS:
            return after
    if not openers:
        return _after_otherwise(text, low, lx)
    start, end, ultimatum = openers[0]
    # "..., otherwise we leave", "würden ... sonst auf Sonntag legen": after "otherwise" comes
    # what will follow; what comes before it is the condition, not a consequence.
    # "Arreglad esto; si no, nos vamos" is "otherwise"; "presentarán una demanda si no
    # recibimos una solución" sets a condition: an "if" word, with no pause on either side.
    otherwise = (
        ultimatum
        or not lx.has("condition_opener", low[start:end].split()[0])
        or not re.match(r"\s+[^\W\d_]", low[end:])
        or low[:start].rstrip()[-1:] in ",;:–—"
    )
    if otherwise and any(a == start and b == end for a, b in _spans(lx, "consequence", low)):
        after = text[end:].strip(" ,–—-")
        return after if len(after.split()) >= MIN_CONSEQUENCE_WORDS and after != text else None
    lead_from = max(low.rfind(":", 0, start), low.rfind(";", 0, start)) + 1
    before = text[lead_from:start].rstrip()
    lead = before.strip(" ,–—-")
    # "Honestly, if ...", "Let me be clear: if ...": the condition leads; "We cancel if ...": the
    # main clause comes first.
    if len(lead.split()) <= 1 or before.endswith((",", "–", "—", "-")):
        comma = re.search(r"[,–—]\s*|\s-\s|\bthen\b", low[end:])
        # "Noch ein Ausfall und wir sind raus": an ultimatum may name its matter itself, so the
        # link may follow it at once; after "if" a word must come first.
        gap = 1 if ultimatum else 3
        link = next((m for m in lx.find("consequence", low) if m.start() >= end + gap), None)
        cut = None
        if comma and (not ultimatum or link is None or comma.start() + end <= link.start()):
            cut = end + comma.end()
        elif link is not None:
            cut = link.end()
        # "Sin reembolso no renovamos": after "without" and what is missing, the negation
        # opens the main clause.
        if (
            cut is None
            and not lead
            and any(a == start for a, _ in _spans(lx, "without_condition", low))
        ):
            negation = next(
                (m for m in c.find("negators", low) if m.start() >= end),
                None,
            )
            cut = negation.start() if negation is not None else None
        if cut is None:
            # "..., den Vertrag zu kündigen, falls bis zum 20. März keine Lösung vorliegt": a
            # main clause before a comma and a trailing condition with nothing after it.
            if len(lead.split()) < MIN_LEAD_WORDS:
                return None
            found = lead
        else:
            found = text[cut:].strip(" ,–—-")
    else:
        found = lead
    return found if len(found.split()) >= MIN_CONSEQUENCE_WORDS and found != text else None


def auto_reply(sentences: list[str], language: str) -> bool:
    """An out-of-office or other automatic reply: said in its first lines, by name ("Automatic
    reply", "Abwesenheitsnotiz") or by two words of being away ("out of the office", "limited
    access to email")."""
    lx = lexicon(language)
    opening = " \n ".join(sentences[:4]).lower()
    return any(_names_itself(s.lower(), lx) for s in sentences[:4]) or (
        len(lx.find("away", opening)) >= 2
    )


def _names_itself(low: str, lx: Cues) -> bool:
    """ "Automatic reply: ...", "Dies ist eine automatische Antwort": the name opens the sentence
    (a title, or "this is an ..."). "Please disregard the automated reply you sent" is the
    customer writing about ours: a request word comes before the name."""
    for m in lx.find("auto_reply", low):
        before = low[: m.start()]
        if (
            len(before.split()) <= 3
            and not lx.has("polite_request", before)
            # "Ignore the auto-reply your helpdesk sent", "This is not an automatic reply", "I
            # was out of office last week": the customer writes about a reply, or about being
            # away, and is no reply.
            and not lx.has("about_a_reply", before)
        ):
            return True
    return False


def _without_no_trouble(low: str, lx: Cues, c: Cues) -> str:
    """The sentence without a negation that says nothing is wrong ("two of us can't make it"),
    unless it names leaving or a public channel ("can't wait to write the G2 review")."""
    if lx.has("no_trouble", low) and not (c.has("legal_public", low) or lx.has("leaving", low)):
        return lx.patterns["no_trouble"].sub(" ", low)
    return low


def explicit(text: str, language: str, legal: bool = True, label: str | None = None) -> bool:
    """The sentence names what an escalation is about (leaving, someone senior, a legal or public
    channel, something broken), not only a mood or a topic ("we need to talk about the
    contract", "this cannot go on"). With `label`, what that signal is about: "our director
    forwarded me the notice below" names someone senior, not leaving."""
    c, lx = cues(language), lexicon(language)
    low = text.lower()
    names = {
        # Staying, paying or signing names the stakes only when it is in doubt ("we won't
        # renew", "if ... we stop paying"); "attached the signed order form" does not.
        "leaving": lambda: (
            lx.has("leaving", low)
            or lx.has("stakes", low)
            or lx.has("looking_elsewhere", low)  # "andere Anbieter anschauen": weighing it
            # The cue list of leaving holds the people who decide it too ("diretor*"): a
            # person named is someone senior, not leaving.
            or any(not _senior(c, lx, m.group(0)) for m in c.find("leave_words", low))
            or (c.has("stay_words", low) and (c.has("negators", low) or c.has("conditional", low)))
        ),
        "senior": lambda: _senior(c, lx, low),
        "legal": lambda: legal and (c.has("legal_public", low) or lx.has("hear_about", low)),
        "broken": lambda: (
            c.has("problem_words", _without_no_trouble(low, lx, c)) or lx.has("other_party", low)
        ),
    }
    # What a sentence must name to carry the signal (the signal table says); else any of them.
    own = table.signal(label).names if label else None
    return any(names[name]() for name in ((own,) if own else tuple(names)))


def decides(text: str, language: str) -> bool:
    """The sentence names something a leader decides: money (a price, a credit, a refund), terms,
    an exception, people or budget committed ("rozłożenia płatności na raty", "can you waive the
    fee"); a contract named alone is not one ("please send the current DPA")."""
    return lexicon(language).has("authority", text.lower())


def asks_what_is_offered(text: str, language: str) -> bool:
    """The sentence moves between our billing plans ("queremos passar do plano mensal pro
    anual"), asks for the terms already agreed ("onder dezelfde voorwaarden als het huidige
    contract") or asks for something only if it exists ("Se tiver desconto por volume, já inclui
    na proposta", "if there's a nonprofit discount, please apply it"), with no trouble or
    leaving beside it: a matter of what is on offer, not a decision asked of anyone."""
    lx, c, low = lexicon(language), cues(language), text.lower()
    if _plan_switch(low, lx, c) and not troubled(text, language):
        return True
    # "Graag onder dezelfde voorwaarden als het huidige contract": the terms already agreed,
    # asked for again (more seats, a renewal), ask for no exception; "approve a 30% discount on
    # the same terms" still names one.
    if (
        lx.has("same_terms", low)
        and not lx.has("authority", lx.patterns["same_terms"].sub(" ", low))
        and not troubled(text, language)
        and not c.has("negators", low)
        and not lx.has("leaving", low)
    ):
        return True
    # "If there's a way to waive the fee, we need your leadership to approve it by Friday" asks
    # for a decision: only a polite request with no leaving, deadline or trouble asks what is
    # on offer ("If there's no discount, we walk" is a condition of leaving).
    return (
        lx.has("if_offered", low)
        and (lx.has("polite_request", low) or c.has("request_markers", low))
        and not any(c.has(f, low) for f in ("deadline", "leave_words"))
        and not any(lx.has(f, low) for f in ("leaving", "ultimatum", "wants_out", "otherwise"))
        and not lx.has("looking_elsewhere", low)
        and not troubled(text, language)
    )


def reassuring(text: str, language: str) -> bool:
    """Nothing is wrong or needed on our side ("por nuestra parte todo siguió funcionando sin
    problema", "ci abitueremo"), said outright, not as a condition."""
    low = text.lower()
    c = cues(language)
    if c.has("conditional", low):
        return False
    # "This is not a routine check: we are terminating", "non si tratta di un controllo di
    # routine": a reassurance denied in its own clause reassures no one ("Not ideal, but we'll
    # manage" still does).
    negated = [m.end() for m in c.find("negators", low)]

    def denied_here(start: int) -> bool:
        for end in negated:
            gap = low[end:start]
            if end <= start and len(gap.split()) <= NEGATED_REASSURANCE and not _PAUSE.search(gap):
                return True
        return False

    return any(not denied_here(m.start()) for m in lexicon(language).find("reassure", low))


def asks_without_leaving(text: str, language: str, ctx: Context) -> bool:
    """A request or question that names no leaving ("please let me know who approves this"):
    whatever it is about, it is not a threat to leave."""
    low = text.lower()
    lx = lexicon(language)
    if not (ctx.request or ctx.question or lx.has("asks", low)):
        return False
    return not (
        lx.has("leaving", low)
        or lx.has("looking_elsewhere", low)
        or cues(language).has("conditional", low)
        or lx.has("ultimatum", low)
    )


def own_doing(text: str, language: str) -> bool:
    """The customer says in so many words that they caused it ("el problema era nuestro")."""
    low = text.lower()
    return lexicon(language).has("own_doing", low) and not cues(language).has("conditional", low)


def unresolved(text: str, language: str) -> bool:
    """A resolution denied ("Non è risolto", "it is not fixed"): whatever an earlier message or
    a closed ticket says, the problem is open."""
    c = cues(language)
    low = text.lower()
    for m in c.find("resolved", low):
        clause = re.split(r"[.;:!?,]", low[: m.start()])[-1]
        if c.has("negators", clause) and not c.has("conditional", clause):
            return True
    return False


def wished_for(text: str, language: str) -> bool:
    """Every word of resolution is something someone else wants done ("she wants the records
    recovered", "er verlangt, dass die Daten wiederhergestellt werden"): a request told in the
    third person, not a problem said to be over."""
    c, lx = cues(language), lexicon(language)
    low = text.lower()
    found = c.find("resolved", low)
    return bool(found) and all(
        lx.has("wished_by_them", re.split(r"[.;:!?]", low[: m.start()])[-1]) for m in found
    )


_SEMICOLON = re.compile(r";\s+")


def joined(text: str, language: str) -> list[str]:
    """The statements of a sentence that joins them with "and" or a semicolon ("Your update
    deleted three months of our data, and we will not renew"; "we will cancel the contract and
    talk to our lawyer"; "We won't renew; I've asked our lawyer to review"), verbatim, when each side has words enough to say something; else none. Each is read
    on its own too, so one reading cannot hide the other."""
    low = text.lower()
    if len(low) != len(text):
        return []
    pieces: list[str] = []
    start = 0
    lx = lexicon(language)
    joins = [*lx.find("and_then", low), *_SEMICOLON.finditer(low)]
    for m in sorted(joins, key=lambda m: m.start()):
        if m.start() < start:
            continue
        before = text[start : m.start()].strip(" ,;")
        after = text[m.end() :].strip(" ,;.!")
        # "without seeing a fix and a plan from your leadership": "and" before a determiner
        # joins two things, not two statements.
        words = after.split()
        things = bool(words) and m.re is not _SEMICOLON and lx.has("determiner", words[0].lower())
        if (
            len(before.split()) >= MIN_JOINED_WORDS
            and len(words) >= MIN_JOINED_WORDS
            and not things
        ):
            pieces.append(before)
            start = m.end()
    if not pieces:
        return []
    return [*pieces, text[start:].strip(" ,;")]


# Characters between the plan and a verb that governs it: "cancelar o plano mensal ...",
# "vom Monatsabo auf das Jahresabo wechseln".
PLAN_VERB_GAP = 20


def _plan_switch(low: str, lx: Cues, c: Cues) -> bool:
    """A move between our billing periods ("queremos cancelar o plano mensal e passar pro
    anual", "switch from monthly to annual"), with no trouble, ultimatum or look elsewhere in
    the sentence, the contract not named outside it, and no word of leaving but one that
    governs the plan ("switch us to monthly now, and we'll cancel entirely in March" leaves)."""
    if not lx.has("plan_switch", low):
        return False
    if any(lx.has(f, low) for f in ("ultimatum", "wants_out", "looking_elsewhere", "trouble")):
        return False
    if c.has("problem_words", low):
        return False
    spans = _spans(lx, "plan_switch", low)
    rest = lx.patterns["plan_switch"].sub(" ", low)
    if lx.has("whole_account", rest):
        return False

    def next_to(start: int, end: int) -> bool:  # no clause break between: one phrase
        between = low[start:end]
        return 0 <= end - start <= PLAN_VERB_GAP and not _CLAUSE_CUT.search(between)

    for x, y in _spans(lx, "leaving", low) + _spans(c, "leave_words", low):
        inside = any(a <= x and y <= b for a, b in spans)
        governs = any(next_to(y, a) or next_to(b, x) for a, b in spans)
        if not (inside or governs):
            return False
    return True


def _back_to_normal(low: str, c: Cues, lx: Cues) -> bool:
    """Back to normal, asserted by the customer: not negated, wished for, asked, set as a
    condition, told of someone else ("your status page says everything is normal, but ..."),
    or followed by trouble, "still", "again" or a "but" in the same sentence."""
    found = lx.find("back_to_normal", low)
    if not found or low.rstrip().endswith("?"):
        return False
    if any(c.has(f, low) for f in ("conditional", "request_markers", "reported_speech")):
        return False
    if c.has("third_party", low) or lx.has("your_side", low):
        return False
    for m in found:
        before = _CLAUSE_CUT.split(low[: m.start()])[-1]
        after = low[m.end() :]
        if c.has("negators", before) or any(
            c.has(f, after) for f in ("problem_words", "still", "again", "contrast")
        ):
            continue
        return True
    return False


def _entity_change(low: str, lx: Cues, c: Cues) -> bool:
    """The customer's company merged, bought or renamed ("Studio Bianchi è stata incorporata in
    ...", "the contracting entity moves from ... to ..."), with nothing else of leaving in the
    sentence: not the contract, the subscription or the renewal named, no word of leaving
    outside the merger's own words, no trouble, and not our company bought ("since you were
    acquired by Globex, ... we will not be renewing")."""
    if not lx.has("entity_change", low):
        return False
    rest = lx.patterns["entity_change"].sub(" ", low)
    return not (
        lx.has("whole_account", rest)
        or lx.has("leaving", rest)
        or c.has("leave_words", rest)
        or c.has("problem_words", rest)
        or lx.has("trouble", rest)
        or lx.has("your_side", rest)
        or lx.has("you_words", rest)
    )


def _seats_only(low: str, lx: Cues) -> bool:
    """A seat or two named, not the account, and no other word of leaving."""
    if not lx.has("seat_words", low) or lx.has("whole_account", low) or lx.has("all_seats", low):
        return False
    rest = lx.patterns["seat_words"].sub(" ", low)
    return not any(lx.has(f, rest) for f in ("wants_out", "looking_elsewhere", "switching_to"))


def calls_off_a_meeting(text: str, language: str) -> bool:
    """A clause that calls off or moves a meeting, a demo or a call ("Den Termin am Donnerstag
    muss ich leider absagen", "ik moet de demo van donderdag annuleren"), with the account not
    named there, no word of leaving anywhere else in the sentence and no condition or trouble."""
    c, lx, low = cues(language), lexicon(language), text.lower()
    if not (lx.has("meeting_words", low) and lx.has("call_off", low)):
        return False
    # "We'll cancel the demo and the rollout unless the crashes stop": a threat's form.
    if (
        c.has("conditional", low)
        or troubled(text, language)
        or any(lx.has(f, low) for f in ("ultimatum", "legal_action", "hear_about"))
    ):
        return False
    start = 0
    for stop in [*_CLAUSE_END.finditer(low), None]:
        end = stop.start() if stop else len(low)
        clause = low[start:end]
        if not lx.has("whole_account", clause) and _near(
            lx.find("meeting_words", clause), lx.find("call_off", clause), clause
        ):
            rest = low[:start] + " " + low[end:]
            inside = lx.patterns["call_off"].sub(" ", clause)
            return not any(
                lx.has(f, rest) or lx.has(f, inside)
                for f in ("leaving", "wants_out", "looking_elsewhere", "switching_to")
            )
        start = stop.end() if stop else len(low)
    return False


def _near(nouns: list[re.Match[str]], verbs: list[re.Match[str]], clause: str) -> bool:
    return any(
        len(clause[min(n.end(), v.end()) : max(n.start(), v.start())].split()) <= MEETING_GAP
        for n in nouns
        for v in verbs
    )


def troubled(text: str, language: str) -> bool:
    """A word of trouble or of a problem: something wrong is said."""
    low = text.lower()
    return cues(language).has("problem_words", low) or lexicon(language).has("trouble", low)


def keeps_the_rest(text: str, language: str) -> bool:
    """The rest of the account carries on as it is ("La suscripción de producción sigue igual",
    "O plano principal continua igual"), with nothing wrong said."""
    lx, low = lexicon(language), text.lower()
    return lx.has("rest_unchanged", low) and not (
        troubled(text, language) or lx.has("leaving", low)
    )


def names_a_part(text: str, language: str) -> bool:
    """Leaving that names no contract, subscription or renewal as such ("no vamos a renovar el
    entorno sandbox"): beside a sentence that keeps the rest (`keeps_the_rest`), a part."""
    lx, low = lexicon(language), text.lower()
    return not (
        lx.has("whole_account", low)
        or lx.has("all_seats", low)
        or any(lx.has(f, low) for f in ("wants_out", "looking_elsewhere", "switching_to"))
    )


def administrative(text: str, language: str) -> bool:
    """Cancelling a seat or two, or calling off a meeting: what else the sentence is read as
    must be certain."""
    return _seats_only(text.lower(), lexicon(language)) or calls_off_a_meeting(text, language)


def _something_wrong(low: str, c: Cues, lx: Cues) -> bool:
    """A word of trouble, leaving, a threat's form or a negation in the sentence: an offer or a
    routine step beside it is no longer calm ("we'll write a review about this outage")."""
    return (
        c.has("problem_words", low)
        or (c.has("negators", low) and not lx.has("polite_condition", low))
        or (c.has("conditional", low) and not lx.has("polite_condition", low))
        or any(
            lx.has(f, low)
            for f in ("leaving", "wants_out", "trouble", "hear_about", "legal_action", "ultimatum")
        )
    )


def precedent(text: str, language: str, ctx: Context) -> bool:
    """What the customer once did to a supplier, told as history ("L'ultima volta che un
    fornitore ci ha lasciati senza risposta, il nostro ufficio legale ha avviato un'azione", "W
    zeszłym roku zerwaliśmy umowę z poprzednim dostawcą"): leaving or a legal step, in the past
    or against another supplier."""
    c, lx, low = cues(language), lexicon(language), text.lower()
    if not (ctx.past or lx.has("other_supplier", low)):
        return False
    return (
        ctx.legal_public
        or any(lx.has(f, low) for f in ("leaving", "wants_out", "legal_action"))
        or c.has("leave_words", low)
    )


def count_on_us_not(text: str, language: str) -> bool:
    """Leaving said as "don't count on us for the renewal" ("não contem connosco para a
    renovação", "rechnen Sie nicht mit einer Verlängerung"): the renewal or the contract named,
    so "don't count on us for the webinar" is not leaving."""
    lx, low = lexicon(language), text.lower()
    return lx.has("no_count_on_us", low) and lx.has("leaving_when", low)


def leaving_consequence(text: str, language: str, ctx: Context) -> bool:
    """The consequence of a condition is leaving ("se cair de novo, a gente sai"), or a farewell
    ("jeżeli ... znowu ..., to dziękujemy za współpracę")."""
    lx = lexicon(language)
    low = text.lower()
    if ctx.withdrawn or ctx.question or ctx.howto:
        return False
    # "..., não renovamos", "..., we won't renew": the staying the condition withholds.
    if withholds_staying(text, language):
        return True
    if ctx.denied or ctx.staying:
        return False
    return (
        any(lx.has(f, low) for f in ("leaving", "looking_elsewhere", "wants_out", "farewell"))
        or switches_to_a_name(text, language)
        or count_on_us_not(text, language)
    )


def withholds_staying(text: str, language: str) -> bool:
    """A negation right before a word of staying, and nothing else of substance ("não
    renovamos", "we won't renew", "verlängern wir nicht"): the consequence of a condition that
    withholds the renewal, the payment or the signature."""
    c, low = cues(language), text.lower().strip(" .!")
    if len(low.split()) > MAX_STAKE_WORDS + 2:
        return False
    stays = c.find("stay_words", low)
    negators = c.find("negators", low)
    before = any(
        s.start() >= n.end() and len(low[n.end() : s.start()].split()) <= 1
        for n in negators
        for s in stays
    )
    # German and Dutch put the negation last: "verlängern wir nicht", "verlengen we niet".
    after = language in VERB_SECOND and any(
        n.start() >= s.end()
        and len(low[s.end() : n.start()].split()) <= 2
        and not low[n.end() :].strip(" .!")
        for n in negators
        for s in stays
    )
    return before or after


def _plainly_said(ctx: Context) -> bool:
    """Stated now: not denied, taken back, asked, a how-to, past or over."""
    return not (
        ctx.denied or ctx.withdrawn or ctx.question or ctx.howto or ctx.past or ctx.resolved
    )


def _pays_for_the_last(text: str, language: str) -> bool:
    """ "The last quarter" followed by paying or renewing ("el último trimestre que pagamos"),
    not negated."""
    c, lx, low = cues(language), lexicon(language), text.lower()
    for m in lx.find("last_period", low):
        after = " ".join(low[m.end() :].split()[:LAST_PERIOD_GAP])
        if c.has("stay_words", after) and not c.has("negators", after):
            return True
    return False


def replaces_you(text: str, language: str, ctx: Context) -> bool:
    """Another product weighed to replace ours ("We are evaluating Zendesk as a replacement for
    your product", "stiamo valutando X in sostituzione della vostra piattaforma"), said plainly:
    leaving weighed, whether or not anything wrong is said."""
    return _plainly_said(ctx) and lexicon(language).has("replaces_you", text.lower())


def last_period(text: str, language: str, ctx: Context) -> bool:
    """The last period or invoice they will pay or renew ("este es el último trimestre que
    pagamos por esto", "to ostatni kwartał, za który płacimy"): notice of leaving, said plainly
    and not of the past ("the last invoice we paid was wrong")."""
    return _plainly_said(ctx) and not ctx.staying and _pays_for_the_last(text, language)


def notice_of_leaving(text: str, language: str, ctx: Context) -> bool:
    """A short notice naming leaving and its date ("Opzegging contract per 1 juli.", "Disdetta
    del contratto dal 1 luglio."): leaving given notice of, with no verb to deny or ask it."""
    if not _plainly_said(ctx) or ctx.other_leave or ctx.staying:
        return False
    lx, low = lexicon(language), text.lower()
    first = next(iter(lx.find("leaving", low)), None)
    return (
        len(text.split()) <= MAX_NOTICE_WORDS
        # The notice opens with leaving and names the whole account, as a subject line does.
        and first is not None
        and _opens_clause(low, first.start(), "")
        and lx.has("whole_account", low)
        and not lx.has("leave_other_sense", low)
        and not cues(language).has("conditional", low)
        and DATE.search(text) is not None
    )


def moves_to_a_name(text: str, language: str, ctx: Context) -> bool:
    """Moving the renewal, the contract or the budget to a vendor the customer names, said
    plainly ("After that we move the budget to Initech."), is leaving whatever else is said."""
    if not _plainly_said(ctx):
        return False
    return not (ctx.staying or ctx.other_leave) and switches_to_a_name(text, language)


def weighs_up(text: str, language: str) -> bool:
    """Staying not decided yet ("We haven't decided yet whether to renew"): calm only where
    nothing is wrong in the email (the reader checks that)."""
    low = text.lower()
    return bare_indecision(text, language) or (
        lexicon(language).has("undecided", low) and cues(language).has("stay_words", low)
    )


def bare_indecision(text: str, language: str) -> bool:
    """ "Nous n'avons pas encore décidé.": the indecision alone, naming nothing else."""
    lx, low = lexicon(language), text.lower()
    if not lx.has("undecided", low):
        return False
    rest = lx.patterns["undecided"].sub(" ", low).strip(" .!,;")
    return len(rest.split()) <= BARE_INDECISION


def not_working(text: str, language: str) -> bool:
    """Something that does not work, as the language negates it ("De export werkt al twee weken
    niet", "Der Export funktioniert nicht", "L'export ne fonctionne plus")."""
    low = text.lower()
    return lexicon(language).has("works_words", low) and cues(language).has("negators", low)


def cancels_all_seats(text: str, language: str, ctx: Context) -> bool:
    """Every seat or licence cancelled ("Proszę anulować wszystkie 40 licencji z końcem
    miesiąca"): the account itself, however politely asked."""
    if not _plainly_said(ctx):
        return False
    lx, low = lexicon(language), text.lower()
    leaving = [
        m
        for m in cues(language).find("leave_words", low)
        if not _senior(cues(language), lx, m.group(0))
    ]
    return lx.has("all_seats", low) and (lx.has("leaving", low) or bool(leaving))


def leaves_without(text: str, language: str, ctx: Context) -> bool:
    """Leaving on a condition "without" sets ("We will not renew without a refund", "Sin
    reembolso antes de esa fecha, no renovaremos"): the condition is the threat."""
    if not _plainly_said(ctx):
        return False
    lx, low = lexicon(language), text.lower()
    if not lx.has("without_condition", low):
        return False
    rest = lx.patterns["without_condition"].sub(" ", low)
    return lx.has("leaving", rest) or lx.has("wants_out", rest)


@lru_cache(maxsize=16)
def _no_then_no(language: str) -> re.Pattern[str] | None:
    words = [re.escape(str(w)) for w in lexicon_file(language).get("no_then_no") or []]
    if not words:
        return None
    no = "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"
    return re.compile(
        rf"^\W*{no}\s*\b[^,;:.!?]{{1,60}}?[,;:\u2013\u2014-]\s*{no}\s*(?P<stake>\w[^,;:.!?]{{0,40}}?)\W*$",
        re.IGNORECASE,
    )


def no_then_no(text: str, language: str, ctx: Context) -> bool:
    """ "No refund, no renewal.", "Keine Gutschrift, keine Verlängerung.": the first half is the
    condition, the second the staying it withholds."""
    if ctx.withdrawn or ctx.question or ctx.howto or ctx.past or ctx.resolved:
        return False
    shape = _no_then_no(language)
    m = shape.match(text.strip()) if shape else None
    # The second half is only the staying withheld: "no renewal changes needed" says more.
    return (
        m is not None
        and len(m.group("stake").split()) <= MAX_STAKE_WORDS
        and cues(language).has("stay_words", m.group("stake").lower())
    )


def not_about_you(text: str, language: str) -> bool:
    """A forwarder saying the note is about someone else ("het eerste stuk gaat over onze
    printerleverancier, niet over jullie"), naming whom it is about, and not taking it back
    ("not about you personally, but you should know")."""
    lx, low = lexicon(language), text.lower()
    said = lx.find("not_about_you", low)
    # "This is not about you, Sam, you've been great" reassures the rep; the disclaimer must
    # name another supplier or party.
    return (
        bool(said)
        and lx.has("other_supplier", low)
        and not lx.has("contrast", low[said[0].start() :])
    )


def looking_elsewhere(text: str, language: str, ctx: Context) -> bool:
    """Already looking at other vendors, moving to one they name, or wanting out of the contract
    ("we want out of the contract now"), said plainly and not denied or asked."""
    if not _plainly_said(ctx):
        return False
    lx, low = lexicon(language), text.lower()
    return (
        lx.has("looking_elsewhere", low)
        or lx.has("wants_out", low)
        or switches_to_a_name(text, language)
        or count_on_us_not(text, language)
    )


_NAME = re.compile(r"\s*[\"'“‘]?(?:[A-Z][\w&.’'-]*|[a-z]+[A-Z][\w&.’'-]*)")


def switches_to_a_name(text: str, language: str) -> bool:
    """Moving to a vendor the customer names at the renewal or instead of us ("We are switching
    to Salesforce at renewal", "przechodzimy na Salesforce po wygaśnięciu umowy"): switching vendor
    is not renewing. Without the renewal, the contract or "instead of you" a move to a name is
    their own tools ("we're moving to Azure AD next month").
    A name is a capitalised word that is no determiner; "switching to the new UI", "moving to
    annual billing" name none."""
    if len(text.lower()) != len(text):
        return False
    lx = lexicon(language)
    if not lx.has("leaving_when", text.lower()):
        return False  # "We're moving to Azure AD next month": their own tools, not our place
    for m in lx.find("switching_to", text.lower()):
        name = _NAME.match(text, m.end())
        word = name.group(0).strip(" \"'“‘").lower() if name else ""
        # "move the budget to Q3": a time, not a vendor
        if name and not lx.has("determiner", word) and not DATE.fullmatch(word):
            return True
    return False


TAG_STATEMENT_WORDS = 2  # "We're out, ok?": a statement before a tag after a comma
BARE_TAG_STATEMENT_WORDS = 4  # "Is that ok?" or "It works ok" keep their "ok"
_TAG_END = re.compile(r"\s*[?!.…]*\s*$")


def without_tag(text: str, language: str) -> str:
    """The statement a trailing tag turns into a question without asking anything ("we will
    cancel at renewal, ok?", "Cancelamos en la renovación, ¿vale?", "We will cancel at renewal
    ok"): what is read is the statement, verbatim, as the customer means it; the tag made the
    classifier read a question (0.44 for leaving) where the statement reads 0.81. A tag follows
    a comma or a dash; an "ok" may follow a statement of four words or more with nothing
    between, and no question mark after it."""
    low = text.lower()
    if len(low) != len(text):
        return text
    lx = lexicon(language)
    for family, words, joins in (
        ("tag_question", TAG_STATEMENT_WORDS, ",–—-"),
        ("bare_tag", BARE_TAG_STATEMENT_WORDS, ""),
    ):
        for m in lx.find(family, low):
            if not _TAG_END.fullmatch(low, m.end()):
                continue
            before = text[: m.start()].rstrip(" ¿¡")
            statement = before.rstrip(" ,–—-")
            if joins and (before == statement or before[len(statement) :].strip()[:1] not in joins):
                continue
            # "Would Friday be ok?" asks: a bare "ok" is a tag only on a statement.
            if not joins and (before != before.rstrip(",;:–—-") or "?" in low[m.end() :]):
                continue
            if len(statement.split()) >= words and statement[-1:].isalnum():
                return statement + "."  # the tag ended the statement: it reads as one
    return text


def counsel_copied(text: str, language: str, ctx: Context) -> bool:
    """A lawyer of theirs put in copy from now on ("starting today, Rachel Kim from our legal team
    will be copied on everything", "da oggi è in copia anche l'Avv. Paola Ferraris"): a standing
    change that takes the matter to legal, unlike a lawyer copied to review a contract."""
    if ctx.denied or ctx.withdrawn or ctx.question or ctx.howto:
        return False
    lx, low = lexicon(language), text.lower()
    return (
        lx.has("in_copy", low)
        and lx.has("lawyer", low)
        and lx.has("from_now_on", low)
        and not lx.has("legal_routine", low)
    )


def only_again(text: str, language: str, ctx: Context) -> bool:
    """Read as over only because something happens again ("data is flowing again"), with no word
    of resolution asserted: the same words tell a recurrence ("o checkout travou de novo", "pede
    pra gente explicar tudo de novo"), which the sentence's meaning must settle."""
    if not ctx.resolved:
        return False
    c, lx, low = cues(language), lexicon(language), text.lower()
    if _back_to_normal(low, c, lx):
        return False
    return not any(
        not c.has("negators", re.split(r"[.;:!?,]", low[: m.start()])[-1])
        for m in c.find("resolved", low)
    )


def _unnegated(found: list[re.Match[str]], low: str, c: Cues) -> bool:
    """Any of the phrases found is said without a negation before it in its clause."""
    return any(not c.has("negators", _CLAUSE_CUT.split(low[: m.start()])[-1]) for m in found)


def _trust_said(text: str, language: str, ctx: Context) -> bool | None:
    """Whether a sentence that names trust lost says so of us now: None when it names none."""
    c, lx, low = cues(language), lexicon(language), text.lower()
    found = lx.find("trust_lost", low)
    if not found:
        return None
    if ctx.denied or ctx.withdrawn or ctx.question or ctx.howto or ctx.past:
        return False
    if c.has("conditional", low) or lx.has("other_supplier", low):
        return False
    return _unnegated(found, low, c)


def trust_lost(text: str, language: str, ctx: Context) -> bool:
    """The customer says their trust in us is gone ("A confiança foi embora", "we've lost all
    trust in your team"): the relationship is at risk. Not when negated before it ("we haven't
    lost trust"), asked, set as a condition, taken back or told of another supplier."""
    return _trust_said(text, language, ctx) is True


def trust_kept(text: str, language: str, ctx: Context) -> bool:
    """Trust named only to say it is not lost, or lost in another supplier ("we haven't lost
    trust in you", "we lost trust in our previous vendor"): no relationship at risk."""
    return _trust_said(text, language, ctx) is False


def hard_to_justify(text: str, language: str, ctx: Context) -> bool:
    """The spend on us said to be hard to justify or defend inside the customer ("eu não consigo
    mais justificar a ferramenta pro CFO", "przy odnowieniu w czerwcu będzie ciężko"): the deal at
    risk, said without a threat. Not asked, denied, set as a condition or told as over."""
    if ctx.denied or ctx.withdrawn or ctx.question or ctx.howto or ctx.past or ctx.positive:
        return False
    c, low = cues(language), text.lower()
    if c.has("conditional", low):
        return False
    return _unnegated(lexicon(language).find("hard_to_justify", low), low, c)


def internal_escalation(text: str, language: str) -> bool:
    """The customer's own process of escalating, inside their organisation ("lo he escalado
    internamente a nuestro director financiero", "u nas każde zwiększenie liczby licencji jest
    eskalowane do kierownika"): neither a request for our manager nor a word of leaving. A
    sentence that turns to us ("... and she wants your CEO on a call"), or says what went wrong
    or who is thinking of leaving, is not only that."""
    lx, c, low = lexicon(language), cues(language), text.lower()
    return (
        lx.has("escalate_words", low)
        and (lx.has("internally", low) or c.has("own_side", low))
        and not lx.has("you_words", low)
        # "... to our board, who are considering terminating the contract", "...; the platform
        # has been down for three days": what it was escalated for is said beside it. A rule
        # described ("alles wat onze servicedesk niet binnen een uur oplost, wordt geëscaleerd")
        # names what the rule is for, not what went wrong.
        and not any(lx.has(f, low) for f in ("leaving", "looking_elsewhere", "wants_out"))
        and (
            lx.has("as_a_rule", low)
            or not (troubled(text, language) or c.has("problem_words", low))
        )
    )


def cites_published(text: str, language: str) -> bool:
    """A sentence that cites what we publish, where it is found ("Vi na vossa página de preços
    que há um desconto para contratos a 24 meses", "en vuestra web pone que hay un 20 % de
    descuento"), with nothing wrong or leaving in it: what is on offer, asked about, not a
    decision or a dispute. The page named as what went wrong ("your website has kicked me out")
    is not cited there."""
    lx, c, low = lexicon(language), cues(language), text.lower()
    return (
        lx.has("published", low)
        and not troubled(text, language)
        and not c.has("problem_words", low)
        and not lx.has("contrast", low)  # "On your website it says X, but ..."
        and not lx.has("leaving", low)
        and not lx.has("looking_elsewhere", low)
    )


def legal_action(text: str, language: str, ctx: Context) -> bool:
    """A legal or public channel of theirs takes the matter up ("our general counsel will be in
    touch", "sprawą zajmie się nasz dział prawny")."""
    if not ctx.legal_public or ctx.denied or ctx.withdrawn or ctx.question or ctx.howto:
        return False
    lx, low = lexicon(language), text.lower()
    # "We just had to file a lawsuit against our former logistics provider": someone else's.
    if lx.has("other_supplier", low) or lx.has("other_party", low):
        return False
    return lx.has("legal_action", low)


def withdraws_before(text: str, language: str, ctx: Context) -> bool:
    """A sentence that opens by withdrawing ("No need anymore, the patch fixed it", "Forget
    that."): what the sentence before it asked or threatened is withdrawn too."""
    if not ctx.withdrawn:
        return False
    low = text.lower().lstrip(" -*•>\t")
    c, lx = cues(language), lexicon(language)
    first = [m.start() for m in (*c.find("withdrawn", low), *lx.find("withdraw", low))]
    return bool(first) and min(first) <= 3


def said_before(text: str, language: str) -> bool:
    """What the customer said or wrote before, told in the first person ("Last month I said we'd
    probably cancel", "Vorige maand schreef ik dat we zouden opzeggen"); not "as I said, ...",
    which stands by it."""
    lx, low = lexicon(language), text.lower()
    if lx.has("as_said", low):
        return False
    for m in lx.find("said_before", low):
        # "Like I told you", "Come vi avevo scritto", "Jak już wcześniej pisałem": an "as"
        # word a few words before it.
        lead = _CLAUSE_CUT.split(low[: m.start()])[-1].split()[-AS_GAP:]
        if not any(lx.has("as_word", word) for word in lead):
            return True
    return False


def chases(text: str, language: str) -> bool:
    """Whether a message chases an answer that has not come ("Any update?", "Still waiting",
    "Ich hake nach", "Nog steeds geen antwoord")."""
    return lexicon(language).has("chases", text.lower())


def stands_by(text: str, language: str, ctx: Context) -> bool:
    """A sentence that stands by what was said before it ("Nothing has changed", "Daar is niets
    aan veranderd"), and does not ask."""
    # "Ora è risolto, lo confermo": what is now fixed is confirmed, not what was said before.
    if ctx.question or ctx.resolved or ctx.positive or ctx.withdrawn:
        return False
    return lexicon(language).has("stands_by", text.lower())


def turns_from(text: str, language: str, ctx: Context) -> bool:
    """A sentence that turns from what was said before it: taken back, or denied with nothing
    wrong said in it ("That's off the table now")."""
    # "Einen Rückruf brauchen wir nicht mehr, die Entscheidung ist gefallen": a decision said to be
    # made stands by what was said before; its "no need" is for something else.
    if ctx.question or lexicon(language).has("decided", text.lower()):
        return False
    # Good news or a stay is no taking back ("We've now signed with one of them and are happy",
    # "Thanks for your help over the years"): only words that take it back or deny it are.
    return ctx.withdrawn or (
        ctx.denied and not grievance(text, language, dataclasses.replace(ctx, denied=False))
    )


def grievance(text: str, language: str, ctx: Context) -> bool:
    """Something is wrong in this sentence: a problem, a persisting one, something that is not
    so, or a word of leaving; a denial ("we are not planning to leave") or a reassurance ("no
    problems on our side") reassures instead."""
    c, lx = cues(language), lexicon(language)
    low = text.lower()
    if reassuring(text, language) or ctx.resolved or ctx.past:
        return False  # "the outage last month is fixed" is not something wrong now
    # "We can't wait to roll it out", "two of us can't make it": a negation that says nothing
    # is wrong is read as if it were not there; so is "currently", which says nothing persists.
    # ("Can't wait to write the G2 review" names a public channel: sarcasm, not good news.)
    # "What is the notice period on our contract?": a term of the contract, not leaving.
    if lx.has("leave_other_sense", low):
        low = lx.patterns["leave_other_sense"].sub(" ", low)
    # "the contracting entity moves from Bramble Ltd to Northgate Bramble Ltd (company no.
    # 14829317)": a company merged or renamed; its leaving is the old entity's.
    entity = _entity_change(low, lx, c)
    if entity:
        low = lx.patterns["entity_change"].sub(" ", low)
    sarcasm = ctx.legal_public or lx.has("leaving", low)
    for family in ("no_trouble", "currently"):
        if lx.has(family, low) and not (family == "no_trouble" and sarcasm):
            low = lx.patterns[family].sub(" ", low)
    if lx.has("planned", low) and not c.has("still", low):
        return False  # announced maintenance is planned work
    if (
        c.has("problem_words", low)
        or lx.has("trouble", low)
        or lx.has("gravity", low)
        or lx.has("marks_urgent", low)
    ):
        return True
    # "Ainda existe?", "Is the old export still there?": a question with "still" asks, and so
    # does one with a negation ("Don't you have a CSV template?").
    if c.has("still", low) and not ctx.question:
        return True
    # "nic pilnego", "no rush": a negation that says the matter is small says nothing is wrong.
    if ctx.denied or ctx.withdrawn or ctx.howto or (ctx.minor and not lx.has("leaving", low)):
        return False
    # "I'd rather not add them one by one", "no quiero que se nos siga cobrando": a negation in
    # a wish asks for something; it says nothing is wrong.
    negated = c.has("negators", low) and not ctx.question and not lx.has("preference", low)
    # "We're moving to HubSpot": a vendor named to move to is a word of leaving.
    moving = switches_to_a_name(text, language) and not entity
    return lx.has("leaving", low) or lx.has("wants_out", low) or negated or moving


RHETORICAL_REST = 5  # words after "why should we renew" for it to stand as a question of its own
_COMPARING = frozenset(
    {"for", "on", "at", "into", "für", "pour", "por", "para", "per", "voor", "na"}
)


def rhetorical_threat(text: str, language: str, ctx: Context) -> str | None:
    """The signal of a question that only pretends to ask ("Tell me why I shouldn't post this on
    Twitter", "Will you refund us, or do we go to our lawyers?", "Why should we renew?"): a
    public or legal channel named, or leaving or staying."""
    low = text.lower()
    c, lx = cues(language), lexicon(language)
    if ctx.withdrawn or ctx.howto or ctx.past or ctx.other_leave:
        return None
    for m in lx.find("rhetorical_stay", low):
        # "Why should we renew?", "... after all this?"; "why should we renew for three years
        # instead of one?" compares offers and asks
        rest = re.findall(r"[^\W\d_]+", low[m.end() :].split("?")[0].split(".")[0])
        if len(rest) <= RHETORICAL_REST and not (rest and rest[0] in _COMPARING):
            return "cancellation_threat"
    if not lx.has("rhetorical", low):
        return None
    if c.has("legal_public", low) or lx.has("hear_about", low):
        return "legal_or_public_threat"
    if lx.has("leaving", low) or lx.has("wants_out", low):
        return "cancellation_threat"
    return None


def public_threat(text: str, language: str, ctx: Context) -> bool:
    """Others will hear of it, with the audience named: "our members will hear about this at the
    annual meeting"."""
    low = text.lower()
    found = lexicon(language).find("hear_about", low)
    # "nos adhérents en entendront parler ..., et je n'ai aucune intention de vous couvrir":
    # a negation in another clause denies nothing of it.
    return (
        bool(found)
        and ctx.legal_public
        and not (ctx.withdrawn or ctx.question or ctx.howto)
        and _unnegated(found, low, cues(language))
    )


def names_audience(text: str, language: str) -> str | None:
    """An audience of their own that will hear how we did ("la prochaine réunion du club des DSI",
    "400 membres"), or a rating they publish ("een review voor Trustpilot"): "audience" or
    "rating", or None."""
    lx, c, low = lexicon(language), cues(language), text.lower()
    # "we just gave you five stars on G2!": praise or promotion names no audience to fear.
    if lx.has("promotion", low) or c.has("praise", low):
        return None
    if lx.has("rating", low):
        return "rating"
    return "audience" if lx.has("audience", low) else None


def public_verdict(text: str, language: str, ctx: Context, rated: bool) -> bool:
    """A verdict on us that is not favourable ("En l'état, ce retour ne sera pas très
    flatteur", "je n'aurai pas grand-chose de positif à dire"), or, for a rating (`rated`), one
    that depends on what happens next ("Hoeveel sterren het worden, hangt af van wat er met onze
    tickets gebeurt"). Read beside an audience (`names_audience`): not asked, taken back, told
    as over, or a compliment; a case study or testimonial offered is promotion."""
    # "Hoeveel sterren het worden, hangt af van ...": a question word that opens a statement.
    asked = ctx.question and "?" in text
    if asked or ctx.howto or ctx.withdrawn or ctx.past or ctx.resolved or ctx.thanks:
        return False
    lx, low = lexicon(language), text.lower()
    if lx.has("promotion", low) or cues(language).has("praise", low):
        return False
    return lx.has("unflattering", low) or (rated and lx.has("verdict_depends", low))


def decided_to_leave(text: str, language: str, ctx: Context) -> bool:
    """A decision to leave, taken ("Mijn collega heeft gisteren besloten het contract op te
    zeggen", "Wir haben entschieden, nicht zu verlängern", "procurement decided to terminate
    the contract as of July 1"): the decision is past, the leaving to come, so it is no story
    of something over. Not when the decision is denied, asked about, taken back, long past
    ("last year we decided to cancel our previous vendor") or about leaving in another sense."""
    if ctx.denied or ctx.withdrawn or ctx.question or ctx.howto or ctx.past or ctx.other_leave:
        return False
    lx, low = lexicon(language), text.lower()
    decided = lx.find("decided", low)
    if not decided or lx.has("hedge", low):
        return False  # "we have not decided whether to renew" weighs it up
    rest = lx.patterns["leave_other_sense"].sub(" ", low[decided[0].end() :])
    leaving = lx.has("leaving", rest) or lx.has("wants_out", rest)
    return (
        (leaving or switches_to_a_name(text, language))
        and not denies_leaving(text, language)
        and not lx.has("other_supplier", rest)
    )


def publishes(text: str, language: str, ctx: Context, grievance: bool) -> bool:
    """Making it public on a channel the sentence names ("o nosso CEO vai publicar no LinkedIn o
    que aconteceu", "publikujemy to na Twitterze"), in an email where something is wrong or on
    a condition ("unless someone calls us by Friday, ..."): a public threat. Not denied, asked,
    taken back or told as over; a happy customer's case study names no condition or grievance."""
    if ctx.denied or ctx.withdrawn or ctx.question or ctx.howto or ctx.past or ctx.positive:
        return False
    low, lx = text.lower(), lexicon(language)
    if not lx.has("will_publish", low):
        return False
    if not (ctx.legal_public or lx.has("public_channel", low)):
        return False
    # "Unless you object, our CEO will post about our partnership": a courtesy, not a condition.
    if lx.has("promotion", low) or lx.has("polite_condition", low):
        return False
    return grievance or cues(language).has("conditional", low) or lx.has("ultimatum", low)


def denies_leaving(text: str, language: str) -> bool:
    """A word of leaving with a negation just before it, not in a condition ("Wir denken nicht an
    eine Kündigung", "nie zamierzamy rezygnować", "we're not going to cancel")."""
    low = text.lower()
    c = cues(language)
    if c.has("conditional", low):
        return False
    # "Sans réponse d'ici lundi, nous résilions": the "without" of a condition denies nothing.
    lx = lexicon(language)
    if lx.has("without_condition", low):
        low = lx.patterns["without_condition"].sub(" ", low)
    # Dutch splits the verb around its negation: "we zeggen niet op", "we gaan niet weg".
    if any(c.has("negators", m.group(0)) for m in c.find("leave_words", low)):
        return True
    return any(
        c.has("negators", low[max(0, m.start() - 30) : m.start()])
        for m in lexicon(language).patterns["leaving"].finditer(low)
    )


def closes(text: str, language: str, ctx: Context) -> bool:
    """The customer tells us the matter is over ("Happy for you to close the case", "Nothing for
    you to do", "Pode encerrar o chamado"): what the email says of an incident is history."""
    low = text.lower()
    found = lexicon(language).patterns["close_it"].search(low)
    if found is None or ctx.howto or cues(language).has("conditional", low):
        return False
    # "Nothing for you to do" is negated by design; "please don't close the ticket" is not closing.
    return not cues(language).has("negators", low[max(0, found.start() - 20) : found.start()])


def passes_on(text: str, language: str, ctx: Context) -> bool:
    """Asks that the message go to someone above the rep ("Merci de transférer ce message à
    votre responsable", "please forward this to your manager"): a request for them."""
    return (
        ctx.senior
        and lexicon(language).has("pass_on", text.lower())
        and not (ctx.denied or ctx.withdrawn or ctx.howto)
    )


def data_exposure(text: str, language: str, ctx: Context) -> bool:
    """Another party's data shown to this customer: "the CSV has another client's customer
    records in it"."""
    lx = lexicon(language)
    low = text.lower()
    return (
        lx.has("other_party", low)
        and lx.has("data_words", low)
        and not (ctx.question or ctx.howto or ctx.withdrawn or ctx.denied)
        and not cues(language).has("conditional", low)
    )


def contact_only(text: str, language: str) -> bool:
    return lexicon(language).has("contact_only", text.lower())


def asks(text: str, language: str) -> bool:
    return lexicon(language).has("asks", text.lower())


def _alternatives(entries: list[Any]) -> str:
    words = sorted(
        {str(e).strip().lower() for e in entries if str(e).strip()}, key=len, reverse=True
    )
    return "|".join(re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]") for w in words)


@lru_cache(maxsize=16)
def _how_to(language: str) -> re.Pattern[str] | None:
    """`how_open`, `how_doer` and `how_verb_endings` as one pattern for a sentence's start."""
    data = lexicon_file(language)
    opens, doers = data.get("how_open") or [], data.get("how_doer") or []
    endings = data.get("how_verb_endings") or []
    if not opens:
        return None
    verb = r"[^\W\d_][\w'’-]*"
    forms = []
    if doers:
        doer = _alternatives(doers)
        forms.append(rf"(?:{doer})(?:(?<=['’])|\s+){verb}")  # "comment je fais", "jak się"
        forms.append(rf"{verb}\s+(?:{doer})(?!\w)")  # "wie exportiere ich", "how would I"
    if endings:
        # "cómo exporto", "comment exporter", "jak wyeksportować"; not "Come detto, ...".
        forms.append(rf"[^\W\d_]{{2,}}(?:{_alternatives(endings)})(?!\w)(?!\s*,)")
    if not forms:
        return None
    lead = r"^[\s¿¡\"'“«(-]*"
    return re.compile(rf"{lead}(?:{_alternatives(opens)})\s+(?:{'|'.join(forms)})")


def asks_how(text: str, language: str) -> bool:
    """A question asking how or where to do something oneself, in the form each language gives it
    ("Wie exportiere ich den Bericht als CSV?", "¿Cómo exporto el informe a CSV?", "Jak
    wyeksportować raport?"), where the cues' fixed phrases ("wie kann ich", "cómo puedo") do not
    reach. A question that names leaving or staying ("Wie sollen wir da noch verlängern?") may
    only pretend to ask: it is not read so."""
    found = _how_to(language)
    low = text.lower().strip()
    if found is None or not low.endswith("?") or not found.match(low):
        return False
    c = cues(language)
    return not (
        lexicon(language).has("leaving", low)
        or c.has("leave_words", low)
        or c.has("stay_words", low)
    )


_COLON = re.compile(r"(?<=\S)\s?:\s+")


def after_a_colon(text: str) -> tuple[str, str] | None:
    """ "Please flag this as urgent: our lawyer is preparing a claim": the lead before the first
    colon and what follows it, each of three words or more (a label, "Update: ...", is no lead;
    "10:30" no colon)."""
    m = _COLON.search(text)
    if m is None:
        return None
    before, after = text[: m.start()].strip(), text[m.end() :].strip()
    if len(before.split()) >= 3 and len(after.split(maxsplit=3)) >= 3:
        return before, after
    return None
