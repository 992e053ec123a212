"""A form submission that could not become a lead, kept whole until a replay turns it into one."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

from attrs import Factory, evolve, field, frozen

# What a row can hold on every database (4 bytes a character stays within MariaDB's 16 MB packets).
MAX_BODY_LENGTH = 2_000_000
# The reason is read on a page and in a terminal; a whole HTML error page pasted in helps nobody.
MAX_REASON_LENGTH = 2000


class ReceivedBy(enum.StrEnum):
    """How the submission reached us: fetched by the sync, or posted to one of the push intakes."""

    SYNC = "sync"
    PUSH = "push"


def _reason(text: str) -> str:
    return text.strip()[:MAX_REASON_LENGTH] or "no reason given"


@frozen
class FailedSubmission:
    """A submission of `site`'s form `form_id`, and why it is not a lead (yet).

    `fields` are the submission's fields as read (None when its body could not be read at all); `body`
    is the request body as posted (a pushed submission; a synced one's fields are all it had).
    `submission_id` is the site's id for it: the lead a replay makes gets the external id the sync
    would have given it (`{site}/{form}/{id}`), so a lead is never made twice from one submission.
    """

    site: str
    form_id: str
    received_by: ReceivedBy
    reason: str = field(converter=_reason)
    received_at: datetime
    submission_id: str | None = None
    submitted_at: datetime | None = None  # when the person sent it, as the site says
    fields: Mapping[str, str] | None = None
    body: str = ""
    attempts: int = 1
    tried_at: datetime = field(default=Factory(lambda s: s.received_at, takes_self=True))  # the last attempt
    lead_id: int | None = None  # the lead a replay made (or joined)
    replayed_at: datetime | None = None
    id: int | None = None

    @classmethod
    def received(
        cls,
        site: str,
        form_id: str,
        received_by: ReceivedBy,
        reason: str,
        *,
        at: datetime,
        submission_id: str | None = None,
        submitted_at: datetime | None = None,
        fields: Mapping[str, str] | None = None,
        body: str = "",
    ) -> FailedSubmission:
        """A submission refused now; a body too large to keep is cut, and the reason says so."""
        if len(body) > MAX_BODY_LENGTH:
            reason = f"{reason} (the body of {len(body):,} characters is kept cut at {MAX_BODY_LENGTH:,})"
            body = body[:MAX_BODY_LENGTH]
        return cls(
            site,
            form_id,
            received_by,
            reason,
            at,
            submission_id=submission_id,
            submitted_at=submitted_at,
            fields=None if fields is None else dict(fields),
            body=body,
        )

    @property
    def waiting(self) -> bool:
        """Still in the inbox: no replay made a lead of it."""
        return self.replayed_at is None

    def failed_again(self, reason: str, *, at: datetime) -> FailedSubmission:
        """A replay was refused too: the submission stays, with the new reason."""
        return evolve(self, reason=reason, attempts=self.attempts + 1, tried_at=at)

    def replayed(self, lead_id: int, *, at: datetime) -> FailedSubmission:
        """A replay made a lead of it (or found the lead it had become): it leaves the inbox."""
        return evolve(self, lead_id=lead_id, attempts=self.attempts + 1, tried_at=at, replayed_at=at)
