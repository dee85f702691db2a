"""Signal phrasings for concepts the issue names (failing POC, budget cut, champion leaving,
security incidents, defects without a workaround, sarcasm), written fresh for these tests."""

from __future__ import annotations

import pytest

from coach.settings import Settings
from coach.triage.engine import get_engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> object:
    settings = Settings(data_dir=tmp_path_factory.mktemp("lexicon"))  # type: ignore[call-arg]
    return get_engine(settings, "offline")


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        (
            "Hi Omar, finance has asked us to put the platform contract out to tender this spring, "
            "and after the sync failures I don't have much to argue with. Regards, Jo",
            "deal_at_risk",
        ),
        (
            "Hello, our CIO won't sign off on the second phase until the import errors stop. "
            "Can you help? Pat",
            "deal_at_risk",
        ),
        (
            "Honestly the expansion is hanging by a thread after this week's crashes. Lena",
            "deal_at_risk",
        ),
        (
            "Hi team, we noticed customer invoices are visible without a login if you know the URL. "
            "Please have your security people look at this immediately. Kim",
            "technical_beyond_control",
        ),
        (
            "Support confirmed the scheduler skips jobs after DST and there is no workaround. "
            "We need a fix from your engineering team before the 1st. Thanks, Ravi",
            "technical_beyond_control",
        ),
        (
            "Love how every update resets my saved filters. Anyway, found them again. Mo",
            "venting",
        ),
    ],
)
def test_concepts_are_caught_in_fresh_wording(engine: object, text: str, signal: str) -> None:
    result = engine.triage(text)  # type: ignore[attr-defined]
    found = {s.type for s in result.signals}
    assert signal in found, f"{signal} not found in {sorted(found)}"
    for s in result.signals:
        assert s.evidence in text


@pytest.mark.parametrize(
    "text",
    [
        "Hi, we'd like to run a short vendor review of our own internal tools next quarter; "
        "nothing to do with you, just letting you know as our account manager. Best, Al",
        "Thanks for the quick fix on the login page, it works now. Cheers, Bea",
    ],
)
def test_calm_mail_stays_handle(engine: object, text: str) -> None:
    result = engine.triage(text)  # type: ignore[attr-defined]
    assert result.decision == "handle", [s.type for s in result.signals]


@pytest.mark.parametrize(
    "text",
    [
        # a negation that says nothing is wrong
        "Hi Ben,\n\nWe'd love to do a case study like the Norrland one with you. Who should our "
        "marketing team talk to? Also, is the webinar on 14 May recorded? Two of us can't make "
        "it live.\n\nBest,\nNoor",
        # the customer calls it small
        "Hi,\n\nOur lawyer has a couple of wording questions on the DPA, nothing major - mainly "
        "clause 7.2 on sub-processors. Could you send the editable Word version? That's just our "
        "standard process before signature.\n\nThanks,\nOlivia",
        # "currently" says nothing persists
        "Bonjour Madame Leroy,\n\nNotre avocate relit actuellement les CGV avant signature, c'est "
        "notre procédure habituelle. Elle demande simplement si la clause de réversibilité "
        "s'applique aussi aux données archivées.\n\nPouvez-vous me confirmer ce point ?\n\n"
        "Merci d'avance,\nAntoine",
    ],
)
def test_words_that_only_look_like_trouble_keep_a_calm_request_calm(
    engine: object, text: str
) -> None:
    result = engine.triage(text)  # type: ignore[attr-defined]
    assert result.decision == "handle", [(s.type, s.evidence) for s in result.signals]


def test_sarcastic_cant_wait_before_a_public_review_still_escalates(engine: object) -> None:
    text = (
        "Can't wait to write the G2 review for this one. \"Five stars, would be ignored by "
        'support again." Seriously, ticket #5521 has been open for 3 weeks.'
    )
    assert engine.triage(text).decision == "escalate"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("line", "signal"),
    [
        ("Tell me why I shouldn't post this on Twitter.", "legal_or_public_threat"),
        ("Will you refund us, or do we go to our lawyers?", "legal_or_public_threat"),
        ("Is there any reason we shouldn't cancel and go with Salesforce?", "cancellation_threat"),
        ("Why should we renew?", "cancellation_threat"),
        ("Warum sollten wir verlängern, wenn nichts funktioniert?", "cancellation_threat"),
        ("Pourquoi devrions-nous renouveler ?", "cancellation_threat"),
    ],
)
def test_a_threat_put_as_a_question_is_a_threat(engine: object, line: str, signal: str) -> None:
    result = engine.triage(f"Hi Sam,\n\n{line}\n\nDana")  # type: ignore[attr-defined]
    assert result.decision == "escalate" and signal in {s.type for s in result.signals}


@pytest.mark.parametrize(
    "line",
    [
        "Why should we renew for three years instead of one? Is there a discount?",
        "Why would we stay on the old plan if the new one is cheaper?",
        "Why shouldn't we use the API for the import?",
        "Is there any reason not to cancel the old test seats?",
    ],
)
def test_a_real_question_about_renewing_or_cancelling_asks(engine: object, line: str) -> None:
    assert engine.triage(f"Hi Sam,\n\n{line}\n\nDana").decision == "handle"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    [
        "Buongiorno,\n\nvorremmo disdire due licenze su venti a partire dal prossimo rinnovo (due "
        "colleghi vanno in pensione). Il resto del contratto resta invariato. Mi conferma il nuovo "
        "importo annuo?\n\nCordiali saluti,\nRoberta",
        "Boa tarde,\n\nVenho por este meio solicitar a rescisão de uma das licenças, uma vez que o "
        "colaborador saiu da empresa. As restantes mantêm-se. Agradeço que me enviem a fatura "
        "retificada.\n\nCumprimentos,\nAna",
        "Hi Marco,\n\nApologies for the urgent ticket last night. Turns out the incident was on us: "
        "one of our admins rotated the API key. Everything's processing again.\n\nTwo follow-ups "
        "so it doesn't happen again:\n- can we set a rotation alert on keys?\n\nCheers,\nNiall",
    ],
)
def test_seat_changes_and_prevention_are_routine(engine: object, text: str) -> None:
    result = engine.triage(text)  # type: ignore[attr-defined]
    assert result.decision == "handle", [(s.type, s.evidence) for s in result.signals]


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        # "not" belongs to the first statement; "and" begins the threat.
        ("Hi Sam, the export does not work and we cancel at renewal. Dana", "escalate"),
        ("Bonjour Sam, l'export ne marche pas et nous résilions le contrat. Claire", "escalate"),
        ("Hoi Sam, de export werkt niet en wij zeggen het contract op. Pieter", "escalate"),
        ("Hi Sam, we will not cancel and we will not switch. Dana", "handle"),
        # German and Dutch put the negation after the verb.
        ("Hallo Sam, wir kündigen nicht, wir sind zufrieden. Jonas", "handle"),
        ("Hallo Sam, wir steigen nicht aus, keine Sorge. Jonas", "handle"),
        ("Hoi Sam, wij zeggen het contract niet op, we zijn tevreden. Pieter", "handle"),
        ("Hallo Sam, wir verlängern nicht. Jonas", "escalate"),
        (
            "Hallo Sam, wir kündigen nicht nur den Vertrag, wir gehen zur Konkurrenz. Jonas",
            "escalate",
        ),
    ],
)
def test_a_negation_is_read_where_the_language_puts_it(
    engine: object, text: str, decision: str
) -> None:
    assert engine.triage(text).decision == decision  # type: ignore[attr-defined]
