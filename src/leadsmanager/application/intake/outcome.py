"""What intake made of each submission: typed, never a string or a tuple."""

from __future__ import annotations

import enum

from attrs import field, frozen

from leadsmanager.domain.lead import Lead


class Outcome(enum.StrEnum):
    """The values are what the API answers and the sync reports."""

    CREATED = "created"  # a new lead
    MERGED = "merged"  # joined the open lead that has the same email, else the same phone
    DUPLICATE = "duplicate"  # a replay (its external id or Idempotency-Key was stored): nothing changed
    SPAM = "spam"  # suspected spam: stored as a spam lead of its own, which nothing joins


@frozen
class SubmitResult:
    lead_id: int
    outcome: Outcome
    # The lead as this transaction left it, when it was read or written (not for a replayed request).
    lead: Lead | None = field(default=None, eq=False, repr=False)


@frozen
class Placed:
    """A submission's outcome and its lead while its page is stored: the Lead created or joined, or the
    id of the stored lead it replays (a new lead gets its id only when written)."""

    outcome: Outcome
    lead: Lead | int = field(eq=False)

    def result(self) -> SubmitResult:
        if isinstance(self.lead, int):
            return SubmitResult(self.lead, self.outcome)
        assert self.lead.id is not None
        return SubmitResult(self.lead.id, self.outcome, self.lead)
