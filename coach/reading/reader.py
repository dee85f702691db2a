"""The reader: what the customer's side says, sentence by sentence, in context.

For each sentence the customer (or someone on their side, in a forwarded note) wrote, the
classifier says what it is about and the context says how it is meant: withdrawn, denied, over and
done, a how-to question, thanks for something past. A signal needs both to hold. A routine issue
must be earned (a request, a question, a problem report, thanks); when the reader finds neither that
nor an escalation it can stand behind, or cannot read the language, it says so (`review`) instead
of guessing.

The same reader reads what a rep tells the coach (`reported=True`): "their Head of IT says he'll
pull the contract" is the customer's threat, reported; what the rep did ("I pinged my manager") is
not the customer speaking.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coach.domain import signals as table
from coach.reading import language as languages
from coach.reading import structure
from coach.reading.context import Context, clauses, cues, read_context

if TYPE_CHECKING:
    import numpy as np

    from coach.reading.classifier import SentenceClassifier
    from coach.reading.encoder import SentenceEncoder

MIN_WORDS = 2
MAX_SENTENCES = 60
# A long message's last sentences are read too: a threat or a deadline often closes an email.
LAST_SENTENCES = 20
# An escalation needs the escalating labels together to reach this probability and to outweigh
# `none`; any other label needs `LABEL_THRESHOLD` on its own.
ESCALATION_THRESHOLD = 0.7
GRAVE_THRESHOLD = 0.5  # a sentence the customer marks as the serious matter
LABEL_THRESHOLD = 0.5
# Venting is frustration the customer voices: a neutral remark is not venting, and beside a calm
# request it must be plain.
VENTING_THRESHOLD = 0.7
VENTING_BESIDE_A_REQUEST = 0.85
# A sentence that escalates may carry a second reason ("someone senior, about the SLA credits").
SECOND_REASON = 0.15
# Once an email escalates, any sentence may add a further reason it states clearly enough.
FURTHER_REASON = 0.35
# A technical problem must be clearly beyond a routine one: a higher bar, and a clear routine
# question in the same email wins over a technical problem that is not certain.
TECHNICAL_THRESHOLD = 0.6
# Below this, a leadership decision must name what is decided (`structure.decides`).
LEADERSHIP_UNNAMED = 0.5
ROUTINE_WINS_AT = 0.7
AGAIN_AS_TROUBLE = 0.5  # escalation and venting together: "again" tells a recurrence
CERTAIN = 0.98
NARRATED_TECHNICAL = 0.95  # a technical problem as a rep tells it
# A sentence far from every exemplar (a tweet about a football match) is one the classifier has
# not learned: its labels count for less there than `none`.
NEAR = 0.4
FAR_DAMPING = 0.3
ROUTINE_EVIDENCE = 0.35
VENTING_EVIDENCE = 0.5
SHORT_OPENER = 2  # words
_SIGNATURE_END = re.compile(r"[.!?:;…]$")


@dataclass(frozen=True)
class Said:
    """One sentence: its text, the block it is in, and whether it is addressed to a machine
    (then it is never read as the customer's words)."""

    text: str
    block: int = 0
    injected: bool = False
    # Forwarded from the customer's side: colleagues writing to each other call us "they"
    # ("I want a meeting with their VP"), so the note is read as if said to us.
    forwarded: bool = False


@dataclass
class Found:
    signal: str
    evidence: str
    score: float  # how strongly the sentence reads as escalating (or as this label)
    own: float = 1.0  # the probability of this label on its own


@dataclass
class Reading:
    language: str
    signals: list[Found] = field(default_factory=list)
    review: str | None = None
    unread: int = 0  # sentences between the first MAX_SENTENCES and the last LAST_SENTENCES


def _within_budget(usable: list[Said]) -> tuple[list[Said], int]:
    """The sentences read (the first MAX_SENTENCES and the last LAST_SENTENCES, a bounded cost)
    and how many in between were not."""
    if len(usable) <= MAX_SENTENCES + LAST_SENTENCES:
        return usable, 0
    return usable[:MAX_SENTENCES] + usable[-LAST_SENTENCES:], len(
        usable
    ) - MAX_SENTENCES - LAST_SENTENCES


@dataclass
class _Item:
    doc: int
    said: Said
    context: Context  # as a person reads it (`structure.refine`)
    base: Context  # as the classifier's cue features were read
    text: str = ""  # what is classified: the sentence, or the consequence of its condition
    consequence: bool = False  # only an escalation it states counts
    # "More serious: ...", "and the bigger thing: ...": the customer marks this sentence as the
    # matter that counts.
    marked: bool = False
    # What a request to treat the message as urgent or to pass it on frames ("please forward this
    # to your management: our lawyer ..."): the customer has said it is serious.
    framed: bool = False
    # The language the sentence is read in: the email's, or its own when it is plainly another
    # of the eight ("Unser Anwalt ist bereits eingeschaltet." in an English email).
    language: str = "en"
    # It withdraws an earlier message before a new statement in the same sentence.
    lead: bool = False
    # A subject line ("Onderwerp: Re: Gesprek met jullie directeur"): it names a topic.
    subject: bool = False
    # One of two statements the sentence joins with "and" ("..., and we will not renew"): read
    # on its own, it adds an escalation the classifier reads in it, or nothing.
    joined: bool = False
    # ... and the sentence, read whole, says nothing that rules a reading out (withdrawn, denied,
    # over, thanks, a question, praise, small, staying): "We won't renew; I've asked our lawyer to
    # review" counts though the whole reads as neither; "we consider the matter closed; our
    # counsel has been informed" does not.
    plain: bool = False

    def __post_init__(self) -> None:
        self.text = self.text or self.said.text


def _part_of(doc: int, said: Said, text: str, lang: str, reported: bool, **how: bool) -> _Item:
    """A part of a sentence read on its own (what a request frames, a statement it joins): it
    adds an escalation or nothing; the whole sentence stays the evidence."""
    base = read_context(text, lang)
    context = structure.refine(base, text, lang, reported)
    return _Item(doc, said, context, base, text, consequence=True, language=lang, **how)


_RULING_OUT = ("withdrawn", "resolved", "past", "denied", "thanks", "question", "howto", "staying",
               "own_fault", "minor", "positive", "other_leave")  # fmt: skip


def _rules_out(ctx: Context) -> bool:
    """The sentence's context says something that would rule a reading of its parts out."""
    return any(getattr(ctx, name) for name in _RULING_OUT)


def _names_its_step(item: _Item, language: str) -> bool:
    """A formal legal step, said and not denied, withdrawn or asked."""
    ctx = item.context
    if ctx.denied or ctx.withdrawn or ctx.question or ctx.howto or ctx.past or ctx.resolved:
        return False
    return cues(language).has("formal_legal", item.text.lower())


LEAD_IN_WORDS = 8  # "New instruction for whoever reads this:", "Note from our side:"


def _framed(clause: str, language: str) -> str | None:
    """What a request to handle this message as urgent, to pass it on, or a lead-in frames after
    a colon ("Merci de traiter ceci en priorité : notre avocat ...", "please forward this to your
    management: ...", "New instructions from our side: ..."): a statement, read on its own."""
    cut = structure.after_a_colon(clause)
    if cut is None:
        return None
    lead, said = cut
    lx = structure.lexicon(language)
    low = lead.lower()
    # A lead-in is all the lead says ("Please note:"); "Ignore the instructions I gave your
    # team: ..." names instructions but is a sentence of its own.
    lead_in = len(low.split()) <= LEAD_IN_WORDS and lx.has("lead_in", low)
    if not (lead_in or lx.has("marks_urgent", low) or lx.has("pass_on", low)):
        return None
    return None if read_context(said, language).question else said


REPORTER_WORDS = 8  # "Our CEO, Dmitri Ivanov," / "My boss" / "The board": who, not what


def _reported(clause: str, language: str) -> str | None:
    """What someone senior on the customer's side is reported to say ("Our CEO, Дмитрий
    Иванов, says we cancel", "Unser Geschäftsführer sagt, wir kündigen"): a statement, read on
    its own."""
    lx = structure.lexicon(language)
    low = clause.lower()
    if len(low) != len(clause):
        return None
    found = lx.find("reporting", low)
    if not found:
        return None
    who = clause[: found[0].start()].strip(" ,")
    # the words of someone senior on their side are the customer's decision
    if not who or len(who.split()) > REPORTER_WORDS or not read_context(who, language).senior:
        return None
    said = clause[found[0].end() :].lstrip(" ,:")
    lead = lx.find("reporting_that", said.lower())
    if lead and lead[0].start() == 0:
        said = said[lead[0].end() :].lstrip(" ,")
    return said if len(said.split()) >= 2 else None


def looks_like_signature(text: str) -> bool:
    """A short line of names, titles or a company: no sentence, nothing said."""
    words = text.split()
    if len(words) > 7 or _SIGNATURE_END.search(text.strip()):
        return False
    capitals = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return capitals >= max(1, len(words) - 1)


# A paragraph that opens by calling someone by name ("Sam - ", "Camille, ", "Jo Park, ").
_VOCATIVE = re.compile(
    r"^\s*[A-ZÀ-ÖØ-ÝŁŚŻŹĆŃ][\w'’.-]*(?:\s+[A-ZÀ-ÖØ-ÝŁŚŻŹĆŃ][\w'’.-]*)?\s*(?:,|\s[-–—])\s+"
)
VOCATIVE_REST = 4  # words left after the name: else the sentence is too short to cut


# A subject line and the reply or forward marks before it ("Subject: RE: we will not renew"),
# in the reader's languages: the label is not what the customer says.
_SUBJECT_LABEL = re.compile(
    r"^\s*(?:(?:subject|betreff|objet|asunto|onderwerp|oggetto|assunto|temat)\s*:\s*)?"
    r"(?:(?:re|aw|fw|fwd|wg|tr|rv|sv|odp|doorst|res|enc|i)\s*:\s*)+|"
    r"^\s*(?:subject|betreff|objet|asunto|onderwerp|oggetto|assunto|temat)\s*:\s*",
    re.IGNORECASE,
)


def _without_vocative(text: str) -> str:
    """The sentence without the name it opens by calling, or the subject label and reply marks
    it opens with: a classifier reads what is said."""
    label = _SUBJECT_LABEL.match(text)
    if label is not None and len(text[label.end() :].split()) >= 2:
        text = text[label.end() :]
    m = _VOCATIVE.match(text)
    if m is None or len(text[m.end() :].split()) < VOCATIVE_REST:
        return text
    return text[m.end() :]


_FIRST_PLURAL = re.compile(r"\b(?:our|ours|we|us)\b", re.IGNORECASE)


def _vendor_side(clause: str, lang: str, context: Context) -> Context:
    """In a rep's narration "our side", "our fault" and "we fixed it" are the vendor's, not the
    customer's own doing: the cues of a customer's "our" do not apply."""
    if lang != "en":
        return context
    masked = read_context(_FIRST_PLURAL.sub("the vendor", clause), lang)
    return dataclasses.replace(context, resolved=masked.resolved, own_fault=masked.own_fault)


_LOWER_START = re.compile(r"^(\W*)([^\W\d_])")
_LOWER_I = re.compile(r"(?<![\w'’])i(?=(?:['’](?:m|ve|ll|d))?(?![\w'’]))")


def _sentence_case(text: str, lang: str) -> str:
    """A sentence as it would be written with its capitals: what a rep or a customer types in
    lower case ("their cfo said they will not renew", "i think we're out") is embedded with a
    capital first letter and, in English, a capital "I", as the model learnt language. Only what
    is embedded changes; the evidence stays as typed. No full stop is added to a line typed
    without one: on 3,448 real tweets that raised the share of calm ones read as a concern."""
    text = _LOWER_START.sub(lambda m: m.group(1) + m.group(2).upper(), text, count=1)
    return _LOWER_I.sub("I", text) if lang == "en" else text


class Reader:
    def __init__(self, encoder: SentenceEncoder, classifier: SentenceClassifier) -> None:
        self.encoder = encoder
        self.classifier = classifier

    def read(
        self, docs: Sequence[Sequence[Said]], langs: Sequence[str], reported: bool = False
    ) -> list[Reading]:
        """A reading per document; every sentence of every document is embedded in one call."""
        readings = [Reading(language=lang) for lang in langs]
        items: list[_Item] = []
        thanked: list[str | None] = [None] * len(readings)
        for d, (sents, lang) in enumerate(zip(docs, langs, strict=True)):
            if lang not in languages.KNOWN:
                readings[d].review = (
                    f"language not covered: the email is in {languages.name(lang)}; read it "
                    "yourself or have it translated"
                )
                continue
            usable = [
                s
                for s in sents
                if not s.injected
                and (_SUBJECT_LABEL.match(s.text) or not looks_like_signature(s.text))
            ]
            opening = [s.text for s in sents if not s.injected]
            if not reported and structure.auto_reply(opening, lang):
                readings[d].review = (
                    "an automatic reply (out of office): nobody wrote anything to act on; read "
                    "it yourself"
                )
                continue
            block = None
            usable, readings[d].unread = _within_budget(usable)
            doc_lang = lang
            for said in usable:
                opens, block = said.block != block, said.block
                # "Subject: Opzegging contract per 1 juli": the label is no part of what is said,
                # nor of its language; the quote is what follows it, still verbatim.
                label = _SUBJECT_LABEL.match(said.text)
                subject = False
                if label is not None and len(said.text[label.end() :].split()) >= MIN_WORDS:
                    said = dataclasses.replace(said, text=said.text[label.end() :])
                    subject = True
                lang = languages.sentence_language(said.text, doc_lang)
                for piece, lead in _past_withdrawal(clauses(said.text, lang), lang):
                    part = Said(piece, said.block, said.injected, said.forwarded)
                    # What is read and classified; the evidence stays the verbatim piece.
                    clause = structure.to_vendor(piece, lang) if said.forwarded else piece
                    # "we will cancel at renewal, ok?": the statement is read, not the tag.
                    clause = structure.without_tag(clause, lang)
                    # "Camille, je veux ...": the name called at the start is not what is said.
                    classified = _without_vocative(clause) if opens else clause
                    opens = False
                    base = read_context(clause, lang)
                    if reported and (base.resolved or base.own_fault):
                        base = _vendor_side(clause, lang, base)
                    context = structure.refine(base, clause, lang, reported)
                    if not context.greeting and len(clause.split()) >= MIN_WORDS:
                        items.append(
                            _Item(
                                d,
                                part,
                                context,
                                base,
                                classified,
                                language=lang,
                                lead=lead,
                                subject=subject,
                            )
                        )
                    elif context.thanks and thanked[d] is None:
                        thanked[d] = piece  # "Thanks!" alone still earns a short, routine reply
                        continue
                    else:
                        continue
                    # "If the export breaks again, we're out": the consequence is read on its own
                    # too; the whole sentence stays the evidence.
                    then = structure.consequence(clause, lang)
                    then_base = read_context(then, lang) if then is not None else None
                    if then is not None and then_base is not None and not then_base.question:
                        then_ctx = structure.refine(then_base, then, lang, reported)
                        # "..., to dziękujemy za współpracę": thanks that say goodbye.
                        if structure.lexicon(lang).has("farewell", then.lower()):
                            then_ctx = dataclasses.replace(then_ctx, thanks=False, positive=False)
                        items.append(
                            _Item(
                                d, part, then_ctx, then_base, then, consequence=True, language=lang
                            )
                        )
                    elif then is None and (
                        (framed := _framed(clause, lang)) is not None
                        or (framed := _reported(clause, lang)) is not None
                    ):
                        # "Please flag this as urgent: our lawyer is preparing a claim": what the
                        # request frames is said too; it adds an escalation or nothing.
                        items.append(_part_of(d, part, framed, lang, reported, framed=True))
                    elif then is None and not (base.question or base.howto):
                        # "Your update deleted our data, and we will not renew": each statement
                        # is read on its own too, so the one reading cannot hide the other.
                        plain = ";" in clause and not _rules_out(context)
                        items += [
                            _part_of(d, part, side, lang, reported, joined=True, plain=plain)
                            for side in structure.joined(clause, lang)
                        ]
        _withdraw_before(items)
        _withdrawn_subject(items)
        for item in items:
            item.marked = not item.consequence and structure.lexicon(item.language).has(
                "gravity", item.said.text.lower()
            )
        import numpy as np

        if items:
            from coach.reading.context import features

            vectors = self.encoder.encode([_sentence_case(i.text, i.language) for i in items])
            cue_features = np.asarray(
                [features(i.text, i.language, i.base) for i in items],
                dtype=np.float32,
            )
            raw = self.classifier.probabilities(vectors, cue_features)
            probs = raw.copy()
            # Only sentences that would escalate or vent need the distance (it costs a product
            # with every exemplar).
            from coach.reading.classifier import LABELS

            n_escalating = len(table.escalating())
            saying = np.flatnonzero(
                (raw[:, :n_escalating].sum(axis=1) >= ESCALATION_THRESHOLD)
                | (raw[:, LABELS.index("venting")] >= VENTING_THRESHOLD)
            )
            # A rep's narration is far from customers' mail by nature: no damping for it.
            far = saying[self.classifier.far(vectors[saying], NEAR)] if not reported else saying[:0]
            # ... unless it names a formal legal step ("une mise en demeure", "breach of
            # contract"): a stranger's topic does not name one; nor when the customer marks it
            # as the serious matter, which a likelier-than-not escalation reading then is.
            far = np.asarray(
                [
                    k
                    for k in far
                    if not items[k].marked and not _names_its_step(items[k], items[k].language)
                ],
                dtype=int,
            )
            probs[far, :-1] *= FAR_DAMPING
            probs[far] /= probs[far].sum(axis=1, keepdims=True)
        else:
            probs = raw = np.zeros((0, 1))
        self._judge(items, probs, raw, readings, reported, thanked)
        return readings

    def _judge(
        self,
        items: list[_Item],
        probs: np.ndarray,
        raw: np.ndarray,
        readings: list[Reading],
        reported: bool,
        thanked: list[str | None],
    ) -> None:
        """`probs` decide; `raw` (not damped for distance) adds further reasons to an email that
        escalates."""
        from coach.reading.classifier import LABELS

        n = len(readings)
        escalating = list(table.escalating())
        routine, venting, none = (LABELS.index(x) for x in ("routine_issue", "venting", "none"))
        # "Cada um chega, pede pra gente explicar tudo de novo, promete alguma coisa e some",
        # "The new UI moved the export button again": "again" read as something working again
        # is a recurrence where the sentence reads likelier than not as trouble or frustration.
        for item, raw_row in zip(items, raw, strict=True):
            trouble = raw_row[: len(escalating)].sum() + raw_row[venting] >= AGAIN_AS_TROUBLE
            if trouble and structure.only_again(item.text, item.language, item.context):
                item.context = dataclasses.replace(item.context, resolved=False)
        found: list[dict[str, Found]] = [{} for _ in range(n)]
        further: list[dict[str, Found]] = [{} for _ in range(n)]
        # What earns a routine reading: a request or question first, else thanks, a problem report
        # or a sentence the classifier reads as routine or venting.
        asks: list[str | None] = [None] * n
        other: list[str | None] = [None] * n
        best_routine = [0.0] * n
        resolved_doc = [False] * n
        minor_doc = [False] * n  # "not urgent", "workaround", "our own firewall", "just venting"
        shapes = _shapes(items, probs, readings, venting, routine)
        stated: list[set[str]] = [set() for _ in range(n)]  # read from structure, not the model
        marked: list[set[str]] = [set() for _ in range(n)]
        for item in items:
            if item.marked:
                marked[item.doc].add(item.said.text)
        open_doc = [False] * n  # a resolution denied ("Non è risolto"): the problem is open
        closing_doc = [False] * n  # "you can close the ticket": the matter is over for them
        for item in items:
            if item.joined:
                continue  # the whole sentence says what the email is about
            closing_doc[item.doc] |= not item.consequence and structure.closes(
                item.said.text, item.language, item.context
            )
            resolved_doc[item.doc] |= (
                item.context.resolved and not structure.wished_for(item.said.text, item.language)
            ) or closing_doc[item.doc]
            # "Nada más para desahogarme", "Moest het alleen even kwijt": a customer who says the
            # email is only to vent describes a state that is theirs to vent about, not an
            # escalation, unless it is certain.
            minor_doc[item.doc] |= (
                item.context.minor
                or item.context.own_fault
                or structure.lexicon(item.language).has("just_venting", item.said.text.lower())
            )
            open_doc[item.doc] |= structure.unresolved(item.text, item.language)
        resolved_doc = [r and not o for r, o in zip(resolved_doc, open_doc, strict=True)]
        # "We are not thinking of cancelling", "you can close the ticket": a customer who says
        # plainly that they are not leaving, or that the matter is over, has made no threat to
        # leave in a sentence that names no leaving.
        staying_doc = [False] * n
        for item in items:
            staying_doc[item.doc] |= closing_doc[item.doc] or (
                not item.consequence and structure.denies_leaving(item.said.text, item.language)
            )
        # "No vamos a renovar el entorno sandbox ... La suscripción de producción sigue igual":
        # beside a sentence that keeps the rest, with nothing wrong said, leaving that names no
        # contract is of a part.
        rest_kept, troubled = [False] * n, [False] * n
        for item, row in zip(items, probs, strict=True):
            rest_kept[item.doc] |= not item.consequence and structure.keeps_the_rest(
                item.said.text, item.language
            )
            troubled[item.doc] |= (
                structure.troubled(item.said.text, item.language)
                or row[venting] >= VENTING_THRESHOLD
            )
        # Sentences read as an escalation whole: only there may a statement they join with "and"
        # add another reason ("we will cancel the contract and talk to our lawyer"). Alone, half
        # a sentence loses what the whole says ("please cancel the Acme seat and move her files").
        escalated: set[int] = set()
        for item, row, raw_row in zip(items, probs, raw, strict=True):
            ctx, d, lang = item.context, item.doc, item.language
            # "We haven't decided whether to renew" weighs staying up calmly only where nothing is
            # wrong; beside a complaint it is the threat it sounds like.
            if ctx.other_leave and shapes[d].grievance and structure.weighs_up(item.text, lang):
                ctx = dataclasses.replace(ctx, other_leave=False)
            part = rest_kept[d] and not troubled[d] and structure.names_a_part(item.said.text, lang)
            if part:
                ctx = dataclasses.replace(ctx, other_leave=True)
            if item.joined and not item.plain and id(item.said) not in escalated:
                continue
            # "Nos membres en entendront parler ..., et je n'ai pas l'intention de vous
            # défendre": the reader of an audience told looks for a negation in its own clause.
            told = (
                not item.consequence
                and troubled[d]  # "..., et je n'ai aucune réserve : le projet est une réussite"
                and structure.public_threat(item.said.text, lang, ctx)
                and not cues(lang).has("praise", item.said.text.lower())
            )
            for label in structure_signals(item, lang, reported, shapes[d].grievance):
                held = dataclasses.replace(ctx, denied=False) if told and label == LEGAL else ctx
                if self._holds(label, RULE_SCORE, held, resolved_doc[d], minor_doc[d]):
                    stated[d].add(label)
                    old = found[d].get(label)
                    if old is None or old.score < RULE_SCORE:
                        found[d][label] = Found(label, item.said.text, RULE_SCORE, RULE_SCORE)
            problem = cues(lang).has("problem_words", item.said.text.lower())
            asking = ctx.request or ctx.question or structure.asks(item.said.text, lang)
            if asking and asks[d] is None and not item.consequence and not item.lead:
                asks[d] = item.said.text
            said = cues(lang)
            low = item.said.text.lower()
            if (
                not item.consequence
                and not item.lead
                and other[d] is None
                and (
                    ctx.thanks
                    or ctx.denied
                    or ctx.withdrawn
                    or ctx.minor
                    or ctx.own_fault
                    or said.has("thanks", low)
                    or said.has("praise", low)
                    or problem
                    or row[routine] >= ROUTINE_EVIDENCE
                    or row[venting] >= VENTING_EVIDENCE
                )
            ):
                other[d] = item.said.text
            if not item.consequence:
                best_routine[d] = max(best_routine[d], float(row[routine]))
            # "Please confirm whether this is approved": a request that names no leaving asks.
            lx = structure.lexicon(lang)
            no_leaving = (
                structure.asks_without_leaving(item.said.text, lang, ctx)
                or (staying_doc[d] and not lx.has("leaving", low))
                # "two follow-ups so it doesn't happen again": prevention, not a condition
                or (lx.has("prevention", low) and not lx.has("leaving", low))
            )
            for k, name in enumerate(escalating):
                p = float(raw_row[k])
                if name == LEAVING and no_leaving:
                    continue
                if p >= FURTHER_REASON and self._holds(name, p, ctx, resolved_doc[d], minor_doc[d]):
                    old_further = further[d].get(name)
                    if old_further is None or p > old_further.score:
                        further[d][name] = Found(name, item.said.text, round(p, 3), round(p, 3))
            own_doing = structure.own_doing(item.said.text, lang)
            mass = float(row[: len(escalating)].sum())
            top = int(row[: len(escalating)].argmax())
            needed_mass = GRAVE_THRESHOLD if item.marked else ESCALATION_THRESHOLD
            if mass >= needed_mass and mass > row[none]:
                labels = [(escalating[top], mass, float(row[top]))] + [
                    (name, mass, float(row[k]))
                    for k, name in enumerate(escalating)
                    if k != top and row[k] >= SECOND_REASON
                ]
                if (
                    not reported
                    and not item.framed
                    and shapes[d].doubts(labels[0][0], mass, item, lang)
                ):
                    continue
                # "Considérez ce courriel comme un préavis formel de non-renouvellement": a
                # formal notice read as legal, with no legal channel in it, that names leaving
                # is a notice of leaving.
                if (
                    labels[0][0] == LEGAL
                    and not self._holds(LEGAL, mass, ctx, resolved_doc[d], minor_doc[d])
                    and not no_leaving
                    and structure.leaving_consequence(item.text, lang, ctx)
                    and not ctx.other_leave
                ):
                    labels[0] = (LEAVING, mass, labels[0][2])
            elif item.consequence:
                continue  # a consequence adds an escalation or nothing
            else:
                index = int(row[:none].argmax())
                labels = [(LABELS[index], float(row[index]), float(row[index]))]
                needed = VENTING_THRESHOLD if index == venting else LABEL_THRESHOLD
                if labels[0][0] in escalating or labels[0][1] < needed:
                    continue
            # "Renewal's not till next year, they're at 95% adoption": leaving read in another
            # sense takes its own share of the reading with it; the rest must escalate alone.
            # A request about seats or a meeting ("vorremmo disdire due licenze su venti") is an
            # administrative matter: what else the sentence is read as must be certain.
            # So does leaving the customer denies ("we've decided to renew for another two
            # years"): it is no share of another reason.
            other_sense = labels[0][0] == LEAVING and (ctx.other_leave or ctx.staying or no_leaving)
            seats = (
                ctx.other_leave
                and (
                    ctx.request
                    or part
                    or structure.administrative(item.said.text, lang)
                    or structure.bare_indecision(item.said.text, lang)
                )
                and not ctx.question
            )
            for label, score, own in labels:
                if seats and label != LEAVING and score < CERTAIN:
                    continue
                if other_sense and label != LEAVING:
                    score -= labels[0][2]
                    if score < needed_mass:
                        continue
                if label in escalating and not self._holds(
                    label, score, ctx, resolved_doc[d], minor_doc[d]
                ):
                    continue
                if label == LEAVING and no_leaving:
                    continue
                # "Queremos passar do plano mensal pro anual", "Se tiver desconto por volume, já
                # inclui na proposta": a move between our plans, or a discount asked for only if
                # there is one, asks nothing of a leader.
                if label == DECISION and structure.asks_what_is_offered(item.said.text, lang):
                    continue
                # "Vi na vossa página de preços que há um desconto ...": what we publish, cited
                # with nothing wrong said of it, is asked about, not escalated. "Lo he escalado
                # internamente a nuestro director financiero porque supera el importe que puedo
                # aprobar": the customer's own process, not a request of ours, nor leaving.
                if score < CERTAIN and (
                    (label in escalating and structure.cites_published(item.said.text, lang))
                    or (
                        label in INTERNAL_PROCESS
                        and structure.internal_escalation(item.said.text, lang)
                    )
                ):
                    continue
                # "We haven't lost trust in you", "we lost trust in our previous vendor": trust
                # named to say it stands, or of someone else, puts no relationship at risk,
                # however sure the reading of the words of trust is.
                if label == RELATIONSHIP and structure.trust_kept(item.said.text, lang, ctx):
                    continue
                # A leadership decision the classifier reads only in part names what is to be
                # decided (a price, terms, an exception, people committed): "we've got 37 new
                # staff starting in September" asks nothing of anyone's authority.
                if (
                    label == DECISION
                    and own < LEADERSHIP_UNNAMED
                    and not structure.decides(item.said.text, lang)
                ):
                    continue
                # "The delay was our own doing": a state the customer says they caused is theirs;
                # so is a document "our finance team lost", which puts no deal at risk.
                if own_doing and (
                    table.signal(label).a_state or (label == DEAL and score < CERTAIN)
                ):
                    continue
                # In the rep's account, "I need to brief my manager" is the rep's own plan, not
                # the customer asking for ours.
                if (
                    reported
                    and label == "manager_request"
                    and _OWN_SUBJECT.match(item.said.text.strip())
                ):
                    continue
                # A rep's narration of a technical problem is not the customer's incident
                # report: only a certain reading counts.
                if reported and label == "technical_beyond_control" and score < NARRATED_TECHNICAL:
                    continue
                if label in escalating and not item.consequence:
                    escalated.add(id(item.said))
                old = found[d].get(label)
                if old is None or score > old.score:
                    found[d][label] = Found(label, item.said.text, round(score, 3), round(own, 3))
        # "Zie hieronder van mijn collega Henk. Het eerste stuk gaat over onze printerleverancier,
        # niet over jullie": a forwarder who says the note below is about someone else takes its
        # escalations with it.
        disclaimed = [False] * n
        about_others: list[set[str]] = [set() for _ in range(n)]
        for item in items:
            if item.said.forwarded:
                about_others[item.doc].add(item.said.text)
            elif structure.not_about_you(item.said.text, item.language):
                disclaimed[item.doc] = True
                about_others[item.doc].add(item.said.text)  # the disclaimer says nothing wrong
        for d, reading in enumerate(readings):
            if reading.review:
                continue
            signals = list(found[d].values())
            if disclaimed[d]:
                signals = [
                    f
                    for f in signals
                    if not (f.signal in escalating and f.evidence in about_others[d])
                ]
                further[d] = {
                    k: f for k, f in further[d].items() if f.evidence not in about_others[d]
                }
            # "... ce retour ne sera pas très flatteur": an audience of theirs will hear it.
            verdict = None if reported or LEGAL in found[d] else _public_verdict(items, d)
            if verdict is not None and not (disclaimed[d] and verdict in about_others[d]):
                signals.append(Found(LEGAL, verdict, RULE_SCORE, RULE_SCORE))
                stated[d].add(LEGAL)
            escalations = [f for f in signals if f.signal in escalating]
            technical_only = all(f.signal == "technical_beyond_control" for f in escalations)
            # A technical problem read by the classifier alone gives way to a clearly routine
            # request beside it; another party's data shown to this customer is an incident
            # however routine the rest of the email is ("can you add a user? ... and above all, a
            # client sees another client's delivery notes"), and so is a problem the customer
            # marks as the serious matter ("more serious: ...").
            if (
                escalations
                and technical_only
                and not stated[d] & {f.signal for f in escalations}
                and not {f.evidence for f in escalations} & marked[d]
                and best_routine[d] >= ROUTINE_WINS_AT
                and max(f.score for f in escalations) < CERTAIN
            ):
                signals = [f for f in signals if f.signal not in escalating]
                escalations = []
            warning = None if escalations or reported else _precedent_warning(items, d)
            if warning is not None:
                # "... il nostro ufficio legale ha avviato un'azione. Non vorrei arrivare di nuovo
                # a quel punto": no threat said, one implied; a person reads it before replying.
                reading.review = (
                    f'what they once did to a supplier, told as a warning ("{warning}"): read it '
                    "yourself"
                )
                reading.signals = []
                continue
            vent = next((f for f in signals if f.signal == "venting"), None)
            if vent is not None and asks[d] is not None and vent.score < VENTING_BESIDE_A_REQUEST:
                signals.remove(vent)
            if escalations:
                signals = [f for f in signals if f.signal not in ("routine_issue", "venting")]
                have = {f.signal for f in signals}
                signals += [f for name, f in further[d].items() if name not in have]
            elif not signals and not reported:
                evidence = asks[d] or other[d] or thanked[d]
                if shapes[d].only_a_call():
                    reading.review = (
                        "a short note that asks only for a call and says little else: call them "
                        "and read it yourself"
                    )
                elif evidence is not None:
                    signals = [Found("routine_issue", evidence, ROUTINE_EVIDENCE)]
                else:
                    reading.review = "no clear request found: read it yourself"
            reading.signals = sorted(signals, key=lambda f: table.SIGNAL_TYPES.index(f.signal))

    @staticmethod
    def _holds(label: str, score: float, ctx: Context, resolved_doc: bool, minor_doc: bool) -> bool:
        """The context lets an escalation signal stand: not withdrawn, denied, a how-to question
        or thanks for something done; not over and done; a technical problem clearly serious."""
        if ctx.withdrawn or ctx.denied or ctx.thanks or ctx.howto or ctx.resolved or ctx.past:
            return False
        if table.signal(label).a_state and resolved_doc:
            return False
        # A request for a manager names someone above the rep; a legal or public threat names
        # the channel (counsel, a court, a regulator, the press, their members or board).
        # "Happy to leave a review", "good news: the board decided to renew" offer or please.
        if table.signal(label).not_praise and ctx.positive:
            return False
        # "We've decided to renew for another two years": staying, said plainly, is no threat.
        if label == LEAVING and (ctx.staying or ctx.other_leave):
            return False
        # A reading the classifier is certain of stands without them.
        if label == "manager_request" and not ctx.senior and score < CERTAIN:
            return False
        if label == "legal_or_public_threat" and not ctx.legal_public and score < CERTAIN:
            return False
        # A problem the customer caused, or calls small, is theirs or routine unless certain.
        if table.signal(label).a_state and minor_doc and score < CERTAIN:
            return False
        return label != "technical_beyond_control" or score >= TECHNICAL_THRESHOLD


_RULED_OUT = (
    ("howto", "a how-to question"),
    ("thanks", "thanks for something done"),
    ("denied", "denied in the same words"),
    ("withdrawn", "taken back in the same words"),
    ("resolved", "over and done"),
    ("past", "about the past"),
)


def context_rules_out(label: str, text: str, language: str) -> str | None:
    """Why a sentence's own context rules out an escalation signal whoever reads it (a model's
    proposal is held to the same rules as the reader's): a how-to question, thanks, a denial,
    a withdrawal, a matter over and done; praise for a threat; staying for leaving. None when
    the signal may stand."""
    if language not in languages.KNOWN or label not in table.escalating():
        return None
    ctx = structure.refine(read_context(text, language), text, language, False)
    for flag, why in _RULED_OUT:
        if getattr(ctx, flag):
            return why
    if table.signal(label).not_praise and ctx.positive:
        return "praise or an offer"
    if label == LEAVING and (ctx.staying or ctx.other_leave):
        return "about staying, or leaving in another sense"
    return None


# A reading from the sentence's structure alone ("our members will hear about this at the annual
# meeting", another client's records in a file): clear, but not certain.
RULE_SCORE = 0.8
# A short note that only wants to talk ("we need to talk about the contract. Call me.") escalates
# only on a sentence that names what it is about; otherwise a person would call before deciding.
SHORT_SENTENCES = 2
SHORT_WORDS = 15
SHORT_DOUBT = 0.9
SHORT_REMARK = 6
# In a calm request with nothing wrong said, the customer's lawyer or data protection named is not
# a threat ("our lawyer has comments on the DPA before we sign").
CALM_DOUBTS = frozenset({"legal_or_public_threat"})
LEAVING = "cancellation_threat"
LEGAL = "legal_or_public_threat"
# A calm question may ask for someone senior; about leaving, a decision or a deal it only asks.
QUESTION_MAY_ASK_FOR = "manager_request"
DECISION = "leadership_decision"
DEAL = "deal_at_risk"
RELATIONSHIP = "relationship_breakdown"
# What a customer's own escalation process reads as: someone senior asked for, a decision, leaving,
# a relationship or a technical matter beyond control (the incidents it is for).
INTERNAL_PROCESS = frozenset(
    {"manager_request", DECISION, LEAVING, DEAL, RELATIONSHIP, "technical_beyond_control"}
)


def _precedent_warning(items: list[_Item], doc: int) -> str | None:
    """A sentence saying they would not want to get there again ("Nie chcemy tego powtarzać"),
    after one telling what they once did to a supplier (`structure.precedent`)."""
    told = False
    for item in items:
        if item.doc != doc:
            continue
        text, lang = item.said.text, item.language
        if structure.precedent(text, lang, item.context):
            told = True
        elif told and structure.lexicon(lang).has("not_again", text.lower()):
            return text
    return None


VERDICT_WINDOW = 2  # sentences between the audience named and the verdict on us


def _public_verdict(items: list[_Item], doc: int) -> str | None:
    """A verdict on us, not favourable, that an audience of theirs will hear: "Je prépare un
    retour d'expérience pour la prochaine réunion du club des DSI ... En l'état, ce retour ne
    sera pas très flatteur", or a rating that depends on what we do next ("Ik heb een review
    voor Trustpilot klaarstaan. Hoeveel sterren het worden, hangt af van ..."). The audience and
    the verdict may be one sentence or a few apart; the verdict is the evidence."""
    said = [i for i in items if i.doc == doc and not i.consequence]
    named = [
        (k, kind)
        for k, i in enumerate(said)
        if (kind := structure.names_audience(i.said.text, i.language)) is not None
        and not (i.context.question or i.context.howto or i.context.withdrawn)
    ]
    for k, item in enumerate(said):
        near = [kind for at, kind in named if abs(at - k) <= VERDICT_WINDOW]
        # A rating that "depends on" what happens is named before or with it ("How many seats
        # we add depends on budget approval. We just gave you five stars" is no such verdict).
        rated = any(kind == "rating" and k - VERDICT_WINDOW <= at <= k for at, kind in named)
        if near and structure.public_verdict(item.said.text, item.language, item.context, rated):
            return item.said.text
    return None


def structure_signals(item: _Item, language: str, reported: bool, grievance: bool) -> list[str]:
    """Signals the sentence's structure states whatever the classifier says; with something
    wrong said in the email (`grievance`), a legal channel taking the matter up or already
    looking at other vendors is a threat."""
    text, ctx = item.said.text, item.context
    if item.joined:
        return []
    if item.consequence:
        # "asked whether ..." asks, whatever follows
        whole = structure.refine(read_context(text, language), text, language, reported)
        if whole.howto or whole.question:
            return []
        found = (
            ["cancellation_threat"]
            if structure.leaving_consequence(item.text, language, ctx)
            else []
        )
        # "Se ninguém nos ligar até sexta, o nosso CEO vai publicar no LinkedIn": the condition
        # is the ultimatum; the negation in it does not deny what follows.
        if structure.publishes(item.text, language, ctx, grievance=True):
            found.append("legal_or_public_threat")
        return found
    found = []
    if (
        structure.public_threat(text, language, ctx)
        or (grievance and structure.legal_action(text, language, ctx))
        or structure.counsel_copied(text, language, ctx)
        or structure.publishes(text, language, ctx, grievance)
    ):
        found.append("legal_or_public_threat")
    if (
        (grievance and structure.looking_elsewhere(text, language, ctx))
        or structure.decided_to_leave(text, language, ctx)
        or structure.moves_to_a_name(text, language, ctx)
        or structure.leaves_without(text, language, ctx)
        or structure.cancels_all_seats(text, language, ctx)
        or structure.no_then_no(text, language, ctx)
        or structure.notice_of_leaving(text, language, ctx)
        or structure.last_period(text, language, ctx)
        or structure.replaces_you(text, language, ctx)
    ):
        found.append("cancellation_threat")
    rhetorical = structure.rhetorical_threat(text, language, ctx)
    if rhetorical is not None and rhetorical not in found:
        found.append(rhetorical)
    if structure.passes_on(text, language, ctx):
        found.append("manager_request")
    if structure.trust_lost(text, language, ctx):
        found.append(RELATIONSHIP)
    if structure.hard_to_justify(text, language, ctx):
        found.append(DEAL)
    if not reported and structure.data_exposure(text, language, ctx):
        found.append("technical_beyond_control")
    return found


@dataclass
class _Shape:
    """How one email is built: its length, whether anything is wrong in it, what it asks."""

    sentences: int = 0
    words: int = 0
    grievance: bool = False
    asks: int = 0
    calls: int = 0  # asks that are only to be called ("call me when you're free")

    @property
    def short(self) -> bool:
        return self.sentences <= SHORT_SENTENCES and self.words <= SHORT_WORDS

    @property
    def calm(self) -> bool:
        return self.asks > 0 and not self.grievance

    def only_a_call(self) -> bool:
        return self.short and self.calls > 0 and self.calls == self.asks

    def doubts(self, label: str, score: float, item: _Item, language: str) -> bool:
        """An escalation this email's shape does not let stand below certainty."""
        if score >= CERTAIN:
            return False
        # "J'ai saisi notre avocat. Quand pouvons-nous nous appeler ?": a question beside it
        # does not make a legal step taken a calm mention of the lawyer.
        if self.calm and label in CALM_DOUBTS:
            return not structure.legal_action(item.said.text, language, item.context)
        text = item.said.text
        # In a calm email (it asks, nothing is wrong) an escalation must name what it is about
        # (a data protection law named in a compliance request does not), and a question there
        # ("does the discount apply if we switch to annual?") asks; so must a short remark with
        # nothing wrong in it, among longer ones ("Así lo veríamos antes").
        named = structure.explicit(text, language, legal=False, label=label) or (
            label == DECISION and structure.decides(text, language)
        )
        if self.calm and (
            not named
            or (
                item.context.question
                and label != QUESTION_MAY_ASK_FOR
                and not table.signal(label).a_state
            )
        ):
            return True
        if (
            self.sentences > SHORT_SENTENCES
            and not item.consequence  # "Jeśli ..., publikujemy to na Twitterze": half of one
            and len(text.split()) <= SHORT_REMARK
            and not structure.explicit(text, language)
            and not structure.grievance(text, language, item.context)
        ):
            return True
        # "We need to talk about the contract": a wish to talk, with only a topic named.
        return (
            self.short
            and score < SHORT_DOUBT
            and structure.contact_only(text, language)
            and not structure.explicit(text, language)
        )


def _shapes(
    items: list[_Item], probs: np.ndarray, readings: list[Reading], venting: int, routine: int
) -> list[_Shape]:
    shapes = [_Shape() for _ in readings]
    for item, row in zip(items, probs, strict=True):
        if item.consequence:
            continue
        shape, lang, text = shapes[item.doc], item.language, item.said.text
        shape.sentences += 1
        shape.words += len(text.split())
        # A frustration needs words to say it: "Quick one." opens a request.
        vents = bool(row[venting] >= VENTING_EVIDENCE) and len(text.split()) > SHORT_OPENER
        # "mas não achei essa opção no painel novo": a negation in what reads as a routine
        # matter is a how-to gap, not something wrong.
        wrong = structure.grievance(text, lang, item.context) and row[routine] < ROUTINE_EVIDENCE
        # "We haven't decided yet whether to renew", read as calm (`structure.refine`), says
        # nothing wrong: its negation is the indecision.
        calm_weighing = item.context.other_leave and structure.weighs_up(text, lang)
        shape.grievance |= (wrong or vents) and not calm_weighing
        if item.context.request or item.context.question or structure.asks(text, lang):
            shape.asks += 1
            shape.calls += structure.contact_only(text, lang)
    return shapes


_CLAUSE_BREAK = re.compile(r"\s*[;:]\s+|\s+[–—-]\s+|(?P<comma>,\s+)")
# A clause that opens with the customer as its subject, in the eight languages ("we have
# decided", "abbiamo deciso", "decidimos", "wypowiadamy"): a new statement, not the content of
# what was withdrawn ("..., waarin ik vroeg ...", "..., das Gespräch zu organisieren").
_OWN_SUBJECT = re.compile(
    r"^(?:we|we're|we've|we'll|we'd|i|i'm|i've|i'll|our|wir|ich|unser\w*|nous|je|j'|notre|"
    r"nosotros|hemos|noi|abbiamo|nós|eu|temos|wij|ik|onze|my|ja|\w+(?:emos|amos|imos|iamo|"
    r"śmy|my))\b",
    re.IGNORECASE,
)


_OWN_WORD = re.compile(_OWN_SUBJECT.pattern.removeprefix("^"), re.IGNORECASE)


def _past_withdrawal(pieces: list[str], language: str) -> list[tuple[str, bool]]:
    """A withdrawn earlier message reaches only as far as its own clause: "please disregard the
    instructions I gave your team; we have decided to terminate", "ignori la mia ultima email,
    abbiamo deciso di disdire": what follows is read on its own (verbatim pieces), unless it says
    the customer is staying or the matter is settled."""
    out: list[tuple[str, bool]] = []
    c, leaves = cues(language), structure.lexicon(language)
    for piece in pieces:
        for m in _CLAUSE_BREAK.finditer(piece):
            before, after = piece[: m.start()].strip(), piece[m.end() :].strip()
            low = before.lower()
            # "..., cancelamos el contrato", "..., wypowiadamy umowę": a few words after a comma
            # are a clause of their own when they name leaving.
            short = 2 if leaves.has("leaving", after.lower()) else 4 if m.group("comma") else 3
            if len(before.split()) < 2 or len(after.split()) < short:
                continue
            said = after.lower()
            # "...; the real issue is that we are moving to a competitor": a clause that names
            # leaving, with the customer in it, is a new statement too.
            if not _OWN_SUBJECT.match(after) and not (
                leaves.has("leaving", said) and _OWN_WORD.search(after)
            ):
                continue
            if not read_context(before, language).withdrawn or c.has("resolved", low):
                continue
            then = read_context(after, language)
            # "vamos cancelar a assinatura": a word of staying beside one of leaving is no stay.
            stays = (
                c.has("stay_words", said)
                and not c.has("negators", said)
                and not leaves.has("leaving", said)
            )
            if then.withdrawn or stays or then.resolved or then.thanks or then.positive:
                continue
            # The withdrawal that leads is no request of its own ("Disregard everything above,
            # we're done and moving to Zendesk"): it earns no routine reading.
            out += [(before, True), (after, False)]
            break
        else:
            out.append((piece, False))
    return out


TURN_WINDOW = 2  # sentences after what they said before in which they may turn from it


def _next_said(items: list[_Item], item: _Item, count: int) -> list[_Item]:
    """The next `count` sentences of the same email after `item` (no parts of sentences)."""
    at = next(k for k, i in enumerate(items) if i is item)
    return [i for i in items[at + 1 :] if i.doc == item.doc and not i.consequence][:count]


def _withdraw_before(items: list[_Item]) -> None:
    """A sentence that opens by withdrawing withdraws the one before it in the same block ("Last
    week I said I'd take this to our board. No need anymore, ..."). One that withdraws an earlier
    message and is followed by what the customer says now ("Forget what I said in my last email.
    We are switching to Salesforce at renewal.") leads: it earns no routine reading of its own,
    so it cannot lower what follows to a routine reply."""
    for before, item in itertools.pairwise(items):
        if before.doc != item.doc or before.said.block != item.said.block or item.consequence:
            continue
        if structure.withdraws_before(item.said.text, item.language, item.context):
            before.context = dataclasses.replace(before.context, withdrawn=True)
        elif structure.said_before(before.said.text, before.language) and any(
            structure.turns_from(after.said.text, after.language, after.context)
            for after in _next_said(items, before, TURN_WINDOW)
        ):
            # "In March I told you we were looking at other vendors. That's off the table now":
            # what they said before, taken back, is withdrawn with every part of the sentence
            # read on its own.
            for part in items:
                if part.said is before.said:
                    part.context = dataclasses.replace(part.context, withdrawn=True)
        elif (
            before.context.past
            and structure.said_before(before.said.text, before.language)
            and any(
                structure.stands_by(after.said.text, after.language, after.context)
                for after in _next_said(items, before, TURN_WINDOW)
            )
        ):
            # "Vorige maand schreef ik dat we zouden opzeggen. Daar is niets aan veranderd.": the
            # saying is past, what was said holds now (for the classifier's cues too).
            for part in items:
                if part.said is before.said:
                    part.context = dataclasses.replace(part.context, past=False)
                    part.base = dataclasses.replace(part.base, past=False)
        elif (
            # only withdrawing: "Hat sich erledigt, war ein Tippfehler" also says it is over
            [name for name in _RULING_OUT if getattr(before.context, name)] == ["withdrawn"]
            and not before.consequence
            and not _rules_out(item.context)  # "... The sync works again now." closes it
            and structure.withdraws_before(before.said.text, before.language, before.context)
        ):
            before.lead = True


_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")


def _withdrawn_subject(items: list[_Item]) -> None:
    """A subject line names a topic; when the body takes back what it names ("Onderwerp: Re:
    Gesprek met jullie directeur" over "Laat dat gesprek met jullie directeur maar zitten"), the
    subject is taken back with it: the withdrawing sentence holds at least half the subject's
    words."""
    for subject in (i for i in items if i.subject and not i.context.withdrawn):
        words = {w.lower() for w in _CONTENT_WORD.findall(subject.said.text)}
        if words and any(
            item.doc == subject.doc
            and not item.subject
            and item.context.withdrawn
            and 2 * len(words & {w.lower() for w in _CONTENT_WORD.findall(item.said.text)})
            >= len(words)
            for item in items
        ):
            subject.context = dataclasses.replace(subject.context, withdrawn=True)


def get_reader() -> Reader:
    from coach.reading.classifier import get_classifier
    from coach.reading.encoder import get_encoder

    return Reader(get_encoder(), get_classifier())
