"""Contact data normalisation: idempotent, and never crashes on any text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadsmanager.application.intake.normalisation import (
    clean_message,
    clean_text,
    normalise_email,
    normalise_name,
    normalise_phone,
)
from leadsmanager.application.users import check_password
from leadsmanager.domain.errors import ValidationError


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("  Ana   María\tGarcía \n", "Ana María García"), ("O'Neil", "O'Neil"), ("van der Berg", "van der Berg")],
)
def test_names_are_trimmed_and_collapsed_but_not_recased(raw: str, clean: str) -> None:
    assert normalise_name(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("  Ana.Garcia@Example.COM ", "ana.garcia@example.com"), ("x@münchen.de", "x@münchen.de")],
)
def test_emails_are_lowercased_and_trimmed(raw: str, clean: str) -> None:
    assert normalise_email(raw) == clean


@pytest.mark.parametrize(
    ("look_alike", "clean"),
    [
        ("\uff41\uff4e\uff41@example.com", "ana@example.com"),  # full-width letters
        ("an\u200ba@example.com", "ana@example.com"),  # a zero-width space inside
        ("\u2060ana@exam\u00adple.com\ufeff", "ana@example.com"),  # word joiner, soft hyphen, BOM
        ("JOSE\u0301@example.com", "jos\u00e9@example.com"),  # e + combining accent is é
        ("x@XN--MNCHEN-3YA.de", "x@m\u00fcnchen.de"),  # an IDN domain typed in its ASCII form
    ],
)
def test_look_alike_spellings_of_one_address_are_one_address(look_alike: str, clean: str) -> None:
    assert normalise_email(look_alike) == clean


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("jose@example.com", "jos\u00e9@example.com"),
        ("strasse@example.com", "stra\u00dfe@example.com"),  # lower(), not casefold(): two mailboxes
        ("x@m\u00fcnchen.de", "x@munchen.de"),
        ("x@stra\u00dfe.de", "x@strasse.de"),
    ],
)
def test_addresses_that_differ_by_an_accent_or_a_letter_stay_apart(one: str, other: str) -> None:
    assert normalise_email(one) != normalise_email(other)


@given(st.emails(), st.lists(st.sampled_from(["\u200b", "\u200c", "\u2060", "\ufeff", "\u00ad"]), max_size=3))
def test_invisible_format_characters_never_make_a_second_address(address: str, invisible: list[str]) -> None:
    try:
        plain = normalise_email(address)
    except ValidationError:
        return
    local, domain = address.rsplit("@", 1)
    assert normalise_email("".join(invisible) + local + "".join(invisible) + "@" + domain) == plain


@pytest.mark.parametrize("raw", ["ana", "ana@", "@example.com", "ana@@example.com", "ana example@x.com"])
def test_malformed_emails_are_refused_with_the_field_named(raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_email(raw)
    assert "email" in caught.value.fields


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("(202) 555-0143", "US", "+12025550143"),
        ("+54 9 11 5555-1234", "US", "+5491155551234"),
        ("011 15 5555-1234", "AR", "+5491155551234"),
        ("+44 20 7946 0958", "AR", "+442079460958"),
    ],
)
def test_phones_become_e164_with_the_default_region(raw: str, region: str, e164: str) -> None:
    assert normalise_phone(raw, region=region) == e164


@pytest.mark.parametrize("raw", ["12", "call me", "+1 555", "x" * 50])
def test_impossible_phones_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError, match="phone"):
        normalise_phone(raw, region="US")


def test_messages_keep_their_lines() -> None:
    assert clean_message("  Hello,\n\n  I need   a quote.  \r\n") == "Hello,\n\nI need a quote."


@given(st.text())
def test_name_normalisation_is_idempotent_and_total(text: str) -> None:
    try:
        once = normalise_name(text)
    except ValidationError:
        return
    assert normalise_name(once) == once
    assert once == once.strip() and "  " not in once


@given(st.text())
def test_clean_text_leaves_no_control_or_separator_character_but_single_spaces(text: str) -> None:
    cleaned = clean_text(text, max_length=10_000, field="company")
    assert all(c == " " or not unicodedata.category(c).startswith(("C", "Z")) for c in cleaned)
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert cleaned.replace(" ", "") == "".join(c for c in text if not unicodedata.category(c).startswith(("C", "Z")))


@given(st.one_of(st.text(), st.text(alphabet=" \t\n\u00a0\u2028ab\u00e7")))
def test_clean_text_is_the_same_with_or_without_its_shortcuts(text: str) -> None:
    unprintable_as_spaces = "".join(" " if unicodedata.category(c).startswith(("C", "Z")) else c for c in text)
    assert clean_text(text, max_length=10_000, field="company") == re.sub(r"\s+", " ", unprintable_as_spaces).strip()


@given(st.one_of(st.text(), st.emails()))
def test_email_normalisation_is_idempotent_and_total(text: str) -> None:
    try:
        once = normalise_email(text)
    except ValidationError:
        return
    assert once == once.lower() == unicodedata.normalize("NFKC", once)
    assert not any(unicodedata.category(c) == "Cf" for c in once)
    assert normalise_email(once) == once


@given(st.one_of(st.text(), st.from_regex(r"\+?[0-9 ()\-]{6,18}", fullmatch=True)), st.sampled_from(["US", "AR", "GB"]))
def test_phone_normalisation_is_idempotent_and_total(text: str, region: str) -> None:
    try:
        once = normalise_phone(text, region=region)
    except ValidationError:
        return
    assert once.startswith("+") and once[1:].isdigit()
    assert normalise_phone(once, region=region) == once


@pytest.mark.parametrize(
    ("refuse", "field", "limit"),
    [
        (lambda: clean_text("x" * 201, max_length=200, field="company"), "company", "200"),
        (lambda: normalise_name("x" * 201), "name", "200"),
        (lambda: clean_message("x" * 10_001), "message", "10,000"),
        (lambda: normalise_phone("1" * 41, region="US"), "phone", "40"),
        (lambda: check_password("x" * 1025), "password", "1,024"),
    ],
)
def test_too_long_says_the_limit_to_the_person(refuse: Callable[[], object], field: str, limit: str) -> None:
    with pytest.raises(ValidationError) as refused:
        refuse()
    assert refused.value.fields[field] == f"too long: at most {limit} characters"
