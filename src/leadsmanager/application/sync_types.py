"""What a FormSource hands the sync: submissions a site stored, a page at a time, and how fetching fails.

Errors name the site and the form, never how to log in. Their class tells the sync what to do:
`FormSourceUnavailable` try again later, `FormSourceAuthFailed` and `FormSourceBadResponse` need a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from attrs import Attribute, field, frozen

from leadsmanager.domain.errors import ExternalServiceError

# Keeps "{site}/{form}/{id}" within the 191 characters an external id may have (40 + 1 + 100 + 1 + 40).
MAX_SUBMISSION_ID_LENGTH = 40


def _check_id(_: Any, attribute: Attribute[str], value: str) -> None:
    if not 0 < len(value) <= MAX_SUBMISSION_ID_LENGTH:
        raise ValueError(f"a submission id has 1 to {MAX_SUBMISSION_ID_LENGTH} characters, not {len(value)}")


def _check_aware(_: Any, attribute: Attribute[datetime], value: datetime) -> None:
    if value.utcoffset() is None:
        raise ValueError("a submission's created_at must be timezone-aware")


@frozen
class RemoteSubmission:
    """One form submission as the site stored it: its id there, when it was sent (UTC) and its raw fields."""

    id: str = field(validator=_check_id)
    created_at: datetime = field(validator=_check_aware)
    fields: dict[str, str] = field(factory=dict)


@frozen
class SubmissionPage:
    """Submissions oldest first; `next_after_id` is where the next fetch resumes, safe to store as the cursor."""

    submissions: tuple[RemoteSubmission, ...]
    has_more: bool
    next_after_id: str | None

    @classmethod
    def following(
        cls, after_id: str | None, submissions: Sequence[RemoteSubmission], *, has_more: bool
    ) -> SubmissionPage:
        """A page fetched after `after_id`: an empty page leaves the cursor where it was."""
        cursor = submissions[-1].id if submissions else after_id
        return cls(tuple(submissions), has_more, cursor)


class FormSourceError(ExternalServiceError):
    """Fetching a form's submissions failed; `site` and `form_id` say which, `detail` says what happened."""

    def __init__(self, message: str, *, site: str, form_id: str) -> None:
        super().__init__(f"{_where(site, form_id)}: {message}")
        self.detail = message
        self.site = site
        self.form_id = form_id


class FormSourceUnavailable(FormSourceError):
    """Unreachable, too slow, failing or rate limiting: worth another sync later; `retry_after` in seconds if known."""

    def __init__(self, message: str, *, site: str, form_id: str, retry_after: float | None = None) -> None:
        super().__init__(message, site=site, form_id=form_id)
        self.retry_after = retry_after


class FormSourceAuthFailed(FormSourceError):
    """The site refused our credentials (HTTP 401/403): an operator must fix them; retrying cannot help."""


class FormSourceBadResponse(FormSourceError):
    """The site answered, but not as the plugin contract says (unknown form, malformed JSON, wrong types)."""


def _where(site: str, form_id: str) -> str:
    """An empty `form_id`: the request was about the site, not one form (listing its forms, say)."""
    return f"site {site!r}, form {form_id!r}" if form_id else f"site {site!r}"
