"""Personal data is replaced before a remote model sees it, and put back afterwards."""

from __future__ import annotations

import re

import pytest

from coach.llm.privacy import redact

TEXT = (
    "Reach me at tom.becker@acme.example or +49 30 1234567 (mobile 555-123-4567). "
    "Card 4111-1111-1111-1111, IBAN DE89 3704 0044 0532 0130 00, account number: 88412345. "
    "Order 2026-01-05, ticket 48213, version 2.14.1, 12,000 users."
)


def test_round_trip_restores_the_original() -> None:
    r = redact(TEXT)
    assert r.restore(r.text) == TEXT


@pytest.mark.parametrize(
    "secret",
    ["tom.becker@acme.example", "+49 30 1234567", "555-123-4567", "4111-1111-1111-1111",
     "DE89 3704 0044 0532 0130 00", "88412345"],
)  # fmt: skip
def test_personal_data_is_replaced(secret: str) -> None:
    assert secret not in redact(TEXT).text


@pytest.mark.parametrize("kept", ["2026-01-05", "48213", "2.14.1", "12,000"])
def test_dates_versions_and_small_numbers_are_kept(kept: str) -> None:
    assert kept in redact(TEXT).text


def test_same_value_gets_the_same_placeholder_and_kinds_are_named() -> None:
    r = redact("a@b.example wrote to c@d.example, then a@b.example again; card 4111111111111111")
    assert r.text.count("[EMAIL_1]") == 2 and "[EMAIL_2]" in r.text
    assert "[CARD_1]" in r.text


def test_a_number_that_fails_the_luhn_check_is_not_a_card() -> None:
    assert "1234 5678 9012 3456" in redact("ref 1234 5678 9012 3456").text


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Call me back on 4155550199 please.", "4155550199"),
        ("You can reach me at 14155550199.", "14155550199"),
        ("my cell: 07700900123", "07700900123"),
        ("Employee SSN 123-45-6789 was exposed in the export.", "123-45-6789"),
    ],
)
def test_phone_numbers_without_separators_and_ssns_are_replaced(text: str, secret: str) -> None:
    r = redact(text)
    assert secret not in r.text and r.restore(r.text) == text


def test_order_and_invoice_numbers_stay() -> None:
    text = "Invoice 1234567 and order 2026-03-15 are late."
    assert redact(text).text == text


# Every form the README's "What is redacted" names, each as a customer would type it.
KINDS = [
    ("phone, US with dashes", "415-555-0199"),
    ("phone, US bare", "4155550199"),
    ("phone, US with a leading 1", "14155550199"),
    ("phone, brackets without a space", "(415)5550199"),
    ("phone, slash", "415/555-0199"),
    ("phone, dots", "415.555.0199"),
    ("phone, non-breaking hyphens", "415\u2011555\u20110199"),
    ("phone, en dashes", "415\u2013555\u20130199"),
    ("phone, full-width digits", "\uff14\uff11\uff15\uff15\uff15\uff15\uff10\uff11\uff19\uff19"),
    ("phone, Arabic-Indic digits", "\u0664\u0661\u0665\u0665\u0665\u0665\u0660\u0661\u0669\u0669"),
    (
        "phone, Devanagari digits with dashes",
        "\u096a\u0967\u096b-\u096b\u096b\u096b-\u0966\u0967\u096f\u096f",
    ),
    ("phone, international bare", "+447700900123"),
    ("phone, international spaced", "+44 20 7946 0958"),
    ("phone, 00 prefix", "0044 7700 900123"),
    ("phone, national bare", "07700900123"),
    ("phone, German bare", "+4930123456789"),
    ("phone, French pairs", "06 12 34 56 78"),
    ("SSN, dashes", "123-45-6789"),
    ("SSN, labelled without dashes", "SSN 078051120"),
    ("IBAN, spaced", "DE89 3704 0044 0532 0130 00"),
    ("IBAN, bare", "GB82WEST12345698765432"),
    ("IBAN, lower case", "de89 3704 0044 0532 0130 00"),
    ("IBAN, dashes", "DE89-3704-0044-0532-0130-00"),
    ("card, bare", "4111111111111111"),
    ("card, spaces", "4111 1111 1111 1111"),
    ("card, dots", "4111.1111.1111.1111"),
    ("card, slashes", "4111/1111/1111/1111"),
    ("card, Amex after other numbers", "ticket 12 3782 822463 10005"),
    ("email, accented domain", "dana@m\u00fcller-logistik.de"),
    ("email, upper case", "DANA@NORTHWIND.COM"),
    ("customer id with letters", "customer ID CUST-88231"),
    ("account, letters and digits", "Acct: ACME12345"),
    ("customer number, French", "num\u00e9ro client 99887766"),
    ("customer number, German", "Kundennummer 4711-0815"),
    ("account id with a dash", "Account-ID: 55120934"),
    ("account said with 'is'", "my account is 55120934"),
    ("contract code said with 'is'", "the contract is INI-2024-77812"),
    ("account, 'Acc. No.'", "Acc. No. 55120934"),
    ("customer id in brackets", "customer ID (CU-77231907)"),
    ("account id with an underscore", "account_id=55120934"),
    ("account number, German short", "Konto-Nr. 55120934"),
    ("contract number, German", "Vertragsnummer 55120934"),
    ("customer number, German short", "Kd.-Nr. 55120934"),
    ("account number, Italian", "numero di conto 55120934"),
    ("contract number, Spanish", "número de contrato 55120934"),
    ("customer number, Spanish short", "nº de cliente 55120934"),
    ("contract number, French", "numéro de contrat 55120934"),
    ("account number, Dutch", "rekeningnummer 55120934"),
    ("account number, Polish", "numer konta 55120934"),
    ("contract number, Polish", "numer umowy 55120934"),
    ("account id after a comma", "account, 55120934"),
    ("policy number, Dutch", "polisnummer 55120934"),
    ("policy number, Spanish", "n\u00famero de p\u00f3liza 55120934"),
    ("policy number, Italian", "numero di polizza 55120934"),
    ("member number, German", "Mitgliedsnummer 55120934"),
    ("member number, French", "num\u00e9ro d'adh\u00e9rent 55120934"),
    ("subscription number, Polish", "numer subskrypcji 55120934"),
    ("subscription number, Dutch", "abonnementsnummer 55120934"),
    ("account number, German short without a dot", "Kto-Nr 55120934"),
    ("account number, English short with a dot", "Acct. No 55120934"),
    ("bank code, German", "BLZ 37040044"),
    ("contract number, German short", "Vertrags-Nr. 123456"),
    ("customer number, Dutch short", "klant-nr 88231907"),
    ("customer number, Italian n.", "cliente n. 123460"),
    ("customer number, Italian n°", "cliente n° 123461"),
    ("customer code, Italian", "cod. cliente 123462"),
    ("customer number, Italian n. first", "n. cliente 123463"),
    ("account number, Italian n.", "conto n. 1234565"),
    ("account number, Dutch rek.nr.", "rek.nr. 123456789"),
    ("SSN, spaced dashes", "SSN 123 - 45 - 6789"),
    ("SSN, spaced dashes alone", "123 - 45 - 6789"),
    ("SSN, slashes", "123/45/6789"),
    ("SSN, mixed separators", "123-45/6789"),
    ("SSN, a dot then a dash", "123.45-6789"),
    ("phone, a space then a dash", "For reference: 415 555-0199"),
    ("phone, brackets and a spaced dash", "(415) 555 - 0199"),
    ("phone, brackets and a spaced en dash", "(415) 555 \u2013 0199"),
    ("email at an IP address", "write to dana@[192.0.2.7]"),
    ("email at a bare IP address", "write to dana@192.0.2.7"),
    ("user id", "user ID 88231907"),
    ("account number with an aside", "account number (see invoice) 88231907"),
    ("account number with an aside in commas", "account number, as on the invoice, is 88231907"),
    (
        "account number with an aside in dashes",
        "account number - the one on last month's invoice - 88231907",
    ),
    ("account number with an aside in em dashes", "account no. \u2014 as printed \u2014 88231907"),
    ("customer id with an aside in square brackets", "customer ID [from the portal]: 55667788"),
    ("phone, +1 with brackets and a spaced dash", "+1 (415) 555 - 0199"),
    ("user id, German", "Benutzer-ID 4471223"),
    ("login number", "login no. 4471"),
    ("phone, German word", "Handynummer 015112345678"),
    ("phone, Polish words", "numer telefonu 600700800"),
    ("phone, Italian call me", "chiamami al 3471234567"),
    ("UUID", "Customer ID: 7f3a9c2e-1b4d-4e8a-9c1f-2b3d4e5f6a7b"),
    ("tax id", "tax id 123456789"),
    ("VAT number", "VAT number DE123456789"),
    ("card security code", "CVV 123"),
    ("passport number", "passport number X1234567"),
    ("tax id, German", "Steuer-ID 12 345 678 901"),
    ("tax number, Polish", "NIP 123-456-32-18"),
    ("national id, Polish", "PESEL 85031212345"),
    ("date of birth", "date of birth 12/03/1985"),
    ("date of birth, French", "date de naissance 12/03/1985"),
    ("subscription id", "subscription ID sub_1NqR8x2eZvKYlo2C"),
]


@pytest.mark.parametrize(
    "iban",
    ["ES91-2100-0418-4502-0005-1332", "es9121000418450200051332",
     "PL61 1090 1014 0000 0712 1981 2874"],
)  # fmt: skip
def test_an_iban_followed_by_a_word_is_redacted_whole(iban: str) -> None:
    from coach.llm.privacy import redact

    for text in (f"Our IBAN is {iban} for the refund.", f"iban: {iban} is the one on file"):
        out = redact(text).text
        assert "[ACCOUNT_1]" in out and not any(g in out for g in ("1332", "2874", "0005"))


@pytest.mark.parametrize(("kind", "typed"), KINDS, ids=[k for k, _ in KINDS])
def test_each_documented_kind_is_redacted_and_restored(kind: str, typed: str) -> None:
    import unicodedata

    text = f"Please note for the ticket: {typed}. Thanks"
    r = redact(text)
    value = typed.split(" ", 1)[-1] if " " in typed and not typed[0].isdigit() else typed
    core = re.sub(r"\W", "", unicodedata.normalize("NFKC", value.split()[-1]))
    assert core not in re.sub(r"\W", "", unicodedata.normalize("NFKC", r.text)), r.text
    assert r.restore(r.text) == text


@pytest.mark.parametrize(
    "kept",
    ["Our contract 2026 renewal", "the account is 250000 a year", "version 12.4.1.2023", "order 2026-03-15", "SKU 0494",
     "the customer since 2019", "invoice 1234567", "€12,500.00 per year", "ticket #48213"],
)  # fmt: skip
def test_what_is_not_personal_stays(kept: str) -> None:
    assert redact(kept).text == kept


@pytest.mark.parametrize(
    "text",
    ["card 4111 1111\n1111 1111 please", "card 4111-1111-\n1111-1111 please",
     "card 4111 1111 1111\r\n1111 please"],
)  # fmt: skip
def test_a_card_wrapped_across_a_line_break_is_redacted_whole(text: str) -> None:
    r = redact(text)
    assert "[CARD_1]" in r.text and "1111" not in r.text and r.restore(r.text) == text


@pytest.mark.parametrize(
    "text",
    ["card 4111-1111 1111-1111 please", "card 4111 1111-1111 1111 please",
     "card 4111.1111 1111/1111 please", "card\n4111\n1111\n1111\n1111\nplease"],
)  # fmt: skip
def test_four_groups_of_four_are_a_card_however_they_are_joined(text: str) -> None:
    r = redact(text)
    assert "[CARD_1]" in r.text and "1111" not in r.text and r.restore(r.text) == text


@pytest.mark.parametrize(
    "kept",
    ["years\n2021\n2022\n2023\n2024", "ref 4111 1111 1111-1112", "codes 1234-5678 9012-3456"],
)
def test_groups_of_four_that_are_no_card_stay(kept: str) -> None:
    assert redact(kept).text == kept


@pytest.mark.parametrize("space", ["\u2009", "\u200a", "\u2002", "\u205f"])
def test_a_card_grouped_with_a_thin_or_other_typographic_space_is_redacted(space: str) -> None:
    text = f"card {space.join(['4111', '1111', '1111', '1111'])} please"
    assert redact(text).text == "card [CARD_1] please"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://portal.example/account/88231907/billing",
         "https://portal.example/account/[ACCOUNT_1]/billing"),
        ("see /customers/55667788/invoices", "see /customers/[ACCOUNT_1]/invoices"),
        ("?customer_id=55667788&tenant=a1b2c3d4e5", "?customer_id=[ACCOUNT_1]&tenant=[ACCOUNT_2]"),
    ],
)  # fmt: skip
def test_an_id_in_a_link_is_redacted_and_the_rest_of_the_link_stays(
    text: str, expected: str
) -> None:
    r = redact(text)
    assert r.text == expected and r.restore(r.text) == text


@pytest.mark.parametrize(
    "text", ["Cust. No. 5566779", "Cust ID: 5566780", "cust no.5566778", "their cust. 5566783"]
)
def test_a_customer_number_after_the_short_form_cust_is_redacted(text: str) -> None:
    assert "55667" not in redact(text).text


@pytest.mark.parametrize(
    "text", ["account AC-99812-X is locked", "customer ID CUST-88231-B2, thanks"]
)
def test_an_id_with_letters_after_its_digits_is_redacted_whole(text: str) -> None:
    r = redact(text)
    assert "[ACCOUNT_1] " in r.text or "[ACCOUNT_1]," in r.text
    assert "-X" not in r.text and "-B2" not in r.text and r.restore(r.text) == text


def test_a_placeholder_the_customer_typed_is_no_value_s_name() -> None:
    text = "Write to [EMAIL_1] or dana@northwind.example, or call [PHONE_1]."
    r = redact(text)
    assert r.text == "Write to [EMAIL_1] or [EMAIL_2], or call [PHONE_1]."
    assert r.restore(r.text) == text  # the typed token stays; the address comes back in place


@pytest.mark.parametrize(
    "written",
    ["dana @ northwind.com", "dana [at] northwind [dot] com", "dana (AT) north-wind.co.uk"],
)
def test_an_address_written_to_dodge_harvesters_is_redacted(written: str) -> None:
    text = f"Please write to {written} about the invoice."
    r = redact(text)
    assert r.text == "Please write to [EMAIL_1] about the invoice."
    assert r.restore(r.text) == text


@pytest.mark.parametrize("text", ["price @ 5.99 each", "meet @ 3pm", "We at Northwind.com agree"])
def test_an_at_sign_before_no_domain_is_no_address(text: str) -> None:
    assert redact(text).text == text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("card 5500_0000_0000_0004 please", "CARD"),
        ("card 4111|1111|1111|1111 please", "CARD"),
        ("call 415\u2024555\u20240177 please", "PHONE"),
    ],
)
def test_digit_groups_joined_by_underscores_bars_or_dot_leaders_are_redacted(
    text: str, kind: str
) -> None:
    r = redact(text)
    assert r.text.split()[1] == f"[{kind}_1]" and r.restore(r.text) == text


def test_a_sort_code_written_with_a_dash_is_redacted() -> None:
    assert "20-00-00" not in redact("Sort-code 20-00-00, thanks").text


def test_numbers_on_lines_of_their_own_are_not_joined_into_a_card() -> None:
    text = "Totals:\n4111111111\n111111\n1111\n1111\n1111\n1111"
    assert redact(text).text == text


@pytest.mark.parametrize(
    "shape",
    [
        "4111." * 40_000,
        "1 " * 100_000,
        "a.b@c" * 40_000,
        "account " * 25_000,
        "a @ " * 50_000,
        "a AT b DOT " * 20_000,
        "a%40" * 50_000,
        "DE89 3704\n" * 20_000,
    ],
)
def test_redaction_is_linear_on_long_runs(shape: str) -> None:
    """A chat message at its 200,000-character limit made of one long dotted run once took
    minutes (the email pattern rescanned to the end for every start)."""
    import time

    start = time.perf_counter()
    redact(shape)
    assert time.perf_counter() - start < 10.0


@pytest.mark.parametrize(
    "said",
    [
        "Vertragsnummer lautet 55120934",
        "mój numer klienta to 55120934",
        "mi n\u00famero de cliente es el 55120934",
        "il mio codice cliente \u00e8 55120934",
        "notre num\u00e9ro client est le 55120934",
    ],
)
def test_an_id_after_the_word_for_is_in_other_languages_is_redacted(said: str) -> None:
    assert "55120934" not in redact(said).text


# Forms an adversarial pass found leaking, each with what must not be left in the text.
FOUND = [
    ("phone, area code and slash", "reach me at 030/12345678 anytime", "12345678"),
    ("phone, mobile and slash", "Handy: 0171/1234567", "1234567"),
    ("phone, spaced slash", "Tel. 0171 / 123 45 67", "0171"),
    ("phone, spaced dashes", "call me: 415 - 555 - 0199", "0199"),
    ("phone, extension", "+1-415-555-0199x204", "0199"),
    ("phone, written extension", "+1 415 555 0199 ext. 23", "ext. 23"),
    ("phone, Spanish groups of three", "Call 612 345 678 today", "345 678"),
    ("SSN named, bare", "my SSN is 123456789", "123456789"),
    ("SSN named, dots", "SSN: 123.45.6789", "6789"),
    ("SSN, dotted abbreviation", "S.S.N. 123456789", "123456789"),
    ("SSN shape, spaces", "her number 123 45 6789 is on file", "6789"),
    ("IBAN, dots", "IBAN DE89.3704.0044.0532.0130.00", "0532"),
    ("card, spaced dashes", "Visa 4111 - 1111 - 1111 - 1111", "1111 - 1111"),
    ("card, double spaces", "cc 4111  1111  1111  1111", "1111  1111"),
    ("email, Cyrillic domain and TLD", "dana@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444", "dana@"),
    ("email, punycode TLD", "dana@xn--bcher-kva.xn--p1ai", "p1ai"),
    ("email, apostrophe", "mail o'brien@example.com", "o'brien"),
    ("email, quoted local part", '"dana whitfield"@example.com', "whitfield"),
    ("account number after 'is'", "account number is 88231907", "88231907"),
    ("customer ID after 'is'", "Our customer ID is CUST-88231.", "CUST-88231"),
    ("customer number, short", "Customer number: 4471", "4471"),
    ("account no, short", "account no 1234", "1234"),
    ("client reference", "client ref 55667788", "55667788"),
    ("account ID in brackets", "Account (ID 88231907)", "88231907"),
    ("a list of accounts", "accounts 55667788 and 55667799", "55667799"),
    ("a list of account numbers", "account numbers 123456, 234567 and 345678", "345678"),
    ("policy number with slashes", "policy no. PL/2024/8877", "8877"),
    ("sort code", "sort code 12-34-56", "34-56"),
    ("UUID without dashes", "id 3f2504e04f8911d39a0c0305e82c3301", "3f2504e0"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "text", "secret"), FOUND, ids=[f[0] for f in FOUND])
def test_forms_found_leaking_are_redacted_and_restored(kind: str, text: str, secret: str) -> None:
    r = redact(text)
    assert secret not in r.text, r.text
    assert r.restore(r.text) == text


# Numbers that are not personal data: prices, dates, counts, quarters, ranges, order quantities.
ORDINARY = [
    "ARR $250k", "Q3 2026", "FY 2024-2025 plan", "from 2024 2025", "2024/2025 budget",
    "we sold 12 000 000 units", "EUR 1 250 000", "1.250.000 EUR", "we have 250 345 678 users",
    "Q3 2026 we add 3 000 seats", "between 1000 - 2000 users", "1500/2000 seats",
    "tickets 120 130 140 150", "Order 123 4567", "invoice 2024-000123", "Order #1234567, quantity 2500",
    "renewal 30.06.2026", "on 12/05/2026", "30 06 2026", "contract 12/2025", "the contract 2026 renewal",
    "a 12-month subscription", "subscription 3-year", "customer since 2019", "customer ID is Q3-2026",
    "customers 120000 worldwide", "the account is 250000 a year", "account 250000 users",
    "accounts 12 and 15", "policy 3.2.1", "policies 2024 and 2025", "client 24/7 support",
    "account no longer active, 12 seats", "customer no. 1 complaint", "account for 30% of revenue",
    "a customer count of 250 345", "price 1,299.00",
]  # fmt: skip


@pytest.mark.parametrize("kept", ORDINARY)
def test_ordinary_numbers_are_not_redacted(kept: str) -> None:
    assert redact(kept).text == kept


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Please call me back on +32 (0)2/123.45.67 today.", "123.45.67"),
        ("or my office on +32 2/123.45.67 today", "2/123"),
        ("Rufen Sie mich an: +49 (0) 30 / 1234 5678", "30 /"),
        ("Tel. (0 30) 123 45 67 bitte", "(0 30)"),
        ("my membership number 87231907 is on the card", "87231907"),
        ("nr. klant 3471223 graag vermelden", "3471223"),
        ("write to dana%ops@northwind.com", "dana%"),
    ],
)
def test_more_phone_id_and_address_shapes_are_replaced(text: str, secret: str) -> None:
    assert secret not in redact(text).text


def test_a_phone_typed_one_digit_at_a_time_is_redacted_and_short_lists_are_not() -> None:
    r = redact("call 4 1 5 5 5 5 0 1 9 9 please")
    assert (
        r.text == "call [PHONE_1] please" and r.restore(r.text) == "call 4 1 5 5 5 5 0 1 9 9 please"
    )
    for kept in ("steps 1 2 3 4 5 6 7 8 9", "tin 3 times", "our VAT number is on the invoice"):
        assert redact(kept).text == kept


# A username after any spelling of its label, whatever its shape once it has a digit or an
# underscore, and employee, staff and badge numbers (found leaking by an adversarial pass).
@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("user name: jdoe1979", "jdoe1979"),
        ("user-name jdoe1980", "jdoe1980"),
        ("user_name=priya_n88", "priya_n88"),
        ("Username: priya_n88.", "priya_n88"),
        ("my login is priya88", "priya88"),
        ("userid priya_n", "priya_n"),
        ("user ID priya_n88", "priya_n88"),
        ("her handle is @priya_n88", "priya_n88"),
        ("employee no. 5566778", "5566778"),
        ("employee ID 00123461", "00123461"),
        ("staff number 12345", "12345"),
        ("badge 4411", "4411"),
    ],
)
def test_usernames_after_any_label_and_employee_numbers_are_redacted(
    text: str, secret: str
) -> None:
    r = redact(text)
    assert secret not in r.text and "[ACCOUNT_1]" in r.text, r.text
    assert r.restore(r.text) == text


@pytest.mark.parametrize(
    "kept",
    ["we handle 500 requests a day", "the login 2fa prompt", "login outages since 2024",
     "employees 120000 worldwide", "employee count 1200", "the username is jdoe"],
)  # fmt: skip
def test_login_and_handle_as_words_and_staff_counts_stay(kept: str) -> None:
    assert redact(kept).text == kept


# Usernames after the label in French, Spanish, Italian, Polish and Portuguese reached a remote
# model as typed while German and Dutch ones were redacted (an adversarial pass).
@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("nazwa użytkownika: pkowal_81", "pkowal_81"),
        ("Nazwa uzytkownika jest pkowal_91", "pkowal_91"),
        ("identyfikator użytkownika: jkowal_86", "jkowal_86"),
        ("nom d'utilisateur : cdupont_82", "cdupont_82"),
        ("nom d’utilisateur: cdupont_92", "cdupont_92"),
        ("Identifiant : jdupont_1", "jdupont_1"),
        ("nombre de usuario: mruiz_83", "mruiz_83"),
        ("nombre de usuario es mruiz_93", "mruiz_93"),
        ("usuario mruiz83", "mruiz83"),
        ("nome utente: mrossi_84", "mrossi_84"),
        ("utente: mrossi84", "mrossi84"),
        ("nome de usuário: jsilva_87", "jsilva_87"),
        ("nome de utilizador: jsilva_88", "jsilva_88"),
        ("utilizador jsilva89", "jsilva89"),
        ("login: pkowal_90", "pkowal_90"),
    ],
)
def test_usernames_after_labels_in_the_other_languages_are_redacted(text: str, secret: str) -> None:
    r = redact(text)
    assert secret not in r.text and "[ACCOUNT_1]" in r.text, r.text
    assert r.restore(r.text) == text


@pytest.mark.parametrize(
    "kept",
    ["usuario normal", "el usuario 3 veces", "utente 5 volte", "nome utente: mario",
     "identifiant 2fa", "please login to host_12 first"],
)  # fmt: skip
def test_user_words_in_the_other_languages_without_a_username_stay(kept: str) -> None:
    assert redact(kept).text == kept


# Forms a fake OpenAI-compatible server still received (an adversarial pass on triage).
LEAKED_TO_A_SERVER = [
    ("IBAN wrapped", "IBAN DE89 3704 0044\n0532 0130 00 for the refund", "IBAN [ACCOUNT_1] for the refund"),
    ("IBAN wrapped, dashes", "iban de89-3704-0044-\n0532-0130-00 thanks", "iban [ACCOUNT_1] thanks"),
    ("email in a link", "https://portal.northwind.com/reset?user=dana.whitfield%40northwind.com",
     "https://portal.northwind.com/reset?user=[EMAIL_1]"),
    ("JSON keys", '{"accountId": "88231907", "customerId": "55667788"}',
     '{"accountId": "[ACCOUNT_1]", "customerId": "[ACCOUNT_2]"}'),
    ("JSON keys, bare values", '{"accountId": 88231907, "customer_id":55667788}',
     '{"accountId": [ACCOUNT_1], "customer_id":[ACCOUNT_2]}'),
    ("dict keys", "{'username': 'priya_n88'}", "{'username': '[ACCOUNT_1]'}"),
    ("HTML entities", "dana&#64;northwind.com, lena.k&#x40;northwind.com or x&commat;northwind.com",
     "[EMAIL_1], [EMAIL_2] or [EMAIL_3]"),
    ("AT and DOT", "write to priya AT northwind DOT com today", "write to [EMAIL_1] today"),
    ("at and dot", "or dana at north-wind dot co dot uk", "or [EMAIL_1]"),
    ("card digit by digit", "card 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 please", "card [CARD_1] please"),
    # "at" and "dot" in the other seven languages, and "dot" inside the name
    ("arroba, punto", "Escribid a lucia arroba acme punto es.", "Escribid a [EMAIL_1]."),
    ("at, punkt", "Schreiben Sie an k.berger at acme punkt de.", "Schreiben Sie an [EMAIL_1]."),
    ("arobase, point", "marie.dupont arobase acme point fr", "[EMAIL_1]"),
    ("arroba, ponto", "joao arroba acme ponto pt", "[EMAIL_1]"),
    ("chiocciola", "marco chiocciola acme punto it", "[EMAIL_1]"),
    ("apenstaartje", "pieter apenstaartje acme punt nl", "[EMAIL_1]"),
    ("małpa, kropka", "anna małpa acme kropka pl", "[EMAIL_1]"),
    ("dot in the name", "john dot smith at initech dot com", "[EMAIL_1]"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "text", "expected"), LEAKED_TO_A_SERVER, ids=[f[0] for f in LEAKED_TO_A_SERVER]
)
def test_forms_a_remote_server_received_are_redacted(kind: str, text: str, expected: str) -> None:
    r = redact(text)
    assert r.text == expected and r.restore(r.text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # check digits that fail: the IBAN ends with its first line
        ("IBAN DE89 3704 0044\n0532 0130 01 due", "IBAN [ACCOUNT_1]\n0532 0130 01 due"),
        ("meet at noon dot", "meet at noon dot"),
        ("at the dot com boom", "at the dot com boom"),
        ("we at northwind dot com agree", "we at northwind dot com agree"),
        ("we at Northwind.com agree", "we at Northwind.com agree"),
        ("Estamos a punto de cancelar.", "Estamos a punto de cancelar."),
        ("Ele está em casa, ponto final.", "Ele está em casa, ponto final."),
    ],
)
def test_near_misses_of_the_new_forms_stay(text: str, expected: str) -> None:
    assert redact(text).text == expected


# Forms a fake server still received from `coach triage --json` (a later adversarial pass).
STILL_LEAKED = [
    # ideographic and half-width full stops are dots to IDNA: these addresses are delivered
    ("email, ideographic full stop", "write to dana@northwind\u3002com", "write to [EMAIL_1]"),
    ("email, half-width full stop", "write to dana@northwind\uff61com", "write to [EMAIL_1]"),
    ("email, full-width @ and full stop", "dana\uff20northwind\u3002com", "[EMAIL_1]"),
    # full-width, small and vertical colons after a label
    ("SSN, full-width colon", "SSN\uff1a123456789", "SSN\uff1a[ID_1]"),
    ("account, full-width colon", "account\uff1a 88231907", "account\uff1a [ACCOUNT_1]"),
    ("account, full-width colon, no space", "account\uff1a88231907", "account\uff1a[ACCOUNT_1]"),
    ("Kundennummer, full-width colon", "Kundennummer\uff1a55667788", "Kundennummer\uff1a[ACCOUNT_1]"),
    ("SSN, small colon", "SSN\ufe55123456789", "SSN\ufe55[ID_1]"),
    ("account, vertical colon", "account\ufe13 88231907", "account\ufe13 [ACCOUNT_1]"),
    # circled digits: 4111 1111 1111 1111 to NFKC
    ("card, circled digits", "card ④①①① ①①①① ①①①① ①①①①", "card [CARD_1]"),
    ("card, dingbat digits", "card ❹❶❶❶ ❶❶❶❶ ❶❶❶❶ ❶❶❶❶", "card [CARD_1]"),
    # a phone or card typed digit by digit with dashes
    ("phone, spaced digits in dashed groups", "number is 4 1 5 - 5 5 5 - 0 1 9 9", "number is [PHONE_1]"),
    ("phone, digits joined by dashes", "call 4-1-5-5-5-5-0-1-9-9 now", "call [PHONE_1] now"),
    ("phone, digits joined by spaced dashes", "4 - 1 - 5 - 5 - 5 - 5 - 0 - 1 - 9 - 9", "[PHONE_1]"),
    ("card, digits joined by dashes", "card 4-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1", "card [CARD_1]"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "text", "expected"), STILL_LEAKED, ids=[f[0] for f in STILL_LEAKED]
)
def test_forms_a_remote_server_still_received_are_redacted(
    kind: str, text: str, expected: str
) -> None:
    r = redact(text)
    assert r.text == expected and r.restore(r.text) == text


@pytest.mark.parametrize(
    "kept",
    ["2024-05-01", "version 1.2.3", "3 - 2 - 1", "10 - 9 - 8 - 7 - 6 - 5 - 4 - 3 - 2 - 1 - 0",
     "scores 3-1 2-0 1-1 4-2 0-0 1-3", "tickets 1-2-3 and 4-5-6 and 7-8-9", "steps 1-2-3-4-5-6-7-8-9",
     "ありがとう。よろしく", "① open ② click ③ save", "10⁶ users per m²"],
)  # fmt: skip
def test_dashed_digits_ideographic_stops_and_circled_digits_in_prose_stay(kept: str) -> None:
    assert redact(kept).text == kept
