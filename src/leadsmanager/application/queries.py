"""What a lead list asks for, and one page of the answer."""

from __future__ import annotations

import base64
from datetime import datetime

from attrs import Factory, frozen

from leadsmanager.application.parsing import instant, whole_number
from leadsmanager.domain.errors import ValidationError
from leadsmanager.domain.lead import Channel, Lead

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@frozen
class Cursor:
    """Position after the last lead of a page: by (created_at, id), or by (score, id) when `score` is set."""

    created_at: datetime
    id: int
    score: int | None = None

    def encode(self) -> str:
        parts = [self.created_at.isoformat(), str(self.id), *([] if self.score is None else [str(self.score)])]
        return base64.urlsafe_b64encode("|".join(parts).encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """A cursor this product wrote; anything else (a naive time, a non-ASCII digit) is a ValidationError."""
        invalid = ValidationError("the page cursor is not valid", {"cursor": "not a valid cursor"})
        try:
            padded = token + "=" * (-len(token) % 4)
            stamp, ident, *score = base64.urlsafe_b64decode(padded).decode().split("|")
            at = instant(stamp, "cursor")
            if len(score) > 1:
                raise invalid
            number = whole_number(ident, "cursor", minimum=1)
            return cls(at, number, whole_number(score[0], "cursor") if score else None)
        except (ValueError, ValidationError):  # binascii.Error and UnicodeDecodeError are ValueErrors
            raise invalid from None

    @classmethod
    def after(cls, lead: Lead, *, by_score: bool = False) -> Cursor:
        assert lead.id is not None
        return cls(lead.created_at, lead.id, lead.score if by_score else None)


@frozen
class LeadQuery:
    statuses: tuple[str, ...] = ()  # stage keys of the configured pipeline (ListLeads checks them)
    hide_spam: bool = False  # leave out suspected spam (the lists' default, unless statuses are chosen)
    assignee_id: int | None = None
    unassigned: bool = False
    source: Channel | None = None
    site: str | None = None
    form_id: str | None = None
    service: str | None = None
    campaign: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    search: str = ""
    after: Cursor | None = None
    limit: int = DEFAULT_PAGE_SIZE
    oldest_first: bool = False
    by_score: bool = False  # highest score first (ties: newest id first); oldest_first then plays no part


@frozen
class StatsQuery:
    created_from: datetime | None = None
    created_to: datetime | None = None
    assignee_id: int | None = None
    campaign: str | None = None


@frozen
class CampaignCount:
    """`leads` leads of `campaign` (None: of no campaign) whose stage is of kind `kind`."""

    campaign: str | None
    kind: str
    leads: int


@frozen
class LeadStats:
    by_status: dict[str, int]
    by_source: dict[str, int]
    by_assignee: dict[int | None, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@frozen
class LeadPage:
    leads: list[Lead]
    next_cursor: Cursor | None
    owners: dict[int, str] = Factory(dict)  # the owners' names, when asked for
