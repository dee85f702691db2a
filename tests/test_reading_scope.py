"""How far a word reaches: a concession takes nothing back, what was said before can be stood by,
"nobody" negates its whole clause, an "if" can ask whether, a list can be what is asked for, and
a pasted forward is text, not a message file."""

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
    ("text", "language"),
    [
        ("nadie aquí está pensando en cambiar de proveedor, más bien al contrario.", "es"),
        ("nessuno qui ha intenzione di disdire, anzi: il direttore commerciale mi ha chiesto di "
         "capire se possiamo estendere la piattaforma.", "it"),
        ("Nobody here is talking about leaving.", "en"),
        ("we zijn níet van plan om op te zeggen.", "nl"),
    ],
)  # fmt: skip
def test_nobody_and_a_stressed_not_deny(text: str, language: str) -> None:
    """ "nadie ... está pensando en cambiar" was four words too far for a negation; "capire se"
    (whether) read as a condition; Dutch "níet" with its stress accent was no negation."""
    assert read_context(text, language).denied


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("We don't want to cancel, but if this happens again we will.", "en"),
        ("Nobody here trusts your dates anymore, and if the go-live slips we cancel.", "en"),
        ("Non vogliamo disdire, ma se succede ancora lo faremo.", "it"),
    ],
)  # fmt: skip
def test_a_real_condition_still_keeps_a_negation_from_denying(text: str, language: str) -> None:
    assert not read_context(text, language).denied


def test_what_did_not_happen_is_no_denied_act_of_theirs() -> None:
    """ "Eine Gutschrift ist ... nicht erfolgt" (no credit was made) read as the customer
    denying a credit, so the email said nothing was wrong."""
    text = "Eine Gutschrift ist trotz zweimaliger Nachfrage nicht erfolgt."
    ctx = structure.refine(read_context(text, "de"), text, "de")
    assert not ctx.denied
    assert structure.grievance(text, "de", ctx)
    said = "Wir kündigen nicht."
    assert structure.refine(read_context(said, "de"), said, "de").denied


@pytest.mark.parametrize(
    "text",
    [
        "Guten Tag,\n\nfür unser jährliches Lieferantenaudit benötigt unsere Rechtsabteilung von "
        "Ihnen:\n- den aktuellen AV-Vertrag nach Art. 28 DSGVO\n- die Liste der "
        "Unterauftragsverarbeiter\n- Ihre Regelung zur Haftung bei Datenschutzverstößen\n\n"
        "Eine Antwort bis 30.09. wäre prima.\n\nLisa Hartmann",
        "Hi Tom,\n\nCould you please send us the following:\n- your liability cap for data "
        "breaches\n- the notice period and termination terms\n\nThanks,\nAna",
    ],
)
def test_the_items_of_a_list_a_request_opens_are_what_is_asked_for(
    settings: Settings, text: str
) -> None:
    """Each item was read as a statement: "Haftung bei Datenschutzverstößen" a legal threat."""
    decision, signals = _decision(settings, text)
    assert decision == "handle", (decision, signals)


def test_the_items_of_any_other_list_are_read_as_said(settings: Settings) -> None:
    text = (
        "Hi Tom,\n\nHere is where we stand after this week:\n- the sync failed again on "
        "Monday\n- our lawyers have been instructed to file a claim against you\n\nAna"
    )
    decision, signals = _decision(settings, text)
    assert decision == "escalate" and "legal_or_public_threat" in signals, (decision, signals)


def test_a_routine_check_of_every_supplier_reassures(settings: Settings) -> None:
    text = (
        "Bonjour,\n\nDans le cadre de notre mise en conformité RGPD, notre DPO me demande de "
        "rassembler pour chaque fournisseur :\n- la durée de conservation des données après "
        "résiliation du contrat ;\n- la procédure de restitution des données.\n\nC'est une "
        "revue standard que nous faisons pour tous nos prestataires, rien de spécifique vous "
        "concernant. Pouvez-vous me transmettre ces éléments d'ici fin juin ?\n\nMerci,\nInès"
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
