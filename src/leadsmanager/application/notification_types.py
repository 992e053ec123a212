"""What the notification ports carry, and how their adapters say a delivery failed.

An `EmailMessage` is safe to hand to any mail transport: its subject is one line with no control
characters, whatever a lead typed, and every recipient is a checked address. Bodies stay free text.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable

import email_validator
from attrs import field, frozen

from leadsmanager.domain.errors import ExternalServiceError, ValidationError

# Perfit caps subjects at 200 characters; mail clients show far fewer anyway.
MAX_SUBJECT_LENGTH = 200
MAX_RECIPIENTS = 50
_SPACES = re.compile(r"\s+")
# A delivery key is the left part of a Message-ID and an HTTP header value: a dot-atom, nothing else.
_KEY = re.compile(r"[a-z0-9][a-z0-9._-]{0,119}")


def single_line(text: str, *, max_length: int = MAX_SUBJECT_LENGTH) -> str:
    """One line: control characters, CR/LF and Unicode line separators become spaces; long text ends in '…'."""
    flat = "".join(" " if unicodedata.category(c).startswith(("C", "Z")) else c for c in text)
    flat = _SPACES.sub(" ", flat).strip()
    if len(flat) > max_length:
        flat = flat[: max_length - 1].rstrip() + "…"
    return flat


def checked_subject(text: str) -> str:
    subject = single_line(text)
    if not subject:
        raise ValidationError("an email needs a subject", {"subject": "empty"})
    return subject


def checked_address(address: str) -> str:
    """A bare address (no display name, so nothing a lead typed reaches a header unchecked)."""
    try:
        result = email_validator.validate_email(address.strip(), check_deliverability=False)
    except email_validator.EmailNotValidError as e:
        raise ValidationError(f"{address.strip()!r} is not a valid email address: {e}", {"to": str(e)}) from None
    return result.normalized


def checked_recipients(addresses: Iterable[str]) -> tuple[str, ...]:
    if isinstance(addresses, str):  # a lone string would otherwise be read letter by letter
        addresses = [addresses]
    unique = tuple(dict.fromkeys(checked_address(a) for a in addresses))
    if not unique:
        raise ValidationError("an email needs at least one recipient", {"to": "empty"})
    if len(unique) > MAX_RECIPIENTS:
        raise ValidationError(f"an email may have at most {MAX_RECIPIENTS} recipients", {"to": "too many"})
    return unique


def checked_key(key: str | None) -> str | None:
    if key is not None and not _KEY.fullmatch(key):
        raise ValidationError(f"{key!r} is not a delivery key (a-z, 0-9, '.', '_', '-')", {"key": "invalid"})
    return key


@frozen
class EmailMessage:
    """One email to one or more people; `html` is an optional alternative to the text body.

    `key` names what the email is about (a lead's notice), the same on every attempt, so a repeat
    sent after a crash carries the same Message-ID and mail clients show it once.
    """

    to: tuple[str, ...] = field(converter=checked_recipients)
    subject: str = field(converter=checked_subject)
    text: str
    html: str | None = None
    key: str | None = field(default=None, converter=checked_key)


class EscalationReason(enum.StrEnum):
    """Why a lead needs a manager now, most pressing first; the templates say it in the reader's language."""

    OVERDUE = "overdue"  # still in the starting stage `escalate_after` after it arrived
    UNASSIGNED = "unassigned"
    UNREACHABLE = "unreachable"  # its assignee was deactivated


class DeliveryError(ExternalServiceError):
    """A notification was not delivered; `service` names where it was going, never how to log in."""

    def __init__(self, message: str, *, service: str) -> None:
        super().__init__(message)
        self.service = service


class RetryableDeliveryError(DeliveryError):
    """Worth another try later (the service was down, busy or rate limiting); `retry_after` in seconds if known."""

    def __init__(self, message: str, *, service: str, retry_after: float | None = None) -> None:
        super().__init__(message, service=service)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """The same request will fail again (bad credentials, refused recipient, invalid payload): fix, don't retry."""
