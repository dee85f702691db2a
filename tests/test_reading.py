"""The reader: who speaks where in an email, which language, what a sentence means in context.

Every sentence here was written for these tests; none comes from an eval set."""

from __future__ import annotations

import pytest

from coach.reading import language
from coach.reading.context import read_context
from coach.reading.mail import split_parts
from coach.reading.reader import Said, get_reader
from coach.settings import Settings


def _speakers(text: str) -> dict[str, str]:
    lines = text.split("\n")
    out: dict[str, str] = {}
    for part in split_parts(text):
        body = " ".join(lines[i].strip() for i in part.lines if lines[i].strip())
        out[part.speaker] = (out.get(part.speaker, "") + " " + body).strip()
    return out


@pytest.mark.parametrize(
    "banner",
    [
        "---------- Forwarded message ---------",
        "Begin forwarded message:",
        "---------- Weitergeleitete Nachricht ----------",
        "-------- Doorgestuurd bericht --------",
        "-------- Message transféré --------",
        "---------- Mensaje reenviado ---------",
        "---------- Messaggio inoltrato ---------",
        "---------- Mensagem encaminhada ---------",
        "---------- Wiadomość przekazana ---------",
    ],
)
def test_a_forwarded_note_from_the_customers_side_is_read(banner: str) -> None:
    text = (
        "See below from our COO.\n\nKim\n\n"
        f"{banner}\nFrom: Ola Berg <ola@example.com>\nDate: Mon, 3 Feb 2025\nSubject: Vendor\n"
        "To: Kim <kim@example.com>\n\nTell them we stop the rollout unless the audit passes.\n"
    )
    parts = _speakers(text)
    assert "stop the rollout" in parts["forwarded"]
    assert "From:" not in parts["forwarded"] and "See below" in parts["newest"]


@pytest.mark.parametrize(
    "attribution",
    [
        "On Tue, 4 Mar 2025 at 09:12, Sam Lee <sam@example.com> wrote:",
        "Am 04.03.2025 um 09:12 schrieb Sam Lee <sam@example.com>:",
        "Op di 4 mrt 2025 om 09:12 schreef Sam Lee <sam@example.com>:",
        "Le mar. 4 mars 2025 à 09:12, Sam Lee <sam@example.com> a écrit :",
        "El mar, 4 mar 2025 a las 09:12, Sam Lee (<sam@example.com>) escribió:",
        "Il giorno mar 4 mar 2025 alle ore 09:12 Sam Lee <sam@example.com> ha scritto:",
        "Em ter., 4 de mar. de 2025 às 09:12, Sam Lee <sam@example.com> escreveu:",
        "W dniu 4.03.2025 o 09:12, Sam Lee <sam@example.com> napisał(a):",
    ],
)
def test_quoted_history_is_context_in_every_language(attribution: str) -> None:
    text = f"All sorted now, thank you.\n\n{attribution}\n> We will cancel if this is not fixed.\n"
    parts = _speakers(text)
    assert parts["newest"] == "All sorted now, thank you."
    assert "cancel" in parts["quoted"]


def test_an_outlook_forward_counts_and_an_outlook_reply_does_not() -> None:
    forward = (
        "FYI\n\nFrom: Ana Ruiz\nSent: Friday\nTo: Me\nSubject: FW: renewal\n\nWe walk away in June."
    )
    reply = "Thanks!\n\nFrom: Ana Ruiz\nSent: Friday\nTo: Me\nSubject: RE: renewal\n\nWe walk away in June."
    assert "walk away" in _speakers(forward)["forwarded"]
    assert "walk away" in _speakers(reply)["quoted"] and "forwarded" not in _speakers(reply)


@pytest.mark.parametrize(("subject", "forwarded"), [("WG", True), ("FW", True), ("AW", False)])
def test_an_original_message_banner_over_a_forward_subject_is_a_forward(
    subject: str, forwarded: bool
) -> None:
    """Outlook writes "-----Original Message-----" over a forward too; the header's subject
    ("WG: ...") says it is one, so the managing director's note passed on is read."""
    text = (
        "Hallo Herr Schubert,\n\nanbei die Nachricht unseres Geschäftsführers zur Kenntnis.\n\n"
        "Gruß\nJörg Ehlers\n\n-----Ursprüngliche Nachricht-----\nVon: Heiner Ehlers\n"
        "Gesendet: Montag, 22. April 2024 08:15\nAn: Jörg Ehlers\n"
        f"Betreff: {subject}: Ausfall Tourenplanung\n\nJörg,\nich will mit deren "
        "Geschäftsleitung sprechen, nicht mit dem Support.\nH.E."
    )
    speakers = _speakers(text)
    assert ("Geschäftsleitung" in speakers.get("forwarded", "")) is forwarded
    assert ("Geschäftsleitung" in speakers.get("quoted", "")) is not forwarded


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Could you please send me the updated invoice for March before Friday?", "en"),
        ("Könnten Sie mir bitte die aktualisierte Rechnung für März schicken?", "de"),
        ("Pourriez-vous m'envoyer la facture mise à jour pour le mois de mars ?", "fr"),
        ("¿Podrías enviarme la factura actualizada de marzo antes del viernes?", "es"),
        ("Kunnen jullie mij de bijgewerkte factuur van maart sturen voor vrijdag?", "nl"),
        ("Potreste inviarmi la fattura aggiornata di marzo entro venerdì?", "it"),
        ("Podem enviar-me a fatura atualizada de março até sexta-feira?", "pt"),
        ("Czy moglibyście przesłać mi zaktualizowaną fakturę za marzec do piątku?", "pl"),
        ("Kan ni skicka den uppdaterade fakturan för mars innan fredag, tack?", "sv"),
        ("Mohli byste mi prosím poslat aktualizovanou fakturu za březen do pátku?", "cs"),
        ("Mart ayı için güncellenmiş faturayı cuma gününe kadar gönderebilir misiniz?", "tr"),
        ("3月分の請求書を金曜日までに送っていただけますか。", "ja"),
    ],
)
def test_the_language_is_named(text: str, code: str) -> None:
    assert language.detect(text) == code


def test_short_text_counts_as_english() -> None:
    assert language.detect("ok thx") == "en"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Sin reembolso no renovaremos.", "es"),  # read as Portuguese by the identifier alone
        ("Sem reembolso não renovamos.", "pt"),
        ("Cancelamos o contrato.", "pt"),
        ("Cancelamos el contrato.", "es"),
    ],
)
def test_a_short_text_is_spanish_or_portuguese_by_its_small_words(text: str, code: str) -> None:
    assert language.detect(text) == code


@pytest.mark.parametrize(
    ("lang", "text", "denied"),
    [
        ("en", "We have no plans to move to another provider.", True),
        ("en", "We will not renew unless the reports are fixed.", False),
        ("en", "We would not hesitate to bring in our solicitors.", False),
        ("de", "Eine Kündigung steht für uns überhaupt nicht zur Debatte.", True),
        ("nl", "We zijn absoluut niet van plan om op te zeggen.", True),
        ("fr", "Nous ne renouvellerons pas le contrat dans ces conditions.", False),
        ("es", "No tenemos ninguna intención de cambiar de proveedor.", True),
        ("it", "Non abbiamo alcuna intenzione di disdire il contratto.", True),
        ("pt", "Não pretendemos cancelar a assinatura, fique tranquilo.", True),
        ("pl", "Nie zamierzamy rezygnować z usługi.", True),
    ],
)
def test_a_denied_intent_is_told_from_a_negated_threat(lang: str, text: str, denied: bool) -> None:
    assert read_context(text, lang).denied is denied


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Please ignore my earlier email asking for your director."),
        ("de", "Meine Anfrage von gestern ziehe ich hiermit zurück."),
        ("nl", "Vergeet mijn verzoek van vanochtend maar."),
        ("fr", "Oubliez ma demande d'hier, tout va bien."),
        ("es", "Olvida mi correo de ayer, ya está resuelto."),
        ("it", "Ignorate la mia mail di stamattina, per favore."),
        ("pt", "Desconsidere o meu e-mail de ontem, por favor."),
        ("pl", "Proszę zignorować mojego wczorajszego maila."),
    ],
)
def test_a_withdrawn_request_is_noticed(lang: str, text: str) -> None:
    assert read_context(text, lang).withdrawn


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "nl",
            "Laat mijn verzoek om je leidinggevende erbij te halen maar zitten, het is "
            "gisteren telefonisch prima opgelost met je collega Noor.",
        ),
        ("pl", "Proszę nie traktować mojej poprzedniej wiadomości jako wypowiedzenia."),
    ],
)
def test_a_request_taken_back_in_a_long_phrase_is_withdrawn(lang: str, text: str) -> None:
    from coach.reading.structure import refine

    assert refine(read_context(text, lang), text, lang).withdrawn


@pytest.mark.parametrize(
    ("text", "resolved"),
    [
        ("The connector has been fixed and the nightly load ran cleanly.", True),
        ("Invoices are syncing again since this morning.", True),
        ("If the sync is not restored by noon we will escalate.", False),
        ("We need the lost records restored first.", False),
        ("The sync failed again overnight.", False),
    ],
)
def test_resolution_must_be_asserted(text: str, resolved: bool) -> None:
    assert read_context(text, "en").resolved is resolved


def test_a_how_to_question_is_not_a_threat() -> None:
    assert read_context("Quick one: how do I terminate a user's session?", "en").howto


@pytest.fixture(scope="module")
def reader():  # type: ignore[no-untyped-def]
    return get_reader()


@pytest.mark.parametrize(
    ("lang", "sentence", "signal"),
    [
        (
            "en",
            "Honestly, this renewal is not happening if the exports keep breaking.",
            "cancellation_threat",
        ),
        (
            "de",
            "Ich möchte bitte mit Ihrer Geschäftsleitung sprechen, und zwar diese Woche.",
            "manager_request",
        ),
        (
            "fr",
            "Notre avocat vous contactera au sujet de la rupture du contrat.",
            "legal_or_public_threat",
        ),
        ("es", "Si vuelve a fallar el cobro, nos buscamos otro proveedor.", "cancellation_threat"),
        ("nl", "Ik wil graag iemand spreken die boven u staat.", "manager_request"),
        ("it", "Se la migrazione slitta ancora, non rinnoviamo.", "cancellation_threat"),
        ("pt", "Vamos levar isso ao nosso jurídico e ao Procon.", "legal_or_public_threat"),
        ("pl", "Jeśli to się powtórzy, wypowiemy umowę.", "cancellation_threat"),
    ],
)
def test_threats_are_read_in_eight_languages(reader, lang: str, sentence: str, signal: str) -> None:  # type: ignore[no-untyped-def]
    reading = reader.read([[Said(sentence)]], [lang])[0]
    assert signal in {f.signal for f in reading.signals}
    assert all(f.evidence == sentence for f in reading.signals)


@pytest.mark.parametrize(
    "sentence",
    [
        "We will file suit.",
        "We intend to file suit if the export is not fixed by Friday.",
        "We are considering legal proceedings.",
    ],
)
def test_filing_suit_is_a_legal_threat(reader, sentence: str) -> None:  # type: ignore[no-untyped-def]
    reading = reader.read([[Said(sentence)]], ["en"])[0]
    assert "legal_or_public_threat" in {f.signal for f in reading.signals}


def test_a_note_from_the_customers_side_is_not_a_problem_solved_on_their_side(reader) -> None:  # type: ignore[no-untyped-def]
    said = "System administrator note from our side: we will cancel the subscription on 30 June."
    assert "cancellation_threat" in {
        f.signal for f in reader.read([[Said(said)]], ["en"])[0].signals
    }
    solved = reader.read([[Said("The issue was on our side, all fine now.")]], ["en"])[0]
    assert not {f.signal for f in solved.signals} & {
        "cancellation_threat",
        "technical_beyond_control",
    }


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "Our CEO, Дмитрий Иванов, says we cancel."),
        ("de", "Unser Geschäftsführer sagt, wir kündigen zum Jahresende."),
        ("pt", "Nosso diretor financeiro disse que vamos cancelar o contrato."),
    ],
)
def test_what_someone_senior_on_their_side_is_reported_to_say_is_read(
    reader, lang: str, sentence: str
) -> None:  # type: ignore[no-untyped-def]
    reading = reader.read([[Said(sentence)]], [lang])[0]
    assert "cancellation_threat" in {f.signal for f in reading.signals}
    assert all(f.evidence == sentence for f in reading.signals)


@pytest.mark.parametrize(
    ("lang", "text", "public"),
    [
        ("pt", "A menos que alguém da sua diretoria nos ligue até sexta, o nosso CEO vai publicar no "
         "LinkedIn o que aconteceu com a migração.", True),
        ("pt", "Se ninguém da sua diretoria nos ligar até sexta, o nosso CEO vai publicar no "
         "LinkedIn o que aconteceu.", True),
        ("pl", "Jeśli nikt nie odpowie do piątku, publikujemy to na Twitterze.", True),
        ("de", "Wenn sich bis Freitag niemand meldet, veröffentlichen wir das auf LinkedIn.", True),
        ("en", "We love the new dashboard and will post a case study on LinkedIn next month.", False),
        ("en", "Our marketing team will publish the webinar recording on LinkedIn.", False),
        # a courtesy, not an ultimatum
        ("en", "Unless you object, our CEO will post about our partnership on LinkedIn on Friday.",
         False),
        ("en", "Unless you can recommend a certified partner, we will post a job ad on LinkedIn.",
         False),
        ("es", "Si no les importa, nuestro CEO publicará en LinkedIn sobre nuestra alianza.", False),
    ],
)  # fmt: skip
def test_making_it_public_on_a_condition_is_a_public_threat(
    settings: Settings, lang: str, text: str, public: bool
) -> None:
    """ "... vai publicar no LinkedIn o que aconteceu" after "a menos que" got no signal at all:
    the classifier does not know the words; the structure (a channel named, a post to come, a
    condition or something wrong) says it. A negation in the condition denies nothing after it."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Olá,\n\n{text}\n\nAbraço,\nFernanda")
    found = "legal_or_public_threat" in result.signal_types()
    assert found is public, result.signals


@pytest.mark.parametrize(
    ("lang", "sentence", "leaving"),
    [
        ("en", "Joris from purchasing decided yesterday to terminate the contract as of July 1.", True),
        ("nl", "Mijn collega Joris heeft gisteren besloten om het contract per 1 juli op te zeggen.",
         True),
        ("de", "Wir haben entschieden, nicht zu verlängern.", True),
        ("it", "Il mio collega ha deciso ieri di disdire il contratto dal 1 luglio.", True),
        ("pl", "Zarząd postanowił nie przedłużać umowy.", True),
        ("en", "We decided not to cancel after all.", False),
        ("en", "We have not decided whether to renew yet.", False),
        ("en", "Last year we decided to cancel our previous vendor.", False),
        ("en", "We decided to cancel the meeting on Friday.", False),
    ],
)  # fmt: skip
def test_a_decision_taken_to_leave_is_leaving(
    reader, lang: str, sentence: str, leaving: bool
) -> None:  # type: ignore[no-untyped-def]
    """The decision is told in the past and the leaving is to come: it is no story of something
    over ("heeft gisteren besloten ... op te zeggen" got no cancellation, or none at all)."""
    from coach.reading.context import read_context
    from coach.reading.structure import decided_to_leave, refine

    ctx = refine(read_context(sentence, lang), sentence, lang)
    assert decided_to_leave(sentence, lang, ctx) is leaving
    if leaving:
        reading = reader.read([[Said(sentence)]], [lang])[0]
        assert "cancellation_threat" in {f.signal for f in reading.signals}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "en",
            "For our vendor register, what is the notice period on our contract? All fine here.",
        ),
        ("de", "Für unser Vertragsregister: Welche Kündigungsfrist gilt für unseren Vertrag?"),
        ("nl", "Wat is de opzegtermijn van ons contract? Het is voor het contractenregister."),
        ("pl", "Proszę o informację, jaki okres wypowiedzenia obowiązuje w naszej umowie."),
    ],
)
def test_asking_for_a_term_of_the_contract_is_no_leaving(reader, lang: str, text: str) -> None:  # type: ignore[no-untyped-def]
    from coach.triage.parse import sentences

    reading = reader.read([[Said(s) for s in sentences(text)]], [lang])[0]
    assert "cancellation_threat" not in {f.signal for f in reading.signals}


@pytest.mark.parametrize(
    ("lang", "said", "threat"),
    [
        (
            "fr",
            "Merci de résilier la licence de Julien. Le reste de l'abonnement ne change pas.",
            False,
        ),
        ("es", "Si esto no cambia esta semana, cancelamos el contrato.", True),
        ("fr", "Si ça ne change pas d'ici vendredi, nous résilions le contrat.", True),
        ("en", "If the product stays the same, we will not renew.", True),
    ],
)
def test_what_stays_unchanged_reassures_unless_it_is_a_condition(
    reader, lang: str, said: str, threat: bool
) -> None:  # type: ignore[no-untyped-def]
    from coach.triage.parse import sentences

    reading = reader.read([[Said(s) for s in sentences(said)]], [lang])[0]
    assert ("cancellation_threat" in {f.signal for f in reading.signals}) is threat


def test_giving_notice_is_leaving_whatever_the_notice_period(reader) -> None:  # type: ignore[no-untyped-def]
    said = "We are giving notice today: we will not renew, and our notice period ends in March."
    reading = reader.read([[Said(said)]], ["en"])[0]
    assert "cancellation_threat" in {f.signal for f in reading.signals}


def test_a_routine_question_is_earned_and_an_unknown_language_is_review(reader) -> None:  # type: ignore[no-untyped-def]
    routine, swedish = reader.read(
        [[Said("How do I add a second billing contact to our account?")], [Said("Hej")]],
        ["en", "sv"],
    )
    assert [f.signal for f in routine.signals] == ["routine_issue"]
    assert swedish.review and "Swedish" in swedish.review


def test_reported_speech_from_the_rep_is_the_customers_threat(reader) -> None:  # type: ignore[no-untyped-def]
    said = [Said("Their Head of IT says he'll pull the contract if the migration slips again.")]
    reading = reader.read([said], ["en"], reported=True)[0]
    assert "cancellation_threat" in {f.signal for f in reading.signals}


def test_the_shipped_model_was_fitted_on_these_exemplars_and_cues() -> None:
    """`python -m coach.reading.classifier` must be run after editing exemplars or cues, so a
    fresh install reads with the shipped weights instead of fitting for a minute."""
    import numpy as np

    from coach.reading.classifier import SHIPPED, exemplar_key

    with np.load(SHIPPED, allow_pickle=False) as data:
        assert str(data["key"]) == exemplar_key()


def test_every_language_has_every_cue_list_and_exemplars_for_every_label() -> None:
    import yaml

    from coach.reading.classifier import EXEMPLARS, LABELS
    from coach.reading.context import _LISTS, CUES

    for code in language.KNOWN:
        listed = yaml.safe_load((CUES / f"{code}.yaml").read_text(encoding="utf-8"))
        missing = [name for name in _LISTS if not listed.get(name)]
        assert not missing, (code, missing)
        data = yaml.safe_load((EXEMPLARS / f"{code}.yaml").read_text(encoding="utf-8"))
        for label in LABELS[:-1]:
            assert len(data["signals"].get(label) or []) >= 20, (code, label)
        assert len(data["none"]) >= 200, code


# --- structure beyond the classifier's cues (coach/reading/structure.py, lexicon/) -------------


@pytest.mark.parametrize(
    ("lang", "sentence", "then"),
    [
        ("en", "If the invoices are wrong again next month, we are done with you.", "we are done"),
        ("en", "One more outage like Tuesday's and we cancel.", "we cancel."),
        ("de", "Entweder das läuft bis Montag oder wir kündigen.", "wir kündigen."),
        ("fr", "Si le portail retombe en panne, nous partons.", "nous partons."),
        ("pl", "Jeśli to się powtórzy, wypowiemy umowę.", "wypowiemy umowę."),
        ("it", "Disdiciamo il contratto se la migrazione slitta ancora.", "Disdiciamo il"),
        # "either ... or" opening the sentence or a clause after a colon, where "o"/"ou" alone
        # is a plain "or".
        (
            "es",
            "Te lo digo claro: o esto queda resuelto antes del verano, o nos buscamos otro "
            "proveedor.",
            "nos buscamos otro proveedor.",
        ),
        ("pt", "Ou vocês resolvem isso até sexta, ou cancelamos o contrato.", "cancelamos o"),
        ("it", "O lo sistemate entro venerdì o disdiciamo il contratto.", "disdiciamo il"),
        ("nl", "Of jullie lossen het voor vrijdag op, of we zeggen het contract op.", "we zeggen"),
    ],
)
def test_the_consequence_of_a_condition_is_read_on_its_own(
    lang: str, sentence: str, then: str
) -> None:
    from coach.reading.structure import consequence

    found = consequence(sentence, lang)
    assert found is not None and then in found and found in sentence


def test_no_consequence_without_a_condition() -> None:
    from coach.reading.structure import consequence

    assert consequence("Please send the updated invoice by Friday.", "en") is None
    # A plain "or", and "o sea" ("I mean"), open no ultimatum.
    assert consequence("O sea, no funciona y necesito ayuda con la exportación.", "es") is None
    assert consequence("Podem enviar a fatura em PDF ou em XML, e com o NIF correto?", "pt") is None


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "es",
            "Nada más para desahogarme: la app de rutas se volvió a trabar hoy y mis choferes "
            "estuvieron veinte minutos parados. Ya sé que lo están revisando.",
        ),
        (
            "nl",
            "Wéér een update waarbij alle knoppen op een andere plek staan, midden in de "
            "rapportperiode. Moest het alleen even kwijt.",
        ),
        (
            "pl",
            "Po ostatniej aktualizacji aplikacja do grafików znowu się zawiesza. Po prostu "
            "musiałam to z siebie wyrzucić.",
        ),
        (
            "en",
            "The scheduler crashed three times during the lunch rush today and the queue was "
            "out the door. Just needed to vent, I know you're on it.",
        ),
    ],
)
def test_an_email_only_to_vent_describes_no_escalation(reader, lang: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """A customer who says they only needed to vent: the problem they describe is theirs to
    vent about, not a technical or relationship escalation, unless the reader is certain."""
    from coach.domain.signals import escalating
    from coach.triage.parse import sentences

    reading = reader.read([[Said(s) for s in sentences(text)]], [lang])[0]
    assert not {f.signal for f in reading.signals} & set(escalating())


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        ("en", ["Automatic reply: pricing question", "I will answer when I am back."]),
        ("en", ["I am out of the office until the 3rd with limited access to email."]),
        ("de", ["Abwesenheitsnotiz: Angebot", "Ich bin ab Montag wieder da."]),
        ("nl", ["Bedankt voor je bericht. Ik ben afwezig tot maandag en lees mijn mail niet."]),
        ("pl", ["Odpowiedź automatyczna: faktura", "Wracam w poniedziałek."]),
    ],
)
def test_an_automatic_reply_is_review_not_routine(reader, lang: str, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    reading = reader.read([[Said(s) for s in lines]], [lang])[0]
    assert reading.review and "automatic reply" in reading.review
    assert reading.signals == []


def test_a_portal_that_was_unreachable_is_no_automatic_reply() -> None:
    from coach.reading.structure import auto_reply

    assert not auto_reply(["Das Portal war zwei Tage nicht erreichbar."], "de")


def test_someone_senior_on_the_customers_own_side_is_not_a_request_for_ours() -> None:
    from coach.reading.structure import refine

    own = "Passing on a request from our CFO: could you send the W-9?"
    ours = "Our CFO wants to speak to your CEO this week."
    assert not refine(read_context(own, "en"), own, "en").senior
    assert refine(read_context(ours, "en"), ours, "en").senior


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("fr", "Merci de me passer votre responsable dès aujourd'hui."),
        ("en", "Thanks in advance for putting me through to your manager."),
    ],
)
def test_a_thank_you_that_asks_is_a_request(lang: str, sentence: str) -> None:
    from coach.reading.structure import refine

    context = refine(read_context(sentence, lang), sentence, lang)
    assert context.request and not context.thanks


def test_a_short_note_that_only_wants_a_call_is_review(reader) -> None:  # type: ignore[no-untyped-def]
    said = [Said("We should talk about the renewal."), Said("Ring me tomorrow.")]
    reading = reader.read([said], ["en"])[0]
    assert reading.review and reading.signals == []


def test_a_lawyer_named_in_a_calm_request_is_not_a_threat(reader) -> None:  # type: ignore[no-untyped-def]
    said = [
        Said("Our legal team would like to read the master agreement before we sign it."),
        Said("Could you send the current version as a Word file?"),
    ]
    reading = reader.read([said], ["en"])[0]
    assert [f.signal for f in reading.signals] == ["routine_issue"]


def test_an_internal_note_passed_on_counts_as_forwarded() -> None:
    text = (
        "Hi Sam,\n\nSee the note from our COO below.\n\nAna\n\n-----Original Message-----\n"
        "From: Raj Patel <raj@northwind.example>\nSent: Monday, 3 March 2025 10:00\n"
        "To: Ana Ruiz <ana@northwind.example>\nSubject: vendor\n\n"
        "Ana, if the dashboards fail again this month we will not renew.\n"
    )
    assert "will not renew" in _speakers(text)["forwarded"]


@pytest.mark.parametrize(
    ("lang", "text", "leaving"),
    [
        ("pt", "O sistema caiu de novo esta semana. Caso o problema volte a acontecer, não contem "
         "connosco para a renovação.", True),
        ("de", "Der Export ist wieder kaputt. Wenn das so bleibt, rechnen Sie nicht mit einer "
         "Verlängerung.", True),
        ("en", "Don't count on us for the webinar next week, sorry.", False),
    ],
)  # fmt: skip
def test_not_to_be_counted_on_for_the_renewal_is_leaving(
    settings: Settings, lang: str, text: str, leaving: bool
) -> None:
    """ "não contem connosco para a renovação" after a condition was read as a denial: routine."""
    from coach.reading.context import read_context
    from coach.reading.structure import count_on_us_not, refine
    from coach.triage.engine import OfflineTriageEngine

    last = text.split(". ")[-1]
    assert count_on_us_not(last, lang) is leaving
    assert not refine(read_context(last, lang), last, lang).denied or not leaving
    result = OfflineTriageEngine(settings).triage(f"Olá,\n\n{text}\n\nFernanda")
    assert ("cancellation_threat" in result.signal_types()) is leaving


@pytest.mark.parametrize(
    "text",
    [
        "Nuestro equipo de marketing quiere hacer un caso de éxito con ustedes y publicarlo en "
        "LinkedIn.",
        "Gostaríamos de publicar um testemunho no LinkedIn e falar sobre vocês à imprensa. "
        "Estamos muito satisfeitos.",
        "We loved the product so much that we will write a glowing review on G2 and post about it "
        "on Twitter next week.",
        "Our legal team has reviewed the DPA and everything is fine; our lawyer will countersign "
        "it tomorrow. We are renewing as planned.",
        "Onze advocaat heeft het contract bekeken en alles is in orde; we tekenen morgen.",
        "Nasz prawnik przejrzał umowę i wszystko jest w porządku; podpisujemy jutro.",
        "L'integrazione con LinkedIn non pubblica più i post programmati dal 2 maggio. Potete "
        "verificare?",
        "Please cancel the access for John Maier as of 31 March, he has left the company. The "
        "other 45 licences continue.",
        "bitte kündigen Sie den Zugang von Herrn Maier zum 31.03., er hat das Unternehmen "
        "verlassen. Die übrigen 45 Lizenzen laufen natürlich weiter.",
    ],
)
def test_calm_mail_that_names_a_channel_a_lawyer_or_a_cancellation_is_no_threat(
    settings: Settings, text: str
) -> None:
    """A case study offered, a lawyer countersigning, a broken LinkedIn integration, one user's
    access cancelled: each was escalated as a public or legal threat or a cancellation."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hi Sam,\n\n{text}\n\nBest,\nAnna")
    threats = {"legal_or_public_threat", "cancellation_threat", "deal_at_risk"}
    assert not threats & set(result.signal_types()), result.signals


@pytest.mark.parametrize(
    "text",
    [
        "We will write a review on G2 about this outage unless it is fixed by Friday.",
        "Our lawyer has reviewed the contract and we will terminate it at renewal.",
        "If the LinkedIn integration stays broken, our CEO will post about it on LinkedIn.",
    ],
)
def test_a_threat_beside_a_review_a_lawyer_or_an_integration_still_counts(
    settings: Settings, text: str
) -> None:
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hi Sam,\n\n{text}\n\nBest,\nAnna")
    assert result.decision == "escalate", result.signals


@pytest.mark.parametrize(
    ("text", "review"),
    [
        ("L'ultima volta che un fornitore ci ha lasciati senza risposta per due settimane, il "
         "nostro ufficio legale ha avviato un'azione. Non vorrei arrivare di nuovo a quel punto, "
         "ma siamo già a dieci giorni.", True),
        ("W zeszłym roku w podobnej sytuacji zerwaliśmy umowę z poprzednim dostawcą. Nie chcemy "
         "tego powtarzać, ale czas ucieka.", True),
        ("Last year we had a similar outage. We don't want to repeat that.", False),
    ],
)  # fmt: skip
def test_a_precedent_told_as_a_warning_is_read_by_a_person(
    settings: Settings, text: str, review: bool
) -> None:
    """What they once did to a supplier, then "I wouldn't want to get there again": no threat is
    said, one is implied. It was read as routine (handle, low)."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Buongiorno Marco,\n\n{text}\n\nGiulia")
    assert (result.decision == "review" and "supplier" in (result.review_reason or "")) is review
    assert result.decision != "handle" or not review


@pytest.mark.parametrize(
    ("text", "escalate"),
    [
        ("Je vous transfère ci-dessous l'échange avec votre support. Pour être claire : sans "
         "réponse d'ici lundi, nous résilions.", True),
        ("Without an answer by Monday, we cancel the contract.", True),
        ("Je vous transfère ci-dessous l'échange avec votre support. Merci de regarder.", False),
        ("Without a reply we can't plan the rollout.", False),
    ],
)  # fmt: skip
def test_without_an_answer_is_a_condition_and_passing_a_thread_on_is_no_leaving(
    settings: Settings, text: str, escalate: bool
) -> None:
    """ "sans réponse d'ici lundi, nous résilions" read as denied, and the forwarding note before
    it ("Je vous transfère ...") as the cancellation: the wrong sentence was quoted."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Bonjour Julien,\n\n{text}\n\nClaire")
    leaving = [s for s in result.signals if s.type == "cancellation_threat"]
    assert bool(leaving) is escalate, result.signals
    assert all("transfère" not in s.evidence for s in leaving)


@pytest.mark.parametrize(
    ("text", "legal"),
    [
        ("J'ai saisi notre avocat. Quand pouvons-nous nous appeler ?", True),
        ("ich habe unseren Anwalt eingeschaltet. Wann können wir telefonieren?", True),
        ("Ho coinvolto il nostro avvocato. Quando possiamo sentirci?", True),
        ("I've looped in our attorney. Can you call me tomorrow?", True),
        ("Our lawyer has a few comments on the DPA before we sign. Can you send the latest "
         "version?", False),
    ],
)  # fmt: skip
def test_a_legal_step_taken_stays_a_threat_beside_a_question(
    settings: Settings, text: str, legal: bool
) -> None:
    """A lawyer engaged, then "when can we talk?", read as a calm mention of the lawyer: handle."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hello,\n\n{text}\n\nMarie")
    assert ("legal_or_public_threat" in result.signal_types()) is legal, result.signals


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("Fix it by Friday or we walk.", "cancellation_threat"),
        ("Fix the billing mess by Friday or our CEO takes it to LinkedIn.",
         "legal_or_public_threat"),
        ("Appelez-nous avant vendredi, sinon notre PDG raconte tout sur LinkedIn.",
         "legal_or_public_threat"),
        ("Precisamos de uma solução até 1 de julho, senão saímos.", "cancellation_threat"),
        ("We hebben vóór 1 juli een oplossing nodig, anders zeggen we het contract op.",
         "cancellation_threat"),
        ("Can you send the CSV or the PDF version of the invoice?", None),
        ("Please update the billing address or we will keep getting wrong invoices.", None),
    ],
)  # fmt: skip
def test_what_follows_a_demands_or_is_read_as_its_consequence(
    settings: Settings, text: str, signal: str | None
) -> None:
    """ "Fix it by Friday or we walk" and "..., sinon notre PDG raconte tout sur LinkedIn" were
    review or handle: an "or" after a demand opened no condition."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hi Sam,\n\n{text}\n\nAnna")
    threats = {"cancellation_threat", "legal_or_public_threat"} & set(result.signal_types())
    assert threats == ({signal} if signal else set()), result.signals


@pytest.mark.parametrize(
    ("text", "leaving"),
    [
        ("We decided to terminate our contract with Globex (our old CRM vendor) and move "
         "everything onto your platform. Can you help with the data import?", False),
        ("Onze directie heeft besloten het contract met jullie te verlengen. Kun je de offerte "
         "sturen?", False),
        ("Carlos ha dejado la empresa. Por favor, cancelad su licencia y quitadle el acceso.",
         False),
        ("Herr Schulz hat das Unternehmen verlassen. Bitte kündigen Sie seine Lizenz.", False),
        ("Our board decided to terminate the contract with you and move to Globex.", True),
        ("Onze directie heeft besloten het contract niet te verlengen.", True),
    ],
)  # fmt: skip
def test_leaving_another_vendor_renewing_or_a_departed_users_licence_is_no_threat(
    settings: Settings, text: str, leaving: bool
) -> None:
    """Each calm one was escalated as a cancellation threat."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hi Sam,\n\n{text}\n\nAnna")
    assert ("cancellation_threat" in result.signal_types()) is leaving, result.signals


PASSED_ON = (
    "Hallo Herr Weber,\n\nanbei die Mail unserer Geschäftsführerin, nur zur Info.\n\n"
    "Viele Grüße\nThomas Braun\n\n> Von: Claudia Neumann\n> An: Thomas Braun\n"
    "> Betreff: Vendor\n>\n> Thomas, bitte bereite die Kündigung vor. Wir wechseln zum 30.06.\n"
)


@pytest.mark.parametrize(
    ("text", "forwarded"),
    [
        (PASSED_ON, True),
        # a reply quoting the mail of the person greeted is history
        (PASSED_ON.replace("Claudia Neumann", "Sam Weber"), False),
        # nothing says a mail is passed on: "Hallo Team" over the rep's own mail
        (PASSED_ON.replace("Herr Weber", "Team").replace("anbei die Mail unserer "
         "Geschäftsführerin, nur zur Info.", "das Problem besteht weiterhin."), False),
        # nobody greeted by name: nothing can be told
        (PASSED_ON.replace("Hallo Herr Weber,", "Hallo,"), False),
    ],
)  # fmt: skip
def test_a_quoted_mail_to_the_sender_passed_on_counts_as_forwarded(
    text: str, forwarded: bool
) -> None:
    """ "anbei die Mail unserer Geschäftsführerin" over "> Von: Claudia Neumann / > An: Thomas
    Braun / > ... bitte bereite die Kündigung vor" was read as history: handle, low."""
    said = _speakers(text)
    assert ("Kündigung" in said.get("forwarded", "")) is forwarded
    assert ("Kündigung" in said.get("quoted", "")) is not forwarded


def test_every_language_has_every_structure_family() -> None:
    import yaml

    from coach.reading.language import KNOWN
    from coach.reading.structure import FAMILIES, LEXICON

    for code in KNOWN:
        data = yaml.safe_load((LEXICON / f"{code}.yaml").read_text(encoding="utf-8"))
        assert data["language"] == code
        assert all(data.get(name) for name in FAMILIES), code


@pytest.mark.parametrize(
    ("lang", "sentence", "signal"),
    [
        ("en", "Sam - I want to speak with their VP before we sign anything for next year.",
         "manager_request"),
        ("fr", "Camille, je veux un rendez-vous avec leur direction avant le renouvellement.",
         "manager_request"),
        ("pt", "João, peça uma reunião com a diretoria deles antes da renovação.",
         "manager_request"),
    ],
)  # fmt: skip
def test_a_forwarded_colleague_calls_us_they(reader, lang: str, sentence: str, signal: str) -> None:  # type: ignore[no-untyped-def]
    """Between the customer's colleagues we are "they": a forwarded note asking for "their VP"
    asks for ours; the evidence stays the verbatim sentence."""
    reading = reader.read([[Said(sentence, forwarded=True)]], [lang])[0]
    assert signal in {f.signal for f in reading.signals}
    assert all(f.evidence == sentence for f in reading.signals)


def test_vendor_words_are_swapped_only_as_whole_words() -> None:
    from coach.reading.structure import to_vendor

    assert to_vendor("They said their VP would call them.", "en") == (
        "you said your VP would call you."
    )
    assert to_vendor("a diretoria deles", "pt") == "a diretoria de vocês"
    assert to_vendor("Theirselves, theory", "en") == "Theirselves, theory"


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "Just confirming for the record: we've decided to renew for another two years."),
        ("en", "I'm going on leave in April, so please add a second admin."),
        ("en", "We are leaving for the airport at 4."),
        ("en", "Our legal team has reviewed the updated terms and has no comments."),
        ("es", "He revisado el contrato y tenéis razón, el módulo no estaba incluido."),
        ("fr", "Pouvez-vous envoyer la désignation comme responsable de traitement ?"),
    ],
)
def test_staying_another_sense_or_a_concession_does_not_escalate(
    reader, lang: str, sentence: str
) -> None:  # type: ignore[no-untyped-def]
    reading = reader.read([[Said(sentence)]], [lang])[0]
    escalating = {f.signal for f in reading.signals} - {"routine_issue", "venting"}
    assert not escalating, reading.signals


@pytest.mark.parametrize(
    ("sentence", "signals"),
    [
        (
            "Your update deleted three months of our data, and we will not renew.",
            {"cancellation_threat", "scope_timeline_dispute"},
        ),
        (
            "We will cancel the contract and talk to our lawyer.",
            {"cancellation_threat", "legal_or_public_threat"},
        ),
        (
            "We will cancel and I want to talk to your manager.",
            {"cancellation_threat", "manager_request"},
        ),
    ],
)
def test_two_statements_joined_by_and_each_count(reader, sentence: str, signals: set[str]) -> None:  # type: ignore[no-untyped-def]
    reading = reader.read([[Said(sentence)]], ["en"])[0]
    assert signals <= {f.signal for f in reading.signals}, reading.signals


def test_two_statements_joined_by_a_semicolon_each_count(reader) -> None:  # type: ignore[no-untyped-def]
    said = [Said("We won't renew; I've asked our lawyer to review.")]
    reading = reader.read([said], ["en"])[0]
    assert {"cancellation_threat", "legal_or_public_threat"} <= {f.signal for f in reading.signals}


def test_a_semicolon_after_a_closed_matter_adds_nothing(reader) -> None:  # type: ignore[no-untyped-def]
    said = [
        Said(
            "We consider the matter closed and will not be taking any further action; our "
            "counsel has been informed."
        )
    ]
    reading = reader.read([said], ["en"])[0]
    assert "legal_or_public_threat" not in {f.signal for f in reading.signals}, reading.signals


def test_and_before_a_thing_or_at_the_end_joins_no_statements() -> None:
    from coach.reading.structure import joined

    assert joined("My COO will not approve it without a fix and a plan from you", "en") == []
    assert joined("We will cancel the contract and", "en") == []
    assert joined("We will cancel the contract;", "en") == []
    assert joined("We will cancel the contract and talk to our lawyer", "en") == [
        "We will cancel the contract",
        "talk to our lawyer",
    ]


def test_half_a_calm_sentence_adds_nothing(reader) -> None:  # type: ignore[no-untyped-def]
    said = [Said("Could you add Jo as an admin and we will send the renewal form today?")]
    reading = reader.read([said], ["en"])[0]
    assert [f.signal for f in reading.signals] == ["routine_issue"], reading.signals


def test_leaving_beside_a_request_is_still_leaving(reader) -> None:  # type: ignore[no-untyped-def]
    """A request in the same sentence does not make "we are leaving" administrative."""
    said = [Said("We want a refund and we are leaving when the term ends.")]
    reading = reader.read([said], ["en"])[0]
    assert "cancellation_threat" in {f.signal for f in reading.signals}


def test_staying_in_doubt_is_still_a_threat(reader) -> None:  # type: ignore[no-untyped-def]
    said = [Said("Our contract ends in March, and at this point I'd give it 50/50 that we stay.")]
    reading = reader.read([said], ["en"])[0]
    assert "cancellation_threat" in {f.signal for f in reading.signals}


def test_a_client_of_the_customer_is_not_their_own_doing() -> None:
    text = "Depuis ce matin, un de nos clients voit les bons de livraison d'un autre client."
    assert not read_context(text, "fr").own_fault
    assert read_context("Un de nos techniciens a supprimé la règle par erreur.", "fr").own_fault


def test_another_partys_data_is_an_incident_beside_a_routine_question(reader) -> None:  # type: ignore[no-untyped-def]
    said = [
        Said("Can you add Lucie Fabre as a user on our workspace?"),
        Said("Also, since this morning one of our clients sees another client's invoices."),
    ]
    reading = reader.read([said], ["en"])[0]
    assert "technical_beyond_control" in {f.signal for f in reading.signals}


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "Please forward this to your manager: I want a meeting with him before Thursday."),
        ("fr", "Merci de transférer ce message à votre responsable : je souhaite un entretien."),
        ("de", "Bitte leiten Sie diese Nachricht an Ihren Vorgesetzten weiter."),
        # Whoever the rep reports to is someone senior, in any language.
        ("en", "Put me through to whoever you report to please, I'm done explaining this."),
        ("pl", "Proszę mnie połączyć z osobą, komu pan podlega."),
        ("es", "Pásame con la persona a quien reportas, por favor."),
    ],
)
def test_asking_that_the_message_go_up_is_a_manager_request(
    reader, lang: str, sentence: str
) -> None:  # type: ignore[no-untyped-def]
    reading = reader.read([[Said(sentence)]], [lang])[0]
    assert "manager_request" in {f.signal for f in reading.signals}


def test_a_main_clause_before_a_trailing_condition_is_its_consequence() -> None:
    from coach.reading.structure import consequence

    text = (
        "Bitte ignorieren Sie meine vorherige E-Mail: unsere Geschäftsführung hat entschieden, "
        "den Vertrag zu kündigen, falls bis zum 20. März keine Lösung vorliegt."
    )
    found = consequence(text, "de")
    assert found is not None and found.endswith("den Vertrag zu kündigen")
    assert consequence("Honestly, if you can fix it", "en") is None


def test_a_day_before_a_month_ends_no_sentence() -> None:
    from coach.triage.parse import sentences

    assert len(sentences("Wir kündigen, falls bis zum 20. März nichts passiert. Danke.")) == 2


def test_announced_maintenance_is_planned_work_not_trouble() -> None:
    from coach.reading.structure import grievance, refine

    text = "Auf Ihrer Statusseite ist ein geplanter Ausfall wegen Wartungsarbeiten angekündigt."
    ctx = refine(read_context(text, "de"), text, "de")
    assert ctx.minor and not grievance(text, "de", ctx)


def test_after_otherwise_comes_the_consequence() -> None:
    from coach.reading.structure import consequence

    assert consequence("Fix the export by Friday, otherwise we cancel the contract.", "en") == (
        "we cancel the contract."
    )


@pytest.mark.parametrize(
    ("sentence", "lang", "names_stakes"),
    [
        ("As promised, I've attached the signed order form for the extra seats.", "en", False),
        ("We're planning a nightly backfill and want to stay within limits.", "en", False),
        ("Una compañera se jubila y no queremos seguir pagando su licencia.", "es", True),
        ("If the export breaks again we will not renew.", "en", True),
        ("We willen die graag laten tekenen voordat we beginnen.", "nl", False),
        ("Wir werden den Vertrag nicht verlängern.", "de", True),
    ],
)
def test_staying_or_paying_names_the_stakes_only_when_it_is_in_doubt(
    sentence: str, lang: str, names_stakes: bool
) -> None:
    from coach.reading import structure

    assert structure.explicit(sentence, lang) is names_stakes


@pytest.mark.parametrize(
    ("sentence", "lang"),
    [
        ("Several customers got a phishing email sent through your platform.", "en"),
        ("Wir vermuten ein Datenleck in eurem Portal.", "de"),
        ("Nous avons constaté une fuite de données clients.", "fr"),
        ("Hubo un acceso no autorizado a nuestra cuenta.", "es"),
        ("C'è stata una fuga di dati dal vostro sistema.", "it"),
        ("Er is een datalek bij jullie platform.", "nl"),
        ("Houve um vazamento de dados dos nossos clientes.", "pt"),
        ("Doszło do wycieku danych naszych klientów.", "pl"),
    ],
)
def test_a_security_incident_is_a_problem_in_every_language(sentence: str, lang: str) -> None:
    from coach.reading.context import cues

    assert cues(lang).has("problem_words", sentence.lower())


@pytest.mark.parametrize(
    ("told", "lang", "asks_for_ours"),
    [
        ("they want to talk to my manager", "en", True),
        ("Their COO asked for a call with our VP.", "en", True),
        ("sie wollen mit meinem Chef sprechen", "de", True),
        ("I need to brief my manager before I do anything", "en", False),
        ("my manager is Dana Brooks, I briefed her on slack", "en", False),
    ],
)
def test_in_a_reps_account_my_manager_is_ours(told: str, lang: str, asks_for_ours: bool) -> None:
    reading = get_reader().read([[Said(told)]], [lang], reported=True)[0]
    assert ("manager_request" in {f.signal for f in reading.signals}) is asks_for_ours


@pytest.mark.parametrize(
    ("sentence", "public"),
    [
        ("Bad news on Driftwood Media.", False),
        ("They called Harbor Press Group about the renewal.", False),
        ("We will go to the media with this.", True),
        ("Media will hear about this.", True),
    ],
)
def test_the_press_inside_a_name_or_an_idiom_is_not_the_press(sentence: str, public: bool) -> None:
    from coach.reading import structure

    ctx = structure.refine(read_context(sentence, "en"), sentence, "en")
    assert ctx.legal_public is public


def test_in_a_reps_account_a_problem_the_customer_caused_is_not_beyond_our_control() -> None:
    told = "their webhooks stopped firing after they rotated their API keys"
    reading = get_reader().read([[Said(told)]], ["en"], reported=True)[0]
    assert "technical_beyond_control" not in {f.signal for f in reading.signals}
    ctx = read_context(told, "en")
    from coach.reading import structure

    assert structure.refine(ctx, told, "en", reported=True).own_fault
    assert not structure.refine(ctx, told, "en").own_fault  # in a customer's email "they" differ


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            [
                "The label printers in both warehouses were offline for the whole of Saturday.",
                "Nothing for you to do, happy for you to close the case.",
            ],
        ),
        (
            "pt",
            [
                "As impressoras de etiquetas dos dois armazéns ficaram offline o sábado inteiro.",
                "Pode encerrar o chamado, vocês não precisam fazer nada.",
            ],
        ),
    ],
)
def test_a_customer_closing_the_case_ends_the_incident(reader, lang: str, said: list[str]) -> None:  # type: ignore[no-untyped-def]
    reading = reader.read([[Said(s) for s in said]], [lang])[0]
    assert "technical_beyond_control" not in {f.signal for f in reading.signals}
    open_incident = reader.read([[Said(said[0])]], [lang])[0]
    assert "technical_beyond_control" in {f.signal for f in open_incident.signals}


def test_a_notice_taken_back_is_no_threat(reader) -> None:  # type: ignore[no-untyped-def]
    said = (
        "Après la démonstration à notre direction, nous revenons sur notre décision : "
        "notre lettre de résiliation du 2 mai est nulle et non avenue."
    )
    reading = reader.read([[Said(said)]], ["fr"])[0]
    assert "cancellation_threat" not in {f.signal for f in reading.signals}


def test_a_spanish_outlook_reply_header_starts_the_history() -> None:
    text = (
        "Seguimos sin solución y necesitamos una fecha.\n\n"
        "-----Mensaje original-----\nDe: Soporte <soporte@example.com>\n"
        "Enviado el: lunes, 3 de junio de 2024 18:02\nPara: Ana\nAsunto: Ticket 1\n\n"
        "Procedemos a cerrar el ticket.\n"
    )
    parts = _speakers(text)
    assert "cerrar el ticket" not in parts["newest"]


@pytest.mark.parametrize(
    ("lang", "text", "denies"),
    [
        ("de", "Wir denken nicht an eine Kündigung, und mit Ihnen bin ich zufrieden.", True),
        ("pl", "Od razu zaznaczę: nie zamierzamy rezygnować z Państwa systemu.", True),
        ("en", "We are not going to cancel, but we need a date.", True),
        ("en", "We won't renew.", False),
        ("en", "If this is not fixed by Friday we will cancel.", False),
        ("fr", "Nous ne renouvellerons pas le contrat.", False),
    ],
)
def test_a_leaving_denied_is_told_from_a_threat(lang: str, text: str, denies: bool) -> None:
    from coach.reading import structure

    assert structure.denies_leaving(text, lang) is denies


@pytest.mark.parametrize(
    ("lang", "text", "closing"),
    [
        ("en", "Happy for you to close the case, and you can forget what I said earlier.", True),
        ("en", "Please do not close the ticket yet.", False),
        ("en", "If it breaks again, close the ticket and we walk.", False),
        ("pl", "Zgłoszenie można zamknąć.", True),
        ("it", "Non chiudete la pratica!", False),
        ("es", "Podéis cerrar la incidencia, ya funciona.", True),
    ],
)
def test_a_customer_closing_the_case_is_told_from_one_who_is_not(
    lang: str, text: str, closing: bool
) -> None:
    from coach.reading import structure
    from coach.reading.context import read_context

    assert structure.closes(text, lang, read_context(text, lang)) is closing


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("pl", "Zostajemy - proszę nie traktować mojej poprzedniej wiadomości jako wypowiedzenia."),
        ("en", "We're staying - please don't treat my previous email as notice."),
        ("nl", "We blijven - beschouw mijn vorige bericht alstublieft niet als opzegging."),
        (
            "it",
            "Restiamo: per favore non considerate il mio messaggio precedente come una disdetta.",
        ),
        ("pt", "Vamos ficar: por favor, não considerem minha mensagem anterior como cancelamento."),
        (
            "fr",
            "Nous restons : merci de ne pas considérer mon précédent message comme une résiliation.",
        ),
    ],
)
def test_a_previous_message_not_to_be_taken_as_notice_is_no_threat(
    reader, lang: str, sentence: str
) -> None:  # type: ignore[no-untyped-def]
    reading = reader.read([[Said(sentence)]], [lang])[0]
    assert "cancellation_threat" not in {f.signal for f in reading.signals}


def test_a_formal_legal_step_is_read_however_unlike_the_exemplars(reader) -> None:  # type: ignore[no-untyped-def]
    """A sentence far from every exemplar counts for less, unless it names a formal legal step."""
    said = [
        Said("Suite à notre échange du 4 mars, notre service juridique considère les "
             "indisponibilités répétées de février comme un manquement à vos engagements."),
        Said("Sans proposition de votre part d'ici le vendredi 21 mars, il m'a été demandé de "
             "vous adresser une mise en demeure."),
    ]  # fmt: skip
    reading = reader.read([said], ["fr"])[0]
    assert "legal_or_public_threat" in {f.signal for f in reading.signals}


def test_far_from_every_exemplar_is_read_a_block_at_a_time_with_the_same_answer(reader) -> None:  # type: ignore[no-untyped-def]
    """`far` stops at the first block of exemplars holding a near one; it must say exactly what
    the full product says (`nearest` below the limit), for near and far sentences alike."""
    from coach.reading.reader import NEAR

    sentences = [
        "We will cancel the contract at renewal if the export fails again.",
        "Can you send me the March invoice as a PDF?",
        "Nie przedłużymy umowy, która wygasa z końcem czerwca.",
        "What a match last night, the keeper was unbelievable!",
        "lol same",
        "Il portale è di nuovo fuori servizio da stamattina.",
    ]
    vectors = reader.encoder.encode(sentences)
    far = reader.classifier.far(vectors, NEAR)
    assert far.tolist() == (reader.classifier.nearest(vectors) < NEAR).tolist()
    assert not far.all()  # the test holds a near sentence too


class _OneReading:
    """An encoder and classifier that read every sentence naming the nightly exports as a
    technical problem with 0.62 of the probability (`none` 0.3), every other one as routine,
    and every sentence as far from the exemplars."""

    def encode(self, texts: list[str]):  # type: ignore[no-untyped-def]
        import numpy as np

        named = ("export", "eksport")  # "the nightly exports", "die Exporte", "nocne eksporty"
        return np.asarray(
            [[1.0 if any(w in t.lower() for w in named) else 0.0] for t in texts],
            dtype=np.float32,
        )

    def probabilities(self, vectors, features):  # type: ignore[no-untyped-def]
        import numpy as np

        from coach.reading.classifier import LABELS

        rows = np.zeros((len(vectors), len(LABELS)), dtype=np.float32)
        for row, v in zip(rows, vectors, strict=True):
            if v[0]:
                row[LABELS.index("technical_beyond_control")] = 0.62
                row[LABELS.index("routine_issue")] = 0.08
                row[LABELS.index("none")] = 0.3
            else:
                row[LABELS.index("routine_issue")] = 0.9
                row[LABELS.index("none")] = 0.1
        return rows

    def far(self, vectors, limit):  # type: ignore[no-untyped-def]
        import numpy as np

        return np.ones(len(vectors), dtype=bool)


@pytest.mark.parametrize(
    ("lang", "marker"),
    [("en", "More serious:"), ("en", "And the bigger thing:"), ("de", "Viel ernster:"),
     ("pt", "Mais grave:"), ("pl", "Co gorsza,")],
)  # fmt: skip
def test_a_sentence_the_customer_marks_as_the_serious_matter_counts(lang: str, marker: str) -> None:
    """A likelier-than-not escalation reading stands in a sentence marked as the serious one,
    far from the exemplars or not; the same sentence unmarked stays below the bar."""
    from coach.reading.reader import Reader

    stub = _OneReading()
    reader = Reader(stub, stub)  # type: ignore[arg-type]
    ask = "Can you add Jo Park as an admin on the finance workspace?"
    # Each sentence in the marker's language: a sentence plainly in another language is read in
    # its own.
    empty = {
        "en": "the nightly exports have been empty since Monday.",
        "de": "die nächtlichen Exporte sind seit Montag leer.",
        "pt": "as exportações noturnas estão vazias desde segunda-feira.",
        "pl": "nocne eksporty są puste od poniedziałku.",
    }[lang]
    for opener, escalates in ((marker, True), ("", False)):
        said = f"{opener} {empty}".strip()
        reading = reader.read([[Said(ask), Said(said)]], [lang])[0]
        found = {f.signal: f.evidence for f in reading.signals}
        assert ("technical_beyond_control" in found) is escalates, (marker, opener)
        if escalates:
            assert found["technical_beyond_control"] == said


@pytest.mark.parametrize(
    ("lang", "sentence", "wrong"),
    [
        ("pt", "Ainda existe?", False),
        ("en", "Is the old export screen still there?", False),
        ("en", "No action is required on your side.", False),
        ("pt", "Nenhuma ação é necessária da sua parte.", False),
        ("en", "Don't you have a CSV template for this?", False),
        ("en", "Invoices are visible without a login if you know the URL.", True),
        ("en", "The export still times out every night.", True),
        ("en", "Why is the export still broken?", True),
        ("en", "The invoices are not right.", True),
        ("pt", "Mais grave: o relatório trazia os salários de outra empresa.", True),
    ],
)
def test_what_makes_something_wrong_in_a_sentence(lang: str, sentence: str, wrong: bool) -> None:
    """A question with "still" or a negation asks, and "no action is needed" names nothing
    wrong; a problem, a persisting one, a negation said outright or a marked serious matter
    does."""
    from coach.reading.structure import grievance

    assert grievance(sentence, lang, read_context(sentence, lang)) is wrong


def test_a_sentence_must_name_what_its_signal_is_about() -> None:
    """ "Our director forwarded me the notice below" names someone senior, not leaving."""
    from coach.reading.structure import explicit

    sentence = "Nosso diretor de operações me encaminhou o aviso abaixo."
    assert explicit(sentence, "pt")
    assert explicit(sentence, "pt", label="manager_request")
    assert not explicit(sentence, "pt", label="cancellation_threat")
    assert explicit("Vamos cancelar o contrato.", "pt", label="cancellation_threat")


def test_a_dutch_verb_split_around_its_negation_denies_leaving() -> None:
    from coach.reading.structure import denies_leaving

    assert denies_leaving("Om misverstanden te voorkomen: we zeggen niet op, het loopt door.", "nl")
    assert not denies_leaving("We zeggen het contract op per 1 juni.", "nl")


@pytest.mark.parametrize(
    ("sentence", "then"),
    [
        ("Te lo digo claro: como la plataforma vuelva a caerse en pleno puente, nos vamos con otro.",
         "nos vamos con otro."),
        ("Como no lo arregléis antes del viernes, dejamos de pagar.", "dejamos de pagar."),
        ("Como te comenté ayer, necesitamos dos usuarios más.", None),
    ],
)  # fmt: skip
def test_a_spanish_como_with_the_subjunctive_is_a_condition(
    sentence: str, then: str | None
) -> None:
    """ "Como + subjunctive" is "if" ("como vuelva a caerse, nos vamos"); "como te comenté" is
    "as"."""
    from coach.reading.structure import consequence

    assert consequence(sentence, "es") == then


@pytest.mark.parametrize(
    ("sentence", "lang", "decides"),
    [
        ("We need you to waive the overage fee for March.", "en", True),
        ("Jeśli nie dostaniemy lepszych warunków albo rozłożenia płatności na raty, odchodzimy.",
         "pl", True),
        ("Podemos pagar a plazos si nos hacéis una excepción.", "es", True),
        ("We've got 37 new staff starting across the trust in September.", "en", False),
        ("Wir haben ab Montag zwei neue Kolleginnen im Team.", "de", False),
    ],
)  # fmt: skip
def test_what_a_leader_decides_is_named(sentence: str, lang: str, decides: bool) -> None:
    from coach.reading.structure import decides as names_a_decision

    assert names_a_decision(sentence, lang) is decides


@pytest.mark.parametrize(
    "sentence",
    [
        "Intermittent sync failures between their clinics since monday, appointments show up late",
        "Their cfo said they will not renew",
        "I think we will have to look at other vendors if this keeps happening",
    ],
)
def test_a_sentence_typed_in_lower_case_reads_as_written_with_capitals(
    reader, sentence: str
) -> None:  # type: ignore[no-untyped-def]
    def signals(text: str) -> set[str]:
        return {f.signal for f in reader.read([[Said(text)]], ["en"], reported=True)[0].signals}

    assert signals(sentence.lower()) == signals(sentence)


@pytest.mark.parametrize(
    ("sentence", "lang", "statement"),
    [
        ("we will cancel at renewal, ok?", "en", "we will cancel at renewal."),
        ("We will cancel at renewal, OK.", "en", "We will cancel at renewal."),
        ("We will cancel at renewal ok", "en", "We will cancel at renewal."),
        ("Cancelamos en la renovación, ¿vale?", "es", "Cancelamos en la renovación."),
        ("Wir kündigen zum Jahresende, oder?", "de", "Wir kündigen zum Jahresende."),
        ("Is that ok?", "en", "Is that ok?"),
        ("Would Friday at three be ok?", "en", "Would Friday at three be ok?"),
        ("It works ok", "en", "It works ok"),
    ],
)
def test_a_trailing_tag_is_read_as_the_statement_before_it(
    sentence: str, lang: str, statement: str
) -> None:
    from coach.reading.structure import without_tag

    assert without_tag(sentence, lang) == statement


@pytest.mark.parametrize(
    ("sentence", "lang", "moves"),
    [
        ("We are switching to Salesforce at renewal.", "en", True),
        ("We're moving to HubSpot when our contract ends.", "en", True),
        ("Wir wechseln zu Salesforce, sobald der Vertrag ausläuft.", "de", True),
        ("We're moving to HubSpot.", "en", False),
        ("We're moving to Azure AD next month.", "en", False),
        ("Vamos migrar para a Salesforce no fim do contrato.", "pt", True),
        ("We are moving to the new dashboard next week.", "en", False),
        ("Our front desk has switched to Chrome for now.", "en", False),
        ("Od kwietnia przechodzimy na Państwa nowy pakiet.", "pl", False),
    ],
)
def test_a_move_to_a_vendor_the_customer_names(sentence: str, lang: str, moves: bool) -> None:
    from coach.reading.structure import switches_to_a_name

    assert switches_to_a_name(sentence, lang) is moves


def test_answers_between_lines_of_an_outlook_quote_are_new_text() -> None:
    text = (
        "Hi Sam,\n\nSee my replies below in red.\n\n-----Original Message-----\n"
        "From: Sam Rep <sam@ourco.com>\nSent: Monday, June 3, 2024 10:00 AM\nSubject: renewal\n\n"
        "> Can you confirm you plan to renew?\n[Dana] No. We will not renew.\n\nDana\n"
    )
    parts = _speakers(text)
    assert "We will not renew" in parts["newest"]
    assert "Can you confirm" in parts["quoted"] and "Sam Rep" in parts["quoted"]
    # Without the note or a tag, unquoted lines in Outlook history stay history; so does a tag
    # with the quoted sender's name.
    for plain in (text.replace("See my replies below in red.", "Thanks."),):
        for answer in ("No. We will not renew.", "[Sam] No. We will not renew."):
            said = _speakers(plain.replace("[Dana] No. We will not renew.", answer))
            assert "We will not renew" not in said["newest"]


@pytest.mark.parametrize(
    "text",
    [
        "We will not renew without a refund.",
        "Sans remboursement d'ici là, nous ne renouvellerons pas.",
        "Sin reembolso antes de esa fecha, no renovaremos.",
        "Senza un rimborso non rinnoveremo il contratto.",
        "No refund, no renewal.",
        "Keine Gutschrift, keine Verlängerung.",
        "Sem estorno, sem renovação.",
        "Opzegging contract per 1 juli.",
        "Disdetta del contratto dal 1 luglio.",
        "We haven't decided whether to renew; if the sync is not fixed by Friday we won't.",
        "The board approved the termination of our contract with you.",
        "La direction a validé le passage à un autre prestataire en juin.",
    ],
)
def test_leaving_on_a_condition_set_by_without_or_a_bare_notice_is_a_threat(
    settings: Settings, text: str
) -> None:
    """ "Without a refund" and "no refund, no renewal" were read as denials (handle), a notice in
    nouns as nothing (review); indecision or a go-ahead beside a real threat does not hide it."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hi Sam,\n\n{text}\n\nDana")
    assert result.decision == "escalate", result.signals
    assert "cancellation_threat" in result.signal_types(), result.signals


@pytest.mark.parametrize(
    "text",
    [
        "we haven't decided yet whether to renew in March. Could you send the new price list?",
        "wir haben noch nicht entschieden, ob wir im März verlängern. Können Sie mir die neue "
        "Preisliste schicken?",
        "todavía no hemos decidido si renovamos en marzo. ¿Me envías la nueva lista de precios?",
        "jeszcze nie zdecydowaliśmy, czy przedłużymy umowę. Prześlesz cennik?",
        "ainda não decidimos se vamos renovar. Pode enviar a tabela de preços?",
        "Thanks for the proposal. We will review it internally and get back to you.",
        "Bedankt voor het voorstel. We gaan het intern reviewen en komen erop terug.",
        "Obrigado pela proposta. Vamos fazer uma avaliação interna e depois voltamos a falar.",
        "My VP approved the budget, so we are good to go for 10 extra seats. Can you send the "
        "order form?",
        "Could you send the March invoice again? Our finance team lost it.",
        "This is the last time I'll bother you about the invoice address, promise! Thanks for "
        "your patience.",
        "Vorremmo disdire una sola licenza dal prossimo mese, perché un collega è andato via.",
        "No problem, no renewal changes needed this year, same terms as before. Please send the "
        "invoice.",
    ],
)
def test_indecision_a_go_ahead_an_internal_review_or_one_seat_is_no_threat(
    settings: Settings, text: str
) -> None:
    """Each escalated: an undecided renewal as a cancellation, "we will review it" as a public
    review, a purchase approved or a document the customer lost as a deal at risk, "the last time
    I'll bother you" as an ultimatum, one seat cancelled as leaving."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hi Sam,\n\n{text}\n\nDana")
    assert result.decision == "handle", result.signals


@pytest.mark.parametrize(
    "text",
    [
        "Ieri sera il nostro CFO ha dato l'ok: possiamo procedere con l'ordine per le 20 "
        "licenze alle condizioni del preventivo. Mi mandi il contratto da firmare?",
        "Luca, pode seguir com a renovação nas mesmas condições. Aprovado.",
        "Tengo que cancelar la demo del jueves, nuestro director ha convocado al comité de "
        "dirección. ¿Os va bien el lunes?",
        "Je dois malheureusement annuler la démo de jeudi, notre directeur a un comité de "
        "direction ce jour-là. Lundi 10h vous irait ?",
        "I have to cancel Thursday's demo, our director booked a board meeting at the same time. "
        "Does Monday at 10 work?",
        "We won't renew the reporting add-on in July, we don't use it any more. The main "
        "subscription stays the same. How do I remove it from the next invoice?",
        "Das SMS-Zusatzmodul verlängern wir im Juli nicht mehr. Der Hauptvertrag bleibt "
        "unverändert. Wie nehmen wir es aus der nächsten Rechnung?",
    ],
)
def test_an_approval_a_meeting_called_off_or_a_part_of_the_account_dropped_is_routine(
    settings: Settings, text: str
) -> None:
    """Each escalated: the customer's own go-ahead as a leadership decision, a demo or meeting
    called off as a deal at risk, an add-on not renewed beside "the main subscription stays the
    same" as leaving."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hi Sam,\n\n{text}\n\nDana")
    assert result.decision == "handle", result.signals


@pytest.mark.parametrize(
    "text",
    [
        "Ehrlich gesagt: unsere Geschäftsführung hat mich gebeten, vor der Verlängerung andere "
        "Anbieter anzuschauen. Ich würde gern bleiben, aber dafür brauche ich etwas Konkretes von "
        "Ihnen.",
        "Te soy sincero: nuestro director general me ha pedido que mire otros proveedores antes "
        "de la renovación. Preferiría seguir con vosotros, pero necesito algo concreto.",
        "Vou ser sincero: o nosso diretor pediu-me para avaliar outros fornecedores antes da "
        "renovação. Preferia ficar convosco, mas preciso de algo concreto.",
        "Sarò sincero: la nostra direzione mi ha chiesto di guardare altri fornitori prima del "
        "rinnovo. Preferirei restare con voi, ma mi serve qualcosa di concreto.",
        "Eerlijk gezegd: onze directie heeft me gevraagd om voor de verlenging naar andere "
        "aanbieders te kijken. Ik blijf liever, maar dan heb ik iets concreets van jullie nodig.",
    ],
)
def test_other_vendors_weighed_before_the_renewal_is_leaving_beside_a_wish_to_stay(
    settings: Settings, text: str
) -> None:
    """Each was handle: looking at other vendors named no leaving, so beside a calm "I'd rather
    stay, but I need something concrete" it did not count."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hi Sam,\n\n{text}\n\nDana")
    assert result.decision == "escalate", result.signals
    assert "cancellation_threat" in result.signal_types(), result.signals


@pytest.mark.parametrize(
    ("text", "leaving"),
    [
        ("This is the last quarter we pay for this as it is. Call me.", True),
        ("Das ist das letzte Quartal, das wir dafür bezahlen.", True),
        ("C'est le dernier trimestre que nous payons pour ça.", True),
        ("Questo è l'ultimo trimestre che paghiamo per questo servizio.", True),
        ("Dit is het laatste kwartaal dat we hiervoor betalen.", True),
        ("Este é o último trimestre que pagamos por isso.", True),
        ("Te lo digo claro: este es el último trimestre que pagamos por esto. Llámame.", True),
        ("We renewed in May; the last renewal we signed was for three years.", False),
        ("This is the last document we need before we sign.", False),
        ("March was the last month we paid the old price, right?", False),
    ],
)  # fmt: skip
def test_the_last_period_they_pay_for_is_notice_of_leaving(
    settings: Settings, text: str, leaving: bool
) -> None:
    """ "The last quarter" read as the past and paying for it as staying: no notice was seen."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hi Sam,\n\n{text}\n\nDana")
    assert ("cancellation_threat" in result.signal_types()) is leaving, result.signals


@pytest.mark.parametrize(
    ("text", "leaving"),
    [
        ("Ik zeg het maar vast: gaat het bij de volgende maandafsluiting weer mis, dan gaan we "
         "op zoek naar een andere partij.", True),
        ("Geht es beim nächsten Monatsabschluss wieder schief, suchen wir uns einen anderen "
         "Anbieter.", True),
        ("Is de export morgen weer stuk, dan zeggen we op.", True),
        ("Gaat alles goed, dan verlengen we graag.", False),
        ("Ist die Rechnung korrekt, zahlen wir sofort.", False),
    ],
)  # fmt: skip
def test_a_condition_with_its_verb_first_is_a_condition(
    settings: Settings, text: str, leaving: bool
) -> None:
    """German and Dutch put the verb first instead of "wenn"/"als": the consequence was never
    read, so the threat after it was lost."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hi Sam,\n\n{text}\n\nDana")
    assert ("cancellation_threat" in result.signal_types()) is leaving, result.signals


@pytest.mark.parametrize(
    ("text", "leaving"),
    [
        ("We are evaluating Zendesk as a replacement for your product.", True),
        ("Stiamo valutando HubSpot in sostituzione della vostra piattaforma.", True),
        ("Sin reembolso no renovamos.", True),
        ("Sem reembolso não renovamos.", True),
        ("Sem reembolso, não renovamos.", True),
        ("We are not looking for anything to replace your platform, we are happy.", False),
        ("Do you offer a product to replace your legacy on-prem server?", False),
        ("Sin la factura no podemos pagar, ¿nos la reenviáis?", False),
    ],
)  # fmt: skip
def test_a_product_weighed_to_replace_ours_or_staying_withheld_without_a_refund_is_leaving(
    settings: Settings, text: str, leaving: bool
) -> None:
    """Another product named to replace ours needed something wrong said beside it; "sin
    reembolso no renovamos" had no comma, so its consequence was never read, and with one the
    negated renewal was read as a denial."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hi Sam,\n\n{text}\n\nDana")
    assert ("cancellation_threat" in result.signal_types()) is leaving, result.signals


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        ("Nous n'avons pas encore décidé. Je reviens vers vous la semaine prochaine.", "review"),
        ("Noch nicht entschieden. Ich melde mich nächste Woche.", "review"),
        ("We haven't decided yet, the outages have been a nightmare and the board is furious.",
         "escalate"),
    ],
)  # fmt: skip
def test_indecision_that_names_nothing_is_read_by_a_person(
    settings: Settings, text: str, decision: str
) -> None:
    """ "Nous n'avons pas encore décidé." escalated as leaving and a deal at risk."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hi Sam,\n\n{text}\n\nDana")
    assert result.decision == decision, result.signals


@pytest.mark.parametrize(
    "text",
    [
        "Cancel the meeting on Friday. We are moving to Zendesk when the contract ends.",
        "We'll cancel the demo and the rollout unless the crashes stop.",
        "We won't renew the reporting add-on. Unless the outages stop, the main subscription "
        "goes too.",
        "The board approved our move to a new vendor; we will not renew in June.",
    ],
)
def test_a_threat_beside_a_meeting_an_add_on_or_an_approval_still_escalates(
    settings: Settings, text: str
) -> None:
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hi Sam,\n\n{text}\n\nDana")
    assert result.decision == "escalate", result.signals
    assert "cancellation_threat" in result.signal_types(), result.signals


@pytest.mark.parametrize(
    ("text", "leaving"),
    [
        ("Il nostro ufficio acquisti ha aperto una gara d'appalto per la piattaforma. Questa è "
         "l'ultima volta che segnalo il problema.", True),
        ("You have until Friday 14 June. After that we move the budget to Initech.", True),
        ("Si no se arregla antes del viernes, el presupuesto se va a Initech.", True),
        ("Status after review:\nInvoice #1234: paid\nContract: will not be renewed in September\n"
         "Training: scheduled", True),
        ("We will move the budget to Q3, the project starts later. Can you update the invoice "
         "date?", False),
        ("We are preparing a tender for a new HR system. Could you send your ISO certificate?",
         False),
    ],
)  # fmt: skip
def test_a_tender_a_budget_moved_to_a_vendor_or_a_status_line_tells_leaving(
    settings: Settings, text: str, leaving: bool
) -> None:
    """A tender beside a complaint, the budget moved to a named vendor after a deadline and
    "Contract: will not be renewed" in a status list were handle or review."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hi Sam,\n\n{text}\n\nDana")
    assert (result.decision == "escalate") is leaving, result.signals
    assert not leaving or "cancellation_threat" in result.signal_types(), result.signals


@pytest.mark.parametrize(
    ("text", "escalates"),
    [
        ("Hi Sam,\n\nSam wrote on Friday:\nIf the invoice stays unpaid, we will have to suspend "
         "the account and involve our legal team.\n\nThanks, all paid now.\n\nDana", False),
        ("Hoi Sam,\n\nSam schreef vrijdag:\nAls de factuur onbetaald blijft, moeten we het "
         "account blokkeren en onze juridische afdeling inschakelen.\n\nBedankt, alles is nu "
         "betaald.\n\nDana", False),
        ("Hi Sam,\n\nOur CEO Mark wrote this morning:\nIf the sync is not fixed by Friday we "
         "cancel.\n\nPlease help.\n\nDana", True),
    ],
)  # fmt: skip
def test_the_addressees_own_words_quoted_back_are_not_the_senders(
    settings: Settings, text: str, escalates: bool
) -> None:
    """ "Sam wrote on Friday:" over the lines Sam (the person greeted) wrote: the vendor's own
    warning quoted back was read as the customer threatening (escalate, critical)."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(text)
    assert (result.decision == "escalate") is escalates, result.signals


@pytest.mark.parametrize(
    ("text", "lang", "then"),
    [
        ("Noch so ein Samstag und wir sind raus, Vertrag hin oder her.", "de",
         "wir sind raus, Vertrag hin oder her."),
        ("Noch ein Ausfall und wir kündigen den Vertrag.", "de", "wir kündigen den Vertrag."),
        ("Nog zo'n storing en we zeggen het contract op.", "nl", "we zeggen het contract op."),
        ("Encore une panne comme ça et nous résilions le contrat.", "fr",
         "nous résilions le contrat."),
        ("Jeszcze jedna awaria i wypowiadamy umowę.", "pl", "wypowiadamy umowę."),
    ],
)  # fmt: skip
def test_an_ultimatum_that_names_its_matter_is_followed_by_its_consequence(
    text: str, lang: str, then: str
) -> None:
    """ "Noch ein Ausfall und ...": the link came straight after the ultimatum's own words and
    was skipped, so no consequence was read (review)."""
    from coach.reading.structure import consequence

    assert consequence(text, lang) == then


@pytest.mark.parametrize(
    ("text", "escalates"),
    [
        ("Ich will diese Woche einen Anruf von deren Geschäftsführung, nicht vom Support.", True),
        ("We had roughly 20 minutes of downtime on the 12th, which I believe is still within the "
         "SLA. I mainly want to document it for our quarterly supplier review.", False),
    ],
)  # fmt: skip
def test_whose_leadership_and_which_review(settings: Settings, text: str, escalates: bool) -> None:
    """ "deren Geschäftsführung" was read as the customer's own management (review), "our
    quarterly supplier review" as a public review."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hallo Sam,\n\n{text}\n\nGruß\nJan")
    assert (result.decision == "escalate") is escalates, result.signals


@pytest.mark.parametrize(
    ("text", "escalates"),
    [
        ("No renovaremos sin un reembolso por la caída del servicio.", True),
        ("Rescisión del contrato a partir del 1 de julio.", True),
        ("Dénonciation du contrat au 1er juillet.", True),
        ("Vertragskündigung zum 01.07.", True),
        ("Rezygnacja z usługi od 1 lipca.", True),
        ("Merci de résilier l'ensemble de nos 40 licences à la fin du mois.", True),
        ("Proszę anulować wszystkie 40 licencji z końcem miesiąca.", True),
        ("Zeg alle 40 licenties op per het einde van de maand.", True),
        ("Merci de résilier la licence de Paul, il a quitté la société.", False),
        ("We haven't decided yet whether to renew; we're also looking at Zendesk, who quoted us "
         "30% less.", True),
        ("Wir haben noch nicht entschieden, ob wir verlängern. Der Support ist seit Monaten "
         "furchtbar, niemand beantwortet unsere Tickets.", True),
        ("O Sam escreveu na sexta:\nSe decidirem cancelar, lamentaríamos; é possível uma nota de "
         "crédito de março.\n\nObrigado. Ficamos, claro. Podes enviar a nota de crédito?", False),
    ],
)  # fmt: skip
def test_notices_all_seats_and_indecision_beside_a_complaint(
    settings: Settings, text: str, escalates: bool
) -> None:
    """A notice in nouns ("Rescisión del contrato ..."), every licence cancelled, and a renewal
    not decided beside a competitor or a complaint were review or handle; a vendor's words quoted
    back after "O Sam escreveu" were read as the customer's threat."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Olá Sam,\n\n{text}\n\nAna")
    assert (result.decision == "escalate") is escalates, result.signals


@pytest.mark.parametrize(
    ("text", "escalates"),
    [
        # A move between our billing plans, or a discount asked for only if there is one.
        ("Queremos cancelar o plano mensal e passar pro anual a partir do mês que vem, pra "
         "aproveitar o desconto. Precisa de algum formulário?", False),
        ("We'd like to switch from monthly to annual billing from September, so we get the "
         "discount. Can you send the new quote?", False),
        ("Wir möchten vom Monatsabo auf das Jahresabo wechseln, wegen des Rabatts. Geht das zum "
         "1.10.?", False),
        ("Nosso diretor pediu uma cotação de mais 15 licenças. Se tiver desconto por volume, já "
         "inclui na proposta, por favor.", False),
        ("If there's a nonprofit discount, please apply it to the renewal quote.", False),
        # ... and not when the condition is one of leaving, or the plan is the contract.
        ("If there is no discount on the renewal, we will cancel the contract.", True),
        ("We want to cancel the annual contract; the monthly plan was never worth it either.",
         True),
        # Back to normal, said outright, ends the incident told before it.
        ("Ontem a plataforma esteve lentíssima à hora de almoço e quase dei em doido com o fecho "
         "do mês. Mas pronto, hoje já está tudo normal, não é por isso que escrevo. Como exporto "
         "o mapa de vendas para Excel?", False),
        ("Ieri la piattaforma era lentissima. Ancora oggi non è tutto normale: l'export non "
         "parte e domani chiudiamo il mese. Se non lo risolvete entro stasera, disdiciamo.",
         True),
        # "No rush", "nothing changes": a negation that says nothing is wrong.
        ("Klient złożył wniosek o dostęp do danych (art. 15 RODO). Jak wyeksportować dane jednej "
         "osoby? Mamy na odpowiedź miesiąc, więc się nie pali.", False),
        # A company merged or renamed moves a legal entity, not the account ...
        ("Following our acquisition by Northgate Group, the contracting entity on our side moves "
         "from Bramble Analytics Ltd to Northgate Bramble Ltd (company no. 14829317) effective 1 "
         "October. Nothing changes operationally. Our lawyer has asked for a short novation "
         "letter for the existing agreement. Do you have a template?", False),
        # ... unless the customer wants out, or names the contract it leaves.
        ("After the merger with Northgate we want out of the contract; Northgate uses HubSpot.",
         True),
        ("Following our acquisition by Northgate Group we will terminate the subscription at the "
         "end of the term.", True),
        # A contract extension their legal team accepted is good news.
        ("Aneks przedłużający umowę na kolejne 24 miesiące został już zaakceptowany przez nasz "
         "dział prawny. Czy możemy podpisać elektronicznie?", False),
        # In a calm email a technical problem must name something broken; a price does not.
        ("No vosso site está indicado um desconto de 30% para instituições particulares de "
         "solidariedade social. O desconto aplica-se também ao plano anual ou só ao mensal?",
         False),
        ("O sistema está fora do ar desde as 8h e ninguém consegue faturar. Podem ver isso com "
         "urgência?", True),
        # What the new readings must not hide (from a review of them).
        ("Our solicitors have accepted instructions and will write to you formally next week.",
         True),
        ("Your status page says everything is normal, but our whole team has been locked out "
         "for three hours and it is costing us thousands.", True),
        ("Since you were acquired by Globex, prices have gone up 40% and support has collapsed, "
         "and we will not be renewing.", True),
        ("We are switching from your annual plan to a monthly one until we find a replacement.",
         True),
        ("Please switch us from annual to monthly now, and we'll cancel entirely in March once "
         "HubSpot is live.", True),
        ("If there's a way to waive the $18,000 overage fee, we need your leadership to approve "
         "it this week.", True),
        ("Les rogamos que den de baja nuestro contrato a final de mes.", True),
        ("Solicitamos o encerramento do contrato no fim do ano.", True),
        ("Vi chiediamo la risoluzione del contratto dal 1° gennaio.", True),
        ("Qual é o prazo de aviso para o encerramento do contrato? Só para planear o orçamento.",
         False),
        ("Nous vous prions de ne pas reconduire notre abonnement à l'échéance.", True),
        # A formal notice of non-renewal is leaving, though "renewal" is in it.
        ("Please accept this email as our formal notice of non-renewal under clause 12.3 of the "
         "Master Subscription Agreement. Kindly confirm receipt.", True),
    ],
)  # fmt: skip
def test_calm_administration_is_routine_and_a_notice_in_its_words_is_not(
    settings: Settings, text: str, escalates: bool
) -> None:
    """A plan switch, a discount asked for only if it exists, an incident told as back to normal,
    "no rush" and a company's merger were read as leadership decisions, technical problems or
    leaving; a formal notice of non-renewal was read as staying, for the "renewal" in it."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hello Sam,\n\n{text}\n\nAna")
    assert (result.decision == "escalate") is escalates, result.signals


@pytest.mark.parametrize(
    "text",
    [
        "A fatura FT 2024/1187 foi emitida com o NIF antigo da empresa. Pedíamos a anulação da "
        "mesma e a emissão de nova fatura com o NIF 515482931.",
        "La fattura 118 è intestata alla vecchia società. Vi preghiamo di emetterne una nuova "
        "intestata a Bianchi & Partners S.r.l.",
        "The invoice still shows our old address. We kindly ask that you reissue it.",
    ],
)
def test_a_request_in_polite_or_formal_words_is_routine_not_review(
    settings: Settings, text: str
) -> None:
    """ "Pedíamos a anulação", "vi preghiamo di", "we kindly ask that": a request in the polite
    imperfect or in formal words was not read as one, so an invoice correction went to review."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Boa tarde,\n\n{text}\n\nCarla")
    assert result.decision == "handle", (result.decision, result.signals)


@pytest.mark.parametrize(
    ("language", "text", "wished"),
    [
        ("en", "she wants the records recovered by friday", True),
        ("de", "er verlangt, dass die daten bis freitag wiederhergestellt werden", True),
        ("en", "the records are recovered now", False),
        ("en", "the records are recovered, and she wants a credit", False),
        # news of a fix in the first person is no wish: it is over
        ("de", "ich möchte ihnen mitteilen, dass das problem behoben ist", False),
        ("nl", "ik wil even laten weten dat het probleem is opgelost", False),
        ("pt", "gostaria de informar que o problema foi resolvido", False),
        ("en", "i wanted to let you know it is fixed", False),
    ],
)
def test_a_resolution_someone_else_wants_is_a_wish(language: str, text: str, wished: bool) -> None:
    from coach.reading.structure import wished_for

    assert wished_for(text, language) is wished


@pytest.mark.parametrize(
    ("text", "escalates"),
    [
        # The customer's own escalation process, inside their company: asks nothing of ours.
        ("Die Bestellung habe ich intern an unseren Geschäftsführer eskaliert, weil sie über "
         "meinem Freigabelimit liegt. Können Sie uns bitte Ihre USt-IdNr. schicken?", False),
        ("Lo he escalado internamente a nuestra directora financiera porque supera mi límite de "
         "aprobación. ¿Me enviáis el certificado de la cuenta bancaria?", False),
        # ... unless it turns to us, or says what went wrong or who weighs leaving.
        ("I've escalated this internally to our CEO and she wants to speak with your CEO this "
         "week about the outages.", True),
        ("We escalated the outage internally to our CEO; the platform has been down for three "
         "days.", True),
        ("Lo he escalado internamente a nuestra dirección y están valorando otros proveedores.",
         True),
        # A lawyer put in copy from now on takes the matter to legal; one copied to review a DPA
        # does not.
        ("From now on our general counsel will be copied on every email about the deleted "
         "backups. Please send a written timeline by Friday.", True),
        ("Ab sofort ist unsere Rechtsabteilung bei allen Mails zu den verlorenen Daten in Kopie. "
         "Bitte schicken Sie uns bis Freitag eine Stellungnahme.", True),
        ("I've copied our legal team so they can review the DPA before we sign. Could you send "
         "the latest version?", False),
        # "Jak ..., to ...": a colloquial Polish condition, not a question.
        ("Jak jeszcze raz system padnie w czasie wyprzedaży, to się żegnamy.", True),
        ("Jak mogę dodać nowego użytkownika do konta?", False),
    ],
)  # fmt: skip
def test_whose_escalation_a_lawyer_in_copy_and_a_condition_that_opens_like_a_question(
    settings: Settings, text: str, escalates: bool
) -> None:
    """An order escalated inside the customer's company for approval was read as leaving and a
    deal at risk; a lawyer copied on everything from now on was routine; "Jak ..., to się
    żegnamy" was read as a question, so the threat after it was lost."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hello,\n\n{text}\n\nAna")
    assert (result.decision == "escalate") is escalates, (result.decision, result.signals)


@pytest.mark.parametrize(
    ("language", "text", "cited"),
    [
        ("es", "En vuestra web pone que hay un 20 % de descuento para fundaciones.", True),
        ("pt", "Vi na vossa página de preços que há um desconto para contratos a 24 meses.", True),
        ("fr", "Sur votre site, il est indiqué une remise de 15 % pour les associations.", True),
        ("de", "Auf Ihrer Website steht ein Rabatt von 10 % für Schulen.", True),
        # Named as what went wrong, or beside trouble or leaving, it is not a citation.
        ("en", "Now your website has kicked me out and support hung up on me.", False),
        ("en", "On your website you promise 99.9% uptime and we had three outages this month.",
         False),
        ("nl", "Op jullie website staat een korting, maar wij stappen over naar een andere "
         "leverancier.", False),
    ],
)  # fmt: skip
def test_what_we_publish_cited_where_it_is_found(language: str, text: str, cited: bool) -> None:
    from coach.reading.structure import cites_published

    assert cites_published(text, language) is cited


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Ignore my ask from yesterday about getting your VP on the phone."),
        ("fr", "Pas besoin d'organiser l'appel avec votre responsable, on oublie."),
    ],
)
def test_a_request_ignored_or_a_call_not_to_be_organised_is_withdrawn(
    language: str, text: str
) -> None:
    from coach.reading.structure import refine

    assert refine(read_context(text, language), text, language).withdrawn


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The March outage is water under the bridge for us."),
        ("de", "Der Ausfall im Januar ist für uns Schnee von gestern."),
        ("es", "Lo de la caída de enero ya es agua pasada."),
        ("pt", "A falha de março já são águas passadas."),
        ("nl", "De storing van maart is voor ons verleden tijd."),
        ("pl", "Awaria z marca to już przeszłość."),
    ],
)
def test_an_incident_the_customer_calls_water_under_the_bridge_is_over(
    language: str, text: str
) -> None:
    from coach.reading.structure import refine

    assert refine(read_context(text, language), text, language).resolved


@pytest.mark.parametrize(
    ("text", "escalates"),
    [
        ("Since October we've had four account managers and nothing promised was delivered. "
         "Honestly, the trust is gone. Also, can you fix the VAT number on the May invoice?", True),
        ("Ehrlich gesagt ist das Vertrauen weg. Können Sie die Rechnung korrigieren?", True),
        ("Desde que firmamos nadie cumple lo que promete. Ya no nos fiamos de vosotros. ¿Podéis "
         "corregir la factura de mayo?", True),
        # Trust named to say it stands, or lost in someone else, is no relationship at risk.
        ("We haven't lost trust in you, the team did great. Can you send the invoice?", False),
        ("We lost trust in our previous vendor, which is why we moved to you. Can you add two "
         "users?", False),
    ],
)  # fmt: skip
def test_trust_said_to_be_gone_puts_the_relationship_at_risk(
    settings: Settings, text: str, escalates: bool
) -> None:
    """ "A confiança foi embora" beside a routine request was read as the request; "we haven't
    lost trust in you" was read, with certainty, as a relationship breaking down."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hello,\n\n{text}\n\nAna")
    assert (result.decision == "escalate") is escalates, (result.decision, result.signals)
    if escalates:
        assert "relationship_breakdown" in result.signal_types()


def test_again_that_tells_a_recurrence_does_not_close_the_email(settings: Settings) -> None:
    """ "Cada um chega, pede pra gente explicar tudo de novo, promete alguma coisa e some": the
    "again" was read as something working again, so the whole email was over and the
    relationship it describes was dropped for the invoice question beside it."""
    from coach.triage.engine import OfflineTriageEngine

    engine = OfflineTriageEngine(settings)
    complaint = (
        "Oi Rafael,\n\nDesde outubro já passaram quatro gerentes de conta por aqui. Cada um "
        "chega, pede pra gente explicar tudo de novo, promete alguma coisa e some. O "
        "treinamento foi remarcado três vezes.\n\nNão é só um problema técnico, sabe? A "
        "confiança foi embora.\n\nAh, e a nota fiscal de maio veio com o CNPJ errado, dá pra "
        "corrigir?\n\nAbraço,\nCamila"
    )
    assert engine.triage(complaint).decision == "escalate"
    recovered = (
        "Hi Sam,\n\nWe generated a new key and data is flowing again. Could you send the "
        "incident report for our files?\n\nThanks,\nAna"
    )
    assert engine.triage(recovered).decision == "handle"


@pytest.mark.parametrize(
    ("language", "text", "offered"),
    [
        ("nl", "Graag onder dezelfde voorwaarden als het huidige contract.", True),
        ("pl", "Prosiłbym o wycenę 5 dodatkowych licencji w tym samym pakiecie.", True),
        ("de", "Bitte zu den gleichen Konditionen wie im aktuellen Vertrag.", True),
        # An exception asked for beside them, or leaving if they are not kept, is no such ask.
        ("en", "We need your leadership to approve a 30% discount on the same terms as last "
         "year.", False),
        ("en", "If you can't keep the same terms as our current contract, we will not renew.",
         False),
    ],
)  # fmt: skip
def test_the_terms_already_agreed_asked_for_again_ask_nothing_of_a_leader(
    language: str, text: str, offered: bool
) -> None:
    from coach.reading.structure import asks_what_is_offered

    assert asks_what_is_offered(text, language) is offered


@pytest.mark.parametrize(
    ("text", "escalates"),
    [
        # The customer's own incident process described: no incident of ours.
        ("Wij hebben intern een nieuwe escalatieprocedure voor storingen ingericht: alles wat "
         "onze servicedesk niet binnen een uur oplost, wordt geëscaleerd naar ons MT. Bieden "
         "jullie statusmeldingen via een webhook aan?", False),
        # A status page all green again, said by the customer: over.
        ("Confirmed on our side: everything's green since 14:20 and the backlog of 3k messages "
         "has drained. Thanks for the quick RCA, very clear. No further action needed.", False),
        ("Your dashboard says everything's green but our orders are still failing.", True),
    ],
)  # fmt: skip
def test_an_incident_process_of_theirs_and_a_board_all_green(
    settings: Settings, text: str, escalates: bool
) -> None:
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hello,\n\n{text}\n\nAna")
    assert (result.decision == "escalate") is escalates, (result.decision, result.signals)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "En fin, ya nos apañaremos."),
        ("en", "Not ideal, but we'll manage."),
        ("nl", "Ach, we redden ons wel."),
        ("pt", "Tudo bem, a gente se vira."),
    ],
)
def test_we_will_manage_denies_a_need(language: str, text: str) -> None:
    """ "Ya nos apañaremos" (we'll manage) was read as leaving."""
    from coach.reading.structure import refine

    assert refine(read_context(text, language), text, language).denied


@pytest.mark.parametrize(
    ("language", "text", "at_risk"),
    [
        ("pt", "Do jeito que tá, eu não consigo mais justificar a ferramenta pro CFO.", True),
        ("pl", "Przy odnowieniu w czerwcu będzie ciężko.", True),
        ("en", "Honestly, I can't justify the spend to our board any more.", True),
        ("it", "Il rinnovo sarà difficile, te lo dico chiaramente.", True),
        # Denied, asked or set as a condition, it is no such statement.
        ("en", "It's not hard to justify the spend, the team loves it.", False),
        ("en", "If the reports keep failing, the renewal will be hard.", False),
        ("en", "Is the renewal going to be difficult to schedule in June?", False),
    ],
)
def test_the_spend_on_us_hard_to_justify_puts_the_deal_at_risk(
    language: str, text: str, at_risk: bool
) -> None:
    """ "Eu não consigo mais justificar a ferramenta pro CFO" and "przy odnowieniu będzie ciężko"
    were routine: an understated threat in no word of leaving."""
    from coach.reading.structure import hard_to_justify, refine

    context = refine(read_context(text, language), text, language)
    assert hard_to_justify(text, language, context) is at_risk


@pytest.mark.parametrize(
    ("text", "escalates"),
    [
        # An audience of theirs will hear a verdict on us that is not favourable.
        ("I'm presenting our vendor review to the user group next month. As things stand it "
         "won't be a flattering one.", True),
        ("Am Donnerstag spreche ich beim Anwendertreffen über unsere Projekte. Stand heute "
         "kommt Ihre Plattform dabei nicht gut weg.", True),
        ("Il mese prossimo all'assemblea dei soci devo fare il punto sui fornitori. Per ora non "
         "avrei niente di positivo da dire su di voi.", True),
        ("Es la segunda vez que las liquidaciones salen mal. Si la semana que viene no tengo "
         "una explicación, tendré que contarlo tal cual en la asamblea de socios.", True),
        # A rating whose stars depend on what we do next.
        ("Tengo preparada una reseña para Trustpilot. Cuántas estrellas le pongo depende de lo "
         "que pase esta semana con nuestras incidencias.", True),
        # An audience with a favourable verdict, a plan that depends on their own budget, or a
        # verdict told as over: nothing to escalate.
        ("Whether we speak at your user conference depends on our travel budget. Can you send "
         "the dates?", False),
        ("Last year my talk at the user group was not very flattering about you. Since then "
         "things improved a lot. Can you send the invoice?", False),
        ("Volgende week vertel ik op de ledenvergadering over onze ervaringen; alleen maar "
         "goede dingen. Kun je me jullie logo sturen?", False),
    ],
)  # fmt: skip
def test_a_verdict_an_audience_of_theirs_will_hear(
    settings: Settings, text: str, escalates: bool
) -> None:
    """ "Je prépare un retour d'expérience pour le club des DSI ... ce retour ne sera pas très
    flatteur" was routine: the audience and the verdict are two sentences."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hello,\n\n{text}\n\nAna")
    assert (result.decision == "escalate") is escalates, (result.decision, result.signals)
    if escalates:
        assert "legal_or_public_threat" in {s.type for s in result.signals}


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        # A lawsuit to be filed, on a condition that follows it with no pause: "si no" is "if
        # not" here, not "otherwise".
        ("Después de tres meses de fallos y sin respuesta a nuestras reclamaciones, nuestros "
         "abogados presentarán una demanda si no recibimos una solución antes del día 20.",
         "legal_or_public_threat"),
        ("Nach drei Monaten ohne Lösung werden wir Klage einreichen, falls bis Monatsende "
         "nichts passiert.", "legal_or_public_threat"),
        # An audience told, with a negation only in another clause.
        ("Les relevés envoyés le mois dernier étaient faux. Nos membres en entendront parler "
         "à l'assemblée générale, et je n'ai pas l'intention de vous défendre.",
         "legal_or_public_threat"),
    ],
)  # fmt: skip
def test_threats_read_from_their_structure(settings: Settings, text: str, signal: str) -> None:
    """ "... nuestros abogados presentarán una demanda si no recibimos una solución" came out
    review: "si no" was read as "otherwise" and the lawsuit as the condition."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hello,\n\n{text}\n\nAna")
    assert result.decision == "escalate", (result.decision, result.signals)
    assert signal in {s.type for s in result.signals}


@pytest.mark.parametrize(
    "text",
    [
        "Nobody at the AGM will hear about this from us, don't worry. Can you send the "
        "corrected statements?",
        # Praise for us at a conference, a budget that decides seats, a lawsuit against someone
        # else: nothing to escalate.
        "Auf der Anwendertagung im Mai stelle ich unser Projekt vor. Ich kann Ihr Team gar "
        "nicht genug empfehlen.",
        "How many seats we add next year depends on budget approval in March. By the way, we "
        "just gave you five stars on G2!",
        "We just had to file a lawsuit against our former logistics provider, so legal wants "
        "our contract with you to be watertight. Can you send the signed DPA?",
    ],
)
def test_audiences_and_lawsuits_that_threaten_nothing(settings: Settings, text: str) -> None:
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hello,\n\n{text}\n\nAna")
    assert result.decision != "escalate", (result.decision, result.signals)


def test_si_no_sets_a_condition_or_says_otherwise() -> None:
    from coach.reading.structure import consequence

    threat = "Presentaremos una demanda si no recibimos una solución antes del día 20."
    assert consequence(threat, "es") == "Presentaremos una demanda"
    otherwise = "Arreglad esto antes del viernes; si no, cancelamos el contrato."
    assert consequence(otherwise, "es") == "cancelamos el contrato."
    assert consequence("Fix it by Friday, otherwise we cancel.", "en") == "we cancel."


@pytest.mark.parametrize(
    ("text", "escalates"),
    [
        # What they said before, then turned from: taken back.
        ("In March I told you we were looking at other vendors. That's off the table now; "
         "please send the renewal quote.", False),
        ("Im März hatte ich geschrieben, dass wir uns andere Anbieter ansehen. Das hat sich "
         "erledigt, wir bleiben bei Ihnen.", False),
        # Said again, or borne out: it stands.
        ("As I said last week, we will cancel if this isn't fixed. Nothing has changed.", True),
        ("Last month I said we'd cancel if the sync broke again. It broke again yesterday.",
         True),
        ("Like I told you on the phone, we are cancelling at the end of the quarter. Thanks "
         "for your help over the years.", True),
        ("Come vi avevo scritto, disdiciamo il contratto a fine anno. Grazie comunque per la "
         "collaborazione.", True),
        # Good news after it takes nothing back.
        ("In March I told you we were looking at other vendors. We've now signed with one of "
         "them and are happy with the choice.", True),
    ],
)  # fmt: skip
def test_what_they_said_before_and_turned_from(
    settings: Settings, text: str, escalates: bool
) -> None:
    """ "In March I told you we were looking at other vendors. That's off the table now"
    escalated on the threat it takes back."""
    from coach.triage.engine import OfflineTriageEngine

    result = OfflineTriageEngine(settings).triage(f"Hello,\n\n{text}\n\nAna")
    assert (result.decision == "escalate") is escalates, (result.decision, result.signals)
