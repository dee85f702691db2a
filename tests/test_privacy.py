"""Personal data is replaced before a remote model sees it, and put back afterwards."""

from __future__ import annotations

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
