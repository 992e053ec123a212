"""Turning what people type into clean contact data: one place, every channel."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TypeVar

import email_validator
import phonenumbers

from leadsmanager.domain.errors import ValidationError

_SPACES = re.compile(r"\s+")
MAX_PHONE_LENGTH = 40
# phonenumbers' "unknown region": only a number written with its country code is read.
NO_REGION = "ZZ"
T = TypeVar("T")


class FieldErrors:
    """Collects every field's problem, so a person sees all their mistakes at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def attempt(self, name: str, parse: Callable[[], T], fallback: T) -> T:
        try:
            return parse()
        except ValidationError as e:
            self.errors[name] = next(iter(e.fields.values()), str(e))
            return fallback

    def check(self, what: str) -> None:
        if self.errors:
            summary = "; ".join(f"{k}: {v}" for k, v in self.errors.items())
            raise ValidationError(f"{what} ({summary})", self.errors)


def too_long(limit: int) -> str:
    """The field message for text over its limit: it says the limit, so a person knows how much to cut."""
    return f"too long: at most {limit:,} characters"


def clean_text(value: str, *, max_length: int, field: str) -> str:
    """Trim, drop control characters and collapse runs of white space."""
    # isprintable() is False exactly when some character is of category C or Z (other than a plain
    # space): most text needs no character-by-character pass. Printable text holds no white space but
    # plain spaces, so without two in a row there is no run to collapse either.
    if value.isprintable():
        text = value if "  " not in value else _SPACES.sub(" ", value)
    else:
        text = _SPACES.sub(" ", "".join(" " if _unprintable(c) else c for c in value))
    text = text.strip()
    if len(text) > max_length:
        raise ValidationError(f"{field} is longer than {max_length} characters", {field: too_long(max_length)})
    return text


def _unprintable(character: str) -> bool:
    return unicodedata.category(character).startswith(("C", "Z"))


def clean_message(value: str, *, max_length: int = 10_000, field: str = "message") -> str:
    """Like clean_text, but line breaks are kept: a message (or a staff note) is prose."""
    lines = [clean_text(line, max_length=max_length, field=field) for line in value.splitlines()]
    text = "\n".join(lines).strip()
    if len(text) > max_length:
        raise ValidationError(f"{field} is longer than {max_length} characters", {field: too_long(max_length)})
    return text


def normalise_name(value: str) -> str:
    return clean_text(value, max_length=200, field="name")


def email_key(value: str) -> str:
    """The form an address is compared in, everywhere: NFKC (full-width and compatibility letters become
    the plain ones), invisible format characters such as a zero-width space dropped, trimmed, lower case.
    lower(), not casefold(): 'straße' and 'strasse' are two mailboxes and must stay two."""
    text = unicodedata.normalize("NFKC", value)
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return text.strip().lower()


def normalise_email(value: str) -> str:
    """An address in its compared form (email_key), checked for form (not deliverability: that needs the
    network). Every look-up of an address, a lead's or a user's, goes through here."""
    candidate = email_key(value)
    try:
        result = email_validator.validate_email(candidate, check_deliverability=False)
    except email_validator.EmailNotValidError as e:
        raise ValidationError(f"{value.strip()!r} is not a valid email address: {e}", {"email": str(e)}) from None
    # The validator puts an internationalised domain in Unicode form (NFC); NFKC again keeps the result
    # a fixed point, so normalising an address twice never changes it.
    return email_key(result.normalized)


def normalise_phone(value: str, *, region: str) -> str:
    """E.164, reading numbers without a country code as local to `region`."""
    text = value.strip()
    if len(text) > MAX_PHONE_LENGTH:
        raise ValidationError("phone number is too long", {"phone": too_long(MAX_PHONE_LENGTH)})
    try:
        number = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(f"{text!r} is not a valid phone number", {"phone": "not a valid phone number"})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
