"""How far a word reaches: a concession takes nothing back, what was said before can be stood by,
a stressed Dutch negation is a negation, what did not happen is no denied act, a reassurance can
itself be denied, and a pasted forward is text, not a message file. The guards are inputs an
adversarial pass found the first version of these rules got wrong."""

from __future__ import annotations

import pytest

from coach.errors import CoachError
from coach.reading import structure
from coach.reading.context import read_context
from coach.settings import Settings
from coach.triage.parse import detect_format, parse


def _decision(settings: Settings, text: str) -> tuple[str, list[str]]:
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(text)
    return result.decision, sorted(s.type for s in result.signals)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("We are terminating the contract at the end of the month. Never mind who is to blame, "
         "three outages in a week is too much.", "en"),
        ("Wypowiadamy umowę z końcem miesiąca. To nieważne, kto zawinił, trzy awarie w "
         "tygodniu to za dużo.", "pl"),
    ],
)  # fmt: skip
def test_a_concession_takes_nothing_back(settings: Settings, text: str, language: str) -> None:
    """ "Never mind who is to blame" opened a take-back of the termination before it."""
    assert not read_context(text.split(". ", 1)[1], language).withdrawn
    decision, signals = _decision(settings, f"Hello,\n\n{text}\n\nAna")
    assert decision == "escalate" and "cancellation_threat" in signals, (decision, signals)


def test_never_mind_alone_still_takes_back() -> None:
    assert read_context("Never mind, the export works again.", "en").withdrawn
    assert read_context("Nieważne, już działa.", "pl").withdrawn


@pytest.mark.parametrize(
    ("text", "escalates"),
    [
        ("Vorige maand schreef ik dat we zouden opzeggen. Daar is niets aan veranderd.", True),
        ("Last year I wrote that we would cancel. Nothing has changed.", True),
        ("Im letzten Jahr schrieb ich, dass wir kündigen würden. Daran hat sich nichts "
         "geändert.", True),
        # Told as past and not stood by: over.
        ("Last year I wrote that we would cancel. Can you send the invoice for May?", False),
    ],
)  # fmt: skip
def test_what_was_said_before_and_stood_by_holds_now(
    settings: Settings, text: str, escalates: bool
) -> None:
    """The past of the saying ("last month I wrote") made what was said past too."""
    decision, signals = _decision(settings, f"Hello,\n\n{text}\n\nAna")
    assert (decision == "escalate") is escalates, (decision, signals)


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("we zijn níet van plan om op te zeggen.", True),
        ("we zijn niet van plan om op te zeggen.", True),
        # "no other option than cancelling" says they will cancel, stressed or not.
        ("Na de derde storing deze maand zien we géén andere optie dan opzeggen.", False),
        ("Na de derde storing deze maand zien we geen andere optie dan opzeggen.", False),
    ],
)  # fmt: skip
def test_a_stressed_dutch_negation_is_read(text: str, denied: bool) -> None:
    """Dutch "níet" with its stress accent was no negation."""
    assert read_context(text, "nl").denied is denied


def test_what_did_not_happen_is_no_denied_act_of_theirs() -> None:
    """ "Eine Gutschrift ist ... nicht erfolgt" (no credit was made) read as the customer
    denying a credit, so the email said nothing was wrong."""
    text = "Eine Gutschrift ist trotz zweimaliger Nachfrage nicht erfolgt."
    ctx = structure.refine(read_context(text, "de"), text, "de")
    assert not ctx.denied
    assert structure.grievance(text, "de", ctx)
    said = "Wir kündigen nicht."
    assert structure.refine(read_context(said, "de"), said, "de").denied


def test_a_routine_check_said_as_such_reassures(settings: Settings) -> None:
    """ "Einen konkreten Anlass gibt es nicht" was itself read as a dispute, and the liability
    asked about as a legal threat."""
    text = (
        "Guten Tag,\n\nfür unsere jährliche Lieferantenprüfung bitten wir um Ihre aktuelle "
        "Regelung zur Haftung bei Datenschutzverstößen und die Liste Ihrer "
        "Unterauftragsverarbeiter. Einen konkreten Anlass gibt es nicht, das ist eine "
        "Routineabfrage.\n\nMit freundlichen Grüßen\nLisa Hartmann"
    )
    decision, signals = _decision(settings, text)
    assert decision == "handle", (decision, signals)


def test_an_idiom_of_forgetting_takes_back(settings: Settings) -> None:
    text = (
        "Pani Anno,\n\nwczoraj w nerwach napisałem o prawnikach – proszę to puścić w "
        "niepamięć. Brakujące zamówienia siedziały po prostu w filtrze, który sami "
        "ustawiliśmy.\n\nJak wyłączyć ten filtr dla wszystkich użytkowników?\n\nGrzegorz"
    )
    decision, signals = _decision(settings, text)
    assert decision == "handle", (decision, signals)


FORWARD = (
    "---------- Forwarded message ---------\n"
    "From: Gregory Haines <g.haines@crestlinefoods.com>\n"
    "Date: Wed, Apr 3, 2024 at 8:12 AM\n"
    "Subject: Re: Q2 rollout\n"
    "To: Laura Bennett <l.bennett@crestlinefoods.com>\n\n"
    "Laura,\n\nBefore we expand to the other plants I want someone senior from their side on a "
    "call with me.\n\nG.\n\n-----\n\nHi Tom, see above from our COO. Can you sort this?\n\nLaura"
)


def test_a_forward_pasted_as_text_is_text_not_a_message_file(settings: Settings) -> None:
    """Its From/Date/Subject lines made it a message file with no body: an error, exit 2."""
    assert detect_format(FORWARD) == "text"
    decision, signals = _decision(settings, FORWARD)
    assert decision == "escalate" and "manager_request" in signals, (decision, signals)


def test_headers_alone_or_a_message_with_no_text_stay_errors() -> None:
    typed = "From: Anna <a@x.pl>\nDate: Mon, 3 Apr 2024\nTo: Tom\n\n"
    assert detect_format(typed) == "eml"
    with pytest.raises(CoachError):
        parse(typed)  # nothing at all to read
    mime = (
        "From: Anna <a@x.pl>\nDate: Mon, 3 Apr 2024\nTo: Tom\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: image/png\n\nabc\n--x--\n"
    )
    with pytest.raises(CoachError, match="no text or HTML body"):
        parse(mime)  # a real message with no text stays an error, not its MIME read as text


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        # A reassurance denied, or a complaint that reads like one, reassures no one.
        ("Hi Sam,\n\nThis is not a routine check: we are terminating the contract at the end "
         "of the quarter.\n\nMark Ellis", "escalate"),
        ("Bonjour,\n\nce n'est pas un contrôle de routine : notre avocat prépare une mise en "
         "demeure concernant la perte de données du 12 mai.\n\nSophie Martin", "escalate"),
        ("Olá Ana,\n\naté agora não recebemos nada de específico sobre a correção do erro de "
         "faturação, e por isso vamos cancelar o contrato no fim do mês.\n\nRui Costa",
         "escalate"),
        # "We won't let this go" is no request to forget it.
        ("Dzień dobry,\n\nnie puścimy tego w niepamięć: nasz prawnik przygotowuje pozew o "
         "odszkodowanie za utracone dane.\n\nMarek Wiśniewski", "escalate"),
        # "No need at all for another call: we are cancelling" denies the call, not the exit.
        ("Hi Sam,\n\nThere is no need at all for another call: we are cancelling at the end of "
         "the month.\n\nMark", "escalate"),
        ("Olá Ana,\n\nnão há qualquer necessidade de marcarem mais reuniões: vamos rescindir o "
         "contrato no fim do mês.\n\nRui Costa", "escalate"),
        # A list of demands, or of announcements, under "please note" or "we need".
        ("Hi Sam,\n\nAfter last week's outage we need the following from you by Friday:\n- a "
         "call with your VP of Engineering\n- a full refund for March\n\nMark", "escalate"),
        ("Dear Sam,\n\nPlease note the following:\n- we are terminating our contract effective "
         "30 June;\n- our legal team will contact you about the outstanding service credits.\n\n"
         "Mark Ellis", "escalate"),
        # What is now fixed is confirmed, not the old threat.
        ("Ciao Giulia,\n\nil mese scorso vi avevo scritto che avremmo disdetto se il problema "
         "con la fatturazione elettronica non fosse stato risolto. Ora è risolto, lo confermo: "
         "le fatture partono regolarmente. Potete mandarmi il preventivo per il rinnovo?\n\n"
         "Grazie,\nLuca", "handle"),
        # A decision said to be made takes nothing back.
        ("Guten Tag Herr Weber,\n\nletzte Woche schrieb ich Ihnen, dass wir den Vertrag zum "
         "30.06. kündigen. Einen Rückruf Ihres Geschäftsführers brauchen wir nicht mehr, die "
         "Entscheidung ist gefallen.\n\nJan Köhler", "escalate"),
        # Someone of theirs, or a passive, denies too.
        ("Beste Sanne,\n\nmijn manager zegt het abonnement niet op. Hij wil alleen weten wat de "
         "opties zijn voor een kleiner pakket.\n\nGroet,\nPieter", "handle"),
        ("Hallo Frau Berger,\n\ngekündigt wird nicht, keine Angst. Wir wollen nur wissen, ob "
         "wir die Rechnungsadresse auf unsere neue Niederlassung in Leipzig ändern können.\n\n"
         "Gruß\nJan Köhler", "handle"),
    ],
)  # fmt: skip
def test_what_an_adversarial_pass_found(settings: Settings, text: str, decision: str) -> None:
    assert _decision(settings, text)[0] == decision
